/* src/lib/ruleset.c - STUB: to be written. */
#include "config.h"
#include "zl_internal.h"
#include <stdlib.h>
int zl_ruleset_new(zl_ruleset **out, zl_error *err) { (void)err; *out = calloc(1, sizeof **out); return *out ? ZL_OK : ZL_E_NOMEM; }
void zl_ruleset_free(zl_ruleset *rs) { free(rs); }
int zl_ruleset_load_file(zl_ruleset *rs, const char *path, zl_error *err) { (void)rs; return zl_error_set(err, ZL_E_RULEFILE, "%s: not implemented", path); }
size_t zl_ruleset_count(const zl_ruleset *rs) { return rs->n; }
const zl_rule_info *zl_ruleset_rule(const zl_ruleset *rs, size_t i) { return &rs->rules[i]->info; }
const zl_rule_info *zl_ruleset_find(const zl_ruleset *rs, const char *code) { (void)rs; (void)code; return NULL; }
int zl_ruleset_parse(zl_ruleset *rs, const char *origin, const char *text, bool builtin, zl_error *err) { (void)rs; (void)origin; (void)text; (void)builtin; (void)err; return ZL_OK; }
const zl_rule *zl_ruleset_get(const zl_ruleset *rs, const char *code) { (void)rs; (void)code; return NULL; }
int zl_name_is_junk(const zl_ruleset *rs, const char *path, size_t len) { (void)rs; (void)path; (void)len; return 0; }
