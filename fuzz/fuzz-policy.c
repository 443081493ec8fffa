/*
 * fuzz-policy: a release policy (hx-policy(5)) through hx_policy_load.  A
 * refused policy must say why.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "gate/hx_policy.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hx_policy policy;
	char err[512];

	*err = '\0';
	if (hx_policy_load(fuzz_file(data, size), &policy, err,
	    sizeof(err)) != 0 && *err == '\0')
		abort();
	hx_policy_free(&policy);
	return 0;
}
