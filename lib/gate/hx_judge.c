/*
 * hx_judge: rule evaluation.
 *
 * Each rule gives one entry of the verdict's rules list (a pwcet rule one
 * per budget): its status, what was observed, the limit, and the records
 * that decided it.  A rule with nothing to judge fails: a gate never
 * passes on an absence of evidence.  The record types with a module in
 * lib/rec are read and checked by it; the rules use those structs, and the
 * JSON only where a policy names fields itself (required, custom).
 */
#include "config.h"

#include <fnmatch.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hx_err.h"
#include "gate/hx_judge.h"
#include "rec/hx_field.h"
#include "stats/hx_drift.h"

/* At most this many references in one rule's decided_by. */
#define DECIDED_MAX 100

/* One entry of the rules list while it is being built. */
struct outcome {
	struct hx_verdict_rule rule;
	size_t unlisted;	/* records that decided it past DECIDED_MAX */
};

/* Append S (taken over) to the list *V of *N strings. */
static void
push(char ***v, size_t *n, char *s)
{
	*v = hx_xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = s;
}

static void
outcome_start(struct outcome *o, const struct hx_rule *rule, const char *name)
{
	memset(o, 0, sizeof(*o));
	o->rule.name = hx_xstrdup(name);
	o->rule.kind = hx_xstrdup(rule->kind_name);
	o->rule.advisory = rule->advisory;
}

static void
decide(struct outcome *o, const struct hx_judge_record *r)
{
	if (o->rule.ndecided == DECIDED_MAX) {
		o->unlisted++;
		return;
	}
	push(&o->rule.decided_by, &o->rule.ndecided, hx_xstrdup(r->ref));
	push(&o->rule.decided_at, &o->rule.nat, hx_xstrdup(r->at));
}

static void HX_PRINTF(2, 3)
say(struct outcome *o, const char *fmt, ...)
{
	char *text;
	va_list ap;

	va_start(ap, fmt);
	text = hx_xvasprintf(fmt, ap);
	va_end(ap);
	push(&o->rule.messages, &o->rule.nmessages, text);
}

static void
outcome_add(struct outcome *o, struct hx_verdict *verdict)
{
	verdict->rules = hx_xrealloc(verdict->rules, (verdict->nrules + 1) *
	    sizeof(*verdict->rules));
	verdict->rules[verdict->nrules++] = o->rule;
}

/* Finish O with its status, what it OBSERVED and its LIMIT. */
static void
outcome_end(struct outcome *o, struct hx_verdict *verdict, bool pass,
    struct hx_verdict_value observed, struct hx_verdict_value limit)
{
	o->rule.status = pass ? HX_VERDICT_PASS : HX_VERDICT_FAIL;
	o->rule.observed = observed;
	o->rule.limit = limit;
	if (o->unlisted > 0)
		say(o, "%zu more records decided it (not listed)", o->unlisted);
	outcome_add(o, verdict);
}

static void
outcome_skip(struct outcome *o, struct hx_verdict *verdict)
{
	o->rule.status = HX_VERDICT_SKIP;
	outcome_add(o, verdict);
}

/* Values: ----------------------------------------------------------------- */

static const struct hx_verdict_value none;

static struct hx_verdict_number
integer(int64_t i)
{
	return (struct hx_verdict_number){ .integer = true, .i = i };
}

static struct hx_verdict_number
real(double x)
{
	return (struct hx_verdict_number){ .x = x };
}

/* A value that is a whole number becomes an integer. */
static struct hx_verdict_number
number(double x)
{
	if (x == floor(x) && fabs(x) < 9e15)
		return integer((int64_t)x);
	return real(x);
}

/* A rate or a shift, rounded so reports stay readable. */
static struct hx_verdict_number
rounded(double x)
{
	return real(round(x * 1e6) / 1e6);
}

/* A number of the policy, an integer or a real as it was written. */
static struct hx_verdict_number
policy_number(const json_t *v)
{
	if (json_is_integer(v))
		return integer(json_integer_value(v));
	return real(json_number_value(v));
}

static struct hx_verdict_value
one(struct hx_verdict_number n)
{
	return (struct hx_verdict_value){ .kind = HX_VERDICT_NUMBER,
	    .number = n };
}

static struct hx_verdict_value
range(struct hx_verdict_number min, struct hx_verdict_number max)
{
	return (struct hx_verdict_value){ .kind = HX_VERDICT_RANGE,
	    .min = min, .max = max };
}

static struct hx_verdict_value
count(size_t n)
{
	return one(integer((int64_t)n));
}

/* Records: ---------------------------------------------------------------- */

/* The string member KEY of RECORD, or NULL. */
static const char *
str(const json_t *record, const char *key)
{
	return json_string_value(json_object_get(record, key));
}

void
hx_judge_init(struct hx_judge *judge, const struct hx_policy *policy)
{
	const json_t *match;
	size_t i;

	memset(judge, 0, sizeof(*judge));
	judge->policy = policy;
	for (i = 0; i < policy->nrules; i++) {
		if (policy->rules[i].kind != HX_RULE_CUSTOM &&
		    policy->rules[i].kind != HX_RULE_REQUIRED)
			continue;
		match = json_object_get(policy->rules[i].spec, "match");
		if (policy->rules[i].kind == HX_RULE_CUSTOM &&
		    !json_is_string(json_object_get(match, "type")))
			judge->parse_all = true;
	}
}

/* The record types read by their modules, in the order of the kinds. */
static const char *const typed[] = { "", "test", "sample", "wcet",
    "artifact", "error", "stage", NULL };

/* Whether a rule looks inside records of TYPE, so that they are kept. */
static bool
judged(const struct hx_judge *judge, const char *type)
{
	static const char *const always[] = { "test", "wcet", "artifact",
	    "error", NULL };
	const struct hx_rule *r;
	size_t i;

	if (judge->parse_all || hx_field_index(always, type) >= 0)
		return true;
	for (i = 0; i < judge->policy->nrules; i++) {
		r = &judge->policy->rules[i];
		if (r->kind == HX_RULE_CUSTOM && strcmp(type, str(
		    json_object_get(r->spec, "match"), "type")) == 0)
			return true;
		if (r->kind == HX_RULE_REQUIRED &&
		    strcmp(type, str(r->spec, "type")) == 0)
			return true;
		if (r->kind == HX_RULE_STAGE_DRIFT &&
		    strcmp(type, "stage") == 0)
			return true;
	}
	return false;
}

bool
hx_judge_wants(const struct hx_judge *judge, const char *type)
{
	return hx_field_index(typed, type) > 0 || judged(judge, type);
}

/*
 * Read JSON into R by its module when R's type has one.  Returns 0, or
 * -1 with *MESSAGE.
 */
static int
read_typed(struct hx_judge_record *r, const json_t *json, char **message)
{
	int kind = hx_field_index(typed, r->type);

	r->kind = kind > 0 ? (enum hx_judge_kind)kind : HX_JUDGE_OTHER;
	switch (r->kind) {
	case HX_JUDGE_TEST:
		return hx_test_read(json, &r->as.test, message);
	case HX_JUDGE_SAMPLE:
		return hx_sample_read(json, &r->as.sample, message);
	case HX_JUDGE_WCET:
		return hx_wcet_read(json, &r->as.wcet, message);
	case HX_JUDGE_ARTIFACT:
		return hx_artifact_read(json, &r->as.artifact, message);
	case HX_JUDGE_ERROR:
		return hx_error_read(json, &r->as.error, message);
	case HX_JUDGE_STAGE:
		return hx_stage_read(json, &r->as.stage, message);
	case HX_JUDGE_OTHER:
		break;
	}
	return 0;
}

static void
record_clear(struct hx_judge_record *r)
{
	switch (r->kind) {
	case HX_JUDGE_TEST:
		hx_test_clear(&r->as.test);
		break;
	case HX_JUDGE_SAMPLE:
		hx_sample_clear(&r->as.sample);
		break;
	case HX_JUDGE_WCET:
		hx_wcet_clear(&r->as.wcet);
		break;
	case HX_JUDGE_ARTIFACT:
		hx_artifact_clear(&r->as.artifact);
		break;
	case HX_JUDGE_ERROR:
		hx_error_clear(&r->as.error);
		break;
	case HX_JUDGE_STAGE:
		hx_stage_clear(&r->as.stage);
		break;
	case HX_JUDGE_OTHER:
		break;
	}
	free(r->type);
	free(r->ref);
	free(r->at);
	json_decref(r->json);
}

/*
 * Count a record of TYPE; the first of its type keeps REF and AT (its
 * FILE:LINE) for stages.
 */
static void
count_type(struct hx_judge *judge, const char *type, const char *ref,
    const char *at)
{
	size_t i;

	judge->total++;
	for (i = 0; i < judge->ntypes; i++)
		if (strcmp(judge->types[i].type, type) == 0)
			return;
	judge->types = hx_xrealloc(judge->types, (judge->ntypes + 1) *
	    sizeof(*judge->types));
	judge->types[judge->ntypes].type = hx_xstrdup(type);
	judge->types[judge->ntypes].first_at = hx_xstrdup(at);
	judge->types[judge->ntypes++].first_ref = hx_xstrdup(ref);
}

int
hx_judge_add(struct hx_judge *judge, const char *type, const char *file,
    unsigned long line, json_t *json, char **message)
{
	struct hx_judge_record r = { .type = hx_xstrdup(type) };
	const char *id = json_string_value(json_object_get(json, "id"));

	if (json != NULL && read_typed(&r, json, message) < 0) {
		free(r.type);
		return -1;
	}
	r.at = hx_xasprintf("%s:%lu", file, line);
	r.ref = hx_xstrdup(id != NULL ? id : r.at);
	count_type(judge, type, r.ref, r.at);
	if (json == NULL || !judged(judge, type)) {
		/* Checked, counted, and of no rule's concern. */
		record_clear(&r);
		return 0;
	}
	r.json = json_incref(json);
	if (judge->nrecords == judge->cap) {
		judge->cap = judge->cap ? 2 * judge->cap : 256;
		judge->records = hx_xrealloc(judge->records,
		    judge->cap * sizeof(*judge->records));
	}
	judge->records[judge->nrecords++] = r;
	return 0;
}

void
hx_judge_free(struct hx_judge *judge)
{
	size_t i;

	for (i = 0; i < judge->nrecords; i++)
		record_clear(&judge->records[i]);
	free(judge->records);
	for (i = 0; i < judge->ntypes; i++) {
		free(judge->types[i].type);
		free(judge->types[i].first_ref);
		free(judge->types[i].first_at);
	}
	free(judge->types);
	memset(judge, 0, sizeof(*judge));
}

/* The value at the dotted PATH ("baseline.class") in RECORD, or NULL. */
static json_t *
field(const json_t *record, const char *path)
{
	char buf[256], *part, *save = NULL;
	json_t *v = (json_t *)record;

	snprintf(buf, sizeof(buf), "%s", path);
	for (part = strtok_r(buf, ".", &save); part != NULL && v != NULL;
	    part = strtok_r(NULL, ".", &save))
		v = json_object_get(v, part);
	return v;
}

/*
 * Whether R matches MATCH: every member names a field that equals its
 * value; a string value is a shell pattern (fnmatch(3)).
 */
static bool
matches(const struct hx_judge_record *r, const json_t *match)
{
	const char *key;
	json_t *want, *have;

	json_object_foreach((json_t *)match, key, want) {
		have = field(r->json, key);
		if (have == NULL)
			return false;
		if (json_is_string(want) && json_is_string(have)) {
			if (fnmatch(json_string_value(want),
			    json_string_value(have), 0) != 0)
				return false;
		} else if (!json_equal(want, have))
			return false;
	}
	return true;
}

static bool
is_type(const struct hx_judge_record *r, const char *type)
{
	return strcmp(r->type, type) == 0;
}

/* Tests: ------------------------------------------------------------------ */

/*
 * The final result of each test run: a retry (attempt 2 and up) replaces
 * the previous record of the same name.  Returns a new array of indexes
 * into judge->records, and its length in *N.
 */
static size_t *
test_results(const struct hx_judge *judge, const json_t *match, size_t *n)
{
	size_t *out = hx_xcalloc(judge->nrecords + 1, sizeof(*out));
	const struct hx_judge_record *r;
	size_t i, k;

	*n = 0;
	for (i = 0; i < judge->nrecords; i++) {
		r = &judge->records[i];
		if (r->kind != HX_JUDGE_TEST ||
		    (match != NULL && !matches(r, match)))
			continue;
		k = *n;
		if (r->as.test.attempt > 1)
			while (k-- > 0)
				if (strcmp(r->as.test.name, judge->records[
				    out[k]].as.test.name) == 0)
					break;
		if (k < *n)
			out[k] = i;
		else
			out[(*n)++] = i;
	}
	return out;
}

/* What test T said: its message and output tails, a new string. */
static char *
test_output(const struct hx_test *t)
{
	return hx_xasprintf("%s%s%.*s%.*s", t->message != NULL ? t->message :
	    "", t->message != NULL ? "\n" : "", (int)t->stdout_tail_len,
	    t->stdout_tail != NULL ? t->stdout_tail : "",
	    (int)t->stderr_tail_len, t->stderr_tail != NULL ? t->stderr_tail :
	    "");
}

/* Note the failed test of R as a cause of VERDICT, once by name. */
static void
add_cause(struct hx_verdict *verdict, const struct hx_judge_record *r)
{
	struct hx_verdict_cause *c;
	size_t i;

	for (i = 0; i < verdict->ncauses; i++)
		if (strcmp(verdict->causes[i].test, r->as.test.name) == 0)
			return;
	verdict->causes = hx_xrealloc(verdict->causes,
	    (verdict->ncauses + 1) * sizeof(*verdict->causes));
	c = &verdict->causes[verdict->ncauses++];
	c->test = hx_xstrdup(r->as.test.name);
	c->ref = hx_xstrdup(r->ref);
	c->at = hx_xstrdup(r->at);
	c->output = test_output(&r->as.test);
}

static void
rule_tests_pass(struct hx_judge *judge, const struct hx_rule *rule,
    struct hx_verdict *verdict)
{
	struct outcome o;
	const struct hx_test *t;
	size_t n, i, failed = 0, exempt = 0, skipped = 0;
	size_t *res = test_results(judge, json_object_get(rule->spec, "match"),
	    &n);

	outcome_start(&o, rule, rule->name);
	for (i = 0; i < n; i++) {
		t = &judge->records[res[i]].as.test;
		if (!hx_status_failed(t->status)) {
			skipped += t->status == HX_STATUS_SKIP;
			continue;
		}
		if (!hx_test_failed(t) ||
		    hx_quarantine_match(rule->quarantine, t->name)) {
			say(&o, "quarantined, exempt: %s (%s)", t->name,
			    hx_status_name(t->status));
			exempt++;
		} else {
			say(&o, "%s: %s", t->name, hx_status_name(t->status));
			decide(&o, &judge->records[res[i]]);
			add_cause(verdict, &judge->records[res[i]]);
			failed++;
		}
	}
	o.rule.counts_tests = true;
	o.rule.tests = n;
	o.rule.passed = n - failed - exempt - skipped;
	if (failed == 0)
		for (i = 0; i < n; i++)
			decide(&o, &judge->records[res[i]]);
	if (n == 0)
		say(&o, "no test records to judge");
	else
		say(&o, "%zu of %zu tests failed, %zu quarantined failures "
		    "exempt, %zu skipped", failed, n, exempt, skipped);
	outcome_end(&o, verdict, n > 0 && failed == 0, count(failed),
	    count(0));
	free(res);
}

static void
rule_flaky_rate(struct hx_judge *judge, const struct hx_rule *rule,
    struct hx_verdict *verdict)
{
	struct outcome o;
	const struct hx_judge_record *r;
	double max = json_number_value(json_object_get(rule->spec, "max"));
	double rate;
	size_t n, i, flaky = 0;
	size_t *res = test_results(judge, json_object_get(rule->spec, "match"),
	    &n);

	outcome_start(&o, rule, rule->name);
	for (i = 0; i < n; i++) {
		r = &judge->records[res[i]];
		if (r->as.test.flaky) {
			decide(&o, r);
			flaky++;
		}
	}
	rate = n > 0 ? (double)flaky / (double)n : 0;
	if (n == 0)
		say(&o, "no test records to judge");
	else
		say(&o, "%zu of %zu tests flaky", flaky, n);
	outcome_end(&o, verdict, n > 0 && rate <= max, one(rounded(rate)),
	    one(real(max)));
	free(res);
}

/* Whether an artifact record with PATH, or named NAME, needs no timing. */
static bool
artifact_untimed(const struct hx_judge *judge, const char *path,
    const char *name)
{
	const struct hx_artifact *a;
	size_t i;

	for (i = 0; i < judge->nrecords; i++) {
		a = &judge->records[i].as.artifact;
		if (judge->records[i].kind == HX_JUDGE_ARTIFACT &&
		    a->needs_timing == 0 && ((path != NULL && a->path != NULL &&
		    strcmp(a->path, path) == 0) || (name != NULL &&
		    strcmp(a->name, name) == 0)))
			return true;
	}
	return false;
}

/*
 * Whether the timing group NAME belongs to an output that needs no timing
 * (needs_timing false, hx-build --changed-since): an artifact of that
 * name, or a test of that name run from such an artifact.
 */
static bool
untimed(const struct hx_judge *judge, const char *name)
{
	const struct hx_test *t;
	size_t i;

	if (artifact_untimed(judge, NULL, name))
		return true;
	for (i = 0; i < judge->nrecords; i++) {
		t = &judge->records[i].as.test;
		if (judge->records[i].kind == HX_JUDGE_TEST &&
		    strcmp(t->name, name) == 0 && t->artifact != NULL &&
		    artifact_untimed(judge, t->artifact, NULL))
			return true;
	}
	return false;
}

/* Presence: --------------------------------------------------------------- */

static void
rule_required(struct hx_judge *judge, const struct hx_rule *rule,
    struct hx_verdict *verdict)
{
	const char *type = str(rule->spec, "type"), *key = str(rule->spec,
	    "field");
	const json_t *match = json_object_get(rule->spec, "match"),
	    *values = json_object_get(rule->spec, "values"), *want;
	const struct hx_judge_record *r;
	struct outcome o;
	size_t i, k, found = 0, missing = 0;
	bool seen;

	outcome_start(&o, rule, rule->name);
	if (key == NULL) {
		for (i = 0; i < judge->nrecords; i++) {
			r = &judge->records[i];
			if (is_type(r, type) &&
			    (match == NULL || matches(r, match))) {
				decide(&o, r);
				found++;
			}
		}
		if (found == 0)
			say(&o, "no %s record", type);
		outcome_end(&o, verdict, found > 0, count(found), count(1));
		return;
	}
	json_array_foreach(values, k, want) {
		seen = false;
		for (i = 0; i < judge->nrecords; i++) {
			r = &judge->records[i];
			if (is_type(r, type) && json_equal(field(r->json, key),
			    want) && (match == NULL || matches(r, match))) {
				decide(&o, r);
				seen = true;
			}
		}
		if (seen)
			found++;
		else if (strcmp(type, "wcet") == 0 &&
		    untimed(judge, json_string_value(want))) {
			say(&o, "not required: %s %s needs no timing "
			    "(needs_timing: false)", type,
			    json_string_value(want));
			found++;
		} else {
			say(&o, "missing: %s with %s %s", type, key,
			    json_string_value(want));
			missing++;
		}
	}
	outcome_end(&o, verdict, missing == 0, count(found),
	    count(json_array_size(values)));
}

/* Timing: ----------------------------------------------------------------- */

/* Whether RULE skips groups with too few samples (insufficient: skip). */
static bool
skips_insufficient(const struct hx_rule *rule)
{
	const char *v = str(rule->spec, "insufficient");

	return v != NULL && strcmp(v, "skip") == 0;
}

/*
 * Whether the wcet record W is budgeted by the budget NAME of RULE
 * (hx_policy_budget_key) and was measured under PROFILE (NULL: none).
 */
static bool
budgeted_by(const struct hx_rule *rule, const struct hx_wcet *w,
    const char *name, const char *profile)
{
	const char *key, *its = hx_wcet_label(w, "profile");

	key = hx_policy_budget_key(json_object_get(rule->spec, "budgets"),
	    w->name, its);
	if (key == NULL || strcmp(key, name) != 0)
		return false;
	return profile == NULL ? its == NULL : its != NULL &&
	    strcmp(its, profile) == 0;
}

/*
 * Whether the group W is in a unit the budget BUDGET can judge: any
 * unit for a bare number, else one that converts to the budget's.
 */
static bool
unit_fits(const json_t *budget, const struct hx_wcet *w)
{
	const char *want_unit, *unit;
	double limit, base;

	hx_policy_budget(budget, &limit, &want_unit);
	return want_unit == NULL || (hx_policy_to_base(1, w->unit, &base,
	    &unit) == 0 && strcmp(unit, want_unit) == 0);
}

/*
 * Judge one budget NAME of a pwcet rule on the wcet groups it budgets
 * that were measured under PROFILE (NULL: none): an entry of its own,
 * NAME@PROFILE when NAME names no profile itself.
 */
static void
pwcet_budget(struct hx_judge *judge, const struct hx_rule *rule,
    const char *name, const char *profile, const json_t *budget,
    struct hx_verdict *verdict)
{
	double p = json_number_value(json_object_get(rule->spec, "p"));
	const char *bound = str(rule->spec, "bound"), *want_unit, *unit;
	const struct hx_wcet *w;
	bool hi = bound != NULL && strcmp(bound, "hi") == 0;
	const struct hx_judge_record *r, *worst = NULL;
	bool skip_insufficient = skips_insufficient(rule);
	double limit, value, base, observed = 0;
	struct outcome o;
	char *entry = profile != NULL && strchr(name, '@') == NULL ?
	    hx_xasprintf("%s/%s@%s", rule->name, name, profile) :
	    hx_xasprintf("%s/%s", rule->name, name);
	char *of = profile != NULL ? hx_xasprintf(" (profile %s)", profile) :
	    hx_xstrdup("");
	char *plain = hx_xasprintf("%.*s", (int)strcspn(name, "@"), name);
	size_t i, groups = 0, skipped = 0;
	bool bad = false;

	outcome_start(&o, rule, entry);
	hx_policy_budget(budget, &limit, &want_unit);
	for (i = 0; i < judge->nrecords; i++) {
		r = &judge->records[i];
		w = &r->as.wcet;
		if (r->kind != HX_JUDGE_WCET || !budgeted_by(rule, w, name,
		    profile))
			continue;
		if (!unit_fits(budget, w))
			continue;
		base = 1;
		if (want_unit != NULL)
			hx_policy_to_base(1, w->unit, &base, &unit);
		if (w->insufficient && skip_insufficient) {
			skipped++;
			continue;
		}
		groups++;
		if (hx_wcet_pwcet_at(w, p, hi, &value) < 0) {
			say(&o, "%s%s: no pWCET at p=%g (method %s)%s%s",
			    w->name, of, p, hx_wcet_method_names[w->method],
			    w->message != NULL ? ": " : "",
			    w->message != NULL ? w->message : "");
			decide(&o, r);
			bad = true;
			continue;
		}
		value *= base;
		if (worst == NULL || value > observed) {
			worst = r;
			observed = value;
		}
	}
	if (worst != NULL && !bad)
		decide(&o, worst);
	if (groups == 0 && (skipped > 0 || untimed(judge, plain))) {
		if (skipped > 0)
			say(&o, "%s%s: too few samples for a pWCET "
			    "(insufficient: skip)", name, of);
		else
			say(&o, "%s: no timing needed (needs_timing: false)",
			    plain);
		outcome_skip(&o, verdict);
		free(entry);
		free(of);
		free(plain);
		return;
	}
	if (groups == 0) {
		say(&o, "no wcet record for %s%s%s", name,
		    want_unit ? " in " : "", want_unit ? want_unit : "");
		bad = true;
	} else if (worst != NULL && observed > limit)
		say(&o, "pWCET(%g) of %s%s is %.17g %s, over the budget of "
		    "%.17g", p, worst->as.wcet.name, of, observed,
		    want_unit ? want_unit : "", limit);
	if (want_unit != NULL)
		o.rule.unit = hx_xstrdup(want_unit);
	o.rule.group = hx_xstrdup(worst != NULL ? worst->as.wcet.name : name);
	if (profile != NULL)
		o.rule.profile = hx_xstrdup(profile);
	o.rule.p = p;
	outcome_end(&o, verdict, !bad && observed <= limit,
	    worst != NULL ? one(number(observed)) : none, one(number(limit)));
	free(entry);
	free(of);
	free(plain);
}

/* Whether a wcet group without a profile has the budget NAME of RULE. */
static bool
has_unprofiled(const struct hx_judge *judge, const struct hx_rule *rule,
    const char *name)
{
	size_t i;

	for (i = 0; i < judge->nrecords; i++)
		if (judge->records[i].kind == HX_JUDGE_WCET &&
		    budgeted_by(rule, &judge->records[i].as.wcet, name, NULL))
			return true;
	return false;
}

/*
 * Each budget of a pwcet rule, an entry for each profile its groups were
 * measured under, in the order they were read (one when there are none).
 */
static void
rule_pwcet(struct hx_judge *judge, const struct hx_rule *rule,
    struct hx_verdict *verdict)
{
	json_t *budgets = json_object_get(rule->spec, "budgets"), *budget;
	const char *name, *its, **profiles;
	const struct hx_wcet *w;
	size_t i, k, n;

	profiles = hx_xcalloc(judge->nrecords + 1, sizeof(*profiles));
	json_object_foreach(budgets, name, budget) {
		n = 0;
		for (i = 0; i < judge->nrecords; i++) {
			w = &judge->records[i].as.wcet;
			if (judge->records[i].kind != HX_JUDGE_WCET ||
			    (its = hx_wcet_label(w, "profile")) == NULL ||
			    !budgeted_by(rule, w, name, its) ||
			    !unit_fits(budget, w))
				continue;
			for (k = 0; k < n && strcmp(profiles[k], its) != 0;
			    k++)
				continue;
			if (k == n)
				profiles[n++] = its;
		}
		for (k = 0; k < n; k++)
			pwcet_budget(judge, rule, name, profiles[k], budget,
			    verdict);
		if (n == 0 || has_unprofiled(judge, rule, name))
			pwcet_budget(judge, rule, name, NULL, budget,
			    verdict);
	}
	free(profiles);
}

/* The baseline's wcet record of W's group (name, unit, labels), or NULL. */
static const struct hx_wcet *
baseline_group(const struct hx_baseline *baseline, const struct hx_wcet *w)
{
	size_t i;

	for (i = 0; i < baseline->nwcets; i++)
		if (strcmp(baseline->wcets[i].name, w->name) == 0 &&
		    strcmp(baseline->wcets[i].unit, w->unit) == 0 &&
		    hx_wcet_same_labels(&baseline->wcets[i], w))
			return &baseline->wcets[i];
	return NULL;
}

/*
 * A change as the messages show it: absolute in UNIT, then relative to
 * the baseline with enough digits that a small change is not +0.00%.
 */
static char *
change_text(double abs_shift, double shift, const char *unit)
{
	char rel[64];

	if (!isfinite(shift))
		snprintf(rel, sizeof(rel), "from 0");
	else if (fabs(100 * shift) >= 1 || shift == 0)
		snprintf(rel, sizeof(rel), "%+.2f%%", 100 * shift);
	else
		snprintf(rel, sizeof(rel), "%+.3g%%", 100 * shift);
	if (isnan(abs_shift))
		return hx_xstrdup(rel);
	return hx_xasprintf("%+.17g %s (%s)", abs_shift, unit, rel);
}

/*
 * Judge the baseline part hx-wcet gave W: 1 when it is a regression, 0
 * when not, -1 when its groups were too small to compare and the rule
 * skips those.
 */
static int
judge_wcet_class(struct outcome *o, const struct hx_judge_record *r,
    bool skip_insufficient)
{
	const struct hx_wcet *w = &r->as.wcet;
	char *change;

	switch (w->baseline.class) {
	case HX_WCET_REGRESSION:
		change = change_text(w->baseline.abs_shift, w->baseline.shift,
		    w->unit);
		say(o, "%s (%s): hx-wcet classed it a regression (%s): %s",
		    w->name, w->unit, w->baseline.exact ? "exact" : "rank test",
		    change);
		free(change);
		decide(o, r);
		return 1;
	case HX_WCET_INSUFFICIENT:
		if (skip_insufficient)
			return -1;
		say(o, "%s (%s): insufficient samples to compare: %" PRId64
		    " now and %" PRId64 " in the baseline, the minimum is %"
		    PRId64 " on each side", w->name, w->unit, w->n,
		    w->baseline.n, w->baseline.min_n);
		decide(o, r);
		return 1;
	default:
		return 0;
	}
}

static void
rule_no_regression(struct hx_judge *judge, const struct hx_rule *rule,
    struct hx_verdict *verdict)
{
	const json_t *threshold_v = json_object_get(rule->spec, "threshold");
	const char *stat = str(rule->spec, "stat"), *missing = str(rule->spec,
	    "missing_baseline"), *prof;
	const json_t *match = json_object_get(rule->spec, "match");
	bool skip_insufficient = skips_insufficient(rule);
	double threshold = threshold_v ? json_number_value(threshold_v) : 0.02;
	double worst = -INFINITY, now, then, shift;
	const struct hx_judge_record *r;
	const struct hx_wcet *w, *base;
	size_t i, compared = 0, regressed = 0, wcets = 0, skipped = 0;
	struct outcome o;
	char *change;
	int judged;

	if (stat == NULL)
		stat = "max";
	outcome_start(&o, rule, rule->name);
	for (i = 0; i < judge->nrecords; i++) {
		r = &judge->records[i];
		w = &r->as.wcet;
		if (r->kind != HX_JUDGE_WCET ||
		    (match != NULL && !matches(r, match)))
			continue;
		wcets++;
		if (w->baseline.present) {
			judged = judge_wcet_class(&o, r, skip_insufficient);
			if (judged < 0) {
				skipped++;
				continue;
			}
			compared++;
			regressed += (size_t)judged;
			worst = fmax(worst, w->baseline.shift);
		}
		if (judge->baseline == NULL || (base = baseline_group(
		    judge->baseline, w)) == NULL ||
		    hx_wcet_stat(w, stat, &now) < 0 ||
		    hx_wcet_stat(base, stat, &then) < 0)
			continue;
		/* Too few samples for a pWCET are too few to compare. */
		if (w->insufficient || base->insufficient) {
			if (skip_insufficient) {
				skipped++;
				continue;
			}
			say(&o, "%s (%s): insufficient samples to compare: %"
			    PRId64 " now and %" PRId64 " in the baseline, "
			    "too few for a pWCET", w->name, w->unit, w->n,
			    base->n);
			decide(&o, r);
			compared++;
			regressed++;
			continue;
		}
		compared++;
		shift = then > 0 ? (now - then) / then : now > 0 ? INFINITY : 0;
		worst = fmax(worst, shift);
		if (shift > threshold) {
			change = change_text(now - then, shift, w->unit);
			prof = hx_wcet_label(w, "profile");
			say(&o, "%s (%s%s%s): %s %.17g against %.17g in the "
			    "baseline, %s", w->name, w->unit, prof != NULL ?
			    ", profile " : "", prof != NULL ? prof : "", stat,
			    now, then, change);
			free(change);
			decide(&o, r);
			regressed++;
		}
	}
	if (compared == 0 && judge->bootstrap && wcets > 0)
		say(&o, "bootstrap: nothing to compare with yet; this run is "
		    "recorded as the first baseline");
	else if (compared == 0 && skipped > 0)
		say(&o, "every group compared had too few samples "
		    "(insufficient: skip)");
	else if (compared == 0 && (judge->baseline == NULL || wcets == 0))
		say(&o, "no baseline: %s", wcets == 0 ? "no wcet records" :
		    judge->baseline_missing != NULL ? judge->baseline_missing :
		    "none given (--baseline) and no wcet record carries one");
	else if (compared == 0)
		say(&o, "no wcet group of this run is in the baseline");
	/* Nothing to compare with: the policy says whether that fails. */
	if (compared == 0 && wcets > 0 && (skipped > 0 || (missing != NULL &&
	    strcmp(missing, "skip") == 0) || judge->bootstrap)) {
		outcome_skip(&o, verdict);
		return;
	}
	if (regressed == 0)
		for (i = 0; i < judge->nrecords; i++)
			if (judge->records[i].kind == HX_JUDGE_WCET)
				decide(&o, &judge->records[i]);
	outcome_end(&o, verdict, compared > 0 && regressed == 0,
	    compared > 0 && isfinite(worst) ? one(rounded(worst)) : none,
	    one(real(threshold)));
}

/* Stage drift: ------------------------------------------------------------ */

/* A stage of the run and the baseline's record of it. */
struct stage_pair {
	const struct hx_judge_record *r;
	const struct hx_stage_record *base;
	struct hx_drift d;
	bool insufficient;
};

/* Whether stage records S and T have the same stage, unit and profile. */
static bool
same_stage(const struct hx_stage_record *s, const struct hx_stage_record *t)
{
	const char *p = hx_stage_label(s, "profile");
	const char *q = hx_stage_label(t, "profile");

	if (strcmp(s->stage, t->stage) != 0 || s->unit != t->unit)
		return false;
	return p == NULL || q == NULL ? p == q : strcmp(p, q) == 0;
}

/* The baseline's stage record of S, or NULL. */
static const struct hx_stage_record *
baseline_stage(const struct hx_baseline *b, const struct hx_stage_record *s)
{
	size_t i;

	for (i = 0; b != NULL && i < b->nstages; i++)
		if (same_stage(&b->stages[i], s))
			return &b->stages[i];
	return NULL;
}

/* X ns as the messages show it: "1.20 ms". */
static char *
duration_text(double x, enum hx_sample_unit unit)
{
	if (unit != HX_SAMPLE_NS)
		return hx_xasprintf("%.17g %s", x, hx_sample_unit_name(unit));
	if (x >= 1e9)
		return hx_xasprintf("%.2f s", x / 1e9);
	if (x >= 1e6)
		return hx_xasprintf("%.2f ms", x / 1e6);
	if (x >= 1e3)
		return hx_xasprintf("%.2f us", x / 1e3);
	return hx_xasprintf("%.0f ns", x);
}

/* The stage of S as the messages name it: "gpu", "gpu (profile io)". */
static char *
stage_text(const struct hx_stage_record *s)
{
	const char *profile = hx_stage_label(s, "profile");

	if (profile == NULL)
		return hx_xstrdup(s->stage);
	return hx_xasprintf("%s (profile %s)", s->stage, profile);
}

/* Compare the values of every pair of P[0 .. N - 1], Holm across them. */
static void
compare_stages(struct stage_pair *p, size_t n, size_t min_n)
{
	double *x, *y, *ps = hx_xcalloc(n + 1, sizeof(*ps)), *adj;
	size_t i, k = 0;

	adj = hx_xcalloc(n + 1, sizeof(*adj));
	for (i = 0; i < n; i++) {
		if (p[i].r->as.stage.nvalues < min_n ||
		    p[i].base->nvalues < min_n) {
			p[i].insufficient = true;
			continue;
		}
		x = hx_xcalloc(p[i].r->as.stage.nvalues, sizeof(*x));
		y = hx_xcalloc(p[i].base->nvalues, sizeof(*y));
		memcpy(x, p[i].r->as.stage.values, p[i].r->as.stage.nvalues *
		    sizeof(*x));
		memcpy(y, p[i].base->values, p[i].base->nvalues * sizeof(*y));
		hx_drift_compare(x, p[i].r->as.stage.nvalues, y,
		    p[i].base->nvalues, 0.95, &p[i].d);
		free(x);
		free(y);
		ps[k++] = p[i].d.p;
	}
	hx_drift_holm(ps, k, adj);
	for (i = 0, k = 0; i < n; i++)
		if (!p[i].insufficient)
			p[i].d.p_adjusted = adj[k++];
	free(adj);
	free(ps);
}

/* Judge pair P into its own entry of VERDICT. */
static void
stage_entry(const struct hx_rule *rule, const struct stage_pair *p,
    double threshold, double alpha, size_t min_n,
    struct hx_verdict *verdict)
{
	const struct hx_stage_record *s = &p->r->as.stage;
	char *stage = stage_text(s), *entry, *then, *now, rel[64];
	const char *profile = hx_stage_label(s, "profile");
	struct outcome o;
	bool drifted;

	entry = profile == NULL ? hx_xasprintf("%s/%s", rule->name,
	    s->stage) : hx_xasprintf("%s/%s/%s", rule->name, s->stage,
	    profile);
	outcome_start(&o, rule, entry);
	free(entry);
	o.rule.group = stage;
	decide(&o, p->r);
	if (p->insufficient) {
		say(&o, "stage %s: too few values to compare: %zu now and "
		    "%zu in the baseline, the minimum is %zu on each side%s",
		    stage, s->nvalues, p->base->nvalues, min_n,
		    skips_insufficient(rule) ? " (insufficient: skip)" : "");
		if (skips_insufficient(rule))
			outcome_skip(&o, verdict);
		else
			outcome_end(&o, verdict, false, none,
			    one(real(threshold)));
		return;
	}
	drifted = p->d.p_adjusted < alpha && (isfinite(p->d.shift) ?
	    fabs(p->d.shift) > threshold : p->d.abs_shift != 0);
	if (isfinite(p->d.shift))
		snprintf(rel, sizeof(rel), "%+.0f%%", 100 * p->d.shift);
	else
		snprintf(rel, sizeof(rel), "from 0");
	then = duration_text(p->base->p50, s->unit);
	now = duration_text(s->p50, s->unit);
	say(&o, "stage %s %s: median %s -> %s (%s), p=%.1g", stage,
	    drifted ? "drifted" : "ok", then, now, rel, p->d.p_adjusted);
	free(then);
	free(now);
	outcome_end(&o, verdict, !drifted, isfinite(p->d.shift) ?
	    one(rounded(p->d.shift)) : none, one(real(threshold)));
}

/*
 * Compare each stage of the run with the baseline's: one entry per stage
 * in both, failed when the Hodges-Lehmann shift passes the threshold and
 * the rank-sum test, Holm-corrected across the stages, is below alpha.
 */
static void
rule_stage_drift(struct hx_judge *judge, const struct hx_rule *rule,
    struct hx_verdict *verdict)
{
	const json_t *tv = json_object_get(rule->spec, "threshold"),
	    *av = json_object_get(rule->spec, "alpha");
	const char *missing = str(rule->spec, "missing_baseline");
	double threshold = tv != NULL ? json_number_value(tv) : 0.05;
	double alpha = av != NULL ? json_number_value(av) : 0.01;
	const struct hx_baseline *b = judge->baseline;
	struct stage_pair *pairs;
	const struct hx_stage_record *base;
	size_t i, n = 0, stages = 0, min_n = hx_drift_min_samples(alpha);
	struct outcome o;

	pairs = hx_xcalloc(judge->nrecords + 1, sizeof(*pairs));
	for (i = 0; i < judge->nrecords; i++) {
		if (judge->records[i].kind != HX_JUDGE_STAGE)
			continue;
		stages++;
		if ((base = baseline_stage(b, &judge->records[i].as.stage)) !=
		    NULL)
			pairs[n++] = (struct stage_pair){ .r =
			    &judge->records[i], .base = base };
	}
	if (n > 0) {
		compare_stages(pairs, n, min_n);
		for (i = 0; i < n; i++)
			stage_entry(rule, &pairs[i], threshold, alpha, min_n,
			    verdict);
		free(pairs);
		return;
	}
	free(pairs);
	outcome_start(&o, rule, rule->name);
	if (stages == 0)
		say(&o, "no stage records in this run (hx-trace --stages)");
	else if (judge->bootstrap)
		say(&o, "bootstrap: nothing to compare with yet; this run is "
		    "recorded as the first baseline");
	else if (b == NULL || b->nstages == 0)
		say(&o, "no baseline: %s", b == NULL ?
		    (judge->baseline_missing != NULL ?
		    judge->baseline_missing : "none given (--baseline)") :
		    "the baseline has no stage records");
	else
		say(&o, "no stage of this run is in the baseline");
	if (stages > 0 && (judge->bootstrap || ((b == NULL ||
	    b->nstages == 0) && missing != NULL &&
	    strcmp(missing, "skip") == 0))) {
		outcome_skip(&o, verdict);
		return;
	}
	outcome_end(&o, verdict, false, none, one(real(threshold)));
}

/* Artifacts and custom bounds: -------------------------------------------- */

/* Whether A and B are builds of one output: name, target, toolchain. */
static bool
same_output(const struct hx_artifact *a, const struct hx_artifact *b)
{
	return strcmp(a->name, b->name) == 0 &&
	    strcmp(a->target, b->target) == 0 &&
	    strcmp(a->toolchain.name, b->toolchain.name) == 0;
}

static void
rule_reproducible(struct hx_judge *judge, const struct hx_rule *rule,
    struct hx_verdict *verdict)
{
	bool need_check = json_is_true(json_object_get(rule->spec,
	    "require_check"));
	const struct hx_judge_record *r;
	const struct hx_artifact *a, *b;
	size_t i, k, n = 0, bad = 0, builds;
	struct outcome o;
	bool differs;

	outcome_start(&o, rule, rule->name);
	for (i = 0; i < judge->nrecords; i++) {
		r = &judge->records[i];
		a = &r->as.artifact;
		if (r->kind != HX_JUDGE_ARTIFACT || !a->ok)
			continue;
		n++;
		differs = false;
		builds = 1;
		for (k = 0; k < judge->nrecords; k++) {
			b = &judge->records[k].as.artifact;
			if (k == i || judge->records[k].kind !=
			    HX_JUDGE_ARTIFACT || !same_output(a, b))
				continue;
			builds++;
			/* A failed build of the same output has no sha256. */
			if (b->sha256 == NULL ||
			    strcmp(a->sha256, b->sha256) != 0)
				differs = true;
		}
		if (differs)
			say(&o, "%s: two builds differ", a->name);
		else if (a->reproducible == 0)
			say(&o, "%s: the build says it is not reproducible",
			    a->name);
		else if (need_check && builds < 2 && a->reproducible != 1)
			say(&o, "%s: not checked (build twice or with "
			    "--check-repro)", a->name);
		else
			continue;
		decide(&o, r);
		bad++;
	}
	if (n == 0)
		say(&o, "no artifact records");
	if (n > 0 && bad == 0)
		for (i = 0; i < judge->nrecords; i++)
			if (judge->records[i].kind == HX_JUDGE_ARTIFACT)
				decide(&o, &judge->records[i]);
	outcome_end(&o, verdict, n > 0 && bad == 0, count(bad), count(0));
}

static void
rule_custom(struct hx_judge *judge, const struct hx_rule *rule,
    struct hx_verdict *verdict)
{
	const json_t *match = json_object_get(rule->spec, "match"),
	    *max_v = json_object_get(rule->spec, "max"),
	    *min_v = json_object_get(rule->spec, "min"), *v;
	const char *path = str(rule->spec, "field"), *type = str(match, "type");
	double hi = -INFINITY, lo = INFINITY, x;
	const struct hx_judge_record *r;
	size_t i, n = 0, bad = 0;
	struct hx_verdict_value observed, limit;
	struct outcome o;

	outcome_start(&o, rule, rule->name);
	for (i = 0; i < judge->nrecords; i++) {
		r = &judge->records[i];
		if ((type != NULL && !is_type(r, type)) || !matches(r, match))
			continue;
		n++;
		v = field(r->json, path);
		if (!json_is_number(v)) {
			say(&o, "%s: no number in %s", r->ref, path);
			decide(&o, r);
			bad++;
			continue;
		}
		x = json_number_value(v);
		hi = fmax(hi, x);
		lo = fmin(lo, x);
		if ((max_v != NULL && x > json_number_value(max_v)) ||
		    (min_v != NULL && x < json_number_value(min_v))) {
			say(&o, "%s: %s is %.17g", r->ref, path, x);
			decide(&o, r);
			bad++;
		}
	}
	if (n == 0) {
		say(&o, "no record matches");
		if (json_is_true(json_object_get(rule->spec, "allow_none"))) {
			outcome_skip(&o, verdict);
			return;
		}
	}
	if (bad == 0)
		for (i = 0; i < judge->nrecords; i++)
			if ((type == NULL || is_type(&judge->records[i],
			    type)) && matches(&judge->records[i], match))
				decide(&o, &judge->records[i]);
	if (max_v != NULL && min_v != NULL) {
		limit = range(policy_number(min_v), policy_number(max_v));
		observed = range(number(lo), number(hi));
	} else {
		limit = one(policy_number(max_v ? max_v : min_v));
		observed = one(number(max_v ? hi : lo));
	}
	outcome_end(&o, verdict, n > 0 && bad == 0, n == 0 || !isfinite(hi) ?
	    none : observed, limit);
}

static void
rule_no_errors(struct hx_judge *judge, const struct hx_rule *rule,
    struct hx_verdict *verdict)
{
	const json_t *max_v = json_object_get(rule->spec, "max");
	double max = max_v ? json_number_value(max_v) : 0;
	const struct hx_judge_record *r;
	size_t i, n = judge->bad_lines;
	struct outcome o;

	outcome_start(&o, rule, rule->name);
	for (i = 0; i < judge->nrecords; i++) {
		r = &judge->records[i];
		if (r->kind != HX_JUDGE_ERROR)
			continue;
		n++;
		decide(&o, r);
		say(&o, "%s: %s: %s", r->as.error.program, r->as.error.file,
		    r->as.error.message);
	}
	if (judge->bad_lines > 0)
		say(&o, "%lu malformed lines in the input", judge->bad_lines);
	outcome_end(&o, verdict, (double)n <= max, count(n),
	    one(number(max)));
}

/* The verdict: ------------------------------------------------------------ */

/* The names in the JSON array NAMES. */
static struct hx_verdict_value
names_of(const json_t *names)
{
	struct hx_verdict_value v = { .kind = HX_VERDICT_NAMES };
	json_t *name;
	size_t i;

	json_array_foreach(names, i, name)
		push(&v.names, &v.nnames, hx_xstrdup(json_string_value(name)));
	return v;
}

/* The first record of TYPE, or NULL when none was read. */
static const struct hx_judge_type *
first_of(const struct hx_judge *judge, const char *type)
{
	size_t i;

	for (i = 0; i < judge->ntypes; i++)
		if (strcmp(judge->types[i].type, type) == 0)
			return &judge->types[i];
	return NULL;
}

/*
 * The stages entry: every stage the policy names left its records.  A
 * stage that did not run says why the gate failed.
 */
static bool
check_stages(struct hx_judge *judge, struct hx_verdict *verdict)
{
	static const struct hx_rule stages_rule = { .kind_name = "stages" };
	struct hx_verdict_value present = { .kind = HX_VERDICT_NAMES };
	const struct hx_stage *stage;
	const struct hx_judge_type *first;
	const char *name;
	struct outcome o;
	size_t i, t;
	bool ran, all = true;

	outcome_start(&o, &stages_rule, "stages");
	for (i = 0; i < json_array_size(judge->policy->stages); i++) {
		name = json_string_value(json_array_get(judge->policy->stages,
		    i));
		stage = hx_policy_stage(name);
		ran = false;
		for (t = 0; stage->types[t] != NULL && !ran; t++)
			if ((first = first_of(judge, stage->types[t])) !=
			    NULL) {
				push(&o.rule.decided_by, &o.rule.ndecided,
				    hx_xstrdup(first->first_ref));
				push(&o.rule.decided_at, &o.rule.nat,
				    hx_xstrdup(first->first_at));
				ran = true;
			}
		if (ran)
			push(&present.names, &present.nnames,
			    hx_xstrdup(name));
		else {
			say(&o, "no %s records: the %s stage did not run",
			    stage->types[0], stage->program);
			all = false;
		}
	}
	if (!all && verdict->message == NULL)
		verdict->message = hx_verdict_rule_message(&o.rule);
	outcome_end(&o, verdict, all, present,
	    names_of(judge->policy->stages));
	return all;
}

static void
judge_rule(struct hx_judge *judge, const struct hx_rule *rule,
    struct hx_verdict *verdict)
{
	switch (rule->kind) {
	case HX_RULE_TESTS_PASS:
		rule_tests_pass(judge, rule, verdict);
		break;
	case HX_RULE_FLAKY_RATE:
		rule_flaky_rate(judge, rule, verdict);
		break;
	case HX_RULE_REQUIRED:
		rule_required(judge, rule, verdict);
		break;
	case HX_RULE_PWCET:
		rule_pwcet(judge, rule, verdict);
		break;
	case HX_RULE_NO_REGRESSION:
		rule_no_regression(judge, rule, verdict);
		break;
	case HX_RULE_REPRODUCIBLE:
		rule_reproducible(judge, rule, verdict);
		break;
	case HX_RULE_CUSTOM:
		rule_custom(judge, rule, verdict);
		break;
	case HX_RULE_NO_ERRORS:
		rule_no_errors(judge, rule, verdict);
		break;
	case HX_RULE_STAGE_DRIFT:
		rule_stage_drift(judge, rule, verdict);
		break;
	}
}

/*
 * The commit and the toolchains the artifacts name, into VERDICT: the
 * first commit, and each "NAME VERSION" once, joined by ", ".
 */
static void
provenance(const struct hx_judge *judge, struct hx_verdict *verdict)
{
	const struct hx_artifact *a;
	char *tc, *more;
	size_t i;

	for (i = 0; i < judge->nrecords; i++) {
		if (judge->records[i].kind != HX_JUDGE_ARTIFACT)
			continue;
		a = &judge->records[i].as.artifact;
		if (verdict->commit == NULL && a->commit != NULL)
			verdict->commit = hx_xstrdup(a->commit);
		if (a->toolchain.name == NULL)
			continue;
		tc = hx_xasprintf("%s %s", a->toolchain.name,
		    a->toolchain.version != NULL ? a->toolchain.version : "");
		if (verdict->toolchain == NULL)
			verdict->toolchain = tc;
		else if (strstr(verdict->toolchain, tc) != NULL)
			free(tc);
		else {
			more = hx_xasprintf("%s, %s", verdict->toolchain, tc);
			free(verdict->toolchain);
			free(tc);
			verdict->toolchain = more;
		}
	}
}

void
hx_judge_verdict(struct hx_judge *judge, struct hx_verdict *verdict)
{
	const struct hx_policy *policy = judge->policy;
	const struct hx_verdict_rule *e;
	size_t i, failed = 0, judged = 0, before;
	char *names = hx_xstrdup(""), *more;

	memset(verdict, 0, sizeof(*verdict));
	verdict->policy = hx_xstrdup(policy->path);
	verdict->records = judge->total;
	provenance(judge, verdict);
	if (judge->baseline_source != NULL)
		verdict->baseline = hx_xstrdup(judge->baseline_source);
	if (judge->total == 0)
		verdict->message = hx_xstrdup("empty stream: no records to "
		    "judge");
	if (json_array_size(policy->stages) > 0 &&
	    !check_stages(judge, verdict))
		failed++;
	for (i = 0; i < policy->nrules; i++) {
		before = verdict->nrules;
		judge_rule(judge, &policy->rules[i], verdict);
		for (; before < verdict->nrules; before++)
			if (!policy->rules[i].implicit &&
			    (verdict->rules[before].status != HX_VERDICT_SKIP ||
			    (judge->bootstrap && (policy->rules[i].kind ==
			    HX_RULE_NO_REGRESSION || policy->rules[i].kind ==
			    HX_RULE_STAGE_DRIFT))))
				judged++;
	}
	if (judged == 0 && verdict->message == NULL) {
		verdict->message = hx_xstrdup("every rule was skipped: "
		    "nothing was judged");
		failed++;
	}
	for (i = 0; i < verdict->nrules; i++) {
		e = &verdict->rules[i];
		if (e->status != HX_VERDICT_FAIL || e->advisory ||
		    strcmp(e->kind, "stages") == 0)
			continue;
		failed++;
		more = hx_xasprintf("%s%s%s", names, *names ? ", " : "",
		    e->name);
		free(names);
		names = more;
	}
	if (failed > 0 && verdict->message == NULL)
		verdict->message = hx_xasprintf("rules failed: %s", names);
	free(names);
	verdict->status = failed == 0 && judge->total > 0 ? HX_VERDICT_PASS :
	    HX_VERDICT_FAIL;
}
