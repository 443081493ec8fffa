/*
 * hx_harness: the conditions a measured child runs in.  Before a child is
 * started, the calling thread takes the CPU affinity and the real-time
 * scheduling asked for (the child inherits both: posix_spawn has no
 * attribute for affinity) and gives them back afterwards; the grant says
 * what the kernel allowed.  The baseline is the machine's frequency and
 * thermal state read from sysfs before the run, with a reason for each
 * fact it cannot read.
 */
#ifndef HX_HARNESS_H
#define HX_HARNESS_H

#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* What a run asks for. */
struct hx_harness {
	bool pin;		/* set the affinity to cpus */
	cpu_set_t cpus;
	int rt_priority;	/* SCHED_FIFO at this priority; 0: not asked */
};

/* What the kernel granted the calling thread, so the child started next. */
struct hx_harness_grant {
	char *cpus;		/* the affinity now, as "0,2-3" */
	int cpus_errno;		/* why pinning failed, or 0 */
	int policy;		/* the scheduling policy now (SCHED_*) */
	int priority;		/* and its priority */
	char *sched_reason;	/* why real time was not granted, or NULL */
};

/* The calling thread's state before hx_harness_enter. */
struct hx_harness_saved {
	bool pinned, scheduled;
	cpu_set_t cpus;
	int policy;
	struct sched_param param;
};

/*
 * Parse LIST, CPU numbers and ranges as taskset -c takes them ("0,2-3"),
 * into *SET.  Returns 0, or -EINVAL when LIST is malformed or empty.
 */
int hx_harness_parse_cpus(const char *list, cpu_set_t *set);

/*
 * Give the calling thread what H asks for and record the previous state
 * in *SAVED; fill *GRANT (when not NULL; free it with
 * hx_harness_grant_free) with what it has now.  A refusal is not an
 * error: the grant says why.
 */
void hx_harness_enter(const struct hx_harness *h,
    struct hx_harness_saved *saved, struct hx_harness_grant *grant);

/* Give the calling thread back the state SAVED held. */
void hx_harness_leave(const struct hx_harness_saved *saved);

void hx_harness_grant_free(struct hx_harness_grant *grant);

/* The name of a scheduling policy: "other", "fifo", "rr", ... */
const char *hx_harness_policy_name(int policy);

#define HX_HARNESS_UNKNOWN (-1)

/* One CPU's frequency scaling; a value it cannot read is UNKNOWN. */
struct hx_harness_cpu {
	int cpu;
	char *governor;		/* or NULL */
	int64_t cur_khz, min_khz, max_khz;
	char *unknown;		/* why something is unknown, or NULL */
};

/* One thermal zone. */
struct hx_harness_zone {
	char *zone;		/* "thermal_zone0" */
	char *type;		/* or NULL */
	int64_t temp_mc;	/* millidegrees Celsius, or UNKNOWN */
	char *unknown;		/* why something is unknown, or NULL */
};

struct hx_harness_baseline {
	char *sysfs;			/* the root it was read from */
	struct hx_harness_cpu *cpus;
	size_t ncpus;
	char *cpus_unknown;		/* why no CPU was found, or NULL */
	struct hx_harness_zone *zones;
	size_t nzones;
	char *zones_unknown;		/* why no zone was found, or NULL */
	char **notes;			/* warnings for people; NULL-ended */
};

/*
 * Read the baseline from SYSFS (a sysfs root: "/sys", or a tree made for
 * tests): the cpufreq governor and frequencies of each CPU under
 * devices/system/cpu, the type and temperature of each zone under
 * class/thermal, and notes when a governor is not "performance" or the
 * CPUs' current frequencies differ.  Never fails: what cannot be read is
 * unknown, with the reason.
 */
void hx_harness_baseline_read(const char *sysfs,
    struct hx_harness_baseline *b);

void hx_harness_baseline_free(struct hx_harness_baseline *b);

/*
 * Write the baseline B for people to F: each CPU's governor and
 * frequencies, each zone's temperature, what is unknown and why, and the
 * notes; -1 on a write error.
 */
int hx_harness_baseline_write(const struct hx_harness_baseline *b, FILE *f);

#endif
