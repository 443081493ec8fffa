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

/* The processes met so far: their first spans, and a table of them. */
struct processes {
	const struct hx_span **firsts;	/* by number, N of them */
	size_t n;
	size_t *table;			/* SIZE slots: number + 1, 0 empty */
	size_t size;
};

/* The slot of TABLE where the process of S is, or would go. */
static size_t
slot(const struct processes *p, const struct hx_span *s)
{
	size_t h;

	for (h = hx_spanorder_process_hash(s) & (p->size - 1); p->table[h] != 0 &&
	    hx_spanorder_process(p->firsts[p->table[h] - 1], s) != 0;
	    h = (h + 1) & (p->size - 1))
		continue;
	return h;
}

/* The number of the process of S, a new one when it is the first. */
static size_t
process_number(struct processes *p, const struct hx_span *s)
{
	size_t h = slot(p, s), i;

	if (p->table[h] != 0)
		return p->table[h] - 1;
	p->firsts = hx_xrealloc(p->firsts, (p->n + 1) * sizeof(*p->firsts));
	p->firsts[p->n++] = s;
	p->table[h] = p->n;
	if (2 * p->n >= p->size) {
		free(p->table);
		p->size *= 2;
		p->table = hx_xcalloc(p->size, sizeof(*p->table));
		for (i = 0; i < p->n; i++)
			p->table[slot(p, p->firsts[i])] = i + 1;
	}
	return p->n - 1;
}

/* Order the processes' first spans (const struct hx_span **). */
static int
compare_processes(const void *pa, const void *pb)
{
	return hx_spanorder_process(*(const struct hx_span *const *)pa,
	    *(const struct hx_span *const *)pb);
}

/*
 * Number each span's process through a hash table of the processes
 * seen, sort the few processes by name, and place the spans by a
 * counting sort, which keeps their order within a process.
 */
const struct hx_span **
hx_spanorder_by_process(const struct hx_spanset *set, size_t **starts,
    size_t *nprocesses)
{
	struct processes p = { NULL, 0, NULL, 16 };
	const struct hx_span **by, **sorted;
	size_t *number, *start, i, k;

	p.table = hx_xcalloc(p.size, sizeof(*p.table));
	number = hx_xcalloc(set->nspans + 1, sizeof(*number));
	for (i = 0; i < set->nspans; i++)
		number[i] = process_number(&p, &set->spans[i]);
	sorted = hx_xcalloc(p.n + 1, sizeof(*sorted));
	memcpy(sorted, p.firsts, p.n * sizeof(*sorted));
	qsort(sorted, p.n, sizeof(*sorted), compare_processes);
	/* START[k]: where the spans of process k go. */
	start = hx_xcalloc(p.n + 1, sizeof(*start));
	for (i = 0; i < set->nspans; i++)
		start[number[i]]++;
	*starts = hx_xcalloc(p.n + 1, sizeof(**starts));
	for (i = 0, k = 0; i < p.n; i++) {
		size_t j = process_number(&p, sorted[i]), n = start[j];

		(*starts)[i] = start[j] = k;
		k += n;
	}
	(*starts)[p.n] = k;
	*nprocesses = p.n;
	by = hx_xcalloc(set->nspans + 1, sizeof(*by));
	for (i = 0; i < set->nspans; i++)
		by[start[number[i]]++] = &set->spans[i];
	free(start);
	free(sorted);
	free(number);
	free(p.table);
	free(p.firsts);
	return by;
}
