/*
 * fuzz-tap: a test program's output through the TAP parser.  Every point
 * it finds has a description, a reason exactly when it has a directive,
 * and a plan it reports is one it read.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "emu/hx_tap.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hx_tap tap;
	size_t i;

	hx_tap_parse((const char *)data, size, &tap);
	if (tap.npoints > 0 && tap.points == NULL)
		abort();
	for (i = 0; i < tap.npoints; i++) {
		if (tap.points[i].description == NULL ||
		    (tap.points[i].directive != HX_TAP_NONE) !=
		    (tap.points[i].reason != NULL))
			abort();
		hx_tap_point_passed(&tap.points[i]);
	}
	if (!tap.is_tap && tap.planned != -1)
		abort();
	hx_tap_free(&tap);
	return 0;
}
