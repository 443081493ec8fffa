/*
 * hx_junit_run: the mapping of test records to JUnit cases.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "hx_err.h"
#include "rec/hx_status.h"
#include "rec/hx_test.h"
#include "report/hx_junit.h"
#include "report/hx_junit_run.h"

/*
 * Add test T to the JUnit report as a case of the current suite, of class
 * NAME; with TAP its points have no time of their own (the runs' times
 * are the suite's, see tap_time).
 */
static void
add_test(struct hx_junit *junit, const char *name, const struct hx_test *t,
    bool tap)
{
	const char *status = hx_status_name(t->status);
	struct hx_junit_case c = { 0 };
	char *message = NULL;

	c.classname = name;
	c.name = t->name;
	c.time_ns = tap ? -1 : t->duration_ns;
	c.system_out = t->stdout_tail;
	c.system_err = t->stderr_tail;
	c.message = t->message;
	c.body = t->diagnostics != NULL ? t->diagnostics : c.message;
	if (t->status == HX_STATUS_SKIP) {
		c.status = HX_JUNIT_SKIPPED;
		c.message = t->directive;
	} else if (t->status == HX_STATUS_PASS) {
		c.status = HX_JUNIT_PASS;
	} else if (t->quarantined) {
		/* A quarantined failure must not turn the report red. */
		c.status = HX_JUNIT_SKIPPED;
		message = hx_xasprintf("quarantined: %s%s%s", status,
		    c.message != NULL ? ": " : "",
		    c.message != NULL ? c.message : "");
		c.message = message;
	} else if (t->status == HX_STATUS_FAIL) {
		c.status = HX_JUNIT_FAILURE;
		if (c.message == NULL)
			c.message = t->diagnostics != NULL ? t->diagnostics :
			    "failed";
	} else {
		c.status = HX_JUNIT_ERROR;
		c.type = status;
	}
	hx_junit_add(junit, &c);
	free(message);
}

/*
 * The time of the runs of a TAP program, for its JUnit suite: a record
 * starts a run when its attempt changes or its point number does not
 * grow; the records of one run share the run's duration.
 */
static void
tap_time(struct hx_junit *junit, const struct hx_test *tests, size_t ntests)
{
	const struct hx_test *t;
	int64_t number = -1;
	int attempt = 0;
	size_t i;

	for (i = 0; i < ntests; i++) {
		t = &tests[i];
		if (t->attempt != attempt || (t->number >= 0 && number >= 0 &&
		    t->number <= number))
			hx_junit_suite_time(junit, t->duration_ns);
		attempt = t->attempt;
		if (t->number >= 0)
			number = t->number;
	}
}

void
hx_junit_run_add(struct hx_junit *junit, const char *name, const char *error,
    const struct hx_test *tests, size_t ntests)
{
	struct hx_junit_case c = { 0 };
	bool tap = false;
	size_t i;

	for (i = 0; i < ntests; i++)
		tap = tap || tests[i].number >= 0;
	hx_junit_suite(junit, name);
	if (error != NULL) {
		c.classname = c.name = name;
		c.status = HX_JUNIT_ERROR;
		c.type = "error";
		c.message = c.body = error;
		hx_junit_add(junit, &c);
	}
	for (i = 0; i < ntests; i++)
		add_test(junit, name, &tests[i], tap);
	if (tap)
		tap_time(junit, tests, ntests);
}

void
hx_junit_run_skip(struct hx_junit *junit, const char *name,
    const char *reason)
{
	hx_junit_suite(junit, name);
	hx_junit_add(junit, &(struct hx_junit_case){ .classname = name,
	    .name = name, .status = HX_JUNIT_SKIPPED, .message = reason });
}
