/*
 * hx_tap: read the Test Anything Protocol a test program prints, so that
 * each test point becomes a test record of its own (see hx-emu(1)).
 *
 * Understood: an optional "TAP version N" line, the plan "1..N" (before
 * or after the points, with "# SKIP reason" for a program that skips
 * everything), "ok"/"not ok" points with an optional number, description
 * and "# SKIP" or "# TODO" directive, "# ..." diagnostics after a point
 * and "Bail out!".  Indented lines (subtests, YAML blocks) and anything
 * else are ignored, as TAP consumers do.
 *
 * Memory stays bounded whatever a program prints: the first
 * HX_TAP_POINTS_MAX points are kept, then failing points up to
 * HX_TAP_FAILURES_MAX more; the others are only counted.  Each point
 * keeps HX_TAP_DIAGNOSTICS_MAX bytes of diagnostics at most.
 */
#ifndef HX_TAP_H
#define HX_TAP_H

#include <stdbool.h>
#include <stddef.h>

#define HX_TAP_POINTS_MAX	1000
#define HX_TAP_FAILURES_MAX	1000
#define HX_TAP_DIAGNOSTICS_MAX	4096

enum hx_tap_directive {
	HX_TAP_NONE,
	HX_TAP_SKIP,
	HX_TAP_TODO,
};

struct hx_tap_point {
	long number;			/* as printed, or counted from 1 */
	bool ok;			/* "ok" rather than "not ok" */
	char *description;		/* without a leading "- "; may be "" */
	enum hx_tap_directive directive;
	char *reason;			/* the directive's text; may be "" */
	char *diagnostics;		/* "# " lines that followed, or NULL;
					   cut with a last line "..." */
	size_t diagnostics_len;
};

struct hx_tap {
	bool is_tap;			/* a plan or a version line was seen */
	long planned;			/* N of 1..N, or -1 without a plan */
	char *plan_skip;		/* reason of "1..0 # SKIP", or NULL */
	char *bail_out;			/* reason after "Bail out!", or NULL */
	struct hx_tap_point *points;	/* the points kept */
	size_t npoints;
	size_t total;			/* the points seen, kept or not */
	size_t more_passed;		/* points not kept that passed */
	size_t more_failed;		/* and that failed */
	long more_first;		/* the numbers of the first and last */
	long more_last;			/* points not kept */
};

/*
 * Parse the LEN bytes of output at TEXT into *TAP.  Never fails: text
 * that is not TAP gives is_tap false.
 */
void hx_tap_parse(const char *text, size_t len, struct hx_tap *tap);

/* Whether POINT counts as passed: ok, skipped, or a TODO. */
bool hx_tap_point_passed(const struct hx_tap_point *point);

void hx_tap_free(struct hx_tap *tap);

#endif
