/* cmd_hook.c - STUB: to be written. */
#include "config.h"

#include "cli.h"
