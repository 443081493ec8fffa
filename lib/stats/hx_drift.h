/*
 * hx_drift: has a group of measurements moved against its baseline?  The
 * Hodges-Lehmann estimate of the shift (the median of all differences
 * between a current and a baseline value) with its distribution-free
 * interval (Moses), the Mann-Whitney-Wilcoxon rank-sum test, and Holm's
 * step-down correction across the groups of one run; the exact comparison
 * of two constant groups (instruction counts); and the fewest samples per
 * side with which the rank-sum test can reach significance at all.
 */
#ifndef HX_DRIFT_H
#define HX_DRIFT_H

#include <stdbool.h>
#include <stddef.h>

enum hx_drift_class {
	HX_DRIFT_OK,		/* no significant change */
	HX_DRIFT_DRIFT,		/* significant, within the threshold */
	HX_DRIFT_REGRESSION,	/* significantly slower by more than it */
	HX_DRIFT_INSUFFICIENT,	/* too few samples for the rank-sum test */
};

struct hx_drift {
	double shift, lo, hi;	/* over the baseline median; NAN at 0 */
	double abs_shift;	/* the Hodges-Lehmann shift in the unit */
	double p;		/* two-sided rank-sum p-value; NAN: exact */
	double p_adjusted;	/* after Holm's correction */
	bool exact;		/* two constant groups, compared exactly */
	enum hx_drift_class class;
};

/*
 * Compare the N current values X with the M baseline values BASE (both
 * sorted in place) at CONFIDENCE for the interval.  Sets p_adjusted to p.
 */
void hx_drift_compare(double *x, size_t n, double *base, size_t m,
    double confidence, struct hx_drift *out);

/*
 * Compare the constant current value X with the constant baseline value
 * BASE exactly: the shift is (X - BASE) / BASE, there is no interval and
 * no p-value, and no correction for the other groups applies.
 */
void hx_drift_exact(double x, double base, struct hx_drift *out);

/*
 * The fewest samples on each side with which the two-sided rank-sum test
 * can give a p-value below ALPHA at all: with K on each side and every
 * current value above every baseline value (the most extreme ranks), the
 * p-value hx_drift_compare computes is 2 Q(z), z = (K^2/2 - 1/2) /
 * sqrt(K^2 (2K + 1) / 12); below this K its power is zero whatever the
 * shift.  4 at alpha 0.05, 6 at 0.01.
 */
size_t hx_drift_min_samples(double alpha);

/* Holm's adjusted p-values of the K p-values P, into ADJUSTED. */
void hx_drift_holm(const double *p, size_t k, double *adjusted);

/*
 * The class: a regression when the adjusted p-value is below ALPHA and
 * the shift above THRESHOLD (relative), a drift when only the p-value is.
 * An exact comparison is a regression when the shift is above THRESHOLD,
 * a drift when the values differ otherwise.
 */
enum hx_drift_class hx_drift_classify(const struct hx_drift *d,
    double threshold, double alpha);

const char *hx_drift_class_name(enum hx_drift_class c);

#endif
