/* du.c - where the unzipped bytes go: the entry table folded into a tree
 * of folders and files with the bytes under each, children largest first.
 * One pass over the entries; each path component is found through a hash
 * table keyed by (parent, name), so a folder of many thousand files costs
 * no more than a deep one. Nothing is read but the entry table. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "zl_internal.h"

typedef struct dnode {
    zl_du_node pub;
    size_t parent;     /* index; the root is 0 and its own parent */
    const char *comp;  /* the component's bytes in the entry's path (while building) */
    size_t comp_len;
} dnode;

struct zl_du {
    dnode *nodes;
    size_t n, cap;
    size_t *slots; /* node index + 1; 0 = empty */
    size_t n_slots;
    zl_du_node **child_arena; /* every node's children, one block */
};

static uint64_t hash_key(size_t parent, const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL ^ (uint64_t)parent;
    h *= 1099511628211ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

static int grow_slots(zl_du *du)
{
    size_t n = du->n_slots ? du->n_slots * 2 : 1024;
    size_t *slots = calloc(n, sizeof *slots);
    if (slots == NULL)
        return ZL_E_NOMEM;
    for (size_t i = 1; i < du->n; i++) {
        const dnode *d = &du->nodes[i];
        size_t h = (size_t)hash_key(d->parent, d->comp, d->comp_len) & (n - 1);
        while (slots[h] != 0)
            h = (h + 1) & (n - 1);
        slots[h] = i + 1;
    }
    free(du->slots);
    du->slots = slots;
    du->n_slots = n;
    return ZL_OK;
}

/* The child of parent named s[0..n), created when new; SIZE_MAX on ENOMEM. */
static size_t child(zl_du *du, size_t parent, const char *s, size_t n, int is_dir)
{
    if ((du->n + 1) * 2 > du->n_slots && grow_slots(du) != ZL_OK)
        return SIZE_MAX;
    size_t h = (size_t)hash_key(parent, s, n) & (du->n_slots - 1);
    while (du->slots[h] != 0) {
        dnode *d = &du->nodes[du->slots[h] - 1];
        if (d->parent == parent && d->comp_len == n && memcmp(d->comp, s, n) == 0) {
            if (is_dir && !d->pub.is_dir) {
                /* "a" as a file and "a/b" too: it is a folder after all. */
                char *p = zl_asprintf("%s/", d->pub.path);
                if (p == NULL)
                    return SIZE_MAX;
                free((char *)d->pub.path);
                d->pub.path = p;
                d->pub.is_dir = 1;
            }
            return du->slots[h] - 1;
        }
        h = (h + 1) & (du->n_slots - 1);
    }
    /* Built from the parent's path, so that "./a" and "a//b" print clean. */
    const char *ppath = du->nodes[parent].pub.path;
    if (du->n == du->cap) {
        size_t cap = du->cap * 2;
        dnode *nn = realloc(du->nodes, cap * sizeof *nn);
        if (nn == NULL)
            return SIZE_MAX;
        du->nodes = nn;
        du->cap = cap;
    }
    dnode *d = &du->nodes[du->n];
    memset(d, 0, sizeof *d);
    d->parent = parent;
    d->comp = s;
    d->comp_len = n;
    d->pub.is_dir = is_dir;
    d->pub.name = zl_strndup(s, n);
    d->pub.path = zl_asprintf("%s%.*s%s", ppath, (int)n, s, is_dir ? "/" : "");
    if (d->pub.name == NULL || d->pub.path == NULL) {
        free((char *)d->pub.name);
        free((char *)d->pub.path);
        return SIZE_MAX;
    }
    du->slots[h] = du->n + 1;
    return du->n++;
}

/* Adds one entry: its bytes go to every folder on its path. */
static int add_entry(zl_du *du, const zl_entry *e)
{
    const char *path = e->path;
    size_t len = e->name_len, cur = 0, i = 0;
    int counts = e->type != ZL_TYPE_DIR;
    du->nodes[0].pub.bytes += counts ? e->size : 0;
    du->nodes[0].pub.files += counts;
    while (i < len) {
        while (i < len && path[i] == '/')
            i++;
        size_t start = i;
        while (i < len && path[i] != '/')
            i++;
        if (i == start)
            break;
        size_t n = i - start;
        if (n == 1 && path[start] == '.')
            continue; /* "./a" is "a" */
        int last = i >= len || (i + 1 >= len && path[i] == '/');
        int is_dir = !last || e->type == ZL_TYPE_DIR || (i < len && path[i] == '/');
        size_t c = child(du, cur, path + start, n, is_dir);
        if (c == SIZE_MAX)
            return ZL_E_NOMEM;
        cur = c;
        if (counts) {
            du->nodes[cur].pub.bytes += e->size;
            du->nodes[cur].pub.files++;
        }
    }
    if (cur == 0 && counts) {
        /* A name with no component left ("", "./", "///"): listed as it is,
         * so that the tree adds up to the root. */
        static const char empty[] = "(empty name)";
        size_t c = len > 0 ? child(du, 0, path, len, 0) : child(du, 0, empty, sizeof empty - 1, 0);
        if (c == SIZE_MAX)
            return ZL_E_NOMEM;
        du->nodes[c].pub.bytes += e->size;
        du->nodes[c].pub.files++;
    }
    return ZL_OK;
}

static int cmp_child(const void *a, const void *b)
{
    const zl_du_node *x = *(const zl_du_node *const *)a, *y = *(const zl_du_node *const *)b;
    if (x->bytes != y->bytes)
        return x->bytes > y->bytes ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* Gives every node its children array (one block for all) and sorts it. */
static int link_children(zl_du *du)
{
    size_t *count = calloc(du->n, sizeof *count);
    if (count == NULL)
        return ZL_E_NOMEM;
    du->child_arena = malloc((du->n > 1 ? du->n - 1 : 1) * sizeof *du->child_arena);
    if (du->child_arena == NULL) {
        free(count);
        return ZL_E_NOMEM;
    }
    for (size_t i = 1; i < du->n; i++)
        count[du->nodes[i].parent]++;
    size_t off = 0;
    for (size_t i = 0; i < du->n; i++) {
        du->nodes[i].pub.children = du->child_arena + off;
        du->nodes[i].pub.n_children = 0;
        off += count[i];
    }
    for (size_t i = 1; i < du->n; i++) {
        zl_du_node *p = &du->nodes[du->nodes[i].parent].pub;
        p->children[p->n_children++] = &du->nodes[i].pub;
    }
    for (size_t i = 0; i < du->n; i++)
        if (du->nodes[i].pub.n_children > 1)
            qsort(du->nodes[i].pub.children, du->nodes[i].pub.n_children,
                  sizeof *du->nodes[i].pub.children, cmp_child);
    free(count);
    return ZL_OK;
}

int zl_du_new(zl_du **out, const zl_archive *ar, zl_error *err)
{
    *out = NULL;
    if (ar == NULL)
        return zl_error_set(err, ZL_E_INVAL, "du: no archive");
    zl_du *du = calloc(1, sizeof *du);
    if (du == NULL || (du->nodes = calloc(64, sizeof *du->nodes)) == NULL) {
        free(du);
        return zl_error_set(err, ZL_E_NOMEM, "out of memory");
    }
    du->cap = 64;
    du->n = 1;
    du->nodes[0].pub.name = zl_strdup("");
    du->nodes[0].pub.path = zl_strdup("");
    du->nodes[0].pub.is_dir = 1;
    int rc = du->nodes[0].pub.name && du->nodes[0].pub.path ? ZL_OK : ZL_E_NOMEM;
    for (size_t i = 0; rc == ZL_OK && i < ar->n_entries; i++)
        rc = add_entry(du, &ar->entries[i]);
    if (rc == ZL_OK)
        rc = link_children(du);
    /* The component pointers borrowed the archive: drop them. */
    for (size_t i = 0; i < du->n; i++)
        du->nodes[i].comp = NULL;
    free(du->slots);
    du->slots = NULL;
    if (rc != ZL_OK) {
        zl_du_free(du);
        return zl_error_set(err, rc, "out of memory");
    }
    *out = du;
    return ZL_OK;
}

void zl_du_free(zl_du *du)
{
    if (du == NULL)
        return;
    for (size_t i = 0; i < du->n; i++) {
        free((char *)du->nodes[i].pub.name);
        free((char *)du->nodes[i].pub.path);
    }
    free(du->nodes);
    free(du->slots);
    free(du->child_arena);
    free(du);
}

const zl_du_node *zl_du_root(const zl_du *du)
{
    return &du->nodes[0].pub;
}
