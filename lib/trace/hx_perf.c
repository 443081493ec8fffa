/*
 * hx_perf.c: perf_event_open counters inherited by a child, enabled when
 * it execs, read after it ends.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

#include "trace/hx_perf.h"

static const struct {
	const char *name;
	uint32_t type;
	uint64_t config;
} counters[HX_PERF_NCOUNTERS] = {
	{ "task_clock_ns", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK },
	{ "context_switches", PERF_TYPE_SOFTWARE,
	    PERF_COUNT_SW_CONTEXT_SWITCHES },
	{ "page_faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS },
	{ "cpu_migrations", PERF_TYPE_SOFTWARE,
	    PERF_COUNT_SW_CPU_MIGRATIONS },
	{ "cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES },
	{ "instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS },
	{ "cache_misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES },
	{ "branch_misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_MISSES },
};

/*
 * Open counter I on this process; a kernel that allows only user-space
 * counting (perf_event_paranoid 2 and up) gets a second try without the
 * kernel's share.  Returns the descriptor, or -1 with errno set.
 */
static int
open_counter(size_t i)
{
	struct perf_event_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = counters[i].type;
	attr.config = counters[i].config;
	attr.disabled = 1;
	attr.inherit = 1;
	attr.enable_on_exec = 1;
	attr.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED |
	    PERF_FORMAT_TOTAL_TIME_RUNNING;
	fd = (int)syscall(SYS_perf_event_open, &attr, 0, -1, -1,
	    PERF_FLAG_FD_CLOEXEC);
	if (fd < 0 && (errno == EACCES || errno == EPERM)) {
		attr.exclude_kernel = 1;
		attr.exclude_hv = 1;
		fd = (int)syscall(SYS_perf_event_open, &attr, 0, -1, -1,
		    PERF_FLAG_FD_CLOEXEC);
	}
	return fd;
}

void
hx_perf_open(struct hx_perf *p)
{
	size_t i;

	for (i = 0; i < HX_PERF_NCOUNTERS; i++) {
		p->error[i] = 0;
		if ((p->fd[i] = open_counter(i)) < 0)
			p->error[i] = errno;
	}
}

void
hx_perf_read(const struct hx_perf *p, struct hx_span_counter *out,
    char **why)
{
	uint64_t v[3];
	size_t i;

	for (i = 0; i < HX_PERF_NCOUNTERS; i++) {
		out[i].name = counters[i].name;
		out[i].value = 0;
		out[i].supported = false;
		why[i] = NULL;
		if (p->fd[i] < 0) {
			why[i] = hx_xasprintf("unsupported: %s",
			    strerror(p->error[i]));
			continue;
		}
		if (read(p->fd[i], v, sizeof(v)) != (ssize_t)sizeof(v)) {
			why[i] = hx_xasprintf("unsupported: cannot be read");
			continue;
		}
		/* Enabled but never on a counter: the PMU was all taken. */
		if (v[2] == 0 && v[1] != 0) {
			why[i] = hx_xasprintf("unsupported: never scheduled");
			continue;
		}
		if (v[2] != 0 && v[2] < v[1])
			v[0] = (uint64_t)((double)v[0] * (double)v[1] /
			    (double)v[2]);
		out[i].value = v[0] > INT64_MAX ? INT64_MAX : (int64_t)v[0];
		out[i].supported = true;
	}
}

void
hx_perf_close(struct hx_perf *p)
{
	size_t i;

	for (i = 0; i < HX_PERF_NCOUNTERS; i++)
		if (p->fd[i] >= 0) {
			close(p->fd[i]);
			p->fd[i] = -1;
		}
}
