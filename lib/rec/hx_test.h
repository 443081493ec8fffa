/*
 * hx_test: the test record, one run of one test or of one TAP test point
 * (hx-records(5)), and the one rule of which tests fail a run.  Timings
 * are not part of it beyond duration_ns: measurements are sample records.
 */
#ifndef HX_TEST_H
#define HX_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rec/hx_field.h"
#include "rec/hx_status.h"

/*
 * A test.  Strings are borrowed: from the JSON value hx_test_read read,
 * or from the caller that fills the struct to write it.  The tails may
 * hold any bytes, NULs included; the writer makes them valid strings.
 */
struct hx_test {
	const char *name;
	const char *artifact;		/* the artifact record's path */
	const char *runner;		/* "qemu-riscv64", "native" */
	enum hx_status status;
	int exit_code;			/* -1: did not exit */
	int signal;			/* 0: no signal ended it */
	int64_t duration_ns;
	int attempt;			/* from 1 */
	bool flaky;
	bool quarantined;
	int64_t number;			/* TAP point number; -1: none */
	const char *description;	/* TAP: or NULL */
	const char *directive;		/* TAP: "SKIP reason", or NULL */
	const char *diagnostics;	/* TAP: or NULL */
	const char *stdout_tail;	/* or NULL */
	size_t stdout_tail_len;
	const char *stderr_tail;	/* or NULL */
	size_t stderr_tail_len;
	const char *message;		/* why it did not pass, or NULL */
};

/* Set T to an empty test: attempt 1, no exit code, number or text. */
void hx_test_init(struct hx_test *t);

/*
 * Read and check the test record JSON into *OUT.  Returns 0, or -1 with
 * *MESSAGE (to free) naming the field, as "test attempt is less than 1".
 */
int hx_test_read(const json_t *json, struct hx_test *out, char **message);

/* The record of T, a new reference; false booleans are left out. */
json_t *hx_test_to_json(const struct hx_test *t);

/* Free what hx_test_read allocated and empty T. */
void hx_test_clear(struct hx_test *t);

/*
 * Whether T counts against the run: failed, timed out or in error
 * (hx_status_failed), and not quarantined.
 */
bool hx_test_failed(const struct hx_test *t);

#endif
