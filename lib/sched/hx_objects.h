/*
 * hx_objects: the objects of an input file of hx-sched (an inventory,
 * reservations, a job list): JSON lines, one object a line, or one JSON
 * document, an array of objects or an object holding the array under a
 * key ("nodes", "items", "reservations").  Each object comes with the
 * line it starts on, for messages.
 */
#ifndef HX_OBJECTS_H
#define HX_OBJECTS_H

#include <stddef.h>

#include "hx_json.h"

struct hx_objects {
	json_t **items;		/* borrowed from the parsed values */
	unsigned long *lines;	/* where each starts, from 1 */
	size_t n;
	json_t **keep;		/* the parsed values */
	size_t nkeep;
};

/*
 * Parse the LEN bytes at BUF into *OUT, taking a document's array from
 * the member KEY when it is an object with one.  Returns 0, or -1 with
 * *MESSAGE (to free) as "3:7: what is wrong" (line and column).
 */
int hx_objects_parse(const char *buf, size_t len, const char *key,
    struct hx_objects *out, char **message);

void hx_objects_clear(struct hx_objects *o);

#endif
