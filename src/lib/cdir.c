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

static uint16_t le16(const unsigned char *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}

static uint64_t le64(const unsigned char *p)
{
    return (uint64_t)le32(p) | ((uint64_t)le32(p + 4) << 32);
}

/* pread all of len bytes at off; 0 on success. */
static int read_at(int fd, void *buf, size_t len, uint64_t off)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = pread(fd, (char *)buf + done, len - done, (off_t)(off + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        done += (size_t)n;
    }
    return 0;
}

/* Finds the central directory: offset, size and entry count. */
static int find_cd(const zl_archive *ar, uint64_t *cd_off, uint64_t *cd_size, uint64_t *count)
{
    uint64_t size = ar->file_size;
    size_t tail = size < 65557 ? (size_t)size : 65557;
    if (tail < 22)
        return -1;
    unsigned char *buf = malloc(tail);
    if (buf == NULL)
        return -1;
    int rc = -1;
    if (read_at(ar->fd, buf, tail, size - tail) != 0)
        goto out;
    for (size_t i = tail - 22 + 1; i-- > 0;) {
        if (le32(buf + i) != SIG_EOCD)
            continue;
        /* The comment must reach exactly to the end of the file (or fewer bytes). */
        if (i + 22 + le16(buf + i + 20) > tail)
            continue;
        uint64_t eocd_pos = size - tail + i;
        *count = le16(buf + i + 10);
        *cd_size = le32(buf + i + 12);
        *cd_off = le32(buf + i + 16);
        if ((*count == 0xffff || *cd_size == 0xffffffffu || *cd_off == 0xffffffffu) &&
            eocd_pos >= 20 + 56) {
            unsigned char loc[20], e64[56];
            if (read_at(ar->fd, loc, 20, eocd_pos - 20) == 0 && le32(loc) == SIG_EOCD64_LOC) {
                uint64_t e64_off = le64(loc + 8);
                if (e64_off + 56 <= eocd_pos && read_at(ar->fd, e64, 56, e64_off) == 0 &&
                    le32(e64) == SIG_EOCD64) {
                    *count = le64(e64 + 32);
                    *cd_size = le64(e64 + 40);
                    *cd_off = le64(e64 + 48);
                }
            }
        }
        if (*cd_off > size || *cd_size > size - *cd_off)
            goto out;
        rc = 0;
        break;
    }
out:
    free(buf);
    return rc;
}

int zl_archive_scan_cd(zl_archive *ar)
{
    uint64_t cd_off = 0, cd_size = 0, count = 0;
    ar->cd_ok = false;
    if (find_cd(ar, &cd_off, &cd_size, &count) != 0 || count != ar->n_entries)
        return ZL_OK; /* libzip opened it another way: the offsets stay unknown */
    if (cd_size > ((uint64_t)1 << 32))
        return ZL_OK;
    unsigned char *cd = malloc(cd_size ? (size_t)cd_size : 1);
    if (cd == NULL)
        return ZL_E_NOMEM;
    if (read_at(ar->fd, cd, (size_t)cd_size, cd_off) != 0) {
        free(cd);
        return ZL_OK;
    }
    size_t pos = 0;
    size_t i = 0;
    for (; i < ar->n_entries; i++) {
        if (pos + 46 > cd_size || le32(cd + pos) != SIG_CDH)
            break;
        const unsigned char *h = cd + pos;
        size_t n = le16(h + 28), m = le16(h + 30), k = le16(h + 32);
        if (pos + 46 + n + m + k > cd_size)
            break;
        zl_entry *e = &ar->entries[i];
        if (n != e->name_len || memcmp(h + 46, e->name, n) != 0)
            break; /* not the order libzip saw: give up rather than guess */
        uint64_t usize = le32(h + 24), csize = le32(h + 20), off = le32(h + 42);
        /* zip64 extra: the fields present are those whose 32-bit value is all ones. */
        const unsigned char *x = h + 46 + n, *xend = x + m;
        while (x + 4 <= xend) {
            uint16_t id = le16(x), len = le16(x + 2);
            if (x + 4 + len > xend)
                break;
            if (id == 0x0001) {
                const unsigned char *f = x + 4, *fend = x + 4 + len;
                if (usize == 0xffffffffu && f + 8 <= fend) {
                    usize = le64(f);
                    f += 8;
                }
                if (csize == 0xffffffffu && f + 8 <= fend) {
                    csize = le64(f);
                    f += 8;
                }
                if (off == 0xffffffffu && f + 8 <= fend)
                    off = le64(f);
                break;
            }
            x += 4 + len;
        }
        e->flags = le16(h + 8);
        e->lh_offset = off;
        e->cd_comp_size = csize;
        pos += 46 + n + m + k;
    }
    free(cd);
    ar->cd_ok = i == ar->n_entries;
    ar->cd_offset = cd_off;
    return ZL_OK;
}

int zl_entry_local(const zl_archive *ar, const zl_entry *e, zl_local *out)
{
    unsigned char h[30];
    memset(out, 0, sizeof *out);
    if (!ar->cd_ok || e->lh_offset > ar->file_size || ar->file_size - e->lh_offset < 30 ||
        read_at(ar->fd, h, 30, e->lh_offset) != 0)
        return ZL_E_CORRUPT;
    if (le32(h) != SIG_LFH)
        return ZL_E_CORRUPT;
    out->flags = le16(h + 6);
    out->method = le16(h + 8);
    out->crc = le32(h + 14);
    out->comp_size = le32(h + 18);
    out->size = le32(h + 22);
    out->name_len = le16(h + 26);
    out->extra_len = le16(h + 28);
    out->data_offset = e->lh_offset + 30 + out->name_len + out->extra_len;
    out->name_matches = false;
    if (out->name_len == e->name_len && out->data_offset <= ar->file_size) {
        char stackbuf[256];
        char *nb = out->name_len <= sizeof stackbuf ? stackbuf : malloc(out->name_len);
        if (nb == NULL)
            return ZL_E_NOMEM;
        if (read_at(ar->fd, nb, out->name_len, e->lh_offset + 30) == 0)
            out->name_matches = memcmp(nb, e->name, out->name_len) == 0;
        if (nb != stackbuf)
            free(nb);
    }
    return ZL_OK;
}
