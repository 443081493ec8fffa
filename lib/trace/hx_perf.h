/*
 * hx_perf: the perf_event_open(2) counters hx-trace run reads over a
 * command: software ones (task clock, context switches, page faults,
 * CPU migrations), which virtual machines have, and hardware ones
 * (cycles, instructions, cache and branch misses), which they often do
 * not ("PMU not available due to virtualization": ENOENT).  A counter
 * that cannot be opened or read is reported unsupported, with the
 * reason, never as a failure.
 */
#ifndef HX_PERF_H
#define HX_PERF_H

#include <stddef.h>

#include "rec/hx_span.h"

#define HX_PERF_NCOUNTERS 8

struct hx_perf {
	int fd[HX_PERF_NCOUNTERS];	/* -1: not open */
	int error[HX_PERF_NCOUNTERS];	/* errno of the open that failed */
};

/*
 * Open every counter on this process, disabled, to be enabled by exec and
 * inherited by the processes it starts from now on: they then count the
 * programs this process starts (with every process those start) and
 * nothing of this process itself, which never execs.  Counters that do
 * not open are marked unsupported.  Start one child only while they are
 * open.
 */
void hx_perf_open(struct hx_perf *p);

/*
 * Fill OUT[0 .. HX_PERF_NCOUNTERS - 1] with the counts of the children
 * that have ended (their counts join ours when they exit), scaled when
 * the kernel multiplexed a counter.  WHY[i] is NULL, or a new string
 * saying why counter i is unsupported.  Counter names live as long as
 * the program.
 */
void hx_perf_read(const struct hx_perf *p, struct hx_span_counter *out,
    char **why);

/* Close every counter. */
void hx_perf_close(struct hx_perf *p);

#endif
