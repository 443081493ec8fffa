/*
 * hx_iid: independence and stationarity checks; see hx_iid.h.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hx_err.h"
#include "stats/hx_iid.h"
#include "stats/hx_numeric.h"
#include "stats/hx_stats.h"

/* Ljung-Box: Q = n (n + 2) sum_k r_k^2 / (n - k), chi-square with h df. */
static void
ljung_box(const double *x, size_t n, struct hx_iid *out)
{
	double mean = 0, c0 = 0, ck, q = 0;
	size_t i, k, h = n / 5 < 20 ? n / 5 : 20;

	for (i = 0; i < n; i++)
		mean += x[i];
	mean /= (double)n;
	for (i = 0; i < n; i++)
		c0 += (x[i] - mean) * (x[i] - mean);
	out->lags = (int)h;
	if (!(c0 > 0) || h == 0) {
		out->ljung_box = 0;
		out->ljung_box_p = 1;
		return;
	}
	for (k = 1; k <= h; k++) {
		ck = 0;
		for (i = k; i < n; i++)
			ck += (x[i] - mean) * (x[i - k] - mean);
		q += (ck / c0) * (ck / c0) / (double)(n - k);
	}
	q *= (double)n * ((double)n + 2);
	out->ljung_box = q;
	out->ljung_box_p = hx_numeric_chisq_q(q, (double)h);
}

double
hx_iid_ks2(const double *a, size_t na, const double *b, size_t nb)
{
	size_t i = 0, j = 0;
	double d = 0, v;

	/* Step through the pooled values, ties in both samples at once. */
	while (i < na && j < nb) {
		v = a[i] < b[j] ? a[i] : b[j];
		while (i < na && a[i] == v)
			i++;
		while (j < nb && b[j] == v)
			j++;
		d = fmax(d, fabs((double)i / (double)na -
		    (double)j / (double)nb));
	}
	return d;
}

static void
ks_halves(const double *x, size_t n, struct hx_iid *out)
{
	size_t na = n / 2, nb = n - na;
	double *a = hx_xmalloc(sizeof(double) * na);
	double *b = hx_xmalloc(sizeof(double) * nb);
	double ne = (double)na * (double)nb / (double)n, lambda;

	memcpy(a, x, sizeof(double) * na);
	memcpy(b, x + na, sizeof(double) * nb);
	hx_numeric_sort(a, na);
	hx_numeric_sort(b, nb);
	out->ks = hx_iid_ks2(a, na, b, nb);
	lambda = (sqrt(ne) + 0.12 + 0.11 / sqrt(ne)) * out->ks;
	out->ks_p = hx_numeric_kolmogorov_q(lambda);
	free(a);
	free(b);
}

/* Wald-Wolfowitz runs above and below the median. */
static void
runs(const double *x, size_t n, struct hx_iid *out)
{
	double *s = hx_xmalloc(sizeof(double) * n), median, n1 = 0, n2 = 0;
	double r = 0, mean, var, nn;
	int last = 0, side;
	size_t i;

	memcpy(s, x, sizeof(double) * n);
	hx_numeric_sort(s, n);
	median = hx_stats_quantile_sorted(s, n, 0.5);
	free(s);
	for (i = 0; i < n; i++) {
		if (x[i] == median)
			continue;
		side = x[i] > median ? 1 : -1;
		if (side > 0)
			n1++;
		else
			n2++;
		if (side != last)
			r++;
		last = side;
	}
	nn = n1 + n2;
	out->runs_z = 0;
	out->runs_p = 1;
	if (n1 == 0 || n2 == 0)
		return;
	mean = 2 * n1 * n2 / nn + 1;
	var = 2 * n1 * n2 * (2 * n1 * n2 - nn) / (nn * nn * (nn - 1));
	if (!(var > 0))
		return;
	out->runs_z = (r - mean) / sqrt(var);
	out->runs_p = 2 * hx_numeric_normal_q(fabs(out->runs_z));
	if (out->runs_p > 1)
		out->runs_p = 1;
}

void
hx_iid_test(const double *x, size_t n, struct hx_iid *out)
{
	memset(out, 0, sizeof(*out));
	ljung_box(x, n, out);
	ks_halves(x, n, out);
	runs(x, n, out);
}
