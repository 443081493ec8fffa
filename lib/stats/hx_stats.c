/*
 * hx_stats: streaming summary; see hx_stats.h for the method.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hx_err.h"
#include "stats/hx_numeric.h"
#include "stats/hx_stats.h"

static void
p2_init(struct hx_stats_p2 *e, double p)
{
	memset(e, 0, sizeof(*e));
	e->p = p;
}

/* Start the markers from the first five values, sorted. */
static void
p2_start(struct hx_stats_p2 *e, const double *first)
{
	double p = e->p;
	int i;

	memcpy(e->q, first, sizeof(e->q));
	hx_numeric_sort(e->q, 5);
	for (i = 0; i < 5; i++)
		e->n[i] = i + 1;
	e->want[0] = 1;
	e->want[1] = 1 + 2 * p;
	e->want[2] = 1 + 4 * p;
	e->want[3] = 3 + 2 * p;
	e->want[4] = 5;
	e->dwant[0] = 0;
	e->dwant[1] = p / 2;
	e->dwant[2] = p;
	e->dwant[3] = (1 + p) / 2;
	e->dwant[4] = 1;
}

/* The P-square update for one value after the first five. */
static void
p2_add(struct hx_stats_p2 *e, double x)
{
	double d, qp, *q = e->q, *n = e->n;
	int i, k, s;

	if (x < q[0]) {
		q[0] = x;
		k = 0;
	} else if (x >= q[4]) {
		q[4] = x;
		k = 3;
	} else {
		for (k = 0; k < 3 && x >= q[k + 1]; k++)
			continue;
	}
	for (i = k + 1; i < 5; i++)
		n[i] += 1;
	for (i = 0; i < 5; i++)
		e->want[i] += e->dwant[i];
	for (i = 1; i <= 3; i++) {
		d = e->want[i] - n[i];
		if ((d >= 1 && n[i + 1] - n[i] > 1) ||
		    (d <= -1 && n[i - 1] - n[i] < -1)) {
			s = d > 0 ? 1 : -1;
			/* The parabolic prediction, or linear when it leaves
			 * the neighbours' interval. */
			qp = q[i] + s / (n[i + 1] - n[i - 1]) *
			    ((n[i] - n[i - 1] + s) * (q[i + 1] - q[i]) /
			    (n[i + 1] - n[i]) + (n[i + 1] - n[i] - s) *
			    (q[i] - q[i - 1]) / (n[i] - n[i - 1]));
			if (!(q[i - 1] < qp && qp < q[i + 1]))
				qp = q[i] + s * (q[i + s] - q[i]) /
				    (n[i + s] - n[i]);
			q[i] = qp;
			n[i] += s;
		}
	}
}

void
hx_stats_init(struct hx_stats *s)
{
	memset(s, 0, sizeof(*s));
	p2_init(&s->median, 0.5);
	p2_init(&s->p99, 0.99);
}

void
hx_stats_add(struct hx_stats *s, double x)
{
	double delta;

	if (s->n == 0 || x < s->min)
		s->min = x;
	if (s->n == 0 || x > s->max)
		s->max = x;
	s->n++;
	delta = x - s->mean;
	s->mean += delta / (double)s->n;
	s->m2 += delta * (x - s->mean);
	if (s->n <= HX_STATS_EXACT) {
		if (s->exact == NULL)
			s->exact = hx_xmalloc(sizeof(double) * HX_STATS_EXACT);
		s->exact[s->n - 1] = x;
	}
	if (s->n == 5) {
		p2_start(&s->median, s->exact);
		p2_start(&s->p99, s->exact);
	} else if (s->n > 5) {
		p2_add(&s->median, x);
		p2_add(&s->p99, x);
	}
}

double
hx_stats_quantile_sorted(const double *x, size_t n, double p)
{
	double h, lo;
	size_t i;

	if (n == 0)
		return 0;
	h = (double)(n - 1) * p;
	lo = floor(h);
	i = (size_t)lo;
	if (i + 1 >= n)
		return x[n - 1];
	return x[i] + (h - lo) * (x[i + 1] - x[i]);
}

void
hx_stats_summary(const struct hx_stats *s, struct hx_stats_summary *out)
{
	double *sorted, sd;

	memset(out, 0, sizeof(*out));
	out->n = s->n;
	if (s->n == 0)
		return;
	out->min = s->min;
	out->max = s->max;
	out->mean = s->mean;
	sd = s->n > 1 ? sqrt(s->m2 / (double)(s->n - 1)) : 0;
	out->cv = s->mean != 0 ? sd / s->mean : 0;
	if (s->n <= HX_STATS_EXACT) {
		sorted = hx_xmalloc(sizeof(double) * s->n);
		memcpy(sorted, s->exact, sizeof(double) * s->n);
		hx_numeric_sort(sorted, s->n);
		out->median = hx_stats_quantile_sorted(sorted, s->n, 0.5);
		out->p99 = hx_stats_quantile_sorted(sorted, s->n, 0.99);
		out->exact = 1;
		free(sorted);
	} else {
		out->median = s->median.q[2];
		out->p99 = s->p99.q[2];
		if (out->p99 > s->max)
			out->p99 = s->max;
	}
}

void
hx_stats_free(struct hx_stats *s)
{
	free(s->exact);
	s->exact = NULL;
}
