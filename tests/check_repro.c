/* check_repro.c - ZL701 and the canonical writer (write_canon.c), and
 * ZL401's bytecode counts (stale timestamp-validated .pyc, foreign
 * CPython by tag and by magic number). */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check_suites.h"

static zl_options repro_opts(int reproducible, int fixing)
{
    zl_options o;
    zl_options_init(&o);
    o.reproducible = reproducible;
    o.fixing = fixing;
    return o;
}

/* check + plan + apply in place, as `fix [--reproducible]` does. */
static void fix_in_place(const char *path, const zl_options *o, int *was_empty)
{
    tcheck t;
    zl_plan *plan = NULL;
    zl_error err;
    zl_error_init(&err);
    tcheck_run_path(&t, path, o);
    ck_assert_msg(zl_plan_new(&plan, t.ar, t.res, o, &err) == ZL_OK, "%s", err.message);
    if (was_empty != NULL)
        *was_empty = zl_plan_is_empty(plan);
    ck_assert_msg(zl_plan_apply(plan, NULL, &err) == ZL_OK, "%s", err.message);
    zl_plan_free(plan);
    tcheck_free(&t);
}

static uint16_t rd16(const unsigned char *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t rd32(const unsigned char *p)
{
    return (uint32_t)rd16(p) | (uint32_t)rd16(p + 2) << 16;
}

/* ---- the canonical time ---- */

typedef struct sde_case {
    const char *value; /* NULL: unset */
    int rc;
    int64_t unix_time;
    uint16_t dos_time, dos_date;
} sde_case;

static const sde_case sde_cases[] = {
    {NULL, ZL_OK, 315532800, 0, 0x21}, /* 1980-01-01 00:00:00 */
    {"", ZL_OK, 315532800, 0, 0x21},
    {"0", ZL_OK, 315532800, 0, 0x21}, /* clamped up */
    {"-5", ZL_OK, 315532800, 0, 0x21},
    {"1700000001", ZL_OK, 1700000000, 0xb1aa, 0x576e}, /* 2023-11-14 22:13:20, odd second dropped */
    {"99999999999", ZL_OK, 4354819198, 0xbf7d, 0xff9f}, /* clamped to 2107-12-31 23:59:58 */
    {"12abc", ZL_E_INVAL, 0, 0, 0},
};

START_TEST(test_canon_time)
{
    const sde_case *c = &sde_cases[_i];
    zl_canon_time t;
    zl_error err;
    zl_error_init(&err);
    if (c->value == NULL)
        unsetenv("SOURCE_DATE_EPOCH");
    else
        setenv("SOURCE_DATE_EPOCH", c->value, 1);
    int rc = zl_canon_time_get(&t, &err);
    unsetenv("SOURCE_DATE_EPOCH");
    ck_assert_int_eq(rc, c->rc);
    if (rc != ZL_OK) {
        ck_assert_str_eq(err.message, "SOURCE_DATE_EPOCH '12abc' is not a number of seconds");
        return;
    }
    ck_assert_int_eq(t.unix_time, c->unix_time);
    ck_assert_uint_eq(t.dos_time, c->dos_time);
    ck_assert_uint_eq(t.dos_date, c->dos_date);
}
END_TEST

/* ---- ZL701 fires / does not fire ---- */

START_TEST(test_zl701_selection)
{
    tcheck t;
    zl_options o = repro_opts(0, 0);
    /* Off by default, even on a nondeterministic archive. */
    tcheck_run(&t, "zl701-fire-zipfile.zip", &o);
    ck_assert_str_eq(tcheck_codes(&t), "ZL201");
    tcheck_free(&t);
    /* Selected without --reproducible: reported, but fix has nothing to do. */
    o.select = "ZL701";
    tcheck_run(&t, "zl701-fire-zipfile.zip", &o);
    ck_assert_str_eq(tcheck_codes(&t), "ZL701");
    const zl_finding *f = tcheck_finding(&t, "ZL701");
    ck_assert_int_eq(f->fix_available, 0);
    ck_assert_uint_eq(f->n_edits, 0);
    tcheck_free(&t);
}
END_TEST

START_TEST(test_zl701_canonical_quiet)
{
    tcheck t;
    zl_options o = repro_opts(1, 0);
    tcheck_run(&t, "zl701-ok-canonical.zip", &o);
    ck_assert_str_eq(tcheck_codes(&t), "");
    tcheck_free(&t);
}
END_TEST

START_TEST(test_zl701_fires_on_zipfile)
{
    tcheck t;
    zl_options o = repro_opts(1, 0);
    tcheck_run(&t, "zl701-fire-zipfile.zip", &o);
    ck_assert_str_eq(tcheck_codes(&t), "ZL201,ZL701");
    const zl_finding *f = tcheck_finding(&t, "ZL701");
    ck_assert_int_eq(f->severity, ZL_SEV_INFO);
    ck_assert_str_eq(f->message, "the archive differs from the canonical form: 4 entries out of "
                                 "name order, 2 implied folders missing, 7 times not 1980-01-01 "
                                 "00:00:00 UTC, 1 modes not canonical");
    ck_assert_uint_eq(f->n_entries, 7);
    ck_assert_str_eq(finding_entry(f, "pkg/core.py")->detail,
                     "time 2024-01-02 03:04:06, mode 100664 -> 100644");
    ck_assert_str_eq(finding_entry(f, "link.py")->detail, "time 2024-01-02 03:04:06");
    ck_assert_int_eq(f->fix_available, 1);
    ck_assert_int_eq(f->fix_safe, 1);
    ck_assert_uint_eq(f->n_edits, 7); /* one CANONICAL per entry */
    for (size_t i = 0; i < f->n_edits; i++)
        ck_assert_int_eq(f->edits[i].kind, ZL_EDIT_CANONICAL);
    ck_assert_str_eq(f->fix_description, "write the canonical form (sorted, times 1980-01-01 "
                                         "00:00:00 UTC, modes 0644/0755, pinned deflate)");
    tcheck_free(&t);
}
END_TEST

/* Every header byte canonical, one entry deflated at level 1: only the
 * recompression tells, and it names the entry. */
START_TEST(test_zl701_fires_on_deflate_level)
{
    tcheck t;
    zl_options o = repro_opts(1, 0);
    tcheck_run(&t, "zl701-fire-deflate.zip", &o);
    ck_assert_str_eq(tcheck_codes(&t), "ZL701");
    const zl_finding *f = tcheck_finding(&t, "ZL701");
    ck_assert_str_eq(f->message, "the archive differs from the canonical form: data not deflated "
                                 "with ziplint's pinned settings or header bytes that differ");
    ck_assert_uint_eq(f->n_entries, 1);
    ck_assert_str_eq(f->entries[0].name, "pkg/core.py");
    ck_assert_str_eq(f->entries[0].detail,
                     "compressed data or header bytes differ from the canonical writer's");
    tcheck_free(&t);
}
END_TEST

static void assert_canonical_layout(const unsigned char *b, size_t len, size_t want_entries,
                                    uint16_t dtime, uint16_t ddate);

/* Every entry canonical, the archive not: only the order, the implied
 * folders or the comment differ. ZL701 fires (it once dereferenced a
 * finding it had not made), and fix writes the one canonical form. */
static const struct {
    const char *fixture, *why;
} archive_only[] = {
    {"zl701-fire-order.zip", "2 entries out of name order"},
    {"zl701-fire-folders.zip", "1 implied folders missing"},
    {"zl701-fire-comment.zip", "an archive comment"},
};

START_TEST(test_zl701_archive_only)
{
    tcheck t;
    /* selected without --reproducible: no edits, the fix is another command */
    zl_options o = repro_opts(0, 0);
    o.select = "ZL701";
    tcheck_run(&t, archive_only[_i].fixture, &o);
    ck_assert_str_eq(tcheck_codes(&t), "ZL701");
    const zl_finding *f = tcheck_finding(&t, "ZL701");
    ck_assert_uint_eq(f->n_edits, 0);
    char want[256];
    snprintf(want, sizeof want, "the archive differs from the canonical form: %s",
             archive_only[_i].why);
    ck_assert_str_eq(f->message, want);
    ck_assert_uint_eq(f->n_entries, 0);
    ck_assert_str_eq(f->fix_description, "`ziplint fix --reproducible` writes the canonical form");
    tcheck_free(&t);

    char *path = copy_fixture(archive_only[_i].fixture);
    zl_options fo = repro_opts(1, 1);
    int empty = -1;
    fix_in_place(path, &fo, &empty);
    ck_assert_int_eq(empty, 0);
    size_t len = 0;
    unsigned char *got = read_file(path, &len);
    ck_assert_ptr_nonnull(got);
    assert_canonical_layout(got, len, 3, 0, 0x21);
    /* the same bytes whichever way the archive departed */
    char *first = copy_fixture(archive_only[0].fixture);
    fix_in_place(first, &fo, &empty);
    size_t flen = 0;
    unsigned char *fb = read_file(first, &flen);
    ck_assert_uint_eq(flen, len);
    ck_assert_int_eq(memcmp(fb, got, len), 0);
    free(fb);
    free(got);
    rm_tree(first);
    free(first);
    rm_tree(path);
    free(path);
}
END_TEST

/* ---- the writer ---- */

/* Parses the canonical archive back by hand: local headers in order, the
 * central directory, the end record. */
static void assert_canonical_layout(const unsigned char *b, size_t len, size_t want_entries,
                                    uint16_t dtime, uint16_t ddate)
{
    ck_assert_uint_ge(len, 22);
    const unsigned char *eocd = b + len - 22;
    ck_assert_uint_eq(rd32(eocd), 0x06054b50);
    ck_assert_uint_eq(rd16(eocd + 10), want_entries);
    ck_assert_uint_eq(rd16(eocd + 20), 0); /* no archive comment */
    uint32_t cd_size = rd32(eocd + 12), cd_off = rd32(eocd + 16);
    ck_assert_uint_eq((size_t)cd_off + cd_size, len - 22);
    const unsigned char *p = b + cd_off;
    char prev[256] = "";
    for (size_t i = 0; i < want_entries; i++) {
        ck_assert_uint_eq(rd32(p), 0x02014b50);
        ck_assert_uint_eq(rd16(p + 4), 0x031e); /* made by Unix, 3.0 */
        ck_assert_uint_eq(rd16(p + 6), 20);
        uint16_t nlen = rd16(p + 28);
        char name[256];
        ck_assert_uint_lt(nlen, sizeof name);
        memcpy(name, p + 46, nlen);
        name[nlen] = '\0';
        bool ascii = true;
        for (size_t k = 0; k < nlen; k++)
            ascii = ascii && (unsigned char)name[k] < 0x80;
        ck_assert_uint_eq(rd16(p + 8), ascii ? 0 : 0x0800);
        ck_assert_uint_eq(rd16(p + 12), dtime);
        ck_assert_uint_eq(rd16(p + 14), ddate);
        ck_assert_uint_eq(rd16(p + 30), 0); /* extra */
        ck_assert_uint_eq(rd16(p + 32), 0); /* comment */
        ck_assert_uint_eq(rd16(p + 36), 0); /* internal attributes */
        uint32_t mode = rd32(p + 38) >> 16;
        uint16_t method = rd16(p + 10);
        if (nlen > 0 && name[nlen - 1] == '/') {
            ck_assert_uint_eq(rd32(p + 38), ((S_IFDIR | 0755u) << 16) | 0x10);
            ck_assert_uint_eq(method, 0);
        } else {
            ck_assert_msg(mode == (S_IFREG | 0644) || mode == (S_IFREG | 0755) ||
                              mode == (S_IFLNK | 0777),
                          "%s: mode %o", name, mode);
            ck_assert_msg(method == 0 || method == 8, "%s: method %u", name, method);
        }
        ck_assert_msg(strcmp(prev, name) < 0, "'%s' after '%s'", name, prev);
        /* Its local header says the same, and no data descriptor follows. */
        const unsigned char *l = b + rd32(p + 42);
        ck_assert_uint_eq(rd32(l), 0x04034b50);
        ck_assert_uint_eq(rd16(l + 6), rd16(p + 8));
        ck_assert_uint_eq(rd16(l + 8), method);
        ck_assert_uint_eq(rd32(l + 14), rd32(p + 16));
        ck_assert_uint_eq(rd32(l + 18), rd32(p + 20));
        ck_assert_uint_eq(rd16(l + 28), 0);
        ck_assert_int_eq(memcmp(l + 30, name, nlen), 0);
        snprintf(prev, sizeof prev, "%s", name);
        p += 46 + nlen;
    }
    ck_assert_ptr_eq(p, b + cd_off + cd_size);
}

/* Python's zipfile's archive, fixed, is byte for byte what gen_repro.py's
 * independent canonical writer made; fixing again changes nothing. */
START_TEST(test_fix_writes_canonical_bytes)
{
    char *path = copy_fixture("zl701-fire-zipfile.zip");
    zl_options o = repro_opts(1, 1);
    int empty = -1;
    fix_in_place(path, &o, &empty);
    ck_assert_int_eq(empty, 0);
    size_t got_len = 0, want_len = 0;
    unsigned char *got = read_file(path, &got_len);
    unsigned char *want = read_file(fixture_path("zl701-ok-canonical.zip"), &want_len);
    ck_assert_ptr_nonnull(got);
    ck_assert_ptr_nonnull(want);
    ck_assert_uint_eq(got_len, want_len);
    ck_assert_int_eq(memcmp(got, want, got_len), 0);
    assert_canonical_layout(got, got_len, 9, 0, 0x21);

    /* Fixing the result again: the plan is empty, nothing is rewritten. */
    struct stat before, after;
    ck_assert_int_eq(stat(path, &before), 0);
    fix_in_place(path, &o, &empty);
    ck_assert_int_eq(empty, 1);
    ck_assert_int_eq(stat(path, &after), 0);
    ck_assert_uint_eq(before.st_ino, after.st_ino);
    ck_assert_int_eq(before.st_mtim.tv_sec, after.st_mtim.tv_sec);
    ck_assert_int_eq(before.st_mtim.tv_nsec, after.st_mtim.tv_nsec);
    free(got);
    free(want);
    rm_tree(path);
    free(path);
}
END_TEST

START_TEST(test_fix_source_date_epoch)
{
    char *path = copy_fixture("zl701-ok-canonical.zip");
    zl_options o = repro_opts(1, 1);
    setenv("SOURCE_DATE_EPOCH", "1700000001", 1);
    int empty = -1;
    fix_in_place(path, &o, &empty); /* another time: no longer canonical */
    ck_assert_int_eq(empty, 0);
    size_t len = 0;
    unsigned char *b = read_file(path, &len);
    assert_canonical_layout(b, len, 9, 0xb1aa, 0x576e);
    free(b);
    /* Under the same SOURCE_DATE_EPOCH the result is canonical. */
    tcheck t;
    zl_options c = repro_opts(1, 0);
    tcheck_run_path(&t, path, &c);
    ck_assert_str_eq(tcheck_codes(&t), "");
    tcheck_free(&t);
    unsetenv("SOURCE_DATE_EPOCH");
    tcheck_run_path(&t, path, &c);
    ck_assert_str_eq(tcheck_codes(&t), "ZL701");
    ck_assert_str_eq(tcheck_finding(&t, "ZL701")->message,
                     "the archive differs from the canonical form: 9 times not 1980-01-01 "
                     "00:00:00 UTC");
    tcheck_free(&t);
    rm_tree(path);
    free(path);
}
END_TEST

/* ---- bytecode ---- */

START_TEST(test_zl401_bytecode_counts)
{
    tcheck t;
    zl_options o = repro_opts(0, 0);
    o.runtime_minor = 11;
    tcheck_run(&t, "zl401-fire-stale.zip", &o);
    const zl_finding *f = tcheck_finding(&t, "ZL401");
    ck_assert_ptr_nonnull(f);
    ck_assert_str_eq(f->message,
                     "6 bytecode entries (192 B) that Python cannot refresh in the read-only "
                     "/var/task; 1 of them for another CPython than python3.11; 3 "
                     "timestamp-validated against a .py whose mtime or size they do not match "
                     "(recompiled on every cold start, never used)");
    ck_assert_str_eq(finding_entry(f, "pkg/__pycache__/mod.cpython-311.pyc")->detail,
                     "CPython 3.11 bytecode");
    /* ut.py's UT extra field says 1704164647, which its pyc records. */
    ck_assert_str_eq(finding_entry(f, "pkg/__pycache__/ut.cpython-311.pyc")->detail,
                     "CPython 3.11 bytecode");
    ck_assert_str_eq(finding_entry(f, "pkg/__pycache__/hashed.cpython-311.pyc")->detail,
                     "CPython 3.11 bytecode");
    ck_assert_str_eq(finding_entry(f, "pkg/__pycache__/other.cpython-311.pyc")->detail,
                     "CPython 3.11 bytecode; stale: records mtime 1704161046 and size 6, "
                     "pkg/other.py extracts with 1704164646 and 6");
    ck_assert_str_eq(finding_entry(f, "pkg/__pycache__/third.cpython-311.pyc")->detail,
                     "CPython 3.11 bytecode; stale: records mtime 1704164646 and size 99, "
                     "pkg/third.py extracts with 1704164646 and 6");
    ck_assert_str_eq(finding_entry(f, "legacy.pyc")->detail,
                     "CPython 3.12 bytecode (by its magic number), the runtime is python3.11; "
                     "stale: records mtime 1704164644 and size 6, legacy.py extracts with "
                     "1704164646 and 6");
    tcheck_free(&t);
}
END_TEST

/* --reproducible drops the timestamp-validated .pyc the canonical time
 * makes stale (all five: none records 1980), keeps the hash-based one. */
START_TEST(test_zl701_stale_pyc)
{
    tcheck t;
    zl_options o = repro_opts(1, 0);
    o.ignore = "ZL401";
    tcheck_run(&t, "zl401-fire-stale.zip", &o);
    const zl_finding *f = tcheck_finding(&t, "ZL701");
    ck_assert_ptr_nonnull(f);
    size_t deletes = 0;
    for (size_t i = 0; i < f->n_edits; i++)
        if (f->edits[i].kind == ZL_EDIT_DELETE) {
            const char *n = t.ar->entries[f->edits[i].entry].name;
            ck_assert_msg(strstr(n, "hashed") == NULL, "%s deleted", n);
            deletes++;
        }
    ck_assert_uint_eq(deletes, 5);
    ck_assert_str_eq(finding_entry(f, "legacy.pyc")->detail,
                     "timestamp-validated .pyc, stale once its .py gets the canonical time: "
                     "removed");
    ck_assert_ptr_nonnull(strstr(f->fix_description, "and remove 5 timestamp-validated .pyc"));
    tcheck_free(&t);

    char *path = copy_fixture("zl401-fire-stale.zip");
    o.fixing = 1;
    fix_in_place(path, &o, NULL);
    tcheck_run_path(&t, path, &o);
    ck_assert_str_eq(tcheck_codes(&t), "");
    ck_assert_uint_eq(zl_archive_entry_count(t.ar), 11);
    ck_assert_int_ge(zl_archive_find(t.ar, "pkg/__pycache__/hashed.cpython-311.pyc", 38), 0);
    ck_assert_int_lt(zl_archive_find(t.ar, "legacy.pyc", 10), 0);
    ck_assert_int_lt(zl_archive_find(t.ar, "pkg/__pycache__/mod.cpython-311.pyc", 35), 0);
    tcheck_free(&t);
    rm_tree(path);
    free(path);
}
END_TEST

Suite *suite_repro(void)
{
    Suite *s = suite_create("repro");
    TCase *tc = tcase_create("zl701");
    tcase_add_loop_test(tc, test_canon_time, 0, (int)(sizeof sde_cases / sizeof sde_cases[0]));
    tcase_add_test(tc, test_zl701_selection);
    tcase_add_test(tc, test_zl701_canonical_quiet);
    tcase_add_test(tc, test_zl701_fires_on_zipfile);
    tcase_add_test(tc, test_zl701_fires_on_deflate_level);
    tcase_add_loop_test(tc, test_zl701_archive_only, 0,
                        (int)(sizeof archive_only / sizeof archive_only[0]));
    tcase_add_test(tc, test_fix_writes_canonical_bytes);
    tcase_add_test(tc, test_fix_source_date_epoch);
    tcase_add_test(tc, test_zl401_bytecode_counts);
    tcase_add_test(tc, test_zl701_stale_pyc);
    suite_add_tcase(s, tc);
    return s;
}
