/* source.c - the libzip source ziplint opens archives through.
 *
 * Reads come from the original's fd with pread. Writes (zip_close after a
 * fix) go to a new file in the target's folder that has no name until it
 * is complete (O_TMPFILE; a named temporary file where the file system
 * cannot do that), and are fsynced on commit. The writer then reads the
 * new file back and only then gives it the target's name: libzip's own
 * file source would rename without fsync and leave its temporary file
 * behind when killed. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zl_internal.h"

struct zl_source_state {
    int fd;              /* original, read-only, borrowed */
    uint64_t size;
    time_t mtime;
    uint64_t pos;        /* read position */
    zip_error_t error;
    char *target;        /* where the output will end up (its folder holds the temp) */
    int out_fd;          /* staged output */
    char *out_name;      /* named temporary file, when O_TMPFILE was not possible */
    uint64_t out_pos;
    uint64_t out_len;
    bool committed;
    char message[512];
};
typedef struct zl_source_state source_state;

static void set_message(source_state *s, int ze, int se, const char *what)
{
    zip_error_set(&s->error, ze, se);
    snprintf(s->message, sizeof s->message, "%s: %s", what, se ? strerror(se) : "failed");
}

static void drop_output(source_state *s)
{
    if (s->out_fd >= 0)
        close(s->out_fd);
    s->out_fd = -1;
    if (s->out_name != NULL) {
        unlink(s->out_name);
        free(s->out_name);
        s->out_name = NULL;
    }
    s->committed = false;
}

static int begin_write(source_state *s)
{
    drop_output(s);
    if (s->target == NULL) {
        set_message(s, ZIP_ER_INTERNAL, 0, "no target set for writing");
        return -1;
    }
    char *copy = zl_strdup(s->target);
    if (copy == NULL) {
        zip_error_set(&s->error, ZIP_ER_MEMORY, 0);
        return -1;
    }
    const char *dir = dirname(copy);
#ifdef O_TMPFILE
    s->out_fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
#endif
    if (s->out_fd < 0) {
        /* No O_TMPFILE here: a hidden name beside the target. */
        char *base_copy = zl_strdup(s->target);
        char *name = base_copy ? zl_asprintf("%s/.%s.ziplint-XXXXXX", dir, basename(base_copy))
                               : NULL;
        free(base_copy);
        if (name == NULL) {
            free(copy);
            zip_error_set(&s->error, ZIP_ER_MEMORY, 0);
            return -1;
        }
        s->out_fd = mkostemp(name, O_CLOEXEC);
        if (s->out_fd < 0) {
            int e = errno;
            free(name);
            free(copy);
            set_message(s, ZIP_ER_TMPOPEN, e, "cannot create the new archive beside the original");
            return -1;
        }
        s->out_name = name;
    }
    free(copy);
    s->out_pos = 0;
    s->out_len = 0;
    return 0;
}

static zip_int64_t write_all(source_state *s, const void *data, zip_uint64_t len)
{
    const char *p = data;
    zip_uint64_t left = len;
    while (left > 0) {
        ssize_t n = pwrite(s->out_fd, p, left, (off_t)s->out_pos);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            set_message(s, ZIP_ER_WRITE, errno, "cannot write the new archive");
            return -1;
        }
        p += n;
        left -= (zip_uint64_t)n;
        s->out_pos += (uint64_t)n;
    }
    if (s->out_pos > s->out_len)
        s->out_len = s->out_pos;
    return (zip_int64_t)len;
}

static zip_int64_t source_cb(void *ud, void *data, zip_uint64_t len, zip_source_cmd_t cmd)
{
    source_state *s = ud;
    switch (cmd) {
    case ZIP_SOURCE_OPEN:
        s->pos = 0;
        return 0;
    case ZIP_SOURCE_READ: {
        if (s->pos >= s->size)
            return 0;
        if (len > s->size - s->pos)
            len = s->size - s->pos;
        for (;;) {
            ssize_t n = pread(s->fd, data, len, (off_t)s->pos);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0) {
                set_message(s, ZIP_ER_READ, errno, "cannot read the archive");
                return -1;
            }
            s->pos += (uint64_t)n;
            return n;
        }
    }
    case ZIP_SOURCE_CLOSE:
        return 0;
    case ZIP_SOURCE_STAT: {
        zip_stat_t *st = data;
        if (len < sizeof *st) {
            zip_error_set(&s->error, ZIP_ER_INVAL, 0);
            return -1;
        }
        zip_stat_init(st);
        st->size = s->size;
        st->mtime = s->mtime;
        st->valid |= ZIP_STAT_SIZE | ZIP_STAT_MTIME;
        return sizeof *st;
    }
    case ZIP_SOURCE_ERROR:
        return zip_error_to_data(&s->error, data, len);
    case ZIP_SOURCE_SEEK: {
        zip_int64_t off = zip_source_seek_compute_offset(s->pos, s->size, data, len, &s->error);
        if (off < 0)
            return -1;
        s->pos = (uint64_t)off;
        return 0;
    }
    case ZIP_SOURCE_TELL:
        return (zip_int64_t)s->pos;
    case ZIP_SOURCE_BEGIN_WRITE:
        return begin_write(s);
    case ZIP_SOURCE_WRITE:
        return write_all(s, data, len);
    case ZIP_SOURCE_SEEK_WRITE: {
        zip_int64_t off =
            zip_source_seek_compute_offset(s->out_pos, s->out_len, data, len, &s->error);
        if (off < 0)
            return -1;
        s->out_pos = (uint64_t)off;
        return 0;
    }
    case ZIP_SOURCE_TELL_WRITE:
        return (zip_int64_t)s->out_pos;
    case ZIP_SOURCE_COMMIT_WRITE:
        if (fsync(s->out_fd) != 0) {
            set_message(s, ZIP_ER_WRITE, errno, "cannot flush the new archive to disk");
            return -1;
        }
        s->committed = true;
        return 0;
    case ZIP_SOURCE_ROLLBACK_WRITE:
        drop_output(s);
        return 0;
    case ZIP_SOURCE_REMOVE:
        /* libzip asks this when every entry was deleted; never remove a
         * user's archive. */
        set_message(s, ZIP_ER_INVAL, 0, "refusing to remove the archive");
        return -1;
    case ZIP_SOURCE_FREE:
        drop_output(s);
        free(s->target);
        zip_error_fini(&s->error);
        free(s);
        return 0;
    case ZIP_SOURCE_SUPPORTS:
        return zip_source_make_command_bitmap(
            ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE, ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR,
            ZIP_SOURCE_FREE, ZIP_SOURCE_SEEK, ZIP_SOURCE_TELL, ZIP_SOURCE_SUPPORTS,
            ZIP_SOURCE_BEGIN_WRITE, ZIP_SOURCE_WRITE, ZIP_SOURCE_SEEK_WRITE,
            ZIP_SOURCE_TELL_WRITE, ZIP_SOURCE_COMMIT_WRITE, ZIP_SOURCE_ROLLBACK_WRITE,
            ZIP_SOURCE_REMOVE, -1);
    default:
        zip_error_set(&s->error, ZIP_ER_OPNOTSUPP, 0);
        return -1;
    }
}

zip_source_t *zl_source_new(int fd, uint64_t size, time_t mtime, zl_source_state **state,
                            zip_error_t *zerr)
{
    *state = NULL;
    source_state *s = calloc(1, sizeof *s);
    if (s == NULL) {
        zip_error_set(zerr, ZIP_ER_MEMORY, 0);
        return NULL;
    }
    s->fd = fd;
    s->size = size;
    s->mtime = mtime;
    s->out_fd = -1;
    zip_error_init(&s->error);
    zip_source_t *src = zip_source_function_create(source_cb, s, zerr);
    if (src == NULL) {
        zip_error_fini(&s->error);
        free(s);
        return NULL;
    }
    *state = s;
    return src;
}

int zl_source_set_target(zl_source_state *s, const char *target, zl_error *err)
{
    char *t = zl_strdup(target);
    if (t == NULL)
        return zl_error_set(err, ZL_E_NOMEM, "%s: out of memory", target);
    free(s->target);
    s->target = t;
    return ZL_OK;
}

int zl_source_take_output(zl_source_state *s, int *fd, char **tmp_name)
{
    *fd = -1;
    *tmp_name = NULL;
    if (!s->committed || s->out_fd < 0)
        return ZL_E_WRITE;
    *fd = s->out_fd;
    *tmp_name = s->out_name;
    s->out_fd = -1;
    s->out_name = NULL;
    s->committed = false;
    return ZL_OK;
}

const char *zl_source_error(const zl_source_state *s)
{
    return (s != NULL && s->message[0] != '\0') ? s->message : NULL;
}
