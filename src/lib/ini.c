/* ini.c - INI text read with inih, line by line, with line numbers.
 *
 * inih as Debian builds it hands the handler no line numbers and reads
 * lines of at most 199 bytes (splitting longer ones silently). So the text
 * goes through our own reader, which counts lines, refuses long ones and
 * classifies each line (comment, section, key, continuation) the way inih
 * will, so that the callbacks know which line they are on and whether a
 * value continues the previous key. inih stays the parser of keys and
 * values. Parsing stops at the first error. Used by config.c and ruleset.c. */
#include "config.h"

#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "zl_internal.h"

#define MAX_LINE_BYTES 199 /* inih's buffer is 200 bytes, the NUL included */

static int vfail(zl_ini *ini, unsigned line, int rc, const char *fmt, va_list ap)
{
    if (ini->rc != ZL_OK)
        return 0; /* later errors are consequences of the first */
    vsnprintf(ini->msg, sizeof ini->msg, fmt, ap);
    ini->rc = rc;
    ini->err_line = line;
    return 0; /* what an inih handler returns on error */
}

int zl_ini_fail(zl_ini *ini, int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(ini, ini->line, rc, fmt, ap);
    va_end(ap);
    return 0;
}

int zl_ini_fail_at(zl_ini *ini, unsigned line, int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(ini, line, rc, fmt, ap);
    va_end(ap);
    return 0;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* inih's find_chars_or_comment: the first of chars, or an inline ';' that
 * follows whitespace, or the end. */
static const char *find_sep(const char *s, const char *end, const char *chars)
{
    bool was_space = false;
    for (; s < end; s++) {
        if (chars != NULL && strchr(chars, *s) != NULL)
            return s;
        if (was_space && *s == ';')
            return s;
        was_space = is_space(*s);
    }
    return end;
}

/* Classifies one whole line the way inih will; hands section headers to
 * the section callback. */
static void classify_line(zl_ini *ini, const char *line, size_t n)
{
    const char *end = line + n, *start = line;
    if (ini->line == 1 && n >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0)
        start += 3; /* BOM */
    const char *body = start;
    while (end > start && is_space(end[-1]))
        end--;
    while (start < end && is_space(*start))
        start++;
    ini->continuation = false;
    if (start == end || *start == ';' || *start == '#')
        return;
    if (ini->prev_key && start > body) {
        ini->continuation = true; /* inih hands it to the handler as the same key again */
        return;
    }
    if (*start == '[') {
        const char *close = find_sep(start + 1, end, "]");
        ini->prev_key = false;
        if (close == end || *close != ']') {
            zl_ini_fail(ini, ini->code, "expected ']' at the end of the section line");
            return;
        }
        ini->section(ini->ud, start + 1, (size_t)(close - start - 1));
        return;
    }
    const char *sep = find_sep(start, end, "=:");
    if (sep == end || (*sep != '=' && *sep != ':')) {
        zl_ini_fail(ini, ini->code, "expected 'key = value'");
        return;
    }
    ini->prev_key = true;
}

/* inih's fgets-style reader over ini->text, one line per call. */
static char *read_line(char *str, int num, void *stream)
{
    zl_ini *ini = stream;
    if (ini->rc != ZL_OK || ini->pos >= ini->len || num < 2)
        return NULL; /* stop at the first error */
    const char *line = ini->text + ini->pos;
    size_t rest = ini->len - ini->pos;
    const char *nl = memchr(line, '\n', rest);
    size_t n = nl ? (size_t)(nl - line) + 1 : rest;
    ini->line++;
    size_t content = n;
    while (content > 0 && (line[content - 1] == '\n' || line[content - 1] == '\r'))
        content--;
    /* The line's bytes and a '\n' must fit the buffer inih gives (its
     * NUL included); the '\r' of a CRLF line is dropped, inih would too. */
    size_t limit = (size_t)num - 2 < MAX_LINE_BYTES - 1 ? (size_t)num - 2 : MAX_LINE_BYTES - 1;
    if (content > limit) {
        zl_ini_fail(ini, ini->code, "line longer than %zu characters (%s)", limit,
                    ini->long_line_hint);
        return NULL;
    }
    memcpy(str, line, content);
    str[content] = '\n';
    str[content + 1] = '\0';
    ini->pos += n;
    classify_line(ini, line, n);
    return ini->rc == ZL_OK ? str : NULL;
}

static int handle_key(void *user, const char *section, const char *name, const char *value)
{
    zl_ini *ini = user;
    (void)section; /* the reader tracks sections, with their lines */
    if (ini->rc != ZL_OK)
        return 0;
    return ini->key(ini->ud, name, value);
}

int zl_ini_run(zl_ini *ini)
{
    ini->pos = 0;
    ini->len = ini->text ? strlen(ini->text) : 0;
    ini->line = 0;
    ini->prev_key = false;
    ini->continuation = false;
    ini->rc = ZL_OK;
    int ir = ini_parse_stream(read_line, ini, handle_key, ini);
    if (ini->rc == ZL_OK && ir > 0)
        zl_ini_fail_at(ini, (unsigned)ir, ini->code, "%s",
                       ini->unparsed); /* inih saw what we did not */
    else if (ini->rc == ZL_OK && ir < 0)
        zl_ini_fail_at(ini, 0, ZL_E_NOMEM, "out of memory");
    return ini->rc;
}

int zl_ini_error(const zl_ini *ini, const char *origin, zl_error *err)
{
    if (ini->rc == ZL_OK)
        return ZL_OK;
    if (ini->rc == ZL_E_NOMEM)
        return zl_error_set(err, ZL_E_NOMEM, "out of memory");
    return zl_error_set(err, ini->rc, "%s:%u: %s", origin, ini->err_line, ini->msg);
}
