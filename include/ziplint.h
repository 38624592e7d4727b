/*
 * ziplint.h - public API of libziplint, a linter and fixer for AWS Lambda
 * zip packages.
 *
 * Data flows one way: open -> check -> plan -> write -> report.
 *
 * Ownership, once for the whole API:
 *  - every zl_X_new()/zl_X_open() gives the caller an object it frees with
 *    zl_X_free()/zl_X_close(); passing NULL to those is a no-op;
 *  - pointers returned by accessors are borrowed: they live as long as the
 *    object they came from and must not be freed;
 *  - strings passed in are copied unless the comment says otherwise;
 *  - functions return 0 (ZL_OK) or a negative ZL_E_* code and, on failure,
 *    put a one-line message into the zl_error the caller passed (which may
 *    be NULL). On failure the caller still owns whatever it passed in.
 *  - a finding is a result, never an error.
 */
#ifndef ZIPLINT_H
#define ZIPLINT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

enum zl_status {
    ZL_OK = 0,
    ZL_E_NOMEM = -1,    /* out of memory */
    ZL_E_IO = -2,       /* a read or write failed (message says which file) */
    ZL_E_NOTZIP = -3,   /* the file cannot be opened as a zip archive */
    ZL_E_INVAL = -4,    /* bad argument or option value */
    ZL_E_RULEFILE = -5, /* a rule file has an error ("file:line: message") */
    ZL_E_REFUSED = -6,  /* a fix was refused; the archive was not touched */
    ZL_E_CORRUPT = -7,  /* entry data failed verification */
    ZL_E_WRITE = -8     /* writing the new archive failed; the original is intact */
};

typedef struct zl_error {
    int code;           /* ZL_OK or a ZL_E_* code */
    char message[1024]; /* one line, no trailing newline */
} zl_error;

/* Clears err (code ZL_OK, empty message). */
void zl_error_init(zl_error *err);

typedef enum zl_severity {
    ZL_SEV_NONE = 0, /* used by --fail-on never */
    ZL_SEV_INFO = 1,
    ZL_SEV_WARNING = 2,
    ZL_SEV_ERROR = 3
} zl_severity;

/* "error", "warning", "info" ("never" for ZL_SEV_NONE). */
const char *zl_severity_name(zl_severity sev);
/* Parses "error|warning|info|never"; returns ZL_E_INVAL on anything else. */
int zl_severity_parse(const char *s, zl_severity *out);

typedef enum zl_profile { ZL_PROFILE_FUNCTION = 0, ZL_PROFILE_LAYER = 1 } zl_profile;
typedef enum zl_arch { ZL_ARCH_X86_64 = 0, ZL_ARCH_ARM64 = 1 } zl_arch;
typedef enum zl_upload { ZL_UPLOAD_UNKNOWN = 0, ZL_UPLOAD_DIRECT = 1, ZL_UPLOAD_S3 = 2 } zl_upload;

/* What a check or fix is asked to do. Strings are borrowed for the duration
 * of the calls that take the options. */
typedef struct zl_options {
    zl_profile profile;
    const char *handler;   /* "module.path.func" or NULL */
    int runtime_minor;     /* X of python3.X; 0 when no runtime was given */
    zl_arch arch;
    zl_upload upload;
    uint64_t layers_size;  /* unzipped bytes of the layers (--layers-size + --layer archives) */
    unsigned layer_count;  /* number of --layer archives */
    const char *select;    /* comma-separated codes or prefixes; NULL = the default set */
    const char *ignore;    /* comma-separated codes or prefixes; NULL = none */
    int reproducible;      /* --reproducible */
    int unsafe_fixes;      /* fix: apply unsafe fixes too */
    int verify;            /* decompress every entry and check its CRC */
    int fixing;            /* a fix run: the integrity rules run whatever is selected */
} zl_options;

/* Fills o with the defaults (function profile, x86_64, no runtime, ...). */
void zl_options_init(zl_options *o);
/* Parses "pythonX.Y" into o->runtime_minor (3.9 .. 3.14). */
int zl_options_set_runtime(zl_options *o, const char *runtime, zl_error *err);
/* Parses "x86_64|arm64" (also "amd64", "aarch64"). */
int zl_options_set_arch(zl_options *o, const char *arch, zl_error *err);
/* Parses "function|layer". */
int zl_options_set_profile(zl_options *o, const char *profile, zl_error *err);

/* The library's version, "X.Y.Z". */
const char *zl_version(void);

/* ---- rules ---- */

typedef enum zl_fix_kind {
    ZL_FIX_NONE = 0,
    ZL_FIX_SAFE = 1,            /* applied by fix */
    ZL_FIX_UNSAFE = 2,          /* applied only with --unsafe-fixes */
    ZL_FIX_SAFE_AND_UNSAFE = 3  /* a safe fix, and a stronger unsafe one */
} zl_fix_kind;

typedef struct zl_rule_info {
    const char *code;          /* "ZL101" */
    const char *name;          /* "nested-top-level" */
    zl_severity severity;      /* the highest severity the rule reports */
    zl_fix_kind fix;
    int default_on;            /* 0: only when selected (ZL701) */
    const char *summary;       /* one line */
    const char *explain;       /* several lines for `ziplint explain` */
    const char *lambda_error;  /* the Lambda error it predicts, or "" */
    const char *origin;        /* "built-in" or the rule file it came from */
} zl_rule_info;

typedef struct zl_ruleset zl_ruleset;

/* Creates a rule set holding every built-in rule (C rules and the rule
 * files compiled into the library). */
int zl_ruleset_new(zl_ruleset **out, zl_error *err);
void zl_ruleset_free(zl_ruleset *rs);
/* Adds the rules of a user rule file. Codes must not start with "ZL" nor
 * collide with a loaded code. Errors are "file:line: message"
 * (ZL_E_RULEFILE). On failure the rule set is unchanged. */
int zl_ruleset_load_file(zl_ruleset *rs, const char *path, zl_error *err);
size_t zl_ruleset_count(const zl_ruleset *rs);
/* Rules in code order; i < zl_ruleset_count(). */
const zl_rule_info *zl_ruleset_rule(const zl_ruleset *rs, size_t i);
/* The rule with this code (case-insensitive), or NULL. */
const zl_rule_info *zl_ruleset_find(const zl_ruleset *rs, const char *code);
/* Checks that every item of a comma-separated code/prefix list names at
 * least one rule; ZL_E_INVAL with a message naming the bad item otherwise. */
int zl_ruleset_check_selection(const zl_ruleset *rs, const char *list, zl_error *err);

/* ---- archives ---- */

typedef struct zl_archive zl_archive;

/* Opens the archive at path: reads its central directory once into an
 * entry table. Fails with ZL_E_NOTZIP/ZL_E_IO and a message naming the file
 * and the cause. The file is never modified by check. */
int zl_archive_open(zl_archive **out, const char *path, zl_error *err);
/* Discards the archive and any change not written. */
void zl_archive_close(zl_archive *ar);
/* Carries over to `to` what checking `from` learned from entry data that
 * `to` holds unchanged (an entry with the same last name component, CRC,
 * sizes and method): the glibc version each ELF object needs. `fix` calls
 * it before checking what it wrote, so that data it copied are not read
 * again. */
void zl_archive_adopt(zl_archive *to, const zl_archive *from);
const char *zl_archive_path(const zl_archive *ar);
size_t zl_archive_entry_count(const zl_archive *ar);
uint64_t zl_archive_zipped_size(const zl_archive *ar);   /* the file's size */
uint64_t zl_archive_unzipped_size(const zl_archive *ar); /* sum of entry sizes */

/* ---- findings ---- */

typedef struct zl_finding_entry {
    const char *name;     /* the entry's name as stored (raw bytes) */
    zl_severity severity;
    const char *detail;   /* "0600 -> 0644", may be "" */
} zl_finding_entry;

struct zl_edit; /* private */

typedef struct zl_finding {
    const zl_rule_info *rule;
    zl_severity severity;      /* highest of its entries (or the rule's) */
    char *message;
    zl_finding_entry *entries;
    size_t n_entries;
    uint64_t bytes;            /* uncompressed bytes involved */
    int fix_available;         /* a fix exists that `fix` would apply with the options given */
    int fix_safe;
    const char *fix_description;
    struct zl_edit *edits;     /* private */
    size_t n_edits;
} zl_finding;

typedef struct zl_result zl_result;

/* Runs the selected rules over the archive. The result is the caller's; it
 * borrows the archive and the rule set, so free it before closing them. */
int zl_check_run(zl_archive *ar, const zl_ruleset *rs, const zl_options *opt, zl_result **out,
                 zl_error *err);
/* zl_check_run in two steps, for fix: zl_check_start runs every rule but
 * those that read entry data (ZL505, ZL606), which it leaves reading on
 * worker threads; the result then holds every finding a plan takes its
 * edits from. zl_check_finish waits for them and completes the result.
 * Meanwhile the caller may make a plan and stage it (zl_plan_stage), but
 * must keep opt alive and not report the result. zl_result_free without
 * zl_check_finish waits for the workers and drops what they found. */
int zl_check_start(zl_archive *ar, const zl_ruleset *rs, const zl_options *opt,
                   zl_result **out, zl_error *err);
int zl_check_finish(zl_result *res, zl_error *err);
void zl_result_free(zl_result *res);
size_t zl_result_count(const zl_result *res);
/* Findings in code order. */
const zl_finding *zl_result_finding(const zl_result *res, size_t i);
/* The highest severity among the findings (ZL_SEV_NONE when there are none). */
zl_severity zl_result_max_severity(const zl_result *res);

/* ---- fixing ---- */

typedef struct zl_plan zl_plan;

/* One line of what a plan changes, per rule. */
typedef struct zl_plan_change {
    const char *code;          /* rule code */
    size_t n_entries;          /* entries changed for this rule */
    uint64_t bytes_saved;      /* uncompressed bytes removed */
    const char *description;   /* what was done */
} zl_plan_change;

/* Merges the edits of every finding (safe ones, plus unsafe ones when
 * opt->unsafe_fixes) into one plan. Returns ZL_E_REFUSED with the reason in
 * err when the archive must not be rewritten (integrity findings, colliding
 * names, no file left). The plan borrows ar and res. */
int zl_plan_new(zl_plan **out, zl_archive *ar, const zl_result *res, const zl_options *opt,
                zl_error *err);
void zl_plan_free(zl_plan *plan);
/* 1 when the plan changes nothing. */
int zl_plan_is_empty(const zl_plan *plan);
size_t zl_plan_change_count(const zl_plan *plan);
const zl_plan_change *zl_plan_change_at(const zl_plan *plan, size_t i);
/* Prints every change the plan makes, one per line (for --dry-run). */
int zl_plan_print(const zl_plan *plan, FILE *fp);

/* Called while the new archive is written, with the fraction done (0..1).
 * fn may be NULL (no progress). ud is borrowed. */
typedef void (*zl_progress_fn)(double fraction, void *ud);
void zl_plan_set_progress(zl_plan *plan, zl_progress_fn fn, void *ud);

/* Writes the planned archive. With output NULL the archive's own file is
 * replaced (a symlink is resolved, the link stays); otherwise output is
 * written and the original left alone. The new archive is written beside
 * the target, flushed, read back and renamed over it with the original's
 * file mode. On any failure the target is byte for byte as it was and no
 * temporary file remains. The archive cannot be used for another plan
 * afterwards. */
int zl_plan_apply(zl_plan *plan, const char *output, zl_error *err);
/* zl_plan_apply in two steps: zl_plan_stage writes the new archive beside
 * the target and reads it back, without naming it; zl_plan_commit then
 * refuses (ZL_E_REFUSED, the staged file dropped) when the plan's result,
 * completed meanwhile by zl_check_finish, now holds a finding that forbids
 * a rewrite, and otherwise flushes it to disk and renames it over the target
 * (with nothing staged, it only refuses or returns ZL_OK). zl_plan_free
 * drops a staged file that was not committed. */
int zl_plan_stage(zl_plan *plan, const char *output, zl_error *err);
int zl_plan_commit(zl_plan *plan, zl_error *err);
/* The refusal zl_plan_commit would make now (ZL_E_REFUSED with the reason),
 * else ZL_OK: for what must happen only when the rewrite goes ahead (fix's
 * --backup). */
int zl_plan_check(const zl_plan *plan, zl_error *err);

/* ---- reports ---- */

typedef enum zl_format {
    ZL_FORMAT_TEXT = 0,
    ZL_FORMAT_JSON = 1,
    ZL_FORMAT_SARIF = 2,  /* SARIF 2.1.0, one run */
    ZL_FORMAT_GITHUB = 3  /* GitHub Actions workflow commands (::error ...) */
} zl_format;

typedef struct zl_report_options {
    zl_format format;
    int color;      /* 1: ANSI colours (text) */
    int verbosity;  /* -1 quiet, 0 normal, 1 verbose */
    int fixing;     /* 1: this is a fix run */
    zl_severity fail_on; /* text -q shows findings at or above this; ZL_SEV_NONE: none */
    int statistics; /* 1: one line per rule with its count instead of the findings (text) */
} zl_report_options;

typedef struct zl_report zl_report;

/* A report written to fp (borrowed; not closed). */
int zl_report_new(zl_report **out, FILE *fp, const zl_report_options *ro, zl_error *err);
void zl_report_free(zl_report *rep);
/* Adds one archive: either opened (ar, res, and after a fix the plan that
 * was applied or NULL) or one that could not be read (error message). */
int zl_report_archive(zl_report *rep, const char *path, const zl_archive *ar,
                      const zl_result *res, const zl_plan *applied, const char *error);
/* Writes what remains (the JSON document, the summary line). */
int zl_report_finish(zl_report *rep, zl_error *err);
/* SARIF: lists every rule of rs (borrowed; must outlive the report) in
 * tool.driver.rules. Without it only the rules that fired are listed. */
void zl_report_set_rules(zl_report *rep, const zl_ruleset *rs);

/* Formats n bytes for people: "1.2 MB", "512 B". Returns buf. */
char *zl_format_bytes(uint64_t n, char *buf, size_t size);

/* ---- configuration (.ziplint) ----
 *
 * An INI file: [ziplint] holds the long options (profile, handler, runtime,
 * arch, upload, select, ignore, fail-on, layers, layers-size) and rules =
 * FILE...; [archive "GLOB"] overrides those keys for the archives whose
 * path, relative to the config file's folder, matches GLOB (fnmatch with
 * FNM_PATHNAME; the last matching section wins); [per-path-ignores] maps
 * an entry-name pattern to codes; [hook] paths = GLOB... names what the
 * pre-push hook checks. A key may repeat: list keys (select, ignore,
 * layers, rules, paths) accumulate, the others must not repeat. Every
 * value is checked when the file loads; errors are "file:line: message"
 * (ZL_E_INVAL). */

typedef struct zl_config zl_config;

/* The .ziplint in start_dir (NULL: the current folder) or the nearest
 * folder above it: *path_out is a new string the caller frees, or NULL when
 * there is none (not an error). */
int zl_config_find(const char *start_dir, char **path_out, zl_error *err);
/* Reads and checks the config file at path. */
int zl_config_load(zl_config **out, const char *path, zl_error *err);
/* The same on text in memory; origin names it in messages and its folder
 * is the base of relative paths. */
int zl_config_parse(zl_config **out, const char *origin, const char *text, zl_error *err);
void zl_config_free(zl_config *cfg);
/* The file's path as given, and its folder (absolute). */
const char *zl_config_path(const zl_config *cfg);
const char *zl_config_dir(const zl_config *cfg);
/* The value of key for the archive at archive_path (as the user gave it,
 * relative to the current folder; NULL: [ziplint] only): the last matching
 * [archive] section's, else [ziplint]'s; NULL when not set. List keys
 * come back space- (layers, rules, paths) or comma-separated (select,
 * ignore); paths are absolute (made relative to the config file's folder).
 * *line (may be NULL) gets the line that set it. */
const char *zl_config_get(const zl_config *cfg, const char *archive_path, const char *key,
                          unsigned *line);
/* Checks the select/ignore values against the rule set (call after the
 * rule files are loaded): "file:line: unknown rule code or prefix 'X'". */
int zl_config_check_selection(const zl_config *cfg, const zl_ruleset *rs, zl_error *err);
/* [hook] paths, each made absolute; n is the count. */
size_t zl_config_hook_path_count(const zl_config *cfg);
const char *zl_config_hook_path(const zl_config *cfg, size_t i);
/* [per-path-ignores]: drops from res every entry whose path matches a
 * pattern (fnmatch, '*' crosses '/') listing the finding's code (or a
 * prefix of it), with that entry's edits; a finding left with no entry is
 * dropped. Findings that list no entries are untouched, and on a fix run
 * the integrity rules (ZL6xx) are never filtered. res must come from ar. */
int zl_result_apply_ignores(zl_result *res, const zl_archive *ar, const zl_config *cfg,
                            zl_error *err);

/* ---- where the bytes go (du) ---- */

#define ZL_BUDGET_BYTES 262144000ULL /* Lambda's 250 MiB unzipped limit */

/* One folder or file of the tree; children largest first. */
typedef struct zl_du_node {
    const char *name;  /* last path component ("core"), NUL-terminated; "" for the root */
    const char *path;  /* full path ("numpy/core/"; folders end with '/') */
    uint64_t bytes;    /* unzipped bytes of the files under it */
    uint64_t files;    /* files under it */
    int is_dir;
    struct zl_du_node **children; /* largest first (then by name) */
    size_t n_children;
} zl_du_node;

typedef struct zl_du zl_du;

/* Builds the tree of the archive's entries in one pass (it does not read
 * entry data). The tree is independent of ar afterwards. */
int zl_du_new(zl_du **out, const zl_archive *ar, zl_error *err);
void zl_du_free(zl_du *du);
const zl_du_node *zl_du_root(const zl_du *du);
/* Writes the tree to fp as text (depth levels, the largest 20 top-level
 * items and 5 children per folder unless all) or as JSON (ZL_FORMAT_JSON).
 * ar is the archive the tree was built from; path is how to name it. */
int zl_du_write(const zl_du *du, const zl_archive *ar, const char *path, FILE *fp,
                zl_format format, int depth, int all, zl_error *err);

#ifdef __cplusplus
}
#endif
#endif /* ZIPLINT_H */
