/*
 * hx_correlate.c: traces from spans: grouping by trace id, the tree,
 * clock offsets, self times and the critical path (hx_correlate.h says
 * how each is defined).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "trace/hx_correlate.h"

/* A span of the trace being built, with its corrected times. */
struct node {
	const struct hx_span *span;
	size_t order;		/* its index in the set */
	long parent;		/* a node; -1: none given; -2: missing */
	size_t *children;	/* node indices, into the trace's list */
	size_t nchildren;
	int64_t start, end;
};

/*
 * Sums of times that can pass 64 bits: times are any integers from 0 up
 * in what a fuzzer or a broken clock writes.
 */
__extension__ typedef __int128 wide;

/* A host pair's offset: the sum of 2 * (b - a) over COUNT pairs. */
struct edge {
	size_t a, b;		/* host indices, a < b */
	wide sum;
	int64_t count;
};

/* The trace being built. */
struct build {
	struct node *nodes;
	size_t n;
	size_t *child_list;
	const char **hosts;	/* sorted, distinct */
	size_t nhosts;
	wide *offset;		/* per host */
	bool *known;		/* whether offset[i] is known */
};

/* Order spans of one array by trace id, span id, then place. */
static int
by_trace_span(const void *a, const void *b)
{
	const struct hx_span *s = *(const struct hx_span *const *)a;
	const struct hx_span *t = *(const struct hx_span *const *)b;
	int c;

	if ((c = strcmp(s->trace_id, t->trace_id)) != 0 ||
	    (c = strcmp(s->span_id, t->span_id)) != 0)
		return c;
	return s < t ? -1 : s > t;
}

static int
by_string(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The node whose span id is ID, or -2. */
static long
find_node(const struct build *b, const char *id)
{
	size_t lo = 0, hi = b->n, mid;
	int c;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if ((c = strcmp(b->nodes[mid].span->span_id, id)) == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -2;
}

/* The index of HOST in B's hosts. */
static size_t
host_index(const struct build *b, const char *host)
{
	const char **p = bsearch(&host, b->hosts, b->nhosts,
	    sizeof(*b->hosts), by_string);

	return (size_t)(p - b->hosts);
}

/* X within the times a span can have: 0 to INT64_MAX. */
static int64_t
clamp(wide x)
{
	return x < 0 ? 0 : x > INT64_MAX ? INT64_MAX : (int64_t)x;
}

/* X as an int64_t, the nearest one when it does not fit. */
static int64_t
saturate(wide x)
{
	return x < INT64_MIN ? INT64_MIN : x > INT64_MAX ? INT64_MAX :
	    (int64_t)x;
}

/* A / D rounded down, for D > 0. */
static wide
floor_div(wide a, wide d)
{
	wide q = a / d;

	return q * d > a ? q - 1 : q;
}

/* Link every node to its parent and its children. */
static void
link_tree(struct build *b)
{
	size_t i, k = 0;
	long p;

	for (i = 0; i < b->n; i++) {
		b->nodes[i].parent = b->nodes[i].span->parent_id == NULL ? -1 :
		    find_node(b, b->nodes[i].span->parent_id);
		if (b->nodes[i].parent >= 0)
			b->nodes[b->nodes[i].parent].nchildren++;
	}
	b->child_list = hx_xcalloc(b->n + 1, sizeof(*b->child_list));
	for (i = 0; i < b->n; i++) {
		b->nodes[i].children = b->child_list + k;
		k += b->nodes[i].nchildren;
		b->nodes[i].nchildren = 0;
	}
	for (i = 0; i < b->n; i++)
		if ((p = b->nodes[i].parent) >= 0)
			b->nodes[p].children[b->nodes[p].nchildren++] = i;
}

/*
 * The root: the earliest node without a parent, else the earliest whose
 * parent is missing, else, when every parent goes round in a cycle, the
 * earliest node (ties: the first in the set).
 */
static size_t
find_root(const struct build *b)
{
	size_t i, best = 0;
	bool found = false, any_root = false, any_orphan = false;

	for (i = 0; i < b->n; i++) {
		any_root |= b->nodes[i].parent == -1;
		any_orphan |= b->nodes[i].parent == -2;
	}
	for (i = 0; i < b->n; i++) {
		if (any_root ? b->nodes[i].parent != -1 : any_orphan &&
		    b->nodes[i].parent != -2)
			continue;
		if (!found || b->nodes[i].span->start_ns <
		    b->nodes[best].span->start_ns ||
		    (b->nodes[i].span->start_ns ==
		    b->nodes[best].span->start_ns &&
		    b->nodes[i].order < b->nodes[best].order))
			best = i;
		found = true;
	}
	return best;
}

/* The distinct hosts of B's spans, sorted. */
static void
collect_hosts(struct build *b)
{
	size_t i, k = 0;

	b->hosts = hx_xcalloc(b->n + 1, sizeof(*b->hosts));
	for (i = 0; i < b->n; i++)
		if (b->nodes[i].span->host != NULL)
			b->hosts[k++] = b->nodes[i].span->host;
	qsort(b->hosts, k, sizeof(*b->hosts), by_string);
	for (i = 0, b->nhosts = 0; i < k; i++)
		if (b->nhosts == 0 || strcmp(b->hosts[b->nhosts - 1],
		    b->hosts[i]) != 0)
			b->hosts[b->nhosts++] = b->hosts[i];
	b->offset = hx_xcalloc(b->nhosts + 1, sizeof(*b->offset));
	b->known = hx_xcalloc(b->nhosts + 1, sizeof(*b->known));
}

/*
 * The offset of every host a chain of client/server pairs links to the
 * host of ROOT, from the NTP estimates of those pairs.
 */
static void
clock_offsets(struct build *b, size_t root)
{
	struct edge *edges = hx_xcalloc(b->n + 1, sizeof(*edges));
	const struct hx_span *s, *c;
	size_t i, j, nedges = 0, ha, hb;
	wide d, off;
	bool changed;

	collect_hosts(b);
	for (i = 0; i < b->n; i++) {
		s = b->nodes[i].span;
		if (b->nodes[i].parent < 0 || s->kind != HX_SPAN_SERVER)
			continue;
		c = b->nodes[b->nodes[i].parent].span;
		if (c->kind != HX_SPAN_CLIENT || s->host == NULL ||
		    c->host == NULL || strcmp(s->host, c->host) == 0)
			continue;
		ha = host_index(b, c->host);
		hb = host_index(b, s->host);
		d = ((wide)s->start_ns - c->start_ns) +
		    ((wide)s->end_ns - c->end_ns);
		if (ha > hb) {
			j = ha;
			ha = hb;
			hb = j;
			d = -d;
		}
		for (j = 0; j < nedges && (edges[j].a != ha ||
		    edges[j].b != hb); j++)
			continue;
		if (j == nedges)
			edges[nedges++] = (struct edge){ ha, hb, 0, 0 };
		edges[j].sum += d;
		edges[j].count++;
	}
	if (b->nodes[root].span->host != NULL)
		b->known[host_index(b, b->nodes[root].span->host)] = true;
	do {
		changed = false;
		for (j = 0; j < nedges; j++) {
			off = floor_div(edges[j].sum, 2 * edges[j].count);
			if (b->known[edges[j].a] && !b->known[edges[j].b])
				b->offset[edges[j].b] = b->offset[edges[j].a] +
				    off;
			else if (b->known[edges[j].b] && !b->known[edges[j].a])
				b->offset[edges[j].a] = b->offset[edges[j].b] -
				    off;
			else
				continue;
			b->known[edges[j].a] = b->known[edges[j].b] = true;
			changed = true;
		}
	} while (changed);
	free(edges);
	for (i = 0; i < b->n; i++) {
		s = b->nodes[i].span;
		off = 0;
		if (s->host != NULL && b->known[j = host_index(b, s->host)])
			off = b->offset[j];
		b->nodes[i].start = clamp(s->start_ns - off);
		b->nodes[i].end = clamp(s->end_ns - off);
	}
}

/* An interval of time, for the union of children. */
struct interval {
	int64_t from, to;
};

static int
by_from(const void *a, const void *b)
{
	const struct interval *x = a, *y = b;

	return x->from < y->from ? -1 : x->from > y->from;
}

/*
 * The time of the union of the intervals of nodes LIST[0 .. N - 1],
 * clipped to FROM .. TO.
 */
static int64_t
covered(const struct build *b, int64_t from, int64_t to, const size_t *list,
    size_t n)
{
	struct interval *iv = hx_xcalloc(n + 1, sizeof(*iv));
	int64_t sum = 0, lo = 0, hi = 0;
	size_t k, m = 0;
	const struct node *c;

	for (k = 0; k < n; k++) {
		c = &b->nodes[list[k]];
		iv[m].from = c->start > from ? c->start : from;
		iv[m].to = c->end < to ? c->end : to;
		if (iv[m].to > iv[m].from)
			m++;
	}
	qsort(iv, m, sizeof(*iv), by_from);
	for (k = 0; k < m; k++) {
		if (k == 0 || iv[k].from > hi) {
			sum += hi - lo;
			lo = iv[k].from;
			hi = iv[k].to;
		} else if (iv[k].to > hi)
			hi = iv[k].to;
	}
	sum += hi - lo;
	free(iv);
	return sum;
}

/* Node I's duration less the union of its children's, clipped to it. */
static int64_t
self_time(const struct build *b, size_t i)
{
	const struct node *v = &b->nodes[i];

	return v->end - v->start - covered(b, v->start, v->end, v->children,
	    v->nchildren);
}

/* Add NS to SERVICE in T's services, kept sorted by name. */
static void
add_service(struct hx_correlate_trace *t, const char *service, int64_t ns)
{
	size_t i;

	for (i = 0; i < t->nservices && strcmp(t->services[i].name,
	    service) < 0; i++)
		continue;
	if (i < t->nservices && strcmp(t->services[i].name, service) == 0) {
		t->services[i].self_ns = clamp((wide)t->services[i].self_ns +
		    ns);
		return;
	}
	memmove(&t->services[i + 1], &t->services[i],
	    (t->nservices - i) * sizeof(*t->services));
	t->services[i] = (struct hx_correlate_service){ service, ns };
	t->nservices++;
}

/* Add NS of SPAN to the front of T's path, which is built backwards. */
static void
add_step(struct hx_correlate_trace *t, const struct hx_span *span,
    int64_t ns)
{
	if (ns <= 0)
		return;
	if (t->npath > 0 && t->path[t->npath - 1].span == span)
		t->path[t->npath - 1].ns += ns;
	else
		t->path[t->npath++] = (struct hx_correlate_step){ span, ns };
}

/* One span being walked back: its part from FROM up to TO is left. */
struct frame {
	size_t node;
	int64_t from, to;
};

/*
 * The critical path of B from ROOT into T, in time order.  A span on the
 * walk already is never entered again: a trace whose parents go round in
 * a cycle (no root but a span of the cycle) would walk it for ever.
 */
static void
critical_path(const struct build *b, size_t root,
    struct hx_correlate_trace *t)
{
	struct frame *stack = hx_xcalloc(b->n + 1, sizeof(*stack)), *f;
	bool *walking = hx_xcalloc(b->n + 1, sizeof(*walking));
	const struct node *v, *c;
	size_t depth = 1, k, i;
	int64_t end, best_end, start;
	long best;

	/* Each step of a span adds at most one stretch before a child. */
	t->path = hx_xcalloc(2 * b->n + 1, sizeof(*t->path));
	stack[0] = (struct frame){ root, b->nodes[root].start,
	    b->nodes[root].end };
	walking[root] = true;
	while (depth > 0) {
		f = &stack[depth - 1];
		v = &b->nodes[f->node];
		best = -1;
		best_end = f->from;
		for (k = 0; k < v->nchildren; k++) {
			/* A root in a cycle is no child of the spans below it. */
			if (v->children[k] == root)
				continue;
			c = &b->nodes[v->children[k]];
			end = c->end < f->to ? c->end : f->to;
			if (!walking[v->children[k]] && c->start < f->to &&
			    end > best_end) {
				best = (long)v->children[k];
				best_end = end;
			}
		}
		if (best < 0) {
			add_step(t, v->span, f->to - f->from);
			walking[f->node] = false;
			depth--;
			continue;
		}
		add_step(t, v->span, f->to - best_end);
		c = &b->nodes[best];
		start = c->start > f->from ? c->start : f->from;
		f->to = start;
		stack[depth++] = (struct frame){ (size_t)best, start,
		    best_end };
		walking[best] = true;
	}
	free(walking);
	free(stack);
	for (i = 0; i < t->npath / 2; i++) {
		struct hx_correlate_step tmp = t->path[i];

		t->path[i] = t->path[t->npath - 1 - i];
		t->path[t->npath - 1 - i] = tmp;
	}
}

/* Order orphans by their place in the set. */
static int
by_order(const void *a, const void *b)
{
	const struct node *x = *(const struct node *const *)a;
	const struct node *y = *(const struct node *const *)b;

	return x->order < y->order ? -1 : x->order > y->order;
}

/* Mark node TOP and every node below it in SEEN. */
static void
mark_below(const struct build *b, size_t top, bool *seen)
{
	size_t *stack = hx_xcalloc(b->n + 1, sizeof(*stack)), depth = 0, i, k;

	if (!seen[top]) {
		seen[top] = true;
		stack[depth++] = top;
	}
	while (depth > 0) {
		i = stack[--depth];
		for (k = 0; k < b->nodes[i].nchildren; k++)
			if (!seen[b->nodes[i].children[k]]) {
				seen[b->nodes[i].children[k]] = true;
				stack[depth++] = b->nodes[i].children[k];
			}
	}
	free(stack);
}

/*
 * The spans of B below neither ROOT nor an orphan, those whose parents
 * go round in a cycle, into T in the order of the set.
 */
static void
find_unreachable(const struct build *b, size_t root,
    struct hx_correlate_trace *t)
{
	bool *seen = hx_xcalloc(b->n + 1, sizeof(*seen));
	const struct node **lost = hx_xcalloc(b->n + 1, sizeof(*lost));
	size_t i;

	mark_below(b, root, seen);
	for (i = 0; i < b->n; i++)
		if (b->nodes[i].parent == -2)
			mark_below(b, i, seen);
	for (i = 0; i < b->n; i++)
		if (!seen[i])
			lost[t->nunreachable++] = &b->nodes[i];
	qsort(lost, t->nunreachable, sizeof(*lost), by_order);
	t->unreachable = hx_xcalloc(t->nunreachable + 1,
	    sizeof(*t->unreachable));
	for (i = 0; i < t->nunreachable; i++)
		t->unreachable[i] = lost[i]->span;
	free(lost);
	free(seen);
}

/* Order parts by the place of their span in the set. */
static int
by_part_order(const void *a, const void *b)
{
	const struct hx_correlate_part *x = a, *y = b;

	return x->span < y->span ? -1 : x->span > y->span;
}

/* The value of attribute KEY of SPAN, or NULL. */
static const char *
attr(const struct hx_span *span, const char *key)
{
	size_t i;

	for (i = 0; i < span->nattrs; i++)
		if (strcmp(span->attrs[i].name, key) == 0)
			return span->attrs[i].value;
	return NULL;
}

/* The stage of node I (hx_correlate.h). */
static const char *
stage_of(const struct build *b, size_t i)
{
	const struct node *v = &b->nodes[i];
	const char *stage;
	size_t k;

	if (v->span->kind == HX_SPAN_CLIENT)
		for (k = 0; k < v->nchildren; k++)
			if (b->nodes[v->children[k]].span->kind ==
			    HX_SPAN_SERVER)
				return "rpc";
	if ((stage = attr(v->span, "hx.stage")) != NULL)
		return stage;
	if (strcmp(v->span->service, "hx-offload") == 0)
		return "gpu";
	return v->span->service;
}

/*
 * The profile of node I: its attribute profile or the nearest one above,
 * looking at most N spans up (parents may go round in a cycle).
 */
static const char *
profile_of(const struct build *b, size_t i)
{
	const char *p;
	long k = (long)i;
	size_t steps;

	for (steps = 0; k >= 0 && steps < b->n; steps++) {
		if ((p = attr(b->nodes[k].span, "profile")) != NULL)
			return p;
		k = b->nodes[k].parent;
	}
	return NULL;
}

/*
 * The parts of B's stages into T: one for each span whose parent is
 * missing or of another stage, less the spans of other stages right
 * below its spans of the same stage.
 */
static void
stage_parts(const struct build *b, struct hx_correlate_trace *t)
{
	const char **stage = hx_xcalloc(b->n + 1, sizeof(*stage));
	size_t *stack = hx_xcalloc(b->n + 1, sizeof(*stack));
	size_t *below = hx_xcalloc(b->n + 1, sizeof(*below));
	size_t *seen = hx_xcalloc(b->n + 1, sizeof(*seen));
	size_t i, k, c, depth, nbelow;
	const struct node *v;

	for (i = 0; i < b->n; i++)
		stage[i] = stage_of(b, i);
	t->parts = hx_xcalloc(b->n + 1, sizeof(*t->parts));
	for (i = 0; i < b->n; i++) {
		v = &b->nodes[i];
		if (v->parent >= 0 && strcmp(stage[v->parent], stage[i]) == 0)
			continue;
		/* seen[k] == i + 1: node k was met from part i. */
		seen[i] = i + 1;
		stack[0] = i;
		depth = 1;
		nbelow = 0;
		while (depth > 0) {
			k = stack[--depth];
			for (c = 0; c < b->nodes[k].nchildren; c++) {
				if (seen[b->nodes[k].children[c]] == i + 1)
					continue;
				seen[b->nodes[k].children[c]] = i + 1;
				if (strcmp(stage[b->nodes[k].children[c]],
				    stage[i]) == 0)
					stack[depth++] =
					    b->nodes[k].children[c];
				else
					below[nbelow++] =
					    b->nodes[k].children[c];
			}
		}
		t->parts[t->nparts++] = (struct hx_correlate_part){ stage[i],
		    profile_of(b, i), v->span, v->end - v->start -
		    covered(b, v->start, v->end, below, nbelow) };
	}
	qsort(t->parts, t->nparts, sizeof(*t->parts), by_part_order);
	free(seen);
	free(below);
	free(stack);
	free(stage);
}

/* T from the N distinct spans of one trace in NODES, sorted by id. */
static void
build_trace(struct hx_correlate_trace *t, struct node *nodes, size_t n)
{
	struct build b = { nodes, n, NULL, NULL, 0, NULL, NULL };
	const struct node **orphans;
	size_t i, root;

	link_tree(&b);
	root = find_root(&b);
	clock_offsets(&b, root);
	t->trace_id = nodes[0].span->trace_id;
	t->root = nodes[root].span;
	t->start_ns = nodes[root].start;
	t->duration_ns = nodes[root].end - nodes[root].start;
	t->nspans = n;
	orphans = hx_xcalloc(n + 1, sizeof(*orphans));
	for (i = 0; i < n; i++)
		if (nodes[i].parent == -2)
			orphans[t->norphans++] = &nodes[i];
	qsort(orphans, t->norphans, sizeof(*orphans), by_order);
	t->orphans = hx_xcalloc(t->norphans + 1, sizeof(*t->orphans));
	for (i = 0; i < t->norphans; i++)
		t->orphans[i] = orphans[i]->span;
	free(orphans);
	find_unreachable(&b, root, t);
	t->services = hx_xcalloc(n + 1, sizeof(*t->services));
	for (i = 0; i < n; i++)
		add_service(t, nodes[i].span->service, self_time(&b, i));
	critical_path(&b, root, t);
	stage_parts(&b, t);
	t->offsets = hx_xcalloc(b.nhosts + 1, sizeof(*t->offsets));
	for (i = 0; i < b.nhosts; i++) {
		if (!b.known[i])
			continue;
		t->offsets[t->noffsets].host = b.hosts[i];
		t->offsets[t->noffsets++].ns = saturate(b.offset[i]);
	}
	free(b.child_list);
	free(b.hosts);
	free(b.offset);
	free(b.known);
}

/* A trace's run of sorted indices, and where its first span is. */
struct group {
	size_t begin, end, first;
};

static int
by_first(const void *a, const void *b)
{
	const struct group *x = a, *y = b;

	return x->first < y->first ? -1 : x->first > y->first;
}

void
hx_correlate(const struct hx_spanset *set,
    struct hx_correlate_trace **traces, size_t *ntraces)
{
	const struct hx_span **sorted = hx_xcalloc(set->nspans + 1,
	    sizeof(*sorted));
	struct group *groups = hx_xcalloc(set->nspans + 1, sizeof(*groups));
	struct node *nodes;
	size_t i, j, k, ngroups = 0, n, order;

	for (i = 0; i < set->nspans; i++)
		sorted[i] = &set->spans[i];
	qsort(sorted, set->nspans, sizeof(*sorted), by_trace_span);
	for (i = 0; i < set->nspans; i = j) {
		groups[ngroups] = (struct group){ i, i,
		    (size_t)(sorted[i] - set->spans) };
		for (j = i; j < set->nspans && strcmp(sorted[j]->trace_id,
		    sorted[i]->trace_id) == 0; j++)
			if ((order = (size_t)(sorted[j] - set->spans)) <
			    groups[ngroups].first)
				groups[ngroups].first = order;
		groups[ngroups++].end = j;
	}
	qsort(groups, ngroups, sizeof(*groups), by_first);
	*traces = hx_xcalloc(ngroups + 1, sizeof(**traces));
	*ntraces = ngroups;
	nodes = hx_xcalloc(set->nspans + 1, sizeof(*nodes));
	for (k = 0; k < ngroups; k++) {
		n = 0;
		for (i = groups[k].begin; i < groups[k].end; i++) {
			if (n > 0 && strcmp(nodes[n - 1].span->span_id,
			    sorted[i]->span_id) == 0)
				continue;
			memset(&nodes[n], 0, sizeof(nodes[n]));
			nodes[n].span = sorted[i];
			nodes[n++].order = (size_t)(sorted[i] - set->spans);
		}
		build_trace(&(*traces)[k], nodes, n);
	}
	free(nodes);
	free(groups);
	free(sorted);
}

/* The array of SPANS[0 .. N - 1]: span_id, name and parent_id of each. */
static json_t *
span_list(const struct hx_span *const *spans, size_t n)
{
	json_t *list = json_array(), *item;
	size_t i;

	for (i = 0; i < n; i++) {
		item = json_object();
		hx_field_set_string(item, "span_id", spans[i]->span_id);
		hx_field_set_string(item, "name", spans[i]->name);
		hx_field_set_string(item, "parent_id", spans[i]->parent_id);
		json_array_append_new(list, item);
	}
	return list;
}

json_t *
hx_correlate_to_json(const struct hx_correlate_trace *t)
{
	json_t *rec = json_object(), *list, *item, *map;
	size_t i;

	json_object_set_new(rec, "type", json_string("trace"));
	hx_field_set_string(rec, "trace_id", t->trace_id);
	hx_field_set_string(rec, "root", t->root->name);
	hx_field_set_string(rec, "root_span_id", t->root->span_id);
	json_object_set_new(rec, "start_ns", json_integer(t->start_ns));
	json_object_set_new(rec, "duration_ns", json_integer(t->duration_ns));
	json_object_set_new(rec, "spans", json_integer((json_int_t)t->nspans));
	json_object_set_new(rec, "orphans", span_list(t->orphans,
	    t->norphans));
	if (t->nunreachable > 0)
		json_object_set_new(rec, "unreachable",
		    span_list(t->unreachable, t->nunreachable));
	list = json_array();
	for (i = 0; i < t->npath; i++) {
		item = json_object();
		hx_field_set_string(item, "span_id", t->path[i].span->span_id);
		hx_field_set_string(item, "name", t->path[i].span->name);
		hx_field_set_string(item, "service", t->path[i].span->service);
		json_object_set_new(item, "ns", json_integer(t->path[i].ns));
		json_array_append_new(list, item);
	}
	json_object_set_new(rec, "critical_path", list);
	map = json_object();
	for (i = 0; i < t->nservices; i++)
		json_object_set_new(map, t->services[i].name,
		    json_integer(t->services[i].self_ns));
	json_object_set_new(rec, "services", map);
	map = json_object();
	for (i = 0; i < t->noffsets; i++)
		json_object_set_new(map, t->offsets[i].host,
		    json_integer(t->offsets[i].ns));
	json_object_set_new(rec, "offsets", map);
	return rec;
}

void
hx_correlate_free(struct hx_correlate_trace *traces, size_t ntraces)
{
	size_t i;

	for (i = 0; i < ntraces; i++) {
		free(traces[i].orphans);
		free(traces[i].unreachable);
		free(traces[i].path);
		free(traces[i].services);
		free(traces[i].offsets);
		free(traces[i].parts);
	}
	free(traces);
}
