/*
 * hx_clock: the time now in nanoseconds, from the two clocks hx uses.
 */
#ifndef HX_CLOCK_H
#define HX_CLOCK_H

#include <stdint.h>

/* CLOCK_MONOTONIC: for durations and deadlines. */
int64_t hx_clock_mono_ns(void);

/* CLOCK_REALTIME, since the epoch: for times written in records. */
int64_t hx_clock_real_ns(void);

#endif
