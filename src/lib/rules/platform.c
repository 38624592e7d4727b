/* rules/platform.c - ZL5xx: native code built for the wrong place. Non-ELF
 * binaries (Mach-O, PE), ELF for another arch, extension names for another
 * CPython or platform, wheel tags that cannot load, and ELF objects that
 * need a newer glibc than the runtime's.
 *
 * Only loadable native code is judged as an error (rules.md, "Words used
 * below"); the same problems in files nothing loads are info. Entries are
 * chosen by name and place first, so only those are sniffed (4 KiB), and
 * only ELF objects are read further, by ZL505 alone (streamed on worker
 * threads, keeping only the section headers and .gnu.version_r). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../zl_internal.h"

/* An ELF object larger than Lambda's whole unzipped limit cannot be in a
 * package that deploys (ZL301 says so); ZL505 does not read it. */
#define ELF_READ_MAX   ZL_LAMBDA_UNZIPPED_MAX
#define WHEEL_READ_MAX 65536
#define DESC_MAX       160

#define ERR_FOREIGN "invalid ELF header"
#define ERR_ARCH                                                                              \
    "cannot open shared object file / wrong ELF class / exec format error, or the module is " \
    "skipped: No module named '...'"
#define ERR_ABI "No module named '...' (the import system skips the file)"
#define ERR_WHEEL \
    "invalid ELF header / cannot open shared object file / version `GLIBC_2.N' not found"
#define ERR_GLIBC "version `GLIBC_2.N' not found"

/* ---- names and places ---- */

typedef enum role {
    ROLE_NONE = 0, /* not native code by name or place: not judged */
    ROLE_UNLOADED, /* a binary nothing loads (setuptools' cli-64.exe): info at most */
    ROLE_LOADABLE  /* extension, shared library, executable */
} role;

static bool ends_with(const char *s, size_t len, const char *lit)
{
    size_t n = strlen(lit);
    return len >= n && memcmp(s + len - n, lit, n) == 0;
}

static const char *base_name(const char *path, size_t len, size_t *blen)
{
    const char *slash = NULL;
    for (size_t i = 0; i < len; i++)
        if (path[i] == '/')
            slash = path + i;
    const char *b = slash ? slash + 1 : path;
    *blen = len - (size_t)(b - path);
    return b;
}

/* "libfoo.so.1", "libffi-4c1d.so.8.1.0": ".so." then only digits and dots. */
static bool is_versioned_so(const char *b, size_t n)
{
    for (size_t i = 0; i + 4 <= n; i++) {
        if (memcmp(b + i, ".so.", 4) != 0)
            continue;
        size_t k = i + 4;
        if (k == n)
            return false;
        for (; k < n; k++)
            if (!((b[k] >= '0' && b[k] <= '9') || b[k] == '.'))
                break;
        if (k == n)
            return true;
    }
    return false;
}

static bool loadable_by_name(const char *b, size_t n)
{
    return ends_with(b, n, ".so") || ends_with(b, n, ".pyd") || is_versioned_so(b, n);
}

/* A folder component ending in ".libs" (auditwheel's numpy.libs/) or
 * ".dylibs" (delocate's PIL/.dylibs/). */
static bool in_libs_folder(const char *p, size_t len)
{
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        if (p[i] != '/')
            continue;
        if (ends_with(p + start, i - start, ".libs") || ends_with(p + start, i - start, ".dylibs"))
            return true;
        start = i + 1;
    }
    return false;
}

static bool starts_with(const char *p, size_t len, const char *lit)
{
    size_t n = strlen(lit);
    return len > n && memcmp(p, lit, n) == 0;
}

/* lib/ (LD_LIBRARY_PATH), bin/ and extensions/ (PATH, extensions) and
 * bootstrap, at the layout root. */
static bool loadable_by_place(const char *p, size_t len)
{
    return starts_with(p, len, "lib/") || starts_with(p, len, "bin/") ||
           starts_with(p, len, "extensions/") || (len == 9 && memcmp(p, "bootstrap", 9) == 0);
}

/* 1 when the root bootstrap (or the wrapper's) is a symlink: only then can
 * an executable lie outside the places loadable_by_place() knows. */
static bool bootstrap_is_link(const zl_ctx *ctx)
{
    char path[512];
    long idx = zl_archive_find(ctx->ar, "bootstrap", 9);
    if (idx < 0 && ctx->wrapper != NULL && ctx->wrapper_len + 9 < sizeof path) {
        memcpy(path, ctx->wrapper, ctx->wrapper_len);
        memcpy(path + ctx->wrapper_len, "bootstrap", 9);
        idx = zl_archive_find(ctx->ar, path, ctx->wrapper_len + 9);
    }
    return idx >= 0 && ctx->ar->entries[idx].type == ZL_TYPE_SYMLINK;
}

static role role_of(zl_ctx *ctx, zl_entry *e, bool boot_link)
{
    if (e->type != ZL_TYPE_FILE)
        return ROLE_NONE;
    size_t blen;
    const char *b = base_name(e->path, e->name_len, &blen);
    /* Only Windows loads a .dll and only macOS a .dylib; on Lambda nothing
     * does (the import system takes .so files, the loader ELF objects).
     * They come with what would load them (.pyd files, Mach-O extension
     * modules: errors themselves) or ride along unused (the attach helpers
     * in debugpy's pure-Python wheel): info. */
    if (ends_with(b, blen, ".dll") || ends_with(b, blen, ".dylib"))
        return ROLE_UNLOADED;
    if (loadable_by_name(b, blen) || in_libs_folder(e->path, e->name_len) ||
        loadable_by_place(e->path, e->name_len))
        return ROLE_LOADABLE;
    /* The same places under a wrapper folder (ZL101's fix drops it). */
    if (ctx->wrapper != NULL && e->name_len > ctx->wrapper_len &&
        memcmp(e->path, ctx->wrapper, ctx->wrapper_len) == 0 &&
        loadable_by_place(e->path + ctx->wrapper_len, e->name_len - ctx->wrapper_len))
        return ROLE_LOADABLE;
    if (ends_with(b, blen, ".exe"))
        return ROLE_UNLOADED;
    /* A root bootstrap that links elsewhere: its target is executed. */
    if (boot_link && zl_entry_is_executable(ctx, e))
        return ROLE_LOADABLE;
    return ROLE_NONE;
}

/* Each entry's role, worked out once per check (ZL501, ZL502 and ZL505 all
 * ask): ctx->roles holds role + 1, 0 for not yet. Without memory for it,
 * worked out each time. */
static role entry_role(zl_ctx *ctx, zl_entry *e, bool boot_link)
{
    if (ctx->roles == NULL && (ctx->roles = calloc(ctx->ar->n_entries, 1)) == NULL)
        return role_of(ctx, e, boot_link);
    size_t i = (size_t)(e - ctx->ar->entries);
    if (ctx->roles[i] == 0)
        ctx->roles[i] = (uint8_t)(role_of(ctx, e, boot_link) + 1);
    return (role)(ctx->roles[i] - 1);
}

static zl_severity role_severity(role r)
{
    return r == ROLE_LOADABLE ? ZL_SEV_ERROR : ZL_SEV_INFO;
}

static const char *role_tail(role r)
{
    return r == ROLE_LOADABLE ? "" : "; nothing loads it";
}

static int nomem(zl_ctx *ctx)
{
    return zl_error_set(ctx->err, ZL_E_NOMEM, "out of memory");
}

/* "python3.11 (Amazon Linux 2, glibc 2.26) on x86_64", or "any Lambda
 * runtime on x86_64" when no runtime was given. */
static void target_words(const zl_options *opt, char *buf, size_t size)
{
    const zl_runtime *rt = zl_runtime_find(opt->runtime_minor);
    if (rt != NULL)
        snprintf(buf, size, "%s (%s, glibc 2.%d) on %s", rt->name, rt->os, rt->glibc_minor,
                 zl_arch_name(opt->arch));
    else
        snprintf(buf, size, "any Lambda Python runtime on %s", zl_arch_name(opt->arch));
}

static const char *plural(size_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

/* ---- ZL501 foreign-binary ---- */

static int check_foreign(zl_ctx *ctx, const zl_rule *rule)
{
    zl_archive *ar = ctx->ar;
    const bool boot_link = bootstrap_is_link(ctx);
    zl_finding *f = NULL;
    size_t n_err = 0, n_macho = 0, n_pe = 0;
    int rc = ZL_OK;
    for (size_t i = 0; i < ar->n_entries; i++) {
        zl_entry *e = &ar->entries[i];
        role r = entry_role(ctx, e, boot_link);
        if (r == ROLE_NONE)
            continue;
        const zl_sniff *s = zl_entry_sniff(ar, e);
        if (s->kind != ZL_KIND_MACHO && s->kind != ZL_KIND_PE)
            continue;
        char desc[DESC_MAX];
        zl_error derr;
        if (zl_entry_describe(ar, e, desc, sizeof desc, &derr) != ZL_OK || desc[0] == '\0')
            snprintf(desc, sizeof desc, "%s", s->kind == ZL_KIND_MACHO ? "Mach-O" : "PE");
        if (f == NULL && (f = zl_finding_get(ctx, rule)) == NULL)
            return nomem(ctx);
        if ((rc = zl_finding_add_entry(ctx, f, e, role_severity(r), "%s%s", desc, role_tail(r))) !=
            ZL_OK)
            return rc;
        f->bytes += e->size;
        if (r == ROLE_LOADABLE) {
            n_err++;
            if (s->kind == ZL_KIND_MACHO)
                n_macho++;
            else
                n_pe++;
        }
    }
    if (f == NULL)
        return ZL_OK;
    char target[128];
    target_words(ctx->opt, target, sizeof target);
    if (n_err > 0) {
        const char *from = n_macho && n_pe ? "macOS and Windows" : n_macho ? "macOS" : "Windows";
        rc = zl_finding_set_message(
            ctx, f,
            "%zu native file%s built for %s (%s): %s runs Linux and loads only ELF objects; "
            "loading %s fails with invalid ELF header. Rebuild on Linux (manylinux wheels, "
            "sam build --use-container, or pip --platform manylinux2014_%s --only-binary=:all:)",
            n_err, plural(n_err, " is", "s are"), from,
            n_macho && n_pe ? "Mach-O and PE"
            : n_macho       ? "Mach-O"
                            : "PE",
            target, plural(n_err, "it", "them"), zl_arch_wheel(ctx->opt->arch));
    } else {
        rc = zl_finding_set_message(ctx, f,
                                    "%zu Windows or macOS binar%s that nothing loads on Lambda "
                                    "(launchers and the like): harmless, only size",
                                    f->n_entries, plural(f->n_entries, "y", "ies"));
    }
    return rc;
}

/* ---- ZL502 arch-mismatch ---- */

static int check_arch(zl_ctx *ctx, const zl_rule *rule)
{
    zl_archive *ar = ctx->ar;
    const bool boot_link = bootstrap_is_link(ctx);
    zl_finding *f = NULL;
    size_t n_err = 0;
    int want = zl_arch_elf_machine(ctx->opt->arch);
    int rc = ZL_OK;
    for (size_t i = 0; i < ar->n_entries; i++) {
        zl_entry *e = &ar->entries[i];
        role r = entry_role(ctx, e, boot_link);
        if (r == ROLE_NONE)
            continue;
        const zl_sniff *s = zl_entry_sniff(ar, e);
        /* A header cut short (class or machine unknown) is not judged. */
        if (s->kind != ZL_KIND_ELF || s->elf_class == 0 || s->elf_machine == 0)
            continue;
        if (s->elf_class == 2 && s->elf_machine == want)
            continue;
        char desc[DESC_MAX];
        zl_error derr;
        if (zl_entry_describe(ar, e, desc, sizeof desc, &derr) != ZL_OK)
            snprintf(desc, sizeof desc, "ELF machine %d", s->elf_machine);
        if (f == NULL && (f = zl_finding_get(ctx, rule)) == NULL)
            return nomem(ctx);
        if ((rc = zl_finding_add_entry(ctx, f, e, role_severity(r), "%s%s", desc, role_tail(r))) !=
            ZL_OK)
            return rc;
        f->bytes += e->size;
        if (r == ROLE_LOADABLE)
            n_err++;
    }
    if (f == NULL)
        return ZL_OK;
    const char *arch = zl_arch_name(ctx->opt->arch);
    if (n_err > 0)
        rc = zl_finding_set_message(
            ctx, f,
            "%zu ELF object%s built for another architecture than the target %s (it needs 64-bit "
            "ELF, %s): loading fails with cannot open shared object file, wrong ELF class or "
            "exec format error, or Python skips the module (No module named '...'). Rebuild "
            "for %s, or deploy with --architectures %s",
            n_err, plural(n_err, " is", "s are"), arch,
            ctx->opt->arch == ZL_ARCH_ARM64 ? "EM_AARCH64" : "EM_X86_64", arch,
            ctx->opt->arch == ZL_ARCH_ARM64 ? "x86_64 if they are x86_64"
                                            : "arm64 if they are aarch64");
    else
        rc = zl_finding_set_message(ctx, f,
                                    "%zu ELF file%s for another architecture than %s, but "
                                    "nothing loads %s",
                                    f->n_entries, plural(f->n_entries, " is", "s are"), arch,
                                    plural(f->n_entries, "it", "them"));
    return rc;
}

/* ---- ZL503 abi-mismatch ---- */

/* Parses "3XY" at p (CPython major 3, minor XY) and flag letters; returns
 * the bytes used, 0 when it is not a version. */
static size_t parse_py_version(const char *p, size_t n, int *minor, char *flags, size_t fsize)
{
    if (n < 2 || p[0] != '3')
        return 0;
    size_t k = 1;
    int m = 0;
    while (k < n && p[k] >= '0' && p[k] <= '9' && k < 4)
        m = m * 10 + (p[k++] - '0');
    if (k == 1)
        return 0;
    size_t f = 0;
    while (k < n && (p[k] == 'd' || p[k] == 'm' || p[k] == 't' || p[k] == 'u')) {
        if (f + 1 < fsize)
            flags[f++] = p[k];
        k++;
    }
    if (fsize > 0)
        flags[f < fsize ? f : fsize - 1] = '\0';
    *minor = m;
    return k;
}

/* "x86_64 Linux", "aarch64 Linux (musl)", "macOS", or the platform as is. */
static void platform_words(const char *p, size_t n, char *buf, size_t size)
{
    if (n == 6 && memcmp(p, "darwin", 6) == 0) {
        snprintf(buf, size, "macOS");
    } else if (ends_with(p, n, "-linux-gnu")) {
        snprintf(buf, size, "%.*s Linux", (int)(n - 10), p);
    } else if (ends_with(p, n, "-linux-musl")) {
        snprintf(buf, size, "%.*s Linux (musl)", (int)(n - 11), p);
    } else if (n >= 3 && memcmp(p, "win", 3) == 0) {
        snprintf(buf, size, "Windows (%.*s)", (int)n, p);
    } else {
        snprintf(buf, size, "%.*s", (int)n, p);
    }
}

zl_severity zl_ext_suffix_judge(const char *base, size_t len, int runtime_minor, zl_arch arch,
                                int *py_minor, char *what, size_t size)
{
    char dummy[4];
    if (what == NULL || size == 0) {
        what = dummy;
        size = sizeof dummy;
    }
    what[0] = '\0';
    *py_minor = -1;
    bool pyd = ends_with(base, len, ".pyd");
    if (!pyd && !ends_with(base, len, ".so"))
        return ZL_SEV_NONE;
    size_t stem = len - (pyd ? 4 : 3);
    /* The tag: what lies between the stem's last dot and the suffix. */
    size_t dot = stem;
    while (dot > 0 && base[dot - 1] != '.')
        dot--;
    const char *tag = dot > 0 ? base + dot : NULL;
    size_t tlen = dot > 0 ? stem - dot : 0;
    if (pyd) {
        int m;
        char fl[8];
        size_t k;
        /* ".cp311-win_amd64.pyd" */
        if (tag != NULL && tlen > 2 && memcmp(tag, "cp", 2) == 0 &&
            (k = parse_py_version(tag + 2, tlen - 2, &m, fl, sizeof fl)) > 0 && 2 + k < tlen &&
            tag[2 + k] == '-') {
            *py_minor = m;
            char pw[64];
            platform_words(tag + 3 + k, tlen - 3 - k, pw, sizeof pw);
            snprintf(what, size, "CPython 3.%d, %s", m, pw);
        } else {
            snprintf(what, size, "Windows (.pyd)");
        }
        return ZL_SEV_ERROR;
    }
    if (tag == NULL || tlen == 0)
        return ZL_SEV_NONE;
    if (tlen == 4 && memcmp(tag, "abi3", 4) == 0)
        return ZL_SEV_NONE;
    if (tlen > 8 && memcmp(tag, "cpython-", 8) == 0) {
        int m = 0;
        char fl[8] = "";
        size_t k = parse_py_version(tag + 8, tlen - 8, &m, fl, sizeof fl);
        if (k == 0)
            return ZL_SEV_NONE;
        const char *plat = tag + 8 + k;
        size_t plen = tlen - 8 - k;
        if (plen > 0 && plat[0] == '-') {
            plat++;
            plen--;
        }
        *py_minor = m;
        char pw[64] = "";
        platform_words(plat, plen, pw, sizeof pw);
        snprintf(what, size, "CPython 3.%d%s%s%s%s", m, strchr(fl, 't') ? " free-threaded" : "",
                 strchr(fl, 'd') ? " debug" : "", plen > 0 ? ", " : "", pw);
        const char *want = zl_arch_triple(arch);
        bool plat_ok = plen == strlen(want) && memcmp(plat, want, plen) == 0;
        /* 'm' (pymalloc) tags ended with 3.7; 'd' and 't' builds are not Lambda's. */
        bool flags_ok = fl[0] == '\0';
        bool version_ok = runtime_minor > 0 ? m == runtime_minor : zl_runtime_find(m) != NULL;
        return plat_ok && flags_ok && version_ok ? ZL_SEV_NONE : ZL_SEV_ERROR;
    }
    /* Other implementations' tags: no CPython imports them. */
    static const char *const others[] = {"pypy", "graalpy", "pyston"};
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
        size_t n = strlen(others[i]);
        if (tlen > n && memcmp(tag, others[i], n) == 0) {
            snprintf(what, size, "%.*s", (int)tlen, tag);
            return ZL_SEV_ERROR;
        }
    }
    /* A bare platform tag with no interpreter ("x86_64-linux-gnu" is what
     * some builds write): judged by its platform alone. */
    if (ends_with(tag, tlen, "-linux-gnu") || ends_with(tag, tlen, "-linux-musl") ||
        (tlen == 6 && memcmp(tag, "darwin", 6) == 0)) {
        platform_words(tag, tlen, what, size);
        const char *want = zl_arch_triple(arch);
        return tlen == strlen(want) && memcmp(tag, want, tlen) == 0 ? ZL_SEV_NONE : ZL_SEV_ERROR;
    }
    /* "libpython3.11.so", "libfoo.1.so": dots in a library's own name. */
    return ZL_SEV_NONE;
}

static int check_abi(zl_ctx *ctx, const zl_rule *rule)
{
    zl_archive *ar = ctx->ar;
    zl_finding *f = NULL;
    const int runtime = ctx->opt->runtime_minor;
    const zl_arch arch = ctx->opt->arch;
    int rc = ZL_OK;
    size_t n_err = 0;
    /* With no runtime: which CPython versions the loadable tags name. */
    unsigned long long versions = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < ar->n_entries; i++) {
            zl_entry *e = &ar->entries[i];
            if (e->type != ZL_TYPE_FILE)
                continue;
            size_t blen;
            const char *b = base_name(e->path, e->name_len, &blen);
            int m;
            char what[DESC_MAX];
            zl_severity sev = zl_ext_suffix_judge(b, blen, runtime, arch, &m, what, sizeof what);
            if (pass == 0) {
                if (sev == ZL_SEV_NONE && m >= 0 && m < 64)
                    versions |= 1ULL << m;
                continue;
            }
            if (sev == ZL_SEV_NONE) {
                /* Disagreeing tags, judged only when no runtime is given. */
                if (runtime != 0 || m < 0 || (versions & (versions - 1)) == 0)
                    continue;
                sev = ZL_SEV_WARNING;
            } else {
                n_err++;
            }
            if (f == NULL && (f = zl_finding_get(ctx, rule)) == NULL)
                return nomem(ctx);
            if ((rc = zl_finding_add_entry(ctx, f, e, sev, "built for %s", what)) != ZL_OK)
                return rc;
            f->bytes += e->size;
        }
    }
    if (f == NULL)
        return ZL_OK;
    char target[128];
    target_words(ctx->opt, target, sizeof target);
    char imports[128];
    if (runtime > 0)
        snprintf(imports, sizeof imports, "*.cpython-3%d-%s.so, *.abi3.so and plain *.so", runtime,
                 zl_arch_triple(arch));
    else
        snprintf(imports, sizeof imports,
                 "*.cpython-3XY-%s.so (X.Y its version), *.abi3.so and "
                 "plain *.so",
                 zl_arch_triple(arch));
    char minor_str[16];
    snprintf(minor_str, sizeof minor_str, "%d", runtime);
    if (n_err > 0) {
        rc = zl_finding_set_message(
            ctx, f,
            "%zu extension module%s named for another Python or platform: %s imports only %s, "
            "so the import system skips %s (No module named '...'). Install the packages for "
            "the runtime's Python (pip --python-version 3.%s --platform manylinux2014_%s "
            "--only-binary=:all:)",
            n_err, plural(n_err, " is", "s are"), target, imports, plural(n_err, "it", "them"),
            runtime > 0 ? minor_str : "X", zl_arch_wheel(arch));
    } else {
        char list[96] = "";
        size_t w = 0;
        for (int m = 0; m < 64 && w < sizeof list; m++)
            if (versions & (1ULL << m)) {
                int k = snprintf(list + w, sizeof list - w, "%s3.%d", w ? ", " : "", m);
                if (k < 0)
                    break;
                w += (size_t)k;
            }
        rc = zl_finding_set_message(ctx, f,
                                    "%zu extension modules are built for different CPython "
                                    "versions (%s): each runtime imports only its own, so some "
                                    "will be missing whatever runtime runs this. Give --runtime "
                                    "to check against one",
                                    f->n_entries, list);
    }
    return rc;
}

/* ---- ZL504 wheel-platform ---- */

static bool parse_uint(const char **p, const char *end, unsigned *out)
{
    unsigned v = 0;
    const char *q = *p;
    while (q < end && *q >= '0' && *q <= '9' && v < 100000)
        v = v * 10 + (unsigned)(*q++ - '0');
    if (q == *p)
        return false;
    *p = q;
    *out = v;
    return true;
}

static void put(char *why, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void put(char *why, size_t size, const char *fmt, ...)
{
    if (why == NULL || size == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, size, fmt, ap);
    va_end(ap);
}

zl_severity zl_wheel_platform_judge(const char *plat, size_t len, int runtime_minor, zl_arch arch,
                                    char *why, size_t size)
{
    const char *end = plat + len;
    const char *want = zl_arch_wheel(arch);
    put(why, size, "%s", "");
    if (len == 3 && memcmp(plat, "any", 3) == 0)
        return ZL_SEV_NONE;
    unsigned glibc = 0;
    const char *p = NULL;
    if (starts_with(plat, len, "manylinux1_")) {
        glibc = 5;
        p = plat + 11;
    } else if (starts_with(plat, len, "manylinux2010_")) {
        glibc = 12;
        p = plat + 14;
    } else if (starts_with(plat, len, "manylinux2014_")) {
        glibc = 17;
        p = plat + 14;
    } else if (starts_with(plat, len, "manylinux_")) {
        /* manylinux_<major>_<minor>_<arch> (PEP 600) */
        unsigned major = 0;
        const char *q = plat + 10;
        bool ok = parse_uint(&q, end, &major) && q < end && *q == '_';
        if (ok) {
            q++;
            ok = parse_uint(&q, end, &glibc) && q < end && *q == '_' && major == 2;
        }
        if (!ok) {
            put(why, size, "%.*s: not a manylinux tag", (int)len, plat);
            return ZL_SEV_ERROR;
        }
        p = q + 1;
    }
    if (p != NULL) {
        size_t alen = (size_t)(end - p);
        if (alen != strlen(want) || memcmp(p, want, alen) != 0) {
            put(why, size, "built for %.*s; the target is %s", (int)alen, p, want);
            return ZL_SEV_ERROR;
        }
        int have = zl_runtime_glibc_minor(runtime_minor);
        if ((int)glibc > have) {
            const zl_runtime *rt = zl_runtime_find(runtime_minor);
            if (rt != NULL)
                put(why, size, "needs glibc 2.%u; %s (%s) has 2.%d", glibc, rt->name, rt->os, have);
            else
                put(why, size, "needs glibc 2.%u; no Lambda runtime has more than 2.%d", glibc,
                    have);
            return ZL_SEV_ERROR;
        }
        return ZL_SEV_NONE;
    }
    if (starts_with(plat, len, "musllinux_")) {
        put(why, size, "built for musl libc (Alpine), not glibc");
        return ZL_SEV_ERROR;
    }
    if (starts_with(plat, len, "linux_")) {
        size_t alen = len - 6;
        if (alen != strlen(want) || memcmp(plat + 6, want, alen) != 0) {
            put(why, size, "built for %.*s; the target is %s", (int)alen, plat + 6, want);
            return ZL_SEV_ERROR;
        }
        put(why, size,
            "a bare linux tag: built on one machine, not manylinux, and may need "
            "that machine's glibc");
        return ZL_SEV_INFO;
    }
    if (starts_with(plat, len, "macosx_")) {
        put(why, size, "built for macOS");
        return ZL_SEV_ERROR;
    }
    if ((len == 5 && memcmp(plat, "win32", 5) == 0) || starts_with(plat, len, "win_")) {
        put(why, size, "built for Windows");
        return ZL_SEV_ERROR;
    }
    put(why, size, "built for %.*s, not Linux", (int)len, plat);
    return ZL_SEV_ERROR;
}

zl_severity zl_wheel_tag_judge(const char *tag, size_t len, int runtime_minor, zl_arch arch,
                               char *why, size_t size)
{
    /* python-abi-platform; the platform is after the last '-'. */
    size_t start = len;
    while (start > 0 && tag[start - 1] != '-')
        start--;
    zl_severity best = ZL_SEV_ERROR + 1;
    const char *p = tag + start, *end = tag + len;
    while (p <= end) {
        const char *dot = memchr(p, '.', (size_t)(end - p));
        size_t n = dot ? (size_t)(dot - p) : (size_t)(end - p);
        if (n > 0) {
            char reason[DESC_MAX];
            zl_severity s =
                zl_wheel_platform_judge(p, n, runtime_minor, arch, reason, sizeof reason);
            if (s < best) {
                best = s;
                put(why, size, "%s", reason);
            }
        }
        if (dot == NULL)
            break;
        p = dot + 1;
    }
    if (best > ZL_SEV_ERROR) {
        put(why, size, "no platform tag");
        return ZL_SEV_NONE;
    }
    return best;
}

static bool is_wheel_file(const zl_entry *e)
{
    size_t blen;
    const char *b = base_name(e->path, e->name_len, &blen);
    if (blen != 5 || memcmp(b, "WHEEL", 5) != 0 || b == e->path)
        return false;
    return ends_with(e->path, (size_t)(b - e->path), ".dist-info/");
}

static int check_wheel(zl_ctx *ctx, const zl_rule *rule)
{
    zl_archive *ar = ctx->ar;
    zl_finding *f = NULL;
    size_t n_err = 0;
    int rc = ZL_OK;
    for (size_t i = 0; i < ar->n_entries; i++) {
        zl_entry *e = &ar->entries[i];
        if (e->type != ZL_TYPE_FILE || !is_wheel_file(e))
            continue;
        char *text = malloc(WHEEL_READ_MAX + 1);
        if (text == NULL)
            return nomem(ctx);
        size_t got = 0;
        zl_error rerr;
        if (zl_entry_read_head(ar, e, text, WHEEL_READ_MAX, &got, &rerr) != ZL_OK) {
            free(text); /* unreadable data is ZL606's */
            continue;
        }
        text[got] = '\0';
        zl_severity worst_line = ZL_SEV_ERROR + 1; /* best verdict over the Tag lines */
        char why[DESC_MAX] = "", which[DESC_MAX] = "";
        const char *p = text, *end = text + got;
        while (p < end) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
            if (n > 4 && memcmp(p, "Tag:", 4) == 0) {
                const char *v = p + 4;
                size_t vn = n - 4;
                while (vn > 0 && (*v == ' ' || *v == '\t')) {
                    v++;
                    vn--;
                }
                while (vn > 0 && (v[vn - 1] == ' ' || v[vn - 1] == '\t' || v[vn - 1] == '\r'))
                    vn--;
                char reason[DESC_MAX];
                zl_severity s = zl_wheel_tag_judge(v, vn, ctx->opt->runtime_minor, ctx->opt->arch,
                                                   reason, sizeof reason);
                if (vn > 0 && s < worst_line) {
                    worst_line = s;
                    snprintf(why, sizeof why, "%s", reason);
                    snprintf(which, sizeof which, "%.*s", (int)(vn < 120 ? vn : 120), v);
                }
            }
            p += n + 1;
        }
        free(text);
        if (worst_line > ZL_SEV_ERROR || worst_line == ZL_SEV_NONE)
            continue;
        if (f == NULL && (f = zl_finding_get(ctx, rule)) == NULL)
            return nomem(ctx);
        if ((rc = zl_finding_add_entry(ctx, f, e, worst_line, "%s: %s", which, why)) != ZL_OK)
            return rc;
        if (worst_line == ZL_SEV_ERROR)
            n_err++;
    }
    if (f == NULL)
        return ZL_OK;
    char target[128];
    target_words(ctx->opt, target, sizeof target);
    if (n_err > 0)
        rc = zl_finding_set_message(
            ctx, f,
            "%zu installed wheel%s tagged for a platform that %s cannot load (it needs "
            "manylinux_2_%d_%s or older, or a pure py3-none-any wheel): its native code fails "
            "with invalid ELF header, cannot open shared object file or version `GLIBC_2.N' not "
            "found. Install with pip --platform manylinux2014_%s --only-binary=:all:",
            n_err, plural(n_err, " is", "s are"), target,
            zl_runtime_glibc_minor(ctx->opt->runtime_minor), zl_arch_wheel(ctx->opt->arch),
            zl_arch_wheel(ctx->opt->arch));
    else
        rc = zl_finding_set_message(ctx, f,
                                    "%zu installed wheel%s a bare linux_%s tag: built locally, "
                                    "not as manylinux, so %s may need a newer glibc than "
                                    "Lambda's (ZL505 checks the objects themselves)",
                                    f->n_entries, plural(f->n_entries, " has", "s have"),
                                    zl_arch_wheel(ctx->opt->arch),
                                    plural(f->n_entries, "it", "they"));
    return rc;
}

/* ---- ZL505 glibc-too-new ---- */

/* The entries ZL505 reads: loadable (or unloaded) files whose first bytes
 * say ELF, not too large to read, and not already known (zl_archive_adopt). */
static bool glibc_candidate(zl_ctx *ctx, zl_entry *e, bool boot_link, role *r)
{
    *r = entry_role(ctx, e, boot_link);
    if (*r == ROLE_NONE || e->size > ELF_READ_MAX)
        return false;
    return zl_entry_sniff(ctx->ar, e)->kind == ZL_KIND_ELF;
}

int zl_glibc_wanted(zl_ctx *ctx, uint8_t *want)
{
    zl_archive *ar = ctx->ar;
    const bool boot_link = bootstrap_is_link(ctx);
    for (size_t i = 0; i < ar->n_entries; i++) {
        role r;
        if (!ar->entries[i].glibc_done && glibc_candidate(ctx, &ar->entries[i], boot_link, &r))
            want[i] |= ZL_WANT_GLIBC;
    }
    return ZL_OK;
}

static int check_glibc(zl_ctx *ctx, const zl_rule *rule)
{
    zl_archive *ar = ctx->ar;
    const bool boot_link = bootstrap_is_link(ctx);
    zl_finding *f = NULL;
    const int have = zl_runtime_glibc_minor(ctx->opt->runtime_minor);
    size_t n_err = 0;
    int top = 0;
    int rc;
    /* The objects were read on worker threads by the data pass. */
    if ((rc = zl_datapass_wait(ctx)) != ZL_OK)
        return rc;
    for (size_t i = 0; i < ar->n_entries; i++) {
        zl_entry *e = &ar->entries[i];
        role r;
        if (!glibc_candidate(ctx, e, boot_link, &r))
            continue;
        int major = e->glibc_major, minor = e->glibc_minor;
        int erc = e->glibc_done ? e->glibc_rc : ZL_RAW_FALLBACK;
        zl_error rerr;
        /* What the raw reader left (other methods, damage): libzip, streamed,
         * and kept like the data pass's results (ZL606 need not read it
         * again, a later check may adopt it). */
        if (erc == ZL_RAW_FALLBACK) {
            bool data_ok = false;
            erc = zl_elf_glibc_need_stream(ar, e, &major, &minor, &data_ok, &rerr);
            if (erc == ZL_E_NOMEM)
                return nomem(ctx);
            e->data_ok |= data_ok;
            e->glibc_done = true;
            e->glibc_rc = erc;
            e->glibc_major = major;
            e->glibc_minor = minor;
        }
        if (erc == ZL_E_NOMEM)
            return nomem(ctx);
        /* Unreadable data is ZL606's; an image libelf rejects needs nothing we can tell. */
        if (erc != ZL_OK || major < 2 || (major == 2 && minor <= have))
            continue;
        if (f == NULL && (f = zl_finding_get(ctx, rule)) == NULL)
            return nomem(ctx);
        if ((rc = zl_finding_add_entry(ctx, f, e, role_severity(r), "needs GLIBC_%d.%d%s", major,
                                       minor, role_tail(r))) != ZL_OK)
            return rc;
        f->bytes += e->size;
        if (r == ROLE_LOADABLE) {
            n_err++;
            if (major == 2 && minor > top)
                top = minor;
        }
    }
    if (f == NULL)
        return ZL_OK;
    const zl_runtime *rt = zl_runtime_find(ctx->opt->runtime_minor);
    char runtime[96];
    if (rt != NULL)
        snprintf(runtime, sizeof runtime, "%s runs on %s with glibc 2.%d", rt->name, rt->os, have);
    else
        snprintf(runtime, sizeof runtime, "no Lambda runtime has a glibc newer than 2.%d", have);
    if (n_err > 0)
        rc = zl_finding_set_message(
            ctx, f,
            "%zu ELF object%s a newer glibc than the runtime's (%s): loading fails with "
            "version `GLIBC_2.%d' not found. Build against glibc 2.%d or older (manylinux_2_%d "
            "wheels, or a container of the runtime's image)",
            n_err, plural(n_err, " needs", "s need"), runtime, top, have, have);
    else
        rc = zl_finding_set_message(ctx, f,
                                    "%zu ELF file%s a newer glibc than 2.%d, but nothing "
                                    "loads %s",
                                    f->n_entries, plural(f->n_entries, " needs", "s need"), have,
                                    plural(f->n_entries, "it", "them"));
    return rc;
}

const zl_rule_def zl_rules_platform[] = {
    {"ZL501", "foreign-binary", ZL_SEV_ERROR, ZL_FIX_NONE, 1, 0,
     "loadable native code that is not ELF: Mach-O (macOS) or PE (Windows)",
     "What: native code the runtime would load (extension modules *.so/*.pyd, shared\n"
     "libraries *.so, *.so.N, anything in a *.libs/ folder or lib/, and executables\n"
     "under bin/ or extensions/ or the bootstrap) whose first bytes are a Mach-O header\n"
     "(built on macOS) or a PE/COFF header (built on Windows). The finding names each\n"
     "file as libmagic would: 'Mach-O 64-bit arm64 bundle', 'PE32+ executable (DLL)\n"
     "x86-64'. Binaries that nothing on Linux loads are info only: *.exe launchers\n"
     "(setuptools' cli-64.exe, pip's t64.exe), and *.dll and *.dylib files, which only\n"
     "Windows and macOS load (they come with the .pyd files or Mach-O extension modules\n"
     "that are errors, or ride along unused, as in debugpy's pure-Python wheel).\n"
     "Why: Lambda runs Amazon Linux and loads only ELF objects; Python's import fails with\n"
     "  invalid ELF header\n"
     "Fix by hand: install the dependencies for Linux, e.g.\n"
     "  pip install -t build --platform manylinux2014_x86_64 --only-binary=:all: -r req.txt\n"
     "or build inside a Lambda-like container (sam build --use-container).",
     ERR_FOREIGN, check_foreign},
    {"ZL502", "arch-mismatch", ZL_SEV_ERROR, ZL_FIX_NONE, 1, 0,
     "an ELF object's machine is not the target architecture",
     "What: loadable native code that is ELF but built for another machine than --arch\n"
     "(x86_64: EM_X86_64; arm64: EM_AARCH64), or 32-bit ELF. The detail names it: 'ELF\n"
     "aarch64 shared object'. Files nothing loads are info.\n"
     "Why: the dynamic loader refuses it:\n"
     "  cannot open shared object file / wrong ELF class: ELFCLASS32 / exec format error\n"
     "or the import system skips the module (No module named 'pydantic_core._pydantic_core').\n"
     "Fix by hand: install for the function's architecture (pip --platform\n"
     "manylinux2014_aarch64 for arm64, manylinux2014_x86_64 for x86_64), or change the\n"
     "function's architecture to match the binaries.",
     ERR_ARCH, check_arch},
    {"ZL503", "abi-mismatch", ZL_SEV_ERROR, ZL_FIX_NONE, 1, 0,
     "an extension's file name is for another CPython or platform than the runtime",
     "What: an extension module whose whole file-name suffix is not one the runtime\n"
     "imports. python3.11 on x86_64 imports *.cpython-311-x86_64-linux-gnu.so, *.abi3.so\n"
     "and plain *.so; a *.cpython-312-*.so, *-linux-musl.so, *-darwin.so, another arch's\n"
     "triple, a PyPy tag or a *.pyd is never imported. With no --runtime, only tags no\n"
     "runtime imports are errors, and tags for different CPython versions in one package\n"
     "are a warning.\n"
     "Why: the import system silently skips files with other suffixes, so the import fails\n"
     "later with\n"
     "  No module named '...'\n"
     "Fix by hand: install for the runtime's Python: pip install --python-version 3.11\n"
     "--platform manylinux2014_x86_64 --only-binary=:all: -t build -r req.txt",
     ERR_ABI, check_abi},
    {"ZL504", "wheel-platform", ZL_SEV_ERROR, ZL_FIX_NONE, 1, 0,
     "a *.dist-info/WHEEL Tag names a platform the runtime cannot load",
     "What: the Tag: lines of each installed *.dist-info/WHEEL. A wheel loads when any of\n"
     "its tags (and any dot-separated alternative of a compressed tag such as\n"
     "cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64) is 'any' or\n"
     "manylinux_2_N for the target arch with N no higher than the runtime's glibc (2.26\n"
     "for python3.9-3.11, 2.34 for 3.12+; with no --runtime, 2.34). manylinux1 is 2_5,\n"
     "manylinux2010 2_12, manylinux2014 2_17. macosx, win, musllinux and another arch are\n"
     "errors; a bare linux_x86_64/linux_aarch64 tag (built locally) is info.\n"
     "Why: pip installed a wheel for another platform (pip install on a Mac or Windows\n"
     "machine); its native code fails with invalid ELF header, cannot open shared object\n"
     "file or version `GLIBC_2.N' not found.\n"
     "Fix by hand: pip install --platform manylinux2014_x86_64 --only-binary=:all: ...",
     ERR_WHEEL, check_wheel},
    {"ZL505", "glibc-too-new", ZL_SEV_ERROR, ZL_FIX_NONE, 1, ZL_STAGE_LAST,
     "an ELF object needs a newer glibc than the runtime has",
     "What: loadable ELF objects whose .gnu.version_r section (what auditwheel reads)\n"
     "requires a GLIBC_2.N above the runtime's glibc: 2.26 for python3.9-3.11 (Amazon\n"
     "Linux 2), 2.34 for python3.12+ (Amazon Linux 2023); with no --runtime, above 2.34.\n"
     "The detail says what each needs: 'needs GLIBC_2.35'.\n"
     "Why: the loader refuses the object:\n"
     "  version `GLIBC_2.35' not found (required by /var/task/...)\n"
     "Fix by hand: build on an older glibc (manylinux2014 wheels, or inside\n"
     "public.ecr.aws/lambda/python:3.X), or move to a python3.12+ runtime.",
     ERR_GLIBC, check_glibc},
    {NULL, NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL},
};
