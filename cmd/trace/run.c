/*
 * run.c: hx-trace run: run a command and write one span record for it:
 * wall time, CPU time, peak memory and exit status from wait4(2), perf
 * counters from lib/trace/hx_perf, and TRACEPARENT for the command so
 * that what it starts joins the same trace.  With --load the command runs
 * under the load of a profile (lib/trace/hx_load), named in the span's
 * attribute "profile".
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hx_clock.h"
#include "hx_harness.h"
#include "hx_progress.h"
#include "hx_spawn.h"
#include "hx_strv.h"
#include "rec/hx_env.h"
#include "rec/hx_rec.h"
#include "rec/hx_span.h"
#include "rec/hx_writer.h"
#include "trace/hx_load.h"
#include "trace/hx_perf.h"
#include "trace/hx_profile.h"
#include "trace.h"

extern char **environ;

/* The counters of wait4's rusage, after those of hx_perf. */
#define NCOUNTERS (HX_PERF_NCOUNTERS + 3)

/* What the span is built from. */
struct run {
	char trace_id[HX_SPAN_TRACE_ID_HEX + 1];
	char span_id[HX_SPAN_SPAN_ID_HEX + 1];
	char parent_id[HX_SPAN_SPAN_ID_HEX + 1];
	bool has_parent;
	char host[256];
	struct hx_span_counter counters[NCOUNTERS];
	char *why[HX_PERF_NCOUNTERS];	/* why a counter is unsupported */
	struct hx_field_pair attrs[HX_PERF_NCOUNTERS + 5];
	size_t nattrs;
};

/*
 * The ids of the new span: a child of $TRACEPARENT's span in its trace,
 * or the root of a new trace when it is unset or malformed (W3C: a
 * malformed header is ignored).
 */
static void
new_ids(struct run *r)
{
	const char *tp = getenv("TRACEPARENT");
	int rc;

	r->has_parent = tp != NULL &&
	    hx_span_traceparent_parse(tp, r->trace_id, r->parent_id) == 0;
	if (tp != NULL && !r->has_parent)
		hx_warn("TRACEPARENT: not a W3C traceparent, starting a new "
		    "trace: %s", tp);
	if ((!r->has_parent && (rc = hx_span_new_id(r->trace_id,
	    HX_SPAN_TRACE_ID_HEX)) < 0) ||
	    (rc = hx_span_new_id(r->span_id, HX_SPAN_SPAN_ID_HEX)) < 0) {
		errno = -rc;
		hx_err_errno(HX_EXIT_SYSTEM, "getrandom");
	}
}

/* This process's environment with TRACEPARENT naming R's span. */
static char **
child_environment(const struct run *r)
{
	char header[HX_SPAN_TRACEPARENT_LEN + 1], **envp;
	size_t n, i, j = 0;

	for (n = 0; environ[n] != NULL; n++)
		continue;
	envp = hx_xcalloc(n + 2, sizeof(*envp));
	for (i = 0; i < n; i++)
		if (strncmp(environ[i], "TRACEPARENT=", 12) != 0)
			envp[j++] = hx_xstrdup(environ[i]);
	hx_span_traceparent_format(header, r->trace_id, r->span_id);
	envp[j] = hx_xasprintf("TRACEPARENT=%s", header);
	return envp;
}

/* The last component of PATH, or PATH when it ends in '/'. */
static const char *
base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL && slash[1] != '\0' ? slash + 1 : path;
}

/* ARGV joined by spaces, for the span's command_line attribute. */
static char *
command_line(char **argv)
{
	char *line = hx_xstrdup(argv[0]), *longer;
	size_t i;

	for (i = 1; argv[i] != NULL; i++) {
		longer = hx_xasprintf("%s %s", line, argv[i]);
		free(line);
		line = longer;
	}
	return line;
}

/* Add the attribute NAME=VALUE (VALUE to free) to R. */
static void
add_attr(struct run *r, const char *name, const char *value)
{
	r->attrs[r->nattrs].name = name;
	r->attrs[r->nattrs++].value = value;
}

/*
 * The descriptor --spans PATH is appended to, opened before the command
 * runs so that a path that cannot be written fails first; -1 for none.
 */
static int
open_spans(const char *path)
{
	int fd;

	if (path == NULL)
		return -1;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
	    0666)) < 0)
		hx_err_errno(HX_EXIT_SYSTEM, "%s", path);
	return fd;
}

/*
 * Write SPAN to FD, the --spans file PATH, in one write, or to standard
 * output when FD is -1.
 */
static void
write_span(const struct hx_span *span, int fd, const char *path)
{
	struct hx_err_info err;
	struct hx_writer *w;
	json_t *rec = hx_span_to_json(span);

	if (fd < 0) {
		hx_rec_emit(rec);
		json_decref(rec);
		/* A closed standard output is no reason to hide the status. */
		if (hx_rec_finish(NULL, &err) < 0 && err.status != HX_EXIT_OK)
			hx_err_exit(&err);
		return;
	}
	w = hx_writer_new(fd, 0, 0);
	if (hx_writer_record(w, rec) < 0 || hx_writer_flush(w) < 0 ||
	    close(fd) < 0) {
		errno = hx_writer_error(w) != 0 ? hx_writer_error(w) : errno;
		hx_err_errno(HX_EXIT_SYSTEM, "%s", path);
	}
	hx_writer_free(w);
	json_decref(rec);
}

/*
 * Fill SPAN's counters and attributes from the ended child: RES, and the
 * perf counters P.
 */
static void
measure(struct run *r, struct hx_span *span, const struct hx_perf *p,
    const struct hx_spawn_result *res)
{
	size_t i;

	hx_perf_read(p, r->counters, r->why);
	for (i = 0; i < HX_PERF_NCOUNTERS; i++)
		if (r->why[i] != NULL)
			add_attr(r, hx_xasprintf("counter.%s",
			    r->counters[i].name), r->why[i]);
	r->counters[i++] = (struct hx_span_counter){ "cpu_user_ns",
	    res->user_ns, true };
	r->counters[i++] = (struct hx_span_counter){ "cpu_system_ns",
	    res->system_ns, true };
	r->counters[i++] = (struct hx_span_counter){ "max_rss_bytes",
	    res->max_rss_bytes, true };
	span->counters = r->counters;
	span->ncounters = i;
}

/* The status hx-trace run exits with: the child's, 128 + N for signal N. */
static int
child_status(const struct hx_spawn_result *res)
{
	return res->signaled ? 128 + res->signal : res->status;
}

static void
run_usage_error(const char *what)
{
	hx_usage_error("run: %s", what);
}

/*
 * The profile NAME of --load, from the "profiles" of FILE (--profiles)
 * or the built-in ones, into *SET: an unknown one is a usage error.
 */
static const struct hx_profile *
load_profile(const char *name, const char *file, struct hx_profiles *set)
{
	const struct hx_profile *p;
	char err[HX_ERR_MESSAGE_MAX], *names;
	int rc;

	if (file == NULL)
		hx_profile_defaults(set);
	else if ((rc = hx_profile_load(file, set, err, sizeof(err))) < 0)
		hx_err(rc == -2 ? HX_EXIT_SYSTEM : HX_EXIT_INPUT, "%s", err);
	if ((p = hx_profile_find(set, name)) != NULL)
		return p;
	names = hx_profile_names(set);
	hx_usage_error("run: --load: no profile \"%s\" in %s (known: %s)",
	    name, file != NULL ? file : "the built-in profiles", names);
}

static void
warn_line(const char *line)
{
	hx_warn("%s", line);
}

int
trace_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "service", required_argument, NULL, 's' },
		{ "spans", required_argument, NULL, 'o' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "grace", required_argument, NULL, 'g' },
		{ "load", required_argument, NULL, 'L' },
		{ "profiles", required_argument, NULL, 'P' },
		{ "cpus", required_argument, NULL, 'C' },
		{ "rt", required_argument, NULL, 'R' },
		{ "env", required_argument, NULL, 'E' },
		{ "sysfs", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = NULL, *service = NULL, *spans = NULL;
	const char *load_name = NULL, *profiles = NULL;
	const char *cpus = NULL, *env_path = NULL, *sysfs = NULL;
	const struct hx_profile *profile = NULL;
	struct hx_profiles set = { 0 };
	struct hx_load load = { 0, -1, "", NULL };
	struct hx_harness harness = { 0 };
	struct hx_spawn spec = { 0 };
	struct hx_spawn_result res;
	struct hx_err_info err;
	struct hx_span span;
	struct hx_perf perf;
	struct run r = { 0 };
	struct hx_progress *progress;
	bool verbose = false;
	char **envp;
	int64_t start;
	long grace = 10;
	int c, rc, status, fd, sig;
	size_t i;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+v", longopts, NULL)) != -1) {
		switch (c) {
		case 'C':
			cpus = optarg;
			if (hx_harness_parse_cpus(cpus, &harness.cpus) < 0)
				hx_usage_error("run: --cpus: expected a CPU "
				    "list such as 0,2-3: %s", cpus);
			harness.pin = true;
			break;
		case 'E':
			env_path = optarg;
			break;
		case 'R':
			harness.rt_priority = (int)trace_parse_count("run",
			    "--rt", optarg, 1, 99);
			break;
		case 'S':
			sysfs = optarg;
			break;
		case 'g':
			grace = trace_parse_count("run", "--grace", optarg, 0,
			    LONG_MAX);
			break;
		case 'L':
			load_name = optarg;
			break;
		case 'n':
			name = optarg;
			break;
		case 'P':
			profiles = optarg;
			break;
		case 'o':
			spans = optarg;
			break;
		case 's':
			service = optarg;
			break;
		case 'v':
			verbose = true;
			break;
		default:
			run_usage_error("bad option");
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		run_usage_error("no command to run");
	if (profiles != NULL && load_name == NULL)
		run_usage_error("--profiles is for --load");
	if (load_name != NULL)
		profile = load_profile(load_name, profiles, &set);
	if (name == NULL)
		name = base_name(argv[0]);
	if (service == NULL && (service = getenv("OTEL_SERVICE_NAME")) ==
	    NULL)
		service = name;
	if (gethostname(r.host, sizeof(r.host) - 1) < 0)
		strcpy(r.host, "localhost");
	fd = open_spans(spans);
	if (cpus != NULL || harness.rt_priority > 0 || env_path != NULL ||
	    sysfs != NULL) {
		if (hx_env_run_prepare(&harness, cpus, sysfs != NULL ? sysfs :
		    "/sys", env_path, warn_line, &err) < 0)
			hx_err_exit(&err);
	}
	new_ids(&r);
	envp = child_environment(&r);
	if (hx_spawn_forward_signals(grace, &err) < 0)
		hx_err_exit(&err);

	spec.argv = argv;
	spec.envp = envp;
	spec.harness = &harness;
	spec.foreground = isatty(STDIN_FILENO) &&
	    tcgetpgrp(STDIN_FILENO) == getpgrp();
	/* One step, the command; its own output shares the terminal. */
	progress = hx_progress_new("hx-trace", STDERR_FILENO, verbose);
	hx_progress_add(progress, 1);
	hx_progress_close(progress);
	hx_progress_start(progress, name);
	if (profile != NULL && hx_load_start(&load, profile, &err) < 0) {
		hx_progress_free(progress);
		if (hx_spawn_forwarded() != 0)
			err.status = 128 + hx_spawn_forwarded();
		hx_err_exit(&err);
	}
	hx_perf_open(&perf);
	start = hx_clock_real_ns();
	rc = hx_spawn_run(&spec, &res);
	hx_load_stop(&load, grace * 1000);
	hx_progress_done(progress, name, rc != 0 || !res.exited ||
	    res.status != 0);
	hx_progress_free(progress);
	sig = hx_spawn_forwarded();

	hx_span_init(&span);
	span.trace_id = r.trace_id;
	span.span_id = r.span_id;
	span.parent_id = r.has_parent ? r.parent_id : NULL;
	span.name = name;
	span.service = service;
	span.host = r.host;
	span.kind = HX_SPAN_INTERNAL;
	span.start_ns = start;
	add_attr(&r, "command_line", command_line(argv));
	if (profile != NULL)
		add_attr(&r, "profile", hx_xstrdup(profile->name));
	if (rc != 0) {
		/* As env(1): 127 for a command not found, else 126. */
		status = rc == ENOENT ? 127 : 126;
		if (sig == 0)
			hx_warn("%s: %s", argv[0], strerror(rc));
		span.end_ns = start;
		span.error = true;
		span.message = hx_xasprintf("cannot run %s: %s", argv[0],
		    strerror(rc));
	} else {
		status = child_status(&res);
		span.end_ns = start + res.duration_ns;
		measure(&r, &span, &perf, &res);
		add_attr(&r, res.signaled ? "signal" : "exit_code",
		    hx_xasprintf("%d", res.signaled ? res.signal :
		    res.status));
		span.error = status != 0;
		if (res.signaled)
			span.message = hx_xasprintf("killed by signal %d",
			    res.signal);
		else if (res.status != 0)
			span.message = hx_xasprintf("exit status %d",
			    res.status);
		hx_spawn_result_free(&res);
	}
	if (sig != 0) {
		/* Stopped: the signal, not the command's own status. */
		status = 128 + sig;
		span.error = true;
		free((char *)span.message);
		span.message = hx_xasprintf("stopped by signal %d", sig);
		add_attr(&r, "stop_signal", hx_xasprintf("%d", sig));
	}
	hx_perf_close(&perf);
	span.attrs = r.attrs;
	span.nattrs = r.nattrs;
	write_span(&span, fd, spans);
	for (i = 0; i < r.nattrs; i++) {
		if (strncmp(r.attrs[i].name, "counter.", 8) == 0)
			free((char *)r.attrs[i].name);
		free((char *)r.attrs[i].value);
	}
	free((char *)span.message);
	hx_strv_free(envp);
	hx_profile_free(&set);
	return status;
}
