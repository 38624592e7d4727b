/* src/lib/sniff.c - STUB: to be written. */
#include "config.h"
#include "zl_internal.h"
const zl_sniff *zl_entry_sniff(zl_archive *ar, zl_entry *e) { (void)ar; e->sniffed = true; e->sniff.kind = ZL_KIND_DATA; return &e->sniff; }
int zl_entry_magic(zl_archive *ar, const zl_entry *e, char *buf, size_t size, zl_error *err) { (void)ar; (void)e; (void)err; if (size) buf[0] = 0; return ZL_OK; }
