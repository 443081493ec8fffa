/*
 * hx_emu: running test artifacts under QEMU user mode or natively.
 */
#include "config.h"

#include <errno.h>
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
#include "hx_hash.h"
#include "hx_progress.h"
#include "emu/hx_emu.h"
#include "emu/hx_qemu.h"
#include "rec/hx_env.h"
#include "hx_err.h"
#include "hx_spawn.h"
#include "emu/hx_tap.h"

/* Standard output is kept whole up to this size, for TAP. */
#define CAPTURE_MAX (1024 * 1024)
/* The exit status that means "skipped", as automake and TAP agree. */
#define EXIT_SKIP 77

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

/* Set the N variables of VARS in ENVP of *NENV entries, over those there. */
static void
put_vars(char **envp, size_t *nenv, const struct hx_field_pair *vars,
    size_t n)
{
	size_t i, j, namelen;

	for (j = 0; j < n; j++) {
		namelen = strlen(vars[j].name);
		for (i = 0; i < *nenv; i++)
			if (strncmp(envp[i], vars[j].name, namelen) == 0 &&
			    envp[i][namelen] == '=')
				break;
		if (i == *nenv)
			(*nenv)++;
		else
			free(envp[i]);
		envp[i] = hx_xasprintf("%s=%s", vars[j].name, vars[j].value);
	}
}

/*
 * The fixed base environment, HX_OFFLOAD when hx-emu serves a stub, the
 * N variables of VARS over them, and the variables of --setenv over those.
 */
static char **
merge_env(const struct hx_emu_options *opt, const struct hx_field_pair *vars,
    size_t n)
{
	size_t nbase = 0, i;
	char **envp;

	while (base_env[nbase] != NULL)
		nbase++;
	envp = hx_xcalloc(nbase + n + opt->nenv + 2, sizeof(*envp));
	for (i = 0; i < nbase; i++)
		envp[i] = hx_xstrdup(base_env[i]);
	if (opt->offload != NULL)
		envp[nbase++] = hx_xasprintf("HX_OFFLOAD=%s", opt->offload);
	put_vars(envp, &nbase, vars, n);
	put_vars(envp, &nbase, opt->env, opt->nenv);
	return envp;
}

/*
 * Fill the runner, QEMU and sysroot of T from the record and the ELF file.
 * Returns 0, or -1 with ERR filled when QEMU or the loader is missing.
 */
static int
choose_runner(struct hx_emu_test *t, const struct hx_artifact *artifact,
    struct hx_err_info *err)
{
	const struct hx_emu_options *opt = t->opt;
	const char *sysroot = artifact->toolchain.sysroot;
	const char *arch = artifact->arch, *qemu, *why, *view;
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
	if (opt->cpu != NULL || artifact->toolchain.cpu != NULL)
		t->cpu = hx_xstrdup(opt->cpu != NULL ? opt->cpu :
		    artifact->toolchain.cpu);
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
	if (hx_elf_interp(t->exe, interp, sizeof(interp)) == 0 &&
	    interp[0] != '\0' && hx_qemu_check_loader(t->artifact, arch,
	    t->sysroot, interp, err) < 0)
		return -1;
	if (strcmp(t->sysroot, "/") == 0)
		return 0;
	/* The guest sees the sysroot and nothing of the host's in its place. */
	if ((view = hx_qemu_sysroot_view(t->sysroot, arch, opt->tmpdir,
	    err)) == NULL)
		return -1;
	free(t->sysroot);
	t->sysroot = hx_xstrdup(view);
	return 0;
}

struct hx_emu_test *
hx_emu_prepare(const struct hx_artifact *artifact,
    const struct hx_emu_options *opt, struct hx_err_info *err)
{
	struct hx_emu_test *t = hx_xcalloc(1, sizeof(*t));
	char sha256[HX_SHA256_HEX] = "";
	size_t i, nargs = 0;

	t->opt = opt;
	t->artifact = hx_xstrdup(artifact->path);
	t->name = hx_xstrdup(artifact->name);
	t->envp = merge_env(opt, artifact->env, artifact->nenv);
	while (artifact->args != NULL && artifact->args[nargs] != NULL)
		nargs++;
	t->args = hx_xcalloc(nargs + 1, sizeof(*t->args));
	for (i = 0; i < nargs; i++)
		t->args[i] = hx_xstrdup(artifact->args[i]);
	t->exe = absolute(artifact->path);
	if (artifact->cwd != NULL)
		t->cwd = absolute(artifact->cwd);
	if (access(t->exe, F_OK) != 0) {
		t->error = hx_xasprintf("cannot run %s: %s", artifact->path,
		    strerror(errno));
		return t;
	}
	if (t->cwd != NULL && access(t->cwd, X_OK) != 0) {
		t->error = hx_xasprintf("cannot run %s in %s: %s",
		    artifact->path, artifact->cwd, strerror(errno));
		return t;
	}
	/* Only what the record describes runs, or a count means nothing. */
	if (artifact->sha256 != NULL && hx_hash_sha256_file(t->exe,
	    sha256) != 0) {
		t->error = hx_xasprintf("cannot read %s: %s", artifact->path,
		    strerror(errno));
		return t;
	}
	if (artifact->sha256 != NULL && strcmp(sha256,
	    artifact->sha256) != 0) {
		t->error = hx_xasprintf("%s is not the file the artifact "
		    "record describes: its sha256 is %s, the record says %s",
		    artifact->path, sha256, artifact->sha256);
		return t;
	}
	if (choose_runner(t, artifact, err) < 0) {
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
	free(t->cpu);
	free(t->cwd);
	free(t);
}

/* Running: --------------------------------------------------------------- */

static atomic_ulong count_files;

/* A "region NAME INSNS ENTRIES" line of the plugin's report, into R. */
static bool
read_region(const char *line, struct hx_outcome_run *r)
{
	struct hx_outcome_region *region;
	uint64_t insns, entries;
	char name[65];
	int end = -1;

	if (sscanf(line, "region %64[A-Za-z0-9_] %" SCNu64 " %" SCNu64 "%n",
	    name, &insns, &entries, &end) != 3 || line[end] != '\0')
		return false;
	r->regions = hx_xrealloc(r->regions,
	    (r->nregions + 1) * sizeof(*r->regions));
	region = &r->regions[r->nregions++];
	region->name = hx_xstrdup(name);
	region->insns = insns;
	region->entries = entries;
	return true;
}

/* The first line of the plugin's report, the count, into *VALUE. */
static bool
read_total(const char *line, uint64_t *value)
{
	char *end;

	errno = 0;
	*value = strtoull(line, &end, 10);
	return errno == 0 && end != line && *end == '\n';
}

/*
 * Read the plugin's report at PATH into R: the count on the first line,
 * then a line per region, and an error line per marker misused (the
 * first is kept).  False when it is not such a report.
 */
static bool
read_count(const char *path, struct hx_outcome_run *r)
{
	char *line = NULL;
	size_t size = 0;
	bool ok;
	FILE *f;

	if ((f = fopen(path, "re")) == NULL)
		return false;
	ok = getline(&line, &size, f) > 0 && read_total(line, &r->insns);
	while (ok && getline(&line, &size, f) > 0) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "error ", 6) != 0)
			ok = read_region(line, r);
		else if (r->region_error == NULL)
			r->region_error = hx_xstrdup(line + 6);
	}
	free(line);
	fclose(f);
	return ok;
}

static void
run_once(const struct hx_emu_test *t, struct hx_outcome_run *r)
{
	const struct hx_emu_options *opt = t->opt;
	struct hx_spawn spec = { 0 };
	char **argv, *count_path = NULL, *plugin_arg = NULL;
	size_t nargs = 0, i, n = 0;

	memset(r, 0, sizeof(*r));
	while (t->args[nargs] != NULL)
		nargs++;
	argv = hx_xcalloc(nargs + 12, sizeof(*argv));
	if (t->qemu != NULL) {
		argv[n++] = t->qemu;
		/* argv[0] is the file's name, wherever the build put it. */
		argv[n++] = (char *)"-0";
		argv[n++] = strrchr(t->exe, '/') != NULL ?
		    strrchr(t->exe, '/') + 1 : t->exe;
		/*
		 * QEMU puts the path it is given on the guest's stack
		 * (AT_EXECFN), so the path's length would move the count:
		 * give it the program as descriptor 3, the same path for
		 * every program wherever it lies.
		 */
		spec.fd3_path = t->exe;
		if (t->sysroot != NULL) {
			argv[n++] = (char *)"-L";
			argv[n++] = t->sysroot;
		}
		if (t->cpu != NULL) {
			argv[n++] = (char *)"-cpu";
			argv[n++] = t->cpu;
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
	argv[n++] = t->qemu != NULL ? (char *)"/proc/self/fd/3" : t->exe;
	for (i = 0; i < nargs; i++)
		argv[n++] = t->args[i];
	spec.argv = argv;
	spec.envp = t->envp;
	spec.cwd = t->cwd;
	spec.timeout_ns = opt->timeout_ns;
	spec.tail_max = CAPTURE_MAX;
	spec.capture = true;
	spec.harness = opt->harness;
	r->spawn_error = hx_spawn_run(&spec, &r->res);
	if (count_path != NULL) {
		r->counted = r->spawn_error == 0 && !r->res.timed_out &&
		    read_count(count_path, r);
		unlink(count_path);
	}
	if (r->spawn_error != 0)
		r->status = HX_STATUS_ERROR;
	else if (r->res.timed_out)
		r->status = HX_STATUS_TIMEOUT;
	else if (r->res.exited && r->res.status == 0)
		r->status = HX_STATUS_PASS;
	else if (r->res.exited && r->res.status == EXIT_SKIP)
		r->status = HX_STATUS_SKIP;
	else
		r->status = HX_STATUS_FAIL;
	if (r->spawn_error == 0)
		hx_tap_parse(r->res.out, r->res.out_len, &r->tap);
	/*
	 * A pass that cannot be trusted is none: TAP cut at the start (its
	 * plan and first points gone) or a count that is missing.
	 */
	if (r->res.out_truncated && (r->tap.is_tap || r->tap.npoints > 0)) {
		r->status = HX_STATUS_FAIL;
		r->broken = "its TAP output is over 1 MiB: the points before "
		    "its last MiB were not read";
	} else if (opt->count && !r->counted &&
	    r->status == HX_STATUS_PASS) {
		r->status = HX_STATUS_ERROR;
		r->broken = "it passed, but the plugin wrote no instruction "
		    "count (see its standard error)";
	}
	r->failed = r->status != HX_STATUS_PASS && r->status != HX_STATUS_SKIP;
	r->failed = hx_outcome_run_failed(r);
	free(plugin_arg);
	free(count_path);
	free(argv);
}

/* The outcome of one repetition: its last attempt and what came before. */
struct repetition {
	struct hx_outcome_run run;
	int attempt;
	long *failed;			/* TAP points that failed earlier */
	size_t nfailed;
	bool earlier_failed;
};

static void
remember_failures(struct repetition *o, const struct hx_outcome_run *r)
{
	size_t i, j;

	o->earlier_failed = true;
	for (i = 0; i < r->tap.npoints; i++) {
		if (hx_tap_point_passed(&r->tap.points[i]))
			continue;
		for (j = 0; j < o->nfailed; j++)
			if (o->failed[j] == r->tap.points[i].number)
				break;
		if (j < o->nfailed)
			continue;
		o->failed = hx_xrealloc(o->failed,
		    (o->nfailed + 1) * sizeof(*o->failed));
		o->failed[o->nfailed++] = r->tap.points[i].number;
	}
}

/* Run T once, and again on failure while retries are left. */
static void
run_with_retries(const struct hx_emu_test *t, struct repetition *o)
{
	memset(o, 0, sizeof(*o));
	o->attempt = 1;
	run_once(t, &o->run);
	while (o->run.failed && o->attempt <= t->opt->retries) {
		remember_failures(o, &o->run);
		hx_outcome_run_free(&o->run);
		o->attempt++;
		run_once(t, &o->run);
	}
}

static void
repetition_free(struct repetition *o)
{
	hx_outcome_run_free(&o->run);
	free(o->failed);
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
hx_emu_run(const struct hx_emu_test *t, struct hx_outcome *out)
{
	struct hx_outcome_test what = {
		.name = t->name, .artifact = t->artifact, .runner = t->runner,
		.started = t->qemu != NULL ? t->qemu : t->exe, .cpu = t->cpu,
		.timeout_ns = t->opt->timeout_ns, .tail = t->opt->tail,
		.quarantine = t->opt->quarantine,
	};
	struct repetition chosen, o;
	bool have_chosen = false;
	char *message, *label;
	int rep;

	memset(out, 0, sizeof(*out));
	if (t->error != NULL) {
		hx_progress_start(t->opt->progress, t->name);
		hx_progress_done(t->opt->progress, t->name, true);
		hx_outcome_set_error(out, t->error);
		return;
	}
	/* Report the first failed repetition, or else the last one. */
	for (rep = 1; rep <= t->opt->repeat; rep++) {
		label = t->opt->repeat > 1 ? hx_xasprintf("%s run %d/%d",
		    t->name, rep, t->opt->repeat) : hx_xstrdup(t->name);
		hx_progress_start(t->opt->progress, label);
		run_with_retries(t, &o);
		hx_progress_done(t->opt->progress, label, o.run.failed);
		free(label);
		if (!o.run.failed && o.run.status == HX_STATUS_PASS &&
		    (o.run.counted || !t->opt->count))
			hx_outcome_add_sample(out, &what, &o.run, rep);
		if (have_chosen && chosen.run.failed) {
			repetition_free(&o);
			continue;
		}
		if (have_chosen)
			repetition_free(&chosen);
		chosen = o;
		have_chosen = true;
	}
	if (system_failure(chosen.run.spawn_error)) {
		/* Not the test's fault: this machine could not start it. */
		message = hx_xasprintf("cannot start %s: %s", what.started,
		    strerror(chosen.run.spawn_error));
		hx_outcome_set_error(out, message);
		free(message);
	} else
		hx_outcome_add_tests(out, &what, &chosen.run, chosen.attempt,
		    chosen.failed, chosen.nfailed, !chosen.run.tap.is_tap &&
		    chosen.earlier_failed && !chosen.run.failed);
	repetition_free(&chosen);
}
