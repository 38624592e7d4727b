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
#define TOP_SHOWN 20  /* top-level children shown without -v */
#define KIDS_SHOWN 5  /* children of a folder shown without -v */
#define BAR 20

static double share(uint64_t bytes)
{
    return (double)bytes * 100.0 / (double)ZL_BUDGET_BYTES;
}

/* Writes a name, control bytes as \xNN (they could move the cursor). */
static void put_safe(FILE *fp, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            fprintf(fp, "\\x%02x", *p);
        else
            fputc(*p, fp);
    }
}

static void put_row(FILE *fp, uint64_t bytes, int level, const char *label, int escape)
{
    char human[32];
    char bar[BAR + 1];
    double pct = share(bytes);
    int fill = (int)(pct / 100.0 * BAR + 0.5);
    if (fill > BAR)
        fill = BAR;
    if (fill == 0 && bytes > 0 && pct >= 100.0 / BAR / 2)
        fill = 1;
    memset(bar, '#', (size_t)fill);
    memset(bar + fill, ' ', (size_t)(BAR - fill));
    bar[BAR] = '\0';
    fprintf(fp, "%12llu  %9s  %5.1f%%  [%s]  %*s", (unsigned long long)bytes,
            zl_format_bytes(bytes, human, sizeof human), pct, bar, level * 2, "");
    if (escape)
        put_safe(fp, label);
    else
        fputs(label, fp);
    fputc('\n', fp);
}

static void put_tree(FILE *fp, const zl_du_node *n, int level, int depth, int all)
{
    size_t limit = all ? n->n_children : level == 0 ? TOP_SHOWN : KIDS_SHOWN;
    size_t shown = n->n_children < limit ? n->n_children : limit;
    for (size_t i = 0; i < shown; i++) {
        const zl_du_node *c = n->children[i];
        put_row(fp, c->bytes, level, c->path, 1);
        if (level + 1 < depth && c->is_dir)
            put_tree(fp, c, level + 1, depth, all);
    }
    if (shown < n->n_children) {
        uint64_t rest = 0;
        for (size_t i = shown; i < n->n_children; i++)
            rest += n->children[i]->bytes;
        char label[64];
        snprintf(label, sizeof label, "(%zu more; -v shows them)", n->n_children - shown);
        put_row(fp, rest, level, label, 0);
    }
}

/* ---- JSON, written by hand: names are raw bytes, made valid UTF-8 ---- */

/* Length of the valid UTF-8 sequence at s, or 0. */
static size_t utf8_len(const unsigned char *s)
{
    unsigned c = s[0];
    size_t len;
    unsigned min, cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
        min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        min = 0x10000;
    } else {
        return 0;
    }
    cp = c & (0x7f >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
        return 0;
    return len;
}

static void json_str(FILE *fp, const char *s)
{
    fputc('"', fp);
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        if (*p == '"' || *p == '\\') {
            fprintf(fp, "\\%c", *p++);
        } else if (*p < 0x20 || *p == 0x7f) {
            fprintf(fp, "\\u%04x", *p++);
        } else {
            size_t n = utf8_len(p);
            if (n == 0) {
                fputs("\\ufffd", fp);
                p++;
            } else {
                fwrite(p, 1, n, fp);
                p += n;
            }
        }
    }
    fputc('"', fp);
}

static void json_node(FILE *fp, const zl_du_node *n, int level, int depth, int indent)
{
    fprintf(fp, "%*s{\"name\": ", indent, "");
    json_str(fp, n->name);
    fputs(", \"path\": ", fp);
    json_str(fp, n->path);
    fprintf(fp, ", \"type\": \"%s\", \"bytes\": %llu, \"files\": %llu, \"share\": %.6f",
            n->is_dir ? "dir" : "file", (unsigned long long)n->bytes,
            (unsigned long long)n->files, (double)n->bytes / (double)ZL_BUDGET_BYTES);
    if (n->is_dir && level + 1 < depth) {
        fputs(", \"children\": [", fp);
        for (size_t i = 0; i < n->n_children; i++) {
            fputs(i ? ",\n" : "\n", fp);
            json_node(fp, n->children[i], level + 1, depth, indent + 2);
        }
        if (n->n_children)
            fprintf(fp, "\n%*s", indent, "");
        fputc(']', fp);
    }
    fputc('}', fp);
}

static void put_json(FILE *fp, const char *path, const zl_archive *ar, const zl_du_node *root,
                     int depth)
{
    fprintf(fp, "{\n  \"version\": 1,\n  \"tool\": {\"name\": \"ziplint\", \"version\": ");
    json_str(fp, zl_version());
    fputs("},\n  \"path\": ", fp);
    json_str(fp, path);
    fprintf(fp,
            ",\n  \"entries\": %zu,\n  \"files\": %llu,\n  \"zipped_bytes\": %llu,\n"
            "  \"unzipped_bytes\": %llu,\n  \"budget_bytes\": %llu,\n  \"share\": %.6f,\n"
            "  \"depth\": %d,\n  \"tree\": [",
            zl_archive_entry_count(ar), (unsigned long long)root->files,
            (unsigned long long)zl_archive_zipped_size(ar),
            (unsigned long long)root->bytes, (unsigned long long)ZL_BUDGET_BYTES,
            (double)root->bytes / (double)ZL_BUDGET_BYTES, depth);
    for (size_t i = 0; i < root->n_children; i++) {
        fputs(i ? ",\n" : "\n", fp);
        json_node(fp, root->children[i], 0, depth, 4);
    }
    fputs(root->n_children ? "\n  ]\n}\n" : "]\n}\n", fp);
}

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
    const zl_du_node *root = zl_du_root(du);
    if (json) {
        put_json(fp, a.paths[0], ar, root, depth);
    } else {
        char human[32];
        put_safe(fp, a.paths[0]);
        fprintf(fp, ": %llu bytes (%s) unzipped in %llu files, %.1f%% of the 250 MiB budget\n",
                (unsigned long long)root->bytes, zl_format_bytes(root->bytes, human, sizeof human),
                (unsigned long long)root->files, share(root->bytes));
        put_tree(fp, root, 0, depth, a.verbose);
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
