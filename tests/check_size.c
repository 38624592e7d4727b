/* check_size.c - STUB suite: to be written. */
#include "config.h"

#include "check_suites.h"

Suite *suite_size(void)
{
    Suite *s = suite_create("size");
    return s;
}
