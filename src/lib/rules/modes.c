/* src/lib/rules/modes.c - ZL2xx permissions: file and folder modes, entries
 * with no Unix mode, executables without the execute bit, special files.
 *
 * Every chmod edit here goes through canonical_mode(), so two rules that
 * touch the same entry never ask for different modes. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../zl_internal.h"

#define ELF_ET_EXEC   2
#define ELF_ET_DYN    3
#define LINK_MAX_HOPS 8
#define LINK_PATH_MAX 4096

/* ---- executables ---- */

static bool path_is(const char *p, size_t len, const char *lit)
{
    size_t n = strlen(lit);
    return len == n && memcmp(p, lit, n) == 0;
}

static bool path_under(const char *p, size_t len, const char *dir)
{
    size_t n = strlen(dir);
    return len > n && memcmp(p, dir, n) == 0;
}

/* The entry's path relative to the layout root: after the wrapper folder
 * when there is one (ZL101's fix will drop it); NULL otherwise. */
static const char *unwrapped(const zl_ctx *ctx, const zl_entry *e, size_t *len)
{
    if (ctx->wrapper == NULL || e->name_len <= ctx->wrapper_len ||
        memcmp(e->path, ctx->wrapper, ctx->wrapper_len) != 0)
        return NULL;
    *len = e->name_len - ctx->wrapper_len;
    return e->path + ctx->wrapper_len;
}

/* Appends target to the folder base (both '/'-separated, base "" or
 * ending in '/') into out, resolving "." and ".."; false when the result
 * would leave the archive root or not fit. */
static bool join_path(const char *base, size_t base_len, const char *target, size_t tlen, char *out,
                      size_t cap, size_t *out_len)
{
    size_t n = 0;
    if (base_len >= cap)
        return false;
    memcpy(out, base, base_len);
    n = base_len;
    const char *p = target, *end = target + tlen;
    while (p < end) {
        const char *slash = memchr(p, '/', (size_t)(end - p));
        size_t clen = slash ? (size_t)(slash - p) : (size_t)(end - p);
        if (clen == 0 || (clen == 1 && p[0] == '.')) {
            /* nothing */
        } else if (clen == 2 && p[0] == '.' && p[1] == '.') {
            if (n == 0)
                return false;
            n--; /* the '/' that ends the last component */
            while (n > 0 && out[n - 1] != '/')
                n--;
        } else {
            if (n + clen + 1 >= cap)
                return false;
            memcpy(out + n, p, clen);
            n += clen;
            out[n++] = '/';
        }
        p += clen + (slash ? 1 : 0);
    }
    if (n == 0)
        return false;
    *out_len = n - 1; /* without the final '/' */
    return true;
}

/* The entry a symlink points to inside the archive (following chains), or
 * -1. Absolute targets under /var/task/ or /opt/ are read from the layout
 * root, where Lambda extracts functions and layers. */
static long resolve_link(zl_ctx *ctx, long idx)
{
    zl_archive *ar = ctx->ar;
    for (int hop = 0; hop < LINK_MAX_HOPS && idx >= 0; hop++) {
        const zl_entry *e = &ar->entries[idx];
        if (e->type != ZL_TYPE_SYMLINK)
            return idx;
        unsigned char *target = NULL;
        size_t tlen = 0;
        zl_error err;
        if (zl_entry_read_all(ar, e, LINK_PATH_MAX, &target, &tlen, &err) != ZL_OK)
            return -1;
        const char *t = (const char *)target;
        const char *base = e->path;
        size_t base_len = 0;
        const char *slash = NULL;
        for (size_t i = 0; i < e->name_len; i++)
            if (e->path[i] == '/')
                slash = e->path + i;
        if (slash != NULL)
            base_len = (size_t)(slash - e->path) + 1;
        if (tlen > 0 && t[0] == '/') {
            size_t skip = 0;
            if (tlen > 10 && memcmp(t, "/var/task/", 10) == 0)
                skip = 10;
            else if (tlen > 5 && memcmp(t, "/opt/", 5) == 0)
                skip = 5;
            if (skip == 0) {
                free(target);
                return -1;
            }
            t += skip;
            tlen -= skip;
            base = ctx->wrapper ? ctx->wrapper : "";
            base_len = ctx->wrapper ? ctx->wrapper_len : 0;
        }
        char path[2 * LINK_PATH_MAX];
        size_t plen = 0;
        bool ok = join_path(base, base_len, t, tlen, path, sizeof path, &plen);
        free(target);
        if (!ok)
            return -1;
        idx = zl_archive_find(ar, path, plen);
    }
    return idx >= 0 && ar->entries[idx].type != ZL_TYPE_SYMLINK ? idx : -1;
}

/* When the root bootstrap is a symlink: the entry it points to, else -1. */
static long bootstrap_target(zl_ctx *ctx)
{
    char path[LINK_PATH_MAX];
    long idx = zl_archive_find(ctx->ar, "bootstrap", 9);
    if (idx < 0 && ctx->wrapper != NULL && ctx->wrapper_len + 9 < sizeof path) {
        memcpy(path, ctx->wrapper, ctx->wrapper_len);
        memcpy(path + ctx->wrapper_len, "bootstrap", 9);
        idx = zl_archive_find(ctx->ar, path, ctx->wrapper_len + 9);
    }
    if (idx < 0 || ctx->ar->entries[idx].type != ZL_TYPE_SYMLINK)
        return -1;
    return resolve_link(ctx, idx);
}

static bool is_bin_path(const char *p, size_t len)
{
    return path_under(p, len, "bin/") || path_under(p, len, "extensions/");
}

/* zl_entry_is_executable with the bootstrap symlink's target already
 * resolved (a rule resolves it once, not once per entry). */
static int is_executable(zl_ctx *ctx, zl_entry *e, long boot_target)
{
    if (e->type != ZL_TYPE_FILE)
        return 0;
    if (boot_target >= 0 && e == &ctx->ar->entries[boot_target])
        return 1;
    size_t ulen = 0;
    const char *u = unwrapped(ctx, e, &ulen);
    if (path_is(e->path, e->name_len, "bootstrap") || (u && path_is(u, ulen, "bootstrap")))
        return 1;
    if (!is_bin_path(e->path, e->name_len) && !(u && is_bin_path(u, ulen)))
        return 0;
    const zl_sniff *s = zl_entry_sniff(ctx->ar, e);
    if (s->kind == ZL_KIND_SCRIPT)
        return 1;
    /* A PIE is ET_DYN with an interpreter; a shared library has none and
     * needs no execute bit. */
    return s->kind == ZL_KIND_ELF &&
           (s->elf_type == ELF_ET_EXEC || (s->elf_type == ELF_ET_DYN && s->elf_interp));
}

int zl_entry_is_executable(zl_ctx *ctx, zl_entry *e)
{
    if (e->type != ZL_TYPE_FILE)
        return 0;
    return is_executable(ctx, e, bootstrap_target(ctx));
}

/* ---- modes ---- */

/* The mode every ZL2xx fix sets: 0755 for folders and executables, and
 * for files already executable by their owner (dropping an x bit is not
 * safe: something may run the file); 0644 otherwise. */
static uint32_t canonical_mode(const zl_entry *e, int exec)
{
    if (e->type == ZL_TYPE_DIR || exec)
        return 0755;
    if (e->type == ZL_TYPE_SYMLINK)
        return e->has_unix_mode ? (e->mode & 0777) : 0777;
    if (e->has_unix_mode && (e->mode & 0100))
        return 0755;
    return 0644;
}

static const char *host_name(uint8_t opsys)
{
    switch (opsys) {
    case ZIP_OPSYS_DOS:
        return "MS-DOS";
    case ZIP_OPSYS_AMIGA:
        return "Amiga";
    case ZIP_OPSYS_OPENVMS:
        return "OpenVMS";
    case ZIP_OPSYS_UNIX:
        return "Unix";
    case ZIP_OPSYS_VM_CMS:
        return "VM/CMS";
    case ZIP_OPSYS_ATARI_ST:
        return "Atari ST";
    case ZIP_OPSYS_OS_2:
        return "OS/2";
    case ZIP_OPSYS_MACINTOSH:
        return "Macintosh";
    case ZIP_OPSYS_CPM:
        return "CP/M";
    case ZIP_OPSYS_WINDOWS_NTFS:
        return "NTFS";
    case ZIP_OPSYS_MVS:
        return "MVS";
    case ZIP_OPSYS_VSE:
        return "VSE";
    case ZIP_OPSYS_ACORN_RISC:
        return "Acorn RISC OS";
    case ZIP_OPSYS_VFAT:
        return "VFAT";
    case ZIP_OPSYS_BEOS:
        return "BeOS";
    case ZIP_OPSYS_TANDEM:
        return "Tandem";
    case ZIP_OPSYS_OS_400:
        return "OS/400";
    case ZIP_OPSYS_OS_X:
        return "OS X";
    default:
        return "unknown";
    }
}

static int nomem(zl_ctx *ctx)
{
    return zl_error_set(ctx->err, ZL_E_NOMEM, "out of memory");
}

/* Lists e in the rule's finding *f (made on first use) with a detail and
 * the safe edit that sets its mode to `to`. */
static int flag_chmod(zl_ctx *ctx, const zl_rule *rule, zl_finding **f, const zl_entry *e,
                      zl_severity sev, uint32_t to, const char *detail_fmt, ...)
    __attribute__((format(printf, 7, 8)));

static int flag_chmod(zl_ctx *ctx, const zl_rule *rule, zl_finding **f, const zl_entry *e,
                      zl_severity sev, uint32_t to, const char *detail_fmt, ...)
{
    char detail[128]; /* the details here are short: modes and a host name */
    va_list ap;
    va_start(ap, detail_fmt);
    vsnprintf(detail, sizeof detail, detail_fmt, ap);
    va_end(ap);
    if (*f == NULL && (*f = zl_finding_get(ctx, rule)) == NULL)
        return nomem(ctx);
    zl_edit ed = {
        .kind = ZL_EDIT_CHMOD, .entry = (size_t)(e - ctx->ar->entries), .safe = true, .mode = to};
    int rc = zl_finding_add_entry(ctx, *f, e, sev, "%s", detail);
    return rc != ZL_OK ? rc : zl_finding_add_edit(ctx, *f, &ed);
}

/* How ZL201 and ZL202 word their finding. */
typedef struct world_words {
    const char *noun;      /* "file" */
    const char *lacks;     /* what the failing ones lack and why that fails, up to "it"/"them" */
    const char *lacks_end; /* the rest of that sentence */
    const char *state;     /* what the others are: "readable" */
    const char *canonical; /* the modes they are not: "0644/0755" */
    const char *harmless;  /* why the others matter little */
    const char *fix;
} world_words;

/* The message and fix of ZL201/ZL202: the n_err entries that lack world
 * access fail, the others are merely not canonical. */
static int set_world_message(zl_ctx *ctx, zl_finding *f, size_t n_err, const world_words *w)
{
    size_t others = f->n_entries - n_err;
    char tail[96] = "";
    int rc;
    if (others > 0)
        snprintf(tail, sizeof tail, " (%zu other %s%s %s, but not %s)", others, w->noun,
                 others == 1 ? " is" : "s are", w->state, w->canonical);
    if (n_err > 0)
        rc = zl_finding_set_message(ctx, f, "%zu %s%s lack%s %s%s%s%s", n_err, w->noun,
                                    n_err == 1 ? "" : "s", n_err == 1 ? "s" : "", w->lacks,
                                    n_err == 1 ? "it" : "them", w->lacks_end, tail);
    else
        rc = zl_finding_set_message(ctx, f, "%zu %s%s %s but not %s (%s)", f->n_entries, w->noun,
                                    f->n_entries == 1 ? " is" : "s are", w->state, w->canonical,
                                    w->harmless);
    if (rc == ZL_OK)
        rc = zl_finding_set_fix(ctx, f, true, "%s", w->fix);
    return rc;
}

/* ZL201: a regular file whose permission bits are not 0644/0755.
 * setuid/setgid/sticky are ZL205's; here only the 0777 bits count. */
static int check_file_mode(zl_ctx *ctx, const zl_rule *rule)
{
    zl_archive *ar = ctx->ar;
    zl_finding *f = NULL;
    size_t n_err = 0;
    long boot = -2; /* resolved on first need */
    int rc = ZL_OK;
    for (size_t i = 0; i < ar->n_entries; i++) {
        zl_entry *e = &ar->entries[i];
        if (e->type != ZL_TYPE_FILE || !e->has_unix_mode)
            continue;
        uint32_t perm = e->mode & 0777;
        if (perm == 0644 || perm == 0755)
            continue;
        if (boot == -2)
            boot = bootstrap_target(ctx);
        uint32_t to = canonical_mode(e, is_executable(ctx, e, boot));
        zl_severity sev = (perm & 0004) ? ZL_SEV_INFO : ZL_SEV_ERROR;
        if ((rc = flag_chmod(ctx, rule, &f, e, sev, to, "%04o -> %04o", ZL_MODE_PERM(e->mode),
                             to)) != ZL_OK)
            return rc;
        f->bytes += e->size;
        if (sev == ZL_SEV_ERROR)
            n_err++;
    }
    static const world_words words = {
        "file",
        "world read (o+r): Lambda runs the code as a user that does not own the files, so it "
        "cannot read ",
        "",
        "readable",
        "0644/0755",
        "harmless; normalising makes builds reproducible",
        "set files to 0644 (0755 for executables)"};
    return f != NULL ? set_world_message(ctx, f, n_err, &words) : ZL_OK;
}

/* ZL202: a directory entry whose permission bits are not 0755. */
static int check_dir_mode(zl_ctx *ctx, const zl_rule *rule)
{
    zl_archive *ar = ctx->ar;
    zl_finding *f = NULL;
    size_t n_err = 0;
    int rc = ZL_OK;
    for (size_t i = 0; i < ar->n_entries; i++) {
        zl_entry *e = &ar->entries[i];
        if (e->type != ZL_TYPE_DIR || !e->has_unix_mode)
            continue;
        uint32_t perm = e->mode & 0777;
        if (perm == 0755)
            continue;
        zl_severity sev = (perm & 0005) == 0005 ? ZL_SEV_INFO : ZL_SEV_ERROR;
        if ((rc = flag_chmod(ctx, rule, &f, e, sev, 0755, "%04o -> 0755", ZL_MODE_PERM(e->mode))) !=
            ZL_OK)
            return rc;
        if (sev == ZL_SEV_ERROR)
            n_err++;
    }
    static const world_words words = {"folder",
                                      "world read+execute (o+rx): nothing inside ",
                                      " can be imported",
                                      "open",
                                      "0755",
                                      "harmless",
                                      "set folders to 0755"};
    return f != NULL ? set_world_message(ctx, f, n_err, &words) : ZL_OK;
}

/* ZL203: entries made on a host that records no Unix mode. */
static int check_no_unix_mode(zl_ctx *ctx, const zl_rule *rule)
{
    zl_archive *ar = ctx->ar;
    zl_finding *f = NULL;
    long boot = -2;
    int rc = ZL_OK;
    int host = -1; /* the one host of all such entries, or -2 for several */
    for (size_t i = 0; i < ar->n_entries; i++) {
        zl_entry *e = &ar->entries[i];
        if (e->has_unix_mode)
            continue;
        if (boot == -2)
            boot = bootstrap_target(ctx);
        uint32_t to = canonical_mode(e, is_executable(ctx, e, boot));
        if ((rc = flag_chmod(ctx, rule, &f, e, ZL_SEV_INFO, to, "no Unix mode (%s host) -> %04o",
                             host_name(e->opsys), to)) != ZL_OK)
            return rc;
        host = host == -1 || host == e->opsys ? e->opsys : -2;
    }
    if (f == NULL)
        return ZL_OK;
    rc = zl_finding_set_message(
        ctx, f,
        "%zu entr%s made on a host that records no Unix mode (%s): Lambda extracts them 0666 "
        "(readable, never executable), which Python code can live with",
        f->n_entries, f->n_entries == 1 ? "y was" : "ies were",
        host >= 0 ? host_name((uint8_t)host) : "several hosts");
    if (rc == ZL_OK)
        rc = zl_finding_set_fix(ctx, f, true,
                                "record Unix modes: 0644 for files, 0755 for folders and "
                                "executables");
    return rc;
}

/* ZL204: an executable that others cannot run. */
static int check_exec_bit(zl_ctx *ctx, const zl_rule *rule)
{
    zl_archive *ar = ctx->ar;
    zl_finding *f = NULL;
    long boot = bootstrap_target(ctx);
    int rc = ZL_OK;
    for (size_t i = 0; i < ar->n_entries; i++) {
        zl_entry *e = &ar->entries[i];
        if (e->type != ZL_TYPE_FILE || (e->has_unix_mode && (e->mode & 0001)))
            continue;
        if (!is_executable(ctx, e, boot))
            continue;
        uint32_t to = canonical_mode(e, 1);
        if (e->has_unix_mode)
            rc = flag_chmod(ctx, rule, &f, e, ZL_SEV_ERROR, to, "%04o -> %04o",
                            ZL_MODE_PERM(e->mode), to);
        else
            rc = flag_chmod(ctx, rule, &f, e, ZL_SEV_ERROR, to, "no Unix mode (%s host) -> %04o",
                            host_name(e->opsys), to);
        if (rc != ZL_OK)
            return rc;
    }
    if (f == NULL)
        return ZL_OK;
    rc = zl_finding_set_message(ctx, f,
                                "%zu executable%s cannot be run by the function's user (no "
                                "o+x): the invocation fails with permission denied",
                                f->n_entries, f->n_entries == 1 ? "" : "s");
    if (rc == ZL_OK)
        rc = zl_finding_set_fix(ctx, f, true, "set executables to 0755");
    return rc;
}

static const char *special_type(uint32_t mode)
{
    switch (mode & S_IFMT) {
    case S_IFIFO:
        return "fifo";
    case S_IFCHR:
        return "character device";
    case S_IFBLK:
        return "block device";
    case S_IFSOCK:
        return "socket";
    default:
        return "special file";
    }
}

/* ZL205: setuid/setgid/sticky bits; device, fifo and socket entries. */
static int check_special(zl_ctx *ctx, const zl_rule *rule)
{
    zl_archive *ar = ctx->ar;
    zl_finding *f = NULL;
    long boot = -2;
    int rc = ZL_OK;
    size_t n_bits = 0, n_special = 0;
    for (size_t i = 0; i < ar->n_entries; i++) {
        zl_entry *e = &ar->entries[i];
        if (!e->has_unix_mode)
            continue;
        if (e->type == ZL_TYPE_SPECIAL) {
            if (f == NULL && (f = zl_finding_get(ctx, rule)) == NULL)
                return nomem(ctx);
            zl_edit ed = {.kind = ZL_EDIT_DELETE, .entry = i, .safe = true};
            if ((rc = zl_finding_add_entry(ctx, f, e, ZL_SEV_WARNING, "%s -> delete",
                                           special_type(e->mode))) != ZL_OK ||
                (rc = zl_finding_add_edit(ctx, f, &ed)) != ZL_OK)
                return rc;
            n_special++;
            continue;
        }
        uint32_t bits = e->mode & 07000;
        if (bits == 0)
            continue;
        if (boot == -2)
            boot = bootstrap_target(ctx);
        uint32_t to = canonical_mode(e, is_executable(ctx, e, boot));
        if ((rc = flag_chmod(ctx, rule, &f, e, ZL_SEV_WARNING, to, "%04o -> %04o (%s%s%s%s%s)",
                             ZL_MODE_PERM(e->mode), to, (bits & 04000) ? "setuid" : "",
                             (bits & 04000) && (bits & 03000) ? ", " : "",
                             (bits & 02000) ? "setgid" : "",
                             (bits & 02000) && (bits & 01000) ? ", " : "",
                             (bits & 01000) ? "sticky" : "")) != ZL_OK)
            return rc;
        n_bits++;
    }
    if (f == NULL)
        return ZL_OK;
    if (n_special == 0)
        rc = zl_finding_set_message(ctx, f,
                                    "%zu entr%s setuid/setgid/sticky bits: Lambda does not "
                                    "honour them and a package has no use for them",
                                    n_bits, n_bits == 1 ? "y has" : "ies have");
    else if (n_bits == 0)
        rc = zl_finding_set_message(ctx, f,
                                    "%zu entr%s a device, fifo or socket: nothing in a Lambda "
                                    "package can use %s",
                                    n_special, n_special == 1 ? "y is" : "ies are",
                                    n_special == 1 ? "it" : "them");
    else
        rc = zl_finding_set_message(ctx, f,
                                    "%zu entr%s setuid/setgid/sticky bits and %zu %s a device, "
                                    "fifo or socket: none of it has a place in a Lambda package",
                                    n_bits, n_bits == 1 ? "y has" : "ies have", n_special,
                                    n_special == 1 ? "is" : "are");
    if (rc == ZL_OK)
        rc = zl_finding_set_fix(ctx, f, true,
                                "clear setuid/setgid/sticky bits (to 0644/0755); delete device, "
                                "fifo and socket entries");
    return rc;
}

#define ERR_PERMISSION "PermissionError: [Errno 13] Permission denied: '/var/task/x.py'"
#define ERR_ENTRYPOINT \
    "Runtime.InvalidEntrypoint / fork/exec /var/task/bootstrap: permission denied"

const zl_rule_def zl_rules_modes[] = {
    {"ZL201", "file-mode", ZL_SEV_ERROR, ZL_FIX_SAFE, 1, 0,
     "a file's mode is not 0644/0755 (error when it lacks world read)",
     "What: a regular file whose permission bits are not 0644 or 0755. It is an error when\n"
     "the file lacks world read (o+r: 0600, 0640, 0700), info when it is readable\n"
     "(0664, 0444, 0666, 0775 from a umask-002 build: nothing fails).\n"
     "Why: Lambda keeps the modes of the zip and runs your code as a user that does not\n"
     "own the files, so only the 'other' bits count. Python often does not name the file:\n"
     "  PermissionError: [Errno 13] Permission denied: '/var/task/x.py'\n"
     "  Runtime.ImportModuleError: Unable to import module 'handler': No module named "
     "'handler'\n"
     "Layers are refused at upload: Layer conversion failed: Some files do not have read "
     "permissions\n"
     "Fix by hand: chmod 0644 the files (0755 for executables) before zipping, e.g.\n"
     "  find . -type f -exec chmod a+r {} + ; then zip again.",
     ERR_PERMISSION, check_file_mode},
    {"ZL202", "dir-mode", ZL_SEV_ERROR, ZL_FIX_SAFE, 1, 0,
     "a folder's mode is not 0755 (error when it lacks world read+execute)",
     "What: a directory entry whose permission bits are not 0755. It is an error when the\n"
     "folder lacks world read+execute (o+rx: 0700, 0750), info otherwise (0775, 0777).\n"
     "Why: the function's user does not own the files; without o+rx it cannot list or enter\n"
     "the folder, so nothing inside it imports:\n"
     "  PermissionError: [Errno 13] Permission denied: '/var/task/x.py'\n"
     "  Runtime.ImportModuleError: Unable to import module 'handler': No module named "
     "'handler'\n"
     "Fix by hand: find . -type d -exec chmod 0755 {} + ; then zip again.",
     ERR_PERMISSION, check_dir_mode},
    {"ZL203", "no-unix-mode", ZL_SEV_INFO, ZL_FIX_SAFE, 1, 0,
     "entries made on a host that records no Unix mode (MS-DOS, NTFS)",
     "What: entries whose 'version made by' host records no Unix mode (a zip made on\n"
     "Windows: MS-DOS or NTFS host), or a Unix host with an all-zero mode.\n"
     "Why: Lambda then extracts every file 0666: readable, never executable. Python code\n"
     "can live with that; a custom runtime's bootstrap or a binary cannot (see ZL204).\n"
     "Nothing fails for pure-Python code, so this is info only.\n"
     "Fix by hand: zip on Linux or macOS (or in WSL or a container) with modes 0644/0755,\n"
     "or let `ziplint fix` record Unix modes.",
     "", check_no_unix_mode},
    {"ZL204", "exec-bit-missing", ZL_SEV_ERROR, ZL_FIX_SAFE, 1, 0,
     "an executable (bootstrap, bin/ program or script) lacks the execute bit",
     "What: an executable lacks world execute (o+x) or has no Unix mode at all. Executables\n"
     "are the root bootstrap (or the entry it links to) and ELF executables (ET_EXEC, or\n"
     "a PIE) or #! scripts under bin/ or extensions/. Shared libraries need no execute bit.\n"
     "Why: Lambda runs them as a user that does not own them; a zip made on Windows\n"
     "extracts them 0666. The invocation fails:\n"
     "  Runtime.InvalidEntrypoint\n"
     "  fork/exec /var/task/bootstrap: permission denied\n"
     "Fix by hand: chmod 0755 bootstrap bin/* before zipping, on a system that records\n"
     "Unix modes.",
     ERR_ENTRYPOINT, check_exec_bit},
    {"ZL205", "special-file", ZL_SEV_WARNING, ZL_FIX_SAFE, 1, 0,
     "setuid/setgid/sticky bits, or device, fifo or socket entries",
     "What: entries with setuid, setgid or sticky bits, and device, fifo or socket entries.\n"
     "Why: Lambda's file system does not honour them and nothing in a package needs them;\n"
     "they usually mean the zip was made from the wrong folder (a home or /dev tree).\n"
     "Fix by hand: chmod u-s,g-s,o-t the files and leave special files out of the zip.",
     "", check_special},
    {NULL, NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL},
};
