/*
 * hx_prom.c: the Prometheus text exposition of spans, tests and metrics.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "hx_atomic.h"
#include "trace/hx_prom.h"
#include "trace/hx_spanorder.h"
#include "trace/hx_tbuf.h"

/* The upper bounds of the latency buckets, in ns, before +Inf. */
#define HX_PROM_NBUCKETS	18
static const int64_t hx_prom_buckets_ns[HX_PROM_NBUCKETS] = {
	100000, 500000, 1000000, 5000000, 10000000, 25000000, 50000000,
	100000000, 250000000, 500000000, 1000000000, 2500000000,
	5000000000, 10000000000, 30000000000, 60000000000, 300000000000,
	1800000000000,
};
/* The same bounds as le labels. */
static const char *const hx_prom_les[HX_PROM_NBUCKETS] = {
	"0.0001", "0.0005", "0.001", "0.005", "0.01", "0.025", "0.05",
	"0.1", "0.25", "0.5", "1", "2.5", "5", "10", "30", "60", "300",
	"1800",
};

/* The families hx-trace names itself; a metric record may not. */
static const char *const hx_prom_own[] = {
	"hx_span_duration_seconds", "hx_span_errors_total",
	"hx_test_runs_total", "hx_test_retries_total", "hx_test_flaky_total",
	"hx_test_failures_total", "hx_test_retry_ratio", NULL,
};

void
hx_prom_tests_add(struct hx_prom_tests *tests, const struct hx_test *t)
{
	tests->runs++;
	if (t->attempt > 1)
		tests->retries++;
	if (t->flaky)
		tests->flaky++;
	if (hx_test_failed(t))
		tests->failures++;
}

/* A label value, escaped as the text format wants it. */
static void
label_value(struct hx_tbuf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\' || *s == '"')
			hx_tbuf_putc(b, '\\');
		if (*s == '\n')
			hx_tbuf_puts(b, "\\n");
		else
			hx_tbuf_putc(b, *s);
	}
}

/* NAME="VALUE", after a comma unless FIRST. */
static void
label(struct hx_tbuf *b, const char *name, const char *value, int first)
{
	if (!first)
		hx_tbuf_putc(b, ',');
	hx_tbuf_puts(b, name);
	hx_tbuf_puts(b, "=\"");
	label_value(b, value);
	hx_tbuf_putc(b, '"');
}

/*
 * The HELP and TYPE lines of a family; in HELP, backslash and newline
 * are escaped (a unit from a record may hold them).
 */
static void
family(struct hx_tbuf *b, const char *name, const char *type,
    const char *help)
{
	hx_tbuf_puts(b, "# HELP ");
	hx_tbuf_puts(b, name);
	hx_tbuf_putc(b, ' ');
	for (; *help != '\0'; help++) {
		if (*help == '\\')
			hx_tbuf_puts(b, "\\\\");
		else if (*help == '\n')
			hx_tbuf_puts(b, "\\n");
		else
			hx_tbuf_putc(b, *help);
	}
	hx_tbuf_puts(b, "\n# TYPE ");
	hx_tbuf_puts(b, name);
	hx_tbuf_putc(b, ' ');
	hx_tbuf_puts(b, type);
	hx_tbuf_putc(b, '\n');
}

/* Order span pointers by service and name. */
static int
compare_spans(const void *pa, const void *pb)
{
	const struct hx_span *a = *(const struct hx_span *const *)pa;
	const struct hx_span *b = *(const struct hx_span *const *)pb;
	int c;

	if ((c = strcmp(a->service, b->service)) != 0)
		return c;
	return strcmp(a->name, b->name);
}

/* The length of the run of spans of one service and name at BY. */
static size_t
run_length(const struct hx_span **by, size_t n)
{
	size_t k;

	for (k = 1; k < n && compare_spans(&by[0], &by[k]) == 0; k++)
		continue;
	return k;
}

/*
 * The start of a sample of family NAME (SUFFIX added) for the spans like
 * S: the name and its service and name labels, the brace left open.
 */
static void
sample_start(struct hx_tbuf *b, const char *name, const char *suffix,
    const struct hx_span *s)
{
	hx_tbuf_puts(b, name);
	hx_tbuf_puts(b, suffix);
	hx_tbuf_putc(b, '{');
	label(b, "service", s->service, 1);
	label(b, "name", s->name, 0);
}

/* The histogram series of the run BY[0 .. N - 1]. */
static void
histogram(struct hx_tbuf *b, const struct hx_span **by, size_t n)
{
	const char *name = "hx_span_duration_seconds";
	uint64_t counts[HX_PROM_NBUCKETS] = { 0 }, total;
	int64_t d;
	double sum = 0;
	size_t i;
	int k;

	for (i = 0; i < n; i++) {
		d = by[i]->end_ns - by[i]->start_ns;
		sum += (double)d / 1e9;
		for (k = 0; k < HX_PROM_NBUCKETS; k++)
			if (d <= hx_prom_buckets_ns[k])
				counts[k]++;
	}
	for (k = 0; k <= HX_PROM_NBUCKETS; k++) {
		total = k < HX_PROM_NBUCKETS ? counts[k] : n;
		sample_start(b, name, "_bucket", by[0]);
		label(b, "le", k < HX_PROM_NBUCKETS ? hx_prom_les[k] : "+Inf",
		    0);
		hx_tbuf_puts(b, "} ");
		hx_tbuf_int(b, (int64_t)total);
		hx_tbuf_putc(b, '\n');
	}
	sample_start(b, name, "_sum", by[0]);
	hx_tbuf_puts(b, "} ");
	hx_tbuf_number(b, sum);
	hx_tbuf_putc(b, '\n');
	sample_start(b, name, "_count", by[0]);
	hx_tbuf_puts(b, "} ");
	hx_tbuf_int(b, (int64_t)n);
	hx_tbuf_putc(b, '\n');
}

/* The span families: latency histograms and error counters. */
static void
span_families(struct hx_tbuf *b, const struct hx_spanset *set)
{
	const struct hx_span **by = hx_spanorder_sort(set, compare_spans);
	size_t i, k, j, errors;

	family(b, "hx_span_duration_seconds", "histogram",
	    "Duration of the spans hx-trace read, by service and name.");
	for (i = 0; i < set->nspans; i += k) {
		k = run_length(by + i, set->nspans - i);
		histogram(b, by + i, k);
	}
	family(b, "hx_span_errors_total", "counter",
	    "Spans whose status is error, by service and name.");
	for (i = 0; i < set->nspans; i += k) {
		k = run_length(by + i, set->nspans - i);
		for (j = errors = 0; j < k; j++)
			errors += by[i + j]->error;
		sample_start(b, "hx_span_errors_total", "", by[i]);
		hx_tbuf_puts(b, "} ");
		hx_tbuf_int(b, (int64_t)errors);
		hx_tbuf_putc(b, '\n');
	}
	free(by);
}

/* A family of one unlabelled sample. */
static void
single(struct hx_tbuf *b, const char *name, const char *type,
    const char *help, uint64_t n)
{
	family(b, name, type, help);
	hx_tbuf_puts(b, name);
	hx_tbuf_putc(b, ' ');
	hx_tbuf_int(b, (int64_t)n);
	hx_tbuf_putc(b, '\n');
}

/* The test families, from the retry counts the seed alerts on. */
static void
test_families(struct hx_tbuf *b, const struct hx_prom_tests *t)
{
	single(b, "hx_test_runs_total", "counter",
	    "Test runs hx-trace read (test records).", t->runs);
	single(b, "hx_test_retries_total", "counter",
	    "Test runs that were retries (attempt > 1).", t->retries);
	single(b, "hx_test_flaky_total", "counter",
	    "Test runs marked flaky (passed on a retry).", t->flaky);
	single(b, "hx_test_failures_total", "counter",
	    "Test runs that count as failed (not quarantined).",
	    t->failures);
	family(b, "hx_test_retry_ratio", "gauge",
	    "Retries over test runs (0 without runs).");
	hx_tbuf_puts(b, "hx_test_retry_ratio ");
	hx_tbuf_number(b, t->runs > 0 ? (double)t->retries /
	    (double)t->runs : 0);
	hx_tbuf_putc(b, '\n');
}

/* The family of M: its name, "_total" added to a counter without it. */
static char *
family_name(const struct hx_metric *m)
{
	size_t len = strlen(m->name);

	return m->kind == HX_METRIC_COUNTER && (len < 6 ||
	    strcmp(m->name + len - 6, "_total") != 0) ?
	    hx_xasprintf("%s_total", m->name) : hx_xstrdup(m->name);
}

/* Order families by name. */
static int
compare_families(const void *pa, const void *pb)
{
	const struct hx_prom_family *a = pa, *b = pb;

	return strcmp(a->name, b->name);
}

void
hx_prom_families_init(struct hx_prom_families *f)
{
	memset(f, 0, sizeof(*f));
}

int
hx_prom_families_add(struct hx_prom_families *f, const struct hx_metric *m,
    char **message)
{
	struct hx_prom_family key, *found;
	size_t i;

	key.name = family_name(m);
	key.kind = m->kind;
	found = f->n == 0 ? NULL :
	    bsearch(&key, f->v, f->n, sizeof(*f->v), compare_families);
	*message = NULL;
	if (hx_field_index(hx_prom_own, key.name) >= 0 ||
	    strncmp(key.name, hx_prom_own[0], strlen(hx_prom_own[0])) == 0)
		*message = hx_xasprintf("metric %s: family %s is one "
		    "hx-trace exports itself", m->name, key.name);
	else if (m->kind == HX_METRIC_COUNTER && m->value < 0)
		*message = hx_xasprintf("metric %s: a counter below zero",
		    m->name);
	else if (found != NULL && found->kind != m->kind)
		*message = hx_xasprintf("metric %s: family %s is a %s, "
		    "this is a %s", m->name, key.name,
		    hx_metric_kind_name(found->kind),
		    hx_metric_kind_name(m->kind));
	if (*message != NULL || found != NULL) {
		free(key.name);
		return *message != NULL ? -1 : 0;
	}
	if (f->n == f->cap) {
		f->cap = f->cap > 0 ? f->cap * 2 : 16;
		f->v = hx_xrealloc(f->v, f->cap * sizeof(*f->v));
	}
	for (i = f->n; i > 0 && strcmp(f->v[i - 1].name, key.name) > 0; i--)
		f->v[i] = f->v[i - 1];
	f->v[i] = key;
	f->n++;
	return 0;
}

void
hx_prom_families_clear(struct hx_prom_families *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		free(f->v[i].name);
	free(f->v);
	hx_prom_families_init(f);
}

/* A metric record as the exporter sees it: its family and series. */
struct series {
	const struct hx_metric *m;
	char *family;		/* the name, "_total" added to a counter */
	char *labels;		/* the label set as written, sorted */
};

/* Order label pairs by name. */
static int
compare_pairs(const void *pa, const void *pb)
{
	const struct hx_field_pair *a = pa, *b = pb;

	return strcmp(a->name, b->name);
}

/*
 * The label set of M as written: its labels and, unless one is called
 * so, service, sorted by name; characters a label name cannot have
 * become '_', and a name that would start with a digit or "__", and the
 * names a histogram or summary gives its buckets ("le", "quantile"), get
 * a leading "l"; of labels whose names then agree, the first is kept.
 */
static char *
label_set(const struct hx_metric *m)
{
	struct hx_field_pair *pairs;
	struct hx_tbuf b, name;
	size_t i, k, n = m->nlabels;
	const char **names;
	const char *p;

	pairs = hx_xcalloc(n + 1, sizeof(*pairs));
	if (n > 0)
		memcpy(pairs, m->labels, n * sizeof(*pairs));
	for (i = 0; i < n && strcmp(pairs[i].name, "service") != 0; i++)
		continue;
	if (m->service != NULL && i == n) {
		pairs[n].name = "service";
		pairs[n++].value = m->service;
	}
	qsort(pairs, n, sizeof(*pairs), compare_pairs);
	names = hx_xcalloc(n + 1, sizeof(*names));
	hx_tbuf_init(&b);
	hx_tbuf_init(&name);
	for (i = 0; i < n; i++) {
		name.len = 0;
		if ((pairs[i].name[0] >= '0' && pairs[i].name[0] <= '9') ||
		    strncmp(pairs[i].name, "__", 2) == 0 ||
		    strcmp(pairs[i].name, "le") == 0 ||
		    strcmp(pairs[i].name, "quantile") == 0 ||
		    pairs[i].name[0] == '\0')
			hx_tbuf_putc(&name, 'l');
		for (p = pairs[i].name; *p != '\0'; p++)
			hx_tbuf_putc(&name, strchr("abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_", *p) ?
			    *p : '_');
		names[i] = hx_xstrdup(hx_tbuf_text(&name));
		for (k = 0; k < i && strcmp(names[k], names[i]) != 0; k++)
			continue;
		if (k == i)
			label(&b, names[i], pairs[i].value, b.len == 0);
	}
	for (i = 0; i < n; i++)
		free((char *)names[i]);
	free(names);
	hx_tbuf_clear(&name);
	free(pairs);
	hx_tbuf_text(&b);
	return b.data;
}

/*
 * Order series by family and label set, then by time and place, so that
 * the last of a run is the reading to export.
 */
static int
compare_series(const void *pa, const void *pb)
{
	const struct series *a = pa, *b = pb;
	int c;

	if ((c = strcmp(a->family, b->family)) != 0 ||
	    (c = strcmp(a->labels, b->labels)) != 0)
		return c;
	if (a->m->time_ns != b->m->time_ns)
		return a->m->time_ns < b->m->time_ns ? -1 : 1;
	return (a->m > b->m) - (a->m < b->m);
}

/* The families of the metric records: the last reading of each series. */
static void
metric_families(struct hx_tbuf *b, const struct hx_spanset *set)
{
	const struct hx_metric *m;
	struct series *s;
	size_t n = set->nmetrics, i;
	char *help;

	s = hx_xcalloc(n + 1, sizeof(*s));
	for (i = 0; i < n; i++) {
		m = s[i].m = &set->metrics[i];
		s[i].family = family_name(m);
		s[i].labels = label_set(m);
	}
	qsort(s, n, sizeof(*s), compare_series);
	for (i = 0; i < n; i++) {
		if (i == 0 || strcmp(s[i - 1].family, s[i].family) != 0) {
			help = hx_xasprintf("Metric records hx-trace read, "
			    "the last of each label set%s%s.",
			    s[i].m->unit != NULL ? "; unit " : "",
			    s[i].m->unit != NULL ? s[i].m->unit : "");
			family(b, s[i].family, hx_metric_kind_name(s[i].m->kind),
			    help);
			free(help);
		}
		if (i + 1 < n && strcmp(s[i].family, s[i + 1].family) == 0 &&
		    strcmp(s[i].labels, s[i + 1].labels) == 0)
			continue;
		hx_tbuf_puts(b, s[i].family);
		if (s[i].labels[0] != '\0') {
			hx_tbuf_putc(b, '{');
			hx_tbuf_puts(b, s[i].labels);
			hx_tbuf_putc(b, '}');
		}
		hx_tbuf_putc(b, ' ');
		hx_tbuf_number(b, s[i].m->value);
		hx_tbuf_putc(b, '\n');
	}
	for (i = 0; i < n; i++) {
		free(s[i].family);
		free(s[i].labels);
	}
	free(s);
}

int
hx_prom_write_file(const struct hx_spanset *set,
    const struct hx_prom_tests *tests, const char *path,
    struct hx_err_info *err)
{
	struct hx_tbuf b;
	int rc = 0;

	hx_tbuf_init(&b);
	span_families(&b, set);
	test_families(&b, tests);
	metric_families(&b, set);
	if (hx_atomic_write(path, b.data, b.len, 0666) < 0)
		rc = hx_err_set_errno(err, HX_EXIT_SYSTEM, "%s", path);
	hx_tbuf_clear(&b);
	return rc;
}
