/* write.c - applies a plan: the edits go to libzip, libzip writes the new
 * archive through our source into an unnamed file beside the target
 * (its writeback started), the new file is read back and checked while
 * a thread fsyncs it, and only once that is done is it named and renamed over
 * the target, keeping the original's file mode. Any failure leaves the
 * target byte for byte as it was.
 *
 * A canonical plan (fix --reproducible) is written by write_canon.c
 * instead of libzip, into the same staged file, and goes through the same
 * read-back, naming and renaming. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "zl_internal.h"

static bool ends_with_slash(const char *s)
{
    size_t n = strlen(s);
    return n > 0 && s[n - 1] == '/';
}

/* libzip refuses a rename that changes whether the name ends with '/'
 * ("dir\" becoming "dir/"): such a directory entry is added again. */
static bool needs_recreate(const zl_entry *e, const zl_plan_entry *pe)
{
    return pe->new_name != NULL && ends_with_slash(e->name) != ends_with_slash(pe->new_name);
}

/* The external attributes for a new permission mode: host Unix, the type
 * bits kept, and the MS-DOS low byte (0x10 for a directory). */
static zip_uint32_t attributes_for(const zl_entry *e, uint32_t mode)
{
    uint32_t type = e->has_unix_mode ? (e->mode & S_IFMT) : 0;
    if (type == 0)
        type = e->type == ZL_TYPE_DIR ? S_IFDIR : e->type == ZL_TYPE_SYMLINK ? S_IFLNK : S_IFREG;
    uint32_t low = e->attributes & 0xff;
    if (e->type == ZL_TYPE_DIR)
        low |= 0x10;
    if (mode & 0200)
        low &= ~0x01u; /* MS-DOS read-only */
    return ((type | ZL_MODE_PERM(mode)) << 16) | low;
}

static int zip_fail(zl_archive *ar, const zl_entry *e, const char *what, zl_error *err)
{
    return zl_error_set(err, ZL_E_WRITE, "%s: entry '%s': cannot %s: %s", ar->path, e->name, what,
                        zip_strerror(ar->za));
}

/* A name no entry has, for the first phase of renaming. */
static char *temp_name(zip_t *za, size_t i, bool dir)
{
    for (unsigned k = 0; k < 1000; k++) {
        char *n = zl_asprintf(".ziplint-rename-%zu-%u%s", i, k, dir ? "/" : "");
        if (n == NULL || zip_name_locate(za, n, ZIP_FL_ENC_RAW) < 0)
            return n;
        free(n);
    }
    return NULL;
}

static int set_attributes(zl_archive *ar, const zl_entry *e, zip_uint64_t idx, uint8_t opsys,
                          zip_uint32_t attr, zl_error *err)
{
    if (zip_file_set_external_attributes(ar->za, idx, 0, opsys, attr) != 0)
        return zip_fail(ar, e, "set its mode", err);
    return ZL_OK;
}

/* Step 2: the plan, as libzip edits. *recreated_at receives, for entries
 * added again, their new libzip index. */
static int edit_archive(zl_plan *plan, zip_int64_t *recreated_at, zl_error *err)
{
    zl_archive *ar = plan->ar;
    zip_t *za = ar->za;
    int rc = ZL_OK;

    for (size_t i = 0; i < ar->n_entries; i++) {
        const zl_entry *e = &ar->entries[i];
        const zl_plan_entry *pe = &plan->entries[i];
        recreated_at[i] = -1;
        if (pe->deleted || needs_recreate(e, pe)) {
            if (zip_delete(za, e->index) != 0)
                return zip_fail(ar, e, "delete it", err);
        }
    }

    /* Renames in two phases: re-rooting swaps and overlaps names, and libzip
     * refuses a rename onto a name that exists. */
    for (int phase = 0; phase < 2; phase++) {
        for (size_t i = 0; i < ar->n_entries; i++) {
            const zl_entry *e = &ar->entries[i];
            const zl_plan_entry *pe = &plan->entries[i];
            if (pe->deleted || pe->new_name == NULL || needs_recreate(e, pe))
                continue;
            char *tmp = NULL;
            const char *to = pe->new_name;
            if (phase == 0) {
                tmp = temp_name(za, i, ends_with_slash(e->name));
                if (tmp == NULL)
                    return zl_error_set(err, ZL_E_NOMEM, "%s: out of memory", ar->path);
                to = tmp;
            }
            int r = zip_file_rename(za, e->index, to, ZIP_FL_ENC_GUESS);
            free(tmp);
            if (r != 0)
                return zip_fail(ar, e, "rename it", err);
        }
    }

    for (size_t i = 0; i < ar->n_entries; i++) {
        const zl_entry *e = &ar->entries[i];
        const zl_plan_entry *pe = &plan->entries[i];
        if (pe->deleted)
            continue;
        zip_uint64_t idx = e->index;
        if (needs_recreate(e, pe)) {
            zip_int64_t ni = zip_dir_add(za, pe->new_name, ZIP_FL_ENC_GUESS);
            if (ni < 0)
                return zip_fail(ar, e, "add it again under its new name", err);
            idx = (zip_uint64_t)ni;
            recreated_at[i] = ni;
            if (zip_file_set_mtime(za, idx, e->mtime, 0) != 0)
                return zip_fail(ar, e, "keep its time", err);
            if (!pe->chmod &&
                (rc = set_attributes(ar, e, idx, e->opsys, e->attributes, err)) != ZL_OK)
                return rc;
        }
        if (pe->chmod &&
            (rc = set_attributes(ar, e, idx, ZIP_OPSYS_UNIX, attributes_for(e, pe->mode), err)) !=
                ZL_OK)
            return rc;
        if (pe->data != NULL) {
            zip_source_t *src = zip_source_buffer(za, pe->data, pe->len, 0);
            if (src == NULL)
                return zip_fail(ar, e, "replace its data", err);
            if (zip_file_replace(za, idx, src, 0) != 0) {
                zip_source_free(src);
                return zip_fail(ar, e, "replace its data", err);
            }
        }
        if (pe->data != NULL || pe->recompress) {
            if (zip_set_file_compression(za, idx, ZIP_CM_DEFLATE, 0) != 0)
                return zip_fail(ar, e, "set its compression", err);
            /* A replaced entry would otherwise get the current time. */
            if (zip_file_set_mtime(za, idx, e->mtime, 0) != 0)
                return zip_fail(ar, e, "keep its time", err);
        }
    }
    return ZL_OK;
}

int zl_write_source_error(zl_archive *ar, const char *target, zl_error *err)
{
    const char *m = zl_source_error(ar->stage);
    return zl_error_set(err, ZL_E_WRITE, "%s: %s (the original is unchanged)", target,
                        m ? m : zip_error_strerror(zip_source_error(ar->src)));
}

/* One line naming what failed while libzip wrote through our source. */
static int close_error(zl_archive *ar, const char *target, zl_error *err)
{
    zip_error_t *ze = zip_get_error(ar->za);
    int zc = zip_error_code_zip(ze);
    int se = zip_error_system_type(ze) == ZIP_ET_SYS ? zip_error_code_system(ze) : 0;
    const char *what = "cannot write the new archive";
    if (zc == ZIP_ER_TMPOPEN)
        what = "cannot create the new archive beside it";
    else if (zc == ZIP_ER_READ || zc == ZIP_ER_SEEK)
        what = "cannot read the archive";
    else if (zc == ZIP_ER_CRC)
        what = "entry data is corrupt";
    const char *cause = se != 0 ? zl_errno_cause(se) : NULL;
    if (cause == NULL && zc != ZIP_ER_CRC) {
        const char *m = zl_source_error(ar->stage);
        cause = m != NULL ? m : zip_strerror(ar->za);
    }
    return zl_error_set(err, ZL_E_WRITE, "%s: %s%s%s (the original is unchanged)", target, what,
                        cause ? ": " : "", cause ? cause : "");
}

/* ---- reading the new file back ---- */

static int readback_entry_data(zip_t *nz, zip_uint64_t idx, const zl_plan_entry *pe,
                               const zl_entry *e, const char *target, zl_error *err)
{
    zip_file_t *zf = zip_fopen_index(nz, idx, 0);
    if (zf == NULL)
        return zl_error_set(err, ZL_E_WRITE, "%s: read back: entry '%s': %s", target, e->name,
                            zip_strerror(nz));
    int rc = ZL_OK;
    unsigned char buf[65536];
    uint64_t off = 0;
    for (;;) {
        /* zip_fread checks the CRC when it reaches the end. */
        zip_int64_t n = zip_fread(zf, buf, sizeof buf);
        if (n < 0) {
            rc = zl_error_set(err, ZL_E_WRITE, "%s: read back: entry '%s': %s", target, e->name,
                              zip_file_strerror(zf));
            break;
        }
        if (n == 0)
            break;
        if (pe->data != NULL &&
            (off + (uint64_t)n > pe->len || memcmp(buf, pe->data + off, (size_t)n) != 0)) {
            rc = zl_error_set(err, ZL_E_WRITE, "%s: read back: entry '%s': data differs from "
                              "what was planned", target, e->name);
            break;
        }
        off += (uint64_t)n;
    }
    zip_fclose(zf);
    uint64_t want = pe->data != NULL ? pe->len : e->size;
    if (rc == ZL_OK && off != want)
        rc = zl_error_set(err, ZL_E_WRITE, "%s: read back: entry '%s': %llu bytes, expected %llu",
                          target, e->name, (unsigned long long)off, (unsigned long long)want);
    return rc;
}

/* Checks one entry of the new file against the plan: its name, its mode,
 * and either its copied metadata (CRC, sizes: copied raw) or, for data the
 * writer produced, the data itself. */
static int readback_entry(zip_t *nz, zip_uint64_t idx, const zl_entry *e, const zl_plan_entry *pe,
                          bool recreated, const char *target, zl_error *err)
{
    const char *want = pe->new_name ? pe->new_name : e->name;
    const char *got = zip_get_name(nz, idx, ZIP_FL_ENC_RAW);
    if (got == NULL || strcmp(got, want) != 0)
        return zl_error_set(err, ZL_E_WRITE, "%s: read back: entry %llu is named '%s', expected "
                            "'%s'", target, (unsigned long long)idx, got ? got : "?", want);
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(nz, idx, 0, &st) != 0)
        return zl_error_set(err, ZL_E_WRITE, "%s: read back: entry '%s': %s", target, want,
                            zip_strerror(nz));
    if (pe->chmod) {
        zip_uint8_t opsys = 0;
        zip_uint32_t attr = 0;
        if (zip_file_get_external_attributes(nz, idx, 0, &opsys, &attr) != 0 ||
            opsys != ZIP_OPSYS_UNIX || ZL_MODE_PERM(attr >> 16) != pe->mode)
            return zl_error_set(err, ZL_E_WRITE, "%s: read back: entry '%s' does not have mode "
                                "%04o", target, want, (unsigned)pe->mode);
    }
    if (pe->data != NULL || pe->recompress) {
        if (st.comp_method != ZIP_CM_DEFLATE)
            return zl_error_set(err, ZL_E_WRITE, "%s: read back: entry '%s' is not deflated",
                                target, want);
        if (pe->recompress && st.crc != e->crc)
            return zl_error_set(err, ZL_E_WRITE, "%s: read back: entry '%s': CRC changed",
                                target, want);
        return readback_entry_data(nz, idx, pe, e, target, err);
    }
    if (recreated)
        return ZL_OK;
    if (st.crc != e->crc || st.size != e->size || st.comp_size != e->comp_size ||
        st.comp_method != e->method)
        return zl_error_set(err, ZL_E_WRITE, "%s: read back: entry '%s' was not copied as it "
                            "was", target, want);
    return ZL_OK;
}

int zl_write_open_staged(int fd, const char *target, zip_t **out, zl_error *err)
{
    int rc = ZL_OK;
    zip_error_t zerr;
    zl_source_state *state = NULL;
    zip_source_t *src = NULL;
    struct stat st;

    *out = NULL;
    zip_error_init(&zerr);
    if (fstat(fd, &st) != 0) {
        rc = zl_error_set(err, ZL_E_WRITE, "%s: read back: %s", target, zl_errno_cause(errno));
        goto out;
    }
    src = zl_source_new(fd, (uint64_t)st.st_size, st.st_mtime, &state, &zerr);
    if (src == NULL) {
        rc = zl_error_set(err, ZL_E_WRITE, "%s: read back: %s", target, zip_error_strerror(&zerr));
        goto out;
    }
    *out = zip_open_from_source(src, ZIP_CHECKCONS | ZIP_RDONLY, &zerr);
    if (*out == NULL) {
        rc = zl_error_set(err, ZL_E_WRITE, "%s: read back: the new archive does not parse: %s",
                          target, zip_error_strerror(&zerr));
        goto out;
    }
    src = NULL; /* the archive owns it now */
out:
    zip_source_free(src);
    zip_error_fini(&zerr);
    return rc;
}

static int read_back(zl_plan *plan, int fd, const zip_int64_t *recreated_at, const char *target,
                     zl_error *err)
{
    zl_archive *ar = plan->ar;
    zip_t *nz = NULL;
    int rc = zl_write_open_staged(fd, target, &nz, err);
    if (rc != ZL_OK)
        return rc;

    size_t expect = 0;
    for (size_t i = 0; i < ar->n_entries; i++)
        if (!plan->entries[i].deleted)
            expect++;
    zip_int64_t n = zip_get_num_entries(nz, 0);
    if (n < 0 || (uint64_t)n != expect) {
        rc = zl_error_set(err, ZL_E_WRITE, "%s: read back: %lld entries, expected %zu", target,
                          (long long)n, expect);
        goto out;
    }
    /* Survivors keep their order; entries added again follow at the end. */
    zip_uint64_t idx = 0;
    for (int pass = 0; pass < 2 && rc == ZL_OK; pass++) {
        for (size_t i = 0; i < ar->n_entries && rc == ZL_OK; i++) {
            if (plan->entries[i].deleted || (recreated_at[i] >= 0) != (pass == 1))
                continue;
            rc = readback_entry(nz, idx++, &ar->entries[i], &plan->entries[i], pass == 1, target,
                                err);
        }
    }
out:
    if (nz != NULL)
        zip_discard(nz);
    return rc;
}

/* ---- naming the new file ---- */

static char *dir_of(const char *path)
{
    char *copy = zl_strdup(path);
    if (copy == NULL)
        return NULL;
    char *d = zl_strdup(dirname(copy));
    free(copy);
    return d;
}

/* Gives the unnamed (O_TMPFILE) file a hidden name beside the target. */
static int link_hidden(int fd, const char *target, char **name_out, zl_error *err)
{
    char *dir = dir_of(target);
    char *bcopy = zl_strdup(target);
    char *proc = zl_asprintf("/proc/self/fd/%d", fd);
    int rc = ZL_OK;
    *name_out = NULL;
    if (dir == NULL || bcopy == NULL || proc == NULL) {
        rc = zl_error_set(err, ZL_E_NOMEM, "%s: out of memory", target);
        goto out;
    }
    const char *base = basename(bcopy);
    unsigned seed = (unsigned)getpid() ^ (unsigned)time(NULL);
    for (unsigned k = 0; k < 100; k++) {
        char *name = zl_asprintf("%s/.%s.ziplint-%06x", dir, base, (seed + k * 7919u) & 0xffffffu);
        if (name == NULL) {
            rc = zl_error_set(err, ZL_E_NOMEM, "%s: out of memory", target);
            goto out;
        }
        int r = linkat(AT_FDCWD, proc, AT_FDCWD, name, AT_SYMLINK_FOLLOW);
#ifdef AT_EMPTY_PATH
        if (r != 0 && errno == ENOENT) /* no /proc: needs CAP_DAC_READ_SEARCH */
            r = linkat(fd, "", AT_FDCWD, name, AT_EMPTY_PATH);
#endif
        if (r == 0) {
            *name_out = name;
            goto out;
        }
        int e = errno;
        free(name);
        if (e != EEXIST) {
            rc = zl_error_set(err, ZL_E_WRITE,
                              "%s: cannot name the new archive: %s (the original is unchanged)",
                              target, zl_errno_cause(e));
            goto out;
        }
    }
    rc = zl_error_set(err, ZL_E_WRITE, "%s: cannot find a free temporary name", target);
out:
    free(dir);
    free(bcopy);
    free(proc);
    return rc;
}

/* Flushes the folder so the rename itself survives a crash. Best effort:
 * the new archive is already in place. */
static void sync_dir(const char *target)
{
    char *dir = dir_of(target);
    if (dir == NULL)
        return;
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        (void)fsync(dfd);
        close(dfd);
    }
    free(dir);
}

/* ---- letting go of the file the new one replaced ---- */

/* The last close of a file that no longer has a name frees its cached
 * pages and its blocks: 0.07 s for a 70 MB archive, 0.15 s for 150 MB on
 * the development machine. Nothing reads that file once the new one has
 * its name, so the last close is made on a thread of its own while the
 * caller goes on (reading the result back). */

static void *close_fd(void *arg)
{
    close((int)(intptr_t)arg);
    return NULL;
}

/* A descriptor of what target names now (the file rename will replace), or
 * -1 when it names nothing. */
static int hold_target(const char *target)
{
    return open(target, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
}

/* Closes held (from hold_target) on a detached thread. When it is the
 * original archive, ar->fd is first pointed at /dev/null so that its last
 * reference goes with held too (a stray read of it then ends at once
 * instead of reading some other file that reused the number). */
static void release_in_background(zl_archive *ar, int held)
{
    struct stat a, b;
    if (held < 0)
        return;
    if (ar->fd >= 0 && fstat(held, &a) == 0 && fstat(ar->fd, &b) == 0 && a.st_dev == b.st_dev &&
        a.st_ino == b.st_ino) {
        int nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (nul >= 0) {
            if (dup3(nul, ar->fd, O_CLOEXEC) < 0) {
                close(nul);
                close(held);
                return;
            }
            close(nul);
        }
    }
    pthread_attr_t attr;
    pthread_t t;
    if (pthread_attr_init(&attr) != 0) {
        close(held);
        return;
    }
    (void)pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&t, &attr, close_fd, (void *)(intptr_t)held) != 0)
        close(held);
    pthread_attr_destroy(&attr);
}

/* Copies the original unchanged into the staged file (--output with nothing
 * to change: libzip would write nothing). */
static int stage_copy(zl_archive *ar, const char *target, zl_error *err)
{
    if (zip_source_begin_write(ar->src) != 0)
        goto fail;
    char buf[65536];
    uint64_t off = 0;
    while (off < ar->file_size) {
        ssize_t n = pread(ar->fd, buf, sizeof buf, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int e = n < 0 ? errno : EIO;
            zip_source_rollback_write(ar->src);
            return zl_error_set(err, ZL_E_IO, "%s: cannot read: %s", ar->path, zl_errno_cause(e));
        }
        if (zip_source_write(ar->src, buf, (zip_uint64_t)n) != n) {
            zip_source_rollback_write(ar->src);
            goto fail;
        }
        off += (uint64_t)n;
    }
    if (zip_source_commit_write(ar->src) != 0) {
        zip_source_rollback_write(ar->src);
        goto fail;
    }
    return ZL_OK;
fail : {
    zip_error_t *ze = zip_source_error(ar->src);
    int se = zip_error_system_type(ze) == ZIP_ET_SYS ? zip_error_code_system(ze) : 0;
    return zl_error_set(err, ZL_E_WRITE, "%s: cannot write: %s", target,
                        se ? zl_errno_cause(se) : zip_error_strerror(ze));
}
}

/* Where the result goes: the file a symlinked path points to (the link
 * stays), or output as given when it does not exist yet. */
static char *resolve_target(const char *path)
{
    char buf[PATH_MAX];
    if (realpath(path, buf) != NULL)
        return zl_strdup(buf);
    if (errno == ENOENT)
        return zl_strdup(path);
    return NULL;
}

void zl_plan_set_progress(zl_plan *plan, zl_progress_fn fn, void *ud)
{
    plan->progress = fn;
    plan->progress_ud = ud;
}

static void progress_cb(zip_t *za, double fraction, void *ud)
{
    const zl_plan *plan = ud;
    (void)za;
    plan->progress(fraction, plan->progress_ud);
}

/* The staged file is flushed to disk on a thread of its own while the
 * caller reads it back and goes on (fix: the data rules still inflating):
 * the flush is the device's time (about 1 ms per MB here, however long the
 * kernel has been writing back), not the CPU's. zl_plan_commit waits for it
 * before naming the file. */

static void *flush_staged(void *arg)
{
    zl_plan *plan = arg;
    plan->flush_errno = fsync(plan->staged_fd) == 0 ? 0 : errno;
    return NULL;
}

static void start_flush(zl_plan *plan)
{
    plan->flushing = pthread_create(&plan->flush_thread, NULL, flush_staged, plan) == 0;
}

/* 0 when the staged file is on disk, else the errno of the failed flush. */
static int finish_flush(zl_plan *plan)
{
    if (!plan->flushing)
        return fsync(plan->staged_fd) == 0 ? 0 : errno; /* no thread could be made */
    pthread_join(plan->flush_thread, NULL);
    plan->flushing = false;
    return plan->flush_errno;
}

/* The staged file (zl_plan_stage) dropped: its name, when it has one, is
 * unlinked; an O_TMPFILE goes with its last descriptor. */
void zl_plan_drop_staged(zl_plan *plan)
{
    if (plan->flushing) {
        pthread_join(plan->flush_thread, NULL);
        plan->flushing = false;
    }
    if (plan->staged_tmp != NULL) {
        unlink(plan->staged_tmp);
        free(plan->staged_tmp);
        plan->staged_tmp = NULL;
    }
    if (plan->staged_fd >= 0)
        close(plan->staged_fd);
    plan->staged_fd = -1;
    free(plan->staged_target);
    plan->staged_target = NULL;
}


int zl_plan_stage(zl_plan *plan, const char *output, zl_error *err)
{
    zl_archive *ar = plan->ar;
    int rc = ZL_OK;
    int fd = -1;
    char *tmp = NULL;
    char *target = NULL;
    zip_int64_t *recreated_at = NULL;
    zl_canon *canon = NULL;

    if (ar->written || plan->staged_fd >= 0)
        return zl_error_set(err, ZL_E_INVAL, "%s: the archive was already written", ar->path);
    if (output == NULL && zl_plan_is_empty(plan))
        return ZL_OK; /* nothing to change: not rewritten, its mtime stays */

    target = resolve_target(output ? output : ar->path);
    if (target == NULL) {
        rc = zl_error_set(err, ZL_E_WRITE, "%s: cannot resolve the path: %s",
                          output ? output : ar->path, zl_errno_cause(errno));
        goto out;
    }
    if ((rc = zl_source_set_target(ar->stage, target, err)) != ZL_OK)
        goto out;

    ar->written = true;
    if (zl_plan_is_empty(plan)) {
        zip_discard(ar->za);
        ar->za = NULL;
        if ((rc = stage_copy(ar, target, err)) != ZL_OK)
            goto out;
    } else if (plan->canonical) {
        if ((rc = zl_canon_stage(plan, &canon, target, err)) != ZL_OK)
            goto out;
    } else {
        recreated_at = calloc(ar->n_entries ? ar->n_entries : 1, sizeof *recreated_at);
        if (recreated_at == NULL) {
            rc = zl_error_set(err, ZL_E_NOMEM, "%s: out of memory", ar->path);
            goto out;
        }
        if ((rc = edit_archive(plan, recreated_at, err)) != ZL_OK) {
            zip_discard(ar->za);
            ar->za = NULL;
            goto out;
        }
        if (plan->progress != NULL)
            zip_register_progress_callback_with_state(ar->za, 0.01, progress_cb, NULL, plan);
        if (zip_close(ar->za) != 0) {
            rc = close_error(ar, target, err);
            zip_discard(ar->za);
            ar->za = NULL;
            goto out;
        }
        ar->za = NULL;
    }

    if (zl_source_take_output(ar->stage, &fd, &tmp) != ZL_OK) {
        rc = zl_error_set(err, ZL_E_WRITE, "%s: libzip wrote no new archive (the original is "
                          "unchanged)", target);
        goto out;
    }
    plan->staged_fd = fd;
    plan->staged_tmp = tmp;
    plan->staged_target = target;
    fd = -1;
    tmp = NULL;
    target = NULL;
    start_flush(plan);
    if (canon != NULL)
        rc = zl_canon_read_back(canon, plan->staged_fd, plan->staged_target, err);
    else if (!zl_plan_is_empty(plan))
        rc = read_back(plan, plan->staged_fd, recreated_at, plan->staged_target, err);
    if (rc != ZL_OK)
        zl_plan_drop_staged(plan);
out:
    if (tmp != NULL) {
        unlink(tmp);
        free(tmp);
    }
    if (fd >= 0)
        close(fd);
    free(recreated_at);
    zl_canon_free(canon);
    free(target);
    return rc;
}

int zl_plan_check(const zl_plan *plan, zl_error *err)
{
    /* The findings the check added since the plan was made (the data
     * pass's, on fix) may forbid the rewrite after all. */
    return zl_plan_refusal(plan->ar, plan->res, err);
}

int zl_plan_commit(zl_plan *plan, zl_error *err)
{
    zl_archive *ar = plan->ar;
    int rc = ZL_OK;
    int replaced = -1;
    if ((rc = zl_plan_check(plan, err)) != ZL_OK)
        goto out;
    if (plan->staged_fd < 0)
        return ZL_OK; /* nothing was staged: nothing to change */
    const int fd = plan->staged_fd;
    const char *target = plan->staged_target;
    /* On disk before it is named. */
    int flushed = finish_flush(plan);
    if (flushed != 0) {
        rc = zl_error_set(err, ZL_E_WRITE, "%s: cannot write the new archive: %s (the original "
                          "is unchanged)", target, zl_errno_cause(flushed));
        goto out;
    }
    if (fchmod(fd, ar->file_mode) != 0) {
        rc = zl_error_set(err, ZL_E_WRITE, "%s: cannot set the file mode: %s (the original is "
                          "unchanged)", target, zl_errno_cause(errno));
        goto out;
    }
    if (plan->staged_tmp == NULL && (rc = link_hidden(fd, target, &plan->staged_tmp, err)) != ZL_OK)
        goto out;
    replaced = hold_target(target);
    if (rename(plan->staged_tmp, target) != 0) {
        rc = zl_error_set(err, ZL_E_WRITE, "%s: cannot replace it: %s (the original is "
                          "unchanged)", target, zl_errno_cause(errno));
        goto out;
    }
    release_in_background(ar, replaced);
    replaced = -1;
    free(plan->staged_tmp);
    plan->staged_tmp = NULL; /* it is the target now */
    sync_dir(target);
out:
    if (replaced >= 0)
        close(replaced);
    zl_plan_drop_staged(plan);
    return rc;
}

int zl_plan_apply(zl_plan *plan, const char *output, zl_error *err)
{
    int rc = zl_plan_stage(plan, output, err);
    if (rc == ZL_OK)
        rc = zl_plan_commit(plan, err);
    else
        zl_plan_drop_staged(plan);
    return rc;
}
