/*
 * hx_pool: run jobs on worker threads while the record loop goes on, and
 * write what each job produced in input order, wherever it falls among
 * the lines the loop copies through.
 *
 * While the pool runs, standard output is a pipe that the pool's output
 * thread reads.  The loop's own writes (records passed through, error
 * records of -k) go into that pipe as usual; each submitted job puts a
 * marker there, a line that cannot be a record.  The output thread copies
 * the stream to the real standard output and, at each marker, waits for
 * that job and writes its records.  So the order of the input is kept
 * exactly, memory stays bounded (a full pipe or too many jobs in flight
 * stop the reader), and nothing in lib/rec needs to know.
 *
 * One pool per process.  A closed standard output ends the program with
 * status 0 as hx_rec does; an exit before hx_pool_finish (bad input, a
 * fatal error) kills what the jobs started, writes the records of the
 * jobs before the first unfinished one, and lets the exit go on.  SIGINT,
 * SIGTERM and SIGHUP kill what the jobs started before they end hx.
 */
#ifndef HX_POOL_H
#define HX_POOL_H

#include "hx_json.h"

/* Run JOB on a worker thread, appending its records to the array RECORDS. */
typedef void (*hx_pool_run_fn)(void *job, json_t *records);

/*
 * Called on the output thread, in input order, after JOB's RECORDS were
 * written; it owns JOB from then on.
 */
typedef void (*hx_pool_done_fn)(void *job, json_t *records, void *arg);

struct hx_pool_config {
	int workers;			/* threads running jobs, at least 1 */
	hx_pool_run_fn run;
	hx_pool_done_fn done;
	void *done_arg;
	void (*kill_jobs)(void);	/* kill what the jobs started */
};

/* Redirect standard output into the pool and start its threads. */
void hx_pool_start(const struct hx_pool_config *config);

/*
 * Queue JOB after everything written to standard output so far.  Blocks
 * while too many jobs wait to be written.  Call from the loop's thread.
 */
void hx_pool_submit(void *job);

/*
 * At the end of the input: wait for every job, write the rest, stop the
 * threads and give standard output back.
 */
void hx_pool_finish(void);

#endif
