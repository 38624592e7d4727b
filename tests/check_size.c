/* check_size.c - the ZL3xx size rules. The fixtures are small: ZL301 is
 * pushed over its limit with layers_size, and the zips ZL302/ZL303 need
 * are written at test time into /tmp (stored random bytes, sized to the
 * byte around each limit) and removed afterwards. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zip.h>

#include "check_suites.h"

static void size_opts(zl_options *o)
{
    zl_options_init(o);
    o->select = "ZL3";
}

/* Unzipped bytes of a fixture. */
static uint64_t fixture_unzipped(const char *name)
{
    zl_archive *ar = NULL;
    zl_error err;
    ck_assert_int_eq(zl_archive_open(&ar, fixture_path(name), &err), ZL_OK);
    uint64_t n = zl_archive_unzipped_size(ar);
    zl_archive_close(ar);
    return n;
}

/* Writes DIR/big.zip (DIR a new /tmp/zltest-* folder) holding one entry
 * "blob.bin" of len bytes: random and stored, or zeros and deflated.
 * Returns the path (malloc'd); rm_tree() removes it. */
static char *write_zip(uint64_t len, int deflate)
{
    char tmpl[] = "/tmp/zltest-XXXXXX";
    const char *dir = mkdtemp(tmpl);
    ck_assert_ptr_nonnull(dir);
    char *path = zl_asprintf("%s/big.zip", dir);
    int zerr = 0;
    zip_t *za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
    ck_assert_ptr_nonnull(za);
    unsigned char *buf = len ? malloc(len) : NULL;
    ck_assert(len == 0 || buf != NULL);
    if (deflate) {
        memset(buf, 0, len);
    } else {
        uint64_t x = 0x9E3779B97F4A7C15ULL; /* xorshift64: fast, incompressible enough */
        for (uint64_t i = 0; i < len; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            buf[i] = (unsigned char)x;
        }
    }
    zip_source_t *src = zip_source_buffer(za, buf, len, 1);
    ck_assert_ptr_nonnull(src);
    zip_int64_t idx = zip_file_add(za, "big/blob.bin", src, ZIP_FL_ENC_UTF_8);
    ck_assert_int_ge(idx, 0);
    ck_assert_int_eq(zip_set_file_compression(za, (zip_uint64_t)idx,
                                              deflate ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 0),
                     0);
    ck_assert_msg(zip_close(za) == 0, "zip_close: %s", zip_strerror(za));
    return path;
}

static uint64_t file_size(const char *path)
{
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    return (uint64_t)st.st_size;
}

/* A stored zip whose file is exactly target bytes: what the entry adds
 * around its data is measured once with a small one. */
static char *write_zip_of_size(uint64_t target)
{
    char *small = write_zip(100, 0);
    uint64_t overhead = file_size(small) - 100;
    rm_tree(small);
    free(small);
    char *path = write_zip(target - overhead, 0);
    ck_assert_uint_eq(file_size(path), target);
    return path;
}

/* ---- ZL301 ---- */

typedef struct unzipped_case {
    const char *fixture;
    int64_t over;           /* layers_size = limit - unzipped + over */
    const char *codes;
} unzipped_case;

static const unzipped_case unzipped_cases[] = {
    {"zl301-packages.zip", -1, ""},
    {"zl301-packages.zip", 0, ""},
    {"zl301-packages.zip", 1, "ZL301"},
    {"zl301-packages.zip", 1000000, "ZL301"},
    {"zl301-packages-wrapped.zip", 0, ""},
    {"zl301-packages-wrapped.zip", 1, "ZL301"},
};

START_TEST(test_zl301_limit)
{
    const unzipped_case *c = &unzipped_cases[_i];
    zl_options o;
    tcheck t;
    size_opts(&o);
    uint64_t u = fixture_unzipped(c->fixture);
    ck_assert_uint_lt(u, ZL_LAMBDA_UNZIPPED_MAX);
    o.layers_size = (uint64_t)((int64_t)(ZL_LAMBDA_UNZIPPED_MAX - u) + c->over);
    tcheck_run(&t, c->fixture, &o);
    ck_assert_msg(strcmp(tcheck_codes(&t), c->codes) == 0, "%s over %lld: '%s', want '%s'",
                  c->fixture, (long long)c->over, tcheck_codes(&t), c->codes);
    const zl_finding *f = tcheck_finding(&t, "ZL301");
    if (f != NULL) {
        char want[128];
        ck_assert_int_eq(f->severity, ZL_SEV_ERROR);
        ck_assert_uint_eq(f->n_entries, 0);
        ck_assert_int_eq(f->fix_available, 0);
        snprintf(want, sizeof want, "(%llu bytes)",
                 (unsigned long long)(ZL_LAMBDA_UNZIPPED_MAX + (uint64_t)c->over));
        ck_assert_msg(strstr(f->message, want) != NULL, "'%s' lacks '%s'", f->message, want);
        ck_assert_ptr_nonnull(strstr(f->message, "with its layers"));
        ck_assert_ptr_nonnull(strstr(f->message, "No fix of ziplint's recovers space"));
    }
    tcheck_free(&t);
}
END_TEST

/* The five largest top-level packages, largest first, sizes added up over
 * their files, named after the wrapper folder when there is one. */
START_TEST(test_zl301_largest)
{
    static const char *const fixtures[] = {"zl301-packages.zip", "zl301-packages-wrapped.zip"};
    for (size_t k = 0; k < 2; k++) {
        zl_options o;
        tcheck t;
        char a[32], b[32], c[32], d[32], e[32], want[512];
        size_opts(&o);
        o.layers_size = ZL_LAMBDA_UNZIPPED_MAX;
        tcheck_run(&t, fixtures[k], &o);
        const zl_finding *f = tcheck_finding(&t, "ZL301");
        ck_assert_ptr_nonnull(f);
        snprintf(want, sizeof want,
                 "The largest top-level packages: numpy (%s), pandas (%s), botocore (%s), "
                 "requests (%s), six.py (%s).",
                 zl_format_bytes(60000, a, sizeof a), zl_format_bytes(50000, b, sizeof b),
                 zl_format_bytes(40000, c, sizeof c), zl_format_bytes(30000, d, sizeof d),
                 zl_format_bytes(20000, e, sizeof e));
        ck_assert_msg(strstr(f->message, want) != NULL, "'%s' lacks '%s'", f->message, want);
        ck_assert_ptr_null(strstr(f->message, "tiny"));
        ck_assert_ptr_null(strstr(f->message, "build"));
        tcheck_free(&t);
    }
}
END_TEST

/* The code alone at and over the limit (no layers): 250 MiB of zeros,
 * deflated to a few hundred KiB. The one entry big/blob.bin sits in a
 * wrapper folder, so the package is named blob.bin. */
START_TEST(test_zl301_code_alone)
{
    char *path = write_zip(ZL_LAMBDA_UNZIPPED_MAX, 1);
    zl_options o;
    tcheck t;
    size_opts(&o);
    tcheck_run_path(&t, path, &o);
    ck_assert_uint_eq(zl_archive_unzipped_size(t.ar), ZL_LAMBDA_UNZIPPED_MAX);
    ck_assert_str_eq(tcheck_codes(&t), "");
    tcheck_free(&t);
    rm_tree(path);
    free(path);
}
END_TEST

START_TEST(test_zl301_code_alone_fires)
{
    char *path = write_zip(ZL_LAMBDA_UNZIPPED_MAX + 1, 1);
    zl_options o;
    tcheck t;
    size_opts(&o);
    tcheck_run_path(&t, path, &o);
    const zl_finding *f = tcheck_finding(&t, "ZL301");
    ck_assert_ptr_nonnull(f);
    char b[32], want[256];
    zl_format_bytes(ZL_LAMBDA_UNZIPPED_MAX + 1, b, sizeof b);
    snprintf(want, sizeof want, "Unzipped, the package is %s (262144001 bytes), over", b);
    ck_assert_msg(strstr(f->message, want) != NULL, "'%s' lacks '%s'", f->message, want);
    snprintf(want, sizeof want, "The largest top-level packages: blob.bin (%s).", b);
    ck_assert_msg(strstr(f->message, want) != NULL, "'%s' lacks '%s'", f->message, want);
    ck_assert_int_eq(f->severity, ZL_SEV_ERROR);
    ck_assert_ptr_null(strstr(f->message, "layers"));
    tcheck_free(&t);
    rm_tree(path);
    free(path);
}
END_TEST

/* Which fixes would recover how much: read from the other findings (two
 * user rules here, one with a safe delete, one with an unsafe one). */
static const char recover_rules[] =
    "[X001]\nname = drop-numpy\nseverity = warning\nsummary = numpy files\n"
    "path = ^numpy/\ntype = file\nfix = delete\nsafe = yes\nmessage = {count} numpy files\n"
    "[X002]\nname = drop-pandas\nseverity = info\nsummary = pandas files\n"
    "path = ^pandas/\ntype = file\nfix = delete\nsafe = no\nmessage = {count} pandas files\n"
    "[X003]\nname = renames-nothing\nseverity = info\nsummary = six\n"
    "path = ^six\\.py$\nfix = none\nmessage = six\n";

/* The same numpy files deleted by two safe rules, and by an unsafe one
 * that deletes pandas too: each entry's bytes count once. */
static const char overlapping_rules[] =
    "[X001]\nname = drop-numpy\nseverity = warning\nsummary = numpy files\n"
    "path = ^numpy/\ntype = file\nfix = delete\nsafe = yes\nmessage = {count} numpy files\n"
    "[X004]\nname = numpy-again\nseverity = warning\nsummary = numpy files\n"
    "path = ^numpy/\ntype = file\nfix = delete\nsafe = yes\nmessage = {count} numpy files\n"
    "[X002]\nname = drop-both\nseverity = info\nsummary = numpy and pandas files\n"
    "path = ^(numpy|pandas)/\ntype = file\nfix = delete\nsafe = no\nmessage = {count} files\n";

static void run_rules_text(const char *text, uint64_t over, const char *want);

static void run_with_rules(uint64_t over, const char *want_tail)
{
    char a[32], b[32], want[512];
    zl_format_bytes(60000, a, sizeof a);
    zl_format_bytes(50000, b, sizeof b);
    snprintf(want, sizeof want,
             " `ziplint fix` would recover up to %s (X001 drop-numpy %s)%s With "
             "--unsafe-fixes, up to %s more (X002 drop-pandas %s).",
             a, a, want_tail, b, b);
    run_rules_text(recover_rules, over, want);
}

static void run_rules_text(const char *text, uint64_t over, const char *want)
{
    char dir_t[] = "/tmp/zltest-XXXXXX";
    const char *dir = mkdtemp(dir_t);
    ck_assert_ptr_nonnull(dir);
    char *rules = zl_asprintf("%s/test.rules", dir);
    FILE *fp = fopen(rules, "w");
    ck_assert_ptr_nonnull(fp);
    fputs(text, fp);
    ck_assert_int_eq(fclose(fp), 0);

    zl_ruleset *rs = NULL;
    zl_archive *ar = NULL;
    zl_result *res = NULL;
    zl_error err;
    zl_options o;
    size_opts(&o);
    o.select = "ZL3,X";
    uint64_t u = fixture_unzipped("zl301-packages.zip");
    o.layers_size = ZL_LAMBDA_UNZIPPED_MAX - u + over;
    ck_assert_int_eq(zl_ruleset_new(&rs, &err), ZL_OK);
    ck_assert_msg(zl_ruleset_load_file(rs, rules, &err) == ZL_OK, "%s", err.message);
    ck_assert_int_eq(zl_archive_open(&ar, fixture_path("zl301-packages.zip"), &err), ZL_OK);
    ck_assert_int_eq(zl_check_run(ar, rs, &o, &res, &err), ZL_OK);
    const zl_finding *f = NULL;
    for (size_t i = 0; i < zl_result_count(res); i++)
        if (strcmp(zl_result_finding(res, i)->rule->code, "ZL301") == 0)
            f = zl_result_finding(res, i);
    ck_assert_ptr_nonnull(f);
    ck_assert_msg(strstr(f->message, want) != NULL, "'%s' lacks '%s'", f->message, want);
    ck_assert_ptr_null(strstr(f->message, "X003"));
    zl_result_free(res);
    zl_archive_close(ar);
    zl_ruleset_free(rs);
    rm_tree(rules);
    free(rules);
}

START_TEST(test_zl301_recoverable)
{
    run_with_rules(1, ", which brings it under the limit.");
    run_with_rules(60000, ", which brings it under the limit.");
    run_with_rules(60001, ", not enough on its own.");
    /* 60,000 bytes of numpy deleted by two rules are 60,000 bytes, not
     * 120,000: over by 60,001, it is not enough */
    char a[32], both[32], more[32], want[512];
    zl_format_bytes(60000, a, sizeof a);
    zl_format_bytes(110000, both, sizeof both);
    zl_format_bytes(50000, more, sizeof more);
    snprintf(want, sizeof want,
             " `ziplint fix` would recover up to %s (X001 drop-numpy %s, X004 numpy-again %s), "
             "not enough on its own. With --unsafe-fixes, up to %s more (X002 drop-both %s).",
             a, a, a, more, both);
    run_rules_text(overlapping_rules, 60001, want);
}
END_TEST

/* ---- ZL302 / ZL303: zips written to the byte around each limit ---- */

START_TEST(test_zl302_zipped)
{
    static const struct {
        uint64_t size;
        zl_upload upload;
        const char *codes;
        zl_severity sev;
        const char *msg_has;
    } cases[] = {
        {ZL_LAMBDA_ZIPPED_MAX, ZL_UPLOAD_UNKNOWN, "ZL303", 0, NULL},
        {ZL_LAMBDA_ZIPPED_MAX, ZL_UPLOAD_DIRECT, "ZL303", 0, NULL},
        {ZL_LAMBDA_ZIPPED_MAX + 1, ZL_UPLOAD_UNKNOWN, "ZL302,ZL303", ZL_SEV_WARNING,
         "(52428801 bytes), over the 50 MiB (52428800 bytes) limit of a direct upload"},
        {ZL_LAMBDA_ZIPPED_MAX + 1, ZL_UPLOAD_S3, "ZL302,ZL303", ZL_SEV_WARNING, "through S3"},
        {ZL_LAMBDA_ZIPPED_MAX + 1, ZL_UPLOAD_DIRECT, "ZL302,ZL303", ZL_SEV_ERROR,
         "\"Zipped size must be smaller than 52428800 bytes\""},
    };
    char *path = NULL;
    uint64_t have = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (path == NULL || have != cases[i].size) {
            if (path != NULL) {
                rm_tree(path);
                free(path);
            }
            path = write_zip_of_size(cases[i].size);
            have = cases[i].size;
        }
        zl_options o;
        tcheck t;
        size_opts(&o);
        o.upload = cases[i].upload;
        tcheck_run_path(&t, path, &o);
        ck_assert_msg(strcmp(tcheck_codes(&t), cases[i].codes) == 0, "case %zu: '%s'", i,
                      tcheck_codes(&t));
        const zl_finding *f = tcheck_finding(&t, "ZL302");
        if (cases[i].msg_has != NULL) {
            ck_assert_ptr_nonnull(f);
            ck_assert_int_eq(f->severity, cases[i].sev);
            ck_assert_uint_eq(f->n_entries, 0);
            ck_assert_int_eq(f->fix_available, 0);
            ck_assert_msg(strstr(f->message, cases[i].msg_has) != NULL, "'%s' lacks '%s'",
                          f->message, cases[i].msg_has);
        }
        tcheck_free(&t);
    }
    rm_tree(path);
    free(path);
}
END_TEST

static const uint64_t console_sizes[] = {ZL_LAMBDA_CONSOLE_MAX, ZL_LAMBDA_CONSOLE_MAX + 1};

START_TEST(test_zl303_console)
{
    char *path = write_zip_of_size(console_sizes[_i]);
    zl_options o;
    tcheck t;
    size_opts(&o);
    tcheck_run_path(&t, path, &o);
    if (_i == 0) {
        ck_assert_str_eq(tcheck_codes(&t), "");
    } else {
        ck_assert_str_eq(tcheck_codes(&t), "ZL303");
        const zl_finding *f = tcheck_finding(&t, "ZL303");
        ck_assert_int_eq(f->severity, ZL_SEV_INFO);
        ck_assert_uint_eq(f->n_entries, 0);
        ck_assert_ptr_nonnull(strstr(f->message, "code editor"));
    }
    tcheck_free(&t);
    rm_tree(path);
    free(path);
}
END_TEST

/* ---- ZL304 ---- */

START_TEST(test_zl304_layers)
{
    static const unsigned counts[] = {0, 5, 6, 100};
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        zl_options o;
        tcheck t;
        size_opts(&o);
        o.layer_count = counts[i];
        tcheck_run(&t, "zl301-packages.zip", &o);
        ck_assert_str_eq(tcheck_codes(&t), counts[i] > 5 ? "ZL304" : "");
        const zl_finding *f = tcheck_finding(&t, "ZL304");
        if (counts[i] > 5) {
            char want[64];
            snprintf(want, sizeof want, "uses %u layers; Lambda allows at most 5", counts[i]);
            ck_assert_int_eq(f->severity, ZL_SEV_ERROR);
            ck_assert_ptr_nonnull(strstr(f->message, want));
        }
        tcheck_free(&t);
    }
}
END_TEST

START_TEST(test_size_rule_info)
{
    static const struct {
        const char *code, *name;
        zl_severity sev;
    } want[] = {
        {"ZL301", "unzipped-size", ZL_SEV_ERROR},
        {"ZL302", "zipped-size", ZL_SEV_ERROR},
        {"ZL303", "console-editor", ZL_SEV_INFO},
        {"ZL304", "too-many-layers", ZL_SEV_ERROR},
    };
    zl_ruleset *rs = NULL;
    zl_error err;
    ck_assert_int_eq(zl_ruleset_new(&rs, &err), ZL_OK);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const zl_rule *r = zl_ruleset_get(rs, want[i].code);
        ck_assert_ptr_nonnull(r);
        ck_assert_str_eq(r->info.name, want[i].name);
        ck_assert_int_eq(r->info.severity, want[i].sev);
        ck_assert_int_eq(r->info.fix, ZL_FIX_NONE);
        ck_assert_int_eq(r->stage, 1);
        ck_assert_ptr_nonnull(strchr(r->info.explain, '\n'));
    }
    ck_assert_ptr_nonnull(strstr(zl_ruleset_find(rs, "ZL301")->lambda_error,
                                 "Unzipped size must be smaller than 262144000 bytes"));
    ck_assert_ptr_nonnull(strstr(zl_ruleset_find(rs, "ZL302")->lambda_error,
                                 "Zipped size must be smaller than 52428800 bytes"));
    zl_ruleset_free(rs);
}
END_TEST

Suite *suite_size(void)
{
    Suite *s = suite_create("size");
    TCase *tc = tcase_create("unzipped");
    tcase_add_loop_test(tc, test_zl301_limit, 0,
                        (int)(sizeof unzipped_cases / sizeof unzipped_cases[0]));
    tcase_add_test(tc, test_zl301_largest);
    tcase_add_test(tc, test_zl301_recoverable);
    suite_add_tcase(s, tc);
    tc = tcase_create("big");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_zl301_code_alone);
    tcase_add_test(tc, test_zl301_code_alone_fires);
    tcase_add_test(tc, test_zl302_zipped);
    tcase_add_loop_test(tc, test_zl303_console, 0, 2);
    suite_add_tcase(s, tc);
    tc = tcase_create("layers");
    tcase_add_test(tc, test_zl304_layers);
    tcase_add_test(tc, test_size_rule_info);
    suite_add_tcase(s, tc);
    return s;
}
