/*
 * hx_report: JUnit, Markdown and terminal views of a verdict.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hx_err.h"
#include "report/hx_junit.h"
#include "gate/hx_report.h"

/* VALUE as text: "-" for none, JSON for a range or names; a new string. */
static char *
text_of(const struct hx_verdict_value *value)
{
	json_t *json;
	char *text;

	switch (value->kind) {
	case HX_VERDICT_NONE:
		break;
	case HX_VERDICT_NUMBER:
		if (value->number.integer)
			return hx_xasprintf("%lld", (long long)value->number.i);
		return hx_xasprintf("%.10g", value->number.x);
	case HX_VERDICT_RANGE:
	case HX_VERDICT_NAMES:
		json = hx_verdict_value_json(value);
		text = hx_json_to_string(json);
		json_decref(json);
		return text;
	}
	return hx_xstrdup("-");
}

/*
 * The decided_by list joined with ", ", a new string: each FILE:LINE,
 * with the record's id after it where it has one.
 */
static char *
decided_text(const struct hx_verdict_rule *rule)
{
	const char *at, *ref;
	char *out = hx_xstrdup(""), *more;
	size_t i;

	for (i = 0; i < rule->ndecided; i++) {
		ref = rule->decided_by[i];
		at = i < rule->nat ? rule->decided_at[i] : ref;
		more = strcmp(at, ref) == 0 ? hx_xasprintf("%s%s%s", out,
		    i ? ", " : "", at) : hx_xasprintf("%s%s%s (%s)", out,
		    i ? ", " : "", at, ref);
		free(out);
		out = more;
	}
	return out;
}

/* The message of RULE, a new string; empty when it has none. */
static char *
message_of(const struct hx_verdict_rule *rule)
{
	char *message = hx_verdict_rule_message(rule);

	return message != NULL ? message : hx_xstrdup("");
}

/* Whether RULE fails the gate. */
static bool
fails(const struct hx_verdict_rule *rule)
{
	return rule->status == HX_VERDICT_FAIL && !rule->advisory;
}

/* Add RULE to JUNIT as a test case of the class SUITE. */
static void
junit_case(struct hx_junit *junit, const struct hx_verdict_rule *rule,
    const char *suite)
{
	struct hx_junit_case c = { .classname = suite, .name = rule->name };
	char *observed = text_of(&rule->observed);
	char *limit = text_of(&rule->limit);
	char *decided = decided_text(rule), *message = message_of(rule);
	char *title, *body;

	title = hx_xasprintf("%s: observed %s, limit %s", rule->kind,
	    observed, limit);
	body = hx_xasprintf("observed: %s\nlimit: %s\ndecided by: %s\n%s%s",
	    observed, limit, *decided ? decided : "-", message,
	    *message ? "\n" : "");
	c.message = title;
	c.body = body;
	if (fails(rule)) {
		c.status = HX_JUNIT_FAILURE;
		c.type = rule->kind;
	} else if (rule->status == HX_VERDICT_SKIP)
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
	free(title);
	free(body);
}

int
hx_report_junit(const struct hx_verdict *verdict, const char *suite,
    FILE *fp)
{
	struct hx_junit *junit = hx_junit_new("hx-gate");
	size_t i;
	int rc;

	hx_junit_suite(junit, suite);
	for (i = 0; i < verdict->nrules; i++)
		junit_case(junit, &verdict->rules[i], suite);
	rc = hx_junit_write_stream(junit, fp);
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

/* Write VALUE of RULE into a cell, with its unit. */
static void
value_cell(FILE *fp, const struct hx_verdict_rule *rule,
    const struct hx_verdict_value *value)
{
	char *text = text_of(value);

	cell(fp, text);
	if (rule->unit != NULL && value->kind != HX_VERDICT_NONE)
		fprintf(fp, " %s", rule->unit);
	free(text);
}

static double
number_of(const struct hx_verdict_number *n)
{
	return n->integer ? (double)n->i : n->x;
}

/*
 * The headroom of a rule with an upper limit (pwcet, flaky-rate): how far
 * under the limit the observed value is, in percent of the limit.
 */
static void
headroom_cell(FILE *fp, const struct hx_verdict_rule *rule)
{
	double observed, limit;

	if ((strcmp(rule->kind, "pwcet") != 0 &&
	    strcmp(rule->kind, "flaky-rate") != 0) ||
	    rule->observed.kind != HX_VERDICT_NUMBER ||
	    rule->limit.kind != HX_VERDICT_NUMBER ||
	    (limit = number_of(&rule->limit.number)) <= 0) {
		fputs("-", fp);
		return;
	}
	observed = number_of(&rule->observed.number);
	fprintf(fp, "%+.1f%%", 100 * (limit - observed) / limit);
}

/* One row of the Markdown table. */
static void
markdown_row(FILE *fp, const struct hx_verdict *verdict,
    const struct hx_verdict_rule *rule)
{
	const struct hx_verdict_cause *cause;
	char *decided = decided_text(rule);

	fputs("| ", fp);
	cell(fp, rule->name);
	fputs(" | ", fp);
	cell(fp, rule->kind);
	if (rule->p > 0) {
		fputs(": group `", fp);
		cell(fp, rule->group != NULL ? rule->group : "-");
		fprintf(fp, "`, p = %g", rule->p);
	}
	fputs(" | ", fp);
	if (rule->status == HX_VERDICT_PASS)
		fputs("pass", fp);
	else if (rule->status == HX_VERDICT_SKIP)
		fputs("skip", fp);
	else
		fputs(rule->advisory ? "**fail** (advisory)" : "**FAIL**", fp);
	if ((cause = hx_verdict_cause_of(verdict, rule)) != NULL) {
		fputs(strcmp(rule->kind, "tests-pass") == 0 ? " (root cause: `" :
		    " (consequence of `", fp);
		cell(fp, cause->test);
		fputs("`)", fp);
	}
	fputs(" | ", fp);
	if (rule->counts_tests) {
		fprintf(fp, "%zu of %zu tests passed", rule->passed,
		    rule->tests);
		fputs(" | no failures", fp);
	} else {
		value_cell(fp, rule, &rule->observed);
		fputs(" | ", fp);
		value_cell(fp, rule, &rule->limit);
	}
	fputs(" | ", fp);
	headroom_cell(fp, rule);
	fputs(" | ", fp);
	cell(fp, *decided ? decided : "-");
	fputs(" |\n", fp);
	free(decided);
}

/*
 * Each failed test's own output, once, as the root cause, and the rules
 * that failed because of it.
 */
static void
markdown_causes(FILE *fp, const struct hx_verdict *verdict)
{
	const struct hx_verdict_cause *c;
	size_t i, k, n;

	for (i = 0; i < verdict->ncauses; i++) {
		c = &verdict->causes[i];
		fprintf(fp, "### Root cause: test `%s` failed\n\n", c->test);
		fprintf(fp, "Its record: %s", c->at);
		if (strcmp(c->at, c->ref) != 0)
			fprintf(fp, " (%s)", c->ref);
		fputs(".\n\n", fp);
		if (*c->output != '\0')
			fprintf(fp, "````\n%s%s````\n\n", c->output,
			    c->output[strlen(c->output) - 1] == '\n' ? "" :
			    "\n");
		fputs("Rules failed because of it:", fp);
		for (k = n = 0; k < verdict->nrules; k++)
			if (hx_verdict_cause_of(verdict, &verdict->rules[k]) ==
			    c)
				fprintf(fp, "%s %s", n++ ? "," : "",
				    verdict->rules[k].name);
		fputs(".\n\n", fp);
	}
}

/* The line under the title: commit, toolchain, policy, records. */
static void
markdown_provenance(FILE *fp, const struct hx_verdict *verdict)
{
	if (verdict->commit != NULL)
		fprintf(fp, "Commit `%.12s`", verdict->commit);
	else
		fputs("Commit unknown", fp);
	fputs(", toolchain ", fp);
	if (verdict->toolchain != NULL) {
		fputs("`", fp);
		cell(fp, verdict->toolchain);
		fputs("`", fp);
	} else
		fputs("unknown", fp);
	fprintf(fp, ", policy `%s`, %lu records", verdict->policy,
	    verdict->records);
	if (verdict->baseline != NULL)
		fprintf(fp, ", baseline `%s`", verdict->baseline);
	fputs(".\n\n", fp);
}

/*
 * The index of S in the N strings of LIST, added when not there: N
 * grows.
 */
static size_t
index_of(const char **list, size_t *n, const char *s)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp(list[i], s) == 0)
			return i;
	list[(*n)++] = s;
	return i;
}

/*
 * The pwcet entries of groups measured under load profiles side by side:
 * a row per group, a column per profile, in the order they came.
 */
static void
markdown_profiles(FILE *fp, const struct hx_verdict *verdict)
{
	const struct hx_verdict_rule **cells, *rule;
	const char **groups, **profiles;
	size_t ng = 0, np = 0, i, g, p;

	groups = hx_xcalloc(verdict->nrules + 1, sizeof(*groups));
	profiles = hx_xcalloc(verdict->nrules + 1, sizeof(*profiles));
	cells = hx_xcalloc((verdict->nrules + 1) * (verdict->nrules + 1),
	    sizeof(*cells));
	for (i = 0; i < verdict->nrules; i++) {
		rule = &verdict->rules[i];
		if (rule->profile == NULL || rule->group == NULL)
			continue;
		g = index_of(groups, &ng, rule->group);
		p = index_of(profiles, &np, rule->profile);
		if (cells[g * verdict->nrules + p] == NULL)
			cells[g * verdict->nrules + p] = rule;
	}
	if (ng > 0) {
		fputs("### pWCET by load profile\n\n| Test |", fp);
		for (p = 0; p < np; p++) {
			fputc(' ', fp);
			cell(fp, profiles[p]);
			fputs(" |", fp);
		}
		fputs("\n|---|", fp);
		for (p = 0; p < np; p++)
			fputs("---|", fp);
		fputc('\n', fp);
	}
	for (g = 0; g < ng; g++) {
		fputs("| ", fp);
		cell(fp, groups[g]);
		fputs(" |", fp);
		for (p = 0; p < np; p++) {
			fputc(' ', fp);
			if ((rule = cells[g * verdict->nrules + p]) == NULL)
				fputs("-", fp);
			else {
				fputs(rule->status == HX_VERDICT_PASS ? "pass" :
				    rule->status == HX_VERDICT_SKIP ? "skip" :
				    "**FAIL**", fp);
				fputs(": ", fp);
				value_cell(fp, rule, &rule->observed);
				fputs(" of ", fp);
				value_cell(fp, rule, &rule->limit);
			}
			fputs(" |", fp);
		}
		fputc('\n', fp);
	}
	if (ng > 0)
		fputc('\n', fp);
	free(groups);
	free(profiles);
	free(cells);
}

char *
hx_report_markdown(const struct hx_verdict *verdict, const char *suite)
{
	const struct hx_verdict_rule *rule;
	char *buf = NULL, *message;
	size_t len = 0, i;
	FILE *fp = open_memstream(&buf, &len);

	if (fp == NULL)
		hx_err_out_of_memory();
	fprintf(fp, "## hx-gate: %s %s\n\n", verdict->status ==
	    HX_VERDICT_PASS ? ":white_check_mark: PASS" : ":x: FAIL", suite);
	markdown_provenance(fp, verdict);
	if (verdict->message != NULL) {
		fputs("**", fp);
		cell(fp, verdict->message);
		fputs("**\n\n", fp);
	}
	markdown_causes(fp, verdict);
	fputs("| Rule | Kind | Status | Observed | Limit | Headroom | "
	    "Decided by |\n|---|---|---|---|---|---|---|\n", fp);
	for (i = 0; i < verdict->nrules; i++)
		markdown_row(fp, verdict, &verdict->rules[i]);
	fputs("\n", fp);
	markdown_profiles(fp, verdict);
	for (i = 0; i < verdict->nrules; i++) {
		rule = &verdict->rules[i];
		if (rule->nmessages == 0 || rule->status == HX_VERDICT_PASS)
			continue;
		message = hx_verdict_rule_message(rule);
		fprintf(fp, "- **%s** (%s): ", rule->name,
		    hx_verdict_status_name(rule->status));
		cell(fp, message);
		fputs("\n", fp);
		free(message);
	}
	if (fclose(fp) != 0)
		hx_err_out_of_memory();
	return buf;
}

void
hx_report_stderr(const struct hx_verdict *verdict)
{
	const struct hx_verdict_rule *rule;
	char *observed, *limit, *message;
	size_t i;

	for (i = 0; i < verdict->nrules; i++) {
		rule = &verdict->rules[i];
		if (rule->status == HX_VERDICT_PASS)
			continue;
		observed = text_of(&rule->observed);
		limit = text_of(&rule->limit);
		message = message_of(rule);
		hx_warn("%s %s%s: observed %s, limit %s%s%s",
		    hx_verdict_status_name(rule->status), rule->name,
		    rule->advisory ? " (advisory)" : "", observed, limit,
		    *message ? ": " : "", message);
		free(observed);
		free(limit);
		free(message);
	}
	hx_warn("%s%s%s", verdict->status == HX_VERDICT_PASS ? "pass" : "FAIL",
	    verdict->message != NULL ? ": " : "",
	    verdict->message != NULL ? verdict->message : "");
}
