/* rules/integrity.c - ZL6xx: is the archive whole and safe to unpack?
 * For now ZL606 corrupt-entry (with --verify, and always on fix): every
 * entry's data is decompressed and checked against its CRC. */
#include "config.h"

#include <string.h>

#include "../zl_internal.h"

/* The cause alone from zl_entry_verify's "PATH: entry 'NAME': CAUSE". */
static const char *verify_cause(const zl_archive *ar, const zl_entry *e, const char *msg)
{
    size_t pl = strlen(ar->path);
    if (strncmp(msg, ar->path, pl) != 0 || strncmp(msg + pl, ": entry '", 9) != 0)
        return msg;
    const char *p = msg + pl + 9;
    if (strncmp(p, e->name, e->name_len) != 0 || strncmp(p + e->name_len, "': ", 3) != 0)
        return msg;
    return p + e->name_len + 3;
}

static int check_corrupt_entry(zl_ctx *ctx, const zl_rule *rule)
{
    zl_archive *ar = ctx->ar;
    zl_finding *f = NULL;
    if (!ctx->opt->verify)
        return ZL_OK;
    for (size_t i = 0; i < ar->n_entries; i++) {
        const zl_entry *e = &ar->entries[i];
        /* Encrypted entries are ZL604's; a method libzip cannot decode is
         * ZL605's: neither is corrupt. */
        if (e->encryption != 0 || !zip_compression_method_supported(e->method, 0))
            continue;
        zl_error verr;
        zl_error_init(&verr);
        int rc = zl_entry_verify(ar, e, &verr);
        if (rc == ZL_OK)
            continue;
        if (rc == ZL_E_NOMEM)
            return zl_error_set(ctx->err, rc, "%s", verr.message);
        if (f == NULL && (f = zl_finding_get(ctx, rule)) == NULL)
            return zl_error_set(ctx->err, ZL_E_NOMEM, "out of memory");
        rc = zl_finding_add_entry(ctx, f, e, ZL_SEV_ERROR, "%s",
                                  verify_cause(ar, e, verr.message));
        if (rc != ZL_OK)
            return rc;
        f->bytes += e->size;
    }
    if (f == NULL)
        return ZL_OK;
    return zl_finding_set_message(ctx, f,
                                  f->n_entries == 1
                                      ? "%zu entry is corrupt: its data does not match its CRC "
                                        "or cannot be decoded"
                                      : "%zu entries are corrupt: their data does not match "
                                        "their CRC or cannot be decoded",
                                  f->n_entries);
}

const zl_rule_def zl_rules_integrity[] = {
    {.code = "ZL606",
     .name = "corrupt-entry",
     .severity = ZL_SEV_ERROR,
     .fix = ZL_FIX_NONE,
     .default_on = 1,
     .stage = 0,
     .summary = "an entry's data is corrupt (CRC mismatch, truncated or undecodable)",
     .explain =
         "With --verify (and always on fix), every entry is decompressed and its data\n"
         "checked against the CRC-32 stored in the archive. A mismatch, data that ends\n"
         "early or data that cannot be decoded means the archive was damaged in transit\n"
         "or written by a broken tool. Lambda refuses to unpack it when the function is\n"
         "created or updated. ziplint never rewrites such an archive: build the package\n"
         "again from its sources, or re-download it, and compare checksums.",
     .lambda_error = "Could not unzip uploaded file. Please check your file, then try to "
                     "upload again.",
     .check = check_corrupt_entry},
    {.code = NULL},
};
