/*
 * hx_cpu: the cpu backend of the offload service, the reference for
 * every other: the operations of hx-offload(5) computed in the plainest
 * way, int8 exactly, f32 accumulated in float in order of k.
 */
#ifndef HX_CPU_H
#define HX_CPU_H

#include "offload/hx_codec.h"

/* Compute the checked request REQ into OUT (an hx_backend op). */
int hx_cpu_op(void *state, const struct hx_codec_request *req,
    struct hx_codec_tensor *out, char *msg, size_t msgsize);

/* tinyinfer's ti_requantize of ACC (hx-offload(5), requantize). */
int8_t hx_cpu_requantize(int32_t acc, int32_t multiplier, int shift,
    int32_t zero_point);

#endif
