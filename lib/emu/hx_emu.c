/*
 * hx_emu: running test artifacts under QEMU user mode or natively.
 */
#include "config.h"

#include <dirent.h>
#include <elf.h>
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
#include <sys/utsname.h>
#include <unistd.h>

#include "emu/hx_emu.h"
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

/* The machine: ----------------------------------------------------------- */

const char *
hx_emu_host_arch(void)
{
	static char machine[sizeof(((struct utsname *)0)->machine)];
	struct utsname u;

	if (machine[0] == '\0' && uname(&u) == 0)
		snprintf(machine, sizeof(machine), "%s", u.machine);
	return machine;
}

/* Where children of this process are, from /proc: their group leaders. */
void
hx_emu_kill_children(void)
{
	char path[64], buf[512], *close_paren;
	pid_t self = getpid(), pid;
	long ppid;
	struct dirent *d;
	DIR *dir;
	ssize_t n;
	int fd;

	/* No child may start between the scan below and the exit. */
	hx_spawn_stop();
	if ((dir = opendir("/proc")) == NULL)
		return;
	while ((d = readdir(dir)) != NULL) {
		if ((pid = (pid_t)atol(d->d_name)) <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		/* "pid (comm) state ppid ...": comm may hold anything. */
		if ((close_paren = strrchr(buf, ')')) == NULL ||
		    sscanf(close_paren + 1, " %*c %ld", &ppid) != 1 ||
		    ppid != (long)self)
			continue;
		/* hx_spawn makes each child the leader of its own group. */
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
	}
	closedir(dir);
}

char *
hx_emu_find_plugin(const char *self_dir, const char *installed_dir)
{
	const char *env = getenv("HX_PLUGIN");
	char *path;

	if (env != NULL && *env != '\0')
		return hx_xstrdup(env);
	if (self_dir != NULL) {
		path = hx_xasprintf("%s/%s", self_dir, HX_EMU_PLUGIN_NAME);
		if (access(path, R_OK) == 0)
			return path;
		free(path);
		/* In a build tree, cmd/hx-emu and plugin/hx-insncount.so. */
		path = hx_xasprintf("%s/../plugin/%s", self_dir,
		    HX_EMU_PLUGIN_NAME);
		if (access(path, R_OK) == 0)
			return path;
		free(path);
	}
	return hx_xasprintf("%s/%s", installed_dir, HX_EMU_PLUGIN_NAME);
}

/* ELF: ------------------------------------------------------------------- */

struct elf_info {
	const char *arch;		/* NULL: not an ELF file hx knows */
	char interp[PATH_MAX];		/* the loader it asks for, or "" */
};

static const char *
elf_arch(unsigned machine, int elfclass)
{
	switch (machine) {
	case EM_RISCV:
		return elfclass == ELFCLASS64 ? "riscv64" : "riscv32";
	case EM_X86_64:
		return "x86_64";
	case EM_AARCH64:
		return "aarch64";
	case EM_386:
		return "i386";
	case EM_ARM:
		return "arm";
	default:
		return NULL;
	}
}

/* Read the architecture and the PT_INTERP of a 64-bit little-endian ELF. */
static void
read_elf(const char *path, struct elf_info *info)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	int fd, i;
	ssize_t n;

	memset(info, 0, sizeof(*info));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return;
	if (pread(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh.e_ident[EI_DATA] != ELFDATA2LSB) {
		close(fd);
		return;
	}
	info->arch = elf_arch(eh.e_machine, eh.e_ident[EI_CLASS]);
	if (eh.e_ident[EI_CLASS] == ELFCLASS64 &&
	    eh.e_phentsize == sizeof(ph)) {
		for (i = 0; i < eh.e_phnum; i++) {
			if (pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff +
			    (Elf64_Off)i * sizeof(ph))) != (ssize_t)sizeof(ph))
				break;
			if (ph.p_type != PT_INTERP ||
			    ph.p_filesz >= sizeof(info->interp))
				continue;
			n = pread(fd, info->interp, ph.p_filesz,
			    (off_t)ph.p_offset);
			info->interp[n > 0 ? n : 0] = '\0';
			info->interp[strcspn(info->interp, "\n")] = '\0';
			break;
		}
	}
	close(fd);
}

/* The Debian package with the C library for ARCH's programs. */
static const char *
libc_package(const char *arch)
{
	if (strcmp(arch, "x86_64") == 0)
		return "libc6-dev-amd64-cross";
	if (strcmp(arch, "aarch64") == 0)
		return "libc6-dev-arm64-cross";
	if (strcmp(arch, "arm") == 0)
		return "libc6-dev-armhf-cross";
	if (strcmp(arch, "i386") == 0)
		return "libc6-dev-i386-cross";
	return strcmp(arch, "riscv64") == 0 ? "libc6-dev-riscv64-cross" :
	    "the libc6-dev cross package of the architecture";
}

/* Preparing: ------------------------------------------------------------- */

struct qemu_seen {
	char *name;
	char *path;
	bool plugin_checked;
};

/* QEMU lookups, made on the loop's thread only. */
static struct qemu_seen *qemus;
static size_t nqemus;

/*
 * Check once that QEMU loads PLUGIN: QEMU loads plugins before the guest,
 * so a guest that does not exist shows whether the plugin loaded.
 */
static void
check_plugin(const char *qemu, const char *plugin, const char *tmpdir)
{
	struct hx_spawn spec = { 0 };
	struct hx_spawn_result res;
	char *arg = hx_xasprintf("%s,out=%s/probe", plugin, tmpdir), *nl;
	char *argv[] = { (char *)qemu, (char *)"-plugin", arg,
	    (char *)"/nonexistent/hx-emu-probe", NULL };

	spec.argv = argv;
	spec.capture = true;
	spec.merge_stderr = true;
	spec.timeout_ns = 30000000000LL;
	if (hx_spawn_run(&spec, &res) != 0)
		hx_err_errno(HX_EXIT_SYSTEM, "%s", qemu);
	if (strstr(res.out, "plugin") != NULL) {
		if ((nl = strchr(res.out, '\n')) != NULL)
			*nl = '\0';
		hx_out_flush();
		hx_err(HX_EXIT_SYSTEM, "%s cannot load the "
		    "instruction-counting plugin: %s (install qemu-user 7.2 "
		    "or later from Debian, or set HX_PLUGIN)", qemu, res.out);
	}
	hx_spawn_result_free(&res);
	free(arg);
}

/* The path of qemu-ARCH, or the end of the program with status 4. */
static const char *
find_qemu(const char *arch, const struct hx_emu_options *opt)
{
	char *name = hx_xasprintf("qemu-%s", arch), *path;
	struct qemu_seen *q = NULL;
	size_t i;

	for (i = 0; i < nqemus && q == NULL; i++)
		if (strcmp(qemus[i].name, name) == 0)
			q = &qemus[i];
	if (q == NULL) {
		if ((path = hx_spawn_which(name)) == NULL) {
			hx_out_flush();
			hx_err(HX_EXIT_SYSTEM, "%s not found in PATH: install "
			    "the Debian package qemu-user", name);
		}
		qemus = hx_xrealloc(qemus, (nqemus + 1) * sizeof(*qemus));
		q = &qemus[nqemus++];
		q->name = hx_xstrdup(name);
		q->path = path;
		q->plugin_checked = false;
	}
	if (opt->count && !q->plugin_checked) {
		check_plugin(q->path, opt->plugin, opt->tmpdir);
		q->plugin_checked = true;
	}
	free(name);
	return q->path;
}

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

/* Fill the runner, QEMU and sysroot of T from the record and the ELF file. */
static void
choose_runner(struct hx_emu_test *t, const json_t *artifact,
    const char *record_arch)
{
	const struct hx_emu_options *opt = t->opt;
	const json_t *toolchain = json_object_get(artifact, "toolchain");
	const char *sysroot = NULL, *arch = record_arch;
	struct elf_info elf;
	char *loader;

	read_elf(t->exe, &elf);
	if (arch == NULL)
		arch = elf.arch != NULL ? elf.arch : hx_emu_host_arch();
	if (strcmp(arch, hx_emu_host_arch()) == 0 && !opt->count) {
		t->runner = hx_xstrdup("native");
		return;
	}
	t->runner = hx_xasprintf("qemu-%s", arch);
	t->qemu = hx_xstrdup(find_qemu(arch, opt));
	if (json_is_object(toolchain) &&
	    json_is_string(json_object_get(toolchain, "sysroot")))
		sysroot = json_string_value(json_object_get(toolchain,
		    "sysroot"));
	if (opt->sysroot != NULL)
		sysroot = opt->sysroot;
	if (sysroot == NULL && strcmp(arch, hx_emu_host_arch()) == 0)
		sysroot = "/";
	if (sysroot == NULL)
		sysroot = strcmp(arch, "riscv64") == 0 ? hx_env_sysroot() :
		    NULL;
	if (sysroot == NULL)
		return;
	t->sysroot = absolute(sysroot);
	if (elf.interp[0] == '\0')
		return;
	loader = hx_xasprintf("%s%s", strcmp(t->sysroot, "/") == 0 ? "" :
	    t->sysroot, elf.interp);
	if (access(loader, F_OK) != 0) {
		hx_out_flush();
		hx_err(HX_EXIT_SYSTEM, "%s: the %s loader %s is missing: "
		    "install the Debian package %s", t->artifact, arch, loader,
		    libc_package(arch));
	}
	free(loader);
}

struct hx_emu_test *
hx_emu_prepare(const json_t *artifact, const struct hx_emu_options *opt,
    char **message)
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
	choose_runner(t, artifact, arch);
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

void
hx_emu_run(const struct hx_emu_test *t, json_t *records)
{
	struct outcome chosen, o;
	json_t *samples = json_array();
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
	if (chosen.run.tap.is_tap)
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
