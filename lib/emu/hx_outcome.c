/*
 * hx_outcome: test records and samples from the runs of a test program.
 */
#include "config.h"

#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hx_err.h"
#include "emu/hx_outcome.h"

/* Points of a TAP plan that did not run get a record each up to this. */
#define MISSING_POINTS_MAX 10
/* The exit status that means "skipped", as automake and TAP agree. */
#define EXIT_SKIP 77

/* Keep a copy of LEN bytes of S for the records; a string of OUT's. */
static const char *
keep(struct hx_outcome *out, const char *s, size_t len)
{
	char *copy = hx_xmalloc(len + 1);

	memcpy(copy, s, len);
	copy[len] = '\0';
	out->strings = hx_xrealloc(out->strings,
	    (out->nstrings + 1) * sizeof(*out->strings));
	out->strings[out->nstrings++] = copy;
	return copy;
}

static const char *
keepf(struct hx_outcome *out, const char *fmt, ...) HX_PRINTF(2, 3);

static const char *
keepf(struct hx_outcome *out, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = hx_xvasprintf(fmt, ap);
	va_end(ap);
	out->strings = hx_xrealloc(out->strings,
	    (out->nstrings + 1) * sizeof(*out->strings));
	out->strings[out->nstrings++] = s;
	return s;
}

/*
 * Keep the last MAX bytes of S (LEN bytes), cut at a character boundary;
 * *KEPT_LEN gets their length.  NULL when there is nothing to keep.
 */
static const char *
keep_tail(struct hx_outcome *out, const char *s, size_t len, size_t max,
    size_t *kept_len)
{
	*kept_len = 0;
	if (s == NULL || len == 0 || max == 0)
		return NULL;
	if (len > max) {
		s += len - max;
		len = max;
		while (len > 0 && ((unsigned char)*s & 0xc0) == 0x80) {
			s++;
			len--;
		}
	}
	*kept_len = len;
	return keep(out, s, len);
}

/* Whether a TAP run failed: a point failed, one is missing, it bailed. */
static bool
tap_failed(const struct hx_tap *tap)
{
	size_t i;

	if (tap->bail_out != NULL || tap->more_failed > 0 ||
	    (tap->planned >= 0 && (size_t)tap->planned != tap->total))
		return true;
	for (i = 0; i < tap->npoints; i++)
		if (!hx_tap_point_passed(&tap->points[i]))
			return true;
	return false;
}

/*
 * Whether RUN passed but misused the markers of regions: its counts of
 * regions cannot be trusted, so it fails.
 */
static bool
markers_misused(const struct hx_outcome_run *run)
{
	return run->status == HX_STATUS_PASS && run->region_error != NULL;
}

bool
hx_outcome_run_failed(const struct hx_outcome_run *run)
{
	return run->failed || (run->tap.is_tap && tap_failed(&run->tap)) ||
	    markers_misused(run);
}

void
hx_outcome_run_free(struct hx_outcome_run *run)
{
	size_t i;

	if (run->spawn_error == 0)
		hx_spawn_result_free(&run->res);
	hx_tap_free(&run->tap);
	for (i = 0; i < run->nregions; i++)
		free(run->regions[i].name);
	free(run->regions);
	free(run->region_error);
}

/* A new test record of RUN named NAME, with what every one has. */
static struct hx_test *
new_test(struct hx_outcome *out, const struct hx_outcome_test *test,
    const struct hx_outcome_run *run, int attempt, const char *name)
{
	struct hx_test *t;

	out->tests = hx_xrealloc(out->tests,
	    (out->ntests + 1) * sizeof(*out->tests));
	t = &out->tests[out->ntests++];
	hx_test_init(t);
	t->name = name;
	t->artifact = test->artifact;
	t->runner = test->runner;
	t->attempt = attempt;
	t->duration_ns = run->res.duration_ns;
	if (run->spawn_error == 0 && run->res.exited)
		t->exit_code = run->res.status;
	if (run->spawn_error == 0 && run->res.signaled)
		t->signal = run->res.signal;
	return t;
}

static void
add_tails(struct hx_outcome *out, struct hx_test *t,
    const struct hx_outcome_test *test, const struct hx_outcome_run *run)
{
	if (run->spawn_error != 0)
		return;
	t->stdout_tail = keep_tail(out, run->res.out, run->res.out_len,
	    test->tail, &t->stdout_tail_len);
	t->stderr_tail = keep_tail(out, run->res.err, run->res.err_len,
	    test->tail, &t->stderr_tail_len);
}

/* Why a run ended badly, for the message field, or NULL. */
static const char *
run_message(struct hx_outcome *out, const struct hx_outcome_test *test,
    const struct hx_outcome_run *run)
{
	if (run->spawn_error != 0)
		return keepf(out, "cannot start %s: %s", test->started,
		    strerror(run->spawn_error));
	if (run->broken != NULL)
		return run->broken;
	if (run->res.timed_out)
		return keepf(out, "killed after %.9g s",
		    (double)test->timeout_ns / 1e9);
	/* Most often code for an extension the CPU model lacks (vectors). */
	if (run->res.signaled && run->res.signal == SIGILL &&
	    strncmp(test->runner, "qemu-", 5) == 0)
		return keepf(out, "killed by signal %d (%s): the program "
		    "may use an instruction QEMU's CPU model %s lacks, such "
		    "as an ISA extension it was built for; choose the model "
		    "with cpu in the toolchain manifest or hx-emu --cpu",
		    run->res.signal, strsignal(run->res.signal),
		    test->cpu != NULL ? test->cpu : "(the default)");
	if (run->res.signaled)
		return keepf(out, "killed by signal %d (%s)", run->res.signal,
		    strsignal(run->res.signal));
	if (run->res.exited && run->res.status != 0 &&
	    run->res.status != EXIT_SKIP)
		return keepf(out, "exit status %d", run->res.status);
	if (markers_misused(run))
		return keepf(out, "markers of regions: %s", run->region_error);
	return NULL;
}

/* Mark T quarantined when the list names it or its program. */
static void
mark_quarantined(struct hx_test *t, const struct hx_outcome_test *test)
{
	if (hx_quarantine_match(test->quarantine, t->name) ||
	    hx_quarantine_match(test->quarantine, test->name))
		t->quarantined = true;
}

/* Whether point NUMBER is in the list of points that failed before. */
static bool
failed_before(const long *failed, size_t nfailed, long number)
{
	size_t i;

	for (i = 0; i < nfailed; i++)
		if (failed[i] == number)
			return true;
	return false;
}

/*
 * One record for the points the TAP reader did not keep, with their
 * counts; it fails when one of them did.
 */
static void
add_more_points(struct hx_outcome *out, const struct hx_outcome_test *test,
    const struct hx_outcome_run *run, int attempt)
{
	const struct hx_tap *tap = &run->tap;
	struct hx_test *t;

	t = new_test(out, test, run, attempt, keepf(out, "%s:%ld..%ld",
	    test->name, tap->more_first, tap->more_last));
	t->status = tap->more_failed > 0 ? HX_STATUS_FAIL : HX_STATUS_PASS;
	t->number = tap->more_first;
	t->message = keepf(out, "%zu more test points not kept: %zu passed, "
	    "%zu failed", tap->more_passed + tap->more_failed,
	    tap->more_passed, tap->more_failed);
	if (tap->more_failed > 0)
		add_tails(out, t, test, run);
	mark_quarantined(t, test);
}

/* The records of a TAP run's points, and of the points that did not run. */
static void
add_points(struct hx_outcome *out, const struct hx_outcome_test *test,
    const struct hx_outcome_run *run, int attempt, const long *failed,
    size_t nfailed)
{
	const struct hx_tap *tap = &run->tap;
	const struct hx_tap_point *pt;
	struct hx_test *t;
	const char *name;
	bool ok;
	size_t i;
	long k;

	for (i = 0; i < tap->npoints; i++) {
		pt = &tap->points[i];
		name = *pt->description != '\0' ?
		    keepf(out, "%s:%s", test->name, pt->description) :
		    keepf(out, "%s:%ld", test->name, pt->number);
		t = new_test(out, test, run, attempt, name);
		ok = hx_tap_point_passed(pt);
		t->status = !ok ? HX_STATUS_FAIL : pt->directive ==
		    HX_TAP_SKIP ? HX_STATUS_SKIP : HX_STATUS_PASS;
		t->number = pt->number;
		if (*pt->description != '\0')
			t->description = keep(out, pt->description,
			    strlen(pt->description));
		if (pt->directive != HX_TAP_NONE)
			t->directive = keepf(out, "%s%s%s", pt->directive ==
			    HX_TAP_SKIP ? "SKIP" : "TODO",
			    *pt->reason != '\0' ? " " : "", pt->reason);
		if (pt->diagnostics != NULL)
			t->diagnostics = keep(out, pt->diagnostics,
			    pt->diagnostics_len);
		if (!ok)
			add_tails(out, t, test, run);
		t->flaky = ok && failed_before(failed, nfailed, pt->number);
		mark_quarantined(t, test);
	}
	if (tap->more_passed + tap->more_failed > 0)
		add_more_points(out, test, run, attempt);
	for (k = (long)tap->total + 1; k <= tap->planned; k++) {
		/*
		 * A record for each point that did not run, up to a few: a
		 * plan of 1..2000000 must not become two million records.
		 */
		if (tap->planned - k >= MISSING_POINTS_MAX) {
			t = new_test(out, test, run, attempt, keepf(out,
			    "%s:%ld..%ld", test->name, k, tap->planned));
			t->message = keepf(out, "test points %ld..%ld of "
			    "1..%ld did not run", k, tap->planned,
			    tap->planned);
		} else {
			t = new_test(out, test, run, attempt, keepf(out,
			    "%s:%ld", test->name, k));
			t->message = keepf(out, "test point %ld of 1..%ld did "
			    "not run", k, tap->planned);
		}
		t->status = HX_STATUS_FAIL;
		t->number = k;
		if (tap->planned - k >= MISSING_POINTS_MAX)
			k = tap->planned;
		add_tails(out, t, test, run);
		mark_quarantined(t, test);
	}
}

void
hx_outcome_add_tests(struct hx_outcome *out,
    const struct hx_outcome_test *test, const struct hx_outcome_run *run,
    int attempt, const long *failed, size_t nfailed, bool flaky)
{
	const struct hx_tap *tap = &run->tap;
	const char *message = run_message(out, test, run);
	struct hx_test *t;
	bool ended_badly;

	if (!tap->is_tap) {
		t = new_test(out, test, run, attempt, test->name);
		t->status = markers_misused(run) ? HX_STATUS_FAIL : run->status;
		t->message = message;
		t->flaky = flaky;
		add_tails(out, t, test, run);
		mark_quarantined(t, test);
		return;
	}
	if (tap->plan_skip != NULL && tap->npoints == 0) {
		t = new_test(out, test, run, attempt, test->name);
		t->status = HX_STATUS_SKIP;
		t->directive = keepf(out, "SKIP %s", tap->plan_skip);
		mark_quarantined(t, test);
		return;
	}
	add_points(out, test, run, attempt, failed, nfailed);
	/*
	 * A record for the program when it bailed out, timed out, was killed
	 * by a signal, or exited badly after its points passed.
	 */
	ended_badly = run->status == HX_STATUS_TIMEOUT ||
	    run->broken != NULL ||
	    (run->spawn_error == 0 && run->res.signaled);
	if (tap->bail_out != NULL || ended_badly ||
	    (message != NULL && !tap_failed(tap))) {
		t = new_test(out, test, run, attempt, test->name);
		t->status = run->status == HX_STATUS_TIMEOUT ||
		    run->status == HX_STATUS_ERROR ? run->status :
		    HX_STATUS_FAIL;
		t->message = tap->bail_out != NULL ?
		    keepf(out, "Bail out! %s", tap->bail_out) : message;
		add_tails(out, t, test, run);
		mark_quarantined(t, test);
	}
}

void
hx_outcome_add_sample(struct hx_outcome *out,
    const struct hx_outcome_test *test, const struct hx_outcome_run *run,
    int index)
{
	struct hx_field_pair *entries;
	struct hx_sample *s;
	size_t i;

	out->samples = hx_xrealloc(out->samples,
	    (out->nsamples + 1 + (run->counted ? run->nregions : 0)) *
	    sizeof(*out->samples));
	s = &out->samples[out->nsamples++];
	hx_sample_init(s);
	s->name = test->name;
	s->test = test->name;
	s->index = index;
	if (!run->counted) {
		s->unit = HX_SAMPLE_NS;
		s->value = (double)run->res.duration_ns;
		return;
	}
	s->unit = HX_SAMPLE_INSNS;
	s->value = (double)run->insns;
	for (i = 0; i < run->nregions; i++) {
		s = &out->samples[out->nsamples++];
		hx_sample_init(s);
		s->name = keepf(out, "%s:%s", test->name,
		    run->regions[i].name);
		s->test = test->name;
		s->index = index;
		s->unit = HX_SAMPLE_INSNS;
		s->value = (double)run->regions[i].insns;
		entries = hx_xmalloc(sizeof(*entries));
		entries->name = "entries";
		entries->value = keepf(out, "%" PRIu64,
		    run->regions[i].entries);
		out->labels = hx_xrealloc(out->labels,
		    (out->nlabels + 1) * sizeof(*out->labels));
		out->labels[out->nlabels++] = entries;
		s->labels = entries;
		s->nlabels = 1;
	}
}

void
hx_outcome_set_error(struct hx_outcome *out, const char *message)
{
	free(out->error);
	out->error = hx_xstrdup(message);
}

void
hx_outcome_free(struct hx_outcome *out)
{
	size_t i;

	for (i = 0; i < out->nstrings; i++)
		free(out->strings[i]);
	free(out->strings);
	for (i = 0; i < out->nlabels; i++)
		free(out->labels[i]);
	free(out->labels);
	free(out->tests);
	free(out->samples);
	free(out->error);
	memset(out, 0, sizeof(*out));
}
