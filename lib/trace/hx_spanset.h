/*
 * hx_spanset: the spans and metrics hx-trace has consumed, owned as deep
 * copies, in the order they came, for correlation and the exporters
 * (which take a const struct hx_spanset *).
 *
 * Iterate by index: for (i = 0; i < set->nspans; i++) uses
 * set->spans[i], and likewise set->metrics[0 .. nmetrics - 1].  The
 * strings and lists of the copies belong to the set and live until
 * hx_spanset_clear: they are kept in arenas of large chunks, one arena a
 * process (service and host), so that the exporters, which read the
 * spans process by process, read memory in order.  Each span's process
 * is numbered as it comes: process[i], from 0 in the order of first
 * appearance; process_first[k] is the first span of process k.
 */
#ifndef HX_SPANSET_H
#define HX_SPANSET_H

#include <stddef.h>

#include "rec/hx_metric.h"
#include "rec/hx_span.h"

struct hx_spanset {
	struct hx_span *spans;
	size_t nspans;
	struct hx_metric *metrics;
	size_t nmetrics;
	size_t span_room, metric_room;	/* allocated lengths */
	size_t *process;		/* the number of each span's process */
	size_t *process_first;		/* the first span of each process */
	size_t nprocesses;		/* (service and host) */
	struct hx_spanset_chunk *chunks; /* of every arena, newest first */
	struct hx_spanset_arena *arenas; /* [0] metrics, then processes */
	size_t narenas;
	size_t *table;			/* processes by hash: number + 1, */
	size_t table_size;		/* 0 for none */
};

/* Set SET to an empty set. */
void hx_spanset_init(struct hx_spanset *set);

/* Add a deep copy of S; returns the copy, valid until the next add. */
const struct hx_span *hx_spanset_add_span(struct hx_spanset *set,
    const struct hx_span *s);

/* Add a deep copy of M; returns the copy, valid until the next add. */
const struct hx_metric *hx_spanset_add_metric(struct hx_spanset *set,
    const struct hx_metric *m);

/* Free every copy and empty SET. */
void hx_spanset_clear(struct hx_spanset *set);

#endif
