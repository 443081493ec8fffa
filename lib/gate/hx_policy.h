/*
 * hx_policy: the release policy hx-gate applies (see hx-policy(5)).
 *
 * A policy is a JSON file: a name, the pipeline stages whose records must
 * be present, and a list of rules.  Loading checks it completely, so a
 * policy that names an unknown rule or a field of the wrong type is
 * refused before any record is judged, with the file, line and column of
 * the fault.
 */
#ifndef HX_POLICY_H
#define HX_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "hx_json.h"
#include "rec/hx_quarantine.h"

enum hx_rule_kind {
	HX_RULE_TESTS_PASS,	/* every test passes; quarantined ones exempt */
	HX_RULE_FLAKY_RATE,	/* the share of flaky tests is bounded */
	HX_RULE_REQUIRED,	/* records that must be present */
	HX_RULE_PWCET,		/* pWCET at probability p within a budget */
	HX_RULE_NO_REGRESSION,	/* no regression against the baseline */
	HX_RULE_REPRODUCIBLE,	/* artifacts are bit for bit reproducible */
	HX_RULE_CUSTOM,		/* matched records bound one numeric field */
	HX_RULE_NO_ERRORS,	/* no error records in the stream */
	HX_RULE_STAGE_DRIFT,	/* no stage's latency drifted from the */
				/* baseline's */
};

struct hx_rule {
	enum hx_rule_kind kind;
	const char *kind_name;	/* "tests-pass", ... */
	const char *name;	/* unique in the policy; the kind by default */
	bool advisory;		/* a failure is reported but passes the gate */
	bool implicit;		/* added by default, not in the file */
	json_t *spec;		/* the rule's object in the policy (borrowed) */
	/* tests-pass: the policy's quarantine list and the rule's own */
	struct hx_quarantine *quarantine;
};

struct hx_policy {
	char *path;
	const char *name;	/* the policy's name, or its file name */
	json_t *json;		/* the whole policy */
	json_t *stages;		/* array of stage names that must have run */
	struct hx_rule *rules;
	size_t nrules;
	char *text;		/* the file as read, for the proof bundle */
	size_t len;
};

/* What a stage leaves in the stream, for the stages field. */
struct hx_stage {
	const char *name;		/* "build" */
	const char *program;		/* "hx-build" */
	const char *const *types;	/* any one of these shows it ran */
};

/* The stage called NAME, or NULL. */
const struct hx_stage *hx_policy_stage(const char *name);

/*
 * Load and check the policy at PATH into *POLICY.  Returns 0; -1 when it
 * is malformed, with "PATH:LINE:COLUMN: what is wrong" in ERR (exit 3);
 * -2 when it cannot be read, with "PATH: strerror" in ERR (exit 4).
 * A policy without a no-errors rule gets one.
 */
int hx_policy_load(const char *path, struct hx_policy *policy, char *err,
    size_t errlen);

void hx_policy_free(struct hx_policy *policy);

/*
 * Whether POLICY has no-regression or stage-drift rules and every one of
 * them says "missing_baseline": "skip": a baseline that is not there
 * fails nothing.
 */
bool hx_policy_skips_missing_baseline(const struct hx_policy *policy);

/*
 * Parse a budget: a number, or a string "NUMBER UNIT" (ns, us, ms, s;
 * insns, cycles; bytes, KiB, MiB, GiB).  Stores the value in the unit's
 * base (ns, insns, cycles or bytes) and that base's name.  Returns 0, or
 * -1 when the text is not a budget.
 */
int hx_policy_budget(const json_t *value, double *amount,
    const char **base_unit);

/*
 * The key of the pwcet budgets BUDGETS that budgets the wcet group NAME
 * measured under the load profile PROFILE (its label "profile"; NULL:
 * none): "NAME@PROFILE", else "NAME", else "*@PROFILE", else "*".
 * Returns the key, a string of BUDGETS, or NULL when none is there.
 */
const char *hx_policy_budget_key(const json_t *budgets, const char *name,
    const char *profile);

/*
 * Convert AMOUNT in UNIT (as a sample or wcet record names it) to its
 * base unit.  Returns 0, or -1 for a unit this module does not know.
 */
int hx_policy_to_base(double amount, const char *unit, double *base,
    const char **base_unit);

#endif
