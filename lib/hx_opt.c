/*
 * hx_opt: option values, parsed strictly: strtoull(3) alone takes
 * blanks, a sign and wraps "-1" around to the largest value.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hx_opt.h"

int
hx_opt_uint(const char *arg, const char *name, uint64_t min, uint64_t max,
    uint64_t *out, struct hx_err_info *err)
{
	unsigned long long v;
	char *end, to[32] = "";

	errno = 0;
	if (arg[0] >= '0' && arg[0] <= '9') {
		v = strtoull(arg, &end, 10);
		if (*end == '\0' && errno == 0 && v >= min && v <= max) {
			*out = v;
			return 0;
		}
	}
	if (max < INT64_MAX)
		snprintf(to, sizeof(to), " to %" PRIu64, max);
	return hx_err_set(err, HX_EXIT_USAGE, "%s: not a whole number from "
	    "%" PRIu64 "%s: %s", name, min, to, arg);
}
