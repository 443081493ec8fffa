/*
 * hx_cpu: the reference backend.  Each operation is the loop of its
 * definition in hx-offload(5), nothing cleverer, so that it can be read
 * against the page.  Integer sums are taken modulo 2^32, as the two's
 * complement hardware tinyinfer runs on takes them: the one matmul_i8 that
 * can reach 2^31 (K = 131072, every product 16384) wraps, with no
 * undefined behaviour in C.
 */
#include "config.h"

#include <string.h>

#include "offload/hx_backend.h"
#include "offload/hx_cpu.h"

/*
 * GCC 12 at -O2 vectorizes only loops it need not follow with scalar
 * code; the matmuls' inner loops over j run five times faster vectorized,
 * and each element's sum keeps its order of k either way.
 */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("tree-vectorize", "vect-cost-model=dynamic")
#endif

/*
 * The matmuls run over i, then k, then j, so that rows of B and C are read
 * in order; each C[i][j] still sums its products in order of k.
 */
static void
matmul_i8(const struct hx_codec_request *req, struct hx_codec_tensor *out)
{
	const int8_t *a = req->tensors[0].data, *b = req->tensors[1].data;
	size_t m = req->tensors[0].dims[0], k = req->tensors[0].dims[1];
	size_t n = req->tensors[1].dims[1], i, j, l;
	uint32_t *restrict row;
	const int8_t *restrict brow;
	int32_t x;

	memset(out->data, 0, m * n * sizeof(uint32_t));
	for (i = 0; i < m; i++)
		for (l = 0; l < k; l++) {
			x = a[i * k + l];
			row = (uint32_t *)out->data + i * n;
			brow = b + l * n;
			for (j = 0; j < n; j++)
				row[j] += (uint32_t)(x * brow[j]);
		}
}

static void
matmul_f32(const struct hx_codec_request *req, struct hx_codec_tensor *out)
{
	const float *a = req->tensors[0].data, *b = req->tensors[1].data;
	size_t m = req->tensors[0].dims[0], k = req->tensors[0].dims[1];
	size_t n = req->tensors[1].dims[1], i, j, l;
	float *restrict row, x;
	const float *restrict brow;

	for (i = 0; i < m * n; i++)
		((float *)out->data)[i] = 0.0f;
	for (i = 0; i < m; i++)
		for (l = 0; l < k; l++) {
			x = a[i * k + l];
			row = (float *)out->data + i * n;
			brow = b + l * n;
			for (j = 0; j < n; j++)
				row[j] += x * brow[j];
		}
}

/* tinyinfer's ti_conv1d before requantisation. */
static void
conv1d_i8(const struct hx_codec_request *req, struct hx_codec_tensor *out)
{
	const int8_t *x = req->tensors[0].data, *w = req->tensors[1].data;
	size_t k = req->tensors[1].count, o, l;
	int32_t *y = out->data;
	uint32_t acc;

	for (o = 0; o < out->count; o++) {
		acc = (uint32_t)req->params[0];
		for (l = 0; l < k; l++)
			acc += (uint32_t)(w[l] * x[o + l]);
		y[o] = (int32_t)acc;
	}
}

static void
add(const struct hx_codec_request *req, struct hx_codec_tensor *out)
{
	size_t i;

	if (out->dtype == HX_OFFLOAD_F32) {
		const float *a = req->tensors[0].data;
		const float *b = req->tensors[1].data;
		float *c = out->data;

		for (i = 0; i < out->count; i++)
			c[i] = a[i] + b[i];
		return;
	}
	const int32_t *a = req->tensors[0].data, *b = req->tensors[1].data;
	int32_t *c = out->data;

	for (i = 0; i < out->count; i++)
		c[i] = (int32_t)((uint32_t)a[i] + (uint32_t)b[i]);
}

static void
relu(const struct hx_codec_request *req, struct hx_codec_tensor *out)
{
	const void *x = req->tensors[0].data;
	size_t i;

	for (i = 0; i < out->count; i++)
		switch (out->dtype) {
		case HX_OFFLOAD_INT8:
			((int8_t *)out->data)[i] = ((const int8_t *)x)[i] > 0 ?
			    ((const int8_t *)x)[i] : 0;
			break;
		case HX_OFFLOAD_INT32:
			((int32_t *)out->data)[i] =
			    ((const int32_t *)x)[i] > 0 ?
			    ((const int32_t *)x)[i] : 0;
			break;
		default:
			((float *)out->data)[i] = ((const float *)x)[i] > 0.0f ?
			    ((const float *)x)[i] : 0.0f;
			break;
		}
}

/*
 * tinyinfer's ti_rounding_shift then ti_requantize: divide by 2^shift,
 * rounding half away from zero, add the zero point, saturate.  The sum is
 * taken in 64 bits: where tinyinfer's 32-bit sum overflows (a quotient
 * within the zero point of -2^31 or 2^31 - 1) its C is undefined, and the
 * result here is the one hx-offload(5) defines.
 */
int8_t
hx_cpu_requantize(int32_t acc, int32_t multiplier, int shift,
    int32_t zero_point)
{
	int64_t product = (int64_t)acc * multiplier, half, v;
	int total = 31 + shift;

	half = (int64_t)1 << (total - 1);
	if (product >= 0)
		v = (product + half) >> total;
	else
		v = -((-product + half) >> total);
	v += zero_point;
	if (v > 127)
		v = 127;
	if (v < -128)
		v = -128;
	return (int8_t)v;
}

static void
requantize(const struct hx_codec_request *req, struct hx_codec_tensor *out)
{
	const int32_t *x = req->tensors[0].data;
	int8_t *y = out->data;
	size_t i;

	for (i = 0; i < out->count; i++)
		y[i] = hx_cpu_requantize(x[i], req->params[0], req->params[1],
		    req->params[2]);
}

int
hx_cpu_op(void *state, const struct hx_codec_request *req,
    struct hx_codec_tensor *out, char *msg, size_t msgsize)
{
	switch (req->op) {
	case HX_OFFLOAD_OP_MATMUL_I8:
		matmul_i8(req, out);
		break;
	case HX_OFFLOAD_OP_MATMUL_F32:
		matmul_f32(req, out);
		break;
	case HX_OFFLOAD_OP_CONV1D_I8:
		conv1d_i8(req, out);
		break;
	case HX_OFFLOAD_OP_ADD:
		add(req, out);
		break;
	case HX_OFFLOAD_OP_RELU:
		relu(req, out);
		break;
	default:
		requantize(req, out);
		break;
	}
	return 0;
}
