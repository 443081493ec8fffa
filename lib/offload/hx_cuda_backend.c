/*
 * hx_cuda_backend: each operation of a request that hx_backend_check has
 * accepted, computed by hx_cuda on the GPU; a failure of the device is
 * the error reply HX_OFFLOAD_WIRE_BACKEND with the runtime's message.
 */
#include "config.h"

#include "offload/hx_cuda.h"
#include "offload/hx_cuda_backend.h"

int
hx_cuda_backend_open(void **state, char *msg, size_t msgsize)
{
	*state = NULL;
	return hx_cuda_init(msg, msgsize);
}

void
hx_cuda_backend_close(void *state)
{
	hx_cuda_fini();
}

/* An elementwise operation (add, relu) on tensors of OUT's type. */
static int
elementwise(const struct hx_codec_request *req, struct hx_codec_tensor *out,
    char *msg, size_t msgsize)
{
	const void *a = req->tensors[0].data, *b = req->tensors[1].data;

	if (req->op == HX_OFFLOAD_OP_ADD)
		return out->dtype == HX_OFFLOAD_F32 ?
		    hx_cuda_add_f32(a, b, out->data, out->count, msg, msgsize) :
		    hx_cuda_add_i32(a, b, out->data, out->count, msg, msgsize);
	switch (out->dtype) {
	case HX_OFFLOAD_INT8:
		return hx_cuda_relu_i8(a, out->data, out->count, msg, msgsize);
	case HX_OFFLOAD_INT32:
		return hx_cuda_relu_i32(a, out->data, out->count, msg,
		    msgsize);
	default:
		return hx_cuda_relu_f32(a, out->data, out->count, msg,
		    msgsize);
	}
}

int
hx_cuda_backend_op(void *state, const struct hx_codec_request *req,
    struct hx_codec_tensor *out, char *msg, size_t msgsize)
{
	const struct hx_codec_tensor *a = &req->tensors[0], *b = &req->tensors[1];
	int rc;

	switch (req->op) {
	case HX_OFFLOAD_OP_MATMUL_I8:
		rc = hx_cuda_matmul_i8(a->data, b->data, out->data, a->dims[0],
		    a->dims[1], b->dims[1], msg, msgsize);
		break;
	case HX_OFFLOAD_OP_MATMUL_F32:
		rc = hx_cuda_matmul_f32(a->data, b->data, out->data,
		    a->dims[0], a->dims[1], b->dims[1], msg, msgsize);
		break;
	case HX_OFFLOAD_OP_CONV1D_I8:
		rc = hx_cuda_conv1d_i8(a->data, a->count, b->data, b->count,
		    req->params[0], out->data, msg, msgsize);
		break;
	case HX_OFFLOAD_OP_REQUANTIZE:
		rc = hx_cuda_requantize(a->data, out->data, out->count,
		    req->params[0], req->params[1], req->params[2], msg,
		    msgsize);
		break;
	default:
		rc = elementwise(req, out, msg, msgsize);
		break;
	}
	return rc == 0 ? 0 : HX_OFFLOAD_WIRE_BACKEND;
}
