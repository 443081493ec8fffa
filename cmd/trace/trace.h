/*
 * trace.h: what the files of hx-trace share.  hx-trace.c parses the
 * command line and runs the filter; run.c is hx-trace run, gpu.c
 * hx-trace gpu.
 */
#ifndef TRACE_H
#define TRACE_H

#include <stdint.h>
#include <time.h>

/* hx-trace run ARGS (ARGV[0] is "run"): returns the exit status. */
int trace_run(int argc, char **argv);

/* hx-trace gpu ARGS (ARGV[0] is "gpu"): returns the exit status. */
int trace_gpu(int argc, char **argv);

/* Nanoseconds on CLOCK: since the epoch for CLOCK_REALTIME. */
int64_t trace_now_ns(clockid_t clock);

#endif
