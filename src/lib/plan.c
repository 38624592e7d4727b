/* plan.c - merges the edits of every finding into one plan: per entry,
 * whether it goes, its new name, its new mode, its new data. The writer
 * applies the plan in one pass; nothing here touches the archive. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "zl_internal.h"

/* Which finding (index + 1, 0 = none) asked for each change of one entry,
 * so that every change is credited to exactly one rule. */
typedef struct merge {
    size_t del_by, ren_by, bs_by, mode_by, rep_by, rc_by;
    size_t canon_by; /* ZL701: the entry is rewritten in the canonical form */
    size_t strip;
    const char *prefix;
    uint32_t mode;
    const unsigned char *data;
    size_t len;
    bool dropped; /* deleted because its new name would be empty */
} merge;

static int popcount32(uint32_t v)
{
    int n = 0;
    for (; v != 0; v &= v - 1)
        n++;
    return n;
}

/* Two rules asking different modes: the one with more bits wins (0755 over
 * 0644), so an executable never loses its x bit to a generic file rule. */
static bool mode_wins(uint32_t a, uint32_t b)
{
    int pa = popcount32(a), pb = popcount32(b);
    return pa != pb ? pa > pb : a > b;
}

static int refuse(zl_archive *ar, zl_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ZL_E_REFUSED with "PATH: fix refused: REASON". */
static int refuse(zl_archive *ar, zl_error *err, const char *fmt, ...)
{
    char reason[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    return zl_error_set(err, ZL_E_REFUSED, "%s: fix refused: %s", ar->path, reason);
}

/* The ZL6xx findings that forbid any rewrite: all of them except ZL605
 * (recompression is a fix), the safe ZL603 case (identical duplicate
 * directory entries, one kept) and info-only findings. */
static bool finding_forbids_fix(const zl_finding *f)
{
    const char *code = f->rule->code;
    if (strncmp(code, "ZL6", 3) != 0)
        return false;
    if (strcmp(code, "ZL605") == 0)
        return false;
    /* Info only (ZL602's symlinks into /opt/ or /var/task/, which layers
     * use on purpose): nothing unsafe to refuse. */
    if (f->severity <= ZL_SEV_INFO)
        return false;
    if (strcmp(code, "ZL603") == 0 && f->n_edits > 0 && f->severity <= ZL_SEV_WARNING) {
        for (size_t i = 0; i < f->n_edits; i++)
            if (!f->edits[i].safe)
                return true;
        return false;
    }
    return true;
}

int zl_plan_refusal(zl_archive *ar, const zl_result *res, zl_error *err)
{
    for (size_t fi = 0; fi < res->n; fi++) {
        const zl_finding *f = res->findings[fi];
        if (finding_forbids_fix(f))
            return refuse(ar, err, "%s %s: %s; a damaged or unsafe archive is never rewritten",
                          f->rule->code, f->rule->name,
                          f->message ? f->message : f->rule->summary);
    }
    return ZL_OK;
}

static int merge_edit(zl_archive *ar, merge *m, const zl_edit *ed, size_t by, zl_error *err)
{
    const zl_entry *e = &ar->entries[ed->entry];
    switch (ed->kind) {
    case ZL_EDIT_DELETE:
        if (m->del_by == 0)
            m->del_by = by;
        return ZL_OK;
    case ZL_EDIT_RENAME: {
        const char *prefix = ed->prefix ? ed->prefix : "";
        if (ed->strip > e->name_len)
            return zl_error_set(err, ZL_E_INVAL, "%s: entry '%s': rename strips %zu bytes of %zu",
                                ar->path, e->name, ed->strip, e->name_len);
        if (m->ren_by != 0) {
            if (m->strip != ed->strip || strcmp(m->prefix, prefix) != 0)
                return refuse(ar, err, "two rules would move entry '%s' to different places",
                              e->name);
            return ZL_OK;
        }
        m->ren_by = by;
        m->strip = ed->strip;
        m->prefix = prefix;
        return ZL_OK;
    }
    case ZL_EDIT_BACKSLASH:
        if (m->bs_by == 0)
            m->bs_by = by;
        return ZL_OK;
    case ZL_EDIT_CHMOD: {
        uint32_t mode = ZL_MODE_PERM(ed->mode);
        if (m->mode_by == 0 || (mode != m->mode && mode_wins(mode, m->mode))) {
            m->mode_by = by;
            m->mode = mode;
        }
        return ZL_OK;
    }
    case ZL_EDIT_REPLACE:
        if (m->rep_by != 0) {
            if (m->len != ed->len || (ed->len > 0 && memcmp(m->data, ed->data, ed->len) != 0))
                return refuse(ar, err, "two rules would give entry '%s' different data",
                              e->name);
            return ZL_OK;
        }
        m->rep_by = by;
        m->data = ed->data;
        m->len = ed->len;
        return ZL_OK;
    case ZL_EDIT_RECOMPRESS:
        if (m->rc_by == 0)
            m->rc_by = by;
        return ZL_OK;
    case ZL_EDIT_CANONICAL:
        if (m->canon_by == 0)
            m->canon_by = by;
        return ZL_OK;
    }
    return zl_error_set(err, ZL_E_INVAL, "%s: unknown edit kind %d", ar->path, (int)ed->kind);
}

static bool name_is_empty(const char *s)
{
    while (*s == '/')
        s++;
    return *s == '\0';
}

/* The entry's name after RENAME and BACKSLASH (both length-preserving on
 * the part they share, so they compose in any order). NULL on ENOMEM. */
static char *new_name_of(const zl_entry *e, const merge *m)
{
    const char *base = m->bs_by ? e->path : e->name;
    size_t strip = m->ren_by ? m->strip : 0;
    const char *prefix = m->ren_by ? m->prefix : "";
    return zl_asprintf("%s%.*s", prefix, (int)(e->name_len - strip), base + strip);
}

/* ---- finding name collisions: open addressing over final names ---- */

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

static const char *final_name(const zl_plan *plan, size_t i)
{
    const char *n = plan->entries[i].new_name;
    return n ? n : plan->ar->entries[i].name;
}

static int check_collisions(zl_plan *plan, zl_error *err)
{
    zl_archive *ar = plan->ar;
    size_t n = 16;
    while (n < ar->n_entries * 2)
        n *= 2;
    size_t *slots = calloc(n, sizeof *slots);
    if (slots == NULL)
        return zl_error_set(err, ZL_E_NOMEM, "%s: out of memory", ar->path);
    int rc = ZL_OK;
    for (size_t i = 0; i < ar->n_entries && rc == ZL_OK; i++) {
        if (plan->entries[i].deleted)
            continue;
        const char *name = final_name(plan, i);
        size_t s = hash_str(name) & (n - 1);
        for (; slots[s] != 0; s = (s + 1) & (n - 1)) {
            size_t k = slots[s] - 1;
            if (strcmp(final_name(plan, k), name) != 0)
                continue;
            bool ri = plan->entries[i].new_name != NULL, rk = plan->entries[k].new_name != NULL;
            /* Duplicates already in the archive and left alone are ZL603's. */
            if (ri && rk)
                rc = refuse(ar, err, "entries '%s' and '%s' would both be named '%s'",
                            ar->entries[k].name, ar->entries[i].name, name);
            else if (ri || rk)
                rc = refuse(ar, err, "renaming '%s' to '%s' would collide with the existing '%s'",
                            ar->entries[ri ? i : k].name, name, ar->entries[ri ? k : i].name);
            break;
        }
        if (slots[s] == 0)
            slots[s] = i + 1;
    }
    free(slots);
    return rc;
}

/* ---- the plan ---- */

static bool chmod_changes(const zl_entry *e, uint32_t mode)
{
    return !(e->has_unix_mode && e->opsys == ZIP_OPSYS_UNIX && ZL_MODE_PERM(e->mode) == mode);
}

static int build_entries(zl_plan *plan, merge *mg, zl_error *err)
{
    zl_archive *ar = plan->ar;
    for (size_t i = 0; i < ar->n_entries; i++) {
        const zl_entry *e = &ar->entries[i];
        zl_plan_entry *pe = &plan->entries[i];
        merge *m = &mg[i];
        if (m->del_by) {
            pe->deleted = true; /* DELETE wins over everything */
            plan->n_touched++;
            continue;
        }
        if (m->ren_by || m->bs_by) {
            char *nn = new_name_of(e, m);
            if (nn == NULL)
                return zl_error_set(err, ZL_E_NOMEM, "%s: out of memory", ar->path);
            if (name_is_empty(nn)) {
                free(nn);
                /* The wrapper's own "D/" after re-rooting: an empty name
                 * must never be written, and a folder entry is not needed. */
                if (e->type != ZL_TYPE_DIR)
                    return refuse(ar, err, "entry '%s' would get an empty name", e->name);
                pe->deleted = true;
                m->dropped = true;
                plan->n_touched++;
                continue;
            }
            size_t nl = strlen(nn);
            if (e->type != ZL_TYPE_DIR && nn[nl - 1] == '/') {
                int rc = refuse(ar, err, "file entry '%s' would get the directory name '%s'",
                                e->name, nn);
                free(nn);
                return rc;
            }
            if (strcmp(nn, e->name) == 0 && nl == e->name_len)
                free(nn);
            else
                pe->new_name = nn;
        }
        if (m->mode_by && chmod_changes(e, m->mode)) {
            pe->chmod = true;
            pe->mode = m->mode;
        }
        if (m->rep_by) {
            pe->data = m->data;
            pe->len = m->len;
        }
        if (m->rc_by && m->rep_by == 0 && e->method != ZIP_CM_DEFLATE) {
            /* libzip re-deflates only what it can decode (ZL605 decodes
             * LZMA/XZ/zstd itself and replaces the data instead). */
            if (!zip_compression_method_supported(e->method, 0))
                return refuse(ar, err, "entry '%s': compression method %u cannot be decoded "
                              "here", e->name, (unsigned)e->method);
            pe->recompress = true;
        }
        if (pe->new_name || pe->chmod || pe->data || pe->recompress || m->canon_by)
            plan->n_touched++;
    }
    return ZL_OK;
}

/* Credits each change to one finding: one zl_plan_change per rule that
 * changed something. */
static int build_changes(zl_plan *plan, const merge *mg, zl_error *err)
{
    zl_archive *ar = plan->ar;
    const zl_result *res = plan->res;
    if (res->n == 0)
        return ZL_OK;
    plan->changes = calloc(res->n, sizeof *plan->changes);
    if (plan->changes == NULL)
        return zl_error_set(err, ZL_E_NOMEM, "%s: out of memory", ar->path);
    for (size_t fi = 0; fi < res->n; fi++) {
        size_t by = fi + 1;
        size_t count = 0;
        int64_t saved = 0;
        for (size_t i = 0; i < ar->n_entries; i++) {
            const zl_entry *e = &ar->entries[i];
            const zl_plan_entry *pe = &plan->entries[i];
            const merge *m = &mg[i];
            bool mine = false;
            if (pe->deleted) {
                if (m->del_by == by || (m->dropped && m->ren_by == by)) {
                    mine = true;
                    saved += (int64_t)e->size;
                }
            } else {
                if (pe->new_name && (m->ren_by == by || m->bs_by == by))
                    mine = true;
                if (pe->chmod && m->mode_by == by)
                    mine = true;
                if (pe->data && m->rep_by == by) {
                    mine = true;
                    saved += (int64_t)e->size - (int64_t)pe->len;
                }
                if (pe->recompress && m->rc_by == by)
                    mine = true;
                /* Entries another rule changed are credited to that rule. */
                if (m->canon_by == by && !pe->new_name && !pe->chmod && !pe->data &&
                    !pe->recompress)
                    mine = true;
            }
            if (mine)
                count++;
        }
        if (count == 0)
            continue;
        const zl_finding *f = res->findings[fi];
        zl_plan_change *c = &plan->changes[plan->n_changes++];
        c->code = f->rule->code;
        c->n_entries = count;
        c->bytes_saved = saved > 0 ? (uint64_t)saved : 0;
        c->description = f->fix_description ? f->fix_description : f->rule->summary;
    }
    return ZL_OK;
}

int zl_plan_new(zl_plan **out, zl_archive *ar, const zl_result *res, const zl_options *opt,
                zl_error *err)
{
    int rc = ZL_OK;
    zl_plan *plan = NULL;
    merge *mg = NULL;

    *out = NULL;
    if (opt == NULL)
        opt = res->opt;
    if (ar->written)
        return zl_error_set(err, ZL_E_INVAL, "%s: the archive was already written", ar->path);
    if ((rc = zl_plan_refusal(ar, res, err)) != ZL_OK)
        return rc;

    plan = calloc(1, sizeof *plan);
    mg = calloc(ar->n_entries ? ar->n_entries : 1, sizeof *mg);
    if (plan == NULL || mg == NULL) {
        rc = zl_error_set(err, ZL_E_NOMEM, "%s: out of memory", ar->path);
        goto out;
    }
    plan->ar = ar;
    plan->res = res;
    plan->staged_fd = -1;
    /* fix --reproducible writes every change canonically, ZL701's or not,
     * so that other fixes never undo the canonical form. */
    plan->canonical = opt != NULL && opt->reproducible;
    plan->entries = calloc(ar->n_entries ? ar->n_entries : 1, sizeof *plan->entries);
    if (plan->entries == NULL) {
        rc = zl_error_set(err, ZL_E_NOMEM, "%s: out of memory", ar->path);
        goto out;
    }

    for (size_t fi = 0; fi < res->n; fi++) {
        const zl_finding *f = res->findings[fi];
        for (size_t k = 0; k < f->n_edits; k++) {
            const zl_edit *ed = &f->edits[k];
            if (!ed->safe && !(opt != NULL && opt->unsafe_fixes))
                continue;
            if (ed->entry >= ar->n_entries) {
                rc = zl_error_set(err, ZL_E_INVAL, "%s: %s edits entry %zu of %zu", ar->path,
                                  f->rule->code, ed->entry, ar->n_entries);
                goto out;
            }
            rc = merge_edit(ar, &mg[ed->entry], ed, fi + 1, err);
            if (rc != ZL_OK)
                goto out;
        }
    }

    if ((rc = build_entries(plan, mg, err)) != ZL_OK)
        goto out;
    if ((rc = check_collisions(plan, err)) != ZL_OK)
        goto out;
    if (plan->n_touched > 0) {
        size_t files = 0;
        for (size_t i = 0; i < ar->n_entries; i++)
            if (!plan->entries[i].deleted && ar->entries[i].type != ZL_TYPE_DIR)
                files++;
        if (files == 0) {
            rc = refuse(ar, err, "the fix would leave no file entries");
            goto out;
        }
        /* The canonical form holds files, folders and symlinks only: a
         * device, fifo or socket the plan keeps (ZL205 and ZL701 drop
         * them unless they are ignored) cannot be written. */
        for (size_t i = 0; plan->canonical && i < ar->n_entries; i++)
            if (!plan->entries[i].deleted && ar->entries[i].type == ZL_TYPE_SPECIAL) {
                rc = refuse(ar, err,
                            "entry '%s' is a device, fifo or socket, which the canonical form "
                            "cannot hold",
                            ar->entries[i].name);
                goto out;
            }
    }
    if ((rc = build_changes(plan, mg, err)) != ZL_OK)
        goto out;
    *out = plan;
    plan = NULL;
out:
    free(mg);
    zl_plan_free(plan);
    return rc;
}

void zl_plan_free(zl_plan *plan)
{
    if (plan == NULL)
        return;
    zl_plan_drop_staged(plan);
    if (plan->entries != NULL)
        for (size_t i = 0; i < plan->ar->n_entries; i++)
            free(plan->entries[i].new_name);
    free(plan->entries);
    free(plan->changes);
    free(plan);
}

int zl_plan_is_empty(const zl_plan *plan)
{
    return plan->n_touched == 0;
}

size_t zl_plan_change_count(const zl_plan *plan)
{
    return plan->n_changes;
}

const zl_plan_change *zl_plan_change_at(const zl_plan *plan, size_t i)
{
    return i < plan->n_changes ? &plan->changes[i] : NULL;
}

/* Names are hostile bytes: control characters are printed escaped so a
 * name cannot move the cursor or forge lines. */
static void put_name(FILE *fp, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c == 0x7f)
            fprintf(fp, "\\x%02x", c);
        else
            fputc(c, fp);
    }
}

int zl_plan_print(const zl_plan *plan, FILE *fp)
{
    const zl_archive *ar = plan->ar;
    if (plan->canonical && plan->n_touched > 0)
        fputs("write the canonical form: entries sorted, implied folders added, one time, "
              "modes 0644/0755, no extra fields, pinned deflate\n", fp);
    for (size_t i = 0; i < ar->n_entries; i++) {
        const zl_entry *e = &ar->entries[i];
        const zl_plan_entry *pe = &plan->entries[i];
        if (pe->deleted) {
            fputs("delete ", fp);
            put_name(fp, e->name);
            fprintf(fp, " (%llu bytes)\n", (unsigned long long)e->size);
            continue;
        }
        if (pe->new_name) {
            fputs("rename ", fp);
            put_name(fp, e->name);
            fputs(" -> ", fp);
            put_name(fp, pe->new_name);
            fputc('\n', fp);
        }
        if (pe->chmod) {
            fputs("mode ", fp);
            put_name(fp, e->name);
            if (e->has_unix_mode)
                fprintf(fp, " %04o -> %04o\n", (unsigned)ZL_MODE_PERM(e->mode), (unsigned)pe->mode);
            else
                fprintf(fp, " none -> %04o\n", (unsigned)pe->mode);
        }
        if (pe->data) {
            fputs("replace data of ", fp);
            put_name(fp, e->name);
            fprintf(fp, " (%llu -> %zu bytes)\n", (unsigned long long)e->size, pe->len);
        }
        if (pe->recompress) {
            fputs("recompress ", fp);
            put_name(fp, e->name);
            fprintf(fp, " (method %u -> deflate)\n", (unsigned)e->method);
        }
    }
    return ferror(fp) ? ZL_E_IO : ZL_OK;
}
