/*
 * hx_emu: run one test artifact the way hx-emu(1) describes: under
 * qemu-ARCH -L SYSROOT (with the hx-insncount plugin when counting) or
 * natively, with a timeout, retries and repeats, and turn what happened
 * into test and sample records, one per TAP test point where the program
 * speaks TAP.  hx_emu_run is safe to call from several threads at once.
 */
#ifndef HX_EMU_H
#define HX_EMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hx_err.h"
#include "hx_json.h"

/* What every run shares: the command line's choices. */
struct hx_emu_options {
	int64_t timeout_ns;		/* per run; 0: none */
	int retries;			/* extra attempts for a failed run */
	int repeat;			/* runs per test, at least 1 */
	bool count;			/* count instructions with the plugin */
	bool samples;			/* a sample record per passed run */
	size_t tail;			/* output bytes kept in records */
	const char *sysroot;		/* -L for every QEMU run, or NULL */
	const char *plugin;		/* the plugin, when counting */
	const char *tmpdir;		/* where counts go, when counting */
	struct hx_emu_quarantine *quarantine;	/* or NULL */
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
	char **args;			/* NULL-terminated arguments */
	char **envp;			/* the environment; NULL: inherit */
	char *cwd;			/* absolute, or NULL */
	const struct hx_emu_options *opt;
};

/*
 * Make a test of the artifact record ARTIFACT, from one thread.  Returns
 * NULL with *MESSAGE set (to free) when the record is malformed, or NULL
 * with ERR filled (status 4, naming the Debian package to install) when
 * machinery is missing: QEMU, its plugin support, the sysroot's loader.
 * A test whose file is missing comes back with its error set.
 */
struct hx_emu_test *hx_emu_prepare(const json_t *artifact,
    const struct hx_emu_options *opt, char **message,
    struct hx_err_info *err);

/* Run TEST and append its test and sample (or error) records to RECORDS. */
void hx_emu_run(const struct hx_emu_test *test, json_t *records);

void hx_emu_test_free(struct hx_emu_test *test);

/*
 * Whether a test record counts against the run: failed, timed out or in
 * error, and not quarantined.
 */
bool hx_emu_record_failed(const json_t *record);

/*
 * The quarantine list: one test name or fnmatch(3) pattern a line, '#'
 * comments and blank lines ignored.  Returns NULL with errno set when
 * PATH cannot be read.
 */
struct hx_emu_quarantine *hx_emu_quarantine_load(const char *path);
bool hx_emu_quarantined(const struct hx_emu_quarantine *q, const char *name);
void hx_emu_quarantine_free(struct hx_emu_quarantine *q);

#endif
