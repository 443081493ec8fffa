/*
 * hx_artifact: the artifact record, one output of a build
 * (hx-records(5)), as hx-build writes it and hx-emu reads it.
 */
#ifndef HX_ARTIFACT_H
#define HX_ARTIFACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rec/hx_field.h"

enum hx_artifact_kind {
	HX_ARTIFACT_EXE,
	HX_ARTIFACT_TEST,
	HX_ARTIFACT_LIB,
};

/* The pinned toolchain an artifact was built with (hx-toolchain(5)). */
struct hx_artifact_toolchain {
	const char *name;
	const char *version;
	const char *digest;
	const char *sysroot;		/* or NULL: the host's */
	const char *cpu;		/* QEMU's -cpu, or NULL: its default */
};

/* A data file the build read, pinned by its digest in hx.json. */
struct hx_artifact_pin {
	const char *path;		/* relative to the project */
	const char *sha256;		/* 64 lowercase hex digits */
};

/*
 * An artifact.  Strings are borrowed: from the JSON value
 * hx_artifact_read read, or from the caller that fills the struct to
 * write it.  Optional booleans are -1 when left out.  With ok false the
 * fields that describe the file (path, arch, sha256, size) are left out.
 */
struct hx_artifact {
	const char *name;
	const char *path;		/* NULL when the build failed */
	enum hx_artifact_kind kind;
	bool ok;			/* status "ok", or "fail" */
	const char *target;		/* "riscv64-linux-gnu" */
	const char *arch;		/* from the ELF header */
	const char *sha256;		/* 64 lowercase hex digits */
	int64_t size;			/* -1: not known */
	struct hx_artifact_toolchain toolchain;
	const char **flags;		/* NULL-terminated */
	const char *commit;		/* 40 hex digits, or NULL */
	const char *project;		/* the project directory relative to
					   the repository's top, or NULL */
	int dirty;			/* -1, 0 or 1 */
	bool cache_hit;			/* cache "hit", or "miss" */
	int64_t duration_ns;
	int affected;			/* -1, 0 or 1 */
	int needs_timing;		/* -1, 0 or 1 */
	const char **args;		/* NULL-terminated, or NULL */
	struct hx_field_pair *env;	/* NULL: none */
	size_t nenv;
	const char *cwd;		/* or NULL */
	const char *output_tail;	/* any bytes, or NULL */
	size_t output_tail_len;
	const char *message;		/* or NULL */
	int reproducible;		/* -1, 0 or 1 */
	struct hx_artifact_pin *pins;	/* NULL: left out */
	size_t npins;
};

/* The NULL-terminated kind names, in the order of the enum. */
extern const char *const hx_artifact_kind_names[];

/* Set A to an empty artifact: every optional field left out. */
void hx_artifact_init(struct hx_artifact *a);

/*
 * Read and check the artifact record JSON into *OUT.  Returns 0, or -1
 * with *MESSAGE (to free) naming the field, as "artifact sha256 is not
 * 64 lowercase hexadecimal digits".
 */
int hx_artifact_read(const json_t *json, struct hx_artifact *out,
    char **message);

/* The record of A, a new reference. */
json_t *hx_artifact_to_json(const struct hx_artifact *a);

/* Free what hx_artifact_read allocated and empty A. */
void hx_artifact_clear(struct hx_artifact *a);

#endif
