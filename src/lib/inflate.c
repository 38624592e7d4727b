/* inflate.c - the raw entry reader: an entry's data read with pread on the
 * archive's fd and inflated with libdeflate (whole entries up to
 * ZL_RAW_WHOLE_MAX) or zlib (streaming, bounded buffers), without libzip.
 * libzip's zip_t is not thread safe; this reader is, one zl_reader per
 * thread. It handles only the plain case (stored or deflated, not
 * encrypted, local header agreeing with the central directory) and only
 * clean outcomes: anything unusual is ZL_RAW_FALLBACK, so that libzip,
 * which defines what ziplint reports for damaged data, judges it. Also the
 * small worker pool the verify and ELF scans run on. */
#include "config.h"

#include <errno.h>
#include <libdeflate.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "zl_internal.h"

#define CHUNK (256u << 10)    /* stored or compressed bytes per pread when streaming */
#define OUT_CHUNK (256u << 10) /* inflated bytes handed to a sink at a time */
#define HEAD_IN (16u << 10)   /* heads up to this size read a little more than asked */
#define HEAD_SLACK 512        /* block header and Huffman tables */
#define LH_GUESS 64           /* local extra field bytes guessed in the first read */
#define WHOLE_IN_MAX (ZL_RAW_WHOLE_MAX + (64u << 10)) /* deflate may grow data a little */
#define THREADS_CAP 4
#define SIG_LFH 0x04034b50u

struct zl_reader {
    struct libdeflate_decompressor *dd;
    z_stream zs;
    bool zs_ready;
    unsigned char *in; /* compressed bytes (whole entries up to WHOLE_IN_MAX, else CHUNK) */
    size_t in_cap;
    unsigned char *out; /* inflated bytes (whole entries up to ZL_RAW_WHOLE_MAX, else OUT_CHUNK) */
    size_t out_cap;
};

int zl_reader_new(zl_reader **out)
{
    *out = NULL;
    zl_reader *rd = calloc(1, sizeof *rd);
    if (rd == NULL)
        return ZL_E_NOMEM;
    rd->dd = libdeflate_alloc_decompressor();
    if (rd->dd == NULL) {
        free(rd);
        return ZL_E_NOMEM;
    }
    *out = rd;
    return ZL_OK;
}

void zl_reader_free(zl_reader *rd)
{
    if (rd == NULL)
        return;
    if (rd->zs_ready)
        inflateEnd(&rd->zs);
    libdeflate_free_decompressor(rd->dd);
    free(rd->in);
    free(rd->out);
    free(rd);
}

/* Makes *buf hold at least need bytes; its old content is not kept. */
static int grow(unsigned char **buf, size_t *cap, size_t need)
{
    if (need <= *cap)
        return ZL_OK;
    size_t n = 65536;
    while (n < need)
        n *= 2;
    free(*buf);
    *buf = malloc(n);
    *cap = *buf != NULL ? n : 0;
    return *buf != NULL ? ZL_OK : ZL_E_NOMEM;
}

static int crc_error(const zl_archive *ar, const zl_entry *e, zl_error *err)
{
    /* libzip's words for ZIP_ER_CRC, as archive.c reports them. */
    return zl_error_set(err, ZL_E_CORRUPT, "%s: entry '%s': %s", ar->path, e->name,
                        "CRC mismatch: the data does not match its checksum");
}

/* Where the entry's data lie, after one pread of the local header and up
 * to want bytes of data: the first *have data bytes are at rd->in + *skip.
 * ZL_RAW_FALLBACK for every entry this reader does not take. */
static int locate(const zl_archive *ar, const zl_entry *e, zl_reader *rd, size_t want,
                  uint64_t *data_off, size_t *have, size_t *skip)
{
    *have = 0;
    *skip = 0;
    if (!ar->cd_ok || e->encryption != 0 || (e->flags & 0x0001u) != 0 ||
        (e->method != 0 && e->method != 8) || e->comp_size != e->cd_comp_size ||
        (e->method == 0 && e->comp_size != e->size))
        return ZL_RAW_FALLBACK;
    if (e->lh_offset > ar->file_size || ar->file_size - e->lh_offset < 30)
        return ZL_RAW_FALLBACK;
    uint64_t room = ar->file_size - e->lh_offset;
    uint64_t first = 30 + (uint64_t)e->name_len + LH_GUESS + want;
    if (first > room)
        first = room;
    if (grow(&rd->in, &rd->in_cap, (size_t)first) != ZL_OK)
        return ZL_E_NOMEM;
    if (zl_pread_full(ar->fd, rd->in, (size_t)first, e->lh_offset) != 0)
        return ZL_RAW_FALLBACK;
    const unsigned char *h = rd->in;
    if (zl_le32(h) != SIG_LFH || zl_le16(h + 8) != e->method || (zl_le16(h + 6) & 0x0001u) != 0)
        return ZL_RAW_FALLBACK;
    uint64_t hdr = 30 + (uint64_t)zl_le16(h + 26) + zl_le16(h + 28);
    if (hdr > room || e->comp_size > room - hdr)
        return ZL_RAW_FALLBACK;
    *data_off = e->lh_offset + hdr;
    if (first > hdr) {
        uint64_t n = first - hdr;
        *have = (size_t)(n < e->comp_size ? n : e->comp_size);
        *skip = (size_t)hdr;
    }
    return ZL_OK;
}

/* The whole entry (size <= ZL_RAW_WHOLE_MAX) decoded into dst (size
 * bytes); *crc_ok says whether its CRC matches. ZL_RAW_FALLBACK for
 * anything but a stream that ends with exactly size bytes. */
static int decode_whole(const zl_archive *ar, const zl_entry *e, zl_reader *rd,
                        unsigned char *dst, bool *crc_ok)
{
    uint64_t data_off;
    size_t have, skip;
    *crc_ok = false;
    if (e->size > ZL_RAW_WHOLE_MAX || e->comp_size > WHOLE_IN_MAX)
        return ZL_RAW_FALLBACK;
    int rc = locate(ar, e, rd, (size_t)e->comp_size, &data_off, &have, &skip);
    if (rc != ZL_OK)
        return rc;
    size_t comp = (size_t)e->comp_size, size = (size_t)e->size;
    const unsigned char *src = rd->in + skip;
    if (have < comp) {
        /* The local extra field was longer than guessed: read the data again. */
        if (zl_pread_full(ar->fd, rd->in, comp, data_off) != 0)
            return ZL_RAW_FALLBACK;
        src = rd->in;
    }
    if (e->method == 0) {
        memcpy(dst, src, size);
    } else {
        size_t used = 0, made = 0;
        unsigned char one;
        enum libdeflate_result r = libdeflate_deflate_decompress_ex(
            rd->dd, src, comp, size ? dst : &one, size, &used, &made);
        if (r != LIBDEFLATE_SUCCESS || made != size)
            return ZL_RAW_FALLBACK;
    }
    *crc_ok = (uint32_t)libdeflate_crc32(0, dst, size) == e->crc;
    return ZL_OK;
}

/* Streams the entry to sink (NULL: none) until stop_at inflated bytes (the
 * whole entry with check_crc). ZL_OK when the data were clean up to where
 * it stopped, ZL_E_CORRUPT for a clean CRC mismatch, ZL_RAW_FALLBACK for
 * anything else, or the sink's negative code. */
static int stream(const zl_archive *ar, const zl_entry *e, zl_reader *rd, bool check_crc,
                  uint64_t stop_at, size_t first_in, zl_raw_sink sink, void *ud, zl_error *err)
{
    uint64_t data_off;
    size_t have, skip;
    const uint64_t comp = e->comp_size, size = e->size;
    uint32_t crc = 0;
    if (check_crc)
        stop_at = UINT64_MAX;
    int rc = locate(ar, e, rd, first_in < comp ? first_in : (size_t)comp, &data_off, &have,
                    &skip);
    if (rc != ZL_OK)
        return rc;
    const unsigned char *inp = rd->in + skip;
    size_t in_len = have;
    uint64_t read_pos = have; /* compressed bytes read so far */
    size_t step = first_in;   /* the next read: doubling up to CHUNK */

    if (e->method == 0) {
        uint64_t off = 0;
        for (;;) {
            if (in_len > 0) {
                if (check_crc)
                    crc = (uint32_t)libdeflate_crc32(crc, inp, in_len);
                uint64_t next = off + in_len;
                int s = sink != NULL ? sink(ud, off, inp, in_len, &next) : 0;
                if (s < 0)
                    return s;
                if (s == 1)
                    return ZL_OK;
                off += in_len;
                if (!check_crc && next > off)
                    off = next < size ? next : size;
            }
            if (off >= size || off >= stop_at)
                break;
            size_t n = size - off < CHUNK ? (size_t)(size - off) : CHUNK;
            if (grow(&rd->in, &rd->in_cap, CHUNK) != ZL_OK)
                return ZL_E_NOMEM;
            if (zl_pread_full(ar->fd, rd->in, n, data_off + off) != 0)
                return ZL_RAW_FALLBACK;
            inp = rd->in;
            in_len = n;
        }
        if (check_crc && crc != e->crc)
            return crc_error(ar, e, err);
        return ZL_OK;
    }

    if (!rd->zs_ready) {
        memset(&rd->zs, 0, sizeof rd->zs);
        if (inflateInit2(&rd->zs, -15) != Z_OK)
            return ZL_E_NOMEM;
        rd->zs_ready = true;
    } else if (inflateReset(&rd->zs) != Z_OK) {
        return ZL_RAW_FALLBACK;
    }
    if (grow(&rd->out, &rd->out_cap, OUT_CHUNK) != ZL_OK)
        return ZL_E_NOMEM;
    z_stream *zs = &rd->zs;
    zs->next_in = (unsigned char *)(uintptr_t)inp;
    zs->avail_in = (uInt)in_len;
    uint64_t total = 0;
    bool ended = false;
    while (total < stop_at) {
        uint64_t room = stop_at - total;
        zs->next_out = rd->out;
        zs->avail_out = room < OUT_CHUNK ? (uInt)room : OUT_CHUNK;
        uInt asked = zs->avail_out;
        int zr = inflate(zs, Z_NO_FLUSH);
        size_t made = asked - zs->avail_out;
        if (made > 0) {
            /* More than declared is damage (or a bomb): libzip says so. */
            if (made > size - total)
                return ZL_RAW_FALLBACK;
            if (check_crc)
                crc = (uint32_t)libdeflate_crc32(crc, rd->out, made);
            uint64_t next = total + made;
            int s = sink != NULL ? sink(ud, total, rd->out, made, &next) : 0;
            if (s < 0)
                return s;
            total += made;
            if (s == 1)
                return ZL_OK;
        }
        if (zr == Z_STREAM_END) {
            ended = true;
            break;
        }
        if (zr != Z_OK && zr != Z_BUF_ERROR)
            return ZL_RAW_FALLBACK;
        if (zs->avail_in == 0) {
            if (read_pos >= comp)
                return ZL_RAW_FALLBACK; /* the data end before the stream does */
            step = step < CHUNK / 2 ? step * 2 : CHUNK;
            size_t n = comp - read_pos < step ? (size_t)(comp - read_pos) : step;
            if (grow(&rd->in, &rd->in_cap, CHUNK) != ZL_OK)
                return ZL_E_NOMEM;
            if (zl_pread_full(ar->fd, rd->in, n, data_off + read_pos) != 0)
                return ZL_RAW_FALLBACK;
            read_pos += n;
            zs->next_in = rd->in;
            zs->avail_in = (uInt)n;
        } else if (zr == Z_BUF_ERROR) {
            return ZL_RAW_FALLBACK; /* no progress with input and room: should not happen */
        }
    }
    if (!ended)
        return ZL_OK; /* stopped at stop_at: what was read is all that was asked */
    if (total != size)
        return ZL_RAW_FALLBACK;
    if (check_crc && crc != e->crc)
        return crc_error(ar, e, err);
    return ZL_OK;
}

int zl_raw_verify(const zl_archive *ar, const zl_entry *e, zl_reader *rd, zl_error *err)
{
    if (e->method == 8 && e->size <= ZL_RAW_WHOLE_MAX && e->comp_size <= WHOLE_IN_MAX) {
        bool crc_ok;
        if (grow(&rd->out, &rd->out_cap, (size_t)e->size + 1) != ZL_OK)
            return ZL_E_NOMEM;
        int rc = decode_whole(ar, e, rd, rd->out, &crc_ok);
        if (rc != ZL_OK)
            return rc;
        return crc_ok ? ZL_OK : crc_error(ar, e, err);
    }
    return stream(ar, e, rd, true, UINT64_MAX, CHUNK, NULL, NULL, err);
}

int zl_raw_read_whole(const zl_archive *ar, const zl_entry *e, zl_reader *rd,
                      const unsigned char **out, size_t *len, zl_error *err)
{
    (void)err;
    bool crc_ok;
    *out = NULL;
    *len = 0;
    if (e->size > ZL_RAW_WHOLE_MAX)
        return ZL_RAW_FALLBACK;
    if (grow(&rd->out, &rd->out_cap, (size_t)e->size + 1) != ZL_OK)
        return ZL_E_NOMEM;
    int rc = decode_whole(ar, e, rd, rd->out, &crc_ok);
    if (rc != ZL_OK)
        return rc;
    if (!crc_ok)
        return ZL_RAW_FALLBACK; /* libzip words it */
    *out = rd->out;
    *len = (size_t)e->size;
    return ZL_OK;
}

typedef struct copy_sink {
    unsigned char *buf;
    size_t max, got;
} copy_sink;

static int copy_into(void *ud, uint64_t off, const unsigned char *p, size_t n, uint64_t *next)
{
    (void)next;
    copy_sink *c = ud;
    if (off >= c->max)
        return 1;
    size_t k = c->max - (size_t)off < n ? c->max - (size_t)off : n;
    memcpy(c->buf + off, p, k);
    c->got = (size_t)off + k;
    return c->got >= c->max ? 1 : 0;
}

int zl_raw_read_head(const zl_archive *ar, const zl_entry *e, zl_reader *rd, void *buf,
                     size_t max, size_t *got, zl_error *err)
{
    *got = 0;
    if (max == 0 || e->size == 0)
        return ZL_OK;
    int rc;
    if (e->size <= max) {
        /* libzip reads such an entry to its end, and so checks its CRC. */
        if (e->size <= ZL_RAW_WHOLE_MAX && e->comp_size <= WHOLE_IN_MAX) {
            bool crc_ok;
            rc = decode_whole(ar, e, rd, buf, &crc_ok);
            if (rc == ZL_OK && !crc_ok)
                rc = ZL_RAW_FALLBACK;
        } else {
            copy_sink c = {buf, max, 0};
            rc = stream(ar, e, rd, true, UINT64_MAX, CHUNK, copy_into, &c, err);
            if (rc == ZL_E_CORRUPT)
                rc = ZL_RAW_FALLBACK;
        }
        if (rc == ZL_OK)
            *got = (size_t)e->size;
        return rc;
    }
    copy_sink c = {buf, max, 0};
    /* Deflate rarely needs more input than output: a little over max. */
    rc = stream(ar, e, rd, false, max, max < HEAD_IN ? max + HEAD_SLACK : max, copy_into, &c, err);
    if (rc == ZL_OK && c.got != max)
        rc = ZL_RAW_FALLBACK;
    if (rc == ZL_OK)
        *got = c.got;
    return rc;
}

int zl_raw_stream(const zl_archive *ar, const zl_entry *e, zl_reader *rd, bool check_crc,
                  zl_raw_sink sink, void *ud, zl_error *err)
{
    return stream(ar, e, rd, check_crc, UINT64_MAX, CHUNK, sink, ud, err);
}

/* ---- the worker pool ---- */

unsigned zl_parallel_max;

unsigned zl_parallel_threads(void)
{
    if (zl_parallel_max > 0)
        return zl_parallel_max;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1)
        n = 1;
    return n > THREADS_CAP ? THREADS_CAP : (unsigned)n;
}

struct zl_parallel {
    size_t n;
    zl_job_fn fn;
    void *ud;
    atomic_size_t next;
    atomic_int rc;
    unsigned started;
    pthread_t threads[16];
};

static void run_items(zl_parallel *p, zl_reader *rd)
{
    for (;;) {
        size_t i = atomic_fetch_add(&p->next, 1);
        if (i >= p->n)
            return;
        int rc = p->fn(p->ud, i, rd);
        int none = ZL_OK;
        if (rc < 0)
            atomic_compare_exchange_strong(&p->rc, &none, rc);
    }
}

static void *worker(void *arg)
{
    zl_parallel *p = arg;
    zl_reader *rd = NULL;
    if (zl_reader_new(&rd) == ZL_OK)
        run_items(p, rd);
    zl_reader_free(rd);
    return NULL;
}

/* Starts up to `threads` workers on the items (fewer when there are fewer
 * items or a thread cannot be made: the caller's zl_parallel_wait takes
 * what is left). */
static int start(size_t n, zl_job_fn fn, void *ud, unsigned threads, zl_parallel **out)
{
    zl_parallel *p = calloc(1, sizeof *p);
    *out = p;
    if (p == NULL)
        return ZL_E_NOMEM;
    p->n = n;
    p->fn = fn;
    p->ud = ud;
    atomic_init(&p->next, 0);
    atomic_init(&p->rc, ZL_OK);
    const unsigned cap = sizeof p->threads / sizeof p->threads[0];
    if (threads > cap)
        threads = cap;
    if (threads > n)
        threads = (unsigned)n;
    for (unsigned t = 0; t < threads; t++)
        if (pthread_create(&p->threads[p->started], NULL, worker, p) == 0)
            p->started++;
    return ZL_OK;
}

int zl_parallel_start(size_t n, zl_job_fn fn, void *ud, zl_parallel **out)
{
    return start(n, fn, ud, zl_parallel_threads(), out);
}

int zl_parallel_wait(zl_parallel *p)
{
    if (p == NULL)
        return ZL_OK;
    int rc = ZL_OK;
    if (atomic_load(&p->next) < p->n) {
        zl_reader *rd = NULL;
        if (zl_reader_new(&rd) == ZL_OK)
            run_items(p, rd);
        zl_reader_free(rd);
    }
    for (unsigned t = 0; t < p->started; t++)
        pthread_join(p->threads[t], NULL);
    if (rc == ZL_OK)
        rc = atomic_load(&p->rc);
    /* Items no thread could take (none could make a reader) did not run. */
    if (rc == ZL_OK && atomic_load(&p->next) < p->n)
        rc = ZL_E_NOMEM;
    free(p);
    return rc;
}
