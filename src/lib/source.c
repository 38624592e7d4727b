/* source.c - the libzip source ziplint opens archives through.
 *
 * Reads come from the original's fd with pread. Writes (zip_close after a
 * fix) go to a new file in the target's folder that has no name until it
 * is complete (O_TMPFILE; a named temporary file where the file system
 * cannot do that). On commit every byte is written and the kernel is
 * asked to start writing the file to disk; the writer (write.c) then
 * reads the new file back while the disk works, fsyncs it, and only then
 * gives it the target's name: libzip's own file source would rename
 * without fsync and leave its temporary file behind when killed.
 *
 * libzip reads and writes in small pieces (a central directory record,
 * then its name; a local header, then its name, then 8 KiB of data), so
 * both directions are buffered: reads fill a read-ahead window, writes
 * gather into a buffer flushed before anything that needs the file as
 * written (a seek elsewhere, commit). As writing goes on, the kernel is
 * asked to start writing the flushed bytes to disk, so that the writer's
 * fsync has little left to wait for. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zl_internal.h"

/* Read-ahead window; reads at least this large go straight to the caller. */
#define READ_AHEAD (128u << 10)
/* Write buffer; writes at least this large go straight to the file. */
#define WRITE_BUFFER (256u << 10)
/* Start writeback whenever this much more has been flushed. */
#define WRITEBACK_STEP (8u << 20)

struct zl_source_state {
    int fd;              /* original, read-only, borrowed */
    uint64_t size;
    time_t mtime;
    uint64_t pos;        /* read position */
    unsigned char *rbuf; /* read-ahead window: rbuf_len bytes of the file from rbuf_off */
    uint64_t rbuf_off;
    size_t rbuf_len;
    unsigned char *wbuf; /* pending writes: wbuf_len bytes that go at wbuf_off */
    uint64_t wbuf_off;
    size_t wbuf_len;
    uint64_t synced_to;  /* writeback started for [0, synced_to) */
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
    snprintf(s->message, sizeof s->message, "%s: %s", what, se ? zl_errno_cause(se) : "failed");
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
    s->wbuf_len = 0;
    s->synced_to = 0;
    if (s->wbuf == NULL && (s->wbuf = malloc(WRITE_BUFFER)) == NULL) {
        drop_output(s);
        zip_error_set(&s->error, ZIP_ER_MEMORY, 0);
        return -1;
    }
    return 0;
}

/* pwrite all of len bytes at off; -1 with the error recorded. */
static int write_at(source_state *s, const void *data, size_t len, uint64_t off)
{
    const char *p = data;
    while (len > 0) {
        ssize_t n = pwrite(s->out_fd, p, len, (off_t)off);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            set_message(s, ZIP_ER_WRITE, errno, "cannot write the new archive");
            return -1;
        }
        p += n;
        len -= (size_t)n;
        off += (uint64_t)n;
    }
    return 0;
}

/* Writes the pending bytes; asks the kernel to start writing them to disk
 * every WRITEBACK_STEP bytes (a hint: write.c's fsync is what counts). */
static int flush_output(source_state *s)
{
    if (s->wbuf_len == 0)
        return 0;
    size_t len = s->wbuf_len;
    s->wbuf_len = 0;
    if (write_at(s, s->wbuf, len, s->wbuf_off) != 0)
        return -1;
#ifdef SYNC_FILE_RANGE_WRITE
    uint64_t end = s->wbuf_off + len;
    if (end >= s->synced_to + WRITEBACK_STEP) {
        (void)sync_file_range(s->out_fd, (off_t)s->synced_to, (off_t)(end - s->synced_to),
                              SYNC_FILE_RANGE_WRITE);
        s->synced_to = end;
    }
#endif
    return 0;
}

static zip_int64_t write_output(source_state *s, const void *data, zip_uint64_t len)
{
    /* Pending bytes go first when this write does not continue them. */
    if (s->wbuf_len > 0 &&
        (s->wbuf_off + s->wbuf_len != s->out_pos || s->wbuf_len + len > WRITE_BUFFER))
        if (flush_output(s) != 0)
            return -1;
    if (len >= WRITE_BUFFER) {
        if (write_at(s, data, (size_t)len, s->out_pos) != 0)
            return -1;
    } else if (len > 0) {
        if (s->wbuf_len == 0)
            s->wbuf_off = s->out_pos;
        memcpy(s->wbuf + s->wbuf_len, data, (size_t)len);
        s->wbuf_len += (size_t)len;
    }
    s->out_pos += len;
    if (s->out_pos > s->out_len)
        s->out_len = s->out_pos;
    return (zip_int64_t)len;
}

/* pread into buf; the bytes read (0 at the end of the file), or -1. */
static ssize_t read_some(source_state *s, void *buf, size_t len, uint64_t off)
{
    for (;;) {
        ssize_t n = pread(s->fd, buf, len, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            set_message(s, ZIP_ER_READ, errno, "cannot read the archive");
        return n;
    }
}

/* Reads len bytes at s->pos (already clamped to the file's size) through
 * the read-ahead window. */
static zip_int64_t read_input(source_state *s, unsigned char *data, zip_uint64_t len)
{
    zip_uint64_t done = 0;
    while (done < len) {
        if (s->pos >= s->rbuf_off && s->pos < s->rbuf_off + s->rbuf_len) {
            size_t at = (size_t)(s->pos - s->rbuf_off);
            size_t k = s->rbuf_len - at;
            if (k > len - done)
                k = (size_t)(len - done);
            memcpy(data + done, s->rbuf + at, k);
            done += k;
            s->pos += k;
            continue;
        }
        ssize_t n;
        if (len - done >= READ_AHEAD) {
            n = read_some(s, data + done, (size_t)(len - done), s->pos);
            if (n > 0) {
                done += (zip_uint64_t)n;
                s->pos += (uint64_t)n;
            }
        } else {
            if (s->rbuf == NULL && (s->rbuf = malloc(READ_AHEAD)) == NULL) {
                zip_error_set(&s->error, ZIP_ER_MEMORY, 0);
                return -1;
            }
            uint64_t want = s->size - s->pos < READ_AHEAD ? s->size - s->pos : READ_AHEAD;
            s->rbuf_len = 0;
            n = read_some(s, s->rbuf, (size_t)want, s->pos);
            if (n > 0) {
                s->rbuf_off = s->pos;
                s->rbuf_len = (size_t)n;
            }
        }
        if (n < 0)
            return -1;
        if (n == 0)
            break; /* shorter than it was when opened */
    }
    return (zip_int64_t)done;
}

static zip_int64_t source_cb(void *ud, void *data, zip_uint64_t len, zip_source_cmd_t cmd)
{
    source_state *s = ud;
    switch (cmd) {
    case ZIP_SOURCE_OPEN:
        s->pos = 0;
        return 0;
    case ZIP_SOURCE_READ:
        if (s->pos >= s->size)
            return 0;
        if (len > s->size - s->pos)
            len = s->size - s->pos;
        return read_input(s, data, len);
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
        return write_output(s, data, len);
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
        if (flush_output(s) != 0)
            return -1;
#ifdef SYNC_FILE_RANGE_WRITE
        /* Starts the rest on its way to disk; write.c's fsync waits for it. */
        (void)sync_file_range(s->out_fd, (off_t)s->synced_to, 0, SYNC_FILE_RANGE_WRITE);
#endif
        s->committed = true;
        return 0;
    case ZIP_SOURCE_ROLLBACK_WRITE:
        s->wbuf_len = 0;
        drop_output(s);
        return 0;
    case ZIP_SOURCE_REMOVE:
        /* libzip asks this when every entry was deleted; never remove a
         * user's archive. */
        set_message(s, ZIP_ER_INVAL, 0, "refusing to remove the archive");
        return -1;
    case ZIP_SOURCE_FREE:
        drop_output(s);
        free(s->rbuf);
        free(s->wbuf);
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
