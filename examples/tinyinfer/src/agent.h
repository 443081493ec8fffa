/*
 * The inference agent: the dense and conv layers handed to a GPU-offload
 * service (hx-offload(1)) when the environment variable HX_OFFLOAD names
 * one.  Each function returns 0 when the service computed the layer into
 * OUT, or -1 when the layer is to be computed here: no service was named,
 * or it could not answer, which the agent then says on standard output as
 * a TAP diagnostic, "# offload: fallback (why)".
 */
#ifndef TINYINFER_AGENT_H
#define TINYINFER_AGENT_H

#include "tinyinfer.h"

int ti_agent_dense(const int8_t *in, size_t nin, const int8_t *w,
    const int32_t *bias, size_t nout, const struct ti_requant *rq, int relu,
    int8_t *out);
int ti_agent_conv1d(const int8_t *in, size_t nin, const int8_t *kernel,
    size_t klen, int32_t bias, const struct ti_requant *rq, int8_t *out);

#endif
