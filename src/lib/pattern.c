/* src/lib/pattern.c - STUB: to be written. */
#include "config.h"
#include "zl_internal.h"
struct zl_pattern { int dummy; };
int zl_pattern_new(zl_pattern **out, const char *pattern, zl_error *err) { (void)pattern; *out = NULL; return zl_error_set(err, ZL_E_INVAL, "not implemented"); }
void zl_pattern_free(zl_pattern *p) { (void)p; }
int zl_pattern_match(const zl_pattern *p, const char *subject, size_t len) { (void)p; (void)subject; (void)len; return 0; }
