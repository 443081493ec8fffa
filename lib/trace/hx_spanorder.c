/*
 * hx_spanorder.c: sorted views of a set of spans.
 */
#include "config.h"

#include <stdint.h>
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

size_t
hx_spanorder_process_hash(const struct hx_span *s)
{
	uint64_t h = 14695981039346656037ULL;
	const char *p;

	for (p = s->service; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	h *= 1099511628211ULL;
	for (p = s->host != NULL ? s->host : ""; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	return (size_t)(h ^ (h >> 32));
}

/* Order the processes' first spans (const struct hx_span **). */
static int
compare_processes(const void *pa, const void *pb)
{
	return hx_spanorder_process(*(const struct hx_span *const *)pa,
	    *(const struct hx_span *const *)pb);
}

/*
 * Take each span's process from the set, sort the few processes by
 * name, and place the spans by a counting sort, which keeps their order
 * within a process.
 */
const struct hx_span **
hx_spanorder_by_process(const struct hx_spanset *set, size_t **starts,
    size_t *nprocesses)
{
	const struct hx_span **by, **sorted;
	size_t *start, n = set->nprocesses, i, k;

	sorted = hx_xcalloc(n + 1, sizeof(*sorted));
	for (i = 0; i < n; i++)
		sorted[i] = &set->spans[set->process_first[i]];
	qsort(sorted, n, sizeof(*sorted), compare_processes);
	/* START[k]: where the spans of process k go. */
	start = hx_xcalloc(n + 1, sizeof(*start));
	for (i = 0; i < set->nspans; i++)
		start[set->process[i]]++;
	*starts = hx_xcalloc(n + 1, sizeof(**starts));
	for (i = 0, k = 0; i < n; i++) {
		size_t j = set->process[sorted[i] - set->spans], m = start[j];

		(*starts)[i] = start[j] = k;
		k += m;
	}
	(*starts)[n] = k;
	*nprocesses = n;
	by = hx_xcalloc(set->nspans + 1, sizeof(*by));
	for (i = 0; i < set->nspans; i++)
		by[start[set->process[i]]++] = &set->spans[i];
	free(start);
	free(sorted);
	return by;
}
