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
#include "rec/hx_rec.h"
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

/*
 * A number for a record, rounded to 10 significant digits so that the
 * last bits of floating point do not show in the output; not finite gives
 * NAN, written as null.
 */
static double
num(double x)
{
	char buf[32];

	if (!isfinite(x))
		return NAN;
	snprintf(buf, sizeof(buf), "%.10g", x);
	return strtod(buf, NULL);
}

/* G's name, its labels and its unit, as "conv profile=cpu (ns)". */
static char *
group_title(const struct wcet_group *g)
{
	char *t = hx_xstrdup(g->name), *longer;
	size_t i;

	for (i = 0; i < g->nlabels; i++) {
		longer = hx_xasprintf("%s %s=%s", t, g->labels[i].name,
		    g->labels[i].value);
		free(t);
		t = longer;
	}
	longer = hx_xasprintf("%s (%s)", t, g->unit);
	free(t);
	return longer;
}

/* No fit: method none and why, also said on standard error. */
static void
no_fit(struct wcet_group *g, const char *why)
{
	char *title;

	g->record.method = HX_WCET_NONE;
	g->record.insufficient = false;
	free(g->message);
	g->message = hx_xstrdup(why);
	g->record.message = g->message;
	title = group_title(g);
	hx_warn("%s: %s", title, why);
	free(title);
}

static void
add_summary(struct wcet_group *g)
{
	struct hx_stats_summary s;

	hx_stats_summary(&g->stats, &s);
	g->record.n = (int64_t)s.n;
	g->record.min = num(s.min);
	g->record.mean = num(s.mean);
	g->record.median = num(s.median);
	g->record.p99 = num(s.p99);
	g->record.max = num(s.max);
	g->record.cv = num(s.cv);
}

/* The i.i.d. checks; returns whether they pass (Bonferroni: alpha / 3). */
static bool
add_iid(struct wcet_group *g, const struct wcet_opts *o)
{
	struct hx_wcet_iid *iid = &g->record.iid;
	struct hx_iid t;

	hx_iid_test(g->values.v, g->values.n, &t);
	iid->present = true;
	iid->passed = t.ljung_box_p >= o->alpha / 3 &&
	    t.ks_p >= o->alpha / 3 && t.runs_p >= o->alpha / 3;
	iid->ljung_box = num(t.ljung_box);
	iid->ljung_box_p = num(t.ljung_box_p);
	iid->lags = t.lags;
	iid->ks = num(t.ks);
	iid->ks_p = num(t.ks_p);
	iid->runs_z = num(t.runs_z);
	iid->runs_p = num(t.runs_p);
	return iid->passed;
}

static void
add_levels(struct wcet_group *g, const struct wcet_opts *o, double fixed)
{
	struct hx_evt_level lv;
	size_t i;

	g->record.pwcet = hx_xcalloc(o->nprobs + 1, sizeof(*g->record.pwcet));
	g->record.npwcet = o->nprobs;
	for (i = 0; i < o->nprobs; i++) {
		if (isfinite(fixed)) {
			lv.p = o->probs[i];
			lv.value = lv.lo = lv.hi = fixed;
		} else
			hx_evt_level(&g->fit, o->probs[i], o->confidence, &lv);
		g->record.pwcet[i].p = num(lv.p);
		g->record.pwcet[i].value = num(lv.value);
		g->record.pwcet[i].lo = num(lv.lo);
		g->record.pwcet[i].hi = num(lv.hi);
	}
	g->record.confidence = num(o->confidence);
}

/* Goodness of fit of FIT to its N data X (sorted in place). */
static bool
gof(const struct hx_evt_fit *fit, double *x, size_t n,
    const struct wcet_opts *o, struct hx_wcet_gof *out)
{
	struct hx_evt_gof t;

	hx_evt_gof(fit, x, n, &t);
	out->present = true;
	out->passed = t.ad_p >= o->alpha && t.ks_p >= o->alpha;
	out->ad = num(t.ad);
	out->ad_p = num(t.ad_p);
	out->ks = num(t.ks);
	out->ks_p = num(t.ks_p);
	return out->passed;
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
fit_gev(struct wcet_group *g, const struct wcet_opts *o,
    struct hx_wcet_gof *gofrec, bool *passed)
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
fit_gpd(struct wcet_group *g, const struct wcet_opts *o,
    struct hx_wcet_gof *gofrec, bool *passed)
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
add_fit(struct wcet_group *g, const struct hx_wcet_gof *gofrec)
{
	const struct hx_evt_fit *f = &g->fit;
	struct hx_wcet *w = &g->record;
	bool gev = f->model == HX_EVT_GEV;

	w->method = gev ? HX_WCET_GEV : HX_WCET_GPD;
	w->estimator = f->estimator == HX_EVT_MLE ? HX_WCET_MLE : HX_WCET_PWM;
	if (gev)
		w->block = (int64_t)f->block;
	else
		w->exceedances = (int64_t)f->n;
	/* The threshold is one of the values: exact, so it can be found. */
	w->params = (struct hx_wcet_params){ true,
	    gev || !isfinite(f->loc) ? num(f->loc) : f->loc, num(f->sigma),
	    num(f->xi) };
	w->se = (struct hx_wcet_params){ true, num(f->se[0]), num(f->se[1]),
	    num(f->se[2]) };
	w->has_loglik = true;
	w->loglik = num(f->loglik);
	w->gof = *gofrec;
	if (f->estimator != HX_EVT_MLE)
		hx_warn("%s (%s): the likelihood has no usable maximum; "
		    "probability-weighted moments used", g->name, g->unit);
}

void
wcet_analyse(struct wcet_group *g, const struct wcet_opts *o)
{
	struct hx_stats_summary s;
	struct hx_wcet_gof gofrec = { 0 }, other = { 0 };
	const char *why = NULL;
	bool passed = false, other_passed = false, iid = true;
	struct hx_evt_fit first;

	hx_wcet_init(&g->record);
	g->record.name = g->name;
	g->record.unit = g->unit;
	g->record.labels = g->labels;
	g->record.nlabels = g->nlabels;
	add_summary(g);
	hx_stats_summary(&g->stats, &s);
	if (g->values.n >= HX_IID_MIN)
		iid = add_iid(g, o);
	/*
	 * Equal instruction counts are the count; equal times are only a
	 * coarse clock or too few runs, and claim nothing below the minimum.
	 */
	if (s.min == s.max && (wcet_exact_unit(g) ||
	    g->values.n >= HX_EVT_MIN_FIT)) {
		g->record.method = HX_WCET_DETERMINISTIC;
		add_levels(g, o, s.max);
		return;
	}
	if (g->values.n < HX_EVT_MIN_FIT) {
		char buf[200];

		snprintf(buf, sizeof(buf), "too few samples for a fit: %zu, "
		    "the minimum is %d%s", g->values.n, HX_EVT_MIN_FIT,
		    s.min == s.max ? " (equal measured times are no "
		    "deterministic worst case)" : "");
		no_fit(g, buf);
		g->record.insufficient = true;
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
				gofrec = other;
				passed = true;
			} else
				g->fit = first;
		}
	}
	if (why != NULL) {
		no_fit(g, why);
		return;
	}
	g->fitted = true;
	add_fit(g, &gofrec);
	if (!passed)
		hx_warn("%s (%s): the %s fit is rejected by its goodness of "
		    "fit tests", g->name, g->unit,
		    g->fit.model == HX_EVT_GEV ? "gev" : "gpd");
	if (!iid)
		g->record.message = "fitted with --force although the samples "
		    "fail the independence checks";
	add_levels(g, o, NAN);
}

/* The record's name for a drift class. */
static enum hx_wcet_class
wcet_class(enum hx_drift_class c)
{
	switch (c) {
	case HX_DRIFT_REGRESSION:
		return HX_WCET_REGRESSION;
	case HX_DRIFT_DRIFT:
		return HX_WCET_DRIFT;
	case HX_DRIFT_INSUFFICIENT:
		return HX_WCET_INSUFFICIENT;
	default:
		return HX_WCET_OK;
	}
}

bool
wcet_exact_unit(const struct wcet_group *g)
{
	return strcmp(g->unit, "insns") == 0;
}

/* Whether the N values V are all equal. */
static bool
constant(const double *v, size_t n)
{
	size_t i;

	for (i = 1; i < n; i++)
		if (v[i] != v[0])
			return false;
	return true;
}

/*
 * How G is compared with its baseline: exactly when both sides are
 * constant and the unit is exact (instruction counts) or both sides have
 * MIN_N values; by ranks when both have MIN_N; else it is insufficient,
 * with the Hodges-Lehmann shift for information and no p-value.
 */
static void
compare_group(struct wcet_group *g, size_t min_n, const struct wcet_opts *o)
{
	bool enough = g->values.n >= min_n && g->base.n >= min_n;

	if (constant(g->values.v, g->values.n) &&
	    constant(g->base.v, g->base.n) && (wcet_exact_unit(g) || enough)) {
		hx_drift_exact(g->values.v[0], g->base.v[0], &g->drift);
		return;
	}
	hx_drift_compare(g->values.v, g->values.n, g->base.v, g->base.n,
	    o->confidence, &g->drift);
	if (!enough) {
		g->drift.p = g->drift.p_adjusted = NAN;
		g->drift.lo = g->drift.hi = NAN;
		g->drift.class = HX_DRIFT_INSUFFICIENT;
	}
}

void
wcet_compare(struct wcet_group *groups, size_t n, const struct wcet_opts *o)
{
	double *p = hx_xcalloc(n + 1, sizeof(double));
	double *adjusted = hx_xcalloc(n + 1, sizeof(double));
	size_t i, k = 0, min_n = hx_drift_min_samples(o->alpha);
	struct wcet_group *g;

	for (i = 0; i < n; i++) {
		g = &groups[i];
		if (g->base.n == 0 || g->values.n == 0)
			continue;
		g->compared = true;
		compare_group(g, min_n, o);
		if (!g->drift.exact && g->drift.class != HX_DRIFT_INSUFFICIENT)
			p[k++] = g->drift.p;
	}
	/* Holm corrects the rank tests only: an exact comparison errs not. */
	hx_drift_holm(p, k, adjusted);
	for (i = k = 0; i < n; i++) {
		g = &groups[i];
		if (!g->compared)
			continue;
		if (!g->drift.exact && g->drift.class != HX_DRIFT_INSUFFICIENT)
			g->drift.p_adjusted = adjusted[k++];
		if (g->drift.class != HX_DRIFT_INSUFFICIENT)
			g->drift.class = hx_drift_classify(&g->drift,
			    o->threshold, o->alpha);
		g->record.baseline = (struct hx_wcet_baseline){
		    .present = true, .shift = num(g->drift.shift),
		    .lo = num(g->drift.lo), .hi = num(g->drift.hi),
		    .p = num(g->drift.p),
		    .p_adjusted = num(g->drift.p_adjusted),
		    .abs_shift = num(g->drift.abs_shift),
		    .n = (int64_t)g->base.n,
		    .min_n = g->drift.exact ? 0 : (int64_t)min_n,
		    .exact = g->drift.exact,
		    .class = wcet_class(g->drift.class) };
	}
	free(p);
	free(adjusted);
}

/*
 * AMOUNT in the base unit BASE as a number in the unit of G, or NAN when
 * G's unit has another base.
 */
static double
in_group_unit(const struct wcet_group *g, double amount, const char *base)
{
	const char *gbase;
	double scale;

	if (hx_policy_to_base(1, g->unit, &scale, &gbase) < 0 ||
	    strcmp(gbase, base) != 0)
		return NAN;
	return amount / scale;
}

/*
 * The budget of G for its panel: the policy's pwcet budget for its name
 * and profile (hx_policy_budget_key), else --budget; NAN when there is
 * none in G's unit.
 */
static double
group_budget(const struct wcet_group *g, const struct wcet_opts *o)
{
	const struct hx_rule *rule;
	const json_t *budgets, *b;
	const char *base, *key;
	double amount, x;
	size_t i;

	for (i = 0; o->policy != NULL && i < o->policy->nrules; i++) {
		rule = &o->policy->rules[i];
		if (rule->kind != HX_RULE_PWCET)
			continue;
		budgets = json_object_get(rule->spec, "budgets");
		key = hx_policy_budget_key(budgets, g->name,
		    hx_wcet_label(&g->record, "profile"));
		b = key != NULL ? json_object_get(budgets, key) : NULL;
		if (b == NULL || hx_policy_budget(b, &amount, &base) < 0)
			continue;
		if (base == NULL)
			return amount;
		if (isfinite(x = in_group_unit(g, amount, base)))
			return x;
	}
	if (o->budget_unit == NULL || !isfinite(o->budget))
		return o->budget;
	return in_group_unit(g, o->budget, o->budget_unit);
}

/* The line under a panel's title: n, method and the fit's quality. */
static char *
panel_note(const struct wcet_group *g)
{
	const struct hx_wcet *w = &g->record;

	if (!w->gof.present)
		return hx_xasprintf("n = %zu, method %s, no goodness-of-fit "
		    "test", g->values.n, hx_wcet_method_names[w->method]);
	return hx_xasprintf("n = %zu, method %s, fit %s: Anderson-Darling "
	    "p = %.3g, Kolmogorov-Smirnov p = %.3g", g->values.n,
	    hx_wcet_method_names[w->method], w->gof.passed ? "accepted" :
	    "rejected", w->gof.ad_p, w->gof.ks_p);
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
	for (i = 0; i < g->record.npwcet; i++) {
		lv[i].p = o->probs[i];
		lv[i].x = g->record.pwcet[i].value;
		lv[i].lo = g->record.pwcet[i].lo;
		lv[i].hi = g->record.pwcet[i].hi;
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
	pn->npwcet = g->record.npwcet;
	pn->budget = group_budget(g, o);
}

int
wcet_plot(const char *path, struct wcet_group *groups, size_t n,
    const struct wcet_opts *o)
{
	struct hx_svg_panel *panels = hx_xcalloc(n + 1, sizeof(*panels));
	struct hx_svg_point *points = hx_xcalloc((n + 1) * (1200 +
	    o->nprobs), sizeof(*points));
	char **titles = hx_xcalloc(2 * n + 1, sizeof(*titles));
	size_t i, k = 0;
	int status;

	for (i = 0; i < n; i++) {
		/* A group without measurements of its own has no panel. */
		if (groups[i].values.n == 0)
			continue;
		titles[2 * k] = group_title(&groups[i]);
		titles[2 * k + 1] = panel_note(&groups[i]);
		panels[k].title = titles[2 * k];
		panels[k].note = titles[2 * k + 1];
		panels[k].unit = groups[i].unit;
		plot_panel(&groups[i], o, &panels[k],
		    points + k * (1200 + o->nprobs));
		k++;
	}
	status = hx_svg_write(path, panels, k);
	for (i = 0; i < 2 * k; i++)
		free(titles[i]);
	free(titles);
	free(points);
	free(panels);
	return status;
}

void
wcet_emit(const struct wcet_group *g)
{
	json_t *rec = hx_wcet_to_json(&g->record);

	hx_rec_emit(rec);
	json_decref(rec);
}

void
wcet_group_free(struct wcet_group *g)
{
	size_t i;

	for (i = 0; i < g->nlabels; i++) {
		free((char *)g->labels[i].name);
		free((char *)g->labels[i].value);
	}
	/* The record's labels are the group's, freed here. */
	g->record.labels = NULL;
	free(g->labels);
	hx_wcet_clear(&g->record);
	hx_stats_free(&g->stats);
	free(g->values.v);
	free(g->base.v);
	free(g->message);
	free(g->name);
	free(g->unit);
}
