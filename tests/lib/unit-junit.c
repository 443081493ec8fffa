/*
 * unit-junit: a JUnit report with every kind of case and hostile text,
 * checked against the Jenkins xunit schema with xmllint.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hx_err.h"
#include "report/hx_junit.h"
#include "report/hx_junit_run.h"
#include "rec/hx_test.h"
#include "hx_spawn.h"
#include "../tap.h"

static char *
slurp(const char *path)
{
	static char buf[65536];
	FILE *fp = fopen(path, "r");
	size_t n;

	if (fp == NULL)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

/*
 * The test records of a run as a suite: the error first, a quarantined
 * failure skipped, TAP points without a time of their own and the suite
 * timed by its two runs.
 */
static void
check_run(void)
{
	struct hx_junit *j = hx_junit_new("hx-emu");
	struct hx_test t[3];
	char *mem = NULL;
	size_t memlen = 0, i;
	FILE *fp;

	for (i = 0; i < 3; i++) {
		hx_test_init(&t[i]);
		t[i].name = "point";
		t[i].status = HX_STATUS_PASS;
		t[i].number = (int64_t)i % 2 + 1;
		t[i].duration_ns = 2000000000;
	}
	t[1].status = HX_STATUS_FAIL;
	t[1].quarantined = true;
	t[1].message = "wrong";
	hx_junit_run_add(j, "tap", "qemu is missing", t, 3);
	hx_junit_run_skip(j, "old", "no file changed since HEAD feeds it");
	fp = open_memstream(&mem, &memlen);
	tap_ok(fp != NULL && hx_junit_write_stream(j, fp) == 0 &&
	    fclose(fp) == 0, "a run is written");
	tap_ok(mem != NULL && strstr(mem, "<testcase name=\"tap\" "
	    "classname=\"tap\" time=\"0.000\">\n      <error "
	    "message=\"qemu is missing\" type=\"error\">qemu is "
	    "missing</error>") != NULL,
	    "a run that could not happen is an error case");
	tap_ok(mem != NULL && strstr(mem, "<skipped message=\"quarantined: "
	    "fail: wrong\">") != NULL, "a quarantined failure is skipped");
	tap_ok(mem != NULL && strstr(mem, "name=\"point\" time=") == NULL &&
	    strstr(mem, "name=\"tap\" tests=\"4\" failures=\"0\" "
	    "errors=\"1\" skipped=\"1\" time=\"4.000") != NULL,
	    "TAP points are timed by their two runs");
	tap_ok(mem != NULL && strstr(mem, "<testcase name=\"old\" "
	    "classname=\"old\" time=\"0.000\">\n      <skipped "
	    "message=\"no file changed since HEAD feeds it\"/>") != NULL,
	    "a test left out is skipped");
	free(mem);
	hx_junit_free(j);
}

int
main(void)
{
	const char *srcdir = getenv("top_srcdir");
	char *schema = hx_xasprintf("%s/tests/files/junit-10.xsd",
	    srcdir != NULL ? srcdir : ".");
	char path[] = "/tmp/hx-unit-junit.XXXXXX";
	struct hx_junit *j = hx_junit_new("hx-emu");
	struct hx_junit_case c = { 0 };
	struct hx_spawn spec = { 0 };
	struct hx_spawn_result res;
	char *text, *mem = NULL;
	size_t memlen = 0;
	FILE *fp;
	int fd;

	hx_junit_suite(j, "tinyinfer");
	c.classname = "tinyinfer";
	c.name = "mlp passes";
	c.time_ns = 1234567890;
	hx_junit_add(j, &c);
	c.name = "conv <fails> & \"quotes\"";
	c.status = HX_JUNIT_FAILURE;
	c.message = "exit status 1";
	c.body = "assert failed: a < b && c > 'd'\n\x01\xff bad bytes";
	c.system_out = "stdout tail \xc3\xa9";
	c.system_err = "stderr tail";
	hx_junit_add(j, &c);
	c.name = "slow";
	c.status = HX_JUNIT_ERROR;
	c.type = "timeout";
	c.message = "killed after 10 s";
	c.body = NULL;
	c.system_out = c.system_err = NULL;
	hx_junit_add(j, &c);
	hx_junit_suite(j, "second");
	c.name = "not for this arch";
	c.status = HX_JUNIT_SKIPPED;
	c.type = NULL;
	c.message = "SKIP riscv only";
	hx_junit_add(j, &c);
	hx_junit_suite(j, "tap");
	hx_junit_suite_time(j, 1000000000);
	c.name = "point 1";
	c.status = HX_JUNIT_PASS;
	c.message = NULL;
	c.time_ns = -1;
	hx_junit_add(j, &c);

	if ((fd = mkstemp(path)) >= 0)
		close(fd);
	tap_ok(hx_junit_write(j, path) == 0, "the report is written");
	text = slurp(path);
	tap_ok(text != NULL && strstr(text, "<testsuites name=\"hx-emu\" "
	    "tests=\"5\" failures=\"1\" errors=\"1\" time=\"5.938\">") != NULL,
	    "totals on testsuites");
	tap_ok(text != NULL && strstr(text, "<testsuite name=\"tap\" tests=\"1\" "
	    "failures=\"0\" errors=\"0\" skipped=\"0\" time=\"1.000\">\n"
	    "    <testcase name=\"point 1\" classname=\"tinyinfer\"/>") != NULL,
	    "a case of no known time has no time; its suite's own time counts");
	tap_ok(text != NULL && strstr(text, "name=\"conv &lt;fails&gt; &amp; "
	    "&quot;quotes&quot;\"") != NULL, "attributes are escaped");
	tap_ok(text != NULL && strstr(text, "<failure message=\"exit status 1\">"
	    "assert failed: a &lt; b &amp;&amp; c &gt; &apos;d&apos;\n"
	    "\xef\xbf\xbd\xef\xbf\xbd bad bytes</failure>") != NULL,
	    "the failure body is escaped and bad bytes replaced");
	tap_ok(text != NULL && strstr(text, "<error message=\"killed after 10 s\" "
	    "type=\"timeout\"/>") != NULL, "an error with its type");
	tap_ok(text != NULL && strstr(text, "<skipped message=\"SKIP riscv "
	    "only\"/>") != NULL, "a skipped case");
	fp = open_memstream(&mem, &memlen);
	tap_ok(fp != NULL && hx_junit_write_stream(j, fp) == 0 &&
	    fclose(fp) == 0 && text != NULL && strcmp(mem, text) == 0,
	    "written to a stream, the same bytes as to a file");
	fp = fopen("/dev/full", "w");
	tap_ok(fp == NULL || (setvbuf(fp, NULL, _IONBF, 0) == 0 &&
	    hx_junit_write_stream(j, fp) < 0), "a stream that fails is told");
	if (fp != NULL)
		fclose(fp);
	tap_ok(hx_junit_write(j, "/nonexistent/dir/j.xml") < 0,
	    "a path that cannot be written is told");

	if (schema != NULL && access(schema, R_OK) == 0 &&
	    (spec.argv = (char *[]){ (char *)"xmllint", (char *)"--noout",
	    (char *)"--schema", (char *)schema, path, NULL },
	    spec.capture = true, hx_spawn_run(&spec, &res) == 0)) {
		tap_ok(res.exited && res.status == 0,
		    "xmllint validates it against junit-10.xsd");
		if (!(res.exited && res.status == 0))
			printf("# %s\n", res.err);
		hx_spawn_result_free(&res);
	} else if (getenv("HX_TEST_REQUIRE") != NULL &&
	    strcmp(getenv("HX_TEST_REQUIRE"), "1") == 0) {
		tap_ok(0, "xmllint or the schema is missing (libxml2-utils)");
	} else
		printf("ok %d - xmllint validation # SKIP xmllint or schema "
		    "missing\n", ++tap_count);
	unlink(path);
	free(mem);
	free(schema);
	hx_junit_free(j);
	check_run();
	return tap_done();
}
