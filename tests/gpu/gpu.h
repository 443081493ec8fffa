/*
 * gpu.h: what the GPU checks of make check-gpu share: deterministic
 * inputs, allocation that bails out, float comparison and a clock.  The
 * references themselves are tests/offload/ref.h's.
 */
#ifndef HX_TESTS_GPU_H
#define HX_TESTS_GPU_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t gpu_rng_state = 0x9e3779b97f4a7c15ULL;

/* xorshift64*: the same inputs on every run. */
static uint64_t
gpu_rng(void)
{
	gpu_rng_state ^= gpu_rng_state >> 12;
	gpu_rng_state ^= gpu_rng_state << 25;
	gpu_rng_state ^= gpu_rng_state >> 27;
	return gpu_rng_state * 0x2545f4914f6cdd1dULL;
}

static void *
gpu_malloc(size_t n)
{
	void *p = malloc(n);

	if (p == NULL) {
		printf("Bail out! out of memory\n");
		exit(1);
	}
	return p;
}

/*
 * N int8 values in the pattern KIND: 0 random, 1 the extremes -128 and
 * 127 at random, 2 all -128, 3 all 127.
 */
static void
gpu_fill_i8(int8_t *v, size_t n, int kind)
{
	size_t i;

	for (i = 0; i < n; i++)
		v[i] = kind == 0 ? (int8_t)gpu_rng() : kind == 1 ?
		    (gpu_rng() & 1 ? 127 : -128) : kind == 2 ? -128 : 127;
}

/* N floats in [-SCALE, SCALE). */
static void
gpu_fill_f32(float *v, size_t n, float scale)
{
	size_t i;

	for (i = 0; i < n; i++)
		v[i] = scale * ((float)(gpu_rng() >> 40) / (float)(1 << 24) *
		    2 - 1);
}

/* Whether N floats are the same bits, or both NaN, one by one. */
static size_t
gpu_f32_differences(const float *x, const float *y, size_t n)
{
	size_t i, bad = 0;

	for (i = 0; i < n; i++)
		bad += !(isnan(x[i]) && isnan(y[i])) &&
		    memcmp(&x[i], &y[i], sizeof(x[i])) != 0;
	return bad;
}

/* Seconds on the monotonic clock. */
static double
gpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

#endif
