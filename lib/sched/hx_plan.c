/*
 * hx_plan.c: placing jobs on nodes over time.
 *
 * Each usable node keeps a profile: a step function of time, from now
 * on, of the CPUs, memory and GPUs its planned jobs hold, as segments
 * [t[i], t[i+1]) (the last one open).  A job fits at time s when every
 * segment over [s, s + duration) leaves room for it and none lies in a
 * reservation window of another team.  Nodes with the same arch, model,
 * capacity and labels form a class: selectors are matched once per
 * class, and each class keeps its nodes in a heap per resource, by the
 * earliest time some of that resource is free: a lower bound of the
 * start of any job that needs it.  A search takes nodes from the heap
 * of the resource the job needs most (GPUs, else CPUs, else memory) and
 * stops when no node left can start it sooner, or SEARCH_WIDTH nodes
 * after the first that fits: the start found is then the earliest of
 * the nodes seen, which with many busy nodes of one class may not be
 * the earliest of all.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sched/hx_plan.h"
#include "sched/hx_selector.h"

#define INF INT64_MAX

enum { CPU, MEM, GPU, NRES };

/* How many more nodes a search looks at once one fits. */
#define SEARCH_WIDTH	16

/* A job's hold on a node. */
struct alloc {
	size_t job;
	int64_t start, end;
	int64_t req[NRES];
	bool preemptible;	/* a lone job of the previous plan */
	bool live;
};

/* A reservation window on a node. */
struct window {
	int64_t start, end;
	const char *team;
};

struct pnode {
	const struct hx_node *node;
	size_t cls;
	int64_t cap[NRES];
	int64_t *t;		/* segment starts */
	int64_t *u;		/* usage: u[i * NRES + r] */
	size_t nseg, segcap;
	struct alloc *allocs;
	size_t nallocs;
	struct window *windows;
	size_t nwindows;
	int64_t lb[NRES];	/* earliest time some of each is free */
	unsigned stamp;		/* the search that last saw it */
	unsigned taken;		/* the group attempt that took it */
	size_t npreemptible;
	bool listed;		/* in the plan's list of such nodes */
};

struct entry {
	int64_t key;
	size_t node;
};

/* Nodes by bound, for one resource. */
struct heap {
	struct entry *e;
	size_t n, cap;
};

struct cls {
	size_t rep;		/* a node of the class */
	struct heap heaps[NRES];
};

/* What the planner knows of a job beyond its record. */
struct jobinfo {
	struct hx_selector *sel;
	size_t nsel;
	int64_t req[NRES];
	int64_t duration;
	size_t *classes;	/* the classes it fits, by arch and selector */
	size_t nclasses;
	size_t unit;
	long result;		/* its current result, or -1 */
	int64_t start, end;	/* when placed */
	size_t node;
	const char *why;	/* a note for the reason, or NULL */
	const char *preempted_by;
	const struct hx_placement *prior;	/* in the previous plan */
};

/* A lone job or a group: what is placed in one decision. */
struct unit {
	size_t *members;
	size_t n;
	int64_t priority;
	const char *team;
	const char *group;
	enum hx_job_placement how;
};

struct team {
	const char *name;
	double weight;
	double usage;
};

/* The units waiting at one priority, by team. */
struct level {
	int64_t priority;
	size_t **queues;	/* per team: unit indices, FIFO */
	size_t *nqueue, *head;
};

/* A cached match of classes, keyed by arch and selector. */
struct match {
	char *key;
	size_t *classes;
	size_t n;
};

struct hx_plan {
	const struct hx_job *jobs;
	size_t njobs;
	struct hx_plan_options opt;
	struct pnode *nodes;
	size_t nnodes;
	struct cls *classes;
	size_t nclasses;
	struct jobinfo *info;
	struct unit *units;
	size_t nunits;
	struct team *teams;
	size_t nteams;
	struct level *levels;
	size_t nlevels;
	struct match *matches;	/* open addressing */
	size_t matchcap, nmatches;
	size_t *preemptible;	/* nodes that held preemptible jobs */
	size_t npreemptible;
	struct hx_plan_result *results;
	size_t nresults;
	char **strings;
	size_t nstrings;
	unsigned stamp, taken;
};

/* Keep S for the life of PLAN and return it. */
static const char *
own(struct hx_plan *plan, char *s)
{
	if ((plan->nstrings & (plan->nstrings + 1)) == 0 ||
	    plan->nstrings == 0)
		plan->strings = hx_xrealloc(plan->strings,
		    (plan->nstrings * 2 + 2) * sizeof(*plan->strings));
	plan->strings[plan->nstrings++] = s;
	return s;
}

/* Grow *P, of *CAP items of SIZE, to hold N. */
static void
grow(void **p, size_t *cap, size_t n, size_t size)
{
	if (n <= *cap)
		return;
	*cap = *cap * 2 > n ? *cap * 2 : n + 4;
	*p = hx_xrealloc(*p, *cap * size);
}

/* --- profiles --- */

/* The segment of N that holds time T (T at or after its start). */
static size_t
segment_at(const struct pnode *n, int64_t t)
{
	size_t lo = 0, hi = n->nseg;

	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (n->t[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* Make T a segment boundary of N and return its segment. */
static size_t
split(struct pnode *n, int64_t t)
{
	size_t i = segment_at(n, t);

	if (n->t[i] == t)
		return i;
	grow((void **)&n->t, &n->segcap, n->nseg + 1, sizeof(*n->t));
	n->u = hx_xrealloc(n->u, n->segcap * NRES * sizeof(*n->u));
	memmove(&n->t[i + 2], &n->t[i + 1], (n->nseg - i - 1) *
	    sizeof(*n->t));
	memmove(&n->u[(i + 2) * NRES], &n->u[(i + 1) * NRES],
	    (n->nseg - i - 1) * NRES * sizeof(*n->u));
	n->t[i + 1] = t;
	memcpy(&n->u[(i + 1) * NRES], &n->u[i * NRES], NRES * sizeof(*n->u));
	n->nseg++;
	return i + 1;
}

/* For each resource, the earliest time from now some of it is free. */
static void
update_bound(struct pnode *n)
{
	size_t i, r;

	for (r = 0; r < NRES; r++) {
		n->lb[r] = n->t[n->nseg - 1];
		for (i = 0; i < n->nseg; i++)
			if (n->u[i * NRES + r] < n->cap[r]) {
				n->lb[r] = n->t[i];
				break;
			}
	}
}

/* Add SIGN times REQ to the usage of N over [START, END). */
static void
profile_add(struct pnode *n, int64_t start, int64_t end,
    const int64_t *req, int sign)
{
	size_t i, last, r;

	if (end <= n->t[0])
		return;
	if (start < n->t[0])
		start = n->t[0];
	i = split(n, start);
	last = split(n, end);
	for (; i < last; i++)
		for (r = 0; r < NRES; r++)
			n->u[i * NRES + r] += sign * req[r];
}

/* Whether a window of a team other than TEAM overlaps [START, END). */
static bool
foreign_window(const struct pnode *n, int64_t start, int64_t end,
    const char *team)
{
	size_t i;

	for (i = 0; i < n->nwindows; i++)
		if (n->windows[i].start < end && n->windows[i].end > start &&
		    (team == NULL || strcmp(n->windows[i].team, team) != 0))
			return true;
	return false;
}

/*
 * The earliest start from FROM of a job holding REQ for DURATION on N,
 * or INF when it never fits.
 */
static int64_t
earliest(const struct pnode *n, const int64_t *req, int64_t from,
    int64_t duration, const char *team)
{
	int64_t cand = -1, start, end;
	size_t i, r;
	bool ok;

	for (r = 0; r < NRES; r++)
		if (req[r] > n->cap[r])
			return INF;
	for (i = segment_at(n, from); i < n->nseg; i++) {
		start = n->t[i] > from ? n->t[i] : from;
		end = i + 1 < n->nseg ? n->t[i + 1] : INF;
		ok = !foreign_window(n, start, end, team);
		for (r = 0; ok && r < NRES; r++)
			ok = n->u[i * NRES + r] + req[r] <= n->cap[r];
		if (!ok) {
			cand = -1;
			continue;
		}
		if (cand < 0)
			cand = start;
		if (end == INF || end - cand >= duration)
			return cand;
	}
	return INF;
}

/* --- heaps of nodes by bound --- */

static bool
entry_less(const struct entry *a, const struct entry *b)
{
	return a->key < b->key || (a->key == b->key && a->node < b->node);
}

static void
heap_push(struct heap *h, int64_t key, size_t node)
{
	struct entry e = { key, node };
	size_t i, parent;

	grow((void **)&h->e, &h->cap, h->n + 1, sizeof(*h->e));
	i = h->n++;
	while (i > 0 && entry_less(&e, &h->e[parent = (i - 1) / 2])) {
		h->e[i] = h->e[parent];
		i = parent;
	}
	h->e[i] = e;
}

static void
heap_pop(struct heap *h)
{
	struct entry e = h->e[--h->n];
	size_t i = 0, child;

	while ((child = 2 * i + 1) < h->n) {
		if (child + 1 < h->n &&
		    entry_less(&h->e[child + 1], &h->e[child]))
			child++;
		if (!entry_less(&h->e[child], &e))
			break;
		h->e[i] = h->e[child];
		i = child;
	}
	if (h->n > 0)
		h->e[i] = e;
}

/*
 * After the bounds of node I changed: push it again where they did.  A
 * heap keeps the old entry; a search drops entries whose key is no
 * longer the node's bound.
 */
static void
bound_changed(struct hx_plan *plan, size_t i)
{
	struct pnode *n = &plan->nodes[i];
	int64_t old[NRES];
	size_t r;

	memcpy(old, n->lb, sizeof(old));
	update_bound(n);
	for (r = 0; r < NRES; r++)
		if (n->lb[r] != old[r])
			heap_push(&plan->classes[n->cls].heaps[r], n->lb[r], i);
}

/* --- allocations --- */

/* Hold job J's resources on node I over [START, END). */
static void
commit(struct hx_plan *plan, size_t j, size_t i, int64_t start,
    int64_t end, bool preemptible)
{
	struct jobinfo *ji = &plan->info[j];
	struct pnode *n = &plan->nodes[i];
	struct alloc *a;
	size_t cap = n->nallocs;

	if ((n->nallocs & (n->nallocs + 1)) == 0 || n->nallocs == 0)
		n->allocs = hx_xrealloc(n->allocs, (cap * 2 + 2) *
		    sizeof(*n->allocs));
	a = &n->allocs[n->nallocs++];
	a->job = j;
	a->start = start;
	a->end = end;
	memcpy(a->req, ji->req, sizeof(a->req));
	a->preemptible = preemptible;
	a->live = true;
	n->npreemptible += preemptible;
	if (preemptible && !n->listed) {
		n->listed = true;
		plan->preemptible = hx_xrealloc(plan->preemptible,
		    (plan->npreemptible + 1) * sizeof(*plan->preemptible));
		plan->preemptible[plan->npreemptible++] = i;
	}
	profile_add(n, a->start, a->end, a->req, 1);
	bound_changed(plan, i);
	ji->node = i;
	ji->start = a->start;
	ji->end = a->end;
}

/* Release the live hold of job J on node I. */
static void
release(struct hx_plan *plan, size_t j, size_t i)
{
	struct pnode *n = &plan->nodes[i];
	size_t k;

	for (k = n->nallocs; k-- > 0;)
		if (n->allocs[k].live && n->allocs[k].job == j) {
			n->allocs[k].live = false;
			n->npreemptible -= n->allocs[k].preemptible;
			profile_add(n, n->allocs[k].start, n->allocs[k].end,
			    n->allocs[k].req, -1);
			break;
		}
	for (k = 0; k < NRES; k++)
		n->lb[k] = INF;
	bound_changed(plan, i);
}

/* --- search --- */

/* Whether the nodes of class C have room for job J at all. */
static bool
fits_class(const struct hx_plan *plan, const struct jobinfo *ji, size_t c)
{
	const struct pnode *n = &plan->nodes[plan->classes[c].rep];
	size_t r;

	for (r = 0; r < NRES; r++)
		if (ji->req[r] > n->cap[r])
			return false;
	return true;
}

/* The best node found so far for one job. */
struct best {
	int64_t start;
	size_t node;
};

/* The resource job JI needs most: the heap its search takes nodes from. */
static size_t
key_resource(const struct jobinfo *ji)
{
	return ji->req[GPU] > 0 ? GPU : ji->req[CPU] > 0 ? CPU : MEM;
}

/*
 * The heap of class C for resource R, its stale entries dropped from the
 * top (a key no longer the node's bound, a node this search has seen),
 * or NULL when it is empty.
 */
static struct heap *
live_heap(struct hx_plan *plan, size_t c, size_t r)
{
	struct heap *h = &plan->classes[c].heaps[r];
	const struct pnode *n;

	while (h->n > 0) {
		n = &plan->nodes[h->e[0].node];
		if (h->e[0].key == n->lb[r] && n->stamp != plan->stamp)
			return h;
		heap_pop(h);
	}
	return NULL;
}

/*
 * Search the classes of job JI of TEAM for the node where it starts
 * earliest from FROM, skipping nodes taken by the current group attempt
 * when SPLIT_GROUP; updates *B.  The heaps of the classes are merged:
 * nodes come in order of bound over all of them.
 */
static void
search(struct hx_plan *plan, const struct jobinfo *ji, const char *team,
    int64_t from, bool split_group, struct best *b)
{
	size_t r = key_resource(ji), npopped = 0, popcap = 0, k, seen = 0;
	struct entry *popped = NULL, top;
	size_t *from_class = NULL;
	struct heap *h, *min;
	struct pnode *n;
	int64_t s;

	plan->stamp++;
	for (;;) {
		min = NULL;
		for (k = 0; k < ji->nclasses; k++)
			if (fits_class(plan, ji, ji->classes[k]) &&
			    (h = live_heap(plan, ji->classes[k], r)) != NULL &&
			    (min == NULL || entry_less(&h->e[0], &min->e[0])))
				min = h;
		if (min == NULL)
			break;
		top = min->e[0];
		if ((top.key > from ? top.key : from) >= b->start ||
		    (b->node != SIZE_MAX && seen >= SEARCH_WIDTH))
			break;
		heap_pop(min);
		n = &plan->nodes[top.node];
		n->stamp = plan->stamp;
		if (npopped == popcap) {
			popcap = popcap * 2 + 8;
			popped = hx_xrealloc(popped, popcap * sizeof(*popped));
			from_class = hx_xrealloc(from_class, popcap *
			    sizeof(*from_class));
		}
		from_class[npopped] = n->cls;
		popped[npopped++] = top;
		if (split_group && n->taken == plan->taken)
			continue;
		seen += b->node != SIZE_MAX;
		s = earliest(n, ji->req, from, ji->duration, team);
		if (s < b->start) {
			b->start = s;
			b->node = top.node;
		}
	}
	while (npopped > 0) {
		npopped--;
		heap_push(&plan->classes[from_class[npopped]].heaps[r],
		    plan->nodes[popped[npopped].node].lb[r],
		    popped[npopped].node);
	}
	free(popped);
	free(from_class);
}

/* --- results --- */

/* A new result for job J: placed when ERROR is NULL. */
static struct hx_plan_result *
new_result(struct hx_plan *plan, size_t j, char *error, bool malformed)
{
	struct hx_plan_result *r;

	if ((plan->nresults & (plan->nresults + 1)) == 0 ||
	    plan->nresults == 0)
		plan->results = hx_xrealloc(plan->results,
		    (plan->nresults * 2 + 2) * sizeof(*plan->results));
	r = &plan->results[plan->nresults];
	memset(r, 0, sizeof(*r));
	r->job = j;
	r->placed = error == NULL;
	r->error = error != NULL ? (char *)own(plan, error) : NULL;
	r->malformed = malformed;
	plan->info[j].result = (long)plan->nresults++;
	return r;
}

/* Record job J as placed where its info says, for REASON. */
static void
placed(struct hx_plan *plan, size_t j, char *reason)
{
	const struct hx_job *job = &plan->jobs[j];
	struct jobinfo *ji = &plan->info[j];
	struct hx_placement *p = &new_result(plan, j, NULL,
	    false)->placement;

	hx_placement_init(p);
	p->job = job->name;
	p->group = job->group;
	p->node = plan->nodes[ji->node].node->name;
	p->backend = plan->nodes[ji->node].node->backend;
	p->start_ns = ji->start;
	p->end_ns = ji->end;
	p->team = job->team;
	p->priority = job->priority;
	p->status = HX_PLACEMENT_PLANNED;
	p->reason = own(plan, reason);
	p->preempted_by = ji->preempted_by;
}

/* Job J cannot be placed, for the formatted reason. */
static void HX_PRINTF(4, 5)
refuse(struct hx_plan *plan, size_t j, bool malformed, const char *fmt,
    ...)
{
	va_list ap;
	char *what;

	va_start(ap, fmt);
	what = hx_xvasprintf(fmt, ap);
	va_end(ap);
	new_result(plan, j, hx_xasprintf("job %s: %s", plan->jobs[j].name,
	    what), malformed);
	free(what);
}

/* The words of the selector of job J joined, for reasons. */
static char *
selector_text(const struct hx_plan *plan, size_t j)
{
	const struct hx_job *job = &plan->jobs[j];
	char *s = hx_xstrdup(""), *t;
	size_t i;

	if (job->arch != NULL) {
		free(s);
		s = hx_xasprintf("arch=%s", job->arch);
	}
	for (i = 0; job->selector != NULL && job->selector[i] != NULL; i++) {
		t = hx_xasprintf("%s%s%s", s, *s != '\0' ? ", " : "",
		    job->selector[i]);
		free(s);
		s = t;
	}
	return s;
}

/* --- string maps --- */

/* An open-addressing map from strings to indices. */
struct smap {
	const char **keys;
	size_t *values;
	size_t cap, n;
};

static size_t
smap_hash(const char *s)
{
	size_t h = 1469598103934665603ULL;

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

/* The slot of KEY in M: where it is, or where it would go. */
static size_t
smap_slot(const struct smap *m, const char *key)
{
	size_t i = smap_hash(key) & (m->cap - 1);

	while (m->keys[i] != NULL && strcmp(m->keys[i], key) != 0)
		i = (i + 1) & (m->cap - 1);
	return i;
}

/* The value of KEY in M, or SIZE_MAX. */
static size_t
smap_get(const struct smap *m, const char *key)
{
	size_t i;

	if (m->cap == 0)
		return SIZE_MAX;
	i = smap_slot(m, key);
	return m->keys[i] != NULL ? m->values[i] : SIZE_MAX;
}

/* Set KEY (kept, not copied) to VALUE in M. */
static void
smap_put(struct smap *m, const char *key, size_t value)
{
	struct smap old = *m;
	size_t i;

	if (2 * (m->n + 1) > m->cap) {
		m->cap = m->cap == 0 ? 64 : m->cap * 2;
		m->keys = hx_xcalloc(m->cap, sizeof(*m->keys));
		m->values = hx_xcalloc(m->cap, sizeof(*m->values));
		m->n = 0;
		for (i = 0; i < old.cap; i++)
			if (old.keys[i] != NULL)
				smap_put(m, old.keys[i], old.values[i]);
		free(old.keys);
		free(old.values);
	}
	i = smap_slot(m, key);
	if (m->keys[i] == NULL)
		m->n++;
	m->keys[i] = key;
	m->values[i] = value;
}

static void
smap_free(struct smap *m)
{
	free(m->keys);
	free(m->values);
	memset(m, 0, sizeof(*m));
}

/* --- setting up --- */

static int
compare_pairs(const void *a, const void *b)
{
	return strcmp(((const struct hx_field_pair *)a)->name,
	    ((const struct hx_field_pair *)b)->name);
}

/* What nodes of one class share, as a string. */
static char *
signature(const struct hx_node *n)
{
	struct hx_field_pair *labels = hx_xcalloc(n->nlabels + 1,
	    sizeof(*labels));
	char *s, *t;
	size_t i;

	if (n->nlabels > 0) {
		memcpy(labels, n->labels, n->nlabels * sizeof(*labels));
		qsort(labels, n->nlabels, sizeof(*labels), compare_pairs);
	}
	s = hx_xasprintf("%s\x1f%s\x1f%d\x1f%lld\x1f%lld\x1f%lld", n->arch,
	    n->gpu_model != NULL ? n->gpu_model : "", (int)n->backend,
	    (long long)n->cpus, (long long)n->memory_bytes,
	    (long long)n->gpus);
	for (i = 0; i < n->nlabels; i++) {
		t = hx_xasprintf("%s\x1f%s=%s", s, labels[i].name,
		    labels[i].value);
		free(s);
		s = t;
	}
	free(labels);
	return s;
}

/* Whether node N takes work: up, and its last health check passed. */
static bool
usable(const struct hx_node *n)
{
	return n->state == HX_NODE_UP &&
	    (n->nhealth == 0 || n->health[n->nhealth - 1].ok);
}

/* The reservation windows of RES that cover node P, from now. */
static void
add_windows(struct hx_plan *plan, struct pnode *p,
    const struct hx_reservation_list *res)
{
	const struct hx_reservation *r;
	size_t i;

	for (i = 0; res != NULL && i < res->n; i++) {
		r = &res->items[i];
		if (r->end_ns <= plan->opt.now_ns ||
		    !hx_reservation_covers(r, p->node))
			continue;
		p->windows = hx_xgrow(p->windows, p->nwindows,
		    sizeof(*p->windows));
		p->windows[p->nwindows].start = r->start_ns;
		p->windows[p->nwindows].end = r->end_ns;
		p->windows[p->nwindows++].team = r->team;
		if (r->start_ns > plan->opt.now_ns)
			split(p, r->start_ns);
		split(p, r->end_ns);
	}
}

/* The nodes of INV, the usable ones in classes and heaps. */
static void
setup_nodes(struct hx_plan *plan, const struct hx_inventory *inv,
    const struct hx_reservation_list *res)
{
	struct smap sigs = { 0 };
	struct pnode *p;
	char **keys = hx_xcalloc(inv->n + 1, sizeof(*keys));
	size_t i, c, r;

	plan->nnodes = inv->n;
	plan->nodes = hx_xcalloc(inv->n + 1, sizeof(*plan->nodes));
	for (i = 0; i < inv->n; i++) {
		p = &plan->nodes[i];
		p->node = &inv->nodes[i];
		p->cls = SIZE_MAX;
		if (!usable(p->node))
			continue;
		p->cap[CPU] = p->node->cpus;
		p->cap[MEM] = p->node->memory_bytes;
		p->cap[GPU] = p->node->gpus;
		p->segcap = 4;
		p->t = hx_xcalloc(p->segcap, sizeof(*p->t));
		p->u = hx_xcalloc(p->segcap * NRES, sizeof(*p->u));
		p->t[0] = plan->opt.now_ns;
		p->nseg = 1;
		add_windows(plan, p, res);
		update_bound(p);
		keys[i] = signature(p->node);
		if ((c = smap_get(&sigs, keys[i])) == SIZE_MAX) {
			c = plan->nclasses++;
			plan->classes = hx_xrealloc(plan->classes,
			    plan->nclasses * sizeof(*plan->classes));
			memset(&plan->classes[c], 0, sizeof(*plan->classes));
			plan->classes[c].rep = i;
			smap_put(&sigs, keys[i], c);
		}
		p->cls = c;
		for (r = 0; r < NRES; r++)
			heap_push(&plan->classes[c].heaps[r], p->lb[r], i);
	}
	smap_free(&sigs);
	for (i = 0; i < inv->n; i++)
		free(keys[i]);
	free(keys);
}

/* --- jobs --- */

/* Whether the class C satisfies the arch and selector of job J. */
static bool
class_matches(const struct hx_plan *plan, size_t j, size_t c)
{
	const struct hx_node *n = plan->nodes[plan->classes[c].rep].node;
	const struct jobinfo *ji = &plan->info[j];
	size_t i;

	if (plan->jobs[j].arch != NULL &&
	    strcmp(plan->jobs[j].arch, n->arch) != 0)
		return false;
	for (i = 0; i < ji->nsel; i++)
		if (!hx_selector_match(&ji->sel[i], n))
			return false;
	return true;
}

/*
 * Parse the selector of job J, once.  Returns 0, or -1 with *MESSAGE
 * naming the expression.
 */
static int
parse_selector(struct hx_plan *plan, size_t j, char **message)
{
	const struct hx_job *job = &plan->jobs[j];
	struct jobinfo *ji = &plan->info[j];
	size_t i;
	char *m;

	if (ji->sel != NULL)
		return 0;
	for (i = 0; job->selector != NULL && job->selector[i] != NULL; i++) {
		ji->sel = hx_xgrow(ji->sel, i, sizeof(*ji->sel));
		if (hx_selector_parse(job->selector[i], &ji->sel[i], &m) < 0) {
			*message = hx_xasprintf("selector[%zu]: %s", i, m);
			free(m);
			return -1;
		}
		ji->nsel = i + 1;
	}
	return 0;
}

/*
 * The classes job J matches, from the cache of its arch and selector
 * (jobs mostly repeat a few), computed and cached when new: only then is
 * the selector parsed.  Returns 0, or -1 with *MESSAGE when it does not
 * parse.
 */
static int
match_classes(struct hx_plan *plan, struct smap *cache, size_t j,
    char **message)
{
	struct jobinfo *ji = &plan->info[j];
	struct match *m;
	char *key = selector_text(plan, j);
	size_t k, c;

	if ((k = smap_get(cache, key)) != SIZE_MAX) {
		free(key);
		ji->classes = plan->matches[k].classes;
		ji->nclasses = plan->matches[k].n;
		return 0;
	}
	if (parse_selector(plan, j, message) < 0) {
		free(key);
		return -1;
	}
	grow((void **)&plan->matches, &plan->matchcap, plan->nmatches + 1,
	    sizeof(*plan->matches));
	m = &plan->matches[plan->nmatches];
	m->key = key;
	m->classes = hx_xcalloc(plan->nclasses + 1, sizeof(*m->classes));
	m->n = 0;
	for (c = 0; c < plan->nclasses; c++)
		if (class_matches(plan, j, c))
			m->classes[m->n++] = c;
	smap_put(cache, key, plan->nmatches++);
	ji->classes = m->classes;
	ji->nclasses = m->n;
	return 0;
}

/*
 * Why job J fits no usable node: the first of its arch, selector
 * expressions and resources, in that order, that no node left meets.
 */
static void
explain(struct hx_plan *plan, size_t j)
{
	static const char *const names[] = { "cpus", "memory_bytes", "gpus" };
	const struct hx_job *job = &plan->jobs[j];
	const struct jobinfo *ji = &plan->info[j];
	const struct hx_node *n;
	bool *alive = hx_xcalloc(plan->nclasses + 1, sizeof(*alive));
	size_t c, i, left = plan->nclasses;
	char *m = NULL;
	int r;

	parse_selector(plan, j, &m);
	free(m);
	for (c = 0; c < plan->nclasses; c++)
		alive[c] = true;
	if (left == 0) {
		refuse(plan, j, false, "no usable node: every node is down, "
		    "drained, quarantined or failed its last health check");
		goto out;
	}
	for (c = 0; job->arch != NULL && c < plan->nclasses; c++)
		if (strcmp(plan->nodes[plan->classes[c].rep].node->arch,
		    job->arch) != 0) {
			alive[c] = false;
			left--;
		}
	if (left == 0) {
		refuse(plan, j, false, "no usable node has arch %s",
		    job->arch);
		goto out;
	}
	for (i = 0; i < ji->nsel; i++) {
		for (c = 0; c < plan->nclasses; c++)
			if (alive[c] && !hx_selector_match(&ji->sel[i],
			    plan->nodes[plan->classes[c].rep].node)) {
				alive[c] = false;
				left--;
			}
		if (left == 0) {
			refuse(plan, j, false, "no usable node satisfies "
			    "selector %s", ji->sel[i].text);
			goto out;
		}
	}
	for (r = 0; r < NRES; r++) {
		for (c = 0; c < plan->nclasses; c++) {
			n = plan->nodes[plan->classes[c].rep].node;
			if (alive[c] && ji->req[r] > (r == CPU ? n->cpus :
			    r == MEM ? n->memory_bytes : n->gpus)) {
				alive[c] = false;
				left--;
			}
		}
		if (left == 0) {
			refuse(plan, j, false, "no usable node that satisfies "
			    "its selector has %s %lld", names[r],
			    (long long)ji->req[r]);
			goto out;
		}
	}
out:
	free(alive);
}

/* Whether some class of job J has room for it. */
static bool
fits_somewhere(const struct hx_plan *plan, size_t j)
{
	const struct jobinfo *ji = &plan->info[j];
	size_t k;

	for (k = 0; k < ji->nclasses; k++)
		if (fits_class(plan, ji, ji->classes[k]))
			return true;
	return false;
}

/* The quarantined test job J names, or NULL. */
static const char *
quarantined_test(const struct hx_plan *plan, size_t j)
{
	const char **tests = plan->jobs[j].tests;
	size_t i;

	for (i = 0; tests != NULL && tests[i] != NULL; i++)
		if (hx_quarantine_match(plan->opt.quarantine, tests[i]))
			return tests[i];
	return NULL;
}

/* Read what the planner needs of job J; refuse it when it cannot run. */
static void
setup_job(struct hx_plan *plan, struct smap *names, struct smap *cache,
    size_t j)
{
	const struct hx_job *job = &plan->jobs[j];
	struct jobinfo *ji = &plan->info[j];
	const char *test;
	char *m;

	ji->result = -1;
	ji->node = SIZE_MAX;
	ji->unit = SIZE_MAX;
	if (smap_get(names, job->name) != SIZE_MAX) {
		refuse(plan, j, true, "there is another job of that name");
		return;
	}
	smap_put(names, job->name, j);
	ji->req[CPU] = job->resources.cpus;
	ji->req[MEM] = job->resources.memory_bytes;
	ji->req[GPU] = job->resources.gpus;
	ji->duration = job->duration_ns > 0 ? job->duration_ns :
	    HX_PLAN_DURATION_NS;
	if ((test = quarantined_test(plan, j)) != NULL) {
		refuse(plan, j, false, "it runs the quarantined test %s",
		    test);
		return;
	}
	if (match_classes(plan, cache, j, &m) < 0) {
		refuse(plan, j, true, "%s", m);
		free(m);
		return;
	}
	if (!fits_somewhere(plan, j))
		explain(plan, j);
}

/* --- units, teams and fair share --- */

/* The team index of NAME (NULL: the team without a name). */
static size_t
team_of(const struct hx_plan *plan, const char *name)
{
	size_t lo = 0, hi = plan->nteams, mid;
	int c;

	if (name == NULL)
		name = "";
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if ((c = strcmp(plan->teams[mid].name, name)) == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return SIZE_MAX;
}

static int
compare_teams(const void *a, const void *b)
{
	return strcmp(((const struct team *)a)->name,
	    ((const struct team *)b)->name);
}

/* The teams of the jobs and of the options, by name, with weights. */
static void
setup_teams(struct hx_plan *plan)
{
	struct smap seen = { 0 };
	const char *name;
	size_t i, n = 0;

	plan->teams = hx_xcalloc(plan->njobs + plan->opt.nteams + 1,
	    sizeof(*plan->teams));
	for (i = 0; i < plan->njobs + plan->opt.nteams; i++) {
		name = i < plan->njobs ? plan->jobs[i].team :
		    plan->opt.teams[i - plan->njobs].name;
		if (name == NULL)
			name = "";
		if (smap_get(&seen, name) != SIZE_MAX)
			continue;
		smap_put(&seen, name, n);
		plan->teams[n].name = name;
		plan->teams[n++].weight = 1;
	}
	plan->nteams = n;
	qsort(plan->teams, n, sizeof(*plan->teams), compare_teams);
	for (i = 0; i < plan->opt.nteams; i++)
		plan->teams[team_of(plan, plan->opt.teams[i].name)].weight =
		    plan->opt.teams[i].weight;
	smap_free(&seen);
}

/* Charge TEAM for NS of run time that ended at END. */
static void
charge(struct hx_plan *plan, const char *team, int64_t ns, int64_t end)
{
	size_t t = team_of(plan, team);
	double age = (double)(plan->opt.now_ns - end);

	if (t == SIZE_MAX)
		return;
	plan->teams[t].usage += age <= 0 ? (double)ns : (double)ns *
	    pow(0.5, age / (double)plan->opt.half_life_ns);
}

/* Make the units: one per group, one per lone job, in input order. */
static void
setup_units(struct hx_plan *plan)
{
	struct smap groups = { 0 };
	const struct hx_job *job;
	struct unit *u;
	size_t j, k;

	plan->units = hx_xcalloc(plan->njobs + 1, sizeof(*plan->units));
	for (j = 0; j < plan->njobs; j++) {
		job = &plan->jobs[j];
		if (plan->info[j].result == -2 || (plan->info[j].result >= 0 &&
		    job->group == NULL))
			continue;
		k = job->group != NULL ? smap_get(&groups, job->group) :
		    SIZE_MAX;
		if (k == SIZE_MAX) {
			k = plan->nunits++;
			u = &plan->units[k];
			u->priority = job->priority;
			u->team = job->team;
			u->group = job->group;
			u->how = job->placement;
			if (job->group != NULL)
				smap_put(&groups, job->group, k);
		}
		u = &plan->units[k];
		u->members = hx_xgrow(u->members, u->n, sizeof(*u->members));
		u->members[u->n++] = j;
		if (job->priority > u->priority)
			u->priority = job->priority;
		plan->info[j].unit = k;
	}
	smap_free(&groups);
}

/* The level of PRIORITY, made when there is none. */
static size_t
level_of(struct hx_plan *plan, int64_t priority)
{
	struct level *l;
	size_t i;

	for (i = 0; i < plan->nlevels; i++)
		if (plan->levels[i].priority == priority)
			return i;
		else if (plan->levels[i].priority < priority)
			break;
	plan->levels = hx_xgrow(plan->levels, plan->nlevels,
	    sizeof(*plan->levels));
	memmove(&plan->levels[i + 1], &plan->levels[i],
	    (plan->nlevels - i) * sizeof(*plan->levels));
	plan->nlevels++;
	l = &plan->levels[i];
	l->priority = priority;
	l->queues = hx_xcalloc(plan->nteams + 1, sizeof(*l->queues));
	l->nqueue = hx_xcalloc(plan->nteams + 1, sizeof(*l->nqueue));
	l->head = hx_xcalloc(plan->nteams + 1, sizeof(*l->head));
	return i;
}

/* Queue unit U to be placed. */
static void
enqueue(struct hx_plan *plan, size_t u)
{
	size_t i = level_of(plan, plan->units[u].priority);
	size_t t = team_of(plan, plan->units[u].team);
	struct level *l = &plan->levels[i];

	l->queues[t] = hx_xgrow(l->queues[t], l->nqueue[t],
	    sizeof(**l->queues));
	l->queues[t][l->nqueue[t]++] = u;
}

/*
 * The next unit of level L: from the team with the least usage per unit
 * of weight, the first by name on a tie; SIZE_MAX when none is left.
 */
static size_t
dequeue(struct hx_plan *plan, size_t l)
{
	struct level *lv = &plan->levels[l];
	size_t t, best = SIZE_MAX;
	double share, best_share = 0;

	for (t = 0; t < plan->nteams; t++) {
		if (lv->head[t] == lv->nqueue[t])
			continue;
		share = plan->teams[t].usage / plan->teams[t].weight;
		if (best == SIZE_MAX || share < best_share) {
			best = t;
			best_share = share;
		}
	}
	return best == SIZE_MAX ? SIZE_MAX :
	    lv->queues[best][lv->head[best]++];
}

/* --- the previous plan --- */

/*
 * Whether the planned placement P of job J still holds: its node is
 * usable, matches the job and has room over [P's start or now, end).
 * Otherwise sets the job's note on why it is planned again.
 */
static bool
still_holds(struct hx_plan *plan, struct smap *nodes, size_t j,
    const struct hx_placement *p)
{
	struct jobinfo *ji = &plan->info[j];
	size_t i = smap_get(nodes, p->node), k;
	int64_t from = p->start_ns > plan->opt.now_ns ? p->start_ns :
	    plan->opt.now_ns;
	const struct hx_node *n;

	if (i == SIZE_MAX) {
		ji->why = own(plan, hx_xasprintf("re-planned: node %s is "
		    "gone", p->node));
		return false;
	}
	n = plan->nodes[i].node;
	if (plan->nodes[i].cls == SIZE_MAX) {
		ji->why = own(plan, hx_xasprintf("re-planned: node %s is %s",
		    n->name, n->state == HX_NODE_UP ? "unhealthy" :
		    n->state == HX_NODE_DOWN ? "down" :
		    n->state == HX_NODE_DRAINED ? "drained" : "quarantined"));
		return false;
	}
	if (p->end_ns <= plan->opt.now_ns) {
		ji->why = "re-planned: its planned end has passed";
		return false;
	}
	for (k = 0; k < ji->nclasses; k++)
		if (ji->classes[k] == plan->nodes[i].cls)
			break;
	if (k == ji->nclasses || earliest(&plan->nodes[i], ji->req, from,
	    p->end_ns - from, plan->jobs[j].team) != from) {
		ji->why = own(plan, hx_xasprintf("re-planned: it no longer "
		    "fits node %s", n->name));
		return false;
	}
	return true;
}

/*
 * Read HISTORY: charge done and failed placements to their teams, mark
 * the jobs that are done, and note each job's planned placement.
 */
static void
read_history(struct hx_plan *plan, const struct hx_placement *history,
    size_t nhistory)
{
	struct smap names = { 0 };
	size_t i, j;

	for (j = 0; j < plan->njobs; j++)
		if (plan->info[j].result == -1)
			smap_put(&names, plan->jobs[j].name, j);
	for (i = 0; i < nhistory; i++) {
		if (history[i].status != HX_PLACEMENT_PLANNED)
			charge(plan, history[i].team, history[i].end_ns -
			    history[i].start_ns, history[i].end_ns);
		if ((j = smap_get(&names, history[i].job)) == SIZE_MAX)
			continue;
		if (history[i].status == HX_PLACEMENT_DONE)
			plan->info[j].result = -2;
		else if (history[i].status == HX_PLACEMENT_PLANNED)
			plan->info[j].prior = &history[i];
	}
	smap_free(&names);
}

/*
 * Keep the units whose members all have a placement in the previous
 * plan that still holds; queue the others.
 */
static void
keep_previous(struct hx_plan *plan)
{
	struct smap nodes = { 0 };
	const struct hx_placement *p;
	struct hx_plan_result *r;
	struct unit *u;
	size_t i, j, k, m;

	for (i = 0; i < plan->nnodes; i++)
		smap_put(&nodes, plan->nodes[i].node->name, i);
	for (k = 0; k < plan->nunits; k++) {
		u = &plan->units[k];
		for (m = 0; m < u->n; m++) {
			j = u->members[m];
			if ((p = plan->info[j].prior) == NULL ||
			    !still_holds(plan, &nodes, j, p))
				break;
			commit(plan, j, smap_get(&nodes, p->node),
			    p->start_ns, p->end_ns, u->group == NULL);
		}
		if (m < u->n) {
			while (m-- > 0)
				release(plan, u->members[m],
				    plan->info[u->members[m]].node);
			if (u->n > 0)
				enqueue(plan, k);
			continue;
		}
		for (m = 0; m < u->n; m++) {
			j = u->members[m];
			p = plan->info[j].prior;
			r = new_result(plan, j, NULL, false);
			r->placement = *p;
			charge(plan, plan->jobs[j].team, p->end_ns -
			    p->start_ns, p->end_ns);
		}
	}
	smap_free(&nodes);
}

/* --- placing --- */

/* The reason of a placement: how it was found, and what it noted. */
static char *
reason(const struct hx_plan *plan, size_t j, const char *how,
    const char *preempted)
{
	const struct jobinfo *ji = &plan->info[j];
	const struct hx_job *job = &plan->jobs[j];
	char *sel = selector_text(plan, j), *s;

	s = hx_xasprintf("%s%s%s%s%s%s%s%s", how, *sel != '\0' ?
	    " for " : "", sel, ji->why != NULL ? "; " : "",
	    ji->why != NULL ? ji->why : "", preempted != NULL ? "; " : "",
	    preempted != NULL ? preempted : "", job->deadline_ns >= 0 &&
	    ji->end > job->deadline_ns ? "; ends after its deadline" : "");
	free(sel);
	return s;
}

/* Take back the result job J had, as when it is preempted. */
static void
drop_result(struct hx_plan *plan, size_t j)
{
	if (plan->info[j].result >= 0)
		plan->results[plan->info[j].result].job = SIZE_MAX;
	plan->info[j].result = -1;
}

/*
 * Whether node I may be taken from lower-priority work for job J to
 * start before BEFORE: *START gets the start it would have.
 */
static bool
preempt_start(struct hx_plan *plan, size_t j, size_t i, int64_t before,
    int64_t *start)
{
	struct pnode *n = &plan->nodes[i];
	const struct jobinfo *ji = &plan->info[j];
	int64_t prio = plan->jobs[j].priority;
	struct alloc *a;
	size_t k;

	for (k = 0; k < n->nallocs; k++) {
		a = &n->allocs[k];
		if (a->live && a->preemptible &&
		    plan->jobs[a->job].priority < prio)
			profile_add(n, a->start, a->end, a->req, -1);
	}
	*start = earliest(n, ji->req, plan->opt.now_ns, ji->duration,
	    plan->jobs[j].team);
	for (k = 0; k < n->nallocs; k++) {
		a = &n->allocs[k];
		if (a->live && a->preemptible &&
		    plan->jobs[a->job].priority < prio)
			profile_add(n, a->start, a->end, a->req, 1);
	}
	return *start < before;
}

/*
 * Let lone job J take the place of lower-priority lone jobs of the
 * previous plan when that lets it start before BEST.  Returns the text
 * naming the jobs it preempted, or NULL when it takes no one's place.
 */
static char *
preempt(struct hx_plan *plan, size_t j, struct best *b)
{
	const struct jobinfo *ji = &plan->info[j];
	struct best p = { b->start, SIZE_MAX };
	struct pnode *n;
	struct alloc *a;
	char *text = NULL, *t;
	int64_t s, end;
	size_t i, k, e, x;

	for (x = 0; x < plan->npreemptible; x++) {
		i = plan->preemptible[x];
		n = &plan->nodes[i];
		if (n->npreemptible == 0)
			continue;
		for (k = 0; k < ji->nclasses; k++)
			if (ji->classes[k] == n->cls)
				break;
		if (k < ji->nclasses && preempt_start(plan, j, i, p.start,
		    &s)) {
			p.start = s;
			p.node = i;
		}
	}
	if (p.node == SIZE_MAX)
		return NULL;
	n = &plan->nodes[p.node];
	if (__builtin_add_overflow(p.start, ji->duration, &end))
		end = INF;
	for (k = 0; k < n->nallocs; k++) {
		a = &n->allocs[k];
		if (!a->live || !a->preemptible || a->start >= end ||
		    a->end <= p.start ||
		    plan->jobs[a->job].priority >= plan->jobs[j].priority)
			continue;
		e = a->job;
		release(plan, e, p.node);
		charge(plan, plan->jobs[e].team, a->start - a->end, a->end);
		drop_result(plan, e);
		plan->info[e].preempted_by = plan->jobs[j].name;
		plan->info[e].why = own(plan, hx_xasprintf("re-planned: "
		    "preempted on %s by %s (priority %lld)", n->node->name,
		    plan->jobs[j].name, (long long)plan->jobs[j].priority));
		enqueue(plan, plan->info[e].unit);
		t = hx_xasprintf("%s%s%s (priority %lld)", text != NULL ?
		    text : "preempted ", text != NULL ? ", " : "",
		    plan->jobs[e].name, (long long)plan->jobs[e].priority);
		free(text);
		text = t;
	}
	*b = p;
	return text;
}

/* Place lone job J where it starts earliest. */
static void
place_lone(struct hx_plan *plan, size_t j)
{
	struct jobinfo *ji = &plan->info[j];
	struct best b = { INF, SIZE_MAX };
	char *preempted;
	int64_t end;

	search(plan, ji, plan->jobs[j].team, plan->opt.now_ns, false, &b);
	preempted = preempt(plan, j, &b);
	if (b.node == SIZE_MAX) {
		refuse(plan, j, false, "no node has room for it at any time");
		return;
	}
	if (__builtin_add_overflow(b.start, ji->duration, &end)) {
		refuse(plan, j, false, "it would end past the largest time");
		free(preempted);
		return;
	}
	commit(plan, j, b.node, b.start, end, false);
	charge(plan, plan->jobs[j].team, ji->duration, ji->end);
	placed(plan, j, reason(plan, j, "earliest start", preempted));
	free(preempted);
}

/* Refuse every member of unit U for the formatted reason. */
static void HX_PRINTF(3, 4)
refuse_unit(struct hx_plan *plan, const struct unit *u, const char *fmt,
    ...)
{
	va_list ap;
	char *what;
	size_t m;

	va_start(ap, fmt);
	what = hx_xvasprintf(fmt, ap);
	va_end(ap);
	for (m = 0; m < u->n; m++)
		refuse(plan, u->members[m], false, "group %s: %s", u->group,
		    what);
	free(what);
}

/* Record the members of unit U as placed together. */
static void
placed_unit(struct hx_plan *plan, const struct unit *u)
{
	char *how;
	size_t m, j;

	how = hx_xasprintf("earliest common start of group %s (%s)",
	    u->group, u->how == HX_JOB_COLOCATED ? "colocated" :
	    u->how == HX_JOB_SPLIT ? "split" : "any");
	for (m = 0; m < u->n; m++) {
		j = u->members[m];
		charge(plan, plan->jobs[j].team, plan->info[j].duration,
		    plan->info[j].end);
		placed(plan, j, reason(plan, j, how, NULL));
	}
	free(how);
}

/*
 * Place the members of colocated group U on one node: a job holding
 * what they all hold, for as long as the longest, on the classes they
 * all match.
 */
static void
place_colocated(struct hx_plan *plan, const struct unit *u)
{
	struct jobinfo all, *ji;
	struct best b = { INF, SIZE_MAX };
	size_t m, k, c, r, x;
	int64_t end;

	memset(&all, 0, sizeof(all));
	ji = &plan->info[u->members[0]];
	all.classes = hx_xcalloc(ji->nclasses + 1, sizeof(*all.classes));
	for (k = 0; k < ji->nclasses; k++) {
		c = ji->classes[k];
		for (m = 1; m < u->n; m++) {
			ji = &plan->info[u->members[m]];
			for (x = 0; x < ji->nclasses && ji->classes[x] != c;
			    x++)
				;
			if (x == ji->nclasses)
				break;
		}
		ji = &plan->info[u->members[0]];
		if (m == u->n)
			all.classes[all.nclasses++] = c;
	}
	for (m = 0; m < u->n; m++) {
		ji = &plan->info[u->members[m]];
		for (r = 0; r < NRES; r++)
			all.req[r] += ji->req[r];
		if (ji->duration > all.duration)
			all.duration = ji->duration;
	}
	search(plan, &all, plan->jobs[u->members[0]].team, plan->opt.now_ns,
	    false, &b);
	free(all.classes);
	if (b.node == SIZE_MAX) {
		refuse_unit(plan, u, "no node has room for all of it");
		return;
	}
	if (__builtin_add_overflow(b.start, all.duration, &end)) {
		refuse_unit(plan, u, "it would end past the largest time");
		return;
	}
	for (m = 0; m < u->n; m++)
		commit(plan, u->members[m], b.node, b.start, b.start +
		    plan->info[u->members[m]].duration, false);
	placed_unit(plan, u);
}

/*
 * Place the members of group U at one start time, each on a node of its
 * own when SPLIT: try a start, and when some member can only start
 * later, try again from there.
 */
static void
place_spread(struct hx_plan *plan, const struct unit *u, bool split_group)
{
	struct best b;
	int64_t t = plan->opt.now_ns, end;
	size_t m, j, tries;

	for (tries = 0; tries < 100000; tries++) {
		plan->taken++;
		for (m = 0; m < u->n; m++) {
			j = u->members[m];
			b.start = INF;
			b.node = SIZE_MAX;
			search(plan, &plan->info[j], plan->jobs[j].team, t,
			    split_group, &b);
			if (b.start != t)
				break;
			if (__builtin_add_overflow(t, plan->info[j].duration,
			    &end))
				break;
			commit(plan, j, b.node, t, end, false);
			plan->nodes[b.node].taken = plan->taken;
		}
		if (m == u->n) {
			placed_unit(plan, u);
			return;
		}
		while (m-- > 0)
			release(plan, u->members[m],
			    plan->info[u->members[m]].node);
		if (b.start == t) {
			refuse_unit(plan, u, "it would end past the largest "
			    "time");
			return;
		}
		if (b.start == INF) {
			refuse_unit(plan, u, split_group ? "not enough "
			    "nodes for a node each" : "no node has room for "
			    "a member");
			return;
		}
		t = b.start;
	}
	refuse_unit(plan, u, "no common start found");
}

/*
 * A group with a member that cannot be placed cannot be placed: refuse
 * the others too, and empty the unit.
 */
static void
check_groups(struct hx_plan *plan)
{
	struct unit *u;
	const char *error;
	size_t k, m;

	for (k = 0; k < plan->nunits; k++) {
		u = &plan->units[k];
		error = NULL;
		for (m = 0; m < u->n && error == NULL; m++)
			if (plan->info[u->members[m]].result >= 0)
				error = plan->results[plan->info[
				    u->members[m]].result].error;
		if (error == NULL && u->how == HX_JOB_COLOCATED)
			for (m = 1; m < u->n; m++)
				if (plan->jobs[u->members[m]].placement !=
				    HX_JOB_COLOCATED)
					error = "its members disagree on "
					    "placement";
		if (error == NULL)
			continue;
		for (m = 0; m < u->n; m++)
			if (plan->info[u->members[m]].result < 0)
				refuse(plan, u->members[m], false, "group %s "
				    "cannot be placed: %s", u->group, error);
		u->n = 0;
	}
}

/* Place the queued units, level by level. */
static void
place_all(struct hx_plan *plan)
{
	const struct unit *u;
	size_t l, k;

	for (l = 0; l < plan->nlevels; l++)
		while ((k = dequeue(plan, l)) != SIZE_MAX) {
			u = &plan->units[k];
			if (u->group == NULL)
				place_lone(plan, u->members[0]);
			else if (u->how == HX_JOB_COLOCATED)
				place_colocated(plan, u);
			else
				place_spread(plan, u, u->how == HX_JOB_SPLIT);
		}
}

struct hx_plan *
hx_plan_run(const struct hx_inventory *inv,
    const struct hx_reservation_list *res, const struct hx_job *jobs,
    size_t njobs, const struct hx_placement *history, size_t nhistory,
    const struct hx_plan_options *options)
{
	struct hx_plan *plan = hx_xcalloc(1, sizeof(*plan));
	struct smap names = { 0 }, cache = { 0 };
	size_t j, k;

	plan->jobs = jobs;
	plan->njobs = njobs;
	plan->opt = *options;
	if (plan->opt.half_life_ns <= 0)
		plan->opt.half_life_ns = HX_PLAN_HALF_LIFE_NS;
	setup_nodes(plan, inv, res);
	plan->info = hx_xcalloc(njobs + 1, sizeof(*plan->info));
	for (j = 0; j < njobs; j++)
		setup_job(plan, &names, &cache, j);
	smap_free(&names);
	smap_free(&cache);
	setup_teams(plan);
	read_history(plan, history, nhistory);
	setup_units(plan);
	check_groups(plan);
	keep_previous(plan);
	place_all(plan);
	for (j = k = 0; j < plan->nresults; j++)
		if (plan->results[j].job != SIZE_MAX)
			plan->results[k++] = plan->results[j];
	plan->nresults = k;
	return plan;
}

const struct hx_plan_result *
hx_plan_results(const struct hx_plan *plan, size_t *n)
{
	*n = plan->nresults;
	return plan->results;
}

void
hx_plan_free(struct hx_plan *plan)
{
	size_t i, t;

	if (plan == NULL)
		return;
	for (i = 0; i < plan->nnodes; i++) {
		free(plan->nodes[i].t);
		free(plan->nodes[i].u);
		free(plan->nodes[i].allocs);
		free(plan->nodes[i].windows);
	}
	free(plan->nodes);
	for (i = 0; i < plan->nclasses; i++)
		for (t = 0; t < NRES; t++)
			free(plan->classes[i].heaps[t].e);
	free(plan->classes);
	for (i = 0; i < plan->njobs; i++) {
		for (t = 0; t < plan->info[i].nsel; t++)
			hx_selector_clear(&plan->info[i].sel[t]);
		free(plan->info[i].sel);
	}
	free(plan->info);
	for (i = 0; i < plan->nunits; i++)
		free(plan->units[i].members);
	free(plan->units);
	free(plan->teams);
	for (i = 0; i < plan->nlevels; i++) {
		for (t = 0; t < plan->nteams; t++)
			free(plan->levels[i].queues[t]);
		free(plan->levels[i].queues);
		free(plan->levels[i].nqueue);
		free(plan->levels[i].head);
	}
	free(plan->levels);
	for (i = 0; i < plan->nmatches; i++) {
		free(plan->matches[i].key);
		free(plan->matches[i].classes);
	}
	free(plan->matches);
	free(plan->results);
	free(plan->preemptible);
	for (i = 0; i < plan->nstrings; i++)
		free(plan->strings[i]);
	free(plan->strings);
	free(plan);
}
