/*
 * hx_stats: a streaming summary of one group of measurements in bounded
 * memory: n, min, max and mean and variance exactly (Welford's update),
 * median and 99th percentile exactly while the group has at most
 * HX_STATS_EXACT values, and beyond that by the P-square algorithm of Jain
 * and Chlamtac (1985), five markers per quantile.
 */
#ifndef HX_STATS_H
#define HX_STATS_H

#include <stddef.h>

/* Values kept for exact quantiles; past this the P-square estimates count. */
#define HX_STATS_EXACT 65536

/* One P-square estimator of the quantile p. */
struct hx_stats_p2 {
	double p;
	double q[5];		/* marker heights */
	double n[5];		/* marker positions, from 1 */
	double want[5];		/* desired positions */
	double dwant[5];	/* their increments */
};

struct hx_stats {
	size_t n;
	double min, max;
	double mean, m2;	/* Welford's running mean and sum of squares */
	double *exact;		/* the first HX_STATS_EXACT values */
	struct hx_stats_p2 median, p99;
};

struct hx_stats_summary {
	size_t n;
	double min, mean, median, p99, max;
	double cv;		/* standard deviation (n - 1) over the mean */
	int exact;		/* whether median and p99 are exact */
};

void hx_stats_init(struct hx_stats *s);
void hx_stats_add(struct hx_stats *s, double x);
/* Summarise what was added; N 0 gives zeros. */
void hx_stats_summary(const struct hx_stats *s, struct hx_stats_summary *out);
void hx_stats_free(struct hx_stats *s);

/*
 * The quantile P of the N sorted values X by linear interpolation between
 * order statistics (Hyndman and Fan's type 7, the default of R and numpy).
 */
double hx_stats_quantile_sorted(const double *x, size_t n, double p);

#endif
