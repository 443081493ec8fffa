/*
 * hx_status: the outcome of a test run, as the status field of a test
 * record gives it (hx-records(5)).
 */
#ifndef HX_STATUS_H
#define HX_STATUS_H

#include <stdbool.h>

enum hx_status {
	HX_STATUS_PASS,
	HX_STATUS_FAIL,
	HX_STATUS_SKIP,
	HX_STATUS_TIMEOUT,
	HX_STATUS_ERROR,	/* the machinery, not the test, failed */
};

/* The NULL-terminated names, in the order of the enum. */
extern const char *const hx_status_names[];

/* "pass", "fail", ... */
const char *hx_status_name(enum hx_status status);

/* The status called NAME: 0, or -1 when there is none. */
int hx_status_parse(const char *name, enum hx_status *out);

/*
 * Whether STATUS is a failure: fail, timeout or error.  hx_test_failed
 * adds the quarantine; this is for those who apply a quarantine list of
 * their own.
 */
bool hx_status_failed(enum hx_status status);

#endif
