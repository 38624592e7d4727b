/* config.c - STUB: to be written. */
#include "config.h"

#include "zl_internal.h"
