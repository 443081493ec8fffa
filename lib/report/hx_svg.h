/*
 * hx_svg: the exceedance plot of hx-wcet as a standalone SVG file, one
 * panel per group: the probability per run (log scale) that a value is
 * exceeded, against the value.  Written atomically (hx_atomic).
 */
#ifndef HX_SVG_H
#define HX_SVG_H

#include <stddef.h>

/* One point: value X exceeded with probability P; LO..HI an interval. */
struct hx_svg_point {
	double x, p, lo, hi;
};

struct hx_svg_panel {
	const char *title;
	const char *unit;			/* of the values, on the axis */
	const char *note;			/* n, method, fit; or NULL */
	const struct hx_svg_point *tail;	/* empirical exceedance */
	size_t ntail;
	const struct hx_svg_point *curve;	/* the fitted tail */
	size_t ncurve;
	const struct hx_svg_point *pwcet;	/* estimates with intervals */
	size_t npwcet;
	double budget;				/* NAN: none */
};

/* Write the N panels to PATH.  Returns 0, or -1 with errno set. */
int hx_svg_write(const char *path, const struct hx_svg_panel *panels,
    size_t n);

#endif
