/* fuzz_ziplint.c - libFuzzer target over the whole pipeline a hostile zip
 * goes through: open, check (every default rule, the integrity rules and
 * --verify), the text and JSON reports, plan, and write (to a temporary
 * file, removed afterwards). Built by `make fuzz` (tests/fuzz/run.sh). */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "zl_internal.h"

static char out_dir[64];
static char out_path[96];
static char in_path[64];
static zl_ruleset *rules;
static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    setenv("TZ", "UTC0", 1);
    tzset();
    snprintf(out_dir, sizeof out_dir, "/tmp/zlfuzz-XXXXXX");
    if (mkdtemp(out_dir) == NULL)
        abort();
    snprintf(out_path, sizeof out_path, "%s/out.zip", out_dir);
    snprintf(in_path, sizeof in_path, "%s/in.zip", out_dir);
    zl_error err;
    zl_error_init(&err);
    if (zl_ruleset_new(&rules, &err) != ZL_OK)
        abort();
    devnull = fopen("/dev/null", "w");
    if (devnull == NULL)
        abort();
    return 0;
}

/* Writes the input where zl_archive_open can read it. */
static int put_input(const uint8_t *data, size_t size)
{
    FILE *fp = fopen(in_path, "wb");
    if (fp == NULL)
        return -1;
    size_t n = size ? fwrite(data, 1, size, fp) : 0;
    if (fclose(fp) != 0 || n != size)
        return -1;
    return 0;
}

static void report_all(const zl_archive *ar, const zl_result *res, const zl_plan *plan)
{
    for (int fmt = 0; fmt < 2; fmt++) {
        zl_report_options ro = {.format = fmt ? ZL_FORMAT_JSON : ZL_FORMAT_TEXT,
                                .verbosity = 1,
                                .fixing = plan != NULL,
                                .fail_on = ZL_SEV_INFO};
        zl_report *rep = NULL;
        zl_error err;
        if (zl_report_new(&rep, devnull, &ro, &err) != ZL_OK)
            continue;
        zl_report_archive(rep, in_path, ar, res, plan, NULL);
        zl_report_finish(rep, &err);
        zl_report_free(rep);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    zl_archive *ar = NULL;
    zl_result *res = NULL;
    zl_plan *plan = NULL;
    zl_error err;
    zl_error_init(&err);

    if (put_input(data, size) != 0)
        abort();
    zl_options opt;
    zl_options_init(&opt);
    opt.verify = 1;
    opt.fixing = 1; /* every integrity rule runs, as on a fix */
    if (zl_archive_open(&ar, in_path, &err) != ZL_OK)
        goto out;
    /* As `ziplint fix` does: planned and staged while the data rules run,
     * committed once they are done. */
    if (zl_check_start(ar, rules, &opt, &res, &err) != ZL_OK)
        goto out;
    int planned = zl_plan_new(&plan, ar, res, &opt, &err) == ZL_OK;
    int staged = planned && !zl_plan_is_empty(plan) && zl_plan_stage(plan, out_path, &err) == ZL_OK;
    if (zl_check_finish(res, &err) != ZL_OK)
        goto out;
    report_all(ar, res, NULL);
    if (!planned)
        goto out;
    zl_plan_print(plan, devnull);
    int committed = staged ? zl_plan_commit(plan, &err) : ZL_E_INVAL;
    if (committed == ZL_E_REFUSED && access(out_path, F_OK) == 0) {
        fprintf(stderr, "a refused commit named its file\n");
        abort();
    }
    if (committed == ZL_OK) {
        /* What was written must open and check again. */
        zl_archive *after = NULL;
        zl_result *left = NULL;
        zl_error aerr;
        if (zl_archive_open(&after, out_path, &aerr) != ZL_OK) {
            fprintf(stderr, "rewritten archive does not open: %s\n", aerr.message);
            abort();
        }
        if (zl_check_run(after, rules, &opt, &left, &aerr) != ZL_OK) {
            fprintf(stderr, "rewritten archive does not check: %s\n", aerr.message);
            abort();
        }
        zl_result_free(left);
        zl_archive_close(after);
    }
out:
    zl_plan_free(plan);
    zl_result_free(res);
    zl_archive_close(ar);
    unlink(out_path);
    return 0;
}
