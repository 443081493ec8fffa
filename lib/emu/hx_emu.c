/*
 * hx_emu: running test artifacts under QEMU user mode or natively.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hx_elf.h"
#include "emu/hx_emu.h"
#include "emu/hx_qemu.h"
#include "rec/hx_env.h"
#include "hx_err.h"
#include "rec/hx_rec.h"
#include "hx_spawn.h"
#include "emu/hx_tap.h"

/* Points of a TAP plan that did not run get a record each up to this. */
#define MISSING_POINTS_MAX 10
/* Standard output is kept whole up to this size, for TAP. */
#define CAPTURE_MAX (1024 * 1024)
/* The exit status that means "skipped", as automake and TAP agree. */
#define EXIT_SKIP 77

/* Text: -------------------------------------------------------------------- */

/*
 * A JSON string of the last MAX bytes of S (LEN bytes), cut at a
 * character boundary, with bytes that are not UTF-8 and NULs replaced by
 * U+FFFD so that any output makes a valid record.
 */
static json_t *
text_tail(const char *s, size_t len, size_t max)
{
	if (len > max) {
		s += len - max;
		len = max;
		while (len > 0 && ((unsigned char)*s & 0xc0) == 0x80) {
			s++;
			len--;
		}
	}
	return hx_json_text(s, len);
}

static void
set_text(json_t *obj, const char *key, const char *s, size_t len, size_t max)
{
	if (s != NULL && len > 0 && max > 0)
		json_object_set_new(obj, key, text_tail(s, len, max));
}

static void
set_string(json_t *obj, const char *key, const char *s)
{
	if (s != NULL)
		json_object_set_new(obj, key,
		    text_tail(s, strlen(s), SIZE_MAX));
}

/* Preparing: ------------------------------------------------------------- */

/* PATH made absolute against the current directory. */
static char *
absolute(const char *path)
{
	char cwd[PATH_MAX];

	if (path[0] == '/' || getcwd(cwd, sizeof(cwd)) == NULL)
		return hx_xstrdup(path);
	return hx_xasprintf("%s/%s", cwd, path);
}

static const char *
get_string(const json_t *obj, const char *key, bool *bad)
{
	json_t *v = json_object_get(obj, key);

	if (v == NULL || json_is_null(v))
		return NULL;
	if (!json_is_string(v)) {
		*bad = true;
		return NULL;
	}
	return json_string_value(v);
}

/*
 * The environment every test starts from.  Nothing of hx-emu's own
 * environment reaches a test: the guest's C library reads its environment
 * at start-up, so its size alone changes instruction counts.
 */
static const char *const base_env[] = {
	"HOME=/",
	"LC_ALL=C",
	"PATH=/usr/local/bin:/usr/bin:/bin",
	"TMPDIR=/tmp",
	"TZ=UTC",
	NULL,
};

/* The fixed base environment with the record's VARS (or none) over it. */
static char **
merge_env(const json_t *vars, char **message)
{
	const char *key;
	json_t *value;
	size_t n = 0, i, keylen;
	char **envp;

	while (base_env[n] != NULL)
		n++;
	envp = hx_xcalloc(n + json_object_size(vars) + 1, sizeof(*envp));
	for (i = 0; i < n; i++)
		envp[i] = hx_xstrdup(base_env[i]);
	json_object_foreach((json_t *)vars, key, value) {
		if (!json_is_string(value) || *key == '\0' ||
		    strchr(key, '=') != NULL) {
			*message = hx_xasprintf("env.%s: expected a string "
			    "value and a name without '='", key);
			for (i = 0; i < n; i++)
				free(envp[i]);
			free(envp);
			return NULL;
		}
		keylen = strlen(key);
		for (i = 0; i < n; i++)
			if (strncmp(envp[i], key, keylen) == 0 &&
			    envp[i][keylen] == '=')
				break;
		if (i == n)
			n++;
		else
			free(envp[i]);
		envp[i] = hx_xasprintf("%s=%s", key, json_string_value(value));
	}
	return envp;
}

/*
 * Fill the runner, QEMU and sysroot of T from the record and the ELF file.
 * Returns 0, or -1 with ERR filled when QEMU or the loader is missing.
 */
static int
choose_runner(struct hx_emu_test *t, const json_t *artifact,
    const char *record_arch, struct hx_err_info *err)
{
	const struct hx_emu_options *opt = t->opt;
	const json_t *toolchain = json_object_get(artifact, "toolchain");
	const char *sysroot = NULL, *arch = record_arch, *qemu, *why;
	char interp[PATH_MAX];

	if (arch == NULL && (arch = hx_elf_arch_file(t->exe, &why)) != NULL &&
	    strcmp(arch, "unknown") == 0)
		arch = NULL;
	if (arch == NULL)
		arch = hx_qemu_host_arch();
	if (strcmp(arch, hx_qemu_host_arch()) == 0 && !opt->count) {
		t->runner = hx_xstrdup("native");
		return 0;
	}
	t->runner = hx_xasprintf("qemu-%s", arch);
	if ((qemu = hx_qemu_find(arch, opt->count ? opt->plugin : NULL,
	    opt->tmpdir, err)) == NULL)
		return -1;
	t->qemu = hx_xstrdup(qemu);
	if (json_is_object(toolchain) &&
	    json_is_string(json_object_get(toolchain, "sysroot")))
		sysroot = json_string_value(json_object_get(toolchain,
		    "sysroot"));
	if (opt->sysroot != NULL)
		sysroot = opt->sysroot;
	if (sysroot == NULL && strcmp(arch, hx_qemu_host_arch()) == 0)
		sysroot = "/";
	if (sysroot == NULL)
		sysroot = strcmp(arch, "riscv64") == 0 ? hx_env_sysroot() :
		    NULL;
	if (sysroot == NULL)
		return 0;
	t->sysroot = absolute(sysroot);
	if (hx_elf_interp(t->exe, interp, sizeof(interp)) < 0 ||
	    interp[0] == '\0')
		return 0;
	return hx_qemu_check_loader(t->artifact, arch, t->sysroot, interp,
	    err);
}

struct hx_emu_test *
hx_emu_prepare(const json_t *artifact, const struct hx_emu_options *opt,
    char **message, struct hx_err_info *err)
{
	const json_t *args = json_object_get(artifact, "args");
	const json_t *env = json_object_get(artifact, "env");
	const char *name, *path, *cwd, *arch, *slash;
	struct hx_emu_test *t;
	bool bad = false;
	size_t i;

	*message = NULL;
	path = get_string(artifact, "path", &bad);
	name = get_string(artifact, "name", &bad);
	cwd = get_string(artifact, "cwd", &bad);
	arch = get_string(artifact, "arch", &bad);
	if (bad || path == NULL || *path == '\0') {
		*message = hx_xstrdup("artifact: path, name, cwd and arch "
		    "must be strings, and path is required");
		return NULL;
	}
	if (args != NULL && !json_is_array(args)) {
		*message = hx_xstrdup("artifact: args must be an array");
		return NULL;
	}
	for (i = 0; i < json_array_size(args); i++)
		if (!json_is_string(json_array_get(args, i))) {
			*message = hx_xasprintf("artifact: args[%zu] is not a "
			    "string", i);
			return NULL;
		}
	if (env != NULL && !json_is_object(env)) {
		*message = hx_xstrdup("artifact: env must be an object");
		return NULL;
	}
	t = hx_xcalloc(1, sizeof(*t));
	t->opt = opt;
	t->artifact = hx_xstrdup(path);
	slash = strrchr(path, '/');
	t->name = hx_xstrdup(name != NULL ? name : slash != NULL ? slash + 1 :
	    path);
	if ((t->envp = merge_env(env, message)) == NULL) {
		hx_emu_test_free(t);
		return NULL;
	}
	t->args = hx_xcalloc(json_array_size(args) + 1, sizeof(*t->args));
	for (i = 0; i < json_array_size(args); i++)
		t->args[i] = hx_xstrdup(json_string_value(json_array_get(args,
		    i)));
	t->exe = absolute(path);
	if (cwd != NULL)
		t->cwd = absolute(cwd);
	if (access(t->exe, F_OK) != 0) {
		t->error = hx_xasprintf("cannot run %s: %s", path,
		    strerror(errno));
		return t;
	}
	if (t->cwd != NULL && access(t->cwd, X_OK) != 0) {
		t->error = hx_xasprintf("cannot run %s in %s: %s", path, cwd,
		    strerror(errno));
		return t;
	}
	if (choose_runner(t, artifact, arch, err) < 0) {
		hx_emu_test_free(t);
		return NULL;
	}
	return t;
}

void
hx_emu_test_free(struct hx_emu_test *t)
{
	char **p;

	if (t == NULL)
		return;
	for (p = t->args; p != NULL && *p != NULL; p++)
		free(*p);
	for (p = t->envp; p != NULL && *p != NULL; p++)
		free(*p);
	free(t->args);
	free(t->envp);
	free(t->name);
	free(t->artifact);
	free(t->error);
	free(t->exe);
	free(t->runner);
	free(t->qemu);
	free(t->sysroot);
	free(t->cwd);
	free(t);
}

/* Running: --------------------------------------------------------------- */

/* One execution of a test program. */
struct run {
	struct hx_spawn_result res;
	int spawn_error;		/* errno from starting it, or 0 */
	bool counted;
	uint64_t insns;
	const char *status;		/* the program's own status */
	struct hx_tap tap;
	bool failed;			/* worth a retry; counts as failed */
};

static atomic_ulong count_files;

static bool
read_count(const char *path, uint64_t *value)
{
	char buf[32], *end;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	errno = 0;
	*value = strtoull(buf, &end, 10);
	return errno == 0 && end != buf && *end == '\n';
}

/* Whether a TAP run failed: a point failed, one is missing, it bailed. */
static bool
tap_failed(const struct hx_tap *tap)
{
	size_t i;

	if (tap->bail_out != NULL ||
	    (tap->planned >= 0 && (size_t)tap->planned != tap->npoints))
		return true;
	for (i = 0; i < tap->npoints; i++)
		if (!hx_tap_point_passed(&tap->points[i]))
			return true;
	return false;
}

static void
run_once(const struct hx_emu_test *t, struct run *r)
{
	const struct hx_emu_options *opt = t->opt;
	struct hx_spawn spec = { 0 };
	char **argv, *count_path = NULL, *plugin_arg = NULL;
	size_t nargs = 0, i, n = 0;

	memset(r, 0, sizeof(*r));
	while (t->args[nargs] != NULL)
		nargs++;
	argv = hx_xcalloc(nargs + 10, sizeof(*argv));
	if (t->qemu != NULL) {
		argv[n++] = t->qemu;
		/* argv[0] is the file's name, wherever the build put it. */
		argv[n++] = (char *)"-0";
		argv[n++] = strrchr(t->exe, '/') != NULL ?
		    strrchr(t->exe, '/') + 1 : t->exe;
		if (t->sysroot != NULL) {
			argv[n++] = (char *)"-L";
			argv[n++] = t->sysroot;
		}
		if (opt->count) {
			count_path = hx_xasprintf("%s/count.%lu", opt->tmpdir,
			    atomic_fetch_add(&count_files, 1));
			plugin_arg = hx_xasprintf("%s,out=%s", opt->plugin,
			    count_path);
			argv[n++] = (char *)"-plugin";
			argv[n++] = plugin_arg;
		}
	}
	argv[n++] = t->exe;
	for (i = 0; i < nargs; i++)
		argv[n++] = t->args[i];
	spec.argv = argv;
	spec.envp = t->envp;
	spec.cwd = t->cwd;
	spec.timeout_ns = opt->timeout_ns;
	spec.tail_max = CAPTURE_MAX;
	spec.capture = true;
	r->spawn_error = hx_spawn_run(&spec, &r->res);
	if (count_path != NULL) {
		r->counted = r->spawn_error == 0 && !r->res.timed_out &&
		    read_count(count_path, &r->insns);
		unlink(count_path);
	}
	if (r->spawn_error != 0)
		r->status = "error";
	else if (r->res.timed_out)
		r->status = "timeout";
	else if (r->res.exited && r->res.status == 0)
		r->status = "pass";
	else if (r->res.exited && r->res.status == EXIT_SKIP)
		r->status = "skip";
	else
		r->status = "fail";
	if (r->spawn_error == 0)
		hx_tap_parse(r->res.out, r->res.out_len, &r->tap);
	r->failed = strcmp(r->status, "pass") != 0 &&
	    strcmp(r->status, "skip") != 0;
	if (r->tap.is_tap && !r->failed)
		r->failed = tap_failed(&r->tap);
	free(plugin_arg);
	free(count_path);
	free(argv);
}

static void
run_free(struct run *r)
{
	if (r->spawn_error == 0)
		hx_spawn_result_free(&r->res);
	hx_tap_free(&r->tap);
}

/* The fields every record of run R has. */
static json_t *
base_record(const struct hx_emu_test *t, const struct run *r, int attempt,
    const char *name)
{
	json_t *rec = json_object();

	json_object_set_new(rec, "type", json_string("test"));
	set_string(rec, "name", name);
	set_string(rec, "artifact", t->artifact);
	json_object_set_new(rec, "runner", json_string(t->runner));
	json_object_set_new(rec, "attempt", json_integer(attempt));
	json_object_set_new(rec, "duration_ns",
	    json_integer(r->res.duration_ns));
	if (r->spawn_error == 0 && r->res.exited)
		json_object_set_new(rec, "exit_code",
		    json_integer(r->res.status));
	if (r->spawn_error == 0 && r->res.signaled)
		json_object_set_new(rec, "signal", json_integer(r->res.signal));
	if (r->counted)
		json_object_set_new(rec, "insns",
		    json_integer((json_int_t)r->insns));
	return rec;
}

static void
add_tails(json_t *rec, const struct run *r, size_t max)
{
	if (r->spawn_error != 0)
		return;
	set_text(rec, "stdout_tail", r->res.out, r->res.out_len, max);
	set_text(rec, "stderr_tail", r->res.err, r->res.err_len, max);
}

/* Why a run ended badly, for the message field. */
static char *
run_message(const struct hx_emu_test *t, const struct run *r)
{
	if (r->spawn_error != 0)
		return hx_xasprintf("cannot start %s: %s",
		    t->qemu != NULL ? t->qemu : t->exe,
		    strerror(r->spawn_error));
	if (r->res.timed_out)
		return hx_xasprintf("killed after %.9g s",
		    (double)t->opt->timeout_ns / 1e9);
	if (r->res.signaled)
		return hx_xasprintf("killed by signal %d (%s)", r->res.signal,
		    strsignal(r->res.signal));
	if (r->res.exited && r->res.status != 0 &&
	    r->res.status != EXIT_SKIP)
		return hx_xasprintf("exit status %d", r->res.status);
	return NULL;
}

/* Mark REC quarantined and flaky as they apply, and add it to RECORDS. */
static void
finish_record(const struct hx_emu_test *t, json_t *rec, bool flaky,
    json_t *records)
{
	const char *name = json_string_value(json_object_get(rec, "name"));
	struct hx_emu_quarantine *q = t->opt->quarantine;

	if (flaky)
		json_object_set_new(rec, "flaky", json_true());
	if (q != NULL && (hx_emu_quarantined(q, name) ||
	    hx_emu_quarantined(q, t->name)))
		json_object_set_new(rec, "quarantined", json_true());
	json_array_append_new(records, rec);
}

/* Whether point NUMBER is in the list of points that failed before. */
static bool
failed_before(const long *failed, size_t nfailed, long number)
{
	size_t i;

	for (i = 0; i < nfailed; i++)
		if (failed[i] == number)
			return true;
	return false;
}

/*
 * The records of a TAP run: one per point, one per planned point that did
 * not run, and one for the program when it skipped as a whole, bailed
 * out, timed out, was killed by a signal, or exited badly after its
 * points passed.  FAILED lists the point numbers that failed
 * on an earlier attempt: those that pass now are flaky.
 */
static void
tap_records(const struct hx_emu_test *t, const struct run *r, int attempt,
    const long *failed, size_t nfailed, json_t *records)
{
	const struct hx_tap *tap = &r->tap;
	const struct hx_tap_point *pt;
	char *name, *message;
	json_t *rec;
	long k;
	size_t i;
	bool ok, ended_badly;

	if (tap->plan_skip != NULL && tap->npoints == 0) {
		rec = base_record(t, r, attempt, t->name);
		json_object_set_new(rec, "status", json_string("skip"));
		name = hx_xasprintf("SKIP %s", tap->plan_skip);
		set_string(rec, "directive", name);
		free(name);
		finish_record(t, rec, false, records);
		return;
	}
	for (i = 0; i < tap->npoints; i++) {
		pt = &tap->points[i];
		name = hx_xasprintf("%s:%s", t->name, *pt->description != '\0' ?
		    pt->description : "");
		if (*pt->description == '\0') {
			free(name);
			name = hx_xasprintf("%s:%ld", t->name, pt->number);
		}
		rec = base_record(t, r, attempt, name);
		free(name);
		ok = hx_tap_point_passed(pt);
		json_object_set_new(rec, "status", json_string(!ok ? "fail" :
		    pt->directive == HX_TAP_SKIP ? "skip" : "pass"));
		json_object_set_new(rec, "number", json_integer(pt->number));
		if (*pt->description != '\0')
			set_string(rec, "description", pt->description);
		if (pt->directive != HX_TAP_NONE) {
			name = hx_xasprintf("%s%s%s", pt->directive ==
			    HX_TAP_SKIP ? "SKIP" : "TODO",
			    *pt->reason != '\0' ? " " : "", pt->reason);
			set_string(rec, "directive", name);
			free(name);
		}
		set_string(rec, "diagnostics", pt->diagnostics);
		if (!ok)
			add_tails(rec, r, t->opt->tail);
		finish_record(t, rec, ok && failed_before(failed, nfailed,
		    pt->number), records);
	}
	for (k = (long)tap->npoints + 1; k <= tap->planned; k++) {
		/*
		 * A record for each point that did not run, up to a few: a
		 * plan of 1..2000000 must not become two million records.
		 */
		if (tap->planned - k >= MISSING_POINTS_MAX) {
			name = hx_xasprintf("%s:%ld..%ld", t->name, k,
			    tap->planned);
			message = hx_xasprintf("test points %ld..%ld of 1..%ld "
			    "did not run", k, tap->planned, tap->planned);
		} else {
			name = hx_xasprintf("%s:%ld", t->name, k);
			message = hx_xasprintf("test point %ld of 1..%ld did "
			    "not run", k, tap->planned);
		}
		rec = base_record(t, r, attempt, name);
		free(name);
		json_object_set_new(rec, "status", json_string("fail"));
		json_object_set_new(rec, "number", json_integer(k));
		if (tap->planned - k >= MISSING_POINTS_MAX)
			k = tap->planned;
		set_string(rec, "message", message);
		free(message);
		add_tails(rec, r, t->opt->tail);
		finish_record(t, rec, false, records);
	}
	message = run_message(t, r);
	ended_badly = strcmp(r->status, "timeout") == 0 ||
	    (r->spawn_error == 0 && r->res.signaled);
	if (tap->bail_out != NULL || ended_badly ||
	    (message != NULL && !tap_failed(tap))) {
		rec = base_record(t, r, attempt, t->name);
		json_object_set_new(rec, "status", json_string(
		    strcmp(r->status, "timeout") == 0 ? "timeout" : "fail"));
		if (tap->bail_out != NULL) {
			free(message);
			message = hx_xasprintf("Bail out! %s", tap->bail_out);
		}
		set_string(rec, "message", message);
		add_tails(rec, r, t->opt->tail);
		finish_record(t, rec, false, records);
	}
	free(message);
}

/* The record of a program that is not TAP. */
static void
plain_record(const struct hx_emu_test *t, const struct run *r, int attempt,
    bool flaky, json_t *records)
{
	json_t *rec = base_record(t, r, attempt, t->name);
	char *message = run_message(t, r);

	json_object_set_new(rec, "status", json_string(r->status));
	set_string(rec, "message", message);
	add_tails(rec, r, t->opt->tail);
	finish_record(t, rec, flaky, records);
	free(message);
}

static json_t *
sample_record(const struct hx_emu_test *t, const struct run *r, int index)
{
	json_t *rec = json_object();

	json_object_set_new(rec, "type", json_string("sample"));
	set_string(rec, "name", t->name);
	set_string(rec, "test", t->name);
	json_object_set_new(rec, "index", json_integer(index));
	if (t->opt->count) {
		json_object_set_new(rec, "unit", json_string("insns"));
		json_object_set_new(rec, "value",
		    json_integer((json_int_t)r->insns));
	} else {
		json_object_set_new(rec, "unit", json_string("ns"));
		json_object_set_new(rec, "value",
		    json_integer(r->res.duration_ns));
	}
	return rec;
}

/* The outcome of one repetition: its last attempt and what came before. */
struct outcome {
	struct run run;
	int attempt;
	long *failed;			/* TAP points that failed earlier */
	size_t nfailed;
	bool earlier_failed;
};

static void
remember_failures(struct outcome *o, const struct run *r)
{
	size_t i;

	o->earlier_failed = true;
	for (i = 0; i < r->tap.npoints; i++) {
		if (hx_tap_point_passed(&r->tap.points[i]) ||
		    failed_before(o->failed, o->nfailed,
		    r->tap.points[i].number))
			continue;
		o->failed = hx_xrealloc(o->failed,
		    (o->nfailed + 1) * sizeof(*o->failed));
		o->failed[o->nfailed++] = r->tap.points[i].number;
	}
}

/* Run T once, and again on failure while retries are left. */
static void
run_with_retries(const struct hx_emu_test *t, struct outcome *o)
{
	memset(o, 0, sizeof(*o));
	o->attempt = 1;
	run_once(t, &o->run);
	while (o->run.failed && o->attempt <= t->opt->retries) {
		remember_failures(o, &o->run);
		run_free(&o->run);
		o->attempt++;
		run_once(t, &o->run);
	}
}

/*
 * Whether a program could not start for want of resources of this
 * machine (descriptors, memory, processes) or because hx is stopping,
 * rather than for anything of its own (missing, not executable).
 */
static bool
system_failure(int error)
{
	return error == EMFILE || error == ENFILE || error == ENOMEM ||
	    error == EAGAIN || error == ECANCELED;
}

void
hx_emu_run(const struct hx_emu_test *t, json_t *records)
{
	struct outcome chosen, o;
	json_t *samples = json_array();
	char *message;
	bool have_chosen = false;
	int rep;

	if (t->error != NULL) {
		json_array_append_new(records, hx_rec_error_record(t->artifact,
		    0, 0, t->error));
		json_decref(samples);
		return;
	}
	/* Report the first failed repetition, or else the last one. */
	for (rep = 1; rep <= t->opt->repeat; rep++) {
		run_with_retries(t, &o);
		if (t->opt->samples && !o.run.failed &&
		    strcmp(o.run.status, "pass") == 0 &&
		    (o.run.counted || !t->opt->count))
			json_array_append_new(samples,
			    sample_record(t, &o.run, rep));
		if (have_chosen && chosen.run.failed) {
			run_free(&o.run);
			free(o.failed);
			continue;
		}
		if (have_chosen) {
			run_free(&chosen.run);
			free(chosen.failed);
		}
		chosen = o;
		have_chosen = true;
	}
	if (system_failure(chosen.run.spawn_error)) {
		/* Not the test's fault: this machine could not start it. */
		message = run_message(t, &chosen.run);
		json_array_append_new(records, hx_rec_error_record(t->artifact,
		    0, 0, message));
		free(message);
	} else if (chosen.run.tap.is_tap)
		tap_records(t, &chosen.run, chosen.attempt, chosen.failed,
		    chosen.nfailed, records);
	else
		plain_record(t, &chosen.run, chosen.attempt,
		    chosen.earlier_failed && !chosen.run.failed, records);
	json_array_extend(records, samples);
	json_decref(samples);
	run_free(&chosen.run);
	free(chosen.failed);
}

bool
hx_emu_record_failed(const json_t *record)
{
	const char *status = json_string_value(json_object_get(record,
	    "status"));

	if (status == NULL || json_is_true(json_object_get(record,
	    "quarantined")))
		return false;
	return strcmp(status, "fail") == 0 || strcmp(status, "timeout") == 0 ||
	    strcmp(status, "error") == 0;
}

/* Quarantine: ------------------------------------------------------------ */

struct hx_emu_quarantine {
	char **patterns;
	size_t n;
};

struct hx_emu_quarantine *
hx_emu_quarantine_load(const char *path)
{
	struct hx_emu_quarantine *q;
	char *line = NULL, *s, *e;
	size_t cap = 0;
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL)
		return NULL;
	q = hx_xcalloc(1, sizeof(*q));
	while (getline(&line, &cap, fp) >= 0) {
		for (s = line; *s == ' ' || *s == '\t'; s++)
			continue;
		e = s + strlen(s);
		while (e > s && (e[-1] == '\n' || e[-1] == '\r' ||
		    e[-1] == ' ' || e[-1] == '\t'))
			*--e = '\0';
		if (*s == '\0' || *s == '#')
			continue;
		q->patterns = hx_xrealloc(q->patterns,
		    (q->n + 1) * sizeof(*q->patterns));
		q->patterns[q->n++] = hx_xstrdup(s);
	}
	free(line);
	if (ferror(fp)) {
		fclose(fp);
		hx_emu_quarantine_free(q);
		errno = EIO;
		return NULL;
	}
	fclose(fp);
	return q;
}

bool
hx_emu_quarantined(const struct hx_emu_quarantine *q, const char *name)
{
	size_t i;

	if (q == NULL || name == NULL)
		return false;
	for (i = 0; i < q->n; i++)
		if (fnmatch(q->patterns[i], name, 0) == 0)
			return true;
	return false;
}

void
hx_emu_quarantine_free(struct hx_emu_quarantine *q)
{
	size_t i;

	if (q == NULL)
		return;
	for (i = 0; i < q->n; i++)
		free(q->patterns[i]);
	free(q->patterns);
	free(q);
}
