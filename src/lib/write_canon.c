/* write_canon.c - the canonical writer of `fix --reproducible`, and the
 * comparison ZL701 makes with it.
 *
 * libzip cannot write the canonical form (its DOS times go through
 * localtime, it keeps extra fields and picks its own header fields), so
 * every byte is written here: local headers, data, central directory, end
 * record, zip64 records only when a size, offset or count needs them.
 * The canonical form (rules.md, ZL7xx):
 *  - entries sorted by name bytes; every folder a name implies is present;
 *  - folders 0755, symlinks 0777 (kept as links: their data is the target),
 *    files 0755 when their final mode has the owner's x bit (executables
 *    get it from ZL204/ZL701), else 0644; host Unix, "version made by" 3.0;
 *  - one time for all (zl_canon_time_get);
 *  - flags 0, or only the UTF-8 bit for a non-ASCII name that is valid
 *    UTF-8; no extra fields, comments, data descriptors or archive comment;
 *  - data deflated with zlib at pinned settings (level 9, raw window 15,
 *    memLevel 8, default strategy) and stored instead when that is not
 *    smaller (always for empty files and folders): the same bytes always
 *    get the same compression.
 * The result depends only on names, contents and final modes. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "zl_internal.h"

#define CANON_LEVEL       9
#define CANON_WINDOW_BITS (-15)
#define CANON_MEM_LEVEL   8
#define CANON_STRATEGY    Z_DEFAULT_STRATEGY

#define DOS_MIN_TIME INT64_C(315532800)  /* 1980-01-01 00:00:00 UTC */
#define DOS_MAX_TIME INT64_C(4354819198) /* 2107-12-31 23:59:58 UTC */

#define MADE_BY_UNIX 0x031e /* host 3 (Unix), spec 3.0 */
#define NEEDED_PLAIN 20
#define NEEDED_ZIP64 45
#define FLAG_UTF8    0x0800u
#define MAX32        0xffffffffu

#define SIG_LFH        0x04034b50u
#define SIG_CDH        0x02014b50u
#define SIG_EOCD       0x06054b50u
#define SIG_EOCD64     0x06064b50u
#define SIG_EOCD64_LOC 0x07064b50u

/* A sink saw bytes that differ from the file (compare mode): stop. */
#define STOP 1

/* ---- the canonical time ---- */

int zl_canon_time_get(zl_canon_time *out, zl_error *err)
{
    int64_t t = DOS_MIN_TIME;
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (sde != NULL && *sde != '\0') {
        char *end = NULL;
        errno = 0;
        long long v = strtoll(sde, &end, 10);
        if (end == sde || *end != '\0')
            return zl_error_set(err, ZL_E_INVAL,
                                "SOURCE_DATE_EPOCH '%.40s' is not a number of seconds", sde);
        if (errno == ERANGE)
            v = v < 0 ? 0 : (long long)DOS_MAX_TIME;
        t = v;
        if (t < DOS_MIN_TIME)
            t = DOS_MIN_TIME;
        if (t > DOS_MAX_TIME)
            t = DOS_MAX_TIME;
    }
    t -= t % 2; /* DOS keeps even seconds */
    time_t tt = (time_t)t;
    struct tm tm;
    if (gmtime_r(&tt, &tm) == NULL)
        return zl_error_set(err, ZL_E_INVAL, "SOURCE_DATE_EPOCH: time out of range");
    out->unix_time = t;
    out->dos_time = (uint16_t)((tm.tm_hour << 11) | (tm.tm_min << 5) | (tm.tm_sec / 2));
    out->dos_date = (uint16_t)(((tm.tm_year - 80) << 9) | ((tm.tm_mon + 1) << 5) | tm.tm_mday);
    return ZL_OK;
}

uint32_t zl_canon_mode(const zl_entry *e, const zl_plan_entry *pe)
{
    if (e->type == ZL_TYPE_DIR)
        return S_IFDIR | 0755;
    if (e->type == ZL_TYPE_SYMLINK)
        return S_IFLNK | 0777;
    uint32_t perm = (pe != NULL && pe->chmod) ? pe->mode
                    : e->has_unix_mode        ? ZL_MODE_PERM(e->mode)
                                              : 0;
    return S_IFREG | ((perm & 0100) ? 0755u : 0644u);
}

/* ---- the entry list ---- */

typedef struct item {
    const char *name;
    size_t name_len;
    long entry;                /* index in ar->entries; -1: a folder only implied by names */
    uint32_t mode;             /* st_mode */
    const unsigned char *data; /* replacement data (borrowed) or NULL */
    size_t len;
    bool owned; /* name is ours to free */
    /* filled while writing */
    uint32_t crc;
    uint64_t size, comp_size, offset;
    uint16_t method;
} item;

struct zl_canon {
    item *items;
    size_t n;
    zl_canon_time t;
    uint64_t total; /* input bytes, for progress */
};

void zl_canon_free(zl_canon *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < c->n; i++)
        if (c->items[i].owned)
            free((char *)c->items[i].name);
    free(c->items);
    free(c);
}

static int cmp_name(const char *a, size_t an, const char *b, size_t bn)
{
    int c = memcmp(a, b, an < bn ? an : bn);
    if (c != 0)
        return c;
    return an < bn ? -1 : an > bn;
}

static int cmp_item(const void *pa, const void *pb)
{
    const item *a = pa, *b = pb;
    int c = cmp_name(a->name, a->name_len, b->name, b->name_len);
    if (c != 0)
        return c;
    return a->entry < b->entry ? -1 : a->entry > b->entry;
}

/* Builds the sorted entry list: the survivors of pes under their final
 * names, and the folders their names imply. */
static int build(zl_archive *ar, const zl_plan_entry *pes, zl_canon *c, zl_error *err)
{
    size_t n = 0, n_implied = 0;
    item *implied = NULL;
    int rc = ZL_OK;

    for (size_t i = 0; i < ar->n_entries; i++)
        if (pes == NULL || !pes[i].deleted)
            n++;
    c->items = calloc(n ? n : 1, sizeof *c->items);
    if (c->items == NULL)
        return zl_error_set(err, ZL_E_NOMEM, "out of memory");
    for (size_t i = 0; i < ar->n_entries; i++) {
        const zl_entry *e = &ar->entries[i];
        const zl_plan_entry *pe = pes ? &pes[i] : NULL;
        if (pe != NULL && pe->deleted)
            continue;
        item *it = &c->items[c->n++];
        it->entry = (long)i;
        it->mode = zl_canon_mode(e, pe);
        it->name = (pe && pe->new_name) ? pe->new_name : e->name;
        it->name_len = (pe && pe->new_name) ? strlen(pe->new_name) : e->name_len;
        if (pe != NULL && pe->data != NULL) {
            it->data = pe->data;
            it->len = pe->len;
        }
        /* A folder is named with a final '/' whatever wrote it. */
        if (e->type == ZL_TYPE_DIR && (it->name_len == 0 || it->name[it->name_len - 1] != '/')) {
            char *nn = zl_asprintf("%.*s/", (int)it->name_len, it->name);
            if (nn == NULL)
                return zl_error_set(err, ZL_E_NOMEM, "out of memory");
            it->name = nn;
            it->name_len++;
            it->owned = true;
        }
        if (e->type != ZL_TYPE_DIR)
            c->total += it->data ? it->len : e->size;
    }
    qsort(c->items, c->n, sizeof *c->items, cmp_item);

    /* Every "a/" and "a/b/" a name implies, borrowed from that name. */
    size_t cap = 0;
    for (size_t i = 0; i < c->n; i++)
        for (size_t k = 1; k + 1 < c->items[i].name_len; k++)
            if (c->items[i].name[k] == '/')
                cap++;
    if (cap > 0) {
        implied = calloc(cap, sizeof *implied);
        if (implied == NULL) {
            rc = zl_error_set(err, ZL_E_NOMEM, "out of memory");
            goto out;
        }
        for (size_t i = 0; i < c->n; i++) {
            const item *it = &c->items[i];
            for (size_t k = 1; k + 1 < it->name_len; k++) {
                if (it->name[k] != '/')
                    continue;
                implied[n_implied++] = (item){
                    .name = it->name, .name_len = k + 1, .entry = -1, .mode = S_IFDIR | 0755};
            }
        }
        qsort(implied, n_implied, sizeof *implied, cmp_item);
        size_t kept = 0;
        for (size_t j = 0; j < n_implied; j++) {
            const item *d = &implied[j];
            if (kept > 0 && cmp_name(implied[kept - 1].name, implied[kept - 1].name_len, d->name,
                                     d->name_len) == 0)
                continue;
            /* Present already? (binary search over the sorted survivors) */
            size_t lo = 0, hi = c->n;
            bool found = false;
            while (lo < hi && !found) {
                size_t mid = lo + (hi - lo) / 2;
                int r = cmp_name(c->items[mid].name, c->items[mid].name_len, d->name, d->name_len);
                if (r == 0)
                    found = true;
                else if (r < 0)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            if (!found)
                implied[kept++] = *d;
        }
        n_implied = kept;
    }
    if (n_implied > 0) {
        item *all = realloc(c->items, (c->n + n_implied) * sizeof *all);
        if (all == NULL) {
            rc = zl_error_set(err, ZL_E_NOMEM, "out of memory");
            goto out;
        }
        memcpy(all + c->n, implied, n_implied * sizeof *all);
        c->items = all;
        c->n += n_implied;
        qsort(c->items, c->n, sizeof *c->items, cmp_item);
    }
out:
    free(implied);
    return rc;
}

/* ---- sinks: the staged output, or a comparison with the file ---- */

typedef struct sink {
    zl_archive *ar;
    bool compare;
    uint64_t pos;
    long cur_entry; /* the entry being written (for the first difference) */
    bool differs;
    long diff_entry;
    const char *target; /* staging: for messages */
} sink;

static int put(sink *s, const void *buf, size_t len, zl_error *err)
{
    zl_archive *ar = s->ar;
    if (len == 0)
        return ZL_OK;
    if (s->compare) {
        unsigned char tmp[65536];
        const unsigned char *p = buf;
        size_t done = 0;
        while (done < len) {
            size_t k = len - done < sizeof tmp ? len - done : sizeof tmp;
            if (s->pos + done + k > ar->file_size) {
                s->differs = true;
                break;
            }
            ssize_t r = pread(ar->fd, tmp, k, (off_t)(s->pos + done));
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0)
                return zl_error_set(err, ZL_E_IO, "%s: cannot read: %s", ar->path,
                                    r < 0 ? zl_errno_cause(errno) : "unexpected end of file");
            if (memcmp(tmp, p + done, (size_t)r) != 0) {
                s->differs = true;
                break;
            }
            done += (size_t)r;
        }
        if (s->differs) {
            s->diff_entry = s->cur_entry;
            return STOP;
        }
        s->pos += len;
        return ZL_OK;
    }
    if (zip_source_write(ar->src, buf, (zip_uint64_t)len) != (zip_int64_t)len)
        return zl_write_source_error(ar, s->target, err);
    s->pos += len;
    return ZL_OK;
}

static unsigned char *le16(unsigned char *p, uint16_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    return p + 2;
}

static unsigned char *le32(unsigned char *p, uint32_t v)
{
    p = le16(p, (uint16_t)v);
    return le16(p, (uint16_t)(v >> 16));
}

static unsigned char *le64(unsigned char *p, uint64_t v)
{
    p = le32(p, (uint32_t)v);
    return le32(p, (uint32_t)(v >> 32));
}

/* ---- reading an entry's data ---- */

typedef struct reader {
    zip_file_t *zf;
    const unsigned char *data;
    size_t len, pos;
} reader;

static int reader_open(reader *r, zl_archive *ar, const item *it, zl_error *err)
{
    memset(r, 0, sizeof *r);
    if (it->data != NULL || it->entry < 0) {
        r->data = it->data;
        r->len = it->len;
        return ZL_OK;
    }
    const zl_entry *e = &ar->entries[it->entry];
    r->zf = zip_fopen_index(ar->za, e->index, 0);
    if (r->zf == NULL)
        return zl_error_set(err, ZL_E_CORRUPT, "%s: entry '%s': cannot read it: %s", ar->path,
                            e->name, zip_strerror(ar->za));
    return ZL_OK;
}

/* Up to cap bytes into buf; 0 at the end; ZL_E_CORRUPT (CRC, data). */
static int reader_read(reader *r, zl_archive *ar, const item *it, void *buf, size_t cap,
                       size_t *got, zl_error *err)
{
    if (r->zf == NULL) {
        size_t k = r->len - r->pos < cap ? r->len - r->pos : cap;
        if (k > 0)
            memcpy(buf, r->data + r->pos, k);
        r->pos += k;
        *got = k;
        return ZL_OK;
    }
    zip_int64_t n = zip_fread(r->zf, buf, cap);
    if (n < 0)
        return zl_error_set(err, ZL_E_CORRUPT, "%s: entry '%s': %s", ar->path,
                            ar->entries[it->entry].name, zip_file_strerror(r->zf));
    *got = (size_t)n;
    return ZL_OK;
}

static void reader_close(reader *r)
{
    if (r->zf != NULL)
        zip_fclose(r->zf);
    r->zf = NULL;
}

typedef struct dbuf {
    unsigned char *p;
    size_t len, cap;
} dbuf;

/* Deflates the item's data at the pinned settings into out, and counts its
 * size and CRC. */
static int deflate_item(zl_archive *ar, const item *it, dbuf *out, uint32_t *crc, uint64_t *size,
                        void (*tick)(void *, size_t), void *tick_ud, zl_error *err)
{
    z_stream zs;
    reader r;
    unsigned char in[65536];
    int rc = ZL_OK;
    bool z_ok = false;

    memset(&zs, 0, sizeof zs);
    *crc = (uint32_t)crc32(0L, Z_NULL, 0);
    *size = 0;
    if ((rc = reader_open(&r, ar, it, err)) != ZL_OK)
        return rc;
    if (deflateInit2(&zs, CANON_LEVEL, Z_DEFLATED, CANON_WINDOW_BITS, CANON_MEM_LEVEL,
                     CANON_STRATEGY) != Z_OK) {
        rc = zl_error_set(err, ZL_E_NOMEM, "out of memory (zlib)");
        goto out;
    }
    z_ok = true;
    for (;;) {
        size_t got = 0;
        if ((rc = reader_read(&r, ar, it, in, sizeof in, &got, err)) != ZL_OK)
            goto out;
        *crc = (uint32_t)crc32(*crc, in, (uInt)got);
        *size += got;
        if (tick != NULL)
            tick(tick_ud, got);
        zs.next_in = in;
        zs.avail_in = (uInt)got;
        int flush = got == 0 ? Z_FINISH : Z_NO_FLUSH;
        int zr;
        do {
            if (out->cap - out->len < 65536) {
                size_t ncap = out->cap ? out->cap * 2 : 131072;
                unsigned char *np = realloc(out->p, ncap);
                if (np == NULL) {
                    rc = zl_error_set(err, ZL_E_NOMEM, "out of memory");
                    goto out;
                }
                out->p = np;
                out->cap = ncap;
            }
            zs.next_out = out->p + out->len;
            zs.avail_out = (uInt)(out->cap - out->len);
            zr = deflate(&zs, flush);
            if (zr == Z_STREAM_ERROR) {
                rc = zl_error_set(err, ZL_E_WRITE, "zlib deflate failed");
                goto out;
            }
            out->len = (size_t)(zs.next_out - out->p);
        } while (zs.avail_out == 0 || (flush == Z_FINISH && zr != Z_STREAM_END));
        if (got == 0)
            break;
    }
out:
    if (z_ok)
        deflateEnd(&zs);
    reader_close(&r);
    return rc;
}

/* ---- writing ---- */

typedef struct progress {
    zl_progress_fn fn;
    void *ud;
    uint64_t done, total;
    double last;
} progress;

static void tick(void *ud, size_t n)
{
    progress *p = ud;
    if (p == NULL || p->fn == NULL || p->total == 0)
        return;
    p->done += n;
    double f = (double)p->done / (double)p->total;
    if (f > 1.0)
        f = 1.0;
    if (f - p->last >= 0.01 || f >= 1.0) {
        p->last = f;
        p->fn(f, p->ud);
    }
}

/* Lead bytes and continuation bytes in order (overlong forms and
 * surrogates are not told apart: the flag only has to be deterministic). */
static bool utf8_valid(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned char c = s[i];
        size_t k;
        if (c < 0x80)
            k = 0;
        else if (c >= 0xc2 && c <= 0xdf)
            k = 1;
        else if ((c & 0xf0) == 0xe0)
            k = 2;
        else if (c >= 0xf0 && c <= 0xf4)
            k = 3;
        else
            return false;
        if (k > n - i - 1)
            return false;
        for (size_t j = 1; j <= k; j++)
            if ((s[i + j] & 0xc0) != 0x80)
                return false;
        i += k + 1;
    }
    return true;
}

static uint16_t name_flags(const item *it)
{
    const unsigned char *s = (const unsigned char *)it->name;
    for (size_t i = 0; i < it->name_len; i++)
        if (s[i] >= 0x80)
            return utf8_valid(s, it->name_len) ? FLAG_UTF8 : 0;
    return 0;
}

static bool item_zip64(const item *it)
{
    return it->size >= MAX32 || it->comp_size >= MAX32 || it->offset >= MAX32;
}

/* The sizes do not fit 32 bits: 0xFFFFFFFF in the header, the zip64 extra
 * holds them. */
static bool big_sizes(const item *it)
{
    return it->size >= MAX32 || it->comp_size >= MAX32;
}

/* The fields the local and the central header share, from "version needed"
 * to the name length. */
static unsigned char *put_common(unsigned char *p, const zl_canon *c, const item *it)
{
    bool big = big_sizes(it);
    p = le16(p, item_zip64(it) ? NEEDED_ZIP64 : NEEDED_PLAIN);
    p = le16(p, name_flags(it));
    p = le16(p, it->method);
    p = le16(p, c->t.dos_time);
    p = le16(p, c->t.dos_date);
    p = le32(p, it->crc);
    p = le32(p, big ? MAX32 : (uint32_t)it->comp_size);
    p = le32(p, big ? MAX32 : (uint32_t)it->size);
    return le16(p, (uint16_t)it->name_len);
}

static int emit_item(zl_archive *ar, const zl_canon *c, item *it, sink *s, progress *pg,
                     zl_error *err)
{
    dbuf d = {0};
    reader r = {0};
    int rc = ZL_OK;
    bool is_dir = (it->mode & S_IFMT) == S_IFDIR;

    s->cur_entry = it->entry;
    it->offset = s->pos;
    it->method = ZIP_CM_STORE;
    it->crc = 0;
    it->size = it->comp_size = 0;
    if (!is_dir) {
        if ((rc = deflate_item(ar, it, &d, &it->crc, &it->size, tick, pg, err)) != ZL_OK)
            goto out;
        if (it->size > 0 && d.len < it->size) {
            it->method = ZIP_CM_DEFLATE;
            it->comp_size = d.len;
        } else {
            it->comp_size = it->size;
        }
    }
    bool z64_sizes = big_sizes(it);
    unsigned char h[30 + 20], *p = h;
    p = le32(p, SIG_LFH);
    p = put_common(p, c, it);
    p = le16(p, z64_sizes ? 20 : 0);
    if ((rc = put(s, h, (size_t)(p - h), err)) != ZL_OK)
        goto out;
    if ((rc = put(s, it->name, it->name_len, err)) != ZL_OK)
        goto out;
    if (z64_sizes) {
        p = h;
        p = le16(p, 0x0001);
        p = le16(p, 16);
        p = le64(p, it->size);
        p = le64(p, it->comp_size);
        if ((rc = put(s, h, (size_t)(p - h), err)) != ZL_OK)
            goto out;
    }
    if (it->method == ZIP_CM_DEFLATE) {
        rc = put(s, d.p, d.len, err);
        goto out;
    }
    if (is_dir || it->size == 0)
        goto out;
    /* Stored: the data again, checked against what was counted. */
    free(d.p);
    d.p = NULL;
    if ((rc = reader_open(&r, ar, it, err)) != ZL_OK)
        goto out;
    unsigned char buf[65536];
    uint64_t n = 0;
    uint32_t crc = (uint32_t)crc32(0L, Z_NULL, 0);
    for (;;) {
        size_t got = 0;
        if ((rc = reader_read(&r, ar, it, buf, sizeof buf, &got, err)) != ZL_OK)
            goto out;
        if (got == 0)
            break;
        crc = (uint32_t)crc32(crc, buf, (uInt)got);
        n += got;
        if ((rc = put(s, buf, got, err)) != ZL_OK)
            goto out;
    }
    if (n != it->size || crc != it->crc)
        rc = zl_error_set(err, ZL_E_CORRUPT, "%s: entry '%.*s' read differently twice", ar->path,
                          (int)it->name_len, it->name);
out:
    reader_close(&r);
    free(d.p);
    return rc;
}

static int emit_central(const zl_canon *c, sink *s, zl_error *err)
{
    uint64_t cd_start = s->pos;
    int rc = ZL_OK;
    s->cur_entry = -1;
    for (size_t i = 0; i < c->n; i++) {
        const item *it = &c->items[i];
        unsigned char h[46 + 28], x[28], *p = h, *q = x;
        if (it->size >= MAX32)
            q = le64(q, it->size);
        if (it->comp_size >= MAX32 || it->size >= MAX32)
            q = le64(q, it->comp_size);
        if (it->offset >= MAX32)
            q = le64(q, it->offset);
        size_t xlen = (size_t)(q - x);
        p = le32(p, SIG_CDH);
        p = le16(p, MADE_BY_UNIX);
        p = put_common(p, c, it);
        p = le16(p, (uint16_t)(xlen ? xlen + 4 : 0));
        p = le16(p, 0); /* comment */
        p = le16(p, 0); /* disk */
        p = le16(p, 0); /* internal attributes */
        uint32_t dos_attr = (it->mode & S_IFMT) == S_IFDIR ? 0x10 : 0;
        p = le32(p, (it->mode << 16) | dos_attr);
        p = le32(p, it->offset >= MAX32 ? MAX32 : (uint32_t)it->offset);
        if ((rc = put(s, h, (size_t)(p - h), err)) != ZL_OK)
            return rc;
        if ((rc = put(s, it->name, it->name_len, err)) != ZL_OK)
            return rc;
        if (xlen > 0) {
            unsigned char xh[4];
            le16(le16(xh, 0x0001), (uint16_t)xlen);
            if ((rc = put(s, xh, 4, err)) != ZL_OK || (rc = put(s, x, xlen, err)) != ZL_OK)
                return rc;
        }
    }
    uint64_t cd_size = s->pos - cd_start;
    uint64_t n = c->n;
    bool z64 = n >= 0xffff || cd_size >= MAX32 || cd_start >= MAX32;
    unsigned char e[56 + 20 + 22], *p = e;
    if (z64) {
        uint64_t rec = s->pos;
        p = le32(p, SIG_EOCD64);
        p = le64(p, 44);
        p = le16(p, MADE_BY_UNIX);
        p = le16(p, NEEDED_ZIP64);
        p = le32(p, 0);
        p = le32(p, 0);
        p = le64(p, n);
        p = le64(p, n);
        p = le64(p, cd_size);
        p = le64(p, cd_start);
        p = le32(p, SIG_EOCD64_LOC);
        p = le32(p, 0);
        p = le64(p, rec);
        p = le32(p, 1);
    }
    p = le32(p, SIG_EOCD);
    p = le16(p, 0);
    p = le16(p, 0);
    p = le16(p, n >= 0xffff ? 0xffff : (uint16_t)n);
    p = le16(p, n >= 0xffff ? 0xffff : (uint16_t)n);
    p = le32(p, cd_size >= MAX32 ? MAX32 : (uint32_t)cd_size);
    p = le32(p, cd_start >= MAX32 ? MAX32 : (uint32_t)cd_start);
    p = le16(p, 0);
    return put(s, e, (size_t)(p - e), err);
}

static int emit_all(zl_archive *ar, zl_canon *c, sink *s, progress *pg, zl_error *err)
{
    int rc = ZL_OK;
    for (size_t i = 0; i < c->n && rc == ZL_OK; i++)
        rc = emit_item(ar, c, &c->items[i], s, pg, err);
    if (rc == ZL_OK)
        rc = emit_central(c, s, err);
    return rc;
}

/* A device, fifo or socket has no canonical form (ZL205/ZL701 drop them;
 * the planner refuses a canonical plan that keeps one). */
static const zl_entry *special_left(const zl_archive *ar, const zl_canon *c)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->items[i].entry >= 0 && ar->entries[c->items[i].entry].type == ZL_TYPE_SPECIAL)
            return &ar->entries[c->items[i].entry];
    return NULL;
}

int zl_canon_compare(zl_archive *ar, const zl_plan_entry *pes, const zl_canon_time *t, int *same,
                     long *diff_entry, zl_error *err)
{
    int rc = ZL_OK;
    zl_canon *c = calloc(1, sizeof *c);
    *same = 0;
    *diff_entry = -1;
    if (c == NULL)
        return zl_error_set(err, ZL_E_NOMEM, "out of memory");
    c->t = *t;
    if ((rc = build(ar, pes, c, err)) != ZL_OK)
        goto out;
    if (special_left(ar, c) != NULL)
        goto out;
    sink s = {.ar = ar, .compare = true, .cur_entry = -1, .diff_entry = -1};
    rc = emit_all(ar, c, &s, NULL, err);
    if (rc == STOP) {
        rc = ZL_OK;
        *diff_entry = s.diff_entry;
        goto out;
    }
    if (rc != ZL_OK)
        goto out;
    *same = !s.differs && s.pos == ar->file_size;
out:
    zl_canon_free(c);
    return rc;
}

int zl_canon_stage(zl_plan *plan, zl_canon **out, const char *target, zl_error *err)
{
    zl_archive *ar = plan->ar;
    int rc = ZL_OK;
    bool writing = false;
    zl_canon *c = calloc(1, sizeof *c);
    *out = NULL;
    if (c == NULL) {
        rc = zl_error_set(err, ZL_E_NOMEM, "out of memory");
        goto out;
    }
    if ((rc = zl_canon_time_get(&c->t, err)) != ZL_OK)
        goto out;
    if ((rc = build(ar, plan->entries, c, err)) != ZL_OK)
        goto out;
    if (zip_source_begin_write(ar->src) != 0) {
        rc = zl_write_source_error(ar, target, err);
        goto out;
    }
    writing = true;
    progress pg = {.fn = plan->progress, .ud = plan->progress_ud, .total = c->total};
    sink s = {.ar = ar, .cur_entry = -1, .target = target};
    if ((rc = emit_all(ar, c, &s, &pg, err)) != ZL_OK)
        goto out;
    if (zip_source_commit_write(ar->src) != 0) {
        rc = zl_write_source_error(ar, target, err);
        goto out;
    }
    writing = false;
    *out = c;
    c = NULL;
out:
    if (writing)
        zip_source_rollback_write(ar->src);
    /* Like zip_close, the archive cannot be used again either way. */
    if (ar->za != NULL) {
        zip_discard(ar->za);
        ar->za = NULL;
    }
    zl_canon_free(c);
    return rc;
}

int zl_canon_read_back(const zl_canon *c, int fd, const char *target, zl_error *err)
{
    zip_t *nz = NULL;
    zip_file_t *zf = NULL;
    int rc = zl_write_open_staged(fd, target, &nz, err);
    if (rc != ZL_OK)
        return rc;
    zip_int64_t n = zip_get_num_entries(nz, 0);
    if (n < 0 || (uint64_t)n != c->n) {
        rc = zl_error_set(err, ZL_E_WRITE, "%s: read back: %lld entries, expected %zu", target,
                          (long long)n, c->n);
        goto out;
    }
    for (size_t i = 0; i < c->n; i++) {
        const item *it = &c->items[i];
        const char *got = zip_get_name(nz, i, ZIP_FL_ENC_RAW);
        zip_stat_t zs;
        zip_uint8_t opsys = 0;
        zip_uint32_t attr = 0;
        zip_stat_init(&zs);
        if (got == NULL || strlen(got) != it->name_len ||
            memcmp(got, it->name, it->name_len) != 0 ||
            zip_stat_index(nz, i, ZIP_FL_ENC_RAW, &zs) != 0 ||
            zip_file_get_external_attributes(nz, i, 0, &opsys, &attr) != 0) {
            rc = zl_error_set(err, ZL_E_WRITE, "%s: read back: entry %zu is not '%.*s'", target, i,
                              (int)it->name_len, it->name);
            goto out;
        }
        if (zs.size != it->size || zs.crc != it->crc || zs.comp_method != it->method ||
            opsys != ZIP_OPSYS_UNIX || (attr >> 16) != it->mode) {
            rc = zl_error_set(err, ZL_E_WRITE, "%s: read back: entry '%.*s' is not as written",
                              target, (int)it->name_len, it->name);
            goto out;
        }
        if (it->size == 0)
            continue;
        /* Decompressing checks the CRC at the end. */
        if ((zf = zip_fopen_index(nz, i, 0)) == NULL) {
            rc = zl_error_set(err, ZL_E_WRITE, "%s: read back: entry '%.*s': %s", target,
                              (int)it->name_len, it->name, zip_strerror(nz));
            goto out;
        }
        unsigned char buf[65536];
        uint64_t total = 0;
        zip_int64_t k;
        while ((k = zip_fread(zf, buf, sizeof buf)) > 0)
            total += (uint64_t)k;
        if (k < 0 || total != it->size) {
            rc = zl_error_set(err, ZL_E_WRITE, "%s: read back: entry '%.*s': %s", target,
                              (int)it->name_len, it->name,
                              k < 0 ? zip_file_strerror(zf) : "wrong size");
            goto out;
        }
        zip_fclose(zf);
        zf = NULL;
    }
out:
    if (zf != NULL)
        zip_fclose(zf);
    if (nz != NULL)
        zip_discard(nz);
    return rc;
}
