/*
 * hx_selector: the selector expressions of jobs and reservations
 * (hx-records(5), hx-sched(1)): parsed once, matched against nodes.
 *
 *	key=value  key!=value  key in (a,b)  key notin (a,b)
 *	key  !key  key>=1.2  key>1.2  key<=1.2  key<1.2
 *
 * A key is a node label, or arch or gpu_model when the node has no label
 * of that name.
 */
#ifndef HX_SELECTOR_H
#define HX_SELECTOR_H

#include <stdbool.h>
#include <stddef.h>

#include "rec/hx_node.h"

enum hx_selector_op {
	HX_SELECTOR_EQ,
	HX_SELECTOR_NE,
	HX_SELECTOR_IN,
	HX_SELECTOR_NOTIN,
	HX_SELECTOR_EXISTS,
	HX_SELECTOR_ABSENT,
	HX_SELECTOR_GE,
	HX_SELECTOR_GT,
	HX_SELECTOR_LE,
	HX_SELECTOR_LT,
};

/* One expression. */
struct hx_selector {
	char *key;
	enum hx_selector_op op;
	char **values;		/* NULL-terminated; empty for (!)exists */
	char *text;		/* as written, for messages */
};

/*
 * Parse TEXT into *OUT.  Returns 0, or -1 with *MESSAGE (to free) saying
 * what is wrong and at which column, as "column 7: expected '('".
 */
int hx_selector_parse(const char *text, struct hx_selector *out,
    char **message);

/* Whether node N satisfies S. */
bool hx_selector_match(const struct hx_selector *s, const struct hx_node *n);

/*
 * Compare the versions A and B by their dot-separated numeric
 * components, a missing one counting as 0, then by the text that follows
 * the digits of a component: <0, 0 or >0 as strcmp(3).
 */
int hx_selector_version_compare(const char *a, const char *b);

void hx_selector_clear(struct hx_selector *s);

#endif
