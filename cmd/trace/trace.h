/*
 * trace.h: what the files of hx-trace share.  hx-trace.c parses the
 * command line and runs the filter; run.c is hx-trace run.
 */
#ifndef TRACE_H
#define TRACE_H

/* hx-trace run ARGS (ARGV[0] is "run"): returns the exit status. */
int trace_run(int argc, char **argv);

#endif
