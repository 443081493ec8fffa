/*
 * hx_evt: GEV and GPD fits; see hx_evt.h for the method.
 *
 * Both negative log-likelihoods share one form.  With z the standardised
 * value ((x - mu) / sigma, or (x - u) / sigma for a GPD), t = 1 + xi z and
 * y = log(t) / xi (which tends to z as xi goes to 0), one observation adds
 *
 *	log sigma + (1 + xi) y + c exp(-y)
 *
 * with c = 1 for the GEV and c = 0 for the GPD, and +inf where t <= 0
 * (outside the support).  Working with y keeps xi = 0 an ordinary point:
 * near it y and its derivatives in xi come from their power series in
 * a = xi z, elsewhere from the closed forms, so the likelihood, its
 * derivatives and the return levels are continuous through the Gumbel and
 * exponential limits.  Fits run on standardised data (centred and scaled)
 * so that Newton's steps are well conditioned whatever the unit.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hx_err.h"
#include "stats/hx_evt.h"
#include "stats/hx_numeric.h"

/* Below this |xi z| the series are used; 12 terms leave < 1e-24. */
#define SERIES_LIMIT 1e-2
#define SERIES_TERMS 12

/* Likelihoods with xi at or below -1 are unbounded (Coles 2001, 3.3.2). */
#define XI_MIN (-1.0)

/* y and its derivatives in xi for one standardised value z. */
struct ydiff {
	double y, yx, yxx;	/* y, dy/dxi, d2y/dxi2 */
	double t;		/* 1 + xi z */
};

/* Fill D for Z and XI; returns -1 outside the support (t <= 0). */
static int
y_of(double z, double xi, struct ydiff *d)
{
	double a = xi * z, q = 1, s0 = 0, s1 = 0, s2 = 0, lt;
	int j;

	d->t = 1 + a;
	if (!(d->t > 0))
		return -1;
	if (fabs(a) < SERIES_LIMIT) {
		/*
		 * y = z sum (-a)^j / (j+1),
		 * dy/dxi = -z^2 sum (-a)^j (j+1)/(j+2),
		 * d2y/dxi2 = z^3 sum (-a)^j (j+1)(j+2)/(j+3).
		 */
		for (j = 0; j < SERIES_TERMS; j++) {
			s0 += q / (j + 1);
			s1 -= q * (j + 1) / (j + 2);
			s2 += q * (j + 1) * (j + 2) / (j + 3);
			q *= -a;
		}
		d->y = z * s0;
		d->yx = z * z * s1;
		d->yxx = z * z * z * s2;
		return 0;
	}
	lt = log1p(a);
	d->y = lt / xi;
	d->yx = (a / d->t - lt) / (xi * xi);
	d->yxx = 2 * lt / (xi * xi * xi) - 2 * z / (xi * xi * d->t) -
	    z * z / (xi * d->t * d->t);
	return 0;
}

/* The data and model one likelihood evaluation works on. */
struct lik {
	const double *x;
	size_t n;
	int gev;		/* c in the comment above */
};

/*
 * The negative log-likelihood at P = (mu, sigma, xi) (for a GPD mu is 0:
 * the data are exceedances), and where G and H are not NULL its gradient
 * and Hessian (row-major 3 x 3).  Returns +inf outside the domain.
 */
static double
nll_eval(const struct lik *lk, const double *p, double *g, double *h)
{
	double mu = p[0], sigma = p[1], xi = p[2];
	double f = 0, sLz = 0, szLz = 0, sLzz = 0, szLzz = 0, sz2Lzz = 0;
	double sLzx = 0, szLzx = 0, sLx = 0, sLxx = 0, n = (double)lk->n;
	struct ydiff d;
	size_t i;

	if (!(sigma > 0) || !(xi > XI_MIN) || !isfinite(mu))
		return INFINITY;
	for (i = 0; i < lk->n; i++) {
		double z = (lk->x[i] - mu) / sigma, e, A, yz, Lz, Lzz, Lzx;

		if (y_of(z, xi, &d) < 0)
			return INFINITY;
		e = lk->gev ? exp(-d.y) : 0;
		f += (1 + xi) * d.y + e;
		if (g == NULL)
			continue;
		A = 1 + xi - e;
		yz = 1 / d.t;
		Lz = A * yz;
		Lzz = e * yz * yz - A * xi * yz * yz;
		Lzx = (1 + e * d.yx) * yz - A * z * yz * yz;
		sLz += Lz;
		szLz += z * Lz;
		sLzz += Lzz;
		szLzz += z * Lzz;
		sz2Lzz += z * z * Lzz;
		sLzx += Lzx;
		szLzx += z * Lzx;
		sLx += d.y + A * d.yx;
		sLxx += 2 * d.yx + e * d.yx * d.yx + A * d.yxx;
	}
	f += n * log(sigma);
	if (!isfinite(f))
		return INFINITY;
	if (g == NULL)
		return f;
	g[0] = -sLz / sigma;
	g[1] = n / sigma - szLz / sigma;
	g[2] = sLx;
	h[0] = sLzz / (sigma * sigma);
	h[1] = h[3] = (szLzz + sLz) / (sigma * sigma);
	h[2] = h[6] = -sLzx / sigma;
	h[4] = (-n + sz2Lzz + 2 * szLz) / (sigma * sigma);
	h[5] = h[7] = -szLzx / sigma;
	h[8] = sLxx;
	return f;
}

/*
 * The free parameters: all three for a GEV, (sigma, xi) for a GPD, whose
 * location stays 0.  FREE is their first index in (mu, sigma, xi).
 */
static int
first_free(const struct lik *lk)
{
	return lk->gev ? 0 : 1;
}

/* Pick the free block of a 3-vector G and 3 x 3 matrix H. */
static int
free_block(const struct lik *lk, const double *g, const double *h,
    double *gs, double *hs)
{
	int k = first_free(lk), m = 3 - k, i, j;

	for (i = 0; i < m; i++) {
		gs[i] = g[k + i];
		for (j = 0; j < m; j++)
			hs[i * m + j] = h[(k + i) * 3 + k + j];
	}
	return m;
}

/*
 * Newton's method with a backtracking line search, and Levenberg damping
 * where the Hessian is not positive definite.  P is the start and the
 * result; returns 0 at a converged minimum, -1 otherwise.
 */
static int
newton(const struct lik *lk, double *p)
{
	double g[3], h[9], gs[3], hs[9], step[3], trial[3], f, ft, slope;
	double lambda, scale;
	int iter, m, i, k = first_free(lk), backtracks;

	f = nll_eval(lk, p, g, h);
	if (!isfinite(f))
		return -1;
	for (iter = 0; iter < 200; iter++) {
		m = free_block(lk, g, h, gs, hs);
		for (i = 0; i < m; i++)
			gs[i] = -gs[i];
		lambda = 0;
		scale = 0;
		for (i = 0; i < m; i++)
			scale = fmax(scale, fabs(hs[i * m + i]));
		while (hx_numeric_spd_solve(hs, gs, step, m) < 0) {
			lambda = lambda == 0 ? 1e-8 * (scale + 1) : lambda * 10;
			if (lambda > 1e12 * (scale + 1))
				return -1;
			free_block(lk, g, h, gs, hs);
			for (i = 0; i < m; i++) {
				gs[i] = -gs[i];
				hs[i * m + i] += lambda;
			}
		}
		slope = 0;
		for (i = 0; i < m; i++)
			slope -= gs[i] * step[i];
		/* The Newton decrement: how much the step promises. */
		if (-slope < 1e-11 * (1 + fabs(f)) * 1e-3)
			return 0;
		for (backtracks = 0; backtracks < 60; backtracks++) {
			memcpy(trial, p, sizeof(trial));
			for (i = 0; i < m; i++)
				trial[k + i] += step[i];
			ft = nll_eval(lk, trial, NULL, NULL);
			if (isfinite(ft) && ft <= f + 1e-4 * slope)
				break;
			for (i = 0; i < m; i++)
				step[i] /= 2;
			slope /= 2;
		}
		if (backtracks == 60)
			return fabs(slope) < 1e-9 * (1 + fabs(f)) ? 0 : -1;
		memcpy(p, trial, sizeof(trial));
		f = nll_eval(lk, p, g, h);
	}
	return -1;
}

static double
simplex_f(const double *v, void *arg)
{
	const struct lik *lk = arg;
	double p[3] = { 0, 0, 0 };

	if (lk->gev)
		memcpy(p, v, sizeof(p));
	else {
		p[1] = v[0];
		p[2] = v[1];
	}
	return nll_eval(lk, p, NULL, NULL);
}

/* The Nelder-Mead simplex from P, for when Newton's method fails. */
static void
simplex(const struct lik *lk, double *p)
{
	double v[3], step[3] = { 0.1, 0.1, 0.05 };
	int k = first_free(lk), m = 3 - k;

	memcpy(v, p + k, sizeof(double) * m);
	if (!lk->gev) {
		step[0] = 0.1;
		step[1] = 0.05;
	}
	hx_numeric_simplex(simplex_f, (void *)lk, v, step, m);
	memcpy(p + k, v, sizeof(double) * m);
}

/*
 * GEV PWM estimates (Hosking, Wallis and Wood 1985) of the N sorted values
 * X into P.  Their k is -xi.
 */
static void
pwm_gev(const double *x, size_t n, double *p)
{
	double b0 = 0, b1 = 0, b2 = 0, c, k, gk, nn = (double)n;
	size_t i;

	for (i = 0; i < n; i++) {
		b0 += x[i];
		b1 += x[i] * (double)i / (nn - 1);
		b2 += x[i] * (double)i * (double)(i - (i > 0)) /
		    ((nn - 1) * (nn - 2));
	}
	b0 /= nn;
	b1 /= nn;
	b2 /= nn;
	c = (2 * b1 - b0) / (3 * b2 - b0) - log(2) / log(3);
	k = 7.8590 * c + 2.9554 * c * c;
	if (!isfinite(k))
		k = 0;
	k = fmin(fmax(k, -0.9), 2.0);
	if (fabs(k) < 1e-7) {
		p[1] = (2 * b1 - b0) / log(2);
		p[0] = b0 - 0.57721566490153286 * p[1];
	} else {
		gk = hx_numeric_gamma(1 + k);
		p[1] = (2 * b1 - b0) * k / (gk * -expm1(-k * log(2)));
		p[0] = b0 + p[1] * (gk - 1) / k;
	}
	p[2] = -k;
}

/* GPD PWM estimates (Hosking and Wallis 1987) of N sorted exceedances. */
static void
pwm_gpd(const double *x, size_t n, double *p)
{
	double a0 = 0, a1 = 0, nn = (double)n;
	size_t i;

	for (i = 0; i < n; i++) {
		a0 += x[i];
		a1 += x[i] * (nn - 1 - (double)i) / (nn - 1);
	}
	a0 /= nn;
	a1 /= nn;
	p[0] = 0;
	p[1] = 2 * a0 * a1 / (a0 - 2 * a1);
	p[2] = -(a0 / (a0 - 2 * a1) - 2);
	if (!(p[1] > 0) || !isfinite(p[2])) {
		p[1] = a0;
		p[2] = 0;
	}
	p[2] = fmin(fmax(p[2], -0.9), 2.0);
}

/* Move an infeasible start towards xi = 0, where the support is widest. */
static void
feasible_start(const struct lik *lk, double *p)
{
	int i;

	for (i = 0; i < 60 && !isfinite(nll_eval(lk, p, NULL, NULL)); i++)
		p[2] = i < 59 ? p[2] / 2 : 0;
}

/*
 * Fit standardised data: the shared core of both fits.  Returns the
 * covariance in COV and 0 for an MLE, or -1 with P at the PWM estimates.
 */
static int
fit_core(const struct lik *lk, const double *sorted, double *p, double *cov)
{
	double pwm[3], start[3], alt[3], g[3], h[9], gs[3], hs[9], inv[9];
	double f1, f2;
	int m, i, j, k = first_free(lk), ok;

	if (lk->gev)
		pwm_gev(sorted, lk->n, pwm);
	else
		pwm_gpd(sorted, lk->n, pwm);
	memcpy(start, pwm, sizeof(start));
	feasible_start(lk, start);
	memcpy(p, start, sizeof(start));
	ok = newton(lk, p) == 0;
	if (!ok) {
		/* A second try: the simplex, then Newton to polish. */
		memcpy(alt, start, sizeof(alt));
		simplex(lk, alt);
		newton(lk, alt);
		f1 = nll_eval(lk, p, NULL, NULL);
		f2 = nll_eval(lk, alt, NULL, NULL);
		if (isfinite(f2) && (!isfinite(f1) || f2 < f1))
			memcpy(p, alt, sizeof(alt));
	}
	if (!isfinite(nll_eval(lk, p, g, h))) {
		memcpy(p, pwm, sizeof(pwm));
		return -1;
	}
	m = free_block(lk, g, h, gs, hs);
	if (hx_numeric_spd_invert(hs, inv, m) < 0) {
		/* No minimum with a proper information matrix: not an MLE. */
		memcpy(p, pwm, sizeof(pwm));
		return -1;
	}
	memset(cov, 0, sizeof(double) * 9);
	for (i = 0; i < m; i++)
		for (j = 0; j < m; j++)
			cov[(k + i) * 3 + k + j] = inv[i * m + j];
	return 0;
}

/* Fill FIT from standardised estimates P (data were (x - C) / S). */
static void
fit_finish(struct hx_evt_fit *fit, const struct lik *lk, const double *p,
    const double *cov, int mle, double c, double s)
{
	double scale[3] = { s, s, 1 }, f;
	int i, j;

	fit->estimator = mle ? HX_EVT_MLE : HX_EVT_PWM;
	fit->loc = lk->gev ? c + s * p[0] : c;
	fit->sigma = s * p[1];
	fit->xi = p[2];
	f = nll_eval(lk, p, NULL, NULL);
	fit->loglik = isfinite(f) ? -(f + (double)lk->n * log(s)) : NAN;
	for (i = 0; i < 3; i++) {
		for (j = 0; j < 3; j++)
			fit->cov[i * 3 + j] = mle ?
			    cov[i * 3 + j] * scale[i] * scale[j] : NAN;
		fit->se[i] = mle ? sqrt(fit->cov[i * 4]) : NAN;
	}
	if (!lk->gev)
		fit->se[0] = mle ? 0 : NAN;
}

/* Standardise the N values X as (x - C) / S into a sorted copy. */
static double *
standardise(const double *x, size_t n, double c, double s)
{
	double *z = hx_xmalloc(sizeof(double) * (n ? n : 1));
	size_t i;

	for (i = 0; i < n; i++)
		z[i] = (x[i] - c) / s;
	hx_numeric_sort(z, n);
	return z;
}

int
hx_evt_fit_gev(const double *x, size_t n, size_t block, struct hx_evt_fit *fit)
{
	double mean = 0, m2 = 0, s, p[3], cov[9];
	struct lik lk;
	size_t i;
	double *z;
	int mle;

	memset(fit, 0, sizeof(*fit));
	fit->model = HX_EVT_GEV;
	fit->n = n;
	fit->block = block;
	for (i = 0; i < n; i++)
		mean += x[i];
	mean /= (double)n;
	for (i = 0; i < n; i++)
		m2 += (x[i] - mean) * (x[i] - mean);
	s = sqrt(m2 / (double)n);
	if (n < 3 || !(s > 0))
		return -1;
	z = standardise(x, n, mean, s);
	lk.x = z;
	lk.n = n;
	lk.gev = 1;
	mle = fit_core(&lk, z, p, cov) == 0;
	fit_finish(fit, &lk, p, cov, mle, mean, s);
	free(z);
	return 0;
}

int
hx_evt_fit_gpd(const double *x, size_t n, double u, size_t total,
    struct hx_evt_fit *fit)
{
	double mean = 0, p[3], cov[9], lo = INFINITY, hi = -INFINITY;
	struct lik lk;
	size_t i;
	double *z;
	int mle;

	memset(fit, 0, sizeof(*fit));
	fit->model = HX_EVT_GPD;
	fit->n = n;
	fit->total = total;
	fit->rate = (double)n / (double)total;
	for (i = 0; i < n; i++) {
		mean += x[i] - u;
		lo = fmin(lo, x[i]);
		hi = fmax(hi, x[i]);
	}
	mean /= (double)n;
	if (n < 3 || !(hi > lo) || !(mean > 0))
		return -1;
	z = standardise(x, n, u, mean);
	lk.x = z;
	lk.n = n;
	lk.gev = 0;
	mle = fit_core(&lk, z, p, cov) == 0;
	fit_finish(fit, &lk, p, cov, mle, u, mean);
	free(z);
	return 0;
}

double
hx_evt_gev_loglik(const double *x, size_t n, double mu, double sigma,
    double xi)
{
	struct lik lk = { x, n, 1 };
	double p[3] = { mu, sigma, xi };

	return -nll_eval(&lk, p, NULL, NULL);
}

size_t
hx_evt_block_maxima(const double *x, size_t n, size_t block, double *out)
{
	size_t i, j, m = n / block;

	for (i = 0; i < m; i++) {
		out[i] = x[i * block];
		for (j = 1; j < block; j++)
			out[i] = fmax(out[i], x[i * block + j]);
	}
	return m;
}

double
hx_evt_threshold(const double *x, size_t n)
{
	size_t k = (n + 9) / 10;

	if (k < HX_EVT_MIN_FIT)
		k = HX_EVT_MIN_FIT;
	if (k >= n)
		k = n - 1;
	return x[n - k - 1];
}

/*
 * log F(x) and log(1 - F(x)) of the fitted distribution (the GEV of block
 * maxima, or the GPD of exceedances), computed in logs so that neither
 * tail rounds to 0 or 1.
 */
static void
log_cdf(const struct hx_evt_fit *fit, double x, double *lf, double *ls)
{
	struct ydiff d;
	double z = (x - fit->loc) / fit->sigma;

	if (fit->model == HX_EVT_GPD && z <= 0) {
		*lf = -INFINITY;
		*ls = 0;
		return;
	}
	if (y_of(z, fit->xi, &d) < 0) {
		/* Outside the support: below it for xi > 0, above else. */
		*lf = fit->xi > 0 ? -INFINITY : 0;
		*ls = fit->xi > 0 ? 0 : -INFINITY;
		return;
	}
	if (fit->model == HX_EVT_GEV) {
		*lf = -exp(-d.y);
		*ls = log(-expm1(*lf));
	} else {
		*ls = -d.y;
		*lf = log(-expm1(-d.y));
	}
}

double
hx_evt_exceedance(const struct hx_evt_fit *fit, double x)
{
	double lf, ls;

	log_cdf(fit, x, &lf, &ls);
	if (fit->model == HX_EVT_GEV)
		return -expm1(lf / (double)fit->block);
	return fit->rate * exp(ls);
}

void
hx_evt_gof(const struct hx_evt_fit *fit, double *x, size_t n,
    struct hx_evt_gof *gof)
{
	double a = 0, d = 0, lf, ls, lf2, ls2, f, nn = (double)n, lambda;
	size_t i;

	hx_numeric_sort(x, n);
	for (i = 0; i < n; i++) {
		log_cdf(fit, x[i], &lf, &ls);
		log_cdf(fit, x[n - 1 - i], &lf2, &ls2);
		a -= (2.0 * (double)i + 1) * (lf + ls2);
		f = exp(lf);
		d = fmax(d, fmax(f - (double)i / nn, (double)(i + 1) / nn - f));
	}
	gof->ad = -nn + a / nn;
	gof->ad_p = hx_numeric_ad_q(gof->ad, n);
	gof->ks = d;
	/* Stephens' (1970) correction of the asymptotic distribution. */
	lambda = (sqrt(nn) + 0.12 + 0.11 / sqrt(nn)) * d;
	gof->ks_p = hx_numeric_kolmogorov_q(lambda);
}

/*
 * expm1(xi m) / xi and its derivative in xi, continuous at xi = 0, where
 * they are m and m^2 / 2.
 */
static void
growth(double xi, double m, double *h, double *hx)
{
	double a = xi * m;

	if (fabs(a) < 1e-4) {
		*h = m * (1 + a / 2 + a * a / 6 + a * a * a / 24);
		*hx = m * m * (0.5 + a / 3 + a * a / 8 + a * a * a / 30);
		return;
	}
	*h = expm1(a) / xi;
	*hx = (a * exp(a) - expm1(a)) / (xi * xi);
}

void
hx_evt_level(const struct hx_evt_fit *fit, double p, double confidence,
    struct hx_evt_level *level)
{
	double grad[3], m, h, hx, var = 0, q, zeta, zq;
	int i, j;

	level->p = p;
	level->value = level->lo = level->hi = NAN;
	if (fit->model == HX_EVT_GEV) {
		/* The block exceedance 1 - (1 - p)^b, then its return level. */
		q = -expm1((double)fit->block * log1p(-p));
		m = -log(-log1p(-q));
		growth(fit->xi, m, &h, &hx);
		level->value = fit->loc + fit->sigma * h;
		grad[0] = 1;
		grad[1] = h;
		grad[2] = fit->sigma * hx;
	} else {
		zeta = fit->rate;
		if (!(p < zeta))
			return;
		m = log(zeta / p);
		growth(fit->xi, m, &h, &hx);
		level->value = fit->loc + fit->sigma * h;
		grad[0] = 0;
		grad[1] = h;
		grad[2] = fit->sigma * hx;
		/* The threshold's exceedance rate is binomial. */
		var = pow(fit->sigma * exp(fit->xi * m) / zeta, 2) *
		    zeta * (1 - zeta) / (double)fit->total;
	}
	if (fit->estimator != HX_EVT_MLE)
		return;
	for (i = 0; i < 3; i++)
		for (j = 0; j < 3; j++)
			var += grad[i] * fit->cov[i * 3 + j] * grad[j];
	zq = hx_numeric_normal_quantile(1 - (1 - confidence) / 2);
	level->lo = fmax(0, level->value - zq * sqrt(fmax(var, 0)));
	level->hi = level->value + zq * sqrt(fmax(var, 0));
}
