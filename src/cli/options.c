/* options.c - the option tables, parsing them with getopt_long, --help
 * printed from the same tables, and validation into library options. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* The tables end with a row whose val is 0. A row whose name is NULL has
 * only its short form. */
const cli_option cli_opts_help[] = {
    {"help", OPT_HELP, NULL, "show this help and exit"},
    {NULL, 0, NULL, NULL},
};

/* check and fix */
const cli_option cli_opts_check[] = {
    {"profile", OPT_PROFILE, "function|layer", "what kind of package (default function)"},
    {"handler", OPT_HANDLER, "MODULE.FUNC",
     "the function's handler (enables ZL103, sharpens ZL101)"},
    {"runtime", OPT_RUNTIME, "pythonX.Y", "target runtime, python3.9 .. python3.14"},
    {"arch", OPT_ARCH, "x86_64|arm64", "target architecture (default x86_64)"},
    {"layer", OPT_LAYER, "ZIP", "a layer the function uses (repeatable): counts into ZL301"},
    {"layers-size", OPT_LAYERS_SIZE, "BYTES", "unzipped bytes of layers not given with --layer"},
    {"select", OPT_SELECT, "CODES", "only these codes or prefixes (comma-separated: ZL1,ZL201; ALL for every rule)"},
    {"ignore", OPT_IGNORE, "CODES", "not these codes or prefixes"},
    {"fail-on", OPT_FAIL_ON, "error|warning|info|never",
     "lowest severity that makes the exit status 1 (default error)"},
    {"upload", OPT_UPLOAD, "direct|s3",
     "how the package reaches Lambda: direct makes ZL302 an error"},
    {"reproducible", OPT_REPRODUCIBLE, NULL, "check: also report ZL701 (nondeterministic); fix: write the canonical form"},
    {"verify", OPT_VERIFY, NULL, "decompress every entry and check its CRC (ZL606)"},
    {"format", OPT_FORMAT, "text|json|sarif|github", "output format (default text)"},
    {NULL, OPT_REPORT_FILE, "FILE", "write the report to FILE instead of standard output"},
    {"statistics", OPT_STATISTICS, NULL, "one line per rule with its count, instead of the findings (json: an array)"},
    {"config", OPT_CONFIG, "FILE", "use this config file instead of the nearest .ziplint"},
    {"isolated", OPT_ISOLATED, NULL, "use no config file"},
    {NULL, OPT_JOBS, "N", "check N archives at once (default 1)"},
    {"color", OPT_COLOR, "auto|always|never",
     "colour the text report (default auto; honours NO_COLOR)"},
    {"quiet", OPT_QUIET, NULL, "only the findings at or above --fail-on, and the summary"},
    {"verbose", OPT_VERBOSE, NULL, "list every entry of every finding"},
    {NULL, 0, NULL, NULL},
};

/* fix only */
const cli_option cli_opts_fix[] = {
    {"unsafe-fixes", OPT_UNSAFE_FIXES, NULL, "also apply the fixes that may change behaviour"},
    {"dry-run", OPT_DRY_RUN, NULL, "print every change the fix would make, and write nothing"},
    {"output", OPT_OUTPUT, "FILE",
     "write the result to FILE (always) and leave the original alone"},
    {"no-verify", OPT_NO_VERIFY, NULL, "do not check every entry's CRC while fixing"},
    {"backup", OPT_BACKUP, "[=SUFFIX]",
     "copy the original to ZIP.bak (or ZIP+SUFFIX) before rewriting it"},
    {"exit-non-zero-on-fix", OPT_EXIT_NON_ZERO_ON_FIX, NULL,
     "exit status 1 when anything was changed"},
    {NULL, 0, NULL, NULL},
};

/* du */
const cli_option cli_opts_du[] = {
    {"depth", OPT_DEPTH, "N", "levels of folders to show (default 2)"},
    {"format", OPT_FORMAT, "text|json", "output format (default text)"},
    {NULL, OPT_REPORT_FILE, "FILE", "write the tree to FILE instead of standard output"},
    {"verbose", OPT_VERBOSE, NULL, "show every child, not only the largest"},
    {NULL, 0, NULL, NULL},
};

/* hook */
const cli_option cli_opts_hook[] = {
    {"force", OPT_FORCE, NULL, "replace a pre-push hook that ziplint did not write"},
    {NULL, 0, NULL, NULL},
};

/* ---- usage ---- */

static void print_option(const cli_option *o, FILE *fp)
{
    char left[96];
    int n;
    int has_short = o->val > 0 && o->val < 256;
    if (o->name != NULL && o->arg != NULL && o->arg[0] == '[')
        n = snprintf(left, sizeof left, "      --%s%s", o->name, o->arg);
    else if (o->name == NULL)
        n = snprintf(left, sizeof left, "  -%c%s%s", o->val, o->arg ? " " : "",
                     o->arg ? o->arg : "");
    else
        n = snprintf(left, sizeof left, "  %c%c%c --%s%s%s", has_short ? '-' : ' ',
                     has_short ? o->val : ' ', has_short ? ',' : ' ', o->name, o->arg ? " " : "",
                     o->arg ? o->arg : "");
    if (n < 0)
        return;
    /* Options with long placeholders get their help on the next line. */
    if (n > 34)
        fprintf(fp, "%s\n%36s%s\n", left, "", o->help);
    else
        fprintf(fp, "%-36s%s\n", left, o->help);
}

void cli_usage_command(const cli_command *cmd, FILE *fp)
{
    fprintf(fp, "Usage: ziplint %s%s%s\n%s\n", cmd->name, cmd->synopsis[0] ? " " : "",
            cmd->synopsis, cmd->summary);
    fprintf(fp, "\nOptions:\n");
    for (const cli_option *const *g = cmd->options; *g != NULL; g++)
        for (const cli_option *o = *g; o->val != 0; o++)
            print_option(o, fp);
}

int cli_usage_error(const cli_command *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "ziplint %s: ", cmd->name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'ziplint %s --help' for more information.\n", cmd->name);
    return ZL_EXIT_TROUBLE;
}

int cli_want_color(const char *color, FILE *fp)
{
    if (color != NULL && strcmp(color, "always") == 0)
        return 1;
    if (color != NULL && strcmp(color, "never") == 0)
        return 0;
    /* no-color.org: present and not empty means no colour. */
    const char *nc = getenv("NO_COLOR");
    if (nc != NULL && nc[0] != '\0')
        return 0;
    const char *term = getenv("TERM");
    if (term != NULL && strcmp(term, "dumb") == 0)
        return 0;
    return isatty(fileno(fp));
}

/* ---- parsing ---- */

static int push_layer(cli_args *a, const char *path)
{
    const char **nl = realloc(a->layers, (a->n_layers + 1) * sizeof *nl);
    if (nl == NULL)
        return -1;
    a->layers = nl;
    a->layers[a->n_layers++] = path;
    return 0;
}

/* Stores one parsed option into a. */
static int store_option(cli_args *a, int val, const char *arg)
{
    switch (val) {
    case OPT_HELP:
        a->help = 1;
        break;
    case OPT_QUIET:
        a->quiet = 1;
        break;
    case OPT_VERBOSE:
        a->verbose = 1;
        break;
    case OPT_REPORT_FILE:
        a->report_file = arg;
        break;
    case OPT_PROFILE:
        a->profile = arg;
        break;
    case OPT_HANDLER:
        a->handler = arg;
        break;
    case OPT_RUNTIME:
        a->runtime = arg;
        break;
    case OPT_ARCH:
        a->arch = arg;
        break;
    case OPT_LAYER:
        return push_layer(a, arg);
    case OPT_LAYERS_SIZE:
        a->layers_size = arg;
        break;
    case OPT_SELECT:
        a->select = arg;
        break;
    case OPT_IGNORE:
        a->ignore = arg;
        break;
    case OPT_FAIL_ON:
        a->fail_on = arg;
        break;
    case OPT_UPLOAD:
        a->upload = arg;
        break;
    case OPT_FORMAT:
        a->format = arg;
        break;
    case OPT_COLOR:
        a->color = arg;
        break;
    case OPT_VERIFY:
        a->verify = 1;
        break;
    case OPT_NO_VERIFY:
        a->no_verify = 1;
        break;
    case OPT_REPRODUCIBLE:
        a->reproducible = 1;
        break;
    case OPT_UNSAFE_FIXES:
        a->unsafe_fixes = 1;
        break;
    case OPT_DRY_RUN:
        a->dry_run = 1;
        break;
    case OPT_OUTPUT:
        a->output = arg;
        break;
    case OPT_EXIT_NON_ZERO_ON_FIX:
        a->exit_non_zero_on_fix = 1;
        break;
    case OPT_CONFIG:
        a->config = arg;
        break;
    case OPT_ISOLATED:
        a->isolated = 1;
        break;
    case OPT_STATISTICS:
        a->statistics = 1;
        break;
    case OPT_JOBS:
        a->jobs = arg;
        break;
    case OPT_BACKUP:
        a->backup = 1;
        a->backup_suffix = arg;
        break;
    case OPT_DEPTH:
        a->depth = arg;
        break;
    case OPT_FORCE:
        a->force = 1;
        break;
    default:
        break;
    }
    return 0;
}

int cli_args_parse(const cli_command *cmd, int argc, char **argv, cli_args *a)
{
    int status = ZL_EXIT_TROUBLE;
    struct option *longs = NULL;
    char **av = NULL;
    char *prog = NULL;
    char shorts[64];
    size_t n_long = 0, n_short = 0;

    memset(a, 0, sizeof *a);
    for (const cli_option *const *g = cmd->options; *g != NULL; g++)
        for (const cli_option *o = *g; o->val != 0; o++)
            n_long++;
    longs = calloc(n_long + 1, sizeof *longs);
    av = calloc((size_t)argc + 1, sizeof *av);
    prog = malloc(strlen(cmd->name) + 16);
    if (longs == NULL || av == NULL || prog == NULL) {
        fprintf(stderr, "ziplint: out of memory\n");
        goto out;
    }
    n_long = 0;
    for (const cli_option *const *g = cmd->options; *g != NULL; g++) {
        for (const cli_option *o = *g; o->val != 0; o++) {
            if (o->name != NULL)
                longs[n_long++] = (struct option){
                    o->name,
                    o->arg == NULL  ? no_argument
                    : o->arg[0] == '[' ? optional_argument
                                       : required_argument,
                    NULL, o->val};
            if (o->val < 256 && n_short + 3 < sizeof shorts) {
                shorts[n_short++] = (char)o->val;
                if (o->arg)
                    shorts[n_short++] = ':';
            }
        }
    }
    shorts[n_short] = '\0';

    /* getopt names argv[0] in its messages: make that "ziplint CMD". */
    snprintf(prog, strlen(cmd->name) + 16, "ziplint %s", cmd->name);
    av[0] = prog;
    for (int i = 1; i < argc; i++)
        av[i] = argv[i];
    optind = 1;
    opterr = 1;
    for (;;) {
        int c = getopt_long(argc, av, shorts, longs, NULL);
        if (c == -1)
            break;
        if (c == '?' || c == ':') {
            fprintf(stderr, "Try 'ziplint %s --help' for more information.\n", cmd->name);
            goto out;
        }
        if (store_option(a, c, optarg) != 0) {
            fprintf(stderr, "ziplint: out of memory\n");
            goto out;
        }
    }
    if (optind < argc) {
        a->paths = calloc((size_t)(argc - optind), sizeof *a->paths);
        if (a->paths == NULL) {
            fprintf(stderr, "ziplint: out of memory\n");
            goto out;
        }
        for (int i = optind; i < argc; i++)
            a->paths[a->n_paths++] = av[i];
    }
    status = ZL_EXIT_OK;
out:
    free(longs);
    free(av);
    free(prog);
    if (status != ZL_EXIT_OK)
        cli_args_free(a);
    return status;
}

void cli_args_free(cli_args *a)
{
    free(a->layers);
    free(a->paths);
    a->layers = NULL;
    a->paths = NULL;
    a->n_layers = a->n_paths = 0;
}

/* ---- validation ---- */

/* A byte count: decimal digits only, no sign, no overflow. */
static int parse_bytes(const char *s, uint64_t *out)
{
    if (s == NULL || s[0] < '0' || s[0] > '9')
        return -1;
    errno = 0;
    char *end = NULL;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || end == NULL || *end != '\0')
        return -1;
    *out = (uint64_t)v;
    return 0;
}

static int one_of(const char *s, const char *const *words)
{
    for (size_t i = 0; words[i] != NULL; i++)
        if (strcmp(s, words[i]) == 0)
            return (int)i;
    return -1;
}

int cli_args_validate(const cli_command *cmd, const cli_args *a, int fixing, cli_settings *s)
{
    static const char *const formats[] = {"text", "json", "sarif", "github", NULL};
    static const zl_format format_ids[] = {ZL_FORMAT_TEXT, ZL_FORMAT_JSON, ZL_FORMAT_SARIF,
                                           ZL_FORMAT_GITHUB};
    static const char *const colors[] = {"auto", "always", "never", NULL};
    static const char *const uploads[] = {"direct", "s3", NULL};
    zl_error err;
    zl_error_init(&err);

    memset(s, 0, sizeof *s);
    zl_options_init(&s->opt);
    s->fail_on = ZL_SEV_ERROR;
    s->color = "auto";

    if (a->n_paths == 0)
        return cli_usage_error(cmd, "no archive given");
    if (a->quiet && a->verbose)
        return cli_usage_error(cmd, "-q and -v cannot be used together");
    if (a->format != NULL) {
        int f = one_of(a->format, formats);
        if (f < 0)
            return cli_usage_error(
                cmd, "unknown format '%s' (expected text, json, sarif or github)", a->format);
        s->ro.format = format_ids[f];
    }
    if (a->statistics && s->ro.format != ZL_FORMAT_TEXT && s->ro.format != ZL_FORMAT_JSON)
        return cli_usage_error(cmd, "--statistics is text or JSON; it cannot be used with "
                                    "--format %s",
                               a->format);
    if (a->config != NULL && a->isolated)
        return cli_usage_error(cmd, "--config and --isolated cannot be used together");
    s->jobs = 1;
    if (a->jobs != NULL) {
        uint64_t j = 0;
        if (parse_bytes(a->jobs, &j) != 0 || j < 1 || j > 64)
            return cli_usage_error(cmd, "bad -j '%s' (expected a number from 1 to 64)", a->jobs);
        s->jobs = (unsigned)j;
    }
    if (a->backup && a->backup_suffix != NULL &&
        (a->backup_suffix[0] == '\0' || strchr(a->backup_suffix, '/') != NULL))
        return cli_usage_error(cmd, "bad --backup suffix '%s' (expected e.g. .orig, no '/')",
                               a->backup_suffix);
    if (a->backup && a->output != NULL)
        return cli_usage_error(cmd, "--backup and --output cannot be used together (--output "
                                    "leaves the original alone)");
    if (a->color != NULL) {
        if (one_of(a->color, colors) < 0)
            return cli_usage_error(cmd, "unknown colour mode '%s' (expected auto, always or never)",
                                   a->color);
        s->color = a->color;
    }
    if (a->fail_on != NULL && zl_severity_parse(a->fail_on, &s->fail_on) != ZL_OK)
        return cli_usage_error(
            cmd, "unknown severity '%s' (expected error, warning, info or never)", a->fail_on);
    if (a->profile != NULL && zl_options_set_profile(&s->opt, a->profile, &err) != ZL_OK)
        return cli_usage_error(cmd, "%s", err.message);
    if (a->runtime != NULL && zl_options_set_runtime(&s->opt, a->runtime, &err) != ZL_OK)
        return cli_usage_error(cmd, "%s", err.message);
    if (a->arch != NULL && zl_options_set_arch(&s->opt, a->arch, &err) != ZL_OK)
        return cli_usage_error(cmd, "%s", err.message);
    if (a->upload != NULL) {
        int u = one_of(a->upload, uploads);
        if (u < 0)
            return cli_usage_error(cmd, "unknown upload '%s' (expected direct or s3)", a->upload);
        s->opt.upload = u == 0 ? ZL_UPLOAD_DIRECT : ZL_UPLOAD_S3;
    }
    if (a->handler != NULL) {
        /* MODULE.FUNC: a dot with something on both sides. */
        const char *dot = strrchr(a->handler, '.');
        if (dot == NULL || dot == a->handler || dot[1] == '\0')
            return cli_usage_error(cmd, "bad handler '%s' (expected MODULE.FUNC, e.g. app.handler)",
                                   a->handler);
        s->opt.handler = a->handler;
    }
    if (a->layers_size != NULL && parse_bytes(a->layers_size, &s->opt.layers_size) != 0)
        return cli_usage_error(cmd, "bad --layers-size '%s' (expected a number of bytes)",
                               a->layers_size);
    size_t n_stdin = 0;
    for (size_t i = 0; i < a->n_paths; i++)
        if (strcmp(a->paths[i], "-") == 0)
            n_stdin++;
    if (n_stdin > 0 && fixing)
        return cli_usage_error(cmd, "cannot fix standard input ('-'): give the archive's path");
    if (n_stdin > 1)
        return cli_usage_error(cmd, "standard input ('-') can be given only once");
    if (a->output != NULL && a->n_paths != 1)
        return cli_usage_error(cmd, "--output needs exactly one archive");
    if (a->output != NULL && a->dry_run)
        return cli_usage_error(cmd, "--output and --dry-run cannot be used together");

    s->opt.select = a->select;
    s->opt.ignore = a->ignore;
    s->opt.reproducible = a->reproducible;
    s->opt.unsafe_fixes = a->unsafe_fixes;
    s->opt.fixing = fixing;
    /* fix always verifies what it reads unless told not to. */
    s->opt.verify = a->verify || (fixing && !a->no_verify);
    s->ro.verbosity = a->quiet ? -1 : a->verbose ? 1 : 0;
    /* A dry run fixes nothing: its report is a check's. */
    s->ro.fixing = fixing && !a->dry_run;
    s->ro.fail_on = s->fail_on;
    s->ro.statistics = a->statistics;
    return ZL_EXIT_OK;
}
