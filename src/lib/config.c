/* config.c - .ziplint: discovery (walking up from a folder), parsing with
 * inih, checking every value with its line number, per-archive overrides
 * ([archive "GLOB"]) and [per-path-ignores] applied to a result.
 *
 * The text is read with zl_ini (ini.c), as rule files are, so that every
 * message names its line. Parsing stops at the first error. */
#include "config.h"

#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zl_internal.h"

#define CONFIG_NAME ".ziplint"
#define CONFIG_MAX (256 * 1024)

/* The keys of [ziplint] and [archive "GLOB"]. */
enum key {
    K_PROFILE,
    K_HANDLER,
    K_RUNTIME,
    K_ARCH,
    K_UPLOAD,
    K_SELECT,
    K_IGNORE,
    K_FAIL_ON,
    K_LAYERS,
    K_LAYERS_SIZE,
    K_RULES,
    N_KEYS
};

enum list_kind { SCALAR = 0, CODES, PATHS };

static const struct {
    const char *name;
    enum list_kind list;
} keys[N_KEYS] = {
    [K_PROFILE] = {"profile", SCALAR}, [K_HANDLER] = {"handler", SCALAR},
    [K_RUNTIME] = {"runtime", SCALAR}, [K_ARCH] = {"arch", SCALAR},
    [K_UPLOAD] = {"upload", SCALAR},   [K_SELECT] = {"select", CODES},
    [K_IGNORE] = {"ignore", CODES},    [K_FAIL_ON] = {"fail-on", SCALAR},
    [K_LAYERS] = {"layers", PATHS},    [K_LAYERS_SIZE] = {"layers-size", SCALAR},
    [K_RULES] = {"rules", PATHS},
};

/* One key of one section: its value (lists joined) and the line of each
 * piece, so that a bad code is reported where it was written. */
typedef struct item {
    char *text;
    unsigned line;
} item;

typedef struct keyval {
    item *items;
    size_t n;
    char *joined; /* built when the file has been read */
} keyval;

typedef struct section {
    char *glob; /* NULL for [ziplint] */
    unsigned line;
    keyval kv[N_KEYS];
} section;

typedef struct ignore_rule {
    char *pattern;
    char *codes; /* comma-separated */
    unsigned line;
} ignore_rule;

struct zl_config {
    char *path;
    char *dir; /* absolute */
    section *sections; /* [0] is [ziplint] (present even when the file has none) */
    size_t n_sections;
    ignore_rule *ignores;
    size_t n_ignores;
    char **hook_paths;
    size_t n_hook_paths;
};

enum sect_kind { S_NONE = 0, S_ZIPLINT, S_ARCHIVE, S_IGNORES, S_HOOK };

typedef struct parse_state {
    zl_config *cfg;
    zl_ini ini; /* the reader, and the first error */
    enum sect_kind sect;
    section *cur; /* S_ZIPLINT / S_ARCHIVE */
} parse_state;

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* ---- freeing ---- */

static void keyval_clear(keyval *kv)
{
    for (size_t i = 0; i < kv->n; i++)
        free(kv->items[i].text);
    free(kv->items);
    free(kv->joined);
    memset(kv, 0, sizeof *kv);
}

static void section_clear(section *s)
{
    free(s->glob);
    for (int k = 0; k < N_KEYS; k++)
        keyval_clear(&s->kv[k]);
}

void zl_config_free(zl_config *cfg)
{
    if (cfg == NULL)
        return;
    for (size_t i = 0; i < cfg->n_sections; i++)
        section_clear(&cfg->sections[i]);
    free(cfg->sections);
    for (size_t i = 0; i < cfg->n_ignores; i++) {
        free(cfg->ignores[i].pattern);
        free(cfg->ignores[i].codes);
    }
    free(cfg->ignores);
    for (size_t i = 0; i < cfg->n_hook_paths; i++)
        free(cfg->hook_paths[i]);
    free(cfg->hook_paths);
    free(cfg->path);
    free(cfg->dir);
    free(cfg);
}

/* ---- sections ---- */

static section *add_section(zl_config *cfg, char *glob, unsigned line)
{
    section *ns = realloc(cfg->sections, (cfg->n_sections + 1) * sizeof *ns);
    if (ns == NULL)
        return NULL;
    cfg->sections = ns;
    section *s = &ns[cfg->n_sections++];
    memset(s, 0, sizeof *s);
    s->glob = glob;
    s->line = line;
    return s;
}

/* "[name]": which section it opens. */
static int start_section(void *ud, const char *name, size_t n)
{
    parse_state *ps = ud;
    ps->cur = NULL;
    while (n > 0 && is_space(*name)) {
        name++;
        n--;
    }
    while (n > 0 && is_space(name[n - 1]))
        n--;
    if (n == 7 && memcmp(name, "ziplint", 7) == 0) {
        ps->sect = S_ZIPLINT;
        ps->cur = &ps->cfg->sections[0];
        return 1;
    }
    if (n == 16 && memcmp(name, "per-path-ignores", 16) == 0) {
        ps->sect = S_IGNORES;
        return 1;
    }
    if (n == 4 && memcmp(name, "hook", 4) == 0) {
        ps->sect = S_HOOK;
        return 1;
    }
    if (n > 7 && memcmp(name, "archive", 7) == 0 && is_space(name[7])) {
        const char *g = name + 8, *end = name + n;
        while (g < end && is_space(*g))
            g++;
        if (end - g < 3 || *g != '"' || end[-1] != '"')
            return zl_ini_fail(&ps->ini, ZL_E_INVAL, "expected [archive \"GLOB\"]");
        g++;
        end--;
        if (end - g >= 2 && g[0] == '.' && g[1] == '/')
            g += 2;
        char *glob = zl_strndup(g, (size_t)(end - g));
        if (glob == NULL || (ps->cur = add_section(ps->cfg, glob, ps->ini.line)) == NULL) {
            free(glob);
            return zl_ini_fail(&ps->ini, ZL_E_NOMEM, "out of memory");
        }
        ps->sect = S_ARCHIVE;
        return 1;
    }
    return zl_ini_fail(
        &ps->ini, ZL_E_INVAL,
        "unknown section [%.*s] (expected [ziplint], [archive \"GLOB\"], [per-path-ignores] or "
        "[hook])",
        (int)(n > 64 ? 64 : n), name);
}

/* ---- values ---- */

static int add_item(keyval *kv, const char *text, unsigned line)
{
    item *ni = realloc(kv->items, (kv->n + 1) * sizeof *ni);
    if (ni == NULL)
        return ZL_E_NOMEM;
    kv->items = ni;
    if ((ni[kv->n].text = zl_strdup(text)) == NULL)
        return ZL_E_NOMEM;
    ni[kv->n++].line = line;
    return ZL_OK;
}

/* A path of the config made absolute against the config file's folder. */
static char *abs_path(const zl_config *cfg, const char *p, size_t n)
{
    if (n > 0 && p[0] == '/')
        return zl_strndup(p, n);
    if (n >= 2 && p[0] == '.' && p[1] == '/') {
        p += 2;
        n -= 2;
    }
    return zl_asprintf("%s/%.*s", cfg->dir, (int)n, p);
}

/* Splits a list value at commas and whitespace; calls fn for each word. */
static int each_word(const char *value, const char *seps,
                     int (*fn)(parse_state *, void *, const char *, size_t), parse_state *ps,
                     void *ud)
{
    const char *p = value;
    while (*p) {
        while (*p && strchr(seps, *p) != NULL)
            p++;
        const char *w = p;
        while (*p && strchr(seps, *p) == NULL)
            p++;
        if (p > w) {
            int rc = fn(ps, ud, w, (size_t)(p - w));
            if (rc != ZL_OK)
                return rc;
        }
    }
    return ZL_OK;
}

static int add_code_word(parse_state *ps, void *ud, const char *w, size_t n)
{
    char *s = zl_strndup(w, n);
    if (s == NULL)
        return ZL_E_NOMEM;
    int rc = add_item(ud, s, ps->ini.line);
    free(s);
    return rc;
}

static int add_path_word(parse_state *ps, void *ud, const char *w, size_t n)
{
    char *s = abs_path(ps->cfg, w, n);
    if (s == NULL)
        return ZL_E_NOMEM;
    int rc = add_item(ud, s, ps->ini.line);
    free(s);
    return rc;
}

/* Checks a scalar's value as the command line would. */
static int check_scalar(parse_state *ps, int k, const char *value)
{
    zl_options o;
    zl_error e;
    zl_options_init(&o);
    zl_error_init(&e);
    switch (k) {
    case K_PROFILE:
        if (zl_options_set_profile(&o, value, &e) != ZL_OK)
            return zl_ini_fail(&ps->ini, ZL_E_INVAL, "%s", e.message);
        break;
    case K_RUNTIME:
        if (zl_options_set_runtime(&o, value, &e) != ZL_OK)
            return zl_ini_fail(&ps->ini, ZL_E_INVAL, "%s", e.message);
        break;
    case K_ARCH:
        if (zl_options_set_arch(&o, value, &e) != ZL_OK)
            return zl_ini_fail(&ps->ini, ZL_E_INVAL, "%s", e.message);
        break;
    case K_UPLOAD:
        if (strcmp(value, "direct") != 0 && strcmp(value, "s3") != 0)
            return zl_ini_fail(&ps->ini, ZL_E_INVAL, "unknown upload '%s' (expected direct or s3)",
                               value);
        break;
    case K_FAIL_ON: {
        zl_severity sev;
        if (zl_severity_parse(value, &sev) != ZL_OK)
            return zl_ini_fail(&ps->ini, ZL_E_INVAL,
                               "unknown severity '%s' (expected error, warning, info or never)",
                               value);
        break;
    }
    case K_HANDLER: {
        const char *dot = strrchr(value, '.');
        if (dot == NULL || dot == value || dot[1] == '\0')
            return zl_ini_fail(&ps->ini, ZL_E_INVAL, "bad handler '%s' (expected MODULE.FUNC)",
                               value);
        break;
    }
    case K_LAYERS_SIZE: {
        if (value[0] < '0' || value[0] > '9')
            return zl_ini_fail(&ps->ini, ZL_E_INVAL,
                               "bad layers-size '%s' (expected a number of bytes)", value);
        errno = 0;
        char *end = NULL;
        (void)strtoull(value, &end, 10);
        if (errno != 0 || *end != '\0')
            return zl_ini_fail(&ps->ini, ZL_E_INVAL,
                               "bad layers-size '%s' (expected a number of bytes)", value);
        break;
    }
    default:
        break;
    }
    return 1;
}

static int set_key(parse_state *ps, section *s, const char *name, const char *value)
{
    int k;
    for (k = 0; k < N_KEYS; k++)
        if (strcmp(name, keys[k].name) == 0)
            break;
    if (k == N_KEYS)
        return zl_ini_fail(&ps->ini, ZL_E_INVAL, "unknown key '%s' in [%s]", name,
                           s->glob ? "archive" : "ziplint");
    if (k == K_RULES && s->glob != NULL)
        return zl_ini_fail(&ps->ini, ZL_E_INVAL,
                           "'rules' belongs in [ziplint], not in an [archive] section");
    keyval *kv = &s->kv[k];
    int rc = ZL_OK;
    switch (keys[k].list) {
    case SCALAR:
        if (kv->n > 0)
            return zl_ini_fail(&ps->ini, ZL_E_INVAL, "'%s' is already set on line %u", name,
                               kv->items[0].line);
        if (value[0] == '\0')
            return zl_ini_fail(&ps->ini, ZL_E_INVAL, "'%s' has no value", name);
        if (!check_scalar(ps, k, value))
            return 0;
        rc = add_item(kv, value, ps->ini.line);
        break;
    case CODES:
        rc = each_word(value, ", \t", add_code_word, ps, kv);
        break;
    case PATHS:
        rc = each_word(value, " \t", add_path_word, ps, kv);
        break;
    }
    if (rc != ZL_OK)
        return zl_ini_fail(&ps->ini, rc, "out of memory");
    return 1;
}

static int add_ignore(parse_state *ps, const char *pattern, const char *value)
{
    zl_config *cfg = ps->cfg;
    keyval codes = {0};
    if (each_word(value, ", \t", add_code_word, ps, &codes) != ZL_OK)
        goto nomem;
    if (codes.n == 0) {
        keyval_clear(&codes);
        return zl_ini_fail(&ps->ini, ZL_E_INVAL, "no codes for '%s'", pattern);
    }
    size_t len = 0;
    for (size_t i = 0; i < codes.n; i++)
        len += strlen(codes.items[i].text) + 1;
    char *joined = malloc(len);
    ignore_rule *ni = realloc(cfg->ignores, (cfg->n_ignores + 1) * sizeof *ni);
    if (ni != NULL)
        cfg->ignores = ni;
    char *pat = zl_strdup(pattern);
    if (joined == NULL || ni == NULL || pat == NULL) {
        free(joined);
        free(pat);
        keyval_clear(&codes);
        goto nomem;
    }
    joined[0] = '\0';
    for (size_t i = 0; i < codes.n; i++) {
        if (i > 0)
            strncat(joined, ",", len - strlen(joined) - 1);
        strncat(joined, codes.items[i].text, len - strlen(joined) - 1);
    }
    keyval_clear(&codes);
    ni[cfg->n_ignores++] = (ignore_rule){pat, joined, ps->ini.line};
    return 1;
nomem:
    return zl_ini_fail(&ps->ini, ZL_E_NOMEM, "out of memory");
}

static int add_hook_path(parse_state *ps, void *ud, const char *w, size_t n)
{
    zl_config *cfg = ud;
    char **np = realloc(cfg->hook_paths, (cfg->n_hook_paths + 1) * sizeof *np);
    if (np == NULL)
        return ZL_E_NOMEM;
    cfg->hook_paths = np;
    if ((np[cfg->n_hook_paths] = abs_path(ps->cfg, w, n)) == NULL)
        return ZL_E_NOMEM;
    cfg->n_hook_paths++;
    return ZL_OK;
}

static int handler(void *ud, const char *name, const char *value)
{
    parse_state *ps = ud;
    switch (ps->sect) {
    case S_NONE:
        return zl_ini_fail(&ps->ini, ZL_E_INVAL, "'%s' outside a section (start with [ziplint])",
                           name);
    case S_ZIPLINT:
    case S_ARCHIVE:
        return set_key(ps, ps->cur, name, value);
    case S_IGNORES:
        return add_ignore(ps, name, value);
    case S_HOOK:
        if (strcmp(name, "paths") != 0)
            return zl_ini_fail(&ps->ini, ZL_E_INVAL, "unknown key '%s' in [hook] (expected paths)",
                               name);
        if (each_word(value, " \t", add_hook_path, ps, ps->cfg) != ZL_OK)
            return zl_ini_fail(&ps->ini, ZL_E_NOMEM, "out of memory");
        return 1;
    }
    return 1;
}

/* Joins each list once, so that zl_config_get can hand out a string. */
static int join_values(zl_config *cfg)
{
    for (size_t s = 0; s < cfg->n_sections; s++) {
        for (int k = 0; k < N_KEYS; k++) {
            keyval *kv = &cfg->sections[s].kv[k];
            if (kv->n == 0)
                continue;
            size_t len = 1;
            for (size_t i = 0; i < kv->n; i++)
                len += strlen(kv->items[i].text) + 1;
            if ((kv->joined = malloc(len)) == NULL)
                return ZL_E_NOMEM;
            kv->joined[0] = '\0';
            const char *sep = keys[k].list == CODES ? "," : " ";
            for (size_t i = 0; i < kv->n; i++) {
                if (i > 0)
                    strncat(kv->joined, sep, len - strlen(kv->joined) - 1);
                strncat(kv->joined, kv->items[i].text, len - strlen(kv->joined) - 1);
            }
        }
    }
    return ZL_OK;
}

/* The absolute folder of the file at path (its folder need not be the
 * current one). */
static char *folder_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash == NULL ? zl_strdup(".") : slash == path ? zl_strdup("/")
                                                               : zl_strndup(path, (size_t)(slash - path));
    if (dir == NULL)
        return NULL;
    char *real = realpath(dir, NULL);
    if (real == NULL) {
        /* An origin that names no real folder (tests parsing text): keep
         * it as it is, made absolute. */
        char cwd[PATH_MAX];
        if (dir[0] != '/' && getcwd(cwd, sizeof cwd) != NULL)
            real = zl_asprintf("%s/%s", cwd, dir);
        else
            real = zl_strdup(dir);
    }
    free(dir);
    return real;
}

int zl_config_parse(zl_config **out, const char *origin, const char *text, zl_error *err)
{
    *out = NULL;
    zl_config *cfg = calloc(1, sizeof *cfg);
    parse_state ps = {.cfg = cfg};
    ps.ini = (zl_ini){.text = text,
                      .code = ZL_E_INVAL,
                      .long_line_hint = "repeat the key instead",
                      .unparsed = "cannot parse this line",
                      .section = start_section,
                      .key = handler,
                      .ud = &ps};
    if (cfg == NULL || (cfg->path = zl_strdup(origin)) == NULL ||
        (cfg->dir = folder_of(origin)) == NULL || add_section(cfg, NULL, 0) == NULL) {
        zl_config_free(cfg);
        return zl_error_set(err, ZL_E_NOMEM, "out of memory");
    }
    if (zl_ini_run(&ps.ini) == ZL_OK && join_values(cfg) != ZL_OK)
        zl_ini_fail(&ps.ini, ZL_E_NOMEM, "out of memory");
    if (ps.ini.rc != ZL_OK) {
        zl_config_free(cfg);
        return zl_ini_error(&ps.ini, origin, err);
    }
    *out = cfg;
    return ZL_OK;
}

int zl_config_load(zl_config **out, const char *path, zl_error *err)
{
    char *text = NULL;
    *out = NULL;
    int rc = zl_file_read_text(path, CONFIG_MAX, "config file", ZL_E_INVAL, &text, err);
    if (rc == ZL_OK)
        rc = zl_config_parse(out, path, text, err);
    free(text);
    return rc;
}

int zl_config_find(const char *start_dir, char **path_out, zl_error *err)
{
    *path_out = NULL;
    char *dir = start_dir ? realpath(start_dir, NULL) : getcwd(NULL, 0);
    if (dir == NULL)
        return zl_error_set(err, ZL_E_IO, "cannot find the current folder: %s", strerror(errno));
    for (;;) {
        char *cand = zl_asprintf("%s%s" CONFIG_NAME, dir, strcmp(dir, "/") == 0 ? "" : "/");
        if (cand == NULL) {
            free(dir);
            return zl_error_set(err, ZL_E_NOMEM, "out of memory");
        }
        struct stat st;
        if (stat(cand, &st) == 0 && S_ISREG(st.st_mode)) {
            free(dir);
            *path_out = cand;
            return ZL_OK;
        }
        free(cand);
        char *slash = strrchr(dir, '/');
        if (slash == NULL || strcmp(dir, "/") == 0)
            break;
        if (slash == dir)
            slash[1] = '\0';
        else
            *slash = '\0';
    }
    free(dir);
    return ZL_OK;
}

const char *zl_config_path(const zl_config *cfg)
{
    return cfg->path;
}

const char *zl_config_dir(const zl_config *cfg)
{
    return cfg->dir;
}

/* The archive's path relative to the config file's folder (lexically:
 * "." and ".." folded, symlinks not followed), or NULL when it is not
 * below it. */
static char *relative_to_config(const zl_config *cfg, const char *archive)
{
    char cwd[PATH_MAX];
    char *abs = NULL, *rel = NULL;
    if (archive[0] == '/')
        abs = zl_strdup(archive);
    else if (getcwd(cwd, sizeof cwd) != NULL)
        abs = zl_asprintf("%s/%s", cwd, archive);
    if (abs == NULL)
        return NULL;
    /* Fold the components in place. */
    char *o = abs;
    for (const char *p = abs; *p;) {
        while (*p == '/')
            p++;
        const char *c = p;
        while (*p && *p != '/')
            p++;
        size_t n = (size_t)(p - c);
        if (n == 0 || (n == 1 && c[0] == '.'))
            continue;
        if (n == 2 && c[0] == '.' && c[1] == '.') {
            while (o > abs && o[-1] != '/')
                o--;
            if (o > abs)
                o--;
            continue;
        }
        *o++ = '/';
        memmove(o, c, n);
        o += n;
    }
    *o = '\0';
    size_t dl = strlen(cfg->dir);
    if (strcmp(cfg->dir, "/") == 0)
        rel = zl_strdup(abs + 1);
    else if (strncmp(abs, cfg->dir, dl) == 0 && abs[dl] == '/')
        rel = zl_strdup(abs + dl + 1);
    free(abs);
    return rel;
}

const char *zl_config_get(const zl_config *cfg, const char *archive_path, const char *key,
                          unsigned *line)
{
    int k;
    if (cfg == NULL)
        return NULL;
    for (k = 0; k < N_KEYS; k++)
        if (strcmp(key, keys[k].name) == 0)
            break;
    if (k == N_KEYS)
        return NULL;
    const keyval *found = &cfg->sections[0].kv[k];
    if (archive_path != NULL && cfg->n_sections > 1 && strcmp(archive_path, "-") != 0) {
        char *rel = relative_to_config(cfg, archive_path);
        for (size_t s = 1; rel != NULL && s < cfg->n_sections; s++)
            if (cfg->sections[s].kv[k].n > 0 &&
                fnmatch(cfg->sections[s].glob, rel, FNM_PATHNAME) == 0)
                found = &cfg->sections[s].kv[k];
        free(rel);
    }
    if (found->n == 0)
        return NULL;
    if (line != NULL)
        *line = found->items[found->n - 1].line;
    return found->joined;
}

/* 1 when code matches an item of the comma-separated list (a code or a
 * prefix of one, case-insensitive; ALL matches every code). */
static int codes_match(const char *list, const char *code)
{
    const char *p = list;
    size_t cl = strlen(code);
    while (p != NULL && *p) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if ((n > 0 && n <= cl && strncasecmp(p, code, n) == 0) ||
            (n == 3 && strncasecmp(p, "ALL", 3) == 0))
            return 1;
        p = end ? end + 1 : NULL;
    }
    return 0;
}

int zl_config_check_selection(const zl_config *cfg, const zl_ruleset *rs, zl_error *err)
{
    zl_error e;
    for (size_t s = 0; s < cfg->n_sections; s++) {
        for (int k = K_SELECT; k <= K_IGNORE; k++) {
            const keyval *kv = &cfg->sections[s].kv[k];
            for (size_t i = 0; i < kv->n; i++)
                if (zl_ruleset_check_selection(rs, kv->items[i].text, &e) != ZL_OK)
                    return zl_error_set(err, ZL_E_INVAL, "%s:%u: %s", cfg->path,
                                        kv->items[i].line, e.message);
        }
    }
    for (size_t i = 0; i < cfg->n_ignores; i++)
        if (zl_ruleset_check_selection(rs, cfg->ignores[i].codes, &e) != ZL_OK)
            return zl_error_set(err, ZL_E_INVAL, "%s:%u: %s", cfg->path, cfg->ignores[i].line,
                                e.message);
    return ZL_OK;
}

size_t zl_config_hook_path_count(const zl_config *cfg)
{
    return cfg ? cfg->n_hook_paths : 0;
}

const char *zl_config_hook_path(const zl_config *cfg, size_t i)
{
    return cfg && i < cfg->n_hook_paths ? cfg->hook_paths[i] : NULL;
}

/* ---- [per-path-ignores] ---- */

typedef struct name_index {
    uintptr_t name; /* the entry's name pointer, as findings hold it */
    size_t index;
} name_index;

static int cmp_name_index(const void *a, const void *b)
{
    uintptr_t x = ((const name_index *)a)->name, y = ((const name_index *)b)->name;
    return x < y ? -1 : x > y;
}

static long entry_of(const name_index *map, size_t n, const char *name)
{
    name_index key = {(uintptr_t)name, 0};
    const name_index *hit = bsearch(&key, map, n, sizeof *map, cmp_name_index);
    return hit ? (long)hit->index : -1;
}

static int entry_ignored(const zl_config *cfg, const char *code, const char *path)
{
    for (size_t i = 0; i < cfg->n_ignores; i++)
        if (codes_match(cfg->ignores[i].codes, code) &&
            fnmatch(cfg->ignores[i].pattern, path, 0) == 0)
            return 1;
    return 0;
}

/* Drops the ignored entries of one finding; returns how many went. */
static size_t filter_finding(zl_finding *f, const zl_archive *ar, const zl_config *cfg,
                             const name_index *map, bool *gone)
{
    size_t kept = 0, dropped = 0;
    uint64_t sum = 0, dropped_bytes = 0;
    for (size_t i = 0; i < f->n_entries; i++) {
        long idx = entry_of(map, ar->n_entries, f->entries[i].name);
        uint64_t size = idx >= 0 ? ar->entries[idx].size : 0;
        sum += size;
        if (idx >= 0 && entry_ignored(cfg, f->rule->code, ar->entries[idx].path)) {
            gone[idx] = true;
            dropped++;
            dropped_bytes += size;
            free((char *)f->entries[i].detail);
            continue;
        }
        f->entries[kept++] = f->entries[i];
    }
    if (dropped == 0)
        return 0;
    f->n_entries = kept;
    /* bytes that were the sum of the entries' sizes follow them. */
    if (f->bytes == sum)
        f->bytes -= dropped_bytes;
    /* The edits of dropped entries go too, except renames: a partial
     * re-root would tear the layout apart. */
    size_t ke = 0;
    for (size_t i = 0; i < f->n_edits; i++) {
        zl_edit *ed = &f->edits[i];
        if (ed->entry < ar->n_entries && gone[ed->entry] && ed->kind != ZL_EDIT_RENAME &&
            ed->kind != ZL_EDIT_BACKSLASH) {
            free(ed->data);
            continue;
        }
        f->edits[ke++] = *ed;
    }
    f->n_edits = ke;
    return dropped;
}

int zl_result_apply_ignores(zl_result *res, const zl_archive *ar, const zl_config *cfg,
                            zl_error *err)
{
    if (res == NULL || ar == NULL || cfg == NULL || cfg->n_ignores == 0 || res->n == 0)
        return ZL_OK;
    int rc = ZL_OK;
    name_index *map = malloc((ar->n_entries ? ar->n_entries : 1) * sizeof *map);
    bool *gone = calloc(ar->n_entries ? ar->n_entries : 1, sizeof *gone);
    /* The findings whose every entry is ignored, freed as engine.c frees a
     * result's. */
    zl_result *emptied = calloc(1, sizeof *emptied);
    if (emptied != NULL)
        emptied->findings = malloc(res->n * sizeof *emptied->findings);
    if (map == NULL || gone == NULL || emptied == NULL || emptied->findings == NULL) {
        rc = zl_error_set(err, ZL_E_NOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < ar->n_entries; i++)
        map[i] = (name_index){(uintptr_t)ar->entries[i].name, i};
    qsort(map, ar->n_entries, sizeof *map, cmp_name_index);

    size_t kept = 0;
    for (size_t i = 0; i < res->n; i++) {
        zl_finding *f = res->findings[i];
        bool fixing = res->opt != NULL && res->opt->fixing;
        if (f->n_entries == 0 || (fixing && strncmp(f->rule->code, "ZL6", 3) == 0)) {
            res->findings[kept++] = f;
            continue;
        }
        size_t dropped = filter_finding(f, ar, cfg, map, gone);
        memset(gone, 0, ar->n_entries * sizeof *gone);
        if (dropped > 0 && f->n_entries == 0) {
            emptied->findings[emptied->n++] = f;
            continue;
        }
        if (dropped > 0) {
            char *m = zl_asprintf("%s (%zu %s ignored by per-path-ignores)",
                                  f->message ? f->message : f->rule->summary, dropped,
                                  dropped == 1 ? "entry" : "entries");
            if (m == NULL) {
                res->findings[kept++] = f;
                rc = zl_error_set(err, ZL_E_NOMEM, "out of memory");
                for (size_t j = i + 1; j < res->n; j++)
                    res->findings[kept++] = res->findings[j];
                break;
            }
            free(f->message);
            f->message = m;
            int safe = 0, unsafe = 0;
            for (size_t e = 0; e < f->n_edits; e++) {
                if (f->edits[e].safe)
                    safe = 1;
                else
                    unsafe = 1;
            }
            f->fix_available = safe || (unsafe && res->opt != NULL && res->opt->unsafe_fixes);
        }
        res->findings[kept++] = f;
    }
    res->n = kept;
out:
    free(map);
    free(gone);
    zl_result_free(emptied);
    return rc;
}
