/*
 * hx_junit_run: the test records of a run of one artifact as a suite of a
 * JUnit report (hx_junit): a case for each record, quarantined failures
 * skipped, TAP points timed by their runs.
 */
#ifndef HX_JUNIT_RUN_H
#define HX_JUNIT_RUN_H

#include <stddef.h>

#include "rec/hx_test.h"
#include "report/hx_junit.h"

/*
 * Add a suite NAME to JUNIT for the runs of one artifact: a case of
 * status error for ERROR, the message of a run that could not happen (or
 * NULL), then a case for each of the NTESTS records of TESTS.  When a
 * record has a TAP point number, no case has a time of its own: the
 * suite has the time of the runs.
 */
void hx_junit_run_add(struct hx_junit *junit, const char *name,
    const char *error, const struct hx_test *tests, size_t ntests);

/* Add a suite NAME to JUNIT with one case, skipped for REASON. */
void hx_junit_run_skip(struct hx_junit *junit, const char *name,
    const char *reason);

#endif
