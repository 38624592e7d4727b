/* check_repro.c - STUB suite: to be written. */
#include "config.h"

#include "check_suites.h"

Suite *suite_repro(void)
{
    return suite_create("repro");
}
