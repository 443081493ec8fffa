/*
 * hx_codec: reading and writing the frames of hx-offload(5).  A reader
 * walks its input with a cursor that refuses to step past the end, so no
 * size read from the input is used before it is checked against the
 * bytes that are there.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hx_err.h"
#include "offload/hx_codec.h"
#include "rec/hx_span.h"

/* A position in an input of known length. */
struct cursor {
	const uint8_t *p;
	size_t left;
};

int
hx_codec_refuse(char *msg, size_t msgsize, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, msgsize, fmt, ap);
	va_end(ap);
	return code;
}

static bool
take(struct cursor *c, size_t n, const uint8_t **out)
{
	*out = c->p;
	if (n > c->left)
		return false;
	c->p += n;
	c->left -= n;
	return true;
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t
get32(const uint8_t *p)
{
	return get16(p) | (uint32_t)get16(p + 2) << 16;
}

static bool
u8(struct cursor *c, unsigned *v)
{
	const uint8_t *p;

	if (!take(c, 1, &p))
		return false;
	*v = p[0];
	return true;
}

static bool
u16(struct cursor *c, uint16_t *v)
{
	const uint8_t *p;

	if (!take(c, 2, &p))
		return false;
	*v = get16(p);
	return true;
}

static bool
u32(struct cursor *c, uint32_t *v)
{
	const uint8_t *p;

	if (!take(c, 4, &p))
		return false;
	*v = get32(p);
	return true;
}

int
hx_codec_header_read(const uint8_t *p, uint32_t max_frame,
    struct hx_codec_header *h, char *msg, size_t msgsize)
{
	h->type = get16(p + 6);
	h->id = get32(p + 12) | (uint64_t)get32(p + 16) << 32;
	h->length = get32(p + 20);
	if (get32(p) != HX_OFFLOAD_MAGIC)
		return hx_codec_refuse(msg, msgsize,
		    HX_OFFLOAD_WIRE_MALFORMED,
		    "not an hx-offload frame (bad magic)");
	if (get16(p + 4) != HX_OFFLOAD_VERSION)
		return hx_codec_refuse(msg, msgsize, HX_OFFLOAD_WIRE_VERSION,
		    "frame version %u, this is version %d", get16(p + 4),
		    HX_OFFLOAD_VERSION);
	if (get32(p + 8) != 0)
		return hx_codec_refuse(msg, msgsize, HX_OFFLOAD_WIRE_MALFORMED,
		    "reserved flags 0x%x set", get32(p + 8));
	if ((uint64_t)h->length + HX_OFFLOAD_HEADER_SIZE > max_frame)
		return hx_codec_refuse(msg, msgsize, HX_OFFLOAD_WIRE_TOO_LARGE,
		    "frame of %llu bytes above the maximum of %u",
		    (unsigned long long)h->length + HX_OFFLOAD_HEADER_SIZE,
		    max_frame);
	return 0;
}

int
hx_codec_hello_read(const uint8_t *p, size_t len,
    struct hx_codec_hello *hello, char *msg, size_t msgsize)
{
	struct cursor c = { p, len };
	const uint8_t *token;
	uint16_t tlen;

	if (!u16(&c, &hello->min_version) || !u16(&c, &hello->max_version) ||
	    !u32(&c, &hello->max_frame) || !u16(&c, &tlen))
		return hx_codec_refuse(msg, msgsize, HX_OFFLOAD_WIRE_MALFORMED,
		    "hello of %zu bytes, too short", len);
	if (tlen > HX_OFFLOAD_TOKEN_MAX)
		return hx_codec_refuse(msg, msgsize, HX_OFFLOAD_WIRE_MALFORMED,
		    "token of %u bytes, above %d", tlen, HX_OFFLOAD_TOKEN_MAX);
	if (!take(&c, tlen, &token) || c.left != 0)
		return hx_codec_refuse(msg, msgsize, HX_OFFLOAD_WIRE_MALFORMED,
		    "hello of %zu bytes for a token of %u", len, tlen);
	memcpy(hello->token, token, tlen);
	hello->token[tlen] = '\0';
	hello->token_len = tlen;
	if (hello->max_frame < HX_OFFLOAD_MIN_FRAME)
		return hx_codec_refuse(msg, msgsize, HX_OFFLOAD_WIRE_MALFORMED,
		    "maximum frame %u below %u", hello->max_frame,
		    HX_OFFLOAD_MIN_FRAME);
	if (hello->min_version > HX_OFFLOAD_VERSION ||
	    hello->max_version < HX_OFFLOAD_VERSION)
		return hx_codec_refuse(msg, msgsize, HX_OFFLOAD_WIRE_VERSION,
		    "versions %u to %u asked, this is version %d",
		    hello->min_version, hello->max_version, HX_OFFLOAD_VERSION);
	return 0;
}

size_t
hx_codec_dtype_size(int dtype)
{
	switch (dtype) {
	case HX_OFFLOAD_INT8:
		return 1;
	case HX_OFFLOAD_INT32:
	case HX_OFFLOAD_F32:
		return 4;
	default:
		return 0;
	}
}

int
hx_codec_tensor_alloc(struct hx_codec_tensor *t, int dtype, unsigned rank,
    const uint32_t *dims, size_t max_bytes)
{
	size_t size = hx_codec_dtype_size(dtype), count = 1;
	unsigned i;

	t->data = NULL;
	t->dtype = dtype;
	t->rank = rank;
	for (i = 0; i < rank; i++) {
		t->dims[i] = dims[i];
		if (dims[i] == 0 || count > max_bytes / size / dims[i])
			return HX_OFFLOAD_WIRE_TOO_LARGE;
		count *= dims[i];
	}
	t->count = count;
	t->data = hx_xmalloc(count * size);
	return 0;
}

void
hx_codec_tensor_clear(struct hx_codec_tensor *t)
{
	free(t->data);
	t->data = NULL;
	t->count = 0;
}

void
hx_codec_request_clear(struct hx_codec_request *req)
{
	unsigned i;

	for (i = 0; i < HX_CODEC_TENSORS_MAX; i++)
		hx_codec_tensor_clear(&req->tensors[i]);
	req->ntensors = 0;
}

/*
 * Read one tensor at C: its header, then elements only when the input
 * holds every byte the header announces, so that the allocation is never
 * larger than the input.
 */
static int
tensor_read(struct cursor *c, struct hx_codec_tensor *t, char *msg,
    size_t msgsize)
{
	uint32_t dims[HX_OFFLOAD_RANK_MAX];
	unsigned dtype, rank, i;
	const uint8_t *p;
	uint16_t zero;
	size_t size, n;
	uint32_t v;

	if (!u8(c, &dtype) || !u8(c, &rank) || !u16(c, &zero))
		return hx_codec_refuse(msg, msgsize, HX_OFFLOAD_WIRE_MALFORMED,
		    "tensor header cut short");
	if ((size = hx_codec_dtype_size((int)dtype)) == 0)
		return hx_codec_refuse(msg, msgsize, HX_OFFLOAD_WIRE_DTYPE,
		    "unknown type code %u", dtype);
	if (rank < 1 || rank > HX_OFFLOAD_RANK_MAX)
		return hx_codec_refuse(msg, msgsize, HX_OFFLOAD_WIRE_SHAPE,
		    "rank %u, not 1 to %d", rank, HX_OFFLOAD_RANK_MAX);
	if (zero != 0)
		return hx_codec_refuse(msg, msgsize, HX_OFFLOAD_WIRE_MALFORMED,
		    "reserved tensor field set");
	for (i = 0; i < rank; i++) {
		if (!u32(c, &dims[i]))
			return hx_codec_refuse(msg, msgsize, HX_OFFLOAD_WIRE_MALFORMED,
			    "tensor dimensions cut short");
		if (dims[i] == 0)
			return hx_codec_refuse(msg, msgsize, HX_OFFLOAD_WIRE_SHAPE,
			    "dimension %u is 0", i);
	}
	if (hx_codec_tensor_alloc(t, (int)dtype, rank, dims, c->left) != 0)
		return hx_codec_refuse(msg, msgsize, HX_OFFLOAD_WIRE_MALFORMED,
		    "tensor data cut short: %zu bytes left", c->left);
	take(c, t->count * size, &p);
	if (size == 1) {
		memcpy(t->data, p, t->count);
		return 0;
	}
	for (n = 0; n < t->count; n++) {
		v = get32(p + 4 * n);
		memcpy((uint8_t *)t->data + 4 * n, &v, 4);
	}
	return 0;
}

int
hx_codec_request_read(const uint8_t *p, size_t len,
    struct hx_codec_request *req, char *msg, size_t msgsize)
{
	struct cursor c = { p, len };
	const uint8_t *tp, *q;
	char trace_id[33], parent_id[17];
	unsigned tplen, i;
	int rc;

	memset(req, 0, sizeof(*req));
	if (!u16(&c, &req->op) || !u8(&c, &req->nparams) ||
	    !u8(&c, &req->ntensors) || !u8(&c, &tplen))
		return hx_codec_refuse(msg, msgsize, HX_OFFLOAD_WIRE_MALFORMED,
		    "request of %zu bytes, too short", len);
	if (req->op < 1 || req->op > HX_OFFLOAD_OP_LAST)
		return hx_codec_refuse(msg, msgsize, HX_OFFLOAD_WIRE_UNSUPPORTED,
		    "unknown operation %u", req->op);
	if (req->nparams > HX_CODEC_PARAMS_MAX ||
	    req->ntensors > HX_CODEC_TENSORS_MAX) {
		rc = hx_codec_refuse(msg, msgsize, HX_OFFLOAD_WIRE_SHAPE,
		    "%u parameters and %u tensors, too many", req->nparams,
		    req->ntensors);
		req->ntensors = 0;
		return rc;
	}
	if ((tplen != 0 && tplen != HX_OFFLOAD_TRACEPARENT_LEN) ||
	    !take(&c, tplen, &tp))
		return hx_codec_refuse(msg, msgsize, HX_OFFLOAD_WIRE_MALFORMED,
		    "traceparent of %u bytes", tplen);
	memcpy(req->traceparent, tp, tplen);
	req->traceparent[tplen] = '\0';
	if (tplen != 0 && hx_span_traceparent_parse(req->traceparent, trace_id,
	    parent_id) != 0)
		req->traceparent[0] = '\0';	/* ignored, not refused */
	for (i = 0; i < req->nparams; i++) {
		if (!take(&c, 4, &q))
			return hx_codec_refuse(msg, msgsize, HX_OFFLOAD_WIRE_MALFORMED,
			    "parameters cut short");
		req->params[i] = (int32_t)get32(q);
	}
	for (i = 0; i < req->ntensors; i++)
		if ((rc = tensor_read(&c, &req->tensors[i], msg, msgsize)) != 0)
			return rc;
	if (c.left != 0)
		return hx_codec_refuse(msg, msgsize, HX_OFFLOAD_WIRE_MALFORMED,
		    "%zu bytes after the last tensor", c.left);
	return 0;
}

int
hx_codec_reply_read(const uint8_t *p, size_t len,
    struct hx_codec_tensor *out, char *msg, size_t msgsize)
{
	struct cursor c = { p, len };
	unsigned count;
	int rc;

	out->data = NULL;
	if (!u8(&c, &count) || count != 1)
		return hx_codec_refuse(msg, msgsize, HX_OFFLOAD_WIRE_MALFORMED,
		    "a reply holds one tensor");
	if ((rc = tensor_read(&c, out, msg, msgsize)) != 0)
		return rc;
	if (c.left != 0) {
		hx_codec_tensor_clear(out);
		return hx_codec_refuse(msg, msgsize, HX_OFFLOAD_WIRE_MALFORMED,
		    "%zu bytes after the tensor", c.left);
	}
	return 0;
}

/* Room for N more bytes at the end of BUF; returns where they go. */
static uint8_t *
grow(struct hx_codec_buf *buf, size_t n)
{
	uint8_t *p;

	if (buf->len + n > buf->cap) {
		buf->cap = buf->len + n > 2 * buf->cap ? buf->len + n :
		    2 * buf->cap;
		buf->data = hx_xrealloc(buf->data, buf->cap);
	}
	p = buf->data + buf->len;
	buf->len += n;
	return p;
}

static void
put8(struct hx_codec_buf *buf, unsigned v)
{
	*grow(buf, 1) = (uint8_t)v;
}

static void
put16(struct hx_codec_buf *buf, unsigned v)
{
	uint8_t *p = grow(buf, 2);

	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void
put32(struct hx_codec_buf *buf, uint32_t v)
{
	put16(buf, v & 0xffff);
	put16(buf, v >> 16);
}

static void
put_bytes(struct hx_codec_buf *buf, const void *p, size_t n)
{
	if (n > 0)
		memcpy(grow(buf, n), p, n);
}

/* Begin a frame of TYPE; frame_end fills in the length. */
static size_t
frame_begin(struct hx_codec_buf *buf, int type, uint64_t id)
{
	size_t start = buf->len;

	put32(buf, HX_OFFLOAD_MAGIC);
	put16(buf, HX_OFFLOAD_VERSION);
	put16(buf, (unsigned)type);
	put32(buf, 0);
	put32(buf, (uint32_t)id);
	put32(buf, (uint32_t)(id >> 32));
	put32(buf, 0);
	return start;
}

static void
frame_end(struct hx_codec_buf *buf, size_t start)
{
	uint32_t len = (uint32_t)(buf->len - start - HX_OFFLOAD_HEADER_SIZE);
	uint8_t *p = buf->data + start + 20;

	p[0] = (uint8_t)len;
	p[1] = (uint8_t)(len >> 8);
	p[2] = (uint8_t)(len >> 16);
	p[3] = (uint8_t)(len >> 24);
}

void
hx_codec_hello_write(struct hx_codec_buf *buf,
    const struct hx_codec_hello *hello)
{
	size_t start = frame_begin(buf, HX_OFFLOAD_FRAME_HELLO, 0);

	put16(buf, hello->min_version);
	put16(buf, hello->max_version);
	put32(buf, hello->max_frame);
	put16(buf, (unsigned)hello->token_len);
	put_bytes(buf, hello->token, hello->token_len);
	frame_end(buf, start);
}

void
hx_codec_welcome_write(struct hx_codec_buf *buf, uint32_t max_frame,
    uint32_t ops, uint32_t dtypes, const char *backend)
{
	size_t start = frame_begin(buf, HX_OFFLOAD_FRAME_WELCOME, 0);

	put16(buf, HX_OFFLOAD_VERSION);
	put16(buf, 0);
	put32(buf, max_frame);
	put32(buf, ops);
	put32(buf, dtypes);
	put8(buf, (unsigned)strlen(backend));
	put_bytes(buf, backend, strlen(backend));
	frame_end(buf, start);
}

static void
tensor_write(struct hx_codec_buf *buf, const struct hx_codec_tensor *t)
{
	uint32_t v;
	size_t i;

	put8(buf, (unsigned)t->dtype);
	put8(buf, t->rank);
	put16(buf, 0);
	for (i = 0; i < t->rank; i++)
		put32(buf, t->dims[i]);
	if (t->dtype == HX_OFFLOAD_INT8) {
		put_bytes(buf, t->data, t->count);
		return;
	}
	for (i = 0; i < t->count; i++) {
		memcpy(&v, (const uint8_t *)t->data + 4 * i, 4);
		put32(buf, v);
	}
}

void
hx_codec_request_write(struct hx_codec_buf *buf, uint64_t id,
    const struct hx_codec_request *req)
{
	size_t start = frame_begin(buf, HX_OFFLOAD_FRAME_REQUEST, id);
	size_t tplen = strlen(req->traceparent);
	unsigned i;

	put16(buf, req->op);
	put8(buf, req->nparams);
	put8(buf, req->ntensors);
	put8(buf, (unsigned)tplen);
	put_bytes(buf, req->traceparent, tplen);
	for (i = 0; i < req->nparams; i++)
		put32(buf, (uint32_t)req->params[i]);
	for (i = 0; i < req->ntensors; i++)
		tensor_write(buf, &req->tensors[i]);
	frame_end(buf, start);
}

void
hx_codec_reply_write(struct hx_codec_buf *buf, uint64_t id,
    const struct hx_codec_tensor *t)
{
	size_t start = frame_begin(buf, HX_OFFLOAD_FRAME_REPLY, id);

	put8(buf, 1);
	tensor_write(buf, t);
	frame_end(buf, start);
}

void
hx_codec_error_write(struct hx_codec_buf *buf, uint64_t id, int code,
    const char *message)
{
	size_t start = frame_begin(buf, HX_OFFLOAD_FRAME_ERROR, id);
	size_t len = strlen(message);

	if (len > HX_OFFLOAD_MESSAGE_MAX)
		len = HX_OFFLOAD_MESSAGE_MAX;
	put32(buf, (uint32_t)code);
	put16(buf, (unsigned)len);
	put_bytes(buf, message, len);
	frame_end(buf, start);
}

void
hx_codec_buf_free(struct hx_codec_buf *buf)
{
	free(buf->data);
	buf->data = NULL;
	buf->len = buf->cap = 0;
}
