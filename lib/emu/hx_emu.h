/*
 * hx_emu: run one test artifact the way hx-emu(1) describes: under
 * qemu-ARCH -L SYSROOT (with the hx-insncount plugin when counting) or
 * natively, with a timeout, retries and repeats; hx_outcome turns what
 * happened into records.  hx_emu_run is safe to call from several threads
 * at once.
 */
#ifndef HX_EMU_H
#define HX_EMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hx_err.h"
#include "hx_harness.h"
#include "hx_json.h"
#include "hx_progress.h"
#include "rec/hx_artifact.h"
#include "rec/hx_quarantine.h"
#include "emu/hx_outcome.h"

/* What every run shares: the command line's choices. */
struct hx_emu_options {
	int64_t timeout_ns;		/* per run; 0: none */
	int retries;			/* extra attempts for a failed run */
	int repeat;			/* runs per test, at least 1 */
	bool count;			/* count instructions with the plugin */
	size_t tail;			/* output bytes kept in records */
	const char *sysroot;		/* -L for every QEMU run, or NULL */
	const char *cpu;		/* -cpu for every QEMU run, or NULL */
	const char *plugin;		/* the plugin, when counting */
	const char *tmpdir;		/* private: counts and sysroot views */
	const char *offload;		/* HX_OFFLOAD for every test, or NULL */
	struct hx_field_pair *env;	/* set for every test (--setenv) */
	size_t nenv;
	const struct hx_quarantine *quarantine;	/* or NULL */
	struct hx_progress *progress;	/* a step per run, or NULL */
	const struct hx_harness *harness;	/* CPUs and scheduling of every
						   run, or NULL */
};

/* One artifact made ready to run by hx_emu_prepare. */
struct hx_emu_test {
	char *name;			/* the artifact's name */
	char *artifact;			/* its path as the record gives it */
	char *error;			/* set: cannot run; an error record */
	char *exe;			/* absolute path of the program */
	char *runner;			/* "native" or "qemu-ARCH" */
	char *qemu;			/* QEMU's path; NULL for native */
	char *sysroot;			/* QEMU's -L, or NULL */
	char *cpu;			/* QEMU's -cpu, or NULL */
	char **args;			/* NULL-terminated arguments */
	char **envp;			/* the environment; NULL: inherit */
	char *cwd;			/* absolute, or NULL */
	const struct hx_emu_options *opt;
};

/*
 * Make a test of ARTIFACT, a record that was read and checked, from one
 * thread.  Returns NULL with ERR filled (status 4, naming the Debian
 * package to install) when machinery is missing: QEMU, its plugin
 * support, the sysroot's loader.  A test whose file is missing comes back
 * with its error set.
 */
struct hx_emu_test *hx_emu_prepare(const struct hx_artifact *artifact,
    const struct hx_emu_options *opt, struct hx_err_info *err);

/*
 * Run TEST, with its retries and repeats, into OUT: its test records and
 * samples, or an error when it could not run.  Each repetition is a
 * step of the options' progress (one step when TEST cannot run).  Free
 * OUT with hx_outcome_free.
 */
void hx_emu_run(const struct hx_emu_test *test, struct hx_outcome *out);

void hx_emu_test_free(struct hx_emu_test *test);

#endif
