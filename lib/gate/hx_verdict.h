/*
 * hx_verdict: what hx-gate decided, as one value.  The judge builds it
 * once; the gate record (hx-records(5)) is rendered from it here, and
 * the JUnit, Markdown and terminal reports in hx_report.
 */
#ifndef HX_VERDICT_H
#define HX_VERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hx_json.h"

enum hx_verdict_status {
	HX_VERDICT_PASS,
	HX_VERDICT_FAIL,
	HX_VERDICT_SKIP,	/* nothing to judge, and the rule allows it */
};

/* A number as the gate record writes it: an integer, or a real. */
struct hx_verdict_number {
	bool integer;
	int64_t i;		/* the value when integer */
	double x;		/* the value otherwise */
};

enum hx_verdict_value_kind {
	HX_VERDICT_NONE,	/* nothing observed, or no limit: null */
	HX_VERDICT_NUMBER,
	HX_VERDICT_RANGE,	/* a least and a greatest number */
	HX_VERDICT_NAMES,	/* a list of names (the stages) */
};

/* What a rule observed, or the limit it allowed. */
struct hx_verdict_value {
	enum hx_verdict_value_kind kind;
	struct hx_verdict_number number;	/* HX_VERDICT_NUMBER */
	struct hx_verdict_number min, max;	/* HX_VERDICT_RANGE */
	char **names;				/* HX_VERDICT_NAMES */
	size_t nnames;
};

/* One entry of the rules list: a rule, a pwcet budget, or the stages. */
struct hx_verdict_rule {
	char *name;
	char *kind;		/* "tests-pass", ..., or "stages" */
	enum hx_verdict_status status;
	bool advisory;		/* a failure does not fail the gate */
	struct hx_verdict_value observed, limit;
	char *unit;		/* of observed and limit, or NULL */
	char **messages;	/* what the rule says, one line each */
	size_t nmessages;
	char **decided_by;	/* the refs of the records that decided it */
	size_t ndecided;
	char **decided_at;	/* FILE:LINE of each of them, in step */
	size_t nat;
	char *group;		/* pwcet: the wcet group judged, or NULL */
	char *profile;		/* pwcet: the group's load profile, or NULL */
	double p;		/* pwcet: the probability judged, or 0 */
	bool counts_tests;	/* tests-pass: tests and passed are set */
	size_t tests, passed;	/* tests judged, and of them passed */
};

/* A failed test: the root cause of the rules that fail with it. */
struct hx_verdict_cause {
	char *test;		/* its name */
	char *ref;		/* its record's ref */
	char *at;		/* its record's FILE:LINE */
	char *output;		/* its message and output tails, or "" */
};

/*
 * The verdict; every string and array is its own, freed with it.  The
 * caller sets baseline_recorded when it stored the run as a baseline.
 */
struct hx_verdict {
	enum hx_verdict_status status;	/* pass or fail */
	char *policy;			/* the policy file */
	unsigned long records;		/* records judged */
	char *baseline;			/* its source, or NULL */
	char *baseline_recorded;	/* the commit noted, or NULL */
	char *message;			/* why the gate failed, or NULL */
	char *commit;			/* the commit built, or NULL */
	char *toolchain;		/* "NAME VERSION" built with, or NULL */
	struct hx_verdict_rule *rules;
	size_t nrules;
	struct hx_verdict_cause *causes;	/* failed tests, once each */
	size_t ncauses;
};

/* "pass", "fail" or "skip". */
const char *hx_verdict_status_name(enum hx_verdict_status status);

/* The messages of RULE joined by "; ", a new string; NULL when none. */
char *hx_verdict_rule_message(const struct hx_verdict_rule *rule);

/* VALUE as JSON (null for none): a new reference. */
json_t *hx_verdict_value_json(const struct hx_verdict_value *value);

/* VERDICT as the gate record: a new reference. */
json_t *hx_verdict_record(const struct hx_verdict *verdict);

/*
 * The cause in VERDICT that RULE failed because of: a failed test whose
 * record decided it, or that its messages or group name; or NULL.
 */
const struct hx_verdict_cause *hx_verdict_cause_of(
    const struct hx_verdict *verdict, const struct hx_verdict_rule *rule);

void hx_verdict_free(struct hx_verdict *verdict);

#endif
