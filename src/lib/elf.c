/* elf.c - ELF details beyond the header: the GLIBC_x.y versions an object
 * needs, read from .gnu.version_r with libelf (what auditwheel reads). The
 * only file that includes <libelf.h>/<gelf.h>. */
#include "config.h"

#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <string.h>

#include "zl_internal.h"

/* Parses "GLIBC_2.28" into 2, 28; 0 when it is not a plain GLIBC version. */
static int parse_glibc(const char *name, int *major, int *minor)
{
    unsigned a = 0, b = 0;
    char tail = 0;
    if (strncmp(name, "GLIBC_", 6) != 0)
        return 0;
    int n = sscanf(name + 6, "%u.%u%c", &a, &b, &tail);
    if (n == 2 || (n == 3 && tail == '.')) {
        *major = (int)a;
        *minor = (int)b;
        return 1;
    }
    return 0;
}

int zl_elf_glibc_need(const unsigned char *buf, size_t len, int *major, int *minor,
                      zl_error *err)
{
    int rc = ZL_OK;
    Elf *elf = NULL;
    *major = 0;
    *minor = 0;
    if (elf_version(EV_CURRENT) == EV_NONE)
        return zl_error_set(err, ZL_E_INVAL, "libelf: %s", elf_errmsg(-1));
    /* elf_memory takes a non-const image but only reads it with ELF_C_READ_MMAP semantics. */
    elf = elf_memory((char *)(uintptr_t)buf, len);
    if (elf == NULL || elf_kind(elf) != ELF_K_ELF) {
        rc = zl_error_set(err, ZL_E_CORRUPT, "not an ELF object");
        goto out;
    }
    Elf_Scn *scn = NULL;
    while ((scn = elf_nextscn(elf, scn)) != NULL) {
        GElf_Shdr shdr;
        if (gelf_getshdr(scn, &shdr) == NULL || shdr.sh_type != SHT_GNU_verneed)
            continue;
        Elf_Data *data = elf_getdata(scn, NULL);
        if (data == NULL)
            continue;
        size_t off = 0;
        /* Bounded by the section size and the entry count it states. */
        for (size_t i = 0; i < shdr.sh_info && off < data->d_size; i++) {
            GElf_Verneed need;
            if (gelf_getverneed(data, (int)off, &need) == NULL)
                break;
            size_t aoff = off + need.vn_aux;
            for (size_t k = 0; k < need.vn_cnt && aoff < data->d_size; k++) {
                GElf_Vernaux aux;
                if (gelf_getvernaux(data, (int)aoff, &aux) == NULL)
                    break;
                const char *name = elf_strptr(elf, shdr.sh_link, aux.vna_name);
                int a, b;
                if (name != NULL && parse_glibc(name, &a, &b) &&
                    (a > *major || (a == *major && b > *minor))) {
                    *major = a;
                    *minor = b;
                }
                if (aux.vna_next == 0)
                    break;
                aoff += aux.vna_next;
            }
            if (need.vn_next == 0)
                break;
            off += need.vn_next;
        }
    }
out:
    if (elf != NULL)
        elf_end(elf);
    return rc;
}
