/*
 * unit-cpu: the checks of hx_backend and the cpu backend against the
 * straightforward references of ref.h: int8 exactly, f32 within the bound
 * of hx-offload(5), requantize exactly tinyinfer's ti_requantize.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "offload/hx_backend.h"
#include "offload/hx_cpu.h"
#include "../tap.h"
#include "ref.h"

static char msg[HX_OFFLOAD_MESSAGE_MAX];
static uint64_t seed = 1;

static void
tensor(struct hx_codec_tensor *t, int dtype, unsigned rank, uint32_t d0,
    uint32_t d1)
{
	uint32_t dims[2] = { d0, d1 };

	hx_codec_tensor_alloc(t, dtype, rank, dims, 1 << 26);
	if (dtype == HX_OFFLOAD_INT8)
		ref_fill_i8(t->data, t->count, &seed);
	else if (dtype == HX_OFFLOAD_INT32)
		ref_fill_i32(t->data, t->count, &seed);
	else
		ref_fill_f32(t->data, t->count, &seed);
}

static void
request(struct hx_codec_request *req, int op, unsigned nparams,
    unsigned ntensors)
{
	memset(req, 0, sizeof(*req));
	req->op = (uint16_t)op;
	req->nparams = nparams;
	req->ntensors = ntensors;
}

/* Check and run REQ on the cpu backend; the check's code. */
static int
run(struct hx_codec_request *req, struct hx_codec_tensor *out)
{
	const struct hx_backend *cpu = hx_backend_find("cpu");
	int rc = hx_backend_check(req, 1 << 26, out, msg, sizeof(msg));

	if (rc == 0)
		rc = cpu->op(NULL, req, out, msg, sizeof(msg));
	return rc;
}

static void
matmul(uint32_t m, uint32_t k, uint32_t n, bool extreme)
{
	struct hx_codec_request req;
	struct hx_codec_tensor out;
	int32_t *want = calloc((size_t)m * n, sizeof(*want));
	int rc;

	request(&req, HX_OFFLOAD_OP_MATMUL_I8, 0, 2);
	tensor(&req.tensors[0], HX_OFFLOAD_INT8, 2, m, k);
	tensor(&req.tensors[1], HX_OFFLOAD_INT8, 2, k, n);
	if (extreme) {
		memset(req.tensors[0].data, 0x80, (size_t)m * k);
		memset(req.tensors[1].data, 0x80, (size_t)k * n);
	}
	rc = run(&req, &out);
	ref_matmul_i8(req.tensors[0].data, req.tensors[1].data, want, m, k, n);
	tap_ok(rc == 0 && out.dtype == HX_OFFLOAD_INT32 && out.rank == 2 &&
	    out.dims[0] == m && out.dims[1] == n &&
	    memcmp(out.data, want, (size_t)m * n * 4) == 0,
	    "matmul_i8 %ux%ux%u%s exact", m, k, n, extreme ? " of -128" : "");
	hx_codec_tensor_clear(&out);
	hx_codec_request_clear(&req);
	free(want);
}

static void
matmul_f32(uint32_t m, uint32_t k, uint32_t n)
{
	struct hx_codec_request req;
	struct hx_codec_tensor out;
	int rc;

	request(&req, HX_OFFLOAD_OP_MATMUL_F32, 0, 2);
	tensor(&req.tensors[0], HX_OFFLOAD_F32, 2, m, k);
	tensor(&req.tensors[1], HX_OFFLOAD_F32, 2, k, n);
	rc = run(&req, &out);
	tap_ok(rc == 0 && out.dtype == HX_OFFLOAD_F32 &&
	    ref_matmul_f32_ok(req.tensors[0].data, req.tensors[1].data,
	    out.data, m, k, n), "matmul_f32 %ux%ux%u within "
	    "K * 2^-23 * sum |a*b| of double precision", m, k, n);
	hx_codec_tensor_clear(&out);
	hx_codec_request_clear(&req);
}

static void
conv1d(uint32_t l, uint32_t k, int32_t bias)
{
	struct hx_codec_request req;
	struct hx_codec_tensor out;
	int32_t *want = calloc(l - k + 1, sizeof(*want));
	int rc;

	request(&req, HX_OFFLOAD_OP_CONV1D_I8, 1, 2);
	req.params[0] = bias;
	tensor(&req.tensors[0], HX_OFFLOAD_INT8, 1, l, 0);
	tensor(&req.tensors[1], HX_OFFLOAD_INT8, 1, k, 0);
	rc = run(&req, &out);
	ref_conv1d(req.tensors[0].data, l, req.tensors[1].data, k, bias, want);
	tap_ok(rc == 0 && out.count == l - k + 1 &&
	    memcmp(out.data, want, out.count * 4) == 0,
	    "conv1d_i8 L %u K %u bias %d exact", l, k, bias);
	hx_codec_tensor_clear(&out);
	hx_codec_request_clear(&req);
	free(want);
}

static void
elementwise(void)
{
	struct hx_codec_request req;
	struct hx_codec_tensor out;
	const int32_t *a, *b, *c;
	const float *fa, *fb, *fc;
	const int8_t *x8, *y8;
	bool right = true;
	size_t i;
	int rc;

	request(&req, HX_OFFLOAD_OP_ADD, 0, 2);
	tensor(&req.tensors[0], HX_OFFLOAD_INT32, 2, 7, 9);
	tensor(&req.tensors[1], HX_OFFLOAD_INT32, 2, 7, 9);
	((int32_t *)req.tensors[0].data)[0] = INT32_MAX;
	((int32_t *)req.tensors[1].data)[0] = 1;
	rc = run(&req, &out);
	a = req.tensors[0].data, b = req.tensors[1].data, c = out.data;
	for (i = 0; rc == 0 && i < out.count; i++)
		right &= c[i] == (int32_t)((uint32_t)a[i] + (uint32_t)b[i]);
	tap_ok(rc == 0 && right && c[0] == INT32_MIN && out.rank == 2,
	    "add int32 wraps");
	hx_codec_tensor_clear(&out);
	hx_codec_request_clear(&req);

	request(&req, HX_OFFLOAD_OP_ADD, 0, 2);
	tensor(&req.tensors[0], HX_OFFLOAD_F32, 1, 30, 0);
	tensor(&req.tensors[1], HX_OFFLOAD_F32, 1, 30, 0);
	rc = run(&req, &out);
	fa = req.tensors[0].data, fb = req.tensors[1].data, fc = out.data;
	for (right = true, i = 0; rc == 0 && i < out.count; i++)
		right &= fc[i] == fa[i] + fb[i];
	tap_ok(rc == 0 && right, "add f32");
	hx_codec_tensor_clear(&out);
	hx_codec_request_clear(&req);

	request(&req, HX_OFFLOAD_OP_RELU, 0, 1);
	tensor(&req.tensors[0], HX_OFFLOAD_INT8, 1, 256, 0);
	rc = run(&req, &out);
	x8 = req.tensors[0].data, y8 = out.data;
	for (right = true, i = 0; rc == 0 && i < out.count; i++)
		right &= y8[i] == (x8[i] > 0 ? x8[i] : 0);
	tap_ok(rc == 0 && right && out.dtype == HX_OFFLOAD_INT8, "relu int8");
	hx_codec_tensor_clear(&out);
	hx_codec_request_clear(&req);

	request(&req, HX_OFFLOAD_OP_RELU, 0, 1);
	tensor(&req.tensors[0], HX_OFFLOAD_F32, 1, 64, 0);
	rc = run(&req, &out);
	fa = req.tensors[0].data, fc = out.data;
	for (right = true, i = 0; rc == 0 && i < out.count; i++)
		right &= fc[i] == (fa[i] > 0 ? fa[i] : 0.0f);
	tap_ok(rc == 0 && right, "relu f32");
	hx_codec_tensor_clear(&out);
	hx_codec_request_clear(&req);

	request(&req, HX_OFFLOAD_OP_RELU, 0, 1);
	tensor(&req.tensors[0], HX_OFFLOAD_INT32, 1, 64, 0);
	rc = run(&req, &out);
	a = req.tensors[0].data, c = out.data;
	for (right = true, i = 0; rc == 0 && i < out.count; i++)
		right &= c[i] == (a[i] > 0 ? a[i] : 0);
	tap_ok(rc == 0 && right, "relu int32");
	hx_codec_tensor_clear(&out);
	hx_codec_request_clear(&req);
}

/* Requantize on edge values, against tinyinfer's own ti_requantize. */
static void
requantize(void)
{
	static const int32_t accs[] = { INT32_MIN, INT32_MIN + 1, -65536,
	    -32769, -256, -129, -128, -1, 0, 1, 127, 128, 255, 256, 32767,
	    65536, INT32_MAX - 1, INT32_MAX, 0x40000000, -0x40000000, 3, -3,
	    5, -5 };
	static const int32_t mults[] = { 0x40000000, 0x40000001, 0x55555555,
	    0x7ffffffe, 0x7fffffff };
	static const int shifts[] = { 0, 1, 2, 7, 15, 30, 31 };
	static const int32_t zps[] = { -32768, -128, -1, 0, 1, 127, 32767 };
	struct hx_codec_request req;
	struct hx_codec_tensor out;
	size_t n = sizeof(accs) / sizeof(accs[0]), m, s, z, i, bad = 0;
	size_t cases = 0;
	int8_t want;

	for (m = 0; m < sizeof(mults) / sizeof(mults[0]); m++)
		for (s = 0; s < sizeof(shifts) / sizeof(shifts[0]); s++)
			for (z = 0; z < sizeof(zps) / sizeof(zps[0]); z++) {
				request(&req, HX_OFFLOAD_OP_REQUANTIZE, 3, 1);
				req.params[0] = mults[m];
				req.params[1] = shifts[s];
				req.params[2] = zps[z];
				tensor(&req.tensors[0], HX_OFFLOAD_INT32, 1,
				    (uint32_t)n, 0);
				memcpy(req.tensors[0].data, accs, sizeof(accs));
				if (run(&req, &out) != 0)
					bad++;
				for (i = 0; out.data != NULL && i < n; i++) {
					want = ref_requantize(accs[i], mults[m],
					    shifts[s], zps[z]);
					bad += ((int8_t *)out.data)[i] != want;
					cases++;
				}
				hx_codec_tensor_clear(&out);
				hx_codec_request_clear(&req);
			}
	tap_ok(bad == 0 && cases == 5 * 7 * 7 * n,
	    "requantize = ti_requantize on %zu edge cases (%zu differ)", cases,
	    bad);
	tap_ok(hx_cpu_requantize(INT32_MIN, 0x7fffffff, 0, -128) == -128 &&
	    hx_cpu_requantize(INT32_MAX, 0x7fffffff, 0, 32767) == 127,
	    "requantize where tinyinfer's 32-bit sum would overflow: the exact "
	    "sum, saturated");
	tap_ok(hx_cpu_requantize(5, 0x40000000, 1, 0) == 1 &&
	    hx_cpu_requantize(-5, 0x40000000, 1, 0) == -1 &&
	    hx_cpu_requantize(6, 0x40000000, 1, 0) == 2 &&
	    hx_cpu_requantize(-6, 0x40000000, 1, 0) == -2,
	    "requantize rounds half away from zero (5/4 -> 1, 6/4 -> 2)");
}

/* Each check of hx_backend_check refuses with its code. */
static void
checks(void)
{
	struct hx_codec_request req;
	struct hx_codec_tensor out;
	int rc;

	request(&req, HX_OFFLOAD_OP_MATMUL_I8, 0, 2);
	tensor(&req.tensors[0], HX_OFFLOAD_INT8, 2, 2, 3);
	tensor(&req.tensors[1], HX_OFFLOAD_INT8, 2, 4, 2);
	tap_ok(run(&req, &out) == HX_OFFLOAD_WIRE_SHAPE,
	    "matmul of [2,3] by [4,2]");
	hx_codec_request_clear(&req);
	request(&req, HX_OFFLOAD_OP_MATMUL_I8, 0, 2);
	tensor(&req.tensors[0], HX_OFFLOAD_INT8, 2, 1, 131073);
	tensor(&req.tensors[1], HX_OFFLOAD_INT8, 2, 131073, 1);
	tap_ok(run(&req, &out) == HX_OFFLOAD_WIRE_SHAPE, "matmul K 131073");
	hx_codec_request_clear(&req);
	request(&req, HX_OFFLOAD_OP_MATMUL_I8, 0, 2);
	tensor(&req.tensors[0], HX_OFFLOAD_INT8, 2, 1, 131072);
	tensor(&req.tensors[1], HX_OFFLOAD_INT8, 2, 131072, 1);
	memset(req.tensors[0].data, 0x80, 131072);
	memset(req.tensors[1].data, 0x80, 131072);
	rc = run(&req, &out);
	tap_ok(rc == 0 && ((int32_t *)out.data)[0] == INT32_MIN,
	    "matmul K 131072 of -128: 2^31 wraps, as documented");
	hx_codec_tensor_clear(&out);
	hx_codec_request_clear(&req);
	request(&req, HX_OFFLOAD_OP_MATMUL_I8, 0, 2);
	tensor(&req.tensors[0], HX_OFFLOAD_INT8, 2, 4096, 1024);
	tensor(&req.tensors[1], HX_OFFLOAD_INT8, 2, 1024, 4096);
	tap_ok(run(&req, &out) == HX_OFFLOAD_WIRE_TOO_LARGE,
	    "matmul of 2^34 multiply-adds");
	hx_codec_request_clear(&req);
	request(&req, HX_OFFLOAD_OP_MATMUL_I8, 0, 2);
	tensor(&req.tensors[0], HX_OFFLOAD_INT8, 2, 8192, 1);
	tensor(&req.tensors[1], HX_OFFLOAD_INT8, 2, 1, 8192);
	tap_ok(run(&req, &out) == HX_OFFLOAD_WIRE_TOO_LARGE,
	    "matmul whose result (256 MiB) is above the maximum");
	hx_codec_request_clear(&req);
	request(&req, HX_OFFLOAD_OP_MATMUL_F32, 0, 2);
	tensor(&req.tensors[0], HX_OFFLOAD_INT8, 2, 2, 2);
	tensor(&req.tensors[1], HX_OFFLOAD_F32, 2, 2, 2);
	tap_ok(run(&req, &out) == HX_OFFLOAD_WIRE_DTYPE, "matmul_f32 of int8");
	hx_codec_request_clear(&req);
	request(&req, HX_OFFLOAD_OP_MATMUL_I8, 0, 1);
	tensor(&req.tensors[0], HX_OFFLOAD_INT8, 2, 2, 2);
	tap_ok(run(&req, &out) == HX_OFFLOAD_WIRE_SHAPE, "matmul of 1 tensor");
	hx_codec_request_clear(&req);
	request(&req, HX_OFFLOAD_OP_CONV1D_I8, 1, 2);
	tensor(&req.tensors[0], HX_OFFLOAD_INT8, 1, 3, 0);
	tensor(&req.tensors[1], HX_OFFLOAD_INT8, 1, 4, 0);
	tap_ok(run(&req, &out) == HX_OFFLOAD_WIRE_SHAPE, "conv1d K > L");
	hx_codec_request_clear(&req);
	request(&req, HX_OFFLOAD_OP_CONV1D_I8, 0, 2);
	tensor(&req.tensors[0], HX_OFFLOAD_INT8, 1, 4, 0);
	tensor(&req.tensors[1], HX_OFFLOAD_INT8, 1, 3, 0);
	tap_ok(run(&req, &out) == HX_OFFLOAD_WIRE_SHAPE, "conv1d, no bias");
	hx_codec_request_clear(&req);
	request(&req, HX_OFFLOAD_OP_ADD, 0, 2);
	tensor(&req.tensors[0], HX_OFFLOAD_INT32, 2, 2, 3);
	tensor(&req.tensors[1], HX_OFFLOAD_INT32, 2, 3, 2);
	tap_ok(run(&req, &out) == HX_OFFLOAD_WIRE_SHAPE, "add [2,3] + [3,2]");
	hx_codec_request_clear(&req);
	request(&req, HX_OFFLOAD_OP_ADD, 0, 2);
	tensor(&req.tensors[0], HX_OFFLOAD_INT8, 1, 2, 0);
	tensor(&req.tensors[1], HX_OFFLOAD_INT8, 1, 2, 0);
	tap_ok(run(&req, &out) == HX_OFFLOAD_WIRE_DTYPE, "add of int8");
	hx_codec_request_clear(&req);
	request(&req, HX_OFFLOAD_OP_REQUANTIZE, 3, 1);
	req.params[0] = 0x3fffffff;
	tensor(&req.tensors[0], HX_OFFLOAD_INT32, 1, 2, 0);
	tap_ok(run(&req, &out) == HX_OFFLOAD_WIRE_PARAMETER,
	    "requantize multiplier below 2^30");
	req.params[0] = 0x40000000;
	req.params[1] = 32;
	tap_ok(run(&req, &out) == HX_OFFLOAD_WIRE_PARAMETER,
	    "requantize shift 32");
	req.params[1] = 0;
	req.params[2] = 32768;
	tap_ok(run(&req, &out) == HX_OFFLOAD_WIRE_PARAMETER,
	    "requantize zero point 32768");
	hx_codec_request_clear(&req);
	request(&req, HX_OFFLOAD_OP_REQUANTIZE, 3, 1);
	req.params[0] = 0x40000000;
	tensor(&req.tensors[0], HX_OFFLOAD_F32, 1, 2, 0);
	tap_ok(run(&req, &out) == HX_OFFLOAD_WIRE_DTYPE, "requantize of f32");
	hx_codec_request_clear(&req);
	tap_ok(hx_backend_find("cpu") != NULL &&
	    hx_backend_find("nope") == NULL &&
	    hx_backend_ops() == 0x7e && hx_backend_dtypes() == 0xe,
	    "the backend table");
}

int
main(void)
{
	matmul(1, 1, 1, false);
	matmul(4, 4, 4, false);
	matmul(5, 7, 3, false);
	matmul(33, 300, 17, true);
	matmul(64, 256, 48, false);
	matmul_f32(3, 5, 4);
	matmul_f32(16, 1000, 9);
	conv1d(1, 1, 0);
	conv1d(40, 9, -1234567);
	conv1d(1000, 1000, INT32_MAX - 200000);
	elementwise();
	requantize();
	checks();
	return tap_done();
}
