/* check_plan.c - STUB suite: to be written. */
#include "config.h"

#include "check_suites.h"

Suite *suite_plan(void)
{
    Suite *s = suite_create("plan");
    return s;
}
