/*
 * hx_otlp: spans and metrics as OTLP/JSON (the JSON mapping of the
 * OpenTelemetry protocol), one export request a line, as the collector's
 * otlpjsonfile receiver reads them and as an OTLP/HTTP receiver takes
 * them in a POST body.
 *
 * Spans are grouped by resource (service.name and host.name) under the
 * scope "hx-trace"; each line holds one ExportTraceServiceRequest of at
 * most HX_OTLP_BATCH spans of one resource, so that no line outgrows the
 * collector's line limit.  Metric records become one
 * ExportMetricsServiceRequest a service: a gauge or a monotonic
 * cumulative sum a name, with a data point a record.  Ids are hex,
 * 64-bit integers decimal strings and enums integers, as the collector
 * requires.
 */
#ifndef HX_OTLP_H
#define HX_OTLP_H

#include <stddef.h>

#include "hx_err.h"
#include "trace/hx_spanset.h"

#define HX_OTLP_BATCH	512

/* The two kinds of export request. */
enum hx_otlp_signal {
	HX_OTLP_TRACES,
	HX_OTLP_METRICS,
};

/*
 * Where the requests go: called once a request with its JSON text (LEN
 * bytes, no newline).  Returns 0, or -1 with ERR filled, which ends the
 * export.
 */
typedef int hx_otlp_sink(void *ctx, enum hx_otlp_signal signal,
    const char *json, size_t len, struct hx_err_info *err);

/*
 * Give the requests for the spans and then the metrics of SET to SINK;
 * none when SET has none.  Returns 0, or -1 as SINK returned it.
 */
int hx_otlp_export(const struct hx_spanset *set, hx_otlp_sink *sink,
    void *ctx, struct hx_err_info *err);

/*
 * Write the requests as the lines of the file PATH, atomically.  Returns
 * 0, or -1 with ERR filled (status HX_EXIT_SYSTEM).
 */
int hx_otlp_write_file(const struct hx_spanset *set, const char *path,
    struct hx_err_info *err);

#endif
