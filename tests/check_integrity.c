/* check_integrity.c - the ZL6xx rules on the fixtures gen_integrity.py
 * writes: exact codes (with --select ZL6), severities, entries, details
 * and edits, with and without --verify and on fix; the refusals; and
 * ZL605's fix read back (method 8, content byte for byte). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_suites.h"

typedef enum mode { CHECK = 0, VERIFY = 1, FIX = 2 } mode;

static void opts_for(zl_options *o, mode m)
{
    zl_options_init(o);
    o->select = "ZL6";
    o->verify = m != CHECK;
    o->fixing = m == FIX;
}

/* ---- one finding entry per row ---- */

typedef struct entry_case {
    const char *fixture;
    mode mode;
    const char *codes;      /* every ZL6xx code found, in order */
    const char *code;       /* the finding this row looks at (NULL: none) */
    zl_severity severity;   /* of the finding */
    size_t n_entries;
    const char *entry;      /* an entry it lists (NULL: none asserted) */
    zl_severity entry_sev;
    const char *detail;     /* exact */
    size_t n_edits;
} entry_case;

static const entry_case entry_cases[] = {
    /* ZL601 */
    {"zl601-fire-paths.zip", CHECK, "ZL601", "ZL601", ZL_SEV_ERROR, 5, "../evil.py", ZL_SEV_ERROR,
     "'..' component", 0},
    {"zl601-fire-paths.zip", CHECK, "ZL601", "ZL601", ZL_SEV_ERROR, 5, "/etc/x", ZL_SEV_ERROR,
     "absolute name", 0},
    {"zl601-fire-paths.zip", CHECK, "ZL601", "ZL601", ZL_SEV_ERROR, 5, "C:\\x", ZL_SEV_ERROR,
     "drive letter", 0},
    {"zl601-fire-paths.zip", CHECK, "ZL601", "ZL601", ZL_SEV_ERROR, 5, "pkg\\..\\..\\up.py",
     ZL_SEV_ERROR, "'..' component", 0},
    {"zl601-fire-paths.zip", CHECK, "ZL601", "ZL601", ZL_SEV_ERROR, 5, "\\abs.py", ZL_SEV_ERROR,
     "absolute name (starts with a backslash)", 0},
    {"zl601-ok-dots.zip", FIX, "", NULL, 0, 0, NULL, 0, NULL, 0},
    /* ZL602 */
    {"zl602-fire-escape.zip", CHECK, "ZL602", "ZL602", ZL_SEV_ERROR, 3, "lib/passwd", ZL_SEV_ERROR,
     "-> ../../etc/passwd (leaves the archive root)", 0},
    {"zl602-fire-escape.zip", CHECK, "ZL602", "ZL602", ZL_SEV_ERROR, 3, "abs", ZL_SEV_ERROR,
     "-> /etc/passwd (absolute)", 0},
    {"zl602-fire-escape.zip", CHECK, "ZL602", "ZL602", ZL_SEV_ERROR, 3, "sneaky", ZL_SEV_ERROR,
     "-> /opt/../etc/shadow (absolute)", 0},
    {"zl602-fire-layer-target.zip", CHECK, "ZL602", "ZL602", ZL_SEV_INFO, 2, "bin/python",
     ZL_SEV_INFO, "-> /opt/python/bin/python3 (absolute, where Lambda puts layers or the "
     "function)", 0},
    {"zl602-fire-layer-target.zip", CHECK, "ZL602", "ZL602", ZL_SEV_INFO, 2, "task", ZL_SEV_INFO,
     "-> /var/task/lambda_function.py (absolute, where Lambda puts layers or the function)", 0},
    {"zl602-ok-inside.zip", FIX, "", NULL, 0, 0, NULL, 0, NULL, 0},
    /* ZL603 */
    {"zl603-fire-files.zip", CHECK, "ZL603", "ZL603", ZL_SEV_ERROR, 1, "pkg/util.py", ZL_SEV_ERROR,
     "2 entries with this name", 0},
    {"zl603-fire-dir-modes.zip", CHECK, "ZL603", "ZL603", ZL_SEV_ERROR, 1, "pkg/", ZL_SEV_ERROR,
     "2 entries with this name", 0},
    {"zl603-fire-dirs.zip", FIX, "ZL603", "ZL603", ZL_SEV_WARNING, 1, "pkg/", ZL_SEV_WARNING,
     "3 identical directory entries", 2},
    {"zl603-ok-similar.zip", FIX, "", NULL, 0, 0, NULL, 0, NULL, 0},
    /* ZL604 */
    {"zl604-fire-zipcrypto.zip", FIX, "ZL604", "ZL604", ZL_SEV_ERROR, 1, "lambda_function.py",
     ZL_SEV_ERROR, "traditional PKWARE encryption (ZipCrypto)", 0},
    {"zl604-ok-plain.zip", FIX, "", NULL, 0, 0, NULL, 0, NULL, 0},
    /* ZL605 */
    {"zl605-fire-bzip2.zip", CHECK, "ZL605", "ZL605", ZL_SEV_WARNING, 2, "pkg/helpers.py",
     ZL_SEV_WARNING, "bzip2 (method 12)", 2},
    {"zl605-fire-bzip2.zip", FIX, "ZL605", "ZL605", ZL_SEV_WARNING, 2, "lambda_function.py",
     ZL_SEV_WARNING, "bzip2 (method 12)", 2},
    {"zl605-fire-lzma.zip", CHECK, "ZL605", "ZL605", ZL_SEV_WARNING, 2, "pkg/helpers.py",
     ZL_SEV_WARNING, "LZMA (method 14)", 2},
    {"zl605-fire-lzma.zip", FIX, "ZL605", "ZL605", ZL_SEV_WARNING, 2, "pkg/helpers.py",
     ZL_SEV_WARNING, "LZMA (method 14)", 2},
    {"zl605-fire-zstd-xz.zip", VERIFY, "ZL605", "ZL605", ZL_SEV_WARNING, 3, "lambda_function.py",
     ZL_SEV_WARNING, "zstd (method 93)", 3},
    {"zl605-fire-zstd-xz.zip", FIX, "ZL605", "ZL605", ZL_SEV_WARNING, 3, "pkg/helpers.py",
     ZL_SEV_WARNING, "XZ (method 95)", 3},
    {"zl605-fire-zstd-xz.zip", FIX, "ZL605", "ZL605", ZL_SEV_WARNING, 3, "pkg/lzma.py",
     ZL_SEV_WARNING, "LZMA (method 14)", 3},
    {"zl605-fire-deflate64.zip", FIX, "ZL605", "ZL605", ZL_SEV_WARNING, 1, "pkg/old.py",
     ZL_SEV_WARNING, "deflate64 (method 9); no decoder here: not fixable", 0},
    /* A plain check promises the fix; decoding shows it is corrupt. */
    {"zl605-fire-zstd-badcrc.zip", CHECK, "ZL605", "ZL605", ZL_SEV_WARNING, 1, "pkg/helpers.py",
     ZL_SEV_WARNING, "zstd (method 93)", 1},
    {"zl605-fire-zstd-badcrc.zip", FIX, "ZL605,ZL606", "ZL605", ZL_SEV_WARNING, 1,
     "pkg/helpers.py", ZL_SEV_WARNING,
     "zstd (method 93); CRC mismatch: the data does not match its checksum: not fixable", 0},
    {"zl605-fire-zstd-badcrc.zip", VERIFY, "ZL605,ZL606", "ZL606", ZL_SEV_ERROR, 1,
     "pkg/helpers.py", ZL_SEV_ERROR, "CRC mismatch: the data does not match its checksum", 0},
    {"zl605-ok-methods.zip", FIX, "", NULL, 0, 0, NULL, 0, NULL, 0},
    /* ZL606 */
    {"zl606-fire-crc.zip", CHECK, "", NULL, 0, 0, NULL, 0, NULL, 0},
    {"zl606-fire-crc.zip", VERIFY, "ZL606", "ZL606", ZL_SEV_ERROR, 1, "pkg/helpers.py",
     ZL_SEV_ERROR, "CRC mismatch: the data does not match its checksum", 0},
    {"zl606-fire-local-name.zip", CHECK, "ZL606", "ZL606", ZL_SEV_ERROR, 1, "pkg/helpers.py",
     ZL_SEV_ERROR, "the local header names it differently", 0},
    {"zl606-fire-local-fields.zip", CHECK, "ZL606", "ZL606", ZL_SEV_ERROR, 4,
     "lambda_function.py", ZL_SEV_ERROR, "local header CRC 844adeb8, central directory 844adfb8",
     0},
    {"zl606-fire-local-fields.zip", CHECK, "ZL606", "ZL606", ZL_SEV_ERROR, 4, "pkg/a.py",
     ZL_SEV_ERROR, "local header says method 8, central directory 0", 0},
    {"zl606-fire-local-fields.zip", CHECK, "ZL606", "ZL606", ZL_SEV_ERROR, 4, "pkg/b.py",
     ZL_SEV_ERROR, "local header sizes 1120/1121, central directory 1120/1120", 0},
    {"zl606-fire-local-fields.zip", CHECK, "ZL606", "ZL606", ZL_SEV_ERROR, 4, "pkg/c.py",
     ZL_SEV_ERROR, "local header and central directory disagree on encryption", 0},
    {"zl606-fire-descriptor.zip", CHECK, "ZL606", "ZL606", ZL_SEV_ERROR, 2, "pkg/helpers.py",
     ZL_SEV_ERROR, "data descriptor (CRC 1f0b5570, sizes 1120/1127) disagrees with the central "
     "directory (CRC 1f0b5570, sizes 1120/1120)", 0},
    {"zl606-ok-descriptor.zip", FIX, "", NULL, 0, 0, NULL, 0, NULL, 0},
    /* ZL607 */
    {"zl607-fire-overlap.zip", FIX, "ZL607", "ZL607", ZL_SEV_ERROR, 1, "pkg/inner.py",
     ZL_SEV_ERROR, "its data overlaps 'pkg/outer.py'", 0},
    {"zl607-fire-shared.zip", CHECK, "ZL606,ZL607", "ZL607", ZL_SEV_ERROR, 1, "pkg/again.py",
     ZL_SEV_ERROR, "its data overlaps 'pkg/helpers.py'", 0},
    {"zl607-fire-ratio.zip", FIX, "ZL607", "ZL607", ZL_SEV_ERROR, 1, "zeros.bin", ZL_SEV_ERROR,
     "declares 20660 bytes from 20 compressed (more than deflate's 1032:1)", 0},
    {"zl607-fire-total.zip", FIX, "ZL607", "ZL607", ZL_SEV_ERROR, 0, NULL, 0, NULL, 0},
    {"zl607-ok-zeros.zip", FIX, "", NULL, 0, 0, NULL, 0, NULL, 0},
};

START_TEST(test_entry_case)
{
    const entry_case *c = &entry_cases[_i];
    zl_options o;
    opts_for(&o, c->mode);
    tcheck t;
    tcheck_run(&t, c->fixture, &o);
    ck_assert_msg(strcmp(tcheck_codes(&t), c->codes) == 0, "%s (mode %d): codes '%s', want '%s'",
                  c->fixture, c->mode, tcheck_codes(&t), c->codes);
    if (c->code != NULL) {
        const zl_finding *f = tcheck_finding(&t, c->code);
        ck_assert_ptr_nonnull(f);
        ck_assert_int_eq(f->severity, c->severity);
        ck_assert_uint_eq(f->n_entries, c->n_entries);
        ck_assert_uint_eq(f->n_edits, c->n_edits);
        ck_assert_ptr_nonnull(f->message);
        if (c->entry != NULL) {
            const zl_finding_entry *fe = finding_entry(f, c->entry);
            ck_assert_msg(fe != NULL, "%s: %s does not list '%s'", c->fixture, c->code, c->entry);
            ck_assert_int_eq(fe->severity, c->entry_sev);
            ck_assert_str_eq(fe->detail, c->detail);
        }
    }
    tcheck_free(&t);
}
END_TEST

/* ---- edits: what the fix would do ---- */

/* ZL605 decodes what it can under --verify and on fix; only the fix keeps
 * the data (a REPLACE edit), check --verify lets each entry go once it
 * is checked, so it holds one entry at a time, and ZL606 reads none again. */
START_TEST(test_zl605_keeps_data_only_to_fix)
{
    for (int m = VERIFY; m <= FIX; m++) {
        zl_options o;
        opts_for(&o, (mode)m);
        tcheck t;
        tcheck_run(&t, "zl605-fire-lzma.zip", &o);
        ck_assert_str_eq(tcheck_codes(&t), "ZL605");
        const zl_finding *f = tcheck_finding(&t, "ZL605");
        ck_assert_uint_eq(f->n_edits, 2);
        for (size_t k = 0; k < f->n_edits; k++) {
            const zl_edit *ed = &f->edits[k];
            const zl_entry *e = &t.ar->entries[ed->entry];
            ck_assert(e->data_ok);
            if (m == FIX) {
                ck_assert_int_eq(ed->kind, ZL_EDIT_REPLACE);
                ck_assert_ptr_nonnull(ed->data);
                ck_assert_uint_eq(ed->len, e->size);
            } else {
                ck_assert_int_eq(ed->kind, ZL_EDIT_RECOMPRESS);
                ck_assert_ptr_null(ed->data);
            }
        }
        tcheck_free(&t);
    }
}
END_TEST

START_TEST(test_zl603_deletes_later_duplicates)
{
    zl_options o;
    opts_for(&o, FIX);
    tcheck t;
    tcheck_run(&t, "zl603-fire-dirs.zip", &o);
    const zl_finding *f = tcheck_finding(&t, "ZL603");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(f->fix_available, 1);
    ck_assert_int_eq(f->fix_safe, 1);
    /* Entries 0, 2 and 4 are "pkg/": the first is kept. */
    ck_assert_uint_eq(f->n_edits, 2);
    ck_assert_int_eq(f->edits[0].kind, ZL_EDIT_DELETE);
    ck_assert_uint_eq(f->edits[0].entry, 2);
    ck_assert_int_eq(f->edits[1].kind, ZL_EDIT_DELETE);
    ck_assert_uint_eq(f->edits[1].entry, 4);
    ck_assert(f->edits[0].safe && f->edits[1].safe);
    zl_error err;
    zl_plan *plan = NULL;
    ck_assert_int_eq(zl_plan_new(&plan, t.ar, t.res, &o, &err), ZL_OK);
    ck_assert(!plan->entries[0].deleted);
    ck_assert(plan->entries[2].deleted && plan->entries[4].deleted);
    zl_plan_free(plan);
    tcheck_free(&t);
}
END_TEST

START_TEST(test_zl605_edits)
{
    zl_options o;
    tcheck t;
    /* bzip2: libzip decodes it; the writer re-deflates. */
    opts_for(&o, FIX);
    tcheck_run(&t, "zl605-fire-bzip2.zip", &o);
    const zl_finding *f = tcheck_finding(&t, "ZL605");
    ck_assert_ptr_nonnull(f);
    for (size_t i = 0; i < f->n_edits; i++) {
        ck_assert_int_eq(f->edits[i].kind, ZL_EDIT_RECOMPRESS);
        ck_assert(f->edits[i].safe);
    }
    ck_assert_int_eq(f->fix_available, 1);
    ck_assert_str_eq(f->fix_description, "recompress 2 entries with deflate (content unchanged)");
    tcheck_free(&t);

    /* zstd/XZ/LZMA on fix: decoded here, replaced with the exact content. */
    tcheck_run(&t, "zl605-fire-zstd-xz.zip", &o);
    f = tcheck_finding(&t, "ZL605");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(f->n_edits, 3);
    for (size_t i = 0; i < f->n_edits; i++) {
        const zl_edit *ed = &f->edits[i];
        const zl_entry *e = &t.ar->entries[ed->entry];
        ck_assert_int_eq(ed->kind, ZL_EDIT_REPLACE);
        ck_assert_uint_eq(ed->len, e->size);
        ck_assert_ptr_nonnull(ed->data);
    }
    const zl_edit *h = &f->edits[0];
    ck_assert_str_eq(t.ar->entries[h->entry].name, "lambda_function.py");
    ck_assert(h->len > 20 && memcmp(h->data, "def lambda_handler(", 19) == 0);
    tcheck_free(&t);
}
END_TEST

/* A promise from a plain check is never applied to a method libzip cannot
 * decode: the plan refuses instead of failing half-way. */
START_TEST(test_zl605_promise_refused)
{
    zl_options o;
    opts_for(&o, CHECK);
    tcheck t;
    tcheck_run(&t, "zl605-fire-zstd-xz.zip", &o);
    zl_error err;
    zl_plan *plan = NULL;
    ck_assert_int_eq(zl_plan_new(&plan, t.ar, t.res, &o, &err), ZL_E_REFUSED);
    ck_assert_ptr_null(plan);
    ck_assert_ptr_nonnull(strstr(err.message, "compression method 93 cannot be decoded"));
    tcheck_free(&t);
}
END_TEST

/* ---- refusals ---- */

static const char *const refused_fixtures[] = {
    "zl601-fire-paths.zip",     "zl602-fire-escape.zip",     "zl603-fire-files.zip",
    "zl603-fire-dir-modes.zip", "zl604-fire-zipcrypto.zip",  "zl605-fire-zstd-badcrc.zip",
    "zl606-fire-crc.zip",       "zl606-fire-local-name.zip", "zl606-fire-local-fields.zip",
    "zl606-fire-descriptor.zip", "zl607-fire-overlap.zip",   "zl607-fire-shared.zip",
    "zl607-fire-ratio.zip",     "zl607-fire-total.zip",
};

START_TEST(test_refused)
{
    const char *name = refused_fixtures[_i];
    char *path = copy_fixture(name);
    size_t before_len = 0, after_len = 0;
    unsigned char *before = read_file(path, &before_len);
    zl_options o;
    zl_options_init(&o);
    o.verify = 1;
    o.fixing = 1;
    tcheck t;
    tcheck_run_path(&t, path, &o);
    zl_error err;
    zl_plan *plan = NULL;
    int rc = zl_plan_new(&plan, t.ar, t.res, &o, &err);
    ck_assert_msg(rc == ZL_E_REFUSED, "%s: plan %d, want refused", name, rc);
    ck_assert_ptr_null(plan);
    ck_assert_ptr_nonnull(strstr(err.message, "fix refused: ZL60"));
    ck_assert_ptr_nonnull(strstr(err.message, name));
    tcheck_free(&t);
    unsigned char *after = read_file(path, &after_len);
    ck_assert_uint_eq(before_len, after_len);
    ck_assert(memcmp(before, after, before_len) == 0);
    free(before);
    free(after);
    rm_tree(path);
    free(path);
}
END_TEST

/* Info-only ZL602 (symlinks into /opt/) does not stop a fix. */
START_TEST(test_layer_symlink_not_refused)
{
    zl_options o;
    opts_for(&o, FIX);
    o.select = NULL;
    tcheck t;
    tcheck_run(&t, "zl602-fire-layer-target.zip", &o);
    ck_assert_ptr_nonnull(tcheck_finding(&t, "ZL602"));
    zl_error err;
    zl_plan *plan = NULL;
    ck_assert_int_eq(zl_plan_new(&plan, t.ar, t.res, &o, &err), ZL_OK);
    zl_plan_free(plan);
    tcheck_free(&t);
}
END_TEST

/* ---- ZL605 and ZL603 fixes, read back ---- */

typedef struct fix_case {
    const char *fixture;
    const char *codes;
    size_t n_entries_after;
} fix_case;

static const fix_case fix_cases[] = {
    {"zl605-fire-bzip2.zip", "ZL605", 2},
    {"zl605-fire-lzma.zip", "ZL605", 2},
    {"zl605-fire-zstd-xz.zip", "ZL605", 3},
    {"zl603-fire-dirs.zip", "ZL603", 3},
};

/* Every entry's decompressed bytes, by name, from the original: libzip
 * for what it decodes, the ZL605 replacement data for the rest. */
START_TEST(test_fix_read_back)
{
    const fix_case *c = &fix_cases[_i];
    char *path = copy_fixture(c->fixture);
    zl_options o;
    zl_options_init(&o);
    o.select = "ZL6";
    o.verify = 1;
    o.fixing = 1;
    tcheck t;
    tcheck_run_path(&t, path, &o);
    ck_assert_str_eq(tcheck_codes(&t), c->codes);
    const zl_finding *f605 = tcheck_finding(&t, "ZL605");
    /* The expected content of every entry, kept before the write. */
    size_t n = t.ar->n_entries;
    unsigned char **want = calloc(n, sizeof *want);
    size_t *want_len = calloc(n, sizeof *want_len);
    char **names = calloc(n, sizeof *names);
    for (size_t i = 0; i < n; i++) {
        zl_entry *e = &t.ar->entries[i];
        names[i] = zl_strdup(e->name);
        const zl_edit *rep = NULL;
        for (size_t k = 0; f605 != NULL && k < f605->n_edits; k++)
            if (f605->edits[k].entry == i && f605->edits[k].kind == ZL_EDIT_REPLACE)
                rep = &f605->edits[k];
        if (rep != NULL) {
            want[i] = malloc(rep->len + 1);
            memcpy(want[i], rep->data, rep->len);
            want_len[i] = rep->len;
        } else {
            zl_error rerr;
            ck_assert_int_eq(zl_entry_read_all(t.ar, e, 1 << 20, &want[i], &want_len[i], &rerr),
                             ZL_OK);
        }
    }
    zl_error err;
    zl_plan *plan = NULL;
    ck_assert_int_eq(zl_plan_new(&plan, t.ar, t.res, &o, &err), ZL_OK);
    ck_assert(!zl_plan_is_empty(plan));
    int rc = zl_plan_apply(plan, NULL, &err);
    ck_assert_msg(rc == ZL_OK, "apply: %s", err.message);
    zl_plan_free(plan);
    tcheck_free(&t);

    /* Read back with libzip: the same bytes; ZL605's entries deflated. */
    int zerr = 0;
    zip_t *za = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
    ck_assert_ptr_nonnull(za);
    ck_assert_int_eq(zip_get_num_entries(za, 0), (zip_int64_t)c->n_entries_after);
    for (size_t i = 0; i < n; i++) {
        zip_int64_t idx = zip_name_locate(za, names[i], ZIP_FL_ENC_RAW);
        ck_assert_msg(idx >= 0, "%s: '%s' is missing", c->fixture, names[i]);
        zip_stat_t st;
        ck_assert_int_eq(zip_stat_index(za, (zip_uint64_t)idx, 0, &st), 0);
        if (st.size > 0 && strcmp(c->codes, "ZL605") == 0)
            ck_assert_msg(st.comp_method == ZIP_CM_DEFLATE, "%s: '%s' has method %u", c->fixture,
                          names[i], (unsigned)st.comp_method);
        ck_assert_uint_eq(st.size, want_len[i]);
        unsigned char *got = malloc(st.size + 1);
        zip_file_t *zf = zip_fopen_index(za, (zip_uint64_t)idx, 0);
        ck_assert_ptr_nonnull(zf);
        ck_assert_int_eq(zip_fread(zf, got, st.size), (zip_int64_t)st.size);
        zip_fclose(zf);
        ck_assert(want_len[i] == 0 || memcmp(got, want[i], want_len[i]) == 0);
        free(got);
    }
    zip_close(za);

    /* Checked again: nothing left for ZL6. */
    opts_for(&o, VERIFY);
    tcheck_run_path(&t, path, &o);
    ck_assert_str_eq(tcheck_codes(&t), "");
    tcheck_free(&t);

    for (size_t i = 0; i < n; i++) {
        free(want[i]);
        free(names[i]);
    }
    free(want);
    free(want_len);
    free(names);
    rm_tree(path);
    free(path);
}
END_TEST

/* ---- the reader: local headers and data descriptors ---- */

START_TEST(test_local_descriptor)
{
    zl_error err;
    zl_archive *ar = NULL;
    ck_assert_int_eq(zl_archive_open(&ar, fixture_path("zl606-ok-descriptor.zip"), &err), ZL_OK);
    ck_assert(ar->cd_ok);
    for (size_t i = 0; i < ar->n_entries; i++) {
        zl_local lh;
        ck_assert_int_eq(zl_entry_local(ar, &ar->entries[i], &lh), ZL_OK);
        ck_assert(lh.flags & 0x08);
        ck_assert(lh.name_matches);
        ck_assert(lh.dd_found);
        ck_assert_uint_eq(lh.dd_crc, ar->entries[i].crc);
        ck_assert_uint_eq(lh.dd_size, ar->entries[i].size);
        ck_assert_uint_eq(lh.dd_comp_size, ar->entries[i].cd_comp_size);
    }
    zl_archive_close(ar);
}
END_TEST

/* Rule metadata: severities, fixes and Lambda's error as rules.md says. */
START_TEST(test_rule_table)
{
    zl_error err;
    zl_ruleset *rs = NULL;
    ck_assert_int_eq(zl_ruleset_new(&rs, &err), ZL_OK);
    static const struct {
        const char *code, *name;
        zl_severity sev;
        zl_fix_kind fix;
        int unzip_error;
    } want[] = {
        {"ZL601", "unsafe-path", ZL_SEV_ERROR, ZL_FIX_NONE, 1},
        {"ZL602", "unsafe-symlink", ZL_SEV_ERROR, ZL_FIX_NONE, 0},
        {"ZL603", "duplicate-entry", ZL_SEV_ERROR, ZL_FIX_SAFE, 0},
        {"ZL604", "encrypted-entry", ZL_SEV_ERROR, ZL_FIX_NONE, 1},
        {"ZL605", "compression-method", ZL_SEV_WARNING, ZL_FIX_SAFE, 1},
        {"ZL606", "corrupt-entry", ZL_SEV_ERROR, ZL_FIX_NONE, 1},
        {"ZL607", "zip-bomb", ZL_SEV_ERROR, ZL_FIX_NONE, 1},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const zl_rule_info *r = zl_ruleset_find(rs, want[i].code);
        ck_assert_ptr_nonnull(r);
        ck_assert_str_eq(r->name, want[i].name);
        ck_assert_int_eq(r->severity, want[i].sev);
        ck_assert_int_eq(r->fix, want[i].fix);
        ck_assert_int_eq(r->default_on, 1);
        ck_assert_str_eq(r->lambda_error,
                         want[i].unzip_error ? "Could not unzip uploaded file. Please check your "
                                               "file, then try to upload again."
                                             : "");
    }
    zl_ruleset_free(rs);
}
END_TEST

/* Every integrity rule runs on a fix, whatever is selected. */
START_TEST(test_fix_forces_integrity)
{
    zl_options o;
    zl_options_init(&o);
    o.select = "ZL201";
    o.fixing = 1;
    o.verify = 1;
    tcheck t;
    tcheck_run(&t, "zl601-fire-paths.zip", &o);
    ck_assert_ptr_nonnull(tcheck_finding(&t, "ZL601"));
    tcheck_free(&t);
}
END_TEST

Suite *suite_integrity(void)
{
    Suite *s = suite_create("integrity");
    TCase *tc = tcase_create("rules");
    tcase_add_loop_test(tc, test_entry_case, 0, (int)(sizeof entry_cases / sizeof entry_cases[0]));
    tcase_add_test(tc, test_zl603_deletes_later_duplicates);
    tcase_add_test(tc, test_zl605_keeps_data_only_to_fix);
    tcase_add_test(tc, test_zl605_edits);
    tcase_add_test(tc, test_zl605_promise_refused);
    tcase_add_test(tc, test_local_descriptor);
    tcase_add_test(tc, test_rule_table);
    tcase_add_test(tc, test_fix_forces_integrity);
    suite_add_tcase(s, tc);
    TCase *tf = tcase_create("fix");
    tcase_set_timeout(tf, 30);
    tcase_add_loop_test(tf, test_refused, 0,
                        (int)(sizeof refused_fixtures / sizeof refused_fixtures[0]));
    tcase_add_test(tf, test_layer_symlink_not_refused);
    tcase_add_loop_test(tf, test_fix_read_back, 0, (int)(sizeof fix_cases / sizeof fix_cases[0]));
    suite_add_tcase(s, tf);
    return s;
}
