/*
 * offload-client: the client of hx/offload.h at work, for the tests: it
 * builds natively and for riscv64, connects to the service at ADDR and
 *   ops        runs every operation on inputs of its own and checks the
 *              results against ref.h, one line per operation;
 *   repeat N   runs matmul_i8 N times, one line per call: "ok", or
 *              "fallback CODE: why" (CODE the error frame's, 0 for none).
 * Usage: offload-client [-t TIMEOUT_MS] ADDR|- ops|repeat N; "-" takes
 * the address from HX_OFFLOAD.  Exits 0 when each line is as asked, 1
 * otherwise, 3 when it cannot connect.
 */
#define HX_OFFLOAD_IMPLEMENTATION
#include "hx/offload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ref.h"

#define M 5
#define K 7
#define N 3
#define L 40
#define W 9
#define E 33

static int failed;

/* Report one operation: its status, and whether the result is right. */
static void
report(struct hx_offload *h, const char *name, int rc, int right)
{
	if (rc != 0) {
		printf("%s fallback %d: %s\n", name, hx_offload_server_code(h),
		    rc == HX_OFFLOAD_EFALLBACK ? hx_offload_last_error(h) :
		    hx_offload_strerror(rc));
		failed = 1;
	} else if (!right) {
		printf("%s wrong\n", name);
		failed = 1;
	} else
		printf("%s ok\n", name);
}

static void
ops(struct hx_offload *h)
{
	int8_t a[M * K], b[K * N], x[L], w[W], r8[E], y8[E], e8[E];
	int32_t c[M * N], want[M * N], y[L], ywant[L], i1[E], i2[E], s[E];
	float fa[M * K], fb[K * N], fc[M * N], f1[E], f2[E], fs[E];
	uint64_t seed = 42;
	size_t i;
	int rc, right;

	ref_fill_i8(a, M * K, &seed);
	ref_fill_i8(b, K * N, &seed);
	a[0] = a[1] = b[0] = b[N] = -128;
	rc = hx_offload_matmul_i8(h, a, b, c, M, K, N);
	ref_matmul_i8(a, b, want, M, K, N);
	report(h, "matmul_i8", rc, memcmp(c, want, sizeof(c)) == 0);

	ref_fill_f32(fa, M * K, &seed);
	ref_fill_f32(fb, K * N, &seed);
	rc = hx_offload_matmul_f32(h, fa, fb, fc, M, K, N);
	report(h, "matmul_f32", rc, rc == 0 &&
	    ref_matmul_f32_ok(fa, fb, fc, M, K, N));

	ref_fill_i8(x, L, &seed);
	ref_fill_i8(w, W, &seed);
	rc = hx_offload_conv1d_i8(h, x, L, w, W, -1234567, y);
	ref_conv1d(x, L, w, W, -1234567, ywant);
	report(h, "conv1d_i8", rc,
	    memcmp(y, ywant, (L - W + 1) * sizeof(y[0])) == 0);

	ref_fill_i32(i1, E, &seed);
	ref_fill_i32(i2, E, &seed);
	i1[0] = INT32_MAX;
	i2[0] = 1;
	rc = hx_offload_add_i32(h, i1, i2, s, E);
	for (right = 1, i = 0; i < E; i++)
		right &= s[i] == (int32_t)((uint32_t)i1[i] + (uint32_t)i2[i]);
	report(h, "add_i32", rc, right);

	ref_fill_f32(f1, E, &seed);
	ref_fill_f32(f2, E, &seed);
	rc = hx_offload_add_f32(h, f1, f2, fs, E);
	for (right = 1, i = 0; i < E; i++)
		right &= fs[i] == f1[i] + f2[i];
	report(h, "add_f32", rc, right);

	ref_fill_i8(r8, E, &seed);
	rc = hx_offload_relu_i8(h, r8, y8, E);
	for (right = 1, i = 0; i < E; i++)
		right &= y8[i] == (r8[i] > 0 ? r8[i] : 0);
	report(h, "relu_i8", rc, right);

	rc = hx_offload_relu_i32(h, i1, s, E);
	for (right = 1, i = 0; i < E; i++)
		right &= s[i] == (i1[i] > 0 ? i1[i] : 0);
	report(h, "relu_i32", rc, right);

	rc = hx_offload_relu_f32(h, f1, fs, E);
	for (right = 1, i = 0; i < E; i++)
		right &= fs[i] == (f1[i] > 0 ? f1[i] : 0.0f);
	report(h, "relu_f32", rc, right);

	i1[1] = INT32_MIN;
	i1[2] = 0;
	rc = hx_offload_requantize(h, i1, y8, E, 0x7fffffff, 0, 3);
	for (i = 0; i < E; i++)
		e8[i] = ref_requantize(i1[i], 0x7fffffff, 0, 3);
	report(h, "requantize", rc, memcmp(y8, e8, E) == 0);
}

int
main(int argc, char **argv)
{
	struct hx_offload *h;
	int timeout = 5000, rc, i, n;
	int8_t a[4 * 4], b[4 * 4];
	int32_t c[4 * 4];

	if (argc > 2 && strcmp(argv[1], "-t") == 0) {
		timeout = atoi(argv[2]);
		argv += 2;
		argc -= 2;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: offload-client [-t MS] ADDR|- "
		    "ops|repeat N\n");
		return 2;
	}
	rc = hx_offload_connect(strcmp(argv[1], "-") == 0 ? NULL : argv[1],
	    timeout, &h);
	if (rc != 0) {
		printf("connect: %s (%s)\n", hx_offload_strerror(rc),
		    strerror(errno));
		return 3;
	}
	printf("backend %s\n", hx_offload_backend(h));
	if (strcmp(argv[2], "ops") == 0)
		ops(h);
	else if (strcmp(argv[2], "repeat") == 0 && argc == 4) {
		memset(a, 3, sizeof(a));
		memset(b, 2, sizeof(b));
		n = atoi(argv[3]);
		for (i = 0; i < n; i++) {
			rc = hx_offload_matmul_i8(h, a, b, c, 4, 4, 4);
			if (rc == 0 && c[5] == 24)
				printf("%d ok\n", i + 1);
			else if (rc == 0)
				printf("%d wrong\n", i + 1);
			else
				printf("%d fallback %d\n", i + 1,
				    hx_offload_server_code(h));
		}
	} else {
		fprintf(stderr, "offload-client: unknown mode %s\n", argv[2]);
		return 2;
	}
	hx_offload_close(h);
	return failed;
}
