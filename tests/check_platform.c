/* check_platform.c - the ZL5xx platform rules over real binaries for each
 * (runtime, arch), the runtime table, the wheel tag and extension suffix
 * parsers, and what the sniffer says a native entry is. */
#include "config.h"

#include <string.h>

#include "check_suites.h"

#define E ZL_SEV_ERROR
#define W ZL_SEV_WARNING
#define I ZL_SEV_INFO
#define N ZL_SEV_NONE

#define X86 ZL_ARCH_X86_64
#define ARM ZL_ARCH_ARM64

typedef struct want_finding {
    const char *code;
    zl_severity sev;
    size_t n_entries;
} want_finding;

typedef struct want_entry {
    const char *code, *name;
    zl_severity sev;
    const char *detail;
} want_entry;

typedef struct platform_case {
    const char *fixture;
    int runtime; /* python3.X; 0 = none given */
    zl_arch arch;
    const char *codes; /* exact, with select = "ZL5" */
    want_finding findings[4];
    want_entry entries[12];
} platform_case;

#define NONE_F         \
    {                  \
        {              \
            NULL, 0, 0 \
        }              \
    }
#define NONE_E                  \
    {                           \
        {                       \
            NULL, NULL, 0, NULL \
        }                       \
    }

static const platform_case cases[] = {
    /* ZL501: built on a Mac; the darwin tag is ZL503 too, on every runtime */
    {"zl501-fire-macos.zip",
     11,
     X86,
     "ZL501,ZL503",
     {{"ZL501", E, 2}, {"ZL503", E, 1}},
     {{"ZL501", "markupsafe/_speedups.cpython-311-darwin.so", E, "Mach-O 64-bit arm64 bundle"},
      {"ZL501", "PIL/.dylibs/libjpeg.62.dylib", I,
       "Mach-O 64-bit x86_64 dynamically linked shared library; nothing loads it"},
      {"ZL503", "markupsafe/_speedups.cpython-311-darwin.so", E, "built for CPython 3.11, macOS"}}},
    {"zl501-fire-macos.zip", 0, ARM, "ZL501,ZL503", {{"ZL501", E, 2}, {"ZL503", E, 1}}, NONE_E},
    /* ZL501: built on Windows */
    {"zl501-fire-windows.zip",
     11,
     X86,
     "ZL501,ZL503",
     {{"ZL501", E, 2}, {"ZL503", E, 1}},
     {{"ZL501", "fastpkg/_native.cp311-win_amd64.pyd", E, "PE32+ executable (DLL) x86-64"},
      {"ZL501", "fastpkg/helper.dll", I, "PE32+ executable (DLL) x86-64; nothing loads it"},
      {"ZL503", "fastpkg/_native.cp311-win_amd64.pyd", E,
       "built for CPython 3.11, Windows (win_amd64)"}}},
    /* launchers nothing loads: info only, never an error */
    {"zl501-ok-launchers.zip",
     11,
     X86,
     "ZL501",
     {{"ZL501", I, 2}},
     {{"ZL501", "setuptools/cli-64.exe", I, "PE32+ executable x86-64; nothing loads it"},
      {"ZL501", "pip/_vendor/distlib/t64.exe", I, "PE32+ executable x86-64; nothing loads it"}}},
    {"zl501-ok-launchers.zip", 0, X86, "ZL501", {{"ZL501", I, 2}}, NONE_E},
    /* helpers only Windows and macOS load, beside the Linux one: info */
    {"zl501-ok-helpers.zip",
     11,
     X86,
     "ZL501",
     {{"ZL501", I, 2}},
     {{"ZL501", "debugpy/_vendored/pydevd/pydevd_attach_to_process/attach_amd64.dll", I,
       "PE32+ executable (DLL) x86-64; nothing loads it"},
      {"ZL501", "debugpy/_vendored/pydevd/pydevd_attach_to_process/attach.dylib", I,
       "Mach-O 64-bit x86_64 dynamically linked shared library; nothing loads it"}}},

    /* ZL502: aarch64 objects (no tags), and a 32-bit one */
    {"zl502-fire-aarch64.zip",
     12,
     X86,
     "ZL502",
     {{"ZL502", E, 4}},
     {{"ZL502", "fastpkg/_core.so", E, "ELF aarch64 shared object"},
      {"ZL502", "lib/libfast.so.1", E, "ELF aarch64 shared object"},
      {"ZL502", "bin/tool", E, "ELF aarch64 pie executable"},
      {"ZL502", "fastpkg/_old32.so", E, "ELF 32-bit i386 shared object"}}},
    /* fine on arm64 but for the 32-bit object */
    {"zl502-fire-aarch64.zip",
     12,
     ARM,
     "ZL502",
     {{"ZL502", E, 1}},
     {{"ZL502", "fastpkg/_old32.so", E, "ELF 32-bit i386 shared object"}}},
    /* the arm64 executable links __libc_start_main@GLIBC_2.34: too new for 3.11 */
    {"zl502-fire-aarch64.zip",
     11,
     ARM,
     "ZL502,ZL505",
     {{"ZL502", E, 1}, {"ZL505", E, 1}},
     {{"ZL505", "bin/tool", E, "needs GLIBC_2.34"}}},
    /* the program a symlinked bootstrap starts is judged; runtime/data is not */
    {"zl502-fire-runtime.zip",
     12,
     X86,
     "ZL502",
     {{"ZL502", E, 1}},
     {{"ZL502", "runtime/app", E, "ELF aarch64 pie executable"}}},
    {"zl502-fire-runtime.zip",
     11,
     ARM,
     "ZL505",
     {{"ZL505", E, 1}},
     {{"ZL505", "runtime/app", E, "needs GLIBC_2.34"}}},
    {"zl502-fire-tagged.zip",
     11,
     X86,
     "ZL502,ZL503",
     {{"ZL502", E, 1}, {"ZL503", E, 1}},
     {{"ZL502", "pydantic_core/_pydantic_core.cpython-311-aarch64-linux-gnu.so", E,
       "ELF aarch64 shared object"},
      {"ZL503", "pydantic_core/_pydantic_core.cpython-311-aarch64-linux-gnu.so", E,
       "built for CPython 3.11, aarch64 Linux"}}},
    {"zl502-fire-tagged.zip", 11, ARM, "", NONE_F, NONE_E},
    {"zl502-fire-tagged.zip", 0, ARM, "", NONE_F, NONE_E},
    /* a correct x86_64 package: extension, abi3, *.libs/, lib/ */
    {"zl502-ok-x86_64.zip", 11, X86, "", NONE_F, NONE_E},
    {"zl502-ok-x86_64.zip", 0, X86, "", NONE_F, NONE_E},
    /* ... the wrong runtime: only the cpython-311 name */
    {"zl502-ok-x86_64.zip",
     12,
     X86,
     "ZL503",
     {{"ZL503", E, 1}},
     {{"ZL503", "fastpkg/_core.cpython-311-x86_64-linux-gnu.so", E,
       "built for CPython 3.11, x86_64 Linux"}}},
    /* ... the wrong arch: every object, and the tag */
    {"zl502-ok-x86_64.zip",
     11,
     ARM,
     "ZL502,ZL503",
     {{"ZL502", E, 4}, {"ZL503", E, 1}},
     {{"ZL502", "fastpkg.libs/libfast-1a2b3c4d.so.1.0", E, "ELF x86-64 shared object"},
      {"ZL502", "lib/libplain.so", E, "ELF x86-64 shared object"}}},

    /* ZL503 */
    {"zl503-fire-cpython312.zip",
     11,
     X86,
     "ZL503",
     {{"ZL503", E, 1}},
     {{"ZL503", "fastpkg/_core.cpython-312-x86_64-linux-gnu.so", E,
       "built for CPython 3.12, x86_64 Linux"}}},
    {"zl503-fire-cpython312.zip", 12, X86, "", NONE_F, NONE_E},
    {"zl503-fire-cpython312.zip", 0, X86, "", NONE_F, NONE_E},
    {"zl503-fire-mixed.zip",
     0,
     X86,
     "ZL503",
     {{"ZL503", W, 2}},
     {{"ZL503", "a/_a.cpython-311-x86_64-linux-gnu.so", W, "built for CPython 3.11, x86_64 Linux"},
      {"ZL503", "b/_b.cpython-312-x86_64-linux-gnu.so", W,
       "built for CPython 3.12, x86_64 Linux"}}},
    {"zl503-fire-mixed.zip",
     11,
     X86,
     "ZL503",
     {{"ZL503", E, 1}},
     {{"ZL503", "b/_b.cpython-312-x86_64-linux-gnu.so", E,
       "built for CPython 3.12, x86_64 Linux"}}},
    {"zl503-fire-mixed.zip",
     12,
     X86,
     "ZL503",
     {{"ZL503", E, 1}},
     {{"ZL503", "a/_a.cpython-311-x86_64-linux-gnu.so", E,
       "built for CPython 3.11, x86_64 Linux"}}},
    /* tags no runtime imports: errors even with no runtime */
    {"zl503-fire-platforms.zip",
     0,
     X86,
     "ZL503",
     {{"ZL503", E, 4}},
     {{"ZL503", "m/_musl.cpython-311-x86_64-linux-musl.so", E,
       "built for CPython 3.11, x86_64 Linux (musl)"},
      {"ZL503", "m/_pypy.pypy310-pp73-x86_64-linux-gnu.so", E,
       "built for pypy310-pp73-x86_64-linux-gnu"},
      {"ZL503", "m/_ft.cpython-313t-x86_64-linux-gnu.so", E,
       "built for CPython 3.13 free-threaded, x86_64 Linux"},
      {"ZL503", "m/_old.cpython-38-x86_64-linux-gnu.so", E,
       "built for CPython 3.8, x86_64 Linux"}}},
    {"zl503-fire-platforms.zip", 13, X86, "ZL503", {{"ZL503", E, 4}}, NONE_E},

    /* ZL504 */
    {"zl504-fire-tags.zip",
     11,
     X86,
     "ZL504",
     {{"ZL504", E, 7}},
     {{"ZL504", "macpkg-1.0.dist-info/WHEEL", E, "cp311-cp311-macosx_11_0_arm64: built for macOS"},
      {"ZL504", "winpkg-1.0.dist-info/WHEEL", E, "cp311-cp311-win_amd64: built for Windows"},
      {"ZL504", "muslpkg-1.0.dist-info/WHEEL", E,
       "cp311-cp311-musllinux_1_1_x86_64: built for musl libc (Alpine), not glibc"},
      {"ZL504", "armpkg-1.0.dist-info/WHEEL", E,
       "cp311-cp311-manylinux_2_17_aarch64.manylinux2014_aarch64: built for aarch64; the target "
       "is x86_64"},
      {"ZL504", "newpkg-1.0.dist-info/WHEEL", E,
       "cp311-cp311-manylinux_2_28_x86_64: needs glibc 2.28; python3.11 (Amazon Linux 2) has "
       "2.26"},
      {"ZL504", "newestpkg-1.0.dist-info/WHEEL", E,
       "cp311-cp311-manylinux_2_35_x86_64: needs glibc 2.35; python3.11 (Amazon Linux 2) has "
       "2.26"},
      {"ZL504", "localpkg-1.0.dist-info/WHEEL", I,
       "cp311-cp311-linux_x86_64: a bare linux tag: built on one machine, not manylinux, and may "
       "need that machine's glibc"}}},
    /* 2_28 loads on Amazon Linux 2023 */
    {"zl504-fire-tags.zip",
     12,
     X86,
     "ZL504",
     {{"ZL504", E, 6}},
     {{"ZL504", "newestpkg-1.0.dist-info/WHEEL", E,
       "cp311-cp311-manylinux_2_35_x86_64: needs glibc 2.35; python3.12 (Amazon Linux 2023) has "
       "2.34"}}},
    {"zl504-fire-tags.zip",
     0,
     X86,
     "ZL504",
     {{"ZL504", E, 6}},
     {{"ZL504", "newestpkg-1.0.dist-info/WHEEL", E,
       "cp311-cp311-manylinux_2_35_x86_64: needs glibc 2.35; no Lambda runtime has more than "
       "2.34"}}},
    /* arm64: the aarch64 wheel loads, every x86_64 one does not */
    {"zl504-fire-tags.zip",
     12,
     ARM,
     "ZL504",
     {{"ZL504", E, 8}},
     {{"ZL504", "okpkg-1.0.dist-info/WHEEL", E,
       "cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64: built for x86_64; the target is "
       "aarch64"},
      {"ZL504", "localpkg-1.0.dist-info/WHEEL", E,
       "cp311-cp311-linux_x86_64: built for x86_64; the target is aarch64"}}},
    {"zl504-ok-wheels.zip", 9, X86, "", NONE_F, NONE_E},
    {"zl504-ok-wheels.zip", 0, X86, "", NONE_F, NONE_E},

    /* ZL505: 2.26 loads on 3.11 (its own glibc), 2.28 and 2.34 do not */
    {"zl505-fire-glibc.zip",
     11,
     X86,
     "ZL505",
     {{"ZL505", E, 3}},
     {{"ZL505", "g/_g228.so", E, "needs GLIBC_2.28"},
      {"ZL505", "g/_g234.so", E, "needs GLIBC_2.34"},
      {"ZL505", "lib/libg236.so.0", E, "needs GLIBC_2.36"}}},
    {"zl505-fire-glibc.zip", 9, X86, "ZL505", {{"ZL505", E, 3}}, NONE_E},
    {"zl505-fire-glibc.zip",
     12,
     X86,
     "ZL505",
     {{"ZL505", E, 1}},
     {{"ZL505", "lib/libg236.so.0", E, "needs GLIBC_2.36"}}},
    {"zl505-fire-glibc.zip",
     0,
     X86,
     "ZL505",
     {{"ZL505", E, 1}},
     {{"ZL505", "lib/libg236.so.0", E, "needs GLIBC_2.36"}}},
    /* Debian's own python3-lz4 (cpython-311, GLIBC_2.4 at most) */
    {"zl505-ok-debian-lz4.zip", 11, X86, "", NONE_F, NONE_E},
    {"zl505-ok-debian-lz4.zip", 0, X86, "", NONE_F, NONE_E},
    {"zl505-ok-debian-lz4.zip", 12, X86, "ZL503", {{"ZL503", E, 3}}, NONE_E},
};

START_TEST(test_platform_case)
{
    const platform_case *c = &cases[_i];
    zl_options opt;
    zl_options_init(&opt);
    opt.select = "ZL5";
    opt.runtime_minor = c->runtime;
    opt.arch = c->arch;
    tcheck t;
    tcheck_run(&t, c->fixture, &opt);
    ck_assert_msg(strcmp(tcheck_codes(&t), c->codes) == 0, "%s 3.%d/%d: codes '%s', want '%s'",
                  c->fixture, c->runtime, c->arch, tcheck_codes(&t), c->codes);
    for (const want_finding *wf = c->findings; wf->code != NULL; wf++) {
        const zl_finding *f = tcheck_finding(&t, wf->code);
        ck_assert_ptr_nonnull(f);
        ck_assert_msg(f->severity == wf->sev, "%s 3.%d %s: severity %d", c->fixture, c->runtime,
                      wf->code, f->severity);
        ck_assert_msg(f->n_entries == wf->n_entries, "%s 3.%d %s: %zu entries", c->fixture,
                      c->runtime, wf->code, f->n_entries);
        /* no fix, a message in words, and the Lambda error */
        ck_assert_uint_eq(f->n_edits, 0);
        ck_assert_int_eq(f->fix_available, 0);
        ck_assert_ptr_nonnull(f->message);
        ck_assert_ptr_nonnull(f->rule->lambda_error);
        ck_assert(f->rule->lambda_error[0] != '\0');
    }
    for (const want_entry *we = c->entries; we->code != NULL; we++) {
        const zl_finding *f = tcheck_finding(&t, we->code);
        ck_assert_ptr_nonnull(f);
        const zl_finding_entry *fe = finding_entry(f, we->name);
        ck_assert_msg(fe != NULL, "%s %s: %s not listed", c->fixture, we->code, we->name);
        ck_assert_msg(fe->severity == we->sev, "%s %s %s: severity %d", c->fixture, we->code,
                      we->name, fe->severity);
        ck_assert_str_eq(fe->detail, we->detail);
    }
    tcheck_free(&t);
}
END_TEST

/* Messages name the target and the Lambda error in plain words. */
START_TEST(test_messages)
{
    zl_options opt;
    zl_options_init(&opt);
    opt.select = "ZL5";
    opt.runtime_minor = 11;
    tcheck t;
    tcheck_run(&t, "zl505-fire-glibc.zip", &opt);
    const zl_finding *f = tcheck_finding(&t, "ZL505");
    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_nonnull(strstr(f->message, "version `GLIBC_2.36' not found"));
    ck_assert_ptr_nonnull(strstr(f->message, "python3.11 runs on Amazon Linux 2 with glibc 2.26"));
    tcheck_free(&t);

    tcheck_run(&t, "zl501-fire-macos.zip", &opt);
    f = tcheck_finding(&t, "ZL501");
    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_nonnull(strstr(f->message, "invalid ELF header"));
    ck_assert_ptr_nonnull(strstr(f->message, "macOS (Mach-O)"));
    ck_assert_str_eq(f->rule->lambda_error, "invalid ELF header");
    f = tcheck_finding(&t, "ZL503");
    ck_assert_ptr_nonnull(strstr(f->message, "*.cpython-311-x86_64-linux-gnu.so, *.abi3.so and "
                                             "plain *.so"));
    ck_assert_ptr_nonnull(strstr(f->message, "No module named"));
    tcheck_free(&t);

    opt.arch = ZL_ARCH_ARM64;
    tcheck_run(&t, "zl502-ok-x86_64.zip", &opt);
    f = tcheck_finding(&t, "ZL502");
    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_nonnull(strstr(f->message, "target arm64"));
    ck_assert_ptr_nonnull(strstr(f->message, "EM_AARCH64"));
    tcheck_free(&t);
}
END_TEST

/* A correct package gets no error from any rule, on the runtime it was
 * built for. */
START_TEST(test_no_false_errors)
{
    static const struct {
        const char *fixture;
        int runtime;
        zl_arch arch;
    } ok[] = {
        {"zl505-ok-debian-lz4.zip", 11, X86}, {"zl505-ok-debian-lz4.zip", 0, X86},
        {"zl502-ok-x86_64.zip", 11, X86},     {"zl502-fire-tagged.zip", 11, ARM},
        {"zl504-ok-wheels.zip", 13, X86},     {"zl501-ok-launchers.zip", 11, X86},
        {"zl501-ok-helpers.zip", 11, X86},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        zl_options opt;
        zl_options_init(&opt);
        opt.runtime_minor = ok[i].runtime;
        opt.arch = ok[i].arch;
        tcheck t;
        tcheck_run(&t, ok[i].fixture, &opt);
        ck_assert_msg(zl_result_max_severity(t.res) < ZL_SEV_ERROR, "%s: %s", ok[i].fixture,
                      tcheck_codes(&t));
        tcheck_free(&t);
    }
}
END_TEST

/* Only names and places that suggest native code are sniffed; .py files
 * are never read. */
START_TEST(test_reads_only_native)
{
    zl_options opt;
    zl_options_init(&opt);
    opt.select = "ZL5";
    opt.runtime_minor = 11;
    tcheck t;
    tcheck_run(&t, "zl505-ok-debian-lz4.zip", &opt);
    size_t sniffed = 0;
    for (size_t i = 0; i < t.ar->n_entries; i++) {
        const zl_entry *e = &t.ar->entries[i];
        bool so = strstr(e->name, ".so") != NULL;
        ck_assert_msg(e->sniffed == so, "%s: sniffed %d", e->name, e->sniffed);
        sniffed += e->sniffed;
    }
    ck_assert_uint_eq(sniffed, 3);
    tcheck_free(&t);
}
END_TEST

START_TEST(test_runtime_table)
{
    static const struct {
        int minor;
        const char *name, *os;
        int glibc;
    } want[] = {
        {9, "python3.9", "Amazon Linux 2", 26},      {10, "python3.10", "Amazon Linux 2", 26},
        {11, "python3.11", "Amazon Linux 2", 26},    {12, "python3.12", "Amazon Linux 2023", 34},
        {13, "python3.13", "Amazon Linux 2023", 34}, {14, "python3.14", "Amazon Linux 2023", 34},
    };
    size_t n = 0;
    while (zl_runtimes[n].name != NULL)
        n++;
    ck_assert_uint_eq(n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < n; i++) {
        const zl_runtime *r = zl_runtime_find(want[i].minor);
        ck_assert_ptr_eq(r, &zl_runtimes[i]);
        ck_assert_str_eq(r->name, want[i].name);
        ck_assert_str_eq(r->os, want[i].os);
        ck_assert_int_eq(r->glibc_minor, want[i].glibc);
        ck_assert_int_eq(zl_runtime_glibc_minor(want[i].minor), want[i].glibc);
        ck_assert_uint_eq(r->archs, ZL_ARCH_BIT(ZL_ARCH_X86_64) | ZL_ARCH_BIT(ZL_ARCH_ARM64));
        /* the option parser accepts exactly the table's runtimes */
        zl_options opt;
        zl_options_init(&opt);
        ck_assert_int_eq(zl_options_set_runtime(&opt, r->name, NULL), ZL_OK);
        ck_assert_int_eq(opt.runtime_minor, r->minor);
    }
    zl_options opt;
    zl_options_init(&opt);
    ck_assert_int_ne(zl_options_set_runtime(&opt, "python3.8", NULL), ZL_OK);
    ck_assert_int_ne(zl_options_set_runtime(&opt, "python3.15", NULL), ZL_OK);
    ck_assert_ptr_null(zl_runtime_find(8));
    ck_assert_ptr_null(zl_runtime_find(15));
    ck_assert_ptr_null(zl_runtime_find(0));
    /* no runtime: the newest glibc any runtime has */
    ck_assert_int_eq(zl_runtime_glibc_minor(0), 34);
    ck_assert_int_eq(zl_runtime_min_minor(), 9);
    ck_assert_int_eq(zl_runtime_max_minor(), 14);
    ck_assert_int_eq(zl_arch_elf_machine(ZL_ARCH_X86_64), 62);
    ck_assert_int_eq(zl_arch_elf_machine(ZL_ARCH_ARM64), 183);
    ck_assert_str_eq(zl_arch_triple(ZL_ARCH_X86_64), "x86_64-linux-gnu");
    ck_assert_str_eq(zl_arch_triple(ZL_ARCH_ARM64), "aarch64-linux-gnu");
    ck_assert_str_eq(zl_arch_wheel(ZL_ARCH_ARM64), "aarch64");
    ck_assert_str_eq(zl_arch_name(ZL_ARCH_ARM64), "arm64");
}
END_TEST

typedef struct tag_case {
    const char *tag;
    int runtime;
    zl_arch arch;
    zl_severity sev;
    const char *why; /* exact; NULL: not checked */
} tag_case;

static const tag_case tag_cases[] = {
    {"py3-none-any", 11, X86, N, NULL},
    {"py2.py3-none-any", 0, ARM, N, NULL},
    {"cp311-cp311-manylinux2014_x86_64", 9, X86, N, NULL},
    {"cp311-cp311-manylinux2014_x86_64", 0, X86, N, NULL},
    {"cp311-cp311-manylinux1_x86_64", 11, X86, N, NULL},
    {"cp311-cp311-manylinux2010_x86_64", 11, X86, N, NULL},
    {"cp311-cp311-manylinux_2_26_x86_64", 11, X86, N, NULL},
    {"cp311-cp311-manylinux_2_27_x86_64", 11, X86, E,
     "needs glibc 2.27; python3.11 (Amazon Linux 2) has 2.26"},
    {"cp312-cp312-manylinux_2_34_aarch64", 12, ARM, N, NULL},
    {"cp312-cp312-manylinux_2_34_aarch64", 0, ARM, N, NULL},
    {"cp312-cp312-manylinux_2_35_aarch64", 14, ARM, E,
     "needs glibc 2.35; python3.14 (Amazon Linux 2023) has 2.34"},
    {"cp312-cp312-manylinux_2_34_aarch64", 12, X86, E, "built for aarch64; the target is x86_64"},
    {"cp311-cp311-manylinux2014_aarch64", 11, X86, E, "built for aarch64; the target is x86_64"},
    {"cp311-cp311-manylinux2014_i686", 11, X86, E, "built for i686; the target is x86_64"},
    /* compressed: any alternative loads */
    {"cp311-cp311-manylinux_2_28_x86_64.manylinux2014_x86_64", 11, X86, N, NULL},
    {"cp311-cp311-manylinux_2_17_x86_64.manylinux_2_17_aarch64", 11, ARM, N, NULL},
    {"cp311-cp311-macosx_10_9_x86_64.macosx_11_0_arm64", 0, X86, E, "built for macOS"},
    {"cp311-cp311-macosx_10_9_universal2", 11, ARM, E, "built for macOS"},
    {"cp311-cp311-win_amd64", 11, X86, E, "built for Windows"},
    {"cp311-cp311-win32", 11, X86, E, "built for Windows"},
    {"cp311-cp311-win_arm64", 11, ARM, E, "built for Windows"},
    {"cp311-cp311-musllinux_1_2_x86_64", 11, X86, E, "built for musl libc (Alpine), not glibc"},
    /* a musl alternative beside a manylinux one loads */
    {"cp311-cp311-musllinux_1_1_x86_64.manylinux2014_x86_64", 11, X86, N, NULL},
    {"cp311-cp311-linux_x86_64", 11, X86, I,
     "a bare linux tag: built on one machine, not manylinux, and may need that machine's glibc"},
    {"cp311-cp311-linux_aarch64", 0, ARM, I, NULL},
    {"cp311-cp311-linux_aarch64", 0, X86, E, "built for aarch64; the target is x86_64"},
    /* info beats error, ok beats info */
    {"cp311-cp311-linux_x86_64.macosx_11_0_arm64", 11, X86, I, NULL},
    {"cp311-cp311-linux_x86_64.manylinux1_x86_64", 11, X86, N, NULL},
    {"cp311-cp311-android_21_arm64_v8a", 11, ARM, E, "built for android_21_arm64_v8a, not Linux"},
    {"cp311-cp311-manylinux_3_1_x86_64", 11, X86, E, "manylinux_3_1_x86_64: not a manylinux tag"},
    {"cp311-cp311-manylinux_2_x86_64", 11, X86, E, "manylinux_2_x86_64: not a manylinux tag"},
    {"cp311-cp311-manylinux_2", 11, X86, E, "manylinux_2: not a manylinux tag"},
    {"cp311-cp311-manylinux_", 11, X86, E, "built for manylinux_, not Linux"},
    {"", 11, X86, N, "no platform tag"},
};

START_TEST(test_wheel_tags)
{
    const tag_case *c = &tag_cases[_i];
    char why[256];
    zl_severity s =
        zl_wheel_tag_judge(c->tag, strlen(c->tag), c->runtime, c->arch, why, sizeof why);
    ck_assert_msg(s == c->sev, "%s (3.%d, %d): %d, want %d (%s)", c->tag, c->runtime, c->arch, s,
                  c->sev, why);
    if (c->why != NULL)
        ck_assert_str_eq(why, c->why);
    /* why may be NULL */
    ck_assert_int_eq(zl_wheel_tag_judge(c->tag, strlen(c->tag), c->runtime, c->arch, NULL, 0), s);
}
END_TEST

typedef struct ext_case {
    const char *base;
    int runtime;
    zl_arch arch;
    zl_severity sev;
    int py_minor;
    const char *what;
} ext_case;

static const ext_case ext_cases[] = {
    {"_x.cpython-311-x86_64-linux-gnu.so", 11, X86, N, 11, "CPython 3.11, x86_64 Linux"},
    {"_x.cpython-311-x86_64-linux-gnu.so", 12, X86, E, 11, "CPython 3.11, x86_64 Linux"},
    {"_x.cpython-311-x86_64-linux-gnu.so", 0, X86, N, 11, "CPython 3.11, x86_64 Linux"},
    {"_x.cpython-311-x86_64-linux-gnu.so", 11, ARM, E, 11, "CPython 3.11, x86_64 Linux"},
    {"_x.cpython-314-aarch64-linux-gnu.so", 14, ARM, N, 14, "CPython 3.14, aarch64 Linux"},
    {"_x.cpython-312-x86_64-linux-musl.so", 0, X86, E, 12, "CPython 3.12, x86_64 Linux (musl)"},
    {"_x.cpython-311-darwin.so", 0, X86, E, 11, "CPython 3.11, macOS"},
    {"_x.cpython-38-x86_64-linux-gnu.so", 0, X86, E, 8, "CPython 3.8, x86_64 Linux"},
    {"_x.cpython-37m-x86_64-linux-gnu.so", 0, X86, E, 7, "CPython 3.7, x86_64 Linux"},
    {"_x.cpython-313t-x86_64-linux-gnu.so", 13, X86, E, 13,
     "CPython 3.13 free-threaded, x86_64 Linux"},
    {"_x.cpython-311d-x86_64-linux-gnu.so", 11, X86, E, 11, "CPython 3.11 debug, x86_64 Linux"},
    {"_x.cpython-311-i386-linux-gnu.so", 11, X86, E, 11, "CPython 3.11, i386 Linux"},
    {"_x.abi3.so", 11, X86, N, -1, ""},
    {"_x.abi3.so", 0, ARM, N, -1, ""},
    {"_x.so", 9, X86, N, -1, ""},
    {"libpython3.11.so", 12, X86, N, -1, ""},
    {"libfoo.so.1", 12, X86, N, -1, ""},
    {"mod.py", 12, X86, N, -1, ""},
    {"_x.pypy310-pp73-x86_64-linux-gnu.so", 0, X86, E, -1, "pypy310-pp73-x86_64-linux-gnu"},
    {"_x.cp311-win_amd64.pyd", 11, X86, E, 11, "CPython 3.11, Windows (win_amd64)"},
    {"_x.pyd", 0, X86, E, -1, "Windows (.pyd)"},
    {"_x.x86_64-linux-gnu.so", 0, X86, N, -1, "x86_64 Linux"},
    {"_x.aarch64-linux-gnu.so", 0, X86, E, -1, "aarch64 Linux"},
    {".so", 11, X86, N, -1, ""},
    {"_x.cpython-.so", 11, X86, N, -1, ""},
};

START_TEST(test_ext_suffixes)
{
    const ext_case *c = &ext_cases[_i];
    char what[256];
    int m = -5;
    zl_severity s =
        zl_ext_suffix_judge(c->base, strlen(c->base), c->runtime, c->arch, &m, what, sizeof what);
    ck_assert_msg(s == c->sev, "%s (3.%d, %d): %d, want %d", c->base, c->runtime, c->arch, s,
                  c->sev);
    ck_assert_msg(m == c->py_minor, "%s: py_minor %d", c->base, m);
    ck_assert_str_eq(what, c->what);
}
END_TEST

/* What the sniffer calls each kind of header, in libmagic-like words. */
START_TEST(test_describe)
{
    static const struct {
        const char *name, *desc;
    } want[] = {
        {"elf64-pie", "ELF x86-64 pie executable"},
        {"elf64-so", "ELF x86-64 shared object"},
        {"elf64-exec", "ELF x86-64 executable"},
        {"elf64-aarch64", "ELF aarch64 pie executable"},
        {"elf32-be-mips", "ELF 32-bit MIPS executable"},
        {"macho64", "Mach-O 64-bit x86_64 dynamically linked shared library"},
        {"macho-fat", "Mach-O universal binary with 2 architectures: unknown cpu, unknown cpu"},
        {"pe.dll", "PE executable x86-64"},
    };
    tcheck t;
    zl_options opt;
    zl_options_init(&opt);
    opt.select = "ZL5";
    tcheck_run(&t, "sniff-kinds.zip", &opt);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        long idx = zl_archive_find(t.ar, want[i].name, strlen(want[i].name));
        ck_assert_int_ge(idx, 0);
        char buf[160];
        zl_error err;
        ck_assert_int_eq(zl_entry_describe(t.ar, &t.ar->entries[idx], buf, sizeof buf, &err),
                         ZL_OK);
        ck_assert_str_eq(buf, want[i].desc);
    }
    tcheck_free(&t);

    /* the real objects */
    tcheck_run(&t, "zl501-fire-windows.zip", &opt);
    long idx = zl_archive_find(t.ar, "fastpkg/helper.dll", 18);
    ck_assert_int_ge(idx, 0);
    char buf[160];
    zl_error err;
    ck_assert_int_eq(zl_entry_describe(t.ar, &t.ar->entries[idx], buf, sizeof buf, &err), ZL_OK);
    ck_assert_str_eq(buf, "PE32+ executable (DLL) x86-64");
    /* a short buffer is cut, never overrun */
    ck_assert_int_eq(zl_entry_describe(t.ar, &t.ar->entries[idx], buf, 6, &err), ZL_OK);
    ck_assert_str_eq(buf, "PE32+");
    tcheck_free(&t);
}
END_TEST

Suite *suite_platform(void)
{
    Suite *s = suite_create("platform");
    TCase *tc = tcase_create("rules");
    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, test_platform_case, 0, (int)(sizeof cases / sizeof cases[0]));
    tcase_add_test(tc, test_messages);
    tcase_add_test(tc, test_no_false_errors);
    tcase_add_test(tc, test_reads_only_native);
    suite_add_tcase(s, tc);
    tc = tcase_create("facts");
    tcase_add_test(tc, test_runtime_table);
    tcase_add_loop_test(tc, test_wheel_tags, 0, (int)(sizeof tag_cases / sizeof tag_cases[0]));
    tcase_add_loop_test(tc, test_ext_suffixes, 0, (int)(sizeof ext_cases / sizeof ext_cases[0]));
    tcase_add_test(tc, test_describe);
    suite_add_tcase(s, tc);
    return s;
}
