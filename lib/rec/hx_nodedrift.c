/*
 * hx_nodedrift.c: the drift record read, checked and written.
 */
#include "config.h"

#include <string.h>

#include "rec/hx_nodedrift.h"

int
hx_nodedrift_read(const json_t *json, struct hx_nodedrift *out,
    char **message)
{
	const char *w = "drift ";

	memset(out, 0, sizeof(*out));
	if (hx_field_string(json, w, "node", HX_FIELD_REQUIRED, &out->node,
	    message) < 0 ||
	    hx_field_string(json, w, "key", HX_FIELD_REQUIRED, &out->key,
	    message) < 0 ||
	    hx_field_string(json, w, "pinned", HX_FIELD_REQUIRED,
	    &out->pinned, message) < 0 ||
	    hx_field_string(json, w, "found", HX_FIELD_OPTIONAL, &out->found,
	    message) < 0 ||
	    hx_field_integer(json, w, "time_ns", HX_FIELD_REQUIRED, 0,
	    &out->time_ns, message) < 0) {
		hx_nodedrift_clear(out);
		return -1;
	}
	return 0;
}

json_t *
hx_nodedrift_to_json(const struct hx_nodedrift *d)
{
	json_t *rec = json_object();

	json_object_set_new(rec, "type", json_string("drift"));
	hx_field_set_string(rec, "node", d->node);
	hx_field_set_string(rec, "key", d->key);
	hx_field_set_string(rec, "pinned", d->pinned);
	hx_field_set_string(rec, "found", d->found);
	json_object_set_new(rec, "time_ns", json_integer(d->time_ns));
	return rec;
}

void
hx_nodedrift_clear(struct hx_nodedrift *d)
{
	memset(d, 0, sizeof(*d));
}
