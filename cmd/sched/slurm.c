/*
 * slurm.c: --emit slurm DIR, the plan as sbatch scripts (DIR/manifest
 * lists them; the jobs write their output to DIR/output), and --submit,
 * which hands them to the running Slurm, follows each job (progress on a
 * terminal, a line per state with -v) until the last ends, and as each
 * ends sends downstream the records it wrote, then a placement record
 * done or failed with the node and times Slurm reports and, in its
 * reason, the Slurm job id, its state and exit status.  A stopping
 * signal cancels the jobs submitted.
 */
#include "config.h"

#include <sys/wait.h>

#include <ctype.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hx_file.h"
#include "hx_json.h"
#include "hx_progress.h"
#include "hx_spawn.h"
#include "sched.h"

/* How often --submit asks squeue whether its jobs are still queued. */
#define POLL_NS	(200LL * 1000000)

extern char **environ;

/* The batches --submit hands to Slurm, for a stopping signal. */
static struct hx_slurm_batch *submitted;
static size_t nsubmitted;

/*
 * On a stopping signal, cancel the jobs already submitted, so that
 * stopping hx-sched stops what it started (hx_spawn takes no new
 * children by then, hence posix_spawnp).
 */
static void
cancel_submitted(void)
{
	char *argv[3] = { "scancel", NULL, NULL };
	size_t i;
	pid_t pid;

	for (i = 0; i < nsubmitted; i++) {
		if ((argv[1] = submitted[i].job_id) == NULL)
			continue;
		if (posix_spawnp(&pid, "scancel", NULL, NULL, argv,
		    environ) == 0)
			waitpid(pid, NULL, 0);
	}
}

/* The named reservation of P's team that holds P whole, or NULL. */
static const char *
reservation_of(const struct hx_placement *p, const struct hx_inventory *inv,
    const struct hx_reservation_list *res)
{
	const struct hx_reservation *r;
	size_t i, k;

	if (p->team == NULL)
		return NULL;
	for (i = 0; i < res->n; i++) {
		r = &res->items[i];
		if (r->name == NULL || strcmp(r->team, p->team) != 0 ||
		    p->start_ns < r->start_ns || p->end_ns > r->end_ns)
			continue;
		for (k = 0; k < inv->n; k++)
			if (strcmp(inv->nodes[k].name, p->node) == 0 &&
			    hx_reservation_covers(r, &inv->nodes[k]))
				return r->name;
	}
	return NULL;
}

/* Whether the member of batch B that ended as O went well. */
static bool
slurm_ok(const struct hx_slurm_batch *b, const struct hx_slurm_outcome *o)
{
	return hx_slurm_outcome_ok(o) && b->held == NULL;
}

/*
 * The placement record of member M of batch B as Slurm ran it (or held
 * it); whether it went well.
 */
static bool
slurm_ran(const struct hx_slurm_member *m, const struct hx_slurm_batch *b,
    const struct hx_slurm_outcome *o)
{
	struct hx_placement p = *m->placement;
	const char *job_id = b->job_id;
	char *reason;
	bool ok = slurm_ok(b, o);

	if (b->held != NULL)
		reason = hx_xasprintf("slurm job %s: held by Slurm (%s), "
		    "cancelled", job_id, b->held);
	else if (o->signal != 0)
		reason = hx_xasprintf("slurm job %s: %s, killed by signal %d",
		    job_id, o->state, o->signal);
	else
		reason = hx_xasprintf("slurm job %s: %s, exit status %d",
		    job_id, o->state, o->exit_code);
	if (o->node != NULL)
		p.node = o->node;
	p.backend = HX_NODE_SLURM;
	if (o->start_ns > 0) {
		p.start_ns = o->start_ns;
		p.end_ns = o->end_ns;
	}
	sched_ran(&p, ok, reason);
	return ok;
}

/* Send downstream what the job of M wrote to its output file. */
static void
slurm_forward(const struct hx_slurm_config *c, const struct hx_job *job)
{
	char *path = hx_slurm_output_path(c, job, "out"), *text;
	size_t len;

	if ((text = hx_json_read_text(path, &len)) != NULL) {
		sched_forward(job->name, text);
		free(text);
	}
	free(path);
	path = hx_slurm_output_path(c, job, "err");
	if ((text = hx_json_read_text(path, &len)) != NULL) {
		if (len > 0)
			hx_warn("job %s: %s", job->name, text);
		free(text);
	}
	free(path);
}

/* What --submit follows of the batches it handed to Slurm. */
struct watch {
	const struct sched_slurm *opt;
	const struct hx_slurm_config *config;
	const struct hx_slurm_batch *batches;
	bool *started;		/* one per batch: counted as running */
	int status;		/* HX_EXIT_VERDICT once a job failed */
};

/* Count the members of batch I as running, once. */
static void
watch_start(struct watch *w, size_t i)
{
	size_t k;

	if (w->started[i])
		return;
	w->started[i] = true;
	for (k = 0; k < w->batches[i].n; k++)
		hx_progress_start(w->opt->progress,
		    w->batches[i].members[k].job->name);
}

/*
 * A batch changed state: a running one counts its members as running,
 * one that ended counts them as done or failed, and with -v every other
 * state is a line.  What the jobs wrote goes downstream once all have
 * ended, in the order of the plan, so that the output does not depend
 * on which job Slurm finished first.
 */
static void
slurm_watched(void *arg, const struct hx_slurm_batch *b, const char *state)
{
	struct watch *w = arg;
	size_t i = (size_t)(b - w->batches), k;
	char *note, *c;

	if (strcmp(state, "RUNNING") == 0) {
		watch_start(w, i);
		return;
	}
	if (strcmp(state, "ended") == 0) {
		watch_start(w, i);
		for (k = 0; k < b->n; k++)
			hx_progress_done(w->opt->progress,
			    b->members[k].job->name,
			    !slurm_ok(b, &b->outcomes[k]));
		return;
	}
	if (strcmp(state, "submitted") == 0)
		note = hx_xasprintf("submitted as slurm job %s", b->job_id);
	else
		for (c = note = hx_xstrdup(state); *c != '\0'; c++)
			*c = (char)tolower((unsigned char)*c);
	for (k = 0; k < b->n; k++)
		hx_progress_note(w->opt->progress, b->members[k].job->name,
		    note);
	free(note);
}

int
sched_emit_slurm(const struct hx_plan *plan, const struct sched_input *in,
    const struct hx_inventory *inv, const struct hx_reservation_list *res,
    const char *dir, const struct sched_slurm *opt)
{
	struct hx_slurm_config c = { .classes = opt->classes,
	    .nclasses = opt->nclasses, .inventory = inv };
	const struct hx_plan_result *r;
	struct hx_slurm_member *members;
	struct hx_slurm_batch *batches;
	struct hx_err_info err;
	char *out, *abs, *self;
	size_t n, nm = 0, nb, i, k;
	struct watch w;

	r = hx_plan_results(plan, &n);
	members = hx_xcalloc(n + 1, sizeof(*members));
	for (i = 0; i < n; i++)
		if (r[i].placed) {
			members[nm].job = &in->jobs[r[i].job];
			members[nm].placement = &r[i].placement;
			members[nm++].reservation = reservation_of(
			    &r[i].placement, inv, res);
		}
	out = hx_xasprintf("%s/output", dir);
	if (hx_file_mkdir_p(out, 0777) != 0 ||
	    (abs = realpath(out, NULL)) == NULL)
		hx_err_errno(HX_EXIT_SYSTEM, "%s", out);
	free(out);
	c.output_dir = abs;
	self = hx_spawn_self_dir();
	c.emu = out = hx_xasprintf("%s/hx-emu", self != NULL ? self : ".");
	free(self);
	hx_slurm_batches(members, nm, &batches, &nb);
	if (opt->submit) {
		submitted = batches;
		nsubmitted = nb;
		if (hx_spawn_stop_on_signals(NULL, cancel_submitted, &err) < 0)
			hx_err_exit(&err);
	}
	for (i = 0; opt->submit && i < nb; i++)
		hx_progress_add(opt->progress, batches[i].n);
	hx_progress_close(opt->progress);
	w.opt = opt;
	w.config = &c;
	w.batches = batches;
	w.started = hx_xcalloc(nb + 1, sizeof(*w.started));
	w.status = HX_EXIT_OK;
	c.watch = slurm_watched;
	c.watch_arg = &w;
	if (hx_slurm_emit(&c, batches, nb, dir, &err) == -1 ||
	    (opt->submit && hx_slurm_run(&c, batches, nb, POLL_NS, &err) == -1))
		hx_err_exit(&err);
	for (i = 0; opt->submit && i < nb; i++)
		for (k = 0; k < batches[i].n; k++) {
			slurm_forward(&c, batches[i].members[k].job);
			if (!slurm_ran(&batches[i].members[k], &batches[i],
			    &batches[i].outcomes[k]))
				w.status = HX_EXIT_VERDICT;
		}
	free(w.started);
	nsubmitted = 0;
	hx_slurm_batches_free(batches, nb);
	free(members);
	free(abs);
	free(out);
	return w.status;
}
