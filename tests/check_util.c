/* check_util.c - helpers shared by the suites. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"

const char *fixture_path(const char *name)
{
    static char buf[4096];
    const char *dir = getenv("FIXTURES");
    snprintf(buf, sizeof buf, "%s/%s", dir ? dir : FIXTURES_DIR, name);
    return buf;
}

void tcheck_run_path(tcheck *t, const char *path, const zl_options *opt)
{
    static zl_options defaults;
    zl_error err;
    zl_error_init(&err);
    memset(t, 0, sizeof *t);
    if (opt == NULL) {
        zl_options_init(&defaults);
        opt = &defaults;
    }
    ck_assert_int_eq(zl_ruleset_new(&t->rs, &err), ZL_OK);
    int rc = zl_archive_open(&t->ar, path, &err);
    ck_assert_msg(rc == ZL_OK, "open %s: %s", path, err.message);
    rc = zl_check_run(t->ar, t->rs, opt, &t->res, &err);
    ck_assert_msg(rc == ZL_OK, "check %s: %s", path, err.message);
}

void tcheck_run(tcheck *t, const char *fixture, const zl_options *opt)
{
    tcheck_run_path(t, fixture_path(fixture), opt);
}

void tcheck_free(tcheck *t)
{
    zl_result_free(t->res);
    zl_archive_close(t->ar);
    zl_ruleset_free(t->rs);
    memset(t, 0, sizeof *t);
}

const zl_finding *tcheck_finding(const tcheck *t, const char *code)
{
    for (size_t i = 0; i < zl_result_count(t->res); i++) {
        const zl_finding *f = zl_result_finding(t->res, i);
        if (strcmp(f->rule->code, code) == 0)
            return f;
    }
    return NULL;
}

const zl_finding_entry *finding_entry(const zl_finding *f, const char *name)
{
    for (size_t i = 0; f != NULL && i < f->n_entries; i++)
        if (strcmp(f->entries[i].name, name) == 0)
            return &f->entries[i];
    return NULL;
}

const char *tcheck_codes(const tcheck *t)
{
    static char buf[1024];
    buf[0] = '\0';
    for (size_t i = 0; i < zl_result_count(t->res); i++) {
        const zl_finding *f = zl_result_finding(t->res, i);
        if (i > 0)
            strncat(buf, ",", sizeof buf - strlen(buf) - 1);
        strncat(buf, f->rule->code, sizeof buf - strlen(buf) - 1);
    }
    return buf;
}

unsigned char *read_file(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return NULL;
    size_t cap = 65536, n = 0;
    unsigned char *buf = malloc(cap);
    while (buf != NULL) {
        size_t got = fread(buf + n, 1, cap - n, fp);
        n += got;
        if (got == 0)
            break;
        if (n == cap) {
            unsigned char *nb = realloc(buf, cap * 2);
            if (nb == NULL) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(fp);
    *len = n;
    return buf;
}

char *copy_fixture(const char *name)
{
    char tmpl[] = "/tmp/zltest-XXXXXX";
    const char *dir = mkdtemp(tmpl);
    ck_assert_ptr_nonnull(dir);
    size_t len = 0;
    unsigned char *data = read_file(fixture_path(name), &len);
    ck_assert_msg(data != NULL, "cannot read fixture %s", name);
    char *path = zl_asprintf("%s/%s", dir, name);
    FILE *fp = fopen(path, "wb");
    ck_assert_ptr_nonnull(fp);
    ck_assert_uint_eq(fwrite(data, 1, len, fp), len);
    ck_assert_int_eq(fclose(fp), 0);
    free(data);
    return path;
}

void rm_tree(const char *path_in_tmpdir)
{
    /* Only ever under /tmp/zltest-*: the folder copy_fixture made. */
    if (path_in_tmpdir == NULL || strncmp(path_in_tmpdir, "/tmp/zltest-", 12) != 0)
        return;
    char *dir = zl_strdup(path_in_tmpdir);
    char *slash = strchr(dir + 12, '/');
    if (slash)
        *slash = '\0';
    char *cmd = zl_asprintf("rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", dir);
    free(cmd);
    free(dir);
}
