/*
 * hx-build: cross-compile a project for a target triple with a pinned
 * toolchain, in a clean fixed environment, through a content-addressed
 * artifact cache, and describe every output as an artifact record.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build.h"
#include "hx_archive.h"
#include "hx_atomic.h"
#include "hx_clock.h"
#include "hx_err.h"
#include "hx_file.h"
#include "hx_progress.h"
#include "rec/hx_rec.h"
#include "hx_spawn.h"

enum {
	OPT_BUNDLE = 256, OPT_CACHE_DIR, OPT_CACHE_MAX, OPT_CHANGED_SINCE,
	OPT_CHECK_REPRO, OPT_EMIT_CMAKE, OPT_NO_CACHE, OPT_PIN, OPT_PRINT_ENV,
	OPT_TIMEOUT, OPT_CACHE_URL, OPT_CACHE_CONNECT_TIMEOUT,
	OPT_CACHE_TIMEOUT, OPT_FROM_BUNDLE, OPT_REPO,
};

/* The largest --timeout, in seconds: some 31 years. */
#define TIMEOUT_MAX 1e9

static void
usage(void)
{
	printf("Usage: hx-build -t TARGET [-q | -v] [-F FLAG]... [-o DIR] "
	    "[--cache-dir DIR]\n"
	    "                [--cache-max SIZE] [--no-cache] [--check-repro]\n"
	    "                [--cache-url URL] "
	    "[--cache-connect-timeout SECONDS]\n"
	    "                [--cache-timeout SECONDS]\n"
	    "                [--bundle FILE] [--changed-since REV] "
	    "[--timeout SECONDS] [DIR]\n"
	    "       hx-build --from-bundle BUNDLE [-q | -v] [-o DIR] "
	    "[--repo DIR]\n"
	    "       hx-build -t TARGET --pin FILE\n"
	    "       hx-build -t TARGET [-F FLAG]... --print-env [DIR]\n"
	    "       hx-build -t TARGET --emit-cmake-toolchain FILE\n"
	    "Build the project in DIR (default .) as its hx.json says, with\n"
	    "the pinned toolchain TARGET (riscv64-gcc, riscv64-gcc-rvv,\n"
	    "riscv64-clang, host or a manifest file), and write one artifact\n"
	    "record per output.\n"
	    "\n"
	    "Options:\n"
	    "  -t, --target TARGET      toolchain manifest name or file\n"
	    "  -o, --output-dir DIR     where outputs go (hx-out/NAME)\n"
	    "  -F, --flag FLAG          add a compiler flag (repeatable)\n"
	    "  -q, --quiet              no summary, progress or build output\n"
	    "                           on stderr\n"
	    "  -v, --verbose            print each build step as it starts\n"
	    "                           and ends\n"
	    "      --cache-dir DIR      the artifact cache (HX_CACHE_DIR)\n"
	    "      --cache-max SIZE     evict least recently used entries\n"
	    "                           beyond SIZE (K, M, G suffixes)\n"
	    "      --no-cache           neither read nor write the cache\n"
	    "      --cache-url URL      share the cache over HTTP GET and PUT\n"
	    "                           (HX_CACHE_URL)\n"
	    "      --cache-connect-timeout SECONDS\n"
	    "                           give up connecting after SECONDS (5)\n"
	    "      --cache-timeout SECONDS\n"
	    "                           give up a transfer after SECONDS (60)\n"
	    "      --check-repro        build twice in two directories and\n"
	    "                           name the outputs that differ\n"
	    "      --bundle FILE        write the outputs, build.json and\n"
	    "                           SHA256SUMS to a reproducible\n"
	    "                           FILE.tar.gz\n"
	    "      --changed-since REV  mark the outputs changes since REV\n"
	    "                           affect, and which need timing runs\n"
	    "      --timeout SECONDS    stop a build step after SECONDS\n"
	    "      --from-bundle BUNDLE rebuild a proof bundle's artifacts\n"
	    "                           from its commit and compare them\n"
	    "      --repo DIR           the git repository holding the\n"
	    "                           bundle's commit (default .)\n"
	    "      --pin FILE           write a manifest pinning what is\n"
	    "                           installed now (- for stdout)\n"
	    "      --print-env          print the build environment as shell\n"
	    "                           export lines\n"
	    "      --emit-cmake-toolchain FILE\n"
	    "                           write a CMake toolchain file\n"
	    "  -h, --help               show this help and exit\n"
	    "  -V, --version            show the version and exit\n"
	    "\n"
	    "Exit status: 0 ok, 1 a build failed or is not reproducible,\n"
	    "2 usage, 3 malformed manifest, 4 missing or mismatched "
	    "toolchain.\n");
}

/* Find and load the manifest for TARGET; exits on failure. */
static void
load_toolchain(struct build *b, const char *target)
{
	char **dirs = hx_toolchain_dirs(), err[1024], *path, *where, *names;
	const char *const *cdirs = (const char *const *)dirs;
	int rc;

	if ((path = hx_toolchain_find(target, cdirs)) == NULL) {
		where = hx_strv_join(cdirs, ", ");
		names = hx_toolchain_names(cdirs);
		hx_usage_error("unknown target %s: no %s.json in %s (%s%s; or "
		    "give a manifest file)", target, target, where,
		    *names != '\0' ? "found there: " : "no manifests there",
		    names);
	}
	hx_strv_free(dirs);
	if ((rc = hx_toolchain_load(path, &b->tc, err, sizeof(err))) != 0)
		hx_err(rc, "%s", err);
	free(path);
}

/*
 * Measure the installed toolchain and, unless PIN, check it.  Measurements
 * are remembered in the cache unless PIN or --no-cache.
 */
static void
verify_toolchain(struct build *b, bool pin)
{
	struct hx_cache cache;
	char err[1024], *memo = NULL;
	int rc;

	if (!pin && !b->opt->no_cache && hx_cache_open(&cache,
	    b->opt->cache_dir) == 0) {
		memo = hx_xasprintf("%s/toolchains", cache.root);
		hx_cache_close(&cache);
	}
	rc = hx_toolchain_measure(&b->tc, memo, &b->found, err, sizeof(err));
	free(memo);
	if (rc != 0)
		hx_err(rc, "%s", err);
	if (!pin && (rc = hx_toolchain_check(&b->tc, &b->found, err,
	    sizeof(err))) != 0)
		hx_err(rc, "%s", err);
}

/*
 * The manifest J with one top-level key a line, sorted, each value
 * compact: manifests are read and diffed by people.
 */
static char *
manifest_text(json_t *j)
{
	const char **keys = hx_xcalloc(json_object_size(j) + 1, sizeof(char *));
	char *text = hx_xstrdup("{\n"), *value, *t;
	const char *key;
	size_t n = 0, i, k;
	json_t *v;

	json_object_foreach(j, key, v)
		keys[n++] = key;
	for (i = 1; i < n; i++)
		for (k = i; k > 0 && strcmp(keys[k - 1], keys[k]) > 0; k--) {
			key = keys[k];
			keys[k] = keys[k - 1];
			keys[k - 1] = key;
		}
	for (i = 0; i < n; i++) {
		/* Encoded inside an array: hx_json encodes whole records. */
		v = json_pack("[O]", json_object_get(j, keys[i]));
		value = hx_json_to_string(v);
		json_decref(v);
		t = hx_xasprintf("%s  \"%s\": %.*s%s\n", text, keys[i],
		    (int)strlen(value) - 2, value + 1, i + 1 < n ? "," : "");
		free(text);
		free(value);
		text = t;
	}
	t = hx_xasprintf("%s}\n", text);
	free(text);
	free(keys);
	return t;
}

static void
write_pin(struct build *b, const char *file)
{
	json_t *j = hx_toolchain_pin(&b->tc, &b->found);
	char *text = manifest_text(j);

	if (strcmp(file, "-") == 0) {
		fputs(text, stdout);
		hx_err_close_stdout();
	} else if (hx_atomic_write(file, text, strlen(text), 0644) != 0)
		hx_err_errno(HX_EXIT_SYSTEM, "%s", file);
	free(text);
	json_decref(j);
}

/* The flags a build gets: the toolchain's, the project's, then -F. */
static void
collect_flags(struct build *b)
{
	char *const *lists[3] = { b->tc.flags, b->project.flags,
	    b->opt->extra_flags };
	size_t n = 0, i;
	char *const *v;

	b->flags = hx_xcalloc(1, sizeof(char *));
	for (i = 0; i < 3; i++)
		for (v = lists[i]; v != NULL && *v != NULL; v++) {
			b->flags = hx_xrealloc(b->flags,
			    (n + 2) * sizeof(char *));
			b->flags[n++] = *v;
			b->flags[n] = NULL;
		}
}

/*
 * The commit, dirty flag and SOURCE_DATE_EPOCH (see
 * hx_git_source_date_epoch: the caller's, else the commit time, else 0).
 */
static struct hx_git *
read_git(struct build *b, const char *dir)
{
	struct hx_git *git = hx_git_open(dir);
	char err[512], top[PATH_MAX];
	size_t len;

	if (git != NULL && hx_git_head(git, &b->head) == 0)
		b->have_git = true;
	/* Where the project is in the repository, for a rebuild. */
	if (b->have_git && realpath(hx_git_workdir(git), top) != NULL &&
	    strncmp(dir, top, len = strlen(top)) == 0 &&
	    (dir[len] == '/' || dir[len] == '\0'))
		b->project_rel = hx_xstrdup(dir[len] == '\0' ? "." :
		    dir + len + 1);
	if (hx_git_source_date_epoch(b->have_git ? &b->head : NULL,
	    &b->source_date_epoch, err, sizeof(err)) < 0)
		hx_usage_error("%s", err);
	return git;
}

/*
 * The output directory: -o, or hx-out/NAME here; absolute and made, in a
 * string that replaces the -o one.
 */
static void
prepare_output_dir(struct build *b)
{
	char cwd[PATH_MAX], *dir, *p;
	int rc;

	dir = b->opt->output_dir != NULL ? b->opt->output_dir :
	    hx_xasprintf("%s/%s", HX_PROJECT_OUTPUT_DIR, b->tc.name);
	if (*dir != '/') {
		if (getcwd(cwd, sizeof(cwd)) == NULL)
			hx_err_errno(HX_EXIT_SYSTEM, "getcwd");
		p = hx_xasprintf("%s/%s", cwd, dir);
		free(dir);
		dir = p;
	}
	if ((rc = hx_file_mkdir_p(dir, 0777)) != 0) {
		errno = -rc;
		hx_err_errno(HX_EXIT_SYSTEM, "%s", dir);
	}
	/* Resolved, so that it is recognised inside the project. */
	if (realpath(dir, cwd) != NULL) {
		free(dir);
		dir = hx_xstrdup(cwd);
	}
	b->opt->output_dir = dir;
}

/*
 * Build a second time in another directory and compare.  Marks REPRO[i]
 * and names each output that differs on stderr; returns the count.
 */
static int
check_reproducible(struct build *b, const struct build_result *first,
    int *repro)
{
	struct build_result *second = hx_xcalloc(b->project.noutputs,
	    sizeof(*second));
	char *tail = NULL;
	int64_t duration;
	size_t i;
	int differ = 0;

	build_run(b, second, "hx-build-repro", false, &tail, &duration);
	for (i = 0; i < b->project.noutputs; i++) {
		repro[i] = second[i].ok && strcmp(first[i].sha256,
		    second[i].sha256) == 0;
		if (!repro[i]) {
			hx_warn("not reproducible: %s (%s): sha256 %s, then %s",
			    b->project.outputs[i].name,
			    b->project.outputs[i].path, first[i].sha256,
			    second[i].ok ? second[i].sha256 : "build failed");
			differ++;
		}
	}
	free(tail);
	build_free_results(second, b->project.noutputs);
	return differ;
}

/* Build (or restore) the project and write its records; the exit status. */
static int
build_project(struct build *b, struct hx_git *git)
{
	size_t n = b->project.noutputs, i;
	struct build_result *results = hx_xcalloc(n, sizeof(*results));
	struct changes ch = { 0 };
	struct hx_cache cache;
	struct hx_err_info err;
	bool use_cache = !b->opt->no_cache && !b->opt->check_repro, hit = false;
	bool remote = false;
	int *repro = hx_xcalloc(n, sizeof(int)), failed = 0, status;
	int64_t start = hx_clock_mono_ns(), duration = 0;
	char *tail = NULL, *log;
	unsigned evicted;

	if (b->opt->changed_since != NULL)
		build_read_changes(b, git, &ch);
	build_sweep(build_stage_parent(), "hx-build.??????", b->opt->quiet);
	build_sweep(build_stage_parent(), "hx-build-repro.??????",
	    b->opt->quiet);
	if (use_cache && hx_cache_open(&cache, b->opt->cache_dir) != 0) {
		hx_warn_errno("cache %s: not used", b->opt->cache_dir);
		use_cache = false;
	}
	if (use_cache)
		build_sweep(cache.tmp, "*", b->opt->quiet);
	if (use_cache && (build_restore(b, &cache, results) ||
	    (b->opt->cache_url != NULL && (remote = build_remote_fetch(b,
	    &cache)) && build_restore(b, &cache, results)))) {
		hit = true;
		duration = hx_clock_mono_ns() - start;
		/* A local hit the server lacks is shared with it. */
		if (!remote && b->opt->cache_url != NULL)
			build_remote_share(b, &cache);
	} else {
		remote = false;
		/* Configure and build, twice to check reproducibility. */
		hx_progress_add(b->opt->progress,
		    (b->project.configure != NULL ? 2 : 1) *
		    (b->opt->check_repro ? 2 : 1));
		hx_progress_close(b->opt->progress);
		failed = build_run(b, results, "hx-build", true, &tail,
		    &duration);
		if (!failed && use_cache)
			build_store(b, &cache, results);
		if (!failed && use_cache && b->opt->cache_url != NULL)
			build_remote_store(b, &cache);
	}
	if (!failed) {
		/* A log of an earlier failure no longer applies. */
		log = hx_xasprintf("%s/hx-build.log", b->opt->output_dir);
		unlink(log);
		free(log);
	}
	for (i = 0; i < n; i++)
		repro[i] = -1;
	if (b->opt->check_repro && !failed &&
	    check_reproducible(b, results, repro) > 0)
		failed = 1;
	if (use_cache && b->opt->cache_max > 0 &&
	    hx_cache_evict(&cache, b->opt->cache_max, b->key, &evicted) == 0 &&
	    evicted > 0 && !b->opt->quiet)
		hx_warn("cache: evicted %u entr%s", evicted,
		    evicted == 1 ? "y" : "ies");
	for (i = 0; i < n; i++)
		build_emit_artifact(b, i, &results[i], hit, duration, tail, &ch,
		    repro[i]);
	if (hx_rec_finish(NULL, &err) < 0)
		hx_err_exit(&err);
	if (b->opt->bundle != NULL && !failed)
		build_write_bundle(b, results);
	hx_progress_free(b->opt->progress);
	b->opt->progress = NULL;
	if (!b->opt->quiet)
		fprintf(stderr, "hx-build: %s: %s: cache: %s %.12s, %s in "
		    "%.2fs%s%s\n", b->project.name, b->tc.name,
		    !use_cache ? "off" : remote ? "remote hit" : hit ? "hit" :
		    "miss", b->key,
		    failed ? "failed" : hit ? "restored" : "built",
		    (double)duration / 1e9, b->log != NULL ? "; log: " : "",
		    b->log != NULL ? b->log : "");
	if (failed && b->log != NULL && b->tc.cxx != NULL &&
	    b->found.cxx_path == NULL)
		hx_warn("%s: C++ compiler %s not found%s%s", b->tc.name,
		    b->tc.cxx, b->tc.cxx_package != NULL ?
		    "; install the Debian package " : "",
		    b->tc.cxx_package != NULL ? b->tc.cxx_package : "");
	status = failed ? HX_EXIT_VERDICT : HX_EXIT_OK;
	hx_strv_free(ch.paths);
	if (use_cache)
		hx_cache_close(&cache);
	build_free_results(results, n);
	free(repro);
	free(tail);
	free(b->log);
	return status;
}

/*
 * --print-env, or --emit-cmake-toolchain CMAKE: what a build of the project
 * in DIR gets, its hx.json optional; exits on failure.
 */
static void
print_setup(struct build *b, const char *dir, const char *cmake)
{
	char real[PATH_MAX], err[1024], *file;
	struct hx_git *git;
	int rc;

	if (realpath(dir, real) == NULL)
		hx_err_errno(HX_EXIT_SYSTEM, "%s", dir);
	file = hx_xasprintf("%s/%s", real, HX_PROJECT_FILE);
	if (access(file, F_OK) == 0 && (rc = hx_project_load(dir,
	    &b->project, err, sizeof(err))) != 0)
		hx_err(rc, "%s", err);
	free(file);
	collect_flags(b);
	if (cmake != NULL) {
		if (build_write_cmake_toolchain(b, cmake) != 0)
			hx_err_errno(HX_EXIT_SYSTEM, "%s", cmake);
		return;
	}
	git = read_git(b, real);
	build_print_env(b, real);
	hx_git_close(git);
}

char **
build_add_flag(char **v, const char *flag)
{
	size_t n = 0;

	while (v != NULL && v[n] != NULL)
		n++;
	v = hx_xrealloc(v, (n + 2) * sizeof(char *));
	v[n] = (char *)flag;
	v[n + 1] = NULL;
	return v;
}

/*
 * The number of seconds S given to option NAME, more than 0 and at most
 * TIMEOUT_MAX; exits with a usage error otherwise.
 */
static double
parse_seconds(const char *name, const char *s)
{
	double seconds;
	char *end;

	seconds = strtod(s, &end);
	/* Also refuses NaN, and what would overflow as nanoseconds. */
	if (*s == '\0' || *end != '\0' ||
	    !(seconds > 0 && seconds <= TIMEOUT_MAX))
		hx_usage_error("%s: bad number of seconds %s (at most %.0f)",
		    name, s, TIMEOUT_MAX);
	return seconds;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "bundle", required_argument, NULL, OPT_BUNDLE },
		{ "cache-dir", required_argument, NULL, OPT_CACHE_DIR },
		{ "cache-max", required_argument, NULL, OPT_CACHE_MAX },
		{ "cache-connect-timeout", required_argument, NULL,
		    OPT_CACHE_CONNECT_TIMEOUT },
		{ "cache-timeout", required_argument, NULL, OPT_CACHE_TIMEOUT },
		{ "cache-url", required_argument, NULL, OPT_CACHE_URL },
		{ "changed-since", required_argument, NULL, OPT_CHANGED_SINCE },
		{ "check-repro", no_argument, NULL, OPT_CHECK_REPRO },
		{ "emit-cmake-toolchain", required_argument, NULL,
		    OPT_EMIT_CMAKE },
		{ "flag", required_argument, NULL, 'F' },
		{ "from-bundle", required_argument, NULL, OPT_FROM_BUNDLE },
		{ "help", no_argument, NULL, 'h' },
		{ "no-cache", no_argument, NULL, OPT_NO_CACHE },
		{ "output-dir", required_argument, NULL, 'o' },
		{ "pin", required_argument, NULL, OPT_PIN },
		{ "print-env", no_argument, NULL, OPT_PRINT_ENV },
		{ "quiet", no_argument, NULL, 'q' },
		{ "repo", required_argument, NULL, OPT_REPO },
		{ "target", required_argument, NULL, 't' },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct build_options opt = { .http = { 5000, 60000 } };
	struct build b = { 0 };
	const char *pin = NULL, *cmake = NULL, *dir, *repo = NULL;
	struct rebuild rb = { 0 };
	bool print_env = false, verbose = false;
	struct hx_git *git;
	char err[1024];
	int c, status;

	hx_rec_init(argv[0]);
	build_catch_signals();
	while ((c = getopt_long(argc, argv, "F:Vho:qt:v", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'F':
			opt.extra_flags = build_add_flag(opt.extra_flags,
			    optarg);
			break;
		case 'V':
			printf("hx-build %s\n", PACKAGE_VERSION);
			hx_err_close_stdout();
			return HX_EXIT_OK;
		case 'h':
			usage();
			hx_err_close_stdout();
			return HX_EXIT_OK;
		case 'o':
			free(opt.output_dir);
			opt.output_dir = hx_xstrdup(optarg);
			break;
		case 'q':
			opt.quiet = true;
			break;
		case 't':
			opt.target = optarg;
			break;
		case 'v':
			verbose = true;
			break;
		case OPT_BUNDLE:
			opt.bundle = optarg;
			break;
		case OPT_CACHE_DIR:
			free(opt.cache_dir);
			opt.cache_dir = hx_xstrdup(optarg);
			break;
		case OPT_CACHE_MAX:
			if (hx_cache_parse_size(optarg, &opt.cache_max) != 0 ||
			    opt.cache_max == 0)
				hx_usage_error("--cache-max: bad size %s",
				    optarg);
			break;
		case OPT_CHANGED_SINCE:
			opt.changed_since = optarg;
			break;
		case OPT_CHECK_REPRO:
			opt.check_repro = true;
			break;
		case OPT_EMIT_CMAKE:
			cmake = optarg;
			break;
		case OPT_NO_CACHE:
			opt.no_cache = true;
			break;
		case OPT_PIN:
			pin = optarg;
			break;
		case OPT_PRINT_ENV:
			print_env = true;
			break;
		case OPT_TIMEOUT:
			opt.timeout_ns = (int64_t)(parse_seconds("--timeout",
			    optarg) * 1e9);
			break;
		case OPT_FROM_BUNDLE:
			opt.from_bundle = optarg;
			break;
		case OPT_REPO:
			repo = optarg;
			break;
		case OPT_CACHE_URL:
			opt.cache_url = optarg;
			break;
		case OPT_CACHE_CONNECT_TIMEOUT:
			opt.http.connect_ms = (long)(parse_seconds(
			    "--cache-connect-timeout", optarg) * 1e3);
			break;
		case OPT_CACHE_TIMEOUT:
			opt.http.total_ms = (long)(parse_seconds(
			    "--cache-timeout", optarg) * 1e3);
			break;
		default:
			hx_usage_error("bad option");
		}
	}
	argc -= optind;
	argv += optind;

	if (opt.from_bundle != NULL && (opt.target != NULL ||
	    opt.extra_flags != NULL || argc > 0 || opt.bundle != NULL ||
	    opt.check_repro || opt.changed_since != NULL || pin != NULL ||
	    print_env || cmake != NULL))
		hx_usage_error("--from-bundle takes the target, flags and "
		    "project from the bundle, and excludes -t, -F, DIR, "
		    "--bundle, --check-repro, --changed-since, --pin, "
		    "--print-env and --emit-cmake-toolchain");
	if (repo != NULL && opt.from_bundle == NULL)
		hx_usage_error("--repo goes with --from-bundle");
	if (opt.from_bundle != NULL) {
		build_rebuild_prepare(&rb, &opt, repo != NULL ? repo : ".");
		opt.target = rb.toolchain;
		opt.no_cache = true;
	}
	if (opt.target == NULL)
		hx_usage_error("no target given (-t riscv64-gcc, "
		    "riscv64-clang, host, or a manifest file)");
	if (argc > 1)
		hx_usage_error("unexpected argument: %s", argv[1]);
	if (opt.quiet && verbose)
		hx_usage_error("--quiet and --verbose exclude each other");
	if ((pin != NULL) + print_env + (cmake != NULL) > 1)
		hx_usage_error("--pin, --print-env and --emit-cmake-toolchain "
		    "exclude each other");
	dir = rb.dir != NULL ? rb.dir : argc == 1 ? argv[0] : ".";
	if (opt.cache_dir == NULL)
		opt.cache_dir = hx_cache_default_dir();
	if (opt.cache_url == NULL && (opt.cache_url = getenv("HX_CACHE_URL"))
	    != NULL && *opt.cache_url == '\0')
		opt.cache_url = NULL;
	b.opt = &opt;
	load_toolchain(&b, opt.target);
	/* A pinned file that is not what it should be stops all. */
	if (pin == NULL && !print_env && cmake == NULL && ((status =
	    hx_project_load(dir, &b.project, err, sizeof(err))) != 0 ||
	    (status = hx_project_check_pins(&b.project, b.project.dir, err,
	    sizeof(err))) != 0))
		hx_err(status, "%s", err);
	verify_toolchain(&b, pin != NULL);
	if (opt.from_bundle != NULL)
		build_rebuild_check_toolchain(&rb, &b);
	status = HX_EXIT_OK;
	if (pin != NULL)
		write_pin(&b, pin);
	else if (print_env || cmake != NULL)
		print_setup(&b, dir, cmake);
	else {
		if (opt.from_bundle != NULL)
			build_rebuild_flags(&rb, &b);
		collect_flags(&b);
		prepare_output_dir(&b);
		build_compute_key(&b);
		if (!opt.quiet)
			opt.progress = hx_progress_new("hx-build",
			    STDERR_FILENO, verbose);
		git = read_git(&b, b.project.dir);
		status = opt.from_bundle != NULL ? build_rebuild(&rb, &b) :
		    build_project(&b, git);
		if (git != NULL)
			hx_git_close(git);
	}
	build_rebuild_free(&rb);
	free(b.project_rel);
	free(b.flags);
	free(opt.extra_flags);
	free(opt.output_dir);
	free(opt.cache_dir);
	hx_toolchain_found_free(&b.found);
	hx_toolchain_free(&b.tc);
	hx_project_free(&b.project);
	return status;
}
