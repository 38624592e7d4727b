/* check_layout.c - STUB suite: to be written. */
#include "config.h"

#include "check_suites.h"

Suite *suite_layout(void)
{
    Suite *s = suite_create("layout");
    return s;
}
