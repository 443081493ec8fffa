/*
 * A deterministic benchmark: classify the same inputs a fixed number of
 * times.  The work does not depend on time or input, so instruction
 * counts are exactly repeatable.
 *
 * usage: bench_mlp [ITERATIONS]   (default 200)
 */
#include <stdio.h>
#include <stdlib.h>

#include "tinyinfer.h"

int
main(int argc, char **argv)
{
	unsigned long iterations = argc > 1 ? strtoul(argv[1], NULL, 10) : 200;
	int8_t in[TI_MLP_IN], logits[TI_MLP_OUT];
	unsigned long it, s, histogram[TI_MLP_OUT] = { 0 };

	for (it = 0; it < iterations; it++)
		for (s = 0; s < 16; s++) {
			ti_sample_input((uint32_t)s, in);
			histogram[ti_mlp_classify(in, logits)]++;
		}
	printf("bench_mlp: %lu inferences, classes %lu %lu %lu %lu\n",
	    iterations * 16, histogram[0], histogram[1], histogram[2],
	    histogram[3]);
	return 0;
}
