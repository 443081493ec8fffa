/*
 * hx_judge: apply a policy to the records of a run (see hx-policy(5)).
 *
 * The caller hands over every record it reads, parsed when
 * hx_judge_wants says a rule looks inside that type, and a baseline when
 * one was asked for; hx_judge_verdict then evaluates every rule into a
 * verdict (hx_verdict), from which the gate record and reports are made.
 */
#ifndef HX_JUDGE_H
#define HX_JUDGE_H

#include <stdbool.h>

#include "hx_json.h"
#include "gate/hx_policy.h"
#include "gate/hx_verdict.h"

struct hx_judge_record {
	char *type;
	char *ref;		/* the record's id, or FILE:LINE */
	json_t *json;		/* the parsed record, or NULL */
};

/* A type of record read, and the ref of its first record. */
struct hx_judge_type {
	char *type;
	char *first_ref;
};

struct hx_judge {
	const struct hx_policy *policy;
	struct hx_judge_record *records;
	size_t nrecords, cap;
	struct hx_judge_type *types;	/* each type read, in order */
	size_t ntypes;
	unsigned long total;		/* records read */
	unsigned long bad_lines;	/* malformed lines skipped with -k */
	bool parse_all;			/* a custom rule matches any type */
	const char *baseline_source;	/* "git:COMMIT" or a file, or NULL */
	const json_t *baseline;		/* the baseline's records, or NULL */
	const char *baseline_missing;	/* why the baseline asked for is not */
};

void hx_judge_init(struct hx_judge *judge, const struct hx_policy *policy);

/* Whether a rule of the policy looks inside records of TYPE. */
bool hx_judge_wants(const struct hx_judge *judge, const char *type);

/*
 * Count a record of TYPE read at FILE:LINE, keeping JSON (a new reference
 * is taken) when it is not NULL.
 */
void hx_judge_add(struct hx_judge *judge, const char *type, const char *file,
    unsigned long line, json_t *json);

/* Evaluate the policy into *VERDICT (free with hx_verdict_free). */
void hx_judge_verdict(struct hx_judge *judge, struct hx_verdict *verdict);

void hx_judge_free(struct hx_judge *judge);

#endif
