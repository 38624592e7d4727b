/* cmd_check.c - `ziplint check` and `ziplint fix`: the command line over
 * the config file into library calls, per archive; -j N archives at once,
 * reported in command-line order; an archive that fails does not stop the
 * others. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* One archive of the command line: its settings (the command line over
 * the config file's [archive] and [ziplint] keys), then what checking it
 * produced, kept until it is reported in command-line order. */
typedef struct job {
    const char *path;
    cli_args m;              /* merged arguments (borrowed strings) */
    const char **cfg_layers; /* m.layers when they came from the config (owned) */
    char *layers_text;       /* their storage */
    cli_settings set;
    int ready;               /* settings valid */
    /* results */
    zl_archive *ar, *after;
    zl_result *res, *left;
    zl_options after_opt;    /* the re-check's options (left borrows them) */
    zl_plan *plan;
    const char *rep_path;              /* the path to report under */
    const zl_archive *rep_ar;          /* what to report (NULL: trouble) */
    const zl_result *rep_res;
    const zl_plan *rep_plan;
    char *error;                       /* trouble message */
    char *err_text, *out_text;         /* buffered stderr and dry-run text */
    size_t err_len, out_len;
    FILE *errf, *outf;
    int trouble, failing, done;
    /* fix: the file as stat(2) names it, and the earlier job given the
     * same file (-1: none); that one alone fixes it */
    int have_id;
    dev_t dev;
    ino_t ino;
    long same_as;
} job;

/* What one run shares across its archives. */
typedef struct run {
    const cli_args *args;
    cli_settings *set; /* the run's settings (command line over [ziplint]) */
    zl_config *cfg;
    zl_ruleset *rs;
    zl_report *rep;
    FILE *out;   /* the report's stream */
    int trouble; /* an archive could not be read or written */
    int failing; /* a finding at or above --fail-on, or a refused fix */
    int progress; /* show a progress bar while fixing (stderr is a terminal, -j 1) */
    job *jobs;
    size_t n_jobs;
    /* -j: workers take the next archive; the main thread reports in order */
    pthread_mutex_t lock;
    pthread_cond_t cond;
    size_t next, reported;
    size_t window; /* how far workers may run ahead of the report */
} run;

static int result_fails(const job *j, const zl_result *res)
{
    zl_severity max = zl_result_max_severity(res);
    return j->set.fail_on != ZL_SEV_NONE && max != ZL_SEV_NONE && max >= j->set.fail_on;
}

/* Records what to report for the archive. */
static void outcome(job *j, const char *path, const zl_archive *ar, const zl_result *res,
                    const zl_plan *applied)
{
    j->rep_path = path;
    j->rep_ar = ar;
    j->rep_res = res;
    j->rep_plan = applied;
}

/* An archive that could not be read or written: one line on stderr (the
 * library's message names the file), and the report's entry. */
static void archive_trouble(job *j, const char *path, const char *message)
{
    fprintf(j->errf, "ziplint: %s\n", message);
    free(j->error);
    j->error = strdup(message);
    outcome(j, path, NULL, NULL, NULL);
    j->trouble = 1;
}

/* Copies standard input into an unnamed temporary file and opens it: a
 * zip is read from its end, so it cannot be read as a stream. */
static int open_stdin(zl_archive **ar, zl_error *err)
{
    int rc = ZL_E_IO;
    const char *dir = getenv("TMPDIR");
    char *tmp = NULL;
    FILE *fp = NULL;
    int fd = -1;
    char buf[65536];
    size_t n;

    if (dir == NULL || dir[0] == '\0')
        dir = "/tmp";
    size_t len = strlen(dir) + sizeof "/ziplint-stdin-XXXXXX";
    if ((tmp = malloc(len)) == NULL) {
        rc = ZL_E_NOMEM;
        snprintf(err->message, sizeof err->message, "-: out of memory");
        goto out;
    }
    snprintf(tmp, len, "%s/ziplint-stdin-XXXXXX", dir);
    if ((fd = mkstemp(tmp)) < 0) {
        snprintf(err->message, sizeof err->message, "-: cannot create a temporary file in %s: %s",
                 dir, strerror(errno));
        free(tmp);
        tmp = NULL;
        goto out;
    }
    if ((fp = fdopen(fd, "wb")) == NULL) {
        snprintf(err->message, sizeof err->message, "-: %s", strerror(errno));
        close(fd);
        goto out;
    }
    while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
        if (fwrite(buf, 1, n, fp) != n)
            break;
    if (ferror(stdin) || ferror(fp)) {
        snprintf(err->message, sizeof err->message, "-: cannot copy standard input: %s",
                 strerror(errno));
        goto out;
    }
    if (fclose(fp) != 0) {
        fp = NULL;
        snprintf(err->message, sizeof err->message, "-: cannot copy standard input: %s",
                 strerror(errno));
        goto out;
    }
    fp = NULL;
    rc = zl_archive_open(ar, tmp, err);
    if (rc != ZL_OK) {
        /* The message names the temporary file; name what the user gave. */
        size_t tl = strlen(tmp);
        if (tl > 0 && strncmp(err->message, tmp, tl) == 0) {
            err->message[0] = '-';
            memmove(err->message + 1, err->message + tl, strlen(err->message + tl) + 1);
        }
    }
out:
    if (fp != NULL)
        fclose(fp);
    if (tmp != NULL) {
        /* The archive keeps its file open; the name is no longer needed. */
        unlink(tmp);
        free(tmp);
    }
    if (rc != ZL_OK)
        err->code = rc;
    return rc;
}

static int open_archive(const char *path, zl_archive **ar, zl_error *err)
{
    if (strcmp(path, "-") == 0)
        return open_stdin(ar, err);
    return zl_archive_open(ar, path, err);
}

/* ---- --backup ---- */

/* A backup: the copy, flushed, under a temporary name until the fix has
 * replaced the original; only then is it renamed to path+suffix, so that a
 * fix that fails at the last step leaves an older backup as it was. */
typedef struct backup {
    char *tmp, *dest;
} backup;

/* Copies the file at path (a symlink is followed) byte for byte, with the
 * original's permission bits, to a temporary file beside path+suffix. */
static int write_backup(const char *path, const char *suffix, backup *made, char *msg,
                        size_t msg_size)
{
    int rc = -1, in = -1, out = -1;
    char *dest = NULL, *tmp = NULL;
    char buf[65536];
    struct stat st;
    size_t dl = strlen(path) + strlen(suffix) + 1;
    made->tmp = made->dest = NULL;
    if ((dest = malloc(dl)) == NULL || (tmp = malloc(dl + 8)) == NULL) {
        snprintf(msg, msg_size, "%s: out of memory", path);
        goto out;
    }
    snprintf(dest, dl, "%s%s", path, suffix);
    snprintf(tmp, dl + 8, "%s.XXXXXX", dest);
    if ((in = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(in, &st) != 0) {
        snprintf(msg, msg_size, "%s: cannot read it for the backup: %s", path, strerror(errno));
        goto out;
    }
    if ((out = mkstemp(tmp)) < 0) {
        snprintf(msg, msg_size, "%s: cannot write the backup: %s", dest, strerror(errno));
        free(tmp);
        tmp = NULL;
        goto out;
    }
    for (;;) {
        ssize_t n = read(in, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            snprintf(msg, msg_size, "%s: cannot read it for the backup: %s", path,
                     strerror(errno));
            goto out;
        }
        if (n == 0)
            break;
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(out, buf + off, (size_t)(n - off));
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0) {
                snprintf(msg, msg_size, "%s: cannot write the backup: %s", dest, strerror(errno));
                goto out;
            }
            off += w;
        }
    }
    if (fchmod(out, st.st_mode & 07777) != 0 || fsync(out) != 0) {
        snprintf(msg, msg_size, "%s: cannot write the backup: %s", dest, strerror(errno));
        goto out;
    }
    if (close(out) != 0) {
        out = -1;
        snprintf(msg, msg_size, "%s: cannot write the backup: %s", dest, strerror(errno));
        goto out;
    }
    out = -1;
    made->tmp = tmp;
    made->dest = dest;
    tmp = dest = NULL;
    rc = 0;
out:
    if (in >= 0)
        close(in);
    if (out >= 0)
        close(out);
    if (tmp != NULL) {
        unlink(tmp);
        free(tmp);
    }
    free(dest);
    return rc;
}

/* ---- the progress bar ---- */

typedef struct progress {
    const char *path;
    int last; /* percent last drawn, -1 before the first */
} progress;

#define BAR_WIDTH 30

static void draw_progress(double fraction, void *ud)
{
    progress *p = ud;
    if (fraction < 0)
        fraction = 0;
    if (fraction > 1)
        fraction = 1;
    int pct = (int)(fraction * 100.0);
    if (pct == p->last)
        return;
    p->last = pct;
    int fill = (int)(fraction * BAR_WIDTH);
    fprintf(stderr, "\rfixing %s [%.*s%*s] %3d%%", p->path, fill,
            "##############################", BAR_WIDTH - fill, "", pct);
    fflush(stderr);
}

/* Archives smaller than this are written before a bar would be seen. */
#define PROGRESS_MIN_BYTES (4u << 20)

/* ---- one archive ---- */

/* The fix did not happen: the copy goes, an older backup stays. */
static void drop_backup(backup *b)
{
    if (b->tmp != NULL)
        unlink(b->tmp);
    free(b->tmp);
    free(b->dest);
    b->tmp = b->dest = NULL;
}

/* The fix happened: the copy takes the backup's name. */
static int name_backup(backup *b, char *msg, size_t msg_size)
{
    int rc = 0;
    if (b->tmp != NULL && rename(b->tmp, b->dest) != 0) {
        snprintf(msg, msg_size, "%s: fixed, but the backup stays as %s: cannot rename it: %s",
                 b->dest, b->tmp, strerror(errno));
        rc = -1;
    }
    free(b->tmp);
    free(b->dest);
    b->tmp = b->dest = NULL;
    return rc;
}

/* Checks one archive, fixing it first when asked. Writes nothing to the
 * report: what to report is kept in the job. */
static void process_archive(run *r, job *j)
{
    const char *path = j->path;
    const zl_options *opt = &j->set.opt;
    zl_error err;
    zl_error_init(&err);

    if (!j->ready) {
        outcome(j, path, NULL, NULL, NULL);
        return;
    }
    if (j->same_as >= 0) {
        /* Fixed twice at once, the second backup would copy the first's
         * result over the original's backup. */
        fprintf(j->errf, "ziplint: %s: skipped: the same file as %s, which is fixed only once\n",
                path, r->jobs[j->same_as].path);
        return;
    }
    /* fix (unless a dry run) starts writing before the rules that read entry
     * data (the glibc scan, --verify's CRCs) are done: they go on, on worker
     * threads, and their findings may still forbid the rewrite. */
    const int early = opt->fixing && !r->args->dry_run;
    if (open_archive(path, &j->ar, &err) != ZL_OK ||
        (early ? zl_check_start(j->ar, r->rs, opt, &j->res, &err)
               : zl_check_run(j->ar, r->rs, opt, &j->res, &err)) != ZL_OK ||
        zl_result_apply_ignores(j->res, j->ar, r->cfg, &err) != ZL_OK) {
        archive_trouble(j, path, err.message);
        return;
    }
    if (!opt->fixing) {
        outcome(j, path, j->ar, j->res, NULL);
        j->failing |= result_fails(j, j->res);
        return;
    }

    int rc = zl_plan_new(&j->plan, j->ar, j->res, opt, &err);
    /* An archive that needs no change is not rewritten (its mtime stays),
     * unless --output asks for a copy anyway. */
    int staging = early && rc == ZL_OK && !(zl_plan_is_empty(j->plan) && r->args->output == NULL);
    int staged = ZL_OK;
    backup bk = {NULL, NULL};
    zl_error serr;
    zl_error_init(&serr);
    if (staging) {
        progress prog = {path, -1};
        int bar = r->progress && zl_archive_zipped_size(j->ar) >= PROGRESS_MIN_BYTES;
        if (bar)
            zl_plan_set_progress(j->plan, draw_progress, &prog);
        staged = zl_plan_stage(j->plan, r->args->output, &serr);
        zl_plan_set_progress(j->plan, NULL, NULL); /* prog ends with this block */
        if (bar && prog.last >= 0)
            fputs("\r\033[K", stderr);
    }
    if (early && (zl_check_finish(j->res, &err) != ZL_OK ||
                  zl_result_apply_ignores(j->res, j->ar, r->cfg, &err) != ZL_OK)) {
        archive_trouble(j, path, err.message);
        return;
    }
    if (staging) {
        /* Refused now if the data rules forbid it (staged or not: that is
         * the cause to report); the backup only for a rewrite that goes
         * ahead (it may replace an older one); then renamed into place. */
        rc = zl_plan_check(j->plan, &err);
        if (rc == ZL_OK && staged != ZL_OK) {
            rc = staged;
            err = serr;
        }
        if (rc == ZL_OK && r->args->backup && r->args->output == NULL) {
            char msg[1024];
            const char *suffix = r->args->backup_suffix ? r->args->backup_suffix : ".bak";
            if (write_backup(path, suffix, &bk, msg, sizeof msg) != 0) {
                archive_trouble(j, path, msg);
                return;
            }
        }
        if (rc == ZL_OK)
            rc = zl_plan_commit(j->plan, &err);
        if (rc != ZL_OK)
            drop_backup(&bk);
    } else if (early) {
        /* Nothing to write: the plan the whole result gives says what fix
         * does, or why it refuses. */
        zl_plan_free(j->plan);
        j->plan = NULL;
        rc = zl_plan_new(&j->plan, j->ar, j->res, opt, &err);
    }
    if (rc == ZL_E_REFUSED) {
        /* Refused: the archive is left as it was and the run fails
         * whatever --fail-on says. */
        size_t pl = strlen(path);
        if (strncmp(err.message, path, pl) == 0 && err.message[pl] == ':')
            fprintf(j->errf, "ziplint: %s (archive left unchanged)\n", err.message);
        else
            fprintf(j->errf, "ziplint: %s: fix refused (archive left unchanged): %s\n", path,
                    err.message);
        outcome(j, path, j->ar, j->res, NULL);
        j->failing = 1;
        return;
    }
    if (rc != ZL_OK) {
        /* The original is intact: no backup was named. */
        archive_trouble(j, path, err.message);
        return;
    }
    if (r->args->dry_run) {
        FILE *fp = j->outf;
        uint64_t saved = 0;
        for (size_t i = 0; i < zl_plan_change_count(j->plan); i++)
            saved += zl_plan_change_at(j->plan, i)->bytes_saved;
        fprintf(fp, "%s: dry run, nothing written; fix would:\n", path);
        if (zl_plan_is_empty(j->plan))
            fprintf(fp, "  change nothing\n");
        zl_plan_print(j->plan, fp);
        if (saved > 0) {
            char b[32];
            fprintf(fp, "save %llu bytes unzipped (%s)\n", (unsigned long long)saved,
                    zl_format_bytes(saved, b, sizeof b));
        }
        fputc('\n', fp);
        outcome(j, path, j->ar, j->res, NULL);
        j->failing |= result_fails(j, j->res);
        return;
    }
    if (!staging) {
        outcome(j, path, j->ar, j->res, j->plan);
        j->failing |= result_fails(j, j->res);
        return;
    }
    char bmsg[1024];
    if (name_backup(&bk, bmsg, sizeof bmsg) != 0) {
        archive_trouble(j, path, bmsg);
        return;
    }
    /* Read back what was written and check it again: what is reported is
     * what is left, and a fixed rule visibly no longer fires. */
    const char *target = r->args->output != NULL ? r->args->output : path;
    /* Without inflating every entry again: the data of copied entries was
     * verified before the fix, and the writer's read-back checked every
     * entry's name, mode, CRC and sizes, and the data it produced. */
    j->after_opt = *opt;
    j->after_opt.verify = 0;
    int opened = zl_archive_open(&j->after, target, &err) == ZL_OK;
    /* Nor reading the ELF objects it copied again for their glibc needs. */
    if (opened)
        zl_archive_adopt(j->after, j->ar);
    if (!opened || zl_check_run(j->after, r->rs, &j->after_opt, &j->left, &err) != ZL_OK ||
        zl_result_apply_ignores(j->left, j->after, r->cfg, &err) != ZL_OK) {
        archive_trouble(j, target, err.message);
        return;
    }
    outcome(j, target, j->after, j->left, j->plan);
    j->failing |= result_fails(j, j->left);
    if (r->args->exit_non_zero_on_fix && !zl_plan_is_empty(j->plan))
        j->failing = 1;
}

/* Frees what a job holds but its settings. */
static void job_release(job *j)
{
    if (j->errf != NULL)
        fclose(j->errf);
    if (j->outf != NULL)
        fclose(j->outf);
    j->errf = j->outf = NULL;
    /* The plan borrows ar and res; the results borrow their archives. */
    zl_plan_free(j->plan);
    zl_result_free(j->left);
    zl_archive_close(j->after);
    zl_result_free(j->res);
    zl_archive_close(j->ar);
    j->plan = NULL;
    j->left = j->res = NULL;
    j->after = j->ar = NULL;
    free(j->err_text);
    free(j->out_text);
    free(j->error);
    j->err_text = j->out_text = j->error = NULL;
    j->rep_path = NULL;
}

/* Prints what the job buffered and adds it to the report; frees what it
 * held. Called in command-line order. */
static void report_job(run *r, job *j)
{
    if (j->errf != NULL) {
        fclose(j->errf);
        j->errf = NULL;
    }
    if (j->outf != NULL) {
        fclose(j->outf);
        j->outf = NULL;
    }
    if (j->out_len > 0) {
        /* Machine formats own standard output: the dry run goes to stderr. */
        FILE *fp = r->set->ro.format == ZL_FORMAT_TEXT && !r->set->ro.statistics ? r->out : stderr;
        fwrite(j->out_text, 1, j->out_len, fp);
    }
    if (j->err_len > 0) {
        fflush(r->out);
        fwrite(j->err_text, 1, j->err_len, stderr);
    }
    if (j->rep_path != NULL &&
        zl_report_archive(r->rep, j->rep_path, j->rep_ar, j->rep_res, j->rep_plan, j->error) !=
            ZL_OK) {
        fprintf(stderr, "ziplint: %s: cannot add the archive to the report\n", j->path);
        r->trouble = 1;
    }
    r->trouble |= j->trouble;
    r->failing |= j->failing;
    job_release(j);
}

static void *worker(void *arg)
{
    run *r = arg;
    pthread_mutex_lock(&r->lock);
    for (;;) {
        while (r->next < r->n_jobs && r->next >= r->reported + r->window)
            pthread_cond_wait(&r->cond, &r->lock);
        if (r->next >= r->n_jobs)
            break;
        job *j = &r->jobs[r->next++];
        pthread_mutex_unlock(&r->lock);
        process_archive(r, j);
        pthread_mutex_lock(&r->lock);
        j->done = 1;
        pthread_cond_broadcast(&r->cond);
    }
    pthread_mutex_unlock(&r->lock);
    return NULL;
}

/* Checks every archive, -j at a time, reporting in command-line order. */
static void process_all(run *r)
{
    unsigned n_threads = r->set->jobs;
    if (n_threads > r->n_jobs)
        n_threads = (unsigned)r->n_jobs;
    if (n_threads <= 1) {
        for (size_t i = 0; i < r->n_jobs; i++) {
            process_archive(r, &r->jobs[i]);
            report_job(r, &r->jobs[i]);
        }
        return;
    }
    pthread_t threads[64];
    unsigned started = 0;
    r->window = 2 * (size_t)n_threads;
    pthread_mutex_init(&r->lock, NULL);
    pthread_cond_init(&r->cond, NULL);
    for (unsigned t = 0; t < n_threads; t++)
        if (pthread_create(&threads[started], NULL, worker, r) == 0)
            started++;
    if (started == 0) {
        /* No thread could start: do it here, one at a time. */
        for (size_t i = 0; i < r->n_jobs; i++) {
            process_archive(r, &r->jobs[i]);
            report_job(r, &r->jobs[i]);
        }
    } else {
        for (size_t i = 0; i < r->n_jobs; i++) {
            pthread_mutex_lock(&r->lock);
            while (!r->jobs[i].done)
                pthread_cond_wait(&r->cond, &r->lock);
            pthread_mutex_unlock(&r->lock);
            report_job(r, &r->jobs[i]);
            pthread_mutex_lock(&r->lock);
            r->reported = i + 1;
            pthread_cond_broadcast(&r->cond);
            pthread_mutex_unlock(&r->lock);
        }
    }
    for (unsigned t = 0; t < started; t++)
        pthread_join(threads[t], NULL);
    pthread_cond_destroy(&r->cond);
    pthread_mutex_destroy(&r->lock);
}

/* ---- settings ---- */

/* The command line over the config: a key the command line does not give
 * comes from the archive's [archive] section or from [ziplint]. */
static int merge_config(const cli_args *a, const zl_config *cfg, const char *path, job *j)
{
    j->m = *a;
    if (cfg == NULL)
        return 0;
#define TAKE(field, key)                                                                       \
    if (j->m.field == NULL)                                                                    \
    j->m.field = zl_config_get(cfg, path, key, NULL)
    TAKE(profile, "profile");
    TAKE(handler, "handler");
    TAKE(runtime, "runtime");
    TAKE(arch, "arch");
    TAKE(upload, "upload");
    TAKE(select, "select");
    TAKE(ignore, "ignore");
    TAKE(fail_on, "fail-on");
    TAKE(layers_size, "layers-size");
#undef TAKE
    const char *layers = a->n_layers == 0 ? zl_config_get(cfg, path, "layers", NULL) : NULL;
    if (layers != NULL) {
        /* "a.zip b.zip": split into the list --layer would have made. */
        size_t n = 1;
        for (const char *p = layers; *p; p++)
            n += *p == ' ';
        if ((j->layers_text = strdup(layers)) == NULL ||
            (j->cfg_layers = calloc(n, sizeof *j->cfg_layers)) == NULL)
            return -1;
        size_t k = 0;
        for (char *p = j->layers_text; *p && k < n;) {
            char *sp = strchr(p, ' ');
            if (sp != NULL)
                *sp = '\0';
            if (*p)
                j->cfg_layers[k++] = p;
            if (sp == NULL)
                break;
            p = sp + 1;
        }
        j->m.layers = j->cfg_layers;
        j->m.n_layers = k;
    }
    return 0;
}

/* The unzipped size of each layer, opened once however many archives
 * name it. */
typedef struct layer_size {
    const char *path;
    uint64_t bytes;
    int ok;
} layer_size;

static int layer_bytes(run *r, layer_size **cache, size_t *n, const char *path, uint64_t *out)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*cache)[i].path, path) == 0) {
            *out = (*cache)[i].bytes;
            return (*cache)[i].ok ? 0 : -1;
        }
    layer_size *nc = realloc(*cache, (*n + 1) * sizeof *nc);
    if (nc == NULL)
        return -1;
    *cache = nc;
    layer_size *ls = &nc[(*n)++];
    *ls = (layer_size){path, 0, 0};
    zl_archive *ar = NULL;
    zl_error err;
    zl_error_init(&err);
    if (zl_archive_open(&ar, path, &err) != ZL_OK) {
        fprintf(stderr, "ziplint: layer %s\n", err.message);
        r->trouble = 1;
        return -1;
    }
    ls->bytes = zl_archive_unzipped_size(ar);
    ls->ok = 1;
    zl_archive_close(ar);
    *out = ls->bytes;
    return 0;
}

/* Settles every archive's settings before any is checked (so that threads
 * only read them), and counts its layers into the ZL301 budget. */
static void prepare_jobs(run *r, const cli_command *cmd, int fixing)
{
    layer_size *cache = NULL;
    size_t n_cache = 0;
    for (size_t i = 0; i < r->n_jobs; i++) {
        job *j = &r->jobs[i];
        j->path = r->args->paths[i];
        j->errf = open_memstream(&j->err_text, &j->err_len);
        j->outf = open_memstream(&j->out_text, &j->out_len);
        if (j->errf == NULL || j->outf == NULL) {
            fprintf(stderr, "ziplint: out of memory\n");
            r->trouble = 1;
            continue;
        }
        if (merge_config(r->args, r->cfg, j->path, j) != 0) {
            fprintf(stderr, "ziplint: out of memory\n");
            r->trouble = 1;
            continue;
        }
        if (cli_args_validate(cmd, &j->m, fixing, &j->set) != ZL_EXIT_OK) {
            r->trouble = 1;
            continue;
        }
        zl_options *opt = &j->set.opt;
        for (size_t k = 0; k < j->m.n_layers; k++) {
            uint64_t n = 0;
            if (layer_bytes(r, &cache, &n_cache, j->m.layers[k], &n) != 0)
                continue;
            opt->layers_size = opt->layers_size > UINT64_MAX - n ? UINT64_MAX : opt->layers_size + n;
            opt->layer_count++;
        }
        j->ready = 1;
        j->same_as = -1;
        struct stat st;
        if (fixing && strcmp(j->path, "-") != 0 && stat(j->path, &st) == 0) {
            j->have_id = 1;
            j->dev = st.st_dev;
            j->ino = st.st_ino;
            for (size_t k = 0; k < i && j->same_as < 0; k++) {
                const job *o = &r->jobs[k];
                if (o->have_id && o->same_as < 0 && o->ino == st.st_ino && o->dev == st.st_dev)
                    j->same_as = (long)k;
            }
        }
    }
    free(cache);
}

static void free_jobs(run *r)
{
    for (size_t i = 0; r->jobs != NULL && i < r->n_jobs; i++) {
        job *j = &r->jobs[i];
        job_release(j);
        free(j->cfg_layers);
        free(j->layers_text);
    }
    free(r->jobs);
    r->jobs = NULL;
}

/* Finds and loads the config (none with --isolated), then the rule files
 * it names. Returns 0, or ZL_EXIT_TROUBLE after a message. */
static int load_config(run *r)
{
    zl_error err;
    char *found = NULL;
    zl_error_init(&err);
    if (r->args->isolated)
        return 0;
    const char *path = r->args->config;
    if (path == NULL) {
        if (zl_config_find(NULL, &found, &err) != ZL_OK) {
            fprintf(stderr, "ziplint: %s\n", err.message);
            return ZL_EXIT_TROUBLE;
        }
        path = found;
    }
    if (path != NULL && zl_config_load(&r->cfg, path, &err) != ZL_OK) {
        fprintf(stderr, "ziplint: %s\n", err.message);
        free(found);
        return ZL_EXIT_TROUBLE;
    }
    free(found);
    const char *rules = zl_config_get(r->cfg, NULL, "rules", NULL);
    if (rules != NULL) {
        char *list = strdup(rules);
        if (list == NULL) {
            fprintf(stderr, "ziplint: out of memory\n");
            return ZL_EXIT_TROUBLE;
        }
        for (char *p = list, *sp; p != NULL && *p; p = sp ? sp + 1 : NULL) {
            if ((sp = strchr(p, ' ')) != NULL)
                *sp = '\0';
            if (*p && zl_ruleset_load_file(r->rs, p, &err) != ZL_OK) {
                fprintf(stderr, "ziplint: %s\n", err.message);
                free(list);
                return ZL_EXIT_TROUBLE;
            }
        }
        free(list);
    }
    if (r->cfg != NULL && zl_config_check_selection(r->cfg, r->rs, &err) != ZL_OK) {
        fprintf(stderr, "ziplint: %s\n", err.message);
        return ZL_EXIT_TROUBLE;
    }
    return 0;
}

static int run_command(const cli_command *cmd, int argc, char **argv, int fixing)
{
    cli_args a;
    cli_settings set;
    job base;
    run r = {.args = &a, .set = &set, .out = stdout};
    zl_error err;
    FILE *report_fp = NULL;
    zl_error_init(&err);
    memset(&base, 0, sizeof base);

    int status = cli_args_parse(cmd, argc, argv, &a);
    if (status != ZL_EXIT_OK)
        goto out;
    if (a.help) {
        cli_usage_command(cmd, stdout);
        goto out;
    }
    /* The command line alone first: its usage errors come before any
     * config is read. */
    if ((status = cli_args_validate(cmd, &a, fixing, &set)) != ZL_EXIT_OK)
        goto out;
    status = ZL_EXIT_TROUBLE;
    if (zl_ruleset_new(&r.rs, &err) != ZL_OK) {
        fprintf(stderr, "ziplint: %s\n", err.message);
        goto out;
    }
    if (load_config(&r) != 0)
        goto out;
    if ((a.select != NULL && zl_ruleset_check_selection(r.rs, a.select, &err) != ZL_OK) ||
        (a.ignore != NULL && zl_ruleset_check_selection(r.rs, a.ignore, &err) != ZL_OK)) {
        status = cli_usage_error(cmd, "%s", err.message);
        goto out;
    }
    /* The run's own settings: the command line over [ziplint]. */
    if (merge_config(&a, r.cfg, NULL, &base) != 0 ||
        cli_args_validate(cmd, &base.m, fixing, &set) != ZL_EXIT_OK)
        goto out;
    if (a.report_file != NULL) {
        if ((report_fp = fopen(a.report_file, "w")) == NULL) {
            fprintf(stderr, "ziplint: %s: cannot write the report: %s\n", a.report_file,
                    strerror(errno));
            goto out;
        }
        r.out = report_fp;
    }
    set.ro.color = set.ro.format == ZL_FORMAT_TEXT && cli_want_color(set.color, r.out);
    if (zl_report_new(&r.rep, r.out, &set.ro, &err) != ZL_OK) {
        fprintf(stderr, "ziplint: %s\n", err.message);
        goto out;
    }
    zl_report_set_rules(r.rep, r.rs);
    r.progress = fixing && set.jobs == 1 && isatty(STDERR_FILENO);
    r.n_jobs = a.n_paths;
    if ((r.jobs = calloc(r.n_jobs, sizeof *r.jobs)) == NULL) {
        fprintf(stderr, "ziplint: out of memory\n");
        goto out;
    }
    prepare_jobs(&r, cmd, fixing);
    process_all(&r);
    if (zl_report_finish(r.rep, &err) != ZL_OK) {
        fprintf(stderr, "ziplint: %s\n", err.message);
        r.trouble = 1;
    }
    status = r.trouble ? ZL_EXIT_TROUBLE : r.failing ? ZL_EXIT_FINDINGS : ZL_EXIT_OK;
out:
    free_jobs(&r);
    free(base.cfg_layers);
    free(base.layers_text);
    zl_report_free(r.rep);
    zl_ruleset_free(r.rs);
    zl_config_free(r.cfg);
    if (report_fp != NULL && fclose(report_fp) != 0) {
        fprintf(stderr, "ziplint: %s: cannot write the report: %s\n", a.report_file,
                strerror(errno));
        status = ZL_EXIT_TROUBLE;
    }
    cli_args_free(&a);
    return status;
}

int cmd_check(const cli_command *cmd, int argc, char **argv)
{
    return run_command(cmd, argc, argv, 0);
}

int cmd_fix(const cli_command *cmd, int argc, char **argv)
{
    return run_command(cmd, argc, argv, 1);
}
