/*
 * hx_sample.c: the sample record read, checked and written.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "rec/hx_sample.h"

static const char *const hx_sample_unit_names[] = {
	"insns", "ns", "cycles", "bytes", NULL,
};

const char *
hx_sample_unit_name(enum hx_sample_unit unit)
{
	return hx_sample_unit_names[unit];
}

int
hx_sample_unit_parse(const char *name, enum hx_sample_unit *out)
{
	int i = hx_field_index(hx_sample_unit_names, name);

	if (i < 0)
		return -1;
	*out = (enum hx_sample_unit)i;
	return 0;
}

void
hx_sample_init(struct hx_sample *s)
{
	memset(s, 0, sizeof(*s));
	s->time_ns = -1;
}

int
hx_sample_read(const json_t *json, struct hx_sample *out, char **message)
{
	const char *w = "sample ";
	int64_t index = 0, time_ns = -1;
	int unit = 0;

	hx_sample_init(out);
	if (hx_field_string(json, w, "name", HX_FIELD_REQUIRED, &out->name,
	    message) < 0 ||
	    hx_field_enum(json, w, "unit", HX_FIELD_REQUIRED,
	    hx_sample_unit_names, &unit, message) < 0 ||
	    hx_field_number(json, w, "value", HX_FIELD_REQUIRED, 0,
	    &out->value, message) < 0 ||
	    hx_field_integer(json, w, "index", HX_FIELD_OPTIONAL, 1, &index,
	    message) < 0 ||
	    hx_field_string(json, w, "test", HX_FIELD_OPTIONAL, &out->test,
	    message) < 0 ||
	    hx_field_integer(json, w, "time_ns", HX_FIELD_OPTIONAL, 0,
	    &time_ns, message) < 0 ||
	    hx_field_pairs(json, w, "labels", HX_FIELD_OPTIONAL, &out->labels,
	    &out->nlabels, message) < 0) {
		hx_sample_clear(out);
		return -1;
	}
	out->unit = (enum hx_sample_unit)unit;
	out->index = index;
	out->time_ns = time_ns;
	return 0;
}

json_t *
hx_sample_to_json(const struct hx_sample *s)
{
	json_t *rec = json_object();

	json_object_set_new(rec, "type", json_string("sample"));
	hx_field_set_string(rec, "name", s->name);
	json_object_set_new(rec, "unit",
	    json_string(hx_sample_unit_name(s->unit)));
	json_object_set_new(rec, "value", hx_field_measurement_json(s->value));
	if (s->index > 0)
		json_object_set_new(rec, "index", json_integer(s->index));
	hx_field_set_string(rec, "test", s->test);
	if (s->time_ns >= 0)
		json_object_set_new(rec, "time_ns", json_integer(s->time_ns));
	hx_field_set_pairs(rec, "labels", s->labels, s->nlabels);
	return rec;
}

void
hx_sample_clear(struct hx_sample *s)
{
	free(s->labels);
	hx_sample_init(s);
}
