/* main.c - STUB */
#include "config.h"
#include <stdio.h>
#include "cli.h"
int main(int argc, char **argv) { (void)argc; (void)argv; printf("ziplint %s\n", zl_version()); return 0; }
