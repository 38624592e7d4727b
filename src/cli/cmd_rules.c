/* cmd_rules.c - `ziplint rules` (the catalogue as a table) and
 * `ziplint explain CODE` (one rule in full). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char *fix_kind_name(zl_fix_kind k)
{
    switch (k) {
    case ZL_FIX_SAFE:
        return "safe";
    case ZL_FIX_UNSAFE:
        return "unsafe";
    case ZL_FIX_SAFE_AND_UNSAFE:
        return "safe+unsafe";
    case ZL_FIX_NONE:
        break;
    }
    return "none";
}

static const char *fix_kind_sentence(zl_fix_kind k)
{
    switch (k) {
    case ZL_FIX_SAFE:
        return "safe: `ziplint fix` repairs it";
    case ZL_FIX_UNSAFE:
        return "unsafe: `ziplint fix --unsafe-fixes` repairs it (may change behaviour)";
    case ZL_FIX_SAFE_AND_UNSAFE:
        return "safe with `ziplint fix`; a stronger unsafe fix with `ziplint fix --unsafe-fixes`";
    case ZL_FIX_NONE:
        break;
    }
    return "none: repair it by hand or in the build";
}

/* Parses the command line of a command that takes only --help and a fixed
 * number of operands. Returns -1 when the command should run, else the
 * exit status. */
static int simple_args(const cli_command *cmd, int argc, char **argv, size_t n_operands,
                       cli_args *a)
{
    int status = cli_args_parse(cmd, argc, argv, a);
    if (status != ZL_EXIT_OK)
        return status;
    if (a->help) {
        cli_usage_command(cmd, stdout);
        return ZL_EXIT_OK;
    }
    if (a->n_paths != n_operands)
        return cli_usage_error(cmd, n_operands == 0 ? "takes no arguments"
                                                    : "expects exactly one rule code (e.g. ZL101)");
    return -1;
}

static zl_ruleset *load_rules(void)
{
    zl_ruleset *rs = NULL;
    zl_error err;
    zl_error_init(&err);
    if (zl_ruleset_new(&rs, &err) != ZL_OK) {
        fprintf(stderr, "ziplint: %s\n", err.message);
        return NULL;
    }
    return rs;
}

int cmd_rules(const cli_command *cmd, int argc, char **argv)
{
    cli_args a;
    zl_ruleset *rs = NULL;
    int status = simple_args(cmd, argc, argv, 0, &a);
    if (status >= 0)
        goto out;
    status = ZL_EXIT_TROUBLE;
    if ((rs = load_rules()) == NULL)
        goto out;
    printf("%-6s  %-24s  %-8s  %-11s  %s\n", "CODE", "NAME", "SEVERITY", "FIX", "SUMMARY");
    for (size_t i = 0; i < zl_ruleset_count(rs); i++) {
        const zl_rule_info *r = zl_ruleset_rule(rs, i);
        printf("%-6s  %-24s  %-8s  %-11s  %s%s\n", r->code, r->name, zl_severity_name(r->severity),
               fix_kind_name(r->fix), r->summary ? r->summary : "",
               r->default_on ? "" : " (only when selected)");
    }
    status = ZL_EXIT_OK;
out:
    zl_ruleset_free(rs);
    cli_args_free(&a);
    return status;
}

int cmd_explain(const cli_command *cmd, int argc, char **argv)
{
    cli_args a;
    zl_ruleset *rs = NULL;
    int status = simple_args(cmd, argc, argv, 1, &a);
    if (status >= 0)
        goto out;
    status = ZL_EXIT_TROUBLE;
    if ((rs = load_rules()) == NULL)
        goto out;
    const zl_rule_info *r = zl_ruleset_find(rs, a.paths[0]);
    if (r == NULL) {
        fprintf(stderr,
                "ziplint explain: unknown rule code '%s' (run 'ziplint rules' for the list)\n",
                a.paths[0]);
        goto out;
    }
    printf("%s %s\n\n", r->code, r->name);
    if (r->summary != NULL && r->summary[0] != '\0')
        printf("%s\n\n", r->summary);
    if (r->explain != NULL && r->explain[0] != '\0') {
        size_t n = strlen(r->explain);
        printf("%s%s\n", r->explain, r->explain[n - 1] == '\n' ? "" : "\n");
    }
    printf("Severity: %s%s\n", zl_severity_name(r->severity),
           r->default_on ? "" : " (only when selected with --select or --reproducible)");
    printf("Fix: %s\n", fix_kind_sentence(r->fix));
    printf("Lambda error: %s\n",
           r->lambda_error != NULL && r->lambda_error[0] != '\0' ? r->lambda_error : "(none)");
    if (r->origin != NULL && strcmp(r->origin, "built-in") != 0)
        printf("Defined in: %s\n", r->origin);
    status = ZL_EXIT_OK;
out:
    zl_ruleset_free(rs);
    cli_args_free(&a);
    return status;
}
