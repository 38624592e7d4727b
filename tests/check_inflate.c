/* check_inflate.c - the raw entry reader (inflate.c), the worker pool, and
 * the streamed ELF scan (elf.c): what they read themselves, what they
 * leave to libzip, and that every answer (data, codes, messages) is the
 * one libzip's reading gives. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "check_suites.h"

static zl_archive *open_fixture(const char *name)
{
    zl_archive *ar = NULL;
    zl_error err;
    zl_error_init(&err);
    int rc = zl_archive_open(&ar, fixture_path(name), &err);
    ck_assert_msg(rc == ZL_OK, "open %s: %s", name, err.message);
    return ar;
}

static zl_entry *entry_named(zl_archive *ar, const char *name)
{
    long i = zl_archive_find(ar, name, strlen(name));
    ck_assert_msg(i >= 0, "no entry %s", name);
    return &ar->entries[i];
}

/* The expected content of raw-methods.zip's pkg/stored.py and friends. */
static char *module_body(size_t *len)
{
    size_t cap = 16384, n = 0;
    char *b = malloc(cap);
    ck_assert_ptr_nonnull(b);
    for (int i = 0; i < 400; i++)
        n += (size_t)snprintf(b + n, cap - n, "line %d of the helper module\n", i);
    *len = n;
    return b;
}

/* ---- what the raw reader reads itself ---- */

static const char *const methods_entries[] = {"pkg/stored.py", "pkg/deflated.py"};

START_TEST(test_raw_reads)
{
    zl_archive *ar = open_fixture("raw-methods.zip");
    ck_assert(ar->cd_ok);
    zl_reader *rd = NULL;
    ck_assert_int_eq(zl_reader_new(&rd), ZL_OK);
    size_t blen;
    char *body = module_body(&blen);
    ck_assert_uint_eq(blen, 11890);
    zl_error err;
    zl_error_init(&err);
    const zl_entry *e = entry_named(ar, methods_entries[_i]);
    ck_assert_uint_eq(e->method, _i == 0 ? 0 : 8);
    /* a head shorter than the entry, the whole entry, more than it */
    static const size_t maxes[] = {1, 64, 4096, 11889, 11890, 20000};
    unsigned char buf[20000];
    for (size_t k = 0; k < sizeof maxes / sizeof *maxes; k++) {
        size_t got = 99;
        memset(buf, 0, sizeof buf);
        ck_assert_int_eq(zl_raw_read_head(ar, e, rd, buf, maxes[k], &got, &err), ZL_OK);
        size_t want = maxes[k] < blen ? maxes[k] : blen;
        ck_assert_uint_eq(got, want);
        ck_assert_int_eq(memcmp(buf, body, want), 0);
    }
    ck_assert_int_eq(zl_raw_verify(ar, e, rd, &err), ZL_OK);
    const unsigned char *whole = NULL;
    size_t len = 0;
    ck_assert_int_eq(zl_raw_read_whole(ar, e, rd, &whole, &len, &err), ZL_OK);
    ck_assert_uint_eq(len, blen);
    ck_assert_int_eq(memcmp(whole, body, blen), 0);
    free(body);
    zl_reader_free(rd);
    zl_archive_close(ar);
}
END_TEST

typedef struct sum_sink {
    uint64_t n, next_off;
    uint32_t crc;
    bool in_order;
} sum_sink;

static int sum_into(void *ud, uint64_t off, const unsigned char *p, size_t n, uint64_t *next)
{
    (void)next;
    sum_sink *s = ud;
    if (off != s->next_off)
        s->in_order = false;
    s->next_off = off + n;
    s->n += n;
    for (size_t k = 0; k < n; k++)
        s->crc = s->crc * 31u + p[k];
    return 0;
}

/* Larger than ZL_RAW_WHOLE_MAX: inflated streaming, in order, to its end. */
START_TEST(test_raw_large_streams)
{
    zl_archive *ar = open_fixture("raw-methods.zip");
    zl_reader *rd = NULL;
    ck_assert_int_eq(zl_reader_new(&rd), ZL_OK);
    zl_error err;
    zl_error_init(&err);
    const zl_entry *e = entry_named(ar, "pkg/large.txt");
    ck_assert_uint_eq(e->size, 5096000); /* 80 lines of 49 bytes, 1300 times */
    ck_assert_uint_gt(e->size, ZL_RAW_WHOLE_MAX);
    ck_assert_int_eq(zl_raw_verify(ar, e, rd, &err), ZL_OK);
    const unsigned char *whole = NULL;
    size_t len = 0;
    ck_assert_int_eq(zl_raw_read_whole(ar, e, rd, &whole, &len, &err), ZL_RAW_FALLBACK);
    sum_sink raw = {.in_order = true}, lz = {.in_order = true};
    ck_assert_int_eq(zl_raw_stream(ar, e, rd, true, sum_into, &raw, &err), ZL_OK);
    ck_assert(raw.in_order);
    ck_assert_uint_eq(raw.n, e->size);
    /* libzip's reading of the same entry gives the same bytes */
    ar->cd_ok = false;
    ck_assert_int_eq(zl_raw_stream(ar, e, rd, true, sum_into, &lz, &err), ZL_RAW_FALLBACK);
    ck_assert_int_eq(zl_entry_stream(ar, e, true, sum_into, &lz, &err), ZL_OK);
    ck_assert(lz.in_order);
    ck_assert_uint_eq(lz.n, raw.n);
    ck_assert_uint_eq(lz.crc, raw.crc);
    zl_reader_free(rd);
    zl_archive_close(ar);
}
END_TEST

/* Empty entries and folders: nothing to read, nothing wrong. */
START_TEST(test_raw_empty)
{
    zl_archive *ar = open_fixture("raw-methods.zip");
    zl_reader *rd = NULL;
    ck_assert_int_eq(zl_reader_new(&rd), ZL_OK);
    zl_error err;
    zl_error_init(&err);
    static const char *const names[] = {"pkg/", "pkg/empty.py", "pkg/empty-deflated.py"};
    for (size_t k = 0; k < 3; k++) {
        const zl_entry *e = entry_named(ar, names[k]);
        unsigned char b[8];
        size_t got = 5;
        ck_assert_int_eq(zl_raw_read_head(ar, e, rd, b, sizeof b, &got, &err), ZL_OK);
        ck_assert_uint_eq(got, 0);
        ck_assert_int_eq(zl_raw_verify(ar, e, rd, &err), ZL_OK);
    }
    zl_reader_free(rd);
    zl_archive_close(ar);
}
END_TEST

/* ---- what it leaves to libzip ---- */

typedef struct fallback_case {
    const char *fixture, *entry;
} fallback_case;

static const fallback_case fallback_cases[] = {
    {"zl605-fire-bzip2.zip", "pkg/helpers.py"},         /* another method */
    {"zl605-fire-deflate64.zip", "pkg/old.py"},         /* a method nobody here decodes */
    {"zl604-fire-zipcrypto.zip", "lambda_function.py"}, /* encrypted */
    {"zl606-fire-local-fields.zip", "pkg/a.py"},        /* local method disagrees */
    {"zl606-fire-local-fields.zip", "pkg/c.py"},        /* local encryption bit */
};

START_TEST(test_raw_fallback)
{
    const fallback_case *c = &fallback_cases[_i];
    zl_archive *ar = open_fixture(c->fixture);
    zl_reader *rd = NULL;
    ck_assert_int_eq(zl_reader_new(&rd), ZL_OK);
    zl_error err;
    zl_error_init(&err);
    const zl_entry *e = entry_named(ar, c->entry);
    unsigned char b[64];
    size_t got;
    ck_assert_int_eq(zl_raw_read_head(ar, e, rd, b, sizeof b, &got, &err), ZL_RAW_FALLBACK);
    ck_assert_int_eq(zl_raw_verify(ar, e, rd, &err), ZL_RAW_FALLBACK);
    ck_assert_int_eq(zl_raw_stream(ar, e, rd, true, NULL, NULL, &err), ZL_RAW_FALLBACK);
    zl_reader_free(rd);
    zl_archive_close(ar);
}
END_TEST

/* Offsets unknown (cdir.c could not match the directory): libzip reads. */
START_TEST(test_raw_cd_unknown)
{
    zl_archive *ar = open_fixture("raw-methods.zip");
    zl_reader *rd = NULL;
    ck_assert_int_eq(zl_reader_new(&rd), ZL_OK);
    zl_error err;
    zl_error_init(&err);
    ar->cd_ok = false;
    const zl_entry *e = entry_named(ar, "pkg/deflated.py");
    unsigned char b[64];
    size_t got = 0;
    ck_assert_int_eq(zl_raw_read_head(ar, e, rd, b, sizeof b, &got, &err), ZL_RAW_FALLBACK);
    ck_assert_int_eq(zl_raw_verify(ar, e, rd, &err), ZL_RAW_FALLBACK);
    ck_assert_int_eq(zl_entry_read_head(ar, e, b, sizeof b, &got, &err), ZL_OK);
    ck_assert_uint_eq(got, 64);
    ck_assert_int_eq(memcmp(b, "line 0 of the helper module\nline 1 ", 35), 0);
    ck_assert_int_eq(zl_entry_verify(ar, e, &err), ZL_OK);
    zl_reader_free(rd);
    zl_archive_close(ar);
}
END_TEST

/* ---- damaged data: the raw reader's verdict and the final words ---- */

typedef struct damage_case {
    const char *entry;
    int raw_rc;      /* zl_raw_verify */
    const char *why; /* zl_entry_verify's cause (NULL: OK) */
} damage_case;

static const damage_case damage_cases[] = {
    {"lambda_function.py", ZL_OK, NULL},
    {"pkg/badcrc.py", ZL_E_CORRUPT, "CRC mismatch: the data does not match its checksum"},
    {"pkg/cut.py", ZL_RAW_FALLBACK, "CRC mismatch: the data does not match its checksum"},
    {"pkg/more.py", ZL_RAW_FALLBACK, "more data than its declared 11880 bytes"},
    {"pkg/garbage.py", ZL_RAW_FALLBACK, "Zlib error: data error"},
    {"pkg/short.py", ZL_RAW_FALLBACK, "truncated data (11890 of 11900 bytes)"},
    {"pkg/tail.py", ZL_OK, NULL},
};

START_TEST(test_raw_damage)
{
    const damage_case *c = &damage_cases[_i];
    zl_archive *ar = open_fixture("raw-damaged.zip");
    zl_reader *rd = NULL;
    ck_assert_int_eq(zl_reader_new(&rd), ZL_OK);
    zl_error err;
    zl_error_init(&err);
    const zl_entry *e = entry_named(ar, c->entry);
    ck_assert_int_eq(zl_raw_verify(ar, e, rd, &err), c->raw_rc);
    zl_error_init(&err);
    int rc = zl_entry_verify(ar, e, &err);
    if (c->why == NULL) {
        ck_assert_int_eq(rc, ZL_OK);
    } else {
        char want[512];
        snprintf(want, sizeof want, "%s: entry '%s': %s", fixture_path("raw-damaged.zip"),
                 c->entry, c->why);
        ck_assert_int_eq(rc, ZL_E_CORRUPT);
        ck_assert_str_eq(err.message, want);
    }
    zl_reader_free(rd);
    zl_archive_close(ar);
}
END_TEST

/* ---- every entry of many archives: the same answers as libzip's ---- */

static const char *const same_fixtures[] = {
    "raw-methods.zip",         "raw-damaged.zip",          "zl606-fire-crc.zip",
    "zl605-fire-bzip2.zip",    "zl604-fire-zipcrypto.zip", "zl606-fire-local-fields.zip",
    "zl606-fire-descriptor.zip", "zl606-ok-descriptor.zip", "zl607-fire-overlap.zip",
    "zl505-fire-glibc.zip",    "zl201-fire-private-modes.zip", "zl602-fire-escape.zip",
};

typedef struct answer {
    int rc;
    size_t got;
    char msg[1024];
    unsigned char data[4096];
} answer;

static void read_answers(zl_archive *ar, const zl_entry *e, answer out[4])
{
    static const size_t maxes[] = {16, 4096};
    for (int k = 0; k < 2; k++) {
        zl_error err;
        zl_error_init(&err);
        memset(&out[k], 0, sizeof out[k]);
        out[k].rc = zl_entry_read_head(ar, e, out[k].data, maxes[k], &out[k].got, &err);
        snprintf(out[k].msg, sizeof out[k].msg, "%s", err.message);
    }
    zl_error err;
    zl_error_init(&err);
    memset(&out[2], 0, sizeof out[2]);
    out[2].rc = zl_entry_verify(ar, e, &err);
    snprintf(out[2].msg, sizeof out[2].msg, "%s", err.message);
    unsigned char *all = NULL;
    size_t len = 0;
    zl_error_init(&err);
    memset(&out[3], 0, sizeof out[3]);
    out[3].rc = zl_entry_read_all(ar, e, 1u << 20, &all, &len, &err);
    out[3].got = len;
    if (all != NULL)
        memcpy(out[3].data, all, len < sizeof out[3].data ? len : sizeof out[3].data);
    snprintf(out[3].msg, sizeof out[3].msg, "%s", err.message);
    free(all);
}

START_TEST(test_same_as_libzip)
{
    const char *name = same_fixtures[_i];
    zl_archive *raw = open_fixture(name), *lz = open_fixture(name);
    lz->cd_ok = false; /* every read of this one goes through libzip */
    ck_assert_uint_eq(raw->n_entries, lz->n_entries);
    static answer a[4], b[4];
    for (size_t i = 0; i < raw->n_entries; i++) {
        read_answers(raw, &raw->entries[i], a);
        read_answers(lz, &lz->entries[i], b);
        for (int k = 0; k < 4; k++) {
            const char *what[] = {"head 16", "head 4096", "verify", "read_all"};
            ck_assert_msg(a[k].rc == b[k].rc && a[k].got == b[k].got &&
                              strcmp(a[k].msg, b[k].msg) == 0 &&
                              memcmp(a[k].data, b[k].data, sizeof a[k].data) == 0,
                          "%s '%s' %s: raw %d %zu '%s', libzip %d %zu '%s'", name,
                          raw->entries[i].name, what[k], a[k].rc, a[k].got, a[k].msg, b[k].rc,
                          b[k].got, b[k].msg);
        }
    }
    zl_archive_close(raw);
    zl_archive_close(lz);
}
END_TEST

/* ---- sniffing bytecode from its first 16 bytes ---- */

/* The same bytecode tried first by its name (.pyc: 16 bytes inflated) and
 * under another name (4 KiB): the same answer; text named .pyc is text. */
START_TEST(test_sniff_pyc_head)
{
    zl_archive *ar = open_fixture("raw-methods.zip");
    zl_entry *pyc = entry_named(ar, "pkg/__pycache__/deflated.cpython-311.pyc");
    zl_entry *bin = entry_named(ar, "pkg/bytecode.bin");
    ck_assert_uint_gt(pyc->size, 4096);
    const zl_sniff *a = zl_entry_sniff(ar, pyc), *b = zl_entry_sniff(ar, bin);
    ck_assert_int_eq(a->kind, ZL_KIND_PYC);
    ck_assert_uint_eq(a->pyc_magic, 3495u | (13u << 16) | (10u << 24));
    ck_assert_uint_eq(a->pyc_flags, 0);
    ck_assert_uint_eq(a->pyc_mtime, 1700000000u);
    ck_assert_uint_eq(a->pyc_size, 11890);
    ck_assert_int_eq(memcmp(a, b, sizeof *a), 0);
    ck_assert_int_eq(zl_entry_sniff(ar, entry_named(ar, "pkg/notes.pyc"))->kind, ZL_KIND_TEXT);
    zl_archive_close(ar);
}
END_TEST

/* ---- the worker pool ---- */

typedef struct count_jobs {
    int *seen;
} count_jobs;

static int count_job(void *ud, size_t i, zl_reader *rd)
{
    count_jobs *j = ud;
    j->seen[i] += rd != NULL ? 1 : 100; /* no asserts off the main thread */
    return i == 777 ? ZL_E_INVAL : ZL_OK;
}

/* Started, the pool works while the caller goes on; waiting, the caller
 * takes what is left, and every item runs once whatever the threads. */
START_TEST(test_parallel_start_wait)
{
    unsigned saved = zl_parallel_max;
    static const unsigned threads[] = {1, 2, 4};
    for (size_t t = 0; t < sizeof threads / sizeof threads[0]; t++) {
        zl_parallel_max = threads[t];
        count_jobs j = {calloc(1000, sizeof(int))};
        ck_assert_ptr_nonnull(j.seen);
        zl_parallel *p = NULL;
        ck_assert_int_eq(zl_parallel_start(1000, count_job, &j, &p), ZL_OK);
        ck_assert_ptr_nonnull(p);
        ck_assert_int_eq(zl_parallel_wait(p), ZL_E_INVAL);
        for (size_t i = 0; i < 1000; i++)
            ck_assert_int_eq(j.seen[i], 1);
        free(j.seen);
    }
    zl_parallel *p = NULL;
    ck_assert_int_eq(zl_parallel_start(0, count_job, NULL, &p), ZL_OK);
    ck_assert_int_eq(zl_parallel_wait(p), ZL_OK);
    ck_assert_int_eq(zl_parallel_wait(NULL), ZL_OK);
    zl_parallel_max = saved;
}
END_TEST

/* What one check learned of the ELF objects' glibc needs carries over to
 * an archive holding the same data (fix's re-check), and is what that
 * archive's check then reports; data under another name do not. */
START_TEST(test_adopt_glibc)
{
    zl_options o;
    zl_options_init(&o);
    o.runtime_minor = 11;
    o.select = "ZL505";
    tcheck a;
    tcheck_run(&a, "zl505-fire-glibc.zip", &o);
    ck_assert_str_eq(tcheck_codes(&a), "ZL505");
    ck_assert_uint_eq(tcheck_finding(&a, "ZL505")->n_entries, 3);
    const zl_entry *g228 = entry_named(a.ar, "g/_g228.so");
    ck_assert(g228->glibc_done);
    ck_assert_int_eq(g228->glibc_rc, ZL_OK);
    ck_assert_int_eq(g228->glibc_major, 2);
    ck_assert_int_eq(g228->glibc_minor, 28);
    ck_assert(g228->data_ok);
    ck_assert(!entry_named(a.ar, "lambda_function.py")->glibc_done);

    zl_archive *b = open_fixture("zl505-fire-glibc.zip");
    /* the same bytes under another last name are not taken for the same */
    zl_entry *g234 = entry_named(a.ar, "g/_g234.so");
    const char *saved_path = g234->path;
    g234->path = "g/_g999.so";
    zl_archive_adopt(b, a.ar);
    g234->path = saved_path;
    zl_entry *b228 = entry_named(b, "g/_g228.so");
    ck_assert(b228->glibc_done);
    ck_assert_int_eq(b228->glibc_minor, 28);
    ck_assert(entry_named(b, "lib/libg236.so.0")->glibc_done);
    ck_assert_int_eq(entry_named(b, "lib/libg236.so.0")->glibc_minor, 36);
    ck_assert(!entry_named(b, "g/_g234.so")->glibc_done);
    ck_assert(!entry_named(b, "lambda_function.py")->glibc_done);
    /* b's check reads only what it was not given: an adopted verdict is
     * what it reports (2.26 loads on python3.11) */
    b228->glibc_minor = 26;
    zl_ruleset *rs = NULL;
    zl_error err;
    zl_error_init(&err);
    ck_assert_int_eq(zl_ruleset_new(&rs, &err), ZL_OK);
    zl_result *res = NULL;
    ck_assert_int_eq(zl_check_run(b, rs, &o, &res, &err), ZL_OK);
    ck_assert_uint_eq(zl_result_count(res), 1);
    const zl_finding *f = zl_result_finding(res, 0);
    ck_assert_str_eq(f->rule->code, "ZL505");
    ck_assert_uint_eq(f->n_entries, 2);
    ck_assert_str_eq(f->entries[0].name, "g/_g234.so");
    ck_assert_str_eq(f->entries[0].detail, "needs GLIBC_2.34");
    ck_assert_str_eq(f->entries[1].name, "lib/libg236.so.0");
    ck_assert(entry_named(b, "g/_g234.so")->glibc_done); /* read by b's own pass */
    zl_result_free(res);
    zl_ruleset_free(rs);
    zl_archive_close(b);
    tcheck_free(&a);
}
END_TEST

/* An ELF object the raw reader leaves to libzip (bzip2): ZL505 reads it
 * through libzip once and keeps what it learned, so --verify does not
 * read it again and a later check can adopt it. */
START_TEST(test_glibc_fallback_kept)
{
    zl_options o;
    zl_options_init(&o);
    o.runtime_minor = 11;
    o.verify = 1;
    o.select = "ZL505,ZL605,ZL606";
    tcheck t;
    tcheck_run(&t, "zl505-fire-bzip2.zip", &o);
    ck_assert_str_eq(tcheck_codes(&t), "ZL505,ZL605");
    const zl_finding *f = tcheck_finding(&t, "ZL505");
    ck_assert_uint_eq(f->n_entries, 1);
    ck_assert_str_eq(f->entries[0].detail, "needs GLIBC_2.36");
    const zl_entry *e = entry_named(t.ar, "lib/libg236.so.0");
    ck_assert_uint_eq(e->method, 12);
    ck_assert(e->data_ok);
    ck_assert(e->glibc_done);
    ck_assert_int_eq(e->glibc_rc, ZL_OK);
    ck_assert_int_eq(e->glibc_minor, 36);
    tcheck_free(&t);
}
END_TEST

/* ZL606 --verify on worker threads lists the same entries, in entry
 * order, with the same details, as on one thread. */
START_TEST(test_verify_threads_same)
{
    unsigned saved = zl_parallel_max;
    zl_options o;
    zl_options_init(&o);
    o.verify = true;
    char lists[2][2048];
    for (int k = 0; k < 2; k++) {
        zl_parallel_max = k == 0 ? 1 : 4;
        tcheck t;
        tcheck_run(&t, "raw-damaged.zip", &o);
        const zl_finding *f = tcheck_finding(&t, "ZL606");
        ck_assert_ptr_nonnull(f);
        ck_assert_uint_eq(f->n_entries, 5);
        size_t used = 0;
        lists[k][0] = '\0';
        for (size_t i = 0; i < f->n_entries; i++)
            used += (size_t)snprintf(lists[k] + used, sizeof lists[k] - used, "%s: %s\n",
                                     f->entries[i].name, f->entries[i].detail);
        tcheck_free(&t);
    }
    ck_assert_str_eq(lists[0], lists[1]);
    ck_assert_str_eq(lists[0],
                     "pkg/cut.py: CRC mismatch: the data does not match its checksum\n"
                     "pkg/more.py: more data than its declared 11880 bytes\n"
                     "pkg/garbage.py: Zlib error: data error\n"
                     "pkg/badcrc.py: CRC mismatch: the data does not match its checksum\n"
                     "pkg/short.py: truncated data (11890 of 11900 bytes)\n");
    zl_parallel_max = saved;
}
END_TEST

/* ---- the streamed ELF scan ---- */

typedef struct elf_case {
    const char *fixture;
    size_t prefix; /* zl_elf_scan_prefix: small makes the second pass run */
    bool libzip;   /* read through libzip (offsets unknown) */
} elf_case;

static const elf_case elf_cases[] = {
    {"zl505-fire-glibc.zip", 1u << 20, false}, {"zl505-fire-glibc.zip", 64, false},
    {"zl505-fire-glibc.zip", 64, true},        {"zl505-ok-debian-lz4.zip", 1u << 20, false},
    {"zl505-ok-debian-lz4.zip", 64, false},    {"zl505-ok-debian-lz4.zip", 200, true},
};

START_TEST(test_elf_scan_same)
{
    const elf_case *c = &elf_cases[_i];
    size_t saved = zl_elf_scan_prefix;
    zl_elf_scan_prefix = c->prefix;
    zl_archive *ar = open_fixture(c->fixture);
    zl_reader *rd = NULL;
    ck_assert_int_eq(zl_reader_new(&rd), ZL_OK);
    size_t n_elf = 0, n_need = 0;
    for (size_t i = 0; i < ar->n_entries; i++) {
        zl_entry *e = &ar->entries[i];
        if (e->type != ZL_TYPE_FILE || zl_entry_sniff(ar, e)->kind != ZL_KIND_ELF)
            continue;
        n_elf++;
        zl_error err;
        zl_error_init(&err);
        unsigned char *buf = NULL;
        size_t len = 0;
        ck_assert_int_eq(zl_entry_read_all(ar, e, 64u << 20, &buf, &len, &err), ZL_OK);
        int a = -1, b = -1, rc_whole = zl_elf_glibc_need(buf, len, &a, &b, &err);
        free(buf);
        bool cd_ok = ar->cd_ok;
        if (c->libzip)
            ar->cd_ok = false;
        int x = -1, y = -1;
        bool sok = false;
        int rc = zl_elf_glibc_need_stream(ar, e, &x, &y, &sok, &err);
        ck_assert_msg(rc == rc_whole && x == a && y == b, "%s: whole %d %d.%d, streamed %d %d.%d",
                      e->name, rc_whole, a, b, rc, x, y);
        /* read to its end and checked, so ZL606 need not read it again */
        ck_assert_msg(sok, "%s: streamed scan did not check the data", e->name);
        if (!c->libzip) {
            bool ok = false;
            rc = zl_elf_glibc_need_entry(ar, e, rd, &x, &y, &ok, &err);
            ck_assert_int_eq(rc, rc_whole);
            ck_assert(ok);
            ck_assert_int_eq(x, a);
            ck_assert_int_eq(y, b);
        }
        ar->cd_ok = cd_ok;
        n_need += a >= 2;
    }
    ck_assert_uint_gt(n_elf, 0);
    /* zl505-fire-glibc.zip has objects needing GLIBC_2.x; not only 0.0 */
    if (strcmp(c->fixture, "zl505-fire-glibc.zip") == 0)
        ck_assert_uint_gt(n_need, 0);
    zl_reader_free(rd);
    zl_archive_close(ar);
    zl_elf_scan_prefix = saved;
}
END_TEST

Suite *suite_inflate(void)
{
    Suite *s = suite_create("inflate");
    TCase *tc = tcase_create("raw");
    tcase_add_loop_test(tc, test_raw_reads, 0, 2);
    tcase_add_test(tc, test_raw_large_streams);
    tcase_add_test(tc, test_raw_empty);
    tcase_add_loop_test(tc, test_raw_fallback, 0,
                        (int)(sizeof fallback_cases / sizeof *fallback_cases));
    tcase_add_test(tc, test_raw_cd_unknown);
    tcase_add_loop_test(tc, test_raw_damage, 0, (int)(sizeof damage_cases / sizeof *damage_cases));
    tcase_add_loop_test(tc, test_same_as_libzip, 0,
                        (int)(sizeof same_fixtures / sizeof *same_fixtures));
    tcase_add_test(tc, test_sniff_pyc_head);
    suite_add_tcase(s, tc);
    TCase *tp = tcase_create("parallel");
    tcase_add_test(tp, test_parallel_start_wait);
    tcase_add_test(tp, test_adopt_glibc);
    tcase_add_test(tp, test_glibc_fallback_kept);
    tcase_add_test(tp, test_verify_threads_same);
    suite_add_tcase(s, tp);
    TCase *te = tcase_create("elf");
    tcase_add_loop_test(te, test_elf_scan_same, 0, (int)(sizeof elf_cases / sizeof *elf_cases));
    suite_add_tcase(s, te);
    return s;
}
