/*
 * hx_sample: the sample record, one measurement (hx-records(5)).
 * hx-emu writes one per passed run of a program; hx-wcet reads them.
 */
#ifndef HX_SAMPLE_H
#define HX_SAMPLE_H

#include <stdint.h>

#include "rec/hx_field.h"

/* What a value counts. */
enum hx_sample_unit {
	HX_SAMPLE_INSNS,	/* guest instructions */
	HX_SAMPLE_NS,		/* nanoseconds */
	HX_SAMPLE_CYCLES,
	HX_SAMPLE_BYTES,
};

const char *hx_sample_unit_name(enum hx_sample_unit unit);

/* The unit called NAME: 0, or -1 when there is none. */
int hx_sample_unit_parse(const char *name, enum hx_sample_unit *out);

/*
 * A sample.  Strings are borrowed: from the JSON value hx_sample_read
 * read, or from the caller that fills the struct to write it.
 */
struct hx_sample {
	const char *name;		/* what was measured */
	enum hx_sample_unit unit;
	double value;			/* finite, >= 0 */
	int64_t index;			/* from 1; 0: none */
	const char *test;		/* the test record's name, or NULL */
	int64_t time_ns;		/* when taken; -1: unknown */
	struct hx_field_pair *labels;	/* NULL: none */
	size_t nlabels;
};

/* Set S to an empty sample: no index, time or labels. */
void hx_sample_init(struct hx_sample *s);

/*
 * Read and check the sample record JSON into *OUT.  Returns 0, or -1
 * with *MESSAGE (to free) naming the field, as "sample value is
 * negative".
 */
int hx_sample_read(const json_t *json, struct hx_sample *out,
    char **message);

/*
 * The record of S, a new reference.  An integral value is written as an
 * integer.
 */
json_t *hx_sample_to_json(const struct hx_sample *s);

/* Free what hx_sample_read allocated and empty S. */
void hx_sample_clear(struct hx_sample *s);

#endif
