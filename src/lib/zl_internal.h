/*
 * zl_internal.h - what the files of libziplint share and nothing outside
 * the library sees.
 *
 * Rooms: archive.c (open, entry table, reading entry data), inflate.c (the
 * raw entry reader and the worker threads, issue 7), source.c (the
 * libzip source that reads the original and stages the new file), sniff.c
 * (what an entry is), pattern.c (PCRE2), ruleset.c (rule files), engine.c
 * (runs rules), rules/ (one file per family), plan.c (merges edits),
 * write.c (applies a plan), report*.c (output).
 *
 * Rules never write archives; the writer never decides what is wrong.
 */
#ifndef ZL_INTERNAL_H
#define ZL_INTERNAL_H

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <zip.h>

#include "ziplint.h"

#define ZL_LAMBDA_UNZIPPED_MAX 262144000ULL
#define ZL_LAMBDA_ZIPPED_MAX 52428800ULL
#define ZL_LAMBDA_CONSOLE_MAX 3145728ULL
#define ZL_LAMBDA_MAX_LAYERS 5

/* ---- errors (util.c) ---- */

/* Sets err (if not NULL) to code and a printf-style one-line message;
 * returns code. */
int zl_error_set(zl_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* malloc-style helpers; NULL on failure. */
char *zl_strdup(const char *s);
char *zl_strndup(const char *s, size_t n);
/* Formats into a new string; NULL on failure. */
char *zl_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *zl_vasprintf(const char *fmt, va_list ap);

/* Reads the small text file at path whole into a new NUL-terminated
 * string (*out, which the caller frees). what names the file in messages
 * ("config file"); a file larger than max bytes, or with a NUL byte, is
 * refused with code. */
int zl_file_read_text(const char *path, size_t max, const char *what, int code, char **out,
                      zl_error *err);

/* The cause of a failed system call in short words people understand
 * ("no space left on device"); strerror's for the rest. */
const char *zl_errno_cause(int e);

/* pread(2) until all len bytes at off are read; 0 on success, -1 on an
 * error (errno set) or the end of the file first. */
int zl_pread_full(int fd, void *buf, size_t len, uint64_t off);

/* Little-endian fields of the zip format. */
static inline uint16_t zl_le16(const unsigned char *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}
static inline uint32_t zl_le32(const unsigned char *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}
static inline uint64_t zl_le64(const unsigned char *p)
{
    return (uint64_t)zl_le32(p) | ((uint64_t)zl_le32(p + 4) << 32);
}

/* ---- INI text with line numbers (ini.c) ----
 * inih parses; zl_ini feeds it the text one line at a time, so that the
 * callbacks know the line they are on, refuses lines longer than inih's
 * 199 bytes, and stops at the first error (zl_ini_fail: "file:line: msg"). */
typedef struct zl_ini {
    /* set by the caller */
    const char *text;           /* NUL-terminated; NULL reads as empty */
    int code;                   /* for syntax errors: ZL_E_INVAL, ZL_E_RULEFILE */
    const char *long_line_hint; /* "line longer than N characters (HINT)" */
    const char *unparsed;       /* message for a line only inih refuses */
    /* "[name]": the bytes between the brackets, as written. */
    int (*section)(void *ud, const char *name, size_t len);
    /* "name = value" as inih gives it, or a continuation of name. */
    int (*key)(void *ud, const char *name, const char *value);
    void *ud;
    /* for the callbacks */
    unsigned line;     /* of the line being handled, from 1 */
    bool continuation; /* key: the line is an indented continuation */
    /* the first error */
    int rc;
    unsigned err_line;
    char msg[768];
    /* the reader's */
    size_t pos, len;
    bool prev_key;
} zl_ini;

/* Callbacks return 1 to go on, or 0 after zl_ini_fail. */
/* Parses ini->text; returns ini->rc, the first error's code or ZL_OK. */
int zl_ini_run(zl_ini *ini);
/* Records the first error only, at the current line (or at line); returns
 * 0, what a callback returns on error. */
int zl_ini_fail(zl_ini *ini, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int zl_ini_fail_at(zl_ini *ini, unsigned line, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Sets err from the first error ("origin:line: message", or "out of
 * memory" alone); returns its code, ZL_OK when there was none. */
int zl_ini_error(const zl_ini *ini, const char *origin, zl_error *err);

typedef struct zl_source_state zl_source_state;
typedef struct zl_edit zl_edit;

/* ---- the entry table (archive.c) ---- */

typedef enum zl_entry_type {
    ZL_TYPE_FILE = 0,
    ZL_TYPE_DIR,
    ZL_TYPE_SYMLINK,
    ZL_TYPE_SPECIAL /* device, fifo, socket */
} zl_entry_type;

/* What the first bytes say an entry is (sniff.c). */
typedef enum zl_kind {
    ZL_KIND_UNKNOWN = 0, /* not sniffed yet */
    ZL_KIND_DATA,        /* nothing recognised */
    ZL_KIND_TEXT,
    ZL_KIND_SCRIPT,      /* starts with #! */
    ZL_KIND_ELF,
    ZL_KIND_MACHO,
    ZL_KIND_PE,
    ZL_KIND_PYC,
    ZL_KIND_UNREADABLE   /* could not be read (encrypted, unsupported method, corrupt) */
} zl_kind;

typedef struct zl_sniff {
    zl_kind kind;
    /* ELF */
    int elf_class;    /* 1 = 32-bit, 2 = 64-bit */
    int elf_machine;  /* e_machine */
    int elf_type;     /* e_type */
    bool elf_interp;  /* has a PT_INTERP program header (a PIE or dynamic executable) */
    /* .pyc */
    uint32_t pyc_magic;
    uint32_t pyc_flags;
    uint32_t pyc_mtime;
    uint32_t pyc_size;
} zl_sniff;

typedef struct zl_entry {
    const char *name;      /* raw name bytes as stored, NUL-terminated (owned by the archive) */
    const char *path;      /* name with every '\' turned into '/'; == name when there is none */
    bool path_shared;      /* another entry has the same path (archive.c's name index) */
    size_t name_len;
    zip_uint64_t index;    /* libzip index */
    uint64_t size;         /* uncompressed */
    uint64_t comp_size;
    uint32_t crc;
    uint16_t method;
    uint16_t encryption;   /* 0 = none */
    time_t mtime;
    uint8_t opsys;         /* "version made by" host */
    uint32_t attributes;   /* external attributes */
    uint32_t mode;         /* st_mode (type and permission bits) when has_unix_mode */
    bool has_unix_mode;
    zl_entry_type type;
    bool sniffed;
    zl_sniff sniff;        /* valid when sniffed */
    /* from cdir.c's own reading of the central directory (valid when ar->cd_ok) */
    uint16_t flags;        /* general purpose bit flags */
    uint64_t lh_offset;    /* offset of the local header */
    uint64_t cd_comp_size; /* compressed size as the central directory states it */
    /* issue 7 (additive): the raw reader read the data to their end and
     * they matched the CRC and size (ZL505 sets it; ZL606 need not again) */
    bool data_ok;
    /* the glibc version the ELF object needs (ZL505), from the data pass or
     * carried over from an earlier check by zl_archive_adopt */
    bool glibc_done;
    int glibc_rc; /* ZL_OK, a ZL_E_* code, or ZL_RAW_FALLBACK (libzip must read it) */
    int glibc_major, glibc_minor;
} zl_entry;

/* A local file header as stored (cdir.c). */
typedef struct zl_local {
    uint16_t flags, method;
    uint32_t crc;
    uint64_t comp_size, size; /* as stored; a zip64 extra's values when the field is all ones */
    uint16_t name_len, extra_len;
    uint64_t data_offset;     /* where the entry's data starts */
    bool name_matches;        /* the local name bytes equal the central ones */
    /* issue 3 (additive): zip64 and the data descriptor */
    bool zip64;               /* a zip64 extra was applied to comp_size/size */
    bool dd_found;            /* flag bit 3: a data descriptor was read after the data */
    uint32_t dd_crc;
    uint64_t dd_comp_size, dd_size;
} zl_local;

struct zl_archive {
    char *path;            /* as given */
    int fd;                /* the original, open read-only */
    uint64_t file_size;
    mode_t file_mode;
    zip_source_t *src;     /* our source (source.c); kept across zip_close */
    zl_source_state *stage; /* its state: where a rewrite is staged */
    zip_t *za;
    zl_entry *entries;
    size_t n_entries;
    uint64_t unzipped_size;
    char *names;           /* arena of name and path bytes */
    /* name lookup: open addressing over path bytes */
    size_t *slots;         /* entry index + 1, 0 = empty */
    size_t n_slots;
    bool cd_ok;            /* cdir.c read the central directory in libzip's order */
    uint64_t cd_offset;
    /* issue 7 (additive): the raw reader of the thread that opened the
     * archive (inflate.c), made on first use, freed with the archive */
    struct zl_reader *reader;
    /* issue 7 (additive): unique among the archives this process opened
     * (never 0); keys cdir.c's per-thread window of file bytes */
    uint64_t id;
    struct zl_local_memo *locals; /* zl_entry_local's results (cdir.c), made on first use */
    /* a rewrite consumed za (zip_close): the plan is spent; za, when set
     * again, is a read-only handle zl_archive_za opened on the same file */
    bool written;
    time_t file_mtime;
};

/* libzip's handle for reading entries: the archive's own, or once a
 * rewrite consumed it (the data pass may still need libzip after fix has
 * staged the new file), a read-only one opened again on the original,
 * which is unchanged until the new file is renamed over it. NULL with err
 * set when it cannot be made. */
zip_t *zl_archive_za(zl_archive *ar, zl_error *err);

/* Reads the central directory again to learn what libzip does not expose
 * (local header offsets, flags). Leaves ar->cd_ok false when the directory
 * cannot be matched to libzip's entries; only ZL_E_NOMEM is an error. */
int zl_archive_scan_cd(zl_archive *ar);
/* Reads the entry's local header (and, when its flag bit 3 is set, the data
 * descriptor after cd_comp_size bytes of data: dd_found says whether one
 * matching the central CRC and sizes, or failing that any descriptor, was
 * there); ZL_E_CORRUPT when the header is missing or cut. */
int zl_entry_local(const zl_archive *ar, const zl_entry *e, zl_local *out);
/* Frees what zl_entry_local kept (issue 7: called by zl_archive_close). */
void zl_archive_free_locals(zl_archive *ar);

/* The entry whose path (with '/' separators) is exactly path[0..len), or
 * -1. A trailing '/' is part of the name: "a/" finds the directory entry. */
long zl_archive_find(const zl_archive *ar, const char *path, size_t len);

/* Reads up to max bytes of the entry's uncompressed data from its start
 * into buf; *got is how many were read. */
int zl_entry_read_head(zl_archive *ar, const zl_entry *e, void *buf, size_t max, size_t *got,
                       zl_error *err);
/* Reads the whole entry (at most limit bytes; larger is ZL_E_INVAL) into a
 * new buffer the caller frees. */
int zl_entry_read_all(zl_archive *ar, const zl_entry *e, size_t limit, unsigned char **out,
                      size_t *len, zl_error *err);
/* Decompresses the entry and checks its CRC; ZL_E_CORRUPT with the cause. */
int zl_entry_verify(zl_archive *ar, const zl_entry *e, zl_error *err);

/* ---- the raw entry reader (inflate.c, issue 7) ----
 * Reads entry data with pread on ar->fd and inflates it with libdeflate
 * (whole entries up to ZL_RAW_WHOLE_MAX) or zlib (streaming), without
 * libzip, so several threads can read one archive at once, each with its
 * own zl_reader. It reads only stored and deflated, unencrypted entries of
 * an archive whose central directory cdir.c matched (ar->cd_ok), and
 * checks of the local header only what it needs to find the data: the
 * signature, the method and the encryption bit (ZL606 compares the rest).
 * Anything else, and any anomaly (bad data, wrong sizes), is
 * ZL_RAW_FALLBACK: the caller asks
 * libzip instead (on the thread that owns ar->za), which says exactly what
 * is wrong. A clean CRC mismatch is reported here, with libzip's words. */

#define ZL_RAW_FALLBACK 1            /* not for the raw reader: use libzip */
#define ZL_RAW_WHOLE_MAX (4u << 20)  /* larger entries are inflated streaming */

typedef struct zl_reader zl_reader;
int zl_reader_new(zl_reader **out);
void zl_reader_free(zl_reader *rd);

/* zl_entry_read_head on the raw reader (ZL_RAW_FALLBACK: use libzip). */
int zl_raw_read_head(const zl_archive *ar, const zl_entry *e, zl_reader *rd, void *buf,
                     size_t max, size_t *got, zl_error *err);
/* zl_entry_verify on the raw reader: ZL_OK, ZL_E_CORRUPT for a CRC
 * mismatch, ZL_RAW_FALLBACK for anything libzip must judge. */
int zl_raw_verify(const zl_archive *ar, const zl_entry *e, zl_reader *rd, zl_error *err);

/* Receives the entry's bytes [off, off + n) in order. *next (off + n on
 * entry) may be raised to skip bytes not needed (a hint). Returns 0 to go
 * on, 1 to stop, or a negative ZL_E_* code. */
typedef int (*zl_raw_sink)(void *ud, uint64_t off, const unsigned char *p, size_t n,
                           uint64_t *next);
/* Streams the whole entry to sink with bounded memory. With check_crc the
 * data is decoded to its end and its size and CRC checked (a mismatch is
 * ZL_RAW_FALLBACK, or ZL_E_CORRUPT from zl_entry_stream); without it,
 * *next may skip. ZL_OK also when the sink stopped: then nothing was
 * checked (the libzip path of zl_entry_stream reads on to the end and
 * checks, so a stop there costs the whole entry). */
int zl_raw_stream(const zl_archive *ar, const zl_entry *e, zl_reader *rd, bool check_crc,
                  zl_raw_sink sink, void *ud, zl_error *err);
/* The whole entry (at most ZL_RAW_WHOLE_MAX bytes) decoded and checked
 * into rd's buffer: *out is borrowed until rd's next use. */
int zl_raw_read_whole(const zl_archive *ar, const zl_entry *e, zl_reader *rd,
                      const unsigned char **out, size_t *len, zl_error *err);
/* zl_raw_stream, falling back to libzip (thread of ar->za only). */
int zl_entry_stream(zl_archive *ar, const zl_entry *e, bool check_crc, zl_raw_sink sink,
                    void *ud, zl_error *err);
/* The reader of the archive's own thread (made on first use); NULL on ENOMEM. */
zl_reader *zl_archive_reader(zl_archive *ar);

/* Runs fn(ud, i, rd) for every i in [0, n) on zl_parallel_threads() worker
 * threads, each with its own reader, while the caller goes on;
 * zl_parallel_wait has the caller take the items still left, joins the
 * workers, frees *p and returns the first negative code fn returned (the
 * other items still run), or ZL_E_NOMEM when items were left that no
 * thread could take. fn must touch only what belongs to item i. Only the
 * caller's thread may use libzip meanwhile. */
typedef int (*zl_job_fn)(void *ud, size_t i, zl_reader *rd);
typedef struct zl_parallel zl_parallel;
int zl_parallel_start(size_t n, zl_job_fn fn, void *ud, zl_parallel **p);
int zl_parallel_wait(zl_parallel *p);
/* Threads for the pool: zl_parallel_max when set (tests), else the
 * online CPUs, at most 4. */
extern unsigned zl_parallel_max;
unsigned zl_parallel_threads(void);

/* Unix mode helpers. */
#define ZL_MODE_PERM(m) ((m) & 07777u)

/* ---- the libzip source (source.c) ---- */

/* A seekable, writable libzip source over the already-open fd of the
 * original (borrowed). Writing goes to a new unnamed file beside target
 * (set before zip_close with zl_source_set_target). *state is the source's
 * own state, freed with the source; it lives as long as the source does. */
zip_source_t *zl_source_new(int fd, uint64_t size, time_t mtime, zl_source_state **state,
                            zip_error_t *zerr);
/* Where the next write should be staged: the folder of target. */
int zl_source_set_target(zl_source_state *s, const char *target, zl_error *err);
/* After a successful zip_close: the fd of the complete new file (written,
 * not yet fsynced: the caller fsyncs it before naming it)
 * (still unnamed, or named *tmp_name when O_TMPFILE is not available).
 * Ownership of the fd and the name passes to the caller. */
int zl_source_take_output(zl_source_state *s, int *fd, char **tmp_name);
/* "TARGET: CAUSE (the original is unchanged)" for a write to the staged
 * file that failed (write.c). */
int zl_write_source_error(zl_archive *ar, const char *target, zl_error *err);
/* Opens the staged new archive (the fd zl_source_take_output gave, borrowed)
 * read-only and checked for consistency, for reading it back (write.c). */
int zl_write_open_staged(int fd, const char *target, zip_t **out, zl_error *err);
/* The last error the source recorded (a one-line message), or NULL. */
const char *zl_source_error(const zl_source_state *s);

/* ---- sniffing (sniff.c: the only file that includes <magic.h>) ---- */

/* Reads the entry's first bytes (once; cached in e->sniff) and classifies
 * them. */
const zl_sniff *zl_entry_sniff(zl_archive *ar, zl_entry *e);
/* libmagic's description of the entry's first bytes into buf ("" when
 * libmagic cannot tell). */
int zl_entry_magic(zl_archive *ar, const zl_entry *e, char *buf, size_t size, zl_error *err);

/* ---- ELF (elf.c: the only file that includes <libelf.h>) ---- */

/* The highest GLIBC_x.y version the ELF image needs (0.0 when none). The
 * image is borrowed; ZL_E_CORRUPT when it is not ELF. */
int zl_elf_glibc_need(const unsigned char *buf, size_t len, int *major, int *minor,
                      zl_error *err);
/* The same for an archive entry, read once streaming with bounded memory
 * (issue 7): the section headers, then only .gnu.version_r and its
 * strings, given to libelf in a sparse image. ZL_RAW_FALLBACK when the raw
 * reader cannot read it (see zl_elf_glibc_need_stream). *data_ok: the
 * data were read to their end and matched their CRC. */
int zl_elf_glibc_need_entry(const zl_archive *ar, const zl_entry *e, zl_reader *rd, int *major,
                            int *minor, bool *data_ok, zl_error *err);
/* The first bytes the scan keeps in its first pass (1 MiB; tests lower it
 * to make the second pass run). */
extern size_t zl_elf_scan_prefix;
/* The same through zl_entry_stream (libzip when needed): the fallback, on
 * the thread of ar->za. */
int zl_elf_glibc_need_stream(zl_archive *ar, const zl_entry *e, int *major, int *minor,
                             bool *data_ok, zl_error *err);

/* ---- platform facts (issue 4): the runtime table (runtime.c), what a
 * native entry is (sniff.c), and the tag parsers the ZL5xx rules use
 * (rules/platform.c). Additive section. ---- */

/* One Lambda Python runtime, from lambda.md's Runtimes table. */
typedef struct zl_runtime {
    const char *name;   /* "python3.11" */
    int minor;          /* 11 */
    const char *os;     /* "Amazon Linux 2" */
    int glibc_minor;    /* the runtime's glibc is 2.<glibc_minor> */
    unsigned archs;     /* ZL_ARCH_BIT(ZL_ARCH_X86_64) | ... */
} zl_runtime;

#define ZL_ARCH_BIT(a) (1u << (unsigned)(a))

/* The runtime table, in version order; ends with {NULL}. */
extern const zl_runtime zl_runtimes[];
/* The runtime python3.<minor>, or NULL when Lambda has none. */
const zl_runtime *zl_runtime_find(int minor);
/* The glibc 2.N code must not exceed: the runtime's, or with minor 0 (no
 * runtime given) the newest any runtime has. */
int zl_runtime_glibc_minor(int minor);
/* The lowest and highest python3.X minors in the table. */
int zl_runtime_min_minor(void);
int zl_runtime_max_minor(void);

/* Facts about a target arch: ELF e_machine (62, 183), the multiarch
 * triple in extension names ("x86_64-linux-gnu"), the arch in wheel tags
 * ("x86_64", "aarch64") and the name users give ("x86_64", "arm64"). */
int zl_arch_elf_machine(zl_arch a);
const char *zl_arch_triple(zl_arch a);
const char *zl_arch_wheel(zl_arch a);
const char *zl_arch_name(zl_arch a);

/* What a native entry is, in libmagic-like words ("ELF aarch64 shared
 * object", "Mach-O 64-bit arm64 bundle", "PE32+ executable (DLL) x86-64")
 * from its first bytes; libmagic's own words when the header is not one
 * of those; "" when nothing is known. */
int zl_entry_describe(zl_archive *ar, zl_entry *e, char *buf, size_t size, zl_error *err);

/* Judges one wheel platform tag (one dot-separated alternative, e.g.
 * "manylinux_2_17_x86_64") for python3.<runtime_minor> (0: every runtime)
 * on arch: ZL_SEV_NONE when it loads, ZL_SEV_INFO for a bare linux_<arch>
 * tag of the right arch, ZL_SEV_ERROR otherwise; why (may be NULL) says
 * why in a few words. */
zl_severity zl_wheel_platform_judge(const char *plat, size_t len, int runtime_minor, zl_arch arch,
                                    char *why, size_t size);
/* Judges a whole WHEEL Tag value ("cp311-cp311-manylinux_2_17_x86_64.
 * manylinux2014_x86_64"): the best verdict among its platform
 * alternatives; why is the reason of that verdict. */
zl_severity zl_wheel_tag_judge(const char *tag, size_t len, int runtime_minor, zl_arch arch,
                               char *why, size_t size);
/* Judges an extension module's file name (the base name, e.g.
 * "_x.cpython-312-x86_64-linux-gnu.so", "_x.abi3.so", "_x.cp311-win_amd64.pyd")
 * for python3.<runtime_minor> (0: every runtime) on arch: ZL_SEV_NONE when
 * the runtime imports that suffix (or the name carries no ABI tag),
 * ZL_SEV_ERROR otherwise. *py_minor is the CPython 3.X the tag names (-1
 * when none); what (may be NULL) describes the tag ("CPython 3.12 on
 * x86_64 Linux"). */
zl_severity zl_ext_suffix_judge(const char *base, size_t len, int runtime_minor, zl_arch arch,
                                int *py_minor, char *what, size_t size);

/* ---- patterns (pattern.c: the only file that includes <pcre2.h>) ---- */

typedef struct zl_pattern zl_pattern;
/* Compiles a PCRE2 pattern matched against raw bytes. The message names
 * the offset of the error. */
int zl_pattern_new(zl_pattern **out, const char *pattern, zl_error *err);
void zl_pattern_free(zl_pattern *p);
/* 1 on a match, 0 otherwise. */
int zl_pattern_match(const zl_pattern *p, const char *subject, size_t len);
/* The same with the caller's scratch (one per thread; NULL: made per call),
 * for the many matches of a check. */
typedef struct zl_matcher zl_matcher;
zl_matcher *zl_matcher_new(void);
void zl_matcher_free(zl_matcher *m);
int zl_pattern_match_with(const zl_pattern *p, zl_matcher *m, const char *subject, size_t len);

/* ---- rules ---- */

typedef struct zl_ctx zl_ctx;
typedef struct zl_rule zl_rule;

/* A C rule's check: inspects ctx->ar and adds at most one finding. */
typedef int (*zl_check_fn)(zl_ctx *ctx, const zl_rule *rule);

typedef enum zl_match_type { ZL_MATCH_ANY = 0, ZL_MATCH_FILE, ZL_MATCH_DIR, ZL_MATCH_SYMLINK } zl_match_type;
typedef enum zl_data_fix { ZL_DATA_FIX_NONE = 0, ZL_DATA_FIX_DELETE, ZL_DATA_FIX_MODE } zl_data_fix;

struct zl_rule {
    zl_rule_info info;      /* strings owned by the rule set (or static for C rules) */
    int stage;              /* 0: first; 1: after the others (size rules read their findings);
                             * 2: last, waiting for the data pass (ZL505, ZL606) */
    zl_check_fn check;      /* C rules; NULL for data rules */
    bool builtin_c;         /* a C rule: its strings are static */
    /* data rules */
    zl_pattern **paths;
    size_t n_paths;
    zl_pattern **magics;
    size_t n_magics;
    zl_match_type type;
    uint64_t min_size;
    int profile;            /* -1 any, else zl_profile */
    zl_data_fix fix;
    uint32_t fix_mode;
    bool safe;
    char *message;          /* template with {count} and {bytes} */
};

/* A C rule's static description, one table per family file. */
typedef struct zl_rule_def {
    const char *code, *name;
    zl_severity severity;
    zl_fix_kind fix;
    int default_on;
    int stage;
    const char *summary, *explain, *lambda_error;
    zl_check_fn check;
} zl_rule_def;

/* The families, registered through one X-macro list (rules/families.h). */
#define ZL_FAMILY(name) extern const zl_rule_def zl_rules_##name[];
#include "rules/families.h"
#undef ZL_FAMILY

/* The built-in rule files, embedded at build time (rules_builtin.c). */
typedef struct zl_builtin_file {
    const char *name;
    const char *text;
} zl_builtin_file;
extern const zl_builtin_file zl_builtin_rule_files[]; /* ends with {NULL, NULL} */

/* ruleset.c: parses one rule file's text into rs (builtin: codes may
 * start with ZL). */
int zl_ruleset_parse(zl_ruleset *rs, const char *origin, const char *text, bool builtin,
                     zl_error *err);
/* The data rule with this code, or NULL. */
const zl_rule *zl_ruleset_get(const zl_ruleset *rs, const char *code);


/* ---- the engine (engine.c) ---- */

/* 1 when the entry is OS junk by the built-in ZL403 patterns (a wrapper
 * folder is found "OS junk aside"); worked out once per entry and check. */
int zl_entry_is_junk(zl_ctx *ctx, const zl_entry *e);

struct zl_ctx {
    zl_archive *ar;
    const zl_options *opt;
    const zl_ruleset *rs;
    zl_result *res;
    zl_error *err;
    /* layout facts computed once before the rules run */
    const char *wrapper;    /* "D/" when every entry (OS junk aside) lies under one folder; else NULL */
    size_t wrapper_len;     /* bytes of "D/" including the slash */
    struct zl_datapass *dp; /* the entries' data, read on worker threads (datapass.c) */
    uint8_t *roles;         /* platform.c: each entry's role + 1, made on first use */
    zl_matcher *matcher;    /* the data rules' match scratch, made on first use */
    uint8_t *junk;          /* zl_entry_is_junk's answers + 1, made on first use */
    size_t *overlap_by;     /* integrity.c: entries whose data overlap, made on first use */
    size_t n_overlaps;
};

/* ---- the data pass (datapass.c) ---- */

#define ZL_STAGE_LAST 2

/* What a rule wants read of an entry's data. */
enum { ZL_WANT_GLIBC = 1, ZL_WANT_VERIFY = 2 };
typedef struct zl_datapass zl_datapass;
/* Marks in want[] (one byte per entry) the entries the rule wants read:
 * ZL505's loadable ELF objects whose glibc need is not known yet
 * (platform.c), ZL606's entries to verify (integrity.c). Caller's thread. */
int zl_glibc_wanted(zl_ctx *ctx, uint8_t *want);
int zl_verify_wanted(zl_ctx *ctx, uint8_t *want);
/* Whether ZL607 will refuse the archive anyway (its data overlap, or the
 * declared sizes are too large): then nothing is verified. */
int zl_verify_bomb(zl_ctx *ctx, bool *bomb);
/* Starts reading on worker threads what the selected rules want (sets
 * ctx->dp; nothing when there is nothing to read). */
int zl_datapass_start(zl_ctx *ctx, bool glibc, bool verify);
/* Waits for the pass (the caller helps) and records its findings in the
 * entries (data_ok, glibc_*). Idempotent. */
int zl_datapass_wait(zl_ctx *ctx);
/* Entry i's verification after zl_datapass_wait: false when the pass did
 * not verify it; else *rc is ZL_OK, a ZL_E_* code with *msg libzip-style,
 * or ZL_RAW_FALLBACK (libzip must read it). */
bool zl_datapass_verified(const zl_ctx *ctx, size_t i, int *rc, const char **msg);
/* Waits for the workers if need be and frees the pass. */
void zl_datapass_end(zl_ctx *ctx);

typedef enum zl_edit_kind {
    ZL_EDIT_DELETE = 0,
    ZL_EDIT_RENAME,     /* drop `strip` bytes from the front of the path, then prepend `prefix` */
    ZL_EDIT_BACKSLASH,  /* every '\' in the name becomes '/' (length preserving) */
    ZL_EDIT_CHMOD,      /* permission bits become `mode`; host becomes Unix */
    ZL_EDIT_REPLACE,    /* data becomes data[0..len) */
    ZL_EDIT_RECOMPRESS, /* same data, deflated */
    ZL_EDIT_CANONICAL   /* rewritten in the canonical form (ZL701, fix --reproducible) */
} zl_edit_kind;

struct zl_edit {
    zl_edit_kind kind;
    size_t entry;          /* index into the entry table */
    bool safe;
    size_t strip;          /* RENAME */
    const char *prefix;    /* RENAME: static string or owned by the result */
    uint32_t mode;         /* CHMOD: permission bits only */
    unsigned char *data;   /* REPLACE: owned by the result */
    size_t len;
};

/* Returns the rule's finding, creating it on first use. NULL on ENOMEM. */
zl_finding *zl_finding_get(zl_ctx *ctx, const zl_rule *rule);
/* Lists an entry in the finding (detail printf-style; may be NULL). The
 * finding's severity rises to sev. */
int zl_finding_add_entry(zl_ctx *ctx, zl_finding *f, const zl_entry *e, zl_severity sev,
                         const char *detail_fmt, ...) __attribute__((format(printf, 5, 6)));
/* Adds an edit (copied; REPLACE data ownership passes to the result). */
int zl_finding_add_edit(zl_ctx *ctx, zl_finding *f, const zl_edit *edit);
int zl_finding_set_message(zl_ctx *ctx, zl_finding *f, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Sets the fix description and whether the fix is safe; the finding's
 * fix_available follows from its edits and ctx->opt->unsafe_fixes. */
int zl_finding_set_fix(zl_ctx *ctx, zl_finding *f, bool safe, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Raises the finding's severity without an entry (ZL301). */
void zl_finding_raise(zl_finding *f, zl_severity sev);
/* Findings added so far (size rules read them: which fixes recover how much). */
size_t zl_ctx_findings(const zl_ctx *ctx, const zl_finding *const **out);

/* ---- shared state of rule set, result and plan ---- */

struct zl_ruleset {
    zl_rule **rules;       /* sorted by code after each load */
    size_t n, cap;
    const zl_rule *junk;   /* the built-in ZL403, for zl_entry_is_junk */
};

struct zl_result {
    zl_finding **findings; /* sorted by code when the run ends */
    size_t n, cap;
    const zl_options *opt;
    zl_ctx *pending; /* between zl_check_start and zl_check_finish: the run's state */
};

typedef struct zl_plan_entry {
    bool deleted;
    char *new_name;        /* owned; NULL when the name stays */
    bool chmod;
    uint32_t mode;         /* permission bits when chmod */
    const unsigned char *data; /* replacement (borrowed from the result) or NULL */
    size_t len;
    bool recompress;
} zl_plan_entry;

struct zl_plan {
    zl_archive *ar;
    const zl_result *res;
    zl_plan_entry *entries; /* one per entry of ar */
    size_t n_touched;       /* entries with any change */
    zl_plan_change *changes;
    size_t n_changes;
    zl_progress_fn progress; /* may be NULL */
    void *progress_ud;
    bool canonical;         /* fix --reproducible: written by write_canon.c, not libzip */
    /* zl_plan_stage's result until zl_plan_commit renames it (write.c) */
    int staged_fd;          /* -1: nothing staged */
    char *staged_tmp;       /* its hidden name beside the target, or NULL (O_TMPFILE) */
    char *staged_target;
    bool flushing;          /* flush_thread is fsyncing staged_fd */
    pthread_t flush_thread;
    int flush_errno;
};

/* The first finding of res that forbids any rewrite, as ZL_E_REFUSED with
 * its message; ZL_OK when none does (plan.c). */
int zl_plan_refusal(zl_archive *ar, const zl_result *res, zl_error *err);
/* Drops a staged file zl_plan_commit did not rename (write.c). */
void zl_plan_drop_staged(zl_plan *plan);

/* ---- mode helpers shared by rules (rules/modes.c) ---- */

/* 1 when the entry is an executable as rules.md defines it (root
 * bootstrap or the entry it links to, ELF executables and #! scripts under
 * bin/ or extensions/), relative to the layout root (wrapper dropped). */
int zl_entry_is_executable(zl_ctx *ctx, zl_entry *e);

/* ---- bytecode helpers shared by ZL401 and ZL701 (rules/bloat.c) ---- */

/* The entry of the .py a .pyc/.pyo belongs to (X.py beside X.pyc, or
 * D/X.py for D/__pycache__/X.TAG.pyc), or -1. */
long zl_pyc_source(const zl_archive *ar, const zl_entry *pyc);
/* The mtime an extractor gives the entry in Lambda (TZ=UTC): the UT extra
 * field's when present (Info-ZIP unzip honours it), else the DOS
 * date/time read as UTC. */
int64_t zl_entry_extracted_mtime(zl_archive *ar, const zl_entry *e);
/* 1 when pyc is timestamp-validated (before PEP 552, or flags 0) and its
 * recorded source mtime or size differ from src_mtime and src's size;
 * 0 for hash-based or unreadable bytecode. */
int zl_pyc_stale(zl_archive *ar, zl_entry *pyc, const zl_entry *src, int64_t src_mtime);

/* ---- the canonical writer (write_canon.c) ---- */

/* The one time of every canonical entry: SOURCE_DATE_EPOCH clamped to
 * 1980-01-01..2107-12-31 (rounded down to DOS's 2 s), else 1980-01-01
 * 00:00:00 UTC. ZL_E_INVAL when SOURCE_DATE_EPOCH is not a number. */
typedef struct zl_canon_time {
    int64_t unix_time;
    uint16_t dos_time, dos_date;
} zl_canon_time;
int zl_canon_time_get(zl_canon_time *out, zl_error *err);
/* The Unix mode (type and permissions) the canonical writer gives the
 * entry after the plan entry's chmod (pe may be NULL). */
uint32_t zl_canon_mode(const zl_entry *e, const zl_plan_entry *pe);
/* Writes the canonical form of ar with the edits pes (one per entry, NULL
 * for none) in memory-free streaming mode and compares it with the file:
 * *same is 1 when they are byte for byte equal; *diff_entry is the entry
 * being written where they first differ (-1 for none or a folder added). */
int zl_canon_compare(zl_archive *ar, const zl_plan_entry *pes, const zl_canon_time *t, int *same,
                     long *diff_entry, zl_error *err);
typedef struct zl_canon zl_canon;
/* Writes the canonical form of the plan into ar's staged output (the
 * target set with zl_source_set_target); ar->za is discarded either way.
 * *out (freed with zl_canon_free) is what zl_canon_read_back checks. */
int zl_canon_stage(zl_plan *plan, zl_canon **out, const char *target, zl_error *err);
/* Reads the staged file back: entries, names, modes, data (CRC). */
int zl_canon_read_back(const zl_canon *c, int fd, const char *target, zl_error *err);
void zl_canon_free(zl_canon *c);

#endif /* ZL_INTERNAL_H */
