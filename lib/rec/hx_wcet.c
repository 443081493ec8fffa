/*
 * hx_wcet.c: the wcet record read, checked and written.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rec/hx_sample.h"
#include "rec/hx_wcet.h"

const char *const hx_wcet_method_names[] = {
	"gev", "gpd", "deterministic", "none", NULL,
};
static const char *const hx_wcet_class_names[] = {
	"ok", "drift", "regression", "insufficient", NULL,
};
static const char *const comparison_names[] = { "rank", "exact", NULL };
static const char *const estimator_names[] = { "", "mle", "pwm", NULL };

/* The summary statistics, in the order of struct hx_wcet. */
static const char *const summary_names[] = { "min", "mean", "median",
    "p99", "max", "cv", NULL };

/* A number that may be null (NAN) and is there when its object is. */
#define STAT (HX_FIELD_REQUIRED | HX_FIELD_NULL)

void
hx_wcet_init(struct hx_wcet *w)
{
	memset(w, 0, sizeof(*w));
	w->min = w->mean = w->median = w->p99 = w->max = w->cv = NAN;
	w->method = HX_WCET_NONE;
	w->confidence = NAN;
}

/* Read the numbers named by KEYS of OBJ into OUT, in order. */
static int
numbers(const json_t *obj, const char *where, const char *const *keys,
    double *const *out, char **message)
{
	size_t i;

	for (i = 0; keys[i] != NULL; i++)
		if (hx_field_number(obj, where, keys[i], STAT, -HUGE_VAL,
		    out[i], message) < 0)
			return -1;
	return 0;
}

/* The nested object KEY: 1 with *OBJ and *WHERE ("wcet KEY.") set. */
static int
nested(const json_t *json, const char *key, const json_t **obj,
    char **where, char **message)
{
	int rc = hx_field_object(json, "wcet ", key, HX_FIELD_OPTIONAL, obj,
	    message);

	if (rc > 0)
		*where = hx_xasprintf("wcet %s.", key);
	return rc;
}

static int
read_iid(const json_t *json, struct hx_wcet_iid *t, char **message)
{
	static const char *const keys[] = { "ljung_box", "ljung_box_p", "ks",
	    "ks_p", "runs_z", "runs_p", NULL };
	double *const out[] = { &t->ljung_box, &t->ljung_box_p, &t->ks,
	    &t->ks_p, &t->runs_z, &t->runs_p };
	const json_t *obj;
	char *w = NULL;
	int rc;

	if ((rc = nested(json, "iid", &obj, &w, message)) <= 0)
		return rc;
	rc = numbers(obj, w, keys, out, message) < 0 ||
	    hx_field_integer(obj, w, "lags", HX_FIELD_REQUIRED, 1, &t->lags,
	    message) < 0 ||
	    hx_field_boolean(obj, w, "passed", HX_FIELD_REQUIRED, &t->passed,
	    message) < 0 ? -1 : 0;
	t->present = rc == 0;
	free(w);
	return rc;
}

static int
read_params(const json_t *json, const char *key, const char *loc,
    struct hx_wcet_params *pa, char **message)
{
	const char *const keys[] = { loc, "sigma", "xi", NULL };
	double *const out[] = { &pa->loc, &pa->sigma, &pa->xi };
	const json_t *obj;
	char *w = NULL;
	int rc;

	if ((rc = nested(json, key, &obj, &w, message)) <= 0)
		return rc;
	rc = numbers(obj, w, keys, out, message);
	pa->present = rc == 0;
	free(w);
	return rc;
}

static int
read_gof(const json_t *json, struct hx_wcet_gof *g, char **message)
{
	static const char *const keys[] = { "ad", "ad_p", "ks", "ks_p",
	    NULL };
	double *const out[] = { &g->ad, &g->ad_p, &g->ks, &g->ks_p };
	const json_t *obj;
	char *w = NULL;
	int rc;

	if ((rc = nested(json, "gof", &obj, &w, message)) <= 0)
		return rc;
	rc = numbers(obj, w, keys, out, message) < 0 ||
	    hx_field_boolean(obj, w, "passed", HX_FIELD_REQUIRED, &g->passed,
	    message) < 0 ? -1 : 0;
	g->present = rc == 0;
	free(w);
	return rc;
}

static int
read_baseline(const json_t *json, struct hx_wcet_baseline *b,
    char **message)
{
	static const char *const keys[] = { "shift", "lo", "hi", "p",
	    "p_adjusted", NULL };
	double *const out[] = { &b->shift, &b->lo, &b->hi, &b->p,
	    &b->p_adjusted };
	const json_t *obj;
	char *w = NULL;
	int rc, class = 0, method = 0;

	if ((rc = nested(json, "baseline", &obj, &w, message)) <= 0)
		return rc;
	b->abs_shift = NAN;
	rc = numbers(obj, w, keys, out, message) < 0 ||
	    hx_field_number(obj, w, "abs_shift", HX_FIELD_OPTIONAL |
	    HX_FIELD_NULL, -HUGE_VAL, &b->abs_shift, message) < 0 ||
	    hx_field_integer(obj, w, "n", HX_FIELD_REQUIRED, 0, &b->n,
	    message) < 0 ||
	    hx_field_integer(obj, w, "min_n", HX_FIELD_OPTIONAL, 1,
	    &b->min_n, message) < 0 ||
	    hx_field_enum(obj, w, "method", HX_FIELD_OPTIONAL,
	    comparison_names, &method, message) < 0 ||
	    hx_field_enum(obj, w, "class", HX_FIELD_REQUIRED,
	    hx_wcet_class_names, &class, message) < 0 ? -1 : 0;
	b->class = (enum hx_wcet_class)class;
	b->exact = method == 1;
	b->present = rc == 0;
	free(w);
	return rc;
}

static int
read_pwcet(const json_t *json, struct hx_wcet *w, char **message)
{
	static const char *const keys[] = { "value", "lo", "hi", NULL };
	json_t *array = json_object_get(json, "pwcet"), *item;
	struct hx_wcet_level *lv;
	char *where;
	size_t i;
	int rc = 0;

	if (array == NULL)
		return 0;
	if (!json_is_array(array))
		return hx_field_fault(message, "wcet ", "pwcet",
		    "is not an array");
	w->pwcet = hx_xcalloc(json_array_size(array) + 1, sizeof(*w->pwcet));
	json_array_foreach(array, i, item) {
		lv = &w->pwcet[i];
		where = hx_xasprintf("wcet pwcet[%zu]", i);
		if (!json_is_object(item))
			rc = hx_field_fault(message, where, "",
			    "is not an object");
		free(where);
		if (rc < 0)
			return -1;
		where = hx_xasprintf("wcet pwcet[%zu].", i);
		rc = hx_field_number(item, where, "p", HX_FIELD_REQUIRED,
		    0, &lv->p, message) < 0 || numbers(item, where, keys,
		    (double *const []){ &lv->value, &lv->lo, &lv->hi },
		    message) < 0 ? -1 : 0;
		free(where);
		if (rc < 0)
			return -1;
	}
	w->npwcet = json_array_size(array);
	return 0;
}

/* The unit: a sample's, or "value" for plain numbers. */
static int
read_unit(const json_t *json, const char **unit, char **message)
{
	enum hx_sample_unit u;

	if (hx_field_string(json, "wcet ", "unit", HX_FIELD_REQUIRED, unit,
	    message) < 0)
		return -1;
	if (strcmp(*unit, "value") != 0 &&
	    hx_sample_unit_parse(*unit, &u) < 0)
		return hx_field_fault(message, "wcet ", "unit", "is not insns, "
		    "ns, cycles, bytes or value: %s", *unit);
	return 0;
}

int
hx_wcet_read(const json_t *json, struct hx_wcet *out, char **message)
{
	double *const sums[] = { &out->min, &out->mean, &out->median,
	    &out->p99, &out->max, &out->cv };
	const char *w = "wcet ";
	int method = 0, estimator = 0, rc = 0;

	hx_wcet_init(out);
	if (hx_field_string(json, w, "name", HX_FIELD_REQUIRED, &out->name,
	    message) < 0 ||
	    read_unit(json, &out->unit, message) < 0 ||
	    hx_field_pairs(json, w, "labels", HX_FIELD_OPTIONAL, &out->labels,
	    &out->nlabels, message) < 0 ||
	    hx_field_integer(json, w, "n", HX_FIELD_REQUIRED, 1, &out->n,
	    message) < 0 ||
	    numbers(json, w, summary_names, sums, message) < 0 ||
	    read_iid(json, &out->iid, message) < 0 ||
	    hx_field_enum(json, w, "method", HX_FIELD_REQUIRED,
	    hx_wcet_method_names, &method, message) < 0 ||
	    hx_field_enum(json, w, "estimator", HX_FIELD_OPTIONAL,
	    estimator_names + 1, &estimator, message) < 0 ||
	    hx_field_integer(json, w, "block", HX_FIELD_OPTIONAL, 1,
	    &out->block, message) < 0 ||
	    hx_field_integer(json, w, "exceedances", HX_FIELD_OPTIONAL, 1,
	    &out->exceedances, message) < 0 ||
	    read_params(json, "params", method == HX_WCET_GPD ? "u" : "mu",
	    &out->params, message) < 0 ||
	    read_params(json, "se", method == HX_WCET_GPD ? "u" : "mu",
	    &out->se, message) < 0 ||
	    (rc = hx_field_number(json, w, "loglik", HX_FIELD_NULL, -HUGE_VAL,
	    &out->loglik, message)) < 0 ||
	    read_gof(json, &out->gof, message) < 0 ||
	    hx_field_number(json, w, "confidence", HX_FIELD_OPTIONAL, 0,
	    &out->confidence, message) < 0 ||
	    read_pwcet(json, out, message) < 0 ||
	    read_baseline(json, &out->baseline, message) < 0 ||
	    hx_field_boolean(json, w, "insufficient", HX_FIELD_OPTIONAL,
	    &out->insufficient, message) < 0 ||
	    hx_field_string(json, w, "message", HX_FIELD_OPTIONAL,
	    &out->message, message) < 0) {
		hx_wcet_clear(out);
		return -1;
	}
	out->method = (enum hx_wcet_method)method;
	if (json_object_get(json, "estimator") != NULL)
		out->estimator = (enum hx_wcet_estimator)(estimator + 1);
	out->has_loglik = rc > 0;
	return 0;
}

/* Set KEY of OBJ to the numbers of VALUES named by KEYS. */
static void
set_numbers(json_t *obj, const char *const *keys, const double *values)
{
	size_t i;

	for (i = 0; keys[i] != NULL; i++)
		json_object_set_new(obj, keys[i],
		    hx_field_number_json(values[i]));
}

static void
set_params(json_t *rec, const char *key, const char *loc,
    const struct hx_wcet_params *pa)
{
	const char *const keys[] = { loc, "sigma", "xi", NULL };
	const double values[] = { pa->loc, pa->sigma, pa->xi };
	json_t *obj;

	if (!pa->present)
		return;
	obj = json_object();
	set_numbers(obj, keys, values);
	json_object_set_new(rec, key, obj);
}

/* The optional parts: iid, gof, pwcet and baseline. */
static void
set_parts(json_t *rec, const struct hx_wcet *w)
{
	static const char *const iid[] = { "ljung_box", "ljung_box_p", "ks",
	    "ks_p", "runs_z", "runs_p", NULL };
	static const char *const gof[] = { "ad", "ad_p", "ks", "ks_p", NULL };
	static const char *const base[] = { "shift", "lo", "hi", "p",
	    "p_adjusted", NULL };
	static const char *const level[] = { "p", "value", "lo", "hi", NULL };
	json_t *obj, *list;
	size_t i;

	if (w->iid.present) {
		obj = json_object();
		set_numbers(obj, iid, (const double []){ w->iid.ljung_box,
		    w->iid.ljung_box_p, w->iid.ks, w->iid.ks_p, w->iid.runs_z,
		    w->iid.runs_p });
		json_object_set_new(obj, "lags", json_integer(w->iid.lags));
		json_object_set_new(obj, "passed",
		    json_boolean(w->iid.passed));
		json_object_set_new(rec, "iid", obj);
	}
	if (w->gof.present) {
		obj = json_object();
		set_numbers(obj, gof, (const double []){ w->gof.ad,
		    w->gof.ad_p, w->gof.ks, w->gof.ks_p });
		json_object_set_new(obj, "passed",
		    json_boolean(w->gof.passed));
		json_object_set_new(rec, "gof", obj);
	}
	if (w->pwcet != NULL) {
		list = json_array();
		for (i = 0; i < w->npwcet; i++) {
			obj = json_object();
			set_numbers(obj, level, (const double []){
			    w->pwcet[i].p, w->pwcet[i].value, w->pwcet[i].lo,
			    w->pwcet[i].hi });
			json_array_append_new(list, obj);
		}
		json_object_set_new(rec, "pwcet", list);
	}
	if (w->baseline.present) {
		obj = json_object();
		set_numbers(obj, base, (const double []){ w->baseline.shift,
		    w->baseline.lo, w->baseline.hi, w->baseline.p,
		    w->baseline.p_adjusted });
		json_object_set_new(obj, "n", json_integer(w->baseline.n));
		json_object_set_new(obj, "class", json_string(
		    hx_wcet_class_names[w->baseline.class]));
		json_object_set_new(obj, "method", json_string(
		    comparison_names[w->baseline.exact]));
		if (!isnan(w->baseline.abs_shift))
			json_object_set_new(obj, "abs_shift",
			    hx_field_number_json(w->baseline.abs_shift));
		if (w->baseline.min_n > 0)
			json_object_set_new(obj, "min_n",
			    json_integer(w->baseline.min_n));
		json_object_set_new(rec, "baseline", obj);
	}
}

json_t *
hx_wcet_to_json(const struct hx_wcet *w)
{
	const char *loc = w->method == HX_WCET_GPD ? "u" : "mu";
	json_t *rec = json_object();

	json_object_set_new(rec, "type", json_string("wcet"));
	hx_field_set_string(rec, "name", w->name);
	hx_field_set_string(rec, "unit", w->unit);
	hx_field_set_pairs(rec, "labels", w->labels, w->nlabels);
	json_object_set_new(rec, "n", json_integer(w->n));
	set_numbers(rec, summary_names, (const double []){ w->min, w->mean,
	    w->median, w->p99, w->max, w->cv });
	json_object_set_new(rec, "method",
	    json_string(hx_wcet_method_names[w->method]));
	if (w->estimator != HX_WCET_NO_ESTIMATOR)
		json_object_set_new(rec, "estimator",
		    json_string(estimator_names[w->estimator]));
	if (w->block > 0)
		json_object_set_new(rec, "block", json_integer(w->block));
	if (w->exceedances > 0)
		json_object_set_new(rec, "exceedances",
		    json_integer(w->exceedances));
	set_params(rec, "params", loc, &w->params);
	set_params(rec, "se", loc, &w->se);
	if (w->has_loglik)
		json_object_set_new(rec, "loglik",
		    hx_field_number_json(w->loglik));
	if (isfinite(w->confidence))
		json_object_set_new(rec, "confidence",
		    json_real(w->confidence));
	set_parts(rec, w);
	if (w->insufficient)
		json_object_set_new(rec, "insufficient", json_true());
	hx_field_set_string(rec, "message", w->message);
	return rec;
}

void
hx_wcet_clear(struct hx_wcet *w)
{
	free(w->pwcet);
	free(w->labels);
	hx_wcet_init(w);
}

const char *
hx_wcet_label(const struct hx_wcet *w, const char *name)
{
	size_t i;

	for (i = 0; i < w->nlabels; i++)
		if (strcmp(w->labels[i].name, name) == 0)
			return w->labels[i].value;
	return NULL;
}

bool
hx_wcet_same_labels(const struct hx_wcet *a, const struct hx_wcet *b)
{
	const char *v;
	size_t i;

	if (a->nlabels != b->nlabels)
		return false;
	for (i = 0; i < a->nlabels; i++)
		if ((v = hx_wcet_label(b, a->labels[i].name)) == NULL ||
		    strcmp(v, a->labels[i].value) != 0)
			return false;
	return true;
}

int
hx_wcet_pwcet_at(const struct hx_wcet *w, double p, bool hi, double *value)
{
	double x;
	size_t i;

	for (i = 0; i < w->npwcet; i++)
		if (fabs(w->pwcet[i].p - p) <= 1e-9 * p) {
			x = hi ? w->pwcet[i].hi : w->pwcet[i].value;
			if (!isfinite(x))
				return -1;
			*value = x;
			return 0;
		}
	if (w->method == HX_WCET_DETERMINISTIC && isfinite(w->max)) {
		*value = w->max;
		return 0;
	}
	return -1;
}

int
hx_wcet_stat(const struct hx_wcet *w, const char *name, double *value)
{
	const double stats[] = { w->min, w->mean, w->median, w->p99, w->max,
	    w->cv };
	int i = hx_field_index(summary_names, name);

	if (i < 0 || !isfinite(stats[i]))
		return -1;
	*value = stats[i];
	return 0;
}
