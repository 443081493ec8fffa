/*
 * hx_judge: apply a policy to the records of a run (see hx-policy(5)).
 *
 * The caller hands over every record it reads, parsed when hx_judge_wants
 * says so, and a baseline when one was asked for; hx_judge_verdict then
 * evaluates every rule into a verdict (hx_verdict), from which the gate
 * record and reports are made.
 */
#ifndef HX_JUDGE_H
#define HX_JUDGE_H

#include <stdbool.h>

#include "hx_json.h"
#include "rec/hx_baseline.h"
#include "gate/hx_policy.h"
#include "gate/hx_verdict.h"
#include "rec/hx_artifact.h"
#include "rec/hx_error.h"
#include "rec/hx_sample.h"
#include "rec/hx_stage.h"
#include "rec/hx_test.h"
#include "rec/hx_wcet.h"

/* The record types the judge reads with their record modules. */
enum hx_judge_kind {
	HX_JUDGE_OTHER,		/* only the JSON */
	HX_JUDGE_TEST,
	HX_JUDGE_SAMPLE,
	HX_JUDGE_WCET,
	HX_JUDGE_ARTIFACT,
	HX_JUDGE_ERROR,
	HX_JUDGE_STAGE,
};

struct hx_judge_record {
	char *type;
	char *ref;		/* the record's id, or FILE:LINE */
	char *at;		/* FILE:LINE */
	json_t *json;		/* the parsed record */
	enum hx_judge_kind kind;
	union {			/* by kind; strings borrowed from json */
		struct hx_test test;
		struct hx_sample sample;
		struct hx_wcet wcet;
		struct hx_artifact artifact;
		struct hx_error error;
		struct hx_stage_record stage;
	} as;
};

/* A type of record read, and the ref of its first record. */
struct hx_judge_type {
	char *type;
	char *first_ref;
	char *first_at;
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
	const struct hx_baseline *baseline;	/* the baseline, or NULL */
	const char *baseline_missing;	/* why the baseline asked for is not */
	bool bootstrap;			/* no baseline yet: none can regress */
};

void hx_judge_init(struct hx_judge *judge, const struct hx_policy *policy);

/*
 * Whether records of TYPE are to be parsed for hx_judge_add: a rule looks
 * inside them, or their record module checks them.
 */
bool hx_judge_wants(const struct hx_judge *judge, const char *type);

/*
 * Count a record of TYPE read at FILE:LINE, keeping JSON (a new reference
 * is taken) when it is not NULL.  A test, sample, wcet, artifact or error
 * record is read and checked by its record module (hx-records(5)); it is
 * kept only when a rule looks inside its type.
 * Returns 0, or -1 with *MESSAGE (to free) when the record is malformed:
 * it is then not counted, and the caller reports it as bad input.
 */
int hx_judge_add(struct hx_judge *judge, const char *type, const char *file,
    unsigned long line, json_t *json, char **message);

/* Evaluate the policy into *VERDICT (free with hx_verdict_free). */
void hx_judge_verdict(struct hx_judge *judge, struct hx_verdict *verdict);

void hx_judge_free(struct hx_judge *judge);

#endif
