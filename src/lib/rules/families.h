/* Every built-in C rule family, once. Each names a table
 * zl_rules_<family>[] ending with a {NULL} entry. */
ZL_FAMILY(layout)
ZL_FAMILY(modes)
ZL_FAMILY(size)
ZL_FAMILY(bloat)
ZL_FAMILY(integrity)
ZL_FAMILY(platform)
ZL_FAMILY(repro)
