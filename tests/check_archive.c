/* check_archive.c - opening archives and the entry table: names, paths,
 * sizes, hosts, modes, types, lookups; and files that are not archives. */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_suites.h"

/* Writes a zip with libzip: each entry a name, data, host and attributes. */
typedef struct spec_entry {
    const char *name;
    const char *data;
    zip_uint8_t opsys;
    zip_uint32_t attr;
} spec_entry;

static char *make_zip(const spec_entry *entries, size_t n)
{
    char tmpl[] = "/tmp/zltest-XXXXXX";
    char *dir = mkdtemp(tmpl);
    ck_assert_ptr_nonnull(dir);
    char *path = zl_asprintf("%s/t.zip", dir);
    int zerr = 0;
    zip_t *za = zip_open(path, ZIP_CREATE | ZIP_EXCL, &zerr);
    ck_assert_ptr_nonnull(za);
    for (size_t i = 0; i < n; i++) {
        zip_source_t *src =
            zip_source_buffer(za, entries[i].data, strlen(entries[i].data), 0);
        ck_assert_ptr_nonnull(src);
        size_t len = strlen(entries[i].name);
        zip_int64_t idx = entries[i].name[len - 1] == '/'
                              ? zip_dir_add(za, entries[i].name, ZIP_FL_ENC_RAW)
                              : zip_file_add(za, entries[i].name, src, ZIP_FL_ENC_RAW);
        if (entries[i].name[len - 1] == '/')
            zip_source_free(src);
        ck_assert_int_ge(idx, 0);
        ck_assert_int_eq(zip_file_set_external_attributes(za, (zip_uint64_t)idx, 0,
                                                          entries[i].opsys, entries[i].attr),
                         0);
    }
    ck_assert_int_eq(zip_close(za), 0);
    return path;
}

static const spec_entry table_entries[] = {
    {"pkg/", "", ZIP_OPSYS_UNIX, (040755u << 16) | 0x10},
    {"pkg/__init__.py", "x = 1\n", ZIP_OPSYS_UNIX, 0100600u << 16},
    {"win\\mod.py", "y = 2\n", ZIP_OPSYS_DOS, 0x20},
    {"link", "pkg/__init__.py", ZIP_OPSYS_UNIX, 0120777u << 16},
    {"bare.py", "z = 3\n", ZIP_OPSYS_UNIX, 0644u << 16}, /* writestr with a bare 0o644 << 16 */
    {"zero.py", "", ZIP_OPSYS_UNIX, 0},                   /* Unix host, no mode at all */
};

START_TEST(test_entry_table)
{
    char *path = make_zip(table_entries, sizeof table_entries / sizeof table_entries[0]);
    zl_archive *ar = NULL;
    zl_error err;
    ck_assert_int_eq(zl_archive_open(&ar, path, &err), ZL_OK);
    ck_assert_uint_eq(zl_archive_entry_count(ar), 6);
    ck_assert_uint_eq(zl_archive_unzipped_size(ar), 6 + 6 + 15 + 6);

    const zl_entry *e = &ar->entries[0];
    ck_assert_str_eq(e->name, "pkg/");
    ck_assert_int_eq(e->type, ZL_TYPE_DIR);
    ck_assert(e->has_unix_mode);
    ck_assert_uint_eq(ZL_MODE_PERM(e->mode), 0755);

    e = &ar->entries[1];
    ck_assert_int_eq(e->type, ZL_TYPE_FILE);
    ck_assert_uint_eq(ZL_MODE_PERM(e->mode), 0600);
    ck_assert_uint_eq(e->size, 6);

    e = &ar->entries[2];
    ck_assert_str_eq(e->name, "win\\mod.py");
    ck_assert_str_eq(e->path, "win/mod.py");
    ck_assert(!e->has_unix_mode);
    ck_assert_uint_eq(e->opsys, ZIP_OPSYS_DOS);
    ck_assert_int_eq(e->type, ZL_TYPE_FILE);

    ck_assert_int_eq(ar->entries[3].type, ZL_TYPE_SYMLINK);
    /* Mode bits without file-type bits: a file by its name. */
    ck_assert(ar->entries[4].has_unix_mode);
    ck_assert_int_eq(ar->entries[4].type, ZL_TYPE_FILE);
    ck_assert_uint_eq(ZL_MODE_PERM(ar->entries[4].mode), 0644);
    /* A Unix host with all-zero attributes records no mode. */
    ck_assert(!ar->entries[5].has_unix_mode);

    /* Lookups go by the normalised path. */
    ck_assert_int_eq(zl_archive_find(ar, "win/mod.py", 10), 2);
    ck_assert_int_eq(zl_archive_find(ar, "pkg/", 4), 0);
    ck_assert_int_eq(zl_archive_find(ar, "pkg", 3), -1);
    ck_assert_int_eq(zl_archive_find(ar, "missing.py", 10), -1);

    /* Our own reading of the central directory agrees with libzip's. */
    ck_assert(ar->cd_ok);
    ck_assert_uint_eq(ar->entries[0].lh_offset, 0);
    zl_local lh;
    ck_assert_int_eq(zl_entry_local(ar, &ar->entries[1], &lh), ZL_OK);
    ck_assert(lh.name_matches);
    ck_assert_uint_eq(lh.name_len, strlen("pkg/__init__.py"));
    ck_assert_uint_eq(lh.method, ar->entries[1].method);
    ck_assert_uint_eq(lh.data_offset, ar->entries[1].lh_offset + 30 + lh.name_len + lh.extra_len);
    ck_assert_uint_gt(ar->entries[2].lh_offset, ar->entries[1].lh_offset);

    /* Reading entry data. */
    unsigned char *data = NULL;
    size_t len = 0;
    ck_assert_int_eq(zl_entry_read_all(ar, &ar->entries[1], 1024, &data, &len, &err), ZL_OK);
    ck_assert_uint_eq(len, 6);
    ck_assert_mem_eq(data, "x = 1\n", 6);
    free(data);
    char head[3];
    size_t got = 0;
    ck_assert_int_eq(zl_entry_read_head(ar, &ar->entries[1], head, sizeof head, &got, &err), ZL_OK);
    ck_assert_uint_eq(got, 3);
    ck_assert_mem_eq(head, "x =", 3);
    ck_assert_int_eq(zl_entry_read_all(ar, &ar->entries[1], 5, &data, &len, &err), ZL_E_INVAL);
    ck_assert_int_eq(zl_entry_verify(ar, &ar->entries[1], &err), ZL_OK);

    zl_archive_close(ar);
    rm_tree(path);
    free(path);
}
END_TEST

/* Files that are not archives: the error names the file and the cause. */
static const struct {
    const char *what;
    const char *bytes;
    size_t len;
    int code;
    const char *cause;
} bad_files[] = {
    {"empty", "", 0, ZL_E_NOTZIP, "empty file"},
    {"text", "hello, this is not a zip\n", 25, ZL_E_NOTZIP, "not a zip archive"},
    {"truncated", "PK\003\004\024\000\000\000", 8, ZL_E_NOTZIP, "not a zip archive"},
};

START_TEST(test_bad_files)
{
    char tmpl[] = "/tmp/zltest-XXXXXX";
    char *dir = mkdtemp(tmpl);
    ck_assert_ptr_nonnull(dir);
    char *path = zl_asprintf("%s/%s.zip", dir, bad_files[_i].what);
    FILE *fp = fopen(path, "wb");
    ck_assert_ptr_nonnull(fp);
    ck_assert_uint_eq(fwrite(bad_files[_i].bytes, 1, bad_files[_i].len, fp), bad_files[_i].len);
    ck_assert_int_eq(fclose(fp), 0);

    zl_archive *ar = (zl_archive *)1;
    zl_error err;
    zl_error_init(&err);
    ck_assert_int_eq(zl_archive_open(&ar, path, &err), bad_files[_i].code);
    ck_assert_ptr_null(ar);
    ck_assert_ptr_nonnull(strstr(err.message, path));
    ck_assert_msg(strstr(err.message, bad_files[_i].cause) != NULL, "message: %s", err.message);
    ck_assert_ptr_null(strchr(err.message, '\n'));
    rm_tree(path);
    free(path);
}
END_TEST

START_TEST(test_missing_and_dir)
{
    zl_archive *ar = NULL;
    zl_error err;
    ck_assert_int_eq(zl_archive_open(&ar, "/nonexistent/x.zip", &err), ZL_E_IO);
    ck_assert_ptr_nonnull(strstr(err.message, "/nonexistent/x.zip"));
    ck_assert_ptr_nonnull(strstr(err.message, "No such file"));
    ck_assert_int_eq(zl_archive_open(&ar, "/tmp", &err), ZL_E_IO);
    ck_assert_ptr_nonnull(strstr(err.message, "directory"));
}
END_TEST

/* A cut central directory: the archive's tail is gone. */
START_TEST(test_truncated_archive)
{
    char *path = make_zip(table_entries, sizeof table_entries / sizeof table_entries[0]);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(truncate(path, st.st_size - 30), 0);
    zl_archive *ar = NULL;
    zl_error err;
    ck_assert_int_eq(zl_archive_open(&ar, path, &err), ZL_E_NOTZIP);
    ck_assert_ptr_nonnull(strstr(err.message, path));
    rm_tree(path);
    free(path);
}
END_TEST

START_TEST(test_options)
{
    zl_options o;
    zl_error err;
    zl_options_init(&o);
    ck_assert_int_eq(o.runtime_minor, 0);
    ck_assert_int_eq(zl_options_set_runtime(&o, "python3.12", &err), ZL_OK);
    ck_assert_int_eq(o.runtime_minor, 12);
    ck_assert_int_eq(zl_options_set_runtime(&o, "python3.8", &err), ZL_E_INVAL);
    ck_assert_int_eq(zl_options_set_runtime(&o, "python3.12x", &err), ZL_E_INVAL);
    ck_assert_int_eq(zl_options_set_runtime(&o, "python2.7", &err), ZL_E_INVAL);
    ck_assert_int_eq(o.runtime_minor, 12);
    ck_assert_int_eq(zl_options_set_arch(&o, "aarch64", &err), ZL_OK);
    ck_assert_int_eq(o.arch, ZL_ARCH_ARM64);
    ck_assert_int_eq(zl_options_set_arch(&o, "mips", &err), ZL_E_INVAL);
    ck_assert_int_eq(zl_options_set_profile(&o, "layer", &err), ZL_OK);
    ck_assert_int_eq(o.profile, ZL_PROFILE_LAYER);
    zl_severity sev;
    ck_assert_int_eq(zl_severity_parse("warning", &sev), ZL_OK);
    ck_assert_int_eq(sev, ZL_SEV_WARNING);
    ck_assert_int_eq(zl_severity_parse("fatal", &sev), ZL_E_INVAL);
    char buf[32];
    ck_assert_str_eq(zl_format_bytes(262144000, buf, sizeof buf), "250 MiB");
    ck_assert_str_eq(zl_format_bytes(52428800, buf, sizeof buf), "50 MiB");
    ck_assert_str_eq(zl_format_bytes(1536, buf, sizeof buf), "1.5 KiB");
    ck_assert_str_eq(zl_format_bytes(12, buf, sizeof buf), "12 B");
}
END_TEST

Suite *suite_archive(void)
{
    Suite *s = suite_create("archive");
    TCase *tc = tcase_create("archive");
    tcase_add_test(tc, test_entry_table);
    tcase_add_loop_test(tc, test_bad_files, 0, sizeof bad_files / sizeof bad_files[0]);
    tcase_add_test(tc, test_missing_and_dir);
    tcase_add_test(tc, test_truncated_archive);
    tcase_add_test(tc, test_options);
    suite_add_tcase(s, tc);
    return s;
}
