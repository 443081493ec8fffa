/*
 * hx_metric.c: the metric record read, checked and written.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rec/hx_metric.h"

static const char *const hx_metric_kind_names[] = {
	"gauge", "counter", NULL,
};

const char *
hx_metric_kind_name(enum hx_metric_kind kind)
{
	return hx_metric_kind_names[kind];
}

void
hx_metric_init(struct hx_metric *m)
{
	memset(m, 0, sizeof(*m));
}

bool
hx_metric_name_valid(const char *name)
{
	static const char first[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ_:";

	return name[0] != '\0' && strchr(first, name[0]) != NULL &&
	    strspn(name, "0123456789abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ_:") == strlen(name);
}

int
hx_metric_read(const json_t *json, struct hx_metric *out, char **message)
{
	const char *w = "metric ";
	int kind = 0;

	hx_metric_init(out);
	if (hx_field_string(json, w, "name", HX_FIELD_REQUIRED, &out->name,
	    message) < 0)
		return -1;
	if (!hx_metric_name_valid(out->name)) {
		hx_field_fault(message, w, "name", "is not a Prometheus metric "
		    "name: %s", out->name);
		hx_metric_clear(out);
		return -1;
	}
	if (hx_field_enum(json, w, "kind", HX_FIELD_REQUIRED,
	    hx_metric_kind_names, &kind, message) < 0 ||
	    hx_field_number(json, w, "value", HX_FIELD_REQUIRED, -HUGE_VAL,
	    &out->value, message) < 0 ||
	    hx_field_string(json, w, "unit", HX_FIELD_OPTIONAL, &out->unit,
	    message) < 0 ||
	    hx_field_integer(json, w, "time_ns", HX_FIELD_REQUIRED, 0,
	    &out->time_ns, message) < 0 ||
	    hx_field_string(json, w, "service", HX_FIELD_OPTIONAL,
	    &out->service, message) < 0 ||
	    hx_field_pairs(json, w, "labels", HX_FIELD_OPTIONAL, &out->labels,
	    &out->nlabels, message) < 0) {
		hx_metric_clear(out);
		return -1;
	}
	out->kind = (enum hx_metric_kind)kind;
	if (out->kind == HX_METRIC_COUNTER && out->value < 0) {
		hx_field_fault(message, w, "value", "is negative for a counter");
		hx_metric_clear(out);
		return -1;
	}
	return 0;
}

json_t *
hx_metric_to_json(const struct hx_metric *m)
{
	json_t *rec = json_object();

	json_object_set_new(rec, "type", json_string("metric"));
	hx_field_set_string(rec, "name", m->name);
	json_object_set_new(rec, "kind",
	    json_string(hx_metric_kind_name(m->kind)));
	json_object_set_new(rec, "value", hx_field_measurement_json(m->value));
	hx_field_set_string(rec, "unit", m->unit);
	json_object_set_new(rec, "time_ns", json_integer(m->time_ns));
	hx_field_set_string(rec, "service", m->service);
	hx_field_set_pairs(rec, "labels", m->labels, m->nlabels);
	return rec;
}

void
hx_metric_clear(struct hx_metric *m)
{
	free(m->labels);
	hx_metric_init(m);
}
