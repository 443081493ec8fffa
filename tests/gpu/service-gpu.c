/*
 * service-gpu: hx-offload --backend cuda against hx-offload --backend cpu
 * through the client (`make check-gpu`): every operation on random and
 * edge inputs sent to both services, int8 and int32 answers identical,
 * f32 add and relu identical bit for bit (NaN as NaN), f32 products of
 * each within |C - C_ref| <= K * 2^-23 * sum_k |A*B| of a double
 * reference; then the round trip of square matmuls on each, as ratios
 * (up to 1024: the cpu backend's plain loops take minutes beyond).
 * Usage: service-gpu CUDA-ADDR CPU-ADDR; TAP on standard output.
 */
#define HX_OFFLOAD_IMPLEMENTATION
#include "hx/offload.h"

#include "../offload/ref.h"
#include "../tap.h"
#include "gpu.h"

static struct hx_offload *cuda, *cpu;

static void
fill_i32(int32_t *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		v[i] = i == 0 ? INT32_MAX : i == 1 ? INT32_MIN :
		    (int32_t)gpu_rng() >> (gpu_rng() % 32);
}

/* N floats in [-1, 1), with infinities, NaN, -0 and subnormals first. */
static void
fill_special_f32(float *v, size_t n)
{
	static const float special[] = { -0.0f, INFINITY, -INFINITY, NAN,
	    1e-45f, -1e-45f, 3.4028235e38f };
	size_t i, ns = sizeof(special) / sizeof(special[0]);

	for (i = 0; i < n; i++)
		v[i] = i < ns ? special[i] :
		    (float)(gpu_rng() >> 40) / (float)(1 << 24) * 2 - 1;
}

/* Whether two calls succeeded, reporting each failure as a test point. */
static int
both(int rc_cuda, int rc_cpu, const char *what)
{
	if (rc_cuda != 0)
		tap_ok(0, "%s on cuda: %s", what, hx_offload_last_error(cuda));
	if (rc_cpu != 0)
		tap_ok(0, "%s on cpu: %s", what, hx_offload_last_error(cpu));
	return rc_cuda == 0 && rc_cpu == 0;
}

static void
check_matmul_i8(size_t m, size_t k, size_t n, int edge)
{
	int8_t *a = gpu_malloc(m * k), *b = gpu_malloc(k * n);
	int32_t *c1 = gpu_malloc(m * n * 4), *c2 = gpu_malloc(m * n * 4);

	gpu_fill_i8(a, m * k, edge);
	gpu_fill_i8(b, k * n, edge);
	if (both(hx_offload_matmul_i8(cuda, a, b, c1, m, k, n),
	    hx_offload_matmul_i8(cpu, a, b, c2, m, k, n), "matmul_i8"))
		tap_ok(memcmp(c1, c2, m * n * 4) == 0,
		    "matmul_i8 %zux%zux%zu%s: identical", m, k, n,
		    edge ? " extremes" : "");
	free(a), free(b), free(c1), free(c2);
}

static void
check_matmul_f32(size_t m, size_t k, size_t n)
{
	float *a = gpu_malloc(m * k * 4), *b = gpu_malloc(k * n * 4);
	float *c1 = gpu_malloc(m * n * 4), *c2 = gpu_malloc(m * n * 4);

	/* Finite operands: the bound is about finite sums. */
	gpu_fill_f32(a, m * k, 1);
	gpu_fill_f32(b, k * n, 1);
	if (both(hx_offload_matmul_f32(cuda, a, b, c1, m, k, n),
	    hx_offload_matmul_f32(cpu, a, b, c2, m, k, n), "matmul_f32")) {
		tap_ok(ref_matmul_f32_ok(a, b, c1, m, k, n),
		    "matmul_f32 %zux%zux%zu: cuda within the bound", m, k, n);
		tap_ok(ref_matmul_f32_ok(a, b, c2, m, k, n),
		    "matmul_f32 %zux%zux%zu: cpu within the bound", m, k, n);
	}
	free(a), free(b), free(c1), free(c2);
}

static void
check_conv1d(size_t l, size_t k, int32_t bias, int edge)
{
	int8_t *x = gpu_malloc(l), *w = gpu_malloc(k);
	int32_t *y1 = gpu_malloc((l - k + 1) * 4), *y2 = gpu_malloc((l - k + 1) * 4);

	gpu_fill_i8(x, l, edge);
	gpu_fill_i8(w, k, edge);
	if (both(hx_offload_conv1d_i8(cuda, x, l, w, k, bias, y1),
	    hx_offload_conv1d_i8(cpu, x, l, w, k, bias, y2), "conv1d_i8"))
		tap_ok(memcmp(y1, y2, (l - k + 1) * 4) == 0,
		    "conv1d_i8 L=%zu K=%zu bias %d: identical", l, k, bias);
	free(x), free(w), free(y1), free(y2);
}

/* add, relu and requantize over N elements of each type. */
static void
check_elementwise(size_t n)
{
	int32_t *a = gpu_malloc(n * 4), *b = gpu_malloc(n * 4);
	int32_t *c1 = gpu_malloc(n * 4), *c2 = gpu_malloc(n * 4);
	float *fa = gpu_malloc(n * 4), *fb = gpu_malloc(n * 4);
	float *f1 = gpu_malloc(n * 4), *f2 = gpu_malloc(n * 4);
	int8_t *x8 = gpu_malloc(n), *y1 = gpu_malloc(n), *y2 = gpu_malloc(n);

	fill_i32(a, n);
	fill_i32(b, n);
	fill_special_f32(fa, n);
	fill_special_f32(fb, n);
	gpu_fill_i8(x8, n, 0);
	if (both(hx_offload_add_i32(cuda, a, b, c1, n),
	    hx_offload_add_i32(cpu, a, b, c2, n), "add_i32"))
		tap_ok(memcmp(c1, c2, n * 4) == 0, "add_i32 n=%zu: identical",
		    n);
	if (both(hx_offload_add_f32(cuda, fa, fb, f1, n),
	    hx_offload_add_f32(cpu, fa, fb, f2, n), "add_f32"))
		tap_ok(gpu_f32_differences(f1, f2, n) == 0, "add_f32 n=%zu: identical bits",
		    n);
	if (both(hx_offload_relu_i8(cuda, x8, y1, n),
	    hx_offload_relu_i8(cpu, x8, y2, n), "relu_i8"))
		tap_ok(memcmp(y1, y2, n) == 0, "relu_i8 n=%zu: identical", n);
	if (both(hx_offload_relu_i32(cuda, a, c1, n),
	    hx_offload_relu_i32(cpu, a, c2, n), "relu_i32"))
		tap_ok(memcmp(c1, c2, n * 4) == 0,
		    "relu_i32 n=%zu: identical", n);
	if (both(hx_offload_relu_f32(cuda, fa, f1, n),
	    hx_offload_relu_f32(cpu, fa, f2, n), "relu_f32"))
		tap_ok(gpu_f32_differences(f1, f2, n) == 0, "relu_f32 n=%zu: identical bits",
		    n);
	if (both(hx_offload_requantize(cuda, a, y1, n, 1518500250, 7, -3),
	    hx_offload_requantize(cpu, a, y2, n, 1518500250, 7, -3),
	    "requantize"))
		tap_ok(memcmp(y1, y2, n) == 0, "requantize n=%zu: identical",
		    n);
	free(a), free(b), free(c1), free(c2), free(fa), free(fb), free(f1),
	    free(f2), free(x8), free(y1), free(y2);
}

/* The round trip of one square product of side N on H, in seconds. */
static double
round_trip(struct hx_offload *h, size_t n, int f32, void *a, void *b,
    void *c)
{
	double t = gpu_now();
	int rc = f32 ? hx_offload_matmul_f32(h, a, b, c, n, n, n) :
	    hx_offload_matmul_i8(h, a, b, c, n, n, n);

	if (rc != 0) {
		tap_ok(0, "speed %zu: %s", n, hx_offload_last_error(h));
		return NAN;
	}
	return gpu_now() - t;
}

/* The service's speed on square products, cuda against cpu. */
static void
speed(size_t n, int f32)
{
	size_t size = f32 ? 4 : 1;
	void *a = gpu_malloc(n * n * size), *b = gpu_malloc(n * n * size);
	void *c = gpu_malloc(n * n * 4);
	double t_cuda, t_cpu;

	if (f32) {
		gpu_fill_f32(a, n * n, 1), gpu_fill_f32(b, n * n, 1);
	} else {
		gpu_fill_i8(a, n * n, 0), gpu_fill_i8(b, n * n, 0);
	}
	round_trip(cuda, n, f32, a, b, c);
	t_cuda = round_trip(cuda, n, f32, a, b, c);
	t_cpu = round_trip(cpu, n, f32, a, b, c);
	printf("# speed service matmul_%s %4zu: cuda %9.3f ms, cpu %10.1f ms, "
	    "cuda/cpu speed-up %8.1fx\n", f32 ? "f32" : "i8 ", n,
	    t_cuda * 1e3, t_cpu * 1e3, t_cpu / t_cuda);
	free(a), free(b), free(c);
}

int
main(int argc, char **argv)
{
	size_t n;
	int edge;

	if (argc != 3) {
		fprintf(stderr, "usage: service-gpu CUDA-ADDR CPU-ADDR\n");
		return 2;
	}
	if (hx_offload_connect(argv[1], 600000, &cuda) != 0 ||
	    hx_offload_connect(argv[2], 600000, &cpu) != 0) {
		printf("Bail out! cannot connect to %s and %s\n", argv[1],
		    argv[2]);
		return 1;
	}
	tap_ok(strcmp(hx_offload_backend(cuda), "cuda") == 0 &&
	    strcmp(hx_offload_backend(cpu), "cpu") == 0,
	    "the services are cuda and cpu");
	for (edge = 0; edge < 2; edge++) {
		check_matmul_i8(1, 1, 1, edge);
		check_matmul_i8(3, 5, 7, edge);
		check_matmul_i8(33, 129, 17, edge);
		check_matmul_i8(2, 131072, 2, edge);
		check_matmul_i8(200, 300, 100, edge);
		check_conv1d(1, 1, 0, edge);
		check_conv1d(1000, 7, INT32_MAX, edge);
		check_conv1d(131072, 64, -99, edge);
	}
	check_matmul_f32(1, 1, 1);
	check_matmul_f32(3, 5, 7);
	check_matmul_f32(64, 1000, 48);
	check_elementwise(1);
	check_elementwise(1000);
	check_elementwise((size_t)1 << 20);
	for (n = 256; n <= 1024; n *= 2) {
		speed(n, 0);
		speed(n, 1);
	}
	hx_offload_close(cuda);
	hx_offload_close(cpu);
	return tap_done();
}
