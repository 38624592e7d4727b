/* src/lib/plan.c - STUB: to be written. */
#include "config.h"
#include "zl_internal.h"
#include <stdlib.h>
int zl_plan_new(zl_plan **out, zl_archive *ar, const zl_result *res, const zl_options *opt, zl_error *err) { (void)ar; (void)res; (void)opt; *out = NULL; return zl_error_set(err, ZL_E_REFUSED, "not implemented"); }
void zl_plan_free(zl_plan *plan) { free(plan); }
int zl_plan_is_empty(const zl_plan *plan) { return plan->n_touched == 0; }
size_t zl_plan_change_count(const zl_plan *plan) { return plan->n_changes; }
const zl_plan_change *zl_plan_change_at(const zl_plan *plan, size_t i) { return &plan->changes[i]; }
int zl_plan_print(const zl_plan *plan, FILE *fp) { (void)plan; (void)fp; return ZL_OK; }
