/*
 * zl_internal.h - what the files of libziplint share and nothing outside
 * the library sees.
 *
 * Rooms: archive.c (open, entry table, reading entry data), source.c (the
 * libzip source that reads the original and stages the new file), sniff.c
 * (what an entry is), pattern.c (PCRE2), ruleset.c (rule files), engine.c
 * (runs rules), rules/ (one file per family), plan.c (merges edits),
 * write.c (applies a plan), report*.c (output).
 *
 * Rules never write archives; the writer never decides what is wrong.
 */
#ifndef ZL_INTERNAL_H
#define ZL_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <zip.h>

#include "ziplint.h"

#define ZL_LAMBDA_UNZIPPED_MAX 262144000ULL
#define ZL_LAMBDA_ZIPPED_MAX 52428800ULL
#define ZL_LAMBDA_CONSOLE_MAX 3145728ULL
#define ZL_LAMBDA_MAX_LAYERS 5

/* ---- errors (util.c) ---- */

/* Sets err (if not NULL) to code and a printf-style one-line message;
 * returns code. */
int zl_error_set(zl_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* malloc-style helpers; NULL on failure. */
char *zl_strdup(const char *s);
char *zl_strndup(const char *s, size_t n);
/* Formats into a new string; NULL on failure. */
char *zl_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *zl_vasprintf(const char *fmt, va_list ap);

typedef struct zl_source_state zl_source_state;
typedef struct zl_edit zl_edit;

/* ---- the entry table (archive.c) ---- */

typedef enum zl_entry_type {
    ZL_TYPE_FILE = 0,
    ZL_TYPE_DIR,
    ZL_TYPE_SYMLINK,
    ZL_TYPE_SPECIAL /* device, fifo, socket */
} zl_entry_type;

/* What the first bytes say an entry is (sniff.c). */
typedef enum zl_kind {
    ZL_KIND_UNKNOWN = 0, /* not sniffed yet */
    ZL_KIND_DATA,        /* nothing recognised */
    ZL_KIND_TEXT,
    ZL_KIND_SCRIPT,      /* starts with #! */
    ZL_KIND_ELF,
    ZL_KIND_MACHO,
    ZL_KIND_PE,
    ZL_KIND_PYC,
    ZL_KIND_UNREADABLE   /* could not be read (encrypted, unsupported method, corrupt) */
} zl_kind;

typedef struct zl_sniff {
    zl_kind kind;
    /* ELF */
    int elf_class;    /* 1 = 32-bit, 2 = 64-bit */
    int elf_machine;  /* e_machine */
    int elf_type;     /* e_type */
    bool elf_interp;  /* has a PT_INTERP program header (a PIE or dynamic executable) */
    /* .pyc */
    uint32_t pyc_magic;
    uint32_t pyc_flags;
    uint32_t pyc_mtime;
    uint32_t pyc_size;
} zl_sniff;

typedef struct zl_entry {
    const char *name;      /* raw name bytes as stored, NUL-terminated (owned by the archive) */
    const char *path;      /* name with every '\' turned into '/'; == name when there is none */
    size_t name_len;
    zip_uint64_t index;    /* libzip index */
    uint64_t size;         /* uncompressed */
    uint64_t comp_size;
    uint32_t crc;
    uint16_t method;
    uint16_t encryption;   /* 0 = none */
    time_t mtime;
    uint8_t opsys;         /* "version made by" host */
    uint32_t attributes;   /* external attributes */
    uint32_t mode;         /* st_mode (type and permission bits) when has_unix_mode */
    bool has_unix_mode;
    zl_entry_type type;
    bool sniffed;
    zl_sniff sniff;        /* valid when sniffed */
    /* from cdir.c's own reading of the central directory (valid when ar->cd_ok) */
    uint16_t flags;        /* general purpose bit flags */
    uint64_t lh_offset;    /* offset of the local header */
    uint64_t cd_comp_size; /* compressed size as the central directory states it */
} zl_entry;

/* A local file header as stored (cdir.c). */
typedef struct zl_local {
    uint16_t flags, method;
    uint32_t crc;
    uint64_t comp_size, size; /* 32-bit fields as stored (zip64 extras not applied) */
    uint16_t name_len, extra_len;
    uint64_t data_offset;     /* where the entry's data starts */
    bool name_matches;        /* the local name bytes equal the central ones */
} zl_local;

struct zl_archive {
    char *path;            /* as given */
    int fd;                /* the original, open read-only */
    uint64_t file_size;
    mode_t file_mode;
    zip_source_t *src;     /* our source (source.c); kept across zip_close */
    zl_source_state *stage; /* its state: where a rewrite is staged */
    zip_t *za;
    zl_entry *entries;
    size_t n_entries;
    uint64_t unzipped_size;
    char *names;           /* arena of name and path bytes */
    /* name lookup: open addressing over path bytes */
    size_t *slots;         /* entry index + 1, 0 = empty */
    size_t n_slots;
    bool cd_ok;            /* cdir.c read the central directory in libzip's order */
    uint64_t cd_offset;
};

/* Reads the central directory again to learn what libzip does not expose
 * (local header offsets, flags). Leaves ar->cd_ok false when the directory
 * cannot be matched to libzip's entries; only ZL_E_NOMEM is an error. */
int zl_archive_scan_cd(zl_archive *ar);
/* Reads the entry's local header; ZL_E_CORRUPT when it is missing or cut. */
int zl_entry_local(const zl_archive *ar, const zl_entry *e, zl_local *out);

/* The entry whose path (with '/' separators) is exactly path[0..len), or
 * -1. A trailing '/' is part of the name: "a/" finds the directory entry. */
long zl_archive_find(const zl_archive *ar, const char *path, size_t len);
/* 1 when some entry's path starts with prefix (e.g. "pkg/"). */
int zl_archive_has_prefix(const zl_archive *ar, const char *prefix, size_t len);

/* Reads up to max bytes of the entry's uncompressed data from its start
 * into buf; *got is how many were read. */
int zl_entry_read_head(zl_archive *ar, const zl_entry *e, void *buf, size_t max, size_t *got,
                       zl_error *err);
/* Reads the whole entry (at most limit bytes; larger is ZL_E_INVAL) into a
 * new buffer the caller frees. */
int zl_entry_read_all(zl_archive *ar, const zl_entry *e, size_t limit, unsigned char **out,
                      size_t *len, zl_error *err);
/* Decompresses the entry and checks its CRC; ZL_E_CORRUPT with the cause. */
int zl_entry_verify(zl_archive *ar, const zl_entry *e, zl_error *err);

/* Unix mode helpers. */
#define ZL_MODE_PERM(m) ((m) & 07777u)

/* ---- the libzip source (source.c) ---- */

/* A seekable, writable libzip source over the already-open fd of the
 * original (borrowed). Writing goes to a new unnamed file beside target
 * (set before zip_close with zl_source_set_target). *state is the source's
 * own state, freed with the source; it lives as long as the source does. */
zip_source_t *zl_source_new(int fd, uint64_t size, time_t mtime, zl_source_state **state,
                            zip_error_t *zerr);
/* Where the next write should be staged: the folder of target. */
int zl_source_set_target(zl_source_state *s, const char *target, zl_error *err);
/* After a successful zip_close: the fd of the complete, fsynced new file
 * (still unnamed, or named *tmp_name when O_TMPFILE is not available).
 * Ownership of the fd and the name passes to the caller. */
int zl_source_take_output(zl_source_state *s, int *fd, char **tmp_name);
/* The last error the source recorded (a one-line message), or NULL. */
const char *zl_source_error(const zl_source_state *s);

/* ---- sniffing (sniff.c: the only file that includes <magic.h>) ---- */

/* Reads the entry's first bytes (once; cached in e->sniff) and classifies
 * them. */
const zl_sniff *zl_entry_sniff(zl_archive *ar, zl_entry *e);
/* libmagic's description of the entry's first bytes into buf ("" when
 * libmagic cannot tell). */
int zl_entry_magic(zl_archive *ar, const zl_entry *e, char *buf, size_t size, zl_error *err);

/* ---- ELF (elf.c: the only file that includes <libelf.h>) ---- */

/* The highest GLIBC_x.y version the ELF image needs (0.0 when none). The
 * image is borrowed; ZL_E_CORRUPT when it is not ELF. */
int zl_elf_glibc_need(const unsigned char *buf, size_t len, int *major, int *minor,
                      zl_error *err);

/* ---- patterns (pattern.c: the only file that includes <pcre2.h>) ---- */

typedef struct zl_pattern zl_pattern;
/* Compiles a PCRE2 pattern matched against raw bytes. The message names
 * the offset of the error. */
int zl_pattern_new(zl_pattern **out, const char *pattern, zl_error *err);
void zl_pattern_free(zl_pattern *p);
/* 1 on a match, 0 otherwise. */
int zl_pattern_match(const zl_pattern *p, const char *subject, size_t len);

/* ---- rules ---- */

typedef struct zl_ctx zl_ctx;
typedef struct zl_rule zl_rule;

/* A C rule's check: inspects ctx->ar and adds at most one finding. */
typedef int (*zl_check_fn)(zl_ctx *ctx, const zl_rule *rule);

typedef enum zl_match_type { ZL_MATCH_ANY = 0, ZL_MATCH_FILE, ZL_MATCH_DIR, ZL_MATCH_SYMLINK } zl_match_type;
typedef enum zl_data_fix { ZL_DATA_FIX_NONE = 0, ZL_DATA_FIX_DELETE, ZL_DATA_FIX_MODE } zl_data_fix;

struct zl_rule {
    zl_rule_info info;      /* strings owned by the rule set (or static for C rules) */
    int stage;              /* 0: first; 1: after the others (size rules read their findings) */
    zl_check_fn check;      /* C rules; NULL for data rules */
    bool builtin_c;         /* a C rule: its strings are static */
    /* data rules */
    zl_pattern **paths;
    size_t n_paths;
    zl_pattern **magics;
    size_t n_magics;
    zl_match_type type;
    uint64_t min_size;
    int profile;            /* -1 any, else zl_profile */
    zl_data_fix fix;
    uint32_t fix_mode;
    bool safe;
    char *message;          /* template with {count} and {bytes} */
};

/* A C rule's static description, one table per family file. */
typedef struct zl_rule_def {
    const char *code, *name;
    zl_severity severity;
    zl_fix_kind fix;
    int default_on;
    int stage;
    const char *summary, *explain, *lambda_error;
    zl_check_fn check;
} zl_rule_def;

/* The families, registered through one X-macro list (rules/families.h). */
#define ZL_FAMILY(name) extern const zl_rule_def zl_rules_##name[];
#include "rules/families.h"
#undef ZL_FAMILY

/* The built-in rule files, embedded at build time (rules_builtin.c). */
typedef struct zl_builtin_file {
    const char *name;
    const char *text;
} zl_builtin_file;
extern const zl_builtin_file zl_builtin_rule_files[]; /* ends with {NULL, NULL} */

/* ruleset.c: parses one rule file's text into rs (builtin: codes may
 * start with ZL). */
int zl_ruleset_parse(zl_ruleset *rs, const char *origin, const char *text, bool builtin,
                     zl_error *err);
/* The data rule with this code, or NULL. */
const zl_rule *zl_ruleset_get(const zl_ruleset *rs, const char *code);

/* 1 when the name is OS junk by the built-in ZL403 patterns (used to find a
 * wrapper folder "OS junk aside"). */
int zl_name_is_junk(const zl_ruleset *rs, const char *path, size_t len);

/* ---- the engine (engine.c) ---- */

struct zl_ctx {
    zl_archive *ar;
    const zl_options *opt;
    const zl_ruleset *rs;
    zl_result *res;
    zl_error *err;
    /* layout facts computed once before the rules run */
    const char *wrapper;    /* "D/" when every entry (OS junk aside) lies under one folder; else NULL */
    size_t wrapper_len;     /* bytes of "D/" including the slash */
};

typedef enum zl_edit_kind {
    ZL_EDIT_DELETE = 0,
    ZL_EDIT_RENAME,     /* drop `strip` bytes from the front of the path, then prepend `prefix` */
    ZL_EDIT_BACKSLASH,  /* every '\' in the name becomes '/' (length preserving) */
    ZL_EDIT_CHMOD,      /* permission bits become `mode`; host becomes Unix */
    ZL_EDIT_REPLACE,    /* data becomes data[0..len) */
    ZL_EDIT_RECOMPRESS  /* same data, deflated */
} zl_edit_kind;

struct zl_edit {
    zl_edit_kind kind;
    size_t entry;          /* index into the entry table */
    bool safe;
    size_t strip;          /* RENAME */
    const char *prefix;    /* RENAME: static string or owned by the result */
    uint32_t mode;         /* CHMOD: permission bits only */
    unsigned char *data;   /* REPLACE: owned by the result */
    size_t len;
};

/* Returns the rule's finding, creating it on first use. NULL on ENOMEM. */
zl_finding *zl_finding_get(zl_ctx *ctx, const zl_rule *rule);
/* Lists an entry in the finding (detail printf-style; may be NULL). The
 * finding's severity rises to sev. */
int zl_finding_add_entry(zl_ctx *ctx, zl_finding *f, const zl_entry *e, zl_severity sev,
                         const char *detail_fmt, ...) __attribute__((format(printf, 5, 6)));
/* Adds an edit (copied; REPLACE data ownership passes to the result). */
int zl_finding_add_edit(zl_ctx *ctx, zl_finding *f, const zl_edit *edit);
int zl_finding_set_message(zl_ctx *ctx, zl_finding *f, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Sets the fix description and whether the fix is safe; the finding's
 * fix_available follows from its edits and ctx->opt->unsafe_fixes. */
int zl_finding_set_fix(zl_ctx *ctx, zl_finding *f, bool safe, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Raises the finding's severity without an entry (ZL301). */
void zl_finding_raise(zl_finding *f, zl_severity sev);
/* Findings added so far (size rules read them: which fixes recover how much). */
size_t zl_ctx_findings(const zl_ctx *ctx, const zl_finding *const **out);

/* ---- shared state of rule set, result and plan ---- */

struct zl_ruleset {
    zl_rule **rules;       /* sorted by code after each load */
    size_t n, cap;
    const zl_rule *junk;   /* the built-in ZL403, for zl_name_is_junk */
};

struct zl_result {
    zl_finding **findings; /* sorted by code when the run ends */
    size_t n, cap;
    const zl_options *opt;
};

typedef struct zl_plan_entry {
    bool deleted;
    char *new_name;        /* owned; NULL when the name stays */
    bool chmod;
    uint32_t mode;         /* permission bits when chmod */
    const unsigned char *data; /* replacement (borrowed from the result) or NULL */
    size_t len;
    bool recompress;
} zl_plan_entry;

struct zl_plan {
    zl_archive *ar;
    const zl_result *res;
    zl_plan_entry *entries; /* one per entry of ar */
    size_t n_touched;       /* entries with any change */
    zl_plan_change *changes;
    size_t n_changes;
    zl_progress_fn progress; /* may be NULL */
    void *progress_ud;
};

/* ---- mode helpers shared by rules (rules/modes.c) ---- */

/* 1 when the entry is an executable as rules.md defines it (root
 * bootstrap or the entry it links to, ELF executables and #! scripts under
 * bin/ or extensions/), relative to the layout root (wrapper dropped). */
int zl_entry_is_executable(zl_ctx *ctx, zl_entry *e);

#endif /* ZL_INTERNAL_H */
