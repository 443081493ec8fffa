/*
 * hx_report: what hx-gate writes for people and CI systems from its gate
 * record: JUnit XML (each rule a test case), a Markdown summary for a CI
 * job page, and a few lines on standard error.
 */
#ifndef HX_REPORT_H
#define HX_REPORT_H

#include "hx_json.h"

/*
 * Write GATE as JUnit XML at PATH, one test suite named SUITE.  Returns 0,
 * or -1 with errno set.
 */
int hx_report_junit(const json_t *gate, const char *suite, const char *path);

/* GATE as Markdown, a new string; SUITE names the policy. */
char *hx_report_markdown(const json_t *gate, const char *suite);

/* One line per failed or skipped rule and the verdict, on stderr. */
void hx_report_stderr(const json_t *gate);

#endif
