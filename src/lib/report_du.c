/* report_du.c - `ziplint du`'s output: the tree du.c builds from the entry
 * table, printed largest first with each node's share of Lambda's 250 MiB
 * budget and a bar, or the same tree as JSON (jansson). */
#include "config.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

#define TOP_SHOWN 20 /* top-level children shown without -v */
#define KIDS_SHOWN 5 /* children of a folder shown without -v */
#define BAR 20

static double share(uint64_t bytes)
{
    return (double)bytes * 100.0 / (double)ZL_BUDGET_BYTES;
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
        zl_report_put_safe(fp, label);
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

/* ---- JSON ---- */

static json_t *json_node(const zl_du_node *n, int level, int depth)
{
    json_t *o = json_object();
    if (o == NULL)
        return NULL;
    int bad = json_object_set_new(o, "name", zl_json_str(n->name)) != 0 ||
              json_object_set_new(o, "path", zl_json_str(n->path)) != 0 ||
              json_object_set_new(o, "type", json_string(n->is_dir ? "dir" : "file")) != 0 ||
              json_object_set_new(o, "bytes", zl_json_uint(n->bytes)) != 0 ||
              json_object_set_new(o, "files", zl_json_uint(n->files)) != 0 ||
              json_object_set_new(o, "share",
                                  json_real((double)n->bytes / (double)ZL_BUDGET_BYTES)) != 0;
    if (!bad && n->is_dir && level + 1 < depth) {
        json_t *kids = json_array();
        bad = json_object_set_new(o, "children", kids) != 0;
        for (size_t i = 0; !bad && i < n->n_children; i++)
            bad = json_array_append_new(kids, json_node(n->children[i], level + 1, depth)) != 0;
    }
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static int write_json(FILE *fp, const char *path, const zl_archive *ar, const zl_du_node *root,
                      int depth, zl_error *err)
{
    json_t *tree = json_array();
    json_t *doc = json_pack("{s:i, s:{s:s, s:s}, s:o, s:I, s:I, s:I, s:I, s:I, s:f, s:i, s:o}",
                            "version", 1, "tool", "name", "ziplint", "version", zl_version(),
                            "path", zl_json_str(path), "entries",
                            (json_int_t)zl_archive_entry_count(ar), "files",
                            (json_int_t)root->files, "zipped_bytes",
                            (json_int_t)zl_archive_zipped_size(ar), "unzipped_bytes",
                            (json_int_t)root->bytes, "budget_bytes", (json_int_t)ZL_BUDGET_BYTES,
                            "share", (double)root->bytes / (double)ZL_BUDGET_BYTES, "depth",
                            depth, "tree", tree);
    int rc = ZL_OK;
    if (doc == NULL) {
        rc = zl_error_set(err, ZL_E_NOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < root->n_children; i++) {
        if (json_array_append_new(tree, json_node(root->children[i], 0, depth)) != 0) {
            rc = zl_error_set(err, ZL_E_NOMEM, "out of memory");
            goto out;
        }
    }
    if (zl_json_write(doc, fp) != 0)
        rc = zl_error_set(err, ZL_E_IO, "cannot write the report: %s", strerror(errno));
out:
    json_decref(doc); /* owns tree when it was made */
    return rc;
}

int zl_du_write(const zl_du *du, const zl_archive *ar, const char *path, FILE *fp,
                zl_format format, int depth, int all, zl_error *err)
{
    const zl_du_node *root = zl_du_root(du);
    if (format == ZL_FORMAT_JSON)
        return write_json(fp, path, ar, root, depth, err);
    char human[32];
    zl_report_put_safe(fp, path);
    fprintf(fp, ": %llu bytes (%s) unzipped in %llu files, %.1f%% of the 250 MiB budget\n",
            (unsigned long long)root->bytes, zl_format_bytes(root->bytes, human, sizeof human),
            (unsigned long long)root->files, share(root->bytes));
    put_tree(fp, root, 0, depth, all);
    if (ferror(fp))
        return zl_error_set(err, ZL_E_IO, "cannot write the report: %s", strerror(errno));
    return ZL_OK;
}
