/*
 * hx_plan: the planner of hx-sched.  It puts jobs on the usable nodes of
 * an inventory over time, each node's CPUs, memory and GPUs tracked as a
 * step function of time, and gives each job a placement (node, planned
 * start and end) or the reason it can never be placed.
 *
 * The same input gives the same plan: nodes are taken in inventory
 * order, teams by name and jobs in input order wherever rules tie.
 *
 * Order: higher priority first; within a priority, the team with the
 * least decayed usage per unit of weight (fair share), then input order
 * within a team.  Usage is the run time of a team's done, failed and
 * planned jobs, a finished job's counting half as much every half-life
 * after it ended.  A job goes to the node where it can start earliest
 * among those a bounded search looks at (hx_plan.c).
 * A group (pair or gang) starts all together or not at all, on one node
 * (colocated) or on a node each (split).  A lone job may take the place
 * of lower-priority lone jobs of the previous plan when that lets it
 * start earlier; they are planned again after it.
 */
#ifndef HX_PLAN_H
#define HX_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "rec/hx_job.h"
#include "rec/hx_placement.h"
#include "rec/hx_quarantine.h"
#include "sched/hx_inventory.h"
#include "sched/hx_reservation.h"

/* Seven days, as Slurm's PriorityDecayHalfLife. */
#define HX_PLAN_HALF_LIFE_NS	(7LL * 24 * 3600 * 1000000000)
/* What a job without duration_ns is expected to take: ten minutes. */
#define HX_PLAN_DURATION_NS	(600LL * 1000000000)

/* A team's fair-share weight; teams not named weigh 1. */
struct hx_plan_team {
	const char *name;
	double weight;		/* > 0 */
};

struct hx_plan_options {
	int64_t now_ns;
	int64_t half_life_ns;
	const struct hx_plan_team *teams;
	size_t nteams;
	const struct hx_quarantine *quarantine;	/* or NULL */
};

/* What became of one job. */
struct hx_plan_result {
	size_t job;			/* its index in the input */
	bool placed;
	struct hx_placement placement;	/* when placed */
	char *error;			/* when not: why */
	bool malformed;			/* the job itself is wrong */
};

struct hx_plan;

/*
 * Plan the NJOBS JOBS on the usable (up, last health check passed) nodes
 * of INV with the reservations RES (NULL: none).  HISTORY holds the
 * placements read with the jobs: planned ones are the previous plan,
 * kept where they still hold, done and failed ones the usage history.
 * Returns the plan; its results are in the order decided.
 */
struct hx_plan *hx_plan_run(const struct hx_inventory *inv,
    const struct hx_reservation_list *res, const struct hx_job *jobs,
    size_t njobs, const struct hx_placement *history, size_t nhistory,
    const struct hx_plan_options *options);

/* The results of PLAN, *N of them, in the order decided. */
const struct hx_plan_result *hx_plan_results(const struct hx_plan *plan,
    size_t *n);

void hx_plan_free(struct hx_plan *plan);

#endif
