/*
 * hx_stage: the stage record, the latency of one stage of the traces of a
 * run (hx-records(5)): its count, order statistics and values, for one
 * set of labels (the load profile).  hx-trace --stages writes them, the
 * baseline keeps them, hx-gate's stage-drift rule compares them.
 */
#ifndef HX_STAGE_H
#define HX_STAGE_H

#include <stddef.h>
#include <stdint.h>

#include "rec/hx_field.h"
#include "rec/hx_sample.h"

/*
 * The most values a stage record keeps: past that, this many order
 * statistics spread evenly from the least to the greatest value.
 */
#define HX_STAGE_VALUES_MAX 4096

/*
 * A stage record.  Strings are borrowed as in hx_sample; values are the
 * record's own (sorted, at most HX_STAGE_VALUES_MAX of them).
 */
struct hx_stage_record {
	const char *stage;		/* "gpu", "rpc", a service */
	enum hx_sample_unit unit;
	int64_t n;			/* values measured, >= 1 */
	double min, p50, p90, p99, max, mean;
	double *values;
	size_t nvalues;
	struct hx_field_pair *labels;	/* NULL: none */
	size_t nlabels;
};

/* Set S to an empty record in ns. */
void hx_stage_init(struct hx_stage_record *s);

/*
 * Read and check the stage record JSON into *OUT.  Returns 0, or -1 with
 * *MESSAGE (to free) naming the field at fault.
 */
int hx_stage_read(const json_t *json, struct hx_stage_record *out,
    char **message);

/* The record of S, a new reference. */
json_t *hx_stage_to_json(const struct hx_stage_record *s);

/* The value of label NAME of S, or NULL. */
const char *hx_stage_label(const struct hx_stage_record *s, const char *name);

/* Free what S owns and empty it. */
void hx_stage_clear(struct hx_stage_record *s);

#endif
