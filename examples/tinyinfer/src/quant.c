/* Fixed-point requantisation, the heart of integer-only inference. */
#include <math.h>

#include "tinyinfer.h"

struct ti_requant
ti_requant_from_scale(double scale, int32_t zero_point)
{
	struct ti_requant rq = { 0, 0, zero_point };
	int exponent;
	double fraction = frexp(scale, &exponent);	/* scale = f * 2^e */
	int64_t q = llround(fraction * 2147483648.0);

	if (q == 2147483648LL) {
		q /= 2;
		exponent++;
	}
	rq.multiplier = (int32_t)q;
	rq.shift = -exponent;
	return rq;
}

int32_t
ti_rounding_shift(int64_t value, int shift)
{
	int64_t half;

	if (shift <= 0)
		return (int32_t)value;
#ifdef TINYINFER_WRONG_ROUNDING
	/* Plain truncation toward minus infinity: biased, and wrong. */
	half = 0;
#else
	half = (int64_t)1 << (shift - 1);
#endif
	if (value >= 0)
		return (int32_t)((value + half) >> shift);
	return (int32_t)-((-value + half) >> shift);
}

int8_t
ti_requantize(int32_t acc, const struct ti_requant *rq)
{
	int64_t product = (int64_t)acc * rq->multiplier;
	int32_t v = ti_rounding_shift(product, 31 + rq->shift) + rq->zero_point;

	if (v > 127)
		v = 127;
	if (v < -128)
		v = -128;
	return (int8_t)v;
}

int8_t
ti_quantize(double value, double scale)
{
	long q = lround(value / scale);

	if (q > 127)
		q = 127;
	if (q < -128)
		q = -128;
	return (int8_t)q;
}

size_t
ti_argmax(const int8_t *v, size_t n)
{
	size_t i, best = 0;

	for (i = 1; i < n; i++)
		if (v[i] > v[best])
			best = i;
	return best;
}
