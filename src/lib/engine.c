/* engine.c - runs the selected rules over the entry table and collects
 * their findings: at most one per rule, listing every entry involved. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "zl_internal.h"

/* ---- selection ---- */

/* 1 when code matches an item of the comma-separated list (a code or a
 * prefix of one, case-insensitive). */
static int list_matches(const char *list, const char *code)
{
    const char *p = list;
    while (p != NULL && *p != '\0') {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        while (n > 0 && (*p == ' ' || *p == '\t')) {
            p++;
            n--;
        }
        while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
            n--;
        if (n > 0 && n <= strlen(code) && strncasecmp(p, code, n) == 0)
            return 1;
        if (n == 3 && strncasecmp(p, "ALL", 3) == 0)
            return 1;
        p = end ? end + 1 : NULL;
    }
    return 0;
}

static int is_integrity(const char *code)
{
    return strncmp(code, "ZL6", 3) == 0;
}

static int rule_selected(const zl_rule *r, const zl_options *opt)
{
    const char *code = r->info.code;
    if (opt->fixing && is_integrity(code))
        return 1;
    if (opt->ignore != NULL && list_matches(opt->ignore, code))
        return 0;
    if (opt->select != NULL)
        return list_matches(opt->select, code);
    if (!r->info.default_on)
        return opt->reproducible && strcmp(code, "ZL701") == 0;
    return 1;
}

int zl_ruleset_check_selection(const zl_ruleset *rs, const char *list, zl_error *err)
{
    const char *p = list;
    while (p != NULL && *p != '\0') {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        char item[64];
        while (n > 0 && (*p == ' ' || *p == '\t')) {
            p++;
            n--;
        }
        while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
            n--;
        if (n >= sizeof item)
            return zl_error_set(err, ZL_E_INVAL, "unknown rule code or prefix '%.*s'", (int)n, p);
        memcpy(item, p, n);
        item[n] = '\0';
        int found = n == 0 || strcasecmp(item, "ALL") == 0;
        for (size_t i = 0; !found && i < rs->n; i++)
            if (n <= strlen(rs->rules[i]->info.code) &&
                strncasecmp(item, rs->rules[i]->info.code, n) == 0)
                found = 1;
        if (!found)
            return zl_error_set(err, ZL_E_INVAL, "unknown rule code or prefix '%s'", item);
        p = end ? end + 1 : NULL;
    }
    return ZL_OK;
}

/* ---- findings ---- */

static void finding_free(zl_finding *f)
{
    if (f == NULL)
        return;
    free(f->message);
    for (size_t i = 0; i < f->n_entries; i++)
        free((char *)f->entries[i].detail);
    free(f->entries);
    for (size_t i = 0; i < f->n_edits; i++)
        free(f->edits[i].data);
    free(f->edits);
    free((char *)f->fix_description);
    free(f);
}

zl_finding *zl_finding_get(zl_ctx *ctx, const zl_rule *rule)
{
    zl_result *res = ctx->res;
    for (size_t i = res->n; i > 0; i--)
        if (res->findings[i - 1]->rule == &rule->info)
            return res->findings[i - 1];
    if (res->n == res->cap) {
        size_t cap = res->cap ? res->cap * 2 : 16;
        zl_finding **nf = realloc(res->findings, cap * sizeof *nf);
        if (nf == NULL)
            return NULL;
        res->findings = nf;
        res->cap = cap;
    }
    zl_finding *f = calloc(1, sizeof *f);
    if (f == NULL)
        return NULL;
    f->rule = &rule->info;
    res->findings[res->n++] = f;
    return f;
}

void zl_finding_raise(zl_finding *f, zl_severity sev)
{
    if (sev > f->severity)
        f->severity = sev;
}

int zl_finding_add_entry(zl_ctx *ctx, zl_finding *f, const zl_entry *e, zl_severity sev,
                         const char *detail_fmt, ...)
{
    /* Grow by doubling: a rule may list thousands of entries. */
    if ((f->n_entries & (f->n_entries - 1)) == 0) {
        size_t cap = f->n_entries ? f->n_entries * 2 : 4;
        zl_finding_entry *ne = realloc(f->entries, cap * sizeof *ne);
        if (ne == NULL)
            return zl_error_set(ctx->err, ZL_E_NOMEM, "out of memory");
        f->entries = ne;
    }
    /* Formatted once into the stack and copied: this runs for thousands of
     * entries, and zl_vasprintf formats twice. Each detail stays its own
     * allocation (config.c frees the details of entries it drops). */
    char *detail = NULL;
    char line[256];
    int n = 0;
    if (detail_fmt != NULL) {
        va_list ap;
        va_start(ap, detail_fmt);
        n = vsnprintf(line, sizeof line, detail_fmt, ap);
        va_end(ap);
    } else {
        line[0] = '\0';
    }
    if (n >= 0 && (size_t)n < sizeof line) {
        if ((detail = malloc((size_t)n + 1)) != NULL)
            memcpy(detail, line, (size_t)n + 1);
    } else if (n >= 0) {
        va_list ap;
        va_start(ap, detail_fmt);
        detail = zl_vasprintf(detail_fmt, ap);
        va_end(ap);
    }
    if (detail == NULL)
        return zl_error_set(ctx->err, ZL_E_NOMEM, "out of memory");
    f->entries[f->n_entries].name = e->name;
    f->entries[f->n_entries].severity = sev;
    f->entries[f->n_entries].detail = detail;
    f->n_entries++;
    zl_finding_raise(f, sev);
    return ZL_OK;
}

int zl_finding_add_edit(zl_ctx *ctx, zl_finding *f, const zl_edit *edit)
{
    if ((f->n_edits & (f->n_edits - 1)) == 0) {
        size_t cap = f->n_edits ? f->n_edits * 2 : 4;
        zl_edit *ne = realloc(f->edits, cap * sizeof *ne);
        if (ne == NULL)
            return zl_error_set(ctx->err, ZL_E_NOMEM, "out of memory");
        f->edits = ne;
    }
    f->edits[f->n_edits++] = *edit;
    return ZL_OK;
}

int zl_finding_set_message(zl_ctx *ctx, zl_finding *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *m = zl_vasprintf(fmt, ap);
    va_end(ap);
    if (m == NULL)
        return zl_error_set(ctx->err, ZL_E_NOMEM, "out of memory");
    free(f->message);
    f->message = m;
    return ZL_OK;
}

int zl_finding_set_fix(zl_ctx *ctx, zl_finding *f, bool safe, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *m = zl_vasprintf(fmt, ap);
    va_end(ap);
    if (m == NULL)
        return zl_error_set(ctx->err, ZL_E_NOMEM, "out of memory");
    free((char *)f->fix_description);
    f->fix_description = m;
    f->fix_safe = safe;
    return ZL_OK;
}

size_t zl_ctx_findings(const zl_ctx *ctx, const zl_finding *const **out)
{
    *out = (const zl_finding *const *)ctx->res->findings;
    return ctx->res->n;
}

/* ---- layout facts ---- */

static bool junk_by_patterns(zl_ctx *ctx, const zl_entry *e)
{
    const zl_rule *r = ctx->rs->junk;
    if (r == NULL)
        return false;
    if (ctx->matcher == NULL)
        ctx->matcher = zl_matcher_new(); /* NULL: each match makes its own */
    for (size_t i = 0; i < r->n_paths; i++)
        if (zl_pattern_match_with(r->paths[i], ctx->matcher, e->path, e->name_len))
            return true;
    return false;
}

int zl_entry_is_junk(zl_ctx *ctx, const zl_entry *e)
{
    if (ctx->junk == NULL && (ctx->junk = calloc(ctx->ar->n_entries, 1)) == NULL)
        return junk_by_patterns(ctx, e);
    size_t i = (size_t)(e - ctx->ar->entries);
    if (ctx->junk[i] == 0)
        ctx->junk[i] = (uint8_t)(junk_by_patterns(ctx, e) + 1);
    return ctx->junk[i] - 1;
}

/* The one folder "D/" under which every entry lies, OS junk aside. */
static void find_wrapper(zl_ctx *ctx)
{
    const zl_archive *ar = ctx->ar;
    const char *top = NULL;
    size_t top_len = 0;
    for (size_t i = 0; i < ar->n_entries; i++) {
        const zl_entry *e = &ar->entries[i];
        if (zl_entry_is_junk(ctx, e))
            continue;
        const char *slash = memchr(e->path, '/', e->name_len);
        if (slash == NULL || slash == e->path)
            return; /* a file at the root (or an absolute name): no wrapper */
        size_t len = (size_t)(slash - e->path) + 1;
        if (top == NULL) {
            top = e->path;
            top_len = len;
        } else if (len != top_len || memcmp(top, e->path, len) != 0) {
            return;
        }
    }
    ctx->wrapper = top;
    ctx->wrapper_len = top_len;
}

/* ---- data rules ---- */

static int type_matches(zl_match_type t, const zl_entry *e)
{
    switch (t) {
    case ZL_MATCH_ANY:
        return 1;
    case ZL_MATCH_FILE:
        return e->type == ZL_TYPE_FILE;
    case ZL_MATCH_DIR:
        return e->type == ZL_TYPE_DIR;
    case ZL_MATCH_SYMLINK:
        return e->type == ZL_TYPE_SYMLINK;
    }
    return 0;
}

/* Fills {count} and {bytes} in a rule's message template. */
static char *fill_message(const char *tmpl, size_t count, uint64_t bytes)
{
    char cbuf[32], bbuf[32];
    snprintf(cbuf, sizeof cbuf, "%zu", count);
    zl_format_bytes(bytes, bbuf, sizeof bbuf);
    size_t cap = strlen(tmpl) + 1;
    for (const char *p = tmpl; (p = strchr(p, '{')) != NULL; p++)
        cap += 32;
    char *out = malloc(cap);
    if (out == NULL)
        return NULL;
    char *o = out;
    for (const char *p = tmpl; *p;) {
        if (strncmp(p, "{count}", 7) == 0) {
            o += snprintf(o, cap - (size_t)(o - out), "%s", cbuf);
            p += 7;
        } else if (strncmp(p, "{bytes}", 7) == 0) {
            o += snprintf(o, cap - (size_t)(o - out), "%s", bbuf);
            p += 7;
        } else {
            *o++ = *p++;
        }
    }
    *o = '\0';
    return out;
}

static int run_data_rule(zl_ctx *ctx, const zl_rule *r)
{
    zl_archive *ar = ctx->ar;
    if (r->profile >= 0 && r->profile != (int)ctx->opt->profile)
        return ZL_OK;
    zl_finding *f = NULL;
    if (ctx->matcher == NULL)
        ctx->matcher = zl_matcher_new(); /* NULL: each match makes its own */
    for (size_t i = 0; i < ar->n_entries; i++) {
        zl_entry *e = &ar->entries[i];
        if (!type_matches(r->type, e) || e->size < r->min_size)
            continue;
        int hit = r->n_paths == 0;
        for (size_t k = 0; !hit && k < r->n_paths; k++)
            hit = zl_pattern_match_with(r->paths[k], ctx->matcher, e->path, e->name_len);
        if (!hit)
            continue;
        char desc[256] = "";
        if (r->n_magics > 0) {
            zl_error merr;
            if (e->type != ZL_TYPE_FILE ||
                zl_entry_magic(ar, e, desc, sizeof desc, &merr) != ZL_OK)
                continue;
            hit = 0;
            for (size_t k = 0; !hit && k < r->n_magics; k++)
                hit = zl_pattern_match_with(r->magics[k], ctx->matcher, desc, strlen(desc));
            if (!hit)
                continue;
        }
        if (f == NULL && (f = zl_finding_get(ctx, r)) == NULL)
            return zl_error_set(ctx->err, ZL_E_NOMEM, "out of memory");
        int rc = zl_finding_add_entry(ctx, f, e, r->info.severity, "%s", desc);
        if (rc != ZL_OK)
            return rc;
        f->bytes += e->size;
        if (r->fix != ZL_DATA_FIX_NONE) {
            zl_edit ed = {.kind = r->fix == ZL_DATA_FIX_DELETE ? ZL_EDIT_DELETE : ZL_EDIT_CHMOD,
                          .entry = i,
                          .safe = r->safe,
                          .mode = r->fix_mode};
            if ((rc = zl_finding_add_edit(ctx, f, &ed)) != ZL_OK)
                return rc;
        }
    }
    if (f == NULL)
        return ZL_OK;
    f->message = fill_message(r->message ? r->message : r->info.summary, f->n_entries, f->bytes);
    if (f->message == NULL)
        return zl_error_set(ctx->err, ZL_E_NOMEM, "out of memory");
    if (r->fix != ZL_DATA_FIX_NONE) {
        char mode[16];
        snprintf(mode, sizeof mode, "%04o", r->fix_mode);
        if (r->fix == ZL_DATA_FIX_DELETE)
            return zl_finding_set_fix(ctx, f, r->safe, "delete them");
        return zl_finding_set_fix(ctx, f, r->safe, "set them to mode %s", mode);
    }
    return ZL_OK;
}

/* ---- the run ---- */

/* 1 when the built-in rule `code` is in the set and selected. */
static bool code_selected(const zl_ruleset *rs, const zl_options *opt, const char *code)
{
    for (size_t i = 0; i < rs->n; i++)
        if (rs->rules[i]->builtin_c && strcmp(rs->rules[i]->info.code, code) == 0)
            return rule_selected(rs->rules[i], opt);
    return false;
}

static int cmp_finding(const void *a, const void *b)
{
    const zl_finding *fa = *(const zl_finding *const *)a, *fb = *(const zl_finding *const *)b;
    return strcmp(fa->rule->code, fb->rule->code);
}

static void finish_finding(zl_finding *f, const zl_options *opt)
{
    int safe = 0, unsafe = 0;
    for (size_t i = 0; i < f->n_edits; i++) {
        if (f->edits[i].safe)
            safe = 1;
        else
            unsafe = 1;
    }
    f->fix_available = safe || (unsafe && opt->unsafe_fixes);
    if (!safe && unsafe)
        f->fix_safe = 0;
    if (f->severity == ZL_SEV_NONE)
        f->severity = f->rule->severity;
}

/* Settles each finding's fix and severity (again: it changes nothing the
 * second time) and sorts them by code. */
static void finish_findings(zl_result *res)
{
    for (size_t i = 0; i < res->n; i++)
        finish_finding(res->findings[i], res->opt);
    if (res->n > 1)
        qsort(res->findings, res->n, sizeof *res->findings, cmp_finding);
}

/* Runs the rules of one stage with ctx; ZL_OK or the first failure. */
static int run_stage(zl_ctx *ctx, int stage)
{
    int rc = ZL_OK;
    for (size_t i = 0; i < ctx->rs->n && rc == ZL_OK; i++) {
        const zl_rule *r = ctx->rs->rules[i];
        if (r->stage != stage || !rule_selected(r, ctx->opt))
            continue;
        rc = r->check != NULL ? r->check(ctx, r) : run_data_rule(ctx, r);
    }
    return rc;
}

/* The run's state between zl_check_start and zl_check_finish, freed
 * (waiting for the data pass's workers first) with it. */
static void pending_free(zl_result *res)
{
    if (res->pending == NULL)
        return;
    zl_datapass_end(res->pending);
    free(res->pending->roles);
    free(res->pending->junk);
    zl_matcher_free(res->pending->matcher);
    free(res->pending->overlap_by);
    free(res->pending);
    res->pending = NULL;
}

int zl_check_start(zl_archive *ar, const zl_ruleset *rs, const zl_options *opt, zl_result **out,
                   zl_error *err)
{
    int rc = ZL_OK;
    zl_result *res = calloc(1, sizeof *res);
    zl_ctx *ctx = calloc(1, sizeof *ctx);
    *out = NULL;
    if (res == NULL || ctx == NULL) {
        free(res);
        free(ctx);
        return zl_error_set(err, ZL_E_NOMEM, "out of memory");
    }
    res->opt = opt;
    res->pending = ctx;
    *ctx = (zl_ctx){.ar = ar, .opt = opt, .rs = rs, .res = res, .err = err};
    find_wrapper(ctx);

    /* The entries' data are read on worker threads while the rules look at
     * names and headers; the rules that read the data run last, in
     * zl_check_finish. */
    rc = zl_datapass_start(ctx, code_selected(rs, opt, "ZL505"),
                           opt->verify && code_selected(rs, opt, "ZL606"));
    for (int stage = 0; stage < ZL_STAGE_LAST && rc == ZL_OK; stage++)
        rc = run_stage(ctx, stage);
    if (rc != ZL_OK) {
        zl_result_free(res);
        return rc;
    }
    /* Complete as far as it goes: a plan made from it now is the plan the
     * whole result gives (the last stage's rules have no edits). */
    finish_findings(res);
    *out = res;
    return ZL_OK;
}

int zl_check_finish(zl_result *res, zl_error *err)
{
    zl_ctx *ctx = res->pending;
    if (ctx == NULL)
        return ZL_OK;
    ctx->err = err;
    int rc = run_stage(ctx, ZL_STAGE_LAST);
    pending_free(res);
    if (rc != ZL_OK)
        return rc;
    finish_findings(res);
    return ZL_OK;
}

int zl_check_run(zl_archive *ar, const zl_ruleset *rs, const zl_options *opt, zl_result **out,
                 zl_error *err)
{
    int rc = zl_check_start(ar, rs, opt, out, err);
    if (rc == ZL_OK && (rc = zl_check_finish(*out, err)) != ZL_OK) {
        zl_result_free(*out);
        *out = NULL;
    }
    return rc;
}

void zl_result_free(zl_result *res)
{
    if (res == NULL)
        return;
    pending_free(res);
    for (size_t i = 0; i < res->n; i++)
        finding_free(res->findings[i]);
    free(res->findings);
    free(res);
}

size_t zl_result_count(const zl_result *res)
{
    return res->n;
}

const zl_finding *zl_result_finding(const zl_result *res, size_t i)
{
    return i < res->n ? res->findings[i] : NULL;
}

zl_severity zl_result_max_severity(const zl_result *res)
{
    zl_severity m = ZL_SEV_NONE;
    for (size_t i = 0; i < res->n; i++)
        if (res->findings[i]->severity > m)
            m = res->findings[i]->severity;
    return m;
}
