/* runtime.c - the one table of Lambda's Python runtimes (lambda.md's
 * Runtimes table: OS, glibc, archs) and the facts of each target arch.
 * Every rule that asks "what does this runtime load" asks here. */
#include "config.h"

#include <stddef.h>

#include "zl_internal.h"

#define BOTH_ARCHS (ZL_ARCH_BIT(ZL_ARCH_X86_64) | ZL_ARCH_BIT(ZL_ARCH_ARM64))

const zl_runtime zl_runtimes[] = {
    {"python3.9", 9, "Amazon Linux 2", 26, BOTH_ARCHS},
    {"python3.10", 10, "Amazon Linux 2", 26, BOTH_ARCHS},
    {"python3.11", 11, "Amazon Linux 2", 26, BOTH_ARCHS},
    {"python3.12", 12, "Amazon Linux 2023", 34, BOTH_ARCHS},
    {"python3.13", 13, "Amazon Linux 2023", 34, BOTH_ARCHS},
    {"python3.14", 14, "Amazon Linux 2023", 34, BOTH_ARCHS},
    {NULL, 0, NULL, 0, 0},
};

const zl_runtime *zl_runtime_find(int minor)
{
    for (const zl_runtime *r = zl_runtimes; r->name != NULL; r++)
        if (r->minor == minor)
            return r;
    return NULL;
}

int zl_runtime_glibc_minor(int minor)
{
    const zl_runtime *r = zl_runtime_find(minor);
    if (r != NULL)
        return r->glibc_minor;
    /* No runtime given: only what fails everywhere, so the newest glibc. */
    int best = 0;
    for (r = zl_runtimes; r->name != NULL; r++)
        if (r->glibc_minor > best)
            best = r->glibc_minor;
    return best;
}

int zl_runtime_min_minor(void)
{
    return zl_runtimes[0].minor;
}

int zl_runtime_max_minor(void)
{
    const zl_runtime *r = zl_runtimes;
    while (r[1].name != NULL)
        r++;
    return r->minor;
}

/* ELF e_machine values (elf.h): EM_X86_64, EM_AARCH64. */
#define EM_X86_64_VALUE  62
#define EM_AARCH64_VALUE 183

int zl_arch_elf_machine(zl_arch a)
{
    return a == ZL_ARCH_ARM64 ? EM_AARCH64_VALUE : EM_X86_64_VALUE;
}

const char *zl_arch_triple(zl_arch a)
{
    return a == ZL_ARCH_ARM64 ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
}

const char *zl_arch_wheel(zl_arch a)
{
    return a == ZL_ARCH_ARM64 ? "aarch64" : "x86_64";
}

const char *zl_arch_name(zl_arch a)
{
    return a == ZL_ARCH_ARM64 ? "arm64" : "x86_64";
}
