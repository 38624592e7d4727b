/* check_bloat.c - the ZL4xx family: ZL401/ZL402 (C) and ZL403-ZL405
 * (rules/bloat.rules), each on a fixture that fires it and one that must
 * not, with exact codes, counts, bytes, entries and edits. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "check_suites.h"

/* The header block of the METADATA in fixtures/gen_bloat.py. */
static const char metadata_head[] = "Metadata-Version: 2.1\n"
                                    "Name: requests\n"
                                    "Version: 2.31.0\n"
                                    "Summary: Python HTTP for Humans.\n"
                                    "Home-page: https://requests.readthedocs.io\n"
                                    "Author: Kenneth Reitz\n"
                                    "License: Apache 2.0\n"
                                    "Requires-Python: >=3.7\n"
                                    "Description-Content-Type: text/markdown\n"
                                    "License-File: LICENSE\n"
                                    "Requires-Dist: charset-normalizer (<4,>=2)\n"
                                    "Requires-Dist: idna (<4,>=2.5)\n"
                                    "Requires-Dist: PySocks (!=1.5.7,>=1.5.6) ; extra == 'socks'\n"
                                    "Provides-Extra: socks\n";

static const char pkg_info_head[] =
    "Metadata-Version: 1.1\nName: legacy\nVersion: 0.3\nSummary: an old sdist install\n";

static void run(tcheck *t, const char *fixture, int runtime_minor, int unsafe)
{
    zl_options opt;
    zl_options_init(&opt);
    opt.select = "ZL4";
    opt.runtime_minor = runtime_minor;
    opt.unsafe_fixes = unsafe;
    /* The result keeps a pointer to the options: they must outlive it. */
    static zl_options keep;
    keep = opt;
    tcheck_run(t, fixture, &keep);
}

/* The names of the finding's entries, comma-separated (static buffer). */
static const char *entry_names(const zl_finding *f)
{
    static char buf[4096];
    buf[0] = '\0';
    for (size_t i = 0; f != NULL && i < f->n_entries; i++) {
        if (i > 0)
            strncat(buf, ",", sizeof buf - strlen(buf) - 1);
        strncat(buf, f->entries[i].name, sizeof buf - strlen(buf) - 1);
    }
    return buf;
}

/* The entry names of the finding's edits of one kind and safety. */
static const char *edit_names(const tcheck *t, const zl_finding *f, zl_edit_kind kind, bool safe)
{
    static char buf[4096];
    buf[0] = '\0';
    int first = 1;
    for (size_t i = 0; f != NULL && i < f->n_edits; i++) {
        const zl_edit *ed = &f->edits[i];
        if (ed->kind != kind || ed->safe != safe)
            continue;
        ck_assert_uint_lt(ed->entry, t->ar->n_entries);
        if (!first)
            strncat(buf, ",", sizeof buf - strlen(buf) - 1);
        strncat(buf, t->ar->entries[ed->entry].name, sizeof buf - strlen(buf) - 1);
        first = 0;
    }
    return buf;
}

/* ---- every fixture: codes, counts, bytes, severity ---- */

static const struct fixture_case {
    const char *fixture;
    int runtime_minor;
    const char *codes; /* exact codes with --select ZL4 */
    const char *code;  /* the finding looked at, or NULL */
    size_t n_entries;
    uint64_t bytes;
    zl_severity severity;
    int fix_available; /* without --unsafe-fixes */
    size_t n_edits;
} fixture_cases[] = {
    {"zl401-fire-pycache.zip", 0, "ZL401", "ZL401", 5, 128, ZL_SEV_WARNING, 1, 5},
    {"zl401-fire-pycache.zip", 12, "ZL401", "ZL401", 5, 128, ZL_SEV_WARNING, 1, 5},
    {"zl401-ok-sourceless.zip", 0, "", NULL, 0, 0, 0, 0, 0},
    {"zl401-ok-sourceless.zip", 11, "", NULL, 0, 0, 0, 0, 0},
    /* 8 deletes (595 B) + the METADATA body (166 B); 8 + 1 replace + 4 unsafe deletes */
    {"zl402-fire-dist-info.zip", 0, "ZL402", "ZL402", 9, 761, ZL_SEV_WARNING, 1, 13},
    {"zl402-fire-egg-info.zip", 0, "ZL402", "ZL402", 3, 70, ZL_SEV_WARNING, 1, 6},
    {"zl402-ok-slim.zip", 0, "", NULL, 0, 0, 0, 0, 0},
    {"zl403-fire-junk.zip", 0, "ZL403", "ZL403", 9, 188, ZL_SEV_WARNING, 1, 9},
    {"zl403-ok-none.zip", 0, "", NULL, 0, 0, 0, 0, 0},
    {"zl404-fire-boto3.zip", 0, "ZL404", "ZL404", 5, 65, ZL_SEV_INFO, 0, 0},
    {"zl404-fire-layer.zip", 0, "ZL404", "ZL404", 1, 23, ZL_SEV_INFO, 0, 0},
    {"zl404-ok-none.zip", 0, "", NULL, 0, 0, 0, 0, 0},
    {"zl405-fire-heavy.zip", 0, "ZL405", "ZL405", 8, 150, ZL_SEV_INFO, 0, 8},
    {"zl405-ok-root-tests.zip", 0, "", NULL, 0, 0, 0, 0, 0},
};

START_TEST(test_fixture)
{
    const struct fixture_case *c = &fixture_cases[_i];
    tcheck t;
    run(&t, c->fixture, c->runtime_minor, 0);
    ck_assert_msg(strcmp(tcheck_codes(&t), c->codes) == 0, "%s: codes '%s', want '%s'", c->fixture,
                  tcheck_codes(&t), c->codes);
    if (c->code != NULL) {
        const zl_finding *f = tcheck_finding(&t, c->code);
        ck_assert_ptr_nonnull(f);
        ck_assert_uint_eq(f->n_entries, c->n_entries);
        ck_assert_uint_eq(f->bytes, c->bytes);
        ck_assert_int_eq(f->severity, c->severity);
        ck_assert_int_eq(f->fix_available, c->fix_available);
        ck_assert_uint_eq(f->n_edits, c->n_edits);
        ck_assert_ptr_nonnull(f->message);
    }
    tcheck_free(&t);
}
END_TEST

/* ---- ZL401 ---- */

START_TEST(test_pycache_entries)
{
    tcheck t;
    run(&t, "zl401-fire-pycache.zip", 0, 0);
    const zl_finding *f = tcheck_finding(&t, "ZL401");
    ck_assert_ptr_nonnull(f);
    /* only.pyc has no only.py: the only copy of its module, never listed. */
    ck_assert_str_eq(entry_names(f), "pkg/__pycache__/,pkg/__pycache__/__init__.cpython-311.pyc,"
                                     "pkg/__pycache__/mod.cpython-312.pyc,"
                                     "pkg/__pycache__/mod.cpython-312.opt-1.pyc,legacy.pyc");
    ck_assert_str_eq(edit_names(&t, f, ZL_EDIT_DELETE, true), entry_names(f));
    /* Every pyc records mtime 0x66000000 and size 16: stale against its
     * .py (2024-01-02 03:04:06 UTC = 1704164646), only.pyc has no .py. */
    ck_assert_str_eq(f->message,
                     "5 bytecode entries (128 B) that Python cannot refresh in the read-only "
                     "/var/task; 4 timestamp-validated against a .py whose mtime or size they do not match "
                     "(recompiled on every cold start, never used)");
    ck_assert_str_eq(finding_entry(f, "pkg/__pycache__/__init__.cpython-311.pyc")->detail,
                     "CPython 3.11 bytecode; stale: records mtime 1711276032 and size 16, "
                     "pkg/__init__.py extracts with 1704164646 and 0");
    ck_assert_str_eq(finding_entry(f, "legacy.pyc")->detail,
                     "CPython 3.11 bytecode (by its magic number); stale: records mtime "
                     "1711276032 and size 16, legacy.py extracts with 1704164646 and 6");
    ck_assert_int_eq(f->fix_safe, 1);
    ck_assert_str_eq(f->fix_description, "delete the bytecode files and __pycache__ folders");
    tcheck_free(&t);

    run(&t, "zl401-fire-pycache.zip", 12, 0);
    f = tcheck_finding(&t, "ZL401");
    ck_assert_str_eq(f->message,
                     "5 bytecode entries (128 B) that Python cannot refresh in the read-only "
                     "/var/task; 2 of them for another CPython than python3.12; 4 timestamp-validated against a .py whose mtime or size they do not match "
                     "(recompiled on every cold start, never used)");
    ck_assert_str_eq(finding_entry(f, "pkg/__pycache__/__init__.cpython-311.pyc")->detail,
                     "CPython 3.11 bytecode, the runtime is python3.12; stale: records mtime "
                     "1711276032 and size 16, pkg/__init__.py extracts with 1704164646 and 0");
    ck_assert_str_eq(finding_entry(f, "pkg/__pycache__/mod.cpython-312.opt-1.pyc")->detail,
                     "CPython 3.12 bytecode; stale: records mtime 1711276032 and size 16, "
                     "pkg/mod.py extracts with 1704164646 and 6");
    tcheck_free(&t);

    run(&t, "zl401-fire-pycache.zip", 11, 0);
    f = tcheck_finding(&t, "ZL401");
    ck_assert_str_eq(f->message,
                     "5 bytecode entries (128 B) that Python cannot refresh in the read-only "
                     "/var/task; 2 of them for another CPython than python3.11; 4 timestamp-validated against a .py whose mtime or size they do not match "
                     "(recompiled on every cold start, never used)");
    tcheck_free(&t);
}
END_TEST

/* ---- ZL402 ---- */

START_TEST(test_dist_info_slim)
{
    tcheck t;
    run(&t, "zl402-fire-dist-info.zip", 0, 0);
    const zl_finding *f = tcheck_finding(&t, "ZL402");
    ck_assert_ptr_nonnull(f);
#define DI "requests-2.31.0.dist-info/"
    /* Safe: everything but METADATA (headers), entry_points.txt, top_level.txt. */
    ck_assert_str_eq(edit_names(&t, f, ZL_EDIT_DELETE, true),
                     DI "INSTALLER," DI "LICENSE," DI "RECORD," DI "REQUESTED," DI "WHEEL," DI
                        "direct_url.json," DI "licenses/," DI "licenses/LICENSE");
    ck_assert_str_eq(edit_names(&t, f, ZL_EDIT_REPLACE, true), DI "METADATA");
    /* Unsafe: what the safe fix keeps goes too (the folder whole). */
    ck_assert_str_eq(edit_names(&t, f, ZL_EDIT_DELETE, false),
                     DI "," DI "METADATA," DI "entry_points.txt," DI "top_level.txt");
    ck_assert_str_eq(edit_names(&t, f, ZL_EDIT_REPLACE, false), "");
    ck_assert_str_eq(entry_names(f),
                     DI "INSTALLER," DI "LICENSE," DI "METADATA," DI "RECORD," DI "REQUESTED," DI
                        "WHEEL," DI "direct_url.json," DI "licenses/," DI "licenses/LICENSE");
    ck_assert_str_eq(finding_entry(f, DI "METADATA")->detail,
                     "long description dropped: 412 of 578 bytes kept");
    ck_assert_str_eq(finding_entry(f, DI "RECORD")->detail, "not read at run time");
    /* The replacement is the header block, byte for byte. */
    for (size_t i = 0; i < f->n_edits; i++) {
        if (f->edits[i].kind != ZL_EDIT_REPLACE)
            continue;
        ck_assert_uint_eq(f->edits[i].len, sizeof metadata_head - 1);
        ck_assert_int_eq(memcmp(f->edits[i].data, metadata_head, sizeof metadata_head - 1), 0);
        /* ... and the original starts with exactly those bytes. */
        unsigned char *orig = NULL;
        size_t olen = 0;
        zl_error err;
        ck_assert_int_eq(
            zl_entry_read_all(t.ar, &t.ar->entries[f->edits[i].entry], 1 << 20, &orig, &olen, &err),
            ZL_OK);
        ck_assert_uint_eq(olen, 578);
        ck_assert_int_eq(memcmp(orig, f->edits[i].data, f->edits[i].len), 0);
        ck_assert_int_eq(orig[f->edits[i].len], '\n'); /* the empty line */
        free(orig);
    }
    ck_assert_str_eq(f->message,
                     "1 of 1 *.dist-info/*.egg-info folders hold 9 entries (761 B) that runtime "
                     "code never reads (RECORD, WHEEL, licenses, METADATA long descriptions)");
    ck_assert_int_eq(f->fix_safe, 1);
    ck_assert_int_eq(f->fix_available, 1);
    ck_assert_str_eq(f->fix_description,
                     "slim each folder to the METADATA headers, entry_points.txt and "
                     "top_level.txt (unsafe: delete them whole)");
#undef DI
    tcheck_free(&t);
}
END_TEST

START_TEST(test_egg_info_slim)
{
    tcheck t;
    run(&t, "zl402-fire-egg-info.zip", 0, 1);
    const zl_finding *f = tcheck_finding(&t, "ZL402");
    ck_assert_ptr_nonnull(f);
#define EG "python/legacy-0.3-py3.11.egg-info/"
    ck_assert_str_eq(edit_names(&t, f, ZL_EDIT_DELETE, true),
                     EG "SOURCES.txt," EG "dependency_links.txt");
    ck_assert_str_eq(edit_names(&t, f, ZL_EDIT_REPLACE, true), EG "PKG-INFO");
    /* requires.txt is what importlib.metadata.requires() reads for an egg. */
    ck_assert_str_eq(edit_names(&t, f, ZL_EDIT_DELETE, false),
                     EG "PKG-INFO," EG "requires.txt," EG "top_level.txt");
    for (size_t i = 0; i < f->n_edits; i++) {
        if (f->edits[i].kind != ZL_EDIT_REPLACE)
            continue;
        ck_assert_uint_eq(f->edits[i].len, sizeof pkg_info_head - 1);
        ck_assert_int_eq(memcmp(f->edits[i].data, pkg_info_head, sizeof pkg_info_head - 1), 0);
    }
    ck_assert_int_eq(f->fix_available, 1);
#undef EG
    tcheck_free(&t);
}
END_TEST

START_TEST(test_dist_info_slim_is_quiet)
{
    /* Header-only METADATA + entry_points.txt + top_level.txt: nothing to do,
     * even with --unsafe-fixes (the unsafe fix only comes with a finding). */
    tcheck t;
    run(&t, "zl402-ok-slim.zip", 0, 1);
    ck_assert_ptr_null(tcheck_finding(&t, "ZL402"));
    tcheck_free(&t);
}
END_TEST

/* ---- ZL403-ZL405 (data rules) ---- */

START_TEST(test_os_junk_entries)
{
    tcheck t;
    run(&t, "zl403-fire-junk.zip", 0, 0);
    const zl_finding *f = tcheck_finding(&t, "ZL403");
    ck_assert_ptr_nonnull(f);
    const char *want = "__MACOSX/._lambda_function.py,.DS_Store,pkg/._mod.py,pkg/Thumbs.db,"
                       "desktop.ini,.git/,.git/HEAD,pkg/.mod.py.swp,pkg/mod.py~";
    ck_assert_str_eq(entry_names(f), want);
    ck_assert_str_eq(edit_names(&t, f, ZL_EDIT_DELETE, true), want);
    ck_assert_str_eq(f->message, "9 OS metadata entries (188 B) that Lambda never reads");
    ck_assert_int_eq(f->fix_safe, 1);
    tcheck_free(&t);
}
END_TEST

START_TEST(test_runtime_provided_entries)
{
    tcheck t;
    run(&t, "zl404-fire-boto3.zip", 0, 1);
    const zl_finding *f = tcheck_finding(&t, "ZL404");
    ck_assert_ptr_nonnull(f);
    ck_assert_str_eq(entry_names(f), "boto3/,boto3/__init__.py,botocore/__init__.py,"
                                     "botocore/data/s3/2006-03-01/service-2.json,"
                                     "s3transfer/__init__.py");
    ck_assert_str_eq(f->message, "boto3/botocore/s3transfer bundled: 5 entries (65 B) the Lambda "
                                 "Python runtime already provides");
    ck_assert_uint_eq(f->n_edits, 0);
    ck_assert_int_eq(f->fix_available, 0);
    tcheck_free(&t);
}
END_TEST

START_TEST(test_heavy_data_entries)
{
    tcheck t;
    run(&t, "zl405-fire-heavy.zip", 0, 0);
    const zl_finding *f = tcheck_finding(&t, "ZL405");
    ck_assert_ptr_nonnull(f);
    const char *want = "googleapiclient/discovery_cache/documents/drive.v3.json,numpy/tests/,"
                       "numpy/tests/test_basic.py,numpy/core/include/numpy/ndarraytypes.h,"
                       "pkg/_speedups.c,pkg/_speedups.pyx,pkg/__init__.pyi,"
                       "python/lib/python3.12/site-packages/scipy/testing/t.py";
    ck_assert_str_eq(entry_names(f), want);
    /* Unsafe only: not applied by a plain fix. */
    ck_assert_str_eq(edit_names(&t, f, ZL_EDIT_DELETE, true), "");
    ck_assert_str_eq(edit_names(&t, f, ZL_EDIT_DELETE, false), want);
    ck_assert_int_eq(f->fix_available, 0);
    ck_assert_int_eq(f->fix_safe, 0);
    ck_assert_str_eq(f->message, "8 entries (150 B) of test suites, type stubs, C sources or API "
                                 "documents rarely needed at run time");
    tcheck_free(&t);

    run(&t, "zl405-fire-heavy.zip", 0, 1);
    f = tcheck_finding(&t, "ZL405");
    ck_assert_int_eq(f->fix_available, 1);
    tcheck_free(&t);
}
END_TEST

Suite *suite_bloat(void)
{
    Suite *s = suite_create("bloat");
    TCase *tc = tcase_create("fixtures");
    tcase_add_loop_test(tc, test_fixture, 0, (int)(sizeof fixture_cases / sizeof fixture_cases[0]));
    suite_add_tcase(s, tc);

    tc = tcase_create("zl401");
    tcase_add_test(tc, test_pycache_entries);
    suite_add_tcase(s, tc);

    tc = tcase_create("zl402");
    tcase_add_test(tc, test_dist_info_slim);
    tcase_add_test(tc, test_egg_info_slim);
    tcase_add_test(tc, test_dist_info_slim_is_quiet);
    suite_add_tcase(s, tc);

    tc = tcase_create("data");
    tcase_add_test(tc, test_os_junk_entries);
    tcase_add_test(tc, test_runtime_provided_entries);
    tcase_add_test(tc, test_heavy_data_entries);
    suite_add_tcase(s, tc);
    return s;
}
