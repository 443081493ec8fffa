/*
 * hx_elf: which machine a binary is for, read from its ELF header (or, for
 * a static library, from the header of its first ELF member), so that an
 * artifact labelled for one target but built for another is caught.
 */
#ifndef HX_ELF_H
#define HX_ELF_H

#include <stddef.h>

/*
 * The architecture of the ELF file or ar archive at PATH, as a static
 * string: "riscv64", "riscv32", "x86_64", "i386", "aarch64", "arm", or
 * "unknown" for a machine this module does not name.  Returns NULL when
 * the file is not ELF (nor an archive of ELF objects), with *WHY saying so.
 */
const char *hx_elf_arch_file(const char *path, const char **why);

/*
 * The architecture a target triple names ("riscv64-linux-gnu" gives
 * "riscv64", "x86_64-linux-gnu" "x86_64"), as a static string, or NULL.
 */
const char *hx_elf_arch_of_triple(const char *triple);

/*
 * The program interpreter (PT_INTERP) a 64-bit little-endian ELF
 * executable at PATH asks for, into BUF of SIZE bytes; "" when it names
 * none or is not such a file.  Returns 0, or -1 with errno set when PATH
 * cannot be opened.
 */
int hx_elf_interp(const char *path, char *buf, size_t size);

#endif
