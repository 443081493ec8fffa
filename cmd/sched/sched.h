/*
 * sched.h: what the parts of hx-sched share: the subcommands, reading
 * inventories, times and durations on the command line, and output.
 */
#ifndef SCHED_H
#define SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include "hx_progress.h"
#include "rec/hx_job.h"
#include "rec/hx_placement.h"
#include "rec/hx_rec.h"
#include "sched/hx_inventory.h"
#include "sched/hx_plan.h"
#include "sched/hx_reservation.h"
#include "sched/hx_slurm.h"

/* Where the nodes come from: --from and --inventory. */
struct sched_source {
	const char *from;	/* local, slurm, sinfo-json, scontrol, kubectl */
	const char *path;	/* the file of sinfo-json, scontrol, kubectl */
	const char *inventory;	/* an inventory file, or NULL */
	const char *proc;	/* /proc, for the local machine */
};

/* The jobs and placements a plan reads, with their lines. */
struct sched_input {
	struct hx_job *jobs;
	unsigned long *lines;
	char **files;		/* where each job was read */
	size_t njobs;
	struct hx_placement *history;
	size_t nhistory;
	json_t **keep;		/* the records the structs point into */
	size_t nkeep;
};

/* Print the usage of hx-sched, its subcommands' too. */
void sched_usage(void);

int sched_inventory(int argc, char **argv);
int sched_plan(int argc, char **argv);
int sched_health(int argc, char **argv);

/*
 * Add the nodes SRC names to INV; the local machine when it names none
 * and LOCAL_DEFAULT.  Exits with status 3 or 4 on a failure.
 */
void sched_read_nodes(struct hx_inventory *inv, const struct sched_source *src,
    bool local_default);

/*
 * Run LOOP over the files of ARGV, then add the nodes of SRC to INV (this
 * machine when there are none) and check them; exits on a failure.
 */
void sched_read_stream(struct hx_rec_loop *loop, int argc, char **argv,
    struct hx_inventory *inv, const struct sched_source *src);

/* An option's time: RFC 3339 or nanoseconds since the epoch. */
int64_t sched_time_arg(const char *opt, const char *s);

/* An option's duration: nanoseconds, or a number with s, m, h or d. */
int64_t sched_duration_arg(const char *opt, const char *s);


/* Write REC (released) downstream; exits quietly on a closed pipe. */
void sched_emit(json_t *rec);

/* Write out what is buffered, before an exit. */
void sched_flush(void);

/* Write the error record of a job that is bad or cannot be placed. */
void sched_error_record(const char *file, unsigned long line,
    const char *message);

/*
 * The results of a plan run locally, a step of PROGRESS (or NULL) each:
 * returns the exit status.
 */
int sched_exec_local(const struct hx_plan *plan,
    const struct sched_input *in, const char *state_dir,
    struct hx_progress *progress);

/*
 * Send the record lines of OUT, what JOB wrote, downstream, and the other
 * lines to stderr.
 */
void sched_forward(const char *job, const char *out);

/*
 * Write P, a placement as it ran, done when OK and failed otherwise,
 * with REASON (freed here).
 */
void sched_ran(struct hx_placement *p, bool ok, char *reason);

/* The Slurm priority classes of --partition and --qos, and --submit. */
struct sched_slurm {
	struct hx_slurm_class *classes;
	size_t nclasses;
	bool submit;
	struct hx_progress *progress;	/* a step per submitted job */
};

/*
 * sbatch scripts of a plan in DIR (reservation names from RES); with
 * --submit, run them and write what became of each job.  Returns the
 * exit status.
 */
int sched_emit_slurm(const struct hx_plan *plan, const struct sched_input *in,
    const struct hx_inventory *inv, const struct hx_reservation_list *res,
    const char *dir, const struct sched_slurm *opt);

/* Kubernetes manifests of a plan in DIR; QUEUE: Kueue's, or NULL. */
void sched_emit_k8s(const struct hx_plan *plan, const struct sched_input *in,
    const struct hx_inventory *inv, const char *dir, const char *queue,
    const char *image);

/* A GitLab CI snippet with the runner tags of each placed job. */
void sched_emit_gitlab(const struct hx_plan *plan,
    const struct sched_input *in, const char *path);

/* The state directory: DIR, or $XDG_STATE_HOME/hx/sched, made. */
char *sched_state_dir(const char *dir);

#endif
