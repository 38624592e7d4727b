/* check_config.c - STUB suite: to be written. */
#include "config.h"

#include "check_suites.h"

Suite *suite_config(void)
{
    return suite_create("config");
}
