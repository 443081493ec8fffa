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

#include "emu/hx_emu.h"
#include "hx_err.h"
#include "report/hx_junit.h"
#include "emu/hx_pool.h"
#include "rec/hx_rec.h"
#include "hx_spawn.h"

#define DEFAULT_TIMEOUT_NS (300LL * 1000000000LL)
#define DEFAULT_TAIL 4096

static struct hx_emu_options opt;
static const char **run_patterns;
static size_t nrun_patterns;
static char *tmpdir;

/* What the output thread counted, in input order; read after the pool. */
static struct totals {
	unsigned long tests, passed, failed, skipped, quarantined, errors;
	struct hx_junit *junit;
} totals;

static void
usage(void)
{
	printf("Usage: hx-emu [-chkV] [-j N] [-t DURATION] [-r N] [-n N] "
	    "[-q FILE] [-J FILE]\n"
	    "              [-R PATTERN]... [-L DIR] [--tail BYTES] "
	    "[FILE]...\n"
	    "Run the test artifacts of a record stream under QEMU user mode, "
	    "or natively\n"
	    "when they are built for this machine, and write a test record "
	    "for each run.\n"
	    "Records of other types pass through; output keeps the input "
	    "order.\n"
	    "\n"
	    "Options:\n"
	    "  -c, --count             count guest instructions (insns) and "
	    "emit samples\n"
	    "  -h, --help              show this help and exit\n"
	    "  -J, --junit FILE        write a JUnit XML report to FILE\n"
	    "  -j, --jobs N            run N tests at a time (default: the "
	    "online CPUs)\n"
	    "  -k, --keep-going        turn bad input lines into error "
	    "records and go on\n"
	    "  -L, --sysroot DIR       QEMU's -L for every test, over the "
	    "toolchain's\n"
	    "  -n, --repeat N          run each test N times; a sample "
	    "record per run\n"
	    "  -q, --quarantine FILE   failures of the tests FILE names do "
	    "not fail the run\n"
	    "  -R, --run PATTERN       also run exe artifacts whose name "
	    "matches PATTERN\n"
	    "  -r, --retries N         run a failed test up to N more times "
	    "(flaky if it passes)\n"
	    "  -t, --timeout DURATION  kill a run after DURATION (default "
	    "300s; 0: never)\n"
	    "      --tail BYTES        output kept in records (default "
	    "4096)\n"
	    "  -V, --version           show the version and exit\n"
	    "\n"
	    "Exit status: 0 every test passed, 1 a test failed, 2 usage, 3 "
	    "bad input,\n"
	    "4 missing QEMU, sysroot or plugin, or an artifact that could "
	    "not run.\n");
}

/* A non-negative integer option no larger than MAX. */
static long
number_arg(const char *option, const char *arg, long min, long max)
{
	char *end;
	long value;

	errno = 0;
	value = strtol(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || value < min ||
	    value > max)
		hx_usage_error("%s: expected an integer from %ld to %ld: %s",
		    option, min, max, arg);
	return value;
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

/* Remove the directory of count files and what a killed run left there. */
static void
remove_tmpdir(void)
{
	struct dirent *d;
	char *path;
	DIR *dir;

	if (tmpdir == NULL || (dir = opendir(tmpdir)) == NULL)
		return;
	while ((d = readdir(dir)) != NULL) {
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		path = hx_xasprintf("%s/%s", tmpdir, d->d_name);
		unlink(path);
		free(path);
	}
	closedir(dir);
	rmdir(tmpdir);
}

/* Set up counting: the plugin, and a private directory for counts. */
static void
setup_count(void)
{
	const char *base = getenv("TMPDIR");
	char *dir = hx_spawn_self_dir();

	opt.plugin = hx_emu_find_plugin(dir, HX_PKGLIBDIR);
	free(dir);
	if (access(opt.plugin, R_OK) != 0)
		hx_err(HX_EXIT_SYSTEM, "the instruction-counting plugin %s: %s "
		    "(reinstall hx, or set HX_PLUGIN)", opt.plugin,
		    strerror(errno));
	if (base == NULL || *base != '/')
		base = "/tmp";
	tmpdir = hx_xasprintf("%s/hx-emu.XXXXXX", base);
	if (mkdtemp(tmpdir) == NULL)
		hx_err_errno(HX_EXIT_SYSTEM, "%s", tmpdir);
	atexit(remove_tmpdir);
	if (strchr(opt.plugin, ',') != NULL || strchr(tmpdir, ',') != NULL)
		hx_err(HX_EXIT_SYSTEM, "QEMU cannot take a plugin path with a "
		    "comma: %s or %s", opt.plugin, tmpdir);
	opt.tmpdir = tmpdir;
}

/* Whether the artifact ART is to run: a test, or an exe --run names. */
static bool
selected(const json_t *art)
{
	const char *kind = json_string_value(json_object_get(art, "kind"));
	const char *status = json_string_value(json_object_get(art, "status"));
	const char *name = json_string_value(json_object_get(art, "name"));
	size_t i;

	if (status != NULL && strcmp(status, "ok") != 0)
		return false;
	if (kind != NULL && strcmp(kind, "test") == 0)
		return true;
	if (kind != NULL && strcmp(kind, "lib") == 0)
		return false;
	for (i = 0; i < nrun_patterns && name != NULL; i++)
		if (fnmatch(run_patterns[i], name, 0) == 0)
			return true;
	return false;
}

static int
on_artifact(struct hx_record *rec, void *arg)
{
	struct hx_emu_test *test;
	json_t *art = hx_rec_json(rec);
	char *message;

	(void)arg;
	if (art == NULL)
		return 0;
	if (!selected(art)) {
		hx_rec_pass(rec);
		return 0;
	}
	if ((test = hx_emu_prepare(art, &opt, &message)) == NULL) {
		hx_rec_bad(rec, "%s", message);
		free(message);
		return 0;
	}
	hx_rec_pass(rec);
	hx_pool_submit(test);
	return 0;
}

/* On a signal or a closed stdout: stop the runs and clean up after them. */
static void
kill_jobs(void)
{
	hx_emu_kill_children();
	remove_tmpdir();
}

static void
run_job(void *job, json_t *records)
{
	hx_emu_run(job, records);
}

static const char *
record_string(const json_t *rec, const char *key)
{
	return json_string_value(json_object_get(rec, key));
}

/* Add a test record to the JUnit report as a case of the current suite. */
static void
junit_add(const struct hx_emu_test *test, const json_t *rec)
{
	const char *status = record_string(rec, "status");
	const char *diagnostics = record_string(rec, "diagnostics");
	struct hx_junit_case c = { 0 };
	char *message = NULL;

	c.classname = test->name;
	c.name = record_string(rec, "name");
	c.time_ns = json_integer_value(json_object_get(rec, "duration_ns"));
	c.system_out = record_string(rec, "stdout_tail");
	c.system_err = record_string(rec, "stderr_tail");
	c.message = record_string(rec, "message");
	c.body = diagnostics != NULL ? diagnostics : c.message;
	if (strcmp(status, "skip") == 0) {
		c.status = HX_JUNIT_SKIPPED;
		c.message = record_string(rec, "directive");
	} else if (strcmp(status, "pass") == 0) {
		c.status = HX_JUNIT_PASS;
	} else if (json_is_true(json_object_get(rec, "quarantined"))) {
		/* A quarantined failure must not turn the report red. */
		c.status = HX_JUNIT_SKIPPED;
		message = hx_xasprintf("quarantined: %s%s%s", status,
		    c.message != NULL ? ": " : "",
		    c.message != NULL ? c.message : "");
		c.message = message;
	} else if (strcmp(status, "fail") == 0) {
		c.status = HX_JUNIT_FAILURE;
		if (c.message == NULL)
			c.message = diagnostics != NULL ? diagnostics :
			    "failed";
	} else {
		c.status = HX_JUNIT_ERROR;
		c.type = status;
	}
	hx_junit_add(totals.junit, &c);
	free(message);
}

/* On the output thread, in input order: count, report, free. */
static void
job_done(void *job, json_t *records, void *arg)
{
	struct hx_emu_test *test = job;
	const char *type, *status;
	struct hx_junit_case c = { 0 };
	json_t *rec;
	size_t i;

	(void)arg;
	if (totals.junit != NULL)
		hx_junit_suite(totals.junit, test->name);
	json_array_foreach(records, i, rec) {
		type = record_string(rec, "type");
		if (strcmp(type, "error") == 0) {
			totals.errors++;
			c.classname = c.name = test->name;
			c.status = HX_JUNIT_ERROR;
			c.type = "error";
			c.message = c.body = record_string(rec, "message");
			if (totals.junit != NULL)
				hx_junit_add(totals.junit, &c);
			continue;
		}
		if (strcmp(type, "test") != 0)
			continue;
		status = record_string(rec, "status");
		totals.tests++;
		if (hx_emu_record_failed(rec))
			totals.failed++;
		else if (strcmp(status, "pass") == 0)
			totals.passed++;
		else if (strcmp(status, "skip") == 0)
			totals.skipped++;
		else
			totals.quarantined++;
		if (totals.junit != NULL)
			junit_add(test, rec);
	}
	hx_emu_test_free(test);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "count", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "junit", required_argument, NULL, 'J' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "keep-going", no_argument, NULL, 'k' },
		{ "sysroot", required_argument, NULL, 'L' },
		{ "repeat", required_argument, NULL, 'n' },
		{ "quarantine", required_argument, NULL, 'q' },
		{ "run", required_argument, NULL, 'R' },
		{ "retries", required_argument, NULL, 'r' },
		{ "timeout", required_argument, NULL, 't' },
		{ "tail", required_argument, NULL, 'T' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *consume[] = { "artifact", NULL };
	struct hx_pool_config pool = { 0 };
	struct hx_rec_loop loop = { 0 };
	const char *junit_path = NULL, *quarantine_path = NULL;
	long jobs = sysconf(_SC_NPROCESSORS_ONLN);
	struct stat st;
	int c, status;

	hx_rec_init(argv[0]);
	opt.timeout_ns = DEFAULT_TIMEOUT_NS;
	opt.repeat = 1;
	opt.tail = DEFAULT_TAIL;
	run_patterns = hx_xcalloc((size_t)argc, sizeof(*run_patterns));
	while ((c = getopt_long(argc, argv, "chJ:j:kL:n:q:R:r:t:V", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'c':
			opt.count = opt.samples = true;
			break;
		case 'h':
			usage();
			hx_err_close_stdout();
			return HX_EXIT_OK;
		case 'J':
			junit_path = optarg;
			break;
		case 'j':
			jobs = number_arg("--jobs", optarg, 1, 1024);
			break;
		case 'k':
			loop.keep_going = true;
			break;
		case 'L':
			opt.sysroot = optarg;
			break;
		case 'n':
			opt.repeat = (int)number_arg("--repeat", optarg, 1,
			    1000000);
			opt.samples = true;
			break;
		case 'q':
			quarantine_path = optarg;
			break;
		case 'R':
			run_patterns[nrun_patterns++] = optarg;
			break;
		case 'r':
			opt.retries = (int)number_arg("--retries", optarg, 0,
			    1000);
			break;
		case 't':
			opt.timeout_ns = duration_arg(optarg);
			break;
		case 'T':
			opt.tail = (size_t)number_arg("--tail", optarg, 0,
			    1024 * 1024);
			break;
		case 'V':
			printf("hx-emu %s\n", PACKAGE_VERSION);
			hx_err_close_stdout();
			return HX_EXIT_OK;
		default:
			hx_usage_error("bad option");
		}
	}
	argc -= optind;
	argv += optind;
	if (jobs < 1)
		jobs = 1;

	if (quarantine_path != NULL &&
	    (opt.quarantine = hx_emu_quarantine_load(quarantine_path)) == NULL)
		hx_err_errno(HX_EXIT_SYSTEM, "%s", quarantine_path);
	if (opt.count)
		setup_count();
	/* The report replaces its file: never a device such as /dev/null. */
	if (junit_path != NULL && stat(junit_path, &st) == 0 &&
	    !S_ISREG(st.st_mode))
		hx_usage_error("--junit: %s is not a regular file", junit_path);
	if (junit_path != NULL)
		totals.junit = hx_junit_new("hx-emu");

	pool.workers = (int)jobs;
	pool.run = run_job;
	pool.done = job_done;
	pool.kill_jobs = kill_jobs;
	hx_pool_start(&pool);
	loop.consume = consume;
	loop.fn = on_artifact;
	hx_rec_loop_run(&loop, argc, argv);
	hx_pool_finish();

	if (totals.junit != NULL) {
		if (hx_junit_write(totals.junit, junit_path) < 0)
			hx_err_errno(HX_EXIT_SYSTEM, "%s", junit_path);
		hx_junit_free(totals.junit);
	}
	fprintf(stderr, "hx-emu: %lu tests: %lu passed, %lu failed, "
	    "%lu skipped, %lu quarantined failures",
	    totals.tests, totals.passed, totals.failed, totals.skipped,
	    totals.quarantined);
	if (totals.errors > 0)
		fprintf(stderr, "; %lu artifacts could not run", totals.errors);
	fputc('\n', stderr);
	hx_emu_quarantine_free(opt.quarantine);
	free(run_patterns);
	status = totals.errors > 0 ? HX_EXIT_SYSTEM :
	    totals.failed > 0 ? HX_EXIT_VERDICT : HX_EXIT_OK;
	return status;
}
