/*
 * hx_nodedrift: the drift record, a node whose driver or firmware is not
 * the version its inventory pins (hx-records(5)), from hx-sched health.
 * A warning: the node stays in the pool.
 */
#ifndef HX_NODEDRIFT_H
#define HX_NODEDRIFT_H

#include <stdint.h>

#include "rec/hx_field.h"

/*
 * A drift.  Strings are borrowed: from the JSON value hx_nodedrift_read
 * read, or from the caller that fills the struct to write it.
 */
struct hx_nodedrift {
	const char *node;
	const char *key;	/* "driver" or "firmware" */
	const char *pinned;	/* the version the inventory pins */
	const char *found;	/* the node's, or NULL: it reports none */
	int64_t time_ns;	/* when it was seen */
};

/*
 * Read and check the drift record JSON into *OUT.  Returns 0, or -1 with
 * *MESSAGE (to free) naming the field, as "drift key is missing".
 */
int hx_nodedrift_read(const json_t *json, struct hx_nodedrift *out,
    char **message);

/* The record of D, a new reference. */
json_t *hx_nodedrift_to_json(const struct hx_nodedrift *d);

/* Empty D (nothing is allocated). */
void hx_nodedrift_clear(struct hx_nodedrift *d);

#endif
