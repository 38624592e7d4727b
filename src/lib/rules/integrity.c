/* rules/integrity.c - ZL6xx: is the archive whole and safe to unpack?
 *
 * ZL601 unsafe paths, ZL602 symlinks that leave the root, ZL603 duplicate
 * names, ZL604 encryption, ZL605 compression methods other than stored and
 * deflate (fixed by re-deflating: bzip2 through libzip, LZMA/XZ through
 * liblzma, zstd through libzstd), ZL606 corrupt entries (local headers
 * always; every entry's data with --verify and on fix), ZL607 zip bombs.
 * Nothing is ever extracted to disk: data is read into memory, bounded. */
#include "config.h"

#include <ctype.h>
#include <lzma.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "../zl_internal.h"

#define LINK_TARGET_MAX 4096                    /* PATH_MAX: no real symlink is longer */
#define DEFLATE_RATIO_MAX 1032ULL               /* deflate cannot expand more than this */
#define DECLARED_TOTAL_MAX (4ULL << 30)         /* 4 GiB */
#define DECODE_LIMIT ZL_LAMBDA_UNZIPPED_MAX     /* larger cannot be a Lambda package */
#define LZMA_MEMLIMIT (256ULL << 20)

#define CM_LZMA 14
#define CM_ZSTD 93
#define CM_XZ 95
#define FLAG_ENCRYPTED 0x0001u
#define FLAG_DESCRIPTOR 0x0008u
#define FLAG_STRONG 0x0040u

static const char unzip_error[] =
    "Could not unzip uploaded file. Please check your file, then try to upload again.";

/* Lists e in the rule's finding (created on first use). */
static int list_entry(zl_ctx *ctx, const zl_rule *rule, zl_finding **f, const zl_entry *e,
                      zl_severity sev, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static int list_entry(zl_ctx *ctx, const zl_rule *rule, zl_finding **f, const zl_entry *e,
                      zl_severity sev, const char *fmt, ...)
{
    char detail[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    if (*f == NULL && (*f = zl_finding_get(ctx, rule)) == NULL)
        return zl_error_set(ctx->err, ZL_E_NOMEM, "out of memory");
    int rc = zl_finding_add_entry(ctx, *f, e, sev, "%s", detail);
    if (rc == ZL_OK)
        (*f)->bytes += e->size;
    return rc;
}

static bool is_encrypted(const zl_archive *ar, const zl_entry *e)
{
    return e->encryption != 0 || (ar->cd_ok && (e->flags & FLAG_ENCRYPTED) != 0);
}

/* ---- ZL601 unsafe-path ---- */

/* Why the name is unsafe to extract, or NULL. e->path has every '\'
 * turned into '/', so one walk covers the raw name and the Windows
 * reading of it. */
static const char *unsafe_path_reason(const zl_entry *e)
{
    const char *p = e->path;
    size_t n = e->name_len;
    if (n == 0)
        return NULL;
    if (p[0] == '/')
        return e->name[0] == '\\' ? "absolute name (starts with a backslash)" : "absolute name";
    if (n >= 2 && isalpha((unsigned char)p[0]) && p[1] == ':')
        return "drive letter";
    for (size_t i = 0; i < n;) {
        const char *slash = memchr(p + i, '/', n - i);
        size_t len = slash ? (size_t)(slash - (p + i)) : n - i;
        if (len == 2 && p[i] == '.' && p[i + 1] == '.')
            return "'..' component";
        i += len + 1;
    }
    return NULL;
}

static int check_unsafe_path(zl_ctx *ctx, const zl_rule *rule)
{
    zl_archive *ar = ctx->ar;
    zl_finding *f = NULL;
    for (size_t i = 0; i < ar->n_entries; i++) {
        const char *why = unsafe_path_reason(&ar->entries[i]);
        int rc = why ? list_entry(ctx, rule, &f, &ar->entries[i], ZL_SEV_ERROR, "%s", why) : ZL_OK;
        if (rc != ZL_OK)
            return rc;
    }
    if (f == NULL)
        return ZL_OK;
    return zl_finding_set_message(ctx, f,
                                  "%zu %s would be written outside the folder the archive is "
                                  "extracted to",
                                  f->n_entries, f->n_entries == 1 ? "entry" : "entries");
}

/* ---- ZL602 unsafe-symlink ---- */

/* Walks '/'-separated components from depth; false when ".." climbs above
 * the root. */
static bool walk_stays_inside(const char *p, size_t n, long depth)
{
    for (size_t i = 0; i < n;) {
        const char *slash = memchr(p + i, '/', n - i);
        size_t len = slash ? (size_t)(slash - (p + i)) : n - i;
        if (len == 2 && p[i] == '.' && p[i + 1] == '.') {
            if (--depth < 0)
                return false;
        } else if (len > 0 && !(len == 1 && p[i] == '.')) {
            depth++;
        }
        i += len + 1;
    }
    return true;
}

/* How many folders deep the link itself sits ("a/b/link" -> 2). */
static long link_depth(const zl_entry *e)
{
    const char *slash = NULL;
    for (size_t i = e->name_len; i > 0; i--)
        if (e->path[i - 1] == '/') {
            slash = e->path + i - 1;
            break;
        }
    if (slash == NULL)
        return 0;
    long depth = 0;
    const char *p = e->path;
    size_t n = (size_t)(slash - p);
    for (size_t i = 0; i < n;) {
        const char *s = memchr(p + i, '/', n - i);
        size_t len = s ? (size_t)(s - (p + i)) : n - i;
        if (len == 2 && p[i] == '.' && p[i + 1] == '.')
            depth--;
        else if (len > 0 && !(len == 1 && p[i] == '.'))
            depth++;
        i += len + 1;
    }
    return depth < 0 ? 0 : depth;
}

static bool has_dotdot(const char *p, size_t n)
{
    for (size_t i = 0; i < n;) {
        const char *slash = memchr(p + i, '/', n - i);
        size_t len = slash ? (size_t)(slash - (p + i)) : n - i;
        if (len == 2 && p[i] == '.' && p[i + 1] == '.')
            return true;
        i += len + 1;
    }
    return false;
}

static bool has_prefix(const unsigned char *t, size_t n, const char *lit)
{
    size_t k = strlen(lit);
    return n > k && memcmp(t, lit, k) == 0;
}

static int check_unsafe_symlink(zl_ctx *ctx, const zl_rule *rule)
{
    zl_archive *ar = ctx->ar;
    zl_finding *f = NULL;
    size_t errors = 0;
    for (size_t i = 0; i < ar->n_entries; i++) {
        const zl_entry *e = &ar->entries[i];
        if (e->type != ZL_TYPE_SYMLINK || e->size == 0 || e->size > LINK_TARGET_MAX ||
            is_encrypted(ar, e))
            continue;
        unsigned char *t = NULL;
        size_t n = 0;
        zl_error rerr;
        int rc = zl_entry_read_all(ar, e, LINK_TARGET_MAX, &t, &n, &rerr);
        if (rc == ZL_E_NOMEM)
            return zl_error_set(ctx->err, rc, "%s", rerr.message);
        if (rc != ZL_OK)
            continue; /* unreadable data is ZL605's or ZL606's */
        /* The detail prints the target up to a NUL byte; reports escape it. */
        if (t[0] == '/') {
            bool layer_path = has_prefix(t, n, "/opt/") || has_prefix(t, n, "/var/task/");
            /* "/opt/../etc/x" is not under /opt/: no ".." at all there. */
            if (layer_path && !has_dotdot((const char *)t, n)) {
                rc = list_entry(ctx, rule, &f, e, ZL_SEV_INFO,
                                "-> %.*s (absolute, where Lambda puts layers or the function)",
                                (int)n, (const char *)t);
            } else {
                rc = list_entry(ctx, rule, &f, e, ZL_SEV_ERROR, "-> %.*s (absolute)", (int)n,
                                (const char *)t);
                errors++;
            }
        } else if (!walk_stays_inside((const char *)t, n, link_depth(e))) {
            rc = list_entry(ctx, rule, &f, e, ZL_SEV_ERROR, "-> %.*s (leaves the archive root)",
                            (int)n, (const char *)t);
            errors++;
        }
        free(t);
        if (rc != ZL_OK)
            return rc;
    }
    if (f == NULL)
        return ZL_OK;
    if (errors == 0)
        return zl_finding_set_message(ctx, f,
                                      "%zu %s to an absolute path under /opt/ or /var/task/",
                                      f->n_entries, f->n_entries == 1 ? "symlink points" :
                                                                       "symlinks point");
    return zl_finding_set_message(ctx, f,
                                  "%zu %s outside the archive (absolute, or climbing above its "
                                  "root)",
                                  errors, errors == 1 ? "symlink points" : "symlinks point");
}

/* ---- ZL603 duplicate-entry ---- */

/* qsort has no context argument; per thread, as ziplint -j checks archives
 * on several threads at once. */
static _Thread_local const zl_archive *sort_ar;

static int cmp_by_name(const void *a, const void *b)
{
    const zl_entry *ea = &sort_ar->entries[*(const size_t *)a];
    const zl_entry *eb = &sort_ar->entries[*(const size_t *)b];
    size_t n = ea->name_len < eb->name_len ? ea->name_len : eb->name_len;
    int c = memcmp(ea->name, eb->name, n);
    if (c != 0)
        return c;
    if (ea->name_len != eb->name_len)
        return ea->name_len < eb->name_len ? -1 : 1;
    /* Stable: the first in the archive comes first (it is the one kept). */
    return ea->index < eb->index ? -1 : ea->index > eb->index;
}

/* Identical directory entries: nothing is lost by keeping one (times
 * aside, which a directory's extraction does not depend on). */
static bool identical_dirs(const zl_entry *a, const zl_entry *b)
{
    return a->type == ZL_TYPE_DIR && b->type == ZL_TYPE_DIR && a->name_len > 0 &&
           a->name[a->name_len - 1] == '/' && a->size == 0 && b->size == 0 &&
           a->opsys == b->opsys && a->attributes == b->attributes;
}

static int check_duplicate_entry(zl_ctx *ctx, const zl_rule *rule)
{
    zl_archive *ar = ctx->ar;
    zl_finding *f = NULL;
    int rc = ZL_OK;
    size_t groups = 0, safe_groups = 0;
    if (ar->n_entries < 2)
        return ZL_OK;
    /* Entries with one name have one path ('\' read as '/'), and building
     * the name index marked the entries whose path another has: only they
     * can share a name, and only they are sorted. */
    size_t *order = malloc(ar->n_entries * sizeof *order);
    if (order == NULL)
        return zl_error_set(ctx->err, ZL_E_NOMEM, "out of memory");
    size_t n = 0;
    for (size_t i = 0; i < ar->n_entries; i++)
        if (ar->entries[i].path_shared)
            order[n++] = i;
    sort_ar = ar;
    qsort(order, n, sizeof *order, cmp_by_name);
    for (size_t i = 0; i < n && rc == ZL_OK;) {
        const zl_entry *first = &ar->entries[order[i]];
        size_t j = i + 1;
        bool safe = true;
        while (j < n) {
            const zl_entry *o = &ar->entries[order[j]];
            if (o->name_len != first->name_len || memcmp(o->name, first->name, o->name_len) != 0)
                break;
            safe = safe && identical_dirs(first, o);
            j++;
        }
        if (j - i > 1) {
            groups++;
            if (safe) {
                safe_groups++;
                rc = list_entry(ctx, rule, &f, first, ZL_SEV_WARNING,
                                "%zu identical directory entries", j - i);
                for (size_t k = i + 1; k < j && rc == ZL_OK; k++) {
                    zl_edit ed = {.kind = ZL_EDIT_DELETE, .entry = order[k], .safe = true};
                    rc = zl_finding_add_edit(ctx, f, &ed);
                }
            } else {
                rc = list_entry(ctx, rule, &f, first, ZL_SEV_ERROR,
                                "%zu entries with this name", j - i);
            }
        }
        i = j;
    }
    free(order);
    if (rc != ZL_OK || f == NULL)
        return rc;
    if (safe_groups > 0 &&
        (rc = zl_finding_set_fix(ctx, f, true,
                                 "keep the first of each set of identical directory entries")) !=
            ZL_OK)
        return rc;
    return zl_finding_set_message(ctx, f,
                                  "%zu %s more than once: unzip asks or overwrites, and which "
                                  "copy Lambda extracts last is undefined",
                                  groups, groups == 1 ? "name appears" : "names appear");
}

/* ---- ZL604 encrypted-entry ---- */

static const char *encryption_name(const zl_entry *e)
{
    switch (e->encryption) {
    case 0:
        return (e->flags & FLAG_STRONG) ? "strong encryption (flag bit 6)"
                                        : "encrypted (flag bit 0)";
    case 1:
        return "traditional PKWARE encryption (ZipCrypto)";
    case 0x0101:
        return "WinZip AES-128";
    case 0x0102:
        return "WinZip AES-192";
    case 0x0103:
        return "WinZip AES-256";
    default:
        return "unknown encryption method";
    }
}

static int check_encrypted_entry(zl_ctx *ctx, const zl_rule *rule)
{
    zl_archive *ar = ctx->ar;
    zl_finding *f = NULL;
    for (size_t i = 0; i < ar->n_entries; i++) {
        const zl_entry *e = &ar->entries[i];
        if (!is_encrypted(ar, e))
            continue;
        int rc = list_entry(ctx, rule, &f, e, ZL_SEV_ERROR, "%s", encryption_name(e));
        if (rc != ZL_OK)
            return rc;
    }
    if (f == NULL)
        return ZL_OK;
    return zl_finding_set_message(ctx, f,
                                  "%zu %s encrypted: Lambda has no password and cannot extract "
                                  "%s",
                                  f->n_entries, f->n_entries == 1 ? "entry is" : "entries are",
                                  f->n_entries == 1 ? "it" : "them");
}

/* ---- decoding what libzip cannot (LZMA, XZ, zstd) ---- */

static const char *method_name(uint16_t m)
{
    switch (m) {
    case 1:
        return "shrink";
    case 2:
    case 3:
    case 4:
    case 5:
        return "reduce";
    case 6:
        return "implode";
    case 9:
        return "deflate64";
    case 10:
        return "PKWARE DCL implode";
    case 12:
        return "bzip2";
    case CM_LZMA:
        return "LZMA";
    case 16:
        return "IBM z/OS CMPSC";
    case 18:
        return "IBM TERSE";
    case 19:
        return "IBM LZ77";
    case 20:
    case CM_ZSTD:
        return "zstd";
    case 94:
        return "MP3";
    case CM_XZ:
        return "XZ";
    case 96:
        return "JPEG";
    case 97:
        return "WavPack";
    case 98:
        return "PPMd";
    case 99:
        return "AE-x (encrypted)";
    default:
        return "unknown method";
    }
}

static bool we_decode(uint16_t m)
{
    return m == CM_LZMA || m == CM_XZ || m == CM_ZSTD;
}

/* The entry's compressed bytes as stored (after any encryption header:
 * callers skip encrypted entries). */
static int read_raw(zl_archive *ar, const zl_entry *e, unsigned char **out, size_t *len,
                    zl_error *err)
{
    *out = NULL;
    *len = 0;
    if (e->comp_size > ar->file_size)
        return zl_error_set(err, ZL_E_CORRUPT, "compressed size %llu is larger than the archive",
                            (unsigned long long)e->comp_size);
    unsigned char *buf = malloc(e->comp_size ? (size_t)e->comp_size : 1);
    if (buf == NULL)
        return zl_error_set(err, ZL_E_NOMEM, "out of memory");
    zip_t *za = zl_archive_za(ar, err);
    if (za == NULL) {
        free(buf);
        return err->code;
    }
    zip_file_t *zf = zip_fopen_index(za, e->index, ZIP_FL_COMPRESSED | ZIP_FL_UNCHANGED);
    if (zf == NULL) {
        free(buf);
        return zl_error_set(err, ZL_E_CORRUPT, "cannot read its data: %s", zip_strerror(za));
    }
    size_t got = 0;
    int rc = ZL_OK;
    while (got < e->comp_size) {
        zip_int64_t n = zip_fread(zf, buf + got, (zip_uint64_t)(e->comp_size - got));
        if (n < 0) {
            rc = zl_error_set(err, ZL_E_CORRUPT, "cannot read its data: %s",
                              zip_file_strerror(zf));
            break;
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    zip_fclose(zf);
    if (rc == ZL_OK && got != e->comp_size)
        rc = zl_error_set(err, ZL_E_CORRUPT, "truncated data (%zu of %llu compressed bytes)", got,
                          (unsigned long long)e->comp_size);
    if (rc != ZL_OK) {
        free(buf);
        return rc;
    }
    *out = buf;
    *len = got;
    return ZL_OK;
}

/* Runs a liblzma decoder over in into out[0..cap); *produced is what came
 * out. Success when the stream ends, or (raw LZMA without an end marker)
 * when all cap - 1 expected bytes came out. */
static int run_lzma(lzma_stream *s, const unsigned char *in, size_t in_len, unsigned char *out,
                    size_t cap, size_t *produced, zl_error *err)
{
    s->next_in = in;
    s->avail_in = in_len;
    s->next_out = out;
    s->avail_out = cap;
    lzma_ret r = lzma_code(s, LZMA_FINISH);
    *produced = cap - s->avail_out;
    if (r == LZMA_STREAM_END || ((r == LZMA_OK || r == LZMA_BUF_ERROR) && *produced == cap - 1))
        return ZL_OK;
    if (r == LZMA_MEM_ERROR)
        return zl_error_set(err, ZL_E_NOMEM, "out of memory");
    if (r == LZMA_MEMLIMIT_ERROR)
        return zl_error_set(err, ZL_E_CORRUPT, "needs more than %llu MiB to decode",
                            (unsigned long long)(LZMA_MEMLIMIT >> 20));
    if (r == LZMA_OK || r == LZMA_BUF_ERROR)
        return zl_error_set(err, ZL_E_CORRUPT, "truncated data");
    return zl_error_set(err, ZL_E_CORRUPT, "undecodable data (liblzma error %d)", (int)r);
}

/* The zip LZMA format (APPNOTE 5.8.8): version (2 bytes), properties size
 * (2, always 5), the LZMA1 properties, then the raw stream. */
static int decode_lzma(const unsigned char *in, size_t n, unsigned char *out,
                       size_t cap, size_t *produced, zl_error *err)
{
    /* The entry's size is known: LZMA1EXT (liblzma 5.4) stops there, with
     * or without an end marker (flag bit 1). */
    if (n < 9 || in[2] != 5 || in[3] != 0)
        return zl_error_set(err, ZL_E_CORRUPT, "bad LZMA header");
    lzma_filter filters[2] = {{.id = LZMA_FILTER_LZMA1, .options = NULL},
                              {.id = LZMA_VLI_UNKNOWN, .options = NULL}};
    if (lzma_properties_decode(&filters[0], NULL, in + 4, 5) != LZMA_OK)
        return zl_error_set(err, ZL_E_CORRUPT, "bad LZMA properties");
    lzma_options_lzma *opts = filters[0].options;
    int rc;
    if (opts->dict_size > LZMA_MEMLIMIT) {
        rc = zl_error_set(err, ZL_E_CORRUPT, "LZMA dictionary of %u bytes is too large",
                          (unsigned)opts->dict_size);
        free(opts);
        return rc;
    }
#ifdef LZMA_FILTER_LZMA1EXT
    filters[0].id = LZMA_FILTER_LZMA1EXT;
    opts->ext_flags = LZMA_LZMA1EXT_ALLOW_EOPM;
    opts->ext_size_low = (uint32_t)(cap - 1);
    opts->ext_size_high = (uint32_t)((uint64_t)(cap - 1) >> 32);
#endif
    lzma_stream s = LZMA_STREAM_INIT;
    lzma_ret r = lzma_raw_decoder(&s, filters);
    free(opts);
    if (r != LZMA_OK)
        return zl_error_set(err, r == LZMA_MEM_ERROR ? ZL_E_NOMEM : ZL_E_CORRUPT,
                            "cannot start the LZMA decoder (liblzma error %d)", (int)r);
    rc = run_lzma(&s, in + 9, n - 9, out, cap, produced, err);
    lzma_end(&s);
    return rc;
}

static int decode_xz(const unsigned char *in, size_t n, unsigned char *out, size_t cap,
                     size_t *produced, zl_error *err)
{
    lzma_stream s = LZMA_STREAM_INIT;
    lzma_ret r = lzma_stream_decoder(&s, LZMA_MEMLIMIT, LZMA_CONCATENATED);
    if (r != LZMA_OK)
        return zl_error_set(err, r == LZMA_MEM_ERROR ? ZL_E_NOMEM : ZL_E_CORRUPT,
                            "cannot start the XZ decoder (liblzma error %d)", (int)r);
    int rc = run_lzma(&s, in, n, out, cap, produced, err);
    lzma_end(&s);
    return rc;
}

static int decode_zstd(const unsigned char *in, size_t n, unsigned char *out, size_t cap,
                       size_t *produced, zl_error *err)
{
    ZSTD_DCtx *dc = ZSTD_createDCtx();
    if (dc == NULL)
        return zl_error_set(err, ZL_E_NOMEM, "out of memory");
    /* 2^27 (128 MiB) windows at most, as zstd's own default limit. */
    ZSTD_DCtx_setParameter(dc, ZSTD_d_windowLogMax, 27);
    ZSTD_inBuffer ib = {in, n, 0};
    ZSTD_outBuffer ob = {out, cap, 0};
    size_t r = 0;
    int rc = ZL_OK;
    while (ib.pos < ib.size) {
        r = ZSTD_decompressStream(dc, &ob, &ib);
        if (ZSTD_isError(r)) {
            rc = zl_error_set(err, ZL_E_CORRUPT, "undecodable zstd data: %s",
                              ZSTD_getErrorName(r));
            break;
        }
        if (ob.pos == ob.size)
            break; /* more than declared: the caller reports it */
        if (r != 0 && ib.pos == ib.size)
            break;
    }
    *produced = ob.pos;
    if (rc == ZL_OK && r != 0 && ob.pos < ob.size)
        rc = zl_error_set(err, ZL_E_CORRUPT, "truncated data");
    ZSTD_freeDCtx(dc);
    return rc;
}

/* Decodes an LZMA, XZ or zstd entry into a new buffer of exactly e->size
 * bytes whose CRC-32 matches e->crc. The message is the cause alone. */
static int decode_entry(zl_archive *ar, const zl_entry *e, unsigned char **out, zl_error *err)
{
    unsigned char *raw = NULL, *buf = NULL;
    size_t raw_len = 0, produced = 0;
    int rc;
    *out = NULL;
    if (e->size > DECODE_LIMIT)
        return zl_error_set(err, ZL_E_INVAL, "too large to decode in memory (%llu bytes)",
                            (unsigned long long)e->size);
    if ((rc = read_raw(ar, e, &raw, &raw_len, err)) != ZL_OK)
        return rc;
    /* One byte more than declared, to notice data that goes on. */
    size_t cap = (size_t)e->size + 1;
    buf = malloc(cap);
    if (buf == NULL) {
        rc = zl_error_set(err, ZL_E_NOMEM, "out of memory");
        goto out;
    }
    if (e->method == CM_LZMA)
        rc = decode_lzma(raw, raw_len, buf, cap, &produced, err);
    else if (e->method == CM_XZ)
        rc = decode_xz(raw, raw_len, buf, cap, &produced, err);
    else
        rc = decode_zstd(raw, raw_len, buf, cap, &produced, err);
    if (rc != ZL_OK)
        goto out;
    if (produced != e->size) {
        rc = zl_error_set(err, ZL_E_CORRUPT, "decodes to %s%zu bytes, %llu declared",
                          produced == cap ? "more than " : "", produced == cap ? cap - 1 : produced,
                          (unsigned long long)e->size);
        goto out;
    }
    uint32_t crc = lzma_crc32(buf, produced, 0);
    if (crc != e->crc) {
        rc = zl_error_set(err, ZL_E_CORRUPT, "CRC mismatch: the data does not match its checksum");
        goto out;
    }
    *out = buf;
    buf = NULL;
out:
    free(raw);
    free(buf);
    return rc;
}

/* ---- ZL605 compression-method ---- */

static int check_compression_method(zl_ctx *ctx, const zl_rule *rule)
{
    zl_archive *ar = ctx->ar;
    zl_finding *f = NULL;
    size_t fixable = 0;
    /* Decoding costs a full read: done when the fix will use the result
     * (and with --verify); a plain check only says whether it can be fixed. */
    bool decode = ctx->opt->fixing || ctx->opt->verify;
    for (size_t i = 0; i < ar->n_entries; i++) {
        zl_entry *e = &ar->entries[i];
        if (e->method == ZIP_CM_STORE || e->method == ZIP_CM_DEFLATE)
            continue;
        const char *mname = method_name(e->method);
        unsigned m = e->method;
        int rc;
        zl_edit ed = {.entry = i, .safe = true};
        if (is_encrypted(ar, e)) {
            rc = list_entry(ctx, rule, &f, e, ZL_SEV_WARNING, "%s (method %u); encrypted: not "
                            "fixable", mname, m);
        } else if (zip_compression_method_supported(e->method, 0)) {
            rc = list_entry(ctx, rule, &f, e, ZL_SEV_WARNING, "%s (method %u)", mname, m);
            ed.kind = ZL_EDIT_RECOMPRESS;
            if (rc == ZL_OK && (rc = zl_finding_add_edit(ctx, f, &ed)) == ZL_OK)
                fixable++;
        } else if (we_decode(e->method) && !decode) {
            rc = list_entry(ctx, rule, &f, e, ZL_SEV_WARNING, "%s (method %u)", mname, m);
            /* A promise for the report; plan.c refuses to apply it (a fix
             * run decodes and replaces instead). */
            ed.kind = ZL_EDIT_RECOMPRESS;
            if (rc == ZL_OK && (rc = zl_finding_add_edit(ctx, f, &ed)) == ZL_OK)
                fixable++;
        } else if (we_decode(e->method)) {
            unsigned char *data = NULL;
            zl_error derr;
            zl_error_init(&derr);
            rc = decode_entry(ar, e, &data, &derr);
            if (rc == ZL_E_NOMEM)
                return zl_error_set(ctx->err, rc, "%s: %s", ar->path, derr.message);
            if (rc != ZL_OK) {
                rc = list_entry(ctx, rule, &f, e, ZL_SEV_WARNING, "%s (method %u); %s: not "
                                "fixable", mname, m, derr.message);
            } else {
                e->data_ok = true; /* decoded, CRC checked: ZL606 need not again */
                rc = list_entry(ctx, rule, &f, e, ZL_SEV_WARNING, "%s (method %u)", mname, m);
                if (ctx->opt->fixing) {
                    ed.kind = ZL_EDIT_REPLACE;
                    ed.data = data;
                    ed.len = (size_t)e->size;
                } else {
                    /* check --verify: the data are not kept (one entry in
                     * memory at a time); the promise as without --verify */
                    ed.kind = ZL_EDIT_RECOMPRESS;
                }
                if (rc == ZL_OK && (rc = zl_finding_add_edit(ctx, f, &ed)) == ZL_OK) {
                    fixable++;
                    if (ed.kind == ZL_EDIT_REPLACE)
                        data = NULL; /* the result owns it */
                }
                free(data);
            }
        } else {
            rc = list_entry(ctx, rule, &f, e, ZL_SEV_WARNING, "%s (method %u); no decoder here: "
                            "not fixable", mname, m);
        }
        if (rc != ZL_OK)
            return rc;
    }
    if (f == NULL)
        return ZL_OK;
    int rc = zl_finding_set_message(ctx, f,
                                    "%zu %s compressed with a method other than deflate or "
                                    "stored, which many unzip tools (and Lambda) cannot read",
                                    f->n_entries, f->n_entries == 1 ? "entry is" : "entries are");
    if (rc == ZL_OK && fixable > 0)
        rc = zl_finding_set_fix(ctx, f, true, "recompress %zu %s with deflate (content unchanged)",
                                fixable, fixable == 1 ? "entry" : "entries");
    return rc;
}

/* ---- ZL607 zip-bomb (first: ZL606 uses its helpers) ---- */

typedef struct span {
    uint64_t start, end;
    size_t entry;
} span;

static int cmp_span(const void *a, const void *b)
{
    const span *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->entry < y->entry ? -1 : x->entry > y->entry;
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* Entries whose local header or data start inside an earlier entry's
 * (header + name + extra + compressed data): by[i] is that entry's index
 * + 1, 0 when entry i overlaps nothing. *count is how many overlap. */
static int find_overlaps(zl_archive *ar, size_t *by, size_t *count)
{
    *count = 0;
    memset(by, 0, ar->n_entries * sizeof *by);
    if (!ar->cd_ok || ar->n_entries < 2)
        return ZL_OK;
    span *sp = malloc(ar->n_entries * sizeof *sp);
    if (sp == NULL)
        return ZL_E_NOMEM;
    for (size_t i = 0; i < ar->n_entries; i++) {
        const zl_entry *e = &ar->entries[i];
        zl_local lh;
        uint64_t head = 30 + e->name_len;
        int rc = zl_entry_local(ar, e, &lh);
        if (rc == ZL_E_NOMEM) {
            free(sp);
            return rc;
        }
        if (rc == ZL_OK)
            head = 30 + (uint64_t)lh.name_len + lh.extra_len;
        sp[i].start = e->lh_offset;
        sp[i].end = sat_add(sat_add(e->lh_offset, head), e->cd_comp_size);
        sp[i].entry = i;
    }
    /* Writers lay entries out in directory order: sorted already, mostly. */
    bool sorted = true;
    for (size_t k = 1; k < ar->n_entries && sorted; k++)
        sorted = sp[k - 1].start <= sp[k].start;
    if (!sorted)
        qsort(sp, ar->n_entries, sizeof *sp, cmp_span);
    /* Sorted by start: an entry overlaps when it starts before the
     * furthest end seen so far. */
    uint64_t reach = sp[0].end;
    size_t reach_by = sp[0].entry;
    for (size_t k = 1; k < ar->n_entries; k++) {
        if (sp[k].start < reach) {
            by[sp[k].entry] = reach_by + 1;
            (*count)++;
        }
        if (sp[k].end > reach) {
            reach = sp[k].end;
            reach_by = sp[k].entry;
        }
    }
    free(sp);
    return ZL_OK;
}

static uint64_t declared_total(const zl_archive *ar)
{
    uint64_t total = 0;
    for (size_t i = 0; i < ar->n_entries; i++)
        total = sat_add(total, ar->entries[i].size);
    return total;
}

/* A deflated entry declaring more than deflate can produce from its
 * compressed size. */
static bool ratio_impossible(const zl_archive *ar, const zl_entry *e)
{
    if (e->method != ZIP_CM_DEFLATE || is_encrypted(ar, e))
        return false;
    return e->comp_size <= UINT64_MAX / DEFLATE_RATIO_MAX &&
           e->size > e->comp_size * DEFLATE_RATIO_MAX;
}

/* The overlaps, worked out once per check (the data pass, ZL606 and ZL607
 * all ask): ctx->overlap_by[i] is entry i's overlapping entry + 1, or 0. */
static int overlaps_of(zl_ctx *ctx, const size_t **by, size_t *count)
{
    zl_archive *ar = ctx->ar;
    if (ctx->overlap_by == NULL) {
        size_t *b = calloc(ar->n_entries ? ar->n_entries : 1, sizeof *b);
        if (b == NULL)
            return ZL_E_NOMEM;
        int rc = find_overlaps(ar, b, &ctx->n_overlaps);
        if (rc != ZL_OK) {
            free(b);
            return rc;
        }
        ctx->overlap_by = b;
    }
    *by = ctx->overlap_by;
    *count = ctx->n_overlaps;
    return ZL_OK;
}

/* 1 when ZL607 will refuse the archive anyway: then --verify does not
 * inflate what may be petabytes of shared data. */
static int looks_like_bomb(zl_ctx *ctx, bool *bomb)
{
    *bomb = declared_total(ctx->ar) > DECLARED_TOTAL_MAX;
    if (*bomb)
        return ZL_OK;
    const size_t *by;
    size_t count = 0;
    int rc = overlaps_of(ctx, &by, &count);
    *bomb = count > 0;
    return rc;
}

static int check_zip_bomb(zl_ctx *ctx, const zl_rule *rule)
{
    zl_archive *ar = ctx->ar;
    zl_finding *f = NULL;
    int rc = ZL_OK;
    size_t overlaps = 0, ratios = 0;
    uint64_t total = declared_total(ar);
    const size_t *by = NULL;
    if ((rc = overlaps_of(ctx, &by, &overlaps)) != ZL_OK)
        return zl_error_set(ctx->err, rc, "out of memory");
    for (size_t i = 0; i < ar->n_entries; i++) {
        const zl_entry *e = &ar->entries[i];
        if (by[i] != 0) {
            rc = list_entry(ctx, rule, &f, e, ZL_SEV_ERROR, "its data overlaps '%s'",
                            ar->entries[by[i] - 1].name);
        } else if (ratio_impossible(ar, e)) {
            ratios++;
            rc = list_entry(ctx, rule, &f, e, ZL_SEV_ERROR,
                            "declares %llu bytes from %llu compressed (more than deflate's "
                            "1032:1)",
                            (unsigned long long)e->size, (unsigned long long)e->comp_size);
        }
        if (rc != ZL_OK)
            goto out;
    }
    if (total > DECLARED_TOTAL_MAX) {
        if (f == NULL && (f = zl_finding_get(ctx, rule)) == NULL) {
            rc = zl_error_set(ctx->err, ZL_E_NOMEM, "out of memory");
            goto out;
        }
        zl_finding_raise(f, ZL_SEV_ERROR);
        f->bytes = total;
    }
    if (f == NULL)
        goto out;

    char parts[512] = "";
    size_t used = 0;
    if (overlaps > 0)
        used += (size_t)snprintf(parts + used, sizeof parts - used, "%zu %s data overlapping "
                                 "another's", overlaps, overlaps == 1 ? "entry has" :
                                                                        "entries have");
    if (ratios > 0 && used < sizeof parts)
        used += (size_t)snprintf(parts + used, sizeof parts - used, "%s%zu %s more than 1032 "
                                 "times %s compressed size", used ? "; " : "", ratios,
                                 ratios == 1 ? "entry declares" : "entries declare",
                                 ratios == 1 ? "its" : "their");
    if (total > DECLARED_TOTAL_MAX && used < sizeof parts) {
        char b[32];
        snprintf(parts + used, sizeof parts - used, "%sthe declared sizes total %s (%llu bytes, "
                 "more than 4 GiB)", used ? "; " : "", zl_format_bytes(total, b, sizeof b),
                 (unsigned long long)total);
    }
    rc = zl_finding_set_message(ctx, f, "a zip bomb or a forged archive: %s", parts);
out:
    return rc;
}

/* ---- ZL606 corrupt-entry ---- */

/* The cause alone from zl_entry_verify's "PATH: entry 'NAME': CAUSE". */
static const char *verify_cause(const zl_archive *ar, const zl_entry *e, const char *msg)
{
    size_t pl = strlen(ar->path);
    if (strncmp(msg, ar->path, pl) != 0 || strncmp(msg + pl, ": entry '", 9) != 0)
        return msg;
    const char *p = msg + pl + 9;
    if (strncmp(p, e->name, e->name_len) != 0 || strncmp(p + e->name_len, "': ", 3) != 0)
        return msg;
    return p + e->name_len + 3;
}

/* What the local header (and data descriptor) say that the central
 * directory does not, into why; false when they agree. */
static bool local_disagrees(const zl_archive *ar, const zl_entry *e, const zl_local *lh,
                            char *why, size_t size)
{
    uint16_t cd_method = (e->encryption >= 0x0101 && e->encryption <= 0x0103) ? 99 : e->method;
    if (!lh->name_matches) {
        snprintf(why, size, "the local header names it differently");
        return true;
    }
    if (lh->method != cd_method) {
        snprintf(why, size, "local header says method %u, central directory %u",
                 (unsigned)lh->method, (unsigned)cd_method);
        return true;
    }
    if ((lh->flags & FLAG_ENCRYPTED) != (e->flags & FLAG_ENCRYPTED)) {
        snprintf(why, size, "local header and central directory disagree on encryption");
        return true;
    }
    if (lh->data_offset > ar->file_size || e->cd_comp_size > ar->file_size - lh->data_offset) {
        snprintf(why, size, "truncated: its data runs past the end of the file");
        return true;
    }
    if ((lh->flags & FLAG_DESCRIPTOR) == 0) {
        if (lh->crc != e->crc)
            snprintf(why, size, "local header CRC %08x, central directory %08x",
                     (unsigned)lh->crc, (unsigned)e->crc);
        else if (lh->comp_size != e->cd_comp_size || lh->size != e->size)
            snprintf(why, size, "local header sizes %llu/%llu, central directory %llu/%llu",
                     (unsigned long long)lh->comp_size, (unsigned long long)lh->size,
                     (unsigned long long)e->cd_comp_size, (unsigned long long)e->size);
        else
            return false;
        return true;
    }
    if (!lh->dd_found) {
        snprintf(why, size, "truncated: no data descriptor after its data");
        return true;
    }
    if (lh->dd_crc != e->crc || lh->dd_comp_size != e->cd_comp_size || lh->dd_size != e->size) {
        snprintf(why, size, "data descriptor (CRC %08x, sizes %llu/%llu) disagrees with the "
                 "central directory (CRC %08x, sizes %llu/%llu)", (unsigned)lh->dd_crc,
                 (unsigned long long)lh->dd_comp_size, (unsigned long long)lh->dd_size,
                 (unsigned)e->crc, (unsigned long long)e->cd_comp_size,
                 (unsigned long long)e->size);
        return true;
    }
    return false;
}

/* 1 when ZL605 already decoded this entry (and checked its CRC). */
static bool already_decoded(const zl_ctx *ctx, size_t i)
{
    const zl_finding *const *fs = NULL;
    size_t n = zl_ctx_findings(ctx, &fs);
    for (size_t k = 0; k < n; k++) {
        if (strcmp(fs[k]->rule->code, "ZL605") != 0)
            continue;
        for (size_t j = 0; j < fs[k]->n_edits; j++)
            if (fs[k]->edits[j].entry == i && fs[k]->edits[j].kind == ZL_EDIT_REPLACE)
                return true;
    }
    return false;
}

/* What ZL606 does with one entry, decided on the main thread; the data
 * checks (VERIFY) ran on worker threads in the data pass (datapass.c), and
 * everything is reported in entry order afterwards. */
typedef enum corrupt_step { STEP_NONE = 0, STEP_HEADER, STEP_VERIFY, STEP_DECODE } corrupt_step;

typedef struct corrupt_item {
    uint8_t step;
    char *msg;  /* HEADER detail (owned) */
} corrupt_item;

/* Whether --verify reads entry e's data: not encrypted (ZL604's), not in
 * an archive ZL607 refuses anyway (its data may be petabytes of shared
 * bytes), not declaring more than deflate can produce, and in a method
 * libzip decodes (ZL605 decodes the others). */
static bool verify_wants(const zl_archive *ar, const zl_entry *e, bool bomb)
{
    return !is_encrypted(ar, e) && !bomb && !ratio_impossible(ar, e) &&
           zip_compression_method_supported(e->method, 0);
}

int zl_verify_wanted(zl_ctx *ctx, uint8_t *want)
{
    /* The declared total is cheap to know; data that overlap take every
     * local header, which zl_verify_bomb reads once the workers have
     * started. */
    bool bomb = declared_total(ctx->ar) > DECLARED_TOTAL_MAX;
    for (size_t i = 0; i < ctx->ar->n_entries; i++)
        if (verify_wants(ctx->ar, &ctx->ar->entries[i], bomb))
            want[i] |= ZL_WANT_VERIFY;
    return ZL_OK;
}

int zl_verify_bomb(zl_ctx *ctx, bool *bomb)
{
    if (looks_like_bomb(ctx, bomb) != ZL_OK)
        return zl_error_set(ctx->err, ZL_E_NOMEM, "%s: out of memory", ctx->ar->path);
    return ZL_OK;
}

static int check_corrupt_entry(zl_ctx *ctx, const zl_rule *rule)
{
    zl_archive *ar = ctx->ar;
    zl_finding *f = NULL;
    bool bomb = false;
    size_t n_headers = 0; /* entries listed for their headers, not their data */
    corrupt_item *items = NULL;
    int rc;
    if (ctx->opt->verify && (rc = looks_like_bomb(ctx, &bomb)) != ZL_OK)
        return zl_error_set(ctx->err, rc, "%s: out of memory", ar->path);
    if (ar->n_entries == 0)
        return ZL_OK;
    items = calloc(ar->n_entries, sizeof *items);
    if (items == NULL) {
        rc = zl_error_set(ctx->err, ZL_E_NOMEM, "%s: out of memory", ar->path);
        goto out;
    }
    for (size_t i = 0; i < ar->n_entries; i++) {
        const zl_entry *e = &ar->entries[i];
        corrupt_item *it = &items[i];
        /* One small read per entry, so this part runs on every check. */
        if (ar->cd_ok) {
            zl_local lh;
            char why[256];
            rc = zl_entry_local(ar, e, &lh);
            if (rc == ZL_E_NOMEM) {
                rc = zl_error_set(ctx->err, rc, "%s: out of memory", ar->path);
                goto out;
            }
            if (rc != ZL_OK) {
                it->step = STEP_HEADER;
                it->msg = zl_asprintf("no local header at offset %llu",
                                      (unsigned long long)e->lh_offset);
            } else if (local_disagrees(ar, e, &lh, why, sizeof why)) {
                it->step = STEP_HEADER;
                it->msg = zl_strdup(why);
            }
            if (it->step == STEP_HEADER) {
                if (it->msg == NULL) {
                    rc = zl_error_set(ctx->err, ZL_E_NOMEM, "%s: out of memory", ar->path);
                    goto out;
                }
                continue;
            }
        }
        if (!ctx->opt->verify)
            continue;
        if (verify_wants(ar, e, bomb))
            it->step = STEP_VERIFY;
        else if (!is_encrypted(ar, e) && !bomb && !ratio_impossible(ar, e) &&
                 we_decode(e->method) && !e->data_ok && !already_decoded(ctx, i))
            it->step = STEP_DECODE;
    }
    /* The data were inflated and checksummed on worker threads meanwhile
     * (datapass.c); libzip is left what the raw reader did not take. */
    if (ctx->opt->verify && (rc = zl_datapass_wait(ctx)) != ZL_OK)
        goto out;
    for (size_t i = 0; i < ar->n_entries; i++) {
        const zl_entry *e = &ar->entries[i];
        corrupt_item *it = &items[i];
        if (it->step == STEP_NONE)
            continue;
        if (it->step == STEP_HEADER) {
            n_headers++;
            if ((rc = list_entry(ctx, rule, &f, e, ZL_SEV_ERROR, "%s", it->msg)) != ZL_OK)
                goto out;
            continue;
        }
        zl_error verr;
        zl_error_init(&verr);
        if (it->step == STEP_VERIFY) {
            const char *msg = NULL;
            if (e->data_ok)
                rc = ZL_OK; /* read whole and checked by the data pass */
            else if (!zl_datapass_verified(ctx, i, &rc, &msg) || rc == ZL_RAW_FALLBACK)
                rc = zl_entry_verify(ar, e, &verr);
            else if (rc != ZL_OK && msg != NULL)
                snprintf(verr.message, sizeof verr.message, "%s", msg);
        } else {
            unsigned char *data = NULL;
            rc = decode_entry(ar, e, &data, &verr);
            free(data);
            if (rc == ZL_E_INVAL)
                rc = ZL_OK; /* too large to hold: not a sign of damage */
        }
        if (rc == ZL_OK)
            continue;
        if (rc == ZL_E_NOMEM) {
            rc = zl_error_set(ctx->err, rc, "%s", verr.message[0] ? verr.message : "out of memory");
            goto out;
        }
        rc = list_entry(ctx, rule, &f, e, ZL_SEV_ERROR, "%s", verify_cause(ar, e, verr.message));
        if (rc != ZL_OK)
            goto out;
    }
    rc = ZL_OK;
    if (f == NULL)
        goto out;
    if (n_headers == 0)
        rc = zl_finding_set_message(ctx, f,
                                    f->n_entries == 1
                                        ? "%zu entry is corrupt: its data does not match its "
                                          "CRC or cannot be decoded"
                                        : "%zu entries are corrupt: their data does not match "
                                          "their CRC or cannot be decoded",
                                    f->n_entries);
    else
        rc = zl_finding_set_message(ctx, f,
                                    f->n_entries == 1
                                        ? "%zu entry is corrupt: its data does not match its CRC, "
                                          "cannot be decoded, or its headers disagree"
                                        : "%zu entries are corrupt: their data does not match "
                                          "their CRC, cannot be decoded, or their headers disagree",
                                    f->n_entries);
out:
    if (items != NULL)
        for (size_t i = 0; i < ar->n_entries; i++)
            free(items[i].msg);
    free(items);
    return rc;
}

/* ---- the table ---- */

const zl_rule_def zl_rules_integrity[] = {
    {.code = "ZL601",
     .name = "unsafe-path",
     .severity = ZL_SEV_ERROR,
     .fix = ZL_FIX_NONE,
     .default_on = 1,
     .summary = "an entry name is absolute, has a '..' component or a drive letter",
     .explain =
         "An entry named '/etc/x', '../evil.py', 'a/../../b' or 'C:\\x' (also when its\n"
         "backslashes are read as folder separators) would be written outside the\n"
         "folder the archive is extracted to: the 'zip slip' attack. No build tool\n"
         "writes such names; the archive was made by hand or tampered with. Safe\n"
         "extractors refuse it. ziplint never rewrites it: rebuild the package.",
     .lambda_error = unzip_error,
     .check = check_unsafe_path},
    {.code = "ZL602",
     .name = "unsafe-symlink",
     .severity = ZL_SEV_ERROR,
     .fix = ZL_FIX_NONE,
     .default_on = 1,
     .summary = "a symlink points outside the archive (absolute, or climbing above its root)",
     .explain =
         "A symlink entry whose target is absolute ('/etc/passwd') or climbs above the\n"
         "archive root ('../../x') points at files that are not in the package; an\n"
         "extractor that follows it writes outside its folder. Absolute targets under\n"
         "/opt/ (where layers are extracted) or /var/task/ (the function) are reported\n"
         "as info: layers and functions use them on purpose. The target is read from\n"
         "the entry's data (at most 4096 bytes); nothing is extracted.",
     .lambda_error = "",
     .check = check_unsafe_symlink},
    {.code = "ZL603",
     .name = "duplicate-entry",
     .severity = ZL_SEV_ERROR,
     .fix = ZL_FIX_SAFE,
     .default_on = 1,
     .summary = "two entries have the same name",
     .explain =
         "Two entries with the same name: unzip asks whether to overwrite or silently\n"
         "takes the last, other tools take the first, so what Lambda runs depends on\n"
         "the extractor. When the duplicates are identical directory entries (same\n"
         "mode and host; times aside) the fix keeps the first and deletes the others\n"
         "(a warning). Duplicate files, or entries of different kinds, are errors and\n"
         "the archive is never rewritten: rebuild it.",
     .lambda_error = "",
     .check = check_duplicate_entry},
    {.code = "ZL604",
     .name = "encrypted-entry",
     .severity = ZL_SEV_ERROR,
     .fix = ZL_FIX_NONE,
     .default_on = 1,
     .summary = "an entry is encrypted",
     .explain =
         "Lambda has no password: an encrypted entry (ZipCrypto or WinZip AES, from\n"
         "the central directory's method or its flag bit 0) cannot be extracted and\n"
         "the upload fails. Build the package again without a password.",
     .lambda_error = unzip_error,
     .check = check_encrypted_entry},
    {.code = "ZL605",
     .name = "compression-method",
     .severity = ZL_SEV_WARNING,
     .fix = ZL_FIX_SAFE,
     .default_on = 1,
     .summary = "an entry uses a compression method other than stored or deflate",
     .explain =
         "Only stored (0) and deflate (8) are read by every unzip, Lambda's included.\n"
         "bzip2, LZMA, XZ and zstd entries (Python's zipfile and 7-Zip can write them)\n"
         "may fail to extract. The fix decodes them (bzip2 through libzip, LZMA and XZ\n"
         "through liblzma, zstd through libzstd), checks the CRC and writes them\n"
         "deflated: the content is unchanged. Entries in a method nothing here decodes\n"
         "(deflate64, PPMd, implode, ...) are listed as not fixable: rebuild with\n"
         "deflate.",
     .lambda_error = unzip_error,
     .check = check_compression_method},
    {.code = "ZL606",
     .name = "corrupt-entry",
     .severity = ZL_SEV_ERROR,
     .fix = ZL_FIX_NONE,
     .default_on = 1,
     .stage = ZL_STAGE_LAST,
     .summary = "an entry is corrupt (CRC mismatch, truncated, undecodable, or its local header "
                "disagrees)",
     .explain =
         "Every check compares each entry's local header with the central directory:\n"
         "name bytes, method and the encryption bit, and the CRC and sizes (from the\n"
         "data descriptor when flag bit 3 is set). With --verify (and always on fix),\n"
         "every entry is also decompressed and its data checked against its CRC-32.\n"
         "A mismatch, data that ends early or cannot be decoded means the archive was\n"
         "damaged in transit or written by a broken tool. Lambda refuses to unpack it.\n"
         "ziplint never rewrites such an archive: build the package again from its\n"
         "sources, or re-download it, and compare checksums.",
     .lambda_error = unzip_error,
     .check = check_corrupt_entry},
    {.code = "ZL607",
     .name = "zip-bomb",
     .severity = ZL_SEV_ERROR,
     .fix = ZL_FIX_NONE,
     .default_on = 1,
     .summary = "entries overlap, or declare sizes no real package has",
     .explain =
         "Entries whose data overlap (two central records pointing into the same\n"
         "bytes), a deflated entry declaring more than 1032 times its compressed size\n"
         "(more than deflate can express), or declared sizes totalling more than 4 GiB:\n"
         "the marks of a zip bomb or a forged archive. It is never rewritten, and\n"
         "nothing in it is trusted.",
     .lambda_error = unzip_error,
     .check = check_zip_bomb},
    {.code = NULL},
};
