/* check_modes.c - the ZL2xx permission rules, zl_entry_is_executable and
 * the sniffer (what an entry is from its first bytes, libmagic's words). */
#include "config.h"

#include <string.h>

#include "check_suites.h"

#define NO_EDIT (-2)
#define DELETE  (-1)

/* One entry a finding must list: its severity, detail and edit (a CHMOD
 * mode, DELETE or NO_EDIT). */
typedef struct want_entry {
    const char *code, *name;
    zl_severity sev;
    const char *detail;
    int edit;
} want_entry;

typedef struct want_finding {
    const char *code;
    zl_severity sev;
    size_t n_entries;
} want_finding;

typedef struct mode_case {
    const char *fixture;
    const char *codes; /* exact, with select = "ZL2" */
    want_finding findings[5];
    want_entry entries[12];
} mode_case;

#define E ZL_SEV_ERROR
#define W ZL_SEV_WARNING
#define I ZL_SEV_INFO

static const mode_case cases[] = {
    {"zl201-fire-private-modes.zip",
     "ZL201,ZL202",
     {{"ZL201", E, 3}, {"ZL202", E, 1}},
     {{"ZL201", "lambda_function.py", E, "0600 -> 0644", 0644},
      {"ZL201", "mylib/__init__.py", E, "0600 -> 0644", 0644},
      {"ZL201", "mylib/util.py", E, "0600 -> 0644", 0644},
      {"ZL202", "mylib/", E, "0700 -> 0755", 0755}}},
    {"zl201-fire-mixed.zip",
     "ZL201",
     {{"ZL201", E, 5}},
     {{"ZL201", "a.py", E, "0640 -> 0644", 0644},
      {"ZL201", "b.py", I, "0444 -> 0644", 0644},
      {"ZL201", "c.py", I, "0666 -> 0644", 0644},
      {"ZL201", "tool.sh", E, "0700 -> 0755", 0755},
      {"ZL201", "data.txt", I, "0664 -> 0644", 0644}}},
    /* umask 002: info only, never an error */
    {"zl201-fire-umask002.zip",
     "ZL201,ZL202",
     {{"ZL201", I, 3}, {"ZL202", I, 1}},
     {{"ZL201", "lambda_function.py", I, "0664 -> 0644", 0644},
      {"ZL201", "pkg/__init__.py", I, "0664 -> 0644", 0644},
      {"ZL201", "pkg/run.sh", I, "0775 -> 0755", 0755},
      {"ZL202", "pkg/", I, "0775 -> 0755", 0755}}},
    {"zl201-ok-clean.zip", "", {{NULL, 0, 0}}, {{NULL, NULL, 0, NULL, 0}}},
    {"zl202-fire-dirs.zip",
     "ZL202",
     {{"ZL202", E, 3}},
     {{"ZL202", "a/", E, "0750 -> 0755", 0755},
      {"ZL202", "b/", I, "0775 -> 0755", 0755},
      {"ZL202", "c/", I, "0777 -> 0755", 0755}}},
    {"zl202-ok-dirs.zip",
     "ZL201",
     {{"ZL201", I, 1}},
     {{"ZL201", "lambda_function.py", I, "0664 -> 0644", 0644}}},
    /* a pure-Python zip made on Windows: ZL203 info and nothing else */
    {"zl203-fire-windows.zip",
     "ZL203",
     {{"ZL203", I, 3}},
     {{"ZL203", "lambda_function.py", I, "no Unix mode (MS-DOS host) -> 0644", 0644},
      {"ZL203", "pkg/", I, "no Unix mode (MS-DOS host) -> 0755", 0755},
      {"ZL203", "pkg/__init__.py", I, "no Unix mode (MS-DOS host) -> 0644", 0644}}},
    {"zl203-fire-other-hosts.zip",
     "ZL203",
     {{"ZL203", I, 2}},
     {{"ZL203", "lambda_function.py", I, "no Unix mode (NTFS host) -> 0644", 0644},
      {"ZL203", "mod.py", I, "no Unix mode (Unix host) -> 0644", 0644}}},
    {"zl203-ok-bare-mode.zip", "", {{NULL, 0, 0}}, {{NULL, NULL, 0, NULL, 0}}},
    {"zl204-fire-bootstrap.zip",
     "ZL204",
     {{"ZL204", E, 1}},
     {{"ZL204", "bootstrap", E, "0644 -> 0755", 0755}}},
    {"zl204-fire-bin-elf.zip",
     "ZL201,ZL204",
     {{"ZL201", I, 1}, {"ZL204", E, 2}},
     {{"ZL201", "extensions/agent", I, "0744 -> 0755", 0755},
      {"ZL204", "bin/tool", E, "0644 -> 0755", 0755},
      {"ZL204", "extensions/agent", E, "0744 -> 0755", 0755}}},
    {"zl204-fire-wrapped.zip",
     "ZL201,ZL204",
     {{"ZL201", E, 1}, {"ZL204", E, 2}},
     {{"ZL201", "runtime/bin/tool", E, "0600 -> 0755", 0755},
      {"ZL204", "runtime/bootstrap", E, "0644 -> 0755", 0755},
      {"ZL204", "runtime/bin/tool", E, "0600 -> 0755", 0755}}},
    {"zl204-fire-windows-bootstrap.zip",
     "ZL203,ZL204",
     {{"ZL203", I, 2}, {"ZL204", E, 1}},
     {{"ZL203", "bootstrap", I, "no Unix mode (MS-DOS host) -> 0755", 0755},
      {"ZL203", "function.py", I, "no Unix mode (MS-DOS host) -> 0644", 0644},
      {"ZL204", "bootstrap", E, "no Unix mode (MS-DOS host) -> 0755", 0755}}},
    {"zl204-fire-symlink-bootstrap.zip",
     "ZL204",
     {{"ZL204", E, 1}},
     {{"ZL204", "runtime/start.sh", E, "0644 -> 0755", 0755}}},
    {"zl204-ok-script-bootstrap.zip", "", {{NULL, 0, 0}}, {{NULL, NULL, 0, NULL, 0}}},
    {"zl205-fire-setuid.zip",
     "ZL202,ZL205",
     {{"ZL202", I, 1}, {"ZL205", W, 3}},
     {{"ZL202", "tmp/", I, "1777 -> 0755", 0755},
      {"ZL205", "bin/tool", W, "4755 -> 0755 (setuid)", 0755},
      {"ZL205", "shared.txt", W, "2644 -> 0644 (setgid)", 0644},
      {"ZL205", "tmp/", W, "1777 -> 0755 (sticky)", 0755}}},
    {"zl205-fire-fifo.zip",
     "ZL205",
     {{"ZL205", W, 1}},
     {{"ZL205", "pipe", W, "fifo -> delete", DELETE}}},
    {"zl205-ok-plain.zip", "", {{NULL, 0, 0}}, {{NULL, NULL, 0, NULL, 0}}},
};

/* The finding's edit of the entry with this name, or NULL. */
static const zl_edit *edit_for(const tcheck *t, const zl_finding *f, const char *name)
{
    for (size_t k = 0; k < f->n_edits; k++)
        if (strcmp(t->ar->entries[f->edits[k].entry].name, name) == 0)
            return &f->edits[k];
    return NULL;
}

START_TEST(test_mode_case)
{
    const mode_case *c = &cases[_i];
    zl_options opt;
    zl_options_init(&opt);
    opt.select = "ZL2";
    tcheck t;
    tcheck_run(&t, c->fixture, &opt);
    ck_assert_msg(strcmp(tcheck_codes(&t), c->codes) == 0, "%s: codes '%s', want '%s'", c->fixture,
                  tcheck_codes(&t), c->codes);
    for (const want_finding *wf = c->findings; wf->code != NULL; wf++) {
        const zl_finding *f = tcheck_finding(&t, wf->code);
        ck_assert_ptr_nonnull(f);
        ck_assert_msg(f->severity == wf->sev, "%s %s: severity %d", c->fixture, wf->code,
                      f->severity);
        ck_assert_msg(f->n_entries == wf->n_entries, "%s %s: %zu entries", c->fixture, wf->code,
                      f->n_entries);
        /* one edit per listed entry, every one safe */
        ck_assert_uint_eq(f->n_edits, f->n_entries);
        ck_assert_int_eq(f->fix_available, 1);
        ck_assert_int_eq(f->fix_safe, 1);
        ck_assert_ptr_nonnull(f->message);
        ck_assert_ptr_nonnull(f->fix_description);
    }
    for (const want_entry *we = c->entries; we->code != NULL; we++) {
        const zl_finding *f = tcheck_finding(&t, we->code);
        ck_assert_ptr_nonnull(f);
        const zl_finding_entry *fe = finding_entry(f, we->name);
        ck_assert_msg(fe != NULL, "%s %s: %s not listed", c->fixture, we->code, we->name);
        ck_assert_msg(fe->severity == we->sev, "%s %s %s: severity %d", c->fixture, we->code,
                      we->name, fe->severity);
        ck_assert_str_eq(fe->detail, we->detail);
        const zl_edit *ed = edit_for(&t, f, we->name);
        if (we->edit == NO_EDIT) {
            ck_assert_ptr_null(ed);
        } else {
            ck_assert_ptr_nonnull(ed);
            ck_assert(ed->safe);
            if (we->edit == DELETE) {
                ck_assert_int_eq(ed->kind, ZL_EDIT_DELETE);
            } else {
                ck_assert_int_eq(ed->kind, ZL_EDIT_CHMOD);
                ck_assert_msg(ed->mode == (uint32_t)we->edit, "%s %s %s: mode %04o", c->fixture,
                              we->code, we->name, ed->mode);
            }
        }
    }
    tcheck_free(&t);
}
END_TEST

/* Two rules that chmod the same entry ask for the same mode. */
START_TEST(test_chmod_edits_agree)
{
    static const char *const fixtures[] = {"zl204-fire-wrapped.zip",
                                           "zl204-fire-windows-bootstrap.zip",
                                           "zl205-fire-setuid.zip", "zl204-fire-bin-elf.zip"};
    zl_options opt;
    zl_options_init(&opt);
    opt.select = "ZL2";
    for (size_t k = 0; k < sizeof fixtures / sizeof fixtures[0]; k++) {
        tcheck t;
        tcheck_run(&t, fixtures[k], &opt);
        size_t n = zl_archive_entry_count(t.ar), overlaps = 0;
        for (size_t i = 0; i < n; i++) {
            long mode = -1;
            for (size_t r = 0; r < zl_result_count(t.res); r++) {
                const zl_finding *f = zl_result_finding(t.res, r);
                for (size_t j = 0; j < f->n_edits; j++) {
                    if (f->edits[j].entry != i || f->edits[j].kind != ZL_EDIT_CHMOD)
                        continue;
                    if (mode >= 0) {
                        ck_assert_int_eq(mode, (long)f->edits[j].mode);
                        overlaps++;
                    }
                    mode = (long)f->edits[j].mode;
                }
            }
        }
        ck_assert_uint_eq(overlaps, 1); /* every fixture has one entry two rules chmod */
        tcheck_free(&t);
    }
}
END_TEST

/* The default rule set: a Windows pure-Python zip gets no error from any
 * family of rules that is not a stub (ZL2xx: only ZL203 info). */
START_TEST(test_windows_zip_no_error)
{
    tcheck t;
    tcheck_run(&t, "zl203-fire-windows.zip", NULL);
    const zl_finding *f = tcheck_finding(&t, "ZL203");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(f->severity, ZL_SEV_INFO);
    for (size_t i = 0; i < zl_result_count(t.res); i++) {
        const zl_finding *g = zl_result_finding(t.res, i);
        if (strncmp(g->rule->code, "ZL2", 3) == 0)
            ck_assert_str_eq(g->rule->code, "ZL203");
    }
    tcheck_free(&t);
}
END_TEST

typedef struct message_case {
    const char *fixture, *code, *want; /* want: a substring of the message */
} message_case;

static const message_case message_cases[] = {
    {"zl201-fire-private-modes.zip", "ZL201", "cannot read them"},
    {"zl201-fire-mixed.zip", "ZL201", "(3 other files are readable, but not 0644/0755)"},
    {"zl201-fire-umask002.zip", "ZL201", "3 files are readable but not 0644/0755"},
    {"zl202-fire-dirs.zip", "ZL202", "1 folder lacks world read+execute (o+rx)"},
    {"zl203-fire-windows.zip", "ZL203", "(MS-DOS): Lambda extracts them 0666"},
    {"zl203-fire-other-hosts.zip", "ZL203", "(several hosts)"},
    {"zl204-fire-bin-elf.zip", "ZL204", "2 executables cannot be run"},
    {"zl205-fire-fifo.zip", "ZL205", "1 entry is a device, fifo or socket"},
    {"zl205-fire-setuid.zip", "ZL205", "3 entries have setuid/setgid/sticky bits"},
};

START_TEST(test_message)
{
    const message_case *c = &message_cases[_i];
    zl_options opt;
    zl_options_init(&opt);
    opt.select = c->code;
    tcheck t;
    tcheck_run(&t, c->fixture, &opt);
    const zl_finding *f = tcheck_finding(&t, c->code);
    ck_assert_ptr_nonnull(f);
    ck_assert_msg(strstr(f->message, c->want) != NULL, "%s: '%s' lacks '%s'", c->fixture,
                  f->message, c->want);
    tcheck_free(&t);
}
END_TEST

START_TEST(test_rule_defs)
{
    static const struct {
        const char *code, *name;
        zl_severity sev;
    } want[] = {{"ZL201", "file-mode", ZL_SEV_ERROR},
                {"ZL202", "dir-mode", ZL_SEV_ERROR},
                {"ZL203", "no-unix-mode", ZL_SEV_INFO},
                {"ZL204", "exec-bit-missing", ZL_SEV_ERROR},
                {"ZL205", "special-file", ZL_SEV_WARNING}};
    zl_ruleset *rs = NULL;
    zl_error err;
    ck_assert_int_eq(zl_ruleset_new(&rs, &err), ZL_OK);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const zl_rule_info *r = zl_ruleset_find(rs, want[i].code);
        ck_assert_ptr_nonnull(r);
        ck_assert_str_eq(r->name, want[i].name);
        ck_assert_int_eq(r->severity, want[i].sev);
        ck_assert_int_eq(r->fix, ZL_FIX_SAFE);
        ck_assert_int_eq(r->default_on, 1);
        ck_assert(strlen(r->summary) > 10);
        ck_assert(strchr(r->explain, '\n') != NULL);
    }
    ck_assert(strstr(zl_ruleset_find(rs, "ZL204")->explain,
                     "fork/exec /var/task/bootstrap: permission denied") != NULL);
    ck_assert(strstr(zl_ruleset_find(rs, "ZL201")->explain,
                     "PermissionError: [Errno 13] Permission denied") != NULL);
    zl_ruleset_free(rs);
}
END_TEST

/* ---- zl_entry_is_executable ---- */

typedef struct exec_case {
    const char *fixture, *name;
    int want;
} exec_case;

static const exec_case exec_cases[] = {
    {"zl204-fire-bin-elf.zip", "bin/tool", 1},           /* PIE */
    {"zl204-fire-bin-elf.zip", "bin/libfoo.so", 0},      /* shared library */
    {"zl204-fire-bin-elf.zip", "bin/README", 0},         /* text */
    {"zl204-fire-bin-elf.zip", "extensions/agent", 1},   /* ET_EXEC */
    {"zl204-fire-bin-elf.zip", "lambda_function.py", 0}, /* not under bin/ */
    {"zl204-fire-wrapped.zip", "runtime/bootstrap", 1},  /* wrapper dropped */
    {"zl204-fire-wrapped.zip", "runtime/bin/tool", 1},
    {"zl204-fire-symlink-bootstrap.zip", "runtime/start.sh", 1}, /* link target */
    {"zl204-fire-symlink-bootstrap.zip", "bootstrap", 0},        /* the link itself */
    {"zl204-fire-bootstrap.zip", "bootstrap", 1},
    {"zl201-fire-mixed.zip", "tool.sh", 0}, /* a script, but not under bin/ */
    {"zl204-fire-windows-bootstrap.zip", "bootstrap", 1},
};

START_TEST(test_is_executable)
{
    const exec_case *c = &exec_cases[_i];
    zl_options opt;
    zl_options_init(&opt);
    opt.select = "ZL2";
    tcheck t;
    tcheck_run(&t, c->fixture, &opt);
    long idx = zl_archive_find(t.ar, c->name, strlen(c->name));
    ck_assert_int_ge(idx, 0);
    zl_ctx ctx = {.ar = t.ar, .opt = &opt, .rs = t.rs, .res = t.res};
    if (strcmp(c->fixture, "zl204-fire-wrapped.zip") == 0) {
        ctx.wrapper = "runtime/";
        ctx.wrapper_len = 8;
    }
    ck_assert_msg(zl_entry_is_executable(&ctx, &t.ar->entries[idx]) == c->want, "%s %s", c->fixture,
                  c->name);
    tcheck_free(&t);
}
END_TEST

/* ---- the sniffer ---- */

typedef struct sniff_case {
    const char *name;
    zl_kind kind;
    int elf_class, elf_machine, elf_type;
    bool interp;
} sniff_case;

static const sniff_case sniff_cases[] = {
    {"elf64-pie", ZL_KIND_ELF, 2, 62, 3, true},
    {"elf64-so", ZL_KIND_ELF, 2, 62, 3, false},
    {"elf64-exec", ZL_KIND_ELF, 2, 62, 2, false},
    {"elf64-aarch64", ZL_KIND_ELF, 2, 183, 3, true},
    {"elf32-be-mips", ZL_KIND_ELF, 1, 8, 2, true},
    {"elf32-le-so", ZL_KIND_ELF, 1, 62, 3, false},
    /* truncated and hostile headers: what can be read, no more */
    {"elf-trunc-3", ZL_KIND_DATA, 0, 0, 0, false},
    {"elf-trunc-5", ZL_KIND_ELF, 0, 0, 0, false},
    {"elf-trunc-18", ZL_KIND_ELF, 2, 0, 0, false},
    {"elf-trunc-40", ZL_KIND_ELF, 2, 62, 3, false},
    {"elf-trunc-64", ZL_KIND_ELF, 2, 62, 3, false},
    {"elf-trunc-phdr", ZL_KIND_ELF, 2, 62, 3, true},
    {"elf-bad-class", ZL_KIND_ELF, 0, 0, 0, false},
    {"elf-phoff-huge", ZL_KIND_ELF, 2, 62, 3, false},
    {"elf-phnum-many", ZL_KIND_ELF, 2, 62, 3, false},
    {"elf-phentsize-0", ZL_KIND_ELF, 2, 62, 3, false},
    {"elf-pie-far", ZL_KIND_ELF, 2, 62, 3, false},
    {"macho64", ZL_KIND_MACHO, 0, 0, 0, false},
    {"macho-fat", ZL_KIND_MACHO, 0, 0, 0, false},
    {"java.class", ZL_KIND_DATA, 0, 0, 0, false},
    {"pe.dll", ZL_KIND_PE, 0, 0, 0, false},
    {"mz.txt", ZL_KIND_TEXT, 0, 0, 0, false},
    {"script.sh", ZL_KIND_SCRIPT, 0, 0, 0, false},
    {"mod.cpython-312.pyc", ZL_KIND_PYC, 0, 0, 0, false},
    {"text.py", ZL_KIND_TEXT, 0, 0, 0, false},
    {"empty.py", ZL_KIND_TEXT, 0, 0, 0, false},
    {"data.bin", ZL_KIND_DATA, 0, 0, 0, false},
    {"unreadable", ZL_KIND_UNREADABLE, 0, 0, 0, false},
};

static zl_archive *open_sniff(void)
{
    zl_archive *ar = NULL;
    zl_error err;
    int rc = zl_archive_open(&ar, fixture_path("sniff-kinds.zip"), &err);
    ck_assert_msg(rc == ZL_OK, "open: %s", err.message);
    return ar;
}

static zl_entry *entry_named(zl_archive *ar, const char *name)
{
    long idx = zl_archive_find(ar, name, strlen(name));
    ck_assert_msg(idx >= 0, "no entry %s", name);
    return &ar->entries[idx];
}

START_TEST(test_sniff_kind)
{
    const sniff_case *c = &sniff_cases[_i];
    zl_archive *ar = open_sniff();
    zl_entry *e = entry_named(ar, c->name);
    ck_assert(!e->sniffed);
    const zl_sniff *s = zl_entry_sniff(ar, e);
    ck_assert_msg(s->kind == c->kind, "%s: kind %d, want %d", c->name, s->kind, c->kind);
    ck_assert_int_eq(s->elf_class, c->elf_class);
    ck_assert_int_eq(s->elf_machine, c->elf_machine);
    ck_assert_int_eq(s->elf_type, c->elf_type);
    ck_assert_msg(s->elf_interp == c->interp, "%s: interp %d", c->name, s->elf_interp);
    /* cached: the same answer without reading again */
    ck_assert(e->sniffed);
    ck_assert_ptr_eq(zl_entry_sniff(ar, e), s);
    zl_archive_close(ar);
}
END_TEST

START_TEST(test_sniff_pyc)
{
    zl_archive *ar = open_sniff();
    const zl_sniff *s = zl_entry_sniff(ar, entry_named(ar, "mod.cpython-312.pyc"));
    ck_assert_int_eq(s->kind, ZL_KIND_PYC);
    ck_assert_uint_eq(s->pyc_magic, 3531u | 0x0a0d0000u);
    ck_assert_uint_eq(s->pyc_flags, 0);
    ck_assert_uint_eq(s->pyc_mtime, 1700000000u);
    ck_assert_uint_eq(s->pyc_size, 123);
    s = zl_entry_sniff(ar, entry_named(ar, "hash.cpython-311.pyc"));
    ck_assert_int_eq(s->kind, ZL_KIND_PYC);
    ck_assert_uint_eq(s->pyc_magic, 3495u | 0x0a0d0000u);
    ck_assert_uint_eq(s->pyc_flags, 3);
    ck_assert_uint_eq(s->pyc_mtime, 0x11223344u);
    ck_assert_uint_eq(s->pyc_size, 0x55667788u);
    zl_archive_close(ar);
}
END_TEST

typedef struct magic_case {
    const char *name, *want; /* want: a substring of libmagic's description */
} magic_case;

static const magic_case magic_cases[] = {
    {"elf64-pie", "ELF 64-bit LSB"}, {"elf32-be-mips", "ELF 32-bit MSB"},
    {"macho64", "Mach-O 64-bit"},    {"pe.dll", "for MS Windows"},
    {"script.sh", "shell script"},   {"text.py", "text"},
};

START_TEST(test_magic)
{
    const magic_case *c = &magic_cases[_i];
    zl_archive *ar = open_sniff();
    char desc[256];
    zl_error err;
    ck_assert_int_eq(zl_entry_magic(ar, entry_named(ar, c->name), desc, sizeof desc, &err), ZL_OK);
    ck_assert_msg(strstr(desc, c->want) != NULL, "%s: '%s' lacks '%s'", c->name, desc, c->want);
    zl_archive_close(ar);
}
END_TEST

START_TEST(test_magic_unreadable)
{
    zl_archive *ar = open_sniff();
    char desc[64] = "x";
    zl_error err;
    ck_assert_int_ne(zl_entry_magic(ar, entry_named(ar, "unreadable"), desc, sizeof desc, &err),
                     ZL_OK);
    ck_assert_str_eq(desc, "");
    zl_archive_close(ar);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

Suite *suite_modes(void)
{
    Suite *s = suite_create("modes");
    TCase *tc = tcase_create("rules");
    tcase_add_loop_test(tc, test_mode_case, 0, N(cases));
    tcase_add_loop_test(tc, test_message, 0, N(message_cases));
    tcase_add_test(tc, test_chmod_edits_agree);
    tcase_add_test(tc, test_windows_zip_no_error);
    tcase_add_test(tc, test_rule_defs);
    tcase_add_loop_test(tc, test_is_executable, 0, N(exec_cases));
    suite_add_tcase(s, tc);

    tc = tcase_create("sniff");
    tcase_add_loop_test(tc, test_sniff_kind, 0, N(sniff_cases));
    tcase_add_test(tc, test_sniff_pyc);
    tcase_add_loop_test(tc, test_magic, 0, N(magic_cases));
    tcase_add_test(tc, test_magic_unreadable);
    suite_add_tcase(s, tc);
    return s;
}
