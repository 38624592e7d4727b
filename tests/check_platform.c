/* check_platform.c - STUB suite: to be written. */
#include "config.h"

#include "check_suites.h"

Suite *suite_platform(void)
{
    return suite_create("platform");
}
