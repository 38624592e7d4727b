/* rules/repro.c - ZL701 nondeterministic: the archive is not in the
 * canonical form write_canon.c writes (rules.md, ZL7xx).
 *
 * How check knows: cheap per-entry facts first (order, times, modes,
 * hosts, flags, extra fields, comments, methods, missing folders, what the
 * fix would drop). Only when none of them differs is the canonical archive
 * written in memory-free streaming mode and compared byte for byte with
 * the file, which recompresses every entry: the one way to tell data that
 * was not deflated with ziplint's pinned settings. That only ever happens
 * with --reproducible (or --select ZL701), and it stops at the first
 * differing byte. The verdict and the writer share one code path, so
 * ZL701 never fires on the writer's own output. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "../zl_internal.h"

typedef struct span {
    const char *p;
    size_t n;
} span;

static int cmp_span(const void *a, const void *b)
{
    const span *x = a, *y = b;
    int c = memcmp(x->p, y->p, x->n < y->n ? x->n : y->n);
    if (c != 0)
        return c;
    return x->n < y->n ? -1 : x->n > y->n;
}

/* Folders that names imply ("a/" for "a/b.py") and no entry is. */
static int count_missing_folders(zl_archive *ar, const zl_plan_entry *pes, size_t *out)
{
    size_t cap = 0, n = 0, missing = 0;
    *out = 0;
    for (size_t i = 0; i < ar->n_entries; i++)
        for (size_t k = 1; k + 1 < ar->entries[i].name_len; k++)
            if (ar->entries[i].name[k] == '/')
                cap++;
    if (cap == 0)
        return ZL_OK;
    span *s = malloc(cap * sizeof *s);
    if (s == NULL)
        return ZL_E_NOMEM;
    for (size_t i = 0; i < ar->n_entries; i++) {
        const zl_entry *e = &ar->entries[i];
        if (pes[i].deleted)
            continue;
        for (size_t k = 1; k + 1 < e->name_len; k++)
            if (e->name[k] == '/')
                s[n++] = (span){e->name, k + 1};
    }
    qsort(s, n, sizeof *s, cmp_span);
    for (size_t j = 0; j < n; j++) {
        if (j > 0 && cmp_span(&s[j - 1], &s[j]) == 0)
            continue;
        long at = zl_archive_find(ar, s[j].p, s[j].n);
        if (at < 0 || pes[at].deleted || ar->entries[at].name_len != s[j].n ||
            memcmp(ar->entries[at].name, s[j].p, s[j].n) != 0)
            missing++;
    }
    free(s);
    *out = missing;
    return ZL_OK;
}

/* The entry's DOS date/time read as UTC (libzip read it as local time). */
static int64_t dos_time_utc(const zl_entry *e)
{
    struct tm tm;
    time_t t = e->mtime;
    if (localtime_r(&t, &tm) == NULL)
        return (int64_t)e->mtime;
    return (int64_t)timegm(&tm);
}

static void format_time(int64_t t, char *buf, size_t size)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (gmtime_r(&tt, &tm) == NULL || strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm) == 0)
        snprintf(buf, size, "%lld", (long long)t);
}

/* Appends ", text" (or "text" first) to buf. */
static void add_reason(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void add_reason(char *buf, size_t size, const char *fmt, ...)
{
    size_t n = strlen(buf);
    if (n + 3 >= size)
        return;
    if (n > 0) {
        memcpy(buf + n, ", ", 3);
        n += 2;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + n, size - n, fmt, ap);
    va_end(ap);
}

typedef struct counts {
    size_t unsorted, times, modes, flags, extras, comments, methods, stale, special;
} counts;

static int check_nondeterministic(zl_ctx *ctx, const zl_rule *rule)
{
    zl_archive *ar = ctx->ar;
    const bool fixing = ctx->opt->reproducible != 0;
    zl_plan_entry *pes = NULL;
    zl_finding *f = NULL;
    counts k = {0};
    size_t missing = 0;
    bool archive_comment = false;
    char when[32], why[512] = "", cmp_error[256] = "";
    long diff_entry = -1;
    zl_canon_time ct;
    int rc;

    if ((rc = zl_canon_time_get(&ct, ctx->err)) != ZL_OK)
        return rc;
    format_time(ct.unix_time, when, sizeof when);
    pes = calloc(ar->n_entries ? ar->n_entries : 1, sizeof *pes);
    if (pes == NULL)
        return zl_error_set(ctx->err, ZL_E_NOMEM, "out of memory");

    /* What the canonical form drops or re-modes, as edits. */
    for (size_t i = 0; i < ar->n_entries; i++) {
        zl_entry *e = &ar->entries[i];
        if (e->type == ZL_TYPE_SPECIAL) {
            pes[i].deleted = true;
            continue;
        }
        long si = zl_pyc_source(ar, e);
        if (si >= 0 && zl_pyc_stale(ar, e, &ar->entries[si], ct.unix_time)) {
            pes[i].deleted = true;
            continue;
        }
        if (e->type == ZL_TYPE_FILE && !(e->has_unix_mode && (e->mode & 0100)) &&
            zl_entry_is_executable(ctx, e)) {
            pes[i].chmod = true;
            pes[i].mode = 0755;
        }
    }

    for (size_t i = 0; i < ar->n_entries; i++) {
        zl_entry *e = &ar->entries[i];
        char detail[256] = "";
        if (e->type == ZL_TYPE_SPECIAL) {
            k.special++;
            add_reason(detail, sizeof detail, "device, fifo or socket: dropped");
        } else if (pes[i].deleted) {
            k.stale++;
            add_reason(detail, sizeof detail,
                       "timestamp-validated .pyc, stale once its .py gets the canonical time: "
                       "removed");
        } else {
            if (i > 0 && strcmp(ar->entries[i - 1].name, e->name) > 0)
                k.unsorted++;
            int64_t t = dos_time_utc(e);
            if (t != ct.unix_time) {
                char tb[32];
                format_time(t, tb, sizeof tb);
                k.times++;
                add_reason(detail, sizeof detail, "time %s", tb);
            }
            uint32_t want = zl_canon_mode(e, &pes[i]);
            uint32_t attr = (want << 16) | (e->type == ZL_TYPE_DIR ? 0x10u : 0u);
            if (e->opsys != ZIP_OPSYS_UNIX || e->attributes != attr) {
                k.modes++;
                if (e->opsys != ZIP_OPSYS_UNIX)
                    add_reason(detail, sizeof detail, "no Unix mode -> %04o", want & 07777);
                else
                    add_reason(detail, sizeof detail, "mode %06o -> %06o",
                               (unsigned)(e->attributes >> 16), (unsigned)want);
            }
            if (ar->cd_ok && (e->flags & ~0x0800u) != 0) {
                k.flags++;
                add_reason(detail, sizeof detail, "flags 0x%04x", (unsigned)e->flags);
            }
            if (zip_file_extra_fields_count(ar->za, e->index, ZIP_FL_CENTRAL) > 0 ||
                zip_file_extra_fields_count(ar->za, e->index, ZIP_FL_LOCAL) > 0) {
                k.extras++;
                add_reason(detail, sizeof detail, "extra fields");
            }
            zip_uint32_t clen = 0;
            if (zip_file_get_comment(ar->za, e->index, &clen, ZIP_FL_ENC_RAW) != NULL && clen > 0) {
                k.comments++;
                add_reason(detail, sizeof detail, "comment");
            }
            bool stored_only = e->type == ZL_TYPE_DIR || e->size == 0;
            if ((stored_only && e->method != ZIP_CM_STORE) ||
                (e->method != ZIP_CM_STORE && e->method != ZIP_CM_DEFLATE)) {
                k.methods++;
                add_reason(detail, sizeof detail, "method %u", (unsigned)e->method);
            }
        }
        if (detail[0] == '\0')
            continue;
        if (f == NULL && (f = zl_finding_get(ctx, rule)) == NULL) {
            rc = zl_error_set(ctx->err, ZL_E_NOMEM, "out of memory");
            goto out;
        }
        if ((rc = zl_finding_add_entry(ctx, f, e, ZL_SEV_INFO, "%s", detail)) != ZL_OK)
            goto out;
    }
    if (count_missing_folders(ar, pes, &missing) != ZL_OK) {
        rc = zl_error_set(ctx->err, ZL_E_NOMEM, "out of memory");
        goto out;
    }
    zip_int32_t alen = 0;
    archive_comment = zip_get_archive_comment(ar->za, &alen, ZIP_FL_ENC_RAW) != NULL && alen > 0;

    if (f == NULL && k.unsorted == 0 && missing == 0 && !archive_comment) {
        /* Every fact agrees: only the bytes can tell. */
        zl_error cerr;
        int same = 0;
        zl_error_init(&cerr);
        rc = zl_canon_compare(ar, pes, &ct, &same, &diff_entry, &cerr);
        if (rc == ZL_E_NOMEM) {
            zl_error_set(ctx->err, rc, "%s", cerr.message);
            goto out;
        }
        if (rc != ZL_OK)
            snprintf(cmp_error, sizeof cmp_error, "%.200s", cerr.message);
        rc = ZL_OK;
        if (same)
            goto out;
        if ((f = zl_finding_get(ctx, rule)) == NULL) {
            rc = zl_error_set(ctx->err, ZL_E_NOMEM, "out of memory");
            goto out;
        }
        if (diff_entry >= 0 &&
            (rc = zl_finding_add_entry(ctx, f, &ar->entries[diff_entry], ZL_SEV_INFO,
                                       "compressed data or header bytes differ from the "
                                       "canonical writer's")) != ZL_OK)
            goto out;
    }
    /* Every entry canonical, the archive not: the order, the folders or
     * the comment alone differ. */
    if (f == NULL && (f = zl_finding_get(ctx, rule)) == NULL) {
        rc = zl_error_set(ctx->err, ZL_E_NOMEM, "out of memory");
        goto out;
    }

    if (k.unsorted)
        add_reason(why, sizeof why, "%zu entries out of name order", k.unsorted);
    if (missing)
        add_reason(why, sizeof why, "%zu implied folders missing", missing);
    if (k.times)
        add_reason(why, sizeof why, "%zu times not %s UTC", k.times, when);
    if (k.modes)
        add_reason(why, sizeof why, "%zu modes not canonical", k.modes);
    if (k.flags)
        add_reason(why, sizeof why, "%zu entries with flags (data descriptors)", k.flags);
    if (k.extras)
        add_reason(why, sizeof why, "%zu entries with extra fields", k.extras);
    if (k.comments)
        add_reason(why, sizeof why, "%zu entry comments", k.comments);
    if (archive_comment)
        add_reason(why, sizeof why, "an archive comment");
    if (k.methods)
        add_reason(why, sizeof why, "%zu entries with another compression method", k.methods);
    if (k.stale)
        add_reason(why, sizeof why,
                   "%zu timestamp-validated .pyc that the canonical time makes "
                   "stale",
                   k.stale);
    if (k.special)
        add_reason(why, sizeof why, "%zu devices, fifos or sockets", k.special);
    if (cmp_error[0])
        add_reason(why, sizeof why, "an entry cannot be read: %s", cmp_error);
    else if (why[0] == '\0')
        add_reason(why, sizeof why,
                   "data not deflated with ziplint's pinned settings or header "
                   "bytes that differ");
    if ((rc = zl_finding_set_message(ctx, f, "the archive differs from the canonical form: %s",
                                     why)) != ZL_OK)
        goto out;

    if (!fixing) {
        rc = zl_finding_set_fix(ctx, f, true, "`ziplint fix --reproducible` writes the canonical form");
        goto out;
    }
    for (size_t i = 0; i < ar->n_entries && rc == ZL_OK; i++) {
        zl_edit ed = {.entry = i, .safe = true};
        if (pes[i].deleted) {
            ed.kind = ZL_EDIT_DELETE;
        } else if (pes[i].chmod) {
            ed.kind = ZL_EDIT_CHMOD;
            ed.mode = 0755;
            if ((rc = zl_finding_add_edit(ctx, f, &ed)) != ZL_OK)
                break;
            ed.kind = ZL_EDIT_CANONICAL;
        } else {
            ed.kind = ZL_EDIT_CANONICAL;
        }
        rc = zl_finding_add_edit(ctx, f, &ed);
    }
    if (rc != ZL_OK)
        goto out;
    if (k.stale > 0)
        rc = zl_finding_set_fix(ctx, f, true,
                                "write the canonical form (sorted, times %s UTC, modes 0644/0755, "
                                "pinned deflate) and remove %zu timestamp-validated .pyc it would "
                                "make stale",
                                when, k.stale);
    else
        rc = zl_finding_set_fix(ctx, f, true,
                                "write the canonical form (sorted, times %s UTC, modes 0644/0755, "
                                "pinned deflate)",
                                when);
out:
    free(pes);
    return rc;
}

const zl_rule_def zl_rules_repro[] = {
    {"ZL701", "nondeterministic", ZL_SEV_INFO, ZL_FIX_SAFE, 0, 1,
     "the archive differs from the canonical form (fix --reproducible)",
     "Lambda reports the CodeSha256 of the package, and Terraform, SAM and CDK redeploy\n"
     "whenever it changes; two builds of the same code usually differ only by timestamps,\n"
     "entry order, extra fields and the tool that zipped them. Checked only when selected\n"
     "or with --reproducible. The canonical form: entries sorted by name bytes; every\n"
     "folder a name implies present, 0755; files 0644, or 0755 when executable (their\n"
     "owner's x bit, or an executable as ZL204 defines it); symlinks kept, 0777; every\n"
     "time SOURCE_DATE_EPOCH (clamped to 1980-2107) or 1980-01-01 00:00:00 UTC; host\n"
     "Unix; flags 0 (the UTF-8 bit for non-ASCII UTF-8 names); no extra fields, comments\n"
     "or data descriptors; data deflated at ziplint's pinned zlib settings (stored when\n"
     "that is not smaller). fix --reproducible writes exactly that, together with the\n"
     "other fixes, so the same names, contents and modes always give the same bytes, and\n"
     "a canonical archive is never rewritten. Timestamp-validated .pyc files (not PEP 552\n"
     "hash-based) that the new time would make stale are removed; devices, fifos and\n"
     "sockets are dropped. Checking recompresses every entry when nothing else differs.",
     "", check_nondeterministic},
    {NULL, NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL},
};
