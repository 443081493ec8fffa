/*
 * hx_pool: a fixed set of worker threads over a queue of jobs.
 *
 * The queue is a growing ring of entries in submission order; workers
 * take the next one not started, and the reaper takes the head once it is
 * done.
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "hx_pool.h"

struct entry {
	void *job;
	bool done;
};

struct hx_pool {
	hx_pool_fn run;
	void *arg;
	pthread_mutex_t lock;
	pthread_cond_t work, done;
	struct entry *ring;
	size_t cap;			/* a power of two */
	size_t head, next, tail;	/* reap, start, submit: counters */
	bool closing;
	pthread_t *threads;
	int nthreads;
};

static struct entry *
entry_at(struct hx_pool *pool, size_t i)
{
	return &pool->ring[i & (pool->cap - 1)];
}

static void *
worker_main(void *arg)
{
	struct hx_pool *pool = arg;
	size_t i;
	void *job;

	pthread_mutex_lock(&pool->lock);
	for (;;) {
		while (pool->next == pool->tail && !pool->closing)
			pthread_cond_wait(&pool->work, &pool->lock);
		if (pool->next == pool->tail)
			break;
		i = pool->next++;
		job = entry_at(pool, i)->job;
		pthread_mutex_unlock(&pool->lock);
		pool->run(job, pool->arg);
		pthread_mutex_lock(&pool->lock);
		/* By its number: the ring may have grown meanwhile. */
		entry_at(pool, i)->done = true;
		pthread_cond_broadcast(&pool->done);
	}
	pthread_mutex_unlock(&pool->lock);
	return NULL;
}

struct hx_pool *
hx_pool_new(int workers, hx_pool_fn run, void *arg, struct hx_err_info *err)
{
	struct hx_pool *pool = hx_xcalloc(1, sizeof(*pool));
	int i, rc;

	pool->run = run;
	pool->arg = arg;
	pool->cap = 64;
	pool->ring = hx_xcalloc(pool->cap, sizeof(*pool->ring));
	pthread_mutex_init(&pool->lock, NULL);
	pthread_cond_init(&pool->work, NULL);
	pthread_cond_init(&pool->done, NULL);
	if (workers < 1)
		workers = 1;
	pool->threads = hx_xcalloc((size_t)workers, sizeof(*pool->threads));
	for (i = 0; i < workers; i++) {
		rc = pthread_create(&pool->threads[i], NULL, worker_main, pool);
		if (rc != 0)
			break;
		pool->nthreads++;
	}
	if (pool->nthreads == 0) {
		hx_err_set(err, HX_EXIT_SYSTEM, "cannot start threads: %s",
		    strerror(rc));
		hx_pool_free(pool);
		return NULL;
	}
	return pool;
}

void
hx_pool_submit(struct hx_pool *pool, void *job)
{
	struct entry *ring;
	size_t i;

	pthread_mutex_lock(&pool->lock);
	if (pool->tail - pool->head == pool->cap) {
		ring = hx_xcalloc(pool->cap * 2, sizeof(*ring));
		for (i = pool->head; i != pool->tail; i++)
			ring[i & (pool->cap * 2 - 1)] = *entry_at(pool, i);
		free(pool->ring);
		pool->ring = ring;
		pool->cap *= 2;
	}
	*entry_at(pool, pool->tail) = (struct entry){ job, false };
	pool->tail++;
	pthread_cond_signal(&pool->work);
	pthread_mutex_unlock(&pool->lock);
}

void *
hx_pool_reap(struct hx_pool *pool, bool wait)
{
	void *job = NULL;

	pthread_mutex_lock(&pool->lock);
	while (wait && pool->head != pool->tail &&
	    !entry_at(pool, pool->head)->done)
		pthread_cond_wait(&pool->done, &pool->lock);
	if (pool->head != pool->tail && entry_at(pool, pool->head)->done)
		job = entry_at(pool, pool->head++)->job;
	pthread_mutex_unlock(&pool->lock);
	return job;
}

size_t
hx_pool_pending(const struct hx_pool *pool)
{
	return pool->tail - pool->head;
}

void
hx_pool_free(struct hx_pool *pool)
{
	int i;

	if (pool == NULL)
		return;
	pthread_mutex_lock(&pool->lock);
	pool->closing = true;
	pthread_cond_broadcast(&pool->work);
	pthread_mutex_unlock(&pool->lock);
	for (i = 0; i < pool->nthreads; i++)
		pthread_join(pool->threads[i], NULL);
	pthread_mutex_destroy(&pool->lock);
	pthread_cond_destroy(&pool->work);
	pthread_cond_destroy(&pool->done);
	free(pool->threads);
	free(pool->ring);
	free(pool);
}
