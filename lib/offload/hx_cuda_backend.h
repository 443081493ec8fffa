/*
 * hx_cuda_backend: the cuda backend of hx-offload's table (hx_backend.h),
 * the requests of hx-offload(5) handed to hx_cuda.  Built with
 * configure --with-cuda only (HX_HAVE_CUDA), into the plugin
 * hx-offload-cuda.so: these three functions are what hx_backend.c looks
 * up in it.
 */
#ifndef HX_CUDA_BACKEND_H
#define HX_CUDA_BACKEND_H

#include "offload/hx_codec.h"

/* Select the GPU; non-zero with the reason in MSG when there is none. */
int hx_cuda_backend_open(void **state, char *msg, size_t msgsize);
void hx_cuda_backend_close(void *state);
/* Compute the checked request REQ into OUT on the GPU (an hx_backend op). */
int hx_cuda_backend_op(void *state, const struct hx_codec_request *req,
    struct hx_codec_tensor *out, char *msg, size_t msgsize);

#endif
