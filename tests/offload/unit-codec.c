/*
 * unit-codec: the frames of hx-offload(5): round trips of every frame
 * and every limit the readers check, with hostile sizes among them.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "offload/hx_codec.h"
#include "offload/hx_fault.h"
#include "../tap.h"

static char msg[HX_OFFLOAD_MESSAGE_MAX];

/* A request of OP with the tensors and parameters given. */
static void
request(struct hx_codec_request *req, int op, unsigned nparams,
    unsigned ntensors)
{
	memset(req, 0, sizeof(*req));
	req->op = (uint16_t)op;
	req->nparams = nparams;
	req->ntensors = ntensors;
}

static void
tensor(struct hx_codec_tensor *t, int dtype, unsigned rank, uint32_t d0,
    uint32_t d1)
{
	uint32_t dims[2] = { d0, d1 };
	size_t i, size;

	hx_codec_tensor_alloc(t, dtype, rank, dims, 1 << 20);
	size = hx_codec_dtype_size(dtype);
	for (i = 0; i < t->count * size; i++)
		((uint8_t *)t->data)[i] = (uint8_t)(i * 37 + 11);
}

/* Encode REQ as a frame in BUF, and return where its payload is. */
static const uint8_t *
encode(struct hx_codec_buf *buf, const struct hx_codec_request *req)
{
	buf->len = 0;
	hx_codec_request_write(buf, 77, req);
	return buf->data + HX_OFFLOAD_HEADER_SIZE;
}

static int
decode(const uint8_t *p, size_t len)
{
	struct hx_codec_request got;
	int rc = hx_codec_request_read(p, len, &got, msg, sizeof(msg));

	hx_codec_request_clear(&got);
	return rc;
}

static void
round_trips(void)
{
	struct hx_codec_buf buf = { 0 };
	struct hx_codec_request req, got;
	struct hx_codec_header h;
	struct hx_codec_tensor out;
	struct hx_codec_hello hello = { 1, 1, 8192, 3, "abc" }, hgot;
	const uint8_t *p;
	int rc;

	hx_codec_hello_write(&buf, &hello);
	rc = hx_codec_header_read(buf.data, 1 << 20, &h, msg, sizeof(msg));
	tap_ok(rc == 0 && h.type == HX_OFFLOAD_FRAME_HELLO && h.id == 0 &&
	    h.length == buf.len - HX_OFFLOAD_HEADER_SIZE, "hello header");
	rc = hx_codec_hello_read(buf.data + 24, h.length, &hgot, msg,
	    sizeof(msg));
	tap_ok(rc == 0 && hgot.max_frame == 8192 && hgot.token_len == 3 &&
	    strcmp(hgot.token, "abc") == 0, "hello round trip");

	request(&req, HX_OFFLOAD_OP_REQUANTIZE, 3, 1);
	req.params[0] = 0x40000000;
	req.params[1] = 31;
	req.params[2] = -7;
	strcpy(req.traceparent,
	    "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
	tensor(&req.tensors[0], HX_OFFLOAD_INT32, 2, 3, 5);
	p = encode(&buf, &req);
	hx_codec_header_read(buf.data, 1 << 20, &h, msg, sizeof(msg));
	rc = hx_codec_request_read(p, h.length, &got, msg, sizeof(msg));
	tap_ok(rc == 0 && h.id == 77 && got.op == req.op &&
	    got.nparams == 3 && got.params[2] == -7 && got.ntensors == 1 &&
	    strcmp(got.traceparent, req.traceparent) == 0 &&
	    got.tensors[0].rank == 2 && got.tensors[0].dims[1] == 5 &&
	    got.tensors[0].count == 15 && memcmp(got.tensors[0].data,
	    req.tensors[0].data, 60) == 0, "request round trip: %s", msg);
	hx_codec_request_clear(&got);

	buf.len = 0;
	hx_codec_reply_write(&buf, 9, &req.tensors[0]);
	hx_codec_header_read(buf.data, 1 << 20, &h, msg, sizeof(msg));
	rc = hx_codec_reply_read(buf.data + 24, h.length, &out, msg,
	    sizeof(msg));
	tap_ok(rc == 0 && h.type == HX_OFFLOAD_FRAME_REPLY && h.id == 9 &&
	    out.count == 15 && memcmp(out.data, req.tensors[0].data, 60) == 0,
	    "reply round trip");
	hx_codec_tensor_clear(&out);
	rc = hx_codec_reply_read(buf.data + 24, h.length - 1, &out, msg,
	    sizeof(msg));
	tap_ok(rc == HX_OFFLOAD_WIRE_MALFORMED, "a reply cut short");

	buf.len = 0;
	hx_codec_error_write(&buf, 5, HX_OFFLOAD_WIRE_SHAPE, "no");
	hx_codec_header_read(buf.data, 1 << 20, &h, msg, sizeof(msg));
	tap_ok(h.type == HX_OFFLOAD_FRAME_ERROR && h.length == 8 &&
	    buf.data[24] == HX_OFFLOAD_WIRE_SHAPE && buf.data[28] == 2,
	    "error frame");
	buf.len = 0;
	hx_codec_welcome_write(&buf, 4096, 0x7e, 0xe, "cpu");
	tap_ok(buf.len == 24 + 17 + 3 && buf.data[24 + 16] == 3 &&
	    memcmp(buf.data + 24 + 17, "cpu", 3) == 0, "welcome frame");
	hx_codec_request_clear(&req);
	hx_codec_buf_free(&buf);
}

/* The man page's example frame, byte for byte. */
static void
page_example(void)
{
	static const uint8_t frame[] = {
		0x48, 0x58, 0x4f, 0x46, 1, 0, 3, 0, 0, 0, 0, 0,
		1, 0, 0, 0, 0, 0, 0, 0, 0x21, 0, 0, 0,
		1, 0, 0, 2, 0,
		1, 2, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 1, 2,
		1, 2, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 3, 4,
	};
	struct hx_codec_buf buf = { 0 };
	struct hx_codec_request req;
	int8_t a[2] = { 1, 2 }, b[2] = { 3, 4 };

	request(&req, HX_OFFLOAD_OP_MATMUL_I8, 0, 2);
	tensor(&req.tensors[0], HX_OFFLOAD_INT8, 2, 1, 2);
	tensor(&req.tensors[1], HX_OFFLOAD_INT8, 2, 2, 1);
	memcpy(req.tensors[0].data, a, 2);
	memcpy(req.tensors[1].data, b, 2);
	hx_codec_request_write(&buf, 1, &req);
	tap_ok(buf.len == sizeof(frame) &&
	    memcmp(buf.data, frame, sizeof(frame)) == 0,
	    "the example of hx-offload(5) is what the codec writes");
	hx_codec_request_clear(&req);
	hx_codec_buf_free(&buf);
}

static void
header_limits(void)
{
	struct hx_codec_buf buf = { 0 };
	struct hx_codec_header h;
	struct hx_codec_hello hello = { 1, 1, 8192, 0, "" };

	hx_codec_hello_write(&buf, &hello);
	buf.data[0] ^= 1;
	tap_ok(hx_codec_header_read(buf.data, 1 << 20, &h, msg, sizeof(msg)) ==
	    HX_OFFLOAD_WIRE_MALFORMED, "bad magic");
	buf.data[0] ^= 1;
	buf.data[4] = 2;
	tap_ok(hx_codec_header_read(buf.data, 1 << 20, &h, msg, sizeof(msg)) ==
	    HX_OFFLOAD_WIRE_VERSION, "another version");
	buf.data[4] = 1;
	buf.data[9] = 1;
	tap_ok(hx_codec_header_read(buf.data, 1 << 20, &h, msg, sizeof(msg)) ==
	    HX_OFFLOAD_WIRE_MALFORMED, "reserved flags");
	buf.data[9] = 0;
	memset(buf.data + 20, 0xff, 4);
	tap_ok(hx_codec_header_read(buf.data, UINT32_MAX, &h, msg,
	    sizeof(msg)) == HX_OFFLOAD_WIRE_TOO_LARGE,
	    "a payload of 4 GiB is above any maximum frame");
	buf.data[20] = 0xe9;
	buf.data[21] = 0x0f;
	buf.data[22] = buf.data[23] = 0;
	tap_ok(hx_codec_header_read(buf.data, 4096, &h, msg, sizeof(msg)) ==
	    HX_OFFLOAD_WIRE_TOO_LARGE, "4073 + 24 bytes above 4096");
	buf.data[20] = 0xe8;
	tap_ok(hx_codec_header_read(buf.data, 4096, &h, msg, sizeof(msg)) == 0,
	    "4072 + 24 bytes is 4096: taken");

	tap_ok(hx_codec_hello_read(buf.data + 24, 9, &hello, msg,
	    sizeof(msg)) == HX_OFFLOAD_WIRE_MALFORMED, "hello cut short");
	buf.data[32] = 1;
	tap_ok(hx_codec_hello_read(buf.data + 24, 10, &hello, msg,
	    sizeof(msg)) == HX_OFFLOAD_WIRE_MALFORMED,
	    "hello whose token is missing");
	buf.data[32] = 0;
	buf.data[33] = 2;
	tap_ok(hx_codec_hello_read(buf.data + 24, 10, &hello, msg,
	    sizeof(msg)) == HX_OFFLOAD_WIRE_MALFORMED,
	    "token above 256 bytes");
	buf.data[33] = 0;
	buf.data[24] = 2;
	buf.data[26] = 3;
	tap_ok(hx_codec_hello_read(buf.data + 24, 10, &hello, msg,
	    sizeof(msg)) == HX_OFFLOAD_WIRE_VERSION, "hello of versions 2-3");
	buf.data[24] = buf.data[26] = 1;
	buf.data[29] = 0x0f;
	tap_ok(hx_codec_hello_read(buf.data + 24, 10, &hello, msg,
	    sizeof(msg)) == HX_OFFLOAD_WIRE_MALFORMED,
	    "hello of a maximum frame below 4096");
	hx_codec_buf_free(&buf);
}

static void
request_limits(void)
{
	struct hx_codec_buf buf = { 0 };
	struct hx_codec_request req, got;
	uint8_t *p;
	size_t len;

	request(&req, HX_OFFLOAD_OP_ADD, 0, 2);
	tensor(&req.tensors[0], HX_OFFLOAD_INT32, 1, 4, 0);
	tensor(&req.tensors[1], HX_OFFLOAD_INT32, 1, 4, 0);
	p = (uint8_t *)encode(&buf, &req);
	len = buf.len - HX_OFFLOAD_HEADER_SIZE;
	tap_ok(decode(p, len) == 0, "a good add request");
	tap_ok(decode(p, 4) == HX_OFFLOAD_WIRE_MALFORMED, "request cut short");
	tap_ok(decode(p, len - 1) == HX_OFFLOAD_WIRE_MALFORMED,
	    "request with its last byte missing");
	p[0] = 0;
	tap_ok(decode(p, len) == HX_OFFLOAD_WIRE_UNSUPPORTED, "operation 0");
	p[0] = 7;
	tap_ok(decode(p, len) == HX_OFFLOAD_WIRE_UNSUPPORTED, "operation 7");
	p[0] = HX_OFFLOAD_OP_ADD;
	p[2] = 4;
	tap_ok(decode(p, len) == HX_OFFLOAD_WIRE_SHAPE, "4 parameters");
	p[2] = 0;
	p[3] = 3;
	tap_ok(decode(p, len) == HX_OFFLOAD_WIRE_SHAPE, "3 tensors");
	p[3] = 2;
	p[4] = 54;
	tap_ok(decode(p, len) == HX_OFFLOAD_WIRE_MALFORMED,
	    "traceparent of 54 bytes");
	p[4] = 0;
	p[2] = 3;
	tap_ok(decode(p, 5 + 8) == HX_OFFLOAD_WIRE_MALFORMED,
	    "parameters cut short");
	p[2] = 0;
	p[5] = 9;
	tap_ok(decode(p, len) == HX_OFFLOAD_WIRE_DTYPE, "type code 9");
	p[5] = 0;
	tap_ok(decode(p, len) == HX_OFFLOAD_WIRE_DTYPE, "type code 0");
	p[5] = HX_OFFLOAD_INT32;
	p[6] = 0;
	tap_ok(decode(p, len) == HX_OFFLOAD_WIRE_SHAPE, "rank 0");
	p[6] = 5;
	tap_ok(decode(p, len) == HX_OFFLOAD_WIRE_SHAPE, "rank 5");
	p[6] = 1;
	p[7] = 1;
	tap_ok(decode(p, len) == HX_OFFLOAD_WIRE_MALFORMED,
	    "reserved tensor field");
	p[7] = 0;
	memset(p + 9, 0, 4);
	tap_ok(decode(p, len) == HX_OFFLOAD_WIRE_SHAPE, "dimension 0");
	memset(p + 9, 0xff, 4);
	tap_ok(decode(p, len) == HX_OFFLOAD_WIRE_MALFORMED,
	    "a dimension of 4 Gi elements with 16 bytes of data is refused "
	    "before any allocation");
	p[6] = 4;
	memset(p + 9, 0xff, 16);
	tap_ok(decode(p, len) == HX_OFFLOAD_WIRE_MALFORMED,
	    "four dimensions of 4 Gi elements: the product does not wrap");
	hx_codec_request_clear(&req);

	request(&req, HX_OFFLOAD_OP_RELU, 0, 1);
	tensor(&req.tensors[0], HX_OFFLOAD_INT8, 1, 3, 0);
	strcpy(req.traceparent,
	    "00-00000000000000000000000000000000-b7ad6b7169203331-01");
	p = (uint8_t *)encode(&buf, &req);
	len = buf.len - HX_OFFLOAD_HEADER_SIZE;
	tap_ok(hx_codec_request_read(p, len, &got, msg, sizeof(msg)) == 0 &&
	    got.traceparent[0] == '\0',
	    "a malformed traceparent (a zero trace id) is ignored, not refused");
	hx_codec_request_clear(&got);
	req.traceparent[0] = '\0';
	p = (uint8_t *)encode(&buf, &req);
	len = buf.len - HX_OFFLOAD_HEADER_SIZE;
	p[len] = 0;
	tap_ok(decode(p, len + 1) == HX_OFFLOAD_WIRE_MALFORMED,
	    "a byte after the last tensor");
	hx_codec_request_clear(&req);
	hx_codec_buf_free(&buf);
}

static void
faults(void)
{
	struct hx_fault f = { 0 };
	unsigned delay, i, errors = 0, same = 1;
	enum hx_fault_kind first[64];

	tap_ok(hx_fault_parse("error=0.5,delay=20,latency=1", &f, msg,
	    sizeof(msg)) == 0 && f.error == 0.5 && f.delay_ms == 20 &&
	    f.latency == 1 && hx_fault_any(&f), "fault spec");
	tap_ok(hx_fault_parse("error=2", &f, msg, sizeof(msg)) == -1 &&
	    hx_fault_parse("boom=0.1", &f, msg, sizeof(msg)) == -1 &&
	    hx_fault_parse("drop", &f, msg, sizeof(msg)) == -1 &&
	    hx_fault_parse("drop=x", &f, msg, sizeof(msg)) == -1 &&
	    hx_fault_parse("delay=-1", &f, msg, sizeof(msg)) == -1,
	    "bad fault specs");
	memset(&f, 0, sizeof(f));
	hx_fault_parse("error=0.5,latency=1,delay=20", &f, msg, sizeof(msg));
	f.seed = 7;
	for (i = 0; i < 64; i++) {
		first[i] = hx_fault_pick(&f, i + 1, &delay);
		errors += first[i] == HX_FAULT_ERROR;
	}
	for (i = 0; i < 64; i++)
		same &= hx_fault_pick(&f, i + 1, &delay) == first[i] &&
		    delay == 20;
	tap_ok(same && errors > 16 && errors < 48,
	    "faults are a function of seed and id (%u errors in 64)", errors);
	f.seed = 8;
	for (same = 1, i = 0; i < 64; i++)
		same &= hx_fault_pick(&f, i + 1, &delay) == first[i];
	tap_ok(!same, "another seed, other faults");
	memset(&f, 0, sizeof(f));
	tap_ok(!hx_fault_any(&f) && hx_fault_pick(&f, 1, &delay) ==
	    HX_FAULT_NONE && delay == 0, "no faults");
	f.drop = f.truncate = 1;
	tap_ok(hx_fault_pick(&f, 1, &delay) == HX_FAULT_DROP,
	    "drop before truncate");
}

int
main(void)
{
	round_trips();
	page_example();
	header_limits();
	request_limits();
	faults();
	return tap_done();
}
