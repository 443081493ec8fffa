/*
 * hx_drift: baseline comparison; see hx_drift.h.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats/hx_drift.h"
#include "hx_err.h"
#include "stats/hx_numeric.h"
#include "stats/hx_stats.h"

/* How many differences x_i - y_j are at most D (both sorted): O(n + m). */
static double
count_at_most(const double *x, size_t n, const double *y, size_t m, double d)
{
	size_t i, j = 0;
	double count = 0;

	for (i = 0; i < n; i++) {
		while (j < m && x[i] - y[j] > d)
			j++;
		count += (double)(m - j);
	}
	return count;
}

/* The largest difference x_i - y_j that is at most D. */
static double
largest_at_most(const double *x, size_t n, const double *y, size_t m,
    double d)
{
	size_t i, j = 0;
	double best = -INFINITY;

	for (i = 0; i < n; i++) {
		while (j < m && x[i] - y[j] > d)
			j++;
		if (j < m)
			best = fmax(best, x[i] - y[j]);
	}
	return best;
}

/*
 * The K-th smallest (from 1) of the n m differences, by bisection on the
 * value with a linear count, then snapped to the difference it stands for:
 * exact, in O((n + m) log range) time and no memory for the pairs.
 */
static double
kth_difference(const double *x, size_t n, const double *y, size_t m,
    double k)
{
	double lo = x[0] - y[m - 1], hi = x[n - 1] - y[0], mid;
	int i;

	if (count_at_most(x, n, y, m, lo) >= k)
		return lo;
	for (i = 0; i < 2000; i++) {
		mid = lo + (hi - lo) / 2;
		if (mid <= lo || mid >= hi)
			break;
		if (count_at_most(x, n, y, m, mid) >= k)
			hi = mid;
		else
			lo = mid;
	}
	return largest_at_most(x, n, y, m, hi);
}

/* The two-sided Mann-Whitney p-value, normal approximation with ties. */
static double
rank_sum_p(const double *x, size_t n, const double *y, size_t m)
{
	double r1 = 0, ties = 0, nn = (double)(n + m), u, mean, var, z, t, rank;
	size_t i = 0, j = 0, ci, cj;

	while (i < n || j < m) {
		double v = (j >= m || (i < n && x[i] <= y[j])) ? x[i] : y[j];

		ci = cj = 0;
		while (i + ci < n && x[i + ci] == v)
			ci++;
		while (j + cj < m && y[j + cj] == v)
			cj++;
		t = (double)(ci + cj);
		/* The average rank of the tied run. */
		rank = (double)(i + j) + (t + 1) / 2;
		r1 += (double)ci * rank;
		ties += t * t * t - t;
		i += ci;
		j += cj;
	}
	u = r1 - (double)n * ((double)n + 1) / 2;
	mean = (double)n * (double)m / 2;
	var = (double)n * (double)m / 12 * (nn + 1 - ties / (nn * (nn - 1)));
	if (!(var > 0))
		return 1;
	z = (fabs(u - mean) - 0.5) / sqrt(var);
	if (z < 0)
		return 1;
	return fmin(1, 2 * hx_numeric_normal_q(z));
}

void
hx_drift_compare(double *x, size_t n, double *base, size_t m,
    double confidence, struct hx_drift *out)
{
	double nm = (double)n * (double)m, k, zq, ca, med;

	memset(out, 0, sizeof(*out));
	hx_numeric_sort(x, n);
	hx_numeric_sort(base, m);
	k = floor((nm + 1) / 2);
	out->abs_shift = kth_difference(x, n, base, m, k);
	if (fmod(nm, 2) == 0)
		out->abs_shift = (out->abs_shift +
		    kth_difference(x, n, base, m, k + 1)) / 2;
	zq = hx_numeric_normal_quantile(1 - (1 - confidence) / 2);
	ca = floor(nm / 2 - zq * sqrt(nm * ((double)(n + m) + 1) / 12));
	if (ca < 1)
		ca = 1;
	out->lo = kth_difference(x, n, base, m, ca);
	out->hi = kth_difference(x, n, base, m, nm + 1 - ca);
	med = hx_stats_quantile_sorted(base, m, 0.5);
	if (med > 0) {
		out->shift = out->abs_shift / med;
		out->lo /= med;
		out->hi /= med;
	} else
		out->shift = out->lo = out->hi = NAN;
	out->p = out->p_adjusted = rank_sum_p(x, n, base, m);
}

void
hx_drift_exact(double x, double base, struct hx_drift *out)
{
	memset(out, 0, sizeof(*out));
	out->exact = true;
	out->abs_shift = x - base;
	if (base > 0)
		out->shift = out->abs_shift / base;
	else
		out->shift = x > 0 ? INFINITY : 0;
	out->lo = out->hi = out->shift;
	out->p = out->p_adjusted = NAN;
}

size_t
hx_drift_min_samples(double alpha)
{
	double k, z;
	size_t n;

	for (n = 2;; n++) {
		k = (double)n;
		z = (k * k / 2 - 0.5) / sqrt(k * k * (2 * k + 1) / 12);
		if (2 * hx_numeric_normal_q(z) < alpha)
			return n;
	}
}

static const double *holm_keys;

static int
holm_order(const void *a, const void *b)
{
	double pa = holm_keys[*(const size_t *)a];
	double pb = holm_keys[*(const size_t *)b];

	return pa < pb ? -1 : pa > pb ? 1 : 0;
}

void
hx_drift_holm(const double *p, size_t k, double *adjusted)
{
	size_t *order = hx_xmalloc(sizeof(size_t) * (k ? k : 1)), i;
	double running = 0, v;

	for (i = 0; i < k; i++)
		order[i] = i;
	holm_keys = p;
	qsort(order, k, sizeof(*order), holm_order);
	for (i = 0; i < k; i++) {
		v = fmin(1, (double)(k - i) * p[order[i]]);
		running = fmax(running, v);
		adjusted[order[i]] = running;
	}
	free(order);
}

enum hx_drift_class
hx_drift_classify(const struct hx_drift *d, double threshold, double alpha)
{
	if (d->exact)
		return d->shift > threshold ? HX_DRIFT_REGRESSION :
		    d->abs_shift != 0 ? HX_DRIFT_DRIFT : HX_DRIFT_OK;
	if (!(d->p_adjusted < alpha))
		return HX_DRIFT_OK;
	if (d->shift > threshold)
		return HX_DRIFT_REGRESSION;
	return HX_DRIFT_DRIFT;
}

const char *
hx_drift_class_name(enum hx_drift_class c)
{
	switch (c) {
	case HX_DRIFT_REGRESSION:
		return "regression";
	case HX_DRIFT_DRIFT:
		return "drift";
	case HX_DRIFT_INSUFFICIENT:
		return "insufficient";
	default:
		return "ok";
	}
}
