/*
 * hx_policy: load and check a policy.
 *
 * hx_json_parse_at records where every value starts, keyed by its JSON
 * pointer ("/rules/2/rule"), so every complaint about the policy names
 * the line and column of the value at fault.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hx_err.h"
#include "gate/hx_policy.h"
#include "trace/hx_profile.h"

/* Field types in the tables below. */
#define T_STRING 's'
#define T_NUMBER 'n'
#define T_BOOL 'b'
#define T_STRINGS 'a'	/* an array of strings */
#define T_OBJECT 'o'
#define T_ARRAY 'A'

/*
 * Each kind of rule: the fields it takes, as "name:type" words, and the
 * ones it cannot do without.  Every rule also takes rule, name, advisory
 * and description.
 */
static const struct kind {
	const char *name;
	enum hx_rule_kind kind;
	const char *fields;
	const char *required;
} kinds[] = {
	{ "tests-pass", HX_RULE_TESTS_PASS, "match:o quarantine:a", "" },
	{ "flaky-rate", HX_RULE_FLAKY_RATE, "max:n match:o", "max" },
	{ "required", HX_RULE_REQUIRED, "type:s field:s values:a match:o",
	    "type" },
	{ "pwcet", HX_RULE_PWCET, "p:n budgets:o bound:s insufficient:s",
	    "p budgets" },
	{ "no-regression", HX_RULE_NO_REGRESSION,
	    "threshold:n stat:s missing_baseline:s insufficient:s match:o",
	    "" },
	{ "reproducible", HX_RULE_REPRODUCIBLE, "require_check:b", "" },
	{ "custom", HX_RULE_CUSTOM, "match:o field:s max:n min:n allow_none:b",
	    "match field" },
	{ "no-errors", HX_RULE_NO_ERRORS, "max:n", "" },
	{ "stage-drift", HX_RULE_STAGE_DRIFT,
	    "threshold:n alpha:n missing_baseline:s insufficient:s", "" },
};

#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

static const char *const build_types[] = { "artifact", NULL };
static const char *const emu_types[] = { "test", NULL };
static const char *const wcet_types[] = { "wcet", NULL };
static const char *const sched_types[] = { "placement", NULL };
static const char *const trace_types[] = { "span", "metric", "sample", NULL };

static const struct hx_stage stages[] = {
	{ "build", "hx-build", build_types },
	{ "emu", "hx-emu", emu_types },
	{ "wcet", "hx-wcet", wcet_types },
	{ "sched", "hx-sched", sched_types },
	{ "trace", "hx-trace", trace_types },
};

const struct hx_stage *
hx_policy_stage(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(stages) / sizeof(stages[0]); i++)
		if (strcmp(stages[i].name, name) == 0)
			return &stages[i];
	return NULL;
}

/* Checking: ---------------------------------------------------------------- */

struct check {
	const char *path;
	json_t *map;
	char *err;
	size_t errlen;
};

/* Fill ERR with "PATH:LINE:COLUMN: message" for the value at POINTER. */
static int HX_PRINTF(3, 4)
fault(struct check *c, const char *pointer, const char *fmt, ...)
{
	char message[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	hx_json_locate(c->err, c->errlen, c->path, c->map, pointer, "%s",
	    message);
	return -1;
}

/* Whether VALUE has the type CODE. */
static int
type_ok(const json_t *value, char code)
{
	size_t i;

	switch (code) {
	case T_STRING:
		return json_is_string(value);
	case T_NUMBER:
		return json_is_number(value);
	case T_BOOL:
		return json_is_boolean(value);
	case T_OBJECT:
		return json_is_object(value);
	case T_ARRAY:
		return json_is_array(value);
	case T_STRINGS:
		if (!json_is_array(value))
			return 0;
		for (i = 0; i < json_array_size(value); i++)
			if (!json_is_string(json_array_get(value, i)))
				return 0;
		return 1;
	}
	return 0;
}

static const char *
type_name(char code)
{
	switch (code) {
	case T_STRING: return "a string";
	case T_NUMBER: return "a number";
	case T_BOOL: return "true or false";
	case T_OBJECT: return "an object";
	case T_ARRAY: return "an array";
	default: return "an array of strings";
	}
}

/* The type code of FIELD in the "name:t name:t" list FIELDS, or 0. */
static char
field_type(const char *fields, const char *field)
{
	size_t n = strlen(field);
	const char *p = fields;

	if (n == 0)
		return 0;
	while ((p = strstr(p, field)) != NULL) {
		if ((p == fields || p[-1] == ' ') && p[n] == ':')
			return p[n + 1];
		p += n;
	}
	return 0;
}

/* Check the members of OBJ at POINTER against FIELDS and REQUIRED. */
static int
check_fields(struct check *c, const char *pointer, json_t *obj,
    const char *fields, const char *required, const char *what)
{
	char sub[1100], word[64];
	const char *key, *p;
	json_t *value;
	char code;
	int n;

	json_object_foreach(obj, key, value) {
		snprintf(sub, sizeof(sub), "%s/%s", pointer, key);
		if ((code = field_type(fields, key)) == 0)
			return fault(c, sub, "%s: unknown field \"%s\"", what,
			    key);
		if (!type_ok(value, code))
			return fault(c, sub, "%s: %s must be %s", what, key,
			    type_name(code));
	}
	for (p = required; sscanf(p, "%63s%n", word, &n) == 1; p += n)
		if (json_object_get(obj, word) == NULL)
			return fault(c, pointer, "%s: the field \"%s\" is "
			    "missing", what, word);
	return 0;
}

static const char *const time_units[] = { "ns", "us", "ms", "s", NULL };
static const double time_scale[] = { 1, 1e3, 1e6, 1e9 };
static const char *const byte_units[] = { "bytes", "KiB", "MiB", "GiB", NULL };
static const double byte_scale[] = { 1, 1024, 1048576, 1073741824 };

int
hx_policy_to_base(double amount, const char *unit, double *base,
    const char **base_unit)
{
	size_t i;

	for (i = 0; time_units[i] != NULL; i++)
		if (strcmp(unit, time_units[i]) == 0) {
			*base = amount * time_scale[i];
			*base_unit = "ns";
			return 0;
		}
	for (i = 0; byte_units[i] != NULL; i++)
		if (strcmp(unit, byte_units[i]) == 0) {
			*base = amount * byte_scale[i];
			*base_unit = "bytes";
			return 0;
		}
	if (strcmp(unit, "insns") == 0 || strcmp(unit, "cycles") == 0) {
		*base = amount;
		*base_unit = strcmp(unit, "insns") == 0 ? "insns" : "cycles";
		return 0;
	}
	return -1;
}

int
hx_policy_budget(const json_t *value, double *amount, const char **base_unit)
{
	const char *text;
	char *end;
	double x;

	if (json_is_number(value)) {
		*amount = json_number_value(value);
		*base_unit = NULL;
		return *amount >= 0 ? 0 : -1;
	}
	if (!json_is_string(value))
		return -1;
	text = json_string_value(value);
	errno = 0;
	x = strtod(text, &end);
	if (end == text || errno != 0 || !isfinite(x) || x < 0)
		return -1;
	while (*end == ' ')
		end++;
	return hx_policy_to_base(x, end, amount, base_unit);
}

/* The key of BUDGETS that is NAME@PROFILE (or NAME without PROFILE). */
static const char *
key_of(const json_t *budgets, const char *name, const char *profile)
{
	const char *key, *at;
	size_t n = strlen(name);
	json_t *v;

	json_object_foreach((json_t *)budgets, key, v) {
		if (strncmp(key, name, n) != 0)
			continue;
		at = key + n;
		if (profile == NULL ? *at == '\0' : *at == '@' &&
		    strcmp(at + 1, profile) == 0)
			return key;
	}
	return NULL;
}

const char *
hx_policy_budget_key(const json_t *budgets, const char *name,
    const char *profile)
{
	const char *key;

	if (profile != NULL && (key = key_of(budgets, name, profile)) != NULL)
		return key;
	if ((key = key_of(budgets, name, NULL)) != NULL)
		return key;
	if (profile != NULL && (key = key_of(budgets, "*", profile)) != NULL)
		return key;
	return key_of(budgets, "*", NULL);
}

/* Whether S is NULL (left out) or one of the words in the list CHOICES. */
static int
one_of(const char *s, const char *choices)
{
	size_t n;
	const char *p;

	if (s == NULL)
		return 1;
	if (*s == '\0')
		return 0;
	n = strlen(s);
	for (p = choices; (p = strstr(p, s)) != NULL; p += n)
		if ((p == choices || p[-1] == ' ') &&
		    (p[n] == ' ' || p[n] == '\0'))
			return 1;
	return 0;
}

/* Fault at the member KEY of the rule at POINTER. */
static int HX_PRINTF(4, 5)
member_fault(struct check *c, const char *pointer, const char *key,
    const char *fmt, ...)
{
	char sub[1100], message[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	snprintf(sub, sizeof(sub), "%s/%s", pointer, key);
	return fault(c, sub, "%s", message);
}

/* KEY of rule R, a probability: pwcet's p, stage-drift's alpha. */
static int
check_probability(struct check *c, const char *pointer,
    const struct hx_rule *r, const char *key)
{
	double x = json_number_value(json_object_get(r->spec, key));

	if (!(x > 0 && x < 1))
		return member_fault(c, pointer, key, "%s: %s is a "
		    "probability between 0 and 1", r->name, key);
	return 0;
}

/* The insufficient key of a pwcet or no-regression rule R. */
static int
check_insufficient(struct check *c, const char *pointer,
    const struct hx_rule *r)
{
	if (!one_of(json_string_value(json_object_get(r->spec,
	    "insufficient")), "fail skip"))
		return member_fault(c, pointer, "insufficient", "%s: "
		    "insufficient is \"fail\" or \"skip\"", r->name);
	return 0;
}

static int
check_pwcet(struct check *c, const char *pointer, const struct hx_rule *r,
    const json_t *profiles)
{
	json_t *budgets = json_object_get(r->spec, "budgets"), *v;
	const char *key, *unit, *at;
	char sub[1100];
	double x;

	if (check_probability(c, pointer, r, "p") < 0)
		return -1;
	if (json_object_size(budgets) == 0)
		return member_fault(c, pointer, "budgets", "%s: budgets names "
		    "no group", r->name);
	json_object_foreach(budgets, key, v) {
		snprintf(sub, sizeof(sub), "budgets/%s", key);
		if ((at = strchr(key, '@')) != NULL && (at == key ||
		    at[1] == '\0' || (profiles != NULL &&
		    json_object_get(profiles, at + 1) == NULL)))
			return member_fault(c, pointer, sub, "%s: budget %s: "
			    "NAME@PROFILE names a group and a profile%s",
			    r->name, key, profiles != NULL ? " of the policy's "
			    "profiles" : "");
		if (hx_policy_budget(v, &x, &unit) == 0)
			continue;
		return member_fault(c, pointer, sub, "%s: budget of %s: "
		    "expected a number or \"NUMBER UNIT\" with a unit of ns, "
		    "us, ms, s, insns, cycles, bytes, KiB, MiB or GiB",
		    r->name, key);
	}
	if (!one_of(json_string_value(json_object_get(r->spec, "bound")),
	    "value hi"))
		return member_fault(c, pointer, "bound", "%s: bound is "
		    "\"value\" or \"hi\"", r->name);
	return check_insufficient(c, pointer, r);
}

/*
 * The keys a no-regression and a stage-drift rule R share:
 * missing_baseline, threshold and insufficient.
 */
static int
check_baseline_keys(struct check *c, const char *pointer,
    const struct hx_rule *r)
{
	json_t *threshold = json_object_get(r->spec, "threshold");

	if (!one_of(json_string_value(json_object_get(r->spec,
	    "missing_baseline")), "fail skip"))
		return member_fault(c, pointer, "missing_baseline", "%s: "
		    "missing_baseline is \"fail\" or \"skip\"", r->name);
	if (threshold != NULL && json_number_value(threshold) < 0)
		return member_fault(c, pointer, "threshold", "%s: threshold "
		    "is not negative", r->name);
	return check_insufficient(c, pointer, r);
}

static int
check_no_regression(struct check *c, const char *pointer,
    const struct hx_rule *r)
{
	if (!one_of(json_string_value(json_object_get(r->spec, "stat")),
	    "max mean median p99 min"))
		return member_fault(c, pointer, "stat", "%s: stat is one of "
		    "max, mean, median, p99, min", r->name);
	return check_baseline_keys(c, pointer, r);
}

static int
check_stage_drift(struct check *c, const char *pointer,
    const struct hx_rule *r)
{
	if (json_object_get(r->spec, "alpha") != NULL &&
	    check_probability(c, pointer, r, "alpha") < 0)
		return -1;
	return check_baseline_keys(c, pointer, r);
}

/*
 * The checks particular to each kind, beyond field types; PROFILES are
 * the policy's, or NULL.
 */
static int
check_rule_values(struct check *c, const char *pointer,
    const struct hx_rule *r, const json_t *profiles)
{
	json_t *max = json_object_get(r->spec, "max");
	bool has_field = json_object_get(r->spec, "field") != NULL;
	bool has_values = json_object_get(r->spec, "values") != NULL;

	switch (r->kind) {
	case HX_RULE_FLAKY_RATE:
		if (json_number_value(max) < 0 || json_number_value(max) > 1)
			return member_fault(c, pointer, "max", "%s: max is a "
			    "rate from 0 to 1", r->name);
		return 0;
	case HX_RULE_PWCET:
		return check_pwcet(c, pointer, r, profiles);
	case HX_RULE_NO_REGRESSION:
		return check_no_regression(c, pointer, r);
	case HX_RULE_STAGE_DRIFT:
		return check_stage_drift(c, pointer, r);
	case HX_RULE_REQUIRED:
		if (has_field != has_values)
			return fault(c, pointer, "%s: field and values go "
			    "together", r->name);
		return 0;
	case HX_RULE_CUSTOM:
		if (max == NULL && json_object_get(r->spec, "min") == NULL)
			return fault(c, pointer, "%s: give max, min or both",
			    r->name);
		return 0;
	default:
		return 0;
	}
}

/* Check rule INDEX of the policy and fill *R. */
static int
check_rule(struct check *c, struct hx_policy *policy, size_t index,
    struct hx_rule *r)
{
	char pointer[64], sub[128], fields[256];
	json_t *spec = json_array_get(json_object_get(policy->json, "rules"),
	    index), *kind;
	const struct kind *k = NULL;
	size_t i, j;

	snprintf(pointer, sizeof(pointer), "/rules/%zu", index);
	if (!json_is_object(spec))
		return fault(c, pointer, "a rule must be an object");
	snprintf(sub, sizeof(sub), "%s/rule", pointer);
	if ((kind = json_object_get(spec, "rule")) == NULL)
		return fault(c, pointer, "a rule without \"rule\"");
	if (!json_is_string(kind))
		return fault(c, sub, "\"rule\" must be a string");
	for (i = 0; i < NKINDS; i++)
		if (strcmp(kinds[i].name, json_string_value(kind)) == 0)
			k = &kinds[i];
	if (k == NULL)
		return fault(c, sub, "unknown rule \"%s\" (known: tests-pass, "
		    "flaky-rate, required, pwcet, no-regression, reproducible, "
		    "custom, no-errors, stage-drift)",
		    json_string_value(kind));
	r->kind = k->kind;
	r->kind_name = k->name;
	r->spec = spec;
	r->name = json_string_value(json_object_get(spec, "name"));
	if (r->name == NULL)
		r->name = k->name;
	r->advisory = json_is_true(json_object_get(spec, "advisory"));
	snprintf(fields, sizeof(fields), "rule:s name:s advisory:b "
	    "description:s %s", k->fields);
	if (check_fields(c, pointer, spec, fields, k->required, r->name) < 0)
		return -1;
	if (strchr(r->name, '/') != NULL || *r->name == '\0' ||
	    strcmp(r->name, "stages") == 0) {
		snprintf(sub, sizeof(sub), "%s/name", pointer);
		return fault(c, sub, "a rule name is not empty, has no '/' and "
		    "is not \"stages\"");
	}
	for (j = 0; j < index; j++)
		if (strcmp(policy->rules[j].name, r->name) == 0)
			return fault(c, pointer, "a second rule called \"%s\": "
			    "give each its own name", r->name);
	return check_rule_values(c, pointer, r, json_object_get(policy->json,
	    "profiles"));
}

/*
 * The quarantine of tests-pass rule R, the INDEXth: the policy's list and
 * the rule's own.
 */
static int
quarantine_of(struct check *c, const struct hx_policy *policy, size_t index,
    struct hx_rule *r)
{
	char pointer[64], *message;

	r->quarantine = hx_quarantine_new();
	if (hx_quarantine_add_json(r->quarantine, json_object_get(policy->json,
	    "quarantine"), &message) < 0) {
		snprintf(pointer, sizeof(pointer), "/quarantine");
	} else if (hx_quarantine_add_json(r->quarantine, json_object_get(
	    r->spec, "quarantine"), &message) < 0) {
		snprintf(pointer, sizeof(pointer), "/rules/%zu/quarantine",
		    index);
	} else
		return 0;
	fault(c, pointer, "%s", message);
	free(message);
	return -1;
}

static int
check_policy(struct check *c, struct hx_policy *policy)
{
	json_t *rules, *stage;
	char sub[64];
	size_t i, n;

	if (!json_is_object(policy->json))
		return fault(c, "", "a policy is a JSON object");
	if (check_fields(c, "", policy->json, "name:s description:s stages:a "
	    "quarantine:a rules:A profiles:o", "rules", "policy") < 0)
		return -1;
	if (json_object_get(policy->json, "profiles") != NULL &&
	    hx_profile_check(json_object_get(policy->json, "profiles"),
	    c->path, c->map, c->err, c->errlen) < 0)
		return -1;
	rules = json_object_get(policy->json, "rules");
	if ((n = json_array_size(rules)) == 0)
		return fault(c, "/rules", "policy: rules is empty: a policy "
		    "that judges nothing cannot pass anything");
	policy->stages = json_object_get(policy->json, "stages");
	json_array_foreach(policy->stages, i, stage) {
		snprintf(sub, sizeof(sub), "/stages/%zu", i);
		if (hx_policy_stage(json_string_value(stage)) == NULL)
			return fault(c, sub, "unknown stage \"%s\" (known: "
			    "build, emu, wcet, sched, trace)",
			    json_string_value(stage));
	}
	policy->rules = hx_xcalloc(n + 1, sizeof(*policy->rules));
	for (i = 0; i < n; i++) {
		if (check_rule(c, policy, i, &policy->rules[i]) < 0)
			return -1;
		policy->nrules++;
		if (policy->rules[i].kind == HX_RULE_TESTS_PASS &&
		    quarantine_of(c, policy, i, &policy->rules[i]) < 0)
			return -1;
	}
	return 0;
}

/* Give a policy without a no-errors rule the default one. */
static void
add_default_rules(struct hx_policy *policy)
{
	struct hx_rule *r;
	json_t *spec;
	size_t i;

	for (i = 0; i < policy->nrules; i++)
		if (policy->rules[i].kind == HX_RULE_NO_ERRORS)
			return;
	spec = json_pack("{ss}", "rule", "no-errors");
	json_array_append_new(json_object_get(policy->json, "rules"), spec);
	r = &policy->rules[policy->nrules++];
	r->kind = HX_RULE_NO_ERRORS;
	r->kind_name = r->name = "no-errors";
	r->implicit = true;
	r->spec = spec;
}

int
hx_policy_load(const char *path, struct hx_policy *policy, char *err,
    size_t errlen)
{
	struct hx_json_error jerr;
	struct check c = { path, NULL, err, errlen };
	const char *slash;
	int rc;

	memset(policy, 0, sizeof(*policy));
	policy->path = hx_xstrdup(path);
	if ((policy->text = hx_json_read_text(path, &policy->len)) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -2;
	}
	policy->json = hx_json_parse_at(policy->text, policy->len, &c.map,
	    &jerr);
	if (policy->json == NULL) {
		snprintf(err, errlen, "%s:%d:%d: %s", path, jerr.line,
		    jerr.column, jerr.text);
		return -1;
	}
	rc = check_policy(&c, policy);
	json_decref(c.map);
	if (rc < 0)
		return -1;
	add_default_rules(policy);
	policy->name = json_string_value(json_object_get(policy->json, "name"));
	if (policy->name == NULL) {
		slash = strrchr(policy->path, '/');
		policy->name = slash != NULL ? slash + 1 : policy->path;
	}
	return 0;
}

bool
hx_policy_skips_missing_baseline(const struct hx_policy *policy)
{
	const char *missing;
	size_t i, n = 0;

	for (i = 0; i < policy->nrules; i++) {
		if (policy->rules[i].kind != HX_RULE_NO_REGRESSION &&
		    policy->rules[i].kind != HX_RULE_STAGE_DRIFT)
			continue;
		missing = json_string_value(json_object_get(
		    policy->rules[i].spec, "missing_baseline"));
		if (missing == NULL || strcmp(missing, "skip") != 0)
			return false;
		n++;
	}
	return n > 0;
}

void
hx_policy_free(struct hx_policy *policy)
{
	size_t i;

	for (i = 0; i < policy->nrules; i++)
		hx_quarantine_free(policy->rules[i].quarantine);
	free(policy->rules);
	json_decref(policy->json);
	free(policy->text);
	free(policy->path);
	memset(policy, 0, sizeof(*policy));
}
