/* size.c - ZL3xx: Lambda's size and count limits. These run in stage 1,
 * after the other rules, so ZL301 can say which fixes would recover how
 * many bytes. */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../zl_internal.h"

/* Appends to a malloc'd string; on ENOMEM frees it and leaves NULL. */
static void sb_add(char **s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_add(char **s, const char *fmt, ...)
{
    if (*s == NULL)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *more = zl_vasprintf(fmt, ap);
    va_end(ap);
    char *joined = more ? zl_asprintf("%s%s", *s, more) : NULL;
    free(more);
    free(*s);
    *s = joined;
}

/* ---- ZL301 unzipped-size ---- */

typedef struct top_item {
    const char *name; /* first path component (after the wrapper) */
    size_t len;
    uint64_t size;
} top_item;

static int cmp_by_name(const void *a, const void *b)
{
    const top_item *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->name, y->name, n);
    return c != 0 ? c : (x->len > y->len) - (x->len < y->len);
}

static int cmp_by_size(const void *a, const void *b)
{
    const top_item *x = a, *y = b;
    if (x->size != y->size)
        return x->size < y->size ? 1 : -1;
    return cmp_by_name(a, b);
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* Appends "pkg (size), ..." for the five largest top-level names. */
static int largest_packages(const zl_ctx *ctx, char **msg)
{
    const zl_archive *ar = ctx->ar;
    size_t n = 0;
    if (ar->n_entries == 0)
        return ZL_OK;
    top_item *items = calloc(ar->n_entries, sizeof *items);
    if (items == NULL)
        return ZL_E_NOMEM;
    for (size_t i = 0; i < ar->n_entries; i++) {
        const zl_entry *e = &ar->entries[i];
        const char *p = e->path;
        size_t len = e->name_len;
        if (ctx->wrapper != NULL && len >= ctx->wrapper_len &&
            memcmp(p, ctx->wrapper, ctx->wrapper_len) == 0) {
            p += ctx->wrapper_len;
            len -= ctx->wrapper_len;
        }
        const char *slash = memchr(p, '/', len);
        if (slash != NULL)
            len = (size_t)(slash - p);
        if (len == 0)
            continue;
        items[n++] = (top_item){p, len, e->size};
    }
    qsort(items, n, sizeof *items, cmp_by_name);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (m > 0 && cmp_by_name(&items[m - 1], &items[i]) == 0)
            items[m - 1].size = add_sat(items[m - 1].size, items[i].size);
        else
            items[m++] = items[i];
    }
    qsort(items, m, sizeof *items, cmp_by_size);
    for (size_t i = 0; i < m && i < 5; i++) {
        char b[32];
        sb_add(msg, "%s%.*s (%s)", i == 0 ? " The largest top-level packages: " : ", ",
               (int)items[i].len, items[i].name, zl_format_bytes(items[i].size, b, sizeof b));
    }
    if (m > 0)
        sb_add(msg, ".");
    free(items);
    return *msg == NULL ? ZL_E_NOMEM : ZL_OK;
}

/* What an edit frees: a deleted entry's size, what replacing its data
 * shrinks it by; renames and mode changes free nothing. */
static uint64_t edit_frees(const zl_archive *ar, const zl_edit *ed)
{
    uint64_t size = ar->entries[ed->entry].size;
    if (ed->kind == ZL_EDIT_DELETE)
        return size;
    if (ed->kind == ZL_EDIT_REPLACE)
        return size > ed->len ? size - ed->len : 0;
    return 0;
}

/* The bytes the safe fixes free, and the further bytes the unsafe ones
 * would: each entry counted once, however many rules delete it. */
static int freed_totals(const zl_ctx *ctx, uint64_t *safe_sum, uint64_t *unsafe_sum)
{
    const zl_archive *ar = ctx->ar;
    const zl_finding *const *fs = NULL;
    size_t nf = zl_ctx_findings(ctx, &fs);
    uint64_t *safe = calloc(ar->n_entries ? ar->n_entries : 1, sizeof *safe);
    uint64_t *any = calloc(ar->n_entries ? ar->n_entries : 1, sizeof *any);
    *safe_sum = *unsafe_sum = 0;
    if (safe == NULL || any == NULL) {
        free(safe);
        free(any);
        return ZL_E_NOMEM;
    }
    for (size_t i = 0; i < nf; i++)
        for (size_t k = 0; k < fs[i]->n_edits; k++) {
            const zl_edit *ed = &fs[i]->edits[k];
            if (ed->entry >= ar->n_entries)
                continue;
            uint64_t n = edit_frees(ar, ed);
            if (ed->safe && n > safe[ed->entry])
                safe[ed->entry] = n;
            if (n > any[ed->entry])
                any[ed->entry] = n;
        }
    for (size_t i = 0; i < ar->n_entries; i++) {
        *safe_sum = add_sat(*safe_sum, safe[i]);
        *unsafe_sum = add_sat(*unsafe_sum, any[i] - safe[i]);
    }
    free(safe);
    free(any);
    return ZL_OK;
}

/* Appends which findings' fixes would remove how many bytes: those with
 * delete or replace edits (renames and mode changes recover nothing). */
static int recoverable(const zl_ctx *ctx, uint64_t total, char **msg)
{
    const zl_finding *const *fs = NULL;
    size_t nf = zl_ctx_findings(ctx, &fs);
    uint64_t safe_sum = 0, unsafe_sum = 0;
    char *safe_list = zl_strdup(""), *unsafe_list = zl_strdup("");
    if (freed_totals(ctx, &safe_sum, &unsafe_sum) != ZL_OK) {
        free(*msg);
        *msg = NULL;
        goto out;
    }
    for (size_t i = 0; i < nf; i++) {
        const zl_finding *f = fs[i];
        /* Listed with the fixes its freeing edits come with (ZL402: both). */
        bool frees_safe = false, frees_unsafe = false;
        for (size_t k = 0; k < f->n_edits; k++) {
            const zl_edit *ed = &f->edits[k];
            if (ed->kind == ZL_EDIT_DELETE || ed->kind == ZL_EDIT_REPLACE) {
                frees_safe |= ed->safe;
                frees_unsafe |= !ed->safe;
            }
        }
        if (f->bytes == 0)
            continue;
        char b[32];
        zl_format_bytes(f->bytes, b, sizeof b);
        if (frees_safe)
            sb_add(&safe_list, "%s%s %s %s", safe_list && safe_list[0] ? ", " : "",
                   f->rule->code, f->rule->name, b);
        if (frees_unsafe)
            sb_add(&unsafe_list, "%s%s %s %s", unsafe_list && unsafe_list[0] ? ", " : "",
                   f->rule->code, f->rule->name, b);
    }
    if (safe_list == NULL || unsafe_list == NULL)
        goto out;
    char b[32];
    if (safe_sum > 0) {
        sb_add(msg, " `ziplint fix` would recover up to %s (%s)",
               zl_format_bytes(safe_sum, b, sizeof b), safe_list);
        sb_add(msg, "%s", total - (safe_sum < total ? safe_sum : total) <= ZL_LAMBDA_UNZIPPED_MAX
                              ? ", which brings it under the limit."
                              : ", not enough on its own.");
    }
    if (unsafe_sum > 0)
        sb_add(msg, " With --unsafe-fixes, up to %s more (%s).",
               zl_format_bytes(unsafe_sum, b, sizeof b), unsafe_list);
    if (safe_sum == 0 && unsafe_sum == 0)
        sb_add(msg, " No fix of ziplint's recovers space here: remove dependencies or move some "
                    "into a layer or a container image.");
out:
    free(safe_list);
    free(unsafe_list);
    return *msg == NULL ? ZL_E_NOMEM : ZL_OK;
}

static int check_unzipped(zl_ctx *ctx, const zl_rule *rule)
{
    uint64_t code = zl_archive_unzipped_size(ctx->ar);
    uint64_t total = add_sat(code, ctx->opt->layers_size);
    char a[32], b[32];
    char *msg = NULL;
    int rc = ZL_OK;
    if (total <= ZL_LAMBDA_UNZIPPED_MAX)
        return ZL_OK;
    zl_finding *f = zl_finding_get(ctx, rule);
    if (f == NULL)
        return zl_error_set(ctx->err, ZL_E_NOMEM, "out of memory");
    zl_finding_raise(f, ZL_SEV_ERROR);
    if (ctx->opt->layers_size > 0)
        msg = zl_asprintf("Unzipped, the code is %s and with its layers %s (%llu bytes), over "
                          "Lambda's limit of 250 MiB (262144000 bytes) for code and layers "
                          "together: the upload fails.",
                          zl_format_bytes(code, a, sizeof a), zl_format_bytes(total, b, sizeof b),
                          (unsigned long long)total);
    else
        msg = zl_asprintf("Unzipped, the package is %s (%llu bytes), over Lambda's limit of "
                          "250 MiB (262144000 bytes): the upload fails.",
                          zl_format_bytes(code, a, sizeof a), (unsigned long long)code);
    if (msg == NULL || largest_packages(ctx, &msg) != ZL_OK ||
        recoverable(ctx, total, &msg) != ZL_OK) {
        rc = zl_error_set(ctx->err, ZL_E_NOMEM, "out of memory");
        goto out;
    }
    rc = zl_finding_set_message(ctx, f, "%s", msg);
out:
    free(msg);
    return rc;
}

/* ---- ZL302 zipped-size ---- */

static int check_zipped(zl_ctx *ctx, const zl_rule *rule)
{
    uint64_t size = zl_archive_zipped_size(ctx->ar);
    char b[32];
    if (size <= ZL_LAMBDA_ZIPPED_MAX)
        return ZL_OK;
    zl_finding *f = zl_finding_get(ctx, rule);
    if (f == NULL)
        return zl_error_set(ctx->err, ZL_E_NOMEM, "out of memory");
    zl_format_bytes(size, b, sizeof b);
    if (ctx->opt->upload == ZL_UPLOAD_DIRECT) {
        zl_finding_raise(f, ZL_SEV_ERROR);
        return zl_finding_set_message(ctx, f,
                                      "The zip is %s (%llu bytes): a direct upload is refused "
                                      "with \"Zipped size must be smaller than 52428800 bytes\". "
                                      "Upload it through S3 instead, or make it smaller.",
                                      b, (unsigned long long)size);
    }
    zl_finding_raise(f, ZL_SEV_WARNING);
    return zl_finding_set_message(ctx, f,
                                  "The zip is %s (%llu bytes), over the 50 MiB (52428800 bytes) "
                                  "limit of a direct upload: upload it through S3, where it "
                                  "works.",
                                  b, (unsigned long long)size);
}

/* ---- ZL303 console-editor ---- */

static int check_console(zl_ctx *ctx, const zl_rule *rule)
{
    uint64_t size = zl_archive_zipped_size(ctx->ar);
    char b[32];
    if (size <= ZL_LAMBDA_CONSOLE_MAX)
        return ZL_OK;
    zl_finding *f = zl_finding_get(ctx, rule);
    if (f == NULL)
        return zl_error_set(ctx->err, ZL_E_NOMEM, "out of memory");
    zl_finding_raise(f, ZL_SEV_INFO);
    return zl_finding_set_message(ctx, f,
                                  "The zip is %s, over 3 MiB: the Lambda console's code editor "
                                  "will not show or edit this function's code.",
                                  zl_format_bytes(size, b, sizeof b));
}

/* ---- ZL304 too-many-layers ---- */

static int check_layers(zl_ctx *ctx, const zl_rule *rule)
{
    unsigned n = ctx->opt->layer_count;
    if (n <= ZL_LAMBDA_MAX_LAYERS)
        return ZL_OK;
    zl_finding *f = zl_finding_get(ctx, rule);
    if (f == NULL)
        return zl_error_set(ctx->err, ZL_E_NOMEM, "out of memory");
    zl_finding_raise(f, ZL_SEV_ERROR);
    return zl_finding_set_message(ctx, f,
                                  "The function uses %u layers; Lambda allows at most %d, so "
                                  "the configuration is refused. Merge some layers.",
                                  n, ZL_LAMBDA_MAX_LAYERS);
}

/* ---- the table ---- */

const zl_rule_def zl_rules_size[] = {
    {"ZL301", "unzipped-size", ZL_SEV_ERROR, ZL_FIX_NONE, 1, 1,
     "the unzipped package (with its layers) exceeds 262,144,000 bytes",
     "Checks that the uncompressed size of every entry, plus --layers-size and the\n"
     "unzipped sizes of --layer archives, is at most 262,144,000 bytes (250 MiB).\n"
     "Why: Lambda refuses function code whose unzipped size, together with all its\n"
     "layers, is over that limit; it is not lifted by uploading through S3.\n"
     "The message names the five largest top-level packages and which of ziplint's\n"
     "fixes (pycache, dist-info, OS junk, heavy data) would recover how many bytes.\n"
     "Fix by hand: drop what the runtime does not need (tests, caches, boto3 if the\n"
     "runtime's copy will do), move dependencies to a layer, or use a container image.",
     "Unzipped size must be smaller than 262144000 bytes; with layers: Function code "
     "combined with layers exceeds the maximum allowed size of 262144000 bytes. The actual "
     "size is N bytes.",
     check_unzipped},
    {"ZL302", "zipped-size", ZL_SEV_ERROR, ZL_FIX_NONE, 1, 1,
     "the zip file exceeds 52,428,800 bytes (direct upload limit)",
     "Checks that the zip file is at most 52,428,800 bytes (50 MiB).\n"
     "Why: a direct upload (the API's ZipFile parameter, the console) is refused above\n"
     "that; an upload through S3 is not. A warning, or an error with --upload direct.\n"
     "Fix by hand: upload through S3 (aws lambda update-function-code --s3-bucket ...),\n"
     "or make the package smaller.",
     "Zipped size must be smaller than 52428800 bytes; older API front: "
     "RequestEntityTooLargeException: Request must be smaller than 69905067 bytes",
     check_zipped},
    {"ZL303", "console-editor", ZL_SEV_INFO, ZL_FIX_NONE, 1, 1,
     "the zip exceeds 3 MB: no inline code editor",
     "Checks whether the zip file is over 3 MiB.\n"
     "Why: the Lambda console's inline code editor is unavailable for larger packages;\n"
     "nothing else changes.\n"
     "Fix by hand: nothing is wrong; move dependencies into a layer if you want to edit\n"
     "the function's code in the console.",
     "", check_console},
    {"ZL304", "too-many-layers", ZL_SEV_ERROR, ZL_FIX_NONE, 1, 1,
     "more than 5 layers",
     "Checks that at most 5 --layer archives are given.\n"
     "Why: a Lambda function can use at most 5 layers; a configuration with more is\n"
     "refused.\n"
     "Fix by hand: merge layers, or move their contents into the function package.",
     "", check_layers},
    {NULL, NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL},
};
