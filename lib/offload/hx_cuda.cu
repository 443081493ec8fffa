/*
 * hx_cuda: the CUDA backend of hx-offload (see hx_cuda.h).  cuBLAS does
 * the matrix products; the elementwise operations and conv1d are small
 * grid-stride kernels that follow hx-offload(5) and tinyinfer to the bit.
 */
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include "offload/hx_cuda.h"

/* Threads per block, and the most blocks a grid-stride launch uses. */
#define HX_CUDA_THREADS 256
#define HX_CUDA_MAX_BLOCKS 4096

/* The operands of one call: A, B and the result. */
#define HX_CUDA_NBUF 3

/*
 * The state every call shares: the cuBLAS handle and device buffers that
 * grow to the largest operands seen, all under one lock.
 */
static pthread_mutex_t hx_cuda_lock = PTHREAD_MUTEX_INITIALIZER;
static cublasHandle_t hx_cuda_blas;
static int hx_cuda_ready;
static void *hx_cuda_buf[HX_CUDA_NBUF];
static size_t hx_cuda_cap[HX_CUDA_NBUF];

/* Write the message of a failure into ERR; returns -1. */
static int
cuda_fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && len > 0) {
		va_start(ap, fmt);
		vsnprintf(err, len, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* -1 with "WHAT: the runtime's message (error N)" unless E is success. */
static int
cuda_check(cudaError_t e, const char *what, char *err, size_t len)
{
	if (e == cudaSuccess)
		return 0;
	return cuda_fail(err, len, "%s: %s (error %d)", what,
	    cudaGetErrorString(e), (int)e);
}

/* -1 with "WHAT: cuBLAS's message (status N)" unless S is success. */
static int
blas_check(cublasStatus_t s, const char *what, char *err, size_t len)
{
	if (s == CUBLAS_STATUS_SUCCESS)
		return 0;
	return cuda_fail(err, len, "%s: %s (status %d)", what,
	    cublasGetStatusString(s), (int)s);
}

/* Initialise under the lock (hx_cuda_init's body). */
static int
cuda_init_locked(char *err, size_t len)
{
	int count;

	if (hx_cuda_ready)
		return 0;
	if (cuda_check(cudaGetDeviceCount(&count), "no CUDA device", err,
	    len) == -1)
		return -1;
	if (count == 0)
		return cuda_fail(err, len, "no CUDA device");
	if (cuda_check(cudaSetDevice(0), "cannot select CUDA device 0", err,
	    len) == -1)
		return -1;
	if (blas_check(cublasCreate(&hx_cuda_blas), "cannot start cuBLAS",
	    err, len) == -1)
		return -1;
	hx_cuda_ready = 1;
	return 0;
}

int
hx_cuda_init(char *err, size_t len)
{
	int rc;

	pthread_mutex_lock(&hx_cuda_lock);
	rc = cuda_init_locked(err, len);
	pthread_mutex_unlock(&hx_cuda_lock);
	return rc;
}

void
hx_cuda_fini(void)
{
	int i;

	pthread_mutex_lock(&hx_cuda_lock);
	for (i = 0; i < HX_CUDA_NBUF; i++) {
		cudaFree(hx_cuda_buf[i]);
		hx_cuda_buf[i] = NULL;
		hx_cuda_cap[i] = 0;
	}
	if (hx_cuda_ready)
		cublasDestroy(hx_cuda_blas);
	hx_cuda_ready = 0;
	pthread_mutex_unlock(&hx_cuda_lock);
}

int
hx_cuda_describe(char *out, size_t outlen, char *err, size_t len)
{
	struct cudaDeviceProp prop;

	if (hx_cuda_init(err, len) == -1)
		return -1;
	if (cuda_check(cudaGetDeviceProperties(&prop, 0),
	    "cannot read the properties of CUDA device 0", err, len) == -1)
		return -1;
	snprintf(out, outlen, "%s, sm_%d%d", prop.name, prop.major,
	    prop.minor);
	return 0;
}

/*
 * Device buffer I of at least SIZE bytes, grown when needed; NULL with
 * ERR set when the device has no room.  Called under the lock.
 */
static void *
cuda_buffer(int i, size_t size, char *err, size_t len)
{
	if (hx_cuda_cap[i] >= size)
		return hx_cuda_buf[i];
	cudaFree(hx_cuda_buf[i]);
	hx_cuda_buf[i] = NULL;
	hx_cuda_cap[i] = 0;
	if (cuda_check(cudaMalloc(&hx_cuda_buf[i], size),
	    "cannot allocate device memory", err, len) == -1) {
		hx_cuda_buf[i] = NULL;
		return NULL;
	}
	hx_cuda_cap[i] = size;
	return hx_cuda_buf[i];
}

/* Take the lock with the device ready; -1 (lock released) otherwise. */
static int
cuda_enter(char *err, size_t len)
{
	pthread_mutex_lock(&hx_cuda_lock);
	if (cuda_init_locked(err, len) == -1) {
		pthread_mutex_unlock(&hx_cuda_lock);
		return -1;
	}
	return 0;
}

/* Release the lock, passing RC through. */
static int
cuda_leave(int rc)
{
	pthread_mutex_unlock(&hx_cuda_lock);
	return rc;
}

/* N rounded up to a multiple of 4. */
static size_t
round4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

/* Blocks for a grid-stride launch over N elements. */
static unsigned int
cuda_blocks(size_t n)
{
	size_t b = (n + HX_CUDA_THREADS - 1) / HX_CUDA_THREADS;

	return b > HX_CUDA_MAX_BLOCKS ? HX_CUDA_MAX_BLOCKS : (unsigned int)b;
}

/* Whether the dimensions fit cuBLAS's int arguments once padded. */
static int
dims_fit(size_t m, size_t k, size_t n)
{
	return m > 0 && k > 0 && n > 0 && round4(m) <= INT_MAX &&
	    round4(k) <= INT_MAX && round4(n) <= INT_MAX &&
	    round4(m) <= SIZE_MAX / 4 / round4(k) &&
	    round4(k) <= SIZE_MAX / 4 / round4(n) &&
	    round4(m) <= SIZE_MAX / 4 / round4(n);
}

/*
 * cuBLAS is column-major: a row-major [M,N] product is the column-major
 * [N,M] product B^T A^T, so the operands are passed swapped.  The int8
 * kernels want leading dimensions and sizes that are multiples of 4: the
 * operands go into zero-padded [Mp,Kp] and [Kp,Np] buffers, which leaves
 * every sum unchanged, and the [M,N] corner of the result comes back.
 */
int
hx_cuda_matmul_i8(const int8_t *a, const int8_t *b, int32_t *c, size_t m,
    size_t k, size_t n, char *err, size_t len)
{
	size_t mp = round4(m), kp = round4(k), np = round4(n);
	const int32_t one = 1, zero = 0;
	void *da, *db, *dc;
	int rc = -1;

	if (!dims_fit(m, k, n))
		return cuda_fail(err, len, "matmul_i8: shape too large");
	if (cuda_enter(err, len) == -1)
		return -1;
	if ((da = cuda_buffer(0, mp * kp, err, len)) == NULL ||
	    (db = cuda_buffer(1, kp * np, err, len)) == NULL ||
	    (dc = cuda_buffer(2, mp * np * sizeof(int32_t), err, len)) ==
	    NULL)
		return cuda_leave(-1);
	if ((mp != m || kp != k) && cuda_check(cudaMemset(da, 0, mp * kp),
	    "matmul_i8: cudaMemset", err, len) == -1)
		return cuda_leave(-1);
	if ((kp != k || np != n) && cuda_check(cudaMemset(db, 0, kp * np),
	    "matmul_i8: cudaMemset", err, len) == -1)
		return cuda_leave(-1);
	if (cuda_check(cudaMemcpy2D(da, kp, a, k, k, m,
	    cudaMemcpyHostToDevice), "matmul_i8: copy of A", err, len) == -1 ||
	    cuda_check(cudaMemcpy2D(db, np, b, n, n, k,
	    cudaMemcpyHostToDevice), "matmul_i8: copy of B", err, len) == -1)
		return cuda_leave(-1);
	if (blas_check(cublasGemmEx(hx_cuda_blas, CUBLAS_OP_N, CUBLAS_OP_N,
	    (int)np, (int)mp, (int)kp, &one, db, CUDA_R_8I, (int)np, da,
	    CUDA_R_8I, (int)kp, &zero, dc, CUDA_R_32I, (int)np,
	    CUBLAS_COMPUTE_32I, CUBLAS_GEMM_DEFAULT), "matmul_i8: cublasGemmEx",
	    err, len) == -1)
		return cuda_leave(-1);
	if (cuda_check(cudaMemcpy2D(c, n * sizeof(int32_t), dc,
	    np * sizeof(int32_t), n * sizeof(int32_t), m,
	    cudaMemcpyDeviceToHost), "matmul_i8: copy of C", err, len) == 0)
		rc = 0;
	return cuda_leave(rc);
}

/*
 * The f32 product asks for CUBLAS_COMPUTE_32F_PEDANTIC: f32 arithmetic
 * throughout, never TF32 or another reduced-precision mode, so the error
 * bound of any f32 summation order holds.
 */
int
hx_cuda_matmul_f32(const float *a, const float *b, float *c, size_t m,
    size_t k, size_t n, char *err, size_t len)
{
	const float one = 1.0f, zero = 0.0f;
	void *da, *db, *dc;
	int rc = -1;

	if (!dims_fit(m, k, n))
		return cuda_fail(err, len, "matmul_f32: shape too large");
	if (cuda_enter(err, len) == -1)
		return -1;
	if ((da = cuda_buffer(0, m * k * sizeof(float), err, len)) == NULL ||
	    (db = cuda_buffer(1, k * n * sizeof(float), err, len)) == NULL ||
	    (dc = cuda_buffer(2, m * n * sizeof(float), err, len)) == NULL)
		return cuda_leave(-1);
	if (cuda_check(cudaMemcpy(da, a, m * k * sizeof(float),
	    cudaMemcpyHostToDevice), "matmul_f32: copy of A", err, len) == -1 ||
	    cuda_check(cudaMemcpy(db, b, k * n * sizeof(float),
	    cudaMemcpyHostToDevice), "matmul_f32: copy of B", err, len) == -1)
		return cuda_leave(-1);
	if (blas_check(cublasGemmEx(hx_cuda_blas, CUBLAS_OP_N, CUBLAS_OP_N,
	    (int)n, (int)m, (int)k, &one, db, CUDA_R_32F, (int)n, da,
	    CUDA_R_32F, (int)k, &zero, dc, CUDA_R_32F, (int)n,
	    CUBLAS_COMPUTE_32F_PEDANTIC, CUBLAS_GEMM_DEFAULT),
	    "matmul_f32: cublasGemmEx", err, len) == -1)
		return cuda_leave(-1);
	if (cuda_check(cudaMemcpy(c, dc, m * n * sizeof(float),
	    cudaMemcpyDeviceToHost), "matmul_f32: copy of C", err, len) == 0)
		rc = 0;
	return cuda_leave(rc);
}

/* One output of conv1d per thread; sums wrap as the C reference's do. */
static __global__ void
conv1d_i8_kernel(const int8_t *x, const int8_t *w, size_t k, int32_t bias,
    int32_t *y, size_t nout)
{
	size_t o, j;
	uint32_t acc;

	for (o = blockIdx.x * (size_t)blockDim.x + threadIdx.x; o < nout;
	    o += (size_t)gridDim.x * blockDim.x) {
		acc = (uint32_t)bias;
		for (j = 0; j < k; j++)
			acc += (uint32_t)((int32_t)w[j] * x[o + j]);
		y[o] = (int32_t)acc;
	}
}

/* One sum: wrapping for int32, rounded to nearest for f32. */
static __device__ int32_t
add_one(int32_t a, int32_t b)
{
	return (int32_t)((uint32_t)a + (uint32_t)b);
}

static __device__ float
add_one(float a, float b)
{
	return __fadd_rn(a, b);
}

/* Elementwise add for each element type T. */
template <typename T>
static __global__ void
add_kernel(const T *a, const T *b, T *c, size_t n)
{
	size_t i;

	for (i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n;
	    i += (size_t)gridDim.x * blockDim.x)
		c[i] = add_one(a[i], b[i]);
}

/* Elementwise relu for each element type T. */
template <typename T>
static __global__ void
relu_kernel(const T *x, T *y, size_t n)
{
	size_t i;

	for (i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n;
	    i += (size_t)gridDim.x * blockDim.x)
		y[i] = x[i] > 0 ? x[i] : (T)0;
}

/*
 * tinyinfer's ti_rounding_shift and ti_requantize for one element, the
 * zero point added in 64 bits as hx-offload(5) and the cpu backend have
 * it (where tinyinfer's 32-bit sum would overflow).
 */
static __global__ void
requantize_kernel(const int32_t *x, int8_t *y, size_t n, int32_t multiplier,
    int shift, int32_t zero_point)
{
	size_t i;
	int64_t product, half, v;
	int s = 31 + shift;

	half = (int64_t)1 << (s - 1);
	for (i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n;
	    i += (size_t)gridDim.x * blockDim.x) {
		product = (int64_t)x[i] * multiplier;
		if (product >= 0)
			v = (product + half) >> s;
		else
			v = -((-product + half) >> s);
		v += zero_point;
		y[i] = (int8_t)(v > 127 ? 127 : v < -128 ? -128 : v);
	}
}

/*
 * Copy NIN bytes at IN (and NIN2 at IN2, when not NULL) to the device,
 * leaving their device addresses in *DIN and *DIN2 and an output buffer
 * of NOUT bytes in *DOUT.  Called under the lock.
 */
static int
cuda_stage(const char *what, const void *in, size_t nin, const void *in2,
    size_t nin2, size_t nout, void **din, void **din2, void **dout,
    char *err, size_t len)
{
	if ((*din = cuda_buffer(0, nin, err, len)) == NULL ||
	    (*dout = cuda_buffer(2, nout, err, len)) == NULL)
		return -1;
	if (cuda_check(cudaMemcpy(*din, in, nin, cudaMemcpyHostToDevice),
	    what, err, len) == -1)
		return -1;
	if (in2 == NULL)
		return 0;
	if ((*din2 = cuda_buffer(1, nin2, err, len)) == NULL)
		return -1;
	return cuda_check(cudaMemcpy(*din2, in2, nin2,
	    cudaMemcpyHostToDevice), what, err, len);
}

/* Check the launch just made, then copy NOUT result bytes to OUT. */
static int
cuda_finish(const char *what, void *out, const void *dout, size_t nout,
    char *err, size_t len)
{
	if (cuda_check(cudaGetLastError(), what, err, len) == -1)
		return -1;
	return cuda_check(cudaMemcpy(out, dout, nout, cudaMemcpyDeviceToHost),
	    what, err, len);
}

int
hx_cuda_conv1d_i8(const int8_t *x, size_t l, const int8_t *w, size_t k,
    int32_t bias, int32_t *y, char *err, size_t len)
{
	void *dx, *dw, *dy;
	size_t nout;

	if (k == 0 || k > l)
		return cuda_fail(err, len, "conv1d_i8: kernel longer than input");
	nout = l - k + 1;
	if (nout > SIZE_MAX / sizeof(int32_t))
		return cuda_fail(err, len, "conv1d_i8: shape too large");
	if (cuda_enter(err, len) == -1)
		return -1;
	if (cuda_stage("conv1d_i8", x, l, w, k, nout * sizeof(int32_t), &dx,
	    &dw, &dy, err, len) == -1)
		return cuda_leave(-1);
	conv1d_i8_kernel<<<cuda_blocks(nout), HX_CUDA_THREADS>>>(
	    (const int8_t *)dx, (const int8_t *)dw, k, bias, (int32_t *)dy,
	    nout);
	return cuda_leave(cuda_finish("conv1d_i8", y, dy,
	    nout * sizeof(int32_t), err, len));
}

/* Add over N elements of type T (the two hx_cuda_add_*). */
template <typename T>
static int
cuda_add(const char *what, const T *a, const T *b, T *c, size_t n,
    char *err, size_t len)
{
	void *da, *db, *dc;
	size_t size = n * sizeof(T);

	if (n == 0 || n > SIZE_MAX / sizeof(T))
		return cuda_fail(err, len, "%s: bad element count", what);
	if (cuda_enter(err, len) == -1)
		return -1;
	if (cuda_stage(what, a, size, b, size, size, &da, &db, &dc, err,
	    len) == -1)
		return cuda_leave(-1);
	add_kernel<T><<<cuda_blocks(n), HX_CUDA_THREADS>>>((const T *)da,
	    (const T *)db, (T *)dc, n);
	return cuda_leave(cuda_finish(what, c, dc, size, err, len));
}

int
hx_cuda_add_i32(const int32_t *a, const int32_t *b, int32_t *c, size_t n,
    char *err, size_t len)
{
	return cuda_add("add_i32", a, b, c, n, err, len);
}

int
hx_cuda_add_f32(const float *a, const float *b, float *c, size_t n,
    char *err, size_t len)
{
	return cuda_add("add_f32", a, b, c, n, err, len);
}

/* Relu over N elements of type T (the three hx_cuda_relu_*). */
template <typename T>
static int
cuda_relu(const char *what, const T *x, T *y, size_t n, char *err,
    size_t len)
{
	void *dx, *dy;
	size_t size = n * sizeof(T);

	if (n == 0 || n > SIZE_MAX / sizeof(T))
		return cuda_fail(err, len, "%s: bad element count", what);
	if (cuda_enter(err, len) == -1)
		return -1;
	if (cuda_stage(what, x, size, NULL, 0, size, &dx, NULL, &dy, err,
	    len) == -1)
		return cuda_leave(-1);
	relu_kernel<T><<<cuda_blocks(n), HX_CUDA_THREADS>>>((const T *)dx,
	    (T *)dy, n);
	return cuda_leave(cuda_finish(what, y, dy, size, err, len));
}

int
hx_cuda_relu_i8(const int8_t *x, int8_t *y, size_t n, char *err, size_t len)
{
	return cuda_relu("relu_i8", x, y, n, err, len);
}

int
hx_cuda_relu_i32(const int32_t *x, int32_t *y, size_t n, char *err,
    size_t len)
{
	return cuda_relu("relu_i32", x, y, n, err, len);
}

int
hx_cuda_relu_f32(const float *x, float *y, size_t n, char *err, size_t len)
{
	return cuda_relu("relu_f32", x, y, n, err, len);
}

int
hx_cuda_requantize(const int32_t *x, int8_t *y, size_t n, int32_t multiplier,
    int shift, int32_t zero_point, char *err, size_t len)
{
	void *dx, *dy;

	if (n == 0 || n > SIZE_MAX / sizeof(int32_t))
		return cuda_fail(err, len, "requantize: bad element count");
	if (multiplier < (int32_t)1 << 30 || shift < 0 || shift > 31)
		return cuda_fail(err, len,
		    "requantize: multiplier or shift out of range");
	if (cuda_enter(err, len) == -1)
		return -1;
	if (cuda_stage("requantize", x, n * sizeof(int32_t), NULL, 0, n, &dx,
	    NULL, &dy, err, len) == -1)
		return cuda_leave(-1);
	requantize_kernel<<<cuda_blocks(n), HX_CUDA_THREADS>>>(
	    (const int32_t *)dx, (int8_t *)dy, n, multiplier, shift,
	    zero_point);
	return cuda_leave(cuda_finish("requantize", y, dy, n, err, len));
}
