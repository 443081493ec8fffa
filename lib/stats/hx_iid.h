/*
 * hx_iid: checks that a series of measurements is independent and
 * identically distributed, as extreme value theory assumes: the Ljung-Box
 * test of autocorrelation, the two-sample Kolmogorov-Smirnov test of the
 * first half against the second, and the Wald-Wolfowitz runs test above
 * and below the median.  Each gives a p-value; small means not i.i.d.
 */
#ifndef HX_IID_H
#define HX_IID_H

#include <stddef.h>

/* The fewest values the checks are run on. */
#define HX_IID_MIN 10

struct hx_iid {
	double ljung_box, ljung_box_p;	/* Q and its chi-square p-value */
	int lags;			/* h, the lags Q sums */
	double ks, ks_p;		/* D of the halves and its p-value */
	double runs_z, runs_p;		/* the runs' z and p-value */
};

/*
 * Test the N values X in their order of measurement (N >= HX_IID_MIN).
 * Ljung-Box uses h = min(20, N / 5) lags, KS the asymptotic Kolmogorov
 * distribution with Stephens' correction, the runs test its normal
 * approximation; values equal to the median do not count as runs.
 */
void hx_iid_test(const double *x, size_t n, struct hx_iid *out);

/* The two-sample KS statistic of sorted A (NA) and sorted B (NB). */
double hx_iid_ks2(const double *a, size_t na, const double *b, size_t nb);

#endif
