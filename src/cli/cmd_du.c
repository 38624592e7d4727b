/* cmd_du.c - `ziplint du ZIP`: where the unzipped bytes go, as a tree of
 * folders (the library builds it from the entry table) printed largest
 * first, with each one's share of Lambda's 250 MiB budget and a bar; or
 * the same tree as JSON. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define DEFAULT_DEPTH 2
#define MAX_DEPTH 64

int cmd_du(const cli_command *cmd, int argc, char **argv)
{
    cli_args a;
    zl_archive *ar = NULL;
    zl_du *du = NULL;
    FILE *fp = stdout;
    zl_error err;
    zl_error_init(&err);
    int status = cli_args_parse(cmd, argc, argv, &a);
    if (status != ZL_EXIT_OK)
        return status;
    if (a.help) {
        cli_usage_command(cmd, stdout);
        goto out;
    }
    status = ZL_EXIT_TROUBLE;
    int json = 0, depth = DEFAULT_DEPTH;
    if (a.n_paths != 1) {
        status = cli_usage_error(cmd, a.n_paths == 0 ? "no archive given"
                                                     : "takes exactly one archive");
        goto out;
    }
    if (a.format != NULL) {
        if (strcmp(a.format, "json") == 0) {
            json = 1;
        } else if (strcmp(a.format, "text") != 0) {
            status = cli_usage_error(cmd, "unknown format '%s' (expected text or json)", a.format);
            goto out;
        }
    }
    if (a.depth != NULL) {
        char *end = NULL;
        errno = 0;
        long d = strtol(a.depth, &end, 10);
        if (a.depth[0] < '0' || a.depth[0] > '9' || errno != 0 || *end != '\0' || d < 1 ||
            d > MAX_DEPTH) {
            status = cli_usage_error(cmd, "bad --depth '%s' (expected a number from 1 to %d)",
                                     a.depth, MAX_DEPTH);
            goto out;
        }
        depth = (int)d;
    }
    if (strcmp(a.paths[0], "-") == 0) {
        status = cli_usage_error(cmd, "cannot read standard input ('-'): give the archive's path");
        goto out;
    }
    if (zl_archive_open(&ar, a.paths[0], &err) != ZL_OK ||
        zl_du_new(&du, ar, &err) != ZL_OK) {
        fprintf(stderr, "ziplint: %s\n", err.message);
        goto out;
    }
    if (a.report_file != NULL && (fp = fopen(a.report_file, "w")) == NULL) {
        fprintf(stderr, "ziplint: %s: cannot write: %s\n", a.report_file, strerror(errno));
        fp = stdout;
        goto out;
    }
    if (zl_du_write(du, ar, a.paths[0], fp, json ? ZL_FORMAT_JSON : ZL_FORMAT_TEXT, depth,
                    a.verbose, &err) != ZL_OK) {
        fprintf(stderr, "ziplint: %s\n", err.message);
        goto out;
    }
    status = ZL_EXIT_OK;
    if (fp != stdout && fclose(fp) != 0) {
        fprintf(stderr, "ziplint: %s: cannot write: %s\n", a.report_file, strerror(errno));
        status = ZL_EXIT_TROUBLE;
    }
    fp = stdout;
out:
    if (fp != stdout)
        fclose(fp);
    zl_du_free(du);
    zl_archive_close(ar);
    cli_args_free(&a);
    return status;
}
