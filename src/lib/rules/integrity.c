/* src/lib/rules/integrity.c - STUB: to be written. */
#include "config.h"
#include "../zl_internal.h"
const zl_rule_def zl_rules_integrity[] = {{NULL, NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL}};
