/*
 * hx_slurm: the Slurm backend of hx-sched: sbatch scripts from job and
 * placement records, their submission, and the final state of each job
 * as scontrol reports it (hx-sched(1), SLURM).
 */
#ifndef HX_SLURM_H
#define HX_SLURM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hx_err.h"
#include "rec/hx_job.h"
#include "rec/hx_placement.h"
#include "sched/hx_inventory.h"

/* A priority class: jobs of at least MIN_PRIORITY go to PARTITION or QOS. */
struct hx_slurm_class {
	int64_t min_priority;
	const char *partition;	/* or NULL */
	const char *qos;	/* or NULL */
};

struct hx_slurm_batch;

/* What every script of a run shares. */
struct hx_slurm_config {
	const struct hx_slurm_class *classes;	/* any order */
	size_t nclasses;
	const char *output_dir;	/* absolute; where job output goes */
	const char *emu;	/* hx-emu, that runs riscv64 jobs, or NULL */
	const struct hx_inventory *inventory;	/* the nodes planned on */
	/*
	 * Told of each batch hx_slurm_run follows, or NULL: STATE is
	 * "submitted" once sbatch took it, squeue's state (PENDING,
	 * RUNNING, ...) each time that changes, and "ended" once the
	 * outcomes of its members are known.
	 */
	void (*watch)(void *arg, const struct hx_slurm_batch *batch,
	    const char *state);
	void *watch_arg;
};

/* One job of a batch and where the planner put it. */
struct hx_slurm_member {
	const struct hx_job *job;
	const struct hx_placement *placement;
	const char *reservation;	/* the team's, when it is in one */
};

/* Where JOB writes STREAM ("out" or "err") under the output directory. */
char *hx_slurm_output_path(const struct hx_slurm_config *config,
    const struct hx_job *job, const char *stream);

/* How one component of a Slurm job ended, from scontrol. */
struct hx_slurm_outcome {
	char *state;		/* JobState: COMPLETED, FAILED, ... */
	char *node;		/* NodeList, or NULL before it started */
	int exit_code;		/* of ExitCode=code:signal */
	int signal;
	int64_t start_ns;	/* StartTime and EndTime, or 0 */
	int64_t end_ns;
};

void hx_slurm_outcome_clear(struct hx_slurm_outcome *o);

/* One sbatch script: a job, or the members of a group in input order. */
struct hx_slurm_batch {
	struct hx_slurm_member *members;
	size_t n;
	char *script;			/* its path once written */
	char *job_id;			/* once submitted */
	struct hx_slurm_outcome *outcomes;	/* one per member */
	char *state;			/* as squeue last showed it */
	bool ended;			/* its outcomes are known */
	char *held;	/* Slurm's reason, when it held the job (cancelled) */
};

/*
 * Gather the N MEMBERS into batches, one per job without a group and one
 * per group, in the order of their first member; *BATCHES (to free with
 * hx_slurm_batches_free) borrows the members.
 */
void hx_slurm_batches(const struct hx_slurm_member *members, size_t n,
    struct hx_slurm_batch **batches, size_t *nbatches);

void hx_slurm_batches_free(struct hx_slurm_batch *batches, size_t n);

/*
 * Write the script of each batch into DIR (created), mode 755, and DIR/
 * manifest, their file names one a line.  Returns 0, or -1 with ERR.
 */
int hx_slurm_emit(const struct hx_slurm_config *config,
    struct hx_slurm_batch *batches, size_t n, const char *dir,
    struct hx_err_info *err);

/*
 * Submit every written batch, then poll squeue every POLL_NS until all
 * have left the queue; as each leaves, ask scontrol how it ended and fill
 * the outcome of each member.  CONFIG's watch hears of every change.
 * Returns 0, or -1 with ERR.
 */
int hx_slurm_run(const struct hx_slurm_config *config,
    struct hx_slurm_batch *batches, size_t n, int64_t poll_ns,
    struct hx_err_info *err);

/* Whether STATE is COMPLETED with exit code 0. */
bool hx_slurm_outcome_ok(const struct hx_slurm_outcome *o);

/*
 * Whether PATH can be given to an #SBATCH --output line: anything but a
 * newline (which ends the line) and a backslash (which makes Slurm drop
 * the backslashes of the file name).
 */
bool hx_slurm_path_ok(const char *path);

#endif
