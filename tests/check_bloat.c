/* check_bloat.c - STUB suite: to be written. */
#include "config.h"

#include "check_suites.h"

Suite *suite_bloat(void)
{
    Suite *s = suite_create("bloat");
    return s;
}
