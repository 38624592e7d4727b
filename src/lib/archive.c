/* archive.c - open an archive with libzip once and build the entry table
 * (name, sizes, method, crc, mode, host, type), plus reading entry data. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zl_internal.h"

/* Hosts whose external attributes carry a Unix mode in their top 16 bits. */
static bool host_has_unix_mode(uint8_t opsys)
{
    return opsys == ZIP_OPSYS_UNIX || opsys == ZIP_OPSYS_OS_X || opsys == ZIP_OPSYS_BEOS ||
           opsys == ZIP_OPSYS_ATARI_ST || opsys == ZIP_OPSYS_ACORN_RISC;
}

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static int index_names(zl_archive *ar)
{
    size_t n = 16;
    while (n < ar->n_entries * 2)
        n *= 2;
    ar->slots = calloc(n, sizeof *ar->slots);
    if (ar->slots == NULL)
        return ZL_E_NOMEM;
    ar->n_slots = n;
    for (size_t i = 0; i < ar->n_entries; i++) {
        zl_entry *e = &ar->entries[i];
        size_t s = hash_bytes(e->path, e->name_len) & (n - 1);
        while (ar->slots[s] != 0) {
            zl_entry *o = &ar->entries[ar->slots[s] - 1];
            if (o->name_len == e->name_len && memcmp(o->path, e->path, e->name_len) == 0)
                o->path_shared = e->path_shared = true;
            s = (s + 1) & (n - 1);
        }
        ar->slots[s] = i + 1;
    }
    return ZL_OK;
}

long zl_archive_find(const zl_archive *ar, const char *path, size_t len)
{
    if (ar->n_slots == 0)
        return -1;
    size_t s = hash_bytes(path, len) & (ar->n_slots - 1);
    while (ar->slots[s] != 0) {
        const zl_entry *e = &ar->entries[ar->slots[s] - 1];
        if (e->name_len == len && memcmp(e->path, path, len) == 0)
            return (long)(ar->slots[s] - 1);
        s = (s + 1) & (ar->n_slots - 1);
    }
    return -1;
}

static zl_entry_type type_of(const zl_entry *e)
{
    if (e->has_unix_mode && (e->mode & S_IFMT) != 0) {
        switch (e->mode & S_IFMT) {
        case S_IFDIR:
            return ZL_TYPE_DIR;
        case S_IFLNK:
            return ZL_TYPE_SYMLINK;
        case S_IFREG:
            return ZL_TYPE_FILE;
        default:
            return ZL_TYPE_SPECIAL;
        }
    }
    if (e->name_len > 0 && (e->path[e->name_len - 1] == '/'))
        return ZL_TYPE_DIR;
    return ZL_TYPE_FILE;
}

static const char *zip_cause(int ze)
{
    switch (ze) {
    case ZIP_ER_NOZIP:
        return "not a zip archive (no end of central directory record)";
    case ZIP_ER_INCONS:
        return "inconsistent archive (the central directory cannot be parsed)";
    case ZIP_ER_MEMORY:
        return "out of memory";
    case ZIP_ER_READ:
        return "read error";
    case ZIP_ER_SEEK:
        return "seek error (the archive is truncated)";
    case ZIP_ER_OPEN:
        return "cannot open";
    default:
        return NULL;
    }
}

static int build_table(zl_archive *ar, zl_error *err)
{
    zip_int64_t n = zip_get_num_entries(ar->za, 0);
    if (n < 0)
        return zl_error_set(err, ZL_E_NOTZIP, "%s: cannot count entries", ar->path);
    ar->n_entries = (size_t)n;
    if (n == 0)
        return index_names(ar);
    ar->entries = calloc((size_t)n, sizeof *ar->entries);
    if (ar->entries == NULL)
        return zl_error_set(err, ZL_E_NOMEM, "%s: out of memory", ar->path);

    /* Names first, to size one arena for every name and path. */
    size_t total = 0;
    const char **raw = malloc((size_t)n * sizeof *raw);
    if (raw == NULL)
        return zl_error_set(err, ZL_E_NOMEM, "%s: out of memory", ar->path);
    for (zip_int64_t i = 0; i < n; i++) {
        raw[i] = zip_get_name(ar->za, (zip_uint64_t)i, ZIP_FL_ENC_RAW);
        if (raw[i] == NULL) {
            free(raw);
            return zl_error_set(err, ZL_E_NOTZIP, "%s: entry %lld has no readable name", ar->path,
                                (long long)i);
        }
        size_t len = strlen(raw[i]);
        total += len + 1;
        if (memchr(raw[i], '\\', len) != NULL)
            total += len + 1;
    }
    ar->names = malloc(total ? total : 1);
    if (ar->names == NULL) {
        free(raw);
        return zl_error_set(err, ZL_E_NOMEM, "%s: out of memory", ar->path);
    }

    char *p = ar->names;
    for (zip_int64_t i = 0; i < n; i++) {
        zl_entry *e = &ar->entries[i];
        size_t len = strlen(raw[i]);
        memcpy(p, raw[i], len + 1);
        e->name = p;
        e->path = p;
        e->name_len = len;
        p += len + 1;
        if (memchr(e->name, '\\', len) != NULL) {
            memcpy(p, e->name, len + 1);
            for (size_t k = 0; k < len; k++)
                if (p[k] == '\\')
                    p[k] = '/';
            e->path = p;
            p += len + 1;
        }
        e->index = (zip_uint64_t)i;

        zip_stat_t st;
        zip_stat_init(&st);
        if (zip_stat_index(ar->za, e->index, ZIP_FL_UNCHANGED, &st) != 0) {
            free(raw);
            return zl_error_set(err, ZL_E_NOTZIP, "%s: entry '%s': %s", ar->path, e->name,
                                zip_strerror(ar->za));
        }
        e->size = (st.valid & ZIP_STAT_SIZE) ? st.size : 0;
        e->comp_size = (st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : 0;
        e->crc = (st.valid & ZIP_STAT_CRC) ? st.crc : 0;
        e->method = (st.valid & ZIP_STAT_COMP_METHOD) ? st.comp_method : 0;
        e->encryption = (st.valid & ZIP_STAT_ENCRYPTION_METHOD) ? st.encryption_method : 0;
        e->mtime = (st.valid & ZIP_STAT_MTIME) ? st.mtime : 0;

        zip_uint8_t opsys = 0;
        zip_uint32_t attr = 0;
        if (zip_file_get_external_attributes(ar->za, e->index, ZIP_FL_UNCHANGED, &opsys, &attr) ==
            0) {
            e->opsys = opsys;
            e->attributes = attr;
        }
        e->has_unix_mode = host_has_unix_mode(e->opsys) && (attr >> 16) != 0;
        e->mode = e->has_unix_mode ? (attr >> 16) : 0;
        e->type = type_of(e);
        ar->unzipped_size += e->size;
    }
    free(raw);
    if (zl_archive_scan_cd(ar) != ZL_OK)
        return zl_error_set(err, ZL_E_NOMEM, "%s: out of memory", ar->path);
    return index_names(ar);
}

/* Keys per-thread caches of file bytes (cdir.c): an address or an fd can be
 * reused by the next archive, this number cannot. */
static atomic_uint_fast64_t next_archive_id;

int zl_archive_open(zl_archive **out, const char *path, zl_error *err)
{
    int rc = ZL_OK;
    zl_archive *ar = NULL;
    zip_error_t zerr;

    zip_error_init(&zerr);
    *out = NULL;
    ar = calloc(1, sizeof *ar);
    if (ar == NULL) {
        rc = zl_error_set(err, ZL_E_NOMEM, "%s: out of memory", path);
        goto out;
    }
    ar->fd = -1;
    ar->id = atomic_fetch_add(&next_archive_id, 1) + 1;
    ar->path = zl_strdup(path);
    if (ar->path == NULL) {
        rc = zl_error_set(err, ZL_E_NOMEM, "%s: out of memory", path);
        goto out;
    }
    ar->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (ar->fd < 0) {
        rc = zl_error_set(err, ZL_E_IO, "%s: cannot open: %s", path, strerror(errno));
        goto out;
    }
    struct stat st;
    if (fstat(ar->fd, &st) != 0) {
        rc = zl_error_set(err, ZL_E_IO, "%s: cannot stat: %s", path, strerror(errno));
        goto out;
    }
    if (S_ISDIR(st.st_mode)) {
        rc = zl_error_set(err, ZL_E_IO, "%s: is a directory, not a zip archive", path);
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        rc = zl_error_set(err, ZL_E_IO, "%s: not a regular file", path);
        goto out;
    }
    if (st.st_size == 0) {
        rc = zl_error_set(err, ZL_E_NOTZIP, "%s: empty file (0 bytes), not a zip archive", path);
        goto out;
    }
    ar->file_size = (uint64_t)st.st_size;
    ar->file_mode = st.st_mode & 07777;
    ar->file_mtime = st.st_mtime;

    ar->src = zl_source_new(ar->fd, ar->file_size, st.st_mtime, &ar->stage, &zerr);
    if (ar->src == NULL) {
        rc = zl_error_set(err, ZL_E_IO, "%s: %s", path, zip_error_strerror(&zerr));
        goto out;
    }
    /* Keep our own reference: zip_close/zip_discard drop libzip's, and the
     * writer still needs the source afterwards. */
    zip_source_keep(ar->src);
    ar->za = zip_open_from_source(ar->src, 0, &zerr);
    if (ar->za == NULL) {
        /* A failed open leaves libzip's reference with us: drop it too. */
        zip_source_free(ar->src);
        const char *cause = zip_cause(zip_error_code_zip(&zerr));
        rc = zl_error_set(err, ZL_E_NOTZIP, "%s: %s", path,
                          cause ? cause : zip_error_strerror(&zerr));
        goto out;
    }
    rc = build_table(ar, err);
    if (rc != ZL_OK)
        goto out;
    *out = ar;
    ar = NULL;
out:
    zip_error_fini(&zerr);
    zl_archive_close(ar);
    return rc;
}

zip_t *zl_archive_za(zl_archive *ar, zl_error *err)
{
    if (ar->za != NULL)
        return ar->za;
    zip_error_t zerr;
    zip_error_init(&zerr);
    zl_source_state *state;
    zip_source_t *src = zl_source_new(ar->fd, ar->file_size, ar->file_mtime, &state, &zerr);
    if (src != NULL && (ar->za = zip_open_from_source(src, ZIP_RDONLY, &zerr)) == NULL)
        zip_source_free(src); /* a failed open leaves it with us */
    if (ar->za == NULL)
        zl_error_set(err, zip_error_code_zip(&zerr) == ZIP_ER_MEMORY ? ZL_E_NOMEM : ZL_E_IO,
                     "%s: cannot open it again for reading: %s", ar->path,
                     zip_error_strerror(&zerr));
    zip_error_fini(&zerr);
    return ar->za;
}

void zl_archive_close(zl_archive *ar)
{
    if (ar == NULL)
        return;
    if (ar->za != NULL)
        zip_discard(ar->za);
    if (ar->src != NULL)
        zip_source_free(ar->src);
    if (ar->fd >= 0)
        close(ar->fd);
    free(ar->entries);
    free(ar->names);
    free(ar->slots);
    zl_archive_free_locals(ar);
    free(ar->path);
    zl_reader_free(ar->reader);
    free(ar);
}

/* ---- results carried over from an earlier check ---- */

static int by_data(const void *a, const void *b)
{
    const zl_entry *x = *(const zl_entry *const *)a, *y = *(const zl_entry *const *)b;
    if (x->crc != y->crc)
        return x->crc < y->crc ? -1 : 1;
    if (x->size != y->size)
        return x->size < y->size ? -1 : 1;
    if (x->comp_size != y->comp_size)
        return x->comp_size < y->comp_size ? -1 : 1;
    return 0;
}

static const char *last_part(const zl_entry *e, size_t *len)
{
    size_t n = e->name_len;
    while (n > 0 && e->path[n - 1] == '/')
        n--;
    size_t start = n;
    while (start > 0 && e->path[start - 1] != '/')
        start--;
    *len = n - start;
    return e->path + start;
}

void zl_archive_adopt(zl_archive *to, const zl_archive *from)
{
    size_t n = 0;
    const zl_entry **known = NULL;
    for (size_t i = 0; i < from->n_entries; i++)
        n += from->entries[i].glibc_done;
    if (n == 0 || (known = malloc(n * sizeof *known)) == NULL)
        return; /* nothing known, or no memory: the check reads the data itself */
    n = 0;
    for (size_t i = 0; i < from->n_entries; i++)
        if (from->entries[i].glibc_done)
            known[n++] = &from->entries[i];
    qsort(known, n, sizeof *known, by_data);
    for (size_t i = 0; i < to->n_entries; i++) {
        zl_entry *e = &to->entries[i];
        const zl_entry *key = e;
        const zl_entry **hit = bsearch(&key, known, n, sizeof *known, by_data);
        if (e->glibc_done || hit == NULL)
            continue;
        /* Equal keys lie side by side: find the one with e's name and method. */
        while (hit > known && by_data(&key, hit - 1) == 0)
            hit--;
        size_t elen, klen;
        const char *en = last_part(e, &elen);
        for (; hit < known + n && by_data(&key, hit) == 0; hit++) {
            const char *kn = last_part(*hit, &klen);
            if ((*hit)->method != e->method || klen != elen || memcmp(kn, en, elen) != 0)
                continue;
            e->glibc_done = true;
            e->glibc_rc = (*hit)->glibc_rc;
            e->glibc_major = (*hit)->glibc_major;
            e->glibc_minor = (*hit)->glibc_minor;
            break;
        }
    }
    free(known);
}

const char *zl_archive_path(const zl_archive *ar)
{
    return ar->path;
}

size_t zl_archive_entry_count(const zl_archive *ar)
{
    return ar->n_entries;
}

uint64_t zl_archive_zipped_size(const zl_archive *ar)
{
    return ar->file_size;
}

uint64_t zl_archive_unzipped_size(const zl_archive *ar)
{
    return ar->unzipped_size;
}

static int entry_error(zl_archive *ar, const zl_entry *e, zip_error_t *ze, zl_error *err)
{
    int code = zip_error_code_zip(ze);
    int rc = (code == ZIP_ER_MEMORY) ? ZL_E_NOMEM : ZL_E_CORRUPT;
    const char *cause = zip_error_strerror(ze);
    if (code == ZIP_ER_CRC)
        cause = "CRC mismatch: the data does not match its checksum";
    else if (code == ZIP_ER_COMPNOTSUPP)
        cause = "compression method not supported";
    else if (code == ZIP_ER_ENCRNOTSUPP || code == ZIP_ER_NOPASSWD)
        cause = "entry is encrypted";
    return zl_error_set(err, rc, "%s: entry '%s': %s", ar->path, e->name, cause);
}

/* ---- reading entry data ----
 * The raw reader (inflate.c) first; libzip for what it leaves
 * (ZL_RAW_FALLBACK): other methods, encryption, unknown offsets, and every
 * anomaly, so that damaged data are always worded by libzip. */

zl_reader *zl_archive_reader(zl_archive *ar)
{
    if (ar->reader == NULL && zl_reader_new(&ar->reader) != ZL_OK)
        return NULL;
    return ar->reader;
}

static int libzip_read_head(zl_archive *ar, const zl_entry *e, void *buf, size_t max,
                            size_t *got, zl_error *err)
{
    *got = 0;
    zip_t *za = zl_archive_za(ar, err);
    if (za == NULL)
        return err->code;
    zip_file_t *zf = zip_fopen_index(za, e->index, ZIP_FL_UNCHANGED);
    if (zf == NULL)
        return entry_error(ar, e, zip_get_error(za), err);
    int rc = ZL_OK;
    while (*got < max) {
        zip_int64_t n = zip_fread(zf, (char *)buf + *got, max - *got);
        if (n < 0) {
            rc = entry_error(ar, e, zip_file_get_error(zf), err);
            break;
        }
        if (n == 0)
            break;
        *got += (size_t)n;
    }
    zip_fclose(zf);
    return rc;
}

int zl_entry_read_head(zl_archive *ar, const zl_entry *e, void *buf, size_t max, size_t *got,
                       zl_error *err)
{
    *got = 0;
    if (max == 0 || e->size == 0)
        return ZL_OK;
    zl_reader *rd = zl_archive_reader(ar);
    if (rd == NULL)
        return zl_error_set(err, ZL_E_NOMEM, "%s: out of memory", ar->path);
    int rc = zl_raw_read_head(ar, e, rd, buf, max, got, err);
    if (rc != ZL_RAW_FALLBACK)
        return rc;
    return libzip_read_head(ar, e, buf, max, got, err);
}

int zl_entry_read_all(zl_archive *ar, const zl_entry *e, size_t limit, unsigned char **out,
                      size_t *len, zl_error *err)
{
    *out = NULL;
    *len = 0;
    if (e->size > limit)
        return zl_error_set(err, ZL_E_INVAL, "%s: entry '%s' is too large to read (%llu bytes)",
                            ar->path, e->name, (unsigned long long)e->size);
    unsigned char *buf = malloc(e->size ? (size_t)e->size : 1);
    if (buf == NULL)
        return zl_error_set(err, ZL_E_NOMEM, "%s: out of memory", ar->path);
    size_t got = 0;
    int rc = zl_entry_read_head(ar, e, buf, (size_t)e->size, &got, err);
    if (rc == ZL_OK && got != e->size)
        rc = zl_error_set(err, ZL_E_CORRUPT, "%s: entry '%s': truncated data (%zu of %llu bytes)",
                          ar->path, e->name, got, (unsigned long long)e->size);
    if (rc != ZL_OK) {
        free(buf);
        return rc;
    }
    *out = buf;
    *len = got;
    return ZL_OK;
}

/* libzip's reading of the whole entry, to sink (NULL: none) in chunks.
 * zip_fread checks the CRC when it reaches the end of the entry. */
static int libzip_stream(zl_archive *ar, const zl_entry *e, bool check_crc, zl_raw_sink sink,
                         void *ud, zl_error *err)
{
    zip_t *za = zl_archive_za(ar, err);
    if (za == NULL)
        return err->code;
    zip_file_t *zf = zip_fopen_index(za, e->index, ZIP_FL_UNCHANGED);
    if (zf == NULL)
        return entry_error(ar, e, zip_get_error(za), err);
    unsigned char buf[65536];
    uint64_t total = 0;
    int rc = ZL_OK;
    for (;;) {
        zip_int64_t n = zip_fread(zf, buf, sizeof buf);
        if (n < 0) {
            rc = entry_error(ar, e, zip_file_get_error(zf), err);
            break;
        }
        if (n == 0)
            break;
        /* Data going on past its declared size is damage (or a bomb):
         * stop instead of inflating it all. */
        if ((uint64_t)n > e->size - total) {
            rc = zl_error_set(err, ZL_E_CORRUPT,
                              "%s: entry '%s': more data than its declared %llu bytes", ar->path,
                              e->name, (unsigned long long)e->size);
            break;
        }
        if (sink != NULL) {
            uint64_t next = total + (uint64_t)n;
            int s = sink(ud, total, buf, (size_t)n, &next);
            if (s < 0) {
                rc = s;
                break;
            }
            if (s == 1) {
                if (!check_crc)
                    goto out;
                sink = NULL; /* read on to the end for the CRC */
            }
        }
        total += (uint64_t)n;
    }
    if (rc == ZL_OK && total != e->size)
        rc = zl_error_set(err, ZL_E_CORRUPT,
                          "%s: entry '%s': truncated data (%llu of %llu bytes)", ar->path, e->name,
                          (unsigned long long)total, (unsigned long long)e->size);
out:
    zip_fclose(zf);
    return rc;
}

int zl_entry_stream(zl_archive *ar, const zl_entry *e, bool check_crc, zl_raw_sink sink,
                    void *ud, zl_error *err)
{
    zl_reader *rd = zl_archive_reader(ar);
    if (rd == NULL)
        return zl_error_set(err, ZL_E_NOMEM, "%s: out of memory", ar->path);
    int rc = zl_raw_stream(ar, e, rd, check_crc, sink, ud, err);
    if (rc != ZL_RAW_FALLBACK)
        return rc;
    return libzip_stream(ar, e, check_crc, sink, ud, err);
}

int zl_entry_verify(zl_archive *ar, const zl_entry *e, zl_error *err)
{
    zl_reader *rd = zl_archive_reader(ar);
    if (rd == NULL)
        return zl_error_set(err, ZL_E_NOMEM, "%s: out of memory", ar->path);
    int rc = zl_raw_verify(ar, e, rd, err);
    if (rc != ZL_RAW_FALLBACK)
        return rc;
    return libzip_stream(ar, e, true, NULL, NULL, err);
}
