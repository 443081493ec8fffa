/*
 * hx_chrome: spans and metrics as Chrome trace-event JSON, the format
 * Perfetto and chrome://tracing open.
 *
 * Each (service, host) is a process, named by M events.  Its spans are
 * complete (X) events, ts and dur in microseconds, laid out on threads
 * ("lanes") so that the spans of one thread nest, as a viewer needs; the
 * args carry the ids, status, attrs and counters.  A flow (s to f)
 * joins each client span to the server span that is its child, across
 * processes.  Metric records are counter (C) events of their service's
 * process, one series a label set.
 */
#ifndef HX_CHROME_H
#define HX_CHROME_H

#include "hx_err.h"
#include "trace/hx_spanset.h"

/*
 * Write the trace-event JSON of SET to PATH, atomically.  Returns 0, or
 * -1 with ERR filled (status HX_EXIT_SYSTEM).
 */
int hx_chrome_write_file(const struct hx_spanset *set, const char *path,
    struct hx_err_info *err);

#endif
