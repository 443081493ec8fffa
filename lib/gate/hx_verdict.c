/*
 * hx_verdict: the gate record, rendered from the verdict.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "hx_err.h"
#include "gate/hx_verdict.h"

const char *
hx_verdict_status_name(enum hx_verdict_status status)
{
	static const char *const names[] = { "pass", "fail", "skip" };

	return names[status];
}

char *
hx_verdict_rule_message(const struct hx_verdict_rule *rule)
{
	char *text, *both;
	size_t i;

	if (rule->nmessages == 0)
		return NULL;
	text = hx_xstrdup(rule->messages[0]);
	for (i = 1; i < rule->nmessages; i++) {
		both = hx_xasprintf("%s; %s", text, rule->messages[i]);
		free(text);
		text = both;
	}
	return text;
}

static json_t *
number_json(const struct hx_verdict_number *n)
{
	return n->integer ? json_integer((json_int_t)n->i) : json_real(n->x);
}

json_t *
hx_verdict_value_json(const struct hx_verdict_value *value)
{
	json_t *names;
	size_t i;

	switch (value->kind) {
	case HX_VERDICT_NUMBER:
		return number_json(&value->number);
	case HX_VERDICT_RANGE:
		return json_pack("{soso}", "min", number_json(&value->min),
		    "max", number_json(&value->max));
	case HX_VERDICT_NAMES:
		names = json_array();
		for (i = 0; i < value->nnames; i++)
			json_array_append_new(names,
			    json_string(value->names[i]));
		return names;
	case HX_VERDICT_NONE:
		break;
	}
	return json_null();
}

static json_t *
rule_json(const struct hx_verdict_rule *rule)
{
	json_t *obj, *refs = json_array();
	char *message = hx_verdict_rule_message(rule);
	size_t i;

	for (i = 0; i < rule->ndecided; i++)
		json_array_append_new(refs, json_string(rule->decided_by[i]));
	obj = json_pack("{ss ss ss so}", "name", rule->name, "rule",
	    rule->kind, "status", hx_verdict_status_name(rule->status),
	    "decided_by", refs);
	if (rule->advisory)
		json_object_set_new(obj, "advisory", json_true());
	if (message != NULL)
		json_object_set_new(obj, "message", json_string(message));
	json_object_set_new(obj, "observed",
	    hx_verdict_value_json(&rule->observed));
	json_object_set_new(obj, "limit", hx_verdict_value_json(&rule->limit));
	if (rule->unit != NULL)
		json_object_set_new(obj, "unit", json_string(rule->unit));
	if (rule->profile != NULL)
		json_object_set_new(obj, "profile",
		    json_string(rule->profile));
	free(message);
	return obj;
}

json_t *
hx_verdict_record(const struct hx_verdict *verdict)
{
	json_t *gate, *rules = json_array();
	size_t i;

	for (i = 0; i < verdict->nrules; i++)
		json_array_append_new(rules, rule_json(&verdict->rules[i]));
	gate = json_pack("{ss ss ss ss sI so}", "type", "gate", "program",
	    "hx-gate", "status", hx_verdict_status_name(verdict->status),
	    "policy", verdict->policy, "records",
	    (json_int_t)verdict->records, "rules", rules);
	if (verdict->message != NULL)
		json_object_set_new(gate, "message",
		    json_string(verdict->message));
	if (verdict->baseline != NULL)
		json_object_set_new(gate, "baseline",
		    json_string(verdict->baseline));
	if (verdict->baseline_recorded != NULL)
		json_object_set_new(gate, "baseline_recorded",
		    json_string(verdict->baseline_recorded));
	return gate;
}

/* Whether RULE names the test CAUSE: decided by it, or says its name. */
static bool
names_cause(const struct hx_verdict_rule *rule,
    const struct hx_verdict_cause *cause)
{
	size_t i;

	if (rule->group != NULL && strcmp(rule->group, cause->test) == 0)
		return true;
	for (i = 0; i < rule->ndecided; i++)
		if (strcmp(rule->decided_by[i], cause->ref) == 0)
			return true;
	for (i = 0; i < rule->nmessages; i++)
		if (strstr(rule->messages[i], cause->test) != NULL)
			return true;
	return false;
}

const struct hx_verdict_cause *
hx_verdict_cause_of(const struct hx_verdict *verdict,
    const struct hx_verdict_rule *rule)
{
	size_t i;

	if (rule->status != HX_VERDICT_FAIL)
		return NULL;
	for (i = 0; i < verdict->ncauses; i++)
		if (names_cause(rule, &verdict->causes[i]))
			return &verdict->causes[i];
	return NULL;
}

static void
free_strings(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void
value_free(struct hx_verdict_value *value)
{
	free_strings(value->names, value->nnames);
}

void
hx_verdict_free(struct hx_verdict *verdict)
{
	struct hx_verdict_rule *r;
	size_t i;

	for (i = 0; i < verdict->nrules; i++) {
		r = &verdict->rules[i];
		free(r->name);
		free(r->kind);
		free(r->unit);
		value_free(&r->observed);
		value_free(&r->limit);
		free_strings(r->messages, r->nmessages);
		free_strings(r->decided_by, r->ndecided);
		free_strings(r->decided_at, r->nat);
		free(r->group);
		free(r->profile);
	}
	for (i = 0; i < verdict->ncauses; i++) {
		free(verdict->causes[i].test);
		free(verdict->causes[i].ref);
		free(verdict->causes[i].at);
		free(verdict->causes[i].output);
	}
	free(verdict->causes);
	free(verdict->commit);
	free(verdict->toolchain);
	free(verdict->rules);
	free(verdict->policy);
	free(verdict->baseline);
	free(verdict->baseline_recorded);
	free(verdict->message);
	memset(verdict, 0, sizeof(*verdict));
}
