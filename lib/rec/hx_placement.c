/*
 * hx_placement.c: the placement record read, checked and written.
 */
#include "config.h"

#include <string.h>

#include "rec/hx_placement.h"

static const char *const hx_placement_status_names[] = {
	"planned", "done", "failed", NULL,
};

void
hx_placement_init(struct hx_placement *p)
{
	memset(p, 0, sizeof(*p));
}

int
hx_placement_read(const json_t *json, struct hx_placement *out,
    char **message)
{
	const char *w = "placement ";
	int backend = 0, status = 0;

	hx_placement_init(out);
	if (hx_field_string(json, w, "job", HX_FIELD_REQUIRED, &out->job,
	    message) < 0 ||
	    hx_field_string(json, w, "group", HX_FIELD_OPTIONAL, &out->group,
	    message) < 0 ||
	    hx_field_string(json, w, "node", HX_FIELD_REQUIRED, &out->node,
	    message) < 0 ||
	    hx_field_enum(json, w, "backend", HX_FIELD_REQUIRED,
	    hx_node_backend_names, &backend, message) < 0 ||
	    hx_field_integer(json, w, "start_ns", HX_FIELD_REQUIRED, 0,
	    &out->start_ns, message) < 0 ||
	    hx_field_integer(json, w, "end_ns", HX_FIELD_REQUIRED, 0,
	    &out->end_ns, message) < 0 ||
	    hx_field_string(json, w, "team", HX_FIELD_OPTIONAL, &out->team,
	    message) < 0 ||
	    hx_field_integer(json, w, "priority", HX_FIELD_OPTIONAL,
	    INT64_MIN, &out->priority, message) < 0 ||
	    hx_field_enum(json, w, "status", HX_FIELD_OPTIONAL,
	    hx_placement_status_names, &status, message) < 0 ||
	    hx_field_string(json, w, "reason", HX_FIELD_REQUIRED,
	    &out->reason, message) < 0 ||
	    hx_field_string(json, w, "preempted_by", HX_FIELD_OPTIONAL,
	    &out->preempted_by, message) < 0) {
		hx_placement_clear(out);
		return -1;
	}
	if (out->end_ns < out->start_ns) {
		hx_placement_clear(out);
		return hx_field_fault(message, w, "end_ns",
		    "is before start_ns");
	}
	out->backend = (enum hx_node_backend)backend;
	out->status = (enum hx_placement_status)status;
	return 0;
}

json_t *
hx_placement_to_json(const struct hx_placement *p)
{
	json_t *rec = json_object();

	json_object_set_new(rec, "type", json_string("placement"));
	hx_field_set_string(rec, "job", p->job);
	hx_field_set_string(rec, "group", p->group);
	hx_field_set_string(rec, "node", p->node);
	json_object_set_new(rec, "backend",
	    json_string(hx_node_backend_name(p->backend)));
	json_object_set_new(rec, "start_ns", json_integer(p->start_ns));
	json_object_set_new(rec, "end_ns", json_integer(p->end_ns));
	hx_field_set_string(rec, "team", p->team);
	json_object_set_new(rec, "priority", json_integer(p->priority));
	json_object_set_new(rec, "status",
	    json_string(hx_placement_status_names[p->status]));
	hx_field_set_string(rec, "reason", p->reason);
	hx_field_set_string(rec, "preempted_by", p->preempted_by);
	return rec;
}

void
hx_placement_clear(struct hx_placement *p)
{
	hx_placement_init(p);
}
