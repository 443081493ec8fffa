/*
 * hx_metric: the metric record, one reading of a counter or a gauge
 * (hx-records(5)), as hx-trace gpu writes them and the exporters of
 * hx-trace read them.
 */
#ifndef HX_METRIC_H
#define HX_METRIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rec/hx_field.h"

/* How a value behaves over time. */
enum hx_metric_kind {
	HX_METRIC_GAUGE,	/* goes up and down */
	HX_METRIC_COUNTER,	/* a total that only grows */
};

const char *hx_metric_kind_name(enum hx_metric_kind kind);

/*
 * A metric reading.  Strings are borrowed: from the JSON value
 * hx_metric_read read, or from the caller that fills the struct.
 */
struct hx_metric {
	const char *name;		/* a Prometheus metric name */
	enum hx_metric_kind kind;
	double value;			/* finite */
	const char *unit;		/* NULL: none */
	int64_t time_ns;		/* when read, CLOCK_REALTIME */
	const char *service;		/* NULL: none */
	struct hx_field_pair *labels;	/* NULL: none */
	size_t nlabels;
};

/* Set M to an empty gauge. */
void hx_metric_init(struct hx_metric *m);

/*
 * Whether NAME is a Prometheus metric name: [a-zA-Z_:][a-zA-Z0-9_:]*.
 */
bool hx_metric_name_valid(const char *name);

/*
 * Read and check the metric record JSON into *OUT.  Returns 0, or -1
 * with *MESSAGE (to free) naming the field.
 */
int hx_metric_read(const json_t *json, struct hx_metric *out,
    char **message);

/* The record of M, a new reference; an integral value as an integer. */
json_t *hx_metric_to_json(const struct hx_metric *m);

/* Free what hx_metric_read allocated and empty M. */
void hx_metric_clear(struct hx_metric *m);

#endif
