/*
 * hx_chrome.c: the trace-event JSON writer: processes, lanes, flows and
 * counters.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hx_atomic.h"
#include "trace/hx_chrome.h"
#include "trace/hx_spanorder.h"
#include "trace/hx_tbuf.h"

/* Where each span goes: its process and its lane (the thread id). */
struct place {
	int pid, tid;
};

/* The state of one export. */
struct chrome {
	const struct hx_spanset *set;
	struct place *places;		/* one a span, by index in SET */
	const struct hx_span **by;	/* spans by process, then start */
	int nprocesses;
	struct hx_tbuf b;
	FILE *fp;
	int nevents;
};

/*
 * Order span pointers by process, then by start, the longer first so
 * that a parent comes before the child that starts with it.
 */
static int
compare_spans(const void *pa, const void *pb)
{
	const struct hx_span *a = *(const struct hx_span *const *)pa;
	const struct hx_span *b = *(const struct hx_span *const *)pb;
	int c;

	if ((c = hx_spanorder_process(a, b)) != 0)
		return c;
	if (a->start_ns != b->start_ns)
		return a->start_ns < b->start_ns ? -1 : 1;
	if (a->end_ns != b->end_ns)
		return a->end_ns > b->end_ns ? -1 : 1;
	return (a > b) - (a < b);
}

/* Start the next event: a comma and a newline after the first. */
static void
event(struct chrome *c)
{
	if (c->nevents++ > 0)
		hx_tbuf_putc(&c->b, ',');
	hx_tbuf_putc(&c->b, '\n');
	if (c->b.len >= 65536) {
		fwrite(c->b.data, 1, c->b.len, c->fp);
		c->b.len = 0;
	}
}

/* An M event NAME ("process_name", "thread_name") giving VALUE. */
static void
metadata(struct chrome *c, const char *name, int pid, int tid,
    const char *value)
{
	event(c);
	hx_tbuf_puts(&c->b, "{\"ph\":\"M\",\"name\":\"");
	hx_tbuf_puts(&c->b, name);
	hx_tbuf_puts(&c->b, "\",\"pid\":");
	hx_tbuf_int(&c->b, pid);
	hx_tbuf_puts(&c->b, ",\"tid\":");
	hx_tbuf_int(&c->b, tid);
	hx_tbuf_puts(&c->b, ",\"args\":{\"name\":");
	hx_tbuf_json_string(&c->b, value);
	hx_tbuf_puts(&c->b, "}}");
}

/* The name of the process of S: "service" or "service (host)". */
static void
process_name(struct chrome *c, int pid, const struct hx_span *s)
{
	char *name;

	if (s->host != NULL)
		name = hx_xasprintf("%s (%s)", s->service, s->host);
	else
		name = hx_xstrdup(s->service);
	metadata(c, "process_name", pid, 0, name);
	free(name);
}

/*
 * Lay out the spans of one process, BY[0 .. N - 1] in start order, on
 * lanes: each span goes on the first lane where it nests in the span
 * still open there (or where none is), so that every lane is a proper
 * stack of slices.  Returns the number of lanes.
 */
static int
lay_out(struct chrome *c, const struct hx_span **by, size_t n, int pid)
{
	struct lane {
		const struct hx_span **open;	/* the stack of open spans */
		size_t depth, room;
	} *lanes = NULL;
	struct lane *l;
	size_t i;
	int nlanes = 0, lane;

	for (i = 0; i < n; i++) {
		for (lane = 0; lane < nlanes; lane++) {
			l = &lanes[lane];
			while (l->depth > 0 && l->open[l->depth - 1]->end_ns <=
			    by[i]->start_ns)
				l->depth--;
			if (l->depth == 0 ||
			    l->open[l->depth - 1]->end_ns >= by[i]->end_ns)
				break;
		}
		if (lane == nlanes) {
			lanes = hx_xrealloc(lanes, ++nlanes * sizeof(*lanes));
			memset(&lanes[lane], 0, sizeof(*lanes));
		}
		l = &lanes[lane];
		if (l->depth == l->room) {
			l->room = l->room != 0 ? 2 * l->room : 8;
			l->open = hx_xrealloc(l->open, l->room * sizeof(*l->open));
		}
		l->open[l->depth++] = by[i];
		c->places[by[i] - c->set->spans].pid = pid;
		c->places[by[i] - c->set->spans].tid = lane + 1;
	}
	for (lane = 0; lane < nlanes; lane++)
		free(lanes[lane].open);
	free(lanes);
	return nlanes;
}

/* The processes, their lanes and names. */
static void
processes(struct chrome *c)
{
	size_t n = c->set->nspans, i = 0, k;
	char name[32];
	int lanes, lane;

	c->by = hx_spanorder_sort(c->set, compare_spans);
	while (i < n) {
		for (k = 1; i + k < n && hx_spanorder_process(c->by[i], c->by[i + k]) == 0;
		    k++)
			continue;
		c->nprocesses++;
		process_name(c, c->nprocesses, c->by[i]);
		lanes = lay_out(c, c->by + i, k, c->nprocesses);
		for (lane = 1; lane <= lanes; lane++) {
			snprintf(name, sizeof(name), "lane %d", lane);
			metadata(c, "thread_name", c->nprocesses, lane, name);
		}
		i += k;
	}
}

/* The string pairs PAIRS as the members of an args object. */
static void
pairs(struct hx_tbuf *b, const char *key, const struct hx_field_pair *p,
    size_t n)
{
	size_t i;

	if (n == 0)
		return;
	hx_tbuf_puts(b, ",\"");
	hx_tbuf_puts(b, key);
	hx_tbuf_puts(b, "\":{");
	for (i = 0; i < n; i++) {
		if (i > 0)
			hx_tbuf_putc(b, ',');
		hx_tbuf_json_string(b, p[i].name);
		hx_tbuf_putc(b, ':');
		hx_tbuf_json_string(b, p[i].value);
	}
	hx_tbuf_putc(b, '}');
}

/* The X event of S. */
static void
slice(struct chrome *c, const struct hx_span *s)
{
	const struct place *at = &c->places[s - c->set->spans];
	struct hx_tbuf *b = &c->b;
	size_t i;

	event(c);
	hx_tbuf_puts(b, "{\"ph\":\"X\",\"name\":");
	hx_tbuf_json_string(b, s->name);
	hx_tbuf_puts(b, ",\"cat\":\"");
	hx_tbuf_puts(b, hx_span_kind_name(s->kind));
	hx_tbuf_puts(b, "\",\"pid\":");
	hx_tbuf_int(b, at->pid);
	hx_tbuf_puts(b, ",\"tid\":");
	hx_tbuf_int(b, at->tid);
	hx_tbuf_puts(b, ",\"ts\":");
	hx_tbuf_micros(b, s->start_ns);
	hx_tbuf_puts(b, ",\"dur\":");
	hx_tbuf_micros(b, s->end_ns - s->start_ns);
	hx_tbuf_puts(b, ",\"args\":{\"trace_id\":\"");
	hx_tbuf_puts(b, s->trace_id);
	hx_tbuf_puts(b, "\",\"span_id\":\"");
	hx_tbuf_puts(b, s->span_id);
	if (s->parent_id != NULL) {
		hx_tbuf_puts(b, "\",\"parent_id\":\"");
		hx_tbuf_puts(b, s->parent_id);
	}
	hx_tbuf_puts(b, s->error ? "\",\"status\":\"error\"" :
	    "\",\"status\":\"ok\"");
	if (s->message != NULL) {
		hx_tbuf_puts(b, ",\"message\":");
		hx_tbuf_json_string(b, s->message);
	}
	pairs(b, "attrs", s->attrs, s->nattrs);
	if (s->ncounters > 0) {
		hx_tbuf_puts(b, ",\"counters\":{");
		for (i = 0; i < s->ncounters; i++) {
			if (i > 0)
				hx_tbuf_putc(b, ',');
			hx_tbuf_json_string(b, s->counters[i].name);
			hx_tbuf_putc(b, ':');
			if (s->counters[i].supported)
				hx_tbuf_int(b, s->counters[i].value);
			else
				hx_tbuf_puts(b, "null");
		}
		hx_tbuf_putc(b, '}');
	}
	hx_tbuf_puts(b, "}}");
}

/* The 64 bits of the hex span id S, for hashing. */
static uint64_t
id_bits(const char *s)
{
	return strtoull(s, NULL, 16);
}

/* One end of a flow: PH "s" at the client, "f" at the server. */
static void
flow_end(struct chrome *c, const char *ph, int id, const struct hx_span *s)
{
	const struct place *at = &c->places[s - c->set->spans];

	event(c);
	hx_tbuf_puts(&c->b, "{\"ph\":\"");
	hx_tbuf_puts(&c->b, ph);
	hx_tbuf_puts(&c->b, "\",\"name\":\"rpc\",\"cat\":\"rpc\",\"id\":");
	hx_tbuf_int(&c->b, id);
	hx_tbuf_puts(&c->b, ",\"pid\":");
	hx_tbuf_int(&c->b, at->pid);
	hx_tbuf_puts(&c->b, ",\"tid\":");
	hx_tbuf_int(&c->b, at->tid);
	hx_tbuf_puts(&c->b, ",\"ts\":");
	hx_tbuf_micros(&c->b, s->start_ns);
	if (*ph == 'f')
		hx_tbuf_puts(&c->b, ",\"bp\":\"e\"");
	hx_tbuf_putc(&c->b, '}');
}

/*
 * The flows: each server span whose parent (in its trace) is a client
 * span, found through an open-addressing table of the spans by id.
 */
static void
flows(struct chrome *c)
{
	const struct hx_span **table, *s, *p;
	size_t n = c->set->nspans, size = 16, i, h;
	int id = 0;

	while (size < 2 * n)
		size *= 2;
	table = hx_xcalloc(size, sizeof(*table));
	for (i = 0; i < n; i++) {
		s = &c->set->spans[i];
		for (h = id_bits(s->span_id) & (size - 1); table[h] != NULL;
		    h = (h + 1) & (size - 1))
			continue;
		table[h] = s;
	}
	for (i = 0; i < n; i++) {
		s = &c->set->spans[i];
		if (s->kind != HX_SPAN_SERVER || s->parent_id == NULL)
			continue;
		for (h = id_bits(s->parent_id) & (size - 1);
		    (p = table[h]) != NULL; h = (h + 1) & (size - 1)) {
			if (p->kind != HX_SPAN_CLIENT ||
			    strcmp(p->span_id, s->parent_id) != 0 ||
			    strcmp(p->trace_id, s->trace_id) != 0)
				continue;
			id++;
			flow_end(c, "s", id, p);
			flow_end(c, "f", id, s);
			break;
		}
	}
	free(table);
}

/*
 * The process of metric M: that of the first span of its service (BY is
 * sorted by service), or one of its own, named at once.
 */
static int
metric_process(struct chrome *c, const struct hx_metric *m,
    const char ***extra, size_t *nextra)
{
	const char *service = m->service != NULL ? m->service : "metrics";
	size_t lo = 0, hi = c->set->nspans, mid, i;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(c->by[mid]->service, service) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < c->set->nspans && strcmp(c->by[lo]->service, service) == 0)
		return c->places[c->by[lo] - c->set->spans].pid;
	for (i = 0; i < *nextra; i++)
		if (strcmp((*extra)[i], service) == 0)
			return c->nprocesses + 1 + (int)i;
	*extra = hx_xrealloc(*extra, (*nextra + 1) * sizeof(**extra));
	(*extra)[*nextra] = service;
	metadata(c, "process_name", c->nprocesses + 1 + (int)*nextra, 0,
	    service);
	return c->nprocesses + 1 + (int)(*nextra)++;
}

/* The C events: one a metric record, its series named by its labels. */
static void
counters(struct chrome *c)
{
	const struct hx_metric *m;
	const char **extra = NULL;
	size_t nextra = 0, i, k;
	int pid;

	for (i = 0; i < c->set->nmetrics; i++) {
		m = &c->set->metrics[i];
		pid = metric_process(c, m, &extra, &nextra);
		event(c);
		hx_tbuf_puts(&c->b, "{\"ph\":\"C\",\"name\":");
		hx_tbuf_json_string(&c->b, m->name);
		hx_tbuf_puts(&c->b, ",\"pid\":");
		hx_tbuf_int(&c->b, pid);
		hx_tbuf_puts(&c->b, ",\"tid\":0,\"ts\":");
		hx_tbuf_micros(&c->b, m->time_ns);
		hx_tbuf_puts(&c->b, ",\"args\":{\"");
		if (m->nlabels == 0)
			hx_tbuf_puts(&c->b, "value");
		for (k = 0; k < m->nlabels; k++) {
			if (k > 0)
				hx_tbuf_putc(&c->b, ',');
			hx_tbuf_json_chars(&c->b, m->labels[k].name);
			hx_tbuf_putc(&c->b, '=');
			hx_tbuf_json_chars(&c->b, m->labels[k].value);
		}
		hx_tbuf_puts(&c->b, "\":");
		hx_tbuf_number(&c->b, m->value);
		hx_tbuf_puts(&c->b, "}}");
	}
	free(extra);
}

int
hx_chrome_write_file(const struct hx_spanset *set, const char *path,
    struct hx_err_info *err)
{
	struct hx_atomic a;
	struct chrome c;
	size_t i;

	if (hx_atomic_open(&a, path, 0666) < 0)
		return hx_err_set_errno(err, HX_EXIT_SYSTEM, "%s", path);
	memset(&c, 0, sizeof(c));
	c.set = set;
	c.fp = a.fp;
	c.places = hx_xcalloc(set->nspans + 1, sizeof(*c.places));
	hx_tbuf_init(&c.b);
	hx_tbuf_puts(&c.b, "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[");
	processes(&c);
	for (i = 0; i < set->nspans; i++)
		slice(&c, c.by[i]);
	flows(&c);
	counters(&c);
	hx_tbuf_puts(&c.b, "\n]}\n");
	fwrite(c.b.data, 1, c.b.len, a.fp);
	hx_tbuf_clear(&c.b);
	free(c.places);
	free(c.by);
	if (ferror(a.fp)) {
		hx_atomic_abort(&a);
		return hx_err_set(err, HX_EXIT_SYSTEM, "%s: write error",
		    path);
	}
	if (hx_atomic_commit(&a) < 0)
		return hx_err_set_errno(err, HX_EXIT_SYSTEM, "%s", path);
	return 0;
}
