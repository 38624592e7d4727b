/* main.c - the ziplint command: the command table drives both dispatch and
 * the top-level usage. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

static const cli_option *const check_groups[] = {cli_opts_check, cli_opts_help, NULL};
static const cli_option *const fix_groups[] = {cli_opts_check, cli_opts_fix, cli_opts_help, NULL};
static const cli_option *const help_groups[] = {cli_opts_help, NULL};
static const cli_option *const du_groups[] = {cli_opts_du, cli_opts_help, NULL};
static const cli_option *const hook_groups[] = {cli_opts_hook, cli_opts_help, NULL};

const char *cli_argv0 = "ziplint";

static const cli_command commands[] = {
    {"check", "[OPTIONS] ZIP...",
     "Report what would make these Lambda packages fail; never writes.", cmd_check, check_groups},
    {"fix", "[OPTIONS] ZIP...", "Apply the fixes in place, then report what is left.", cmd_fix,
     fix_groups},
    {"du", "[OPTIONS] ZIP", "Show where the unzipped bytes go, largest first.", cmd_du,
     du_groups},
    {"rules", "", "List every rule: code, name, severity, fix.", cmd_rules, help_groups},
    {"explain", "CODE", "What a rule checks, why, and how to fix it by hand.", cmd_explain,
     help_groups},
    {"hook", "install [--force] | run",
     "Install a git pre-push hook that checks the packages; run is what it runs.", cmd_hook,
     hook_groups},
};

#define N_COMMANDS (sizeof commands / sizeof commands[0])

const cli_command *cli_find_command(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(name, commands[i].name) == 0)
            return &commands[i];
    return NULL;
}

static void usage(FILE *fp)
{
    fprintf(fp, "Usage: ziplint COMMAND [OPTIONS] [ARGS]\n"
                "Lint and fix AWS Lambda Python zip packages.\n\nCommands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++) {
        char left[64];
        snprintf(left, sizeof left, "  %s %s", commands[i].name, commands[i].synopsis);
        fprintf(fp, "%-30s%s\n", left, commands[i].summary);
    }
    fprintf(fp, "\nOptions:\n"
                "  -h, --help                show this help and exit\n"
                "  -V, --version             show the version and exit\n"
                "\nRun 'ziplint COMMAND --help' for a command's options.\n"
                "Exit status: 0 nothing at or above --fail-on, 1 findings (or a refused fix),\n"
                "2 usage error or an archive that could not be read or written.\n");
}

/* Everything went to stdout: a full disk or a closed pipe must not pass
 * silently as success. */
static int close_stdout(int status)
{
    if (fclose(stdout) != 0) {
        fprintf(stderr, "ziplint: error writing standard output: %s\n", strerror(errno));
        return ZL_EXIT_TROUBLE;
    }
    return status;
}

int main(int argc, char **argv)
{
    /* libzip writes DOS times through localtime: make them the same on
     * every machine. */
    setenv("TZ", "UTC0", 1);
    tzset();
    /* A file-size limit must fail the write (EFBIG, reported, original
     * intact) rather than kill the process half-way. */
    signal(SIGXFSZ, SIG_IGN);
    if (argc > 0 && argv[0] != NULL)
        cli_argv0 = argv[0];

    if (argc < 2) {
        usage(stderr);
        return ZL_EXIT_TROUBLE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        const cli_command *c = argc > 2 ? cli_find_command(argv[2]) : NULL;
        if (strcmp(name, "help") == 0 && c != NULL) {
            cli_usage_command(c, stdout);
            return close_stdout(ZL_EXIT_OK);
        }
        usage(stdout);
        return close_stdout(ZL_EXIT_OK);
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) {
        printf("ziplint %s\n", zl_version());
        return close_stdout(ZL_EXIT_OK);
    }
    const cli_command *cmd = cli_find_command(name);
    if (cmd != NULL)
        return close_stdout(cmd->run(cmd, argc - 1, argv + 1));
    if (name[0] == '-')
        fprintf(stderr, "ziplint: unknown option '%s' (a command comes first)\n", name);
    else
        fprintf(stderr, "ziplint: unknown command '%s'\n", name);
    fprintf(stderr, "Try 'ziplint --help' for more information.\n");
    return ZL_EXIT_TROUBLE;
}
