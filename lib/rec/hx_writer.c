/*
 * hx_writer: ordered output of records, from one thread or several.
 *
 * Until the first slot is reserved a writer is a plain buffer used by one
 * thread, with no locking: the pass-through path of every filter.  From
 * then on every call takes the lock.  What waits to go out is a queue of
 * segments: reserved slots, and the lines written after one.  Lines
 * written while the queue is empty go to the direct buffer, which always
 * precedes the queue.  Whoever finds the head ready (a filled slot, or
 * lines) writes it, outside the lock; the writing flag keeps one writer
 * at a time, so the order holds.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hx_err.h"
#include "rec/hx_writer.h"

/* The direct buffer: writes are made in pieces of about this size. */
#define DIRECT_CAP ((size_t)1 << 18)
#define DEFAULT_SLOTS 256
#define DEFAULT_BYTES ((size_t)16 << 20)

struct hx_writer_slot {
	struct hx_writer_slot *next;
	struct hx_writer *writer;
	bool reserved;			/* a slot; else lines after one */
	bool done;			/* a slot that was filled */
	char *buf;
	size_t len, cap;
};

struct hx_writer {
	int fd;
	int error;			/* errno of the first failed write */
	size_t max_slots, max_bytes;
	char *direct, *spare;		/* DIRECT_CAP each */
	size_t direct_len;
	bool ordered;			/* a slot was reserved: lock */
	pthread_mutex_t lock;
	pthread_cond_t changed;
	struct hx_writer_slot *head, *tail;
	size_t open_slots;		/* reserved and not yet written */
	size_t waiting_bytes;		/* lines queued behind a slot */
	bool writing;			/* a thread is writing, unlocked */
};

struct hx_writer *
hx_writer_new(int fd, size_t slots, size_t bytes)
{
	struct hx_writer *w = hx_xcalloc(1, sizeof(*w));

	w->fd = fd;
	w->max_slots = slots > 0 ? slots : DEFAULT_SLOTS;
	w->max_bytes = bytes > 0 ? bytes : DEFAULT_BYTES;
	w->direct = hx_xmalloc(DIRECT_CAP);
	w->spare = hx_xmalloc(DIRECT_CAP);
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->changed, NULL);
	return w;
}

/*
 * Write all of BUF to FD unless ERROR is already set; returns the error,
 * old or new.
 */
static int
write_fd(int fd, const char *buf, size_t len, int error)
{
	ssize_t n;

	while (len > 0 && error == 0) {
		n = write(fd, buf, len);
		if (n < 0) {
			if (errno != EINTR)
				error = errno;
			continue;
		}
		buf += n;
		len -= (size_t)n;
	}
	return error;
}

/* Append LEN bytes of BUF to a growing buffer. */
static void
grow_append(char **buf, size_t *len, size_t *cap, const char *data,
    size_t n)
{
	if (n > *cap - *len) {
		while (n > *cap - *len)
			*cap = *cap > 0 ? *cap * 2 : 4096;
		*buf = hx_xrealloc(*buf, *cap);
	}
	memcpy(*buf + *len, data, n);
	*len += n;
}

/*
 * Write out what is ready at the head of the queue: the direct buffer,
 * then filled slots and the lines behind them, up to the first slot still
 * open.  Called with the lock held; returns with it held.  When another
 * thread is writing it will find what this call would have written.
 */
static void
drain(struct hx_writer *w)
{
	struct hx_writer_slot *first, *s, *next;
	size_t direct_len;
	char *tmp;
	int error;

	if (w->writing)
		return;
	w->writing = true;
	for (;;) {
		direct_len = w->direct_len;
		if (direct_len > 0) {
			tmp = w->spare;
			w->spare = w->direct;
			w->direct = tmp;
			w->direct_len = 0;
		}
		first = NULL;
		if (w->head != NULL && (w->head->done || !w->head->reserved)) {
			first = s = w->head;
			while (s->next != NULL &&
			    (s->next->done || !s->next->reserved))
				s = s->next;
			w->head = s->next;
			if (w->head == NULL)
				w->tail = NULL;
			s->next = NULL;
		}
		if (direct_len == 0 && first == NULL)
			break;
		error = w->error;
		pthread_mutex_unlock(&w->lock);
		error = write_fd(w->fd, w->spare, direct_len, error);
		for (s = first; s != NULL; s = s->next)
			error = write_fd(w->fd, s->buf, s->len, error);
		pthread_mutex_lock(&w->lock);
		w->error = error;
		for (s = first; s != NULL; s = next) {
			next = s->next;
			if (s->reserved)
				w->open_slots--;
			else
				w->waiting_bytes -= s->len;
			free(s->buf);
			free(s);
		}
		pthread_cond_broadcast(&w->changed);
	}
	w->writing = false;
	pthread_cond_broadcast(&w->changed);
}

/* Queue a new segment at the tail. */
static struct hx_writer_slot *
enqueue(struct hx_writer *w, bool reserved)
{
	struct hx_writer_slot *s = hx_xcalloc(1, sizeof(*s));

	s->writer = w;
	s->reserved = reserved;
	if (w->tail != NULL)
		w->tail->next = s;
	else
		w->head = s;
	w->tail = s;
	return s;
}

/* Add bytes written by the line-writing thread, in order. */
static int
put(struct hx_writer *w, const char *buf, size_t len)
{
	struct hx_writer_slot *s;
	int error;

	if (!w->ordered) {
		if (w->error != 0)
			return -1;
		if (len > DIRECT_CAP - w->direct_len) {
			w->error = write_fd(w->fd, w->direct, w->direct_len,
			    w->error);
			w->direct_len = 0;
			if (len >= DIRECT_CAP) {
				w->error = write_fd(w->fd, buf, len, w->error);
				return w->error != 0 ? -1 : 0;
			}
		}
		memcpy(w->direct + w->direct_len, buf, len);
		w->direct_len += len;
		return 0;
	}
	pthread_mutex_lock(&w->lock);
	/* Nothing to wait behind: the direct buffer, written when full. */
	while (w->head == NULL && w->direct_len > 0 &&
	    len > DIRECT_CAP - w->direct_len && w->error == 0) {
		if (w->writing)
			pthread_cond_wait(&w->changed, &w->lock);
		else
			drain(w);
	}
	if (w->head == NULL && len <= DIRECT_CAP - w->direct_len) {
		memcpy(w->direct + w->direct_len, buf, len);
		w->direct_len += len;
	} else {
		/* Behind an open slot, or too big for the buffer. */
		s = w->tail != NULL && !w->tail->reserved ? w->tail :
		    enqueue(w, false);
		grow_append(&s->buf, &s->len, &s->cap, buf, len);
		w->waiting_bytes += len;
		drain(w);
		while (w->waiting_bytes > w->max_bytes && w->error == 0)
			pthread_cond_wait(&w->changed, &w->lock);
	}
	error = w->error;
	pthread_mutex_unlock(&w->lock);
	return error != 0 ? -1 : 0;
}

int
hx_writer_line(struct hx_writer *w, const char *text, size_t len)
{
	if (put(w, text, len) < 0)
		return -1;
	return put(w, "\n", 1);
}

static int
put_piece(const char *buf, size_t len, void *arg)
{
	return put(arg, buf, len);
}

int
hx_writer_record(struct hx_writer *w, const json_t *value)
{
	if (hx_json_dump(value, put_piece, w) < 0)
		return -1;
	return put(w, "\n", 1);
}

struct hx_writer_slot *
hx_writer_reserve(struct hx_writer *w)
{
	struct hx_writer_slot *s;

	w->ordered = true;
	pthread_mutex_lock(&w->lock);
	while (w->open_slots >= w->max_slots)
		pthread_cond_wait(&w->changed, &w->lock);
	s = enqueue(w, true);
	w->open_slots++;
	pthread_mutex_unlock(&w->lock);
	return s;
}

static int
slot_piece(const char *buf, size_t len, void *arg)
{
	struct hx_writer_slot *s = arg;

	grow_append(&s->buf, &s->len, &s->cap, buf, len);
	return 0;
}

int
hx_writer_slot_record(struct hx_writer_slot *slot, const json_t *value)
{
	if (hx_json_dump(value, slot_piece, slot) < 0)
		return -1;
	grow_append(&slot->buf, &slot->len, &slot->cap, "\n", 1);
	return 0;
}

void
hx_writer_slot_done(struct hx_writer_slot *slot)
{
	struct hx_writer *w = slot->writer;

	pthread_mutex_lock(&w->lock);
	slot->done = true;
	drain(w);
	pthread_mutex_unlock(&w->lock);
}

int
hx_writer_flush(struct hx_writer *w)
{
	int error;

	if (!w->ordered) {
		w->error = write_fd(w->fd, w->direct, w->direct_len, w->error);
		w->direct_len = 0;
		return w->error != 0 ? -1 : 0;
	}
	pthread_mutex_lock(&w->lock);
	for (;;) {
		drain(w);
		if (w->head == NULL && !w->writing && w->direct_len == 0)
			break;
		pthread_cond_wait(&w->changed, &w->lock);
	}
	error = w->error;
	pthread_mutex_unlock(&w->lock);
	return error != 0 ? -1 : 0;
}

void
hx_writer_fail(struct hx_writer *w, int error)
{
	pthread_mutex_lock(&w->lock);
	if (w->error == 0)
		w->error = error;
	pthread_mutex_unlock(&w->lock);
}

int
hx_writer_error(struct hx_writer *w)
{
	int error;

	if (!w->ordered)
		return w->error;
	pthread_mutex_lock(&w->lock);
	error = w->error;
	pthread_mutex_unlock(&w->lock);
	return error;
}

void
hx_writer_free(struct hx_writer *w)
{
	struct hx_writer_slot *s, *next;

	if (w == NULL)
		return;
	for (s = w->head; s != NULL; s = next) {
		next = s->next;
		free(s->buf);
		free(s);
	}
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->changed);
	free(w->direct);
	free(w->spare);
	free(w);
}
