/*
 * hx_spanset.c: growing arrays of deep-copied spans and metrics.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "trace/hx_spanset.h"

void
hx_spanset_init(struct hx_spanset *set)
{
	memset(set, 0, sizeof(*set));
}

/* A copy of S for the set to own, or NULL for NULL. */
static const char *
own(const char *s)
{
	return s != NULL ? hx_xstrdup(s) : NULL;
}

/* Free a string the set owns. */
static void
drop(const char *s)
{
	free((char *)s);
}

/* Copies of the N pairs at PAIRS, both strings of each owned. */
static struct hx_field_pair *
own_pairs(const struct hx_field_pair *pairs, size_t n)
{
	struct hx_field_pair *copy;
	size_t i;

	if (pairs == NULL)
		return NULL;
	copy = hx_xcalloc(n + 1, sizeof(*copy));
	for (i = 0; i < n; i++) {
		copy[i].name = own(pairs[i].name);
		copy[i].value = own(pairs[i].value);
	}
	return copy;
}

static void
drop_pairs(struct hx_field_pair *pairs, size_t n)
{
	size_t i;

	for (i = 0; pairs != NULL && i < n; i++) {
		drop(pairs[i].name);
		drop(pairs[i].value);
	}
	free(pairs);
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

const struct hx_span *
hx_spanset_add_span(struct hx_spanset *set, const struct hx_span *s)
{
	struct hx_span *copy;
	size_t i;

	set->spans = grow(set->spans, set->nspans, &set->span_room,
	    sizeof(*set->spans));
	copy = &set->spans[set->nspans++];
	*copy = *s;
	copy->trace_id = own(s->trace_id);
	copy->span_id = own(s->span_id);
	copy->parent_id = own(s->parent_id);
	copy->name = own(s->name);
	copy->service = own(s->service);
	copy->host = own(s->host);
	copy->message = own(s->message);
	copy->attrs = own_pairs(s->attrs, s->nattrs);
	if (s->counters != NULL) {
		copy->counters = hx_xcalloc(s->ncounters + 1,
		    sizeof(*copy->counters));
		for (i = 0; i < s->ncounters; i++) {
			copy->counters[i] = s->counters[i];
			copy->counters[i].name = own(s->counters[i].name);
		}
	}
	return copy;
}

const struct hx_metric *
hx_spanset_add_metric(struct hx_spanset *set, const struct hx_metric *m)
{
	struct hx_metric *copy;

	set->metrics = grow(set->metrics, set->nmetrics, &set->metric_room,
	    sizeof(*set->metrics));
	copy = &set->metrics[set->nmetrics++];
	*copy = *m;
	copy->name = own(m->name);
	copy->unit = own(m->unit);
	copy->service = own(m->service);
	copy->labels = own_pairs(m->labels, m->nlabels);
	return copy;
}

void
hx_spanset_clear(struct hx_spanset *set)
{
	struct hx_span *s;
	struct hx_metric *m;
	size_t i, j;

	for (i = 0; i < set->nspans; i++) {
		s = &set->spans[i];
		drop(s->trace_id);
		drop(s->span_id);
		drop(s->parent_id);
		drop(s->name);
		drop(s->service);
		drop(s->host);
		drop(s->message);
		drop_pairs(s->attrs, s->nattrs);
		for (j = 0; s->counters != NULL && j < s->ncounters; j++)
			drop(s->counters[j].name);
		free(s->counters);
	}
	for (i = 0; i < set->nmetrics; i++) {
		m = &set->metrics[i];
		drop(m->name);
		drop(m->unit);
		drop(m->service);
		drop_pairs(m->labels, m->nlabels);
	}
	free(set->spans);
	free(set->metrics);
	hx_spanset_init(set);
}
