/* cli.h - what the files of the ziplint command share.
 *
 * A command table (main.c) drives both dispatch and the top-level usage;
 * each command has its own option table, which drives both getopt_long and
 * that command's --help (options.c), so the two never drift. The command
 * line is parsed into a plain struct (cli_args), validated into library
 * options in one place (cli_args_validate), then the command runs. The
 * command includes only ziplint.h from the library. */
#ifndef ZL_CLI_H
#define ZL_CLI_H

#include <stdio.h>

#include "ziplint.h"

/* The exit statuses of cli.md. */
enum zl_exit {
    ZL_EXIT_OK = 0,       /* nothing at or above --fail-on */
    ZL_EXIT_FINDINGS = 1, /* something at or above --fail-on, or a refused fix */
    ZL_EXIT_TROUBLE = 2   /* usage error, or an archive that could not be read or written */
};

/* Option identities beyond the single-letter ones. */
enum cli_opt_id {
    OPT_HELP = 'h',
    OPT_QUIET = 'q',
    OPT_VERBOSE = 'v',
    OPT_REPORT_FILE = 'o',
    OPT_JOBS = 'j',
    OPT_PROFILE = 256,
    OPT_HANDLER,
    OPT_RUNTIME,
    OPT_ARCH,
    OPT_LAYER,
    OPT_LAYERS_SIZE,
    OPT_SELECT,
    OPT_IGNORE,
    OPT_FAIL_ON,
    OPT_UPLOAD,
    OPT_FORMAT,
    OPT_COLOR,
    OPT_VERIFY,
    OPT_NO_VERIFY,
    OPT_REPRODUCIBLE,
    OPT_UNSAFE_FIXES,
    OPT_DRY_RUN,
    OPT_OUTPUT,
    OPT_EXIT_NON_ZERO_ON_FIX,
    OPT_CONFIG,
    OPT_ISOLATED,
    OPT_STATISTICS,
    OPT_BACKUP,
    OPT_DEPTH,
    OPT_FORCE
};

/* One option: a row of a command's table. */
typedef struct cli_option {
    const char *name; /* long name, without "--" */
    int val;          /* enum cli_opt_id; a letter when the option has a short form */
    const char *arg;  /* argument placeholder ("ZIP"), or NULL for a flag; "[=X]": optional */
    const char *help; /* one line for --help */
} cli_option;

struct cli_command;
typedef int (*cli_run_fn)(const struct cli_command *cmd, int argc, char **argv);

/* One command: a row of the command table. */
typedef struct cli_command {
    const char *name;
    const char *synopsis; /* what follows the name in the usage line */
    const char *summary;  /* one line */
    cli_run_fn run;
    const cli_option *const *options; /* option groups, NULL-terminated; each ends with {NULL} */
} cli_command;

/* What the command line said, as given: strings are borrowed from argv. */
typedef struct cli_args {
    const char *profile, *handler, *runtime, *arch, *upload, *select, *ignore;
    const char *fail_on, *format, *color, *layers_size, *output, *report_file;
    const char **layers; /* --layer, in order (owned array) */
    size_t n_layers;
    int quiet, verbose, verify, no_verify, reproducible, unsafe_fixes, dry_run;
    int exit_non_zero_on_fix, help;
    const char *config, *jobs, *backup_suffix, *depth;
    int isolated, statistics, backup, force;
    char **paths; /* the operands (borrowed from argv) */
    size_t n_paths;
} cli_args;

/* What the command line means, once validated. */
typedef struct cli_settings {
    zl_options opt;
    zl_report_options ro;
    zl_severity fail_on;
    const char *color; /* "auto", "always" or "never" */
    unsigned jobs;     /* -j: archives checked at once (1..64) */
} cli_settings;

/* argv[0] of the process, for the hook to call ziplint by the same path. */
extern const char *cli_argv0;

/* The option groups commands combine. */
extern const cli_option cli_opts_help[];
extern const cli_option cli_opts_check[];
extern const cli_option cli_opts_fix[];
extern const cli_option cli_opts_du[];
extern const cli_option cli_opts_hook[];

/* The command of this name in main.c's table, or NULL. */
const cli_command *cli_find_command(const char *name);

/* Parses argv (argv[0] is the command's name) with the command's table
 * into a. Returns ZL_EXIT_OK, or ZL_EXIT_TROUBLE after a message on stderr.
 * Free a with cli_args_free. */
int cli_args_parse(const cli_command *cmd, int argc, char **argv, cli_args *a);
void cli_args_free(cli_args *a);
/* Checks values and combinations and turns them into settings; prints the
 * message and returns ZL_EXIT_TROUBLE on a bad value. */
int cli_args_validate(const cli_command *cmd, const cli_args *a, int fixing, cli_settings *s);

/* --help of one command, printed from its option table. */
void cli_usage_command(const cli_command *cmd, FILE *fp);
/* "Try 'ziplint CMD --help'." after a usage error; returns ZL_EXIT_TROUBLE. */
int cli_usage_error(const cli_command *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* 1 when colour should be used on fp for the --color value given. */
int cli_want_color(const char *color, FILE *fp);

/* The commands. */
int cmd_check(const cli_command *cmd, int argc, char **argv);
int cmd_fix(const cli_command *cmd, int argc, char **argv);
int cmd_rules(const cli_command *cmd, int argc, char **argv);
int cmd_explain(const cli_command *cmd, int argc, char **argv);
int cmd_du(const cli_command *cmd, int argc, char **argv);
int cmd_hook(const cli_command *cmd, int argc, char **argv);

#endif /* ZL_CLI_H */
