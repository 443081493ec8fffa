/*
 * hx_tap: a small, forgiving TAP reader after TAP 13/14 as prove(1)
 * reads it.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "hx_err.h"
#include "emu/hx_tap.h"

static bool
starts_with(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(s, prefix, n) == 0;
}

static bool
starts_with_nocase(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && strncasecmp(s, prefix, n) == 0;
}

/* A copy of S (LEN bytes) without blanks at either end. */
static char *
trimmed(const char *s, size_t len)
{
	char *copy;

	while (len > 0 && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	copy = hx_xmalloc(len + 1);
	memcpy(copy, s, len);
	copy[len] = '\0';
	return copy;
}

/* Read "1..N" with an optional "# SKIP reason". */
static bool
parse_plan(struct hx_tap *tap, const char *s, size_t len)
{
	const char *p = s + 3, *end = s + len, *hash;
	long n = 0;

	if (p >= end || !isdigit((unsigned char)*p))
		return false;
	for (; p < end && isdigit((unsigned char)*p); p++)
		if (n < 100000000)
			n = n * 10 + (*p - '0');
	while (p < end && isspace((unsigned char)*p))
		p++;
	if (p < end && *p != '#')
		return false;
	tap->planned = n;
	tap->is_tap = true;
	if (p < end && n == 0) {
		hash = p + 1;
		while (hash < end && isspace((unsigned char)*hash))
			hash++;
		if (starts_with_nocase(hash, (size_t)(end - hash), "skip")) {
			free(tap->plan_skip);
			tap->plan_skip = trimmed(hash + 4,
			    (size_t)(end - hash - 4));
		}
	}
	return true;
}

/* Find an unescaped '#' in S: the start of a directive or comment. */
static const char *
find_hash(const char *s, const char *end)
{
	for (; s < end; s++) {
		if (*s == '\\' && s + 1 < end)
			s++;
		else if (*s == '#')
			return s;
	}
	return NULL;
}

/* Undo TAP's escapes in a description: a backslash before '#' or '\\'. */
static void
unescape(char *s)
{
	char *out = s;

	for (; *s != '\0'; s++) {
		if (*s == '\\' && (s[1] == '#' || s[1] == '\\'))
			s++;
		*out++ = *s;
	}
	*out = '\0';
}

/* The state of a parse: what is kept where. */
struct tap_parser {
	struct hx_tap *tap;
	size_t size;			/* points allocated */
	long last_number;		/* of the latest point, kept or not */
	struct hx_tap_point *latest;	/* the latest point if kept, or NULL */
	size_t diagnostics_size;	/* allocated for its diagnostics */
	bool diagnostics_cut;		/* they reached the cap */
};

/*
 * Whether a point that passed or not (OK) is kept: the first few are,
 * then failures up to their own cap.
 */
static bool
keeps_point(const struct hx_tap *tap, bool ok)
{
	if (tap->npoints < HX_TAP_POINTS_MAX)
		return true;
	return !ok && tap->npoints < HX_TAP_POINTS_MAX + HX_TAP_FAILURES_MAX;
}

/* Count a point that is not kept. */
static void
count_point(struct hx_tap *tap, bool passed, long number)
{
	if (tap->more_passed + tap->more_failed == 0)
		tap->more_first = number;
	tap->more_last = number;
	if (passed)
		tap->more_passed++;
	else
		tap->more_failed++;
}

/* Read a test point; S is past "ok" or "not ok". */
static void
parse_point(struct tap_parser *parser, bool ok, const char *s,
    const char *end)
{
	struct hx_tap *tap = parser->tap;
	struct hx_tap_point point, *pt = &point;
	const char *hash, *d = NULL;
	long number = 0;
	bool numbered = false;

	while (s < end && isspace((unsigned char)*s))
		s++;
	while (s < end && isdigit((unsigned char)*s)) {
		if (number < 1000000000)
			number = number * 10 + (*s - '0');
		numbered = true;
		s++;
	}
	while (s < end && isspace((unsigned char)*s))
		s++;
	if (s < end && *s == '-')
		s++;
	memset(pt, 0, sizeof(*pt));
	pt->number = numbered ? number : parser->last_number + 1;
	pt->ok = ok;
	hash = find_hash(s, end);
	if (hash != NULL) {
		d = hash + 1;
		while (d < end && isspace((unsigned char)*d))
			d++;
		if (starts_with_nocase(d, (size_t)(end - d), "skip"))
			pt->directive = HX_TAP_SKIP;
		else if (starts_with_nocase(d, (size_t)(end - d), "todo"))
			pt->directive = HX_TAP_TODO;
	}
	parser->last_number = pt->number;
	parser->latest = NULL;
	tap->total++;
	if (!keeps_point(tap, hx_tap_point_passed(pt))) {
		count_point(tap, hx_tap_point_passed(pt), pt->number);
		return;
	}
	pt->description = trimmed(s, (size_t)((hash != NULL ? hash : end) - s));
	unescape(pt->description);
	if (pt->directive != HX_TAP_NONE)
		pt->reason = trimmed(d + 4, (size_t)(end - d - 4));
	if (tap->npoints == parser->size) {
		parser->size = parser->size == 0 ? 16 : 2 * parser->size;
		tap->points = hx_xrealloc(tap->points,
		    parser->size * sizeof(*tap->points));
	}
	tap->points[tap->npoints] = point;
	parser->latest = &tap->points[tap->npoints++];
	parser->diagnostics_size = 0;
	parser->diagnostics_cut = false;
}

/*
 * Add a "# " line to the diagnostics of the latest point, if it is kept,
 * in linear time; past the cap they end with a line "...".
 */
static void
add_diagnostic(struct tap_parser *parser, const char *s, size_t len)
{
	struct hx_tap_point *pt = parser->latest;
	size_t separator, need;

	if (pt == NULL || parser->diagnostics_cut)
		return;
	s++;
	len--;
	while (len > 0 && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	separator = pt->diagnostics != NULL;
	/* Four bytes stay free for the "\n..." of a cut. */
	if (pt->diagnostics_len + separator + len >
	    HX_TAP_DIAGNOSTICS_MAX - 4) {
		s = "...";
		len = 3;
		parser->diagnostics_cut = true;
	}
	need = pt->diagnostics_len + separator + len + 1;
	if (need > parser->diagnostics_size) {
		parser->diagnostics_size = need < 64 ? 64 : need;
		if (parser->diagnostics_size < 2 * pt->diagnostics_len)
			parser->diagnostics_size = 2 * pt->diagnostics_len;
		pt->diagnostics = hx_xrealloc(pt->diagnostics,
		    parser->diagnostics_size);
	}
	if (separator)
		pt->diagnostics[pt->diagnostics_len++] = '\n';
	memcpy(pt->diagnostics + pt->diagnostics_len, s, len);
	pt->diagnostics_len += len;
	pt->diagnostics[pt->diagnostics_len] = '\0';
}

static void
parse_line(struct tap_parser *parser, const char *s, size_t len, bool first)
{
	struct hx_tap *tap = parser->tap;

	if (len > 0 && s[len - 1] == '\r')
		len--;
	if (first && starts_with_nocase(s, len, "TAP version ")) {
		tap->is_tap = true;
	} else if (starts_with(s, len, "1..")) {
		parse_plan(tap, s, len);
	} else if (starts_with(s, len, "ok") &&
	    (len == 2 || !isalnum((unsigned char)s[2]))) {
		parse_point(parser, true, s + 2, s + len);
	} else if (starts_with(s, len, "not ok") &&
	    (len == 6 || !isalnum((unsigned char)s[6]))) {
		parse_point(parser, false, s + 6, s + len);
	} else if (starts_with(s, len, "Bail out!")) {
		free(tap->bail_out);
		tap->bail_out = trimmed(s + 9, len - 9);
	} else if (len > 0 && s[0] == '#') {
		add_diagnostic(parser, s, len);
	}
}

void
hx_tap_parse(const char *text, size_t len, struct hx_tap *tap)
{
	struct tap_parser parser;
	const char *p = text, *end = text + len, *nl;

	memset(tap, 0, sizeof(*tap));
	tap->planned = -1;
	memset(&parser, 0, sizeof(parser));
	parser.tap = tap;
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		parse_line(&parser, p, (size_t)(nl - p), p == text);
		p = nl + 1;
	}
}

bool
hx_tap_point_passed(const struct hx_tap_point *point)
{
	return point->ok || point->directive != HX_TAP_NONE;
}

void
hx_tap_free(struct hx_tap *tap)
{
	size_t i;

	for (i = 0; i < tap->npoints; i++) {
		free(tap->points[i].description);
		free(tap->points[i].reason);
		free(tap->points[i].diagnostics);
	}
	free(tap->points);
	free(tap->plan_skip);
	free(tap->bail_out);
	memset(tap, 0, sizeof(*tap));
}
