/*
 * hx_correlate: the traces in a set of spans from several processes and
 * hosts, as hx-trace --correlate writes them (one trace record each,
 * hx-records(5)): the parent/child tree by trace and span id, the spans
 * whose parent is missing (orphans), the clock offset of each host
 * relative to the root's host, the critical path and the self time of
 * each service.
 *
 * Clock offsets.  A client span on host A whose child is a server span
 * on host B gives, NTP-style and assuming the request and the reply take
 * equal time on the wire, B's clock minus A's:
 *     ((server.start - client.start) + (server.end - client.end)) / 2.
 * All pairs between two hosts are averaged (rounded down); offsets then
 * add up along pairs from the root's host, whose offset is 0, and every
 * time of a span on a host with an offset has it subtracted, the result
 * kept within 0 and INT64_MAX.  A host no chain of pairs reaches keeps
 * its times and has no offset.
 *
 * Critical path.  Walking back from the root's end: the part of a span
 * after its last-ending child (among those started by then) is the
 * span's own; the child is followed the same way to its start, and the
 * span's remaining time before it is searched likewise.  Children are
 * clipped to their parent.  The lengths add up to the root's duration.
 *
 * Self time.  A span's duration minus the union of its children's
 * (clipped) intervals, summed per service over every span of the trace.
 *
 * Stages.  A span's stage is "rpc" when it is a client span with a server
 * child in the trace, else its attribute hx.stage when it has one, else
 * "gpu" for the service hx-offload, else its service.  Each span whose
 * parent is missing or in another stage starts a part of its stage: its
 * duration minus the union of the (clipped) intervals of the spans of
 * other stages right below the part (below it through spans of its own
 * stage).  A client span's part is thus its duration minus its server
 * child's: the time on the wire and in the transport.  A part's profile
 * is the attribute profile of its span or of the nearest span above.
 */
#ifndef HX_CORRELATE_H
#define HX_CORRELATE_H

#include <stddef.h>
#include <stdint.h>

#include "hx_json.h"
#include "trace/hx_spanset.h"

/* One stretch of the critical path: NS of SPAN's own time. */
struct hx_correlate_step {
	const struct hx_span *span;
	int64_t ns;
};

/* The self time of one service. */
struct hx_correlate_service {
	const char *name;
	int64_t self_ns;
};

/* One part of a stage: NS of the stage's time from SPAN on. */
struct hx_correlate_part {
	const char *stage;
	const char *profile;		/* or NULL */
	const struct hx_span *span;
	int64_t ns;
};

/* One host's clock minus the root host's. */
struct hx_correlate_offset {
	const char *host;
	int64_t ns;
};

/*
 * One trace.  Spans are those of the set it was made from, which must
 * not change while the trace is used.
 */
struct hx_correlate_trace {
	const char *trace_id;
	/*
	 * The earliest span without a parent, or, when every span has one
	 * that is missing, the earliest orphan, or, when every parent goes
	 * round in a cycle, the earliest span, walked as if it had none.
	 */
	const struct hx_span *root;
	int64_t start_ns, duration_ns;	/* the root's, corrected */
	size_t nspans;			/* distinct span ids */
	const struct hx_span **orphans;	/* in the order of the set */
	size_t norphans;
	/*
	 * The spans below neither the root nor an orphan: those in a cycle
	 * of parents and below it, in the order of the set.
	 */
	const struct hx_span **unreachable;
	size_t nunreachable;
	struct hx_correlate_step *path;	/* in time order */
	size_t npath;
	struct hx_correlate_service *services;	/* sorted by name */
	size_t nservices;
	struct hx_correlate_offset *offsets;	/* sorted by host */
	size_t noffsets;
	struct hx_correlate_part *parts;	/* in the order of the set */
	size_t nparts;
};

/*
 * The traces of SET, in the order their first span came: *TRACES, an
 * array of *NTRACES to free with hx_correlate_free.  A span id seen
 * again in the same trace is the same span: the first one counts (the
 * reader refuses one with other contents).
 */
void hx_correlate(const struct hx_spanset *set,
    struct hx_correlate_trace **traces, size_t *ntraces);

/* The trace record of T, a new reference. */
json_t *hx_correlate_to_json(const struct hx_correlate_trace *t);

void hx_correlate_free(struct hx_correlate_trace *traces, size_t ntraces);

#endif
