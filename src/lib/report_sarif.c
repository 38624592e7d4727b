/* report_sarif.c - SARIF 2.1.0 for GitHub code scanning and other SARIF
 * viewers: one run; the rules in tool.driver.rules with their help text;
 * one result per finding, located at the archive (a path relative to the
 * current folder, which in CI is the repository's root), the entry names
 * in the message. Unreadable archives become tool execution
 * notifications. Built with jansson and written once at the end. */
#include "config.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define MESSAGE_ENTRIES 10

/* SARIF wants a string where ziplint may have none: "". */
static json_t *jstr(const char *s)
{
    return zl_json_str(s ? s : "");
}

/* {"text": s} */
static json_t *jtext(const char *s)
{
    json_t *o = json_object();
    if (o != NULL && zl_json_set(o, "text", jstr(s)) != 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static const char *level(zl_severity s)
{
    return s == ZL_SEV_ERROR ? "error" : s == ZL_SEV_WARNING ? "warning" : "note";
}

/* A relative URI reference for the archive: '\' becomes '/', and bytes
 * outside RFC 3986's unreserved set and '/' are percent-encoded. Absolute
 * paths outside the current folder become file:// URIs. */
static char *path_uri(const char *path)
{
    char *rel = zl_report_relative_path(path);
    if (rel == NULL)
        return NULL;
    size_t n = strlen(rel);
    char *out = malloc(n * 3 + sizeof "file://");
    if (out == NULL) {
        free(rel);
        return NULL;
    }
    size_t o = 0;
    if (rel[0] == '/') {
        memcpy(out, "file://", 7);
        o = 7;
    }
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)rel; *p; p++) {
        unsigned c = *p == '\\' ? '/' : *p;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
            out[o++] = (char)c;
        } else {
            out[o++] = '%';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        }
    }
    out[o] = '\0';
    free(rel);
    return out;
}

static json_t *rule_json(const zl_rule_info *r)
{
    json_t *jr = json_object(), *cfg = json_object(), *props = json_object(), *tags = json_array();
    int bad = jr == NULL || cfg == NULL || props == NULL || tags == NULL;
    char *full = NULL, *help = NULL;
    const char *summary = r->summary && r->summary[0] ? r->summary : r->name;
    const char *lambda = r->lambda_error ? r->lambda_error : "";
    if (!bad) {
        full = zl_asprintf("%s%s%s", summary, lambda[0] ? " Lambda: " : "", lambda);
        const char *ex = r->explain && r->explain[0] ? r->explain : summary;
        int exn = (int)strlen(ex);
        while (exn > 0 && (ex[exn - 1] == '\n' || ex[exn - 1] == ' '))
            exn--;
        help = zl_asprintf("%.*s%s%s\n\nRun `ziplint explain %s` for more.", exn, ex,
                           lambda[0] ? "\n\nLambda error: " : "", lambda, r->code);
        bad = full == NULL || help == NULL;
    }
    if (!bad) {
        bad |= zl_json_set(jr, "id", jstr(r->code)) != 0;
        bad |= zl_json_set(jr, "name", jstr(r->name)) != 0;
        bad |= zl_json_set(jr, "shortDescription", jtext(summary)) != 0;
        bad |= zl_json_set(jr, "fullDescription", jtext(full)) != 0;
        bad |= zl_json_set(jr, "help", jtext(help)) != 0;
        bad |= zl_json_set(cfg, "level", json_string(level(r->severity))) != 0;
        bad |= zl_json_set(cfg, "enabled", json_boolean(r->default_on)) != 0;
        bad |= zl_json_set(jr, "defaultConfiguration", cfg) != 0;
        cfg = NULL;
        bad |= json_array_append_new(tags, json_string("lambda")) != 0;
        bad |= zl_json_set(props, "tags", tags) != 0;
        tags = NULL;
        bad |= zl_json_set(props, "origin", jstr(r->origin ? r->origin : "built-in")) != 0;
        bad |= zl_json_set(jr, "properties", props) != 0;
        props = NULL;
    }
    free(full);
    free(help);
    json_decref(cfg);
    json_decref(tags);
    json_decref(props);
    if (bad) {
        json_decref(jr);
        return NULL;
    }
    return jr;
}

static json_t *run_of(zl_report *rep)
{
    return json_array_get(json_object_get(rep->json, "runs"), 0);
}

static json_t *driver_rules(zl_report *rep)
{
    return json_object_get(json_object_get(json_object_get(run_of(rep), "tool"), "driver"),
                           "rules");
}

int zl_report_sarif_start(zl_report *rep, zl_error *err)
{
    json_t *root = json_object(), *runs = json_array(), *run = json_object();
    json_t *tool = json_object(), *driver = json_object(), *inv = json_object();
    int bad = !root || !runs || !run || !tool || !driver || !inv;
    if (!bad) {
        bad |= zl_json_set(driver, "name", json_string("ziplint")) != 0;
        bad |= zl_json_set(driver, "version", json_string(zl_version())) != 0;
        bad |= zl_json_set(driver, "semanticVersion", json_string(zl_version())) != 0;
        if (PACKAGE_URL[0] != '\0')
            bad |= zl_json_set(driver, "informationUri", json_string(PACKAGE_URL)) != 0;
        bad |= zl_json_set(driver, "rules", json_array()) != 0;
        bad |= zl_json_set(tool, "driver", driver) != 0;
        driver = NULL;
        bad |= zl_json_set(run, "tool", tool) != 0;
        tool = NULL;
        bad |= zl_json_set(inv, "executionSuccessful", json_true()) != 0;
        bad |= zl_json_set(inv, "toolExecutionNotifications", json_array()) != 0;
        json_t *invs = json_array();
        bad |= invs == NULL || json_array_append_new(invs, inv) != 0;
        inv = NULL;
        bad |= zl_json_set(run, "invocations", invs) != 0;
        bad |= zl_json_set(run, "results", json_array()) != 0;
        bad |= zl_json_set(root, "$schema", json_string(SARIF_SCHEMA)) != 0;
        bad |= zl_json_set(root, "version", json_string("2.1.0")) != 0;
        bad |= json_array_append_new(runs, run) != 0;
        run = NULL;
        bad |= zl_json_set(root, "runs", runs) != 0;
        runs = NULL;
    }
    json_decref(runs);
    json_decref(run);
    json_decref(tool);
    json_decref(driver);
    json_decref(inv);
    if (bad) {
        json_decref(root);
        return zl_error_set(err, ZL_E_NOMEM, "out of memory");
    }
    rep->json = root;
    return ZL_OK;
}

/* The index of the rule in tool.driver.rules, adding it when the rules
 * are collected as they fire; -1 on ENOMEM. */
static long rule_index(zl_report *rep, const zl_rule_info *r)
{
    json_t *rules = driver_rules(rep);
    size_t n = json_array_size(rules);
    for (size_t i = 0; i < n; i++) {
        const char *id = json_string_value(json_object_get(json_array_get(rules, i), "id"));
        if (id != NULL && strcmp(id, r->code) == 0)
            return (long)i;
    }
    if (json_array_append_new(rules, rule_json(r)) != 0)
        return -1;
    return (long)n;
}

/* A stable fingerprint for code scanning, which could not compute one
 * from a binary file: FNV-1a over the code, the path and the entries. */
static json_t *fingerprint(const zl_finding *f, const char *uri)
{
    uint64_t h = 1469598103934665603ULL;
    const char *parts[2] = {f->rule->code, uri};
    for (int k = 0; k < 2; k++)
        for (const unsigned char *p = (const unsigned char *)parts[k]; *p; p++)
            h = (h ^ *p) * 1099511628211ULL;
    for (size_t i = 0; i < f->n_entries; i++)
        for (const unsigned char *p = (const unsigned char *)f->entries[i].name; *p; p++)
            h = (h ^ *p) * 1099511628211ULL;
    char buf[32];
    snprintf(buf, sizeof buf, "%016llx:1", (unsigned long long)h);
    json_t *o = json_object();
    if (o != NULL && zl_json_set(o, "primaryLocationLineHash", json_string(buf)) != 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *location(const char *uri)
{
    json_t *loc = json_object(), *phys = json_object(), *art = json_object(), *reg = json_object();
    int bad = !loc || !phys || !art || !reg;
    if (!bad) {
        bad |= zl_json_set(art, "uri", jstr(uri)) != 0;
        bad |= zl_json_set(phys, "artifactLocation", art) != 0;
        art = NULL;
        /* A zip has no lines; code scanning wants a region all the same. */
        bad |= zl_json_set(reg, "startLine", json_integer(1)) != 0;
        bad |= zl_json_set(phys, "region", reg) != 0;
        reg = NULL;
        bad |= zl_json_set(loc, "physicalLocation", phys) != 0;
        phys = NULL;
    }
    json_decref(art);
    json_decref(reg);
    json_decref(phys);
    if (bad) {
        json_decref(loc);
        return NULL;
    }
    return loc;
}

static json_t *result_json(zl_report *rep, const zl_finding *f, const char *uri)
{
    long idx = rep->rules != NULL ? -1 : rule_index(rep, f->rule);
    if (rep->rules != NULL) {
        for (size_t i = 0; i < zl_ruleset_count(rep->rules); i++)
            if (strcmp(zl_ruleset_rule(rep->rules, i)->code, f->rule->code) == 0)
                idx = (long)i;
        if (idx < 0) { /* a rule not in the set given: listed after the set's */
            idx = rule_index(rep, f->rule);
            if (idx >= 0)
                idx += (long)zl_ruleset_count(rep->rules);
        }
    }
    if (idx < 0)
        return NULL;
    char *msg = zl_report_message_with_entries(f, MESSAGE_ENTRIES);
    json_t *res = json_object(), *locs = json_array();
    int bad = msg == NULL || res == NULL || locs == NULL;
    if (!bad) {
        bad |= zl_json_set(res, "ruleId", jstr(f->rule->code)) != 0;
        bad |= zl_json_set(res, "ruleIndex", json_integer(idx)) != 0;
        bad |= zl_json_set(res, "level", json_string(level(f->severity))) != 0;
        bad |= zl_json_set(res, "message", jtext(msg)) != 0;
        bad |= json_array_append_new(locs, location(uri)) != 0;
        bad |= zl_json_set(res, "locations", locs) != 0;
        locs = NULL;
        bad |= zl_json_set(res, "partialFingerprints", fingerprint(f, uri)) != 0;
        json_t *props = json_object();
        bad |= props == NULL;
        if (!bad) {
            json_t *names = json_array();
            bad |= names == NULL;
            for (size_t i = 0; !bad && i < f->n_entries; i++)
                bad |= json_array_append_new(names, jstr(f->entries[i].name)) != 0;
            bad |= zl_json_set(props, "entries", names) != 0;
            bad |= zl_json_set(props, "bytes", zl_json_uint(f->bytes)) != 0;
            bad |= zl_json_set(props, "fixable", json_boolean(f->fix_available)) != 0;
            bad |= zl_json_set(res, "properties", props) != 0;
        }
    }
    free(msg);
    json_decref(locs);
    if (bad) {
        json_decref(res);
        return NULL;
    }
    return res;
}

int zl_report_sarif_archive(zl_report *rep, const char *path, const zl_archive *ar,
                            const zl_result *res, const zl_plan *applied, const char *error)
{
    (void)applied;
    (void)ar;
    json_t *run = run_of(rep);
    char *uri = path_uri(path);
    int rc = ZL_OK;
    if (uri == NULL)
        return ZL_E_NOMEM;
    if (error != NULL || res == NULL) {
        json_t *inv = json_array_get(json_object_get(run, "invocations"), 0);
        json_t *note = json_object(), *locs = json_array();
        int bad = note == NULL || locs == NULL;
        if (!bad) {
            bad |= zl_json_set(note, "level", json_string("error")) != 0;
            bad |= zl_json_set(note, "message", jtext(error ? error : "could not be read")) != 0;
            bad |= json_array_append_new(locs, location(uri)) != 0;
            bad |= zl_json_set(note, "locations", locs) != 0;
            locs = NULL;
            bad |= json_array_append_new(json_object_get(inv, "toolExecutionNotifications"),
                                         note) != 0;
            note = NULL;
            bad |= zl_json_set(inv, "executionSuccessful", json_false()) != 0;
        }
        json_decref(note);
        json_decref(locs);
        rc = bad ? ZL_E_NOMEM : ZL_OK;
        goto out;
    }
    json_t *results = json_object_get(run, "results");
    for (size_t i = 0; i < zl_result_count(res); i++) {
        if (json_array_append_new(results, result_json(rep, zl_result_finding(res, i), uri)) != 0) {
            rc = ZL_E_NOMEM;
            goto out;
        }
    }
out:
    free(uri);
    return rc;
}

int zl_report_sarif_finish(zl_report *rep, zl_error *err)
{
    if (rep->json == NULL)
        return zl_error_set(err, ZL_E_INVAL, "report: no SARIF document");
    /* Every rule of the set, in code order, so that ruleIndex is the
     * position in the set; rules outside it were appended as they fired. */
    if (rep->rules != NULL) {
        json_t *fired = driver_rules(rep), *all = json_array();
        int bad = all == NULL;
        for (size_t i = 0; !bad && i < zl_ruleset_count(rep->rules); i++)
            bad |= json_array_append_new(all, rule_json(zl_ruleset_rule(rep->rules, i))) != 0;
        bad |= !bad && json_array_extend(all, fired) != 0;
        if (bad || json_object_set_new(json_object_get(json_object_get(run_of(rep), "tool"),
                                                       "driver"),
                                       "rules", all) != 0) {
            if (bad)
                json_decref(all);
            return zl_error_set(err, ZL_E_NOMEM, "out of memory");
        }
    }
    if (zl_json_write(rep->json, rep->fp) != 0)
        return zl_error_set(err, ZL_E_IO, "cannot write the SARIF report");
    return ZL_OK;
}
