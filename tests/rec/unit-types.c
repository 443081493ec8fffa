/*
 * unit-types: the record types of lib/rec: each one from struct to JSON
 * and back, every check its reader makes with the message it gives, the
 * rule of failed tests and the quarantine list.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rec/hx_artifact.h"
#include "rec/hx_error.h"
#include "rec/hx_quarantine.h"
#include "rec/hx_sample.h"
#include "rec/hx_status.h"
#include "rec/hx_test.h"
#include "rec/hx_wcet.h"
#include "json.h"
#include "../tap.h"

/* Read and write again: one function per type, for the tables below. */
typedef int (*again_fn)(const json_t *json, char **text, char **message);

#define AGAIN(type)							\
static int								\
again_##type(const json_t *json, char **text, char **message)		\
{									\
	struct hx_##type v;						\
									\
	if (hx_##type##_read(json, &v, message) < 0)			\
		return -1;						\
	*text = text_of(hx_##type##_to_json(&v));			\
	hx_##type##_clear(&v);						\
	return 0;							\
}
AGAIN(artifact)
AGAIN(test)
AGAIN(sample)
AGAIN(wcet)
AGAIN(error)

/* TEXT, a record as its writer writes it, read and written again. */
static void
same_again(again_fn again, const char *want, const char *what)
{
	json_t *j = parse(want);
	char *text = NULL, *message = NULL;

	if (again(j, &text, &message) < 0) {
		tap_ok(0, "%s", what);
		printf("# %s\n", message);
	} else
		tap_is(text, want, what);
	free(text);
	free(message);
	json_decref(j);
}

static void
test_sample(void)
{
	struct hx_field_pair labels[] = { { "load", "stress" },
	    { "node", "n1" } };
	struct hx_sample s, back;
	char *text, *message = NULL;
	json_t *j;

	hx_sample_init(&s);
	s.name = "test_mlp";
	s.unit = HX_SAMPLE_INSNS;
	s.value = 1843221;
	s.index = 3;
	s.test = "test_mlp";
	s.time_ns = 1700000000000000000;
	s.labels = labels;
	s.nlabels = 2;
	j = hx_sample_to_json(&s);
	text = hx_json_to_string(j);
	tap_is(text, "{\"index\":3,\"labels\":{\"load\":\"stress\","
	    "\"node\":\"n1\"},\"name\":\"test_mlp\",\"test\":\"test_mlp\","
	    "\"time_ns\":1700000000000000000,\"type\":\"sample\","
	    "\"unit\":\"insns\",\"value\":1843221}",
	    "sample: written with an integral value as an integer");
	tap_ok(hx_sample_read(j, &back, &message) == 0 &&
	    strcmp(back.name, "test_mlp") == 0 &&
	    back.unit == HX_SAMPLE_INSNS && back.value == 1843221 &&
	    back.index == 3 && strcmp(back.test, "test_mlp") == 0 &&
	    back.time_ns == 1700000000000000000 && back.nlabels == 2 &&
	    strcmp(back.labels[1].value, "n1") == 0,
	    "sample: struct, JSON, struct");
	hx_sample_clear(&back);
	json_decref(j);
	free(text);
	same_again(again_sample, "{\"name\":\"f\",\"type\":\"sample\","
	    "\"unit\":\"ns\",\"value\":2.5}",
	    "sample: the optional fields stay out");
}

static void
test_test(void)
{
	struct hx_test t, back;
	char *message = NULL;
	json_t *j;

	hx_test_init(&t);
	t.name = "tinyinfer:dense";
	t.artifact = "build/tinyinfer";
	t.runner = "qemu-riscv64";
	t.status = HX_STATUS_FAIL;
	t.exit_code = 1;
	t.duration_ns = 123456;
	t.attempt = 2;
	t.quarantined = true;
	t.number = 4;
	t.description = "dense";
	t.directive = "TODO later";
	t.diagnostics = "got 3\nwant 4";
	t.stdout_tail = "ok\0\xff";
	t.stdout_tail_len = 4;
	t.stderr_tail = "boom";
	t.stderr_tail_len = 4;
	t.message = "exit status 1";
	j = hx_test_to_json(&t);
	tap_ok(hx_test_read(j, &back, &message) == 0 &&
	    strcmp(back.name, t.name) == 0 &&
	    strcmp(back.artifact, t.artifact) == 0 &&
	    strcmp(back.runner, t.runner) == 0 &&
	    back.status == HX_STATUS_FAIL && back.exit_code == 1 &&
	    back.signal == 0 && back.duration_ns == 123456 &&
	    back.attempt == 2 && !back.flaky && back.quarantined &&
	    back.number == 4 && strcmp(back.description, "dense") == 0 &&
	    strcmp(back.directive, "TODO later") == 0 &&
	    strcmp(back.diagnostics, t.diagnostics) == 0 &&
	    back.stdout_tail_len == 8 &&
	    memcmp(back.stdout_tail, "ok\xef\xbf\xbd\xef\xbf\xbd", 8) == 0 &&
	    strcmp(back.stderr_tail, "boom") == 0 &&
	    strcmp(back.message, t.message) == 0,
	    "test: struct, JSON, struct; NUL and bad bytes become U+FFFD");
	hx_test_clear(&back);
	json_decref(j);
	same_again(again_test, "{\"artifact\":\"build/t\",\"attempt\":1,"
	    "\"duration_ns\":10000000000,\"message\":\"killed after 10 s\","
	    "\"name\":\"t\",\"runner\":\"native\",\"signal\":9,"
	    "\"status\":\"timeout\",\"type\":\"test\"}",
	    "test: a timeout read and written again");
	same_again(again_test, "{\"artifact\":\"a\",\"attempt\":1,"
	    "\"duration_ns\":0,\"exit_code\":0,\"flaky\":true,\"name\":\"t\","
	    "\"number\":0,\"runner\":\"native\",\"status\":\"pass\","
	    "\"type\":\"test\"}", "test: TAP point 0 and a flaky pass");
}

static void
test_failed_rule(void)
{
	static const struct {
		enum hx_status status;
		bool quarantined, failed;
	} cases[] = {
		{ HX_STATUS_PASS, false, false },
		{ HX_STATUS_SKIP, false, false },
		{ HX_STATUS_FAIL, false, true },
		{ HX_STATUS_TIMEOUT, false, true },
		{ HX_STATUS_ERROR, false, true },
		{ HX_STATUS_FAIL, true, false },
		{ HX_STATUS_TIMEOUT, true, false },
		{ HX_STATUS_ERROR, true, false },
	};
	struct hx_test t;
	enum hx_status st;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		hx_test_init(&t);
		t.status = cases[i].status;
		t.quarantined = cases[i].quarantined;
		tap_ok(hx_test_failed(&t) == cases[i].failed,
		    "hx_test_failed: %s%s %s", hx_status_name(t.status),
		    t.quarantined ? ", quarantined," : "",
		    cases[i].failed ? "fails" : "does not fail");
	}
	tap_ok(hx_status_parse("timeout", &st) == 0 &&
	    st == HX_STATUS_TIMEOUT && hx_status_parse("crashed", &st) < 0,
	    "hx_status_parse knows the five names only");
}

static void
test_quarantine(void)
{
	struct hx_quarantine *q = hx_quarantine_new();
	char path[] = "/tmp/unit-types.XXXXXX", *message = NULL;
	char want[sizeof(path) + 32];
	struct hx_err_info err;
	json_t *list;
	FILE *fp;
	int fd;

	tap_ok(!hx_quarantine_match(q, "x") && !hx_quarantine_match(NULL, "x"),
	    "quarantine: an empty list and none match nothing");
	if ((fd = mkstemp(path)) < 0 || (fp = fdopen(fd, "w")) == NULL)
		exit(1);
	fputs("# flaky ones\n\n  test_conv  \r\ntinyinfer:*\n   # more\n", fp);
	fclose(fp);
	tap_ok(hx_quarantine_add_file(q, path, &err) == 0,
	    "quarantine: a file is read");
	unlink(path);
	tap_ok(hx_quarantine_match(q, "test_conv") &&
	    hx_quarantine_match(q, "tinyinfer:dense") &&
	    !hx_quarantine_match(q, "test_conv2") &&
	    !hx_quarantine_match(q, "# flaky ones") &&
	    !hx_quarantine_match(q, "# more") && !hx_quarantine_match(q, ""),
	    "quarantine: names and patterns, not comments or blank lines");
	tap_ok(hx_quarantine_add_file(q, path, &err) < 0 &&
	    err.status == HX_EXIT_SYSTEM && strstr(err.message, path) != NULL,
	    "quarantine: a missing file is a system error naming it");
	strcpy(path, "/tmp/unit-types.XXXXXX");
	if ((fd = mkstemp(path)) < 0 || (fp = fdopen(fd, "w")) == NULL)
		exit(1);
	fwrite("a\nb\0c\n", 1, 6, fp);
	fclose(fp);
	snprintf(want, sizeof(want), "%s:2: a NUL byte in the line", path);
	tap_ok(hx_quarantine_add_file(q, path, &err) < 0 &&
	    err.status == HX_EXIT_INPUT, "quarantine: a NUL byte is bad input");
	tap_is(err.message, want, "quarantine: it names the file and line");
	tap_ok(!hx_quarantine_match(q, "a"),
	    "quarantine: a file refused adds nothing");
	unlink(path);
	list = parse("[\"bench_*\",\"x?\"]");
	tap_ok(hx_quarantine_add_json(q, list, &message) == 0 &&
	    hx_quarantine_match(q, "bench_mlp") &&
	    hx_quarantine_match(q, "xy") && !hx_quarantine_match(q, "xyz") &&
	    hx_quarantine_match(q, "test_conv"),
	    "quarantine: a JSON array adds to the list");
	json_decref(list);
	tap_ok(hx_quarantine_add_json(q, NULL, &message) == 0,
	    "quarantine: no JSON array adds nothing");
	list = parse("[\"a\",3]");
	tap_ok(hx_quarantine_add_json(q, list, &message) < 0 &&
	    !hx_quarantine_match(q, "a"), "quarantine: [\"a\",3] is refused");
	tap_is(message, "quarantine[1] is not a string",
	    "quarantine: the message names the element");
	free(message);
	json_decref(list);
	list = parse("{\"a\":1}");
	tap_ok(hx_quarantine_add_json(q, list, &message) < 0,
	    "quarantine: an object is refused");
	tap_is(message, "quarantine is not an array",
	    "quarantine: the message says an array");
	free(message);
	json_decref(list);
	hx_quarantine_free(q);
}

static void
test_artifact(void)
{
	const char *flags[] = { "-O2", "-march=rv64gc", NULL };
	const char *args[] = { "200", NULL };
	struct hx_field_pair env[] = { { "OMP_NUM_THREADS", "1" } };
	struct hx_artifact_pin pins[] = { { "weights/mlp.bin",
	    "0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdef" } };
	struct hx_artifact a, back;
	char *message = NULL;
	json_t *j;

	hx_artifact_init(&a);
	a.name = "test_mlp";
	a.path = "hx-out/test_mlp";
	a.kind = HX_ARTIFACT_TEST;
	a.ok = true;
	a.target = "riscv64-linux-gnu";
	a.arch = "riscv64";
	a.sha256 = "0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdef";
	a.size = 4096;
	a.toolchain.name = "riscv64-gcc";
	a.toolchain.version = "gcc 12.2.0";
	a.toolchain.digest = "d1";
	a.toolchain.sysroot = "/usr/riscv64-linux-gnu";
	a.flags = flags;
	a.commit = "0123456789abcdef0123456789abcdef01234567";
	a.dirty = 0;
	a.cache_hit = true;
	a.duration_ns = 5;
	a.affected = 1;
	a.needs_timing = 0;
	a.args = args;
	a.env = env;
	a.nenv = 1;
	a.cwd = "hx-out/data";
	a.reproducible = 1;
	a.project = "examples/tinyinfer";
	a.pins = pins;
	a.npins = 1;
	j = hx_artifact_to_json(&a);
	tap_ok(hx_artifact_read(j, &back, &message) == 0 &&
	    strcmp(back.name, a.name) == 0 && strcmp(back.path, a.path) == 0 &&
	    back.kind == HX_ARTIFACT_TEST && back.ok &&
	    strcmp(back.target, a.target) == 0 &&
	    strcmp(back.arch, a.arch) == 0 &&
	    strcmp(back.sha256, a.sha256) == 0 && back.size == 4096 &&
	    strcmp(back.toolchain.name, "riscv64-gcc") == 0 &&
	    strcmp(back.toolchain.version, "gcc 12.2.0") == 0 &&
	    strcmp(back.toolchain.digest, "d1") == 0 &&
	    strcmp(back.toolchain.sysroot, a.toolchain.sysroot) == 0 &&
	    strcmp(back.flags[1], "-march=rv64gc") == 0 &&
	    back.flags[2] == NULL && strcmp(back.commit, a.commit) == 0 &&
	    back.dirty == 0 && back.cache_hit && back.duration_ns == 5 &&
	    back.affected == 1 && back.needs_timing == 0 &&
	    strcmp(back.args[0], "200") == 0 && back.args[1] == NULL &&
	    back.nenv == 1 &&
	    strcmp(back.env[0].name, "OMP_NUM_THREADS") == 0 &&
	    strcmp(back.env[0].value, "1") == 0 &&
	    strcmp(back.cwd, a.cwd) == 0 && back.output_tail == NULL &&
	    back.message == NULL && back.reproducible == 1 &&
	    strcmp(back.project, a.project) == 0 && back.npins == 1 &&
	    strcmp(back.pins[0].path, "weights/mlp.bin") == 0 &&
	    strcmp(back.pins[0].sha256, a.sha256) == 0,
	    "artifact: struct, JSON, struct");
	hx_artifact_clear(&back);
	json_decref(j);
	same_again(again_artifact, "{\"cache\":\"miss\",\"duration_ns\":7,"
	    "\"flags\":[],\"kind\":\"exe\",\"message\":\"no output\","
	    "\"name\":\"x\",\"output_tail\":\"error: x\",\"status\":\"fail\","
	    "\"target\":\"x86_64-linux-gnu\",\"toolchain\":{\"digest\":\"d\","
	    "\"name\":\"host\",\"version\":\"12\"},\"type\":\"artifact\"}",
	    "artifact: a failed build has no file fields");
}

/* The labels of a wcet record: read, written, compared. */
static void
test_wcet_labels(void)
{
	struct hx_wcet a, b;
	char *message = NULL;
	json_t *ja, *jb;

	ja = parse("{\"cv\":0.0,\"labels\":{\"profile\":\"cpu\"},"
	    "\"max\":7.0,\"mean\":7.0,\"median\":7.0,\"method\":"
	    "\"deterministic\",\"min\":7.0,\"n\":3,\"name\":\"f\","
	    "\"p99\":7.0,\"type\":\"wcet\",\"unit\":\"ns\"}");
	jb = parse("{\"cv\":0.0,\"labels\":{\"profile\":\"idle\"},"
	    "\"max\":7.0,\"mean\":7.0,\"median\":7.0,\"method\":"
	    "\"deterministic\",\"min\":7.0,\"n\":3,\"name\":\"f\","
	    "\"p99\":7.0,\"type\":\"wcet\",\"unit\":\"ns\"}");
	tap_ok(hx_wcet_read(ja, &a, &message) == 0 &&
	    hx_wcet_read(jb, &b, &message) == 0 &&
	    strcmp(hx_wcet_label(&a, "profile"), "cpu") == 0 &&
	    hx_wcet_label(&a, "host") == NULL &&
	    hx_wcet_same_labels(&a, &a) && !hx_wcet_same_labels(&a, &b),
	    "wcet: labels read, looked up and compared");
	hx_wcet_clear(&a);
	hx_wcet_clear(&b);
	json_decref(ja);
	json_decref(jb);
	jb = parse("{\"cv\":0.0,\"labels\":{\"profile\":1},"
	    "\"max\":7.0,\"mean\":7.0,\"median\":7.0,\"method\":"
	    "\"deterministic\",\"min\":7.0,\"n\":3,\"name\":\"f\","
	    "\"p99\":7.0,\"type\":\"wcet\",\"unit\":\"ns\"}");
	tap_ok(hx_wcet_read(jb, &b, &message) < 0 && message != NULL &&
	    strstr(message, "labels") != NULL,
	    "wcet: a label that is not a string is refused");
	free(message);
	json_decref(jb);
}

static void
test_wcet(void)
{
	struct hx_wcet_level levels[] = { { 1e-3, 10.5, 10, 11 },
	    { 1e-9, 12, 11, NAN } };
	struct hx_wcet w, back;
	char *message = NULL;
	double x;
	json_t *j;

	hx_wcet_init(&w);
	w.name = "bench_mlp";
	w.unit = "insns";
	w.n = 40;
	w.min = 1;
	w.mean = 2;
	w.median = 2;
	w.p99 = 3.5;
	w.max = 4;
	w.cv = NAN;
	w.iid = (struct hx_wcet_iid){ true, 1.5, 0.4, 2, 0.1, 0.9, -0.5, 0.6,
	    true };
	w.method = HX_WCET_GPD;
	w.estimator = HX_WCET_PWM;
	w.exceedances = 30;
	w.params = (struct hx_wcet_params){ true, 3.25, 0.5, -0.1 };
	w.se = (struct hx_wcet_params){ true, NAN, NAN, NAN };
	w.has_loglik = true;
	w.loglik = -12.5;
	w.gof = (struct hx_wcet_gof){ true, 0.2, 0.9, 0.1, 0.8, true };
	w.confidence = 0.95;
	w.pwcet = levels;
	w.npwcet = 2;
	w.baseline = (struct hx_wcet_baseline){ .present = true,
	    .shift = 0.02, .lo = 0.01, .hi = 0.03, .p = 0.001,
	    .p_adjusted = 0.003, .abs_shift = 0.08, .n = 40, .min_n = 4,
	    .class = HX_WCET_REGRESSION };
	w.message = "fitted with --force";
	j = hx_wcet_to_json(&w);
	tap_ok(json_object_get(json_object_get(j, "params"), "u") != NULL &&
	    json_is_null(json_object_get(j, "cv")),
	    "wcet: gpd's location is u; a NAN is null");
	tap_ok(hx_wcet_read(j, &back, &message) == 0 &&
	    strcmp(back.name, "bench_mlp") == 0 &&
	    strcmp(back.unit, "insns") == 0 && back.n == 40 &&
	    back.min == 1 && back.p99 == 3.5 && back.max == 4 &&
	    isnan(back.cv) && back.iid.present && back.iid.lags == 2 &&
	    back.iid.runs_z == -0.5 && back.iid.passed &&
	    back.method == HX_WCET_GPD && back.estimator == HX_WCET_PWM &&
	    back.block == 0 && back.exceedances == 30 &&
	    back.params.present && back.params.loc == 3.25 &&
	    back.params.xi == -0.1 && back.se.present && isnan(back.se.xi) &&
	    back.has_loglik && back.loglik == -12.5 && back.gof.present &&
	    back.gof.ad_p == 0.9 && back.confidence == 0.95 &&
	    back.npwcet == 2 && back.pwcet[1].p == 1e-9 &&
	    isnan(back.pwcet[1].hi) && back.baseline.present &&
	    back.baseline.n == 40 && back.baseline.abs_shift == 0.08 &&
	    back.baseline.min_n == 4 && !back.baseline.exact &&
	    back.baseline.class == HX_WCET_REGRESSION && !back.insufficient &&
	    strcmp(back.message, w.message) == 0,
	    "wcet: struct, JSON, struct");
	tap_ok(hx_wcet_pwcet_at(&back, 1e-3, false, &x) == 0 && x == 10.5 &&
	    hx_wcet_pwcet_at(&back, 1e-3, true, &x) == 0 && x == 11 &&
	    hx_wcet_pwcet_at(&back, 1e-9, true, &x) < 0 &&
	    hx_wcet_pwcet_at(&back, 1e-6, false, &x) < 0,
	    "wcet: the pWCET at p, and none where it is null or not there");
	tap_ok(hx_wcet_stat(&back, "p99", &x) == 0 && x == 3.5 &&
	    hx_wcet_stat(&back, "max", &x) == 0 && x == 4 &&
	    hx_wcet_stat(&back, "cv", &x) < 0 &&
	    hx_wcet_stat(&back, "p50", &x) < 0,
	    "wcet: a summary statistic by name; none when null or unknown");
	hx_wcet_clear(&back);
	json_decref(j);
	same_again(again_wcet, "{\"confidence\":0.95,\"cv\":0.0,"
	    "\"max\":7.0,\"mean\":7.0,\"median\":7.0,"
	    "\"method\":\"deterministic\",\"min\":7.0,\"n\":3,\"name\":\"f\","
	    "\"p99\":7.0,\"pwcet\":[{\"hi\":7.0,\"lo\":7.0,\"p\":0.001,"
	    "\"value\":7.0}],\"type\":\"wcet\",\"unit\":\"value\"}",
	    "wcet: a deterministic group of plain numbers");
	j = parse("{\"cv\":0.0,\"max\":7.0,\"mean\":7.0,\"median\":7.0,"
	    "\"method\":\"deterministic\",\"min\":7.0,\"n\":3,\"name\":\"f\","
	    "\"p99\":7.0,\"type\":\"wcet\",\"unit\":\"ns\"}");
	tap_ok(hx_wcet_read(j, &back, &message) == 0 &&
	    hx_wcet_pwcet_at(&back, 1e-9, true, &x) == 0 && x == 7,
	    "wcet: a deterministic group's pWCET is its maximum");
	hx_wcet_clear(&back);
	json_decref(j);
	test_wcet_labels();
	same_again(again_wcet, "{\"block\":2,\"cv\":0.1,\"estimator\":\"mle\","
	    "\"loglik\":null,\"max\":7.0,\"mean\":5.0,\"median\":5.0,"
	    "\"method\":\"gev\",\"min\":1.0,\"n\":60,\"name\":\"f\","
	    "\"p99\":7.0,\"params\":{\"mu\":5.0,\"sigma\":1.0,\"xi\":0.1},"
	    "\"type\":\"wcet\",\"unit\":\"cycles\"}",
	    "wcet: gev's location is mu; a null loglik stays");
}

static void
test_error(void)
{
	struct hx_error e = { "hx-emu", "stdin", 4, 1,
	    "expected a JSON object" }, back;
	char *message = NULL, *text;
	json_t *j = hx_error_to_json(&e);

	tap_ok(hx_error_read(j, &back, &message) == 0 &&
	    strcmp(back.program, "hx-emu") == 0 &&
	    strcmp(back.file, "stdin") == 0 && back.line == 4 &&
	    back.column == 1 && strcmp(back.message, e.message) == 0,
	    "error: struct, JSON, struct");
	hx_error_clear(&back);
	json_decref(j);
	same_again(again_error, "{\"file\":\"build/x\",\"message\":\"gone\","
	    "\"program\":\"hx-emu\",\"type\":\"error\"}",
	    "error: no line or column");
	e.file = "bad\xff.jsonl";
	e.line = 0;
	e.column = 0;
	text = text_of(hx_error_to_json(&e));
	tap_is(text, "{\"file\":\"bad\xef\xbf\xbd"
	    ".jsonl\",\"message\":\"expected a JSON object\","
	    "\"program\":\"hx-emu\",\"type\":\"error\"}",
	    "error: a file name that is not UTF-8 still makes a record");
	free(text);
}

/* A valid record of each type, for the checks to spoil. */
static const char sample_ok[] = "{\"type\":\"sample\",\"name\":\"f\","
    "\"unit\":\"ns\",\"value\":5}";
static const char test_ok[] = "{\"type\":\"test\",\"name\":\"t\","
    "\"artifact\":\"a\",\"runner\":\"native\",\"status\":\"pass\","
    "\"duration_ns\":1,\"attempt\":1}";
static const char artifact_ok[] = "{\"type\":\"artifact\",\"name\":\"t\","
    "\"path\":\"p\",\"kind\":\"test\",\"status\":\"ok\",\"target\":\"x\","
    "\"arch\":\"riscv64\",\"sha256\":\"0123456789abcdef0123456789abcdef"
    "0123456789abcdef0123456789abcdef\",\"size\":1,\"toolchain\":"
    "{\"name\":\"n\",\"version\":\"v\",\"digest\":\"d\"},\"flags\":[],"
    "\"cache\":\"hit\",\"duration_ns\":1}";
static const char wcet_ok[] = "{\"type\":\"wcet\",\"name\":\"f\","
    "\"unit\":\"ns\",\"n\":3,\"min\":1,\"mean\":2,\"median\":2,\"p99\":3,"
    "\"max\":3,\"cv\":0.5,\"method\":\"none\"}";
static const char error_ok[] = "{\"type\":\"error\",\"program\":\"hx-x\","
    "\"file\":\"stdin\",\"message\":\"m\"}";

/*
 * BASE with member KEY (a.b for a nested one) set to the JSON VALUE, or
 * removed when VALUE is NULL, must be refused with MESSAGE.
 */
static void
refused(again_fn again, const char *base, const char *key,
    const char *value, const char *want)
{
	json_t *j = parse(base), *obj = j;
	char *path = hx_xstrdup(key), *dot, *k = path, *text = NULL;
	char *message = NULL;

	while ((dot = strchr(k, '.')) != NULL) {
		*dot = '\0';
		obj = json_object_get(obj, k);
		k = dot + 1;
	}
	if (value == NULL)
		json_object_del(obj, k);
	else
		json_object_set_new(obj, k, parse(value));
	tap_ok(again(j, &text, &message) < 0, "refused: %s %s", key,
	    value ? value : "left out");
	tap_is(message, want, "  with its message");
	free(message);
	free(text);
	free(path);
	json_decref(j);
}

static void
test_refused(void)
{
	refused(again_sample, sample_ok, "value", "-1",
	    "sample value is negative");
	refused(again_sample, sample_ok, "value", "\"fast\"",
	    "sample value is not a number");
	refused(again_sample, sample_ok, "value", NULL,
	    "sample value is missing");
	refused(again_sample, sample_ok, "name", "7",
	    "sample name is not a string");
	refused(again_sample, sample_ok, "name", NULL,
	    "sample name is missing");
	refused(again_sample, sample_ok, "unit", "\"furlongs\"",
	    "sample unit is not insns, ns, cycles or bytes: furlongs");
	refused(again_sample, sample_ok, "unit", NULL,
	    "sample unit is missing");
	refused(again_sample, sample_ok, "index", "0",
	    "sample index is less than 1");
	refused(again_sample, sample_ok, "index", "1.5",
	    "sample index is not an integer");
	refused(again_sample, sample_ok, "test", "true",
	    "sample test is not a string");
	refused(again_sample, sample_ok, "time_ns", "-5",
	    "sample time_ns is negative");
	refused(again_sample, sample_ok, "labels", "[]",
	    "sample labels is not an object");
	refused(again_sample, sample_ok, "labels", "{\"node\":1}",
	    "sample labels.node is not a string");

	refused(again_test, test_ok, "name", NULL, "test name is missing");
	refused(again_test, test_ok, "artifact", NULL,
	    "test artifact is missing");
	refused(again_test, test_ok, "runner", "[]",
	    "test runner is not a string");
	refused(again_test, test_ok, "status", "\"crashed\"",
	    "test status is not pass, fail, skip, timeout or error: crashed");
	refused(again_test, test_ok, "status", NULL, "test status is missing");
	refused(again_test, test_ok, "exit_code", "-1",
	    "test exit_code is negative");
	refused(again_test, test_ok, "exit_code", "256",
	    "test exit_code is out of range");
	refused(again_test, test_ok, "signal", "0",
	    "test signal is less than 1");
	refused(again_test, test_ok, "duration_ns", "1.0",
	    "test duration_ns is not an integer");
	refused(again_test, test_ok, "duration_ns", NULL,
	    "test duration_ns is missing");
	refused(again_test, test_ok, "attempt", "0",
	    "test attempt is less than 1");
	refused(again_test, test_ok, "attempt", NULL,
	    "test attempt is missing");
	refused(again_test, test_ok, "flaky", "\"yes\"",
	    "test flaky is not a boolean");
	refused(again_test, test_ok, "quarantined", "1",
	    "test quarantined is not a boolean");
	refused(again_test, test_ok, "number", "-1",
	    "test number is negative");
	refused(again_test, test_ok, "description", "1",
	    "test description is not a string");
	refused(again_test, test_ok, "directive", "1",
	    "test directive is not a string");
	refused(again_test, test_ok, "diagnostics", "1",
	    "test diagnostics is not a string");
	refused(again_test, test_ok, "stdout_tail", "1",
	    "test stdout_tail is not a string");
	refused(again_test, test_ok, "stderr_tail", "1",
	    "test stderr_tail is not a string");
	refused(again_test, test_ok, "message", "1",
	    "test message is not a string");

	refused(again_artifact, artifact_ok, "name", NULL,
	    "artifact name is missing");
	refused(again_artifact, artifact_ok, "kind", "\"so\"",
	    "artifact kind is not exe, test or lib: so");
	refused(again_artifact, artifact_ok, "status", "\"broken\"",
	    "artifact status is not fail or ok: broken");
	refused(again_artifact, artifact_ok, "path", NULL,
	    "artifact path is missing");
	refused(again_artifact, artifact_ok, "path", "\"\"",
	    "artifact path is empty");
	refused(again_artifact, artifact_ok, "target", NULL,
	    "artifact target is missing");
	refused(again_artifact, artifact_ok, "arch", NULL,
	    "artifact arch is missing");
	refused(again_artifact, artifact_ok, "sha256", "\"ABC\"",
	    "artifact sha256 is not 64 lowercase hexadecimal digits");
	refused(again_artifact, artifact_ok, "size", "-1",
	    "artifact size is negative");
	refused(again_artifact, artifact_ok, "toolchain", "\"gcc\"",
	    "artifact toolchain is not an object");
	refused(again_artifact, artifact_ok, "toolchain.digest", NULL,
	    "artifact toolchain.digest is missing");
	refused(again_artifact, artifact_ok, "toolchain.sysroot", "0",
	    "artifact toolchain.sysroot is not a string");
	refused(again_artifact, artifact_ok, "flags", "[\"-O2\",2]",
	    "artifact flags[1] is not a string");
	refused(again_artifact, artifact_ok, "flags", NULL,
	    "artifact flags is missing");
	refused(again_artifact, artifact_ok, "commit", "\"abc\"",
	    "artifact commit is not 40 lowercase hexadecimal digits");
	refused(again_artifact, artifact_ok, "dirty", "0",
	    "artifact dirty is not a boolean");
	refused(again_artifact, artifact_ok, "cache", "\"cold\"",
	    "artifact cache is not miss or hit: cold");
	refused(again_artifact, artifact_ok, "duration_ns", "-3",
	    "artifact duration_ns is negative");
	refused(again_artifact, artifact_ok, "affected", "null",
	    "artifact affected is not a boolean");
	refused(again_artifact, artifact_ok, "needs_timing", "\"no\"",
	    "artifact needs_timing is not a boolean");
	refused(again_artifact, artifact_ok, "args", "\"200\"",
	    "artifact args is not an array");
	refused(again_artifact, artifact_ok, "args", "[200]",
	    "artifact args[0] is not a string");
	refused(again_artifact, artifact_ok, "env", "{\"N\":1}",
	    "artifact env.N is not a string");
	refused(again_artifact, artifact_ok, "env", "{\"A=B\":\"1\"}",
	    "artifact env has a name that is empty or holds '=': A=B");
	refused(again_artifact, artifact_ok, "cwd", "1",
	    "artifact cwd is not a string");
	refused(again_artifact, artifact_ok, "output_tail", "1",
	    "artifact output_tail is not a string");
	refused(again_artifact, artifact_ok, "message", "1",
	    "artifact message is not a string");
	refused(again_artifact, artifact_ok, "reproducible", "1",
	    "artifact reproducible is not a boolean");
	refused(again_artifact, artifact_ok, "project", "1",
	    "artifact project is not a string");
	refused(again_artifact, artifact_ok, "pins", "{}",
	    "artifact pins is not an array");
	refused(again_artifact, artifact_ok, "pins", "[\"w.bin\"]",
	    "artifact pins holds something other than an object");
	refused(again_artifact, artifact_ok, "pins", "[{\"sha256\":\"ab\"}]",
	    "artifact pins[].path is missing");
	refused(again_artifact, artifact_ok, "pins",
	    "[{\"path\":\"w.bin\",\"sha256\":\"AB\"}]",
	    "artifact pins[].sha256 is not 64 lowercase hexadecimal digits");

	refused(again_wcet, wcet_ok, "name", NULL, "wcet name is missing");
	refused(again_wcet, wcet_ok, "unit", "\"furlongs\"",
	    "wcet unit is not insns, ns, cycles, bytes or value: furlongs");
	refused(again_wcet, wcet_ok, "n", "0", "wcet n is less than 1");
	refused(again_wcet, wcet_ok, "max", NULL, "wcet max is missing");
	refused(again_wcet, wcet_ok, "p99", "\"high\"",
	    "wcet p99 is not a number");
	refused(again_wcet, wcet_ok, "method", "\"weibull\"",
	    "wcet method is not gev, gpd, deterministic or none: weibull");
	refused(again_wcet, wcet_ok, "estimator", "\"ols\"",
	    "wcet estimator is not mle or pwm: ols");
	refused(again_wcet, wcet_ok, "block", "0",
	    "wcet block is less than 1");
	refused(again_wcet, wcet_ok, "exceedances", "2.5",
	    "wcet exceedances is not an integer");
	refused(again_wcet, wcet_ok, "iid", "{\"ljung_box\":1}",
	    "wcet iid.ljung_box_p is missing");
	refused(again_wcet, wcet_ok, "params", "{\"mu\":1,\"sigma\":1}",
	    "wcet params.xi is missing");
	refused(again_wcet, wcet_ok, "se", "[]", "wcet se is not an object");
	refused(again_wcet, wcet_ok, "loglik", "\"-3\"",
	    "wcet loglik is not a number");
	refused(again_wcet, wcet_ok, "gof", "{\"ad\":1,\"ad_p\":1,\"ks\":1,"
	    "\"ks_p\":1,\"passed\":\"yes\"}",
	    "wcet gof.passed is not a boolean");
	refused(again_wcet, wcet_ok, "confidence", "-0.95",
	    "wcet confidence is negative");
	refused(again_wcet, wcet_ok, "pwcet", "{}",
	    "wcet pwcet is not an array");
	refused(again_wcet, wcet_ok, "pwcet", "[1]",
	    "wcet pwcet[0] is not an object");
	refused(again_wcet, wcet_ok, "pwcet", "[{\"p\":0.1,\"value\":1,"
	    "\"lo\":1,\"hi\":1},{\"value\":1}]", "wcet pwcet[1].p is missing");
	refused(again_wcet, wcet_ok, "baseline", "{\"shift\":0,\"lo\":0,"
	    "\"hi\":0,\"p\":1,\"p_adjusted\":1,\"n\":3,\"class\":\"bad\"}",
	    "wcet baseline.class is not ok, drift, regression or "
	    "insufficient: bad");
	refused(again_wcet, wcet_ok, "baseline", "{\"shift\":0,\"lo\":0,"
	    "\"hi\":0,\"p\":1,\"p_adjusted\":1,\"n\":3,\"class\":\"ok\","
	    "\"method\":\"guess\"}",
	    "wcet baseline.method is not rank or exact: guess");
	refused(again_wcet, wcet_ok, "insufficient", "1",
	    "wcet insufficient is not a boolean");
	refused(again_wcet, wcet_ok, "message", "false",
	    "wcet message is not a string");

	refused(again_error, error_ok, "program", NULL,
	    "error program is missing");
	refused(again_error, error_ok, "file", "1",
	    "error file is not a string");
	refused(again_error, error_ok, "line", "0",
	    "error line is less than 1");
	refused(again_error, error_ok, "column", "\"1\"",
	    "error column is not an integer");
	refused(again_error, error_ok, "message", NULL,
	    "error message is missing");
}

/*
 * Each base is valid, so that each refusal is for its one fault, and
 * stays valid with members no reader knows, however they look.
 */
static void
test_bases(void)
{
	static const struct {
		again_fn again;
		const char *base;
	} bases[] = {
		{ again_sample, sample_ok },
		{ again_test, test_ok },
		{ again_artifact, artifact_ok },
		{ again_wcet, wcet_ok },
		{ again_error, error_ok },
	};
	char *text, *message;
	json_t *j;
	size_t i;

	for (i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		j = parse(bases[i].base);
		json_object_set_new(j, "zz_unknown", parse("{\"type\":[1]}"));
		json_object_set_new(j, "id", json_string("r1"));
		text = message = NULL;
		tap_ok(bases[i].again(j, &text, &message) == 0 &&
		    strstr(text, "zz_unknown") == NULL,
		    "%s: valid; unknown members ignored",
		    json_string_value(json_object_get(j, "type")));
		if (message != NULL)
			printf("# %s\n", message);
		free(text);
		free(message);
		json_decref(j);
	}
}

int
main(void)
{
	test_sample();
	test_test();
	test_failed_rule();
	test_quarantine();
	test_artifact();
	test_wcet();
	test_error();
	test_bases();
	test_refused();
	return tap_done();
}
