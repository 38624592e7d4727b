/* cli.h - what the files of the ziplint command share. */
#ifndef ZL_CLI_H
#define ZL_CLI_H
#include "ziplint.h"
enum zl_exit { ZL_EXIT_OK = 0, ZL_EXIT_FINDINGS = 1, ZL_EXIT_TROUBLE = 2 };
int cmd_check(int argc, char **argv, int fixing);
int cmd_rules(int argc, char **argv);
int cmd_explain(int argc, char **argv);
#endif
