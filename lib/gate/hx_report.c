/*
 * hx_report: JUnit, Markdown and terminal views of a gate record.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hx_err.h"
#include "report/hx_junit.h"
#include "gate/hx_report.h"

static const char *
str(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s != NULL ? s : "";
}

/* VALUE as compact JSON text, a new string; "-" for null or absent. */
static char *
text_of(const json_t *value)
{
	if (value == NULL || json_is_null(value))
		return hx_xstrdup("-");
	if (json_is_string(value))
		return hx_xstrdup(json_string_value(value));
	if (json_is_integer(value))
		return hx_xasprintf("%lld",
		    (long long)json_integer_value(value));
	if (json_is_real(value))
		return hx_xasprintf("%.10g", json_real_value(value));
	if (json_is_boolean(value))
		return hx_xstrdup(json_is_true(value) ? "true" : "false");
	return hx_json_to_string(value);
}

/* The decided_by list joined with ", ", a new string. */
static char *
decided_text(const json_t *rule)
{
	char *out = hx_xstrdup(""), *more;
	json_t *ref;
	size_t i;

	json_array_foreach(json_object_get(rule, "decided_by"), i, ref) {
		more = hx_xasprintf("%s%s%s", out, i ? ", " : "",
		    json_string_value(ref));
		free(out);
		out = more;
	}
	return out;
}

int
hx_report_junit(const json_t *gate, const char *suite, const char *path)
{
	struct hx_junit *junit = hx_junit_new("hx-gate");
	struct hx_junit_case c;
	char *observed, *limit, *decided, *message, *body;
	const char *status;
	json_t *rule;
	size_t i;
	int rc;

	hx_junit_suite(junit, suite);
	json_array_foreach(json_object_get(gate, "rules"), i, rule) {
		memset(&c, 0, sizeof(c));
		status = str(rule, "status");
		observed = text_of(json_object_get(rule, "observed"));
		limit = text_of(json_object_get(rule, "limit"));
		decided = decided_text(rule);
		message = hx_xasprintf("%s: observed %s, limit %s",
		    str(rule, "rule"), observed, limit);
		body = hx_xasprintf("observed: %s\nlimit: %s\n"
		    "decided by: %s\n%s%s", observed, limit,
		    *decided ? decided : "-", str(rule, "message"),
		    *str(rule, "message") ? "\n" : "");
		c.classname = suite;
		c.name = str(rule, "name");
		c.message = message;
		c.body = body;
		if (strcmp(status, "fail") == 0 &&
		    !json_is_true(json_object_get(rule, "advisory"))) {
			c.status = HX_JUNIT_FAILURE;
			c.type = str(rule, "rule");
		} else if (strcmp(status, "skip") == 0)
			c.status = HX_JUNIT_SKIPPED;
		else {
			c.status = HX_JUNIT_PASS;
			c.body = NULL;
			c.system_out = body;
		}
		hx_junit_add(junit, &c);
		free(observed);
		free(limit);
		free(decided);
		free(message);
		free(body);
	}
	rc = hx_junit_write(junit, path);
	hx_junit_free(junit);
	return rc;
}

/* Write S into a Markdown table cell: pipes escaped, newlines as <br>. */
static void
cell(FILE *fp, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '|')
			fputs("\\|", fp);
		else if (*s == '\n')
			fputs("<br>", fp);
		else if (*s == '<')
			fputs("&lt;", fp);
		else
			fputc(*s, fp);
	}
}

char *
hx_report_markdown(const json_t *gate, const char *suite)
{
	char *buf = NULL, *observed, *limit, *decided;
	const char *status, *mark;
	size_t len = 0, i;
	json_t *rule;
	FILE *fp = open_memstream(&buf, &len);

	if (fp == NULL)
		hx_err_errno(HX_EXIT_SYSTEM, "open_memstream");
	status = str(gate, "status");
	fprintf(fp, "## hx-gate: %s %s\n\n", strcmp(status, "pass") == 0 ?
	    ":white_check_mark: PASS" : ":x: FAIL", suite);
	fprintf(fp, "Policy `%s`, %lld records", str(gate, "policy"),
	    (long long)json_integer_value(json_object_get(gate, "records")));
	if (*str(gate, "baseline"))
		fprintf(fp, ", baseline `%s`", str(gate, "baseline"));
	fputs(".\n\n", fp);
	if (*str(gate, "message")) {
		fputs("**", fp);
		cell(fp, str(gate, "message"));
		fputs("**\n\n", fp);
	}
	fputs("| Rule | Kind | Status | Observed | Limit | Decided by |\n"
	    "|---|---|---|---|---|---|\n", fp);
	json_array_foreach(json_object_get(gate, "rules"), i, rule) {
		status = str(rule, "status");
		mark = strcmp(status, "pass") == 0 ? "pass" :
		    strcmp(status, "skip") == 0 ? "skip" :
		    json_is_true(json_object_get(rule, "advisory")) ?
		    "**fail** (advisory)" : "**FAIL**";
		observed = text_of(json_object_get(rule, "observed"));
		limit = text_of(json_object_get(rule, "limit"));
		decided = decided_text(rule);
		fputs("| ", fp);
		cell(fp, str(rule, "name"));
		fprintf(fp, " | %s | %s | ", str(rule, "rule"), mark);
		cell(fp, observed);
		if (*str(rule, "unit"))
			fprintf(fp, " %s", str(rule, "unit"));
		fputs(" | ", fp);
		cell(fp, limit);
		if (*str(rule, "unit"))
			fprintf(fp, " %s", str(rule, "unit"));
		fputs(" | ", fp);
		cell(fp, *decided ? decided : "-");
		fputs(" |\n", fp);
		free(observed);
		free(limit);
		free(decided);
	}
	fputs("\n", fp);
	json_array_foreach(json_object_get(gate, "rules"), i, rule) {
		if (!*str(rule, "message") || strcmp(str(rule, "status"),
		    "pass") == 0)
			continue;
		fprintf(fp, "- **%s** (%s): ", str(rule, "name"),
		    str(rule, "status"));
		cell(fp, str(rule, "message"));
		fputs("\n", fp);
	}
	if (fclose(fp) != 0)
		hx_err_errno(HX_EXIT_SYSTEM, "open_memstream");
	return buf;
}

void
hx_report_stderr(const json_t *gate)
{
	char *observed, *limit;
	json_t *rule;
	size_t i;

	json_array_foreach(json_object_get(gate, "rules"), i, rule) {
		if (strcmp(str(rule, "status"), "pass") == 0)
			continue;
		observed = text_of(json_object_get(rule, "observed"));
		limit = text_of(json_object_get(rule, "limit"));
		hx_warn("%s %s%s: observed %s, limit %s%s%s",
		    str(rule, "status"), str(rule, "name"),
		    json_is_true(json_object_get(rule, "advisory")) ?
		    " (advisory)" : "", observed, limit,
		    *str(rule, "message") ? ": " : "", str(rule, "message"));
		free(observed);
		free(limit);
	}
	hx_warn("%s%s%s", strcmp(str(gate, "status"), "pass") == 0 ? "pass" :
	    "FAIL", *str(gate, "message") ? ": " : "", str(gate, "message"));
}
