/*
 * unit-gpu: the cuda backend against the reference of hx-offload(5) on a
 * machine with a GPU (`make check-gpu`).  Every operation runs on random
 * and edge inputs through hx_cuda and through the references of
 * tests/offload/ref.h (requantize is tinyinfer's own ti_requantize) or
 * plain loops here: int8 and int32 results must be identical,
 * f32 additions and relus identical bit for bit (NaN as NaN), f32 products
 * within |C - C_ref| <= K * 2^-23 * sum_k |A*B| of a double reference.
 * Then the speed of matmul against the cpu, printed as ratios.  Without a
 * device it fails at once and says why: it never skips.
 */
#include "offload/hx_cuda.h"
#include "../offload/ref.h"
#include "../tap.h"
#include "gpu.h"

/*
 * The cpu side of the speed comparison: the plain loops, in the order
 * that streams B's rows, so that the compiler vectorises them.
 */
static void
loop_matmul_i8(const int8_t *a, const int8_t *b, int32_t *c, size_t m,
    size_t k, size_t n)
{
	size_t i, j, p;

	memset(c, 0, m * n * sizeof(*c));
	for (i = 0; i < m; i++)
		for (p = 0; p < k; p++)
			for (j = 0; j < n; j++)
				c[i * n + j] += (int32_t)a[i * k + p] *
				    b[p * n + j];
}

static void
loop_matmul_f32(const float *a, const float *b, float *c, size_t m, size_t k,
    size_t n)
{
	size_t i, j, p;

	memset(c, 0, m * n * sizeof(*c));
	for (i = 0; i < m; i++)
		for (p = 0; p < k; p++)
			for (j = 0; j < n; j++)
				c[i * n + j] += a[i * k + p] * b[p * n + j];
}

static char err[512];

/* Report a failed hx_cuda call as a failed test point. */
static int
called(int rc, const char *what)
{
	if (rc == 0)
		return 1;
	tap_ok(0, "%s: %s", what, err);
	return 0;
}

static void
check_matmul_i8(size_t m, size_t k, size_t n, int kind)
{
	int8_t *a = gpu_malloc(m * k), *b = gpu_malloc(k * n);
	int32_t *c = gpu_malloc(m * n * 4), *r = gpu_malloc(m * n * 4);

	gpu_fill_i8(a, m * k, kind);
	gpu_fill_i8(b, k * n, kind);
	ref_matmul_i8(a, b, r, m, k, n);
	if (called(hx_cuda_matmul_i8(a, b, c, m, k, n, err, sizeof(err)),
	    "matmul_i8"))
		tap_ok(memcmp(c, r, m * n * 4) == 0,
		    "matmul_i8 %zux%zux%zu inputs %d: identical", m, k, n,
		    kind);
	free(a), free(b), free(c), free(r);
}

/* The f32 product against a double reference, within the bound. */
static void
check_matmul_f32(size_t m, size_t k, size_t n, float scale)
{
	float *a = gpu_malloc(m * k * 4), *b = gpu_malloc(k * n * 4);
	float *c = gpu_malloc(m * n * 4);
	double ref, mag, worst = 0, e;
	size_t i, j, p, bad = 0;

	gpu_fill_f32(a, m * k, scale);
	gpu_fill_f32(b, k * n, scale);
	if (!called(hx_cuda_matmul_f32(a, b, c, m, k, n, err, sizeof(err)),
	    "matmul_f32"))
		goto out;
	for (i = 0; i < m; i++)
		for (j = 0; j < n; j++) {
			ref = mag = 0;
			for (p = 0; p < k; p++) {
				ref += (double)a[i * k + p] * b[p * n + j];
				mag += fabs((double)a[i * k + p] *
				    b[p * n + j]);
			}
			e = fabs(c[i * n + j] - ref);
			if (e > (double)k * ldexp(1, -23) * mag)
				bad++;
			if (mag > 0 && e / mag > worst)
				worst = e / mag;
		}
	tap_ok(bad == 0, "matmul_f32 %zux%zux%zu scale %g: within the bound "
	    "(worst error %.3g of sum|ab|, bound %.3g)", m, k, n, scale,
	    worst, (double)k * ldexp(1, -23));
out:
	free(a), free(b), free(c);
}

static void
check_conv1d(size_t l, size_t k, int32_t bias, int kind)
{
	int8_t *x = gpu_malloc(l), *w = gpu_malloc(k);
	int32_t *y = gpu_malloc((l - k + 1) * 4), *r = gpu_malloc((l - k + 1) * 4);

	gpu_fill_i8(x, l, kind);
	gpu_fill_i8(w, k, kind);
	ref_conv1d(x, l, w, k, bias, r);
	if (called(hx_cuda_conv1d_i8(x, l, w, k, bias, y, err, sizeof(err)),
	    "conv1d_i8"))
		tap_ok(memcmp(y, r, (l - k + 1) * 4) == 0,
		    "conv1d_i8 L=%zu K=%zu bias %d inputs %d: identical", l, k,
		    bias, kind);
	free(x), free(w), free(y), free(r);
}

/* The elementwise operations over N elements with special values first. */
static void
check_elementwise(size_t n)
{
	static const float special[] = { 0.0f, -0.0f, INFINITY, -INFINITY,
	    NAN, 1e-45f, -1e-45f, 1.17549435e-38f, 3.4028235e38f,
	    -3.4028235e38f, 1.0f, -1.0f };
	int32_t *a = gpu_malloc(n * 4), *b = gpu_malloc(n * 4), *c = gpu_malloc(n * 4);
	float *fa = gpu_malloc(n * 4), *fb = gpu_malloc(n * 4);
	float *fc = gpu_malloc(n * 4), *fd = gpu_malloc(n * 4);
	int8_t *i8 = gpu_malloc(n), *o8 = gpu_malloc(n);
	size_t i, bad;
	size_t ns = sizeof(special) / sizeof(special[0]);

	for (i = 0; i < n; i++) {
		a[i] = (int32_t)gpu_rng();
		b[i] = i < 4 ? (i & 1 ? INT32_MIN : INT32_MAX) : (int32_t)gpu_rng();
		fa[i] = i < ns * ns ? special[i / ns] : (float)(int32_t)gpu_rng() /
		    (float)(1 << (gpu_rng() % 40));
		fb[i] = i < ns * ns ? special[i % ns] : -fa[i] * 0.75f;
		i8[i] = (int8_t)gpu_rng();
	}
	a[0] = INT32_MAX, a[1] = INT32_MIN, a[2] = INT32_MIN, a[3] = -1;
	if (called(hx_cuda_add_i32(a, b, c, n, err, sizeof(err)), "add_i32")) {
		for (bad = i = 0; i < n; i++)
			bad += c[i] != (int32_t)((uint32_t)a[i] +
			    (uint32_t)b[i]);
		tap_ok(bad == 0, "add_i32 n=%zu: identical, wrapping", n);
	}
	if (called(hx_cuda_add_f32(fa, fb, fc, n, err, sizeof(err)),
	    "add_f32")) {
		for (i = 0; i < n; i++)
			fd[i] = fa[i] + fb[i];
		bad = gpu_f32_differences(fc, fd, n);
		tap_ok(bad == 0, "add_f32 n=%zu: identical bits", n);
	}
	if (called(hx_cuda_relu_i8(i8, o8, n, err, sizeof(err)), "relu_i8")) {
		for (bad = i = 0; i < n; i++)
			bad += o8[i] != (i8[i] > 0 ? i8[i] : 0);
		tap_ok(bad == 0, "relu_i8 n=%zu: identical", n);
	}
	if (called(hx_cuda_relu_i32(a, c, n, err, sizeof(err)), "relu_i32")) {
		for (bad = i = 0; i < n; i++)
			bad += c[i] != (a[i] > 0 ? a[i] : 0);
		tap_ok(bad == 0, "relu_i32 n=%zu: identical", n);
	}
	if (called(hx_cuda_relu_f32(fa, fc, n, err, sizeof(err)),
	    "relu_f32")) {
		for (i = 0; i < n; i++)
			fd[i] = fa[i] > 0 ? fa[i] : 0.0f;
		bad = gpu_f32_differences(fc, fd, n);
		tap_ok(bad == 0, "relu_f32 n=%zu: identical bits (-0 and NaN "
		    "give +0)", n);
	}
	free(a), free(b), free(c), free(fa), free(fb), free(fc), free(fd),
	    free(i8), free(o8);
}

static void
check_requantize(size_t n, int32_t multiplier, int shift, int32_t zp)
{
	int32_t *x = gpu_malloc(n * 4);
	int8_t *y = gpu_malloc(n);
	size_t i, bad;

	for (i = 0; i < n; i++)
		x[i] = i == 0 ? INT32_MIN : i == 1 ? INT32_MAX : i == 2 ? 0 :
		    (int32_t)gpu_rng() >> (gpu_rng() % 32);
	if (called(hx_cuda_requantize(x, y, n, multiplier, shift, zp, err,
	    sizeof(err)), "requantize")) {
		for (bad = i = 0; i < n; i++)
			bad += y[i] != ref_requantize(x[i], multiplier, shift,
			    zp);
		tap_ok(bad == 0, "requantize n=%zu multiplier %d shift %d "
		    "zero point %d: identical", n, multiplier, shift, zp);
	}
	free(x), free(y);
}

/*
 * The speed of square products of side N: the cuda backend (copies in and
 * out included, as the service sees it) against the reference loop on one
 * core, best of a few cuda runs after a warm-up.
 */
static void
speed(size_t n, int f32)
{
	size_t bytes = f32 ? 4 : 1;
	void *a = gpu_malloc(n * n * bytes), *b = gpu_malloc(n * n * bytes);
	void *c = gpu_malloc(n * n * 4);
	double t, cuda = 1e30, cpu;
	int i, rc = 0;

	if (f32) {
		gpu_fill_f32(a, n * n, 1), gpu_fill_f32(b, n * n, 1);
	} else {
		gpu_fill_i8(a, n * n, 0), gpu_fill_i8(b, n * n, 0);
	}
	for (i = 0; i < 4 && rc == 0; i++) {
		t = gpu_now();
		rc = f32 ? hx_cuda_matmul_f32(a, b, c, n, n, n, err,
		    sizeof(err)) : hx_cuda_matmul_i8(a, b, c, n, n, n, err,
		    sizeof(err));
		if (i > 0 && gpu_now() - t < cuda)
			cuda = gpu_now() - t;
	}
	if (called(rc, f32 ? "matmul_f32" : "matmul_i8")) {
		t = gpu_now();
		if (f32)
			loop_matmul_f32(a, b, c, n, n, n);
		else
			loop_matmul_i8(a, b, c, n, n, n);
		cpu = gpu_now() - t;
		printf("# speed matmul_%s %4zu: cuda %9.3f ms, cpu %10.1f ms, "
		    "cuda/cpu speed-up %8.1fx (%.1f G%s/s)\n", f32 ? "f32" :
		    "i8 ", n, cuda * 1e3, cpu * 1e3, cpu / cuda,
		    2.0 * n * n * n / cuda / 1e9, f32 ? "FLOP" : "OP");
	}
	free(a), free(b), free(c);
}

int
main(int argc, char **argv)
{
	static const size_t shapes[][3] = { { 1, 1, 1 }, { 3, 5, 7 },
	    { 4, 4, 4 }, { 17, 33, 9 }, { 1, 300, 1 }, { 64, 64, 64 },
	    { 129, 257, 65 }, { 2, 131071, 3 }, { 256, 1024, 512 } };
	char name[256];
	size_t i, n;
	int kind;

	if (hx_cuda_init(err, sizeof(err)) == -1) {
		printf("Bail out! no GPU to test the cuda backend on: %s\n",
		    err);
		return 1;
	}
	if (hx_cuda_describe(name, sizeof(name), err, sizeof(err)) == 0)
		printf("# device: %s\n", name);
	for (i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++)
		for (kind = 0; kind < 4; kind++)
			check_matmul_i8(shapes[i][0], shapes[i][1],
			    shapes[i][2], kind);
	for (i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		check_matmul_f32(shapes[i][0], shapes[i][1], shapes[i][2], 1);
		check_matmul_f32(shapes[i][0], shapes[i][1], shapes[i][2],
		    1e15f);
	}
	for (kind = 0; kind < 4; kind++) {
		check_conv1d(1, 1, 0, kind);
		check_conv1d(7, 3, INT32_MAX, kind);
		check_conv1d(64, 64, INT32_MIN, kind);
		check_conv1d(100000, 31, -12345, kind);
		check_conv1d(3000000, 5, 7, kind);
	}
	check_elementwise(1);
	check_elementwise(1000);
	check_elementwise((size_t)1 << 23);
	check_requantize(1, 1 << 30, 0, 0);
	check_requantize(100000, 1 << 30, 0, 0);
	check_requantize(100000, INT32_MAX, 0, -128);
	check_requantize(100000, 1518500250, 7, 3);
	check_requantize(100000, 1073741825, 31, 127);
	check_requantize((size_t)1 << 22, 1932735283, 12, -5);
	check_requantize(100000, INT32_MAX, 0, 32767);
	check_requantize(100000, INT32_MAX, 0, -32768);
	if (argc < 2 || strcmp(argv[1], "--no-speed") != 0)
		for (n = 256; n <= 4096; n *= 2) {
			speed(n, 0);
			speed(n, 1);
		}
	hx_cuda_fini();
	return tap_done();
}
