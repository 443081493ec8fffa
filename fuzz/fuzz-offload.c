/*
 * fuzz-offload: a byte stream as the service reads it: frames one after
 * the other, each header through hx_codec_header_read and each payload
 * through the reader of its type; a request that decodes goes through
 * hx_backend_check and the cpu backend, and must decode to the same
 * request once written back.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "offload/hx_backend.h"
#include "offload/hx_codec.h"
#include "offload/hx_cpu.h"
#include "fuzz.h"

/* The most a result may take here: small, so that runs stay fast. */
#define RESULT_MAX	(1 << 20)

/* Whether A and B are the same tensor. */
static int
same_tensor(const struct hx_codec_tensor *a, const struct hx_codec_tensor *b)
{
	return a->dtype == b->dtype && a->rank == b->rank &&
	    memcmp(a->dims, b->dims, a->rank * sizeof(a->dims[0])) == 0 &&
	    a->count == b->count && memcmp(a->data, b->data, a->count *
	    hx_codec_dtype_size(a->dtype)) == 0;
}

/* Write REQ back, read it again: the same request, or abort. */
static void
round_trip(const struct hx_codec_request *req)
{
	struct hx_codec_buf buf = { 0 };
	struct hx_codec_request again;
	char msg[HX_OFFLOAD_MESSAGE_MAX];
	unsigned i;

	hx_codec_request_write(&buf, 1, req);
	if (hx_codec_request_read(buf.data + HX_OFFLOAD_HEADER_SIZE,
	    buf.len - HX_OFFLOAD_HEADER_SIZE, &again, msg, sizeof(msg)) != 0 ||
	    again.op != req->op || again.nparams != req->nparams ||
	    again.ntensors != req->ntensors ||
	    memcmp(again.params, req->params, sizeof(req->params)) != 0 ||
	    strcmp(again.traceparent, req->traceparent) != 0)
		abort();
	for (i = 0; i < req->ntensors; i++)
		if (!same_tensor(&req->tensors[i], &again.tensors[i]))
			abort();
	hx_codec_request_clear(&again);
	hx_codec_buf_free(&buf);
}

static void
request(const uint8_t *p, size_t len)
{
	struct hx_codec_request req;
	struct hx_codec_tensor out;
	char msg[HX_OFFLOAD_MESSAGE_MAX];

	if (hx_codec_request_read(p, len, &req, msg, sizeof(msg)) == 0) {
		round_trip(&req);
		if (hx_backend_check(&req, RESULT_MAX, &out, msg,
		    sizeof(msg)) == 0) {
			if (hx_cpu_op(NULL, &req, &out, msg, sizeof(msg)) != 0)
				abort();
			hx_codec_tensor_clear(&out);
		}
	}
	hx_codec_request_clear(&req);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hx_codec_header h;
	struct hx_codec_hello hello;
	struct hx_codec_tensor out;
	char msg[HX_OFFLOAD_MESSAGE_MAX];

	while (size >= HX_OFFLOAD_HEADER_SIZE) {
		if (hx_codec_header_read(data, HX_OFFLOAD_MAX_FRAME, &h, msg,
		    sizeof(msg)) != 0)
			return 0;
		data += HX_OFFLOAD_HEADER_SIZE;
		size -= HX_OFFLOAD_HEADER_SIZE;
		if (h.length > size)
			return 0;
		switch (h.type) {
		case HX_OFFLOAD_FRAME_HELLO:
			if (hx_codec_hello_read(data, h.length, &hello, msg,
			    sizeof(msg)) == 0 && hello.token_len >
			    HX_OFFLOAD_TOKEN_MAX)
				abort();
			break;
		case HX_OFFLOAD_FRAME_REQUEST:
			request(data, h.length);
			break;
		case HX_OFFLOAD_FRAME_REPLY:
			if (hx_codec_reply_read(data, h.length, &out, msg,
			    sizeof(msg)) == 0)
				hx_codec_tensor_clear(&out);
			break;
		default:
			break;
		}
		data += h.length;
		size -= h.length;
	}
	return 0;
}
