/*
 * hx_env: the env record.
 *
 * Each component is found the way the tools that use it will find it: a
 * program through PATH, the sysroot through HX_SYSROOT.  Versions are the
 * first line of the program's own --version output, so the record says
 * what a person would see.
 */
#include "config.h"

#include <errno.h>
#include <sched.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "hx_atomic.h"
#include "hx_err.h"
#include "hx_spawn.h"
#include "hx_strv.h"
#include "rec/hx_env.h"
#include "rec/hx_nodefacts.h"

#define PROBE_TIMEOUT_NS (20LL * 1000000000LL)

const char *
hx_env_sysroot(void)
{
	const char *s = getenv("HX_SYSROOT");

	return s != NULL && *s != '\0' ? s : "/usr/riscv64-linux-gnu";
}

/*
 * Run ARGV and return its merged output, or NULL when it could not start
 * or did not exit 0.
 */
static char *
run_output(char *const argv[])
{
	struct hx_spawn spec = { 0 };
	struct hx_spawn_result res;
	char *out;

	spec.argv = argv;
	spec.capture = true;
	spec.merge_stderr = true;
	spec.timeout_ns = PROBE_TIMEOUT_NS;
	spec.tail_max = 65536;
	if (hx_spawn_run(&spec, &res) != 0)
		return NULL;
	if (!res.exited || res.status != 0) {
		hx_spawn_result_free(&res);
		return NULL;
	}
	out = res.out;
	res.out = NULL;
	hx_spawn_result_free(&res);
	return out;
}

/* A copy of the first line of TEXT that contains NEEDLE (any line: NULL). */
static char *
line_with(const char *text, const char *needle)
{
	const char *p = text, *nl;

	while (*p != '\0') {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		if (nl > p && (needle == NULL ||
		    memmem(p, (size_t)(nl - p), needle, strlen(needle)) != NULL))
			return hx_xasprintf("%.*s", (int)(nl - p), p);
		p = *nl == '\n' ? nl + 1 : nl;
	}
	return NULL;
}

/*
 * Find PROGRAM in PATH and read its version: the first line of its
 * `--version' output that holds NEEDLE.
 */
static void
probe_program(struct hx_component *c, const char *program, const char *needle)
{
	char *argv[] = { (char *)program, (char *)"--version", NULL };
	char *out;

	if ((c->path = hx_spawn_which(program)) == NULL) {
		c->detail = hx_xasprintf("%s not found in PATH", program);
		return;
	}
	argv[0] = c->path;
	if ((out = run_output(argv)) == NULL) {
		c->detail = hx_xasprintf("%s --version failed", program);
		return;
	}
	c->version = line_with(out, needle);
	free(out);
	c->found = true;
}

/* clang must not just exist but generate riscv64 code. */
static void
probe_clang(struct hx_component *c)
{
	char *argv[] = { NULL, (char *)"--target=riscv64-linux-gnu",
	    (char *)"-c", (char *)"-x", (char *)"c", (char *)"-o",
	    (char *)"/dev/null", (char *)"/dev/null", NULL };
	char *out;

	probe_program(c, "clang", NULL);
	if (!c->found)
		return;
	argv[0] = c->path;
	if ((out = run_output(argv)) == NULL) {
		c->found = false;
		c->detail = hx_xstrdup("clang cannot generate riscv64 code");
		return;
	}
	free(out);
}

static void
probe_sysroot(struct hx_component *c)
{
	const char *root = hx_env_sysroot();
	char *loader = hx_xasprintf("%s/lib/ld-linux-riscv64-lp64d.so.1", root);
	char *libc = hx_xasprintf("%s/lib/libc.so.6", root);

	c->path = hx_xstrdup(root);
	if (access(loader, R_OK) != 0)
		c->detail = hx_xasprintf("no %s", loader);
	else if (access(libc, R_OK) != 0)
		c->detail = hx_xasprintf("no %s", libc);
	else
		c->found = true;
	free(loader);
	free(libc);
}

/* QEMU loads TCG plugins with -plugin only when built with them. */
static void
probe_qemu_plugins(struct hx_component *c)
{
	char *argv[] = { (char *)"qemu-riscv64", (char *)"-h", NULL };
	char *out;

	if ((c->path = hx_spawn_which(argv[0])) == NULL) {
		c->detail = hx_xstrdup("qemu-riscv64 not found in PATH");
		return;
	}
	argv[0] = c->path;
	if ((out = run_output(argv)) == NULL) {
		c->detail = hx_xstrdup("qemu-riscv64 -h failed");
		return;
	}
	if (strstr(out, "-plugin") != NULL) {
		c->found = true;
		c->version = hx_xstrdup("loads TCG plugins with -plugin");
	}
	else
		c->detail = hx_xstrdup("qemu-riscv64 was built without TCG plugins");
	free(out);
}

static void
probe_gpu_driver(struct hx_component *c)
{
	char *argv[] = { (char *)"nvidia-smi",
	    (char *)"--query-gpu=name,driver_version",
	    (char *)"--format=csv,noheader", NULL };
	char *out;

	if ((c->path = hx_spawn_which(argv[0])) == NULL) {
		c->detail = hx_xstrdup("nvidia-smi not found in PATH");
		return;
	}
	argv[0] = c->path;
	if ((out = run_output(argv)) == NULL) {
		c->detail = hx_xstrdup("nvidia-smi sees no GPU");
		return;
	}
	c->version = line_with(out, NULL);
	c->found = c->version != NULL;
	free(out);
}

/* Hardware counters: these VMs usually say "not supported". */
static void
probe_perf_counters(struct hx_component *c)
{
	struct perf_event_attr attr;
	long fd;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_HARDWARE;
	attr.config = PERF_COUNT_HW_INSTRUCTIONS;
	attr.disabled = 1;
	attr.exclude_kernel = 1;
	attr.exclude_hv = 1;
	fd = syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
	if (fd < 0) {
		c->detail = hx_xasprintf("not supported (%s): software clocks "
		    "are used", strerror(errno));
		return;
	}
	close((int)fd);
	c->found = true;
	c->version = hx_xstrdup("hardware instruction counter available");
}

enum probe_kind { P_PROGRAM, P_CLANG, P_SYSROOT, P_QEMU_PLUGINS, P_GPU, P_PERF };

static const struct {
	const char *name, *purpose, *package;
	bool required;
	enum probe_kind kind;
	const char *program, *needle;
} table[] = {
	{ "host-cc", "building hx and host tests", "gcc", true,
	    P_PROGRAM, "cc", NULL },
	{ "riscv64-gcc", "cross-compiling for riscv64",
	    "gcc-riscv64-linux-gnu", true, P_PROGRAM,
	    "riscv64-linux-gnu-gcc", NULL },
	{ "riscv64-g++", "cross-compiling C++ for riscv64",
	    "g++-riscv64-linux-gnu", false, P_PROGRAM,
	    "riscv64-linux-gnu-g++", NULL },
	{ "riscv64-sysroot", "linking and running riscv64 programs",
	    "libc6-dev-riscv64-cross", true, P_SYSROOT, NULL, NULL },
	{ "qemu-riscv64", "running riscv64 tests", "qemu-user", true,
	    P_PROGRAM, "qemu-riscv64", NULL },
	{ "qemu-plugins", "exact instruction counts", "qemu-user", true,
	    P_QEMU_PLUGINS, NULL, NULL },
	{ "riscv64-clang", "cross-compiling for riscv64 with clang", "clang",
	    false, P_CLANG, NULL, NULL },
	{ "slurm", "hardware-in-the-loop jobs through Slurm",
	    "slurm-client", false, P_PROGRAM, "sbatch", NULL },
	{ "promtool", "checking Prometheus exports", "prometheus", false,
	    P_PROGRAM, "promtool", NULL },
	{ "nvcc", "building the CUDA paths", "nvidia-cuda-toolkit", false,
	    P_PROGRAM, "nvcc", "release" },
	{ "gpu-driver", "running on a GPU", "nvidia-driver", false, P_GPU,
	    NULL, NULL },
	{ "perf-counters", "hardware cycle and instruction counters",
	    NULL, false, P_PERF, NULL, NULL },
};

#define NCOMPONENTS ((int)(sizeof(table) / sizeof(table[0])))

static void
probe_component(struct hx_component *c, int i)
{
	c->name = table[i].name;
	c->purpose = table[i].purpose;
	c->package = table[i].package;
	c->required = table[i].required;
	switch (table[i].kind) {
	case P_PROGRAM:
		probe_program(c, table[i].program, table[i].needle);
		break;
	case P_CLANG:
		probe_clang(c);
		break;
	case P_SYSROOT:
		probe_sysroot(c);
		break;
	case P_QEMU_PLUGINS:
		probe_qemu_plugins(c);
		break;
	case P_GPU:
		probe_gpu_driver(c);
		break;
	case P_PERF:
		probe_perf_counters(c);
		break;
	}
}

static json_t *
string_or_null(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

/* The value of KEY="..." in /etc/os-release, or NULL. */
static char *
os_release(const char *key)
{
	char line[512], *value = NULL, *end;
	size_t klen = strlen(key);
	FILE *fp;

	if ((fp = fopen("/etc/os-release", "re")) == NULL)
		return NULL;
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (strncmp(line, key, klen) != 0 || line[klen] != '=')
			continue;
		value = line + klen + 1;
		if (*value == '"')
			value++;
		end = value + strcspn(value, "\"\n");
		*end = '\0';
		value = hx_xstrdup(value);
		break;
	}
	fclose(fp);
	return value;
}

static char *
cpu_model(void)
{
	char line[512], *p;
	FILE *fp;

	if ((fp = fopen("/proc/cpuinfo", "re")) == NULL)
		return NULL;
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (strncmp(line, "model name", 10) != 0 &&
		    strncmp(line, "uarch", 5) != 0)
			continue;
		if ((p = strchr(line, ':')) == NULL)
			continue;
		p += 1 + strspn(p + 1, " \t");
		p[strcspn(p, "\n")] = '\0';
		fclose(fp);
		return hx_xstrdup(p);
	}
	fclose(fp);
	return NULL;
}

static json_t *
component_json(const struct hx_component *c)
{
	json_t *o = json_object();

	json_object_set_new(o, "name", json_string(c->name));
	json_object_set_new(o, "required", json_boolean(c->required));
	json_object_set_new(o, "found", json_boolean(c->found));
	json_object_set_new(o, "path", string_or_null(c->path));
	json_object_set_new(o, "version", string_or_null(c->version));
	json_object_set_new(o, "package", string_or_null(c->package));
	if (c->detail != NULL)
		json_object_set_new(o, "detail", json_string(c->detail));
	return o;
}

/*
 * The kernel, driver, firmware and kernel modules of this machine, so
 * that a change of timing can be traced to a firmware update.
 */
static json_t *
node_facts(void)
{
	struct hx_facts_roots roots = { .proc = "/proc", .sys = "/sys" };
	struct hx_facts f;
	json_t *o;

	hx_facts_collect(&roots, &f);
	o = hx_nodefacts_to_json(&f);
	hx_facts_clear(&f);
	return o;
}

void
hx_env_probe(struct hx_env *env)
{
	json_t *rec = json_object(), *list = json_array(), *missing = json_array();
	struct utsname u;
	char *s;
	long pages, page_size;
	int i;

	env->ncomponents = NCOMPONENTS;
	env->components = hx_xcalloc((size_t)NCOMPONENTS,
	    sizeof(*env->components));
	for (i = 0; i < NCOMPONENTS; i++) {
		probe_component(&env->components[i], i);
		json_array_append_new(list, component_json(&env->components[i]));
		if (!env->components[i].found)
			json_array_append_new(missing,
			    json_string(env->components[i].name));
	}
	json_object_set_new(rec, "type", json_string("env"));
	json_object_set_new(rec, "program", json_string(hx_err_progname()));
	json_object_set_new(rec, "hx_version", json_string(PACKAGE_VERSION));
	if (uname(&u) == 0) {
		json_object_set_new(rec, "host", json_string(u.nodename));
		json_object_set_new(rec, "kernel", json_string(u.release));
		json_object_set_new(rec, "machine", json_string(u.machine));
	}
	s = os_release("PRETTY_NAME");
	json_object_set_new(rec, "os", string_or_null(s));
	free(s);
	s = cpu_model();
	json_object_set_new(rec, "cpu_model", string_or_null(s));
	free(s);
	json_object_set_new(rec, "cpus",
	    json_integer(sysconf(_SC_NPROCESSORS_ONLN)));
	pages = sysconf(_SC_PHYS_PAGES);
	page_size = sysconf(_SC_PAGESIZE);
	if (pages > 0 && page_size > 0)
		json_object_set_new(rec, "memory_bytes",
		    json_integer((json_int_t)pages * page_size));
	json_object_set_new(rec, "sysroot", json_string(hx_env_sysroot()));
	json_object_set_new(rec, "node", node_facts());
	json_object_set_new(rec, "components", list);
	json_object_set_new(rec, "missing", missing);
	json_object_set_new(rec, "complete", json_boolean(hx_env_complete(env)));
	env->record = rec;
}

bool
hx_env_complete(const struct hx_env *env)
{
	int i;

	for (i = 0; i < env->ncomponents; i++)
		if (env->components[i].required && !env->components[i].found)
			return false;
	return true;
}

void
hx_env_free(struct hx_env *env)
{
	int i;

	for (i = 0; i < env->ncomponents; i++) {
		free(env->components[i].path);
		free(env->components[i].version);
		free(env->components[i].detail);
	}
	free(env->components);
	json_decref(env->record);
	env->components = NULL;
	env->record = NULL;
}

void
hx_env_run_probe(struct hx_env_run *run, const struct hx_harness *h,
    const char *cpus, const char *sysfs)
{
	struct hx_harness_saved saved;

	memset(run, 0, sizeof(*run));
	run->cpus_requested = cpus;
	run->rt_requested = h->rt_priority;
	hx_harness_enter(h, &saved, &run->grant);
	hx_harness_leave(&saved);
	hx_harness_baseline_read(sysfs, &run->baseline);
}

/* A frequency or temperature, or null when it is unknown. */
static json_t *
number_or_null(int64_t v)
{
	return v == HX_HARNESS_UNKNOWN ? json_null() : json_integer(v);
}

static json_t *
sched_json(int policy, int priority)
{
	json_t *o = json_object();

	json_object_set_new(o, "policy",
	    json_string(hx_harness_policy_name(policy)));
	json_object_set_new(o, "priority", json_integer(priority));
	return o;
}

/* The per-CPU frequency and per-zone thermal arrays of B into O. */
static void
baseline_json(json_t *o, const struct hx_harness_baseline *b)
{
	json_t *list = json_array(), *e;
	size_t i;

	for (i = 0; i < b->ncpus; i++) {
		e = json_object();
		json_object_set_new(e, "cpu", json_integer(b->cpus[i].cpu));
		json_object_set_new(e, "governor",
		    string_or_null(b->cpus[i].governor));
		json_object_set_new(e, "cur_khz",
		    number_or_null(b->cpus[i].cur_khz));
		json_object_set_new(e, "min_khz",
		    number_or_null(b->cpus[i].min_khz));
		json_object_set_new(e, "max_khz",
		    number_or_null(b->cpus[i].max_khz));
		if (b->cpus[i].unknown != NULL)
			json_object_set_new(e, "unknown",
			    json_string(b->cpus[i].unknown));
		json_array_append_new(list, e);
	}
	json_object_set_new(o, "frequency", list);
	if (b->cpus_unknown != NULL)
		json_object_set_new(o, "frequency_unknown",
		    json_string(b->cpus_unknown));
	list = json_array();
	for (i = 0; i < b->nzones; i++) {
		e = json_object();
		json_object_set_new(e, "zone", json_string(b->zones[i].zone));
		json_object_set_new(e, "type",
		    string_or_null(b->zones[i].type));
		json_object_set_new(e, "temp_mc",
		    number_or_null(b->zones[i].temp_mc));
		if (b->zones[i].unknown != NULL)
			json_object_set_new(e, "unknown",
			    json_string(b->zones[i].unknown));
		json_array_append_new(list, e);
	}
	json_object_set_new(o, "thermal", list);
	if (b->zones_unknown != NULL)
		json_object_set_new(o, "thermal_unknown",
		    json_string(b->zones_unknown));
	list = json_array();
	for (i = 0; b->notes[i] != NULL; i++)
		json_array_append_new(list, json_string(b->notes[i]));
	json_object_set_new(o, "notes", list);
}

json_t *
hx_env_run_json(const struct hx_env_run *run)
{
	const struct hx_harness_grant *g = &run->grant;
	json_t *o = json_object();

	json_object_set_new(o, "cpus_requested",
	    string_or_null(run->cpus_requested));
	json_object_set_new(o, "cpus_applied", string_or_null(g->cpus));
	if (g->cpus_errno != 0)
		json_object_set_new(o, "cpus_error",
		    json_string(strerror(g->cpus_errno)));
	json_object_set_new(o, "sched_requested", run->rt_requested > 0 ?
	    sched_json(SCHED_FIFO, run->rt_requested) : json_null());
	json_object_set_new(o, "sched_granted",
	    sched_json(g->policy, g->priority));
	if (g->sched_reason != NULL)
		json_object_set_new(o, "sched_reason",
		    json_string(g->sched_reason));
	json_object_set_new(o, "sysfs", json_string(run->baseline.sysfs));
	baseline_json(o, &run->baseline);
	return o;
}

/* What a person should be told about RUN, as a NULL-ended array. */
static char **
run_warnings(const struct hx_env_run *run)
{
	const struct hx_harness_grant *g = &run->grant;
	char **v;
	size_t n = 0, i;

	for (i = 0; run->baseline.notes[i] != NULL; i++)
		continue;
	v = hx_xcalloc(i + 3, sizeof(*v));
	if (g->cpus_errno != 0)
		v[n++] = hx_xasprintf("cannot pin to CPUs %s: %s",
		    run->cpus_requested, strerror(g->cpus_errno));
	if (g->sched_reason != NULL)
		v[n++] = hx_xasprintf("no real-time scheduling (SCHED_FIFO "
		    "priority %d): %s", run->rt_requested, g->sched_reason);
	for (i = 0; run->baseline.notes[i] != NULL; i++)
		v[n++] = hx_xstrdup(run->baseline.notes[i]);
	return v;
}

/* Write the env record of RUN to PATH. */
static int
run_write(const struct hx_env_run *run, const char *path,
    struct hx_err_info *err)
{
	struct hx_env env;
	char *text, *line;
	int rc;

	hx_env_probe(&env);
	json_object_set_new(env.record, "harness", hx_env_run_json(run));
	text = hx_json_to_string(env.record);
	line = hx_xasprintf("%s\n", text);
	rc = hx_atomic_write(path, line, strlen(line), 0666);
	if (rc < 0)
		hx_err_set_errno(err, HX_EXIT_SYSTEM, "%s", path);
	free(line);
	free(text);
	hx_env_free(&env);
	return rc;
}

void
hx_env_run_free(struct hx_env_run *run)
{
	hx_harness_grant_free(&run->grant);
	hx_harness_baseline_free(&run->baseline);
}

int
hx_env_run_prepare(const struct hx_harness *h, const char *cpus,
    const char *sysfs, const char *path, void (*warn)(const char *),
    struct hx_err_info *err)
{
	struct hx_env_run run;
	char **lines;
	size_t i;
	int rc = 0;

	hx_env_run_probe(&run, h, cpus, sysfs);
	lines = run_warnings(&run);
	for (i = 0; warn != NULL && lines[i] != NULL; i++)
		warn(lines[i]);
	hx_strv_free(lines);
	if (path != NULL)
		rc = run_write(&run, path, err);
	hx_env_run_free(&run);
	return rc;
}
