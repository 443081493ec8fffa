/*
 * hx_report: what hx-gate writes for people and CI systems from its
 * verdict: JUnit XML (each rule a test case), a Markdown summary for a CI
 * job page, and a few lines on standard error.
 */
#ifndef HX_REPORT_H
#define HX_REPORT_H

#include <stdio.h>

#include "gate/hx_verdict.h"

/*
 * Write VERDICT as JUnit XML to FP, one test suite named SUITE.  Returns
 * 0, or -1 with errno set.
 */
int hx_report_junit(const struct hx_verdict *verdict, const char *suite,
    FILE *fp);

/* VERDICT as Markdown, a new string; SUITE names the policy. */
char *hx_report_markdown(const struct hx_verdict *verdict, const char *suite);

/* One line per failed or skipped rule and the verdict, on stderr. */
void hx_report_stderr(const struct hx_verdict *verdict);

#endif
