/*
 * unit-wcet: the statistics modules of hx-wcet on fixed data.  With an
 * argument "fit FILE" it instead fits a GEV to the numbers in FILE and
 * prints the parameters, the log-likelihood and the seconds the fit took
 * (for bench/wcet).
 *
 * The simulations draw from a fixed-seed xorshift generator, so every run
 * sees the same numbers and a check can only fail when the code changes.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "stats/hx_drift.h"
#include "hx_err.h"
#include "stats/hx_evt.h"
#include "stats/hx_iid.h"
#include "stats/hx_numeric.h"
#include "stats/hx_stats.h"
#include "../tap.h"

static uint64_t rng_state = 88172645463325252ULL;

/* Marsaglia's xorshift64, uniform in (0, 1). */
static double
uniform(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return ((double)(rng_state >> 11) + 0.5) / 9007199254740992.0;
}

/* A standard normal by Box-Muller (one of the pair). */
static double
normal(void)
{
	return sqrt(-2 * log(uniform())) * cos(2 * M_PI * uniform());
}

static int
close_to(double got, double want, double rel)
{
	return fabs(got - want) <= rel * fmax(fabs(want), 1e-300);
}

static void
check_numeric(void)
{
	double x[5] = { 3, 1, 2, 5, 4 };

	hx_numeric_sort(x, 5);
	tap_ok(x[0] == 1 && x[4] == 5, "sort");
	/* Published values: Q_KS(1) = 0.2699996717, chi2(3) Q(7.815) = 0.05. */
	tap_ok(close_to(hx_numeric_kolmogorov_q(1.0), 0.26999967167735456,
	    1e-9), "Kolmogorov tail at 1");
	tap_ok(close_to(hx_numeric_chisq_q(7.814727903251178, 3), 0.05, 1e-9),
	    "chi-square tail");
	tap_ok(close_to(hx_numeric_normal_quantile(0.975), 1.959963984540054,
	    1e-12), "normal quantile");
	/* Marsaglia and Marsaglia: P(A^2 > 2.492) is about 0.05 as n grows. */
	tap_ok(fabs(hx_numeric_ad_q(2.492, 1000) - 0.05) < 5e-4,
	    "Anderson-Darling 5%% point");
}

static void
check_stats(void)
{
	struct hx_stats s;
	struct hx_stats_summary sum;
	double v[4] = { 1, 2, 3, 4 };
	size_t i, n = 1000000;

	tap_ok(hx_stats_quantile_sorted(v, 4, 0.5) == 2.5 &&
	    close_to(hx_stats_quantile_sorted(v, 4, 0.99), 3.97, 1e-14),
	    "quantiles interpolate as numpy does");
	hx_stats_init(&s);
	for (i = 0; i < 100; i++)
		hx_stats_add(&s, (double)((i * 37) % 100));
	hx_stats_summary(&s, &sum);
	tap_ok(sum.exact && sum.median == 49.5 && close_to(sum.p99, 98.01,
	    1e-12) && sum.min == 0 && sum.max == 99 &&
	    close_to(sum.mean, 49.5, 1e-14),
	    "exact summary of a small group");
	hx_stats_free(&s);
	/* Past the exact buffer: P-square on a uniform stream. */
	hx_stats_init(&s);
	for (i = 0; i < n; i++)
		hx_stats_add(&s, uniform());
	hx_stats_summary(&s, &sum);
	tap_ok(!sum.exact && fabs(sum.median - 0.5) < 2e-3 &&
	    fabs(sum.p99 - 0.99) < 1e-3 && close_to(sum.cv,
	    sqrt(1.0 / 12) / 0.5, 1e-2),
	    "streaming median and p99 of 1e6 uniforms (%.5f, %.5f)",
	    sum.median, sum.p99);
	hx_stats_free(&s);
}

/* The GEV and its return levels are continuous through xi = 0. */
static void
check_evt_limits(void)
{
	double x[6] = { 1.2, 0.3, -0.5, 2.5, 0.9, 1.7 }, l0, l1, l2;
	struct hx_evt_fit f = { 0 };
	struct hx_evt_level a, b;

	l0 = hx_evt_gev_loglik(x, 6, 0.5, 1.1, 0);
	l1 = hx_evt_gev_loglik(x, 6, 0.5, 1.1, 1e-9);
	l2 = hx_evt_gev_loglik(x, 6, 0.5, 1.1, -1e-9);
	tap_ok(fabs(l0 - l1) < 1e-8 && fabs(l0 - l2) < 1e-8,
	    "GEV log-likelihood continuous at xi = 0");
	tap_ok(isinf(hx_evt_gev_loglik(x, 6, 0.5, 1.1, -0.6)),
	    "GEV log-likelihood is -inf outside the support");
	f.model = HX_EVT_GEV;
	f.estimator = HX_EVT_MLE;
	f.loc = 10;
	f.sigma = 2;
	f.block = 1;
	f.xi = 0;
	hx_evt_level(&f, 1e-3, 0.95, &a);
	f.xi = 1e-7;
	hx_evt_level(&f, 1e-3, 0.95, &b);
	tap_ok(close_to(a.value, 10 - 2 * log(-log1p(-1e-3)), 1e-12) &&
	    close_to(a.value, b.value, 1e-6),
	    "Gumbel return level and its limit");
}

/* A Gumbel sample fitted twice, as GEV and as Gumbel-tailed GPD. */
static void
check_evt_fits(void)
{
	double x[2000], over[2000], u;
	struct hx_evt_fit f;
	size_t i, k = 0;
	int status;

	for (i = 0; i < 2000; i++)
		x[i] = 100 - 5 * log(-log(uniform()));
	status = hx_evt_fit_gev(x, 2000, 1, &f);
	tap_ok(status == 0 && f.estimator == HX_EVT_MLE &&
	    fabs(f.loc - 100) < 3 * f.se[0] &&
	    fabs(f.sigma - 5) < 3 * f.se[1] && fabs(f.xi) < 3 * f.se[2],
	    "GEV fit of a Gumbel sample (%g, %g, %g)", f.loc, f.sigma, f.xi);
	hx_numeric_sort(x, 2000);
	u = hx_evt_threshold(x, 2000);
	tap_ok(u == x[1799], "threshold rule: the top tenth");
	for (i = 0; i < 2000; i++)
		if (x[i] > u)
			over[k++] = x[i];
	status = hx_evt_fit_gpd(over, k, u, 2000, &f);
	tap_ok(status == 0 && f.estimator == HX_EVT_MLE &&
	    fabs(f.xi) < 3 * f.se[2] &&
	    close_to(f.rate, 0.1, 1e-12),
	    "GPD fit of a Gumbel tail (xi %g)", f.xi);
}

static void
check_iid(void)
{
	double x[400], a[3] = { 1, 2, 3 }, b[3] = { 1, 2, 3 };
	struct hx_iid t;
	size_t i;

	tap_ok(hx_iid_ks2(a, 3, b, 3) == 0, "KS of equal samples is 0");
	for (i = 0; i < 400; i++)
		x[i] = normal();
	hx_iid_test(x, 400, &t);
	tap_ok(t.ljung_box_p > 0.01 && t.ks_p > 0.01 && t.runs_p > 0.01,
	    "an i.i.d. normal series passes");
	for (i = 0; i < 400; i++)
		x[i] = (double)i + 5 * normal();
	hx_iid_test(x, 400, &t);
	tap_ok(t.ljung_box_p < 1e-6 && t.ks_p < 1e-6 && t.runs_p < 1e-6,
	    "a trend fails all three");
}

/* Classify one simulated pair of 30-run groups with 1% noise. */
static enum hx_drift_class
simulate(double slowdown, double *p)
{
	double cur[30], base[30];
	struct hx_drift d;
	int i;

	for (i = 0; i < 30; i++) {
		base[i] = 1000 * (1 + 0.01 * normal());
		cur[i] = 1000 * (1 + slowdown) * (1 + 0.01 * normal());
	}
	hx_drift_compare(cur, 30, base, 30, 0.95, &d);
	*p = d.p;
	return hx_drift_classify(&d, 0.01, 0.05);
}

static void
check_drift(void)
{
	double x[4] = { 4, 1, 3, 2 }, y[3] = { 0, 1, 2 }, p[4], adj[4];
	double q[4] = { 0.01, 0.04, 0.03, 0.005 }, pv;
	struct hx_drift d;
	int i, regressions = 0, positives = 0, trials = 2000;

	/* Differences 4-{0,1,2}, ...: the median of 12 is 1.5. */
	hx_drift_compare(x, 4, y, 3, 0.95, &d);
	tap_ok(d.abs_shift == 1.5 && close_to(d.shift, 1.5, 1e-15),
	    "Hodges-Lehmann shift of a small example");
	hx_drift_holm(q, 4, adj);
	tap_ok(close_to(adj[3], 0.02, 1e-12) && close_to(adj[0], 0.03, 1e-12)
	    && close_to(adj[2], 0.06, 1e-12) && close_to(adj[1], 0.06, 1e-12),
	    "Holm's adjusted p-values");
	(void)p;
	tap_is(hx_drift_class_name(HX_DRIFT_REGRESSION), "regression",
	    "class names");
	tap_is(hx_drift_class_name(HX_DRIFT_INSUFFICIENT), "insufficient",
	    "the class of too few samples");
	hx_drift_exact(148500, 100000, &d);
	tap_ok(d.exact && d.abs_shift == 48500 && close_to(d.shift, 0.485,
	    1e-15) && isnan(d.p) && hx_drift_classify(&d, 0.01, 0.05) ==
	    HX_DRIFT_REGRESSION, "exact: +48.5%% is a regression, no p-value");
	hx_drift_exact(100001, 100000, &d);
	tap_ok(hx_drift_classify(&d, 0, 0.05) == HX_DRIFT_REGRESSION &&
	    hx_drift_classify(&d, 0.01, 0.05) == HX_DRIFT_DRIFT,
	    "exact: one instruction more is beyond a threshold of 0");
	hx_drift_exact(100000, 100000, &d);
	tap_ok(hx_drift_classify(&d, 0, 0.05) == HX_DRIFT_OK,
	    "exact: equal is ok");
	tap_ok(hx_drift_min_samples(0.05) == 4 &&
	    hx_drift_min_samples(0.01) == 6,
	    "the rank test's minimum per side: 4 at 0.05, 6 at 0.01");
	for (i = 0; i < 1000; i++)
		regressions += simulate(0.02, &pv) == HX_DRIFT_REGRESSION;
	tap_ok(regressions >= 995,
	    "a 2%% slowdown, 30 runs, 1%% noise: regression in %d of 1000",
	    regressions);
	for (i = 0; i < trials; i++)
		positives += simulate(0, &pv) != HX_DRIFT_OK;
	/* alpha 0.05 with three binomial standard errors of slack. */
	tap_ok((double)positives / trials <= 0.05 + 3 * sqrt(0.05 * 0.95 /
	    trials), "identical groups: %d of %d not ok (alpha 0.05)",
	    positives, trials);
}

/* bench/wcet's driver: fit the numbers of PATH, print what it found. */
static int
fit_file(const char *path)
{
	FILE *fp = fopen(path, "r");
	size_t n = 0, cap = 1024;
	double *x = hx_xmalloc(cap * sizeof(double)), v, secs;
	struct hx_evt_fit f;
	struct timespec t0, t1;

	if (fp == NULL)
		hx_err_errno(HX_EXIT_SYSTEM, "%s", path);
	while (fscanf(fp, "%lf", &v) == 1) {
		if (n == cap)
			x = hx_xrealloc(x, (cap *= 2) * sizeof(double));
		x[n++] = v;
	}
	fclose(fp);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (hx_evt_fit_gev(x, n, 1, &f) < 0)
		hx_err(HX_EXIT_INPUT, "%s: no fit", path);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("%zu %.12g %.12g %.12g %.12g %.6f %s\n", n, f.loc, f.sigma,
	    f.xi, f.loglik, secs, f.estimator == HX_EVT_MLE ? "mle" : "pwm");
	free(x);
	return 0;
}

int
main(int argc, char **argv)
{
	hx_err_set_progname(argv[0]);
	if (argc == 3 && strcmp(argv[1], "fit") == 0)
		return fit_file(argv[2]);
	check_numeric();
	check_stats();
	check_evt_limits();
	check_evt_fits();
	check_iid();
	check_drift();
	return tap_done();
}
