/* check_ruleset.c - rule files: the built-in ones, parsing good and bad
 * user files (each error with its exact "file:line: message"), loading
 * from disk, and PCRE2 patterns on raw name bytes. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_suites.h"

static zl_ruleset *new_rs(void)
{
    zl_ruleset *rs = NULL;
    zl_error err;
    zl_error_init(&err);
    ck_assert_msg(zl_ruleset_new(&rs, &err) == ZL_OK, "%s", err.message);
    return rs;
}

/* ---- the built-in rules ---- */

START_TEST(test_builtin_rules)
{
    zl_ruleset *rs = new_rs();
    static const struct {
        const char *code, *name;
        zl_severity sev;
        zl_fix_kind fix;
    } want[] = {
        {"ZL401", "pycache", ZL_SEV_WARNING, ZL_FIX_SAFE},
        {"ZL402", "dist-info", ZL_SEV_WARNING, ZL_FIX_SAFE_AND_UNSAFE},
        {"ZL403", "os-junk", ZL_SEV_WARNING, ZL_FIX_SAFE},
        {"ZL404", "runtime-provided", ZL_SEV_INFO, ZL_FIX_NONE},
        {"ZL405", "heavy-data", ZL_SEV_INFO, ZL_FIX_UNSAFE},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const zl_rule_info *ri = zl_ruleset_find(rs, want[i].code);
        ck_assert_msg(ri != NULL, "%s missing", want[i].code);
        ck_assert_str_eq(ri->name, want[i].name);
        ck_assert_int_eq(ri->severity, want[i].sev);
        ck_assert_int_eq(ri->fix, want[i].fix);
        ck_assert_int_eq(ri->default_on, 1);
        ck_assert_str_eq(ri->origin, "built-in");
        ck_assert_uint_gt(strlen(ri->summary), 20);
        ck_assert_ptr_nonnull(strchr(ri->explain, '\n')); /* several lines */
    }
    /* Data rules: explain continuation lines joined with '\n'. */
    const zl_rule_info *junk = zl_ruleset_find(rs, "zl403");
    ck_assert_ptr_nonnull(junk);
    ck_assert_int_eq(strncmp(junk->explain,
                             "Archivers and editors leave files behind that no Python runtime "
                             "reads:\nmacOS Finder writes",
                             90),
                     0);
    const zl_rule *r = zl_ruleset_get(rs, "ZL403");
    ck_assert_ptr_eq(rs->junk, r);
    ck_assert_uint_eq(r->n_paths, 3);
    ck_assert_str_eq(r->message, "{count} OS metadata entries ({bytes}) that Lambda never reads");
    ck_assert_int_eq(r->fix, ZL_DATA_FIX_DELETE);
    ck_assert(r->safe);
    /* Rules come in code order. */
    for (size_t i = 1; i < zl_ruleset_count(rs); i++)
        ck_assert_int_lt(strcmp(zl_ruleset_rule(rs, i - 1)->code, zl_ruleset_rule(rs, i)->code), 0);
    zl_ruleset_free(rs);
}
END_TEST

/* ---- a good user file ---- */

static const char good_text[] = "\xEF\xBB\xBF; a user rule file\r\n"
                                "# with comments of both kinds\n"
                                "\n"
                                "[ACME-2]\n"
                                "name = big-json\n"
                                "severity = info   ; inline comment\n"
                                "path = \\.json$\n"
                                "\n"
                                "[ACME-1]\n"
                                "name = test-data\n"
                                "severity = warning\n"
                                "summary = Test data: in the package\n"
                                "path = ^tests/\n"
                                "path = ^testing/\n"
                                "magic =\n"
                                "type = file\n"
                                "min-size = 1\n"
                                "profile = function\n"
                                "fix = mode 0644\n"
                                "safe = yes\n"
                                "message = {count} test files ({bytes})\n"
                                "lambda-error = none really\n"
                                "explain = First line.\n"
                                "    Second line: with a colon = and equals.\n"
                                "\tThird line.\n";

START_TEST(test_parse_good)
{
    zl_ruleset *rs = new_rs();
    size_t before = zl_ruleset_count(rs);
    zl_error err;
    zl_error_init(&err);
    ck_assert_msg(zl_ruleset_parse(rs, "acme.rules", good_text, false, &err) == ZL_OK, "%s",
                  err.message);
    ck_assert_uint_eq(zl_ruleset_count(rs), before + 2);
    /* Sorted: ACME-1 before ACME-2 before ZL101... */
    ck_assert_str_eq(zl_ruleset_rule(rs, 0)->code, "ACME-1");
    ck_assert_str_eq(zl_ruleset_rule(rs, 1)->code, "ACME-2");

    const zl_rule *r = zl_ruleset_get(rs, "acme-1");
    ck_assert_ptr_nonnull(r);
    ck_assert_str_eq(r->info.name, "test-data");
    ck_assert_int_eq(r->info.severity, ZL_SEV_WARNING);
    ck_assert_str_eq(r->info.summary, "Test data: in the package");
    ck_assert_str_eq(r->info.explain,
                     "First line.\nSecond line: with a colon = and equals.\nThird line.");
    ck_assert_str_eq(r->info.lambda_error, "none really");
    ck_assert_str_eq(r->info.origin, "acme.rules");
    ck_assert_int_eq(r->info.fix, ZL_FIX_SAFE);
    ck_assert_int_eq(r->info.default_on, 1);
    ck_assert_uint_eq(r->n_paths, 2);
    ck_assert_uint_eq(r->n_magics, 0);
    ck_assert_int_eq(r->type, ZL_MATCH_FILE);
    ck_assert_uint_eq(r->min_size, 1);
    ck_assert_int_eq(r->profile, ZL_PROFILE_FUNCTION);
    ck_assert_int_eq(r->fix, ZL_DATA_FIX_MODE);
    ck_assert_uint_eq(r->fix_mode, 0644);
    ck_assert(r->safe);
    ck_assert_str_eq(r->message, "{count} test files ({bytes})");
    ck_assert(zl_pattern_match(r->paths[0], "tests/a.py", 10));
    ck_assert(zl_pattern_match(r->paths[1], "testing/a.py", 12));
    ck_assert(!zl_pattern_match(r->paths[0], "pkg/tests/a.py", 14));

    /* Defaults of a minimal rule. */
    r = zl_ruleset_get(rs, "ACME-2");
    ck_assert_str_eq(r->info.summary, "big-json");
    ck_assert_str_eq(r->info.explain, "");
    ck_assert_str_eq(r->info.lambda_error, "");
    ck_assert_int_eq(r->info.severity, ZL_SEV_INFO);
    ck_assert_int_eq(r->info.fix, ZL_FIX_NONE);
    ck_assert_int_eq(r->type, ZL_MATCH_ANY);
    ck_assert_int_eq(r->profile, -1);
    ck_assert_ptr_null(r->message);
    zl_ruleset_free(rs);
}
END_TEST

/* A user rule runs through the engine like a built-in one. */
START_TEST(test_user_rule_runs)
{
    tcheck t;
    zl_options opt;
    zl_error err;
    zl_error_init(&err);
    zl_options_init(&opt);
    opt.select = "ACME-1";
    tcheck_run(&t, "zl405-ok-root-tests.zip", &opt);
    ck_assert_str_eq(tcheck_codes(&t), "");
    ck_assert_int_eq(zl_ruleset_parse(t.rs, "acme.rules", good_text, false, &err), ZL_OK);
    zl_result *res = NULL;
    ck_assert_int_eq(zl_check_run(t.ar, t.rs, &opt, &res, &err), ZL_OK);
    ck_assert_uint_eq(zl_result_count(res), 1);
    const zl_finding *f = zl_result_finding(res, 0);
    ck_assert_str_eq(f->rule->code, "ACME-1");
    /* type = file and min-size = 1: only tests/test_handler.py (21 bytes);
     * not the tests/ folder entry nor the empty testing/helpers.py. */
    ck_assert_uint_eq(f->n_entries, 1);
    ck_assert_str_eq(f->entries[0].name, "tests/test_handler.py");
    ck_assert_uint_eq(f->bytes, 21);
    ck_assert_str_eq(f->message, "1 test files (21 B)");
    ck_assert_uint_eq(f->n_edits, 1);
    ck_assert_int_eq(f->edits[0].kind, ZL_EDIT_CHMOD);
    ck_assert_uint_eq(f->edits[0].mode, 0644);
    ck_assert(f->edits[0].safe);
    zl_result_free(res);
    tcheck_free(&t);
}
END_TEST

/* ---- bad files: one error each, with its line ---- */

static const struct bad_case {
    const char *text;
    const char *message;
} bad_cases[] = {
    {"[ACME1]\nname = x\nseverity = fatal\n",
     "t.rules:3: bad severity 'fatal' (error, warning or info)"},
    {"[ACME1]\nname = x\nseverity = never\n",
     "t.rules:3: bad severity 'never' (error, warning or info)"},
    {"; c\n[ACME1]\nname = x\nseverity = info\nnmae = y\n", "t.rules:5: unknown key 'nmae'"},
    {"[ACME1]\nname = x\nseverity = info\npath = \\.py$\npath = (abc\n",
     "t.rules:5: path: bad pattern at offset 4: missing closing parenthesis"},
    {"[ACME1]\nname = x\nseverity = info\nmagic = a[b\n",
     "t.rules:4: magic: bad pattern at offset 3: missing terminating ] for character class"},
    {"[ACME1]\nname = x\nseverity = info\ntype = fifo\n",
     "t.rules:4: bad type 'fifo' (file, dir, symlink or any)"},
    {"[ACME1]\nname = x\nseverity = info\nprofile = both\n",
     "t.rules:4: bad profile 'both' (function, layer or any)"},
    {"[ACME1]\nname = x\nseverity = info\nfix = rename\n",
     "t.rules:4: bad fix 'rename' (delete, mode NNNN with permission bits up to 0777, or none)"},
    {"[ACME1]\nname = x\nseverity = info\nfix = mode 4755\n",
     "t.rules:4: bad fix 'mode 4755' (delete, mode NNNN with permission bits up to 0777, or none)"},
    {"[ACME1]\nname = x\nseverity = info\nfix = mode 0x1ff\n",
     "t.rules:4: bad fix 'mode 0x1ff' (delete, mode NNNN with permission bits up to 0777, or "
     "none)"},
    {"[ACME1]\nname = x\nseverity = info\nsafe = maybe\n",
     "t.rules:4: bad safe 'maybe' (yes or no)"},
    {"[ACME1]\nname = x\nseverity = info\nmin-size = 10k\n",
     "t.rules:4: bad min-size '10k' (a number of bytes)"},
    {"[ACME1]\nname = x\nseverity = info\nmin-size = 99999999999999999999999\n",
     "t.rules:4: bad min-size '99999999999999999999999' (a number of bytes)"},
    {"[ACME1]\nseverity = info\n\n[ACME2]\nname = y\nseverity = info\n",
     "t.rules:1: rule ACME1 has no name"},
    {"[ACME1]\nname = x\nseverity = info\n\n\n[ACME2]\nname = y\n",
     "t.rules:6: rule ACME2 has no severity"},
    {"[ACME1]\nname = x\nseverity = info\n[acme1]\nname = y\nseverity = info\n",
     "t.rules:4: duplicate rule code 'acme1'"},
    {"\n[ZL999]\nname = x\nseverity = info\n",
     "t.rules:2: rule code 'ZL999' is reserved: codes starting with ZL are ziplint's own"},
    {"[zl403]\nname = x\nseverity = info\n",
     "t.rules:1: rule code 'zl403' is reserved: codes starting with ZL are ziplint's own"},
    {"name = x\n[ACME1]\n", "t.rules:1: 'name' outside a [CODE] section"},
    {"[ACME1]\nname = x\n  severity = info\n",
     "t.rules:3: indented line continues 'name'; only explain may span lines"},
    {"[ACME1]\nname = x\nname = y\nseverity = info\n", "t.rules:3: duplicate key 'name'"},
    {"[ACME1]\nname = x\nseverity = info\njust words\n", "t.rules:4: expected 'key = value'"},
    {"[ACME1\nname = x\n", "t.rules:1: expected ']' at the end of the section line"},
    {"[AC ME]\nname = x\n",
     "t.rules:1: bad rule code 'AC ME' (letters, digits, '-' and '_', at most 32)"},
    {"[ACME1]\nname =\nseverity = info\n", "t.rules:2: empty name"},
    {"[ACME1]\r\nname = x\r\nseverity = info\r\nexplain = a\r\n  b\r\nbogus = 1\r\n",
     "t.rules:6: unknown key 'bogus'"},
};

START_TEST(test_parse_bad)
{
    const struct bad_case *c = &bad_cases[_i];
    zl_ruleset *rs = new_rs();
    size_t before = zl_ruleset_count(rs);
    zl_error err;
    zl_error_init(&err);
    ck_assert_int_eq(zl_ruleset_parse(rs, "t.rules", c->text, false, &err), ZL_E_RULEFILE);
    ck_assert_int_eq(err.code, ZL_E_RULEFILE);
    ck_assert_str_eq(err.message, c->message);
    ck_assert_uint_eq(zl_ruleset_count(rs), before);
    zl_ruleset_free(rs);
}
END_TEST

/* A line inih would split (199 bytes and more) is refused, not split. */
START_TEST(test_parse_long_line)
{
    zl_ruleset *rs = new_rs();
    zl_error err;
    zl_error_init(&err);
    char text[1024];
    int n = snprintf(text, sizeof text, "[ACME1]\nname = x\nseverity = info\npath = ");
    /* "path = " (7) + 191 = 198 characters: the longest line that fits. */
    memset(text + n, 'a', 191);
    memcpy(text + n + 191, "\n", 2);
    ck_assert_msg(zl_ruleset_parse(rs, "t.rules", text, false, &err) == ZL_OK, "%s", err.message);
    const zl_rule *r = zl_ruleset_get(rs, "ACME1");
    ck_assert_uint_eq(r->n_paths, 1);

    n = snprintf(text, sizeof text, "[ACME2]\nname = x\nseverity = info\npath = ");
    memset(text + n, 'a', 192);
    memcpy(text + n + 192, "\n", 2);
    ck_assert_int_eq(zl_ruleset_parse(rs, "t.rules", text, false, &err), ZL_E_RULEFILE);
    ck_assert_str_eq(err.message, "t.rules:4: line longer than 198 characters (give a long "
                                  "pattern as several 'path' lines)");
    ck_assert_ptr_null(zl_ruleset_get(rs, "ACME2"));
    zl_ruleset_free(rs);
}
END_TEST

/* Duplicates against what is loaded; nothing of a failed file is kept. */
START_TEST(test_parse_unchanged_after_failure)
{
    zl_ruleset *rs = new_rs();
    zl_error err;
    zl_error_init(&err);
    ck_assert_int_eq(
        zl_ruleset_parse(rs, "a.rules", "[ACME1]\nname = x\nseverity = info\n", false, &err),
        ZL_OK);
    size_t before = zl_ruleset_count(rs);
    /* Two good rules, then a duplicate of a loaded code. */
    ck_assert_int_eq(zl_ruleset_parse(rs, "b.rules",
                                      "[ACME2]\nname = y\nseverity = info\n"
                                      "[ACME3]\nname = z\nseverity = info\npath = x\n"
                                      "[Acme1]\nname = w\nseverity = info\n",
                                      false, &err),
                     ZL_E_RULEFILE);
    ck_assert_str_eq(err.message, "b.rules:8: duplicate rule code 'Acme1'");
    ck_assert_uint_eq(zl_ruleset_count(rs), before);
    ck_assert_ptr_null(zl_ruleset_find(rs, "ACME2"));
    ck_assert_ptr_null(zl_ruleset_find(rs, "ACME3"));
    ck_assert_str_eq(zl_ruleset_find(rs, "ACME1")->name, "x");
    /* Built-in codes collide too (a built-in file may use ZL codes). */
    ck_assert_int_eq(
        zl_ruleset_parse(rs, "x.rules", "[ZL403]\nname = x\nseverity = info\n", true, &err),
        ZL_E_RULEFILE);
    ck_assert_str_eq(err.message, "x.rules:1: duplicate rule code 'ZL403'");
    ck_assert_int_eq(
        zl_ruleset_parse(rs, "x.rules", "[ZL499]\nname = x\nseverity = info\n", true, &err), ZL_OK);
    ck_assert_str_eq(zl_ruleset_find(rs, "ZL499")->origin, "built-in");
    ck_assert_uint_eq(zl_ruleset_count(rs), before + 1);
    zl_ruleset_free(rs);
}
END_TEST

/* ---- files on disk ---- */

static char *write_temp(const char *text, char *dir_out, size_t dir_size)
{
    char tmpl[] = "/tmp/zltest-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(tmpl));
    snprintf(dir_out, dir_size, "%s", tmpl);
    char *path = zl_asprintf("%s/my.rules", tmpl);
    FILE *fp = fopen(path, "wb");
    ck_assert_ptr_nonnull(fp);
    fputs(text, fp);
    ck_assert_int_eq(fclose(fp), 0);
    return path;
}

START_TEST(test_load_file)
{
    char dir[64];
    zl_ruleset *rs = new_rs();
    zl_error err;
    zl_error_init(&err);
    char *path = write_temp("[CORP-10]\nname = no-md\nseverity = warning\npath = \\.md$\n"
                            "fix = delete\nsafe = no\n",
                            dir, sizeof dir);
    ck_assert_msg(zl_ruleset_load_file(rs, path, &err) == ZL_OK, "%s", err.message);
    const zl_rule_info *ri = zl_ruleset_find(rs, "CORP-10");
    ck_assert_ptr_nonnull(ri);
    ck_assert_str_eq(ri->origin, path);
    ck_assert_int_eq(ri->fix, ZL_FIX_UNSAFE);
    /* Loading the same file again: its code is taken. */
    ck_assert_int_eq(zl_ruleset_load_file(rs, path, &err), ZL_E_RULEFILE);
    char *want = zl_asprintf("%s:1: duplicate rule code 'CORP-10'", path);
    ck_assert_str_eq(err.message, want);
    free(want);
    free(path);
    rm_tree(dir);

    path = write_temp("[CORP-11]\nname = x\nseverity = info\n\n\n\nwhat\n", dir, sizeof dir);
    ck_assert_int_eq(zl_ruleset_load_file(rs, path, &err), ZL_E_RULEFILE);
    want = zl_asprintf("%s:7: expected 'key = value'", path);
    ck_assert_str_eq(err.message, want);
    free(want);
    free(path);
    rm_tree(dir);

    ck_assert_int_eq(zl_ruleset_load_file(rs, "/nonexistent/x.rules", &err), ZL_E_IO);
    ck_assert_str_eq(err.message,
                     "cannot read rule file /nonexistent/x.rules: No such file or directory");
    ck_assert_ptr_null(zl_ruleset_find(rs, "CORP-11"));
    zl_ruleset_free(rs);
}
END_TEST

/* ---- patterns ---- */

START_TEST(test_pattern_raw_bytes)
{
    zl_pattern *p = NULL;
    zl_error err;
    zl_error_init(&err);
    ck_assert_int_eq(zl_pattern_new(&p, "(^|/)\\.DS_Store$", &err), ZL_OK);
    /* Invalid UTF-8 before the match neither fails nor hides it. */
    ck_assert_int_eq(zl_pattern_match(p, "\xff\xfe/.DS_Store", 12), 1);
    ck_assert_int_eq(zl_pattern_match(p, "\xc3(/\xe2\x82/.DS_Store", 15), 1);
    ck_assert_int_eq(zl_pattern_match(p, "\xff\xfe/.DS_Storex", 13), 0);
    /* The length counts, not a NUL; '$' is the very end (no final newline). */
    ck_assert_int_eq(zl_pattern_match(p, ".DS_Store\n", 10), 0);
    ck_assert_int_eq(zl_pattern_match(p, ".DS_Store.py", 9), 1);
    zl_pattern_free(p);

    ck_assert_int_eq(zl_pattern_new(&p, "^caf\xc3\xa9/", &err), ZL_OK);
    ck_assert_int_eq(zl_pattern_match(p, "caf\xc3\xa9/x", 7), 1);
    ck_assert_int_eq(zl_pattern_match(p, "caf\xe9/x", 6), 0); /* Latin-1 bytes */
    zl_pattern_free(p);

    ck_assert_int_eq(zl_pattern_new(&p, "x{2,1}", &err), ZL_E_INVAL);
    ck_assert_ptr_null(p);
    ck_assert_str_eq(err.message, "bad pattern at offset 5: numbers out of order in {} quantifier");
    zl_pattern_free(NULL);
}
END_TEST

START_TEST(test_name_is_junk)
{
    zl_ruleset *rs = new_rs();
    static const struct {
        const char *name;
        int junk;
    } names[] = {
        {"__MACOSX/", 1},          {"__MACOSX/._a.py", 1}, {"pkg/.DS_Store", 1},
        {"._handler.py", 1},       {"Thumbs.db", 1},       {"pkg/thumbs.db", 1},
        {"Desktop.ini", 1},        {".git/", 1},           {"vendor/.hg/store", 1},
        {".svn/entries", 1},       {"pkg/.x.py.swp", 1},   {"notes~", 1},
        {"\xff\xfe/.DS_Store", 1}, {"\x80/__MACOSX/x", 1}, {"lambda_function.py", 0},
        {".gitignore", 0},         {"pkg/a._b.py", 0},     {"pkg/git/x.py", 0},
        {"mod~x.py", 0},           {"\xff\xfe.py", 0},     {"__MACOSX", 0},
    };
    enum { N = sizeof names / sizeof names[0] };
    zl_entry entries[N];
    memset(entries, 0, sizeof entries);
    for (size_t i = 0; i < N; i++) {
        entries[i].name = entries[i].path = names[i].name;
        entries[i].name_len = strlen(names[i].name);
    }
    zl_archive ar = {.entries = entries, .n_entries = N};
    zl_ctx ctx = {.ar = &ar, .rs = rs};
    for (int pass = 0; pass < 2; pass++) /* worked out, then remembered */
        for (size_t i = 0; i < N; i++)
            ck_assert_msg(zl_entry_is_junk(&ctx, &entries[i]) == names[i].junk, "%s",
                          names[i].name);
    free(ctx.junk);
    zl_matcher_free(ctx.matcher);
    /* No ZL403, no junk. */
    zl_ruleset empty = {0};
    zl_ctx ectx = {.ar = &ar, .rs = &empty};
    ck_assert_int_eq(zl_entry_is_junk(&ectx, &entries[2]), 0); /* pkg/.DS_Store */
    free(ectx.junk);
    zl_matcher_free(ectx.matcher);
    zl_ruleset_free(rs);
}
END_TEST

Suite *suite_ruleset(void)
{
    Suite *s = suite_create("ruleset");
    TCase *tc = tcase_create("builtin");
    tcase_add_test(tc, test_builtin_rules);
    tcase_add_test(tc, test_name_is_junk);
    suite_add_tcase(s, tc);

    tc = tcase_create("parse");
    tcase_add_test(tc, test_parse_good);
    tcase_add_test(tc, test_user_rule_runs);
    tcase_add_loop_test(tc, test_parse_bad, 0, (int)(sizeof bad_cases / sizeof bad_cases[0]));
    tcase_add_test(tc, test_parse_long_line);
    tcase_add_test(tc, test_parse_unchanged_after_failure);
    tcase_add_test(tc, test_load_file);
    suite_add_tcase(s, tc);

    tc = tcase_create("pattern");
    tcase_add_test(tc, test_pattern_raw_bytes);
    suite_add_tcase(s, tc);
    return s;
}
