/* report_github.c - GitHub Actions workflow commands, one line per
 * finding: "::error file=dist/fn.zip,title=ZL101 nested-top-level::...".
 * GitHub shows them as annotations on the run and on the archive in the
 * pull request. Values are escaped as the runner expects: in the message
 * % CR LF; in properties also ':' and ','. Written as the archives come. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "report.h"

#define MESSAGE_ENTRIES 10

/* Writes s escaped; property values also escape ':' and ','. Control
 * bytes other than CR and LF are dropped: they could forge a command. */
static void put_escaped(FILE *fp, const char *s, int property)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '%':
            fputs("%25", fp);
            break;
        case '\r':
            fputs("%0D", fp);
            break;
        case '\n':
            fputs("%0A", fp);
            break;
        case ':':
            fputs(property ? "%3A" : ":", fp);
            break;
        case ',':
            fputs(property ? "%2C" : ",", fp);
            break;
        default:
            if (*p >= 0x20 && *p != 0x7f)
                fputc(*p, fp);
            break;
        }
    }
}

static const char *command(zl_severity s)
{
    return s == ZL_SEV_ERROR ? "error" : s == ZL_SEV_WARNING ? "warning" : "notice";
}

/* One annotation: "::CMD file=PATH,title=TITLE::MESSAGE". */
static int annotate(zl_report *rep, const char *cmd, const char *file, const char *title,
                    const char *message)
{
    char *f = zl_utf8_sanitize(file), *t = zl_utf8_sanitize(title),
         *m = zl_utf8_sanitize(message);
    if (f == NULL || t == NULL || m == NULL) {
        free(f);
        free(t);
        free(m);
        return ZL_E_NOMEM;
    }
    fprintf(rep->fp, "::%s file=", cmd);
    put_escaped(rep->fp, f, 1);
    fputs(",title=", rep->fp);
    put_escaped(rep->fp, t, 1);
    fputs("::", rep->fp);
    put_escaped(rep->fp, m, 0);
    fputc('\n', rep->fp);
    free(f);
    free(t);
    free(m);
    return ZL_OK;
}

int zl_report_github_archive(zl_report *rep, const char *path, const zl_archive *ar,
                             const zl_result *res, const zl_plan *applied, const char *error)
{
    (void)ar;
    (void)applied;
    int rc = ZL_OK;
    char *file = zl_report_relative_path(path);
    if (file == NULL)
        return ZL_E_NOMEM;
    if (error != NULL || res == NULL) {
        rc = annotate(rep, "error", file, "ziplint", error ? error : "could not be read");
        goto out;
    }
    for (size_t i = 0; i < zl_result_count(res) && rc == ZL_OK; i++) {
        const zl_finding *f = zl_result_finding(res, i);
        char *title = zl_asprintf("%s %s", f->rule->code, f->rule->name);
        char *msg = zl_report_message_with_entries(f, MESSAGE_ENTRIES);
        if (title == NULL || msg == NULL)
            rc = ZL_E_NOMEM;
        else
            rc = annotate(rep, command(f->severity), file, title, msg);
        free(title);
        free(msg);
    }
out:
    free(file);
    return rc;
}
