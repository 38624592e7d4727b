/* cdir.c - a small bounded reader of the central directory and local
 * headers. libzip does not expose local-header offsets or the general
 * purpose flags; the integrity rules need both (overlapping entries, local
 * headers that disagree with the central directory). Every size, offset
 * and count read from the file is checked before use. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "zl_internal.h"

#define SIG_EOCD 0x06054b50u
#define SIG_EOCD64_LOC 0x07064b50u
#define SIG_EOCD64 0x06064b50u
#define SIG_CDH 0x02014b50u
#define SIG_LFH 0x04034b50u

/* Local headers are read entry after entry, and in an archive of small
 * entries many lie within a few KiB of the one before (100,000 entries
 * took 400,000 tiny reads): they are read through a window of the file,
 * one per thread so that worker threads can read headers at the same time.
 * ar->id says whose bytes the window holds. The window grows while reads
 * run just past its end and shrinks back after a jump, so that an archive
 * of large entries does not copy 16 KiB for every 100-byte header. */
#define WINDOW_MIN 1024u
#define WINDOW_MAX (16u << 10)

typedef struct window {
    uint64_t id;  /* 0: empty */
    uint64_t off;
    size_t len;
    size_t size;  /* how much the next fill reads */
    unsigned char buf[WINDOW_MAX];
} window;

static _Thread_local window thread_window;

/* read_at through this thread's window; 0 on success. */
static int window_read(const zl_archive *ar, void *dst, size_t len, uint64_t off)
{
    window *w = &thread_window;
    if (ar->id != 0 && w->id == ar->id && off >= w->off && len <= w->len &&
        off - w->off <= w->len - len) {
        memcpy(dst, w->buf + (off - w->off), len);
        return 0;
    }
    if (ar->id == 0 || len > WINDOW_MAX / 2 || off > ar->file_size)
        return zl_pread_full(ar->fd, dst, len, off);
    size_t size = WINDOW_MIN;
    if (w->id == ar->id && off >= w->off + w->len && off - (w->off + w->len) < w->len)
        size = w->size < WINDOW_MAX ? w->size * 2 : WINDOW_MAX; /* just past the end */
    if (size < len)
        size = len;
    uint64_t left = ar->file_size - off;
    size_t want = left < size ? (size_t)left : size;
    if (want < len)
        return -1;
    w->id = 0;
    if (zl_pread_full(ar->fd, w->buf, want, off) != 0)
        return -1;
    w->id = ar->id;
    w->off = off;
    w->len = want;
    w->size = size;
    memcpy(dst, w->buf, len);
    return 0;
}

/* The stored name bytes are the entry's name as libzip reports it (which
 * turns a NUL byte into a space). */
static bool same_name(const unsigned char *stored, size_t n, const zl_entry *e)
{
    if (n != e->name_len)
        return false;
    for (size_t k = 0; k < n; k++)
        if (stored[k] != (unsigned char)e->name[k] && !(stored[k] == 0 && e->name[k] == ' '))
            return false;
    return true;
}

/* libzip reports the name of an Info-ZIP Unicode Path extra field (0x7075:
 * version, CRC of the stored name, UTF-8 name) instead of the stored one:
 * 1 when the extra fields x[0..len) carry exactly e's name that way. */
static bool unicode_path_is(const unsigned char *x, size_t len, const zl_entry *e)
{
    const unsigned char *end = x + len;
    while (end - x >= 4) {
        uint16_t id = zl_le16(x), flen = zl_le16(x + 2);
        if (flen > end - x - 4)
            return false;
        if (id == 0x7075 && flen >= 5 && x[4] == 1)
            return (size_t)(flen - 5) == e->name_len &&
                   memcmp(x + 9, e->name, e->name_len) == 0;
        x += 4 + flen;
    }
    return false;
}

/* Finds the central directory: offset, size and entry count, from the
 * end record that lies before *below (start with *below = UINT64_MAX;
 * *below becomes the record's position, for trying the next one: an
 * archive comment may hold another end record). */
static int find_cd(const zl_archive *ar, uint64_t *below, uint64_t *cd_off, uint64_t *cd_size,
                   uint64_t *count)
{
    uint64_t size = ar->file_size;
    size_t tail = size < 65557 ? (size_t)size : 65557;
    if (tail < 22)
        return -1;
    unsigned char *buf = malloc(tail);
    if (buf == NULL)
        return -1;
    int rc = -1;
    if (zl_pread_full(ar->fd, buf, tail, size - tail) != 0)
        goto out;
    for (size_t i = tail - 22 + 1; i-- > 0;) {
        uint64_t eocd_pos = size - tail + i;
        if (eocd_pos >= *below || zl_le32(buf + i) != SIG_EOCD)
            continue;
        /* The comment must reach exactly to the end of the file (or fewer bytes). */
        if (i + 22 + zl_le16(buf + i + 20) > tail)
            continue;
        *count = zl_le16(buf + i + 10);
        *cd_size = zl_le32(buf + i + 12);
        *cd_off = zl_le32(buf + i + 16);
        if ((*count == 0xffff || *cd_size == 0xffffffffu || *cd_off == 0xffffffffu) &&
            eocd_pos >= 20 + 56) {
            unsigned char loc[20], e64[56];
            if (zl_pread_full(ar->fd, loc, 20, eocd_pos - 20) == 0 && zl_le32(loc) == SIG_EOCD64_LOC) {
                uint64_t e64_off = zl_le64(loc + 8);
                if (e64_off <= eocd_pos - 56 && zl_pread_full(ar->fd, e64, 56, e64_off) == 0 &&
                    zl_le32(e64) == SIG_EOCD64) {
                    *count = zl_le64(e64 + 32);
                    *cd_size = zl_le64(e64 + 40);
                    *cd_off = zl_le64(e64 + 48);
                }
            }
        }
        if (*cd_off > size || *cd_size > size - *cd_off)
            continue;
        *below = eocd_pos;
        rc = 0;
        break;
    }
out:
    free(buf);
    return rc;
}

/* The central directory is read in chunks of this size (at least one whole
 * record: 46 bytes and three 16-bit lengths), not whole: on 100,000
 * entries it is several MB. */
#define CD_CHUNK (256u << 10)

typedef struct cd_reader {
    const zl_archive *ar;
    uint64_t cd_off, cd_size;
    unsigned char *buf;
    size_t cap;
    uint64_t base; /* offset in the directory of buf[0] */
    size_t pos;    /* the current record in buf */
    size_t have;   /* bytes in buf */
    bool failed;   /* a read failed */
} cd_reader;

/* Makes buf[pos, pos + k) hold the directory's next k bytes; false when
 * the directory ends (or cannot be read) before them. */
static bool cd_need(cd_reader *r, size_t k)
{
    if (r->pos + k <= r->have)
        return true;
    if (k > r->cap)
        return false;
    memmove(r->buf, r->buf + r->pos, r->have - r->pos);
    r->base += r->pos;
    r->have -= r->pos;
    r->pos = 0;
    uint64_t left = r->cd_size - (r->base + r->have);
    size_t n = r->cap - r->have;
    if (n > left)
        n = (size_t)left;
    if (n > 0 && zl_pread_full(r->ar->fd, r->buf + r->have, n, r->cd_off + r->base + r->have) != 0) {
        r->failed = true;
        return false;
    }
    r->have += n;
    return k <= r->have;
}

/* Reads the central directory at cd_off into the entry table; *ok when
 * every record matched libzip's entry in order. */
static int read_cd(zl_archive *ar, uint64_t cd_off, uint64_t cd_size, bool *ok)
{
    cd_reader r = {.ar = ar, .cd_off = cd_off, .cd_size = cd_size};
    *ok = false;
    r.cap = cd_size < CD_CHUNK ? (size_t)cd_size : CD_CHUNK;
    r.buf = malloc(r.cap ? r.cap : 1);
    if (r.buf == NULL)
        return ZL_E_NOMEM;
    size_t i = 0;
    for (; i < ar->n_entries; i++) {
        if (!cd_need(&r, 46) || zl_le32(r.buf + r.pos) != SIG_CDH)
            break;
        size_t n = zl_le16(r.buf + r.pos + 28), m = zl_le16(r.buf + r.pos + 30),
               k = zl_le16(r.buf + r.pos + 32);
        if (!cd_need(&r, 46 + n + m + k))
            break;
        const unsigned char *h = r.buf + r.pos;
        zl_entry *e = &ar->entries[i];
        if (!same_name(h + 46, n, e) && !unicode_path_is(h + 46 + n, m, e))
            break; /* not the order libzip saw: give up rather than guess */
        uint64_t usize = zl_le32(h + 24), csize = zl_le32(h + 20), off = zl_le32(h + 42);
        /* zip64 extra: the fields present are those whose 32-bit value is all ones. */
        const unsigned char *x = h + 46 + n, *xend = x + m;
        while (xend - x >= 4) {
            uint16_t id = zl_le16(x), len = zl_le16(x + 2);
            if (len > xend - x - 4)
                break;
            if (id == 0x0001) {
                const unsigned char *f = x + 4, *fend = x + 4 + len;
                if (usize == 0xffffffffu && fend - f >= 8) {
                    usize = zl_le64(f);
                    f += 8;
                }
                if (csize == 0xffffffffu && fend - f >= 8) {
                    csize = zl_le64(f);
                    f += 8;
                }
                if (off == 0xffffffffu && fend - f >= 8)
                    off = zl_le64(f);
                break;
            }
            x += 4 + len;
        }
        e->flags = zl_le16(h + 8);
        e->lh_offset = off;
        e->cd_comp_size = csize;
        r.pos += 46 + n + m + k;
    }
    free(r.buf);
    *ok = i == ar->n_entries && !r.failed;
    return ZL_OK;
}

int zl_archive_scan_cd(zl_archive *ar)
{
    uint64_t below = UINT64_MAX;
    ar->cd_ok = false;
    /* At most a few candidates: each must be a whole end record. */
    for (int tries = 0; tries < 8; tries++) {
        uint64_t cd_off = 0, cd_size = 0, count = 0;
        if (find_cd(ar, &below, &cd_off, &cd_size, &count) != 0)
            return ZL_OK; /* libzip opened it another way: the offsets stay unknown */
        if (count != ar->n_entries)
            continue;
        bool ok = false;
        if (read_cd(ar, cd_off, cd_size, &ok) != ZL_OK)
            return ZL_E_NOMEM;
        if (ok) {
            ar->cd_ok = true;
            ar->cd_offset = cd_off;
            return ZL_OK;
        }
    }
    return ZL_OK;
}

/* Applies the local header's zip64 extra to the fields stored as all ones
 * (APPNOTE 4.5.3: the local extra holds the uncompressed size, then the
 * compressed size). */
static int apply_local_zip64(const zl_archive *ar, const zl_entry *e, zl_local *out)
{
    if (out->extra_len < 4 || (out->size != 0xffffffffu && out->comp_size != 0xffffffffu))
        return ZL_OK;
    unsigned char *x = malloc(out->extra_len);
    if (x == NULL)
        return ZL_E_NOMEM;
    if (window_read(ar, x, out->extra_len, e->lh_offset + 30 + out->name_len) == 0) {
        const unsigned char *p = x, *end = x + out->extra_len;
        while (end - p >= 4) {
            uint16_t id = zl_le16(p), len = zl_le16(p + 2);
            if (len > end - p - 4)
                break;
            if (id == 0x0001) {
                const unsigned char *f = p + 4, *fend = p + 4 + len;
                if (out->size == 0xffffffffu && fend - f >= 8) {
                    out->size = zl_le64(f);
                    f += 8;
                    out->zip64 = true;
                }
                if (out->comp_size == 0xffffffffu && fend - f >= 8) {
                    out->comp_size = zl_le64(f);
                    out->zip64 = true;
                }
                break;
            }
            p += 4 + len;
        }
    }
    free(x);
    return ZL_OK;
}

/* The data descriptor after the entry's data: with or without its
 * signature, 32- or 64-bit sizes. The reading that agrees with the
 * central directory wins; else the first plausible one is reported. */
static void read_descriptor(const zl_archive *ar, const zl_entry *e, zl_local *out)
{
    unsigned char d[24];
    uint64_t off = out->data_offset;
    if (off > ar->file_size || e->cd_comp_size > ar->file_size - off)
        return;
    off += e->cd_comp_size;
    size_t avail = ar->file_size - off < sizeof d ? (size_t)(ar->file_size - off) : sizeof d;
    if (avail < 12 || window_read(ar, d, avail, off) != 0)
        return;
    bool sig = zl_le32(d) == 0x08074b50u;
    bool first = true;
    for (int skip = sig ? 4 : 0; skip >= 0; skip -= 4) {
        for (int wide = 0; wide <= 1; wide++) {
            size_t need = (size_t)skip + (wide ? 20 : 12);
            if (need > avail)
                continue;
            const unsigned char *b = d + skip;
            uint32_t crc = zl_le32(b);
            uint64_t cs = wide ? zl_le64(b + 4) : zl_le32(b + 4);
            uint64_t us = wide ? zl_le64(b + 12) : zl_le32(b + 8);
            bool agrees = crc == e->crc && cs == e->cd_comp_size && us == e->size;
            if (first || agrees) {
                out->dd_found = true;
                out->dd_crc = crc;
                out->dd_comp_size = cs;
                out->dd_size = us;
                first = false;
            }
            if (agrees)
                return;
        }
        if (skip == 0)
            break;
    }
}

static int read_local(const zl_archive *ar, const zl_entry *e, zl_local *out)
{
    unsigned char h[30];
    memset(out, 0, sizeof *out);
    if (!ar->cd_ok || e->lh_offset > ar->file_size || ar->file_size - e->lh_offset < 30 ||
        window_read(ar, h, 30, e->lh_offset) != 0)
        return ZL_E_CORRUPT;
    if (zl_le32(h) != SIG_LFH)
        return ZL_E_CORRUPT;
    out->flags = zl_le16(h + 6);
    out->method = zl_le16(h + 8);
    out->crc = zl_le32(h + 14);
    out->comp_size = zl_le32(h + 18);
    out->size = zl_le32(h + 22);
    out->name_len = zl_le16(h + 26);
    out->extra_len = zl_le16(h + 28);
    out->data_offset = e->lh_offset + 30 + out->name_len + out->extra_len;
    out->name_matches = false;
    if (out->data_offset <= ar->file_size) {
        /* Name and extra fields together (at most 128 KiB). */
        size_t hl = (size_t)out->name_len + out->extra_len;
        unsigned char stackbuf[512];
        unsigned char *nb = hl <= sizeof stackbuf ? stackbuf : malloc(hl ? hl : 1);
        if (nb == NULL)
            return ZL_E_NOMEM;
        if (window_read(ar, nb, hl, e->lh_offset + 30) == 0)
            out->name_matches = same_name(nb, out->name_len, e) ||
                                unicode_path_is(nb + out->name_len, out->extra_len, e);
        if (nb != stackbuf)
            free(nb);
    }
    if (out->data_offset > ar->file_size)
        return ZL_OK;
    if (apply_local_zip64(ar, e, out) != ZL_OK)
        return ZL_E_NOMEM;
    if (out->flags & 0x08)
        read_descriptor(ar, e, out);
    return ZL_OK;
}

/* What zl_entry_local found, kept per entry: two rules read every local
 * header (ZL606, then ZL607's overlap check), and on an archive of large
 * entries each reading is a system call. The table is made on first use
 * (by whichever thread comes first) and freed with the archive; a slot is
 * claimed before it is filled, so threads never write the same one. */
enum { MEMO_EMPTY = 0, MEMO_BUSY, MEMO_READY };

struct zl_local_memo {
    unsigned char state; /* read and written with __atomic builtins */
    int rc;
    zl_local lh;
};

static struct zl_local_memo *memo_table(const zl_archive *ar)
{
    struct zl_local_memo *t = __atomic_load_n(&ar->locals, __ATOMIC_ACQUIRE);
    if (t != NULL || ar->n_entries == 0)
        return t;
    t = calloc(ar->n_entries, sizeof *t);
    if (t == NULL)
        return NULL;
    struct zl_local_memo *expected = NULL;
    /* ar is const to the rules; the table is a cache of what it holds. */
    if (!__atomic_compare_exchange_n((struct zl_local_memo **)&ar->locals, &expected, t, false,
                                     __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        free(t);
        t = expected;
    }
    return t;
}

int zl_entry_local(const zl_archive *ar, const zl_entry *e, zl_local *out)
{
    struct zl_local_memo *t = NULL;
    size_t i = 0;
    if (ar->entries != NULL && e >= ar->entries && e < ar->entries + ar->n_entries) {
        i = (size_t)(e - ar->entries);
        t = memo_table(ar);
    }
    if (t != NULL && __atomic_load_n(&t[i].state, __ATOMIC_ACQUIRE) == MEMO_READY) {
        *out = t[i].lh;
        return t[i].rc;
    }
    int rc = read_local(ar, e, out);
    unsigned char empty = MEMO_EMPTY;
    if (t != NULL && rc != ZL_E_NOMEM &&
        __atomic_compare_exchange_n(&t[i].state, &empty, MEMO_BUSY, false, __ATOMIC_ACQUIRE,
                                    __ATOMIC_RELAXED)) {
        t[i].lh = *out;
        t[i].rc = rc;
        __atomic_store_n(&t[i].state, MEMO_READY, __ATOMIC_RELEASE);
    }
    return rc;
}

void zl_archive_free_locals(zl_archive *ar)
{
    free(ar->locals);
    ar->locals = NULL;
}
