/* check_ruleset.c - STUB suite: to be written. */
#include "config.h"

#include "check_suites.h"

Suite *suite_ruleset(void)
{
    Suite *s = suite_create("ruleset");
    return s;
}
