/* ruleset.c - the rule set: the built-in C rules (registered through the
 * X-macro list in rules/families.h) and the data rules of rules/NAME.rules
 * (INI, parsed with inih) compiled into the library or loaded from users'
 * files. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "zl_internal.h"

static const zl_rule_def *const families[] = {
#define ZL_FAMILY(name) zl_rules_##name,
#include "rules/families.h"
#undef ZL_FAMILY
};

static int cmp_rule(const void *a, const void *b)
{
    const zl_rule *ra = *(const zl_rule *const *)a, *rb = *(const zl_rule *const *)b;
    return strcmp(ra->info.code, rb->info.code);
}

/* Takes ownership of r. */
static int add_rule(zl_ruleset *rs, zl_rule *r)
{
    if (rs->n == rs->cap) {
        size_t cap = rs->cap ? rs->cap * 2 : 32;
        zl_rule **nr = realloc(rs->rules, cap * sizeof *nr);
        if (nr == NULL)
            return ZL_E_NOMEM;
        rs->rules = nr;
        rs->cap = cap;
    }
    rs->rules[rs->n++] = r;
    return ZL_OK;
}

static void sort_rules(zl_ruleset *rs)
{
    qsort(rs->rules, rs->n, sizeof *rs->rules, cmp_rule);
}

int zl_ruleset_new(zl_ruleset **out, zl_error *err)
{
    int rc = ZL_OK;
    zl_ruleset *rs = calloc(1, sizeof *rs);
    *out = NULL;
    if (rs == NULL)
        return zl_error_set(err, ZL_E_NOMEM, "out of memory");
    for (size_t f = 0; f < sizeof families / sizeof families[0]; f++) {
        for (const zl_rule_def *d = families[f]; d->code != NULL; d++) {
            zl_rule *r = calloc(1, sizeof *r);
            if (r == NULL || add_rule(rs, r) != ZL_OK) {
                free(r);
                rc = zl_error_set(err, ZL_E_NOMEM, "out of memory");
                goto out;
            }
            r->info = (zl_rule_info){.code = d->code,
                                     .name = d->name,
                                     .severity = d->severity,
                                     .fix = d->fix,
                                     .default_on = d->default_on,
                                     .summary = d->summary,
                                     .explain = d->explain,
                                     .lambda_error = d->lambda_error ? d->lambda_error : "",
                                     .origin = "built-in"};
            r->stage = d->stage;
            r->check = d->check;
            r->builtin_c = true;
        }
    }
    for (const zl_builtin_file *bf = zl_builtin_rule_files; bf->name != NULL; bf++) {
        rc = zl_ruleset_parse(rs, bf->name, bf->text, true, err);
        if (rc != ZL_OK)
            goto out;
    }
    sort_rules(rs);
    rs->junk = zl_ruleset_get(rs, "ZL403");
    *out = rs;
    rs = NULL;
out:
    zl_ruleset_free(rs);
    return rc;
}

size_t zl_ruleset_count(const zl_ruleset *rs)
{
    return rs->n;
}

const zl_rule_info *zl_ruleset_rule(const zl_ruleset *rs, size_t i)
{
    return i < rs->n ? &rs->rules[i]->info : NULL;
}

const zl_rule *zl_ruleset_get(const zl_ruleset *rs, const char *code)
{
    for (size_t i = 0; i < rs->n; i++)
        if (strcasecmp(rs->rules[i]->info.code, code) == 0)
            return rs->rules[i];
    return NULL;
}

const zl_rule_info *zl_ruleset_find(const zl_ruleset *rs, const char *code)
{
    const zl_rule *r = zl_ruleset_get(rs, code);
    return r ? &r->info : NULL;
}

/* ---- data rules: TO BE WRITTEN (rule-file helper) ---- */

static void rule_free(zl_rule *r)
{
    if (r == NULL)
        return;
    if (!r->builtin_c) {
        /* data rule: its strings and patterns are owned here */
        for (size_t i = 0; i < r->n_paths; i++)
            zl_pattern_free(r->paths[i]);
        free(r->paths);
        for (size_t i = 0; i < r->n_magics; i++)
            zl_pattern_free(r->magics[i]);
        free(r->magics);
        free(r->message);
        free((char *)r->info.code);
        free((char *)r->info.name);
        free((char *)r->info.summary);
        free((char *)r->info.explain);
        free((char *)r->info.lambda_error);
        free((char *)r->info.origin);
    }
    free(r);
}

void zl_ruleset_free(zl_ruleset *rs)
{
    if (rs == NULL)
        return;
    for (size_t i = 0; i < rs->n; i++)
        rule_free(rs->rules[i]);
    free(rs->rules);
    free(rs);
}

int zl_ruleset_parse(zl_ruleset *rs, const char *origin, const char *text, bool builtin,
                     zl_error *err)
{
    (void)rs;
    (void)origin;
    (void)text;
    (void)builtin;
    (void)err;
    return ZL_OK;
}

int zl_ruleset_load_file(zl_ruleset *rs, const char *path, zl_error *err)
{
    (void)rs;
    return zl_error_set(err, ZL_E_RULEFILE, "%s: not implemented", path);
}

int zl_name_is_junk(const zl_ruleset *rs, const char *path, size_t len)
{
    (void)rs;
    (void)path;
    (void)len;
    return 0;
}
