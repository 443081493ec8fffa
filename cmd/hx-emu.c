/*
 * hx-emu: run the test artifacts of a record stream under QEMU user mode
 * (or natively), in parallel, with timeouts, retries, repeats and exact
 * instruction counts, and write a test record for each run.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hx_err.h"
#include "hx_file.h"
#include "hx_harness.h"
#include "hx_pool.h"
#include "hx_progress.h"
#include "hx_spawn.h"
#include "rec/hx_artifact.h"
#include "rec/hx_env.h"
#include "rec/hx_error.h"
#include "rec/hx_quarantine.h"
#include "rec/hx_rec.h"
#include "rec/hx_sample.h"
#include "rec/hx_test.h"
#include "rec/hx_writer.h"
#include "report/hx_junit.h"
#include "report/hx_junit_run.h"
#include "emu/hx_emu.h"
#include "emu/hx_qemu.h"
#include "emu/hx_stub.h"

#define DEFAULT_TIMEOUT_NS (300LL * 1000000000LL)
#define DEFAULT_TAIL 4096

/* One artifact to run, and where its records go in the output. */
struct job {
	struct hx_emu_test *test;
	struct hx_writer_slot *slot;
	struct hx_outcome outcome;
};

/* What the run shares: options, the pool, and the totals, in input order. */
struct emu {
	struct hx_emu_options opt;
	const char **run_patterns;
	size_t nrun_patterns;
	const char *changed_since;	/* --changed-since REV, or NULL */
	bool warned_unmarked;		/* said an artifact has no affected */
	struct hx_pool *pool;
	size_t window;			/* jobs in flight at most */
	bool failed;			/* missing machinery: stop */
	struct hx_err_info error;	/* which */
	unsigned long tests, passed, failed_tests, skipped, quarantined;
	unsigned long errors;
	char *first_error;		/* the message of the first of them */
	struct hx_junit *junit;
};

/* The directory of count files: removed at exit and on a signal. */
static char *tmpdir;

/* The stub service of --gpu-stub: stopped at exit and on a signal. */
static struct hx_stub stub;

static void
usage(void)
{
	printf("Usage: hx-emu [-chkVv] [-j N] [-t DURATION] [-r N] [-n N] "
	    "[-q FILE] [-J FILE]\n"
	    "              [-R PATTERN]... [-L DIR] [--cpu MODEL] "
	    "[--tail BYTES]\n"
	    "              [--gpu-stub[=ADDR]] [--setenv NAME=VALUE]... "
	    "[--changed-since REV]\n"
	    "              [--cpus LIST] [--rt PRIO] [--env FILE] "
	    "[--sysfs DIR] [FILE]...\n"
	    "Run the test artifacts of a record stream under QEMU user mode, "
	    "or natively\n"
	    "when they are built for this machine, and write a test record "
	    "for each run.\n"
	    "Records of other types pass through; output keeps the input "
	    "order.\n"
	    "\n"
	    "Options:\n"
	    "      --changed-since REV skip tests no file changed since REV "
	    "feeds (the\n"
	    "                          affected mark of hx-build "
	    "--changed-since REV)\n"
	    "  -c, --count             samples count guest instructions (insns), "
	    "not ns\n"
	    "      --cpu MODEL         QEMU's -cpu for every test, over the "
	    "toolchain's\n"
	    "      --cpus LIST         pin every test to the CPUs of LIST "
	    "(as taskset -c)\n"
	    "      --env FILE          write the run's env record (machine, "
	    "harness) to FILE\n"
	    "      --gpu-stub[=ADDR]   give every test HX_OFFLOAD: a cpu "
	    "hx-offload started\n"
	    "                          for the run, or the service at ADDR\n"
	    "  -h, --help              show this help and exit\n"
	    "  -J, --junit FILE        write a JUnit XML report to FILE\n"
	    "  -j, --jobs N            run N tests at a time (default: the "
	    "online CPUs)\n"
	    "  -k, --keep-going        turn bad input lines into error "
	    "records and go on\n"
	    "  -L, --sysroot DIR       QEMU's -L for every test, over the "
	    "toolchain's\n"
	    "  -n, --repeat N          run each test N times; a sample "
	    "per passed run\n"
	    "  -q, --quarantine FILE   failures of the tests FILE names do "
	    "not fail the run\n"
	    "  -R, --run PATTERN       also run exe artifacts whose name "
	    "matches PATTERN\n"
	    "      --rt PRIO           run every test with SCHED_FIFO "
	    "priority PRIO if allowed\n"
	    "  -r, --retries N         run a failed test up to N more times "
	    "(flaky if it passes)\n"
	    "      --setenv NAME=VALUE set NAME in every test's environment, "
	    "over the\n"
	    "                          artifact's\n"
	    "      --sysfs DIR         read frequencies and temperatures "
	    "under DIR, not /sys\n"
	    "  -t, --timeout DURATION  kill a run after DURATION (default "
	    "300s; 0: never)\n"
	    "      --tail BYTES        output kept in records (default "
	    "4096)\n"
	    "  -V, --version           show the version and exit\n"
	    "  -v, --verbose           print a line as each run starts and "
	    "ends\n"
	    "\n"
	    "On a terminal, the runs done, running and failed and the time "
	    "left show on\n"
	    "one updating line of standard error.\n"
	    "\n"
	    "Exit status: 0 every test passed, 1 a test failed, 2 usage, 3 "
	    "bad input,\n"
	    "4 missing QEMU, sysroot, plugin or hx-offload, or an "
	    "artifact that could\n"
	    "not run.\n");
}

/* A duration: a number of seconds, or with a unit ms, s, m or h. */
static int64_t
duration_arg(const char *arg)
{
	static const struct { const char *unit; double ns; } units[] = {
		{ "", 1e9 }, { "ms", 1e6 }, { "s", 1e9 }, { "m", 60e9 },
		{ "h", 3600e9 },
	};
	char *end;
	double value;
	size_t i;

	errno = 0;
	value = strtod(arg, &end);
	if (errno == 0 && end != arg && value >= 0 && isfinite(value))
		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (strcmp(end, units[i].unit) == 0 &&
			    value * units[i].ns < 9e18)
				return (int64_t)(value * units[i].ns);
	hx_usage_error("--timeout: expected a duration such as 30, 1.5s, "
	    "500ms or 2m: %s", arg);
}

/*
 * Add the variable of --setenv ARG, NAME=VALUE, to OPT; a later one of the
 * same name replaces it.
 */
static void
env_arg(struct hx_emu_options *opt, const char *arg)
{
	const char *eq = strchr(arg, '=');

	if (eq == NULL || eq == arg)
		hx_usage_error("--setenv: expected NAME=VALUE: %s", arg);
	opt->env = hx_xgrow(opt->env, opt->nenv, sizeof(*opt->env));
	opt->env[opt->nenv].name = hx_xasprintf("%.*s", (int)(eq - arg),
	    arg);
	opt->env[opt->nenv].value = hx_xstrdup(eq + 1);
	opt->nenv++;
}

/* Remove the private directory: count files, sysroot views, leftovers. */
static void
remove_tmpdir(void)
{
	if (tmpdir != NULL)
		hx_file_remove_tree(tmpdir);
}

/* The private directory, removed at exit (hx_stub_tmpdir). */
static void
setup_tmpdir(struct hx_emu_options *opt)
{
	struct hx_err_info err;

	if ((tmpdir = hx_stub_tmpdir(&err)) == NULL)
		hx_err_exit(&err);
	atexit(remove_tmpdir);
	opt->tmpdir = tmpdir;
}

static void
warn_line(const char *line)
{
	hx_warn("%s", line);
}

/* Stop the stub service, if one runs, reporting nothing. */
static void
stop_stub(void)
{
	struct hx_err_info ignored;

	hx_stub_stop(&stub, &ignored);
}

/* On a stopping signal: stop the stub, then remove the private files. */
static void
cleanup(void)
{
	stop_stub();
	remove_tmpdir();
}

/* Start the stub of --gpu-stub, listening in the private directory. */
static void
setup_stub(struct hx_emu_options *opt)
{
	struct hx_err_info err;

	atexit(stop_stub);
	if (hx_stub_start(&stub, tmpdir, &err) < 0)
		hx_err_exit(&err);
	opt->offload = stub.address;
}

/* Set up counting: the plugin. */
static void
setup_count(struct hx_emu_options *opt)
{
	opt->plugin = hx_qemu_find_plugin();
	if (access(opt->plugin, R_OK) != 0)
		hx_err(HX_EXIT_SYSTEM, "the instruction-counting plugin %s: %s "
		    "(reinstall hx, hx doctor says where it looks, or set "
		    "HX_PLUGIN)", opt->plugin,
		    strerror(errno));
	if (strchr(opt->plugin, ',') != NULL || strchr(tmpdir, ',') != NULL)
		hx_err(HX_EXIT_SYSTEM, "QEMU cannot take a plugin path with a "
		    "comma: %s or %s", opt->plugin, tmpdir);
}

/* Whether ART is to run: a test, or an exe --run names. */
static bool
selected(const struct emu *emu, const struct hx_artifact *art)
{
	size_t i;

	if (!art->ok || art->kind == HX_ARTIFACT_LIB)
		return false;
	if (art->kind == HX_ARTIFACT_TEST)
		return true;
	for (i = 0; i < emu->nrun_patterns; i++)
		if (fnmatch(emu->run_patterns[i], art->name, 0) == 0)
			return true;
	return false;
}

/* On a stopping signal: what the killed runs give is not reported. */
static void
stop_output(void)
{
	hx_writer_fail(hx_rec_out(), ECANCELED);
}

/* Write RECORD, a new reference, into SLOT. */
static void
slot_put(struct hx_writer_slot *slot, json_t *record)
{
	hx_writer_slot_record(slot, record);
	json_decref(record);
}

/* Run a job on a worker thread and fill its place in the output. */
static void
run_job(void *arg, void *unused)
{
	struct job *job = arg;
	struct hx_outcome *out = &job->outcome;
	struct hx_error error = { 0 };
	size_t i;

	/* Output that cannot be written: no run is worth starting. */
	if (hx_writer_error(hx_rec_out()) != 0) {
		memset(out, 0, sizeof(*out));
		hx_writer_slot_done(job->slot);
		return;
	}
	hx_emu_run(job->test, out);
	if (out->error != NULL) {
		error.program = hx_err_progname();
		error.file = job->test->artifact;
		error.message = out->error;
		slot_put(job->slot, hx_error_to_json(&error));
	}
	for (i = 0; i < out->ntests; i++)
		slot_put(job->slot, hx_test_to_json(&out->tests[i]));
	for (i = 0; i < out->nsamples; i++)
		slot_put(job->slot, hx_sample_to_json(&out->samples[i]));
	hx_writer_slot_done(job->slot);
	/* Nobody reads the output any more: end the runs still going. */
	if (hx_writer_error(hx_rec_out()) != 0)
		hx_spawn_kill_all();
}

static void finish_job(struct emu *emu, struct job *job);

/* Finish the jobs that are done, in input order; with WAIT, all of them. */
static void
reap_jobs(struct emu *emu, bool wait)
{
	struct job *job;

	while ((job = hx_pool_reap(emu->pool, wait ||
	    hx_pool_pending(emu->pool) >= emu->window)) != NULL)
		finish_job(emu, job);
}

/*
 * With --changed-since: whether ART is unaffected by the change set, as
 * hx-build marked it; then its test record says skip, with the reason,
 * in its place in the output.  An artifact without the mark runs.
 */
static bool
skip_unchanged(struct emu *emu, struct hx_record *rec,
    const struct hx_artifact *art)
{
	struct hx_writer_slot *slot;
	struct hx_test t;
	char *reason;

	if (emu->changed_since == NULL)
		return false;
	if (art->affected < 0) {
		if (!emu->warned_unmarked)
			hx_warn("--changed-since: %s has no affected mark, so "
			    "it runs (build with hx-build --changed-since %s)",
			    art->name, emu->changed_since);
		emu->warned_unmarked = true;
		return false;
	}
	if (art->affected)
		return false;
	hx_rec_pass(rec);
	reason = hx_xasprintf("no file changed since %s feeds it",
	    emu->changed_since);
	hx_test_init(&t);
	t.name = art->name;
	t.artifact = art->path;
	t.status = HX_STATUS_SKIP;
	t.directive = t.message = reason;
	slot = hx_writer_reserve(hx_rec_out());
	slot_put(slot, hx_test_to_json(&t));
	hx_writer_slot_done(slot);
	emu->tests++;
	emu->skipped++;
	if (emu->junit != NULL)
		hx_junit_run_skip(emu->junit, art->name, reason);
	free(reason);
	return true;
}

static int
on_artifact(struct hx_record *rec, void *arg)
{
	struct emu *emu = arg;
	struct hx_artifact art;
	struct hx_emu_test *test;
	json_t *json = hx_rec_json(rec);
	struct job *job;
	char *message;

	if (json == NULL)
		return 0;
	if (hx_artifact_read(json, &art, &message) < 0) {
		hx_rec_bad(rec, "%s", message);
		free(message);
		return 0;
	}
	if (!selected(emu, &art)) {
		hx_artifact_clear(&art);
		hx_rec_pass(rec);
		return 0;
	}
	if (skip_unchanged(emu, rec, &art)) {
		hx_artifact_clear(&art);
		return 0;
	}
	test = hx_emu_prepare(&art, &emu->opt, &emu->error);
	hx_artifact_clear(&art);
	if (test == NULL) {
		/*
		 * Missing machinery: no later test can run either.  What came
		 * before this record goes out; the message names its cause.
		 */
		emu->failed = true;
		return 1;
	}
	hx_rec_pass(rec);
	job = hx_xcalloc(1, sizeof(*job));
	job->test = test;
	job->slot = hx_writer_reserve(hx_rec_out());
	/* A run per repetition; one step for a test that cannot run. */
	hx_progress_add(emu->opt.progress, test->error != NULL ? 1 :
	    (size_t)emu->opt.repeat);
	hx_pool_submit(emu->pool, job);
	reap_jobs(emu, false);
	return 0;
}

/* On the main thread, in input order: count from the results, report, free. */
static void
finish_job(struct emu *emu, struct job *job)
{
	const struct hx_outcome *out = &job->outcome;
	struct hx_emu_test *test = job->test;
	const struct hx_test *t;
	size_t i;

	if (out->error != NULL && emu->errors++ == 0)
		emu->first_error = hx_xstrdup(out->error);
	for (i = 0; i < out->ntests; i++) {
		t = &out->tests[i];
		emu->tests++;
		if (hx_test_failed(t))
			emu->failed_tests++;
		else if (t->status == HX_STATUS_PASS)
			emu->passed++;
		else if (t->status == HX_STATUS_SKIP)
			emu->skipped++;
		else
			emu->quarantined++;
	}
	if (emu->junit != NULL)
		hx_junit_run_add(emu->junit, test->name, out->error,
		    out->tests, out->ntests);
	hx_outcome_free(&job->outcome);
	hx_emu_test_free(test);
	free(job);
}

int
main(int argc, char **argv)
{
	enum { OPT_CHANGED_SINCE = 256, OPT_CPUS, OPT_ENV, OPT_RT, OPT_SETENV,
	    OPT_SYSFS };
	static const struct option longopts[] = {
		{ "changed-since", required_argument, NULL,
		    OPT_CHANGED_SINCE },
		{ "count", no_argument, NULL, 'c' },
		{ "cpu", required_argument, NULL, 'C' },
		{ "cpus", required_argument, NULL, OPT_CPUS },
		{ "env", required_argument, NULL, OPT_ENV },
		{ "gpu-stub", optional_argument, NULL, 'G' },
		{ "help", no_argument, NULL, 'h' },
		{ "junit", required_argument, NULL, 'J' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "keep-going", no_argument, NULL, 'k' },
		{ "sysroot", required_argument, NULL, 'L' },
		{ "repeat", required_argument, NULL, 'n' },
		{ "quarantine", required_argument, NULL, 'q' },
		{ "run", required_argument, NULL, 'R' },
		{ "retries", required_argument, NULL, 'r' },
		{ "rt", required_argument, NULL, OPT_RT },
		{ "setenv", required_argument, NULL, OPT_SETENV },
		{ "sysfs", required_argument, NULL, OPT_SYSFS },
		{ "timeout", required_argument, NULL, 't' },
		{ "tail", required_argument, NULL, 'T' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *consume[] = { "artifact", NULL };
	static struct emu emu;
	struct hx_err_info err;
	struct hx_rec_loop loop = { .warn = hx_err_warn };
	const char *junit_path = NULL, *quarantine_path = NULL;
	const char *cpus = NULL, *env_path = NULL, *sysfs = NULL;
	static struct hx_harness harness;
	bool gpu_stub = false, verbose = false;
	struct hx_quarantine *quarantine = NULL;
	long jobs = sysconf(_SC_NPROCESSORS_ONLN);
	struct stat st;
	int c, status;

	hx_rec_init(argv[0]);
	emu.opt.timeout_ns = DEFAULT_TIMEOUT_NS;
	emu.opt.repeat = 1;
	emu.opt.tail = DEFAULT_TAIL;
	emu.run_patterns = hx_xcalloc((size_t)argc,
	    sizeof(*emu.run_patterns));
	while ((c = getopt_long(argc, argv, "chJ:j:kL:n:q:R:r:t:Vv", longopts,
	    NULL)) != -1) {
		switch (c) {
		case OPT_CHANGED_SINCE:
			emu.changed_since = optarg;
			break;
		case OPT_CPUS:
			cpus = optarg;
			if (hx_harness_parse_cpus(cpus, &harness.cpus) < 0)
				hx_usage_error("--cpus: expected a CPU list "
				    "such as 0,2-3: %s", cpus);
			harness.pin = true;
			break;
		case OPT_ENV:
			env_path = optarg;
			break;
		case OPT_RT:
			harness.rt_priority = (int)hx_usage_uint(optarg,
			    "--rt", 1, 99);
			break;
		case OPT_SYSFS:
			sysfs = optarg;
			break;
		case 'c':
			emu.opt.count = true;
			break;
		case OPT_SETENV:
			env_arg(&emu.opt, optarg);
			break;
		case 'h':
			usage();
			hx_err_close_stdout();
			return HX_EXIT_OK;
		case 'J':
			junit_path = optarg;
			break;
		case 'j':
			jobs = (long)hx_usage_uint(optarg, "--jobs", 1, 1024);
			break;
		case 'k':
			loop.keep_going = true;
			break;
		case 'L':
			emu.opt.sysroot = optarg;
			break;
		case 'n':
			emu.opt.repeat = (int)hx_usage_uint(optarg,
			    "--repeat", 1, 1000000);
			break;
		case 'q':
			quarantine_path = optarg;
			break;
		case 'R':
			emu.run_patterns[emu.nrun_patterns++] = optarg;
			break;
		case 'r':
			emu.opt.retries = (int)hx_usage_uint(optarg,
			    "--retries", 0, 1000);
			break;
		case 't':
			emu.opt.timeout_ns = duration_arg(optarg);
			break;
		case 'C':
			emu.opt.cpu = optarg;
			break;
		case 'G':
			gpu_stub = true;
			if (optarg != NULL && *optarg == '\0')
				hx_usage_error("--gpu-stub=: expected an "
				    "address");
			emu.opt.offload = optarg;
			break;
		case 'T':
			emu.opt.tail = (size_t)hx_usage_uint(optarg,
			    "--tail", 0, 1024 * 1024);
			break;
		case 'V':
			printf("hx-emu %s\n", PACKAGE_VERSION);
			hx_err_close_stdout();
			return HX_EXIT_OK;
		case 'v':
			verbose = true;
			break;
		default:
			hx_usage_error("bad option");
		}
	}
	argc -= optind;
	argv += optind;
	if (jobs < 1)
		jobs = 1;

	if (quarantine_path != NULL) {
		quarantine = hx_quarantine_new();
		if (hx_quarantine_add_file(quarantine, quarantine_path,
		    &err) < 0)
			hx_err_exit(&err);
		emu.opt.quarantine = quarantine;
	}
	if (cpus != NULL || harness.rt_priority > 0 || env_path != NULL ||
	    sysfs != NULL) {
		if (hx_env_run_prepare(&harness, cpus, sysfs != NULL ? sysfs :
		    "/sys", env_path, warn_line, &err) < 0)
			hx_err_exit(&err);
		emu.opt.harness = &harness;
	}
	setup_tmpdir(&emu.opt);
	if (emu.opt.count)
		setup_count(&emu.opt);
	/* The report replaces its file: never a device such as /dev/null. */
	if (junit_path != NULL && stat(junit_path, &st) == 0 &&
	    !S_ISREG(st.st_mode))
		hx_usage_error("--junit: %s is not a regular file", junit_path);
	if (junit_path != NULL)
		emu.junit = hx_junit_new("hx-emu");

	/*
	 * A signal stops the output, kills the runs' process groups and
	 * removes the private files.
	 */
	if (hx_spawn_stop_on_signals(stop_output, cleanup, &err) < 0)
		hx_err_exit(&err);
	if (gpu_stub && emu.opt.offload == NULL)
		setup_stub(&emu.opt);
	emu.opt.progress = hx_progress_new("hx-emu", STDERR_FILENO, verbose);
	emu.window = (size_t)jobs * 16 + 64;
	if ((emu.pool = hx_pool_new((int)jobs, run_job, NULL, &err)) == NULL)
		hx_err_exit(&err);
	loop.consume = consume;
	loop.fn = on_artifact;
	loop.arg = &emu;
	hx_rec_loop_run(&loop, argc, argv);
	hx_progress_close(emu.opt.progress);
	/* Nothing can be written any more: stop the runs. */
	if (hx_writer_error(hx_rec_out()) != 0)
		hx_spawn_kill_all();
	/* Every record read so far goes out, in order, before any exit. */
	reap_jobs(&emu, true);
	hx_pool_free(emu.pool);
	hx_progress_free(emu.opt.progress);
	hx_spawn_stop_wait();
	if (hx_stub_stop(&stub, &err) < 0)
		hx_err_exit(&err);
	if (hx_rec_finish(&loop, &err) < 0)
		hx_err_exit(&err);
	if (emu.failed)
		hx_err_exit(&emu.error);

	if (emu.junit != NULL) {
		if (hx_junit_write(emu.junit, junit_path) < 0)
			hx_err_errno(HX_EXIT_SYSTEM, "%s", junit_path);
		hx_junit_free(emu.junit);
	}
	fprintf(stderr, "hx-emu: %lu tests: %lu passed, %lu failed, "
	    "%lu skipped, %lu quarantined failures",
	    emu.tests, emu.passed, emu.failed_tests, emu.skipped,
	    emu.quarantined);
	if (emu.errors > 0)
		fprintf(stderr, "; %lu artifact%s could not run (%s%s)",
		    emu.errors, emu.errors == 1 ? "" : "s", emu.first_error,
		    emu.errors > 1 ? ", and others" : "");
	fputc('\n', stderr);
	hx_quarantine_free(quarantine);
	free(emu.run_patterns);
	free(emu.first_error);
	status = emu.errors > 0 ? HX_EXIT_SYSTEM :
	    emu.failed_tests > 0 ? HX_EXIT_VERDICT : HX_EXIT_OK;
	return status;
}
