/* pattern.c - the PCRE2 wrapper: patterns are compiled once when a rule
 * file loads and matched against raw entry-name bytes. The only file that
 * includes <pcre2.h>. */
#include "config.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "zl_internal.h"

struct zl_pattern {
    pcre2_code *code;
};

int zl_pattern_new(zl_pattern **out, const char *pattern, zl_error *err)
{
    int errcode = 0;
    PCRE2_SIZE erroff = 0;
    *out = NULL;
    zl_pattern *p = calloc(1, sizeof *p);
    if (p == NULL)
        return zl_error_set(err, ZL_E_NOMEM, "out of memory");
    /* MATCH_INVALID_UTF: a name that is not valid UTF-8 can neither make
     * pcre2_match fail nor skip a match; DOLLAR_ENDONLY: '$' is the end of
     * the name even when the name ends with a newline byte. */
    p->code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                            PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_DOLLAR_ENDONLY, &errcode,
                            &erroff, NULL);
    if (p->code == NULL) {
        PCRE2_UCHAR msg[256];
        if (pcre2_get_error_message(errcode, msg, sizeof msg) < 0)
            snprintf((char *)msg, sizeof msg, "error %d", errcode);
        free(p);
        return zl_error_set(err, ZL_E_INVAL, "bad pattern at offset %zu: %s", (size_t)erroff,
                            (const char *)msg);
    }
    /* JIT when the library has it; without it pcre2_match interprets. */
    (void)pcre2_jit_compile(p->code, PCRE2_JIT_COMPLETE);
    *out = p;
    return ZL_OK;
}

void zl_pattern_free(zl_pattern *p)
{
    if (p == NULL)
        return;
    pcre2_code_free(p->code);
    free(p);
}

/* Match data: a pattern is shared by every thread that checks an archive,
 * so the data goes with the caller (one ovector pair is all a yes/no
 * answer needs). */
struct zl_matcher {
    pcre2_match_data *md;
};

zl_matcher *zl_matcher_new(void)
{
    zl_matcher *m = malloc(sizeof *m);
    if (m != NULL && (m->md = pcre2_match_data_create(1, NULL)) == NULL) {
        free(m);
        m = NULL;
    }
    return m;
}

void zl_matcher_free(zl_matcher *m)
{
    if (m == NULL)
        return;
    pcre2_match_data_free(m->md);
    free(m);
}

int zl_pattern_match_with(const zl_pattern *p, zl_matcher *m, const char *subject, size_t len)
{
    if (m == NULL)
        return zl_pattern_match(p, subject, len);
    return pcre2_match(p->code, (PCRE2_SPTR)subject, len, 0, 0, m->md, NULL) >= 0;
}

int zl_pattern_match(const zl_pattern *p, const char *subject, size_t len)
{
    pcre2_match_data *md = pcre2_match_data_create(1, NULL);
    if (md == NULL)
        return 0;
    int rc = pcre2_match(p->code, (PCRE2_SPTR)subject, len, 0, 0, md, NULL);
    pcre2_match_data_free(md);
    return rc >= 0;
}
