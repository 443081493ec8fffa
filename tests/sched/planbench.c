/*
 * planbench: time the planner alone, for bench/sched: read an inventory
 * file and a job file (JSON lines) as hx-sched plan would, then run
 * hx_plan_run RUNS times and print the best wall and CPU times in
 * nanoseconds, with how many jobs were placed and refused:
 *	planbench NODES JOBS NOW_NS RUNS
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "rec/hx_job.h"
#include "sched/hx_objects.h"
#include "sched/hx_plan.h"

/* The objects of the JSON lines file PATH; exits when it is bad. */
static void
load(const char *path, struct hx_objects *o, char **text)
{
	size_t len;
	char *m;

	if ((*text = hx_json_read_text(path, &len)) == NULL) {
		perror(path);
		exit(4);
	}
	if (hx_objects_parse(*text, len, "items", o, &m) < 0) {
		fprintf(stderr, "%s:%s\n", path, m);
		exit(3);
	}
}

static int64_t
clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int
main(int argc, char **argv)
{
	struct hx_plan_options opt = { 0 };
	struct hx_objects nodes, jobs;
	struct hx_inventory inv;
	struct hx_job *job;
	struct hx_plan *plan;
	const struct hx_plan_result *res;
	int64_t wall, cpu, best_wall = INT64_MAX, best_cpu = INT64_MAX;
	size_t i, n, placed = 0;
	char *ntext, *jtext, *m;
	int run, runs;

	if (argc != 5) {
		fprintf(stderr, "usage: planbench NODES JOBS NOW_NS RUNS\n");
		return 2;
	}
	opt.now_ns = strtoll(argv[3], NULL, 10);
	runs = atoi(argv[4]);
	load(argv[1], &nodes, &ntext);
	load(argv[2], &jobs, &jtext);
	hx_inventory_init(&inv);
	for (i = 0; i < nodes.n; i++)
		if (hx_inventory_add_record(&inv, nodes.items[i], &m) < 0) {
			fprintf(stderr, "%s:%lu: %s\n", argv[1], nodes.lines[i],
			    m);
			return 3;
		}
	job = hx_xcalloc(jobs.n + 1, sizeof(*job));
	for (i = 0; i < jobs.n; i++)
		if (hx_job_read(jobs.items[i], &job[i], &m) < 0) {
			fprintf(stderr, "%s:%lu: %s\n", argv[2], jobs.lines[i],
			    m);
			return 3;
		}
	for (run = 0; run < runs; run++) {
		wall = clock_ns(CLOCK_MONOTONIC);
		cpu = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
		plan = hx_plan_run(&inv, NULL, job, jobs.n, NULL, 0, &opt);
		wall = clock_ns(CLOCK_MONOTONIC) - wall;
		cpu = clock_ns(CLOCK_PROCESS_CPUTIME_ID) - cpu;
		best_wall = wall < best_wall ? wall : best_wall;
		best_cpu = cpu < best_cpu ? cpu : best_cpu;
		res = hx_plan_results(plan, &n);
		for (i = placed = 0; i < n; i++)
			placed += res[i].placed;
		hx_plan_free(plan);
	}
	printf("%lld %lld %zu %zu\n", (long long)best_wall,
	    (long long)best_cpu, placed, jobs.n - placed);
	for (i = 0; i < jobs.n; i++)
		hx_job_clear(&job[i]);
	free(job);
	hx_inventory_clear(&inv);
	hx_objects_clear(&nodes);
	hx_objects_clear(&jobs);
	free(ntext);
	free(jtext);
	return 0;
}
