/*
 * hx_junit: JUnit XML reports as GitLab, Jenkins (xunit) and GitHub test
 * reporters read them: <testsuites> of <testsuite> of <testcase>, with
 * <failure>, <error> and <skipped> carrying their details in the element
 * body.  Valid against the Jenkins xunit junit-10.xsd.
 */
#ifndef HX_JUNIT_H
#define HX_JUNIT_H

#include <stdint.h>
#include <stdio.h>

enum hx_junit_status {
	HX_JUNIT_PASS,
	HX_JUNIT_FAILURE,	/* the test ran and failed */
	HX_JUNIT_ERROR,		/* the test could not run (timeout, no file) */
	HX_JUNIT_SKIPPED,
};

struct hx_junit_case {
	const char *classname;	/* the group, e.g. the artifact or policy */
	const char *name;	/* the test or rule */
	int64_t time_ns;	/* -1: not known, no time attribute */
	enum hx_junit_status status;
	const char *message;	/* one line, the message attribute; or NULL */
	const char *type;	/* the type attribute (e.g. "timeout"); or NULL */
	const char *body;	/* details in the failure/error/skipped body */
	const char *system_out;	/* captured stdout, or NULL */
	const char *system_err;	/* captured stderr, or NULL */
};

struct hx_junit;

/* A new report; NAME names the <testsuites> element. */
struct hx_junit *hx_junit_new(const char *name);

/* Start a new <testsuite> called NAME; cases go into the latest suite. */
void hx_junit_suite(struct hx_junit *junit, const char *name);

/*
 * Add NS to the time of the current suite beyond its cases' own: a run
 * whose cases (TAP points) have no time of their own.
 */
void hx_junit_suite_time(struct hx_junit *junit, int64_t ns);

/* Add a test case (the strings are copied). */
void hx_junit_add(struct hx_junit *junit, const struct hx_junit_case *c);

/*
 * Write the report to FP.  Returns 0, or -1 with errno set when FP
 * reports an error.  Text is escaped; bytes XML 1.0 cannot hold (control
 * characters, invalid UTF-8) become U+FFFD.
 */
int hx_junit_write_stream(const struct hx_junit *junit, FILE *fp);

/* Write the report to PATH atomically.  Returns 0, or -1 with errno set. */
int hx_junit_write(const struct hx_junit *junit, const char *path);

void hx_junit_free(struct hx_junit *junit);

#endif
