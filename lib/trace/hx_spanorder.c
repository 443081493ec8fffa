/*
 * hx_spanorder.c: sorted views of a set of spans.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "hx_err.h"
#include "trace/hx_spanorder.h"

int
hx_spanorder_strcmp(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

int
hx_spanorder_process(const struct hx_span *a, const struct hx_span *b)
{
	int c;

	if ((c = strcmp(a->service, b->service)) != 0)
		return c;
	return hx_spanorder_strcmp(a->host, b->host);
}

const struct hx_span **
hx_spanorder_sort(const struct hx_spanset *set,
    int (*compare)(const void *, const void *))
{
	const struct hx_span **by;
	size_t i;

	by = hx_xcalloc(set->nspans + 1, sizeof(*by));
	for (i = 0; i < set->nspans; i++)
		by[i] = &set->spans[i];
	qsort(by, set->nspans, sizeof(*by), compare);
	return by;
}
