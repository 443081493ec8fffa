/*
 * hx_job.c: the job record read, checked and written.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "rec/hx_job.h"

static const char *const hx_job_placement_names[] = {
	"any", "colocated", "split", NULL,
};

void
hx_job_init(struct hx_job *j)
{
	memset(j, 0, sizeof(*j));
	j->resources.cpus = 1;
	j->deadline_ns = -1;
}

/* The resources: {cpus, memory_bytes, gpus}, each optional. */
static int
read_resources(const json_t *json, struct hx_job_resources *r,
    char **message)
{
	const char *w = "job resources.";
	const json_t *obj;
	int rc;

	if ((rc = hx_field_object(json, "job ", "resources",
	    HX_FIELD_OPTIONAL, &obj, message)) <= 0)
		return rc;
	return hx_field_integer(obj, w, "cpus", HX_FIELD_OPTIONAL, 0,
	    &r->cpus, message) < 0 ||
	    hx_field_integer(obj, w, "memory_bytes", HX_FIELD_OPTIONAL, 0,
	    &r->memory_bytes, message) < 0 ||
	    hx_field_integer(obj, w, "gpus", HX_FIELD_OPTIONAL, 0, &r->gpus,
	    message) < 0 ? -1 : 0;
}

int
hx_job_read(const json_t *json, struct hx_job *out, char **message)
{
	const char *w = "job ", *key;
	int placement = 0;

	hx_job_init(out);
	if (hx_field_string(json, w, "name", HX_FIELD_REQUIRED, &out->name,
	    message) < 0 ||
	    hx_field_strings(json, w, "argv", HX_FIELD_REQUIRED, &out->argv,
	    message) < 0 ||
	    hx_field_string(json, w, "arch", HX_FIELD_OPTIONAL, &out->arch,
	    message) < 0 ||
	    hx_field_strings(json, w, "selector", HX_FIELD_OPTIONAL,
	    &out->selector, message) < 0 ||
	    read_resources(json, &out->resources, message) < 0 ||
	    hx_field_string(json, w, "team", HX_FIELD_OPTIONAL, &out->team,
	    message) < 0 ||
	    hx_field_integer(json, w, "priority", HX_FIELD_OPTIONAL,
	    INT64_MIN, &out->priority, message) < 0 ||
	    hx_field_integer(json, w, "duration_ns", HX_FIELD_OPTIONAL, 1,
	    &out->duration_ns, message) < 0 ||
	    hx_field_integer(json, w, "deadline_ns", HX_FIELD_OPTIONAL, 0,
	    &out->deadline_ns, message) < 0 ||
	    hx_field_string(json, w, "group", HX_FIELD_OPTIONAL, &out->group,
	    message) < 0 ||
	    hx_field_string(json, w, "role", HX_FIELD_OPTIONAL, &out->role,
	    message) < 0 ||
	    hx_field_enum(json, w, "placement", HX_FIELD_OPTIONAL,
	    hx_job_placement_names, &placement, message) < 0 ||
	    hx_field_strings(json, w, "tests", HX_FIELD_OPTIONAL, &out->tests,
	    message) < 0) {
		hx_job_clear(out);
		return -1;
	}
	if (out->argv[0] == NULL || *out->name == '\0') {
		key = out->argv[0] == NULL ? "argv" : "name";
		hx_job_clear(out);
		return hx_field_fault(message, w, key, "is empty");
	}
	if (out->duration_ns >= HX_JOB_TIME_LIMIT ||
	    out->deadline_ns >= HX_JOB_TIME_LIMIT) {
		key = out->duration_ns >= HX_JOB_TIME_LIMIT ? "duration_ns" :
		    "deadline_ns";
		hx_job_clear(out);
		return hx_field_fault(message, w, key, "is 2^62 ns or more");
	}
	out->placement = (enum hx_job_placement)placement;
	return 0;
}

json_t *
hx_job_to_json(const struct hx_job *j)
{
	json_t *rec = json_object(), *res = json_object();

	json_object_set_new(rec, "type", json_string("job"));
	hx_field_set_string(rec, "name", j->name);
	hx_field_set_strings(rec, "argv", j->argv);
	hx_field_set_string(rec, "arch", j->arch);
	hx_field_set_strings(rec, "selector", j->selector);
	json_object_set_new(res, "cpus", json_integer(j->resources.cpus));
	json_object_set_new(res, "memory_bytes",
	    json_integer(j->resources.memory_bytes));
	json_object_set_new(res, "gpus", json_integer(j->resources.gpus));
	json_object_set_new(rec, "resources", res);
	hx_field_set_string(rec, "team", j->team);
	json_object_set_new(rec, "priority", json_integer(j->priority));
	if (j->duration_ns > 0)
		json_object_set_new(rec, "duration_ns",
		    json_integer(j->duration_ns));
	if (j->deadline_ns >= 0)
		json_object_set_new(rec, "deadline_ns",
		    json_integer(j->deadline_ns));
	hx_field_set_string(rec, "group", j->group);
	hx_field_set_string(rec, "role", j->role);
	json_object_set_new(rec, "placement",
	    json_string(hx_job_placement_names[j->placement]));
	hx_field_set_strings(rec, "tests", j->tests);
	return rec;
}

void
hx_job_clear(struct hx_job *j)
{
	free(j->argv);
	free(j->selector);
	free(j->tests);
	hx_job_init(j);
}
