/*
 * tap.h: the few TAP helpers the C unit tests share.
 */
#ifndef HX_TESTS_TAP_H
#define HX_TESTS_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_count, tap_failed;

/* One test point: "ok N - what" or "not ok N - what". */
static void
tap_ok(int pass, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
tap_ok(int pass, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", pass ? "" : "not ", ++tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!pass)
		tap_failed++;
	fflush(stdout);
}

/* Compare two strings and show both when they differ. */
static void __attribute__((unused))
tap_is(const char *got, const char *want, const char *what)
{
	int pass = got != NULL && want != NULL ? strcmp(got, want) == 0 :
	    got == want;

	tap_ok(pass, "%s", what);
	if (!pass)
		printf("# got:  %s\n# want: %s\n", got ? got : "(null)",
		    want ? want : "(null)");
}

static int
tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed != 0;
}

#endif
