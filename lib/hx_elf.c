/*
 * hx_elf: e_machine, class and byte order from an ELF header (the first
 * 20 bytes are enough), and the program interpreter from the program
 * headers of a 64-bit little-endian executable; <elf.h> gives the
 * constants.
 */
#include "config.h"

#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hx_elf.h"

#define AR_MAGIC "!<arch>\n"
#define AR_HEADER 60

/* Name the machine of the ELF header in H (at least EI_NIDENT + 4 bytes). */
static const char *
arch_of_header(const unsigned char *h, const char **why)
{
	unsigned machine;
	int is64, little;

	if (memcmp(h, ELFMAG, SELFMAG) != 0) {
		*why = "not an ELF file";
		return NULL;
	}
	is64 = h[EI_CLASS] == ELFCLASS64;
	little = h[EI_DATA] == ELFDATA2LSB;
	if ((h[EI_CLASS] != ELFCLASS32 && !is64) ||
	    (!little && h[EI_DATA] != ELFDATA2MSB)) {
		*why = "bad ELF class or byte order";
		return NULL;
	}
	/* e_machine follows e_ident and the 2-byte e_type. */
	machine = little ? h[EI_NIDENT + 2] | h[EI_NIDENT + 3] << 8 :
	    h[EI_NIDENT + 2] << 8 | h[EI_NIDENT + 3];
	switch (machine) {
	case EM_RISCV:
		return is64 ? "riscv64" : "riscv32";
	case EM_X86_64:
		return "x86_64";
	case EM_386:
		return "i386";
	case EM_AARCH64:
		return "aarch64";
	case EM_ARM:
		return "arm";
	default:
		return "unknown";
	}
}

/* Find the first member of the ar archive FP that is an ELF object. */
static const char *
arch_of_archive(FILE *fp, const char **why)
{
	unsigned char header[AR_HEADER + 1], ident[EI_NIDENT + 4];
	long size, offset = (long)strlen(AR_MAGIC);

	for (;;) {
		if (fseek(fp, offset, SEEK_SET) != 0 ||
		    fread(header, 1, AR_HEADER, fp) != AR_HEADER)
			break;
		header[AR_HEADER] = '\0';
		size = strtol((char *)header + 48, NULL, 10);
		if (size <= 0)
			break;
		if (size >= (long)sizeof(ident) &&
		    fread(ident, 1, sizeof(ident), fp) == sizeof(ident) &&
		    memcmp(ident, ELFMAG, SELFMAG) == 0)
			return arch_of_header(ident, why);
		offset += AR_HEADER + size + (size & 1);
	}
	*why = "an archive with no ELF member";
	return NULL;
}

const char *
hx_elf_arch_file(const char *path, const char **why)
{
	unsigned char head[EI_NIDENT + 4];
	const char *arch;
	FILE *fp;
	size_t n;

	if ((fp = fopen(path, "rb")) == NULL) {
		*why = strerror(errno);
		return NULL;
	}
	n = fread(head, 1, sizeof(head), fp);
	if (n >= strlen(AR_MAGIC) && memcmp(head, AR_MAGIC,
	    strlen(AR_MAGIC)) == 0)
		arch = arch_of_archive(fp, why);
	else if (n == sizeof(head))
		arch = arch_of_header(head, why);
	else {
		*why = "too short for an ELF header";
		arch = NULL;
	}
	fclose(fp);
	return arch;
}

const char *
hx_elf_arch_of_triple(const char *triple)
{
	static const char *const known[] = {
		"riscv64", "riscv32", "x86_64", "aarch64", "i386", "arm",
	};
	size_t i, len;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		len = strlen(known[i]);
		if (strncmp(triple, known[i], len) == 0 &&
		    (triple[len] == '-' || triple[len] == '\0'))
			return known[i];
	}
	if (strncmp(triple, "i686-", 5) == 0)
		return "i386";
	return NULL;
}

int
hx_elf_interp(const char *path, char *buf, size_t size)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	ssize_t n;
	FILE *fp;
	int i;

	buf[0] = '\0';
	if ((fp = fopen(path, "rb")) == NULL)
		return -1;
	if (fread(&eh, 1, sizeof(eh), fp) != sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh.e_phentsize != sizeof(ph)) {
		fclose(fp);
		return 0;
	}
	for (i = 0; i < eh.e_phnum; i++) {
		if (pread(fileno(fp), &ph, sizeof(ph), (off_t)(eh.e_phoff +
		    (Elf64_Off)i * sizeof(ph))) != (ssize_t)sizeof(ph))
			break;
		if (ph.p_type != PT_INTERP || ph.p_filesz >= size)
			continue;
		n = pread(fileno(fp), buf, ph.p_filesz, (off_t)ph.p_offset);
		buf[n > 0 ? n : 0] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		break;
	}
	fclose(fp);
	return 0;
}
