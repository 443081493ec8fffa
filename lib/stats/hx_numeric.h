/*
 * hx_numeric: the numerical primitives of the timing analysis.  This module
 * is the only one that touches GSL, so the statistics modules (hx_stats,
 * hx_evt, hx_iid, hx_drift) depend on these few functions, not on GSL.
 */
#ifndef HX_NUMERIC_H
#define HX_NUMERIC_H

#include <stddef.h>

/* Sort N doubles in place, ascending (the C library's sort, not GSL's). */
void hx_numeric_sort(double *x, size_t n);

/* The standard normal upper tail P(Z > z). */
double hx_numeric_normal_q(double z);

/* The standard normal quantile: z with P(Z <= z) = p, for 0 < p < 1. */
double hx_numeric_normal_quantile(double p);

/* The chi-square upper tail P(X > x) with DF degrees of freedom. */
double hx_numeric_chisq_q(double x, double df);

/*
 * The Kolmogorov distribution's upper tail P(K > lambda) =
 * 2 sum_{k>=1} (-1)^(k-1) exp(-2 k^2 lambda^2), which GSL lacks.
 */
double hx_numeric_kolmogorov_q(double lambda);

/*
 * The upper tail of the Anderson-Darling statistic for a fully specified
 * distribution, by Marsaglia and Marsaglia (2004): P(A^2 > a) for a sample
 * of N.
 */
double hx_numeric_ad_q(double a, size_t n);

/* Gamma(x), for x > 0. */
double hx_numeric_gamma(double x);

/*
 * Solve the symmetric positive definite system A x = B of order N (at most
 * 3) by Cholesky decomposition.  A is row-major and left untouched.
 * Returns 0, or -1 when A is not positive definite.
 */
int hx_numeric_spd_solve(const double *a, const double *b, double *x,
    int n);

/*
 * Invert the symmetric positive definite matrix A of order N (at most 3)
 * into INV.  Returns 0, or -1 when A is not positive definite.
 */
int hx_numeric_spd_invert(const double *a, double *inv, int n);

/*
 * Minimise F over N parameters (at most 3) with the Nelder-Mead simplex,
 * from X with initial steps STEP; X receives the minimum.  F may return
 * +inf outside its domain.  Returns 0 when the simplex converged, -1 when it
 * did not (X is then the best point seen).
 */
int hx_numeric_simplex(double (*f)(const double *x, void *arg), void *arg,
    double *x, const double *step, int n);

#endif
