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

/* Read a test point; S is past "ok" or "not ok". */
static void
parse_point(struct hx_tap *tap, bool ok, const char *s, const char *end)
{
	struct hx_tap_point *pt;
	const char *hash, *d;
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
	tap->points = hx_xrealloc(tap->points,
	    (tap->npoints + 1) * sizeof(*tap->points));
	pt = &tap->points[tap->npoints];
	memset(pt, 0, sizeof(*pt));
	pt->number = numbered ? number :
	    (tap->npoints > 0 ? tap->points[tap->npoints - 1].number + 1 : 1);
	pt->ok = ok;
	hash = find_hash(s, end);
	pt->description = trimmed(s, (size_t)((hash != NULL ? hash : end) - s));
	unescape(pt->description);
	if (hash != NULL) {
		d = hash + 1;
		while (d < end && isspace((unsigned char)*d))
			d++;
		if (starts_with_nocase(d, (size_t)(end - d), "skip"))
			pt->directive = HX_TAP_SKIP;
		else if (starts_with_nocase(d, (size_t)(end - d), "todo"))
			pt->directive = HX_TAP_TODO;
		if (pt->directive != HX_TAP_NONE)
			pt->reason = trimmed(d + 4, (size_t)(end - d - 4));
	}
	tap->npoints++;
}

/* Add a "# " line to the diagnostics of the latest point. */
static void
add_diagnostic(struct hx_tap *tap, const char *s, size_t len)
{
	struct hx_tap_point *pt;
	char *line = trimmed(s + 1, len - 1), *joined;

	if (tap->npoints == 0) {
		free(line);
		return;
	}
	pt = &tap->points[tap->npoints - 1];
	if (pt->diagnostics == NULL)
		pt->diagnostics = line;
	else {
		joined = hx_xasprintf("%s\n%s", pt->diagnostics, line);
		free(pt->diagnostics);
		free(line);
		pt->diagnostics = joined;
	}
}

static void
parse_line(struct hx_tap *tap, const char *s, size_t len, bool first)
{
	if (len > 0 && s[len - 1] == '\r')
		len--;
	if (first && starts_with_nocase(s, len, "TAP version ")) {
		tap->is_tap = true;
	} else if (starts_with(s, len, "1..")) {
		parse_plan(tap, s, len);
	} else if (starts_with(s, len, "ok") &&
	    (len == 2 || !isalnum((unsigned char)s[2]))) {
		parse_point(tap, true, s + 2, s + len);
	} else if (starts_with(s, len, "not ok") &&
	    (len == 6 || !isalnum((unsigned char)s[6]))) {
		parse_point(tap, false, s + 6, s + len);
	} else if (starts_with(s, len, "Bail out!")) {
		free(tap->bail_out);
		tap->bail_out = trimmed(s + 9, len - 9);
	} else if (len > 0 && s[0] == '#') {
		add_diagnostic(tap, s, len);
	}
}

void
hx_tap_parse(const char *text, size_t len, struct hx_tap *tap)
{
	const char *p = text, *end = text + len, *nl;

	memset(tap, 0, sizeof(*tap));
	tap->planned = -1;
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		parse_line(tap, p, (size_t)(nl - p), p == text);
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
