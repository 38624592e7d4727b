/* datapass.c - the entries' data, read once on worker threads while the
 * rules look at names and headers on the caller's thread: the glibc
 * versions every loadable ELF object needs (ZL505) and, with --verify or on
 * fix, every entry's CRC (ZL606). zl_check_run starts it before the rules;
 * the two rules that read it run last (stage 2) and wait for it there.
 * Which entries each rule wants stays that rule's decision
 * (zl_glibc_wanted, zl_verify_wanted), made on the caller's thread before
 * the workers start (only ZL607's overlap test, zl_verify_bomb, runs while
 * they work, and can only stop the verifying): the workers touch nothing
 * but the archive's fd, their own reader and their own item. */
#include "config.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "zl_internal.h"

typedef struct pass_item {
    size_t entry;
    uint64_t size;
    uint8_t want;
    /* ZL_WANT_GLIBC */
    int glibc_rc; /* ZL_OK, a ZL_E_* code, or ZL_RAW_FALLBACK */
    int major, minor;
    /* the data were read to their end and matched their CRC and size */
    bool data_ok;
    /* ZL_WANT_VERIFY (when the glibc scan did not already read it whole) */
    int verify_rc; /* ZL_OK, a ZL_E_* code, or ZL_RAW_FALLBACK */
    char *verify_msg;
} pass_item;

struct zl_datapass {
    zl_archive *ar;
    pass_item *items;
    pass_item **order; /* largest first, so that no thread is left with a big one at the end */
    size_t n;
    size_t *by_entry; /* entry index -> item index + 1, 0 for none */
    zl_parallel *pool;
    bool done;
    atomic_bool no_verify; /* ZL607 refuses the archive anyway: verify nothing more */
};

static int larger_first(const void *a, const void *b)
{
    const pass_item *x = *(pass_item *const *)a, *y = *(pass_item *const *)b;
    return x->size < y->size ? 1 : x->size > y->size ? -1 : 0;
}

static int job(void *ud, size_t k, zl_reader *rd)
{
    zl_datapass *dp = ud;
    pass_item *it = dp->order[k];
    const zl_entry *e = &dp->ar->entries[it->entry];
    zl_error err;
    zl_error_init(&err);
    if (it->want & ZL_WANT_GLIBC) {
        it->glibc_rc =
            zl_elf_glibc_need_entry(dp->ar, e, rd, &it->major, &it->minor, &it->data_ok, &err);
        if (it->glibc_rc == ZL_E_NOMEM)
            return ZL_E_NOMEM;
        if (it->data_ok)
            return ZL_OK; /* read whole and checked: nothing left to verify */
    }
    if ((it->want & ZL_WANT_VERIFY) && !atomic_load(&dp->no_verify)) {
        zl_error_init(&err);
        it->verify_rc = zl_raw_verify(dp->ar, e, rd, &err);
        if (it->verify_rc == ZL_OK)
            it->data_ok = true;
        else if (it->verify_rc < 0 && it->verify_rc != ZL_E_NOMEM &&
                 (it->verify_msg = zl_strdup(err.message)) == NULL)
            it->verify_rc = ZL_E_NOMEM;
        if (it->verify_rc == ZL_E_NOMEM)
            return ZL_E_NOMEM;
    }
    return ZL_OK;
}

static void pass_free(zl_datapass *dp)
{
    if (dp == NULL)
        return;
    for (size_t k = 0; k < dp->n; k++)
        free(dp->items[k].verify_msg);
    free(dp->items);
    free(dp->order);
    free(dp->by_entry);
    free(dp);
}

int zl_datapass_start(zl_ctx *ctx, bool glibc, bool verify)
{
    zl_archive *ar = ctx->ar;
    int rc = ZL_OK;
    uint8_t *want = NULL;
    zl_datapass *dp = NULL;
    ctx->dp = NULL;
    if ((!glibc && !verify) || ar->n_entries == 0)
        return ZL_OK;
    if ((want = calloc(ar->n_entries, 1)) == NULL || (dp = calloc(1, sizeof *dp)) == NULL ||
        (dp->by_entry = calloc(ar->n_entries, sizeof *dp->by_entry)) == NULL)
        goto nomem;
    dp->ar = ar;
    if (glibc && (rc = zl_glibc_wanted(ctx, want)) != ZL_OK)
        goto out;
    if (verify && (rc = zl_verify_wanted(ctx, want)) != ZL_OK)
        goto out;
    for (size_t i = 0; i < ar->n_entries; i++)
        dp->n += want[i] != 0;
    if (dp->n > 0 && ((dp->items = calloc(dp->n, sizeof *dp->items)) == NULL ||
                      (dp->order = malloc(dp->n * sizeof *dp->order)) == NULL))
        goto nomem;
    for (size_t i = 0, k = 0; i < ar->n_entries; i++) {
        if (want[i] == 0)
            continue;
        /* Not known until the job has run. */
        dp->items[k] = (pass_item){.entry = i,
                                   .size = ar->entries[i].size,
                                   .want = want[i],
                                   .glibc_rc = ZL_RAW_FALLBACK,
                                   .verify_rc = ZL_RAW_FALLBACK};
        dp->order[k] = &dp->items[k];
        dp->by_entry[i] = ++k;
    }
    if (dp->n > 1)
        qsort(dp->order, dp->n, sizeof *dp->order, larger_first);
    atomic_init(&dp->no_verify, false);
    if (zl_parallel_start(dp->n, job, dp, &dp->pool) != ZL_OK)
        goto nomem;
    free(want);
    ctx->dp = dp;
    /* Data that overlap are a bomb's (ZL607): whether they do takes every
     * local header, read here while the workers have started. */
    if (verify) {
        bool bomb = false;
        if ((rc = zl_verify_bomb(ctx, &bomb)) != ZL_OK)
            return rc; /* ctx->dp is set: zl_datapass_end waits for the workers */
        if (bomb)
            atomic_store(&dp->no_verify, true);
    }
    return ZL_OK;
nomem:
    rc = zl_error_set(ctx->err, ZL_E_NOMEM, "out of memory");
out:
    free(want);
    pass_free(dp);
    return rc;
}

int zl_datapass_wait(zl_ctx *ctx)
{
    zl_datapass *dp = ctx->dp;
    if (dp == NULL || dp->done)
        return ZL_OK;
    int rc = zl_parallel_wait(dp->pool);
    dp->pool = NULL;
    dp->done = true;
    if (rc == ZL_E_NOMEM)
        return zl_error_set(ctx->err, ZL_E_NOMEM, "%s: out of memory", ctx->ar->path);
    /* What the rules and a later check (zl_archive_adopt) read. */
    for (size_t k = 0; k < dp->n; k++) {
        const pass_item *it = &dp->items[k];
        zl_entry *e = &ctx->ar->entries[it->entry];
        if (it->data_ok)
            e->data_ok = true;
        if (it->want & ZL_WANT_GLIBC) {
            e->glibc_done = true;
            e->glibc_rc = it->glibc_rc;
            e->glibc_major = it->major;
            e->glibc_minor = it->minor;
        }
    }
    return ZL_OK;
}

bool zl_datapass_verified(const zl_ctx *ctx, size_t i, int *rc, const char **msg)
{
    const zl_datapass *dp = ctx->dp;
    *rc = ZL_RAW_FALLBACK;
    *msg = NULL;
    if (dp == NULL || !dp->done || dp->by_entry[i] == 0)
        return false;
    const pass_item *it = &dp->items[dp->by_entry[i] - 1];
    if (!(it->want & ZL_WANT_VERIFY))
        return false;
    *rc = it->data_ok ? ZL_OK : it->verify_rc;
    *msg = it->verify_msg;
    return true;
}

void zl_datapass_end(zl_ctx *ctx)
{
    if (ctx->dp == NULL)
        return;
    /* Not waited for when a rule failed: the workers must still end first. */
    if (!ctx->dp->done)
        zl_parallel_wait(ctx->dp->pool);
    pass_free(ctx->dp);
    ctx->dp = NULL;
}
