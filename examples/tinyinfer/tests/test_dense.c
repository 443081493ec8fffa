/* The dense layer against a plain reference computed in doubles. */
#include <math.h>
#include <stdio.h>

#include "tinyinfer.h"

#define NIN 8
#define NOUT 5

int
main(void)
{
	int8_t in[NIN], w[NOUT * NIN], out[NOUT];
	int32_t bias[NOUT];
	struct ti_requant rq = ti_requant_from_scale(1.0 / 64.0, 0);
	double ref;
	int o, i, failures = 0;

	for (i = 0; i < NIN; i++)
		in[i] = (int8_t)(i * 13 - 50);
	for (i = 0; i < NOUT * NIN; i++)
		w[i] = (int8_t)((i * 37) % 101 - 50);
	for (o = 0; o < NOUT; o++)
		bias[o] = o * 100 - 200;
	ti_dense(in, NIN, w, bias, NOUT, &rq, 0, out);
	for (o = 0; o < NOUT; o++) {
		ref = bias[o];
		for (i = 0; i < NIN; i++)
			ref += (double)w[o * NIN + i] * in[i];
		ref = round(ref / 64.0);
		ref = ref > 127 ? 127 : ref < -128 ? -128 : ref;
		if (out[o] != (int8_t)ref) {
			printf("output %d: %d, expected %d\n", o, out[o],
			    (int)ref);
			failures++;
		}
	}
	printf("dense: %d of %d outputs wrong\n", failures, NOUT);
	return failures != 0;
}
