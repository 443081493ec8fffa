/*
 * hx_drift: has a group of measurements moved against its baseline?  The
 * Hodges-Lehmann estimate of the shift (the median of all differences
 * between a current and a baseline value) with its distribution-free
 * interval (Moses), the Mann-Whitney-Wilcoxon rank-sum test, and Holm's
 * step-down correction across the groups of one run.
 */
#ifndef HX_DRIFT_H
#define HX_DRIFT_H

#include <stddef.h>

enum hx_drift_class {
	HX_DRIFT_OK,		/* no significant change */
	HX_DRIFT_DRIFT,		/* significant, within the threshold */
	HX_DRIFT_REGRESSION,	/* significantly slower by more than it */
};

struct hx_drift {
	double shift, lo, hi;	/* over the baseline median; NAN at 0 */
	double abs_shift;	/* the Hodges-Lehmann shift in the unit */
	double p;		/* two-sided rank-sum p-value */
	double p_adjusted;	/* after Holm's correction */
	enum hx_drift_class class;
};

/*
 * Compare the N current values X with the M baseline values BASE (both
 * sorted in place) at CONFIDENCE for the interval.  Sets p_adjusted to p.
 */
void hx_drift_compare(double *x, size_t n, double *base, size_t m,
    double confidence, struct hx_drift *out);

/* Holm's adjusted p-values of the K p-values P, into ADJUSTED. */
void hx_drift_holm(const double *p, size_t k, double *adjusted);

/*
 * The class: a regression when the adjusted p-value is below ALPHA and
 * the shift above THRESHOLD (relative), a drift when only the p-value is.
 */
enum hx_drift_class hx_drift_classify(const struct hx_drift *d,
    double threshold, double alpha);

const char *hx_drift_class_name(enum hx_drift_class c);

#endif
