/* Requantisation and rounding, as TAP: one test point per property. */
#include "tinyinfer.h"
#include "tap.h"

int
main(void)
{
	struct ti_requant half = ti_requant_from_scale(0.5, 0);
	struct ti_requant third = ti_requant_from_scale(1.0 / 3.0, 5);

	ok(half.multiplier == 1073741824 && half.shift == 0,
	    "0.5 is multiplier 2^30, shift 0");
	ok(ti_rounding_shift(5, 1) == 3, "2.5 rounds to 3");
	ok(ti_rounding_shift(-5, 1) == -3, "-2.5 rounds to -3");
	ok(ti_rounding_shift(3, 1) == 2, "1.5 rounds to 2");
	ok(ti_rounding_shift(4, 2) == 1, "1.0 stays 1");
	ok(ti_requantize(7, &half) == 4, "7 * 0.5 requantises to 4");
	ok(ti_requantize(300, &third) == 105, "300 / 3 + 5 is 105");
	ok(ti_requantize(1000, &half) == 127, "saturates at 127");
	ok(ti_requantize(-1000, &half) == -128, "saturates at -128");
	ok(ti_quantize(0.26, 0.1) == 3 && ti_quantize(-0.26, 0.1) == -3,
	    "quantise to nearest");
	return tap_done();
}
