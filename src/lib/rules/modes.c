/* src/lib/rules/modes.c - STUB: to be written. */
#include "config.h"
#include "../zl_internal.h"
const zl_rule_def zl_rules_modes[] = {{NULL, NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL}};
int zl_entry_is_executable(zl_ctx *ctx, zl_entry *e) { (void)ctx; (void)e; return 0; }
