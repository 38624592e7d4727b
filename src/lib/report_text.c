/* report_text.c - the text report, for a person whose upload just failed:
 * grouped by archive, each finding with a count and a few examples rather
 * than thousands of paths, what `fix` can do about it, the Lambda error it
 * predicts, and one summary line. Written as the archives come. */
#include "config.h"

#include <string.h>

#include "report.h"

#define EXAMPLES 5

enum { C_RESET, C_BOLD, C_DIM, C_ERROR, C_WARNING, C_INFO, C_OK };
static const char *const ansi[] = {"\033[0m",    "\033[1m",    "\033[2m",   "\033[1;31m",
                                   "\033[1;33m", "\033[1;36m", "\033[1;32m"};

static const char *col(const zl_report *rep, int c)
{
    return rep->ro.color ? ansi[c] : "";
}

static int sev_color(zl_severity s)
{
    return s == ZL_SEV_ERROR ? C_ERROR : s == ZL_SEV_WARNING ? C_WARNING : C_INFO;
}


static const char *plural(size_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

static int finding_shown(const zl_report *rep, const zl_finding *f)
{
    if (rep->ro.verbosity >= 0)
        return 1;
    return rep->ro.fail_on != ZL_SEV_NONE && f->severity >= rep->ro.fail_on;
}

static void put_entry(zl_report *rep, const zl_finding *f, const zl_finding_entry *e)
{
    FILE *fp = rep->fp;
    fputs("      ", fp);
    if (e->severity != f->severity && e->severity != ZL_SEV_NONE)
        fprintf(fp, "%s[%s]%s ", col(rep, sev_color(e->severity)), zl_severity_name(e->severity),
                col(rep, C_RESET));
    zl_report_put_safe(fp, e->name);
    if (e->detail != NULL && e->detail[0] != '\0') {
        fprintf(fp, "%s  (", col(rep, C_DIM));
        zl_report_put_safe(fp, e->detail);
        fprintf(fp, ")%s", col(rep, C_RESET));
    }
    fputc('\n', fp);
}

static void put_entries(zl_report *rep, const zl_finding *f)
{
    FILE *fp = rep->fp;
    size_t n = f->n_entries;
    if (n == 0)
        return;
    fprintf(fp, "    %zu %s:\n", n, plural(n, "entry", "entries"));
    if (rep->ro.verbosity > 0 || n <= EXAMPLES) {
        for (size_t i = 0; i < n; i++)
            put_entry(rep, f, &f->entries[i]);
        return;
    }
    /* The most severe entries make the best examples (an unreadable file
     * before a merely unusual mode). */
    size_t shown = 0;
    for (int s = ZL_SEV_ERROR; s >= ZL_SEV_NONE && shown < EXAMPLES; s--)
        for (size_t i = 0; i < n && shown < EXAMPLES; i++)
            if ((int)f->entries[i].severity == s) {
                put_entry(rep, f, &f->entries[i]);
                shown++;
            }
    fprintf(fp, "      ... and %zu more (-v lists them all)\n", n - shown);
}

/* ": DESCRIPTION" (names in it escaped), or nothing. */
static void put_desc(FILE *fp, const char *desc, const char *sep)
{
    if (desc == NULL || desc[0] == '\0')
        return;
    fputs(sep, fp);
    zl_report_put_safe(fp, desc);
}

static void put_fix(zl_report *rep, const zl_finding *f)
{
    FILE *fp = rep->fp;
    switch (zl_report_fix_state(f)) {
    case 1:
        fprintf(fp, "    fix: %ssafe%s, `ziplint fix`", col(rep, C_OK), col(rep, C_RESET));
        put_desc(fp, f->fix_description, ": ");
        break;
    case 2:
        fputs("    fix: unsafe, only with `ziplint fix --unsafe-fixes`", fp);
        put_desc(fp, f->fix_description, ": ");
        break;
    default:
        /* No edits here; the rule may still say what would fix it (ZL701:
         * another command). */
        if (f->fix_description != NULL && f->fix_description[0] != '\0')
            put_desc(fp, f->fix_description, "    fix: ");
        else
            fprintf(fp, "    fix: none; `ziplint explain %s` says how to fix it by hand",
                    f->rule->code);
        break;
    }
    fputc('\n', fp);
}

static void put_finding(zl_report *rep, const zl_finding *f)
{
    FILE *fp = rep->fp;
    char bytes[32];
    fprintf(fp, "  %s%s%s %s%s%s %s: ", col(rep, sev_color(f->severity)),
            zl_severity_name(f->severity), col(rep, C_RESET), col(rep, C_BOLD), f->rule->code,
            col(rep, C_RESET), f->rule->name);
    zl_report_put_safe(fp, f->message ? f->message : f->rule->summary ? f->rule->summary : "");
    fputc('\n', fp);
    put_entries(rep, f);
    if (f->bytes > 0)
        fprintf(fp, "    bytes: %s (%llu)\n", zl_format_bytes(f->bytes, bytes, sizeof bytes),
                (unsigned long long)f->bytes);
    put_fix(rep, f);
    if (f->rule->lambda_error != NULL && f->rule->lambda_error[0] != '\0') {
        fputs("    Lambda: ", fp);
        zl_report_put_safe(fp, f->rule->lambda_error);
        fputc('\n', fp);
    }
}

static void put_header(zl_report *rep, const char *path, const zl_archive *ar)
{
    char zipped[32], unzipped[32];
    size_t n = zl_archive_entry_count(ar);
    fputs(col(rep, C_BOLD), rep->fp);
    zl_report_put_safe(rep->fp, path);
    fprintf(rep->fp, "%s: %zu %s, %s zipped, %s unzipped\n", col(rep, C_RESET), n,
            plural(n, "entry", "entries"),
            zl_format_bytes(zl_archive_zipped_size(ar), zipped, sizeof zipped),
            zl_format_bytes(zl_archive_unzipped_size(ar), unzipped, sizeof unzipped));
}

static void put_fixed(zl_report *rep, const zl_plan *applied)
{
    FILE *fp = rep->fp;
    size_t n = zl_plan_change_count(applied);
    if (n == 0) {
        fprintf(fp, "  fixed: nothing to change\n");
        return;
    }
    fprintf(fp, "  %sfixed%s:\n", col(rep, C_OK), col(rep, C_RESET));
    for (size_t i = 0; i < n; i++) {
        const zl_plan_change *c = zl_plan_change_at(applied, i);
        char bytes[32];
        fprintf(fp, "    %s%s%s: %zu %s", col(rep, C_BOLD), c->code, col(rep, C_RESET),
                c->n_entries, plural(c->n_entries, "entry", "entries"));
        if (c->bytes_saved > 0)
            fprintf(fp, ", %s saved", zl_format_bytes(c->bytes_saved, bytes, sizeof bytes));
        if (c->description != NULL && c->description[0] != '\0') {
            fputs(": ", fp);
            zl_report_put_safe(fp, c->description);
        }
        fputc('\n', fp);
    }
}

int zl_report_text_archive(zl_report *rep, const char *path, const zl_archive *ar,
                           const zl_result *res, const zl_plan *applied, const char *error)
{
    FILE *fp = rep->fp;
    /* An archive that could not be read was named on stderr by the caller;
     * here it only counts towards the summary. */
    if (ar == NULL || res == NULL || error != NULL)
        return ZL_OK;
    size_t n = zl_result_count(res), shown = 0;
    for (size_t i = 0; i < n; i++) {
        const zl_finding *f = zl_result_finding(res, i);
        if (!finding_shown(rep, f))
            continue;
        if (shown++ == 0)
            put_header(rep, path, ar);
        put_finding(rep, f);
    }
    if (rep->ro.verbosity < 0 && shown == 0 &&
        (applied == NULL || zl_plan_change_count(applied) == 0))
        return ZL_OK;
    if (shown == 0) {
        put_header(rep, path, ar);
        if (n == 0)
            fprintf(fp, "  %s%s%s\n", col(rep, C_OK),
                    rep->ro.fixing && applied != NULL ? "no problems left" : "no problems found",
                    col(rep, C_RESET));
    }
    if (applied != NULL)
        put_fixed(rep, applied);
    fputc('\n', fp);
    return ZL_OK;
}

int zl_report_text_finish(zl_report *rep, zl_error *err)
{
    (void)err;
    FILE *fp = rep->fp;
    static const char *const names[4][2] = {
        {"", ""}, {"info", "infos"}, {"warning", "warnings"}, {"error", "errors"}};
    char bytes[32];

    if (rep->ro.fixing && rep->n_fixed_rules > 0)
        fprintf(fp, "fixed %zu %s for %zu %s, %s saved\n", rep->n_fixed_entries,
                plural(rep->n_fixed_entries, "entry", "entries"), rep->n_fixed_rules,
                plural(rep->n_fixed_rules, "rule", "rules"),
                zl_format_bytes(rep->fixed_bytes, bytes, sizeof bytes));

    size_t total = rep->n_sev[1] + rep->n_sev[2] + rep->n_sev[3];
    int first = 1;
    if (rep->n_archives == 0) {
        fprintf(fp, "%zu %s could not be %s\n", rep->n_unreadable,
                plural(rep->n_unreadable, "archive", "archives"),
                rep->ro.fixing ? "read or written" : "read");
        return ZL_OK;
    }
    if (total == 0) {
        fputs(rep->ro.fixing ? "no problems left" : "no problems found", fp);
    } else {
        for (int s = ZL_SEV_ERROR; s >= ZL_SEV_INFO; s--) {
            if (rep->n_sev[s] == 0)
                continue;
            fprintf(fp, "%s%s%zu %s%s", first ? "" : ", ", col(rep, sev_color((zl_severity)s)),
                    rep->n_sev[s], names[s][rep->n_sev[s] != 1], col(rep, C_RESET));
            first = 0;
        }
        if (rep->ro.fixing)
            fputs(" left", fp);
    }
    fprintf(fp, " in %zu %s", rep->n_archives, plural(rep->n_archives, "archive", "archives"));
    if (!rep->ro.fixing && rep->n_fixable > 0)
        fprintf(fp, "; %zu fixable with `ziplint fix`", rep->n_fixable);
    if (rep->n_unsafe_only > 0)
        fprintf(fp, "; %zu%s fixable with `ziplint fix --unsafe-fixes`", rep->n_unsafe_only,
                !rep->ro.fixing && rep->n_fixable > 0 ? " more" : "");
    if (rep->n_unreadable > 0)
        fprintf(fp, "; %zu %s could not be %s", rep->n_unreadable,
                plural(rep->n_unreadable, "archive", "archives"),
                rep->ro.fixing ? "read or written" : "read");
    fputc('\n', fp);
    return ZL_OK;
}
