/* src/lib/report.c - STUB: to be written. */
#include "config.h"
#include "zl_internal.h"
#include <stdlib.h>
struct zl_report { int dummy; };
int zl_report_new(zl_report **out, FILE *fp, const zl_report_options *ro, zl_error *err) { (void)fp; (void)ro; (void)err; *out = calloc(1, sizeof **out); return *out ? ZL_OK : ZL_E_NOMEM; }
void zl_report_free(zl_report *rep) { free(rep); }
int zl_report_archive(zl_report *rep, const char *path, const zl_archive *ar, const zl_result *res, const zl_plan *applied, const char *error) { (void)rep; (void)path; (void)ar; (void)res; (void)applied; (void)error; return ZL_OK; }
int zl_report_finish(zl_report *rep, zl_error *err) { (void)rep; (void)err; return ZL_OK; }
