/* Fully connected int8 layer with int32 accumulation. */
#include <hx/roi.h>

#include "agent.h"
#include "tinyinfer.h"

void
ti_dense(const int8_t *in, size_t nin, const int8_t *w, const int32_t *bias,
    size_t nout, const struct ti_requant *rq, int relu, int8_t *out)
{
	size_t o, i;
	int32_t acc;
	int8_t v;

	HX_ROI_BEGIN("dense");
	/* Offloaded, or computed here. */
	if (ti_agent_dense(in, nin, w, bias, nout, rq, relu, out) != 0)
		for (o = 0; o < nout; o++) {
			acc = bias != NULL ? bias[o] : 0;
			for (i = 0; i < nin; i++)
				acc += (int32_t)w[o * nin + i] * in[i];
			HX_ROI_BEGIN("requantize");
			v = ti_requantize(acc, rq);
			HX_ROI_END();
			out[o] = relu && v < 0 ? 0 : v;
		}
	HX_ROI_END();
}
