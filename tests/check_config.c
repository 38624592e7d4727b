/* check_config.c - .ziplint parsing: keys and lists, [archive "GLOB"]
 * overrides, [hook] paths, discovery walking up, errors with their line
 * numbers, and [per-path-ignores] applied to a real result. */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_suites.h"

/* A temporary folder for the config file's base (realpath'd). */
static char *tmp_dir(void)
{
    const char *base = getenv("TMPDIR");
    char *t = zl_asprintf("%s/zl-config-XXXXXX", base && base[0] ? base : "/tmp");
    ck_assert_ptr_nonnull(t);
    ck_assert_ptr_nonnull(mkdtemp(t));
    char *real = realpath(t, NULL);
    free(t);
    ck_assert_ptr_nonnull(real);
    return real;
}

static zl_config *parse_ok(const char *dir, const char *text)
{
    zl_config *cfg = NULL;
    zl_error err;
    zl_error_init(&err);
    char *origin = zl_asprintf("%s/.ziplint", dir);
    int rc = zl_config_parse(&cfg, origin, text, &err);
    ck_assert_msg(rc == ZL_OK, "parse: %s", err.message);
    free(origin);
    return cfg;
}

START_TEST(test_keys)
{
    char *dir = tmp_dir();
    zl_config *cfg = parse_ok(dir, "; comment\n"
                                   "# another\n"
                                   "[ziplint]\n"
                                   "profile = layer\n"
                                   "runtime: python3.12 ; inline comment\n"
                                   "arch = arm64\n"
                                   "upload = s3\n"
                                   "handler = app.handler\n"
                                   "fail-on = warning\n"
                                   "select = ZL1, ZL2\n"
                                   "select = ZL403\n"
                                   "  ZL404\n"
                                   "ignore = ZL103\n"
                                   "layers = deps.zip /abs/other.zip\n"
                                   "layers-size = 1000\n"
                                   "rules = lint/team.rules\n");
    unsigned line = 0;
    ck_assert_str_eq(zl_config_get(cfg, NULL, "profile", &line), "layer");
    ck_assert_uint_eq(line, 4);
    ck_assert_str_eq(zl_config_get(cfg, NULL, "runtime", &line), "python3.12");
    ck_assert_uint_eq(line, 5);
    ck_assert_str_eq(zl_config_get(cfg, NULL, "arch", NULL), "arm64");
    ck_assert_str_eq(zl_config_get(cfg, NULL, "upload", NULL), "s3");
    ck_assert_str_eq(zl_config_get(cfg, NULL, "handler", NULL), "app.handler");
    ck_assert_str_eq(zl_config_get(cfg, NULL, "fail-on", NULL), "warning");
    /* Lists accumulate over repeats and continuation lines. */
    ck_assert_str_eq(zl_config_get(cfg, NULL, "select", &line), "ZL1,ZL2,ZL403,ZL404");
    ck_assert_uint_eq(line, 12);
    ck_assert_str_eq(zl_config_get(cfg, NULL, "ignore", NULL), "ZL103");
    ck_assert_str_eq(zl_config_get(cfg, NULL, "layers-size", NULL), "1000");
    /* Paths are relative to the config file's folder. */
    char *want = zl_asprintf("%s/deps.zip /abs/other.zip", dir);
    ck_assert_str_eq(zl_config_get(cfg, NULL, "layers", NULL), want);
    free(want);
    want = zl_asprintf("%s/lint/team.rules", dir);
    ck_assert_str_eq(zl_config_get(cfg, NULL, "rules", NULL), want);
    free(want);
    ck_assert_ptr_null(zl_config_get(cfg, NULL, "no-such-key", NULL));
    ck_assert_str_eq(zl_config_dir(cfg), dir);
    ck_assert_uint_eq(zl_config_hook_path_count(cfg), 0);
    zl_config_free(cfg);
    rmdir(dir);
    free(dir);
}
END_TEST

START_TEST(test_archive_sections)
{
    char *dir = tmp_dir();
    zl_config *cfg = parse_ok(dir, "[ziplint]\n"
                                   "profile = function\n"
                                   "fail-on = error\n"
                                   "[archive \"dist/*-layer.zip\"]\n"
                                   "profile = layer\n"
                                   "[archive \"./dist/special-layer.zip\"]\n"
                                   "fail-on = info\n"
                                   "[hook]\n"
                                   "paths = dist/*.zip\n"
                                   "paths = build/fn.zip\n");
    char *layer = zl_asprintf("%s/dist/deps-layer.zip", dir);
    char *special = zl_asprintf("%s/dist/special-layer.zip", dir);
    char *fn = zl_asprintf("%s/dist/fn.zip", dir);
    char *deep = zl_asprintf("%s/dist/x/deps-layer.zip", dir);
    char *dotted = zl_asprintf("%s/build/../dist/./deps-layer.zip", dir);
    unsigned line = 0;
    ck_assert_str_eq(zl_config_get(cfg, layer, "profile", &line), "layer");
    ck_assert_uint_eq(line, 5);
    ck_assert_str_eq(zl_config_get(cfg, layer, "fail-on", NULL), "error");
    ck_assert_str_eq(zl_config_get(cfg, fn, "profile", NULL), "function");
    ck_assert_str_eq(zl_config_get(cfg, dotted, "profile", NULL), "layer");
    /* FNM_PATHNAME: '*' does not cross a folder. */
    ck_assert_str_eq(zl_config_get(cfg, deep, "profile", NULL), "function");
    /* Both sections match; each key comes from the last that sets it. */
    ck_assert_str_eq(zl_config_get(cfg, special, "profile", NULL), "layer");
    ck_assert_str_eq(zl_config_get(cfg, special, "fail-on", NULL), "info");
    ck_assert_str_eq(zl_config_get(cfg, "-", "profile", NULL), "function");
    ck_assert_str_eq(zl_config_get(cfg, "/elsewhere/dist/a-layer.zip", "profile", NULL),
                     "function");
    ck_assert_uint_eq(zl_config_hook_path_count(cfg), 2);
    char *h0 = zl_asprintf("%s/dist/*.zip", dir), *h1 = zl_asprintf("%s/build/fn.zip", dir);
    ck_assert_str_eq(zl_config_hook_path(cfg, 0), h0);
    ck_assert_str_eq(zl_config_hook_path(cfg, 1), h1);
    ck_assert_ptr_null(zl_config_hook_path(cfg, 2));
    free(h0);
    free(h1);
    free(layer);
    free(special);
    free(fn);
    free(deep);
    free(dotted);
    zl_config_free(cfg);
    rmdir(dir);
    free(dir);
}
END_TEST

/* Bad configs: the message names the file and the line. */
static const struct {
    const char *text;
    const char *message; /* after "ORIGIN:" */
} bad_cases[] = {
    {"[ziplint]\ncolour = always\n", "2: unknown key 'colour' in [ziplint]"},
    {"profile = layer\n", "1: 'profile' outside a section (start with [ziplint])"},
    {"[ziplint]\n\n\nfail-on = fatal\n",
     "4: unknown severity 'fatal' (expected error, warning, info or never)"},
    {"[ziplint]\nupload = ftp\n", "2: unknown upload 'ftp' (expected direct or s3)"},
    {"[ziplint]\nhandler = nodot\n", "2: bad handler 'nodot' (expected MODULE.FUNC)"},
    {"[ziplint]\nlayers-size = 12MB\n", "2: bad layers-size '12MB' (expected a number of bytes)"},
    {"[ziplint]\narch = x86_64\narch = arm64\n", "3: 'arch' is already set on line 2"},
    {"[ziplint]\nprofile =\n", "2: 'profile' has no value"},
    {"[tool.ziplint]\n", "1: unknown section [tool.ziplint] (expected [ziplint], [archive "
                         "\"GLOB\"], [per-path-ignores] or [hook])"},
    {"[archive dist/*.zip]\n", "1: expected [archive \"GLOB\"]"},
    {"[ziplint\n", "1: expected ']' at the end of the section line"},
    {"[ziplint]\njust words\n", "2: expected 'key = value'"},
    {"[archive \"a.zip\"]\nrules = x.rules\n",
     "2: 'rules' belongs in [ziplint], not in an [archive] section"},
    {"[hook]\nglobs = *.zip\n", "2: unknown key 'globs' in [hook] (expected paths)"},
    {"[per-path-ignores]\ntests/* =\n", "2: no codes for 'tests/*'"},
    {"[ziplint]\nselect = ZL1,"
     "ZL2,ZL3,ZL4,ZL5,ZL6,ZL7,ZL1,ZL2,ZL3,ZL4,ZL5,ZL6,ZL7,ZL1,ZL2,ZL3,ZL4,ZL5,ZL6,ZL7,ZL1,ZL2,ZL3,"
     "ZL4,ZL5,ZL6,ZL7,ZL1,ZL2,ZL3,ZL4,ZL5,ZL6,ZL7,ZL1,ZL2,ZL3,ZL4,ZL5,ZL6,ZL7,ZL1,ZL2,ZL3,ZL4,ZL5,"
     "ZL6\n",
     "2: line longer than 198 characters (repeat the key instead)"},
};

START_TEST(test_errors)
{
    zl_config *cfg = NULL;
    zl_error err;
    zl_error_init(&err);
    int rc = zl_config_parse(&cfg, "/tmp/t/.ziplint", bad_cases[_i].text, &err);
    ck_assert_int_eq(rc, ZL_E_INVAL);
    ck_assert_ptr_null(cfg);
    char *want = zl_asprintf("/tmp/t/.ziplint:%s", bad_cases[_i].message);
    ck_assert_str_eq(err.message, want);
    free(want);
}
END_TEST

START_TEST(test_selection_errors)
{
    char *dir = tmp_dir();
    zl_ruleset *rs = NULL;
    zl_error err;
    zl_error_init(&err);
    ck_assert_int_eq(zl_ruleset_new(&rs, &err), ZL_OK);
    zl_config *cfg = parse_ok(dir, "[ziplint]\nselect = ZL1\n[archive \"x.zip\"]\n\nignore = "
                                   "ZL4, ZL9\n");
    ck_assert_int_eq(zl_config_check_selection(cfg, rs, &err), ZL_E_INVAL);
    char *want = zl_asprintf("%s/.ziplint:5: unknown rule code or prefix 'ZL9'", dir);
    ck_assert_str_eq(err.message, want);
    free(want);
    zl_config_free(cfg);
    cfg = parse_ok(dir, "[ziplint]\n[per-path-ignores]\ntests/* = ZL405 ACME\n");
    ck_assert_int_eq(zl_config_check_selection(cfg, rs, &err), ZL_E_INVAL);
    want = zl_asprintf("%s/.ziplint:3: unknown rule code or prefix 'ACME'", dir);
    ck_assert_str_eq(err.message, want);
    free(want);
    zl_config_free(cfg);
    cfg = parse_ok(dir, "[ziplint]\nselect = ALL\n[per-path-ignores]\ntests/* = zl405\n");
    ck_assert_int_eq(zl_config_check_selection(cfg, rs, &err), ZL_OK);
    zl_config_free(cfg);
    zl_ruleset_free(rs);
    rmdir(dir);
    free(dir);
}
END_TEST

START_TEST(test_find_walks_up)
{
    char *dir = tmp_dir();
    char *deep = zl_asprintf("%s/a/b/c", dir), *mid = zl_asprintf("%s/a", dir);
    char *ab = zl_asprintf("%s/a/b", dir), *cfgp = zl_asprintf("%s/a/.ziplint", dir);
    ck_assert_int_eq(mkdir(mid, 0755), 0);
    ck_assert_int_eq(mkdir(ab, 0755), 0);
    ck_assert_int_eq(mkdir(deep, 0755), 0);
    char *found = NULL;
    zl_error err;
    zl_error_init(&err);
    /* None above (the test's TMPDIR has none): not an error. */
    ck_assert_int_eq(zl_config_find(deep, &found, &err), ZL_OK);
    if (found != NULL) /* a stray .ziplint above TMPDIR: it must not be ours */
        ck_assert_msg(strncmp(found, dir, strlen(dir)) != 0, "found %s", found);
    free(found);
    FILE *fp = fopen(cfgp, "w");
    ck_assert_ptr_nonnull(fp);
    fputs("[ziplint]\n", fp);
    fclose(fp);
    /* A folder named .ziplint is not a config. */
    char *fake = zl_asprintf("%s/.ziplint", ab);
    ck_assert_int_eq(mkdir(fake, 0755), 0);
    ck_assert_int_eq(zl_config_find(deep, &found, &err), ZL_OK);
    ck_assert_ptr_nonnull(found);
    ck_assert_str_eq(found, cfgp);
    free(found);
    zl_config *cfg = NULL;
    ck_assert_int_eq(zl_config_load(&cfg, cfgp, &err), ZL_OK);
    ck_assert_str_eq(zl_config_dir(cfg), mid);
    zl_config_free(cfg);
    ck_assert_int_eq(zl_config_load(&cfg, deep, &err) != ZL_OK, 1);
    rmdir(fake);
    unlink(cfgp);
    rmdir(deep);
    rmdir(ab);
    rmdir(mid);
    rmdir(dir);
    free(fake);
    free(deep);
    free(mid);
    free(ab);
    free(cfgp);
    free(dir);
}
END_TEST

/* [per-path-ignores] on zl403-fire-junk.zip: ZL403 lists 9 entries. */
START_TEST(test_per_path_ignores)
{
    char *dir = tmp_dir();
    tcheck t;
    zl_error err;
    zl_error_init(&err);
    tcheck_run(&t, "zl403-fire-junk.zip", NULL);
    const zl_finding *f = tcheck_finding(&t, "ZL403");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(f->n_entries, 9);
    ck_assert_uint_eq(f->n_edits, 9);
    ck_assert_uint_eq(f->bytes, 188);
    zl_config *cfg = parse_ok(dir, "[per-path-ignores]\n"
                                   "pkg/* = ZL403\n"
                                   ".git/* = ZL1, zl40\n"
                                   "*.ini = ZL2\n");
    ck_assert_int_eq(zl_result_apply_ignores(t.res, t.ar, cfg, &err), ZL_OK);
    f = tcheck_finding(&t, "ZL403");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(f->n_entries, 3);
    ck_assert_ptr_nonnull(finding_entry(f, "__MACOSX/._lambda_function.py"));
    ck_assert_ptr_nonnull(finding_entry(f, ".DS_Store"));
    ck_assert_ptr_nonnull(finding_entry(f, "desktop.ini")); /* ZL2 does not name ZL403 */
    ck_assert_ptr_null(finding_entry(f, "pkg/Thumbs.db"));
    ck_assert_ptr_null(finding_entry(f, ".git/HEAD"));
    /* Their edits went with them; bytes follow the entries kept. */
    ck_assert_uint_eq(f->n_edits, 3);
    ck_assert_uint_eq(f->bytes, 64 + 30 + 19);
    ck_assert_int_eq(f->fix_available, 1);
    ck_assert_str_eq(f->message, "9 OS metadata entries (188 B) that Lambda never reads (6 "
                                 "entries ignored by per-path-ignores)");
    zl_config_free(cfg);

    /* Every entry ignored: the finding goes. */
    cfg = parse_ok(dir, "[per-path-ignores]\n* = ZL403\n");
    ck_assert_int_eq(zl_result_apply_ignores(t.res, t.ar, cfg, &err), ZL_OK);
    ck_assert_ptr_null(tcheck_finding(&t, "ZL403"));
    ck_assert_str_eq(tcheck_codes(&t), "");
    zl_config_free(cfg);
    tcheck_free(&t);

    /* Other codes and other names are untouched. */
    tcheck_run(&t, "zl201-fire-private-modes.zip", NULL);
    cfg = parse_ok(dir, "[per-path-ignores]\nmylib/* = ZL4\nother/* = ZL2\n");
    ck_assert_int_eq(zl_result_apply_ignores(t.res, t.ar, cfg, &err), ZL_OK);
    ck_assert_str_eq(tcheck_codes(&t), "ZL201,ZL202");
    ck_assert_uint_eq(tcheck_finding(&t, "ZL201")->n_entries, 3);
    zl_config_free(cfg);
    cfg = parse_ok(dir, "[per-path-ignores]\nmylib/* = ZL201\n");
    ck_assert_int_eq(zl_result_apply_ignores(t.res, t.ar, cfg, &err), ZL_OK);
    ck_assert_uint_eq(tcheck_finding(&t, "ZL201")->n_entries, 1);
    ck_assert_str_eq(tcheck_finding(&t, "ZL201")->entries[0].name, "lambda_function.py");
    ck_assert_uint_eq(tcheck_finding(&t, "ZL202")->n_entries, 1);
    zl_config_free(cfg);
    tcheck_free(&t);
    rmdir(dir);
    free(dir);
}
END_TEST

Suite *suite_config(void)
{
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("parse");
    tcase_add_test(tc, test_keys);
    tcase_add_test(tc, test_archive_sections);
    tcase_add_loop_test(tc, test_errors, 0, (int)(sizeof bad_cases / sizeof bad_cases[0]));
    tcase_add_test(tc, test_selection_errors);
    tcase_add_test(tc, test_find_walks_up);
    suite_add_tcase(s, tc);
    tc = tcase_create("ignores");
    tcase_add_test(tc, test_per_path_ignores);
    suite_add_tcase(s, tc);
    return s;
}
