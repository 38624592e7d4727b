/* check_archive.c - STUB suite: to be written. */
#include "config.h"

#include "check_suites.h"

Suite *suite_archive(void)
{
    Suite *s = suite_create("archive");
    return s;
}
