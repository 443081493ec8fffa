/* The 1-D convolution: a moving sum and a difference kernel. */
#include <stdio.h>
#include <string.h>

#include "tinyinfer.h"

int
main(void)
{
	static const int8_t in[8] = { 10, 20, 30, 40, -50, -60, 70, 80 };
	static const int8_t sum3[3] = { 1, 1, 1 };
	static const int8_t diff[2] = { -1, 1 };
	static const int8_t want_sum[6] = { 30, 45, 10, -35, -20, 45 };
	static const int8_t want_diff[7] = { 5, 5, 5, -45, -5, 65, 5 };
	struct ti_requant half = ti_requant_from_scale(0.5, 0);
	int8_t out[8];
	int failures = 0;

	ti_conv1d(in, 8, sum3, 3, 0, &half, out);
	if (memcmp(out, want_sum, sizeof(want_sum)) != 0) {
		printf("moving sum differs\n");
		failures++;
	}
	ti_conv1d(in, 8, diff, 2, 0, &half, out);
	if (memcmp(out, want_diff, sizeof(want_diff)) != 0) {
		printf("difference differs\n");
		failures++;
	}
	printf("conv1d: %d failures\n", failures);
	return failures != 0;
}
