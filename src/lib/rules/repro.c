/* rules/repro.c - STUB: to be written. */
#include "config.h"

#include "../zl_internal.h"

const zl_rule_def zl_rules_repro[] = {{NULL, NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL}};
