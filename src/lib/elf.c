/* elf.c - ELF details beyond the header: the GLIBC_x.y versions an object
 * needs, read from .gnu.version_r with libelf (what auditwheel reads). The
 * only file that includes <libelf.h>/<gelf.h>.
 *
 * An archive entry is never held whole when it is large: it is streamed
 * once to learn where its section headers are and to keep them, then (only
 * when they lie beyond the first bytes kept) once more up to the end of
 * .gnu.version_r and its string table. Those bytes go, at their own
 * offsets, into a sparse anonymous mapping of the object's size, which
 * libelf parses as it would the whole file: the pages never written are
 * never resident, so memory follows what is kept, not the entry's size. */
#include "config.h"

#include <gelf.h>
#include <libelf.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "zl_internal.h"

/* Parses "GLIBC_2.28" into 2, 28; 0 when it is not a plain GLIBC version. */
static int parse_glibc(const char *name, int *major, int *minor)
{
    unsigned a = 0, b = 0;
    char tail = 0;
    if (strncmp(name, "GLIBC_", 6) != 0)
        return 0;
    int n = sscanf(name + 6, "%u.%u%c", &a, &b, &tail);
    if (n == 2 || (n == 3 && tail == '.')) {
        *major = (int)a;
        *minor = (int)b;
        return 1;
    }
    return 0;
}

/* elf_version once for every thread (it sets libelf's global state). */
static pthread_once_t libelf_once = PTHREAD_ONCE_INIT;
static bool libelf_ok;

static void libelf_init(void)
{
    libelf_ok = elf_version(EV_CURRENT) != EV_NONE;
}

static bool libelf_ready(void)
{
    pthread_once(&libelf_once, libelf_init);
    return libelf_ok;
}

int zl_elf_glibc_need(const unsigned char *buf, size_t len, int *major, int *minor,
                      zl_error *err)
{
    int rc = ZL_OK;
    Elf *elf = NULL;
    *major = 0;
    *minor = 0;
    if (!libelf_ready())
        return zl_error_set(err, ZL_E_INVAL, "libelf: %s", elf_errmsg(-1));
    /* elf_memory takes a non-const image but only reads it with ELF_C_READ_MMAP semantics. */
    elf = elf_memory((char *)(uintptr_t)buf, len);
    if (elf == NULL || elf_kind(elf) != ELF_K_ELF) {
        rc = zl_error_set(err, ZL_E_CORRUPT, "not an ELF object");
        goto out;
    }
    Elf_Scn *scn = NULL;
    while ((scn = elf_nextscn(elf, scn)) != NULL) {
        GElf_Shdr shdr;
        if (gelf_getshdr(scn, &shdr) == NULL || shdr.sh_type != SHT_GNU_verneed)
            continue;
        Elf_Data *data = elf_getdata(scn, NULL);
        if (data == NULL)
            continue;
        size_t off = 0;
        /* Bounded by the section size and the entry count it states. */
        for (size_t i = 0; i < shdr.sh_info && off < data->d_size; i++) {
            GElf_Verneed need;
            if (gelf_getverneed(data, (int)off, &need) == NULL)
                break;
            size_t aoff = off + need.vn_aux;
            for (size_t k = 0; k < need.vn_cnt && aoff < data->d_size; k++) {
                GElf_Vernaux aux;
                if (gelf_getvernaux(data, (int)aoff, &aux) == NULL)
                    break;
                const char *name = elf_strptr(elf, shdr.sh_link, aux.vna_name);
                int a, b;
                if (name != NULL && parse_glibc(name, &a, &b) &&
                    (a > *major || (a == *major && b > *minor))) {
                    *major = a;
                    *minor = b;
                }
                if (aux.vna_next == 0)
                    break;
                aoff += aux.vna_next;
            }
            if (need.vn_next == 0)
                break;
            off += need.vn_next;
        }
    }
out:
    if (elf != NULL)
        elf_end(elf);
    return rc;
}

/* ---- an archive entry, streamed ---- */

#define SHDRS_MAX (4u << 20)     /* 65535 headers of 64 bytes */
#define WANT_MAX (16u << 20)     /* .gnu.version_r and strings together */
#define SPANS_MAX 8

typedef struct span {
    uint64_t off, end;
} span;

/* .gnu.version_r and .dynstr usually lie in the first few KiB: keeping
 * the first bytes in the first pass makes a second pass rare. */
size_t zl_elf_scan_prefix = 1u << 20;

typedef struct scan {
    unsigned char *img; /* sparse image of the object, size bytes */
    uint64_t size;
    bool have_ehdr;
    span keep[1 + SPANS_MAX * 2]; /* what the current pass copies into img */
    size_t n_keep;
    uint64_t stop; /* the pass may stop here */
} scan;

/* The section header table from the ELF header (translated by libelf);
 * false when the header is not ELF. e_shnum 0 means extended numbering:
 * the table then runs to wherever shdr[0].sh_size says, up to SHDRS_MAX. */
static bool shdr_span(const unsigned char *h, uint64_t size, span *out)
{
    if (size < EI_NIDENT || memcmp(h, ELFMAG, SELFMAG) != 0 ||
        (h[EI_DATA] != ELFDATA2LSB && h[EI_DATA] != ELFDATA2MSB))
        return false;
    uint64_t shoff, shnum, shentsize;
    if (h[EI_CLASS] == ELFCLASS64) {
        Elf64_Ehdr eh;
        Elf_Data dst = {.d_buf = &eh, .d_size = sizeof eh, .d_version = EV_CURRENT};
        Elf_Data src = {.d_buf = (void *)(uintptr_t)h, .d_type = ELF_T_EHDR,
                        .d_size = sizeof eh, .d_version = EV_CURRENT};
        if (size < sizeof eh || elf64_xlatetom(&dst, &src, h[EI_DATA]) == NULL)
            return false;
        shoff = eh.e_shoff, shnum = eh.e_shnum, shentsize = eh.e_shentsize;
    } else if (h[EI_CLASS] == ELFCLASS32) {
        Elf32_Ehdr eh;
        Elf_Data dst = {.d_buf = &eh, .d_size = sizeof eh, .d_version = EV_CURRENT};
        Elf_Data src = {.d_buf = (void *)(uintptr_t)h, .d_type = ELF_T_EHDR,
                        .d_size = sizeof eh, .d_version = EV_CURRENT};
        if (size < sizeof eh || elf32_xlatetom(&dst, &src, h[EI_DATA]) == NULL)
            return false;
        shoff = eh.e_shoff, shnum = eh.e_shnum, shentsize = eh.e_shentsize;
    } else {
        return false;
    }
    if (shoff == 0) {
        *out = (span){0, 0}; /* no section headers: nothing needed */
        return true;
    }
    uint64_t len = shnum > 0 ? shnum * shentsize : SHDRS_MAX;
    if (len > SHDRS_MAX)
        len = SHDRS_MAX;
    out->off = shoff < size ? shoff : size;
    out->end = len < size - out->off ? out->off + len : size;
    return true;
}

/* Copies what the pass keeps of the entry's bytes [off, off + n) into the
 * image; in the first pass, learns where the section headers are as soon
 * as the ELF header has passed. */
static int scan_sink(void *ud, uint64_t off, const unsigned char *p, size_t n, uint64_t *next)
{
    scan *sc = ud;
    uint64_t end = off + n;
    for (size_t k = 0; k < sc->n_keep; k++) {
        uint64_t a = sc->keep[k].off > off ? sc->keep[k].off : off;
        uint64_t b = sc->keep[k].end < end ? sc->keep[k].end : end;
        if (a < b)
            memcpy(sc->img + a, p + (a - off), (size_t)(b - a));
    }
    if (!sc->have_ehdr && end >= sizeof(Elf64_Ehdr)) {
        sc->have_ehdr = true;
        span *t = &sc->keep[sc->n_keep];
        if (!shdr_span(sc->img, sc->size, t))
            return 1; /* not ELF: nothing more to learn */
        sc->n_keep++;
        uint64_t a = t->off > off ? t->off : off, b = t->end < end ? t->end : end;
        if (a < b)
            memcpy(sc->img + a, p + (a - off), (size_t)(b - a));
    }
    /* A hint for stored data: jump to the next span still ahead. */
    uint64_t ahead = UINT64_MAX;
    for (size_t k = 0; k < sc->n_keep; k++) {
        if (sc->keep[k].end > end && sc->keep[k].off < ahead)
            ahead = sc->keep[k].off > end ? sc->keep[k].off : end;
    }
    if (ahead != UINT64_MAX && ahead > *next)
        *next = ahead;
    return end >= sc->stop ? 1 : 0;
}

/* Reads the entry's bytes for sc with check_crc (the whole entry) or
 * without (stopping at sc->stop). */
typedef int (*read_fn)(void *src, bool check_crc, scan *sc, zl_error *err);

static bool span_covered(const span *s, uint64_t prefix)
{
    return s->end <= prefix || s->off >= s->end;
}

/* The spans of every SHT_GNU_verneed section and of the string table it
 * links to, from the section headers now in the image. ZL_E_CORRUPT when
 * libelf rejects them or they are larger than WANT_MAX together. */
static int wanted_spans(scan *sc, span *want, size_t *n_want, zl_error *err)
{
    int rc = ZL_OK;
    uint64_t total = 0;
    *n_want = 0;
    Elf *elf = elf_memory((char *)sc->img, (size_t)sc->size);
    if (elf == NULL || elf_kind(elf) != ELF_K_ELF) {
        rc = zl_error_set(err, ZL_E_CORRUPT, "not an ELF object");
        goto out;
    }
    Elf_Scn *scn = NULL;
    while ((scn = elf_nextscn(elf, scn)) != NULL) {
        GElf_Shdr sh, link;
        if (gelf_getshdr(scn, &sh) == NULL || sh.sh_type != SHT_GNU_verneed)
            continue;
        Elf_Scn *ls = elf_getscn(elf, sh.sh_link);
        if (*n_want + 2 > SPANS_MAX * 2)
            break;
        const GElf_Shdr *both[2] = {&sh, ls != NULL && gelf_getshdr(ls, &link) ? &link : NULL};
        for (int k = 0; k < 2; k++) {
            if (both[k] == NULL || both[k]->sh_type == SHT_NOBITS ||
                both[k]->sh_offset >= sc->size)
                continue;
            uint64_t len = both[k]->sh_size < sc->size - both[k]->sh_offset
                               ? both[k]->sh_size
                               : sc->size - both[k]->sh_offset;
            total += len;
            want[(*n_want)++] = (span){both[k]->sh_offset, both[k]->sh_offset + len};
        }
    }
    if (total > WANT_MAX)
        rc = zl_error_set(err, ZL_E_CORRUPT, "version sections too large");
out:
    if (elf != NULL)
        elf_end(elf);
    return rc;
}

static int glibc_need_scan(void *src, read_fn rd, uint64_t size, int *major, int *minor,
                           bool *data_ok, zl_error *err)
{
    scan sc = {.size = size, .stop = UINT64_MAX};
    span want[SPANS_MAX * 2];
    size_t n_want = 0;
    int rc = ZL_OK;
    *major = 0;
    *minor = 0;
    *data_ok = false;
    if (!libelf_ready())
        return zl_error_set(err, ZL_E_INVAL, "libelf: %s", elf_errmsg(-1));
    if (size < sizeof(Elf64_Ehdr))
        return zl_error_set(err, ZL_E_CORRUPT, "not an ELF object");
    void *map = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (map == MAP_FAILED) /* as a whole read that fails: the object is not judged */
        return zl_error_set(err, ZL_E_INVAL, "cannot map %llu bytes", (unsigned long long)size);
    sc.img = map;
    /* First pass, to the end (which checks the CRC): the first bytes and
     * the section header table. */
    uint64_t prefix = size < zl_elf_scan_prefix ? size : zl_elf_scan_prefix;
    if (prefix < sizeof(Elf64_Ehdr))
        prefix = sizeof(Elf64_Ehdr); /* the ELF header is always kept */
    sc.keep[sc.n_keep++] = (span){0, prefix};
    if ((rc = rd(src, true, &sc, err)) != ZL_OK)
        goto out;
    /* A sink that stopped early (not ELF) leaves the data unchecked. */
    *data_ok = sc.n_keep >= 2;
    if (sc.n_keep < 2) {
        rc = zl_error_set(err, ZL_E_CORRUPT, "not an ELF object");
        goto out;
    }
    if ((rc = wanted_spans(&sc, want, &n_want, err)) != ZL_OK)
        goto out;
    /* Second pass, only when the version sections lie beyond the prefix. */
    sc.n_keep = 0;
    sc.stop = 0;
    for (size_t k = 0; k < n_want; k++) {
        if (span_covered(&want[k], prefix))
            continue;
        sc.keep[sc.n_keep++] = want[k];
        if (want[k].end > sc.stop)
            sc.stop = want[k].end;
    }
    sc.have_ehdr = true;
    if (sc.n_keep > 0 && (rc = rd(src, false, &sc, err)) != ZL_OK)
        goto out;
    rc = zl_elf_glibc_need(sc.img, (size_t)size, major, minor, err);
out:
    munmap(map, (size_t)size);
    return rc;
}

typedef struct raw_src {
    const zl_archive *ar;
    const zl_entry *e;
    zl_reader *rd;
} raw_src;

static int read_raw(void *src, bool check_crc, scan *sc, zl_error *err)
{
    raw_src *r = src;
    return zl_raw_stream(r->ar, r->e, r->rd, check_crc, scan_sink, sc, err);
}

typedef struct entry_src {
    zl_archive *ar;
    const zl_entry *e;
} entry_src;

static int read_entry(void *src, bool check_crc, scan *sc, zl_error *err)
{
    entry_src *r = src;
    return zl_entry_stream(r->ar, r->e, check_crc, scan_sink, sc, err);
}

int zl_elf_glibc_need_entry(const zl_archive *ar, const zl_entry *e, zl_reader *rd, int *major,
                            int *minor, bool *data_ok, zl_error *err)
{
    *major = 0;
    *minor = 0;
    *data_ok = false;
    if (e->size <= ZL_RAW_WHOLE_MAX) {
        /* Small enough to inflate whole in one go (libdeflate). */
        const unsigned char *buf = NULL;
        size_t len = 0;
        int rc = zl_raw_read_whole(ar, e, rd, &buf, &len, err);
        if (rc != ZL_OK)
            return rc;
        *data_ok = true;
        return zl_elf_glibc_need(buf, len, major, minor, err);
    }
    raw_src src = {ar, e, rd};
    return glibc_need_scan(&src, read_raw, e->size, major, minor, data_ok, err);
}

int zl_elf_glibc_need_stream(zl_archive *ar, const zl_entry *e, int *major, int *minor,
                             bool *data_ok, zl_error *err)
{
    entry_src src = {ar, e};
    return glibc_need_scan(&src, read_entry, e->size, major, minor, data_ok, err);
}
