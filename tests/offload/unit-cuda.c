/*
 * unit-cuda: hx_cuda where there is no GPU, as on every CI machine: each
 * call fails with the runtime's reason and writes no result.  On a machine
 * with a device, `make check-gpu` tests the answers instead.
 */
#include <string.h>

#include "offload/hx_cuda.h"
#include "../tap.h"

/* Whether a call returned -1 with "no CUDA device" first in ERR. */
static int
failed_without_device(int rc, const char *err)
{
	return rc == -1 && strncmp(err, "no CUDA device", 14) == 0;
}

int
main(void)
{
	char err[256], name[128];
	int8_t a[4] = { 1, 2, 3, 4 }, y8[4] = { 7, 7, 7, 7 };
	int32_t c[4] = { 7, 7, 7, 7 }, x32[4] = { -1, 0, 1, 2 };
	float f[4] = { 1, -1, 0, 2 }, g[4] = { 7, 7, 7, 7 };
	int rc;

	rc = hx_cuda_init(err, sizeof(err));
	if (rc == 0) {
		hx_cuda_fini();
		printf("1..0 # SKIP a CUDA device is present: make check-gpu "
		    "tests it\n");
		return 0;
	}
	tap_ok(failed_without_device(rc, err), "init fails: %s", err);
	tap_ok(strstr(err, "(error ") != NULL, "the message has the code");
	tap_ok(hx_cuda_init(err, sizeof(err)) == -1,
	    "init fails again, no state left behind");
	tap_ok(failed_without_device(hx_cuda_describe(name, sizeof(name), err,
	    sizeof(err)), err), "describe fails");
	tap_ok(failed_without_device(hx_cuda_matmul_i8(a, a, c, 2, 2, 2, err,
	    sizeof(err)), err), "matmul_i8 fails");
	tap_ok(failed_without_device(hx_cuda_matmul_f32(f, f, g, 2, 2, 2, err,
	    sizeof(err)), err), "matmul_f32 fails");
	tap_ok(failed_without_device(hx_cuda_conv1d_i8(a, 4, a, 2, 0, c, err,
	    sizeof(err)), err), "conv1d_i8 fails");
	tap_ok(failed_without_device(hx_cuda_add_i32(x32, x32, c, 4, err,
	    sizeof(err)), err), "add_i32 fails");
	tap_ok(failed_without_device(hx_cuda_add_f32(f, f, g, 4, err,
	    sizeof(err)), err), "add_f32 fails");
	tap_ok(failed_without_device(hx_cuda_relu_i8(a, y8, 4, err,
	    sizeof(err)), err), "relu_i8 fails");
	tap_ok(failed_without_device(hx_cuda_relu_i32(x32, c, 4, err,
	    sizeof(err)), err), "relu_i32 fails");
	tap_ok(failed_without_device(hx_cuda_relu_f32(f, g, 4, err,
	    sizeof(err)), err), "relu_f32 fails");
	tap_ok(failed_without_device(hx_cuda_requantize(x32, y8, 4,
	    1 << 30, 0, 0, err, sizeof(err)), err), "requantize fails");
	tap_ok(c[0] == 7 && g[0] == 7 && y8[0] == 7, "no result was written");
	tap_ok(hx_cuda_conv1d_i8(a, 2, a, 3, 0, c, err, sizeof(err)) == -1 &&
	    strcmp(err, "conv1d_i8: kernel longer than input") == 0,
	    "a kernel longer than its input is refused first");
	tap_ok(hx_cuda_requantize(x32, y8, 4, 5, 0, 0, err, sizeof(err)) ==
	    -1 && strstr(err, "out of range") != NULL,
	    "a multiplier outside [2^30, 2^31) is refused");
	hx_cuda_fini();
	return tap_done();
}
