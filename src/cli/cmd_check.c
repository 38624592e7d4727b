/* cmd_check.c - `ziplint check` and `ziplint fix`: options into library
 * calls, one archive at a time; an archive that fails does not stop the
 * others. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* What one run shares across its archives. */
typedef struct run {
    const cli_args *args;
    cli_settings *set;
    zl_ruleset *rs;
    zl_report *rep;
    FILE *out;   /* the report's stream */
    int trouble; /* an archive could not be read or written */
    int failing; /* a finding at or above --fail-on, or a refused fix */
} run;

static int result_fails(const run *r, const zl_result *res)
{
    zl_severity max = zl_result_max_severity(res);
    return r->set->fail_on != ZL_SEV_NONE && max != ZL_SEV_NONE && max >= r->set->fail_on;
}

/* Adds an archive to the report; a report that cannot grow (out of
 * memory) is trouble, not silence. */
static void report(run *r, const char *path, const zl_archive *ar, const zl_result *res,
                   const zl_plan *applied, const char *error)
{
    if (zl_report_archive(r->rep, path, ar, res, applied, error) != ZL_OK) {
        fprintf(stderr, "ziplint: %s: cannot add the archive to the report\n", path);
        r->trouble = 1;
    }
}

/* Reports an archive that could not be read or written: one line on
 * stderr (the library's message names the file), and the report's entry. */
static void archive_trouble(run *r, const char *path, const char *message)
{
    fprintf(stderr, "ziplint: %s\n", message);
    report(r, path, NULL, NULL, NULL, message);
    r->trouble = 1;
}

/* Copies standard input into an unnamed temporary file and opens it: a
 * zip is read from its end, so it cannot be read as a stream. */
static int open_stdin(zl_archive **ar, zl_error *err)
{
    int rc = ZL_E_IO;
    const char *dir = getenv("TMPDIR");
    char *tmp = NULL;
    FILE *fp = NULL;
    int fd = -1;
    char buf[65536];
    size_t n;

    if (dir == NULL || dir[0] == '\0')
        dir = "/tmp";
    size_t len = strlen(dir) + sizeof "/ziplint-stdin-XXXXXX";
    if ((tmp = malloc(len)) == NULL) {
        rc = ZL_E_NOMEM;
        snprintf(err->message, sizeof err->message, "-: out of memory");
        goto out;
    }
    snprintf(tmp, len, "%s/ziplint-stdin-XXXXXX", dir);
    if ((fd = mkstemp(tmp)) < 0) {
        snprintf(err->message, sizeof err->message, "-: cannot create a temporary file in %s: %s",
                 dir, strerror(errno));
        free(tmp);
        tmp = NULL;
        goto out;
    }
    if ((fp = fdopen(fd, "wb")) == NULL) {
        snprintf(err->message, sizeof err->message, "-: %s", strerror(errno));
        close(fd);
        goto out;
    }
    while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
        if (fwrite(buf, 1, n, fp) != n)
            break;
    if (ferror(stdin) || ferror(fp)) {
        snprintf(err->message, sizeof err->message, "-: cannot copy standard input: %s",
                 strerror(errno));
        goto out;
    }
    if (fclose(fp) != 0) {
        fp = NULL;
        snprintf(err->message, sizeof err->message, "-: cannot copy standard input: %s",
                 strerror(errno));
        goto out;
    }
    fp = NULL;
    rc = zl_archive_open(ar, tmp, err);
    if (rc != ZL_OK) {
        /* The message names the temporary file; name what the user gave. */
        size_t tl = strlen(tmp);
        if (tl > 0 && strncmp(err->message, tmp, tl) == 0) {
            err->message[0] = '-';
            memmove(err->message + 1, err->message + tl, strlen(err->message + tl) + 1);
        }
    }
out:
    if (fp != NULL)
        fclose(fp);
    if (tmp != NULL) {
        /* The archive keeps its file open; the name is no longer needed. */
        unlink(tmp);
        free(tmp);
    }
    if (rc != ZL_OK)
        err->code = rc;
    return rc;
}

static int open_archive(const char *path, zl_archive **ar, zl_error *err)
{
    if (strcmp(path, "-") == 0)
        return open_stdin(ar, err);
    return zl_archive_open(ar, path, err);
}

/* Checks one archive, fixing it first when asked. */
static void process_archive(run *r, const char *path)
{
    const zl_options *opt = &r->set->opt;
    zl_archive *ar = NULL, *after = NULL;
    zl_result *res = NULL, *left = NULL;
    zl_plan *plan = NULL;
    zl_error err;
    zl_error_init(&err);

    if (open_archive(path, &ar, &err) != ZL_OK ||
        zl_check_run(ar, r->rs, opt, &res, &err) != ZL_OK) {
        archive_trouble(r, path, err.message);
        goto out;
    }
    if (!opt->fixing) {
        report(r, path, ar, res, NULL, NULL);
        r->failing |= result_fails(r, res);
        goto out;
    }

    int rc = zl_plan_new(&plan, ar, res, opt, &err);
    if (rc == ZL_E_REFUSED) {
        /* Refused: the archive is left as it was and the run fails
         * whatever --fail-on says. */
        size_t pl = strlen(path);
        if (strncmp(err.message, path, pl) == 0 && err.message[pl] == ':')
            fprintf(stderr, "ziplint: %s (archive left unchanged)\n", err.message);
        else
            fprintf(stderr, "ziplint: %s: fix refused (archive left unchanged): %s\n", path,
                    err.message);
        report(r, path, ar, res, NULL, NULL);
        r->failing = 1;
        goto out;
    }
    if (rc != ZL_OK) {
        archive_trouble(r, path, err.message);
        goto out;
    }
    if (r->args->dry_run) {
        /* JSON owns standard output: the plan goes to stderr then. */
        FILE *fp = r->set->ro.format == ZL_FORMAT_JSON ? stderr : r->out;
        fprintf(fp, "%s: dry run, nothing written; fix would:\n", path);
        if (zl_plan_is_empty(plan))
            fprintf(fp, "  change nothing\n");
        zl_plan_print(plan, fp);
        fputc('\n', fp);
        report(r, path, ar, res, NULL, NULL);
        r->failing |= result_fails(r, res);
        goto out;
    }
    /* An archive that needs no change is not rewritten (its mtime stays),
     * unless --output asks for a copy anyway. */
    if (zl_plan_is_empty(plan) && r->args->output == NULL) {
        report(r, path, ar, res, plan, NULL);
        r->failing |= result_fails(r, res);
        goto out;
    }
    if (zl_plan_apply(plan, r->args->output, &err) != ZL_OK) {
        archive_trouble(r, path, err.message);
        goto out;
    }
    /* Read back what was written and check it again: what is reported is
     * what is left, and a fixed rule visibly no longer fires. */
    const char *target = r->args->output != NULL ? r->args->output : path;
    if (zl_archive_open(&after, target, &err) != ZL_OK ||
        zl_check_run(after, r->rs, opt, &left, &err) != ZL_OK) {
        archive_trouble(r, target, err.message);
        goto out;
    }
    report(r, target, after, left, plan, NULL);
    r->failing |= result_fails(r, left);
    if (r->args->exit_non_zero_on_fix && !zl_plan_is_empty(plan))
        r->failing = 1;
out:
    /* The plan borrows ar and res; the results borrow their archives. */
    zl_plan_free(plan);
    zl_result_free(left);
    zl_archive_close(after);
    zl_result_free(res);
    zl_archive_close(ar);
}

/* Opens each --layer archive once to count its unzipped bytes into the
 * ZL301 budget. Returns 0, or -1 when one could not be read. */
static int add_layers(run *r)
{
    int status = 0;
    zl_options *opt = &r->set->opt;
    for (size_t i = 0; i < r->args->n_layers; i++) {
        zl_archive *ar = NULL;
        zl_error err;
        zl_error_init(&err);
        if (zl_archive_open(&ar, r->args->layers[i], &err) != ZL_OK) {
            fprintf(stderr, "ziplint: layer %s\n", err.message);
            status = -1;
            continue;
        }
        uint64_t n = zl_archive_unzipped_size(ar);
        opt->layers_size = opt->layers_size > UINT64_MAX - n ? UINT64_MAX : opt->layers_size + n;
        opt->layer_count++;
        zl_archive_close(ar);
    }
    return status;
}

static int run_command(const cli_command *cmd, int argc, char **argv, int fixing)
{
    cli_args a;
    cli_settings set;
    run r = {.args = &a, .set = &set, .out = stdout};
    zl_error err;
    FILE *report_fp = NULL;
    zl_error_init(&err);

    int status = cli_args_parse(cmd, argc, argv, &a);
    if (status != ZL_EXIT_OK)
        goto out;
    if (a.help) {
        cli_usage_command(cmd, stdout);
        goto out;
    }
    if ((status = cli_args_validate(cmd, &a, fixing, &set)) != ZL_EXIT_OK)
        goto out;
    status = ZL_EXIT_TROUBLE;
    if (zl_ruleset_new(&r.rs, &err) != ZL_OK) {
        fprintf(stderr, "ziplint: %s\n", err.message);
        goto out;
    }
    if ((set.opt.select != NULL &&
         zl_ruleset_check_selection(r.rs, set.opt.select, &err) != ZL_OK) ||
        (set.opt.ignore != NULL &&
         zl_ruleset_check_selection(r.rs, set.opt.ignore, &err) != ZL_OK)) {
        status = cli_usage_error(cmd, "%s", err.message);
        goto out;
    }
    if (a.report_file != NULL) {
        if ((report_fp = fopen(a.report_file, "w")) == NULL) {
            fprintf(stderr, "ziplint: %s: cannot write the report: %s\n", a.report_file,
                    strerror(errno));
            goto out;
        }
        r.out = report_fp;
    }
    set.ro.color = set.ro.format == ZL_FORMAT_TEXT && cli_want_color(set.color, r.out);
    if (zl_report_new(&r.rep, r.out, &set.ro, &err) != ZL_OK) {
        fprintf(stderr, "ziplint: %s\n", err.message);
        goto out;
    }
    if (add_layers(&r) != 0)
        r.trouble = 1;
    for (size_t i = 0; i < a.n_paths; i++)
        process_archive(&r, a.paths[i]);
    if (zl_report_finish(r.rep, &err) != ZL_OK) {
        fprintf(stderr, "ziplint: %s\n", err.message);
        r.trouble = 1;
    }
    status = r.trouble ? ZL_EXIT_TROUBLE : r.failing ? ZL_EXIT_FINDINGS : ZL_EXIT_OK;
out:
    zl_report_free(r.rep);
    zl_ruleset_free(r.rs);
    if (report_fp != NULL && fclose(report_fp) != 0) {
        fprintf(stderr, "ziplint: %s: cannot write the report: %s\n", a.report_file,
                strerror(errno));
        status = ZL_EXIT_TROUBLE;
    }
    cli_args_free(&a);
    return status;
}

int cmd_check(const cli_command *cmd, int argc, char **argv)
{
    return run_command(cmd, argc, argv, 0);
}

int cmd_fix(const cli_command *cmd, int argc, char **argv)
{
    return run_command(cmd, argc, argv, 1);
}
