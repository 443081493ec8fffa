/*
 * hx_numeric: GSL behind a few functions.  GSL's error handler is switched
 * off so a domain error returns a status instead of aborting the program.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_sf_gamma.h>

#include "stats/hx_numeric.h"

static void
quiet_errors(void)
{
	static int done;

	if (!done) {
		gsl_set_error_handler_off();
		done = 1;
	}
}

static int
compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y ? 1 : 0;
}

/*
 * The C library's sort: glibc's merge sort is several times faster than
 * GSL's heap sort on millions of values, for want of cache misses.
 */
void
hx_numeric_sort(double *x, size_t n)
{
	qsort(x, n, sizeof(*x), compare_doubles);
}

double
hx_numeric_normal_q(double z)
{
	return gsl_cdf_ugaussian_Q(z);
}

double
hx_numeric_normal_quantile(double p)
{
	return gsl_cdf_ugaussian_Pinv(p);
}

double
hx_numeric_chisq_q(double x, double df)
{
	if (!(x > 0))
		return 1.0;
	return gsl_cdf_chisq_Q(x, df);
}

/*
 * The alternating series converges fast for lambda above about 0.3; below,
 * the tail is 1 to double precision (P(K > 0.3) = 1 - 9e-12).
 */
double
hx_numeric_kolmogorov_q(double lambda)
{
	double sum = 0, term;
	int k;

	if (!(lambda > 0.3))
		return 1.0;
	for (k = 1; k <= 100; k++) {
		term = exp(-2.0 * k * k * lambda * lambda);
		sum += (k % 2 == 1 ? term : -term);
		if (term < 1e-17)
			break;
	}
	sum *= 2;
	return sum < 0 ? 0 : sum > 1 ? 1 : sum;
}

/* Marsaglia and Marsaglia's short ADinf: P(A^2 < z) as n grows. */
static double
ad_inf(double z)
{
	if (z < 2.0)
		return exp(-1.2337141 / z) / sqrt(z) * (2.00012 + (.247105 -
		    (.0649821 - (.0347962 - (.011672 - .00168691 * z) * z) *
		    z) * z) * z);
	return exp(-exp(1.0776 - (2.30695 - (.43424 - (.082433 - (.008056 -
	    .0003146 * z) * z) * z) * z) * z));
}

/* P(A^2 < z) for a sample of N, with their correction for N. */
static double
ad_cdf(double z, double n)
{
	double c, v, x = ad_inf(z);

	if (x > .8)
		return x + (-130.2137 + (745.2337 - (1705.091 - (1950.646 -
		    (1116.360 - 255.7844 * x) * x) * x) * x) * x) / n;
	c = .01265 + .1757 / n;
	if (x < c) {
		v = x / c;
		v = sqrt(v) * (1. - v) * (49 * v - 102);
		return x + v * (.0037 / (n * n) + .00078 / n + .00006) / n;
	}
	v = (x - c) / (.8 - c);
	v = -.00022633 + (6.54034 - (14.6538 - (14.458 - (8.259 - 1.91864 *
	    v) * v) * v) * v) * v;
	return x + v * (.04213 + .01365 / n) / n;
}

double
hx_numeric_ad_q(double a, size_t n)
{
	double q;

	if (!(a > 0))
		return 1.0;
	if (!isfinite(a))
		return 0.0;
	q = 1.0 - ad_cdf(a, (double)n);
	return q < 0 ? 0 : q > 1 ? 1 : q;
}

double
hx_numeric_gamma(double x)
{
	gsl_sf_result r;

	quiet_errors();
	if (gsl_sf_gamma_e(x, &r) != GSL_SUCCESS)
		return NAN;
	return r.val;
}

int
hx_numeric_spd_solve(const double *a, const double *b, double *x, int n)
{
	double m[9], v[3];
	gsl_matrix_view mv;
	gsl_vector_view bv, xv;

	quiet_errors();
	memcpy(m, a, sizeof(double) * n * n);
	memcpy(v, b, sizeof(double) * n);
	mv = gsl_matrix_view_array(m, n, n);
	bv = gsl_vector_view_array(v, n);
	xv = gsl_vector_view_array(x, n);
	if (gsl_linalg_cholesky_decomp1(&mv.matrix) != GSL_SUCCESS)
		return -1;
	return gsl_linalg_cholesky_solve(&mv.matrix, &bv.vector,
	    &xv.vector) == GSL_SUCCESS ? 0 : -1;
}

int
hx_numeric_spd_invert(const double *a, double *inv, int n)
{
	gsl_matrix_view mv;

	quiet_errors();
	memcpy(inv, a, sizeof(double) * n * n);
	mv = gsl_matrix_view_array(inv, n, n);
	if (gsl_linalg_cholesky_decomp1(&mv.matrix) != GSL_SUCCESS)
		return -1;
	return gsl_linalg_cholesky_invert(&mv.matrix) == GSL_SUCCESS ? 0 : -1;
}

struct simplex_arg {
	double (*f)(const double *, void *);
	void *arg;
};

/* GSL's simplex wants a finite value: the domain's outside is huge. */
static double
simplex_f(const gsl_vector *v, void *p)
{
	struct simplex_arg *s = p;
	double y = s->f(v->data, s->arg);

	return isfinite(y) ? y : 1e300;
}

int
hx_numeric_simplex(double (*f)(const double *x, void *arg), void *arg,
    double *x, const double *step, int n)
{
	struct simplex_arg s = { f, arg };
	gsl_multimin_function fn = { simplex_f, (size_t)n, &s };
	gsl_multimin_fminimizer *m;
	gsl_vector_view xv = gsl_vector_view_array(x, n);
	gsl_vector_view sv = gsl_vector_view_array((double *)step, n);
	int i, status = GSL_CONTINUE, iter;

	quiet_errors();
	m = gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2,
	    n);
	if (m == NULL)
		return -1;
	gsl_multimin_fminimizer_set(m, &fn, &xv.vector, &sv.vector);
	for (iter = 0; iter < 5000 && status == GSL_CONTINUE; iter++) {
		if (gsl_multimin_fminimizer_iterate(m) != GSL_SUCCESS)
			break;
		status = gsl_multimin_test_size(
		    gsl_multimin_fminimizer_size(m), 1e-10);
	}
	for (i = 0; i < n; i++)
		x[i] = gsl_vector_get(m->x, i);
	gsl_multimin_fminimizer_free(m);
	return status == GSL_SUCCESS ? 0 : -1;
}
