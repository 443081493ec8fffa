/*
 * hx_svg: exceedance plots; see hx_svg.h.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "hx_atomic.h"
#include "report/hx_svg.h"

#define WIDTH 760
#define PANEL 380
#define LEFT 80
#define RIGHT 30
#define TOP 40
#define BOTTOM 50
#define MAX_TICKS 50

/* The plotting area of one panel and its data ranges. */
struct frame {
	double x0, x1;		/* value range */
	double d0, d1;		/* log10 probability range, d0 < d1 */
	double top;		/* panel's top in the picture */
};

static double
px(const struct frame *f, double x)
{
	return LEFT + (x - f->x0) / (f->x1 - f->x0) * (WIDTH - LEFT - RIGHT);
}

static double
py(const struct frame *f, double p)
{
	double d = log10(p);

	if (d < f->d0)
		d = f->d0;
	return f->top + TOP + (f->d1 - d) / (f->d1 - f->d0) *
	    (PANEL - TOP - BOTTOM);
}

/* Widen RANGE to take X in, ignoring what is not finite. */
static void
take(double *lo, double *hi, double x)
{
	if (!isfinite(x))
		return;
	if (x < *lo)
		*lo = x;
	if (x > *hi)
		*hi = x;
}

static void
set_frame(struct frame *f, const struct hx_svg_panel *pn, double top)
{
	double pmin = 1, pad;
	size_t i;

	f->x0 = INFINITY;
	f->x1 = -INFINITY;
	for (i = 0; i < pn->ntail; i++) {
		take(&f->x0, &f->x1, pn->tail[i].x);
		if (pn->tail[i].p > 0)
			pmin = fmin(pmin, pn->tail[i].p);
	}
	for (i = 0; i < pn->npwcet; i++) {
		take(&f->x0, &f->x1, pn->pwcet[i].x);
		take(&f->x0, &f->x1, pn->pwcet[i].hi);
		pmin = fmin(pmin, pn->pwcet[i].p);
	}
	take(&f->x0, &f->x1, pn->budget);
	if (!(f->x1 > f->x0)) {
		f->x0 = isfinite(f->x0) ? f->x0 - 1 : 0;
		f->x1 = f->x0 + 2;
	}
	pad = (f->x1 - f->x0) * 0.05;
	f->x0 -= pad;
	f->x1 += pad;
	f->d1 = 0;
	f->d0 = floor(log10(pmin)) - 1;
	f->top = top;
}

/* Tick spacing: 1, 2 or 5 times a power of ten, about six ticks. */
static double
tick_step(double span)
{
	double raw = span / 6, mag = pow(10, floor(log10(raw))), r = raw / mag;

	return (r < 1.5 ? 1 : r < 3.5 ? 2 : r < 7.5 ? 5 : 10) * mag;
}

/* Write S escaped for XML text. */
static void
put_text(FILE *fp, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '<')
			fputs("&lt;", fp);
		else if (*s == '>')
			fputs("&gt;", fp);
		else if (*s == '&')
			fputs("&amp;", fp);
		else
			fputc(*s, fp);
	}
}

/*
 * The significant digits that tell ticks STEP apart up to |T| = MAX:
 * 1843220 and 1843230 need 6, not %g's 6 that round both to 1.84322e+06.
 */
static int
tick_digits(double max, double step)
{
	int digits = (int)ceil(log10(fmax(fabs(max), step) / step)) + 2;

	return digits < 1 ? 1 : digits > 17 ? 17 : digits;
}

static void
axes(FILE *fp, const struct frame *f, const struct hx_svg_panel *pn)
{
	char label[64], last[64] = "";
	double y0 = f->top + TOP, y1 = f->top + PANEL - BOTTOM, t, step, first;
	int d, every, k;

	fprintf(fp, "<text x=\"%d\" y=\"%.1f\" font-size=\"15\" "
	    "font-weight=\"bold\">", LEFT, f->top + 24);
	put_text(fp, pn->title);
	fputs("</text>\n", fp);
	if (pn->note != NULL) {
		fprintf(fp, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" "
		    "fill=\"#555\">", LEFT, f->top + 36);
		put_text(fp, pn->note);
		fputs("</text>\n", fp);
	}
	fprintf(fp, "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" "
	    "fill=\"none\" stroke=\"#333\"/>\n", LEFT, y0,
	    WIDTH - LEFT - RIGHT, y1 - y0);
	every = (int)ceil((f->d1 - f->d0) / 8);
	for (d = (int)f->d1; d >= (int)f->d0; d -= every) {
		double y = py(f, pow(10, d));

		fprintf(fp, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
		    "stroke=\"#ddd\"/>\n<text x=\"%d\" y=\"%.1f\" "
		    "font-size=\"11\" text-anchor=\"end\">1e%d</text>\n",
		    LEFT, y, WIDTH - RIGHT, y, LEFT - 6, y + 4, d);
	}
	step = tick_step(f->x1 - f->x0);
	/*
	 * Ticks by an integer count: near 1e17 a step below the spacing of
	 * doubles would leave t += step where it was, for ever.
	 */
	first = ceil(f->x0 / step);
	d = tick_digits(fmax(fabs(f->x0), fabs(f->x1)), step);
	for (k = 0; k < MAX_TICKS && (t = (first + k) * step) <= f->x1; k++) {
		if (k > 0 && t == (first + k - 1) * step)
			break;
		if (fabs(t) < step * 1e-9)
			t = 0;
		snprintf(label, sizeof(label), "%.*g", d, t);
		if (strcmp(label, last) == 0)
			continue;
		memcpy(last, label, sizeof(last));
		fprintf(fp, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"#ddd\"/>\n<text x=\"%.1f\" "
		    "y=\"%.1f\" font-size=\"11\" text-anchor=\"middle\">%s"
		    "</text>\n", px(f, t), y0, px(f, t), y1, px(f, t), y1 + 16,
		    label);
	}
	fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" "
	    "text-anchor=\"middle\">", (LEFT + WIDTH - RIGHT) / 2.0, y1 + 36);
	put_text(fp, pn->unit != NULL ? pn->unit : "value");
	fputs("</text>\n", fp);
	fprintf(fp, "<text x=\"18\" y=\"%.1f\" font-size=\"12\" "
	    "text-anchor=\"middle\" transform=\"rotate(-90 18 %.1f)\">"
	    "exceedance probability per run</text>\n", (y0 + y1) / 2,
	    (y0 + y1) / 2);
}

static void
panel(FILE *fp, const struct hx_svg_panel *pn, double top)
{
	struct frame f;
	size_t i;
	double x, y;

	set_frame(&f, pn, top);
	axes(fp, &f, pn);
	if (pn->ncurve > 0) {
		fputs("<polyline fill=\"none\" stroke=\"#1f77b4\" "
		    "stroke-width=\"2\" points=\"", fp);
		for (i = 0; i < pn->ncurve; i++)
			if (pn->curve[i].p > 0 && isfinite(pn->curve[i].x) &&
			    pn->curve[i].x >= f.x0 && pn->curve[i].x <= f.x1)
				fprintf(fp, "%.1f,%.1f ",
				    px(&f, pn->curve[i].x),
				    py(&f, pn->curve[i].p));
		fputs("\"/>\n", fp);
	}
	for (i = 0; i < pn->ntail; i++)
		fprintf(fp, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" "
		    "fill=\"#555\"/>\n", px(&f, pn->tail[i].x),
		    py(&f, pn->tail[i].p));
	for (i = 0; i < pn->npwcet; i++) {
		const struct hx_svg_point *q = &pn->pwcet[i];

		y = py(&f, q->p);
		if (!isfinite(q->x))
			continue;
		if (isfinite(q->lo) && isfinite(q->hi))
			fprintf(fp, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
			    "y2=\"%.1f\" stroke=\"#d62728\" "
			    "stroke-width=\"1.5\"/>\n",
			    px(&f, fmax(q->lo, f.x0)), y,
			    px(&f, fmin(q->hi, f.x1)), y);
		x = px(&f, q->x);
		fprintf(fp, "<path d=\"M%.1f %.1fl5 5l-5 5l-5 -5z\" "
		    "fill=\"#d62728\"/>\n", x, y - 5);
	}
	if (isfinite(pn->budget)) {
		x = px(&f, pn->budget);
		fprintf(fp, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"#2ca02c\" stroke-width=\"2\" "
		    "stroke-dasharray=\"6 4\"/>\n<text x=\"%.1f\" y=\"%.1f\" "
		    "font-size=\"11\" fill=\"#2ca02c\">budget %.10g</text>\n",
		    x, top + TOP, x, top + PANEL - BOTTOM, x + 4,
		    top + TOP + 14, pn->budget);
	}
	/* The legend, top right inside the frame, where a tail never is. */
	x = WIDTH - RIGHT - 150;
	y = top + TOP + 8;
	fprintf(fp, "<g font-size=\"11\"><rect x=\"%.1f\" y=\"%.1f\" "
	    "width=\"144\" height=\"54\" fill=\"white\" stroke=\"#ccc\"/>"
	    "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"#555\"/>"
	    "<text x=\"%.1f\" y=\"%.1f\">measured</text>"
	    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
	    "stroke=\"#1f77b4\" stroke-width=\"2\"/>"
	    "<text x=\"%.1f\" y=\"%.1f\">fitted tail</text>"
	    "<path d=\"M%.1f %.1fl5 5l-5 5l-5 -5z\" fill=\"#d62728\"/>"
	    "<text x=\"%.1f\" y=\"%.1f\">pWCET and interval</text></g>\n",
	    x, y, x + 14, y + 12, x + 28, y + 16, x + 6, y + 28, x + 22, y + 28,
	    x + 28, y + 32, x + 14, y + 39, x + 28, y + 48);
}

int
hx_svg_write(const char *path, const struct hx_svg_panel *panels, size_t n)
{
	struct hx_atomic a;
	size_t i;

	if (hx_atomic_open(&a, path, 0666) < 0)
		return -1;
	fprintf(a.fp, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
	    "height=\"%zu\" viewBox=\"0 0 %d %zu\" "
	    "font-family=\"sans-serif\">\n<rect width=\"100%%\" "
	    "height=\"100%%\" fill=\"white\"/>\n", WIDTH, PANEL * (n ? n : 1),
	    WIDTH, PANEL * (n ? n : 1));
	for (i = 0; i < n; i++)
		panel(a.fp, &panels[i], (double)(PANEL * i));
	fputs("</svg>\n", a.fp);
	if (ferror(a.fp)) {
		hx_atomic_abort(&a);
		return -1;
	}
	return hx_atomic_commit(&a);
}
