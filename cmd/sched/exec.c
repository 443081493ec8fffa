/*
 * exec.c: --exec local, the placed jobs run on this machine in the order
 * of their planned start, each group together: its service members
 * first, with HX_SERVICE_SOCKET naming a unix socket in the group's run
 * directory, and once one accepts a connection the other members, each
 * on a thread of its own; the services are stopped when the others have
 * ended.  A service hx-offload gets its own socket, and the others
 * HX_OFFLOAD.  A riscv64 job's argv is the argument list of hx-emu (beside
 * hx-sched), which runs it under QEMU or natively.  The records a job
 * writes go downstream, then a placement record done or failed with the
 * times it ran.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "emu/hx_stub.h"
#include "hx_clock.h"
#include "hx_file.h"
#include "hx_progress.h"
#include "hx_spawn.h"
#include "rec/hx_rec.h"
#include "rec/hx_writer.h"
#include "sched.h"

extern char **environ;

/* Run directories older than a day and not in use are swept. */
#define RUN_MAX_AGE	(24 * 3600)
/* How long a service has to accept a connection. */
#define READY_NS	(60LL * 1000000000)
/* How long a service has to end after SIGTERM. */
#define STOP_NS		(10LL * 1000000000)
/* What a job's output keeps. */
#define OUTPUT_MAX	(16 << 20)

/* One member of a unit being run. */
struct run {
	const struct hx_job *job;
	const struct hx_placement *p;
	char **argv;
	char **envp;
	struct hx_spawn_result r;
	int error;		/* from hx_spawn_run */
	int64_t start, end;	/* wall clock */
	pid_t service;		/* a service's process group, or 0 */
	struct hx_stub stub;	/* an hx-offload service */
	pthread_t thread;
};

/*
 * The service groups, the run directory and the directory of its socket
 * when that is elsewhere, for a stopping signal.
 */
static pid_t services[64];
static size_t nservices;
static pthread_mutex_t running_lock = PTHREAD_MUTEX_INITIALIZER;
static char *running, *running_sockets;

/* On a stopping signal: kill the services, remove the run directory. */
static void
stop_runs(void)
{
	size_t i;

	for (i = 0; i < nservices; i++)
		kill(-services[i], SIGKILL);
	pthread_mutex_lock(&running_lock);
	if (running != NULL)
		hx_file_remove_tree(running);
	if (running_sockets != NULL)
		hx_file_remove_tree(running_sockets);
	pthread_mutex_unlock(&running_lock);
}

/*
 * On a stopping signal, first: stop the output, so that no record tells
 * of a job this stop ends (a runner killed, a service "done" because its
 * group ended), then end the jobs with SIGTERM, so that one under
 * hx-trace run or hx-emu stops the children it started in groups of their
 * own, which the SIGKILL of its group would leave running.
 */
static void
end_runs(void)
{
	hx_writer_fail(hx_rec_out(), ECANCELED);
	hx_spawn_end_all(STOP_NS);
}

/*
 * Set the run directory that a stopping signal removes to DIR, and the
 * directory of its sockets to SOCKETS (NULL: DIR holds them).
 */
static void
set_running(char *dir, char *sockets)
{
	pthread_mutex_lock(&running_lock);
	running = dir;
	running_sockets = sockets;
	pthread_mutex_unlock(&running_lock);
}

/*
 * The directory for the sockets of run directory DIR: DIR itself, or,
 * when a socket path in it would not fit a sockaddr_un (a deep state
 * directory), a new private one under /tmp, in *OWN too.
 */
static const char *
socket_dir(const char *dir, char **own)
{
	struct sockaddr_un sa;

	*own = NULL;
	if (strlen(dir) + sizeof("/offload.sock") <= sizeof(sa.sun_path))
		return dir;
	*own = hx_xstrdup("/tmp/hx-sched.XXXXXX");
	if (mkdtemp(*own) == NULL)
		hx_err_errno(HX_EXIT_SYSTEM, "%s", *own);
	return *own;
}

/*
 * ARGV with hx-emu in front for a riscv64 job, and --gpu-stub=unix:SOCKET
 * after it when OFFLOAD; a new array.
 */
static char **
job_argv(const struct hx_job *job, const char *emu, const char *socket,
    bool offload)
{
	size_t n = 0, i, k = 0;
	char **argv;

	while (job->argv[n] != NULL)
		n++;
	argv = hx_xcalloc(n + 3, sizeof(*argv));
	if (job->arch != NULL && strcmp(job->arch, "riscv64") == 0) {
		argv[k++] = hx_xstrdup(emu);
		if (offload)
			argv[k++] = hx_xasprintf("--gpu-stub=unix:%s", socket);
	}
	for (i = 0; i < n; i++)
		argv[k++] = hx_xstrdup(job->argv[i]);
	return argv;
}

/* Whether R is a service member running hx-offload. */
static bool
is_offload(const struct run *r, bool grouped)
{
	return grouped && r->job->role != NULL &&
	    strcmp(r->job->role, "service") == 0 &&
	    strcmp(r->job->argv[0], "hx-offload") == 0;
}

/*
 * This process's environment and the job's variables, with HX_OFFLOAD
 * when the service is hx-offload; a new array.
 */
static char **
job_env(const struct run *r, const char *socket, bool offload)
{
	size_t n = 0, i;
	char **env;

	while (environ[n] != NULL)
		n++;
	env = hx_xcalloc(n + 5, sizeof(*env));
	for (i = 0; i < n; i++)
		env[i] = hx_xstrdup(environ[i]);
	env[n++] = hx_xasprintf("HX_SCHED_JOB=%s", r->job->name);
	env[n++] = hx_xasprintf("HX_SCHED_NODE=%s", r->p->node);
	if (socket != NULL)
		env[n++] = hx_xasprintf("HX_SERVICE_SOCKET=%s", socket);
	if (offload)
		env[n++] = hx_xasprintf("HX_OFFLOAD=unix:%s", socket);
	return env;
}

static void
free_strings(char **v)
{
	size_t i;

	for (i = 0; v != NULL && v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

/* Run a member to its end: the body of its thread. */
static void *
run_member(void *arg)
{
	struct run *r = arg;
	struct hx_spawn spec = { .argv = r->argv, .envp = r->envp,
	    .capture = true, .tail_max = OUTPUT_MAX };

	r->start = hx_clock_real_ns();
	r->error = hx_spawn_run(&spec, &r->r);
	r->end = hx_clock_real_ns();
	return NULL;
}

/* Whether a unix socket at PATH accepts a connection. */
static bool
accepts(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, rc;

	if (strlen(path) >= sizeof(sa.sun_path) ||
	    (fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return false;
	strcpy(sa.sun_path, path);
	rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	close(fd);
	return rc == 0;
}

/*
 * Start service member R in a process group of its own and wait until
 * SOCKET accepts.  Returns 0, or -1 with *WHY when it cannot start,
 * exits first or does not listen in time.
 */
static int
start_service(struct run *r, const char *socket, char **why)
{
	struct timespec tick = { 0, 10000000 };
	posix_spawnattr_t attr;
	int64_t deadline;
	pid_t pid;
	int e, status;

	if (hx_spawn_attr_init(&attr) != 0) {
		*why = hx_xasprintf("%s: %s", r->argv[0], strerror(errno));
		return -1;
	}
	r->start = hx_clock_real_ns();
	e = posix_spawnp(&pid, r->argv[0], NULL, &attr, r->argv, r->envp);
	posix_spawnattr_destroy(&attr);
	if (e != 0) {
		*why = hx_xasprintf("%s: %s", r->argv[0], strerror(e));
		return -1;
	}
	r->service = pid;
	if (nservices < sizeof(services) / sizeof(services[0]))
		services[nservices++] = pid;
	deadline = hx_clock_mono_ns() + READY_NS;
	while (!accepts(socket)) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			r->service = 0;
			*why = hx_xstrdup("the service ended before it "
			    "listened on HX_SERVICE_SOCKET");
			return -1;
		}
		if (hx_clock_mono_ns() > deadline) {
			*why = hx_xstrdup("the service did not listen on "
			    "HX_SERVICE_SOCKET within 60 s");
			return -1;
		}
		nanosleep(&tick, NULL);
	}
	return 0;
}

/*
 * Start hx-offload, found beside hx-sched, for service member R with the
 * arguments of its argv and --listen on DIR/offload.sock, and wait for
 * the address it writes once it accepts.  Returns 0, or -1 with *WHY.
 */
static int
start_offload(struct run *r, const char *dir, char **why)
{
	struct hx_err_info err;
	char *self = hx_spawn_self_dir(), *program;
	int rc;

	program = hx_stub_find(self);
	free(self);
	if (program == NULL) {
		*why = hx_xstrdup("hx-offload is not installed");
		return -1;
	}
	r->start = hx_clock_real_ns();
	rc = hx_stub_start_args(&r->stub, program,
	    (const char *const *)r->job->argv + 1, dir, &err);
	free(program);
	if (rc < 0) {
		*why = hx_xstrdup(err.message);
		return -1;
	}
	r->service = atomic_load(&r->stub.pid);
	if (nservices < sizeof(services) / sizeof(services[0]))
		services[nservices++] = r->service;
	return 0;
}

/*
 * Stop the service of R and reap it: SIGTERM to its process group, so
 * that it can clean up (a service under hx-trace run writes its span),
 * and SIGKILL when it has not ended STOP_NS later.
 */
static void
stop_service(struct run *r)
{
	struct timespec tick = { 0, 10000000 };
	struct hx_err_info err;
	int64_t deadline;
	int status;

	if (r->service == 0)
		return;
	if (atomic_load(&r->stub.pid) != 0) {
		if (hx_stub_stop(&r->stub, &err) < 0)
			hx_warn("job %s: %s", r->job->name, err.message);
		r->end = hx_clock_real_ns();
		nservices = 0;
		return;
	}
	kill(-r->service, SIGTERM);
	deadline = hx_clock_mono_ns() + STOP_NS;
	while (waitpid(r->service, &status, WNOHANG) == 0) {
		if (hx_clock_mono_ns() > deadline) {
			kill(-r->service, SIGKILL);
			waitpid(r->service, &status, 0);
			break;
		}
		nanosleep(&tick, NULL);
	}
	kill(-r->service, SIGKILL);
	r->end = hx_clock_real_ns();
	nservices = 0;
}

void
sched_forward(const char *job, const char *out)
{
	struct hx_err_info err;
	char *line, *next, *text;
	json_t *j;

	text = hx_xstrdup(out);
	for (line = text; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		j = hx_json_parse(line, strlen(line), NULL);
		if (json_is_string(json_object_get(j, "type"))) {
			if (hx_writer_line(hx_rec_out(), line,
			    strlen(line)) < 0 && hx_rec_finish(NULL, &err) < 0) {
				hx_spawn_stop_wait();
				hx_err_exit(&err);
			}
		} else
			hx_warn("job %s: %s", job, line);
		json_decref(j);
	}
	free(text);
}

void
sched_ran(struct hx_placement *p, bool ok, char *reason)
{
	p->status = ok ? HX_PLACEMENT_DONE : HX_PLACEMENT_FAILED;
	if (p->end_ns < p->start_ns)
		p->end_ns = p->start_ns;
	p->reason = reason;
	sched_emit(hx_placement_to_json(p));
	free(reason);
}

/* Send the records of R's output downstream, the rest to stderr. */
static void
forward(const struct run *r)
{
	if (r->error != 0 || r->r.out == NULL)
		return;
	sched_forward(r->job->name, r->r.out);
	if (r->r.err_len > 0)
		hx_warn("job %s: %s", r->job->name, r->r.err);
}

/* The placement record of R as it ran; whether it went well. */
static bool
ran(const struct run *r, const char *failure)
{
	struct hx_placement p = *r->p;
	char *reason;
	bool ok;

	ok = failure == NULL && (r->service != 0 || (r->error == 0 &&
	    r->r.exited && r->r.status == 0));
	if (failure != NULL)
		reason = hx_xasprintf("ran here: %s", failure);
	else if (r->service != 0)
		reason = hx_xstrdup("ran here: served its group until the "
		    "others ended");
	else if (r->error != 0)
		reason = hx_xasprintf("ran here: %s: %s", r->argv[0],
		    strerror(r->error));
	else if (r->r.exited)
		reason = hx_xasprintf("ran here: exit status %d",
		    r->r.status);
	else
		reason = hx_xasprintf("ran here: killed by signal %d",
		    r->r.signal);
	p.start_ns = r->start;
	p.end_ns = r->end;
	sched_ran(&p, ok, reason);
	return ok;
}

/* Run the N members of one unit in RUNS (a directory); false on failure. */
static bool
run_unit(struct run *m, size_t n, const char *runs, const char *emu,
    struct hx_progress *progress)
{
	char *dir = hx_xasprintf("%s/run.XXXXXX", runs), *socket = NULL;
	char *why = NULL, *own_sockets;
	const char *sockets;
	bool ok = true, grouped = n > 1, offload = false, member_ok;
	size_t i;
	int lock;

	if (mkdtemp(dir) == NULL)
		hx_err_errno(HX_EXIT_SYSTEM, "%s", dir);
	sockets = socket_dir(dir, &own_sockets);
	set_running(dir, own_sockets);
	lock = hx_file_lock_dir(dir);
	for (i = 0; i < n; i++)
		offload = offload || is_offload(&m[i], grouped);
	if (grouped)
		socket = hx_xasprintf("%s/%s.sock", sockets, offload ?
		    "offload" : "service");
	for (i = 0; i < n; i++) {
		m[i].argv = job_argv(m[i].job, emu, socket, offload);
		m[i].envp = job_env(&m[i], socket, offload);
	}
	for (i = 0; i < n; i++)
		hx_progress_start(progress, m[i].job->name);
	for (i = 0; i < n && why == NULL; i++)
		if (is_offload(&m[i], grouped))
			start_offload(&m[i], sockets, &why);
		else if (grouped && m[i].job->role != NULL &&
		    strcmp(m[i].job->role, "service") == 0)
			start_service(&m[i], socket, &why);
	for (i = 0; i < n && why == NULL; i++)
		if (m[i].service == 0 && pthread_create(&m[i].thread, NULL,
		    run_member, &m[i]) != 0)
			hx_err(HX_EXIT_SYSTEM, "cannot start a thread");
	for (i = 0; i < n && why == NULL; i++)
		if (m[i].service == 0)
			pthread_join(m[i].thread, NULL);
	for (i = 0; i < n; i++)
		stop_service(&m[i]);
	for (i = 0; i < n; i++) {
		forward(&m[i]);
		member_ok = ran(&m[i], why);
		hx_progress_done(progress, m[i].job->name, !member_ok);
		ok = member_ok && ok;
		if (m[i].service == 0 && why == NULL)
			hx_spawn_result_free(&m[i].r);
		free_strings(m[i].argv);
		free_strings(m[i].envp);
	}
	free(why);
	free(socket);
	if (lock >= 0)
		close(lock);
	set_running(NULL, NULL);
	hx_file_remove_tree(dir);
	free(dir);
	if (own_sockets != NULL)
		hx_file_remove_tree(own_sockets);
	free(own_sockets);
	return ok;
}

/* Placed results in order of planned start, then of the plan. */
static const struct hx_plan_result *order_base;

static int
by_start(const void *a, const void *b)
{
	const struct hx_plan_result *x = &order_base[*(const size_t *)a];
	const struct hx_plan_result *y = &order_base[*(const size_t *)b];

	if (x->placement.start_ns != y->placement.start_ns)
		return x->placement.start_ns < y->placement.start_ns ? -1 : 1;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

int
sched_exec_local(const struct hx_plan *plan, const struct sched_input *in,
    const char *state_dir, struct hx_progress *progress)
{
	const struct hx_plan_result *res;
	struct hx_err_info err;
	char *root, *runs, *self, *emu;
	size_t n, i, k, nidx = 0, nm;
	size_t *idx;
	struct run *m;
	bool *done, ok = true;
	unsigned swept;

	res = hx_plan_results(plan, &n);
	root = sched_state_dir(state_dir);
	runs = hx_xasprintf("%s/runs", root);
	if (hx_file_mkdir_p(runs, 0700) < 0)
		hx_err_errno(HX_EXIT_SYSTEM, "%s", runs);
	hx_file_sweep(runs, "run.*", RUN_MAX_AGE, &swept);
	self = hx_spawn_self_dir();
	emu = hx_xasprintf("%s/hx-emu", self != NULL ? self : ".");
	if (hx_spawn_stop_on_signals(end_runs, stop_runs, &err) < 0)
		hx_err_exit(&err);
	idx = hx_xcalloc(n + 1, sizeof(*idx));
	for (i = 0; i < n; i++)
		if (res[i].placed && res[i].placement.backend == HX_NODE_LOCAL)
			idx[nidx++] = i;
	order_base = res;
	qsort(idx, nidx, sizeof(*idx), by_start);
	hx_progress_add(progress, nidx);
	hx_progress_close(progress);
	done = hx_xcalloc(n + 1, sizeof(*done));
	m = hx_xcalloc(n + 1, sizeof(*m));
	for (i = 0; i < nidx; i++) {
		if (done[idx[i]])
			continue;
		nm = 0;
		for (k = i; k < nidx; k++)
			if (k == i || (res[idx[i]].placement.group != NULL &&
			    res[idx[k]].placement.group != NULL &&
			    strcmp(res[idx[i]].placement.group,
			    res[idx[k]].placement.group) == 0)) {
				memset(&m[nm], 0, sizeof(m[nm]));
				m[nm].job = &in->jobs[res[idx[k]].job];
				m[nm++].p = &res[idx[k]].placement;
				done[idx[k]] = true;
			}
		ok = run_unit(m, nm, runs, emu, progress) && ok;
	}
	free(m);
	free(done);
	free(idx);
	free(emu);
	free(self);
	free(runs);
	free(root);
	return ok ? HX_EXIT_OK : HX_EXIT_VERDICT;
}
