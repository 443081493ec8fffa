/*
 * unit-span: the span and metric records from struct to JSON and back,
 * every check their readers make, the W3C traceparent rules, new ids,
 * and the deep copies of hx_spanset.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rec/hx_metric.h"
#include "rec/hx_span.h"
#include "trace/hx_spanset.h"
#include "json.h"
#include "../tap.h"

#define TRACE	"4bf92f3577b34da6a3ce929d0e0e4736"
#define SPAN	"00f067aa0ba902b7"
#define PARENT	"b7ad6b7169203331"

/* A full span, every field set. */
static void
full_span(struct hx_span *s, struct hx_field_pair *attrs,
    struct hx_span_counter *counters)
{
	hx_span_init(s);
	s->trace_id = TRACE;
	s->span_id = SPAN;
	s->parent_id = PARENT;
	s->name = "matmul";
	s->service = "hx-offload";
	s->host = "gpu1";
	s->kind = HX_SPAN_SERVER;
	s->start_ns = 1700000000000000000;
	s->end_ns = 1700000000000001000;
	s->error = true;
	s->message = "cuda error 35";
	s->attrs = attrs;
	s->nattrs = 2;
	s->counters = counters;
	s->ncounters = 2;
}

static void
test_span_round_trip(void)
{
	struct hx_field_pair attrs[] = { { "exit", "1" }, { "op", "gemm" } };
	struct hx_span_counter counters[] = { { "cycles", 0, false },
	    { "task_clock_ns", 1234, true } };
	static const char want[] = "{\"attrs\":{\"exit\":\"1\","
	    "\"op\":\"gemm\"},"
	    "\"counters\":{\"cycles\":null,\"task_clock_ns\":1234},"
	    "\"end_ns\":1700000000000001000,\"host\":\"gpu1\","
	    "\"kind\":\"server\",\"message\":\"cuda error 35\","
	    "\"name\":\"matmul\",\"parent_id\":\"" PARENT "\","
	    "\"service\":\"hx-offload\",\"span_id\":\"" SPAN "\","
	    "\"start_ns\":1700000000000000000,\"status\":\"error\","
	    "\"trace_id\":\"" TRACE "\",\"type\":\"span\"}";
	struct hx_span s, back;
	char *text, *message = NULL;
	json_t *j;

	full_span(&s, attrs, counters);
	j = hx_span_to_json(&s);
	text = hx_json_to_string(j);
	tap_is(text, want, "span: every field written, null for unsupported");
	free(text);
	tap_ok(hx_span_read(j, &back, &message) == 0, "span: read back");
	text = text_of(hx_span_to_json(&back));
	tap_is(text, want, "span: struct, JSON, struct, JSON");
	free(text);
	tap_ok(back.ncounters == 2 && !back.counters[0].supported &&
	    back.counters[1].supported && back.counters[1].value == 1234 &&
	    back.error && back.kind == HX_SPAN_SERVER,
	    "span: counters, status and kind read");
	hx_span_clear(&back);
	json_decref(j);
	tap_is(hx_span_kind_name(HX_SPAN_CLIENT), "client",
	    "span: kind names");

	j = parse("{\"type\":\"span\",\"trace_id\":\"" TRACE "\","
	    "\"span_id\":\"" SPAN "\",\"name\":\"run\",\"service\":\"s\","
	    "\"kind\":\"internal\",\"start_ns\":5,\"end_ns\":5,"
	    "\"status\":\"ok\",\"extra\":[1]}");
	tap_ok(hx_span_read(j, &back, &message) == 0 &&
	    back.parent_id == NULL && back.host == NULL &&
	    back.attrs == NULL && back.counters == NULL && !back.error,
	    "span: a root with only the required fields, unknown ignored");
	text = text_of(hx_span_to_json(&back));
	tap_ok(strstr(text, "parent_id") == NULL && strstr(text, "extra") ==
	    NULL, "span: a root is written without parent_id");
	free(text);
	hx_span_clear(&back);
	json_decref(j);
}

/* Read a record and free what was read: one function per type. */
typedef int (*read_fn)(const json_t *json, char **message);

static int
read_span(const json_t *json, char **message)
{
	struct hx_span s;
	int rc = hx_span_read(json, &s, message);

	hx_span_clear(&s);
	return rc;
}

static int
read_metric(const json_t *json, char **message)
{
	struct hx_metric m;
	int rc = hx_metric_read(json, &m, message);

	hx_metric_clear(&m);
	return rc;
}

/*
 * The good record BASE with KEY set to VALUE (NULL: removed) is refused
 * by READ with the message WANT.
 */
static void
refused(read_fn read, const char *base, const char *key, const char *value,
    const char *want)
{
	json_t *j = parse(base);
	char *message = NULL;

	if (value != NULL)
		json_object_set_new(j, key, parse(value));
	else
		json_object_del(j, key);
	tap_ok(read(j, &message) < 0 && message != NULL &&
	    strcmp(message, want) == 0, "%s %s: %s", key,
	    value != NULL ? value : "missing", want);
	if (message != NULL && strcmp(message, want) != 0)
		printf("# got: %s\n", message);
	free(message);
	json_decref(j);
}

static void
bad_span(const char *key, const char *value, const char *want)
{
	refused(read_span, "{\"type\":\"span\",\"trace_id\":\"" TRACE "\","
	    "\"span_id\":\"" SPAN "\",\"parent_id\":\"" PARENT "\","
	    "\"name\":\"run\",\"service\":\"s\",\"kind\":\"client\","
	    "\"start_ns\":10,\"end_ns\":20,\"status\":\"ok\"}", key, value,
	    want);
}

static void
test_span_checks(void)
{
	bad_span("trace_id", NULL, "span trace_id is missing");
	bad_span("trace_id", "\"4BF92F3577B34DA6A3CE929D0E0E4736\"",
	    "span trace_id is not 32 lowercase hex digits, not all zero: "
	    "4BF92F3577B34DA6A3CE929D0E0E4736");
	bad_span("trace_id", "\"00000000000000000000000000000000\"",
	    "span trace_id is not 32 lowercase hex digits, not all zero: "
	    "00000000000000000000000000000000");
	bad_span("trace_id", "\"" SPAN "\"",
	    "span trace_id is not 32 lowercase hex digits, not all zero: "
	    SPAN);
	bad_span("span_id", "\"00f067aa0ba902b\"",
	    "span span_id is not 16 lowercase hex digits, not all zero: "
	    "00f067aa0ba902b");
	bad_span("span_id", "\"00f067aa0ba902bg\"",
	    "span span_id is not 16 lowercase hex digits, not all zero: "
	    "00f067aa0ba902bg");
	bad_span("span_id", "7", "span span_id is not a string");
	bad_span("parent_id", "\"0000000000000000\"",
	    "span parent_id is not 16 lowercase hex digits, not all zero: "
	    "0000000000000000");
	bad_span("parent_id", "\"" SPAN "\"",
	    "span parent_id is the span's own id");
	bad_span("name", NULL, "span name is missing");
	bad_span("service", "null", "span service is not a string");
	bad_span("host", "1", "span host is not a string");
	bad_span("kind", "\"producer\"", "span kind is not internal, server "
	    "or client: producer");
	bad_span("kind", NULL, "span kind is missing");
	bad_span("start_ns", "1.5", "span start_ns is not an integer");
	bad_span("start_ns", "-1", "span start_ns is negative");
	bad_span("end_ns", "9", "span end_ns is before start_ns");
	bad_span("status", "\"unset\"", "span status is not ok or error: "
	    "unset");
	bad_span("message", "false", "span message is not a string");
	bad_span("attrs", "{\"n\":1}", "span attrs.n is not a string");
	bad_span("attrs", "[]", "span attrs is not an object");
	bad_span("counters", "{\"cycles\":1.5}", "span counters.cycles is "
	    "not an integer from 0 up or null");
	bad_span("counters", "{\"cycles\":-1}", "span counters.cycles is "
	    "not an integer from 0 up or null");
	bad_span("counters", "{\"cycles\":\"1\"}", "span counters.cycles "
	    "is not an integer from 0 up or null");
	bad_span("counters", "[1]", "span counters is not an object");
}

static void
test_traceparent(void)
{
	static const struct {
		const char *header;
		int ok;
	} cases[] = {
		{ "00-" TRACE "-" SPAN "-01", 1 },
		{ "00-" TRACE "-" SPAN "-00", 1 },
		{ "00-" TRACE "-" SPAN "-01-", 0 },
		{ "00-" TRACE "-" SPAN "-1", 0 },
		{ "00-" TRACE "-" SPAN "-0g", 0 },
		{ "01-" TRACE "-" SPAN "-01-what-the-future-holds", 1 },
		{ "01-" TRACE "-" SPAN "-01", 1 },
		{ "01-" TRACE "-" SPAN "-01x", 0 },
		{ "ff-" TRACE "-" SPAN "-01", 0 },
		{ "0A-" TRACE "-" SPAN "-01", 0 },
		{ "00-4BF92F3577B34DA6A3CE929D0E0E4736-" SPAN "-01", 0 },
		{ "00-" TRACE "-00F067AA0BA902B7-01", 0 },
		{ "00-00000000000000000000000000000000-" SPAN "-01", 0 },
		{ "00-" TRACE "-0000000000000000-01", 0 },
		{ "00_" TRACE "-" SPAN "-01", 0 },
		{ "00-" TRACE "_" SPAN "-01", 0 },
		{ "", 0 },
		{ "00", 0 },
	};
	char trace[33], parent[17], out[56];
	size_t i;
	int rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(trace, 'x', sizeof(trace));
		memset(parent, 'x', sizeof(parent));
		rc = hx_span_traceparent_parse(cases[i].header, trace, parent);
		tap_ok(cases[i].ok ? rc == 0 && strcmp(trace, TRACE) == 0 &&
		    strcmp(parent, SPAN) == 0 : rc == -1,
		    "traceparent %s: %s", cases[i].header[0] != '\0' ?
		    cases[i].header : "(empty)", cases[i].ok ? "read" :
		    "malformed");
	}
	hx_span_traceparent_format(out, TRACE, SPAN);
	tap_is(out, "00-" TRACE "-" SPAN "-01", "traceparent written");
}

static void
test_new_id(void)
{
	char a[33], b[33], s[17];

	tap_ok(hx_span_new_id(a, 32) == 0 && hx_span_new_id(b, 32) == 0 &&
	    hx_span_id_valid(a, 32) && hx_span_id_valid(b, 32) &&
	    strcmp(a, b) != 0, "new trace ids: 32 hex, not zero, distinct");
	tap_ok(hx_span_new_id(s, 16) == 0 && hx_span_id_valid(s, 16),
	    "new span id: 16 hex, not zero");
	tap_ok(hx_span_new_id(s, 8) < 0, "new id: only 16 or 32 digits");
	tap_ok(!hx_span_id_valid("00f067aa0ba902b7f", 16) &&
	    !hx_span_id_valid("00f067aa0ba902b", 16),
	    "id: too long and too short rejected");
}

static void
test_metric(void)
{
	struct hx_field_pair labels[] = { { "gpu", "0" } };
	struct hx_metric m, back;
	char *text, *message = NULL;
	json_t *j;

	hx_metric_init(&m);
	m.name = "gpu_utilization_ratio";
	m.kind = HX_METRIC_GAUGE;
	m.value = 0.5;
	m.unit = "ratio";
	m.time_ns = 1700000000000000000;
	m.service = "hx-trace";
	m.labels = labels;
	m.nlabels = 1;
	j = hx_metric_to_json(&m);
	text = hx_json_to_string(j);
	tap_is(text, "{\"kind\":\"gauge\",\"labels\":{\"gpu\":\"0\"},"
	    "\"name\":\"gpu_utilization_ratio\",\"service\":\"hx-trace\","
	    "\"time_ns\":1700000000000000000,\"type\":\"metric\","
	    "\"unit\":\"ratio\",\"value\":0.5}", "metric: every field");
	free(text);
	tap_ok(hx_metric_read(j, &back, &message) == 0 &&
	    strcmp(back.name, m.name) == 0 && back.kind == HX_METRIC_GAUGE &&
	    back.value == 0.5 && strcmp(back.unit, "ratio") == 0 &&
	    back.time_ns == m.time_ns && strcmp(back.service, "hx-trace") ==
	    0 && back.nlabels == 1 && strcmp(back.labels[0].value, "0") == 0,
	    "metric: struct, JSON, struct");
	hx_metric_clear(&back);
	json_decref(j);
	m.kind = HX_METRIC_COUNTER;
	m.value = 3;
	m.unit = m.service = NULL;
	m.labels = NULL;
	text = text_of(hx_metric_to_json(&m));
	tap_is(text, "{\"kind\":\"counter\",\"name\":\"gpu_utilization_ratio\","
	    "\"time_ns\":1700000000000000000,\"type\":\"metric\",\"value\":3}",
	    "metric: an integral counter, optional fields out");
	free(text);
	tap_is(hx_metric_kind_name(HX_METRIC_COUNTER), "counter",
	    "metric: kind names");
	tap_ok(hx_metric_name_valid("a:b_c9") && !hx_metric_name_valid("9a") &&
	    !hx_metric_name_valid("a-b") && !hx_metric_name_valid(""),
	    "metric: Prometheus names");
}

static void
bad_metric(const char *key, const char *value, const char *want)
{
	refused(read_metric, "{\"type\":\"metric\",\"name\":\"m\","
	    "\"kind\":\"counter\",\"value\":1,\"time_ns\":5}", key, value,
	    want);
}

static void
test_metric_checks(void)
{
	bad_metric("name", NULL, "metric name is missing");
	bad_metric("name", "\"gpu-util\"", "metric name is not a Prometheus "
	    "metric name: gpu-util");
	bad_metric("kind", "\"histogram\"", "metric kind is not gauge or "
	    "counter: histogram");
	bad_metric("value", NULL, "metric value is missing");
	bad_metric("value", "null", "metric value is not a number");
	bad_metric("value", "-1", "metric value is negative for a counter");
	bad_metric("time_ns", NULL, "metric time_ns is missing");
	bad_metric("time_ns", "2.5", "metric time_ns is not an integer");
	bad_metric("unit", "1", "metric unit is not a string");
	bad_metric("service", "[]", "metric service is not a string");
	bad_metric("labels", "{\"gpu\":0}", "metric labels.gpu is not a "
	    "string");
}

static void
test_spanset(void)
{
	struct hx_field_pair attrs[] = { { "exit", "1" }, { "op", "gemm" } };
	struct hx_span_counter counters[] = { { "cycles", 0, false },
	    { "task_clock_ns", 1234, true } };
	struct hx_field_pair labels[] = { { "gpu", "0" } };
	struct hx_spanset set;
	struct hx_span s;
	struct hx_metric m;
	char *before, *after, name[] = "matmul";
	size_t i;

	hx_spanset_init(&set);
	full_span(&s, attrs, counters);
	s.name = name;
	before = text_of(hx_span_to_json(&s));
	for (i = 0; i < 100; i++)
		hx_spanset_add_span(&set, &s);
	memcpy(name, "xxxxxx", 6);
	attrs[0].value = "changed";
	counters[1].name = "changed";
	hx_metric_init(&m);
	m.name = "n";
	m.labels = labels;
	m.nlabels = 1;
	hx_spanset_add_metric(&set, &m);
	labels[0].value = "changed";
	after = text_of(hx_span_to_json(&set.spans[99]));
	tap_is(after, before, "spanset: a span copy is deep and survives "
	    "growth");
	free(after);
	tap_ok(set.nspans == 100 && set.nmetrics == 1 &&
	    strcmp(set.metrics[0].labels[0].value, "0") == 0 &&
	    set.spans[0].parent_id != s.parent_id,
	    "spanset: counts and a deep metric copy");
	hx_spanset_clear(&set);
	tap_ok(set.nspans == 0 && set.nmetrics == 0 && set.spans == NULL,
	    "spanset: cleared");
	free(before);
}

/* Span I of test_spanset_processes, of one of many processes. */
static void
process_span(struct hx_span *s, struct hx_field_pair *attrs,
    struct hx_span_counter *counters, char *host, size_t size, size_t i)
{
	full_span(s, attrs, counters);
	snprintf(host, size, "h%zu", i % 37);
	s->host = i % 5 == 0 ? NULL : host;
	s->service = i % 2 == 0 ? "a" : "b";
	s->start_ns = (int64_t)i;
}

/*
 * Spans of many processes, interleaved, many more than the first table
 * of processes and the first chunks of their arenas hold: each copy
 * still reads back as its original.
 */
static void
test_spanset_processes(void)
{
	struct hx_field_pair attrs[] = { { "exit", "1" }, { "op", NULL } };
	struct hx_span_counter counters[] = { { "cycles", 0, false },
	    { "task_clock_ns", 1234, true } };
	struct hx_spanset set;
	struct hx_span s;
	char host[16], op[2000], *text, *want;
	size_t i, bad = 0;

	memset(op, 'x', sizeof(op) - 1);
	op[sizeof(op) - 1] = '\0';
	attrs[1].value = op;
	hx_spanset_init(&set);
	for (i = 0; i < 4000; i++) {
		process_span(&s, attrs, counters, host, sizeof(host), i);
		hx_spanset_add_span(&set, &s);
	}
	for (i = 0; i < set.nspans; i++) {
		process_span(&s, attrs, counters, host, sizeof(host), i);
		want = text_of(hx_span_to_json(&s));
		text = text_of(hx_span_to_json(&set.spans[i]));
		bad += strcmp(text, want) != 0;
		free(text);
		free(want);
	}
	tap_ok(set.nspans == 4000 && bad == 0,
	    "spanset: copies of many processes' spans read back");
	hx_spanset_clear(&set);
}

int
main(void)
{
	test_span_round_trip();
	test_span_checks();
	test_traceparent();
	test_new_id();
	test_metric();
	test_metric_checks();
	test_spanset();
	test_spanset_processes();
	return tap_done();
}
