/*
 * hx_pool: ordered output of parallel jobs through a pipe on stdout.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hx_err.h"
#include "emu/hx_pool.h"
#include "rec/hx_rec.h"

/* A marker line: this byte cannot appear in a line of JSON text. */
#define MARK '\001'
#define READ_CHUNK 65536

enum slot_state { SLOT_QUEUED, SLOT_RUNNING, SLOT_DONE };

struct slot {
	void *job;
	json_t *records;
	enum slot_state state;
};

static struct {
	struct hx_pool_config config;
	struct slot *slots;		/* a ring of window slots */
	uint64_t window;
	uint64_t submitted, started, written;
	bool closing, finished;
	pthread_mutex_t lock;
	pthread_cond_t work, done, written_cond;
	pthread_t *workers;
	pthread_t output, signals;
	int pipe_read, real_stdout;
} pool = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.work = PTHREAD_COND_INITIALIZER,
	.done = PTHREAD_COND_INITIALIZER,
	.written_cond = PTHREAD_COND_INITIALIZER,
	.pipe_read = -1,
	.real_stdout = -1,
};

static struct slot *
slot_of(uint64_t id)
{
	return &pool.slots[id % pool.window];
}

/* Set on the threads that must not wait for jobs when the program exits. */
static __thread bool no_wait_at_exit;

static void *
worker_main(void *unused)
{
	struct slot *s;
	json_t *records;
	uint64_t id;

	(void)unused;
	no_wait_at_exit = true;
	for (;;) {
		pthread_mutex_lock(&pool.lock);
		while (pool.started == pool.submitted && !pool.closing)
			pthread_cond_wait(&pool.work, &pool.lock);
		if (pool.started == pool.submitted) {
			pthread_mutex_unlock(&pool.lock);
			return NULL;
		}
		id = pool.started++;
		s = slot_of(id);
		s->state = SLOT_RUNNING;
		pthread_mutex_unlock(&pool.lock);

		records = json_array();
		pool.config.run(s->job, records);

		pthread_mutex_lock(&pool.lock);
		s->records = records;
		s->state = SLOT_DONE;
		pthread_cond_broadcast(&pool.done);
		pthread_mutex_unlock(&pool.lock);
	}
}

/* The real standard output is gone or broken: stop everything now. */
static void
output_failed(int error)
{
	if (pool.config.kill_jobs != NULL)
		pool.config.kill_jobs();
	if (error == EPIPE)
		_exit(HX_EXIT_OK);
	fprintf(stderr, "%s: stdout: write error: %s\n", hx_err_progname(),
	    strerror(error));
	_exit(HX_EXIT_SYSTEM);
}

static void
write_real(const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(pool.real_stdout, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			output_failed(errno);
		}
		buf += n;
		len -= (size_t)n;
	}
}

/* Wait for job ID and write its records. */
static void
write_job(uint64_t id)
{
	struct slot *s = slot_of(id);
	char *out = NULL, *text;
	size_t i, len, used = 0;

	pthread_mutex_lock(&pool.lock);
	while (s->state != SLOT_DONE)
		pthread_cond_wait(&pool.done, &pool.lock);
	pthread_mutex_unlock(&pool.lock);
	/* One write for the whole job keeps its records together. */
	for (i = 0; i < json_array_size(s->records); i++) {
		if ((text = hx_json_to_string(json_array_get(s->records,
		    i))) == NULL)
			output_failed(EINVAL);
		len = strlen(text);
		out = hx_xrealloc(out, used + len + 2);
		memcpy(out + used, text, len);
		out[used + len] = '\n';
		used += len + 1;
		free(text);
	}
	write_real(out, used);
	free(out);
	if (pool.config.done != NULL)
		pool.config.done(s->job, s->records, pool.config.done_arg);
	json_decref(s->records);
	pthread_mutex_lock(&pool.lock);
	s->records = NULL;
	s->job = NULL;
	pool.written++;
	pthread_cond_broadcast(&pool.written_cond);
	pthread_mutex_unlock(&pool.lock);
}

/*
 * Copy the pipe to the real standard output, writing each job's records
 * at its marker.  A marker is MARK, the job's number and a newline.
 */
static void *
output_main(void *unused)
{
	char *buf = hx_xmalloc(READ_CHUNK + 32), *p, *end, *mark, *nl;
	size_t have = 0;
	ssize_t n;

	(void)unused;
	no_wait_at_exit = true;
	for (;;) {
		n = read(pool.pipe_read, buf + have, READ_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		have += (size_t)n;
		p = buf;
		end = buf + have;
		while (p < end) {
			mark = memchr(p, MARK, (size_t)(end - p));
			if (mark == NULL) {
				write_real(p, (size_t)(end - p));
				p = end;
				break;
			}
			write_real(p, (size_t)(mark - p));
			p = mark;
			nl = memchr(mark, '\n', (size_t)(end - mark));
			if (nl == NULL)
				break;
			write_job(strtoull(mark + 1, NULL, 10));
			p = nl + 1;
		}
		/* Keep a marker cut by the end of the read. */
		have = (size_t)(end - p);
		memmove(buf, p, have);
	}
	free(buf);
	return NULL;
}

/* Kill what the jobs started on SIGINT, SIGTERM, SIGHUP or SIGQUIT, then die of it. */
static void *
signals_main(void *arg)
{
	sigset_t *set = arg;
	int sig;

	while (sigwait(set, &sig) != 0)
		continue;
	if (pool.config.kill_jobs != NULL)
		pool.config.kill_jobs();
	signal(sig, SIG_DFL);
	pthread_sigmask(SIG_UNBLOCK, set, NULL);
	raise(sig);
	return NULL;
}

/* Put PATH's or FD's file on standard output, closing the pipe's end. */
static void
restore_stdout(int fd)
{
	while (dup2(fd, STDOUT_FILENO) < 0 && errno == EINTR)
		continue;
}

/*
 * An exit before hx_pool_finish, as for bad input or missing machinery:
 * every job queued so far came before the cause, so let them finish and
 * write their records, in order, before the exit goes on.  An exit from
 * a worker or the output thread cannot wait for them: it kills them.
 */
static void
pool_atexit(void)
{
	if (pool.finished || pool.real_stdout < 0)
		return;
	pool.finished = true;
	if (no_wait_at_exit) {
		if (pool.config.kill_jobs != NULL)
			pool.config.kill_jobs();
		return;
	}
	hx_out_flush();
	restore_stdout(pool.real_stdout);
	pthread_join(pool.output, NULL);
}

void
hx_pool_start(const struct hx_pool_config *config)
{
	static sigset_t set;
	int p[2], i;

	pool.config = *config;
	if (pool.config.workers < 1)
		pool.config.workers = 1;
	pool.window = (uint64_t)pool.config.workers * 16 + 64;
	pool.slots = hx_xcalloc(pool.window, sizeof(*pool.slots));
	hx_out_flush();
	if (pipe2(p, O_CLOEXEC) < 0 ||
	    (pool.real_stdout = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3)) < 0)
		hx_err_errno(HX_EXIT_SYSTEM, "cannot set up the output pipe");
	restore_stdout(p[1]);
	close(p[1]);
	pool.pipe_read = p[0];

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (pthread_create(&pool.signals, NULL, signals_main, &set) != 0 ||
	    pthread_create(&pool.output, NULL, output_main, NULL) != 0)
		hx_err(HX_EXIT_SYSTEM, "cannot start threads");
	pool.workers = hx_xcalloc((size_t)pool.config.workers,
	    sizeof(*pool.workers));
	for (i = 0; i < pool.config.workers; i++)
		if (pthread_create(&pool.workers[i], NULL, worker_main,
		    NULL) != 0)
			hx_err(HX_EXIT_SYSTEM, "cannot start threads");
	atexit(pool_atexit);
}

void
hx_pool_submit(void *job)
{
	char marker[32];
	uint64_t id;
	int len;

	pthread_mutex_lock(&pool.lock);
	while (pool.submitted - pool.written >= pool.window) {
		pthread_mutex_unlock(&pool.lock);
		hx_out_flush();
		pthread_mutex_lock(&pool.lock);
		if (pool.submitted - pool.written >= pool.window)
			pthread_cond_wait(&pool.written_cond, &pool.lock);
	}
	id = pool.submitted++;
	slot_of(id)->job = job;
	slot_of(id)->records = NULL;
	slot_of(id)->state = SLOT_QUEUED;
	pthread_cond_signal(&pool.work);
	pthread_mutex_unlock(&pool.lock);
	len = snprintf(marker, sizeof(marker), "%c%llu\n", MARK,
	    (unsigned long long)id);
	hx_out_write(marker, (size_t)len);
	hx_out_flush();
}

void
hx_pool_finish(void)
{
	int i;

	hx_out_flush();
	restore_stdout(pool.real_stdout);
	pthread_join(pool.output, NULL);
	pthread_mutex_lock(&pool.lock);
	pool.closing = true;
	pthread_cond_broadcast(&pool.work);
	pthread_mutex_unlock(&pool.lock);
	for (i = 0; i < pool.config.workers; i++)
		pthread_join(pool.workers[i], NULL);
	close(pool.pipe_read);
	free(pool.workers);
	free(pool.slots);
	pool.finished = true;
}
