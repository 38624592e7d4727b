/* report.c - the report object: keeps the totals and dispatches each call
 * to the writer of the chosen format. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"

int zl_report_new(zl_report **out, FILE *fp, const zl_report_options *ro, zl_error *err)
{
    zl_report *rep = NULL;
    *out = NULL;
    if (fp == NULL || ro == NULL)
        return zl_error_set(err, ZL_E_INVAL, "report: no stream or options");
    if (ro->format != ZL_FORMAT_TEXT && ro->format != ZL_FORMAT_JSON &&
        ro->format != ZL_FORMAT_SARIF && ro->format != ZL_FORMAT_GITHUB)
        return zl_error_set(err, ZL_E_INVAL, "report: unknown format %d", (int)ro->format);
    if (ro->statistics && ro->format != ZL_FORMAT_TEXT && ro->format != ZL_FORMAT_JSON)
        return zl_error_set(err, ZL_E_INVAL, "report: statistics are text or JSON only");
    if ((rep = calloc(1, sizeof *rep)) == NULL)
        return zl_error_set(err, ZL_E_NOMEM, "out of memory");
    rep->fp = fp;
    rep->ro = *ro;
    if ((ro->format == ZL_FORMAT_JSON && !ro->statistics) || ro->format == ZL_FORMAT_SARIF) {
        int rc = ro->format == ZL_FORMAT_JSON ? zl_report_json_start(rep, err)
                                              : zl_report_sarif_start(rep, err);
        if (rc != ZL_OK) {
            zl_report_free(rep);
            return rc;
        }
    }
    *out = rep;
    return ZL_OK;
}

void zl_report_free(zl_report *rep)
{
    if (rep == NULL)
        return;
    zl_report_json_free(rep);
    free(rep->stats);
    free(rep);
}

void zl_report_set_rules(zl_report *rep, const zl_ruleset *rs)
{
    if (rep != NULL)
        rep->rules = rs;
}

/* --statistics: adds the finding's entries (1 when it lists none) to its
 * rule's count. */
static int count_stat(zl_report *rep, const zl_finding *f)
{
    size_t n = f->n_entries > 0 ? f->n_entries : 1;
    for (size_t i = 0; i < rep->n_stats; i++)
        if (strcmp(rep->stats[i].rule->code, f->rule->code) == 0) {
            rep->stats[i].count += n;
            return ZL_OK;
        }
    struct zl_stat *ns = realloc(rep->stats, (rep->n_stats + 1) * sizeof *ns);
    if (ns == NULL)
        return ZL_E_NOMEM;
    rep->stats = ns;
    ns[rep->n_stats++] = (struct zl_stat){f->rule, n};
    return ZL_OK;
}

static int cmp_stat(const void *a, const void *b)
{
    const struct zl_stat *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return strcmp(x->rule->code, y->rule->code);
}

/* One line per rule, most entries first: "  528  ZL201  file-mode"; or
 * the same as a JSON array. */
static int statistics_finish(zl_report *rep, zl_error *err)
{
    if (rep->n_stats > 1)
        qsort(rep->stats, rep->n_stats, sizeof *rep->stats, cmp_stat);
    if (rep->ro.format == ZL_FORMAT_JSON)
        return zl_report_json_statistics(rep, err);
    for (size_t i = 0; i < rep->n_stats; i++)
        fprintf(rep->fp, "%5zu  %s  %s\n", rep->stats[i].count, rep->stats[i].rule->code,
                rep->stats[i].rule->name);
    return ZL_OK;
}

char *zl_report_message_with_entries(const zl_finding *f, size_t max)
{
    const char *msg = f->message ? f->message : f->rule->summary ? f->rule->summary : "";
    size_t len = strlen(msg) + 64;
    size_t shown = f->n_entries < max ? f->n_entries : max;
    for (size_t i = 0; i < shown; i++)
        len += strlen(f->entries[i].name) + 2;
    char *out = malloc(len);
    if (out == NULL)
        return NULL;
    int n = snprintf(out, len, "%s", msg);
    for (size_t i = 0; i < shown && n >= 0 && (size_t)n < len; i++)
        n += snprintf(out + n, len - (size_t)n, "%s%s", i == 0 ? ": " : ", ", f->entries[i].name);
    if (f->n_entries > shown && n >= 0 && (size_t)n < len)
        snprintf(out + n, len - (size_t)n, " and %zu more", f->n_entries - shown);
    return out;
}

char *zl_report_relative_path(const char *path)
{
    char cwd[PATH_MAX];
    if (path[0] == '/' && getcwd(cwd, sizeof cwd) != NULL) {
        size_t n = strlen(cwd);
        if (n > 1 && strncmp(path, cwd, n) == 0 && path[n] == '/' && path[n + 1] != '\0')
            return zl_strdup(path + n + 1);
    }
    if (path[0] == '.' && path[1] == '/' && path[2] != '\0')
        return zl_strdup(path + 2);
    return zl_strdup(path);
}

int zl_report_fix_state(const zl_finding *f)
{
    int unsafe = 0;
    for (size_t i = 0; i < f->n_edits; i++) {
        if (f->edits[i].safe)
            return 1;
        unsafe = 1;
    }
    return unsafe ? 2 : 0;
}

static void count(zl_report *rep, const zl_result *res, const zl_plan *applied)
{
    rep->n_archives++;
    for (size_t i = 0; res != NULL && i < zl_result_count(res); i++) {
        const zl_finding *f = zl_result_finding(res, i);
        if ((unsigned)f->severity < 4)
            rep->n_sev[f->severity]++;
        int st = zl_report_fix_state(f);
        if (f->fix_available)
            rep->n_fixable++;
        else if (st == 2)
            rep->n_unsafe_only++;
    }
    for (size_t i = 0; applied != NULL && i < zl_plan_change_count(applied); i++) {
        const zl_plan_change *c = zl_plan_change_at(applied, i);
        rep->n_fixed_rules++;
        rep->n_fixed_entries += c->n_entries;
        rep->fixed_bytes += c->bytes_saved;
    }
}

int zl_report_archive(zl_report *rep, const char *path, const zl_archive *ar, const zl_result *res,
                      const zl_plan *applied, const char *error)
{
    if (rep == NULL || path == NULL)
        return ZL_E_INVAL;
    if (ar == NULL || res == NULL) {
        rep->n_unreadable++;
        if (error == NULL)
            error = "could not be read";
        ar = NULL;
        res = NULL;
        applied = NULL;
    } else {
        error = NULL;
        count(rep, res, applied);
    }
    if (rep->ro.statistics) {
        for (size_t i = 0; res != NULL && i < zl_result_count(res); i++)
            if (count_stat(rep, zl_result_finding(res, i)) != ZL_OK)
                return ZL_E_NOMEM;
        return ZL_OK;
    }
    switch (rep->ro.format) {
    case ZL_FORMAT_JSON:
        return zl_report_json_archive(rep, path, ar, res, applied, error);
    case ZL_FORMAT_SARIF:
        return zl_report_sarif_archive(rep, path, ar, res, applied, error);
    case ZL_FORMAT_GITHUB:
        return zl_report_github_archive(rep, path, ar, res, applied, error);
    case ZL_FORMAT_TEXT:
        break;
    }
    return zl_report_text_archive(rep, path, ar, res, applied, error);
}

int zl_report_finish(zl_report *rep, zl_error *err)
{
    int rc = ZL_OK;
    if (rep->ro.statistics)
        rc = statistics_finish(rep, err);
    else if (rep->ro.format == ZL_FORMAT_JSON)
        rc = zl_report_json_finish(rep, err);
    else if (rep->ro.format == ZL_FORMAT_SARIF)
        rc = zl_report_sarif_finish(rep, err);
    else if (rep->ro.format == ZL_FORMAT_TEXT)
        rc = zl_report_text_finish(rep, err);
    if (rc != ZL_OK)
        return rc;
    if (fflush(rep->fp) != 0 || ferror(rep->fp))
        return zl_error_set(err, ZL_E_IO, "cannot write the report: %s", strerror(errno));
    return ZL_OK;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    unsigned min;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
        min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    unsigned cp = c & (0x7f >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    /* Overlong forms, surrogates and values above U+10FFFF are invalid. */
    if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
        return 0;
    return len;
}

void zl_report_put_safe(FILE *fp, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f) {
            fprintf(fp, "\\x%02x", *p);
        } else if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
            /* C1 controls, UTF-8 encoded (U+0080-U+009F) */
            fprintf(fp, "\\u%04x", p[1]);
            p++;
        } else if (p[0] == 0xe2 && ((p[1] == 0x80 && p[2] >= 0xaa && p[2] <= 0xae) ||
                                    (p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9))) {
            /* bidirectional overrides and isolates (U+202A-202E, U+2066-2069),
             * which reorder what the terminal shows */
            fprintf(fp, "\\u%04x", 0x2000 | ((p[1] & 0x3f) << 6) | (p[2] & 0x3f));
            p += 2;
        } else {
            fputc(*p, fp);
        }
    }
}

char *zl_utf8_sanitize(const char *s)
{
    if (s == NULL)
        return NULL;
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    /* Each bad byte becomes 3 bytes (EF BF BD). */
    char *out = malloc(n * 3 + 1);
    if (out == NULL)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        size_t len = utf8_seq(p + i, n - i);
        if (len == 0) {
            out[o++] = (char)0xef;
            out[o++] = (char)0xbf;
            out[o++] = (char)0xbd;
            i++;
        } else {
            memcpy(out + o, p + i, len);
            o += len;
            i += len;
        }
    }
    out[o] = '\0';
    return out;
}
