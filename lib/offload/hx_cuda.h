/*
 * hx_cuda: the CUDA backend of hx-offload, the operations of hx-offload(5)
 * on the first GPU: int8 and f32 matrix products through cuBLAS, and small
 * kernels for conv1d, add, relu and requantize.  Built only when configure
 * finds nvcc (HX_HAVE_CUDA); compiled by nvcc, callable from C.
 *
 * Tensors are row-major host arrays; each call copies its operands to the
 * device, runs, and copies the result back before it returns.  Calls from
 * several threads are serialised.  Each function returns 0, or -1 with a
 * message (no program name, no full stop) in ERR, at most LEN bytes.
 *
 * Results: int8 and int32 operations are bit-exact against the cpu
 * backend; matmul_f32 satisfies the bound of hx-offload(5) against a
 * double-precision reference, |C - C_ref| <= K * 2^-23 * sum_k |A*B|,
 * whatever order cuBLAS sums in (reduced-precision modes are refused).
 */
#ifndef HX_CUDA_H
#define HX_CUDA_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Select the first device and create the cuBLAS handle; -1 when there is
 * no usable device (no driver: "CUDA driver version is insufficient for
 * CUDA runtime version", error 35).  Idempotent.
 */
int hx_cuda_init(char *err, size_t len);
/* Release the handle and the device buffers. */
void hx_cuda_fini(void);
/* The device's name and compute capability ("NVIDIA H200, sm_90"). */
int hx_cuda_describe(char *out, size_t outlen, char *err, size_t len);

/* C[M,N] = A[M,K] * B[K,N], int8 in, exact int32 out (cublasGemmEx). */
int hx_cuda_matmul_i8(const int8_t *a, const int8_t *b, int32_t *c,
    size_t m, size_t k, size_t n, char *err, size_t len);
/* C[M,N] = A[M,K] * B[K,N] in f32, accumulated in f32. */
int hx_cuda_matmul_f32(const float *a, const float *b, float *c,
    size_t m, size_t k, size_t n, char *err, size_t len);
/* Y[o] = bias + sum_k W[k] * X[o + k], o < L - K + 1 (needs K <= L). */
int hx_cuda_conv1d_i8(const int8_t *x, size_t l, const int8_t *w, size_t k,
    int32_t bias, int32_t *y, char *err, size_t len);
/* C = A + B over N elements, wrapping in two's complement. */
int hx_cuda_add_i32(const int32_t *a, const int32_t *b, int32_t *c,
    size_t n, char *err, size_t len);
/* C = A + B over N elements in f32. */
int hx_cuda_add_f32(const float *a, const float *b, float *c, size_t n,
    char *err, size_t len);
/* Y = X > 0 ? X : 0 over N elements (NaN and -0 become +0). */
int hx_cuda_relu_i8(const int8_t *x, int8_t *y, size_t n, char *err,
    size_t len);
int hx_cuda_relu_i32(const int32_t *x, int32_t *y, size_t n, char *err,
    size_t len);
int hx_cuda_relu_f32(const float *x, float *y, size_t n, char *err,
    size_t len);
/*
 * Y = saturate(rounding_shift((int64)X * MULTIPLIER, 31 + SHIFT) +
 * ZERO_POINT) over N elements, as tinyinfer's ti_requantize: round half
 * away from zero, the zero point added in 64 bits, saturate to
 * [-128, 127].
 */
int hx_cuda_requantize(const int32_t *x, int8_t *y, size_t n,
    int32_t multiplier, int shift, int32_t zero_point, char *err,
    size_t len);

#ifdef __cplusplus
}
#endif

#endif
