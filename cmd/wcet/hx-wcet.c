/*
 * hx-wcet: measurement-based probabilistic WCET with extreme value theory.
 *
 * Reads sample records (or plain numbers with -n), groups the
 * measurements by name, unit and the labels of --group-by (profile by
 * default), and at the end of the input writes one
 * wcet record per group: summary, i.i.d. checks, a GEV or GPD fit with its
 * goodness of fit, pWCET estimates with intervals, and with --baseline (a
 * file, or the git note hx-gate records, through lib/rec/hx_baseline) the
 * class: exact for constant counts, by ranks for the rest, insufficient
 * below the rank test's minimum.  Every other record passes through
 * untouched, test records too (samples with --pass-samples):
 * measurements are samples, and verdicts are hx-gate's.  The
 * statistics live in lib/stats (hx_stats, hx_iid, hx_evt, hx_drift);
 * analyse.c builds the records, lib/rec/hx_sample and hx_wcet read and
 * write them.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hx_in.h"
#include "rec/hx_baseline.h"
#include "rec/hx_error.h"
#include "rec/hx_reader.h"
#include "rec/hx_rec.h"
#include "rec/hx_sample.h"
#include "wcet.h"

/* The groups in order of first appearance, with a hash index. */
struct groups {
	struct wcet_group *list;
	size_t n, cap;
	size_t *slots;		/* index + 1, 0 for empty */
	size_t nslots;
};

/* The most labels --group-by names. */
#define MAX_GROUP_BY 16

/* What a record callback adds to. */
struct reader {
	struct groups *groups;
	bool baseline;		/* values go to the baselines */
	bool pass_samples;	/* sample records go downstream too */
	char *group_by[MAX_GROUP_BY + 1];	/* --group-by, NULL-ended */
};

/* A group's identity: name, unit and the labels that tell groups apart. */
struct key {
	const char *name, *unit;
	struct hx_field_pair labels[MAX_GROUP_BY];
	size_t nlabels;
};

static const double default_probs[] = { 1e-3, 1e-6, 1e-9, 1e-12, 1e-15 };

static void
usage(void)
{
	printf("Usage: hx-wcet [-fhknV] [-b N] [-m METHOD] [-p P[,P]...] "
	    "[-u U]\n"
	    "               [--alpha A] [--baseline SOURCE] [--budget V] "
	    "[--plot FILE.svg]\n"
	    "               [--pass-samples] [--threshold R] [--unit UNIT] "
	    "[--policy FILE]\n"
	    "               [--group-by LABELS]\n"
	    "               [FILE]...\n"
	    "Estimate probabilistic worst-case execution times of the sample "
	    "records in\n"
	    "FILEs (or standard input) with extreme value theory, and write "
	    "one wcet\n"
	    "record per group of name, unit and the labels of --group-by.\n"
	    "\n"
	    "Options:\n"
	    "  -b, --block N         block size for block maxima (1: the "
	    "values are maxima)\n"
	    "  -f, --force           fit even when the i.i.d. checks fail\n"
	    "  -h, --help            show this help and exit\n"
	    "  -k, --keep-going      turn bad input into error records and "
	    "go on\n"
	    "  -m, --method METHOD   gev, gpd or auto (default auto)\n"
	    "  -n, --numbers         read plain numbers, one per line, one "
	    "group per file\n"
	    "  -p, --probability P   pWCET exceedance probabilities per run, "
	    "comma-separated\n"
	    "                        (default 1e-3,1e-6,1e-9,1e-12,1e-15)\n"
	    "  -u, --peak-threshold U  threshold for peaks over threshold "
	    "(gpd)\n"
	    "  -V, --version         show the version and exit\n"
	    "      --alpha A         significance level of every test "
	    "(default 0.05)\n"
	    "      --baseline SOURCE compare each group with the samples "
	    "of a file, or of\n"
	    "                        the git note of the merge base (git) "
	    "or of REV (git:REV)\n"
	    "      --budget V        draw the budget V (\"V UNIT\" as in a "
	    "policy) on the\n"
	    "                        plot for groups the policy gives none\n"
	    "      --group-by LABELS labels that tell groups apart, "
	    "comma-separated\n"
	    "                        (default profile; \"\": name and unit "
	    "only)\n"
	    "      --pass-samples    pass sample records on too, for the "
	    "baseline note\n"
	    "      --plot FILE.svg   write the exceedance plot to FILE.svg\n"
	    "      --policy FILE     draw each group's pwcet budget from "
	    "the policy FILE\n"
	    "      --threshold R     relative slowdown that makes a "
	    "regression (default 0.01)\n"
	    "      --unit UNIT       with -n: the numbers' unit, insns, ns, "
	    "cycles or bytes\n"
	    "\n"
	    "Exit status: 0 ok, 2 usage, 3 bad input, 4 system failure.\n");
}

/* FNV-1a over BYTES and a NUL, on from H. */
static uint64_t
fnv(uint64_t h, const char *bytes)
{
	const char *s;

	for (s = bytes; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (h ^ 0xff) * 1099511628211ULL;
}

/* The hash of a group of name, unit and labels. */
static size_t
group_hash(const char *name, const char *unit,
    const struct hx_field_pair *labels, size_t n)
{
	uint64_t h = fnv(fnv(14695981039346656037ULL, name), unit);
	size_t i;

	for (i = 0; i < n; i++)
		h = fnv(fnv(h, labels[i].name), labels[i].value);
	return (size_t)h;
}

/* Whether group G is the group of K. */
static bool
group_is(const struct wcet_group *g, const struct key *k)
{
	size_t i;

	if (strcmp(g->name, k->name) != 0 || strcmp(g->unit, k->unit) != 0 ||
	    g->nlabels != k->nlabels)
		return false;
	for (i = 0; i < k->nlabels; i++)
		if (strcmp(g->labels[i].name, k->labels[i].name) != 0 ||
		    strcmp(g->labels[i].value, k->labels[i].value) != 0)
			return false;
	return true;
}

static void
group_reindex(struct groups *gs)
{
	struct wcet_group *g;
	size_t i, j;

	free(gs->slots);
	gs->nslots = gs->nslots ? gs->nslots * 2 : 64;
	gs->slots = hx_xcalloc(gs->nslots, sizeof(size_t));
	for (i = 0; i < gs->n; i++) {
		g = &gs->list[i];
		j = group_hash(g->name, g->unit, g->labels, g->nlabels) &
		    (gs->nslots - 1);
		while (gs->slots[j] != 0)
			j = (j + 1) & (gs->nslots - 1);
		gs->slots[j] = i + 1;
	}
}

/* The group of K, made when CREATE; NULL when not there. */
static struct wcet_group *
group_find(struct groups *gs, const struct key *k, bool create)
{
	struct wcet_group *g;
	size_t i, j;

	if (gs->nslots == 0 || 2 * (gs->n + 1) > gs->nslots)
		group_reindex(gs);
	j = group_hash(k->name, k->unit, k->labels, k->nlabels) &
	    (gs->nslots - 1);
	for (; gs->slots[j] != 0; j = (j + 1) & (gs->nslots - 1)) {
		g = &gs->list[gs->slots[j] - 1];
		if (group_is(g, k))
			return g;
	}
	if (!create)
		return NULL;
	if (gs->n == gs->cap) {
		gs->cap = gs->cap ? gs->cap * 2 : 16;
		gs->list = hx_xrealloc(gs->list, gs->cap * sizeof(*gs->list));
	}
	g = &gs->list[gs->n];
	memset(g, 0, sizeof(*g));
	g->name = hx_xstrdup(k->name);
	g->unit = hx_xstrdup(k->unit);
	if (k->nlabels > 0)
		g->labels = hx_xcalloc(k->nlabels, sizeof(*g->labels));
	for (i = 0; i < k->nlabels; i++) {
		g->labels[i].name = hx_xstrdup(k->labels[i].name);
		g->labels[i].value = hx_xstrdup(k->labels[i].value);
	}
	g->nlabels = k->nlabels;
	hx_stats_init(&g->stats);
	gs->slots[j] = ++gs->n;
	return g;
}

/*
 * The key of a measurement of NAME in UNIT with the N LABELS: those of
 * them --group-by names, in its order.
 */
static struct key
key_of(const struct reader *r, const char *name, const char *unit,
    const struct hx_field_pair *labels, size_t n)
{
	struct key k = { name, unit, { { NULL, NULL } }, 0 };
	size_t i, j;

	for (i = 0; r->group_by[i] != NULL; i++)
		for (j = 0; j < n; j++)
			if (strcmp(labels[j].name, r->group_by[i]) == 0) {
				k.labels[k.nlabels++] = labels[j];
				break;
			}
	return k;
}

/* Add X, measured as K says, to its group, or to the group's baseline. */
static void
add_value(struct reader *r, const struct key *k, double x)
{
	struct wcet_group *g = group_find(r->groups, k, !r->baseline);

	if (g == NULL)
		return;	/* a baseline group not measured now */
	if (r->baseline)
		wcet_values_add(&g->base, x);
	else {
		hx_stats_add(&g->stats, x);
		wcet_values_add(&g->values, x);
	}
}

/* Add the sample S to its group, or to the group's baseline. */
static void
add_sample(struct reader *r, const struct hx_sample *s)
{
	struct key k = key_of(r, s->name, hx_sample_unit_name(s->unit),
	    s->labels, s->nlabels);

	add_value(r, &k, s->value);
}

/* Why X is not a measurement, or NULL. */
static const char *
bad_value(double x)
{
	if (isnan(x))
		return "is not a number";
	if (!isfinite(x))
		return "is not finite";
	if (x < 0)
		return "is negative";
	return NULL;
}

/*
 * A sample record: its value joins its group.  Everything else passes
 * through unread; only a baseline read hands it over.
 */
static int
on_record(struct hx_record *rec, void *arg)
{
	struct reader *r = arg;
	struct hx_sample s;
	char *message;
	json_t *j;

	if (strcmp(rec->type, "sample") != 0 || (j = hx_rec_json(rec)) == NULL)
		return 0;
	if (hx_sample_read(j, &s, &message) < 0) {
		hx_rec_bad(rec, "%s", message);
		free(message);
		return 0;
	}
	add_sample(r, &s);
	hx_sample_clear(&s);
	if (r->pass_samples)
		hx_rec_pass(rec);
	return 0;
}

/* Write out the records so far, before an exit. */
static void flush_output(const struct hx_rec_loop *loop);

/*
 * Read the samples of the record file PATH into the baselines of R's
 * groups.  The file is not part of the stream: nothing of it goes
 * downstream.  A bad line or sample ends the program with status 3, or
 * with -k is named on standard error and skipped.
 */
static void
read_baseline(struct reader *r, const char *path, bool keep_going)
{
	struct hx_reader_line line;
	struct hx_json_error jerr;
	struct hx_reader *reader;
	struct hx_err_info err;
	enum hx_reader_status st;
	struct hx_sample s;
	char *message = NULL;
	json_t *j;

	if ((reader = hx_reader_open(path, &err)) == NULL) {
		flush_output(NULL);
		hx_err_exit(&err);
	}
	while ((st = hx_reader_next(reader, &line, &err)) != HX_READER_EOF) {
		if (st == HX_READER_ERROR) {
			flush_output(NULL);
			hx_err_exit(&err);
		}
		if (st == HX_READER_RECORD && strcmp(line.scan.type,
		    "sample") != 0)
			continue;
		if (st == HX_READER_BAD)
			message = hx_xstrdup(line.scan.message);
		else if ((j = hx_json_parse(line.text, line.len,
		    &jerr)) == NULL)
			message = hx_xstrdup(jerr.text);
		else {
			if (hx_sample_read(j, &s, &message) == 0) {
				add_sample(r, &s);
				hx_sample_clear(&s);
			}
			json_decref(j);
		}
		if (message == NULL)
			continue;
		if (!keep_going) {
			flush_output(NULL);
			hx_err(HX_EXIT_INPUT, "%s:%lu: %s", line.file,
			    line.line, message);
		}
		hx_warn("%s:%lu: %s (skipped)", line.file, line.line, message);
		free(message);
		message = NULL;
	}
	hx_reader_close(reader);
}

/*
 * Read the baseline note SPEC ("git" or "git:REV") from the store hx-gate
 * records into: its samples join the baselines of R's groups, and a
 * group with no samples there takes a deterministic wcet record's value,
 * n times.  A missing note is said as hx-gate says it, and compares
 * nothing; a malformed one is bad input, one that cannot be read a
 * system failure.
 */
static void
read_baseline_note(struct reader *r, const char *spec)
{
	struct hx_baseline b;
	struct wcet_group *g;
	const struct hx_wcet *w;
	char err[1024];
	struct key k;
	int64_t m;
	size_t i;
	int rc;

	if ((rc = hx_baseline_load(spec, NULL, &b, err, sizeof(err))) < 0) {
		flush_output(NULL);
		hx_err(rc == -2 ? HX_EXIT_SYSTEM : HX_EXIT_INPUT, "%s", err);
	}
	if (b.missing != NULL)
		hx_warn("no baseline: %s", b.missing);
	for (i = 0; i < b.nsamples; i++)
		add_sample(r, &b.samples[i]);
	for (i = 0; i < b.nwcets; i++) {
		w = &b.wcets[i];
		k = key_of(r, w->name, w->unit, w->labels, w->nlabels);
		if (w->method != HX_WCET_DETERMINISTIC || (g = group_find(
		    r->groups, &k, false)) == NULL || g->base.n > 0)
			continue;
		for (m = 0; m < w->n; m++)
			wcet_values_add(&g->base, w->max);
	}
	hx_baseline_free(&b);
}

/* Whether the --baseline SPEC names a git note rather than a file. */
static bool
is_git_spec(const char *spec)
{
	return strcmp(spec, "git") == 0 || strncmp(spec, "git:", 4) == 0;
}

/*
 * Write out the records so far, before an exit, and end the program when
 * LOOP (or NULL) failed or the write did.
 */
static void
flush_output(const struct hx_rec_loop *loop)
{
	struct hx_err_info err;

	if (hx_rec_finish(loop, &err) < 0)
		hx_err_exit(&err);
}

/* A bad plain number: exit 3, or with -k an error record. */
static void
bad_number(bool keep_going, const char *file, unsigned long line,
    const char *why)
{
	struct hx_error e = { hx_err_progname(), file, line, 0, why };
	json_t *rec;

	if (!keep_going) {
		flush_output(NULL);
		hx_err(HX_EXIT_INPUT, "%s:%lu: %s", file, line, why);
	}
	hx_warn("%s:%lu: %s", file, line, why);
	rec = hx_error_to_json(&e);
	hx_rec_emit(rec);
	json_decref(rec);
}

/*
 * Read plain numbers, one per line (blank lines skipped), from PATH into
 * the group named after the file with UNIT, or into every group's
 * baseline.
 */
static void
read_numbers(struct groups *gs, const char *path, const char *unit,
    bool baseline, bool keep_going)
{
	enum hx_in_status st;
	char *line, *end, *copy;
	size_t len, i;
	struct hx_in *in;
	double x;
	const char *why;

	if (hx_in_max_line(&len) < 0)
		hx_usage_error("HX_LINE_MAX: not a positive number of bytes: %s",
		    getenv("HX_LINE_MAX"));
	if ((in = hx_in_open(path)) == NULL)
		hx_err_errno(HX_EXIT_SYSTEM, "%s", path);
	while ((st = hx_in_getline(in, &line, &len)) != HX_IN_EOF) {
		if (st == HX_IN_TOOLONG) {
			bad_number(keep_going, hx_in_name(in), hx_in_lineno(in),
			    "line too long");
			continue;
		}
		if (st == HX_IN_BADDATA) {
			flush_output(NULL);
			hx_err(HX_EXIT_INPUT, "%s:%lu: %s", hx_in_name(in),
			    hx_in_lineno(in), hx_in_error(in));
		}
		if (st != HX_IN_LINE) {
			flush_output(NULL);
			hx_err(HX_EXIT_SYSTEM, "%s: %s", hx_in_name(in),
			    hx_in_error(in));
		}
		if (memchr(line, '\0', len) != NULL) {
			bad_number(keep_going, hx_in_name(in), hx_in_lineno(in),
			    "a NUL byte in the line");
			continue;
		}
		copy = hx_xasprintf("%.*s", (int)len, line);
		for (i = 0; isspace((unsigned char)copy[i]); i++)
			continue;
		if (copy[i] == '\0') {
			free(copy);
			continue;
		}
		errno = 0;
		x = strtod(copy, &end);
		while (isspace((unsigned char)*end))
			end++;
		why = end == copy + i || *end != '\0' ? "not a number" :
		    bad_value(x);
		if (why == NULL && errno == ERANGE && !isfinite(x))
			why = "is not finite";
		free(copy);
		if (why != NULL) {
			bad_number(keep_going, hx_in_name(in), hx_in_lineno(in),
			    why);
			continue;
		}
		if (baseline) {
			for (i = 0; i < gs->n; i++)
				wcet_values_add(&gs->list[i].base, x);
		} else {
			struct reader r = { gs, false, false, { NULL } };
			struct key k = { hx_in_name(in), unit, { { NULL,
			    NULL } }, 0 };

			add_value(&r, &k, x);
		}
	}
	hx_in_close(in);
}

/* Parse -p: probabilities strictly between 0 and 1, comma-separated. */
static void
parse_probs(struct wcet_opts *o, const char *arg, bool *replaced)
{
	char *copy = hx_xstrdup(arg), *tok, *save = NULL, *end;
	double p;

	if (!*replaced) {
		o->nprobs = 0;
		*replaced = true;
	}
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		p = strtod(tok, &end);
		if (end == tok || *end != '\0' || !(p > 0 && p < 1))
			hx_usage_error("-p: not a probability in (0, 1): %s",
			    tok);
		o->probs = hx_xrealloc(o->probs, (o->nprobs + 1) * sizeof(p));
		o->probs[o->nprobs++] = p;
	}
	free(copy);
}

/* A number option's value, checked by its range. */
static double
parse_number(const char *opt, const char *arg, double lo, double hi)
{
	char *end;
	double v = strtod(arg, &end);

	if (end == arg || *end != '\0' || !(v >= lo && v <= hi))
		hx_usage_error("%s: not a number in [%g, %g]: %s", opt, lo, hi,
		    arg);
	return v;
}

/*
 * --budget V or "V UNIT" (hx-policy(5)'s budgets): *O takes the amount,
 * in UNIT's base with a unit, else in each group's own unit.
 */
static void
parse_budget(struct wcet_opts *o, const char *arg)
{
	json_t *text;
	int rc;

	if (strpbrk(arg, " \t") == NULL) {
		o->budget = parse_number("--budget", arg, 0, HUGE_VAL);
		return;
	}
	text = json_string(arg);
	rc = text != NULL ? hx_policy_budget(text, &o->budget,
	    &o->budget_unit) : -1;
	json_decref(text);
	if (rc < 0 || !(o->budget >= 0))
		hx_usage_error("--budget: not a budget (\"NUMBER [UNIT]\"): %s",
		    arg);
}

/*
 * --group-by LABELS: the labels, separated by commas, whose values tell
 * groups apart; "" for none.
 */
static void
parse_group_by(struct reader *r, const char *arg)
{
	const char *p = arg, *comma;
	size_t n = 0, len;

	while (*p != '\0') {
		comma = strchr(p, ',');
		len = comma != NULL ? (size_t)(comma - p) : strlen(p);
		if (len == 0)
			hx_usage_error("--group-by: an empty label name: %s",
			    arg);
		if (n == MAX_GROUP_BY)
			hx_usage_error("--group-by: more than %d labels",
			    MAX_GROUP_BY);
		r->group_by[n++] = hx_xasprintf("%.*s", (int)len, p);
		p += len + (comma != NULL);
		if (comma != NULL && *p == '\0')
			hx_usage_error("--group-by: an empty label name: %s",
			    arg);
	}
	r->group_by[n] = NULL;
}

/* Read the policy of --policy, for its pwcet budgets. */
static void
load_policy(struct hx_policy *policy, const char *path)
{
	char err[1024];
	int rc = hx_policy_load(path, policy, err, sizeof(err));

	if (rc < 0)
		hx_err(rc == -1 ? HX_EXIT_INPUT : HX_EXIT_SYSTEM, "%s", err);
}

enum {
	OPT_ALPHA = 256,
	OPT_BASELINE,
	OPT_BUDGET,
	OPT_GROUP_BY,
	OPT_PASS_SAMPLES,
	OPT_PLOT,
	OPT_POLICY,
	OPT_THRESHOLD,
	OPT_UNIT,
};

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "alpha", required_argument, NULL, OPT_ALPHA },
		{ "baseline", required_argument, NULL, OPT_BASELINE },
		{ "block", required_argument, NULL, 'b' },
		{ "budget", required_argument, NULL, OPT_BUDGET },
		{ "force", no_argument, NULL, 'f' },
		{ "group-by", required_argument, NULL, OPT_GROUP_BY },
		{ "help", no_argument, NULL, 'h' },
		{ "keep-going", no_argument, NULL, 'k' },
		{ "method", required_argument, NULL, 'm' },
		{ "numbers", no_argument, NULL, 'n' },
		{ "pass-samples", no_argument, NULL, OPT_PASS_SAMPLES },
		{ "peak-threshold", required_argument, NULL, 'u' },
		{ "plot", required_argument, NULL, OPT_PLOT },
		{ "policy", required_argument, NULL, OPT_POLICY },
		{ "probability", required_argument, NULL, 'p' },
		{ "threshold", required_argument, NULL, OPT_THRESHOLD },
		{ "unit", required_argument, NULL, OPT_UNIT },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const consume[] = { "sample", NULL };
	struct wcet_opts o = { 0 };
	struct hx_rec_loop loop = { .warn = hx_err_warn };
	struct groups gs = { 0 };
	struct reader r = { &gs, false, false, { NULL } };
	const char *baseline = NULL, *plot = NULL, *unit = NULL;
	const char *policy_path = NULL, *group_by = "profile";
	struct hx_policy policy;
	enum hx_sample_unit known;
	bool numbers = false, replaced = false;
	size_t i;
	int c;

	hx_rec_init(argv[0]);
	o.method = WCET_AUTO;
	o.peak_threshold = NAN;
	o.threshold = 0.01;
	o.alpha = 0.05;
	o.confidence = 0.95;
	o.budget = NAN;
	o.nprobs = sizeof(default_probs) / sizeof(default_probs[0]);
	o.probs = hx_xmalloc(sizeof(default_probs));
	memcpy(o.probs, default_probs, sizeof(default_probs));
	while ((c = getopt_long(argc, argv, "b:fhkm:np:u:V", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'b':
			o.block = (size_t)hx_usage_uint(optarg, "-b", 1,
			    1000000000);
			break;
		case 'f':
			o.force = true;
			break;
		case 'h':
			usage();
			hx_err_close_stdout();
			free(o.probs);
			return HX_EXIT_OK;
		case 'k':
			loop.keep_going = true;
			break;
		case 'm':
			if (strcmp(optarg, "gev") == 0)
				o.method = WCET_GEV;
			else if (strcmp(optarg, "gpd") == 0)
				o.method = WCET_GPD;
			else if (strcmp(optarg, "auto") == 0)
				o.method = WCET_AUTO;
			else
				hx_usage_error("-m: not gev, gpd or auto: %s",
				    optarg);
			break;
		case 'n':
			numbers = true;
			break;
		case 'p':
			parse_probs(&o, optarg, &replaced);
			break;
		case 'u':
			o.peak_threshold = parse_number("-u", optarg, 0,
			    HUGE_VAL);
			break;
		case 'V':
			printf("hx-wcet %s\n", PACKAGE_VERSION);
			hx_err_close_stdout();
			free(o.probs);
			return HX_EXIT_OK;
		case OPT_ALPHA:
			o.alpha = parse_number("--alpha", optarg, 1e-12, 0.5);
			break;
		case OPT_BASELINE:
			baseline = optarg;
			break;
		case OPT_BUDGET:
			parse_budget(&o, optarg);
			break;
		case OPT_GROUP_BY:
			group_by = optarg;
			break;
		case OPT_POLICY:
			policy_path = optarg;
			break;
		case OPT_PASS_SAMPLES:
			r.pass_samples = true;
			break;
		case OPT_PLOT:
			plot = optarg;
			break;
		case OPT_THRESHOLD:
			o.threshold = parse_number("--threshold", optarg, 0,
			    1e6);
			break;
		case OPT_UNIT:
			if (hx_sample_unit_parse(optarg, &known) < 0)
				hx_usage_error("--unit: not insns, ns, cycles "
				    "or bytes: %s", optarg);
			unit = optarg;
			break;
		default:
			hx_usage_error("bad option");
		}
	}
	argc -= optind;
	argv += optind;
	if (!isnan(o.peak_threshold) && o.method == WCET_GEV)
		hx_usage_error("-u is for the gpd method");
	if (!isnan(o.peak_threshold))
		o.method = WCET_GPD;
	if (unit != NULL && !numbers)
		hx_usage_error("--unit is for plain numbers (-n); samples have "
		    "their own");
	if (unit == NULL)
		unit = "value";
	parse_group_by(&r, group_by);
	if (policy_path != NULL) {
		load_policy(&policy, policy_path);
		o.policy = &policy;
	}
	/* A baseline that cannot be read fails before the input is read. */
	if (baseline != NULL && !is_git_spec(baseline) &&
	    access(baseline, R_OK) != 0)
		hx_err_errno(HX_EXIT_SYSTEM, "%s", baseline);

	if (numbers) {
		if (argc == 0)
			read_numbers(&gs, "-", unit, false, loop.keep_going);
		for (i = 0; i < (size_t)argc; i++)
			read_numbers(&gs, argv[i], unit, false,
			    loop.keep_going);
	} else {
		loop.consume = consume;
		loop.fn = on_record;
		loop.arg = &r;
		hx_rec_loop_run(&loop, argc, argv);
		flush_output(&loop);
	}

	for (i = 0; i < gs.n; i++)
		wcet_analyse(&gs.list[i], &o);
	if (baseline != NULL) {
		r.baseline = true;
		if (is_git_spec(baseline))
			read_baseline_note(&r, baseline);
		else if (numbers)
			read_numbers(&gs, baseline, unit, true,
			    loop.keep_going);
		else
			read_baseline(&r, baseline, loop.keep_going);
		wcet_compare(gs.list, gs.n, &o);
	}
	for (i = 0; i < gs.n; i++)
		wcet_emit(&gs.list[i]);
	flush_output(NULL);
	if (plot != NULL && wcet_plot(plot, gs.list, gs.n, &o) < 0)
		hx_err_errno(HX_EXIT_SYSTEM, "%s", plot);

	for (i = 0; i < gs.n; i++)
		wcet_group_free(&gs.list[i]);
	if (o.policy != NULL)
		hx_policy_free(&policy);
	free(gs.list);
	free(gs.slots);
	free(o.probs);
	for (i = 0; r.group_by[i] != NULL; i++)
		free(r.group_by[i]);
	return HX_EXIT_OK;
}
