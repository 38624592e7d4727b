/* check_integrity.c - STUB suite: to be written. */
#include "config.h"

#include "check_suites.h"

Suite *suite_integrity(void)
{
    return suite_create("integrity");
}
