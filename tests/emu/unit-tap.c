/*
 * unit-tap: the TAP reader of hx-emu on the shapes of TAP that programs
 * print, the odd ones included.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu/hx_tap.h"
#include "../tap.h"

static void
parse(const char *text, struct hx_tap *tap)
{
	hx_tap_parse(text, strlen(text), tap);
}

/*
 * A plan of 300,000 points, every hundredth failing: the first points and
 * failures up to their cap are kept, the rest counted.
 */
static void
many_points(void)
{
	struct hx_tap t;
	char *text = malloc(10 + 300000 * 7), *p = text;
	long i;

	p += sprintf(p, "1..300000\n");
	for (i = 1; i <= 300000; i++)
		p += sprintf(p, "%s\n", i % 100 == 0 ? "not ok" : "ok");
	hx_tap_parse(text, (size_t)(p - text), &t);
	tap_ok(t.total == 300000 && t.npoints == HX_TAP_POINTS_MAX +
	    HX_TAP_FAILURES_MAX, "300,000 points: %zu kept", t.npoints);
	tap_ok(t.points[999].number == 1000 && t.points[1000].number == 1100 &&
	    !t.points[1000].ok && t.points[1999].number == 101000,
	    "the first points, then failures only");
	tap_ok(t.more_passed == 296010 && t.more_failed == 1990,
	    "the others counted: %zu passed, %zu failed", t.more_passed,
	    t.more_failed);
	tap_ok(t.more_first == 1001 && t.more_last == 300000,
	    "and their numbers");
	hx_tap_free(&t);
	free(text);
}

/* 520,000 diagnostic lines after one point keep a few KiB of them. */
static void
many_diagnostics(void)
{
	struct hx_tap t;
	const char *line = "# a diagnostic line\n";
	size_t n = strlen(line), i;
	char *text = malloc(64 + 520000 * n), *p = text;
	const char *d;

	p += sprintf(p, "1..2\nnot ok 1\n");
	for (i = 0; i < 520000; i++, p += n)
		memcpy(p, line, n);
	p += sprintf(p, "ok 2\n# after\n");
	hx_tap_parse(text, (size_t)(p - text), &t);
	tap_ok(t.npoints == 2, "two points");
	d = t.points[0].diagnostics;
	tap_ok(d != NULL && strlen(d) == t.points[0].diagnostics_len &&
	    t.points[0].diagnostics_len <= HX_TAP_DIAGNOSTICS_MAX &&
	    t.points[0].diagnostics_len > HX_TAP_DIAGNOSTICS_MAX - 40,
	    "diagnostics cut at %zu bytes", t.points[0].diagnostics_len);
	tap_ok(strncmp(d, "a diagnostic line\na diagnostic line\n", 36) == 0 &&
	    strcmp(d + strlen(d) - 21, "a diagnostic line\n...") == 0,
	    "whole lines, then a line ...");
	tap_is(t.points[1].diagnostics, "after", "the next point has its own");
	hx_tap_free(&t);
	free(text);
}

int
main(void)
{
	struct hx_tap t;

	parse("TAP version 14\n1..4\nok 1 - first\nnot ok 2 second\n"
	    "# got 1\n#   want 2\nok 3 - escaped \\# hash # skip no disk\n"
	    "not ok 4 # TODO later\n", &t);
	tap_ok(t.is_tap && t.planned == 4 && t.npoints == 4, "four points");
	tap_is(t.points[0].description, "first", "a leading dash goes");
	tap_is(t.points[1].description, "second", "a description without dash");
	tap_ok(!t.points[1].ok && !hx_tap_point_passed(&t.points[1]),
	    "not ok fails");
	tap_is(t.points[1].diagnostics, "got 1\nwant 2", "diagnostics joined");
	tap_is(t.points[2].description, "escaped # hash",
	    "an escaped hash is part of the description");
	tap_ok(t.points[2].directive == HX_TAP_SKIP, "skip in lowercase");
	tap_is(t.points[2].reason, "no disk", "the skip reason");
	tap_ok(t.points[3].directive == HX_TAP_TODO &&
	    hx_tap_point_passed(&t.points[3]), "a failing TODO passes");
	hx_tap_free(&t);

	parse("ok\nok\r\nnot ok\n1..3\n", &t);
	tap_ok(t.is_tap && t.planned == 3 && t.npoints == 3,
	    "a plan at the end, CRLF, no numbers");
	tap_ok(t.points[2].number == 3 && *t.points[2].description == '\0',
	    "points are counted from 1");
	hx_tap_free(&t);

	parse("ok 1\nok 2\n", &t);
	tap_ok(!t.is_tap, "points without a plan are not TAP");
	hx_tap_free(&t);

	parse("1..2 and more\nokay\nok 1\n", &t);
	tap_ok(!t.is_tap && t.npoints == 1,
	    "a plan with trailing words is no plan; okay is no point");
	hx_tap_free(&t);

	parse("1..0 # Skip no GPU here\n", &t);
	tap_ok(t.is_tap && t.planned == 0, "an empty plan");
	tap_is(t.plan_skip, "no GPU here", "its skip reason");
	hx_tap_free(&t);

	parse("1..3\nok 1\n    ok 1 - subtest\nBail out!  out of memory \n",
	    &t);
	tap_ok(t.npoints == 1, "indented subtests are not points");
	tap_is(t.bail_out, "out of memory", "Bail out! and its reason");
	hx_tap_free(&t);

	parse("", &t);
	tap_ok(!t.is_tap && t.npoints == 0 && t.planned == -1, "no output");
	hx_tap_free(&t);

	many_points();
	many_diagnostics();
	return tap_done();
}
