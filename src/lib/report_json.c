/* report_json.c - the JSON report (version 1 of cli.md), built with
 * jansson and written once at the end. Entry names are raw bytes: every
 * string goes through zl_utf8_sanitize, since JSON must be UTF-8. */
#include "config.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

json_t *zl_json_str(const char *s)
{
    if (s == NULL)
        return json_null();
    char *clean = zl_utf8_sanitize(s);
    if (clean == NULL)
        return NULL;
    json_t *j = json_string(clean);
    free(clean);
    return j;
}

json_t *zl_json_uint(uint64_t n)
{
    /* json_int_t is signed: clamp what no real archive reaches. */
    return json_integer(n > (uint64_t)INT64_MAX ? INT64_MAX : (json_int_t)n);
}

int zl_json_set(json_t *obj, const char *key, json_t *value)
{
    if (value == NULL)
        return -1;
    return json_object_set_new(obj, key, value);
}

int zl_json_push(json_t *arr, json_t *value)
{
    if (value == NULL)
        return -1;
    return json_array_append_new(arr, value);
}

int zl_json_write(json_t *doc, FILE *fp)
{
    return json_dumpf(doc, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0 || fputc('\n', fp) == EOF
               ? -1
               : 0;
}

static json_t *finding_json(const zl_finding *f)
{
    json_t *jf = json_object(), *entries = json_array(), *fix = json_object();
    int bad = jf == NULL || entries == NULL || fix == NULL;
    for (size_t i = 0; !bad && i < f->n_entries; i++) {
        const zl_finding_entry *e = &f->entries[i];
        json_t *je = json_object();
        bad |= je == NULL;
        if (!bad) {
            bad |= zl_json_set(je, "name", zl_json_str(e->name)) != 0;
            bad |= zl_json_set(je, "severity", json_string(zl_severity_name(e->severity))) != 0;
            bad |= zl_json_set(je, "detail", zl_json_str(e->detail ? e->detail : "")) != 0;
        }
        bad |= zl_json_push(entries, je) != 0;
    }
    if (!bad) {
        bad |= zl_json_set(fix, "available", json_boolean(f->fix_available)) != 0;
        bad |= zl_json_set(fix, "safe", json_boolean(zl_report_fix_state(f) == 1)) != 0;
        bad |= zl_json_set(fix, "description", zl_json_str(f->fix_description)) != 0;
        bad |= zl_json_set(jf, "code", zl_json_str(f->rule->code)) != 0;
        bad |= zl_json_set(jf, "name", zl_json_str(f->rule->name)) != 0;
        bad |= zl_json_set(jf, "severity", json_string(zl_severity_name(f->severity))) != 0;
        bad |= zl_json_set(jf, "message", zl_json_str(f->message ? f->message : f->rule->summary)) != 0;
        bad |= zl_json_set(jf, "entries", entries) != 0;
        entries = NULL;
        bad |= zl_json_set(jf, "bytes", zl_json_uint(f->bytes)) != 0;
        bad |= zl_json_set(jf, "fix", fix) != 0;
        fix = NULL;
        bad |= zl_json_set(jf, "lambda_error", zl_json_str(f->rule->lambda_error ? f->rule->lambda_error : ""));
    }
    json_decref(entries);
    json_decref(fix);
    if (bad) {
        json_decref(jf);
        return NULL;
    }
    return jf;
}

int zl_report_json_start(zl_report *rep, zl_error *err)
{
    json_t *root = json_object(), *tool = json_object();
    int bad = root == NULL || tool == NULL;
    if (!bad) {
        bad |= zl_json_set(tool, "name", json_string("ziplint")) != 0;
        bad |= zl_json_set(tool, "version", json_string(zl_version())) != 0;
        bad |= zl_json_set(root, "version", json_integer(1)) != 0;
        bad |= zl_json_set(root, "tool", tool) != 0;
        tool = NULL;
        bad |= zl_json_set(root, "archives", json_array()) != 0;
    }
    json_decref(tool);
    if (bad) {
        json_decref(root);
        return zl_error_set(err, ZL_E_NOMEM, "out of memory");
    }
    rep->json = root;
    return ZL_OK;
}

int zl_report_json_archive(zl_report *rep, const char *path, const zl_archive *ar,
                           const zl_result *res, const zl_plan *applied, const char *error)
{
    json_t *arr = json_object_get(rep->json, "archives");
    json_t *ja = json_object();
    int bad = arr == NULL || ja == NULL;
    if (!bad) {
        bad |= zl_json_set(ja, "path", zl_json_str(path)) != 0;
        bad |= zl_json_set(ja, "error", zl_json_str(error)) != 0;
    }
    if (!bad && ar != NULL) {
        bad |= zl_json_set(ja, "entries", zl_json_uint(zl_archive_entry_count(ar))) != 0;
        bad |= zl_json_set(ja, "zipped_bytes", zl_json_uint(zl_archive_zipped_size(ar))) != 0;
        bad |= zl_json_set(ja, "unzipped_bytes", zl_json_uint(zl_archive_unzipped_size(ar))) != 0;
    }
    json_t *findings = json_array();
    bad |= findings == NULL;
    for (size_t i = 0; !bad && res != NULL && i < zl_result_count(res); i++)
        bad |= zl_json_push(findings, finding_json(zl_result_finding(res, i))) != 0;
    bad |= zl_json_set(ja, "findings", findings) != 0;
    if (!bad && rep->ro.fixing && ar != NULL) {
        json_t *fixed = json_array();
        bad |= fixed == NULL;
        for (size_t i = 0; !bad && applied != NULL && i < zl_plan_change_count(applied); i++) {
            const zl_plan_change *c = zl_plan_change_at(applied, i);
            json_t *jc = json_object();
            bad |= jc == NULL;
            if (!bad) {
                bad |= zl_json_set(jc, "code", zl_json_str(c->code)) != 0;
                bad |= zl_json_set(jc, "entries", zl_json_uint(c->n_entries)) != 0;
                bad |= zl_json_set(jc, "description", zl_json_str(c->description ? c->description : "")) != 0;
            }
            bad |= zl_json_push(fixed, jc) != 0;
        }
        bad |= zl_json_set(ja, "fixed", fixed) != 0;
    }
    if (bad) {
        json_decref(ja);
        return ZL_E_NOMEM;
    }
    return json_array_append_new(arr, ja) == 0 ? ZL_OK : ZL_E_NOMEM;
}

int zl_report_json_finish(zl_report *rep, zl_error *err)
{
    if (rep->json == NULL)
        return zl_error_set(err, ZL_E_INVAL, "report: no JSON document");
    if (zl_json_write(rep->json, rep->fp) != 0)
        return zl_error_set(err, ZL_E_IO, "cannot write the JSON report");
    return ZL_OK;
}

int zl_report_json_statistics(zl_report *rep, zl_error *err)
{
    json_t *a = json_array();
    bool bad = a == NULL;
    for (size_t i = 0; !bad && i < rep->n_stats; i++) {
        const struct zl_stat *st = &rep->stats[i];
        json_t *o = json_pack("{s:s, s:s, s:I}", "code", st->rule->code, "name", st->rule->name,
                              "count", (json_int_t)st->count);
        bad = o == NULL || json_array_append_new(a, o) != 0;
    }
    if (bad) {
        json_decref(a);
        return zl_error_set(err, ZL_E_NOMEM, "out of memory");
    }
    int rc = ZL_OK;
    if (zl_json_write(a, rep->fp) != 0)
        rc = zl_error_set(err, ZL_E_IO, "cannot write the JSON report");
    json_decref(a);
    return rc;
}

void zl_report_json_free(zl_report *rep)
{
    json_decref(rep->json);
    rep->json = NULL;
}
