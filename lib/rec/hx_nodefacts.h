/*
 * hx_nodefacts: the facts of a node (hx_facts) as JSON, the "facts"
 * object of a node record and the "node" object of an env record
 * (hx-records(5)).
 */
#ifndef HX_NODEFACTS_H
#define HX_NODEFACTS_H

#include "hx_facts.h"
#include "hx_json.h"

/* The object of F, a new reference. */
json_t *hx_nodefacts_to_json(const struct hx_facts *f);

/*
 * Read and check the facts object JSON into *OUT, whose strings are
 * copies.  WHERE prefixes messages, as "node facts.".  Returns 0, or -1
 * with *MESSAGE (to free) and *OUT empty.
 */
int hx_nodefacts_read(const json_t *json, const char *where,
    struct hx_facts *out, char **message);

#endif
