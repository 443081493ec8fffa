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
 */
#ifndef HX_TAP_H
#define HX_TAP_H

#include <stdbool.h>
#include <stddef.h>

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
	char *diagnostics;		/* "# " lines that followed, or NULL */
};

struct hx_tap {
	bool is_tap;			/* a plan or a version line was seen */
	long planned;			/* N of 1..N, or -1 without a plan */
	char *plan_skip;		/* reason of "1..0 # SKIP", or NULL */
	char *bail_out;			/* reason after "Bail out!", or NULL */
	struct hx_tap_point *points;
	size_t npoints;
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
