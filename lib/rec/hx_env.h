/*
 * hx_env: what this machine is and which of the components hx drives are
 * present, as an "env" record (see hx-records(5)).  hx doctor prints it;
 * reports and proof bundles embed it.
 */
#ifndef HX_ENV_H
#define HX_ENV_H

#include <stdbool.h>

#include "hx_json.h"

/* One component hx drives, after it was looked for. */
struct hx_component {
	const char *name;	/* "riscv64-gcc", "qemu-riscv64", ... */
	const char *purpose;	/* what it is needed for, for people */
	const char *package;	/* the Debian package that provides it, or NULL */
	bool required;		/* the fast PR path cannot run without it */
	bool found;
	char *path;		/* where it was found, or NULL */
	char *version;		/* its version line, or NULL */
	char *detail;		/* why it is missing, or a remark */
};

struct hx_env {
	struct hx_component *components;
	int ncomponents;
	json_t *record;		/* the env record */
};

/* The riscv64 sysroot: HX_SYSROOT, or Debian's /usr/riscv64-linux-gnu. */
const char *hx_env_sysroot(void);

/* Look for every component and describe the machine.  Takes a few seconds. */
void hx_env_probe(struct hx_env *env);

/* Whether every required component was found. */
bool hx_env_complete(const struct hx_env *env);

void hx_env_free(struct hx_env *env);

#endif
