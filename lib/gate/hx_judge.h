/*
 * hx_judge: apply a policy to the records of a run and write the verdict
 * as a gate record (see hx-records(5) and hx-policy(5)).
 *
 * The caller hands over every record it reads, parsed when
 * hx_judge_wants says a rule looks inside that type, and a baseline when
 * one was asked for; hx_judge_verdict then evaluates every rule.
 */
#ifndef HX_JUDGE_H
#define HX_JUDGE_H

#include <stdbool.h>

#include "hx_json.h"
#include "gate/hx_policy.h"

struct hx_judge_record {
	char *type;
	char *ref;		/* the record's id, or FILE:LINE */
	json_t *json;		/* the parsed record, or NULL */
};

struct hx_judge {
	const struct hx_policy *policy;
	struct hx_judge_record *records;
	size_t nrecords, cap;
	json_t *type_counts;		/* type -> number of records */
	json_t *first_refs;		/* type -> its first record's ref */
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

/* Evaluate the policy: the gate record, a new reference. */
json_t *hx_judge_verdict(struct hx_judge *judge);

void hx_judge_free(struct hx_judge *judge);

#endif
