/* cmd_rules.c - STUB */
#include "config.h"
#include "cli.h"
int cmd_rules(int argc, char **argv) { (void)argc; (void)argv; return 2; }
int cmd_explain(int argc, char **argv) { (void)argc; (void)argv; return 2; }
