/*
 * hx_spanset.c: growing arrays of deep-copied spans and metrics, whose
 * strings and lists live in an arena of large chunks: one allocation for
 * many spans instead of one a string, and the strings of a span side by
 * side for the exporters that read them in turn.
 */
#include "config.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "trace/hx_spanorder.h"
#include "trace/hx_spanset.h"

/* The sizes of the chunks of an arena: from the first to the most. */
#define CHUNK_FIRST	4096
#define CHUNK_MOST	(256 * 1024)

/* A chunk of an arena: the previous chunk of the set, then its bytes. */
struct hx_spanset_chunk {
	struct hx_spanset_chunk *prev;
	alignas(max_align_t) char bytes[];
};

/* An arena: its free bytes. */
struct hx_spanset_arena {
	char *next;
	size_t left;
	size_t chunk;		/* the size of its next chunk */
};

void
hx_spanset_init(struct hx_spanset *set)
{
	memset(set, 0, sizeof(*set));
}

/* N bytes rounded up to the alignment of any type. */
static size_t
aligned(size_t n)
{
	return (n + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1);
}

/*
 * SIZE bytes of the arena K of SET, zeroed, aligned for any type.  A new
 * chunk, twice the last up to CHUNK_MOST, is taken when the current one
 * lacks room; the rest of the old one is left unused.
 */
static void *
arena(struct hx_spanset *set, size_t k, size_t size)
{
	struct hx_spanset_arena *a = &set->arenas[k];
	struct hx_spanset_chunk *c;
	size_t room;
	void *p;

	size = aligned(size);
	if (size > a->left) {
		room = size > a->chunk ? size : a->chunk;
		c = hx_xmalloc(sizeof(*c) + room);
		c->prev = set->chunks;
		set->chunks = c;
		a->next = c->bytes;
		a->left = room;
		if (a->chunk < CHUNK_MOST)
			a->chunk *= 2;
	}
	p = a->next;
	a->next += size;
	a->left -= size;
	return memset(p, 0, size);
}

/* A new arena in SET; its number. */
static size_t
new_arena(struct hx_spanset *set)
{
	struct hx_spanset_arena *a;

	set->arenas = hx_xrealloc(set->arenas,
	    (set->narenas + 1) * sizeof(*set->arenas));
	a = &set->arenas[set->narenas];
	a->next = NULL;
	a->left = 0;
	a->chunk = CHUNK_FIRST;
	return set->narenas++;
}

/* The slot of the table of SET where the process of S is, or would go. */
static size_t
slot(const struct hx_spanset *set, const struct hx_span *s)
{
	size_t h, k;

	for (h = hx_spanorder_process_hash(s) & (set->table_size - 1);
	    (k = set->table[h]) != 0 && hx_spanorder_process(
	    &set->spans[set->process_first[k - 1]], s) != 0;
	    h = (h + 1) & (set->table_size - 1))
		continue;
	return h;
}

/*
 * The number of the process of S, the last span of SET: a new one, with
 * its arena, when S is its first span, the table then grown as it fills.
 * Arena 0 holds the metrics, arena K + 1 the spans of process K.
 */
static size_t
process_number(struct hx_spanset *set, const struct hx_span *s)
{
	size_t h, k;

	if (set->table_size == 0) {
		set->table_size = 16;
		set->table = hx_xcalloc(set->table_size, sizeof(*set->table));
	}
	if (set->narenas == 0)
		new_arena(set);
	h = slot(set, s);
	if (set->table[h] != 0)
		return set->table[h] - 1;
	set->process_first = hx_xrealloc(set->process_first,
	    (set->nprocesses + 1) * sizeof(*set->process_first));
	set->process_first[set->nprocesses++] = set->nspans - 1;
	set->table[h] = set->nprocesses;
	new_arena(set);
	if (2 * set->nprocesses >= set->table_size) {
		free(set->table);
		set->table_size *= 2;
		set->table = hx_xcalloc(set->table_size, sizeof(*set->table));
		for (k = 0; k < set->nprocesses; k++)
			set->table[slot(set, &set->spans[set->process_first[k]])]
			    = k + 1;
	}
	return set->nprocesses - 1;
}

/* The bytes a copy of S takes with its NUL, 0 for NULL. */
static size_t
need(const char *s)
{
	return s != NULL ? strlen(s) + 1 : 0;
}

/*
 * A copy of S (NULL for NULL) at *AT, which then moves past it: the
 * strings of one copy are written one after the other into the block
 * taken for them.
 */
static const char *
own(char **at, const char *s)
{
	size_t n;
	char *copy = *at;

	if (s == NULL)
		return NULL;
	n = strlen(s) + 1;
	memcpy(copy, s, n);
	*at += n;
	return copy;
}

/* The bytes the strings of the N pairs at PAIRS take. */
static size_t
need_pairs(const struct hx_field_pair *pairs, size_t n)
{
	size_t i, size = 0;

	for (i = 0; pairs != NULL && i < n; i++)
		size += need(pairs[i].name) + need(pairs[i].value);
	return size;
}

/*
 * Copies of the N pairs at PAIRS into LIST (room for N and a zeroed
 * terminator), their strings at *AT; NULL when PAIRS is.
 */
static struct hx_field_pair *
own_pairs(struct hx_field_pair *list, char **at,
    const struct hx_field_pair *pairs, size_t n)
{
	size_t i;

	if (pairs == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		list[i].name = own(at, pairs[i].name);
		list[i].value = own(at, pairs[i].value);
	}
	return list;
}

/* Room for one more of SIZE bytes in *ARRAY of *N, *ROOM allocated. */
static void *
grow(void *array, size_t n, size_t *room, size_t size)
{
	if (n < *room)
		return array;
	*room = *room != 0 ? 2 * *room : 64;
	return hx_xrealloc(array, *room * size);
}

/*
 * One block of the arena for the strings and lists of S, in the order
 * the exporters read them: ids, name and the other strings, then its
 * attrs and counters (each with a zeroed terminator) and their strings.
 */
const struct hx_span *
hx_spanset_add_span(struct hx_spanset *set, const struct hx_span *s)
{
	struct hx_span *copy;
	size_t i, nattrs = 0, ncounters = 0, head, size, room, k;
	char *block, *at;

	room = set->span_room;
	set->spans = grow(set->spans, set->nspans, &set->span_room,
	    sizeof(*set->spans));
	if (set->span_room != room)
		set->process = hx_xrealloc(set->process,
		    set->span_room * sizeof(*set->process));
	copy = &set->spans[set->nspans++];
	*copy = *s;
	k = set->process[set->nspans - 1] = process_number(set, copy);
	if (s->attrs != NULL)
		nattrs = s->nattrs + 1;
	if (s->counters != NULL)
		ncounters = s->ncounters + 1;
	head = aligned(need(s->trace_id) + need(s->span_id) +
	    need(s->parent_id) + need(s->name) + need(s->service) +
	    need(s->host) + need(s->message));
	size = head + nattrs * sizeof(*copy->attrs) +
	    ncounters * sizeof(*copy->counters) +
	    need_pairs(s->attrs, s->nattrs);
	for (i = 0; s->counters != NULL && i < s->ncounters; i++)
		size += need(s->counters[i].name);
	at = block = arena(set, k + 1, size);
	copy->trace_id = own(&at, s->trace_id);
	copy->span_id = own(&at, s->span_id);
	copy->parent_id = own(&at, s->parent_id);
	copy->name = own(&at, s->name);
	copy->service = own(&at, s->service);
	copy->host = own(&at, s->host);
	copy->message = own(&at, s->message);
	at = block + head + nattrs * sizeof(*copy->attrs) +
	    ncounters * sizeof(*copy->counters);
	copy->attrs = own_pairs((struct hx_field_pair *)(block + head), &at,
	    s->attrs, s->nattrs);
	if (s->counters != NULL) {
		copy->counters = (struct hx_span_counter *)(block + head +
		    nattrs * sizeof(*copy->attrs));
		for (i = 0; i < s->ncounters; i++) {
			copy->counters[i] = s->counters[i];
			copy->counters[i].name = own(&at, s->counters[i].name);
		}
	}
	return copy;
}

/* One block of the arena for M's labels and strings, as for a span. */
const struct hx_metric *
hx_spanset_add_metric(struct hx_spanset *set, const struct hx_metric *m)
{
	struct hx_metric *copy;
	size_t nlabels = 0, size;
	char *block, *at;

	set->metrics = grow(set->metrics, set->nmetrics, &set->metric_room,
	    sizeof(*set->metrics));
	copy = &set->metrics[set->nmetrics++];
	*copy = *m;
	if (m->labels != NULL)
		nlabels = m->nlabels + 1;
	size = nlabels * sizeof(*copy->labels) + need(m->name) +
	    need(m->unit) + need(m->service) +
	    need_pairs(m->labels, m->nlabels);
	if (set->narenas == 0)
		new_arena(set);
	block = arena(set, 0, size);
	at = block + nlabels * sizeof(*copy->labels);
	copy->labels = own_pairs((struct hx_field_pair *)block, &at,
	    m->labels, m->nlabels);
	copy->name = own(&at, m->name);
	copy->unit = own(&at, m->unit);
	copy->service = own(&at, m->service);
	return copy;
}

void
hx_spanset_clear(struct hx_spanset *set)
{
	struct hx_spanset_chunk *c, *prev;

	for (c = set->chunks; c != NULL; c = prev) {
		prev = c->prev;
		free(c);
	}
	free(set->spans);
	free(set->metrics);
	free(set->process);
	free(set->process_first);
	free(set->arenas);
	free(set->table);
	hx_spanset_init(set);
}
