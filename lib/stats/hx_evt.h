/*
 * hx_evt: extreme value fits for measurement-based probabilistic WCET.
 *
 * Block maxima are fitted with the generalised extreme value distribution
 * (GEV), exceedances over a threshold with the generalised Pareto
 * distribution (GPD), both by maximum likelihood: Newton's method with the
 * analytic gradient and Hessian, started from the probability-weighted
 * moments (PWM) estimates of Hosking, Wallis and Wood (1985) and Hosking
 * and Wallis (1987), with a Nelder-Mead simplex as second try and the PWM
 * estimates as the last resort.  Standard errors come from the inverse of
 * the observed information, the analytic Hessian of the negative
 * log-likelihood at the estimate.  The shape xi follows Coles (2001):
 * positive is a heavy tail, 0 the Gumbel or exponential limit, which every
 * formula here reaches continuously through series expansions.
 */
#ifndef HX_EVT_H
#define HX_EVT_H

#include <stddef.h>

enum hx_evt_model {
	HX_EVT_GEV,		/* params mu, sigma, xi */
	HX_EVT_GPD,		/* params u (fixed), sigma, xi */
};

/* How the parameters were found. */
enum hx_evt_estimator {
	HX_EVT_MLE,		/* maximum likelihood: se and cov are set */
	HX_EVT_PWM,		/* likelihood failed: PWM estimates, no se */
};

struct hx_evt_fit {
	enum hx_evt_model model;
	enum hx_evt_estimator estimator;
	double loc;		/* mu for a GEV, the threshold u for a GPD */
	double sigma, xi;
	double se[3];		/* standard errors of loc, sigma, xi */
	double cov[9];		/* their covariance */
	double loglik;		/* at the estimates; NAN when infinite */
	size_t n;		/* block maxima or exceedances fitted */
	size_t block;		/* GEV: the block size in runs */
	double rate;		/* GPD: exceedances per run, k / N */
	size_t total;		/* GPD: N, the runs of the threshold */
};

/* The smallest number of block maxima or exceedances fitted. */
#define HX_EVT_MIN_FIT 30

/*
 * Fit a GEV to the N block maxima X (any order) of blocks of BLOCK runs.
 * Returns 0, or -1 when the maxima are all equal.
 */
int hx_evt_fit_gev(const double *x, size_t n, size_t block,
    struct hx_evt_fit *fit);

/*
 * Fit a GPD to the N exceedances X (values above U, any order) found in
 * TOTAL runs.  Returns 0, or -1 when they are all equal.
 */
int hx_evt_fit_gpd(const double *x, size_t n, double u, size_t total,
    struct hx_evt_fit *fit);

/*
 * The GEV log-likelihood of the N values X at (MU, SIGMA, XI): -inf
 * outside the support.
 */
double hx_evt_gev_loglik(const double *x, size_t n, double mu, double sigma,
    double xi);

/* The maxima of the N / BLOCK whole blocks of X into OUT; returns them. */
size_t hx_evt_block_maxima(const double *x, size_t n, size_t block,
    double *out);

/*
 * The default threshold rule for the N sorted values X: the number of
 * exceedances k is a tenth of N, at least HX_EVT_MIN_FIT, and u is the
 * largest value below the top k, X[N - k - 1].  Ties at u leave fewer
 * exceedances.  Needs N > HX_EVT_MIN_FIT.
 */
double hx_evt_threshold(const double *x, size_t n);

/* The probability per run that a value exceeds X under FIT. */
double hx_evt_exceedance(const struct hx_evt_fit *fit, double x);

struct hx_evt_gof {
	double ad, ad_p;	/* Anderson-Darling A^2 and its p-value */
	double ks, ks_p;	/* Kolmogorov-Smirnov D and its p-value */
};

/* Test FIT against the N values X it was fitted to (sorted in place). */
void hx_evt_gof(const struct hx_evt_fit *fit, double *x, size_t n,
    struct hx_evt_gof *gof);

/* A pWCET estimate: exceeded with probability P per run. */
struct hx_evt_level {
	double p;
	double value, lo, hi;	/* NAN where the fit cannot say */
};

/*
 * The value exceeded with probability P per run and its CONFIDENCE
 * interval by the delta method (Coles 2001, 3.3.3 and 4.3.3), its lower
 * end cut at 0 (measurements are not negative); lo and hi are NAN for PWM
 * estimates.
 */
void hx_evt_level(const struct hx_evt_fit *fit, double p, double confidence,
    struct hx_evt_level *level);

#endif
