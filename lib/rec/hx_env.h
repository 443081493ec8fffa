/*
 * hx_env: what this machine is and which of the components hx drives are
 * present, as an "env" record (see hx-records(5)).  hx doctor prints it;
 * reports and proof bundles embed it.
 */
#ifndef HX_ENV_H
#define HX_ENV_H

#include <stdbool.h>

#include "hx_harness.h"
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

/*
 * The conditions of a measured run, for the env record's "harness"
 * object: what was asked (the --cpus text, the --rt priority), what the
 * kernel granted and the frequency and thermal baseline.
 */
struct hx_env_run {
	const char *cpus_requested;	/* the CPU list asked for, or NULL */
	int rt_requested;		/* SCHED_FIFO priority asked, or 0 */
	struct hx_harness_grant grant;
	struct hx_harness_baseline baseline;
};

/*
 * Find what a child started with H would get, by taking H on the calling
 * thread and giving it back at once, and read the baseline from SYSFS.
 * CPUS is the list H was parsed from, or NULL.
 */
void hx_env_run_probe(struct hx_env_run *run, const struct hx_harness *h,
    const char *cpus, const char *sysfs);

/* The "harness" object of RUN (hx-records(5)).  A new reference. */
json_t *hx_env_run_json(const struct hx_env_run *run);

/*
 * What a program measuring runs does first: probe as hx_env_run_probe
 * does, call WARN with each thing a person should be told (a request
 * refused, the baseline's notes), and write the env record, hx_env_probe's
 * with the harness object, to PATH when it is not NULL.  Returns 0, or -1
 * with ERR filled (status 4) when PATH cannot be written.
 */
int hx_env_run_prepare(const struct hx_harness *h, const char *cpus,
    const char *sysfs, const char *path, void (*warn)(const char *),
    struct hx_err_info *err);

void hx_env_run_free(struct hx_env_run *run);

#endif
