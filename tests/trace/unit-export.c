/*
 * unit-export: the exporters of hx-trace on a fixed set of spans,
 * metrics and tests: the text buffer, OTLP/JSON requests and their
 * batches, the OTLP/HTTP endpoint URL, the Chrome lanes and flows, the
 * Prometheus families and what they refuse.  It writes export.otlp,
 * export.json and export.prom in the current directory, for
 * tests/trace/t0750-export.sh to check with the ecosystem's oracles.
 *
 * "unit-export otlp-bench SPANS OUT" is bench/trace's driver instead: it
 * reads the span records of SPANS into a set, then converts them to
 * OTLP/JSON with hx_otlp_export into OUT (written as the SDK's peer
 * writes, without fsync) and prints "spans N seconds S write W": S the
 * conversion to text in memory, the part the SDK's JsonTraceSerializer
 * does, and W the writing of the text, both CPU time, which the other
 * work of a busy machine disturbs least.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hx_in.h"
#include "hx_json.h"

#include "trace/hx_chrome.h"
#include "trace/hx_otlp.h"
#include "trace/hx_otlp_http.h"
#include "trace/hx_prom.h"
#include "trace/hx_tbuf.h"
#include "../tap.h"

#define TRACE	"4bf92f3577b34da6a3ce929d0e0e4736"
#define T0	1700000000000000000

/* A span of the fixture trace. */
static void
add_span(struct hx_spanset *set, const char *id, const char *parent,
    const char *name, const char *service, enum hx_span_kind kind,
    int64_t start_us, int64_t end_us)
{
	struct hx_field_pair attrs[] = { { "op", "gemm \"fp16\"\n" } };
	struct hx_span_counter counters[] = { { "cycles", 0, false },
	    { "task_clock_ns", 1234, true } };
	struct hx_span s;

	hx_span_init(&s);
	s.trace_id = TRACE;
	s.span_id = id;
	s.parent_id = parent;
	s.name = name;
	s.service = service;
	s.host = strcmp(service, "hx-offload") == 0 ? "gpu1" : NULL;
	s.kind = kind;
	s.start_ns = T0 + start_us * 1000;
	s.end_ns = T0 + end_us * 1000;
	s.error = strcmp(name, "matmul") == 0;
	s.message = s.error ? "cuda error 35" : NULL;
	s.attrs = attrs;
	s.nattrs = 1;
	s.counters = counters;
	s.ncounters = 2;
	hx_spanset_add_span(set, &s);
}

static void
add_metric(struct hx_spanset *set, const char *name,
    enum hx_metric_kind kind, double value, int64_t time_us,
    const char *gpu)
{
	struct hx_field_pair labels[] = { { "gpu", gpu } };
	struct hx_metric m;

	hx_metric_init(&m);
	m.name = name;
	m.kind = kind;
	m.value = value;
	m.time_ns = T0 + time_us * 1000;
	m.service = "hx-offload";
	m.labels = labels;
	m.nlabels = 1;
	hx_spanset_add_metric(set, &m);
}

/*
 * The fixture: a run on the host whose RPC (client) reaches the GPU
 * service (server, on gpu1), two overlapping steps that do not nest,
 * and GPU metrics.
 */
static void
fixture(struct hx_spanset *set)
{
	hx_spanset_init(set);
	add_span(set, "00000000000000a1", NULL, "inference", "hx-trace",
	    HX_SPAN_INTERNAL, 0, 10000);
	add_span(set, "00000000000000a2", "00000000000000a1", "rpc",
	    "hx-trace", HX_SPAN_CLIENT, 1000, 9000);
	add_span(set, "00000000000000b1", "00000000000000a2", "matmul",
	    "hx-offload", HX_SPAN_SERVER, 1500, 8500);
	add_span(set, "00000000000000a3", "00000000000000a1", "load",
	    "hx-trace", HX_SPAN_INTERNAL, 8000, 9500);
	add_metric(set, "gpu_utilization_ratio", HX_METRIC_GAUGE, 0.5, 2000,
	    "0");
	add_metric(set, "gpu_utilization_ratio", HX_METRIC_GAUGE, 0.75, 3000,
	    "0");
	add_metric(set, "gpu_utilization_ratio", HX_METRIC_GAUGE, 0.25, 3000,
	    "1");
	add_metric(set, "gpu_nvlink_bytes", HX_METRIC_COUNTER, 4096, 3000,
	    "0");
}

static void
test_tbuf(void)
{
	struct hx_tbuf b;

	hx_tbuf_init(&b);
	hx_tbuf_json_string(&b, "a\"b\\c\nd\x01\xff\xc3\xa9");
	tap_is(hx_tbuf_text(&b), "\"a\\\"b\\\\c\\nd\\u0001\\ufffd\xc3\xa9\"",
	    "tbuf: JSON string escapes, bad UTF-8 as U+FFFD, good kept");
	b.len = 0;
	hx_tbuf_int(&b, INT64_MIN);
	hx_tbuf_putc(&b, ' ');
	hx_tbuf_int(&b, 0);
	hx_tbuf_putc(&b, ' ');
	hx_tbuf_int(&b, 1700000000000000123);
	hx_tbuf_putc(&b, ' ');
	hx_tbuf_int(&b, 7);
	hx_tbuf_putc(&b, ' ');
	hx_tbuf_int(&b, -42);
	hx_tbuf_putc(&b, ' ');
	hx_tbuf_int(&b, 100);
	tap_is(hx_tbuf_text(&b), "-9223372036854775808 0 1700000000000000123 "
	    "7 -42 100", "tbuf: integers");
	b.len = 0;
	hx_tbuf_micros(&b, 1700000000000000123);
	hx_tbuf_putc(&b, ' ');
	hx_tbuf_micros(&b, 5);
	tap_is(hx_tbuf_text(&b), "1700000000000000.123 0.005",
	    "tbuf: microseconds keep every nanosecond");
	b.len = 0;
	hx_tbuf_number(&b, 0.1);
	hx_tbuf_putc(&b, ' ');
	hx_tbuf_number(&b, 3);
	hx_tbuf_putc(&b, ' ');
	hx_tbuf_number(&b, 1.0 / 3);
	hx_tbuf_putc(&b, ' ');
	hx_tbuf_number(&b, 1e300);
	tap_is(hx_tbuf_text(&b), "0.1 3 0.33333333333333331 1e+300",
	    "tbuf: shortest numbers that read back");
	hx_tbuf_clear(&b);
}

/* The requests an export gave, as lines with their signal first. */
struct collected {
	struct hx_tbuf text;
	int ntraces, nmetrics;
};

static int
collect(void *ctx, enum hx_otlp_signal signal, const char *json,
    size_t len, struct hx_err_info *err)
{
	struct collected *c = ctx;

	(void)err;
	if (signal == HX_OTLP_TRACES)
		c->ntraces++;
	else
		c->nmetrics++;
	hx_tbuf_put(&c->text, json, len);
	hx_tbuf_putc(&c->text, '\n');
	return 0;
}

static void
test_otlp(const struct hx_spanset *set)
{
	struct hx_err_info err;
	struct hx_spanset big;
	struct collected c;
	const char *text;
	char id[17];
	int i;

	memset(&c, 0, sizeof(c));
	hx_otlp_export(set, collect, &c, &err);
	text = hx_tbuf_text(&c.text);
	tap_ok(c.ntraces == 2 && c.nmetrics == 1,
	    "otlp: a trace request per resource, a metric one per service");
	tap_ok(strstr(text, "{\"key\":\"host.name\",\"value\":{\"stringValue\":"
	    "\"gpu1\"}}") != NULL, "otlp: host.name on the resource");
	tap_ok(strstr(text, "\"spanId\":\"00000000000000a1\",\"name\"") !=
	    NULL, "otlp: a root has no parentSpanId");
	tap_ok(strstr(text, "\"kind\":2,\"startTimeUnixNano\":"
	    "\"1700000000001500000\"") != NULL,
	    "otlp: server kind 2, times as decimal strings");
	tap_ok(strstr(text, "\"status\":{\"message\":\"cuda error 35\","
	    "\"code\":2}") != NULL && strstr(text, "\"code\":1}") != NULL,
	    "otlp: status codes error 2 with message, ok 1");
	tap_ok(strstr(text, "{\"key\":\"hx.counter.task_clock_ns\",\"value\":"
	    "{\"intValue\":\"1234\"}}") != NULL &&
	    strstr(text, "cycles") == NULL,
	    "otlp: supported counters as integers, unsupported left out");
	tap_ok(strstr(text, "\"gauge\":{\"dataPoints\":[{\"attributes\":[{"
	    "\"key\":\"gpu\",\"value\":{\"stringValue\":\"0\"}}],"
	    "\"timeUnixNano\":\"1700000000002000000\",\"asDouble\":0.5},") !=
	    NULL, "otlp: gauge readings as data points of one metric");
	tap_ok(strstr(text, "\"sum\":{\"aggregationTemporality\":2,"
	    "\"isMonotonic\":true,") != NULL,
	    "otlp: a counter is a monotonic cumulative sum");
	hx_tbuf_clear(&c.text);

	hx_spanset_init(&big);
	for (i = 0; i < HX_OTLP_BATCH + 1; i++) {
		snprintf(id, sizeof(id), "%016x", i + 1);
		add_span(&big, id, NULL, "step", "hx-trace", HX_SPAN_INTERNAL,
		    i, i + 1);
	}
	memset(&c, 0, sizeof(c));
	hx_otlp_export(&big, collect, &c, &err);
	tap_ok(c.ntraces == 2 && c.nmetrics == 0,
	    "otlp: %d spans of one resource make two requests",
	    HX_OTLP_BATCH + 1);
	hx_tbuf_clear(&c.text);
	hx_spanset_clear(&big);
	tap_ok(hx_otlp_write_file(set, "export.otlp", &err) == 0,
	    "otlp: export.otlp written");
}

/* Whether URL parses into HOST, PORT and BASE. */
static void
url_parses(const char *url, const char *host, const char *port,
    const char *base)
{
	struct hx_otlp_http h;
	struct hx_err_info err;

	if (hx_otlp_http_open(&h, url, &err) < 0) {
		tap_ok(0, "endpoint %s: %s", url, err.message);
		return;
	}
	tap_ok(strcmp(h.host, host) == 0 && strcmp(h.port, port) == 0 &&
	    strcmp(h.base, base) == 0, "endpoint %s: host %s port %s base "
	    "\"%s\"", url, host, port, base);
	hx_otlp_http_close(&h);
}

/* Whether URL is refused with a message containing WANT. */
static void
url_refused(const char *url, const char *want)
{
	struct hx_otlp_http h;
	struct hx_err_info err;

	tap_ok(hx_otlp_http_open(&h, url, &err) < 0 &&
	    err.status == HX_EXIT_USAGE && strstr(err.message, want) != NULL,
	    "endpoint %s refused: %s", url, want);
}

static void
test_endpoints(void)
{
	url_parses("http://127.0.0.1:4318", "127.0.0.1", "4318", "");
	url_parses("http://collector/otlp/", "collector", "80", "/otlp");
	url_parses("http://[::1]:9/a/b", "::1", "9", "/a/b");
	url_refused("https://collector:4318", "https is not supported");
	url_refused("ftp://collector", "not an http:// URL");
	url_refused("http://collector:port", "no host or a bad port");
	url_refused("http://:80", "no host or a bad port");
	url_refused("http://h/v1?x=1", "a query or fragment");
}

/* The contents of PATH, or NULL. */
static char *
slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	struct hx_tbuf b;
	char buf[4096];
	size_t n;

	if (fp == NULL)
		return NULL;
	hx_tbuf_init(&b);
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		hx_tbuf_put(&b, buf, n);
	fclose(fp);
	hx_tbuf_text(&b);
	return b.data;
}

static void
test_chrome(const struct hx_spanset *set)
{
	struct hx_err_info err;
	char *text;

	tap_ok(hx_chrome_write_file(set, "export.json", &err) == 0,
	    "chrome: export.json written");
	text = slurp("export.json");
	tap_ok(text != NULL && strstr(text, "{\"ph\":\"M\",\"name\":"
	    "\"process_name\",\"pid\":1,\"tid\":0,\"args\":{\"name\":"
	    "\"hx-offload (gpu1)\"}}") != NULL,
	    "chrome: a process per service and host, named");
	tap_ok(text != NULL && strstr(text, "\"name\":\"load\",\"cat\":"
	    "\"internal\",\"pid\":2,\"tid\":2,\"ts\":1700000000008000.000,"
	    "\"dur\":1500.000") != NULL,
	    "chrome: a span that overlaps without nesting gets lane 2");
	tap_ok(text != NULL && strstr(text, "{\"ph\":\"s\",\"name\":\"rpc\","
	    "\"cat\":\"rpc\",\"id\":1,\"pid\":2,\"tid\":1,") != NULL &&
	    strstr(text, "{\"ph\":\"f\",\"name\":\"rpc\",\"cat\":\"rpc\","
	    "\"id\":1,\"pid\":1,\"tid\":1,\"ts\":1700000000001500.000,"
	    "\"bp\":\"e\"}") != NULL,
	    "chrome: a flow from the client span to its server child");
	tap_ok(text != NULL && strstr(text, "{\"ph\":\"C\",\"name\":"
	    "\"gpu_utilization_ratio\",\"pid\":1,\"tid\":0,\"ts\":"
	    "1700000000003000.000,\"args\":{\"gpu=1\":0.25}}") != NULL,
	    "chrome: metrics are counters of their service's process");
	free(text);
}

/*
 * Whether the metric NAME of KIND and VALUE is refused when read after a
 * gauge queue_depth_total.
 */
static void
prom_refuses(const char *name, enum hx_metric_kind kind, double value,
    const char *want)
{
	struct hx_prom_families f;
	struct hx_metric m;
	char *message = NULL;

	hx_prom_families_init(&f);
	hx_metric_init(&m);
	m.name = "queue_depth_total";
	m.value = 1;
	tap_ok(hx_prom_families_add(&f, &m, &message) == 0 &&
	    hx_prom_families_add(&f, &m, &message) == 0,
	    "prom: a gauge read twice");
	m.name = name;
	m.kind = kind;
	m.value = value;
	tap_ok(hx_prom_families_add(&f, &m, &message) < 0 && message != NULL &&
	    strstr(message, want) != NULL, "prom: metric %s refused: %s", name,
	    want);
	free(message);
	hx_prom_families_clear(&f);
}

/* A unit with a newline and label names that agree once made valid. */
static void
test_prom_odd_metric(void)
{
	struct hx_field_pair labels[] = { { "a_b", "2" }, { "a-b", "1" },
	    { "0x", "3" } };
	struct hx_prom_tests tests = { 0 };
	struct hx_err_info err;
	struct hx_spanset set;
	struct hx_metric m;
	char *text;

	hx_spanset_init(&set);
	hx_metric_init(&m);
	m.name = "odd";
	m.value = 1;
	m.unit = "a\nb\\";
	m.labels = labels;
	m.nlabels = 3;
	hx_spanset_add_metric(&set, &m);
	tap_ok(hx_prom_write_file(&set, &tests, "odd.prom", &err) == 0,
	    "prom: odd.prom written");
	text = slurp("odd.prom");
	tap_ok(text != NULL && strstr(text, "# HELP odd Metric records hx-trace "
	    "read, the last of each label set; unit a\\nb\\\\.\n") != NULL,
	    "prom: newline and backslash escaped in HELP");
	tap_ok(text != NULL && strstr(text, "\nodd{l0x=\"3\",a_b=\"1\"} 1\n") !=
	    NULL, "prom: label names made valid, the first of a clash kept");
	free(text);
	hx_spanset_clear(&set);
}

static void
test_prom(const struct hx_spanset *set)
{
	struct hx_prom_tests tests = { 0 };
	struct hx_err_info err;
	struct hx_test t;
	char *text;

	hx_test_init(&t);
	t.status = HX_STATUS_PASS;
	hx_prom_tests_add(&tests, &t);
	t.attempt = 2;
	t.flaky = true;
	hx_prom_tests_add(&tests, &t);
	t.status = HX_STATUS_FAIL;
	t.flaky = false;
	t.attempt = 3;
	hx_prom_tests_add(&tests, &t);
	t.quarantined = true;
	hx_prom_tests_add(&tests, &t);
	tap_ok(tests.runs == 4 && tests.retries == 3 && tests.flaky == 1 &&
	    tests.failures == 1, "prom: test runs, retries, flaky, failures");
	tap_ok(hx_prom_write_file(set, &tests, "export.prom", &err) == 0,
	    "prom: export.prom written");
	text = slurp("export.prom");
	tap_ok(text != NULL && strstr(text, "hx_span_duration_seconds_bucket"
	    "{service=\"hx-trace\",name=\"load\",le=\"0.001\"} 0\n"
	    "hx_span_duration_seconds_bucket{service=\"hx-trace\","
	    "name=\"load\",le=\"0.005\"} 1\n") != NULL,
	    "prom: a 1.5 ms span in the 5 ms bucket, not the 1 ms one");
	tap_ok(text != NULL && strstr(text, "hx_span_errors_total{service="
	    "\"hx-offload\",name=\"matmul\"} 1\n") != NULL,
	    "prom: errors by service and name");
	tap_ok(text != NULL && strstr(text, "\nhx_test_retries_total 3\n") !=
	    NULL && strstr(text, "\nhx_test_retry_ratio 0.75\n") != NULL,
	    "prom: retries and the retry ratio");
	tap_ok(text != NULL && strstr(text, "gpu_utilization_ratio{gpu=\"0\","
	    "service=\"hx-offload\"} 0.75\n") != NULL &&
	    strstr(text, "} 0.5\n") == NULL,
	    "prom: the last reading of each gauge series, service a label");
	tap_ok(text != NULL && strstr(text, "# TYPE gpu_nvlink_bytes_total "
	    "counter\ngpu_nvlink_bytes_total{gpu=\"0\",service=\"hx-offload\"}"
	    " 4096\n") != NULL, "prom: a counter gets _total");
	free(text);
	test_prom_odd_metric();
	prom_refuses("hx_test_retries", HX_METRIC_COUNTER, 1,
	    "family hx_test_retries_total is one hx-trace exports itself");
	prom_refuses("hx_test_retries_total", HX_METRIC_GAUGE, 1,
	    "family hx_test_retries_total is one hx-trace exports itself");
	prom_refuses("hx_span_duration_seconds_bucket", HX_METRIC_GAUGE, 1,
	    "is one hx-trace exports itself");
	prom_refuses("queue_depth", HX_METRIC_COUNTER, 1,
	    "family queue_depth_total is a gauge, this is a counter");
	prom_refuses("drops", HX_METRIC_COUNTER, -1, "a counter below zero");
}

/* The CPU time of this process, in seconds. */
static double
cpu_seconds(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Where otlp_bench's requests go, and the CPU time spent writing them. */
struct bench_out {
	FILE *fp;
	double write;
};

/* The sink of otlp_bench: a line of the file, its writing timed apart. */
static int
bench_line(void *ctx, enum hx_otlp_signal signal, const char *json,
    size_t len, struct hx_err_info *err)
{
	struct bench_out *out = ctx;
	double t0 = cpu_seconds();

	(void)signal;
	(void)err;
	fwrite(json, 1, len, out->fp);
	putc('\n', out->fp);
	fflush(out->fp);
	out->write += cpu_seconds() - t0;
	return 0;
}

/*
 * bench/trace's driver: read the spans of PATH into a set, then time
 * hx_otlp_export of the set into OUT.  Prints "spans N seconds S write
 * W": S the CPU time of the conversion to text in memory, W that of
 * writing the text to OUT, left out of S.
 */
static int
otlp_bench(const char *path, const char *outpath)
{
	struct hx_json_error jerr;
	struct hx_err_info err;
	struct bench_out out = { NULL, 0 };
	struct hx_spanset set;
	struct hx_span span;
	struct hx_in *in;
	char *line, *message;
	double t0, total;
	size_t len;
	json_t *j;

	if ((in = hx_in_open(path)) == NULL ||
	    (out.fp = fopen(outpath, "w")) == NULL) {
		perror(path);
		return 1;
	}
	hx_spanset_init(&set);
	while (hx_in_getline(in, &line, &len) == HX_IN_LINE) {
		if ((j = hx_json_parse(line, len, &jerr)) == NULL)
			continue;
		if (hx_span_read(j, &span, &message) == 0) {
			hx_spanset_add_span(&set, &span);
			hx_span_clear(&span);
		} else {
			free(message);
		}
		json_decref(j);
	}
	hx_in_close(in);
	t0 = cpu_seconds();
	hx_otlp_export(&set, bench_line, &out, &err);
	total = cpu_seconds() - t0;
	fclose(out.fp);
	printf("spans %zu seconds %.6f write %.6f\n", set.nspans,
	    total - out.write, out.write);
	hx_spanset_clear(&set);
	return 0;
}

int
main(int argc, char **argv)
{
	struct hx_spanset set;

	if (argc == 4 && strcmp(argv[1], "otlp-bench") == 0)
		return otlp_bench(argv[2], argv[3]);
	fixture(&set);
	test_tbuf();
	test_otlp(&set);
	test_endpoints();
	test_chrome(&set);
	test_prom(&set);
	hx_spanset_clear(&set);
	return tap_done();
}
