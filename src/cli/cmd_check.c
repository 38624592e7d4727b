/* cmd_check.c - STUB */
#include "config.h"
#include "cli.h"
int cmd_check(int argc, char **argv, int fixing) { (void)argc; (void)argv; (void)fixing; return 2; }
