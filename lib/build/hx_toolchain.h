/*
 * hx_toolchain: toolchain manifests (hx-toolchain(5)).  A manifest names a
 * compiler for a target triple and pins it: the version string the driver
 * prints and a digest of the driver binary and the sysroot.  hx-build stops
 * when what is installed is not what the manifest pins.
 */
#ifndef HX_TOOLCHAIN_H
#define HX_TOOLCHAIN_H

#include <stddef.h>

#include "hx_hash.h"
#include "hx_json.h"

struct hx_toolchain {
	char *file;		/* the manifest's path */
	char *name;		/* "riscv64-gcc" */
	char *target;		/* "riscv64-linux-gnu" */
	const char *arch;	/* the ELF architecture the triple names */
	char *cc;		/* the C compiler driver, a name or a path */
	char **cc_args;		/* arguments every compile gets */
	char *cxx;		/* the C++ driver, or NULL */
	char *ar;
	char *sysroot;		/* NULL for the host */
	char *package;		/* the Debian package of the driver */
	char *cxx_package;	/* the Debian package of the C++ driver */
	char *sysroot_package;	/* the Debian package of the sysroot */
	char *version;		/* pinned --version line, or NULL */
	char *digest;		/* pinned digest, 64 hex digits, or NULL */
	char **flags;		/* compiler flags every build gets */
	char *cpu;		/* QEMU's -cpu for its programs, or NULL */
	json_t *json;		/* the manifest as read */
};

/* What is installed now, as hx_toolchain_measure finds it. */
struct hx_toolchain_found {
	char *cc_path;		/* the driver, symbolic links resolved */
	char *version;
	char digest[HX_SHA256_HEX];
	char *cxx_path;		/* the C++ driver resolved, or NULL */
	char cxx_sha256[HX_SHA256_HEX];	/* its content's digest */
};

/*
 * Read the manifest at PATH.  Returns 0, or an exit status (3 for a
 * malformed manifest, with file, line and column; 4 when it cannot be
 * read) with a message in ERR.
 */
int hx_toolchain_load(const char *path, struct hx_toolchain *tc, char *err,
    size_t errlen);

void hx_toolchain_free(struct hx_toolchain *tc);

/*
 * Find the manifest for NAME: NAME itself when it has a '/' or ends in
 * ".json" (there or not: loading it says what is wrong), else NAME.json in
 * the first of the NULL-terminated DIRS that has it.  Returns a new string
 * or NULL.
 */
char *hx_toolchain_find(const char *name, const char *const *dirs);

/*
 * The directories manifests are looked for in, in order: $HX_TOOLCHAIN_DIR,
 * the source tree when this program runs from the build tree it was built
 * in, the installed directory relative to this program (see
 * hx_spawn_relocate), and the configured one.  A new NULL-terminated array.
 */
char **hx_toolchain_dirs(void);

/*
 * The names of the manifests (NAME.json) in the NULL-terminated DIRS,
 * sorted and without repeats, joined with ", ".  A new string, empty when
 * there are none.
 */
char *hx_toolchain_names(const char *const *dirs);

/*
 * Look at what is installed for TC: the driver, its version line and the
 * digest of driver and sysroot.  With MEMO_DIR (or NULL), a measurement
 * is remembered there under the identity of every file it covered (path,
 * inode, size, mtime, ctime) and reused while none of them changes, so a
 * build does not rehash the toolchain each time.  Returns 0, or 4 with a
 * message naming the Debian package to install when the driver or the
 * sysroot is missing.  A missing C++ driver leaves FOUND's cxx_path NULL.
 */
int hx_toolchain_measure(const struct hx_toolchain *tc, const char *memo_dir,
    struct hx_toolchain_found *found, char *err, size_t errlen);

void hx_toolchain_found_free(struct hx_toolchain_found *found);

/*
 * Compare FOUND with what TC pins.  Returns 0, 3 when TC pins nothing, or
 * 4 with a message naming the expected and the found value.
 */
int hx_toolchain_check(const struct hx_toolchain *tc,
    const struct hx_toolchain_found *found, char *err, size_t errlen);

/* TC's manifest with FOUND's version and digest: a new reference. */
json_t *hx_toolchain_pin(const struct hx_toolchain *tc,
    const struct hx_toolchain_found *found);

/* DRIVER (cc or cxx) and the cc_args as one string, for CC and CXX. */
char *hx_toolchain_command(const struct hx_toolchain *tc, const char *driver);

/*
 * What hx-emu adds to its view of a sysroot (emu/hx_qemu.h), by version:
 * part of the digest, so that a change to it is a change of toolchain.
 */
#define HX_TOOLCHAIN_SYSROOT_VIEW "hx-sysroot-view 2: etc/ld.so.cache and " \
	"etc/ld.so.preload empty; lib/ARCH-linux-gnu and its tls hold " \
	"lib's entries; usr/lib/ARCH-linux-gnu/tls, lib/tls, usr/lib/tls " \
	"empty"

#endif
