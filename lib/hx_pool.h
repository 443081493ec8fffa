/*
 * hx_pool: run jobs on worker threads and hand them back in the order
 * they were submitted.
 *
 * A job is the caller's pointer; the pool calls RUN(job, arg) on some
 * worker and knows nothing else of it: not of records, not of standard
 * output.  The thread that submits reaps: hx_pool_reap returns the oldest
 * job once it has run, so the caller finishes jobs (counts, reports,
 * frees) in input order and bounds how many are in flight.  The pool
 * never exits and never prints.
 */
#ifndef HX_POOL_H
#define HX_POOL_H

#include <stdbool.h>
#include <stddef.h>

#include "hx_err.h"

struct hx_pool;

typedef void (*hx_pool_fn)(void *job, void *arg);

/*
 * Start WORKERS threads (at least one) that call RUN(job, ARG).  Returns
 * NULL with ERR filled when no thread can be started.
 */
struct hx_pool *hx_pool_new(int workers, hx_pool_fn run, void *arg,
    struct hx_err_info *err);

/* Queue JOB after every job submitted before it. */
void hx_pool_submit(struct hx_pool *pool, void *job);

/*
 * The oldest job submitted and not yet reaped, once it has run.  With
 * WAIT, waits for it; without, returns NULL when it is still running.
 * NULL too when no job is left.
 */
void *hx_pool_reap(struct hx_pool *pool, bool wait);

/* Jobs submitted and not yet reaped. */
size_t hx_pool_pending(const struct hx_pool *pool);

/* Stop the workers, once every job is reaped, and free POOL. */
void hx_pool_free(struct hx_pool *pool);

#endif
