/*
 * hx_clock: clock_gettime(2) in nanoseconds.
 */
#include "config.h"

#include <time.h>

#include "hx_clock.h"

/* The time of clock ID in ns. */
static int64_t
clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int64_t
hx_clock_mono_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

int64_t
hx_clock_real_ns(void)
{
	return clock_ns(CLOCK_REALTIME);
}
