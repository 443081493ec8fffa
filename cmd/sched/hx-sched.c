/*
 * hx-sched: place hardware-in-the-loop jobs on labelled nodes.
 *
 * Three subcommands: inventory writes node records (this machine, Slurm
 * or Kubernetes), plan reads job records and writes placement records
 * (and runs them here or hands them to Kubernetes or GitLab), health
 * checks the nodes and drains the failing ones.  hx-sched decides;
 * engines run.  The planner is lib/sched/hx_plan; this file holds what
 * the subcommands share.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hx_file.h"
#include "hx_spawn.h"
#include "rec/hx_error.h"
#include "rec/hx_rec.h"
#include "sched/hx_objects.h"
#include "sched/hx_reservation.h"
#include "sched.h"

void
sched_usage(void)
{
	printf("Usage: hx-sched inventory [-h] [--from SOURCE [FILE]] "
	    "[--inventory FILE] [--proc DIR]\n"
	    "       hx-sched plan [-hkv] [--inventory FILE] [--reservations "
	    "FILE] [--now T]\n"
	    "                [--half-life D] [--share TEAM=WEIGHT] "
	    "[--quarantine FILE]\n"
	    "                [--exec local | --emit k8s DIR | --emit gitlab "
	    "FILE]\n"
	    "                [--emit slurm DIR [--submit] [--partition P=NAME] "
	    "[--qos P=NAME]]\n"
	    "                [--kueue QUEUE] [--image IMAGE] [--state DIR] "
	    "[FILE]...\n"
	    "       hx-sched health [-h] [--inventory FILE] [--drain-after "
	    "N] [--state DIR]\n"
	    "                [--timeout D] [--now T] [--proc DIR] [--manifest "
	    "FILE]\n"
	    "                [--sys DIR] [--modules-root DIR] [FILE]...\n"
	    "       hx-sched -V | --version\n"
	    "Place jobs on labelled nodes: node records in, job records in, "
	    "placement\n"
	    "records out; run them here, or hand them to Kubernetes or "
	    "GitLab.\n"
	    "\n"
	    "Options:\n"
	    "  -h, --help            show this help and exit\n"
	    "  -k, --keep-going      plan: bad job records become error "
	    "records\n"
	    "  -V, --version         show the version and exit\n"
	    "  -v, --verbose         plan: with --exec or --submit, print "
	    "each job as it\n"
	    "                        starts and ends\n"
	    "      --drain-after N   health: drain a node after N failed "
	    "checks in a row (3)\n"
	    "      --emit KIND DEST  plan: write k8s manifests or slurm sbatch "
	    "scripts to the\n"
	    "                        directory DEST, or a gitlab CI snippet "
	    "to the file DEST\n"
	    "      --exec local      plan: run the placed jobs on this "
	    "machine\n"
	    "      --from SOURCE     inventory: local, slurm, or sinfo-json, "
	    "scontrol or\n"
	    "                        kubectl with the FILE of their output\n"
	    "      --half-life D     plan: fair-share usage half-life "
	    "(default 7d)\n"
	    "      --image IMAGE     plan: the container image of k8s "
	    "manifests\n"
	    "      --inventory FILE  node records to add to the inventory\n"
	    "      --kueue QUEUE     plan: k8s jobs suspended in the Kueue "
	    "queue QUEUE\n"
	    "      --manifest FILE   health: quarantine local nodes that "
	    "differ from the\n"
	    "                        pinned node manifest FILE\n"
	    "      --modules-root DIR  health: modinfo -b DIR, not /\n"
	    "      --now T           the time to plan from (RFC 3339 or ns)\n"
	    "      --partition P=NAME  plan: Slurm partition of jobs of "
	    "priority P and up\n"
	    "      --proc DIR        read this machine's facts from DIR, "
	    "not /proc\n"
	    "      --qos P=NAME      plan: Slurm QOS of jobs of priority P "
	    "and up\n"
	    "      --quarantine FILE plan: never place jobs running the "
	    "tests FILE lists\n"
	    "      --reservations FILE  plan: reservation windows per team\n"
	    "      --share TEAM=WEIGHT  plan: a team's fair-share weight "
	    "(default 1)\n"
	    "      --state DIR       health history and run directories "
	    "(default\n"
	    "                        $XDG_STATE_HOME/hx/sched)\n"
	    "      --sys DIR         health: read this machine's facts "
	    "from DIR, not /sys\n"
	    "      --submit          plan: with --emit slurm, submit the "
	    "scripts, wait, and\n"
	    "                        write what became of each job\n"
	    "      --timeout D       health: how long a check may take "
	    "(default 60s)\n"
	    "\n"
	    "With --exec or --submit on a terminal, the jobs done, running "
	    "and failed\n"
	    "show on one updating line of standard error.\n"
	    "\n"
	    "Exit status: 0 ok, 1 a job cannot be placed or failed, 2 usage, "
	    "3 bad input,\n"
	    "4 system failure.\n");
}

int64_t
sched_time_arg(const char *opt, const char *s)
{
	char *end;
	long long v;
	int64_t ns;

	if (hx_reservation_time(s, &ns) < 0) {
		errno = 0;
		v = strtoll(s, &end, 10);
		if (errno != 0 || end == s || *end != '\0' || v < 0)
			hx_usage_error("%s: not an RFC 3339 time or "
			    "nanoseconds: %s", opt, s);
		ns = v;
	}
	if (ns < 0 || ns >= HX_JOB_TIME_LIMIT)
		hx_usage_error("%s: %s is out of range (below 2^62 ns)", opt,
		    s);
	return ns;
}

int64_t
sched_duration_arg(const char *opt, const char *s)
{
	static const struct {
		const char *suffix;
		double ns;
	} units[] = {
		{ "", 1 }, { "ns", 1 }, { "s", 1e9 }, { "m", 60e9 },
		{ "h", 3600e9 }, { "d", 86400e9 },
	};
	char *end;
	double v;
	size_t i;

	v = strtod(s, &end);
	if (end != s && v > 0)
		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (strcmp(end, units[i].suffix) == 0 &&
			    v * units[i].ns < 9e18)
				return (int64_t)(v * units[i].ns);
	hx_usage_error("%s: not a duration such as 30s, 10m, 7d or "
	    "nanoseconds: %s", opt, s);
}

void
sched_flush(void)
{
	struct hx_err_info err;

	if (hx_rec_finish(NULL, &err) < 0) {
		hx_spawn_stop_wait();
		hx_err_exit(&err);
	}
}

void
sched_emit(json_t *rec)
{
	struct hx_err_info err;

	if (hx_rec_emit(rec) < 0 && hx_rec_finish(NULL, &err) < 0) {
		/* Output stopped by a stopping signal: its end, quietly. */
		hx_spawn_stop_wait();
		hx_err_exit(&err);
	}
	json_decref(rec);
}

void
sched_error_record(const char *file, unsigned long line,
    const char *message)
{
	struct hx_error e = { hx_err_progname(), file, line, 0, message };

	sched_emit(hx_error_to_json(&e));
}

char *
sched_state_dir(const char *dir)
{
	const char *v;
	char *path;

	if (dir != NULL)
		path = hx_xstrdup(dir);
	else if ((v = getenv("XDG_STATE_HOME")) != NULL && *v == '/')
		path = hx_xasprintf("%s/hx/sched", v);
	else if ((v = getenv("HOME")) != NULL && *v == '/')
		path = hx_xasprintf("%s/.local/state/hx/sched", v);
	else
		hx_err(HX_EXIT_SYSTEM, "no state directory: set "
		    "XDG_STATE_HOME or HOME, or give --state");
	if (hx_file_mkdir_p(path, 0700) < 0)
		hx_err_errno(HX_EXIT_SYSTEM, "%s", path);
	return path;
}

/* Read the whole file at PATH ("-": standard input); exits on failure. */
static char *
slurp(const char *path, size_t *len)
{
	char *text;

	if ((text = hx_json_read_text(strcmp(path, "-") == 0 ? "/dev/stdin" :
	    path, len)) == NULL)
		hx_err_errno(HX_EXIT_SYSTEM, "%s", path);
	return text;
}

/* Parse a whole JSON document from PATH; exits 3 with where it is bad. */
static json_t *
document(const char *path)
{
	struct hx_json_error err;
	size_t len;
	char *text = slurp(path, &len);
	json_t *doc = hx_json_parse(text, len, &err);

	free(text);
	if (doc == NULL)
		hx_err(HX_EXIT_INPUT, "%s:%d:%d: %s", path, err.line,
		    err.column, err.text);
	return doc;
}

/* Add the node records of the inventory file PATH. */
static void
read_inventory_file(struct hx_inventory *inv, const char *path)
{
	struct hx_objects objs;
	size_t len, i;
	char *text = slurp(path, &len), *m;

	if (hx_objects_parse(text, len, "nodes", &objs, &m) < 0)
		hx_err(HX_EXIT_INPUT, "%s:%s", path, m);
	for (i = 0; i < objs.n; i++)
		if (hx_inventory_add_record(inv, objs.items[i], &m) < 0)
			hx_err(HX_EXIT_INPUT, "%s:%lu: %s", path,
			    objs.lines[i], m);
	hx_objects_clear(&objs);
	free(text);
}

/* Run a Slurm command and return its output; exits 4 when it fails. */
static char *
run_slurm(char *const *argv)
{
	struct hx_spawn spec = { .argv = argv, .capture = true,
	    .tail_max = 64 << 20, .timeout_ns = 60000000000LL };
	struct hx_spawn_result r;
	char *out;
	int e;

	if ((e = hx_spawn_run(&spec, &r)) != 0)
		hx_err(HX_EXIT_SYSTEM, "%s: %s", argv[0], strerror(e));
	if (!r.exited || r.status != 0 || r.out_truncated) {
		hx_spawn_result_free(&r);
		hx_err(HX_EXIT_SYSTEM, "%s failed: %.200s", argv[0], r.err);
	}
	out = hx_xstrdup(r.out);
	hx_spawn_result_free(&r);
	return out;
}

void
sched_read_nodes(struct hx_inventory *inv, const struct sched_source *src,
    bool local_default)
{
	const char *from = src->from;
	char *sinfo[] = { "sinfo", "--json", NULL }, *text, *m = NULL;
	size_t len;
	json_t *doc;
	int rc = 0;

	if (src->inventory != NULL)
		read_inventory_file(inv, src->inventory);
	if (from == NULL && (!local_default || src->inventory != NULL))
		return;
	if (from == NULL || strcmp(from, "local") == 0)
		rc = hx_inventory_add_local(inv, src->proc, &m);
	else if (strcmp(from, "slurm") == 0) {
		text = run_slurm(sinfo);
		doc = hx_json_parse(text, strlen(text), NULL);
		free(text);
		if (doc == NULL)
			hx_err(HX_EXIT_SYSTEM, "sinfo --json wrote no JSON");
		rc = hx_inventory_add_sinfo(inv, doc, &m);
		json_decref(doc);
	} else if (strcmp(from, "sinfo-json") == 0) {
		doc = document(src->path);
		rc = hx_inventory_add_sinfo(inv, doc, &m);
		json_decref(doc);
	} else if (strcmp(from, "kubectl") == 0) {
		doc = document(src->path);
		rc = hx_inventory_add_kubectl(inv, doc, &m);
		json_decref(doc);
	} else {
		text = slurp(src->path, &len);
		rc = hx_inventory_add_scontrol(inv, text, &m);
		free(text);
	}
	if (rc < 0)
		hx_err(HX_EXIT_INPUT, "%s:%s%s", src->path != NULL ?
		    src->path : from != NULL ? from : "local", from != NULL &&
		    strcmp(from, "scontrol") == 0 ? "" : " ", m);
}

void
sched_read_stream(struct hx_rec_loop *loop, int argc, char **argv,
    struct hx_inventory *inv, const struct sched_source *src)
{
	struct hx_err_info err;
	char *m;

	if (hx_rec_loop_run(loop, argc, argv) < 0) {
		hx_rec_finish(loop, &err);
		hx_err_exit(&err);
	}
	sched_read_nodes(inv, src, inv->n == 0);
	if (hx_inventory_check(inv, &m) < 0) {
		sched_flush();
		hx_err(HX_EXIT_INPUT, "%s", m);
	}
}

int
main(int argc, char **argv)
{
	hx_rec_init(argv[0]);
	if (argc < 2)
		hx_usage_error("expected a subcommand: inventory, plan or "
		    "health");
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		sched_usage();
		hx_err_close_stdout();
		return HX_EXIT_OK;
	}
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("hx-sched %s\n", PACKAGE_VERSION);
		hx_err_close_stdout();
		return HX_EXIT_OK;
	}
	if (strcmp(argv[1], "inventory") == 0)
		return sched_inventory(argc - 1, argv + 1);
	if (strcmp(argv[1], "plan") == 0)
		return sched_plan(argc - 1, argv + 1);
	if (strcmp(argv[1], "health") == 0)
		return sched_health(argc - 1, argv + 1);
	hx_usage_error("unknown subcommand: %s", argv[1]);
}
