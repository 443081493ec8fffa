/*
 * hx_outcome: what the runs of one test mean, as typed records.
 *
 * hx_emu runs a test program (with retries and repeats) and hands each
 * execution here: the chosen one becomes test records, a verdict per TAP
 * point or one for the whole program, and every passed one a sample of
 * what it measured (guest instructions, or wall time).  Measurements
 * live only in samples; a TAP point carries its verdict, not a copy of
 * the program's count.
 */
#ifndef HX_OUTCOME_H
#define HX_OUTCOME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hx_spawn.h"
#include "rec/hx_quarantine.h"
#include "rec/hx_sample.h"
#include "rec/hx_status.h"
#include "rec/hx_test.h"
#include "emu/hx_tap.h"

/* A region of interest (hx/roi.h) of a counted run. */
struct hx_outcome_region {
	char *name;
	uint64_t insns;			/* over all its entries */
	uint64_t entries;
};

/* One execution of a test program. */
struct hx_outcome_run {
	struct hx_spawn_result res;
	int spawn_error;		/* errno from starting it, or 0 */
	bool counted;			/* insns holds the plugin's count */
	uint64_t insns;
	struct hx_outcome_region *regions;	/* when counted */
	size_t nregions;
	char *region_error;		/* a marker misused, or NULL */
	enum hx_status status;		/* the program's own status */
	const char *broken;		/* why a run that passed is not one */
	struct hx_tap tap;
	bool failed;			/* worth a retry; counts as failed */
};

/* What the records of a test share. */
struct hx_outcome_test {
	const char *name;		/* the artifact's name */
	const char *artifact;		/* its path */
	const char *runner;		/* "native" or "qemu-ARCH" */
	const char *started;		/* what was started: QEMU or the program */
	const char *cpu;		/* QEMU's -cpu, or NULL: its default */
	int64_t timeout_ns;
	size_t tail;			/* output bytes kept in records */
	const struct hx_quarantine *quarantine;
};

/* The records of one test: test records and samples, or an error. */
struct hx_outcome {
	struct hx_test *tests;
	size_t ntests;
	struct hx_sample *samples;
	size_t nsamples;
	char *error;			/* could not run: an error record */
	char **strings;			/* what the records' strings point to */
	size_t nstrings;
	struct hx_field_pair **labels;	/* what samples' labels point to */
	size_t nlabels;
};

/*
 * Whether RUN failed: its status, for TAP a failed or missing point, or
 * for a run that passed, its markers of regions misused.
 */
bool hx_outcome_run_failed(const struct hx_outcome_run *run);

void hx_outcome_run_free(struct hx_outcome_run *run);

/*
 * The test records of RUN, its ATTEMPT-th attempt: one per TAP point, and
 * one for the program when it is not TAP or ended badly around its
 * points.  FAILED lists the TAP points that failed on an earlier attempt
 * (those that pass now are flaky); FLAKY marks a program that is not TAP
 * and passed after failing.
 */
void hx_outcome_add_tests(struct hx_outcome *out,
    const struct hx_outcome_test *test, const struct hx_outcome_run *run,
    int attempt, const long *failed, size_t nfailed, bool flaky);

/*
 * The samples of passed run number INDEX: the program's, in insns when
 * counted, else in ns; then one per region it marked, named
 * PROGRAM:REGION.
 */
void hx_outcome_add_sample(struct hx_outcome *out,
    const struct hx_outcome_test *test, const struct hx_outcome_run *run,
    int index);

/* The test could not run at all: MESSAGE, for an error record. */
void hx_outcome_set_error(struct hx_outcome *out, const char *message);

void hx_outcome_free(struct hx_outcome *out);

#endif
