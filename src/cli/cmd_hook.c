/* cmd_hook.c - `ziplint hook install [--force]` writes a git pre-push hook
 * where git looks for it (`git rev-parse --git-path hooks`, so
 * core.hooksPath and worktrees work); the hook runs `ziplint hook run`,
 * which checks the archives of the repository's .ziplint [hook] paths
 * that exist and fails (blocking the push) on status 1 or 2. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

/* Every hook ziplint writes carries this line: the one sign that a hook
 * may be replaced without --force. */
#define HOOK_MARK "# ziplint-hook: written by `ziplint hook install`"

/* The first line git prints for `git rev-parse ARGS` (NULL on failure). */
static char *git_line(const char *args)
{
    char cmd[256];
    char buf[PATH_MAX + 2];
    snprintf(cmd, sizeof cmd, "git rev-parse %s", args);
    FILE *p = popen(cmd, "r");
    if (p == NULL)
        return NULL;
    char *line = fgets(buf, sizeof buf, p) ? buf : NULL;
    int st = pclose(p);
    if (line == NULL || st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return NULL;
    line[strcspn(line, "\r\n")] = '\0';
    return line[0] ? strdup(line) : NULL;
}

/* An executable of this name on PATH, resolved; NULL when none. */
static char *find_on_path(const char *name)
{
    const char *path = getenv("PATH");
    if (path == NULL)
        return NULL;
    for (const char *p = path; *p;) {
        const char *end = strchr(p, ':');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        char cand[PATH_MAX];
        if (n > 0 && (size_t)snprintf(cand, sizeof cand, "%.*s/%s", (int)n, p, name) < sizeof cand &&
            access(cand, X_OK) == 0)
            return realpath(cand, NULL);
        if (end == NULL)
            break;
        p = end + 1;
    }
    return NULL;
}

/* The path the hook should call: argv[0] made absolute (or found on PATH),
 * else /proc/self/exe. In a libtool build tree the binary runs from .libs/
 * ("lt-ziplint" or "ziplint") behind a wrapper script that sets up the
 * library path: the wrapper is what must be called. */
static char *self_path(void)
{
    char *p = NULL;
    if (strchr(cli_argv0, '/') != NULL)
        p = realpath(cli_argv0, NULL);
    else
        p = find_on_path(cli_argv0);
    if (p == NULL)
        p = realpath("/proc/self/exe", NULL);
    if (p == NULL)
        return NULL;
    char *slash = strrchr(p, '/');
    if (slash != NULL && slash - p >= 6 && strncmp(slash - 6, "/.libs", 6) == 0) {
        const char *base = slash + 1;
        if (strncmp(base, "lt-", 3) == 0)
            base += 3;
        size_t n = (size_t)(slash - 6 - p);
        char wrapper[PATH_MAX];
        if ((size_t)snprintf(wrapper, sizeof wrapper, "%.*s/%s", (int)n, p, base) < sizeof wrapper &&
            access(wrapper, X_OK) == 0) {
            free(p);
            return strdup(wrapper);
        }
    }
    return p;
}

/* Writes s single-quoted for sh. */
static void put_sh_quoted(FILE *fp, const char *s)
{
    fputc('\'', fp);
    for (; *s; s++) {
        if (*s == '\'')
            fputs("'\\''", fp);
        else
            fputc(*s, fp);
    }
    fputc('\'', fp);
}

/* 1 when the file at path is a hook ziplint wrote. */
static int written_by_us(const char *path)
{
    char line[512];
    int ours = 0;
    FILE *fp = fopen(path, "r");
    if (fp == NULL)
        return 0;
    for (int i = 0; i < 10 && fgets(line, sizeof line, fp) != NULL; i++)
        if (strncmp(line, HOOK_MARK, strlen(HOOK_MARK)) == 0)
            ours = 1;
    fclose(fp);
    return ours;
}

static int mkdir_p(const char *dir)
{
    char buf[PATH_MAX];
    if ((size_t)snprintf(buf, sizeof buf, "%s", dir) >= sizeof buf)
        return -1;
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(buf, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

static int hook_install(int force)
{
    int status = ZL_EXIT_TROUBLE;
    char *hooks = NULL, *self = NULL, *target = NULL, *tmp = NULL;
    FILE *fp = NULL;
    int fd = -1;

    if ((hooks = git_line("--git-path hooks")) == NULL) {
        fprintf(stderr, "ziplint hook: not in a git repository (git rev-parse failed)\n");
        goto out;
    }
    if ((self = self_path()) == NULL) {
        fprintf(stderr, "ziplint hook: cannot find the path of the ziplint command\n");
        goto out;
    }
    size_t n = strlen(hooks) + sizeof "/pre-push.XXXXXX";
    if ((target = malloc(n)) == NULL || (tmp = malloc(n)) == NULL) {
        fprintf(stderr, "ziplint: out of memory\n");
        goto out;
    }
    snprintf(target, n, "%s/pre-push", hooks);
    snprintf(tmp, n, "%s/pre-push.XXXXXX", hooks);
    struct stat st;
    if (lstat(target, &st) == 0 && !force && !written_by_us(target)) {
        fprintf(stderr,
                "ziplint hook: %s exists and was not written by ziplint; "
                "not replacing it (--force replaces it)\n",
                target);
        status = ZL_EXIT_FINDINGS;
        goto out;
    }
    if (mkdir_p(hooks) != 0) {
        fprintf(stderr, "ziplint hook: cannot create %s: %s\n", hooks, strerror(errno));
        goto out;
    }
    if ((fd = mkstemp(tmp)) < 0 || (fp = fdopen(fd, "w")) == NULL) {
        fprintf(stderr, "ziplint hook: cannot write in %s: %s\n", hooks, strerror(errno));
        if (fd < 0) {
            free(tmp);
            tmp = NULL;
        }
        goto out;
    }
    fd = -1;
    fprintf(fp,
            "#!/bin/sh\n"
            HOOK_MARK " (ziplint %s).\n"
            "# Checks the packages named by [hook] paths in the repository's .ziplint and\n"
            "# stops the push when they fail. `git push --no-verify` skips it once;\n"
            "# `ziplint hook install` writes it again.\n"
            "ZIPLINT=",
            zl_version());
    put_sh_quoted(fp, self);
    fprintf(fp, "\n"
                "if [ ! -x \"$ZIPLINT\" ]; then\n"
                "    ZIPLINT=$(command -v ziplint) || {\n"
                "        echo \"ziplint pre-push: ziplint is not installed; push with --no-verify "
                "to skip the check\" >&2\n"
                "        exit 1\n"
                "    }\n"
                "fi\n"
                "exec \"$ZIPLINT\" hook run\n");
    if (fchmod(fileno(fp), 0755) != 0 || fflush(fp) != 0 || ferror(fp)) {
        fprintf(stderr, "ziplint hook: cannot write %s: %s\n", tmp, strerror(errno));
        goto out;
    }
    if (fclose(fp) != 0) {
        fp = NULL;
        fprintf(stderr, "ziplint hook: cannot write %s: %s\n", tmp, strerror(errno));
        goto out;
    }
    fp = NULL;
    if (rename(tmp, target) != 0) {
        fprintf(stderr, "ziplint hook: cannot write %s: %s\n", target, strerror(errno));
        goto out;
    }
    free(tmp);
    tmp = NULL;
    printf("installed %s (runs %s hook run: check on the [hook] paths of .ziplint)\n", target,
           self);
    status = ZL_EXIT_OK;
out:
    if (fp != NULL)
        fclose(fp);
    if (fd >= 0)
        close(fd);
    if (tmp != NULL) {
        unlink(tmp);
        free(tmp);
    }
    free(target);
    free(self);
    free(hooks);
    return status;
}

/* What the hook runs: `ziplint check` on the [hook] paths that exist. */
static int hook_run(void)
{
    int status = ZL_EXIT_TROUBLE;
    char *cfg_path = NULL;
    zl_config *cfg = NULL;
    char **argv = NULL;
    size_t argc = 0, cap = 0;
    glob_t g;
    int have_glob = 0;
    zl_error err;
    zl_error_init(&err);

    if (zl_config_find(NULL, &cfg_path, &err) != ZL_OK) {
        fprintf(stderr, "ziplint pre-push: %s\n", err.message);
        goto out;
    }
    if (cfg_path == NULL) {
        fprintf(stderr, "ziplint pre-push: no .ziplint found; nothing to check\n");
        status = ZL_EXIT_OK;
        goto out;
    }
    if (zl_config_load(&cfg, cfg_path, &err) != ZL_OK) {
        fprintf(stderr, "ziplint pre-push: %s\n", err.message);
        goto out;
    }
    size_t n_globs = zl_config_hook_path_count(cfg);
    if (n_globs == 0) {
        fprintf(stderr, "ziplint pre-push: %s has no [hook] paths; nothing to check\n", cfg_path);
        status = ZL_EXIT_OK;
        goto out;
    }
    memset(&g, 0, sizeof g);
    for (size_t i = 0; i < n_globs; i++) {
        int rc = glob(zl_config_hook_path(cfg, i), have_glob ? GLOB_APPEND : 0, NULL, &g);
        if (rc == 0 || rc == GLOB_NOMATCH)
            have_glob = 1;
    }
    cap = (have_glob ? g.gl_pathc : 0) + 5;
    if ((argv = calloc(cap, sizeof *argv)) == NULL) {
        fprintf(stderr, "ziplint: out of memory\n");
        goto out;
    }
    argv[argc++] = "check";
    argv[argc++] = "--config";
    argv[argc++] = cfg_path;
    size_t first = argc;
    /* Name them as the user sees them from the repository's root. */
    char cwd[PATH_MAX];
    size_t cl = getcwd(cwd, sizeof cwd) != NULL ? strlen(cwd) : 0;
    for (size_t i = 0; have_glob && i < g.gl_pathc; i++) {
        struct stat st;
        char *p = g.gl_pathv[i];
        if (stat(p, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        if (cl > 1 && strncmp(p, cwd, cl) == 0 && p[cl] == '/')
            p += cl + 1;
        argv[argc++] = p;
    }
    if (argc == first) {
        fprintf(stderr, "ziplint pre-push: none of the [hook] paths of %s exists; nothing to check\n",
                cfg_path);
        status = ZL_EXIT_OK;
        goto out;
    }
    const cli_command *check = cli_find_command("check");
    status = check->run(check, (int)argc, argv);
    fflush(stdout);
    if (status != ZL_EXIT_OK)
        fprintf(stderr,
                "ziplint pre-push: push stopped: %s (fix the packages, e.g. `ziplint fix ZIP`, "
                "and commit them; `git push --no-verify` skips this check)\n",
                status == ZL_EXIT_FINDINGS ? "a package has findings at or above --fail-on"
                                           : "a package could not be checked");
out:
    if (have_glob)
        globfree(&g);
    free(argv);
    zl_config_free(cfg);
    free(cfg_path);
    return status;
}

int cmd_hook(const cli_command *cmd, int argc, char **argv)
{
    cli_args a;
    int status = cli_args_parse(cmd, argc, argv, &a);
    if (status != ZL_EXIT_OK)
        return status;
    if (a.help) {
        cli_usage_command(cmd, stdout);
        fprintf(stdout, "\nActions:\n"
                        "  install                           write the pre-push hook\n"
                        "  run                               what the hook runs: check the "
                        "[hook] paths\n");
    } else if (a.n_paths != 1) {
        status = cli_usage_error(cmd, "expects one action: install or run");
    } else if (strcmp(a.paths[0], "install") == 0) {
        status = hook_install(a.force);
    } else if (strcmp(a.paths[0], "run") == 0) {
        status = a.force ? cli_usage_error(cmd, "--force goes with install") : hook_run();
    } else {
        status = cli_usage_error(cmd, "unknown action '%s' (expected install or run)", a.paths[0]);
    }
    cli_args_free(&a);
    return status;
}
