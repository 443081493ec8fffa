/*
 * hx_progress: counts of steps, drawn as one line that a carriage return
 * and an erase-line sequence redraw in place.
 */
#include "config.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "hx_clock.h"
#include "hx_err.h"
#include "hx_progress.h"

/* Redraw at most this often, in ns, but always on the last step. */
#define REDRAW_NS (100LL * 1000000LL)

struct hx_progress {
	pthread_mutex_t lock;
	char *progname;
	int fd;
	bool tty, verbose, closed, drawn;
	size_t total, done, running, failed;
	int64_t started_ns, drawn_ns;
};

/* Write all LEN bytes of S to the descriptor; a lost line is no error. */
static void
put(const struct hx_progress *p, const char *s, size_t len)
{
	ssize_t n;

	while (len > 0 && (n = write(p->fd, s, len)) > 0) {
		s += n;
		len -= (size_t)n;
	}
}

/* The terminal's width, or 80 when it does not say. */
static size_t
columns(int fd)
{
	struct winsize ws;

	if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

/* Erase the drawn line, if any. */
static void
erase(struct hx_progress *p)
{
	if (p->drawn)
		put(p, "\r\033[K", 4);
	p->drawn = false;
}

/* Draw the line: counts, and the time left once the total is known. */
static void
draw(struct hx_progress *p)
{
	char line[256], eta[32] = "";
	size_t width = columns(p->fd), len;
	int64_t elapsed, left;

	if (p->closed && p->done > 0 && p->done < p->total) {
		elapsed = hx_clock_mono_ns() - p->started_ns;
		left = elapsed / (int64_t)p->done *
		    (int64_t)(p->total - p->done) / 1000000000LL;
		snprintf(eta, sizeof(eta), ", ETA %lld:%02lld",
		    (long long)(left / 60), (long long)(left % 60));
	}
	snprintf(line, sizeof(line), "\r\033[K%s: %zu/%zu%s done, "
	    "%zu running, %zu failed%s", p->progname, p->done, p->total,
	    p->closed ? "" : "+", p->running, p->failed, eta);
	/* "\r\033[K" takes no column; keep off the last one. */
	len = strlen(line);
	if (len > width + 3)
		len = width + 3;
	put(p, line, len);
	p->drawn = true;
	p->drawn_ns = hx_clock_mono_ns();
}

/* Redraw when the last drawing is old enough or FORCE. */
static void
update(struct hx_progress *p, bool force)
{
	if (p->tty && (force || hx_clock_mono_ns() - p->drawn_ns >= REDRAW_NS))
		draw(p);
}

static void step_line(struct hx_progress *, const char *, ...)
    HX_PRINTF(2, 3);

/* With verbose: print one step line above the progress line. */
static void
step_line(struct hx_progress *p, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	if (!p->verbose)
		return;
	erase(p);
	n = snprintf(line, sizeof(line), "%s: ", p->progname);
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	strcat(line, "\n");
	put(p, line, strlen(line));
}

struct hx_progress *
hx_progress_new(const char *progname, int fd, bool verbose)
{
	struct hx_progress *p = hx_xcalloc(1, sizeof(*p));

	pthread_mutex_init(&p->lock, NULL);
	p->progname = hx_xstrdup(progname);
	p->fd = fd;
	p->tty = isatty(fd) == 1;
	p->verbose = verbose;
	p->started_ns = hx_clock_mono_ns();
	return p;
}

void
hx_progress_add(struct hx_progress *p, size_t n)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->lock);
	p->total += n;
	update(p, false);
	pthread_mutex_unlock(&p->lock);
}

void
hx_progress_close(struct hx_progress *p)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->lock);
	p->closed = true;
	update(p, true);
	pthread_mutex_unlock(&p->lock);
}

void
hx_progress_start(struct hx_progress *p, const char *what)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->lock);
	p->running++;
	step_line(p, "%s: started", what);
	/* Always show that work began after a pause. */
	update(p, p->verbose || p->running == 1);
	pthread_mutex_unlock(&p->lock);
}

void
hx_progress_note(struct hx_progress *p, const char *what, const char *state)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->lock);
	step_line(p, "%s: %s", what, state);
	update(p, p->verbose);
	pthread_mutex_unlock(&p->lock);
}

void
hx_progress_done(struct hx_progress *p, const char *what, bool failed)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->lock);
	if (p->running > 0)
		p->running--;
	p->done++;
	if (failed)
		p->failed++;
	step_line(p, "%s: %s", what, failed ? "failed" : "done");
	update(p, p->verbose || (p->closed && p->done == p->total));
	pthread_mutex_unlock(&p->lock);
}

void
hx_progress_free(struct hx_progress *p)
{
	if (p == NULL)
		return;
	erase(p);
	pthread_mutex_destroy(&p->lock);
	free(p->progname);
	free(p);
}
