/* check_layout.c - the ZL1xx layout rules: for each rule, fixtures that
 * fire it and fixtures that must not, with the exact codes, severities,
 * entries and edits. Runs with --select ZL1 so findings of other families
 * do not change the expected codes. */
#include "config.h"

#include <string.h>

#include "check_suites.h"

typedef struct layout_case {
    const char *fixture;
    zl_profile profile;
    const char *handler;
    int runtime_minor;
    const char *codes;      /* the whole result, with select ZL1 */
    const char *code;       /* the finding to look at, or NULL */
    zl_severity sev;
    size_t n_entries;
    int fix_available;
    int fix_safe;
    const char *msg_has;    /* a piece of the message, or NULL */
} layout_case;

#define FN ZL_PROFILE_FUNCTION
#define LAYER ZL_PROFILE_LAYER

static const layout_case cases[] = {
    /* ZL101 fires */
    {"zl101-fire-wrapper.zip", FN, NULL, 0, "ZL101", "ZL101", ZL_SEV_ERROR, 8, 1, 1,
     "inside the folder 'lambdaPackage/' (it holds lambda_function.py)"},
    {"zl101-fire-wrapper.zip", FN, "lambda_function.lambda_handler", 0, "ZL101", "ZL101",
     ZL_SEV_ERROR, 8, 1, 1, "Unable to import module 'lambda_function'"},
    {"zl101-fire-distinfo.zip", FN, NULL, 0, "ZL101", "ZL101", ZL_SEV_ERROR, 7, 1, 1,
     "(it holds requests-2.31.0.dist-info/)"},
    {"zl101-fire-junk.zip", FN, NULL, 0, "ZL101", "ZL101", ZL_SEV_ERROR, 2, 1, 1,
     "inside the folder 'build/'"},
    {"zl101-fire-namespace.zip", FN, NULL, 0, "ZL101", "ZL101", ZL_SEV_WARNING, 2, 0, 0,
     "Give --handler"},
    {"zl101-fire-namespace.zip", FN, "users.handler", 0, "ZL101", "ZL101", ZL_SEV_ERROR, 2, 1,
     1, "'users' is inside the folder 'functions/'"},
    {"zl101-fire-layerlike.zip", FN, NULL, 0, "ZL101", "ZL101", ZL_SEV_INFO, 7, 0, 0,
     "use --profile layer"},
    {"zl101-ok-package.zip", FN, "handler.handler", 0, "ZL101", "ZL101", ZL_SEV_ERROR, 3, 1, 1,
     "inside the folder 'mypkg/'"},
    /* ZL101 must not fire */
    {"zl101-fire-namespace.zip", FN, "functions/users.handler", 0, "", NULL, 0, 0, 0, 0, NULL},
    {"zl101-fire-namespace.zip", FN, "functions.users.handler", 0, "", NULL, 0, 0, 0, 0, NULL},
    {"zl101-fire-layerlike.zip", LAYER, NULL, 0, "", NULL, 0, 0, 0, 0, NULL},
    {"zl101-ok-flat.zip", FN, NULL, 0, "", NULL, 0, 0, 0, 0, NULL},
    {"zl101-ok-flat.zip", FN, "lambda_function.lambda_handler", 0, "", NULL, 0, 0, 0, 0, NULL},
    {"zl101-ok-subpackage.zip", FN, NULL, 0, "", NULL, 0, 0, 0, 0, NULL},
    {"zl101-ok-subpackage.zip", FN, "app.handlers.main.handler", 0, "", NULL, 0, 0, 0, 0, NULL},
    {"zl101-ok-subpackage.zip", FN, "app/handlers/main.handler", 0, "", NULL, 0, 0, 0, 0, NULL},
    {"zl101-ok-package.zip", FN, NULL, 0, "", NULL, 0, 0, 0, 0, NULL},
    {"zl101-ok-package.zip", FN, "mypkg.handler.handler", 0, "", NULL, 0, 0, 0, 0, NULL},
    /* ZL102 fires */
    {"zl102-fire-root.zip", LAYER, NULL, 0, "ZL102", "ZL102", ZL_SEV_ERROR, 5, 1, 1,
     "5 Python files of this layer are outside python/"},
    {"zl102-fire-wrapper.zip", LAYER, NULL, 0, "ZL102", "ZL102", ZL_SEV_ERROR, 4, 1, 1,
     "only /opt/python on sys.path"},
    {"zl101-fire-wrapper.zip", LAYER, NULL, 0, "ZL102", "ZL102", ZL_SEV_ERROR, 5, 1, 1,
     "(for example 'lambdaPackage/lambda_function.py')"},
    {"zl102-ok-layer.zip", LAYER, NULL, 11, "ZL102", "ZL102", ZL_SEV_ERROR, 1, 0, 0,
     "rebuild the layer for python3.11"},
    {"zl102-ok-multiversion.zip", LAYER, NULL, 13, "ZL102", "ZL102", ZL_SEV_ERROR, 2, 0, 0,
     "than python3.13"},
    /* ZL102 must not fire */
    {"zl102-ok-layer.zip", LAYER, NULL, 0, "", NULL, 0, 0, 0, 0, NULL},
    {"zl102-ok-layer.zip", LAYER, NULL, 12, "", NULL, 0, 0, 0, 0, NULL},
    {"zl102-ok-multiversion.zip", LAYER, NULL, 11, "", NULL, 0, 0, 0, 0, NULL},
    {"zl102-ok-multiversion.zip", LAYER, NULL, 12, "", NULL, 0, 0, 0, 0, NULL},
    {"zl102-fire-root.zip", FN, NULL, 0, "", NULL, 0, 0, 0, 0, NULL},
    /* ZL103 fires */
    {"zl101-fire-wrapper.zip", FN, "missing.handler", 0, "ZL103", "ZL103", ZL_SEV_ERROR, 0, 0, 0,
     "none of missing.py, missing/__init__.py, missing.*.so or missing.pyc"},
    {"zl103-ok-modules.zip", FN, "pkgmod.sub.handler", 0, "ZL103", "ZL103", ZL_SEV_ERROR, 0, 0,
     0, "pkgmod/sub.py, pkgmod/sub/__init__.py"},
    {"zl103-ok-modules.zip", FN, "data.readme.handler", 0, "ZL103", "ZL103", ZL_SEV_ERROR, 0, 0,
     0, "Unable to import module 'data.readme'"},
    {"zl103-ok-modules.zip", FN, "fastmod2.handler", 0, "ZL103", "ZL103", ZL_SEV_ERROR, 0, 0, 0,
     "the module 'fastmod2'"},
    {"zl101-fire-layerlike.zip", FN, "requests.get", 0, "ZL101,ZL103", "ZL103", ZL_SEV_ERROR, 0,
     0, 0, "requests/__init__.py"},
    {"zl104-fire-empty.zip", FN, "lambda_function.lambda_handler", 0, "ZL103,ZL104", "ZL103",
     ZL_SEV_ERROR, 0, 0, 0, NULL},
    /* ZL103 must not fire: every form of module */
    {"zl103-ok-modules.zip", FN, "lambda_function.lambda_handler", 0, "", NULL, 0, 0, 0, 0,
     NULL},
    {"zl103-ok-modules.zip", FN, "fastmod.handler", 0, "", NULL, 0, 0, 0, 0, NULL},
    {"zl103-ok-modules.zip", FN, "plainext.handler", 0, "", NULL, 0, 0, 0, 0, NULL},
    {"zl103-ok-modules.zip", FN, "compiled.handler", 0, "", NULL, 0, 0, 0, 0, NULL},
    {"zl103-ok-modules.zip", FN, "pkgmod.handler", 0, "", NULL, 0, 0, 0, 0, NULL},
    {"zl103-ok-modules.zip", FN, "a.b.c.handler", 0, "", NULL, 0, 0, 0, 0, NULL},
    {"zl103-ok-modules.zip", FN, "a/b/c.handler", 0, "", NULL, 0, 0, 0, 0, NULL},
    /* a layer has no handler: only its layout is judged */
    {"zl103-ok-modules.zip", LAYER, "missing.handler", 0, "ZL102", NULL, 0, 0, 0, 0, NULL},
    /* ZL104 */
    {"zl104-fire-empty.zip", FN, NULL, 0, "ZL104", "ZL104", ZL_SEV_ERROR, 0, 0, 0,
     "\"Uploaded file must be a non-empty zip\""},
    {"zl104-fire-dirs.zip", FN, NULL, 0, "ZL104", "ZL104", ZL_SEV_ERROR, 2, 0, 0,
     "holds 2 entries but no file"},
    {"zl104-fire-dirs.zip", LAYER, NULL, 0, "ZL104", "ZL104", ZL_SEV_ERROR, 2, 0, 0, NULL},
    /* ZL105 */
    {"zl105-fire-backslash.zip", FN, NULL, 0, "ZL105", "ZL105", ZL_SEV_ERROR, 2, 1, 1,
     "2 names use '\\' as the folder separator (for example 'pkg\\__init__.py')"},
    {"zl105-fire-backslash.zip", FN, "pkg.mod.handler", 0, "ZL105", "ZL105", ZL_SEV_ERROR, 2, 1,
     1, NULL},
    {"zl105-fire-wrapper.zip", FN, NULL, 0, "ZL101,ZL105", "ZL101", ZL_SEV_ERROR, 2, 1, 1,
     "inside the folder 'build/'"},
    {"zl105-fire-wrapper.zip", LAYER, NULL, 0, "ZL102,ZL105", "ZL102", ZL_SEV_ERROR, 2, 1, 1,
     NULL},
    {"zl105-ok-windows.zip", FN, NULL, 0, "", NULL, 0, 0, 0, 0, NULL},
    {"zl105-ok-windows.zip", FN, "pkg.mod.handler", 0, "", NULL, 0, 0, 0, 0, NULL},
};

static void layout_opts(zl_options *o, zl_profile profile, const char *handler, int minor)
{
    zl_options_init(o);
    o->profile = profile;
    o->handler = handler;
    o->runtime_minor = minor;
    o->select = "ZL1";
}

START_TEST(test_layout_case)
{
    const layout_case *c = &cases[_i];
    zl_options o;
    tcheck t;
    layout_opts(&o, c->profile, c->handler, c->runtime_minor);
    tcheck_run(&t, c->fixture, &o);
    ck_assert_msg(strcmp(tcheck_codes(&t), c->codes) == 0, "%s (handler %s): codes '%s', want '%s'",
                  c->fixture, c->handler ? c->handler : "-", tcheck_codes(&t), c->codes);
    if (c->code != NULL) {
        const zl_finding *f = tcheck_finding(&t, c->code);
        ck_assert_ptr_nonnull(f);
        ck_assert_int_eq(f->severity, c->sev);
        ck_assert_uint_eq(f->n_entries, c->n_entries);
        ck_assert_int_eq(f->fix_available, c->fix_available);
        ck_assert_int_eq(f->fix_safe, c->fix_safe);
        ck_assert_ptr_nonnull(f->message);
        if (c->msg_has != NULL)
            ck_assert_msg(strstr(f->message, c->msg_has) != NULL, "%s: message '%s' lacks '%s'",
                          c->fixture, f->message, c->msg_has);
        for (size_t i = 0; i < f->n_entries; i++)
            ck_assert_int_le(f->entries[i].severity, f->severity);
    }
    tcheck_free(&t);
}
END_TEST

/* The entry an edit points at. */
static const zl_entry *edit_entry(const tcheck *t, const zl_edit *ed)
{
    ck_assert_uint_lt(ed->entry, t->ar->n_entries);
    return &t->ar->entries[ed->entry];
}

/* Runs the ZL1 rules over fixture (no handler); returns the finding with
 * this code, which must be there. */
static const zl_finding *layout_finding(tcheck *t, const char *fixture, zl_profile profile,
                                        int minor, const char *code)
{
    zl_options o;
    layout_opts(&o, profile, NULL, minor);
    tcheck_run(t, fixture, &o);
    const zl_finding *f = tcheck_finding(t, code);
    ck_assert_ptr_nonnull(f);
    return f;
}

START_TEST(test_zl101_reroot_edits)
{
    tcheck t;
    const zl_finding *f = layout_finding(&t, "zl101-fire-wrapper.zip", FN, 0, "ZL101");
    ck_assert_uint_eq(f->n_edits, 8);
    size_t deletes = 0;
    for (size_t i = 0; i < f->n_edits; i++) {
        const zl_edit *ed = &f->edits[i];
        const zl_entry *e = edit_entry(&t, ed);
        ck_assert(ed->safe);
        if (strcmp(e->name, "lambdaPackage/") == 0) {
            ck_assert_int_eq(ed->kind, ZL_EDIT_DELETE);
            deletes++;
        } else {
            ck_assert_int_eq(ed->kind, ZL_EDIT_RENAME);
            ck_assert_uint_eq(ed->strip, strlen("lambdaPackage/"));
            ck_assert_str_eq(ed->prefix, "");
            ck_assert(strncmp(e->name, "lambdaPackage/", 14) == 0);
        }
    }
    ck_assert_uint_eq(deletes, 1);
    const zl_finding_entry *fe = finding_entry(f, "lambdaPackage/lambda_function.py");
    ck_assert_ptr_nonnull(fe);
    ck_assert_str_eq(fe->detail, "at the root: lambda_function.py");
    ck_assert_int_eq(fe->severity, ZL_SEV_ERROR);
    ck_assert_ptr_nonnull(f->fix_description);
    ck_assert_ptr_nonnull(strstr(f->fix_description, "'lambdaPackage/'"));
    tcheck_free(&t);
}
END_TEST

/* The wrapper is found through backslashes; the rename strips the same
 * number of bytes from the raw name, and ZL105 turns the rest. */
START_TEST(test_zl101_backslash_wrapper)
{
    tcheck t;
    const zl_finding *f = layout_finding(&t, "zl105-fire-wrapper.zip", FN, 0, "ZL101");
    ck_assert_uint_eq(f->n_edits, 2);
    for (size_t i = 0; i < f->n_edits; i++) {
        ck_assert_int_eq(f->edits[i].kind, ZL_EDIT_RENAME);
        ck_assert_uint_eq(f->edits[i].strip, 6);
        ck_assert(strncmp(edit_entry(&t, &f->edits[i])->name, "build\\", 6) == 0);
    }
    ck_assert_ptr_nonnull(finding_entry(f, "build\\pkg\\__init__.py"));
    ck_assert_str_eq(finding_entry(f, "build\\pkg\\__init__.py")->detail,
                     "at the root: pkg/__init__.py");
    tcheck_free(&t);
}
END_TEST

/* Unsafe edits become available with --unsafe-fixes. */
START_TEST(test_zl101_namespace_unsafe)
{
    zl_options o;
    tcheck t;
    layout_opts(&o, FN, NULL, 0);
    o.unsafe_fixes = 1;
    tcheck_run(&t, "zl101-fire-namespace.zip", &o);
    const zl_finding *f = tcheck_finding(&t, "ZL101");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(f->severity, ZL_SEV_WARNING);
    ck_assert_int_eq(f->fix_available, 1);
    ck_assert_int_eq(f->fix_safe, 0);
    ck_assert_uint_eq(f->n_edits, 2);
    for (size_t i = 0; i < f->n_edits; i++)
        ck_assert(!f->edits[i].safe);
    ck_assert_ptr_nonnull(strstr(f->message, "'functions/users.handler'"));
    tcheck_free(&t);
}
END_TEST

START_TEST(test_zl101_layerlike_no_edits)
{
    tcheck t;
    const zl_finding *f = layout_finding(&t, "zl101-fire-layerlike.zip", FN, 0, "ZL101");
    ck_assert_uint_eq(f->n_edits, 0);
    ck_assert_ptr_null(f->fix_description);
    tcheck_free(&t);
}
END_TEST

START_TEST(test_zl102_root_edits)
{
    tcheck t;
    const zl_finding *f = layout_finding(&t, "zl102-fire-root.zip", LAYER, 0, "ZL102");
    /* requests/ (4 entries + 2 dirs), six.py, README.txt; bin/ and lib/ stay. */
    ck_assert_uint_eq(f->n_edits, 8);
    for (size_t i = 0; i < f->n_edits; i++) {
        const zl_edit *ed = &f->edits[i];
        const zl_entry *e = edit_entry(&t, ed);
        ck_assert_int_eq(ed->kind, ZL_EDIT_RENAME);
        ck_assert_uint_eq(ed->strip, 0);
        ck_assert_str_eq(ed->prefix, "python/");
        ck_assert(ed->safe);
        ck_assert(strncmp(e->name, "bin/", 4) != 0 && strncmp(e->name, "lib/", 4) != 0);
    }
    ck_assert_ptr_nonnull(finding_entry(f, "six.py"));
    ck_assert_str_eq(finding_entry(f, "six.py")->detail, "not under python/");
    ck_assert_ptr_null(finding_entry(f, "README.txt"));
    ck_assert_ptr_null(finding_entry(f, "lib/libfoo.so.1"));
    tcheck_free(&t);
}
END_TEST

START_TEST(test_zl102_wrapper_edits)
{
    tcheck t;
    const zl_finding *f = layout_finding(&t, "zl102-fire-wrapper.zip", LAYER, 0, "ZL102");
    ck_assert_uint_eq(f->n_edits, 8);
    size_t deletes = 0, to_python = 0, kept_bin = 0;
    for (size_t i = 0; i < f->n_edits; i++) {
        const zl_edit *ed = &f->edits[i];
        const zl_entry *e = edit_entry(&t, ed);
        if (ed->kind == ZL_EDIT_DELETE) {
            ck_assert_str_eq(e->name, "mylayer/");
            deletes++;
            continue;
        }
        ck_assert_int_eq(ed->kind, ZL_EDIT_RENAME);
        ck_assert_uint_eq(ed->strip, 8);
        if (strcmp(e->name, "mylayer/bin/tool") == 0) {
            ck_assert_str_eq(ed->prefix, "");
            kept_bin++;
        } else {
            ck_assert_str_eq(ed->prefix, "python/");
            to_python++;
        }
    }
    ck_assert_uint_eq(deletes, 1);
    ck_assert_uint_eq(kept_bin, 1);
    ck_assert_uint_eq(to_python, 6);
    ck_assert_ptr_nonnull(strstr(f->fix_description, "drop the folder 'mylayer/'"));
    tcheck_free(&t);
}
END_TEST

START_TEST(test_zl102_version_detail)
{
    tcheck t;
    const zl_finding *f = layout_finding(&t, "zl102-ok-layer.zip", LAYER, 11, "ZL102");
    ck_assert_uint_eq(f->n_edits, 0);
    const zl_finding_entry *fe = finding_entry(f, "python/lib/python3.12/site-packages/six.py");
    ck_assert_ptr_nonnull(fe);
    ck_assert_str_eq(fe->detail, "for python3.12; the runtime is python3.11");
    tcheck_free(&t);
}
END_TEST

START_TEST(test_zl105_edits)
{
    tcheck t;
    const zl_finding *f = layout_finding(&t, "zl105-fire-backslash.zip", FN, 0, "ZL105");
    ck_assert_uint_eq(f->n_edits, 2);
    for (size_t i = 0; i < f->n_edits; i++) {
        ck_assert_int_eq(f->edits[i].kind, ZL_EDIT_BACKSLASH);
        ck_assert(f->edits[i].safe);
        ck_assert_ptr_nonnull(strchr(edit_entry(&t, &f->edits[i])->name, '\\'));
    }
    ck_assert_str_eq(finding_entry(f, "pkg\\mod.py")->detail, "becomes pkg/mod.py");
    ck_assert_ptr_null(finding_entry(f, "lambda_function.py"));
    tcheck_free(&t);
}
END_TEST

/* The rule table: what `ziplint rules` and `explain` show. */
START_TEST(test_layout_rule_info)
{
    static const struct {
        const char *code, *name;
        zl_severity sev;
        zl_fix_kind fix;
    } want[] = {
        {"ZL101", "nested-top-level", ZL_SEV_ERROR, ZL_FIX_SAFE},
        {"ZL102", "layer-layout", ZL_SEV_ERROR, ZL_FIX_SAFE},
        {"ZL103", "handler-missing", ZL_SEV_ERROR, ZL_FIX_NONE},
        {"ZL104", "empty-archive", ZL_SEV_ERROR, ZL_FIX_NONE},
        {"ZL105", "backslash-path", ZL_SEV_ERROR, ZL_FIX_SAFE},
    };
    zl_ruleset *rs = NULL;
    zl_error err;
    ck_assert_int_eq(zl_ruleset_new(&rs, &err), ZL_OK);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const zl_rule_info *r = zl_ruleset_find(rs, want[i].code);
        ck_assert_ptr_nonnull(r);
        ck_assert_str_eq(r->name, want[i].name);
        ck_assert_int_eq(r->severity, want[i].sev);
        ck_assert_int_eq(r->fix, want[i].fix);
        ck_assert_int_eq(r->default_on, 1);
        ck_assert_ptr_nonnull(strchr(r->explain, '\n'));
        ck_assert_uint_gt(strlen(r->summary), 10);
    }
    ck_assert_str_eq(zl_ruleset_find(rs, "ZL104")->lambda_error,
                     "Uploaded file must be a non-empty zip");
    ck_assert_ptr_nonnull(strstr(zl_ruleset_find(rs, "ZL101")->lambda_error,
                                 "Unable to import module 'lambda_function'"));
    zl_ruleset_free(rs);
}
END_TEST

Suite *suite_layout(void)
{
    Suite *s = suite_create("layout");
    TCase *tc = tcase_create("cases");
    tcase_add_loop_test(tc, test_layout_case, 0, (int)(sizeof cases / sizeof cases[0]));
    suite_add_tcase(s, tc);
    tc = tcase_create("edits");
    tcase_add_test(tc, test_zl101_reroot_edits);
    tcase_add_test(tc, test_zl101_backslash_wrapper);
    tcase_add_test(tc, test_zl101_namespace_unsafe);
    tcase_add_test(tc, test_zl101_layerlike_no_edits);
    tcase_add_test(tc, test_zl102_root_edits);
    tcase_add_test(tc, test_zl102_wrapper_edits);
    tcase_add_test(tc, test_zl102_version_detail);
    tcase_add_test(tc, test_zl105_edits);
    tcase_add_test(tc, test_layout_rule_info);
    suite_add_tcase(s, tc);
    return s;
}
