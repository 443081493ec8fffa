/*
 * hx_codec: the frames of the tensor-offload protocol (hx-offload(5)),
 * read and written with every size checked against the bytes there and
 * the protocol's limits before anything is allocated.  The numbers of the
 * protocol are those of the installed client header, hx/offload.h, so
 * that both sides share one definition.
 */
#ifndef HX_CODEC_H
#define HX_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hx_err.h"
#include "../../include/hx/offload.h"

#define HX_CODEC_PARAMS_MAX	3
#define HX_CODEC_TENSORS_MAX	2

struct hx_codec_header {
	uint16_t type;
	uint64_t id;
	uint32_t length;	/* of the payload */
};

struct hx_codec_hello {
	uint16_t min_version, max_version;
	uint32_t max_frame;
	size_t token_len;
	char token[HX_OFFLOAD_TOKEN_MAX + 1];
};

/* A tensor, its elements in host order: int8_t, int32_t or float. */
struct hx_codec_tensor {
	int dtype;
	unsigned rank;
	uint32_t dims[HX_OFFLOAD_RANK_MAX];
	size_t count;
	void *data;
};

struct hx_codec_request {
	uint16_t op;
	unsigned nparams, ntensors;
	int32_t params[HX_CODEC_PARAMS_MAX];
	struct hx_codec_tensor tensors[HX_CODEC_TENSORS_MAX];
	/* A well-formed W3C traceparent, or "" (none, or a malformed one). */
	char traceparent[HX_OFFLOAD_TRACEPARENT_LEN + 1];
};

/* A growing buffer that frames are written to. */
struct hx_codec_buf {
	uint8_t *data;
	size_t len, cap;
};

/*
 * Each reader returns 0, or the code of the error frame that answers the
 * input (enum hx_offload_wire_error) with a message in MSG.
 */
int hx_codec_header_read(const uint8_t *p, uint32_t max_frame,
    struct hx_codec_header *h, char *msg, size_t msgsize);
int hx_codec_hello_read(const uint8_t *p, size_t len,
    struct hx_codec_hello *hello, char *msg, size_t msgsize);
int hx_codec_request_read(const uint8_t *p, size_t len,
    struct hx_codec_request *req, char *msg, size_t msgsize);
int hx_codec_reply_read(const uint8_t *p, size_t len,
    struct hx_codec_tensor *out, char *msg, size_t msgsize);

/*
 * Write the message of FMT to MSG and return CODE: how a reader, or a
 * check of lib/offload, refuses its input.
 */
int hx_codec_refuse(char *msg, size_t msgsize, int code, const char *fmt,
    ...) HX_PRINTF(4, 5);

/* The size of an element of DTYPE, 0 for an unknown type. */
size_t hx_codec_dtype_size(int dtype);
/*
 * Give T the type and shape asked, and room for its elements, when they
 * take at most MAX_BYTES; otherwise HX_OFFLOAD_WIRE_TOO_LARGE.
 */
int hx_codec_tensor_alloc(struct hx_codec_tensor *t, int dtype,
    unsigned rank, const uint32_t *dims, size_t max_bytes);
void hx_codec_tensor_clear(struct hx_codec_tensor *t);
void hx_codec_request_clear(struct hx_codec_request *req);

/* Each writer appends one whole frame to BUF. */
void hx_codec_hello_write(struct hx_codec_buf *buf,
    const struct hx_codec_hello *hello);
void hx_codec_welcome_write(struct hx_codec_buf *buf, uint32_t max_frame,
    uint32_t ops, uint32_t dtypes, const char *backend);
void hx_codec_request_write(struct hx_codec_buf *buf, uint64_t id,
    const struct hx_codec_request *req);
void hx_codec_reply_write(struct hx_codec_buf *buf, uint64_t id,
    const struct hx_codec_tensor *t);
void hx_codec_error_write(struct hx_codec_buf *buf, uint64_t id, int code,
    const char *message);
void hx_codec_buf_free(struct hx_codec_buf *buf);

#endif
