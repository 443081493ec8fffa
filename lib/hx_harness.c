/*
 * hx_harness: CPU affinity, real-time scheduling and the frequency and
 * thermal baseline of a measured run.
 *
 * sched_setaffinity and sched_setscheduler with pid 0 act on the calling
 * thread alone, and a child inherits both from the thread that starts it,
 * so a worker thread that takes them just before posix_spawn and gives
 * them back just after pins its child and no other thread of the program.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "hx_err.h"
#include "hx_harness.h"
#include "hx_strv.h"

/* CAP_SYS_NICE's bit in the capability sets of /proc/self/status. */
#define CAP_SYS_NICE_BIT 23

/* The number at *P, moved past it; -1 when there is none or it is too big. */
static long
cpu_number(const char **p)
{
	long n = 0;

	if (**p < '0' || **p > '9')
		return -1;
	while (**p >= '0' && **p <= '9') {
		n = n * 10 + (**p - '0');
		if (n >= CPU_SETSIZE)
			return -1;
		(*p)++;
	}
	return n;
}

int
hx_harness_parse_cpus(const char *list, cpu_set_t *set)
{
	const char *p = list;
	long first, last, stride, i;

	CPU_ZERO(set);
	for (;;) {
		if ((first = cpu_number(&p)) < 0)
			return -EINVAL;
		last = first;
		stride = 1;
		if (*p == '-') {
			p++;
			if ((last = cpu_number(&p)) < first)
				return -EINVAL;
			if (*p == ':') {
				p++;
				if ((stride = cpu_number(&p)) <= 0)
					return -EINVAL;
			}
		}
		for (i = first; i <= last; i += stride)
			CPU_SET((size_t)i, set);
		if (*p == '\0')
			return 0;
		if (*p++ != ',')
			return -EINVAL;
	}
}

/* SET as a list of CPUs and ranges, "0,2-3"; "" when it is empty. */
static char *
format_cpus(const cpu_set_t *set)
{
	char *list = hx_xstrdup(""), *longer;
	int i, j;

	for (i = 0; i < CPU_SETSIZE; i = j) {
		if (!CPU_ISSET((size_t)i, set)) {
			j = i + 1;
			continue;
		}
		for (j = i + 1; j < CPU_SETSIZE && CPU_ISSET((size_t)j, set);
		    j++)
			continue;
		if (j - 1 > i)
			longer = hx_xasprintf("%s%s%d-%d", list,
			    *list != '\0' ? "," : "", i, j - 1);
		else
			longer = hx_xasprintf("%s%s%d", list,
			    *list != '\0' ? "," : "", i);
		free(list);
		list = longer;
	}
	return list;
}

/* Whether this process holds CAP_SYS_NICE in its effective set. */
static bool
has_cap_sys_nice(void)
{
	char line[256];
	unsigned long long caps = 0;
	FILE *fp;

	if ((fp = fopen("/proc/self/status", "re")) == NULL)
		return false;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (sscanf(line, "CapEff: %llx", &caps) == 1)
			break;
	fclose(fp);
	return (caps >> CAP_SYS_NICE_BIT & 1) != 0;
}

/*
 * Why sched_setscheduler refused SCHED_FIFO at PRIORITY with ERROR: the
 * error, and for EPERM what the kernel checks (RLIMIT_RTPRIO and
 * CAP_SYS_NICE, or a control group with no real-time runtime).
 */
static char *
refusal(int error, int priority)
{
	struct rlimit rl;
	bool cap = has_cap_sys_nice();

	if (error != EPERM)
		return hx_xasprintf("%s", strerror(error));
	if (cap)
		return hx_xasprintf("%s: CAP_SYS_NICE is held, so the control "
		    "group may have no real-time runtime (cpu.rt_runtime_us)",
		    strerror(error));
	if (getrlimit(RLIMIT_RTPRIO, &rl) == 0 && rl.rlim_cur <
	    (rlim_t)priority)
		return hx_xasprintf("%s: RLIMIT_RTPRIO is %llu and the process "
		    "lacks CAP_SYS_NICE (a container without it, or an "
		    "unprivileged user)", strerror(error),
		    (unsigned long long)rl.rlim_cur);
	return hx_xasprintf("%s: the process lacks CAP_SYS_NICE",
	    strerror(error));
}

void
hx_harness_enter(const struct hx_harness *h, struct hx_harness_saved *saved,
    struct hx_harness_grant *grant)
{
	struct sched_param param = { .sched_priority = h->rt_priority };
	cpu_set_t now;
	int cpus_errno = 0, sched_errno = 0;

	memset(saved, 0, sizeof(*saved));
	if (h->pin) {
		if (sched_getaffinity(0, sizeof(saved->cpus),
		    &saved->cpus) == 0 &&
		    sched_setaffinity(0, sizeof(h->cpus), &h->cpus) == 0)
			saved->pinned = true;
		else
			cpus_errno = errno;
	}
	if (h->rt_priority > 0) {
		saved->policy = sched_getscheduler(0);
		if (saved->policy >= 0 &&
		    sched_getparam(0, &saved->param) == 0 &&
		    sched_setscheduler(0, SCHED_FIFO, &param) == 0)
			saved->scheduled = true;
		else
			sched_errno = errno;
	}
	if (grant == NULL)
		return;
	memset(grant, 0, sizeof(*grant));
	grant->cpus_errno = cpus_errno;
	if (sched_getaffinity(0, sizeof(now), &now) == 0)
		grant->cpus = format_cpus(&now);
	grant->policy = sched_getscheduler(0);
	if (sched_getparam(0, &param) == 0)
		grant->priority = param.sched_priority;
	if (sched_errno != 0)
		grant->sched_reason = refusal(sched_errno, h->rt_priority);
}

void
hx_harness_leave(const struct hx_harness_saved *saved)
{
	if (saved->scheduled)
		sched_setscheduler(0, saved->policy, &saved->param);
	if (saved->pinned)
		sched_setaffinity(0, sizeof(saved->cpus), &saved->cpus);
}

void
hx_harness_grant_free(struct hx_harness_grant *grant)
{
	free(grant->cpus);
	free(grant->sched_reason);
	grant->cpus = grant->sched_reason = NULL;
}

const char *
hx_harness_policy_name(int policy)
{
	switch (policy) {
	case SCHED_OTHER:
		return "other";
	case SCHED_FIFO:
		return "fifo";
	case SCHED_RR:
		return "rr";
	case SCHED_BATCH:
		return "batch";
	case SCHED_IDLE:
		return "idle";
	default:
		return "unknown";
	}
}

/*
 * A copy of the first line of DIR/NAME; on failure NULL, and *WHY (when
 * still NULL) says why.
 */
static char *
read_line(const char *dir, const char *name, char **why)
{
	char *path = hx_xasprintf("%s/%s", dir, name), buf[256];
	FILE *fp;

	if ((fp = fopen(path, "re")) == NULL ||
	    fgets(buf, sizeof(buf), fp) == NULL) {
		if (*why == NULL)
			*why = hx_xasprintf("%s: %s", path, fp == NULL ?
			    strerror(errno) : "empty");
		if (fp != NULL)
			fclose(fp);
		free(path);
		return NULL;
	}
	fclose(fp);
	free(path);
	buf[strcspn(buf, "\n")] = '\0';
	return hx_xstrdup(buf);
}

/* DIR/NAME as an integer, or UNKNOWN with *WHY set as read_line does. */
static int64_t
read_number(const char *dir, const char *name, char **why)
{
	char *s = read_line(dir, name, why), *end;
	long long v;

	if (s == NULL)
		return HX_HARNESS_UNKNOWN;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0) {
		if (*why == NULL)
			*why = hx_xasprintf("%s/%s: not a number: %s", dir,
			    name, s);
		v = HX_HARNESS_UNKNOWN;
	}
	free(s);
	return v;
}

/*
 * The numbers N of the entries PREFIXN of DIR, ascending, in *NUMS;
 * returns how many, or -1 with errno set when DIR cannot be read.
 */
static long
numbered_entries(const char *dir, const char *prefix, int **nums)
{
	size_t plen = strlen(prefix), n = 0, i, j;
	struct dirent *de;
	const char *p;
	long v;
	DIR *d;
	int t;

	*nums = NULL;
	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, prefix, plen) != 0)
			continue;
		p = de->d_name + plen;
		if ((v = cpu_number(&p)) < 0 || *p != '\0')
			continue;
		*nums = hx_xgrow(*nums, n, sizeof(**nums));
		(*nums)[n++] = (int)v;
	}
	closedir(d);
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && (*nums)[j - 1] > (*nums)[j]; j--) {
			t = (*nums)[j];
			(*nums)[j] = (*nums)[j - 1];
			(*nums)[j - 1] = t;
		}
	return (long)n;
}

static void
read_cpu(const char *sysfs, int n, struct hx_harness_cpu *c)
{
	char *dir = hx_xasprintf("%s/devices/system/cpu/cpu%d/cpufreq", sysfs,
	    n);

	c->cpu = n;
	if (access(dir, F_OK) != 0) {
		c->unknown = hx_xasprintf("%s: %s", dir, strerror(errno));
		c->cur_khz = c->min_khz = c->max_khz = HX_HARNESS_UNKNOWN;
		free(dir);
		return;
	}
	c->governor = read_line(dir, "scaling_governor", &c->unknown);
	c->cur_khz = read_number(dir, "scaling_cur_freq", &c->unknown);
	c->min_khz = read_number(dir, "scaling_min_freq", &c->unknown);
	c->max_khz = read_number(dir, "scaling_max_freq", &c->unknown);
	free(dir);
}

static void
read_zone(const char *sysfs, int n, struct hx_harness_zone *z)
{
	char *dir = hx_xasprintf("%s/class/thermal/thermal_zone%d", sysfs, n);

	z->zone = hx_xasprintf("thermal_zone%d", n);
	z->type = read_line(dir, "type", &z->unknown);
	z->temp_mc = read_number(dir, "temp", &z->unknown);
	free(dir);
}

/* Append the note made of FMT to B's notes. */
static void HX_PRINTF(2, 3)
add_note(struct hx_harness_baseline *b, const char *fmt, ...)
{
	va_list ap;
	size_t n = 0;

	while (b->notes[n] != NULL)
		n++;
	b->notes = hx_xrealloc(b->notes, (n + 2) * sizeof(*b->notes));
	va_start(ap, fmt);
	b->notes[n] = hx_xvasprintf(fmt, ap);
	va_end(ap);
	b->notes[n + 1] = NULL;
}

/* The notes on B's governors and frequencies that a person should see. */
static void
note_frequencies(struct hx_harness_baseline *b)
{
	int64_t lo = HX_HARNESS_UNKNOWN, hi = HX_HARNESS_UNKNOWN;
	const struct hx_harness_cpu *c;
	size_t i;

	for (i = 0; i < b->ncpus; i++) {
		c = &b->cpus[i];
		if (c->governor != NULL && strcmp(c->governor,
		    "performance") != 0)
			add_note(b, "cpu%d: governor is %s, not performance",
			    c->cpu, c->governor);
		if (c->cur_khz == HX_HARNESS_UNKNOWN)
			continue;
		if (lo == HX_HARNESS_UNKNOWN || c->cur_khz < lo)
			lo = c->cur_khz;
		if (c->cur_khz > hi)
			hi = c->cur_khz;
	}
	if (lo != hi)
		add_note(b, "CPU frequencies differ: %" PRId64 " to %" PRId64
		    " kHz", lo, hi);
}

void
hx_harness_baseline_read(const char *sysfs, struct hx_harness_baseline *b)
{
	char *dir;
	int *nums;
	long n, i;

	memset(b, 0, sizeof(*b));
	b->sysfs = hx_xstrdup(sysfs);
	b->notes = hx_xcalloc(1, sizeof(*b->notes));
	dir = hx_xasprintf("%s/devices/system/cpu", sysfs);
	if ((n = numbered_entries(dir, "cpu", &nums)) < 0)
		b->cpus_unknown = hx_xasprintf("%s: %s", dir, strerror(errno));
	else if (n == 0)
		b->cpus_unknown = hx_xasprintf("no CPU in %s", dir);
	b->cpus = hx_xcalloc(n > 0 ? (size_t)n : 1, sizeof(*b->cpus));
	for (i = 0; i < n; i++)
		read_cpu(sysfs, nums[i], &b->cpus[i]);
	b->ncpus = n > 0 ? (size_t)n : 0;
	free(nums);
	free(dir);

	dir = hx_xasprintf("%s/class/thermal", sysfs);
	if ((n = numbered_entries(dir, "thermal_zone", &nums)) < 0)
		b->zones_unknown = hx_xasprintf("%s: %s", dir,
		    strerror(errno));
	else if (n == 0)
		b->zones_unknown = hx_xasprintf("no thermal zone in %s", dir);
	b->zones = hx_xcalloc(n > 0 ? (size_t)n : 1, sizeof(*b->zones));
	for (i = 0; i < n; i++)
		read_zone(sysfs, nums[i], &b->zones[i]);
	b->nzones = n > 0 ? (size_t)n : 0;
	free(nums);
	free(dir);
	note_frequencies(b);
}

void
hx_harness_baseline_free(struct hx_harness_baseline *b)
{
	size_t i;

	for (i = 0; i < b->ncpus; i++) {
		free(b->cpus[i].governor);
		free(b->cpus[i].unknown);
	}
	for (i = 0; i < b->nzones; i++) {
		free(b->zones[i].zone);
		free(b->zones[i].type);
		free(b->zones[i].unknown);
	}
	free(b->cpus);
	free(b->zones);
	free(b->cpus_unknown);
	free(b->zones_unknown);
	free(b->sysfs);
	hx_strv_free(b->notes);
	memset(b, 0, sizeof(*b));
}

/* A frequency in kHz for people, or "unknown". */
static const char *
khz(int64_t v, char buf[32])
{
	if (v == HX_HARNESS_UNKNOWN)
		return "unknown";
	snprintf(buf, 32, "%lld kHz", (long long)v);
	return buf;
}

int
hx_harness_baseline_write(const struct hx_harness_baseline *b, FILE *f)
{
	const struct hx_harness_cpu *c;
	const struct hx_harness_zone *z;
	char cur[32], lo[32], hi[32];
	size_t i;

	fprintf(f, "frequency and temperature (%s):\n", b->sysfs);
	if (b->cpus_unknown != NULL)
		fprintf(f, "  cpus      unknown: %s\n", b->cpus_unknown);
	for (i = 0; i < b->ncpus; i++) {
		c = &b->cpus[i];
		if (c->governor == NULL && c->cur_khz == HX_HARNESS_UNKNOWN)
			fprintf(f, "  cpu%-6d unknown: %s\n", c->cpu,
			    c->unknown);
		else
			fprintf(f, "  cpu%-6d governor %s, %s (%s to "
			    "%s)\n", c->cpu, c->governor != NULL ?
			    c->governor : "unknown", khz(c->cur_khz, cur),
			    khz(c->min_khz, lo), khz(c->max_khz, hi));
	}
	if (b->zones_unknown != NULL)
		fprintf(f, "  thermal   unknown: %s\n", b->zones_unknown);
	for (i = 0; i < b->nzones; i++) {
		z = &b->zones[i];
		if (z->temp_mc == HX_HARNESS_UNKNOWN)
			fprintf(f, "  %s %s: unknown: %s\n", z->zone,
			    z->type != NULL ? z->type : "", z->unknown);
		else
			fprintf(f, "  %s %s: %.1f C\n", z->zone,
			    z->type != NULL ? z->type : "",
			    (double)z->temp_mc / 1000);
	}
	for (i = 0; b->notes[i] != NULL; i++)
		fprintf(f, "  note: %s\n", b->notes[i]);
	return ferror(f) ? -1 : 0;
}
