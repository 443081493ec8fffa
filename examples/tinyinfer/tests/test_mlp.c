/*
 * The MLP end to end: classify a fixed set of inputs and compare a
 * checksum of every logit with the golden value.
 *
 * usage: test_mlp [--samples N]; TINYINFER_VERBOSE=1 prints each class.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tinyinfer.h"

#define GOLDEN_SAMPLES 64
#define GOLDEN_CHECKSUM 0x65a9a7fcu

int
main(int argc, char **argv)
{
	int8_t in[TI_MLP_IN], logits[TI_MLP_OUT];
	const char *verbose = getenv("TINYINFER_VERBOSE");
	unsigned long samples = GOLDEN_SAMPLES, s;
	uint32_t checksum = 0;
	size_t class, i;

	if (argc == 3 && strcmp(argv[1], "--samples") == 0)
		samples = strtoul(argv[2], NULL, 10);
	else if (argc != 1) {
		fprintf(stderr, "usage: test_mlp [--samples N]\n");
		return 2;
	}
	for (s = 0; s < samples; s++) {
		ti_sample_input((uint32_t)s, in);
		class = ti_mlp_classify(in, logits);
		for (i = 0; i < TI_MLP_OUT; i++)
			checksum = checksum * 31 + (uint8_t)logits[i];
		checksum = checksum * 31 + (uint32_t)class;
		if (verbose != NULL && strcmp(verbose, "1") == 0)
			printf("sample %lu: class %zu\n", s, class);
	}
	printf("mlp: %lu samples, checksum %08x\n", samples,
	    (unsigned)checksum);
	if (samples == GOLDEN_SAMPLES && checksum != GOLDEN_CHECKSUM) {
		printf("mlp: expected checksum %08x\n", GOLDEN_CHECKSUM);
		return 1;
	}
	return 0;
}
