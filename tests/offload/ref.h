/*
 * ref.h: the straightforward references the offload tests check against,
 * shared by the unit test of the cpu backend and the client test program
 * (which is cross-compiled for riscv64 too, so plain C only).  Requantize
 * is tinyinfer's own ti_requantize, linked from examples/tinyinfer.
 */
#ifndef HX_TESTS_OFFLOAD_REF_H
#define HX_TESTS_OFFLOAD_REF_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "tinyinfer.h"

/* A deterministic stream of bytes from SEED (a 64-bit LCG). */
static inline uint8_t
ref_byte(uint64_t *seed)
{
	*seed = *seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint8_t)(*seed >> 56);
}

static inline void
ref_fill_i8(int8_t *v, size_t n, uint64_t *seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		v[i] = (int8_t)ref_byte(seed);
}

static inline void
ref_fill_i32(int32_t *v, size_t n, uint64_t *seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		v[i] = (int32_t)((uint32_t)ref_byte(seed) << 24 |
		    (uint32_t)ref_byte(seed) << 16 | ref_byte(seed) << 8 |
		    ref_byte(seed));
}

/* Values in [-8, 8) with a fraction, and a few zeros. */
static inline void
ref_fill_f32(float *v, size_t n, uint64_t *seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		v[i] = (float)((int8_t)ref_byte(seed)) / 16.0f;
}

/* C = A * B, every sum in 64 bits. */
static inline void
ref_matmul_i8(const int8_t *a, const int8_t *b, int32_t *c, size_t m,
    size_t k, size_t n)
{
	size_t i, j, l;
	int64_t acc;

	for (i = 0; i < m; i++)
		for (j = 0; j < n; j++) {
			for (acc = 0, l = 0; l < k; l++)
				acc += a[i * k + l] * b[l * n + j];
			c[i * n + j] = (int32_t)acc;
		}
}

/*
 * Whether C, an f32 product of A and B, is within the bound of
 * hx-offload(5) of the product in double precision:
 * |C - C_ref| <= K * 2^-23 * sum_k |A[i][k] * B[k][j]|.
 */
static inline int
ref_matmul_f32_ok(const float *a, const float *b, const float *c, size_t m,
    size_t k, size_t n)
{
	double exact, mag;
	size_t i, j, l;

	for (i = 0; i < m; i++)
		for (j = 0; j < n; j++) {
			exact = mag = 0;
			for (l = 0; l < k; l++) {
				exact += (double)a[i * k + l] * b[l * n + j];
				mag += fabs((double)a[i * k + l] * b[l * n + j]);
			}
			if (fabs(c[i * n + j] - exact) >
			    (double)k * ldexp(1, -23) * mag)
				return 0;
		}
	return 1;
}

/* Y = BIAS + the valid convolution of X by W, in 64 bits. */
static inline void
ref_conv1d(const int8_t *x, size_t l, const int8_t *w, size_t k,
    int32_t bias, int32_t *y)
{
	size_t o, j;
	int64_t acc;

	for (o = 0; o + k <= l; o++) {
		for (acc = bias, j = 0; j < k; j++)
			acc += w[j] * x[o + j];
		y[o] = (int32_t)acc;
	}
}

/*
 * Requantize as hx-offload(5) defines it: tinyinfer's ti_requantize where
 * its C is defined, and where its 32-bit sum of the rounded quotient and
 * the zero point would overflow (undefined), the exact sum, saturated.
 */
static inline int8_t
ref_requantize(int32_t acc, int32_t multiplier, int shift, int32_t zero_point)
{
	struct ti_requant rq = { multiplier, shift, zero_point };
	int64_t sum = (int64_t)ti_rounding_shift((int64_t)acc * multiplier,
	    31 + shift) + zero_point;

	if (sum > INT32_MAX || sum < INT32_MIN)
		return sum > 0 ? 127 : -128;
	return ti_requantize(acc, &rq);
}

#endif
