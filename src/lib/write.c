/* src/lib/write.c - STUB: to be written. */
#include "config.h"
#include "zl_internal.h"
int zl_plan_apply(zl_plan *plan, const char *output, zl_error *err) { (void)plan; (void)output; return zl_error_set(err, ZL_E_WRITE, "not implemented"); }
