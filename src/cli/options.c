/* options.c - STUB */
#include "config.h"
#include "cli.h"
