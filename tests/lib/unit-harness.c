/*
 * unit-harness: CPU lists in taskset's syntax, and a child started with
 * a harness gets the CPUs asked for while the thread that started it
 * gets its own back.
 */
#include "config.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hx_harness.h"
#include "hx_spawn.h"
#include "../tap.h"

/* LIST parses to exactly the CPUs of WANT, a -1-ended array. */
static void
parses(const char *list, const int *want)
{
	cpu_set_t set, expect;
	int i;

	CPU_ZERO(&expect);
	for (i = 0; want[i] >= 0; i++)
		CPU_SET((size_t)want[i], &expect);
	tap_ok(hx_harness_parse_cpus(list, &set) == 0 &&
	    CPU_EQUAL(&set, &expect), "\"%s\" parses", list);
}

static void
refused(const char *list)
{
	cpu_set_t set;

	tap_ok(hx_harness_parse_cpus(list, &set) == -EINVAL,
	    "\"%s\" is refused", list);
}

int
main(void)
{
	static const int one[] = { 3, -1 }, list[] = { 0, 2, 3, 5, -1 },
	    stride[] = { 0, 2, 4, 6, 7, -1 };
	char *argv[] = { (char *)"sh", (char *)"-c",
	    (char *)"grep Cpus_allowed_list /proc/self/status", NULL };
	struct hx_spawn spec = { 0 };
	struct hx_spawn_result res;
	struct hx_harness h = { 0 };
	struct hx_harness_saved saved;
	struct hx_harness_grant grant;
	cpu_set_t before, after;
	char want[64];
	int cpu = (int)sysconf(_SC_NPROCESSORS_ONLN) - 1;

	parses("3", one);
	parses("0,2-3,5", list);
	parses("0-6:2,7", stride);
	refused("");
	refused("a");
	refused("1,");
	refused("3-1");
	refused("0-4:0");
	refused("1024");
	refused("-1");

	/* The grant names the CPUs the thread has now. */
	h.pin = true;
	CPU_ZERO(&h.cpus);
	CPU_SET((size_t)cpu, &h.cpus);
	sched_getaffinity(0, sizeof(before), &before);
	hx_harness_enter(&h, &saved, &grant);
	snprintf(want, sizeof(want), "%d", cpu);
	tap_is(grant.cpus, want, "the grant is the CPU asked for");
	tap_ok(grant.cpus_errno == 0, "  without an error");
	hx_harness_leave(&saved);
	hx_harness_grant_free(&grant);
	sched_getaffinity(0, sizeof(after), &after);
	tap_ok(CPU_EQUAL(&before, &after), "leaving gives the CPUs back");

	/* A child started with the harness is pinned; this thread is not. */
	spec.argv = argv;
	spec.capture = true;
	spec.harness = &h;
	tap_ok(hx_spawn_run(&spec, &res) == 0 && res.exited &&
	    res.status == 0, "the child ran");
	snprintf(want, sizeof(want), "Cpus_allowed_list:\t%d\n", cpu);
	tap_is(res.out, want, "  on the CPU asked for");
	hx_spawn_result_free(&res);
	sched_getaffinity(0, sizeof(after), &after);
	tap_ok(CPU_EQUAL(&before, &after), "  and the parent is not pinned");

	/* A CPU that is not there: the error, and nothing changes. */
	CPU_ZERO(&h.cpus);
	CPU_SET(1000, &h.cpus);
	hx_harness_enter(&h, &saved, &grant);
	tap_ok(grant.cpus_errno == EINVAL, "a missing CPU: EINVAL");
	hx_harness_leave(&saved);
	hx_harness_grant_free(&grant);
	sched_getaffinity(0, sizeof(after), &after);
	tap_ok(CPU_EQUAL(&before, &after), "  and the CPUs are unchanged");
	tap_is(hx_harness_policy_name(SCHED_FIFO), "fifo", "SCHED_FIFO is fifo");
	return tap_done();
}
