/*
 * hx_stage.c: the stage record read, checked and written.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "rec/hx_stage.h"

void
hx_stage_init(struct hx_stage_record *s)
{
	memset(s, 0, sizeof(*s));
	s->unit = HX_SAMPLE_NS;
}

/*
 * The values array of JSON into S: sorted numbers >= 0 from min to max,
 * all n of them up to the cap.
 */
static int
read_values(const json_t *json, struct hx_stage_record *s, char **message)
{
	const json_t *list = json_object_get(json, "values"), *v;
	size_t i;

	if (list == NULL)
		return hx_field_fault(message, "stage ", "values",
		    "is missing");
	if (!json_is_array(list) || json_array_size(list) == 0 ||
	    json_array_size(list) > HX_STAGE_VALUES_MAX)
		return hx_field_fault(message, "stage ", "values", "is not "
		    "an array of 1 to %d numbers", HX_STAGE_VALUES_MAX);
	s->values = hx_xcalloc(json_array_size(list), sizeof(*s->values));
	json_array_foreach(list, i, v) {
		if (!json_is_number(v) || !(json_number_value(v) >= 0) ||
		    (i > 0 && json_number_value(v) < s->values[i - 1]))
			return hx_field_fault(message, "stage ", "values",
			    "is not sorted numbers >= 0");
		s->values[s->nvalues++] = json_number_value(v);
	}
	if ((int64_t)s->nvalues != (s->n < HX_STAGE_VALUES_MAX ? s->n :
	    HX_STAGE_VALUES_MAX))
		return hx_field_fault(message, "stage ", "values", "has %zu "
		    "values, not all n up to %d", s->nvalues,
		    HX_STAGE_VALUES_MAX);
	/* The least and the greatest are always among them. */
	if (s->values[0] != s->min || s->values[s->nvalues - 1] != s->max)
		return hx_field_fault(message, "stage ", "values", "do not "
		    "run from min to max");
	return 0;
}

int
hx_stage_read(const json_t *json, struct hx_stage_record *out,
    char **message)
{
	static const char *const keys[] = { "min", "p50", "p90", "p99", "max",
	    "mean" };
	double *stats[] = { &out->min, &out->p50, &out->p90, &out->p99,
	    &out->max, &out->mean };
	const char *w = "stage ", *unit;
	size_t i;

	hx_stage_init(out);
	if (hx_field_string(json, w, "stage", HX_FIELD_REQUIRED, &out->stage,
	    message) < 0 ||
	    hx_field_string(json, w, "unit", HX_FIELD_REQUIRED, &unit,
	    message) < 0 ||
	    hx_field_integer(json, w, "n", HX_FIELD_REQUIRED, 1, &out->n,
	    message) < 0)
		goto bad;
	if (hx_sample_unit_parse(unit, &out->unit) < 0) {
		hx_field_fault(message, w, "unit", "is not insns, ns, cycles "
		    "or bytes: %s", unit);
		goto bad;
	}
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (hx_field_number(json, w, keys[i], HX_FIELD_REQUIRED, 0,
		    stats[i], message) < 0)
			goto bad;
	if (read_values(json, out, message) < 0 ||
	    hx_field_pairs(json, w, "labels", HX_FIELD_OPTIONAL,
	    &out->labels, &out->nlabels, message) < 0)
		goto bad;
	return 0;
bad:
	hx_stage_clear(out);
	return -1;
}

json_t *
hx_stage_to_json(const struct hx_stage_record *s)
{
	json_t *rec = json_object(), *list = json_array();
	size_t i;

	json_object_set_new(rec, "type", json_string("stage"));
	hx_field_set_string(rec, "stage", s->stage);
	json_object_set_new(rec, "unit",
	    json_string(hx_sample_unit_name(s->unit)));
	json_object_set_new(rec, "n", json_integer(s->n));
	json_object_set_new(rec, "min", hx_field_measurement_json(s->min));
	json_object_set_new(rec, "p50", hx_field_measurement_json(s->p50));
	json_object_set_new(rec, "p90", hx_field_measurement_json(s->p90));
	json_object_set_new(rec, "p99", hx_field_measurement_json(s->p99));
	json_object_set_new(rec, "max", hx_field_measurement_json(s->max));
	json_object_set_new(rec, "mean", hx_field_measurement_json(s->mean));
	for (i = 0; i < s->nvalues; i++)
		json_array_append_new(list,
		    hx_field_measurement_json(s->values[i]));
	json_object_set_new(rec, "values", list);
	hx_field_set_pairs(rec, "labels", s->labels, s->nlabels);
	return rec;
}

const char *
hx_stage_label(const struct hx_stage_record *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nlabels; i++)
		if (strcmp(s->labels[i].name, name) == 0)
			return s->labels[i].value;
	return NULL;
}

void
hx_stage_clear(struct hx_stage_record *s)
{
	free(s->values);
	free(s->labels);
	hx_stage_init(s);
}
