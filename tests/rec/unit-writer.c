/*
 * unit-writer: the ordered writer and the worker pool: records filled out
 * of order from several threads come out in input order among the lines
 * written between them; the windows bound what waits; a write error is
 * kept and reported, never fatal.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hx_pool.h"
#include "rec/hx_writer.h"
#include "../tap.h"

#define JOBS 2000

struct job {
	int number;
	struct hx_writer_slot *slot;
};

/* Fill a job's slot; later jobs often finish first. */
static void
run_job(void *arg, void *unused)
{
	struct job *job = arg;
	json_t *rec;

	if (job->number % 7 == 0)
		usleep(200);
	rec = json_pack("{s:s, s:i}", "type", "test", "n", job->number);
	hx_writer_slot_record(job->slot, rec);
	json_decref(rec);
	if (job->number % 3 == 0) {
		rec = json_pack("{s:s, s:i}", "type", "sample", "n",
		    job->number);
		hx_writer_slot_record(job->slot, rec);
		json_decref(rec);
	}
	hx_writer_slot_done(job->slot);
}

/* The whole of FD's file, as a string to free. */
static char *
slurp(int fd)
{
	size_t len = 0, cap = 1 << 16;
	char *buf = malloc(cap);
	ssize_t n;

	lseek(fd, 0, SEEK_SET);
	while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += (size_t)n;
		if (cap - len < 2)
			buf = realloc(buf, cap *= 2);
	}
	buf[len] = '\0';
	return buf;
}

/* What the writer should have written, built the obvious way. */
static char *
expected(void)
{
	size_t cap = (size_t)JOBS * 80, len = 0;
	char *buf = malloc(cap);
	int i;

	for (i = 0; i < JOBS; i++) {
		len += (size_t)snprintf(buf + len, cap - len,
		    "{\"type\":\"artifact\",\"n\":%d}\n", i);
		len += (size_t)snprintf(buf + len, cap - len,
		    "{\"n\":%d,\"type\":\"test\"}\n", i);
		if (i % 3 == 0)
			len += (size_t)snprintf(buf + len, cap - len,
			    "{\"n\":%d,\"type\":\"sample\"}\n", i);
	}
	snprintf(buf + len, cap - len, "{\"type\":\"end\"}\n");
	return buf;
}

static void
test_order(int workers, size_t slots, size_t bytes)
{
	char path[] = "/tmp/hx-unit-writer.XXXXXX", line[64], *got, *want;
	struct hx_err_info err;
	struct hx_writer *w;
	struct hx_pool *pool;
	struct job *jobs = calloc(JOBS, sizeof(*jobs)), *job;
	int fd = mkstemp(path), i, reaped = 0, in_order = 1, n;

	unlink(path);
	w = hx_writer_new(fd, slots, bytes);
	pool = hx_pool_new(workers, run_job, NULL, &err);
	for (i = 0; i < JOBS; i++) {
		n = snprintf(line, sizeof(line),
		    "{\"type\":\"artifact\",\"n\":%d}", i);
		hx_writer_line(w, line, (size_t)n);
		jobs[i].number = i;
		jobs[i].slot = hx_writer_reserve(w);
		hx_pool_submit(pool, &jobs[i]);
		while ((job = hx_pool_reap(pool, false)) != NULL)
			in_order &= job->number == reaped++;
	}
	hx_writer_line(w, "{\"type\":\"end\"}", 14);
	while ((job = hx_pool_reap(pool, true)) != NULL)
		in_order &= job->number == reaped++;
	tap_ok(hx_pool_pending(pool) == 0 && reaped == JOBS && in_order,
	    "%d workers: every job reaped, in submission order", workers);
	tap_ok(hx_writer_flush(w) == 0 && hx_writer_error(w) == 0,
	    "%d workers: flushed without error", workers);
	got = slurp(fd);
	want = expected();
	tap_ok(strcmp(got, want) == 0, "%d workers, %zu slots, %zu bytes: "
	    "lines and slots in input order", workers, slots, bytes);
	free(got);
	free(want);
	hx_pool_free(pool);
	hx_writer_free(w);
	free(jobs);
	close(fd);
}

/* A reader that went away: the error is kept, every call says so. */
static void
test_closed_pipe(void)
{
	struct hx_writer *w;
	struct hx_writer_slot *slot;
	json_t *rec = json_pack("{s:s}", "type", "x");
	int p[2], rc = 0, i;

	signal(SIGPIPE, SIG_IGN);
	if (pipe(p) < 0)
		return;
	close(p[0]);
	w = hx_writer_new(p[1], 4, 1024);
	for (i = 0; i < 10 && rc == 0; i++)
		rc = hx_writer_record(w, rec);
	tap_ok(rc == 0 && hx_writer_flush(w) < 0 &&
	    hx_writer_error(w) == EPIPE &&
	    hx_writer_record(w, rec) < 0,
	    "unordered: a closed pipe is EPIPE, kept");
	slot = hx_writer_reserve(w);
	hx_writer_slot_record(slot, rec);
	hx_writer_slot_done(slot);
	tap_ok(hx_writer_line(w, "{}", 2) < 0 && hx_writer_flush(w) < 0 &&
	    hx_writer_error(w) == EPIPE,
	    "ordered: slots after the error are dropped, the error stays");
	hx_writer_free(w);
	close(p[1]);
	json_decref(rec);
}

/* hx_writer_fail: as if a write had failed. */
static void
test_fail(void)
{
	struct hx_writer *w = hx_writer_new(open("/dev/null", O_WRONLY), 0,
	    0);

	hx_writer_fail(w, EBADF);
	tap_ok(hx_writer_line(w, "{}", 2) < 0 && hx_writer_error(w) == EBADF,
	    "a writer marked failed writes nothing and says why");
	hx_writer_free(w);
}

int
main(void)
{
	test_order(1, 0, 0);
	test_order(4, 0, 0);
	/* Tiny windows: reserving and writing block, and still no deadlock. */
	test_order(4, 2, 64);
	test_order(8, 1, 1);
	test_closed_pipe();
	test_fail();
	return tap_done();
}
