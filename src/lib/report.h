/* report.h - what report.c shares with the format writers. */
#ifndef ZL_REPORT_H
#define ZL_REPORT_H
#include "zl_internal.h"
#endif
