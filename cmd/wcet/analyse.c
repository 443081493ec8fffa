/*
 * analyse.c: one group of measurements to one wcet record: the
 * summary, the i.i.d. checks, the extreme value fit with its goodness of
 * fit and pWCET estimates, the baseline comparison, and the plot.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats/hx_drift.h"
#include "hx_err.h"
#include "stats/hx_evt.h"
#include "stats/hx_iid.h"
#include "stats/hx_numeric.h"
#include "report/hx_svg.h"
#include "wcet.h"

void
wcet_values_add(struct wcet_values *a, double x)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 64;
		a->v = hx_xrealloc(a->v, sizeof(double) * a->cap);
	}
	a->v[a->n++] = x;
}

void
wcet_settle(struct wcet_group *g)
{
	struct hx_stats swap;

	if (g->values.n > 0)
		return;
	swap = g->stats;
	g->stats = g->test_stats;
	g->test_stats = swap;
	free(g->values.v);
	g->values = g->test_values;
	memset(&g->test_values, 0, sizeof(g->test_values));
}

/*
 * A number for a record, rounded to 10 significant digits so that the
 * last bits of floating point do not show in the output; not finite gives
 * null.
 */
static json_t *
num(double x)
{
	char buf[32];

	if (!isfinite(x))
		return json_null();
	snprintf(buf, sizeof(buf), "%.10g", x);
	return json_real(strtod(buf, NULL));
}

static void
set(json_t *obj, const char *key, json_t *value)
{
	json_object_set_new(obj, key, value);
}

/* No fit: method none and why, also said on standard error. */
static void
no_fit(struct wcet_group *g, const char *why)
{
	set(g->record, "method", json_string("none"));
	set(g->record, "message", json_string(why));
	hx_warn("%s (%s): %s", g->name, g->unit, why);
}

static void
add_summary(struct wcet_group *g)
{
	struct hx_stats_summary s;

	hx_stats_summary(&g->stats, &s);
	set(g->record, "n", json_integer((json_int_t)s.n));
	set(g->record, "min", num(s.min));
	set(g->record, "mean", num(s.mean));
	set(g->record, "median", num(s.median));
	set(g->record, "p99", num(s.p99));
	set(g->record, "max", num(s.max));
	set(g->record, "cv", num(s.cv));
}

/* The i.i.d. checks; returns whether they pass (Bonferroni: alpha / 3). */
static bool
add_iid(struct wcet_group *g, const struct wcet_opts *o)
{
	struct hx_iid t;
	json_t *iid = json_object();
	bool passed;

	hx_iid_test(g->values.v, g->values.n, &t);
	passed = t.ljung_box_p >= o->alpha / 3 && t.ks_p >= o->alpha / 3 &&
	    t.runs_p >= o->alpha / 3;
	set(iid, "ljung_box", num(t.ljung_box));
	set(iid, "ljung_box_p", num(t.ljung_box_p));
	set(iid, "lags", json_integer(t.lags));
	set(iid, "ks", num(t.ks));
	set(iid, "ks_p", num(t.ks_p));
	set(iid, "runs_z", num(t.runs_z));
	set(iid, "runs_p", num(t.runs_p));
	set(iid, "passed", json_boolean(passed));
	set(g->record, "iid", iid);
	return passed;
}

static void
add_levels(struct wcet_group *g, const struct wcet_opts *o, double fixed)
{
	json_t *list = json_array(), *item;
	struct hx_evt_level lv;
	size_t i;

	g->levels = hx_xcalloc(o->nprobs, sizeof(double) * 3);
	for (i = 0; i < o->nprobs; i++) {
		if (isfinite(fixed)) {
			lv.p = o->probs[i];
			lv.value = lv.lo = lv.hi = fixed;
		} else
			hx_evt_level(&g->fit, o->probs[i], o->confidence, &lv);
		item = json_object();
		set(item, "p", num(lv.p));
		set(item, "value", num(lv.value));
		set(item, "lo", num(lv.lo));
		set(item, "hi", num(lv.hi));
		json_array_append_new(list, item);
		g->levels[3 * i] = lv.value;
		g->levels[3 * i + 1] = lv.lo;
		g->levels[3 * i + 2] = lv.hi;
	}
	set(g->record, "confidence", num(o->confidence));
	set(g->record, "pwcet", list);
}

/* Goodness of fit of FIT to its N data X (sorted in place). */
static bool
gof(const struct hx_evt_fit *fit, double *x, size_t n,
    const struct wcet_opts *o, json_t **out)
{
	struct hx_evt_gof t;
	bool passed;

	hx_evt_gof(fit, x, n, &t);
	passed = t.ad_p >= o->alpha && t.ks_p >= o->alpha;
	*out = json_object();
	set(*out, "ad", num(t.ad));
	set(*out, "ad_p", num(t.ad_p));
	set(*out, "ks", num(t.ks));
	set(*out, "ks_p", num(t.ks_p));
	set(*out, "passed", json_boolean(passed));
	return passed;
}

/* The default block size: 30 maxima at least, blocks of at most 20. */
static size_t
default_block(size_t n)
{
	size_t b = n / HX_EVT_MIN_FIT;

	return b < 1 ? 1 : b > 20 ? 20 : b;
}

/* Fit a GEV to block maxima; NULL, or why not. */
static const char *
fit_gev(struct wcet_group *g, const struct wcet_opts *o, json_t **gofrec,
    bool *passed)
{
	static char why[160];
	size_t b = o->block ? o->block : default_block(g->values.n), m;
	double *maxima = hx_xmalloc(sizeof(double) * (g->values.n / b + 1));

	m = hx_evt_block_maxima(g->values.v, g->values.n, b, maxima);
	if (m < HX_EVT_MIN_FIT) {
		snprintf(why, sizeof(why), "too few samples for a gev fit: "
		    "%zu block maxima of %zu, the minimum is %d", m, b,
		    HX_EVT_MIN_FIT);
		free(maxima);
		return why;
	}
	if (hx_evt_fit_gev(maxima, m, b, &g->fit) < 0) {
		free(maxima);
		return "no gev fit: the block maxima are all equal";
	}
	*passed = gof(&g->fit, maxima, m, o, gofrec);
	free(maxima);
	return NULL;
}

/* Fit a GPD to the exceedances of the threshold; NULL, or why not. */
static const char *
fit_gpd(struct wcet_group *g, const struct wcet_opts *o, json_t **gofrec,
    bool *passed)
{
	static char why[160];
	size_t n = g->values.n, i, k = 0;
	double *sorted, *over, u;

	if (isnan(o->peak_threshold) && n < WCET_MIN_GPD) {
		snprintf(why, sizeof(why), "too few samples for a gpd fit: "
		    "%zu, the minimum is %d", n, WCET_MIN_GPD);
		return why;
	}
	sorted = hx_xmalloc(sizeof(double) * n);
	memcpy(sorted, g->values.v, sizeof(double) * n);
	hx_numeric_sort(sorted, n);
	u = isnan(o->peak_threshold) ? hx_evt_threshold(sorted, n) :
	    o->peak_threshold;
	over = sorted;
	for (i = 0; i < n; i++)
		if (sorted[i] > u)
			over[k++] = sorted[i];
	if (k < HX_EVT_MIN_FIT) {
		snprintf(why, sizeof(why), "too few exceedances of %g for a "
		    "gpd fit: %zu, the minimum is %d", u, k, HX_EVT_MIN_FIT);
		free(sorted);
		return why;
	}
	if (hx_evt_fit_gpd(over, k, u, n, &g->fit) < 0) {
		free(sorted);
		return "no gpd fit: the exceedances are all equal";
	}
	*passed = gof(&g->fit, over, k, o, gofrec);
	free(sorted);
	return NULL;
}

static void
add_fit(struct wcet_group *g, json_t *gofrec)
{
	const struct hx_evt_fit *f = &g->fit;
	bool gev = f->model == HX_EVT_GEV;
	const char *loc = gev ? "mu" : "u";
	json_t *params = json_object(), *se = json_object();

	set(g->record, "method", json_string(gev ? "gev" : "gpd"));
	set(g->record, "estimator", json_string(f->estimator == HX_EVT_MLE ?
	    "mle" : "pwm"));
	if (gev)
		set(g->record, "block", json_integer((json_int_t)f->block));
	else
		set(g->record, "exceedances", json_integer((json_int_t)f->n));
	/* The threshold is one of the values: exact, so it can be found. */
	set(params, loc, gev ? num(f->loc) : json_real(f->loc));
	set(params, "sigma", num(f->sigma));
	set(params, "xi", num(f->xi));
	set(se, loc, num(f->se[0]));
	set(se, "sigma", num(f->se[1]));
	set(se, "xi", num(f->se[2]));
	set(g->record, "params", params);
	set(g->record, "se", se);
	set(g->record, "loglik", num(f->loglik));
	set(g->record, "gof", gofrec);
	if (f->estimator != HX_EVT_MLE)
		hx_warn("%s (%s): the likelihood has no usable maximum; "
		    "probability-weighted moments used", g->name, g->unit);
}

void
wcet_analyse(struct wcet_group *g, const struct wcet_opts *o)
{
	struct hx_stats_summary s;
	json_t *gofrec = NULL, *other = NULL;
	const char *why = NULL;
	bool passed = false, other_passed = false, iid = true;
	struct hx_evt_fit first;

	g->record = json_object();
	set(g->record, "type", json_string("wcet"));
	set(g->record, "name", json_string(g->name));
	set(g->record, "unit", json_string(g->unit));
	add_summary(g);
	hx_stats_summary(&g->stats, &s);
	if (g->values.n >= HX_IID_MIN)
		iid = add_iid(g, o);
	if (s.min == s.max) {
		set(g->record, "method", json_string("deterministic"));
		add_levels(g, o, s.max);
		return;
	}
	if (g->values.n < HX_EVT_MIN_FIT) {
		char buf[120];

		snprintf(buf, sizeof(buf), "too few samples for a fit: %zu, "
		    "the minimum is %d", g->values.n, HX_EVT_MIN_FIT);
		no_fit(g, buf);
		return;
	}
	if (!iid && !o->force) {
		no_fit(g, "the samples fail the independence checks, so no "
		    "fit (--force fits anyway)");
		return;
	}
	if (o->method == WCET_GPD)
		why = fit_gpd(g, o, &gofrec, &passed);
	else {
		why = fit_gev(g, o, &gofrec, &passed);
		/* Auto: peaks over threshold when block maxima fit badly. */
		if (o->method == WCET_AUTO && why == NULL && !passed &&
		    g->values.n >= WCET_MIN_GPD) {
			first = g->fit;
			if (fit_gpd(g, o, &other, &other_passed) == NULL &&
			    other_passed) {
				json_decref(gofrec);
				gofrec = other;
				passed = true;
			} else {
				json_decref(other);
				g->fit = first;
			}
		}
	}
	if (why != NULL) {
		no_fit(g, why);
		return;
	}
	g->fitted = true;
	add_fit(g, gofrec);
	if (!passed)
		hx_warn("%s (%s): the %s fit is rejected by its goodness of "
		    "fit tests", g->name, g->unit,
		    g->fit.model == HX_EVT_GEV ? "gev" : "gpd");
	if (!iid)
		set(g->record, "message", json_string("fitted with --force "
		    "although the samples fail the independence checks"));
	add_levels(g, o, NAN);
}

void
wcet_compare(struct wcet_group *groups, size_t n, const struct wcet_opts *o)
{
	double *p = hx_xcalloc(n + 1, sizeof(double));
	double *adjusted = hx_xcalloc(n + 1, sizeof(double));
	size_t i, k = 0;
	json_t *b;

	for (i = 0; i < n; i++) {
		struct wcet_group *g = &groups[i];

		if (g->base.n < 2 || g->values.n < 2)
			continue;
		hx_drift_compare(g->values.v, g->values.n, g->base.v,
		    g->base.n, o->confidence, &g->drift);
		g->compared = true;
		p[k++] = g->drift.p;
	}
	hx_drift_holm(p, k, adjusted);
	for (i = k = 0; i < n; i++) {
		struct wcet_group *g = &groups[i];

		if (!g->compared)
			continue;
		g->drift.p_adjusted = adjusted[k++];
		g->drift.class = hx_drift_classify(&g->drift, o->threshold,
		    o->alpha);
		b = json_object();
		set(b, "n", json_integer((json_int_t)g->base.n));
		set(b, "shift", num(g->drift.shift));
		set(b, "lo", num(g->drift.lo));
		set(b, "hi", num(g->drift.hi));
		set(b, "p", num(g->drift.p));
		set(b, "p_adjusted", num(g->drift.p_adjusted));
		set(b, "class", json_string(hx_drift_class_name(
		    g->drift.class)));
		set(g->record, "baseline", b);
	}
	free(p);
	free(adjusted);
}

/*
 * One panel: the top half of the sorted values at Weibull plotting
 * positions (every one of the top 100, then thinned geometrically), the
 * fitted tail from the median (or the GPD threshold) to the largest
 * estimate, and the pWCET.
 */
static void
plot_panel(struct wcet_group *g, const struct wcet_opts *o,
    struct hx_svg_panel *pn, struct hx_svg_point *buf)
{
	size_t n = g->values.n, r, next, i, nt = 0, nc = 0;
	struct hx_svg_point *tail = buf, *curve = buf + 1000;
	struct hx_svg_point *lv = buf + 1200;
	double *v = g->values.v, x0, x1;

	hx_numeric_sort(v, n);
	for (r = 1; r <= n / 2 + 1 && r <= n && nt < 1000; r = next) {
		tail[nt].x = v[n - r];
		tail[nt++].p = (double)r / ((double)n + 1);
		next = r < 100 ? r + 1 : (size_t)((double)r * 1.05);
	}
	for (i = 0; g->levels != NULL && i < o->nprobs; i++) {
		lv[i].p = o->probs[i];
		lv[i].x = g->levels[3 * i];
		lv[i].lo = g->levels[3 * i + 1];
		lv[i].hi = g->levels[3 * i + 2];
	}
	if (g->fitted) {
		x0 = hx_stats_quantile_sorted(v, n, 0.5);
		if (g->fit.model == HX_EVT_GPD && x0 < g->fit.loc)
			x0 = g->fit.loc;
		x1 = v[n - 1];
		for (i = 0; i < o->nprobs; i++)
			if (isfinite(lv[i].x) && lv[i].x > x1)
				x1 = lv[i].x;
		for (i = 0; i < 200; i++) {
			curve[nc].x = x0 + (x1 - x0) * (double)i / 199;
			curve[nc].p = hx_evt_exceedance(&g->fit, curve[nc].x);
			if (curve[nc].p > 0 && curve[nc].p <= 1)
				nc++;
		}
	}
	pn->tail = tail;
	pn->ntail = nt;
	pn->curve = curve;
	pn->ncurve = nc;
	pn->pwcet = lv;
	pn->npwcet = g->levels != NULL ? o->nprobs : 0;
	pn->budget = o->budget;
}

int
wcet_plot(const char *path, struct wcet_group *groups, size_t n,
    const struct wcet_opts *o)
{
	struct hx_svg_panel *panels = hx_xcalloc(n + 1, sizeof(*panels));
	struct hx_svg_point *points = hx_xcalloc((n + 1) * (1200 +
	    o->nprobs), sizeof(*points));
	char **titles = hx_xcalloc(n + 1, sizeof(*titles));
	size_t i;
	int status;

	for (i = 0; i < n; i++) {
		titles[i] = hx_xasprintf("%s (%s): %s", groups[i].name,
		    groups[i].unit, json_string_value(json_object_get(
		    groups[i].record, "method")));
		panels[i].title = titles[i];
		plot_panel(&groups[i], o, &panels[i],
		    points + i * (1200 + o->nprobs));
	}
	status = hx_svg_write(path, panels, n);
	for (i = 0; i < n; i++)
		free(titles[i]);
	free(titles);
	free(points);
	free(panels);
	return status;
}
