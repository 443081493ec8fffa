/* 1-D convolution over int8 samples, valid padding, stride 1. */
#include <hx/roi.h>

#include "agent.h"
#include "tinyinfer.h"

void
ti_conv1d(const int8_t *in, size_t nin, const int8_t *kernel, size_t klen,
    int32_t bias, const struct ti_requant *rq, int8_t *out)
{
	size_t o, k;
	int32_t acc;

	if (klen == 0 || klen > nin)
		return;
	HX_ROI_BEGIN("conv1d");
	/* Offloaded, or computed here. */
	if (ti_agent_conv1d(in, nin, kernel, klen, bias, rq, out) != 0)
		for (o = 0; o + klen <= nin; o++) {
			acc = bias;
			for (k = 0; k < klen; k++)
				acc += (int32_t)kernel[k] * in[o + k];
			HX_ROI_BEGIN("requantize");
			out[o] = ti_requantize(acc, rq);
			HX_ROI_END();
		}
	HX_ROI_END();
}
