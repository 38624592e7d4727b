/* check_suites.h - the suites of the one Check runner, and the helpers
 * they share (check_util.c). */
#ifndef CHECK_SUITES_H
#define CHECK_SUITES_H

#include <check.h>

#include "zl_internal.h"

Suite *suite_archive(void);
Suite *suite_layout(void);
Suite *suite_modes(void);
Suite *suite_size(void);
Suite *suite_bloat(void);
Suite *suite_ruleset(void);
Suite *suite_plan(void);
Suite *suite_integrity(void);
Suite *suite_platform(void);
Suite *suite_config(void);
Suite *suite_repro(void);
Suite *suite_inflate(void);

/* The path of a fixture in fixtures/ (a static buffer, valid until the next
 * call). */
const char *fixture_path(const char *name);

/* One check of one fixture: open it, run the rules, keep everything for
 * the assertions. Fails the test when the archive does not open. */
typedef struct tcheck {
    zl_ruleset *rs;
    zl_archive *ar;
    zl_result *res;
} tcheck;

/* opt may be NULL for the defaults. */
void tcheck_run(tcheck *t, const char *fixture, const zl_options *opt);
/* Same on any path (a temporary copy, a file made by the test). */
void tcheck_run_path(tcheck *t, const char *path, const zl_options *opt);
void tcheck_free(tcheck *t);
/* The finding with this code, or NULL. */
const zl_finding *tcheck_finding(const tcheck *t, const char *code);
/* The finding's entry with this name, or NULL. */
const zl_finding_entry *finding_entry(const zl_finding *f, const char *name);
/* A comma-separated list of the result's codes ("" when none): for exact
 * assertions such as ck_assert_str_eq(codes, "ZL101,ZL401"). Static buffer. */
const char *tcheck_codes(const tcheck *t);

/* Copies a fixture to a new temporary folder; returns the copy's path
 * (malloc'd). rm_tree() removes that folder. */
char *copy_fixture(const char *name);
void rm_tree(const char *path_in_tmpdir);
/* Reads a whole file (malloc'd); NULL when it cannot. */
unsigned char *read_file(const char *path, size_t *len);

#endif
