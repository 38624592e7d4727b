/* layout.c - ZL1xx: where the code sits in the archive. A function's
 * handler must be importable from the zip root (/var/task); a layer's code
 * must sit under python/ (/opt/python). All checks read e->path, the name
 * with '\' turned into '/', so a Compress-Archive zip is understood too. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "../zl_internal.h"

/* ---- helpers ---- */

static int has_suffix(const char *s, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);
    return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

static int has_prefix(const char *s, size_t len, const char *prefix, size_t n)
{
    return len >= n && memcmp(s, prefix, n) == 0;
}

/* The folders a layer keeps at its root (python/ is read by the Python
 * runtime; bin/, lib/ and extensions/ by PATH, LD_LIBRARY_PATH and the
 * extensions API). comp is "name/" or a bare name. */
static int is_layer_folder(const char *comp, size_t len)
{
    static const char *const dirs[] = {"python/", "bin/", "lib/", "extensions/"};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
        if (len == strlen(dirs[i]) && memcmp(comp, dirs[i], len) == 0)
            return 1;
    return 0;
}

/* Length of the first component of p[0..len), including its '/', or len
 * when there is no '/'. */
static size_t first_component(const char *p, size_t len)
{
    const char *slash = memchr(p, '/', len);
    return slash ? (size_t)(slash - p) + 1 : len;
}

/* The module part of a handler "a.b.fn" as a path "a/b" (malloc'd): '.'
 * separates packages and '/' in the module part is read as '.'. A handler
 * without a '.' is taken whole as the module. NULL on ENOMEM. */
static char *handler_module_path(const char *handler, size_t *len)
{
    const char *dot = strrchr(handler, '.');
    size_t n = dot ? (size_t)(dot - handler) : strlen(handler);
    char *p = zl_strndup(handler, n);
    if (p == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (p[i] == '.')
            p[i] = '/';
    *len = n;
    return p;
}

/* 1 when the module at root+mod exists as mod.py, mod/__init__.py, an
 * extension mod.so / mod.<tag>.so, or a sourceless mod.pyc (what the
 * import system would load), 0 when not, negative on ENOMEM. */
static int module_found(const zl_archive *ar, const char *root, size_t root_len, const char *mod,
                        size_t mod_len)
{
    static const char *const suffixes[] = {".py", "/__init__.py", ".so", ".pyc", "/__init__.pyc"};
    int found = 0;
    if (mod_len == 0)
        return 0;
    size_t base = root_len + mod_len;
    char *buf = malloc(base + 16);
    if (buf == NULL)
        return ZL_E_NOMEM;
    memcpy(buf, root, root_len);
    memcpy(buf + root_len, mod, mod_len);
    for (size_t i = 0; !found && i < sizeof suffixes / sizeof suffixes[0]; i++) {
        size_t sl = strlen(suffixes[i]);
        memcpy(buf + base, suffixes[i], sl);
        long k = zl_archive_find(ar, buf, base + sl);
        found = k >= 0 && ar->entries[k].type != ZL_TYPE_DIR;
    }
    /* An extension with a tag: mod.cpython-312-x86_64-linux-gnu.so, mod.abi3.so. */
    buf[base] = '.';
    for (size_t i = 0; !found && i < ar->n_entries; i++) {
        const zl_entry *e = &ar->entries[i];
        if (e->type == ZL_TYPE_DIR || !has_prefix(e->path, e->name_len, buf, base + 1) ||
            !has_suffix(e->path, e->name_len, ".so"))
            continue;
        found = memchr(e->path + base + 1, '/', e->name_len - base - 1) == NULL;
    }
    free(buf);
    return found;
}

/* ---- ZL101 nested-top-level ---- */

/* What a wrapper folder D/ directly holds that says "this was meant to be
 * the root". */
typedef struct wrapper_facts {
    long evidence;       /* the entry that shows it (lambda_function.py, bootstrap, a dist-info) */
    int has_init;        /* D/__init__.py: D is a package, not a wrapper */
    long first_py;       /* a .py file directly in D */
} wrapper_facts;

static void wrapper_scan(const zl_ctx *ctx, wrapper_facts *w)
{
    const zl_archive *ar = ctx->ar;
    size_t wl = ctx->wrapper_len;
    w->evidence = -1;
    w->has_init = 0;
    w->first_py = -1;
    for (size_t i = 0; i < ar->n_entries; i++) {
        const zl_entry *e = &ar->entries[i];
        if (!has_prefix(e->path, e->name_len, ctx->wrapper, wl) || e->name_len == wl)
            continue;
        const char *rel = e->path + wl;
        size_t rl = e->name_len - wl;
        size_t cl = first_component(rel, rl);
        if (cl < rl || rel[cl - 1] == '/') {
            /* a folder directly in D */
            if (w->evidence < 0 && (has_suffix(rel, cl, ".dist-info/") ||
                                    has_suffix(rel, cl, ".egg-info/")))
                w->evidence = (long)i;
            continue;
        }
        if (e->type == ZL_TYPE_DIR)
            continue;
        if (rl == 11 && memcmp(rel, "__init__.py", 11) == 0)
            w->has_init = 1;
        else if (w->evidence < 0 && ((rl == 18 && memcmp(rel, "lambda_function.py", 18) == 0) ||
                                     (rl == 9 && memcmp(rel, "bootstrap", 9) == 0)))
            w->evidence = (long)i;
        else if (w->first_py < 0 && has_suffix(rel, rl, ".py"))
            w->first_py = (long)i;
    }
}

/* Lists every entry under the wrapper and, when with_fix, the edits that
 * move them to the root (the wrapper's own directory entry is deleted). */
static int reroot(zl_ctx *ctx, zl_finding *f, zl_severity sev, bool with_fix, bool safe)
{
    const zl_archive *ar = ctx->ar;
    size_t wl = ctx->wrapper_len;
    int rc = ZL_OK;
    for (size_t i = 0; i < ar->n_entries && rc == ZL_OK; i++) {
        const zl_entry *e = &ar->entries[i];
        if (!has_prefix(e->path, e->name_len, ctx->wrapper, wl))
            continue;
        if (e->name_len == wl)
            rc = zl_finding_add_entry(ctx, f, e, sev, "the wrapper folder");
        else
            rc = zl_finding_add_entry(ctx, f, e, sev, "at the root: %s", e->path + wl);
        if (rc != ZL_OK || !with_fix)
            continue;
        zl_edit ed = {.kind = e->name_len == wl ? ZL_EDIT_DELETE : ZL_EDIT_RENAME,
                      .entry = i,
                      .safe = safe,
                      .strip = e->name_len == wl ? 0 : wl,
                      .prefix = ""};
        rc = zl_finding_add_edit(ctx, f, &ed);
    }
    return rc;
}

static int check_nested(zl_ctx *ctx, const zl_rule *rule)
{
    const zl_archive *ar = ctx->ar;
    const char *w = ctx->wrapper;
    size_t wl = ctx->wrapper_len;
    char *mod = NULL;
    size_t mod_len = 0;
    int rc = ZL_OK;
    zl_finding *f = NULL;

    if (ctx->opt->profile != ZL_PROFILE_FUNCTION || w == NULL)
        return ZL_OK;
    int dn = (int)(wl - 1); /* D without its slash, for messages */
    if (ctx->opt->handler != NULL) {
        if ((mod = handler_module_path(ctx->opt->handler, &mod_len)) == NULL)
            return zl_error_set(ctx->err, ZL_E_NOMEM, "out of memory");
        int at_root = module_found(ar, "", 0, mod, mod_len);
        if (at_root < 0) {
            rc = zl_error_set(ctx->err, ZL_E_NOMEM, "out of memory");
            goto out;
        }
        if (at_root)
            goto out;
    }
    wrapper_facts facts;
    wrapper_scan(ctx, &facts);
    if (ctx->opt->handler == NULL && facts.has_init)
        goto out; /* one package at the root: not a wrapper */

    if (is_layer_folder(w, wl)) {
        if ((f = zl_finding_get(ctx, rule)) == NULL) {
            rc = zl_error_set(ctx->err, ZL_E_NOMEM, "out of memory");
            goto out;
        }
        if ((rc = reroot(ctx, f, ZL_SEV_INFO, false, false)) != ZL_OK)
            goto out;
        rc = zl_finding_set_message(
            ctx, f,
            "Everything in this zip is inside '%.*s/': this looks like a layer, not a function. "
            "If it is a layer, use --profile layer; a function's code belongs at the root.",
            dn, w);
        goto out;
    }

    if (ctx->opt->handler != NULL) {
        int under = module_found(ar, w, wl, mod, mod_len);
        if (under < 0) {
            rc = zl_error_set(ctx->err, ZL_E_NOMEM, "out of memory");
            goto out;
        }
        if (!under)
            goto out; /* found nowhere: ZL103's finding */
        if ((f = zl_finding_get(ctx, rule)) == NULL) {
            rc = zl_error_set(ctx->err, ZL_E_NOMEM, "out of memory");
            goto out;
        }
        if ((rc = reroot(ctx, f, ZL_SEV_ERROR, true, true)) != ZL_OK)
            goto out;
        rc = zl_finding_set_message(
            ctx, f,
            "The handler's module '%.*s' is inside the folder '%.*s/' instead of at the root of "
            "the zip, so Lambda fails with \"Unable to import module '%.*s'\". Zip the folder's "
            "contents, not the folder itself.",
            (int)mod_len, ctx->opt->handler, dn, w, (int)mod_len, ctx->opt->handler);
    } else if (facts.evidence >= 0) {
        if ((f = zl_finding_get(ctx, rule)) == NULL) {
            rc = zl_error_set(ctx->err, ZL_E_NOMEM, "out of memory");
            goto out;
        }
        if ((rc = reroot(ctx, f, ZL_SEV_ERROR, true, true)) != ZL_OK)
            goto out;
        const zl_entry *ev = &ar->entries[facts.evidence];
        size_t el = first_component(ev->path + wl, ev->name_len - wl);
        rc = zl_finding_set_message(
            ctx, f,
            "Everything in this zip is inside the folder '%.*s/' (it holds %.*s), so Lambda "
            "finds nothing at the root and fails with \"Unable to import module "
            "'lambda_function'\". Zip the folder's contents, not the folder itself.",
            dn, w, (int)el, ev->path + wl);
    } else if (facts.first_py >= 0) {
        if ((f = zl_finding_get(ctx, rule)) == NULL) {
            rc = zl_error_set(ctx->err, ZL_E_NOMEM, "out of memory");
            goto out;
        }
        if ((rc = reroot(ctx, f, ZL_SEV_WARNING, true, false)) != ZL_OK)
            goto out;
        const zl_entry *py = &ar->entries[facts.first_py];
        int pl = (int)(py->name_len - wl - 3); /* module name without ".py" */
        rc = zl_finding_set_message(
            ctx, f,
            "Everything in this zip is inside the folder '%.*s/', which is not a Python package. "
            "That works only if the handler names the folder ('%.*s/%.*s.handler'); with "
            "'%.*s.handler' Lambda fails with \"Unable to import module '%.*s'\". Give --handler "
            "so ziplint can tell.",
            dn, w, dn, w, pl, py->path + wl, pl, py->path + wl, pl, py->path + wl);
    }
    if (rc == ZL_OK && f != NULL && f->n_edits > 0)
        rc = zl_finding_set_fix(ctx, f, f->severity == ZL_SEV_ERROR,
                                "move every entry out of '%.*s/' to the root of the zip", dn, w);
out:
    free(mod);
    return rc;
}

/* ---- ZL102 layer-layout ---- */

static int is_python_code(const char *p, size_t len)
{
    if (has_suffix(p, len, ".py") || has_suffix(p, len, ".pyc") || has_suffix(p, len, ".so"))
        return 1;
    /* anything in a *.dist-info/ or *.egg-info/ folder */
    for (size_t i = 0; i < len; i++)
        if (p[i] == '/' && (has_suffix(p, i + 1, ".dist-info/") || has_suffix(p, i + 1, ".egg-info/")))
            return 1;
    return 0;
}

/* Parses "python/lib/pythonX.Y/" at the start of p; 1 with *minor (and
 * *major) set, else 0. */
static int layer_version(const char *p, size_t len, int *major, int *minor)
{
    static const char head[] = "python/lib/python";
    size_t i = sizeof head - 1;
    if (!has_prefix(p, len, head, i))
        return 0;
    int x = 0, y = 0, dx = 0, dy = 0;
    for (; i < len && p[i] >= '0' && p[i] <= '9' && dx < 3; i++, dx++)
        x = x * 10 + (p[i] - '0');
    if (dx == 0 || i >= len || p[i] != '.')
        return 0;
    for (i++; i < len && p[i] >= '0' && p[i] <= '9' && dy < 3; i++, dy++)
        y = y * 10 + (p[i] - '0');
    if (dy == 0 || i >= len || p[i] != '/')
        return 0;
    *major = x;
    *minor = y;
    return 1;
}

static int check_layer(zl_ctx *ctx, const zl_rule *rule)
{
    const zl_archive *ar = ctx->ar;
    const int want = ctx->opt->runtime_minor;
    int rc = ZL_OK;
    zl_finding *f = NULL;
    if (ctx->opt->profile != ZL_PROFILE_LAYER)
        return ZL_OK;
    /* A wrapper (not itself a layer folder) is dropped before judging
     * versions and by the fix. */
    size_t wl = ctx->wrapper != NULL && !is_layer_folder(ctx->wrapper, ctx->wrapper_len)
                    ? ctx->wrapper_len
                    : 0;

    size_t misplaced = 0, n_wrong = 0;
    int has_right = 0;
    long first_bad = -1;
    for (size_t i = 0; i < ar->n_entries; i++) {
        const zl_entry *e = &ar->entries[i];
        int maj, min;
        if (e->type != ZL_TYPE_DIR && is_python_code(e->path, e->name_len) &&
            !zl_entry_is_junk(ctx, e) &&
            !is_layer_folder(e->path, first_component(e->path, e->name_len))) {
            misplaced++;
            if (first_bad < 0)
                first_bad = (long)i;
        }
        if (want > 0 && e->name_len >= wl &&
            layer_version(e->path + wl, e->name_len - wl, &maj, &min)) {
            if (maj == 3 && min == want)
                has_right = 1;
            else
                n_wrong++;
        }
    }
    /* Folders for several versions are how one layer serves several
     * runtimes: only a layer with none for this runtime fails. */
    if (has_right)
        n_wrong = 0;
    if (misplaced == 0 && n_wrong == 0)
        return ZL_OK;
    if ((f = zl_finding_get(ctx, rule)) == NULL)
        return zl_error_set(ctx->err, ZL_E_NOMEM, "out of memory");

    for (size_t i = 0; i < ar->n_entries && rc == ZL_OK; i++) {
        const zl_entry *e = &ar->entries[i];
        int maj, min;
        if (misplaced > 0 && e->type != ZL_TYPE_DIR && is_python_code(e->path, e->name_len) &&
            !zl_entry_is_junk(ctx, e) &&
            !is_layer_folder(e->path, first_component(e->path, e->name_len)))
            rc = zl_finding_add_entry(ctx, f, e, ZL_SEV_ERROR, "not under python/");
        else if (n_wrong > 0 && e->name_len >= wl &&
                 layer_version(e->path + wl, e->name_len - wl, &maj, &min))
            rc = zl_finding_add_entry(ctx, f, e, ZL_SEV_ERROR,
                                      "for python%d.%d; the runtime is python3.%d", maj, min,
                                      want);
    }

    /* The fix: drop the wrapper, then put everything that is not in a
     * layer folder under python/. */
    for (size_t i = 0; misplaced > 0 && i < ar->n_entries && rc == ZL_OK; i++) {
        const zl_entry *e = &ar->entries[i];
        zl_edit ed = {.kind = ZL_EDIT_RENAME, .entry = i, .safe = true, .prefix = ""};
        if (wl > 0 && has_prefix(e->path, e->name_len, ctx->wrapper, wl)) {
            if (e->name_len == wl) {
                ed.kind = ZL_EDIT_DELETE;
                rc = zl_finding_add_edit(ctx, f, &ed);
                continue;
            }
            ed.strip = wl;
        } else if (zl_entry_is_junk(ctx, e)) {
            continue; /* ZL403 deletes it */
        }
        const char *rel = e->path + ed.strip;
        size_t rl = e->name_len - ed.strip;
        if (!is_layer_folder(rel, first_component(rel, rl)))
            ed.prefix = "python/";
        if (ed.strip == 0 && ed.prefix[0] == '\0')
            continue;
        rc = zl_finding_add_edit(ctx, f, &ed);
    }
    if (rc != ZL_OK)
        return rc;

    char *what = NULL;
    if (misplaced > 0) {
        const zl_entry *b = &ar->entries[first_bad];
        what = zl_asprintf("%zu Python file%s of this layer %s outside python/ (for example "
                           "'%s'). Lambda extracts a layer to /opt and puts only /opt/python on "
                           "sys.path, so functions using it fail with \"No module named ...\".",
                           misplaced, misplaced == 1 ? "" : "s", misplaced == 1 ? "is" : "are",
                           b->path);
    } else {
        what = zl_strdup("");
    }
    if (what == NULL)
        return zl_error_set(ctx->err, ZL_E_NOMEM, "out of memory");
    if (n_wrong > 0)
        rc = zl_finding_set_message(ctx, f,
                                    "%s%sThe layer's python/lib/pythonX.Y/ folder is for another "
                                    "Python than python3.%d, which never reads it: rebuild the "
                                    "layer for python3.%d.",
                                    what, what[0] ? " " : "", want, want);
    else
        rc = zl_finding_set_message(ctx, f, "%s", what);
    free(what);
    if (rc != ZL_OK || f->n_edits == 0)
        return rc;
    if (wl > 0)
        return zl_finding_set_fix(ctx, f, true,
                                  "drop the folder '%.*s' and move the code under python/",
                                  (int)wl, ctx->wrapper);
    return zl_finding_set_fix(ctx, f, true, "move the code under python/");
}

/* ---- ZL103 handler-missing ---- */

static int check_handler(zl_ctx *ctx, const zl_rule *rule)
{
    const zl_archive *ar = ctx->ar;
    const char *h = ctx->opt->handler;
    int rc = ZL_OK;
    size_t mod_len = 0;
    char *mod = NULL;
    if (h == NULL || ctx->opt->profile != ZL_PROFILE_FUNCTION)
        return ZL_OK;
    if ((mod = handler_module_path(h, &mod_len)) == NULL)
        return zl_error_set(ctx->err, ZL_E_NOMEM, "out of memory");
    int found = module_found(ar, "", 0, mod, mod_len);
    /* ZL101's fix (dropping the wrapper) would bring it to the root. */
    if (found == 0 && ctx->wrapper != NULL && !is_layer_folder(ctx->wrapper, ctx->wrapper_len))
        found = module_found(ar, ctx->wrapper, ctx->wrapper_len, mod, mod_len);
    if (found < 0) {
        rc = zl_error_set(ctx->err, ZL_E_NOMEM, "out of memory");
        goto out;
    }
    if (found)
        goto out;
    zl_finding *f = zl_finding_get(ctx, rule);
    if (f == NULL) {
        rc = zl_error_set(ctx->err, ZL_E_NOMEM, "out of memory");
        goto out;
    }
    zl_finding_raise(f, ZL_SEV_ERROR);
    int ml = (int)mod_len;
    rc = zl_finding_set_message(
        ctx, f,
        "The handler '%s' needs the module '%.*s', but the zip has none of %.*s.py, "
        "%.*s/__init__.py, %.*s.*.so or %.*s.pyc at its root, so Lambda fails with \"Unable to "
        "import module '%.*s'\". Check the handler setting and what the zip holds.",
        h, ml, h, ml, mod, ml, mod, ml, mod, ml, mod, ml, h);
out:
    free(mod);
    return rc;
}

/* ---- ZL104 empty-archive ---- */

static int check_empty(zl_ctx *ctx, const zl_rule *rule)
{
    const zl_archive *ar = ctx->ar;
    int rc = ZL_OK;
    for (size_t i = 0; i < ar->n_entries; i++)
        if (ar->entries[i].type == ZL_TYPE_FILE)
            return ZL_OK;
    zl_finding *f = zl_finding_get(ctx, rule);
    if (f == NULL)
        return zl_error_set(ctx->err, ZL_E_NOMEM, "out of memory");
    zl_finding_raise(f, ZL_SEV_ERROR);
    for (size_t i = 0; i < ar->n_entries && rc == ZL_OK; i++)
        rc = zl_finding_add_entry(ctx, f, &ar->entries[i], ZL_SEV_ERROR,
                                  ar->entries[i].type == ZL_TYPE_DIR ? "a folder" : "not a file");
    if (rc != ZL_OK)
        return rc;
    if (ar->n_entries == 0)
        return zl_finding_set_message(ctx, f,
                                      "The zip is empty: Lambda refuses it with \"Uploaded file "
                                      "must be a non-empty zip\". Check the build step that "
                                      "makes it.");
    return zl_finding_set_message(ctx, f,
                                  "The zip holds %zu entr%s but no file: Lambda refuses it with "
                                  "\"Uploaded file must be a non-empty zip\". Check the build "
                                  "step that makes it.",
                                  ar->n_entries, ar->n_entries == 1 ? "y" : "ies");
}

/* ---- ZL105 backslash-path ---- */

static int check_backslash(zl_ctx *ctx, const zl_rule *rule)
{
    const zl_archive *ar = ctx->ar;
    zl_finding *f = NULL;
    int rc = ZL_OK;
    for (size_t i = 0; i < ar->n_entries && rc == ZL_OK; i++) {
        const zl_entry *e = &ar->entries[i];
        if (memchr(e->name, '\\', e->name_len) == NULL)
            continue;
        if (f == NULL && (f = zl_finding_get(ctx, rule)) == NULL)
            return zl_error_set(ctx->err, ZL_E_NOMEM, "out of memory");
        rc = zl_finding_add_entry(ctx, f, e, ZL_SEV_ERROR, "becomes %s", e->path);
        zl_edit ed = {.kind = ZL_EDIT_BACKSLASH, .entry = i, .safe = true};
        if (rc == ZL_OK)
            rc = zl_finding_add_edit(ctx, f, &ed);
    }
    if (rc != ZL_OK || f == NULL)
        return rc;
    rc = zl_finding_set_message(
        ctx, f,
        "%zu name%s use '\\' as the folder separator (for example '%s'), as old Windows "
        "PowerShell Compress-Archive writes them. On Lambda they extract as single files named "
        "like '%s', so imports fail.",
        f->n_entries, f->n_entries == 1 ? "" : "s", f->entries[0].name, f->entries[0].name);
    if (rc == ZL_OK)
        rc = zl_finding_set_fix(ctx, f, true, "turn every '\\' in the names into '/'");
    return rc;
}

/* ---- the table ---- */

const zl_rule_def zl_rules_layout[] = {
    {"ZL101", "nested-top-level", ZL_SEV_ERROR, ZL_FIX_SAFE, 1, 0,
     "the package is inside a wrapper folder instead of at the zip root",
     "Checks (profile function) whether every entry lies under one folder D/ that was\n"
     "meant to be the root: `zip -r pkg.zip folder` instead of zipping the folder's\n"
     "contents. With --handler it fires when the handler module is found under D/ but\n"
     "not at the root; without one, when D/ is not a package (no __init__.py) and holds\n"
     "lambda_function.py, bootstrap or a *.dist-info/*.egg-info folder (error), or only\n"
     "other .py files (warning: it may be a namespace-package handler such as\n"
     "functions/users.handler; give --handler to decide). A wrapper named python/, bin/,\n"
     "lib/ or extensions/ looks like a layer: info, use --profile layer.\n"
     "Why: Lambda extracts the zip to /var/task and imports the handler from there.\n"
     "Fix by hand: cd into the folder and zip its contents (`cd folder && zip -r\n"
     "../pkg.zip .`). `ziplint fix` moves every entry out of D/.",
     "Unable to import module 'lambda_function': No module named 'lambda_function'",
     check_nested},
    {"ZL102", "layer-layout", ZL_SEV_ERROR, ZL_FIX_SAFE, 1, 0,
     "a layer's Python code is not under python/",
     "Checks (profile layer) that Python code (.py, .pyc, extension modules, *.dist-info)\n"
     "sits under python/ or python/lib/pythonX.Y/site-packages/; bin/, lib/ and\n"
     "extensions/ at the layer root are left alone. With --runtime, also that a\n"
     "python/lib/pythonX.Y/ folder exists for that runtime's version.\n"
     "Why: Lambda extracts layers to /opt and puts only /opt/python (and the\n"
     "site-packages folder of the runtime's own version) on sys.path; code anywhere else\n"
     "is extracted but never importable.\n"
     "Fix by hand: `pip install -t python/ ...` and zip the python/ folder itself.\n"
     "`ziplint fix` drops a wrapper folder and moves the rest under python/.",
     "No module named ...", check_layer},
    {"ZL103", "handler-missing", ZL_SEV_ERROR, ZL_FIX_NONE, 1, 0,
     "the handler's module is not in the package",
     "Checks, when --handler MODULE.FUNC is given, that the module is importable from\n"
     "the zip root: MODULE.py, MODULE/__init__.py, an extension MODULE.*.so or a\n"
     "sourceless MODULE.pyc ('.' in the module name is a folder; '/' is read as '.').\n"
     "A module that ZL101's fix would bring to the root counts as found.\n"
     "Why: Lambda runs `import MODULE` from /var/task; a missing module fails every\n"
     "invocation.\n"
     "Fix by hand: correct the handler setting, or add the module to the zip.",
     "Runtime.ImportModuleError: Unable to import module 'handler': No module named 'handler'",
     check_handler},
    {"ZL104", "empty-archive", ZL_SEV_ERROR, ZL_FIX_NONE, 1, 0, "the archive has no file entries",
     "Checks that the zip holds at least one file (folders alone do not count).\n"
     "Why: Lambda refuses an upload with nothing in it.\n"
     "Fix by hand: check the build step; usually the folder zipped was empty or the\n"
     "glob matched nothing.",
     "Uploaded file must be a non-empty zip", check_empty},
    {"ZL105", "backslash-path", ZL_SEV_ERROR, ZL_FIX_SAFE, 1, 0,
     "an entry name uses '\\' as the folder separator",
     "Checks for '\\' in entry names, which old Windows PowerShell Compress-Archive\n"
     "writes instead of '/'.\n"
     "Why: Lambda extracts such a name as one file literally named 'pkg\\mod.py', so the\n"
     "package folder does not exist and imports fail.\n"
     "Fix by hand: zip with a tool that writes '/' (PowerShell 7's Compress-Archive,\n"
     "7-Zip, Python's zipfile). `ziplint fix` turns every '\\' into '/'.",
     "Runtime.ImportModuleError: Unable to import module 'handler': No module named 'handler'",
     check_backslash},
    {NULL, NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL},
};
