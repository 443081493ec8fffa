/*
 * hx_placement: the placement record, where and when hx-sched put a job
 * (hx-records(5)).  Placements with a status of done or failed are the
 * usage history fair share reads.
 */
#ifndef HX_PLACEMENT_H
#define HX_PLACEMENT_H

#include <stdint.h>

#include "rec/hx_node.h"

/* Where a placement stands. */
enum hx_placement_status {
	HX_PLACEMENT_PLANNED,
	HX_PLACEMENT_DONE,
	HX_PLACEMENT_FAILED,
};

/*
 * A placement.  Strings are borrowed: from the JSON value
 * hx_placement_read read, or from the caller that fills the struct.
 */
struct hx_placement {
	const char *job;
	const char *group;		/* or NULL */
	const char *node;
	enum hx_node_backend backend;
	int64_t start_ns;		/* planned, or run when done */
	int64_t end_ns;			/* not before start_ns */
	const char *team;		/* or NULL */
	int64_t priority;
	enum hx_placement_status status;
	const char *reason;		/* why here; what it preempted */
	const char *preempted_by;	/* the job that moved it, or NULL */
};

/* Set P to an empty planned placement. */
void hx_placement_init(struct hx_placement *p);

/*
 * Read and check the placement record JSON into *OUT.  Returns 0, or -1
 * with *MESSAGE (to free) naming the field, as "placement end_ns is
 * before start_ns".
 */
int hx_placement_read(const json_t *json, struct hx_placement *out,
    char **message);

/* The record of P, a new reference. */
json_t *hx_placement_to_json(const struct hx_placement *p);

/* Empty P (nothing is allocated). */
void hx_placement_clear(struct hx_placement *p);

#endif
