/* check_modes.c - STUB suite: to be written. */
#include "config.h"

#include "check_suites.h"

Suite *suite_modes(void)
{
    Suite *s = suite_create("modes");
    return s;
}
