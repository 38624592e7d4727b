/* check_main.c - the one Check runner: a suite per area. */
#include "config.h"

#include <stdlib.h>
#include <time.h>

#include "check_suites.h"

int main(void)
{
    /* Bytes written must never depend on the time zone (libzip goes
     * through localtime for DOS times). */
    setenv("TZ", "UTC0", 1);
    tzset();
    SRunner *sr = srunner_create(suite_archive());
    srunner_add_suite(sr, suite_layout());
    srunner_add_suite(sr, suite_modes());
    srunner_add_suite(sr, suite_size());
    srunner_add_suite(sr, suite_bloat());
    srunner_add_suite(sr, suite_ruleset());
    srunner_add_suite(sr, suite_plan());
    srunner_add_suite(sr, suite_integrity());
    srunner_add_suite(sr, suite_platform());
    srunner_add_suite(sr, suite_config());
    srunner_add_suite(sr, suite_repro());
    srunner_add_suite(sr, suite_inflate());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
