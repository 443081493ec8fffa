/*
 * hx_span: the span record, one timed operation (hx-records(5)), and the
 * W3C trace context that carries a span's identity from one process to
 * the next (TRACEPARENT).  hx-trace, hx-offload and hx-sched write spans;
 * hx-trace reads them.
 */
#ifndef HX_SPAN_H
#define HX_SPAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rec/hx_field.h"

/* Lengths in hex digits of the W3C ids, and of a traceparent header. */
#define HX_SPAN_TRACE_ID_HEX	32
#define HX_SPAN_SPAN_ID_HEX	16
#define HX_SPAN_TRACEPARENT_LEN	55

/* The span's role, as OpenTelemetry names them. */
enum hx_span_kind {
	HX_SPAN_INTERNAL,
	HX_SPAN_SERVER,
	HX_SPAN_CLIENT,
};

const char *hx_span_kind_name(enum hx_span_kind kind);

/* One counter read over the span; SUPPORTED false writes null. */
struct hx_span_counter {
	const char *name;
	int64_t value;
	bool supported;
};

/*
 * A span.  Strings are borrowed: from the JSON value hx_span_read read,
 * or from the caller that fills the struct to write it.
 */
struct hx_span {
	const char *trace_id;		/* 32 lowercase hex */
	const char *span_id;		/* 16 lowercase hex */
	const char *parent_id;		/* 16 lowercase hex; NULL: a root */
	const char *name;
	const char *service;
	const char *host;		/* NULL: not known */
	enum hx_span_kind kind;
	int64_t start_ns, end_ns;	/* CLOCK_REALTIME; end >= start */
	bool error;			/* status "error", else "ok" */
	const char *message;		/* NULL: none */
	struct hx_field_pair *attrs;	/* NULL: none */
	size_t nattrs;
	struct hx_span_counter *counters; /* NULL: none */
	size_t ncounters;
};

/* Set S to an empty internal span with status ok. */
void hx_span_init(struct hx_span *s);

/*
 * Read and check the span record JSON into *OUT.  Returns 0, or -1 with
 * *MESSAGE (to free) naming the field, as "span span_id is not 16
 * lowercase hex digits".
 */
int hx_span_read(const json_t *json, struct hx_span *out, char **message);

/* The record of S, a new reference. */
json_t *hx_span_to_json(const struct hx_span *s);

/* Free what hx_span_read allocated and empty S. */
void hx_span_clear(struct hx_span *s);

/* Whether S is N lowercase hex digits, not all of them zero. */
bool hx_span_id_valid(const char *s, size_t n);

/*
 * Parse the W3C traceparent header S into TRACE_ID and PARENT_ID.
 * Returns 0, or -1 when S is malformed: version 00 is exactly
 * "00-<32 hex>-<16 hex>-<2 hex>", lowercase, neither id all zeros; a
 * later version (not ff) is read by the same rule on its first 55
 * characters, which must then end or go on with '-'.
 */
int hx_span_traceparent_parse(const char *s, char trace_id[33],
    char parent_id[17]);

/* Write "00-TRACE_ID-SPAN_ID-01" (sampled) to OUT. */
void hx_span_traceparent_format(char out[56], const char *trace_id,
    const char *span_id);

/*
 * Write a new random id of NHEX (16 or 32) lowercase hex digits and a
 * NUL to OUT, from getrandom(2), never all zeros.  Returns 0, or a
 * negative errno.
 */
int hx_span_new_id(char *out, size_t nhex);

#endif
