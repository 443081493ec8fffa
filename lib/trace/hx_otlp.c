/*
 * hx_otlp.c: OTLP/JSON export requests, written straight into a text
 * buffer (no JSON tree), since converting spans fast is the point.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "hx_atomic.h"
#include "trace/hx_otlp.h"
#include "trace/hx_spanorder.h"
#include "trace/hx_tbuf.h"

/* OpenTelemetry's SpanKind and StatusCode numbers. */
static const int hx_otlp_kinds[] = {
	[HX_SPAN_INTERNAL] = 1, [HX_SPAN_SERVER] = 2, [HX_SPAN_CLIENT] = 3,
};
enum { STATUS_OK = 1, STATUS_ERROR = 2 };
/* AggregationTemporality CUMULATIVE. */
enum { CUMULATIVE = 2 };
/* How many spans ahead of the one written to fetch. */
enum { AHEAD = 16 };

/* Order metric pointers by service, name, kind and unit, then place. */
static int
compare_metrics(const void *pa, const void *pb)
{
	const struct hx_metric *a = *(const struct hx_metric *const *)pa;
	const struct hx_metric *b = *(const struct hx_metric *const *)pb;
	int c;

	if ((c = hx_spanorder_strcmp(a->service, b->service)) != 0 ||
	    (c = strcmp(a->name, b->name)) != 0 ||
	    (c = (int)a->kind - (int)b->kind) != 0 ||
	    (c = hx_spanorder_strcmp(a->unit, b->unit)) != 0)
		return c;
	return (a > b) - (a < b);
}

/* A KeyValue with a string value, after a comma when FIRST is false. */
static void
string_attribute(struct hx_tbuf *b, const char *key, const char *value,
    int first)
{
	if (!first)
		hx_tbuf_putc(b, ',');
	hx_tbuf_puts(b, "{\"key\":");
	hx_tbuf_json_string(b, key);
	hx_tbuf_puts(b, ",\"value\":{\"stringValue\":");
	hx_tbuf_json_string(b, value);
	hx_tbuf_puts(b, "}}");
}

/* A decimal string of N, as OTLP/JSON writes 64-bit integers. */
static void
int_string(struct hx_tbuf *b, int64_t n)
{
	hx_tbuf_putc(b, '"');
	hx_tbuf_int(b, n);
	hx_tbuf_putc(b, '"');
}

/* The resource of SERVICE (may be NULL) and HOST (may be NULL). */
static void
resource(struct hx_tbuf *b, const char *service, const char *host)
{
	int first = 1;

	hx_tbuf_puts(b, "{\"resource\":{\"attributes\":[");
	if (service != NULL) {
		string_attribute(b, "service.name", service, first);
		first = 0;
	}
	if (host != NULL)
		string_attribute(b, "host.name", host, first);
	hx_tbuf_puts(b, "]},");
}

static void
scope(struct hx_tbuf *b)
{
	hx_tbuf_puts(b, "\"scope\":{\"name\":\"hx-trace\",\"version\":\""
	    PACKAGE_VERSION "\"},");
}

/* Copy the literal L to P and move P past it. */
#define PUT(p, l)	((p) = (char *)memcpy((p), (l), sizeof(l) - 1) + \
			    sizeof(l) - 1)

/*
 * The most bytes the Span of S takes: its fixed text with two times,
 * and for each string, at most six bytes a byte, with its own text.
 */
static size_t
span_room(const struct hx_span *s)
{
	size_t i, n = 320 + 6 * strlen(s->name);

	for (i = 0; i < s->nattrs; i++)
		n += 48 + 6 * (strlen(s->attrs[i].name) +
		    strlen(s->attrs[i].value));
	for (i = 0; i < s->ncounters; i++)
		n += 64 + HX_TBUF_INT_MAX + 6 * strlen(s->counters[i].name);
	if (s->message != NULL)
		n += 24 + 6 * strlen(s->message);
	return n;
}

/*
 * One Span: its attributes are the span's attrs as strings and its
 * counters that this machine supports as integers named hx.counter.NAME.
 * Written at once after making room for the most it can take.
 */
static void
span(struct hx_tbuf *b, const struct hx_span *s)
{
	size_t i, room = span_room(s);
	int first = 1;
	char *p;

	if (b->len + room >= b->room)
		hx_tbuf_grow(b, room);
	p = b->data + b->len;
	PUT(p, "{\"traceId\":\"");
	memcpy(p, s->trace_id, HX_SPAN_TRACE_ID_HEX);
	p += HX_SPAN_TRACE_ID_HEX;
	PUT(p, "\",\"spanId\":\"");
	memcpy(p, s->span_id, HX_SPAN_SPAN_ID_HEX);
	p += HX_SPAN_SPAN_ID_HEX;
	if (s->parent_id != NULL) {
		PUT(p, "\",\"parentSpanId\":\"");
		memcpy(p, s->parent_id, HX_SPAN_SPAN_ID_HEX);
		p += HX_SPAN_SPAN_ID_HEX;
	}
	PUT(p, "\",\"name\":\"");
	p = hx_tbuf_json_at(p, s->name);
	PUT(p, "\",\"kind\":");
	*p++ = (char)('0' + hx_otlp_kinds[s->kind]);
	PUT(p, ",\"startTimeUnixNano\":\"");
	p = hx_tbuf_int_at(p, s->start_ns);
	PUT(p, "\",\"endTimeUnixNano\":\"");
	p = hx_tbuf_int_at(p, s->end_ns);
	PUT(p, "\",\"attributes\":[");
	for (i = 0; i < s->nattrs; i++) {
		if (!first)
			*p++ = ',';
		first = 0;
		PUT(p, "{\"key\":\"");
		p = hx_tbuf_json_at(p, s->attrs[i].name);
		PUT(p, "\",\"value\":{\"stringValue\":\"");
		p = hx_tbuf_json_at(p, s->attrs[i].value);
		PUT(p, "\"}}");
	}
	for (i = 0; i < s->ncounters; i++) {
		if (!s->counters[i].supported)
			continue;
		if (!first)
			*p++ = ',';
		first = 0;
		PUT(p, "{\"key\":\"hx.counter.");
		p = hx_tbuf_json_at(p, s->counters[i].name);
		PUT(p, "\",\"value\":{\"intValue\":\"");
		p = hx_tbuf_int_at(p, s->counters[i].value);
		PUT(p, "\"}}");
	}
	PUT(p, "],\"status\":{");
	if (s->error && s->message != NULL) {
		PUT(p, "\"message\":\"");
		p = hx_tbuf_json_at(p, s->message);
		PUT(p, "\",");
	}
	PUT(p, "\"code\":");
	*p++ = (char)('0' + (s->error ? STATUS_ERROR : STATUS_OK));
	PUT(p, "}}");
	b->len = (size_t)(p - b->data);
}

/* Give the text of B to SINK and empty B. */
static int
flush(struct hx_tbuf *b, enum hx_otlp_signal signal, hx_otlp_sink *sink,
    void *ctx, struct hx_err_info *err)
{
	int rc = sink(ctx, signal, hx_tbuf_text(b), b->len, err);

	b->len = 0;
	return rc;
}

/*
 * Ask for the span some places after I of BY[0 .. N - 1], and its
 * strings, to be brought into the cache: the spans are read in the order
 * of their processes, not of memory, and waiting for each in turn took
 * much of the time.
 */
static inline void
ahead(const struct hx_span **by, size_t i, size_t n)
{
	if (i + AHEAD < n) {
		__builtin_prefetch(by[i + AHEAD]);
		__builtin_prefetch((const char *)(by[i + AHEAD] + 1) - 1);
	}
}

/*
 * The trace requests: for each process (resource) of BY, starting at
 * STARTS[k], its spans at most HX_OTLP_BATCH a request.
 */
static int
export_spans(const struct hx_span **by, const size_t *starts, size_t n,
    struct hx_tbuf *b, hx_otlp_sink *sink, void *ctx,
    struct hx_err_info *err)
{
	size_t k, i, end;

	for (k = 0; k < n; k++) {
		for (i = starts[k]; i < starts[k + 1]; i = end) {
			end = i + HX_OTLP_BATCH < starts[k + 1] ?
			    i + HX_OTLP_BATCH : starts[k + 1];
			hx_tbuf_puts(b, "{\"resourceSpans\":[");
			resource(b, by[i]->service, by[i]->host);
			hx_tbuf_puts(b, "\"scopeSpans\":[{");
			scope(b);
			hx_tbuf_puts(b, "\"spans\":[");
			for (; i < end; i++) {
				ahead(by, i, starts[n]);
				span(b, by[i]);
				if (i + 1 < end)
					hx_tbuf_putc(b, ',');
			}
			hx_tbuf_puts(b, "]}]}]}");
			if (flush(b, HX_OTLP_TRACES, sink, ctx, err) < 0)
				return -1;
		}
	}
	return 0;
}

/* One NumberDataPoint of M. */
static void
data_point(struct hx_tbuf *b, const struct hx_metric *m)
{
	size_t i;

	hx_tbuf_puts(b, "{\"attributes\":[");
	for (i = 0; i < m->nlabels; i++)
		string_attribute(b, m->labels[i].name, m->labels[i].value,
		    i == 0);
	hx_tbuf_puts(b, "],\"timeUnixNano\":");
	int_string(b, m->time_ns);
	hx_tbuf_puts(b, ",\"asDouble\":");
	hx_tbuf_number(b, m->value);
	hx_tbuf_putc(b, '}');
}

/* Whether A and B go into one Metric: the same service, name, kind, unit. */
static int
same_metric(const struct hx_metric *a, const struct hx_metric *b)
{
	return hx_spanorder_strcmp(a->service, b->service) == 0 &&
	    strcmp(a->name, b->name) == 0 && a->kind == b->kind &&
	    hx_spanorder_strcmp(a->unit, b->unit) == 0;
}

/* The Metric of the run of readings BY[0 .. N - 1] of one metric. */
static void
metric(struct hx_tbuf *b, const struct hx_metric **by, size_t n)
{
	size_t i;

	hx_tbuf_puts(b, "{\"name\":");
	hx_tbuf_json_string(b, by[0]->name);
	if (by[0]->unit != NULL) {
		hx_tbuf_puts(b, ",\"unit\":");
		hx_tbuf_json_string(b, by[0]->unit);
	}
	if (by[0]->kind == HX_METRIC_COUNTER) {
		hx_tbuf_puts(b, ",\"sum\":{\"aggregationTemporality\":");
		hx_tbuf_int(b, CUMULATIVE);
		hx_tbuf_puts(b, ",\"isMonotonic\":true,");
	} else {
		hx_tbuf_puts(b, ",\"gauge\":{");
	}
	hx_tbuf_puts(b, "\"dataPoints\":[");
	for (i = 0; i < n; i++) {
		if (i > 0)
			hx_tbuf_putc(b, ',');
		data_point(b, by[i]);
	}
	hx_tbuf_puts(b, "]}}");
}

/* The metric requests, one a service, from BY (sorted). */
static int
export_metrics(const struct hx_metric **by, size_t n, struct hx_tbuf *b,
    hx_otlp_sink *sink, void *ctx, struct hx_err_info *err)
{
	size_t i = 0, k;
	int first;

	while (i < n) {
		hx_tbuf_puts(b, "{\"resourceMetrics\":[");
		resource(b, by[i]->service, NULL);
		hx_tbuf_puts(b, "\"scopeMetrics\":[{");
		scope(b);
		hx_tbuf_puts(b, "\"metrics\":[");
		first = 1;
		do {
			for (k = 1; i + k < n && same_metric(by[i], by[i + k]);
			    k++)
				continue;
			if (!first)
				hx_tbuf_putc(b, ',');
			first = 0;
			metric(b, by + i, k);
			i += k;
		} while (i < n && hx_spanorder_strcmp(by[i - 1]->service,
		    by[i]->service) == 0);
		hx_tbuf_puts(b, "]}]}]}");
		if (flush(b, HX_OTLP_METRICS, sink, ctx, err) < 0)
			return -1;
	}
	return 0;
}

int
hx_otlp_export(const struct hx_spanset *set, hx_otlp_sink *sink,
    void *ctx, struct hx_err_info *err)
{
	const struct hx_span **spans;
	const struct hx_metric **metrics;
	struct hx_tbuf b;
	size_t *starts, nprocesses, i;
	int rc;

	spans = hx_spanorder_by_process(set, &starts, &nprocesses);
	metrics = hx_xcalloc(set->nmetrics + 1, sizeof(*metrics));
	for (i = 0; i < set->nmetrics; i++)
		metrics[i] = &set->metrics[i];
	qsort(metrics, set->nmetrics, sizeof(*metrics), compare_metrics);
	hx_tbuf_init(&b);
	rc = export_spans(spans, starts, nprocesses, &b, sink, ctx, err);
	if (rc == 0)
		rc = export_metrics(metrics, set->nmetrics, &b, sink, ctx,
		    err);
	hx_tbuf_clear(&b);
	free(spans);
	free(starts);
	free(metrics);
	return rc;
}

/* The sink of hx_otlp_write_file: a line of the file. */
static int
file_line(void *ctx, enum hx_otlp_signal signal, const char *json,
    size_t len, struct hx_err_info *err)
{
	struct hx_atomic *a = ctx;

	(void)signal;
	(void)err;
	fwrite(json, 1, len, a->fp);
	putc('\n', a->fp);
	return 0;
}

int
hx_otlp_write_file(const struct hx_spanset *set, const char *path,
    struct hx_err_info *err)
{
	struct hx_atomic a;

	if (hx_atomic_open(&a, path, 0666) < 0)
		return hx_err_set_errno(err, HX_EXIT_SYSTEM, "%s", path);
	hx_otlp_export(set, file_line, &a, err);
	if (ferror(a.fp)) {
		hx_atomic_abort(&a);
		return hx_err_set(err, HX_EXIT_SYSTEM, "%s: write error",
		    path);
	}
	if (hx_atomic_commit(&a) < 0)
		return hx_err_set_errno(err, HX_EXIT_SYSTEM, "%s", path);
	return 0;
}
