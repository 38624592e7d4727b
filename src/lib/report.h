/* report.h - what report.c shares with the format writers
 * (report_text.c, report_json.c, report_sarif.c, report_github.c, report_du.c). report.c keeps the totals every format
 * may need and dispatches on the format. */
#ifndef ZL_REPORT_H
#define ZL_REPORT_H

#include "zl_internal.h"

struct json_t; /* jansson's; only the JSON-writing report files include <jansson.h> */

struct zl_report {
    FILE *fp; /* borrowed */
    zl_report_options ro;
    /* totals over the archives reported so far */
    size_t n_archives;      /* opened and checked */
    size_t n_unreadable;    /* could not be read or written */
    size_t n_sev[4];        /* findings by zl_severity */
    size_t n_fixable;       /* findings `fix` repairs with the options given */
    size_t n_unsafe_only;   /* findings only `fix --unsafe-fixes` repairs */
    size_t n_fixed_entries; /* after fix: entries changed */
    size_t n_fixed_rules;   /* after fix: plan changes (one per rule) */
    uint64_t fixed_bytes;   /* after fix: bytes saved */
    struct json_t *json;    /* JSON and SARIF: the document being built */
    const zl_ruleset *rules; /* SARIF: every rule, or NULL (only those that fired) */
    /* --statistics: entries per rule, over every archive */
    struct zl_stat {
        const zl_rule_info *rule;
        size_t count;
    } *stats;
    size_t n_stats;
};

/* The fix situation of a finding: 1 has a safe edit, 2 only unsafe edits,
 * 0 none. */
int zl_report_fix_state(const zl_finding *f);

/* Writes a name or message as is, except control bytes, which could move
 * the cursor or forge lines: those become \xNN. */
void zl_report_put_safe(FILE *fp, const char *s);

/* Makes an arbitrary byte string valid UTF-8 (invalid bytes become
 * U+FFFD). Returns a new string or NULL on ENOMEM. */
char *zl_utf8_sanitize(const char *s);

/* JSON building blocks every JSON-writing report shares (report_json.c).
 * A string of arbitrary bytes (invalid UTF-8 becomes U+FFFD), null for
 * NULL; an unsigned count, clamped to what json_int_t holds; set and push
 * take ownership and return -1 when value is NULL (ENOMEM); write dumps
 * doc indented with a newline, -1 on a write error. */
struct json_t *zl_json_str(const char *s);
struct json_t *zl_json_uint(uint64_t n);
int zl_json_set(struct json_t *obj, const char *key, struct json_t *value);
int zl_json_push(struct json_t *arr, struct json_t *value);
int zl_json_write(struct json_t *doc, FILE *fp);

/* The writers. Each returns 0 or a negative ZL_E_*. */
int zl_report_text_archive(zl_report *rep, const char *path, const zl_archive *ar,
                           const zl_result *res, const zl_plan *applied, const char *error);
int zl_report_text_finish(zl_report *rep, zl_error *err);
int zl_report_json_start(zl_report *rep, zl_error *err);
int zl_report_json_archive(zl_report *rep, const char *path, const zl_archive *ar,
                           const zl_result *res, const zl_plan *applied, const char *error);
int zl_report_json_finish(zl_report *rep, zl_error *err);
/* --statistics --format json: [{"code", "name", "count"}, ...] in rep->stats' order. */
int zl_report_json_statistics(zl_report *rep, zl_error *err);
void zl_report_json_free(zl_report *rep);
int zl_report_sarif_start(zl_report *rep, zl_error *err);
int zl_report_sarif_archive(zl_report *rep, const char *path, const zl_archive *ar,
                            const zl_result *res, const zl_plan *applied, const char *error);
int zl_report_sarif_finish(zl_report *rep, zl_error *err);
int zl_report_github_archive(zl_report *rep, const char *path, const zl_archive *ar,
                             const zl_result *res, const zl_plan *applied, const char *error);

/* The finding's message followed by the names of up to max of its
 * entries and how many more ("...: a, b and 3 more"); a new string, NULL
 * on ENOMEM. */
char *zl_report_message_with_entries(const zl_finding *f, size_t max);
/* path relative to the current folder when it lies below it, else as
 * given; a new string, NULL on ENOMEM. */
char *zl_report_relative_path(const char *path);

#endif /* ZL_REPORT_H */
