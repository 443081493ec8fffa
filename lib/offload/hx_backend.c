/*
 * hx_backend: the table of backends, and the checks of hx-offload(5)'s
 * operations that come before any backend.
 */
#include "config.h"

#include <string.h>
#ifdef HX_HAVE_CUDA
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "hx_err.h"
#include "hx_spawn.h"
#include "hx_strv.h"
#endif

#include "offload/hx_backend.h"
#include "offload/hx_cpu.h"

#ifdef HX_HAVE_CUDA
/*
 * The cuda backend is a plugin, hx-offload-cuda.so (built from
 * hx_cuda_backend.c and hx_cuda.cu, linked with the CUDA runtime and
 * cuBLAS), loaded when a service asks for it: the cpu backend then starts
 * without mapping those libraries, and a node without them runs it.  The
 * plugin's functions are those of hx_cuda_backend.h.
 */
#define CUDA_PLUGIN_NAME "hx-offload-cuda.so"

static struct {
	void *handle;
	struct hx_backend fn;
} cuda;

/* Load the plugin at PATH into cuda; -1 with the reason in MSG. */
static int
cuda_load(const char *path, char *msg, size_t msgsize)
{
	static const char *const names[] = { "hx_cuda_backend_open",
	    "hx_cuda_backend_close", "hx_cuda_backend_op" };
	void *sym[3];
	size_t i;

	if ((cuda.handle = dlopen(path, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		snprintf(msg, msgsize, "%s", dlerror());
		return -1;
	}
	for (i = 0; i < 3; i++)
		if ((sym[i] = dlsym(cuda.handle, names[i])) == NULL) {
			snprintf(msg, msgsize, "%s: no %s", path, names[i]);
			dlclose(cuda.handle);
			cuda.handle = NULL;
			return -1;
		}
	/* POSIX: a data pointer from dlsym converts to a function's. */
	*(void **)&cuda.fn.open = sym[0];
	*(void **)&cuda.fn.close = sym[1];
	*(void **)&cuda.fn.op = sym[2];
	return 0;
}

char **
hx_backend_cuda_paths(void)
{
	const char *env = getenv("HX_CUDA_PLUGIN");
	char **v;

	if (env == NULL || *env == '\0')
		return hx_spawn_pkglib_paths(CUDA_PLUGIN_NAME);
	v = hx_xcalloc(2, sizeof(*v));
	v[0] = hx_xstrdup(env);
	return v;
}

static int
cuda_open(void **state, char *msg, size_t msgsize)
{
	char **paths;
	size_t i;
	int rc = 0;

	if (cuda.handle == NULL) {
		paths = hx_backend_cuda_paths();
		/* $HX_CUDA_PLUGIN, when set, is the plugin, there or not. */
		for (i = 0; paths[i + 1] != NULL &&
		    access(paths[i], R_OK) != 0; i++)
			continue;
		if (paths[1] != NULL && access(paths[i], R_OK) != 0) {
			snprintf(msg, msgsize, "%s: not installed, nor beside "
			    "hx-offload (HX_CUDA_PLUGIN names another "
			    "plugin)", paths[i]);
			rc = -1;
		} else
			rc = cuda_load(paths[i], msg, msgsize);
		hx_strv_free(paths);
		if (rc != 0)
			return -1;
	}
	return cuda.fn.open(state, msg, msgsize);
}

static void
cuda_close(void *state)
{
	if (cuda.handle != NULL)
		cuda.fn.close(state);
}

static int
cuda_op(void *state, const struct hx_codec_request *req,
    struct hx_codec_tensor *out, char *msg, size_t msgsize)
{
	return cuda.fn.op(state, req, out, msg, msgsize);
}
#endif

/*
 * Every backend of this build.  A backend built on some machines only is
 * added here under its #ifdef, as the cuda backend is (configure
 * --with-cuda).
 */
static const struct hx_backend backends[] = {
	{ "cpu", NULL, NULL, hx_cpu_op },
#ifdef HX_HAVE_CUDA
	{ "cuda", cuda_open, cuda_close, cuda_op },
#endif
};

const struct hx_backend *
hx_backend_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(backends) / sizeof(backends[0]); i++)
		if (strcmp(backends[i].name, name) == 0)
			return &backends[i];
	return NULL;
}

uint32_t
hx_backend_ops(void)
{
	uint32_t ops = 0;
	int op;

	for (op = 1; op <= HX_OFFLOAD_OP_LAST; op++)
		ops |= (uint32_t)1 << op;
	return ops;
}

uint32_t
hx_backend_dtypes(void)
{
	return 1u << HX_OFFLOAD_INT8 | 1u << HX_OFFLOAD_INT32 |
	    1u << HX_OFFLOAD_F32;
}

/* What each operation takes: counts, and the types of its tensors. */
struct signature {
	const char *name;
	unsigned nparams, ntensors;
};

static const struct signature signatures[] = {
	[HX_OFFLOAD_OP_MATMUL_I8] = { "matmul_i8", 0, 2 },
	[HX_OFFLOAD_OP_MATMUL_F32] = { "matmul_f32", 0, 2 },
	[HX_OFFLOAD_OP_CONV1D_I8] = { "conv1d_i8", 1, 2 },
	[HX_OFFLOAD_OP_ADD] = { "add", 0, 2 },
	[HX_OFFLOAD_OP_RELU] = { "relu", 0, 1 },
	[HX_OFFLOAD_OP_REQUANTIZE] = { "requantize", 3, 1 },
};

const char *
hx_backend_op_name(int op)
{
	return op >= 1 && op <= HX_OFFLOAD_OP_LAST ? signatures[op].name :
	    "unknown";
}

/* The matmul checks: [M,K] by [K,N] of DTYPE, within the limits. */
static int
check_matmul(const struct hx_codec_request *req, int dtype, uint32_t *dims,
    char *msg, size_t msgsize)
{
	const struct hx_codec_tensor *a = &req->tensors[0], *b = &req->tensors[1];

	if (a->dtype != dtype || b->dtype != dtype)
		return hx_codec_refuse(msg, msgsize, HX_OFFLOAD_WIRE_DTYPE,
		    "%s takes two %s tensors", signatures[req->op].name,
		    dtype == HX_OFFLOAD_INT8 ? "int8" : "f32");
	if (a->rank != 2 || b->rank != 2 || a->dims[1] != b->dims[0])
		return hx_codec_refuse(msg, msgsize, HX_OFFLOAD_WIRE_SHAPE,
		    "%s takes [M,K] and [K,N]", signatures[req->op].name);
	if (a->dims[1] > HX_OFFLOAD_K_MAX)
		return hx_codec_refuse(msg, msgsize, HX_OFFLOAD_WIRE_SHAPE,
		    "K = %u, above %d", a->dims[1], HX_OFFLOAD_K_MAX);
	if ((uint64_t)a->dims[0] * a->dims[1] * b->dims[1] >
	    HX_BACKEND_WORK_MAX)
		return hx_codec_refuse(msg, msgsize, HX_OFFLOAD_WIRE_TOO_LARGE,
		    "%u x %u x %u multiply-adds, above 2^33", a->dims[0],
		    a->dims[1], b->dims[1]);
	dims[0] = a->dims[0];
	dims[1] = b->dims[1];
	return 0;
}

/*
 * The checks of every operation but matmul; sets the result's type and
 * shape.
 */
static int
check_other(const struct hx_codec_request *req, int *dtype, unsigned *rank,
    uint32_t *dims, char *msg, size_t msgsize)
{
	const struct hx_codec_tensor *a = &req->tensors[0], *b = &req->tensors[1];
	const int32_t *p = req->params;

	*dtype = a->dtype;
	*rank = a->rank;
	memcpy(dims, a->dims, sizeof(a->dims));
	switch (req->op) {
	case HX_OFFLOAD_OP_CONV1D_I8:
		if (a->dtype != HX_OFFLOAD_INT8 || b->dtype != HX_OFFLOAD_INT8)
			return hx_codec_refuse(msg, msgsize, HX_OFFLOAD_WIRE_DTYPE,
			    "conv1d_i8 takes two int8 tensors");
		if (a->rank != 1 || b->rank != 1 || b->dims[0] > a->dims[0] ||
		    a->dims[0] > HX_OFFLOAD_K_MAX)
			return hx_codec_refuse(msg, msgsize, HX_OFFLOAD_WIRE_SHAPE,
			    "conv1d_i8 takes X [L] and W [K], K <= L <= %d",
			    HX_OFFLOAD_K_MAX);
		*dtype = HX_OFFLOAD_INT32;
		dims[0] = a->dims[0] - b->dims[0] + 1;
		return 0;
	case HX_OFFLOAD_OP_ADD:
		if (a->dtype == HX_OFFLOAD_INT8 || b->dtype != a->dtype)
			return hx_codec_refuse(msg, msgsize, HX_OFFLOAD_WIRE_DTYPE,
			    "add takes two int32 or two f32 tensors");
		if (a->rank != b->rank ||
		    memcmp(a->dims, b->dims, a->rank * sizeof(a->dims[0])) != 0)
			return hx_codec_refuse(msg, msgsize, HX_OFFLOAD_WIRE_SHAPE,
			    "add takes tensors of the same shape");
		return 0;
	case HX_OFFLOAD_OP_RELU:
		return 0;
	default:
		if (a->dtype != HX_OFFLOAD_INT32)
			return hx_codec_refuse(msg, msgsize, HX_OFFLOAD_WIRE_DTYPE,
			    "requantize takes an int32 tensor");
		if (p[0] < 0x40000000 || p[1] < 0 || p[1] > 31 ||
		    p[2] < -32768 || p[2] > 32767)
			return hx_codec_refuse(msg, msgsize, HX_OFFLOAD_WIRE_PARAMETER,
			    "requantize takes a multiplier in [2^30, 2^31), a "
			    "shift in 0..31 and a zero point in -32768..32767");
		*dtype = HX_OFFLOAD_INT8;
		return 0;
	}
}

int
hx_backend_check(const struct hx_codec_request *req, size_t max_bytes,
    struct hx_codec_tensor *out, char *msg, size_t msgsize)
{
	const struct signature *sig = &signatures[req->op];
	uint32_t dims[HX_OFFLOAD_RANK_MAX];
	unsigned rank = 2;
	int rc, dtype;

	out->data = NULL;
	if (req->nparams != sig->nparams || req->ntensors != sig->ntensors)
		return hx_codec_refuse(msg, msgsize, HX_OFFLOAD_WIRE_SHAPE,
		    "%s takes %u parameters and %u tensors, not %u and %u",
		    sig->name, sig->nparams, sig->ntensors, req->nparams,
		    req->ntensors);
	if (req->op == HX_OFFLOAD_OP_MATMUL_I8 ||
	    req->op == HX_OFFLOAD_OP_MATMUL_F32) {
		dtype = req->op == HX_OFFLOAD_OP_MATMUL_I8 ? HX_OFFLOAD_INT8 :
		    HX_OFFLOAD_F32;
		rc = check_matmul(req, dtype, dims, msg, msgsize);
		dtype = dtype == HX_OFFLOAD_INT8 ? HX_OFFLOAD_INT32 : dtype;
	} else
		rc = check_other(req, &dtype, &rank, dims, msg, msgsize);
	if (rc != 0)
		return rc;
	if (hx_codec_tensor_alloc(out, dtype, rank, dims, max_bytes) != 0)
		return hx_codec_refuse(msg, msgsize, HX_OFFLOAD_WIRE_TOO_LARGE,
		    "the result of %s is above the maximum frame", sig->name);
	return 0;
}
