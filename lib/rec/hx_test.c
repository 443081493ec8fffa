/*
 * hx_test.c: the test record read, checked and written, and the rule of
 * which tests fail a run.
 */
#include "config.h"

#include <limits.h>
#include <string.h>

#include "rec/hx_test.h"

void
hx_test_init(struct hx_test *t)
{
	memset(t, 0, sizeof(*t));
	t->exit_code = -1;
	t->attempt = 1;
	t->number = -1;
}

/* A string that may hold any text, with its length. */
static int
text(const json_t *json, const char *key, const char **out, size_t *len,
    char **message)
{
	int rc = hx_field_string(json, "test ", key, HX_FIELD_OPTIONAL, out,
	    message);

	if (rc > 0)
		*len = json_string_length(json_object_get(json, key));
	return rc;
}

int
hx_test_read(const json_t *json, struct hx_test *out, char **message)
{
	const char *w = "test ";
	int64_t exit_code = -1, signal = 0, attempt = 1, number = -1;
	int status = 0;

	hx_test_init(out);
	if (hx_field_string(json, w, "name", HX_FIELD_REQUIRED, &out->name,
	    message) < 0 ||
	    hx_field_string(json, w, "artifact", HX_FIELD_REQUIRED,
	    &out->artifact, message) < 0 ||
	    hx_field_string(json, w, "runner", HX_FIELD_REQUIRED,
	    &out->runner, message) < 0 ||
	    hx_field_enum(json, w, "status", HX_FIELD_REQUIRED,
	    hx_status_names, &status, message) < 0 ||
	    hx_field_integer(json, w, "exit_code", HX_FIELD_OPTIONAL, 0,
	    &exit_code, message) < 0 ||
	    hx_field_integer(json, w, "signal", HX_FIELD_OPTIONAL, 1, &signal,
	    message) < 0 ||
	    hx_field_integer(json, w, "duration_ns", HX_FIELD_REQUIRED, 0,
	    &out->duration_ns, message) < 0 ||
	    hx_field_integer(json, w, "attempt", HX_FIELD_REQUIRED, 1,
	    &attempt, message) < 0 ||
	    hx_field_boolean(json, w, "flaky", HX_FIELD_OPTIONAL, &out->flaky,
	    message) < 0 ||
	    hx_field_boolean(json, w, "quarantined", HX_FIELD_OPTIONAL,
	    &out->quarantined, message) < 0 ||
	    hx_field_integer(json, w, "number", HX_FIELD_OPTIONAL, 0, &number,
	    message) < 0 ||
	    hx_field_string(json, w, "description", HX_FIELD_OPTIONAL,
	    &out->description, message) < 0 ||
	    hx_field_string(json, w, "directive", HX_FIELD_OPTIONAL,
	    &out->directive, message) < 0 ||
	    hx_field_string(json, w, "diagnostics", HX_FIELD_OPTIONAL,
	    &out->diagnostics, message) < 0 ||
	    text(json, "stdout_tail", &out->stdout_tail,
	    &out->stdout_tail_len, message) < 0 ||
	    text(json, "stderr_tail", &out->stderr_tail,
	    &out->stderr_tail_len, message) < 0 ||
	    hx_field_string(json, w, "message", HX_FIELD_OPTIONAL,
	    &out->message, message) < 0) {
		hx_test_clear(out);
		return -1;
	}
	if (exit_code > 255 || signal > 255 || attempt > INT_MAX) {
		hx_test_clear(out);
		return hx_field_fault(message, w, exit_code > 255 ?
		    "exit_code" : signal > 255 ? "signal" : "attempt",
		    "is out of range");
	}
	out->status = (enum hx_status)status;
	out->exit_code = (int)exit_code;
	out->signal = (int)signal;
	out->attempt = (int)attempt;
	out->number = number;
	return 0;
}

json_t *
hx_test_to_json(const struct hx_test *t)
{
	json_t *rec = json_object();

	json_object_set_new(rec, "type", json_string("test"));
	hx_field_set_string(rec, "name", t->name);
	hx_field_set_string(rec, "artifact", t->artifact);
	hx_field_set_string(rec, "runner", t->runner);
	json_object_set_new(rec, "status",
	    json_string(hx_status_name(t->status)));
	if (t->exit_code >= 0)
		json_object_set_new(rec, "exit_code",
		    json_integer(t->exit_code));
	if (t->signal > 0)
		json_object_set_new(rec, "signal", json_integer(t->signal));
	json_object_set_new(rec, "duration_ns", json_integer(t->duration_ns));
	json_object_set_new(rec, "attempt", json_integer(t->attempt));
	if (t->flaky)
		json_object_set_new(rec, "flaky", json_true());
	if (t->quarantined)
		json_object_set_new(rec, "quarantined", json_true());
	if (t->number >= 0)
		json_object_set_new(rec, "number", json_integer(t->number));
	hx_field_set_string(rec, "description", t->description);
	hx_field_set_string(rec, "directive", t->directive);
	hx_field_set_string(rec, "diagnostics", t->diagnostics);
	hx_field_set_text(rec, "stdout_tail", t->stdout_tail,
	    t->stdout_tail_len);
	hx_field_set_text(rec, "stderr_tail", t->stderr_tail,
	    t->stderr_tail_len);
	hx_field_set_string(rec, "message", t->message);
	return rec;
}

void
hx_test_clear(struct hx_test *t)
{
	hx_test_init(t);
}

bool
hx_test_failed(const struct hx_test *t)
{
	return hx_status_failed(t->status) && !t->quarantined;
}
