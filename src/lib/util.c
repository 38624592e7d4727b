/* util.c - errors, strings, severities, options: small things every room uses. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "zl_internal.h"

void zl_error_init(zl_error *err)
{
    if (err == NULL)
        return;
    err->code = ZL_OK;
    err->message[0] = '\0';
}

int zl_error_set(zl_error *err, int code, const char *fmt, ...)
{
    if (err != NULL) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
        /* One line: a name with a newline in it must not split the message. */
        for (char *p = err->message; *p; p++)
            if (*p == '\n' || *p == '\r')
                *p = ' ';
        err->code = code;
    }
    return code;
}

char *zl_strndup(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d == NULL)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *zl_strdup(const char *s)
{
    return s == NULL ? NULL : zl_strndup(s, strlen(s));
}

char *zl_vasprintf(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (s == NULL)
        return NULL;
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

char *zl_asprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = zl_vasprintf(fmt, ap);
    va_end(ap);
    return s;
}

int zl_file_read_text(const char *path, size_t max, const char *what, int code, char **out,
                      zl_error *err)
{
    int rc = ZL_OK;
    char *text = NULL;
    *out = NULL;
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return zl_error_set(err, ZL_E_IO, "cannot read %s %s: %s", what, path, strerror(errno));
    if ((text = malloc(max + 1)) == NULL) {
        rc = zl_error_set(err, ZL_E_NOMEM, "out of memory");
        goto out;
    }
    /* One byte more than max tells a file of max bytes from a larger one. */
    size_t n = fread(text, 1, max + 1, fp);
    if (ferror(fp)) {
        rc = zl_error_set(err, ZL_E_IO, "cannot read %s %s: %s", what, path, strerror(errno));
        goto out;
    }
    if (n > max) {
        rc = zl_error_set(err, code, "%s: larger than %zu bytes", path, max);
        goto out;
    }
    const char *nul = memchr(text, '\0', n);
    if (nul != NULL) {
        unsigned line = 1;
        for (const char *p = text; p < nul; p++)
            line += *p == '\n';
        rc = zl_error_set(err, code, "%s:%u: NUL byte in a %s", path, line, what);
        goto out;
    }
    text[n] = '\0';
    *out = text;
    text = NULL;
out:
    free(text);
    fclose(fp);
    return rc;
}

const char *zl_version(void)
{
    return PACKAGE_VERSION;
}

const char *zl_severity_name(zl_severity sev)
{
    switch (sev) {
    case ZL_SEV_ERROR:
        return "error";
    case ZL_SEV_WARNING:
        return "warning";
    case ZL_SEV_INFO:
        return "info";
    case ZL_SEV_NONE:
        break;
    }
    return "never";
}

int zl_severity_parse(const char *s, zl_severity *out)
{
    static const struct {
        const char *name;
        zl_severity sev;
    } names[] = {{"error", ZL_SEV_ERROR},
                 {"warning", ZL_SEV_WARNING},
                 {"info", ZL_SEV_INFO},
                 {"never", ZL_SEV_NONE}};
    for (size_t i = 0; s != NULL && i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(s, names[i].name) == 0) {
            *out = names[i].sev;
            return ZL_OK;
        }
    }
    return ZL_E_INVAL;
}

void zl_options_init(zl_options *o)
{
    memset(o, 0, sizeof *o);
    o->profile = ZL_PROFILE_FUNCTION;
    o->arch = ZL_ARCH_X86_64;
    o->upload = ZL_UPLOAD_UNKNOWN;
}

int zl_options_set_runtime(zl_options *o, const char *runtime, zl_error *err)
{
    unsigned minor = 0;
    char tail = 0;
    /* The runtime table (runtime.c) is the one list of runtimes. */
    if (runtime == NULL || sscanf(runtime, "python3.%u%c", &minor, &tail) != 1 || minor > 99 ||
        zl_runtime_find((int)minor) == NULL)
        return zl_error_set(err, ZL_E_INVAL, "unknown runtime '%s' (expected python3.%d .. python3.%d)",
                            runtime ? runtime : "", zl_runtime_min_minor(), zl_runtime_max_minor());
    o->runtime_minor = (int)minor;
    return ZL_OK;
}

int zl_options_set_arch(zl_options *o, const char *arch, zl_error *err)
{
    if (arch != NULL && (strcmp(arch, "x86_64") == 0 || strcmp(arch, "amd64") == 0)) {
        o->arch = ZL_ARCH_X86_64;
        return ZL_OK;
    }
    if (arch != NULL && (strcmp(arch, "arm64") == 0 || strcmp(arch, "aarch64") == 0)) {
        o->arch = ZL_ARCH_ARM64;
        return ZL_OK;
    }
    return zl_error_set(err, ZL_E_INVAL, "unknown architecture '%s' (expected x86_64 or arm64)",
                        arch ? arch : "");
}

int zl_options_set_profile(zl_options *o, const char *profile, zl_error *err)
{
    if (profile != NULL && strcmp(profile, "function") == 0) {
        o->profile = ZL_PROFILE_FUNCTION;
        return ZL_OK;
    }
    if (profile != NULL && strcmp(profile, "layer") == 0) {
        o->profile = ZL_PROFILE_LAYER;
        return ZL_OK;
    }
    return zl_error_set(err, ZL_E_INVAL, "unknown profile '%s' (expected function or layer)",
                        profile ? profile : "");
}

char *zl_format_bytes(uint64_t n, char *buf, size_t size)
{
    /* Binary units: AWS's "250 MB" and "50 MB" limits are 250 and 50 MiB,
     * so the limits print as the round numbers people know. */
    static const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = (double)n;
    size_t u = 0;
    if (n < 1024) {
        snprintf(buf, size, "%llu B", (unsigned long long)n);
        return buf;
    }
    while (v >= 1024.0 && u + 1 < sizeof units / sizeof units[0]) {
        v /= 1024.0;
        u++;
    }
    snprintf(buf, size, v < 10.0 ? "%.1f %s" : "%.0f %s", v, units[u]);
    return buf;
}

int zl_pread_full(int fd, void *buf, size_t len, uint64_t off)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = pread(fd, (char *)buf + done, len - done, (off_t)(off + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        done += (size_t)n;
    }
    return 0;
}

const char *zl_errno_cause(int e)
{
    switch (e) {
    case ENOSPC:
        return "no space left on device";
    case EDQUOT:
        return "disk quota exceeded";
    case EROFS:
        return "read-only file system";
    case EACCES:
    case EPERM:
        return "permission denied";
    case EFBIG:
        return "file too large";
    case EIO:
        return "input/output error";
    default:
        return strerror(e);
    }
}
