/*
 * hx_job: the job record, a piece of work for hx-sched to place
 * (hx-records(5)).
 */
#ifndef HX_JOB_H
#define HX_JOB_H

#include <stdint.h>

#include "rec/hx_field.h"

/*
 * duration_ns and deadline_ns are below 2^62 ns (about 146 years):
 * a time and a duration below it add up without overflow.
 */
#define HX_JOB_TIME_LIMIT	((int64_t)1 << 62)

/* How the members of a group share nodes. */
enum hx_job_placement {
	HX_JOB_ANY,		/* wherever they fit */
	HX_JOB_COLOCATED,	/* all on one node */
	HX_JOB_SPLIT,		/* each on a node of its own */
};

/* What a job holds while it runs. */
struct hx_job_resources {
	int64_t cpus;		/* 1 unless told */
	int64_t memory_bytes;
	int64_t gpus;
};

/*
 * A job.  Strings are borrowed: from the JSON value hx_job_read read,
 * or from the caller that fills the struct to write it.
 */
struct hx_job {
	const char *name;		/* unique in the stream */
	const char **argv;		/* NULL-terminated, not empty */
	const char *arch;		/* or NULL: any */
	const char **selector;		/* expressions, or NULL */
	struct hx_job_resources resources;
	const char *team;		/* or NULL */
	int64_t priority;		/* higher first; 0 unless told */
	int64_t duration_ns;		/* expected; 0: not told */
	int64_t deadline_ns;		/* -1: none */
	const char *group;		/* pair or gang, or NULL */
	const char *role;		/* "runner", "service", ... or NULL */
	enum hx_job_placement placement;
	const char **tests;		/* the tests it runs, or NULL */
};

/* Set J to an empty job: one CPU, no deadline, placed anywhere. */
void hx_job_init(struct hx_job *j);

/*
 * Read and check the job record JSON into *OUT.  Returns 0, or -1 with
 * *MESSAGE (to free) naming the field, as "job argv is empty".
 */
int hx_job_read(const json_t *json, struct hx_job *out, char **message);

/* The record of J, a new reference. */
json_t *hx_job_to_json(const struct hx_job *j);

/* Free what hx_job_read allocated and empty J. */
void hx_job_clear(struct hx_job *j);

#endif
