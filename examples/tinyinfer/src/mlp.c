/* The built-in 16-32-4 int8 MLP classifier. */
#include <hx/roi.h>

#include "tinyinfer.h"
#include "weights.h"

/* Scales chosen so the int32 accumulators land in int8 range. */
#define HIDDEN_SCALE (1.0 / 512.0)
#define OUT_SCALE (1.0 / 1024.0)

size_t
ti_mlp_classify(const int8_t in[TI_MLP_IN], int8_t logits[TI_MLP_OUT])
{
	struct ti_requant rq1 = ti_requant_from_scale(HIDDEN_SCALE, 0);
	struct ti_requant rq2 = ti_requant_from_scale(OUT_SCALE, 0);
	int8_t hidden[TI_MLP_HIDDEN];

	HX_ROI_BEGIN("mlp_hidden");
	ti_dense(in, TI_MLP_IN, w1, b1, TI_MLP_HIDDEN, &rq1, 1, hidden);
	HX_ROI_END();
	HX_ROI_BEGIN("mlp_output");
	ti_dense(hidden, TI_MLP_HIDDEN, w2, b2, TI_MLP_OUT, &rq2, 0, logits);
	HX_ROI_END();
	return ti_argmax(logits, TI_MLP_OUT);
}

void
ti_sample_input(uint32_t seed, int8_t in[TI_MLP_IN])
{
	uint32_t state = seed * 2654435761u + 1;
	int i;

	for (i = 0; i < TI_MLP_IN; i++) {
		state = state * 1664525u + 1013904223u;
		in[i] = (int8_t)(state >> 24);
	}
}
