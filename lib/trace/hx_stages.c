/*
 * hx_stages.c: the parts of traces summed up per stage and profile.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "stats/hx_stats.h"
#include "trace/hx_stages.h"

/* Order parts by stage, profile (none first), then time. */
static int
by_stage(const void *a, const void *b)
{
	const struct hx_correlate_part *x = *(const struct hx_correlate_part
	    *const *)a, *y = *(const struct hx_correlate_part *const *)b;
	int c;

	if ((c = strcmp(x->stage, y->stage)) != 0)
		return c;
	if (x->profile == NULL || y->profile == NULL) {
		if (x->profile != y->profile)
			return x->profile == NULL ? -1 : 1;
	} else if ((c = strcmp(x->profile, y->profile)) != 0)
		return c;
	return x->ns < y->ns ? -1 : x->ns > y->ns;
}

/* Whether parts X and Y are of the same stage and profile. */
static bool
same_group(const struct hx_correlate_part *x, const struct hx_correlate_part *y)
{
	if (strcmp(x->stage, y->stage) != 0)
		return false;
	if (x->profile == NULL || y->profile == NULL)
		return x->profile == y->profile;
	return strcmp(x->profile, y->profile) == 0;
}

/*
 * Fill S from the N parts P (sorted by time): the statistics of all of
 * them, and the values, thinned evenly to HX_STAGE_VALUES_MAX.
 */
static void
summarise(struct hx_stage_record *s, const struct hx_correlate_part *const *p,
    size_t n)
{
	double *x = hx_xcalloc(n, sizeof(*x));
	long double sum = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		x[i] = (double)p[i]->ns;
		sum += x[i];
	}
	hx_stage_init(s);
	s->stage = p[0]->stage;
	s->n = (int64_t)n;
	s->min = x[0];
	s->max = x[n - 1];
	s->mean = (double)(sum / n);
	s->p50 = hx_stats_quantile_sorted(x, n, 0.5);
	s->p90 = hx_stats_quantile_sorted(x, n, 0.9);
	s->p99 = hx_stats_quantile_sorted(x, n, 0.99);
	if (n <= HX_STAGE_VALUES_MAX) {
		s->values = x;
		s->nvalues = n;
	} else {
		s->values = hx_xcalloc(HX_STAGE_VALUES_MAX, sizeof(*x));
		for (i = 0; i < HX_STAGE_VALUES_MAX; i++)
			s->values[i] = x[(i * (n - 1) + (HX_STAGE_VALUES_MAX -
			    1) / 2) / (HX_STAGE_VALUES_MAX - 1)];
		s->nvalues = HX_STAGE_VALUES_MAX;
		free(x);
	}
	if (p[0]->profile != NULL) {
		s->labels = hx_xcalloc(1, sizeof(*s->labels));
		s->labels[0] = (struct hx_field_pair){ "profile",
		    p[0]->profile };
		s->nlabels = 1;
	}
}

void
hx_stages_collect(const struct hx_correlate_trace *traces, size_t ntraces,
    struct hx_stage_record **out, size_t *nout)
{
	const struct hx_correlate_part **parts;
	size_t i, j, k, n = 0;

	for (i = 0; i < ntraces; i++)
		n += traces[i].nparts;
	parts = hx_xcalloc(n + 1, sizeof(*parts));
	for (i = 0, n = 0; i < ntraces; i++)
		for (k = 0; k < traces[i].nparts; k++)
			parts[n++] = &traces[i].parts[k];
	qsort(parts, n, sizeof(*parts), by_stage);
	*out = hx_xcalloc(n + 1, sizeof(**out));
	*nout = 0;
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && same_group(parts[i], parts[j]); j++)
			continue;
		summarise(&(*out)[(*nout)++], parts + i, j - i);
	}
	free(parts);
}

void
hx_stages_free(struct hx_stage_record *stages, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		hx_stage_clear(&stages[i]);
	free(stages);
}
