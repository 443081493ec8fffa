/*
 * fuzz-toolchain: a toolchain manifest (hx-toolchain(5)) through
 * hx_toolchain_load, and the compiler command built from what it accepts.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "build/hx_toolchain.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hx_toolchain tc;
	char err[512];
	int rc;

	*err = '\0';
	rc = hx_toolchain_load(fuzz_file(data, size), &tc,
	    err, sizeof(err));
	if (rc != 0 && *err == '\0')
		abort();
	if (rc == 0) {
		free(hx_toolchain_command(&tc, tc.cc));
		if (tc.cxx != NULL)
			free(hx_toolchain_command(&tc, tc.cxx));
	}
	hx_toolchain_free(&tc);
	return 0;
}
