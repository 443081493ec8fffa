/*
 * hx_backend: the backends of the offload service, in one table, and the
 * checks every request passes before a backend sees it.
 *
 * A backend is a name and an operation function, with optional open and
 * close functions for state it keeps (a device context); the table is in
 * hx_backend.c, where a backend built only on some machines is added
 * under its #ifdef (the CUDA backend: HX_HAVE_CUDA, a plugin loaded when
 * a service asks for it).  A backend's op gets
 * a request whose types, shapes and parameters hx_backend_check has
 * accepted and an output tensor already allocated with the result's type
 * and shape; it fills the output and returns 0, or an error code of
 * hx-offload(5) (HX_OFFLOAD_WIRE_BACKEND) with a message.  It is called
 * from several threads at once.
 */
#ifndef HX_BACKEND_H
#define HX_BACKEND_H

#include "offload/hx_codec.h"

struct hx_backend {
	const char *name;
	int (*open)(void **state, char *msg, size_t msgsize);
	void (*close)(void *state);
	int (*op)(void *state, const struct hx_codec_request *req,
	    struct hx_codec_tensor *out, char *msg, size_t msgsize);
};

/* The most multiply-adds one matmul may ask for (hx-offload(5)). */
#define HX_BACKEND_WORK_MAX	((uint64_t)1 << 33)

/* The backend called NAME, or NULL when this build has none of it. */
const struct hx_backend *hx_backend_find(const char *name);

/*
 * Where the cuda backend's plugin may be, in the order it is looked for:
 * $HX_CUDA_PLUGIN alone when set, else as hx_spawn_pkglib_paths finds
 * hx-offload-cuda.so.  A new NULL-terminated array (hx_strv_free); only
 * in a build with the cuda backend (HX_HAVE_CUDA).
 */
char **hx_backend_cuda_paths(void);

/* The name of operation OP, as hx-offload(5) gives it, or "unknown". */
const char *hx_backend_op_name(int op);

/* The bit sets of the operations and types every backend serves. */
uint32_t hx_backend_ops(void);
uint32_t hx_backend_dtypes(void);

/*
 * Check REQ against its operation's types, shapes, parameters and limits,
 * and allocate OUT for its result when that takes at most MAX_BYTES;
 * returns 0, or an error code with a message.
 */
int hx_backend_check(const struct hx_codec_request *req, size_t max_bytes,
    struct hx_codec_tensor *out, char *msg, size_t msgsize);

#endif
