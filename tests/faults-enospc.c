/* faults-enospc.c - an LD_PRELOAD shim for tests/faults.sh: once
 * ZL_ENOSPC_AFTER bytes have gone to regular files (not stdin, stdout or
 * stderr), every further write to a regular file fails with ENOSPC, as on
 * a full disk; with ZL_FSYNC_EIO set, every fsync of a regular file fails
 * with EIO, as when the device cannot write back; with ZL_RENAME_FAIL set,
 * renaming a file whose name holds ".ziplint-" (fix's staged archive)
 * fails with EXDEV. Built by faults.sh at test time; never installed. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static long long budget = -1; /* bytes left; -1: not read yet */

/* 1 when this write must fail: a regular file and the budget is spent. */
static int must_fail(int fd, size_t len)
{
    struct stat st;
    if (fd <= 2 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        return 0;
    if (budget < 0) {
        const char *s = getenv("ZL_ENOSPC_AFTER");
        budget = s ? strtoll(s, NULL, 10) : LLONG_MAX;
    }
    if ((long long)len > budget) {
        budget = 0;
        errno = ENOSPC;
        return 1;
    }
    budget -= (long long)len;
    return 0;
}

ssize_t write(int fd, const void *buf, size_t len)
{
    static ssize_t (*real)(int, const void *, size_t);
    if (real == NULL)
        real = (ssize_t(*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
    return must_fail(fd, len) ? -1 : real(fd, buf, len);
}

ssize_t pwrite(int fd, const void *buf, size_t len, off_t off)
{
    static ssize_t (*real)(int, const void *, size_t, off_t);
    if (real == NULL)
        real = (ssize_t(*)(int, const void *, size_t, off_t))dlsym(RTLD_NEXT, "pwrite");
    return must_fail(fd, len) ? -1 : real(fd, buf, len, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t len, off_t off)
{
    static ssize_t (*real)(int, const void *, size_t, off_t);
    if (real == NULL)
        real = (ssize_t(*)(int, const void *, size_t, off_t))dlsym(RTLD_NEXT, "pwrite64");
    return must_fail(fd, len) ? -1 : real(fd, buf, len, off);
}

ssize_t writev(int fd, const struct iovec *iov, int n)
{
    static ssize_t (*real)(int, const struct iovec *, int);
    if (real == NULL)
        real = (ssize_t(*)(int, const struct iovec *, int))dlsym(RTLD_NEXT, "writev");
    size_t len = 0;
    for (int i = 0; i < n; i++)
        len += iov[i].iov_len;
    return must_fail(fd, len) ? -1 : real(fd, iov, n);
}

int fsync(int fd)
{
    static int (*real)(int);
    if (real == NULL)
        real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    struct stat st;
    if (getenv("ZL_FSYNC_EIO") != NULL && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        errno = EIO;
        return -1;
    }
    return real(fd);
}

int rename(const char *from, const char *to)
{
    static int (*real)(const char *, const char *);
    if (real == NULL)
        real = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
    if (getenv("ZL_RENAME_FAIL") != NULL && strstr(from, ".ziplint-") != NULL) {
        errno = EXDEV;
        return -1;
    }
    return real(from, to);
}
