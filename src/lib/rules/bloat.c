/* rules/bloat.c - the C rules of the ZL4xx family: ZL401 (bytecode, which
 * pairs .pyc files with their sources) and ZL402 (package metadata, whose
 * safe fix rewrites METADATA). ZL403-ZL405 are data: rules/bloat.rules. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../zl_internal.h"

/* ---- ZL401 pycache ---- */

static bool has_suffix(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* 1 when some folder component of path is exactly "__pycache__". */
static bool under_pycache(const char *path, size_t n)
{
    static const char comp[] = "__pycache__/";
    const size_t k = sizeof comp - 1;
    for (size_t i = 0; i + k <= n; i++) {
        if ((i == 0 || path[i - 1] == '/') && memcmp(path + i, comp, k) == 0)
            return true;
        const char *slash = memchr(path + i, '/', n - i);
        if (slash == NULL)
            break;
        i = (size_t)(slash - path); /* the loop's i++ moves past the '/' */
    }
    return false;
}

/* The X of a ".cpython-3X" tag in the file name (PEP 3147), or -1. */
static int cpython_minor(const char *path, size_t n)
{
    static const char tag[] = ".cpython-3";
    const size_t k = sizeof tag - 1;
    const char *base = path;
    for (size_t i = 0; i < n; i++)
        if (path[i] == '/')
            base = path + i + 1;
    size_t bn = n - (size_t)(base - path);
    for (size_t i = 0; i + k < bn; i++) {
        if (memcmp(base + i, tag, k) != 0)
            continue;
        int minor = 0;
        size_t j = i + k, digits = 0;
        while (j < bn && base[j] >= '0' && base[j] <= '9' && digits < 3) {
            minor = minor * 10 + (base[j] - '0');
            j++;
            digits++;
        }
        if (digits > 0 && j < bn && (base[j] == '.' || base[j] == '-'))
            return minor;
    }
    return -1;
}

/* The CPython 3.X a .pyc magic number belongs to (the ranges CPython's
 * importlib/_bootstrap_external.py assigns), or -1. */
static int magic_minor(uint32_t magic)
{
    static const struct {
        unsigned lo, hi;
        int minor;
    } ranges[] = {{3390, 3399, 7},  {3400, 3419, 8},  {3420, 3429, 9},  {3430, 3449, 10},
                  {3450, 3499, 11}, {3500, 3549, 12}, {3550, 3599, 13}, {3600, 3649, 14},
                  {3650, 3699, 15}};
    if (((magic >> 16) & 0xffff) != 0x0a0d)
        return -1;
    unsigned m = magic & 0xffff;
    for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++)
        if (m >= ranges[i].lo && m <= ranges[i].hi)
            return ranges[i].minor;
    return -1;
}

long zl_pyc_source(const zl_archive *ar, const zl_entry *pyc)
{
    const char *p = pyc->path;
    size_t n = pyc->name_len;
    if (!has_suffix(p, n, ".pyc") && !has_suffix(p, n, ".pyo"))
        return -1;
    static const char cache[] = "__pycache__/";
    const size_t k = sizeof cache - 1;
    const char *base = p;
    for (size_t i = 0; i < n; i++)
        if (p[i] == '/')
            base = p + i + 1;
    size_t dir_len = (size_t)(base - p);
    if (dir_len >= k && memcmp(base - k, cache, k) == 0 &&
        (dir_len == k || base[-(long)k - 1] == '/')) {
        /* D/__pycache__/NAME.TAG[.opt-N].pyc -> D/NAME.py */
        const char *dot = memchr(base, '.', n - dir_len);
        if (dot == NULL || dot == base)
            return -1;
        size_t parent = dir_len - k, stem = (size_t)(dot - base);
        char *src = malloc(parent + stem + 4);
        if (src == NULL)
            return -1;
        memcpy(src, p, parent);
        memcpy(src + parent, base, stem);
        memcpy(src + parent + stem, ".py", 3);
        long r = zl_archive_find(ar, src, parent + stem + 3);
        free(src);
        return r;
    }
    return zl_archive_find(ar, p, n - 1); /* X.pyc beside X.py */
}

int64_t zl_entry_extracted_mtime(zl_archive *ar, const zl_entry *e)
{
    zip_uint16_t len = 0;
    const zip_uint8_t *ut = NULL;
    if (ar->za != NULL) {
        ut = zip_file_extra_field_get_by_id(ar->za, e->index, 0x5455, 0, &len, ZIP_FL_CENTRAL);
        if (ut == NULL)
            ut = zip_file_extra_field_get_by_id(ar->za, e->index, 0x5455, 0, &len, ZIP_FL_LOCAL);
    }
    if (ut != NULL && len >= 5 && (ut[0] & 1))
        return (int64_t)(int32_t)zl_le32(ut + 1);
    /* libzip read the DOS fields with mktime (local time); undo that and
     * read them as UTC, Lambda's time zone. */
    struct tm tm;
    time_t t = e->mtime;
    if (localtime_r(&t, &tm) == NULL)
        return (int64_t)e->mtime;
    return (int64_t)timegm(&tm);
}

int zl_pyc_stale(zl_archive *ar, zl_entry *pyc, const zl_entry *src, int64_t src_mtime)
{
    if (pyc->type != ZL_TYPE_FILE || pyc->size < 16)
        return 0;
    const zl_sniff *s = zl_entry_sniff(ar, pyc);
    if (s->kind != ZL_KIND_PYC)
        return 0;
    unsigned m = s->pyc_magic & 0xffff;
    if (m >= 3390 && s->pyc_flags != 0)
        return 0; /* PEP 552 hash-based (or flags Python rejects anyway) */
    if (m < 3230)
        return 0; /* too old to record a size; no Lambda runtime reads it */
    return s->pyc_mtime != (uint32_t)src_mtime || s->pyc_size != (uint32_t)src->size;
}

static int check_pycache(zl_ctx *ctx, const zl_rule *rule)
{
    zl_archive *ar = ctx->ar;
    int runtime = ctx->opt->runtime_minor;
    zl_finding *f = NULL;
    size_t other = 0, stale = 0;
    int rc = ZL_OK;
    for (size_t i = 0; i < ar->n_entries; i++) {
        zl_entry *e = &ar->entries[i];
        const char *p = e->path;
        size_t n = e->name_len;
        /* Everything under __pycache__/, its own folder entry included:
         * Python reads those only when the source is there. */
        bool in_cache = under_pycache(p, n);
        bool bytecode =
            e->type == ZL_TYPE_FILE && (has_suffix(p, n, ".pyc") || has_suffix(p, n, ".pyo"));
        if (!in_cache) {
            /* A .pyc beside no .py is the only copy of its module (a
             * sourceless distribution): it is never touched. */
            if (!bytecode || zl_archive_find(ar, p, n - 1) < 0)
                continue;
        }
        if (f == NULL && (f = zl_finding_get(ctx, rule)) == NULL)
            return zl_error_set(ctx->err, ZL_E_NOMEM, "out of memory");
        int minor = bytecode ? cpython_minor(p, n) : -1;
        const char *by = "";
        if (bytecode && minor < 0 && e->size >= 4) {
            /* No tag in the name (X.pyc beside X.py): the magic number. */
            const zl_sniff *s = zl_entry_sniff(ar, e);
            if (s->kind == ZL_KIND_PYC && (minor = magic_minor(s->pyc_magic)) >= 0)
                by = " (by its magic number)";
        }
        bool foreign = runtime > 0 && minor >= 0 && minor != runtime;
        other += foreign;
        /* Timestamp-validated against its .py: Python compares the .py's
         * mtime and size with the header and recompiles on a mismatch. */
        char why[160] = "";
        long si = bytecode ? zl_pyc_source(ar, e) : -1;
        if (si >= 0) {
            const zl_entry *src = &ar->entries[si];
            int64_t mt = zl_entry_extracted_mtime(ar, src);
            if (zl_pyc_stale(ar, e, src, mt)) {
                stale++;
                snprintf(why, sizeof why,
                         "; stale: records mtime %u and size %u, %s extracts with %lld and %llu",
                         (unsigned)e->sniff.pyc_mtime, (unsigned)e->sniff.pyc_size, src->name,
                         (long long)mt, (unsigned long long)src->size);
            }
        }
        if (minor < 0)
            rc = zl_finding_add_entry(ctx, f, e, ZL_SEV_WARNING, "%s", why[0] ? why + 2 : "");
        else if (foreign)
            rc = zl_finding_add_entry(ctx, f, e, ZL_SEV_WARNING,
                                      "CPython 3.%d bytecode%s, the runtime is python3.%d%s",
                                      minor, by, runtime, why);
        else
            rc = zl_finding_add_entry(ctx, f, e, ZL_SEV_WARNING, "CPython 3.%d bytecode%s%s",
                                      minor, by, why);
        if (rc != ZL_OK)
            return rc;
        f->bytes += e->size;
        zl_edit ed = {.kind = ZL_EDIT_DELETE, .entry = i, .safe = true};
        if ((rc = zl_finding_add_edit(ctx, f, &ed)) != ZL_OK)
            return rc;
    }
    if (f == NULL)
        return ZL_OK;
    char bytes[32], other_s[96] = "", stale_s[160] = "";
    zl_format_bytes(f->bytes, bytes, sizeof bytes);
    if (runtime > 0)
        snprintf(other_s, sizeof other_s, "; %zu of them for another CPython than python3.%d",
                 other, runtime);
    if (stale > 0)
        snprintf(stale_s, sizeof stale_s,
                 "; %zu timestamp-validated against a .py whose mtime or size they do not match "
                 "(recompiled on every cold start, never used)",
                 stale);
    rc = zl_finding_set_message(ctx, f,
                                "%zu bytecode entries (%s) that Python cannot refresh in the "
                                "read-only /var/task%s%s",
                                f->n_entries, bytes, other_s, stale_s);
    if (rc != ZL_OK)
        return rc;
    return zl_finding_set_fix(ctx, f, true, "delete the bytecode files and __pycache__ folders");
}

/* ---- ZL402 dist-info ---- */

#define METADATA_READ_LIMIT (16u * 1024 * 1024)

/* Length of the "NAME.dist-info/" or "NAME.egg-info/" folder prefix of
 * path (the first such component), or 0. */
static size_t metadata_prefix(const char *path, size_t n)
{
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        if (path[i] != '/')
            continue;
        const char *comp = path + start;
        size_t len = i - start;
        if (len > 10 && (has_suffix(comp, len, ".dist-info") || has_suffix(comp, len, ".egg-info")))
            return i + 1;
        start = i + 1;
    }
    return 0;
}

/* What runtime code reads (importlib.metadata version(), entry_points(),
 * requires(), packages_distributions(); pkg_resources). */
static bool metadata_kept(const char *rel, size_t n, bool egg)
{
    static const char *const keep[] = {"METADATA", "PKG-INFO", "entry_points.txt", "top_level.txt"};
    if (n == 0)
        return true; /* the folder's own entry */
    for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++)
        if (n == strlen(keep[i]) && memcmp(rel, keep[i], n) == 0)
            return true;
    /* An egg-info keeps its requirements there (a dist-info in METADATA). */
    return egg && n == 12 && memcmp(rel, "requires.txt", 12) == 0;
}

/* Bytes of the header block: up to and including the line before the
 * first empty line. Returns len when there is no body. */
static size_t header_block_len(const unsigned char *d, size_t len)
{
    size_t pos = 0;
    while (pos < len) {
        const unsigned char *nl = memchr(d + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - d) + 1 : len;
        size_t content = end - pos;
        if (content > 0 && d[end - 1] == '\n')
            content--;
        if (content > 0 && d[pos + content - 1] == '\r')
            content--;
        if (content == 0)
            return pos;
        pos = end;
    }
    return len;
}

typedef struct md_member {
    const char *path; /* the entry's path (borrowed), for sorting */
    size_t entry;
    size_t prefix; /* bytes of "NAME.dist-info/" */
} md_member;

/* Groups the members by folder, in entry order within a folder. */
static int cmp_member(const void *a, const void *b)
{
    const md_member *ma = a, *mb = b;
    size_t n = ma->prefix < mb->prefix ? ma->prefix : mb->prefix;
    int c = memcmp(ma->path, mb->path, n);
    if (c != 0)
        return c;
    if (ma->prefix != mb->prefix)
        return ma->prefix < mb->prefix ? -1 : 1;
    return ma->entry < mb->entry ? -1 : ma->entry > mb->entry;
}

typedef struct md_state {
    zl_ctx *ctx;
    const zl_rule *rule;
    zl_finding *f;
    size_t folders; /* folders that fire */
    size_t total;   /* folders seen */
} md_state;

static zl_finding *md_finding(md_state *st)
{
    if (st->f == NULL)
        st->f = zl_finding_get(st->ctx, st->rule);
    return st->f;
}

/* One metadata folder: members[0..n) share the prefix. */
static int slim_folder(md_state *st, const md_member *m, size_t n)
{
    zl_ctx *ctx = st->ctx;
    zl_archive *ar = ctx->ar;
    const zl_entry *first = &ar->entries[m[0].entry];
    bool egg = has_suffix(first->path, m[0].prefix, ".egg-info/");
    unsigned char *data = NULL;
    size_t data_len = 0, head_len = 0;
    long meta = -1;
    bool fires = false;
    int rc = ZL_OK;

    st->total++;
    /* What would the safe fix change? */
    for (size_t k = 0; k < n; k++) {
        const zl_entry *e = &ar->entries[m[k].entry];
        const char *rel = e->path + m[k].prefix;
        size_t rn = e->name_len - m[k].prefix;
        if (!metadata_kept(rel, rn, egg)) {
            fires = true;
        } else if (meta < 0 && e->type == ZL_TYPE_FILE && e->size > 0 &&
                   ((rn == 8 && memcmp(rel, "METADATA", 8) == 0) ||
                    (rn == 8 && memcmp(rel, "PKG-INFO", 8) == 0))) {
            zl_error rerr;
            zl_error_init(&rerr);
            /* Unreadable metadata is ZL606's business: it is left as it is. */
            if (zl_entry_read_all(ar, e, METADATA_READ_LIMIT, &data, &data_len, &rerr) != ZL_OK)
                continue;
            head_len = header_block_len(data, data_len);
            if (head_len > 0 && head_len < data_len) {
                meta = (long)m[k].entry;
                fires = true;
            } else {
                free(data);
                data = NULL;
            }
        }
    }
    if (!fires)
        goto out;
    st->folders++;
    zl_finding *f = md_finding(st);
    if (f == NULL) {
        rc = zl_error_set(ctx->err, ZL_E_NOMEM, "out of memory");
        goto out;
    }
    for (size_t k = 0; k < n; k++) {
        const zl_entry *e = &ar->entries[m[k].entry];
        const char *rel = e->path + m[k].prefix;
        size_t rn = e->name_len - m[k].prefix;
        zl_edit ed = {.kind = ZL_EDIT_DELETE, .entry = m[k].entry, .safe = true};
        if (!metadata_kept(rel, rn, egg)) {
            rc = zl_finding_add_entry(ctx, f, e, ZL_SEV_WARNING, "not read at run time");
            f->bytes += e->size;
        } else if ((long)m[k].entry == meta) {
            rc = zl_finding_add_entry(ctx, f, e, ZL_SEV_WARNING,
                                      "long description dropped: %zu of %zu bytes kept", head_len,
                                      data_len);
            f->bytes += data_len - head_len;
            if (rc == ZL_OK) {
                /* The header block, byte for byte; the buffer passes to the result. */
                zl_edit rep = {.kind = ZL_EDIT_REPLACE,
                               .entry = m[k].entry,
                               .safe = true,
                               .data = data,
                               .len = head_len};
                rc = zl_finding_add_edit(ctx, f, &rep);
                if (rc == ZL_OK)
                    data = NULL;
            }
            ed.safe = false; /* unsafe: the whole folder goes */
        } else {
            ed.safe = false;
        }
        if (rc == ZL_OK)
            rc = zl_finding_add_edit(ctx, f, &ed);
        if (rc != ZL_OK)
            goto out;
    }
out:
    free(data);
    return rc;
}

static int check_dist_info(zl_ctx *ctx, const zl_rule *rule)
{
    zl_archive *ar = ctx->ar;
    md_member *members = NULL;
    size_t nm = 0;
    int rc = ZL_OK;
    md_state st = {.ctx = ctx, .rule = rule};

    for (size_t i = 0; i < ar->n_entries; i++)
        if (metadata_prefix(ar->entries[i].path, ar->entries[i].name_len) > 0)
            nm++;
    if (nm == 0)
        return ZL_OK;
    members = malloc(nm * sizeof *members);
    if (members == NULL)
        return zl_error_set(ctx->err, ZL_E_NOMEM, "out of memory");
    nm = 0;
    for (size_t i = 0; i < ar->n_entries; i++) {
        size_t pl = metadata_prefix(ar->entries[i].path, ar->entries[i].name_len);
        if (pl > 0)
            members[nm++] = (md_member){.path = ar->entries[i].path, .entry = i, .prefix = pl};
    }
    qsort(members, nm, sizeof *members, cmp_member);
    for (size_t a = 0; a < nm && rc == ZL_OK;) {
        size_t b = a + 1;
        while (b < nm && members[b].prefix == members[a].prefix &&
               memcmp(members[b].path, members[a].path, members[a].prefix) == 0)
            b++;
        rc = slim_folder(&st, members + a, b - a);
        a = b;
    }
    if (rc != ZL_OK || st.f == NULL)
        goto out;
    char bytes[32];
    zl_format_bytes(st.f->bytes, bytes, sizeof bytes);
    rc = zl_finding_set_message(ctx, st.f,
                                "%zu of %zu *.dist-info/*.egg-info folders hold %zu entries (%s) "
                                "that runtime code never reads (RECORD, WHEEL, licenses, "
                                "METADATA long descriptions)",
                                st.folders, st.total, st.f->n_entries, bytes);
    if (rc == ZL_OK)
        rc = zl_finding_set_fix(ctx, st.f, true,
                                "slim each folder to the METADATA headers, entry_points.txt "
                                "and top_level.txt (unsafe: delete them whole)");
out:
    free(members);
    return rc;
}

const zl_rule_def zl_rules_bloat[] = {
    {"ZL401", "pycache", ZL_SEV_WARNING, ZL_FIX_SAFE, 1, 0,
     "compiled bytecode (__pycache__/, *.pyc beside their sources) that Lambda cannot use or "
     "refresh",
     "Lambda extracts a function to /var/task (layers to /opt), which is read-only at run\n"
     "time: Python can never write bytecode there. A shipped .pyc only helps when it was\n"
     "made by the runtime's own CPython version (the cpython-3XY tag in its name) and is\n"
     "still valid: a timestamp-validated .pyc whose recorded source mtime differs from the\n"
     "extracted .py is recompiled in memory on every cold start and is dead weight.\n"
     "The message counts both: bytecode for another CPython (by the name's cpython-3XY\n"
     "tag, else by the magic number), and timestamp-validated .pyc (not PEP 552\n"
     "hash-based) whose recorded mtime or size differ from their .py entry's size and\n"
     "the mtime Lambda's extraction gives it: the UT extra field's when the entry has\n"
     "one (unzip restores it), else its DOS date/time read as UTC (Lambda's time zone).\n"
     "Deleting __pycache__/ folders and *.pyc/*.pyo files that have their .py beside them\n"
     "is always safe (it can cost a little cold-start time). A .pyc with no .py beside it\n"
     "is the only copy of that module: ziplint never deletes it.",
     "", check_pycache},
    {"ZL402", "dist-info", ZL_SEV_WARNING, ZL_FIX_SAFE_AND_UNSAFE, 1, 0,
     "*.dist-info/*.egg-info folders hold more than runtime code reads",
     "Deleting *.dist-info/ and *.egg-info/ folders whole breaks any code that asks\n"
     "importlib.metadata.version(), entry_points() or pkg_resources about a package\n"
     "(jsonschema, pyproj, opentelemetry and many others do it at import):\n"
     "PackageNotFoundError: No package metadata was found for X.\n"
     "What those calls read is the METADATA (or PKG-INFO) header block, entry_points.txt\n"
     "and top_level.txt (and an egg-info's requires.txt). RECORD, INSTALLER, WHEEL,\n"
     "REQUESTED, direct_url.json, licenses/ and the METADATA body (the long description)\n"
     "are never read at run time. The safe fix keeps the header block byte for byte and\n"
     "deletes the rest, so version() and entry_points() return what they did before.\n"
     "The unsafe fix (--unsafe-fixes) deletes the folders whole.",
     "", check_dist_info},
    {NULL, NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL},
};
