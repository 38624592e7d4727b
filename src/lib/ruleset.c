/* ruleset.c - the rule set: the built-in C rules (registered through the
 * X-macro list in rules/families.h) and the data rules of rules/NAME.rules
 * (INI, parsed with inih) compiled into the library or loaded from users'
 * files. */
#include "config.h"

#include <errno.h>
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

/* ---- data rules ---- */

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

/* ---- rule files ----
 *
 * Read with zl_ini (ini.c), which tells the callbacks the line they are on
 * and whether a value continues the previous key. */

#define MAX_CODE 32

/* Keys that may appear once per rule (bit per key). */
enum {
    SEEN_NAME = 1 << 0,
    SEEN_SEVERITY = 1 << 1,
    SEEN_SUMMARY = 1 << 2,
    SEEN_TYPE = 1 << 3,
    SEEN_MIN_SIZE = 1 << 4,
    SEEN_PROFILE = 1 << 5,
    SEEN_FIX = 1 << 6,
    SEEN_SAFE = 1 << 7,
    SEEN_MESSAGE = 1 << 8,
    SEEN_LAMBDA_ERROR = 1 << 9,
    SEEN_EXPLAIN = 1 << 10
};

typedef struct parse_state {
    const zl_ruleset *rs; /* the loaded rules, for duplicate codes */
    const char *origin;   /* file name for messages */
    bool builtin;
    zl_ini ini; /* the reader, and the first error */
    /* the new rules, added to rs only when the whole file is good */
    zl_rule **rules;
    size_t n, cap;
    zl_rule *cur;      /* the rule of the current section (also in rules[]) */
    unsigned cur_line; /* its section header's line */
    unsigned seen;
} parse_state;

static bool code_is_valid(const char *s, size_t n)
{
    if (n == 0 || n > MAX_CODE)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return false;
    }
    return true;
}

static bool code_taken(const parse_state *ps, const char *code)
{
    if (zl_ruleset_get(ps->rs, code) != NULL)
        return true;
    for (size_t i = 0; i < ps->n; i++)
        if (strcasecmp(ps->rules[i]->info.code, code) == 0)
            return true;
    return false;
}

/* The section just ended: a rule needs a name and a severity. */
static int finish_rule(parse_state *ps)
{
    zl_rule *r = ps->cur;
    if (r == NULL)
        return 1;
    ps->cur = NULL;
    if (!(ps->seen & SEEN_NAME))
        return zl_ini_fail_at(&ps->ini, ps->cur_line, ZL_E_RULEFILE, "rule %s has no name",
                              r->info.code);
    if (!(ps->seen & SEEN_SEVERITY))
        return zl_ini_fail_at(&ps->ini, ps->cur_line, ZL_E_RULEFILE, "rule %s has no severity",
                              r->info.code);
    if (r->info.summary == NULL && (r->info.summary = zl_strdup(r->info.name)) == NULL)
        return zl_ini_fail_at(&ps->ini, ps->cur_line, ZL_E_NOMEM, "out of memory");
    if (r->fix == ZL_DATA_FIX_NONE)
        r->info.fix = ZL_FIX_NONE;
    else
        r->info.fix = r->safe ? ZL_FIX_SAFE : ZL_FIX_UNSAFE;
    return 1;
}

/* A "[CODE]" line: ends the previous rule and starts a new one. */
static int start_rule(void *ud, const char *code, size_t n)
{
    parse_state *ps = ud;
    if (!finish_rule(ps))
        return 0;
    if (!code_is_valid(code, n))
        return zl_ini_fail(&ps->ini, ZL_E_RULEFILE,
                           "bad rule code '%.*s' (letters, digits, '-' and '_', at most %d)",
                           (int)(n > 64 ? 64 : n), code, MAX_CODE);
    char buf[MAX_CODE + 1];
    memcpy(buf, code, n);
    buf[n] = '\0';
    if (!ps->builtin && strncasecmp(buf, "ZL", 2) == 0)
        return zl_ini_fail(&ps->ini, ZL_E_RULEFILE,
                           "rule code '%s' is reserved: codes starting with ZL are ziplint's own",
                           buf);
    if (code_taken(ps, buf))
        return zl_ini_fail(&ps->ini, ZL_E_RULEFILE, "duplicate rule code '%s'", buf);
    if (ps->n == ps->cap) {
        size_t cap = ps->cap ? ps->cap * 2 : 8;
        zl_rule **nr = realloc(ps->rules, cap * sizeof *nr);
        if (nr == NULL)
            return zl_ini_fail(&ps->ini, ZL_E_NOMEM, "out of memory");
        ps->rules = nr;
        ps->cap = cap;
    }
    zl_rule *r = calloc(1, sizeof *r);
    if (r == NULL)
        return zl_ini_fail(&ps->ini, ZL_E_NOMEM, "out of memory");
    ps->rules[ps->n++] = r;
    r->profile = -1;
    r->info.default_on = 1;
    if ((r->info.code = zl_strdup(buf)) == NULL ||
        (r->info.origin = zl_strdup(ps->builtin ? "built-in" : ps->origin)) == NULL ||
        (r->info.lambda_error = zl_strdup("")) == NULL || (r->info.explain = zl_strdup("")) == NULL)
        return zl_ini_fail(&ps->ini, ZL_E_NOMEM, "out of memory");
    ps->cur = r;
    ps->cur_line = ps->ini.line;
    ps->seen = 0;
    return 1;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int set_string(parse_state *ps, const char **field, const char *key, unsigned bit,
                      const char *value)
{
    if (ps->seen & bit)
        return zl_ini_fail(&ps->ini, ZL_E_RULEFILE, "duplicate key '%s'", key);
    ps->seen |= bit;
    char *s = zl_strdup(value);
    if (s == NULL)
        return zl_ini_fail(&ps->ini, ZL_E_NOMEM, "out of memory");
    free((char *)*field);
    *field = s;
    return 1;
}

static int add_pattern(parse_state *ps, zl_pattern ***list, size_t *n, const char *key,
                       const char *value)
{
    if (*value == '\0')
        return 1; /* "magic =": none */
    zl_error perr;
    zl_pattern *p = NULL;
    zl_error_init(&perr);
    int rc = zl_pattern_new(&p, value, &perr);
    if (rc == ZL_E_NOMEM)
        return zl_ini_fail(&ps->ini, ZL_E_NOMEM, "out of memory");
    if (rc != ZL_OK)
        return zl_ini_fail(&ps->ini, ZL_E_RULEFILE, "%s: %s", key, perr.message);
    zl_pattern **nl = realloc(*list, (*n + 1) * sizeof *nl);
    if (nl == NULL) {
        zl_pattern_free(p);
        return zl_ini_fail(&ps->ini, ZL_E_NOMEM, "out of memory");
    }
    nl[(*n)++] = p;
    *list = nl;
    return 1;
}

static int parse_fix(parse_state *ps, zl_rule *r, const char *value)
{
    if (strcmp(value, "none") == 0 || *value == '\0') {
        r->fix = ZL_DATA_FIX_NONE;
        return 1;
    }
    if (strcmp(value, "delete") == 0) {
        r->fix = ZL_DATA_FIX_DELETE;
        return 1;
    }
    if (strncmp(value, "mode", 4) == 0 && is_space(value[4])) {
        const char *m = value + 5;
        while (is_space(*m))
            m++;
        size_t digits = strspn(m, "01234567");
        if (digits >= 3 && digits <= 4 && m[digits] == '\0') {
            unsigned long mode = strtoul(m, NULL, 8);
            if (mode <= 0777) {
                r->fix = ZL_DATA_FIX_MODE;
                r->fix_mode = (uint32_t)mode;
                return 1;
            }
        }
    }
    return zl_ini_fail(&ps->ini, ZL_E_RULEFILE,
                       "bad fix '%s' (delete, mode NNNN with permission bits up to 0777, or none)",
                       value);
}

static int parse_min_size(parse_state *ps, zl_rule *r, const char *value)
{
    if (*value == '\0') {
        r->min_size = 0;
        return 1;
    }
    size_t digits = strspn(value, "0123456789");
    if (digits > 0 && value[digits] == '\0' && digits <= 20) {
        errno = 0;
        unsigned long long v = strtoull(value, NULL, 10);
        if (errno == 0) {
            r->min_size = v;
            return 1;
        }
    }
    return zl_ini_fail(&ps->ini, ZL_E_RULEFILE, "bad min-size '%s' (a number of bytes)", value);
}

/* "a|b|c" lookup: the index of value among choices, or -1. */
static int choose(const char *value, const char *const *choices, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(value, choices[i]) == 0)
            return (int)i;
    return -1;
}

static int once(parse_state *ps, unsigned bit, const char *key)
{
    if (ps->seen & bit)
        return zl_ini_fail(&ps->ini, ZL_E_RULEFILE, "duplicate key '%s'", key);
    ps->seen |= bit;
    return 1;
}

/* The reader tracks sections, so "[A] ... [A]" is seen twice. */
static int handle_key(void *ud, const char *key, const char *value)
{
    parse_state *ps = ud;
    zl_rule *r = ps->cur;
    if (r == NULL)
        return zl_ini_fail(&ps->ini, ZL_E_RULEFILE, "'%s' outside a [CODE] section", key);
    if (ps->ini.continuation) {
        /* inih passes each continuation line as the same key again */
        if (strcmp(key, "explain") != 0)
            return zl_ini_fail(&ps->ini, ZL_E_RULEFILE,
                               "indented line continues '%s'; only explain may span lines", key);
        char *s =
            *r->info.explain ? zl_asprintf("%s\n%s", r->info.explain, value) : zl_strdup(value);
        if (s == NULL)
            return zl_ini_fail(&ps->ini, ZL_E_NOMEM, "out of memory");
        free((char *)r->info.explain);
        r->info.explain = s;
        return 1;
    }
    if (strcmp(key, "name") == 0) {
        if (*value == '\0')
            return zl_ini_fail(&ps->ini, ZL_E_RULEFILE, "empty name");
        return set_string(ps, &r->info.name, key, SEEN_NAME, value);
    }
    if (strcmp(key, "severity") == 0) {
        zl_severity sev;
        if (!once(ps, SEEN_SEVERITY, key))
            return 0;
        if (zl_severity_parse(value, &sev) != ZL_OK || sev == ZL_SEV_NONE)
            return zl_ini_fail(&ps->ini, ZL_E_RULEFILE,
                               "bad severity '%s' (error, warning or info)", value);
        r->info.severity = sev;
        return 1;
    }
    if (strcmp(key, "summary") == 0)
        return set_string(ps, &r->info.summary, key, SEEN_SUMMARY, value);
    if (strcmp(key, "explain") == 0)
        return set_string(ps, &r->info.explain, key, SEEN_EXPLAIN, value);
    if (strcmp(key, "lambda-error") == 0)
        return set_string(ps, &r->info.lambda_error, key, SEEN_LAMBDA_ERROR, value);
    if (strcmp(key, "message") == 0) {
        const char *tmp = r->message;
        if (!set_string(ps, &tmp, key, SEEN_MESSAGE, value))
            return 0;
        r->message = (char *)tmp;
        return 1;
    }
    if (strcmp(key, "path") == 0)
        return add_pattern(ps, &r->paths, &r->n_paths, key, value);
    if (strcmp(key, "magic") == 0)
        return add_pattern(ps, &r->magics, &r->n_magics, key, value);
    if (strcmp(key, "type") == 0) {
        static const char *const types[] = {"any", "file", "dir", "symlink"};
        int t = *value ? choose(value, types, 4) : 0;
        if (!once(ps, SEEN_TYPE, key))
            return 0;
        if (t < 0)
            return zl_ini_fail(&ps->ini, ZL_E_RULEFILE, "bad type '%s' (file, dir, symlink or any)",
                               value);
        r->type = (zl_match_type)t; /* same order as zl_match_type */
        return 1;
    }
    if (strcmp(key, "profile") == 0) {
        static const char *const profiles[] = {"function", "layer", "any"};
        int p = *value ? choose(value, profiles, 3) : 2;
        if (!once(ps, SEEN_PROFILE, key))
            return 0;
        if (p < 0)
            return zl_ini_fail(&ps->ini, ZL_E_RULEFILE, "bad profile '%s' (function, layer or any)",
                               value);
        r->profile = p == 0 ? ZL_PROFILE_FUNCTION : p == 1 ? ZL_PROFILE_LAYER : -1;
        return 1;
    }
    if (strcmp(key, "min-size") == 0)
        return once(ps, SEEN_MIN_SIZE, key) && parse_min_size(ps, r, value);
    if (strcmp(key, "fix") == 0)
        return once(ps, SEEN_FIX, key) && parse_fix(ps, r, value);
    if (strcmp(key, "safe") == 0) {
        if (!once(ps, SEEN_SAFE, key))
            return 0;
        if (strcmp(value, "yes") == 0 || *value == '\0')
            r->safe = *value != '\0';
        else if (strcmp(value, "no") == 0)
            r->safe = false;
        else
            return zl_ini_fail(&ps->ini, ZL_E_RULEFILE, "bad safe '%s' (yes or no)", value);
        return 1;
    }
    return zl_ini_fail(&ps->ini, ZL_E_RULEFILE, "unknown key '%s'", key);
}

int zl_ruleset_parse(zl_ruleset *rs, const char *origin, const char *text, bool builtin,
                     zl_error *err)
{
    parse_state ps = {.rs = rs, .origin = origin, .builtin = builtin};
    ps.ini = (zl_ini){.text = text,
                      .code = ZL_E_RULEFILE,
                      .long_line_hint = "give a long pattern as several 'path' lines",
                      .unparsed = "syntax error",
                      .section = start_rule,
                      .key = handle_key,
                      .ud = &ps};
    zl_ini_run(&ps.ini);
    finish_rule(&ps);
    if (ps.ini.rc == ZL_OK) {
        /* Grow once so that nothing can fail after the first rule moves. */
        if (rs->n + ps.n > rs->cap) {
            size_t cap = rs->n + ps.n + 16;
            zl_rule **nr = realloc(rs->rules, cap * sizeof *nr);
            if (nr == NULL) {
                zl_ini_fail_at(&ps.ini, 0, ZL_E_NOMEM, "out of memory");
                goto out;
            }
            rs->rules = nr;
            rs->cap = cap;
        }
        for (size_t i = 0; i < ps.n; i++)
            rs->rules[rs->n++] = ps.rules[i];
        ps.n = 0;
        sort_rules(rs);
    }
out:
    for (size_t i = 0; i < ps.n; i++)
        rule_free(ps.rules[i]);
    free(ps.rules);
    return zl_ini_error(&ps.ini, origin, err);
}

#define RULE_FILE_MAX (1024 * 1024)

int zl_ruleset_load_file(zl_ruleset *rs, const char *path, zl_error *err)
{
    char *text = NULL;
    int rc = zl_file_read_text(path, RULE_FILE_MAX, "rule file", ZL_E_RULEFILE, &text, err);
    if (rc == ZL_OK)
        rc = zl_ruleset_parse(rs, path, text, false, err);
    free(text);
    return rc;
}
