/* sniff.c - what an entry is, from its first bytes: ELF (class, machine,
 * type, PT_INTERP), Mach-O, PE, #! script, .pyc, text or data; and
 * libmagic's description of the same bytes. The only file that includes
 * <magic.h>. Every offset read from the bytes is checked against what was
 * read: an entry is hostile input. */
#include "config.h"

#include <magic.h>
#include <stdio.h>
#include <string.h>

#include "zl_internal.h"

/* Enough for every header we parse, and for libmagic's usual tests. */
#define HEAD_MAX 4096
#define PYC_HEAD 16 /* what sniff_pyc reads */

#define ELF_PT_INTERP 3
#define ELF_PN_XNUM   0xffffu

static uint16_t get16(const unsigned char *p, bool be)
{
    return be ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

static uint32_t get32(const unsigned char *p, bool be)
{
    return be ? ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3])
              : ((uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0]);
}

static uint64_t get64(const unsigned char *p, bool be)
{
    uint64_t hi = get32(be ? p : p + 4, be), lo = get32(be ? p + 4 : p, be);
    return hi << 32 | lo;
}

/* ELF header fields, and PT_INTERP when the program headers lie within the
 * bytes read (they follow the header in every linker's output). A header
 * cut short leaves the fields it does not reach at 0. */
static void sniff_elf(const unsigned char *b, size_t n, zl_sniff *s)
{
    s->kind = ZL_KIND_ELF;
    if (n < 6 || (b[4] != 1 && b[4] != 2) || (b[5] != 1 && b[5] != 2))
        return;
    bool is64 = b[4] == 2, be = b[5] == 2;
    s->elf_class = b[4];
    if (n < 20)
        return;
    s->elf_type = get16(b + 16, be);
    s->elf_machine = get16(b + 18, be);

    uint64_t phoff;
    size_t phentsize, phnum;
    if (is64) {
        if (n < 64)
            return;
        phoff = get64(b + 32, be);
        phentsize = get16(b + 54, be);
        phnum = get16(b + 56, be);
    } else {
        if (n < 52)
            return;
        phoff = get32(b + 28, be);
        phentsize = get16(b + 42, be);
        phnum = get16(b + 44, be);
    }
    /* p_type is the first 4 bytes of an entry in both classes. */
    if (phnum == 0 || phnum == ELF_PN_XNUM || phentsize < 4 || phoff >= n)
        return;
    for (size_t i = 0; i < phnum; i++) {
        uint64_t off = phoff + (uint64_t)i * phentsize;
        if (off > n || n - off < 4)
            return;
        if (get32(b + off, be) == ELF_PT_INTERP) {
            s->elf_interp = true;
            return;
        }
    }
}

static bool is_macho(const unsigned char *b, size_t n)
{
    if (n < 8)
        return false;
    uint32_t m = get32(b, true);
    if (m == 0xfeedfaceu || m == 0xfeedfacfu || m == 0xcefaedfeu || m == 0xcffaedfeu)
        return true;
    /* Universal binaries share 0xcafebabe with Java class files; a fat
     * header's architecture count is small where a class file's version
     * is at least 45 (what file(1) checks too). */
    if (m == 0xcafebabeu || m == 0xcafebabfu) {
        uint32_t nfat = get32(b + 4, true);
        return nfat > 0 && nfat < 20;
    }
    return false;
}

/* Printable text: no NUL, no control bytes but the usual whitespace,
 * backspace and escape. Bytes >= 0x80 are allowed (UTF-8 or Latin-1). */
static bool is_text(const unsigned char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = b[i];
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' &&
            c != '\b' && c != 0x1b)
            return false;
        if (c == 0x7f)
            return false;
    }
    return true;
}

static bool is_pe(const unsigned char *b, size_t n)
{
    if (n < 2 || b[0] != 'M' || b[1] != 'Z')
        return false;
    if (n >= 0x40) {
        uint32_t lfanew = get32(b + 0x3c, false);
        if (lfanew <= n && n - lfanew >= 4 && memcmp(b + lfanew, "PE\0\0", 4) == 0)
            return true;
    }
    /* A DOS stub whose PE header lies beyond the bytes read: binary still. */
    return !is_text(b, n);
}

/* CPython 3 magics are 3000..3999, 2.7's 62211 (little-endian), always
 * followed by "\r\n"; no text starts with those control bytes. */
static bool sniff_pyc(const unsigned char *b, size_t n, zl_sniff *s)
{
    if (n < 4 || b[2] != '\r' || b[3] != '\n')
        return false;
    uint16_t m = get16(b, false);
    if (!((m >= 3000 && m < 4000) || m == 62211))
        return false;
    s->kind = ZL_KIND_PYC;
    s->pyc_magic = get32(b, false);
    if (m >= 3390 && m < 4000) {
        /* 3.7+ (PEP 552): flags, then mtime and source size or a hash. */
        if (n >= 16) {
            s->pyc_flags = get32(b + 4, false);
            s->pyc_mtime = get32(b + 8, false);
            s->pyc_size = get32(b + 12, false);
        }
    } else if (m >= 3230 && m < 4000) {
        /* 3.3..3.6: mtime, source size. */
        if (n >= 12) {
            s->pyc_mtime = get32(b + 4, false);
            s->pyc_size = get32(b + 8, false);
        }
    } else if (n >= 8) {
        s->pyc_mtime = get32(b + 4, false);
    }
    return true;
}

static void classify(const unsigned char *b, size_t n, zl_sniff *s)
{
    memset(s, 0, sizeof *s);
    if (n >= 4 && memcmp(b, "\177ELF", 4) == 0)
        sniff_elf(b, n, s);
    else if (is_macho(b, n))
        s->kind = ZL_KIND_MACHO;
    else if (is_pe(b, n))
        s->kind = ZL_KIND_PE;
    else if (sniff_pyc(b, n, s))
        ;
    else if (n >= 2 && b[0] == '#' && b[1] == '!')
        s->kind = ZL_KIND_SCRIPT;
    else if (is_text(b, n))
        s->kind = ZL_KIND_TEXT; /* an empty file too: an empty __init__.py is text */
    else
        s->kind = ZL_KIND_DATA;
}

static bool named_like_bytecode(const zl_entry *e)
{
    return e->name_len > 4 && (memcmp(e->path + e->name_len - 4, ".pyc", 4) == 0 ||
                               memcmp(e->path + e->name_len - 4, ".pyo", 4) == 0);
}

const zl_sniff *zl_entry_sniff(zl_archive *ar, zl_entry *e)
{
    if (e->sniffed)
        return &e->sniff;
    memset(&e->sniff, 0, sizeof e->sniff);
    unsigned char buf[HEAD_MAX];
    size_t got = 0;
    zl_error err;
    if (e->type == ZL_TYPE_DIR) {
        memset(&e->sniff, 0, sizeof e->sniff);
        e->sniff.kind = ZL_KIND_DATA;
    } else if (e->size > HEAD_MAX && named_like_bytecode(e) &&
               zl_entry_read_head(ar, e, buf, PYC_HEAD, &got, &err) == ZL_OK && got == PYC_HEAD &&
               sniff_pyc(buf, got, &e->sniff)) {
        /* Bytecode says all it is in its first 16 bytes, and its magic
         * begins no other kind: inflate no more of it (issue 7). The name
         * only says where trying pays. */
    } else if (zl_entry_read_head(ar, e, buf, sizeof buf, &got, &err) != ZL_OK) {
        memset(&e->sniff, 0, sizeof e->sniff);
        e->sniff.kind = ZL_KIND_UNREADABLE;
    } else {
        classify(buf, got, &e->sniff);
    }
    e->sniffed = true;
    return &e->sniff;
}

/* One libmagic handle per thread (a magic_t is not thread safe), opened on
 * first use; libmagic that cannot load its database is remembered as
 * unavailable so we do not retry for every entry. */
static _Thread_local magic_t cookie;
static _Thread_local int cookie_state; /* 0 untried, 1 open, -1 unavailable */

static magic_t magic_handle(void)
{
    if (cookie_state == 0) {
        cookie = magic_open(MAGIC_NONE);
        if (cookie != NULL && magic_load(cookie, NULL) != 0) {
            magic_close(cookie);
            cookie = NULL;
        }
        cookie_state = cookie != NULL ? 1 : -1;
    }
    return cookie_state == 1 ? cookie : NULL;
}

int zl_entry_magic(zl_archive *ar, const zl_entry *e, char *buf, size_t size, zl_error *err)
{
    if (size == 0)
        return zl_error_set(err, ZL_E_INVAL, "no room for a description");
    buf[0] = '\0';
    unsigned char head[HEAD_MAX];
    size_t got = 0;
    int rc = zl_entry_read_head(ar, e, head, sizeof head, &got, err);
    if (rc != ZL_OK)
        return rc;
    magic_t m = magic_handle();
    if (m == NULL)
        return ZL_OK;
    const char *desc = magic_buffer(m, head, got);
    if (desc != NULL)
        snprintf(buf, size, "%s", desc);
    return ZL_OK;
}

/* ---- what a native entry is, in libmagic-like words ---- */

static const char *elf_machine_name(int m)
{
    switch (m) {
    case 2:
        return "SPARC";
    case 3:
        return "i386";
    case 8:
        return "MIPS";
    case 20:
        return "PowerPC";
    case 21:
        return "PowerPC64";
    case 22:
        return "S/390";
    case 40:
        return "ARM";
    case 43:
        return "SPARC V9";
    case 62:
        return "x86-64";
    case 183:
        return "aarch64";
    case 243:
        return "RISC-V";
    case 258:
        return "LoongArch";
    default:
        return NULL;
    }
}

static void describe_elf(const zl_sniff *s, char *buf, size_t size)
{
    const char *type;
    switch (s->elf_type) {
    case 1:
        type = "relocatable";
        break;
    case 2:
        type = "executable";
        break;
    case 3:
        type = s->elf_interp ? "pie executable" : "shared object";
        break;
    case 4:
        type = "core file";
        break;
    default:
        type = "object";
        break;
    }
    const char *m = elf_machine_name(s->elf_machine);
    char mbuf[32];
    if (m == NULL) {
        snprintf(mbuf, sizeof mbuf, "machine %d", s->elf_machine);
        m = mbuf;
    }
    snprintf(buf, size, "ELF %s%s %s", s->elf_class == 1 ? "32-bit " : "", m, type);
}

/* Mach-O cputype (with CPU_ARCH_ABI64 0x01000000 for the 64-bit ones). */
static const char *macho_cpu_name(uint32_t cpu)
{
    switch (cpu) {
    case 7:
        return "i386";
    case 0x01000007:
        return "x86_64";
    case 12:
        return "arm";
    case 0x0100000c:
        return "arm64";
    case 0x0200000c:
        return "arm64_32";
    case 18:
        return "ppc";
    case 0x01000012:
        return "ppc64";
    default:
        return "unknown cpu";
    }
}

static const char *macho_filetype_name(uint32_t t)
{
    switch (t) {
    case 1:
        return "object";
    case 2:
        return "executable";
    case 6:
        return "dynamically linked shared library";
    case 8:
        return "bundle";
    case 9:
        return "dynamically linked shared library stub";
    default:
        return "file";
    }
}

static void describe_macho(const unsigned char *b, size_t n, char *buf, size_t size)
{
    uint32_t m = get32(b, true);
    if (m == 0xcafebabeu || m == 0xcafebabfu) {
        /* fat_header then fat_arch entries (20 bytes; 32 for the 64-bit
         * variant), big-endian; name the archs that lie within the head. */
        uint32_t nfat = get32(b + 4, true);
        size_t step = m == 0xcafebabfu ? 32 : 20;
        int w = snprintf(buf, size, "Mach-O universal binary with %u architecture%s", nfat,
                         nfat == 1 ? "" : "s");
        for (uint32_t i = 0; i < nfat && w >= 0 && (size_t)w < size; i++) {
            size_t off = 8 + (size_t)i * step;
            if (off + 4 > n)
                break;
            w += snprintf(buf + w, size - (size_t)w, "%s%s", i == 0 ? ": " : ", ",
                          macho_cpu_name(get32(b + off, true)));
        }
        return;
    }
    bool be = m == 0xfeedfaceu || m == 0xfeedfacfu;
    bool is64 = m == 0xfeedfacfu || m == 0xcffaedfeu;
    if (n < 16) {
        snprintf(buf, size, "Mach-O%s", is64 ? " 64-bit" : "");
        return;
    }
    snprintf(buf, size, "Mach-O%s %s %s", is64 ? " 64-bit" : "", macho_cpu_name(get32(b + 4, be)),
             macho_filetype_name(get32(b + 12, be)));
}

static const char *pe_machine_name(uint16_t m)
{
    switch (m) {
    case 0x14c:
        return "Intel 80386";
    case 0x8664:
        return "x86-64";
    case 0xaa64:
        return "Aarch64";
    case 0x1c0:
        return "ARM";
    case 0x1c4:
        return "ARMv7 Thumb";
    case 0x200:
        return "Intel Itanium";
    default:
        return "unknown machine";
    }
}

static void describe_pe(const unsigned char *b, size_t n, char *buf, size_t size)
{
    /* COFF header after "PE\0\0": Machine, ..., SizeOfOptionalHeader at 16,
     * Characteristics at 18; the optional header's magic follows it. */
    uint32_t lfanew = n >= 0x40 ? get32(b + 0x3c, false) : 0;
    if (n < 0x40 || lfanew > n || n - lfanew < 24 || memcmp(b + lfanew, "PE\0\0", 4) != 0) {
        snprintf(buf, size, "MS-DOS executable");
        return;
    }
    const unsigned char *coff = b + lfanew + 4;
    uint16_t machine = get16(coff, false), chars = get16(coff + 18, false);
    uint16_t magic = n - lfanew >= 26 ? get16(coff + 20, false) : 0;
    const char *fmt = magic == 0x20b ? "PE32+" : magic == 0x10b ? "PE32" : "PE";
    snprintf(buf, size, "%s executable%s %s", fmt, (chars & 0x2000) ? " (DLL)" : "",
             pe_machine_name(machine));
}

int zl_entry_describe(zl_archive *ar, zl_entry *e, char *buf, size_t size, zl_error *err)
{
    if (size == 0)
        return zl_error_set(err, ZL_E_INVAL, "no room for a description");
    buf[0] = '\0';
    const zl_sniff *s = zl_entry_sniff(ar, e);
    if (s->kind == ZL_KIND_ELF) {
        describe_elf(s, buf, size);
        return ZL_OK;
    }
    if (s->kind != ZL_KIND_MACHO && s->kind != ZL_KIND_PE) {
        /* libmagic's first clause ("Mach-O 64-bit arm64 bundle, flags:..."). */
        int rc = zl_entry_magic(ar, e, buf, size, err);
        char *comma = strchr(buf, ',');
        if (comma != NULL)
            *comma = '\0';
        return rc;
    }
    unsigned char head[HEAD_MAX];
    size_t got = 0;
    int rc = zl_entry_read_head(ar, e, head, sizeof head, &got, err);
    if (rc != ZL_OK)
        return rc;
    if (s->kind == ZL_KIND_MACHO)
        describe_macho(head, got, buf, size);
    else
        describe_pe(head, got, buf, size);
    return ZL_OK;
}
