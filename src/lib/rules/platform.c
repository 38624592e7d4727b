/* rules/platform.c - STUB: to be written. */
#include "config.h"

#include "../zl_internal.h"

const zl_rule_def zl_rules_platform[] = {{NULL, NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL}};
