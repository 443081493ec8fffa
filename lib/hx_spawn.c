/*
 * hx_spawn: children in their own process group, with timeouts.
 *
 * The child's end is watched with a pidfd where the kernel has one (Linux
 * 5.3) and by polling every 20 ms otherwise.  waitid with WNOWAIT tells
 * that the child ended without reaping it, so its group can be killed
 * while the group id cannot yet be reused.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "hx_clock.h"
#include "hx_err.h"
#include "hx_spawn.h"

extern char **environ;

#define KILL_GRACE_NS 500000000LL

/*
 * The process groups of the children running now, each a child's pid.
 * Starting a child, registering its group and stopping for good exclude
 * each other, so that hx_spawn_kill_all sees every child.  A group leaves
 * the list before its leader is reaped: until then the zombie keeps its
 * pid from being reused, so a kill never reaches a stranger.
 */
static pthread_mutex_t spawn_lock = PTHREAD_MUTEX_INITIALIZER;
static bool spawn_stopped;
static pid_t *groups;
static size_t ngroups, groups_cap;

void
hx_spawn_stop(void)
{
	pthread_mutex_lock(&spawn_lock);
	spawn_stopped = true;
	pthread_mutex_unlock(&spawn_lock);
}

/* Stop as hx_spawn_stop does and send SIG to every child's group. */
static void
signal_all(int sig)
{
	size_t i;

	pthread_mutex_lock(&spawn_lock);
	spawn_stopped = true;
	for (i = 0; i < ngroups; i++)
		kill(-groups[i], sig);
	pthread_mutex_unlock(&spawn_lock);
}

void
hx_spawn_kill_all(void)
{
	signal_all(SIGKILL);
}

void
hx_spawn_end_all(int64_t grace_ns)
{
	struct timespec tick = { 0, 10000000 };
	int64_t until = hx_clock_mono_ns() + grace_ns;
	size_t n;

	signal_all(SIGTERM);
	for (;;) {
		pthread_mutex_lock(&spawn_lock);
		n = ngroups;
		pthread_mutex_unlock(&spawn_lock);
		if (n == 0 || hx_clock_mono_ns() >= until)
			break;
		nanosleep(&tick, NULL);
	}
}

/* Take the group PGID off the list of running ones. */
static void
forget_group(pid_t pgid)
{
	size_t i;

	pthread_mutex_lock(&spawn_lock);
	for (i = 0; i < ngroups; i++)
		if (groups[i] == pgid) {
			groups[i] = groups[--ngroups];
			break;
		}
	pthread_mutex_unlock(&spawn_lock);
}

/*
 * posix_spawnp unless hx_spawn_stop was called (then ECANCELED); a child
 * that leads a new group (PGID 0) goes on the list of running groups.
 */
static int
guarded_spawn(pid_t *pid, pid_t pgid, const char *file,
    const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *attr,
    char *const argv[], char *const envp[])
{
	int rc = ECANCELED;

	pthread_mutex_lock(&spawn_lock);
	if (!spawn_stopped && pgid == 0 && ngroups == groups_cap) {
		groups_cap = groups_cap > 0 ? groups_cap * 2 : 16;
		groups = hx_xrealloc(groups, groups_cap * sizeof(*groups));
	}
	if (!spawn_stopped)
		rc = posix_spawnp(pid, file, fa, attr, argv, envp);
	if (rc == 0 && pgid == 0)
		groups[ngroups++] = *pid;
	pthread_mutex_unlock(&spawn_lock);
	return rc;
}
#define DRAIN_LIMIT_NS 1000000000LL
#define TICK_MS 20

char *
hx_spawn_self_dir(void)
{
	char buf[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);

	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	if ((slash = strrchr(buf, '/')) == NULL)
		return NULL;
	*slash = '\0';
	return hx_xstrdup(buf);
}

/* The length of the first component of PATH, after its slashes at *PATH. */
static size_t
component(const char **path)
{
	while (**path == '/')
		(*path)++;
	return strcspn(*path, "/");
}

char *
hx_spawn_relocate(const char *bindir, const char *dir)
{
	const char *b = bindir, *d = dir;
	char *self, *rel, *up, *path;
	size_t bn, dn;

	if (*bindir != '/' || *dir != '/')
		return NULL;
	/* Skip the components BINDIR and DIR share. */
	for (;;) {
		bn = component(&b);
		dn = component(&d);
		if (bn == 0 || bn != dn || strncmp(b, d, bn) != 0)
			break;
		b += bn;
		d += dn;
	}
	/* One ".." for each component of BINDIR left. */
	rel = hx_xstrdup("");
	for (; bn > 0; b += bn, bn = component(&b)) {
		up = hx_xasprintf("%s../", rel);
		free(rel);
		rel = up;
	}
	if ((self = hx_spawn_self_dir()) == NULL) {
		free(rel);
		return NULL;
	}
	path = hx_xasprintf("%s/%s%s", self, rel, d);
	free(self);
	free(rel);
	return path;
}

char **
hx_spawn_pkglib_paths(const char *name)
{
	char **v = hx_xcalloc(5, sizeof(*v)), *self = hx_spawn_self_dir();
	char *moved = hx_spawn_relocate(HX_BINDIR, HX_PKGLIBDIR);
	size_t n = 0;

	if (self != NULL) {
		v[n++] = hx_xasprintf("%s/%s", self, name);
		v[n++] = hx_xasprintf("%s/../plugin/%s", self, name);
	}
	if (moved != NULL)
		v[n++] = hx_xasprintf("%s/%s", moved, name);
	v[n] = hx_xasprintf("%s/%s", HX_PKGLIBDIR, name);
	free(moved);
	free(self);
	return v;
}

char *
hx_spawn_executable_in(const char *dir, const char *name)
{
	char *path;

	if (dir == NULL)
		return NULL;
	path = hx_xasprintf("%s/%s", dir, name);
	if (access(path, X_OK) == 0)
		return path;
	free(path);
	return NULL;
}

char *
hx_spawn_which(const char *program)
{
	const char *path, *p, *colon;
	char *candidate;
	struct stat st;

	if (strchr(program, '/') != NULL)
		return access(program, X_OK) == 0 ? hx_xstrdup(program) : NULL;
	if ((path = getenv("PATH")) == NULL)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path;; p = colon + 1) {
		colon = strchr(p, ':');
		candidate = hx_xasprintf("%.*s/%s",
		    (int)(colon != NULL ? colon - p : (long)strlen(p)),
		    *p == ':' || *p == '\0' ? "." : p, program);
		if (stat(candidate, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(candidate, X_OK) == 0)
			return candidate;
		free(candidate);
		if (colon == NULL)
			return NULL;
	}
}

/* A growing buffer that keeps only the last MAX bytes written to it. */
struct tail {
	char *buf;
	size_t len, max;
	bool truncated;
};

static void
tail_add(struct tail *t, const char *data, size_t len)
{
	if (len >= t->max) {
		memcpy(t->buf, data + len - t->max, t->max);
		t->truncated = t->truncated || len > t->max || t->len > 0;
		t->len = t->max;
		return;
	}
	if (t->len + len > t->max) {
		size_t drop = t->len + len - t->max;

		memmove(t->buf, t->buf + drop, t->len - drop);
		t->len -= drop;
		t->truncated = true;
	}
	memcpy(t->buf + t->len, data, len);
	t->len += len;
}

/* Read what is there on FD into T; returns 0 at end of file. */
static int
drain_fd(int fd, struct tail *t)
{
	char chunk[8192];
	ssize_t n;

	n = read(fd, chunk, sizeof(chunk));
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 1 : 0;
	if (n > 0)
		tail_add(t, chunk, (size_t)n);
	return n > 0;
}

static int
open_pidfd(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	(void)pid;
	errno = ENOSYS;
	return -1;
#endif
}

/* Whether PID has ended, without reaping it. */
static bool
has_ended(pid_t pid)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0)
		return errno == ECHILD;
	return si.si_pid == pid;
}

int
hx_spawn_attr_init(posix_spawnattr_t *attr)
{
	sigset_t none, defaults;
	static const int reset[] = { SIGPIPE, SIGINT, SIGQUIT, SIGTERM, SIGHUP,
	    SIGTTOU, SIGTTIN, SIGTSTP, SIGCHLD, SIGALRM };
	size_t i;

	sigemptyset(&none);
	sigemptyset(&defaults);
	for (i = 0; i < sizeof(reset) / sizeof(reset[0]); i++)
		sigaddset(&defaults, reset[i]);
	if (posix_spawnattr_init(attr) != 0)
		return -1;
	posix_spawnattr_setpgroup(attr, 0);
	posix_spawnattr_setsigmask(attr, &none);
	posix_spawnattr_setsigdefault(attr, &defaults);
	return posix_spawnattr_setflags(attr, POSIX_SPAWN_SETPGROUP |
	    POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
}

/* The stopping signals, the one caught (0: none), and what to call. */
static sigset_t stopping;
static atomic_int caught;
static void (*stop_first)(void), (*stop_cleanup)(void);

/* Kill the children, clean up, and end the process by the signal caught. */
static void *
stop_main(void *unused)
{
	int sig;

	(void)unused;
	while (sigwait(&stopping, &sig) != 0)
		continue;
	caught = sig;
	if (stop_first != NULL)
		stop_first();
	hx_spawn_kill_all();
	if (stop_cleanup != NULL)
		stop_cleanup();
	signal(sig, SIG_DFL);
	pthread_sigmask(SIG_UNBLOCK, &stopping, NULL);
	raise(sig);
	return NULL;
}

void
hx_spawn_stop_wait(void)
{
	while (caught != 0)
		pause();
}

static void
wait_at_exit(void)
{
	hx_spawn_stop_wait();
}

/*
 * Block the stopping signals the caller does not ignore, in every thread,
 * and start WAITER on a thread of its own to wait for them.  Returns 0, or
 * -1 with ERR filled.
 */
static int
watch_signals(void *(*waiter)(void *), struct hx_err_info *err)
{
	static const int signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct sigaction old;
	pthread_t thread;
	size_t i;
	int rc;

	sigemptyset(&stopping);
	/* What the caller ignores (nohup, a background job) stays ignored. */
	for (i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (sigaction(signals[i], NULL, &old) != 0 ||
		    old.sa_handler != SIG_IGN)
			sigaddset(&stopping, signals[i]);
	pthread_sigmask(SIG_BLOCK, &stopping, NULL);
	if ((rc = pthread_create(&thread, NULL, waiter, NULL)) != 0) {
		errno = rc;
		return hx_err_set_errno(err, HX_EXIT_SYSTEM,
		    "cannot start threads");
	}
	pthread_detach(thread);
	return 0;
}

int
hx_spawn_stop_on_signals(void (*first)(void), void (*cleanup)(void),
    struct hx_err_info *err)
{
	stop_first = first;
	stop_cleanup = cleanup;
	if (watch_signals(stop_main, err) < 0)
		return -1;
	atexit(wait_at_exit);
	return 0;
}

/* The signal hx_spawn_forward_signals passed on, and the grace period. */
static atomic_int forwarded;
static struct timespec forward_grace;

/*
 * Pass a stopping signal on to every child's group; kill the groups when
 * the grace period has passed or a second one came.
 */
static void *
forward_main(void *unused)
{
	int sig;

	(void)unused;
	while (sigwait(&stopping, &sig) != 0)
		continue;
	forwarded = sig;
	signal_all(sig);
	while (sigtimedwait(&stopping, NULL, &forward_grace) < 0 &&
	    errno == EINTR)
		continue;
	hx_spawn_kill_all();
	return NULL;
}

int
hx_spawn_forward_signals(long grace_s, struct hx_err_info *err)
{
	forward_grace.tv_sec = (time_t)grace_s;
	return watch_signals(forward_main, err);
}

int
hx_spawn_forwarded(void)
{
	return forwarded;
}

/* Close both ends of a pipe that are open; 0. */
static int
close_pair(int fds[2])
{
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	fds[0] = fds[1] = -1;
	return 0;
}

/* Wait for the child, honouring the timeout, while draining its pipes. */
static void
watch(pid_t pid, const struct hx_spawn *spec, int outfd, int errfd,
    struct tail *out, struct tail *err, struct hx_spawn_result *res,
    int64_t start)
{
	int64_t deadline = spec->timeout_ns > 0 ? start + spec->timeout_ns : 0;
	int64_t now, kill_at = 0;
	struct pollfd pfd[3];
	int pidfd = open_pidfd(pid), nfds, wait_ms, i;

	for (;;) {
		nfds = 0;
		if (outfd >= 0)
			pfd[nfds++] = (struct pollfd){ outfd, POLLIN, 0 };
		if (errfd >= 0)
			pfd[nfds++] = (struct pollfd){ errfd, POLLIN, 0 };
		if (pidfd >= 0)
			pfd[nfds++] = (struct pollfd){ pidfd, POLLIN, 0 };
		wait_ms = pidfd >= 0 ? -1 : TICK_MS;
		now = hx_clock_mono_ns();
		if (kill_at > 0 || deadline > 0) {
			int64_t next = kill_at > 0 ? kill_at : deadline;
			int ms = next > now ? (int)((next - now) / 1000000) + 1 : 0;

			if (wait_ms < 0 || ms < wait_ms)
				wait_ms = ms;
		}
		/* poll fails only for want of memory: wait a tick and retry. */
		if (poll(pfd, (nfds_t)nfds, wait_ms) < 0 && errno != EINTR)
			poll(NULL, 0, TICK_MS);
		for (i = 0; i < nfds; i++) {
			if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (pfd[i].fd == outfd && !drain_fd(outfd, out)) {
				close(outfd);
				outfd = -1;
			} else if (pfd[i].fd == errfd && !drain_fd(errfd, err)) {
				close(errfd);
				errfd = -1;
			}
		}
		if (has_ended(pid))
			break;
		now = hx_clock_mono_ns();
		if (deadline > 0 && now >= deadline && !res->timed_out) {
			res->timed_out = true;
			kill(-pid, SIGTERM);
			kill_at = now + KILL_GRACE_NS;
		} else if (kill_at > 0 && now >= kill_at) {
			kill(-pid, SIGKILL);
			kill_at = 0;
		}
	}
	res->duration_ns = hx_clock_mono_ns() - start;
	/* Nothing the child started may outlive it. */
	kill(-pid, SIGKILL);
	if (pidfd >= 0)
		close(pidfd);
	/* Collect what is left in the pipes, for a bounded time. */
	deadline = hx_clock_mono_ns() + DRAIN_LIMIT_NS;
	while ((outfd >= 0 || errfd >= 0) && hx_clock_mono_ns() < deadline) {
		nfds = 0;
		if (outfd >= 0)
			pfd[nfds++] = (struct pollfd){ outfd, POLLIN, 0 };
		if (errfd >= 0)
			pfd[nfds++] = (struct pollfd){ errfd, POLLIN, 0 };
		if (poll(pfd, (nfds_t)nfds, TICK_MS) <= 0)
			continue;
		for (i = 0; i < nfds; i++) {
			if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (pfd[i].fd == outfd && !drain_fd(outfd, out)) {
				close(outfd);
				outfd = -1;
			} else if (pfd[i].fd == errfd && !drain_fd(errfd, err)) {
				close(errfd);
				errfd = -1;
			}
		}
	}
	if (outfd >= 0)
		close(outfd);
	if (errfd >= 0)
		close(errfd);
}

static void
decode_status(int status, struct hx_spawn_result *res)
{
	if (WIFEXITED(status)) {
		res->exited = true;
		res->status = WEXITSTATUS(status);
	} else if (WIFSIGNALED(status)) {
		res->signaled = true;
		res->signal = WTERMSIG(status);
	}
}

/* Hand the terminal to the child's group and back, as a shell does. */
static void
give_terminal(int fd, pid_t pgid)
{
	void (*old)(int) = signal(SIGTTOU, SIG_IGN);

	tcsetpgrp(fd, pgid);
	signal(SIGTTOU, old);
}

int
hx_spawn_run(const struct hx_spawn *spec, struct hx_spawn_result *res)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	struct hx_harness_saved saved;
	struct tail out = { 0 }, err = { 0 };
	int outp[2] = { -1, -1 }, errp[2] = { -1, -1 };
	struct rusage usage;
	int rc, status;
	pid_t pid;
	int64_t start;

	memset(res, 0, sizeof(*res));
	out.max = err.max = spec->tail_max > 0 ? spec->tail_max :
	    HX_SPAWN_DEFAULT_TAIL;
#ifndef HAVE_POSIX_SPAWN_FILE_ACTIONS_ADDCHDIR_NP
	if (spec->cwd != NULL)
		return ENOSYS;
#endif
	if (spec->capture) {
		if (pipe2(outp, O_CLOEXEC) < 0 ||
		    (!spec->merge_stderr && pipe2(errp, O_CLOEXEC) < 0)) {
			rc = errno;
			close_pair(outp);
			return rc;
		}
	}
	if (posix_spawn_file_actions_init(&fa) != 0)
		return close_pair(outp), close_pair(errp), ENOMEM;
	if (hx_spawn_attr_init(&attr) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return close_pair(outp), close_pair(errp), ENOMEM;
	}
	if (spec->capture) {
		posix_spawn_file_actions_adddup2(&fa, outp[1], STDOUT_FILENO);
		posix_spawn_file_actions_adddup2(&fa,
		    spec->merge_stderr ? outp[1] : errp[1], STDERR_FILENO);
		posix_spawn_file_actions_addopen(&fa, STDIN_FILENO,
		    spec->stdin_path != NULL ? spec->stdin_path : "/dev/null",
		    O_RDONLY, 0);
	} else if (spec->stdin_path != NULL) {
		posix_spawn_file_actions_addopen(&fa, STDIN_FILENO,
		    spec->stdin_path, O_RDONLY, 0);
	}
	if (spec->fd3_path != NULL)
		posix_spawn_file_actions_addopen(&fa, 3, spec->fd3_path,
		    O_RDONLY, 0);
#ifdef HAVE_POSIX_SPAWN_FILE_ACTIONS_ADDCHDIR_NP
	if (spec->cwd != NULL)
		posix_spawn_file_actions_addchdir_np(&fa, spec->cwd);
#endif
	/* The child inherits this thread's affinity and scheduling. */
	if (spec->harness != NULL)
		hx_harness_enter(spec->harness, &saved, NULL);
	start = hx_clock_mono_ns();
	rc = guarded_spawn(&pid, 0, spec->argv[0], &fa, &attr, spec->argv,
	    spec->envp != NULL ? spec->envp : environ);
	if (spec->harness != NULL)
		hx_harness_leave(&saved);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (outp[1] >= 0)
		close(outp[1]);
	if (errp[1] >= 0)
		close(errp[1]);
	if (rc != 0) {
		if (outp[0] >= 0)
			close(outp[0]);
		if (errp[0] >= 0)
			close(errp[0]);
		return rc;
	}
	if (!spec->capture && spec->foreground) {
		/* It may have stopped on SIGTTIN before it had the terminal. */
		give_terminal(STDIN_FILENO, pid);
		kill(-pid, SIGCONT);
	}
	out.buf = hx_xmalloc(out.max + 1);
	err.buf = hx_xmalloc(err.max + 1);
	watch(pid, spec, outp[0], errp[0], &out, &err, res, start);
	forget_group(pid);
	status = 0;
	memset(&usage, 0, sizeof(usage));
	while (wait4(pid, &status, 0, &usage) < 0 && errno == EINTR)
		continue;
	if (!spec->capture && spec->foreground)
		give_terminal(STDIN_FILENO, getpgrp());
	decode_status(status, res);
	res->user_ns = (int64_t)usage.ru_utime.tv_sec * 1000000000 +
	    (int64_t)usage.ru_utime.tv_usec * 1000;
	res->system_ns = (int64_t)usage.ru_stime.tv_sec * 1000000000 +
	    (int64_t)usage.ru_stime.tv_usec * 1000;
	res->max_rss_bytes = (int64_t)usage.ru_maxrss * 1024;
	out.buf[out.len] = '\0';
	err.buf[err.len] = '\0';
	res->out = out.buf;
	res->out_len = out.len;
	res->out_truncated = out.truncated;
	res->err = err.buf;
	res->err_len = err.len;
	res->err_truncated = err.truncated;
	return 0;
}

void
hx_spawn_result_free(struct hx_spawn_result *res)
{
	free(res->out);
	free(res->err);
	res->out = res->err = NULL;
}

/* Reap the first N of PIDS into STATUSES. */
static void
reap_all(const pid_t *pids, int n, int *statuses)
{
	int i, status;

	for (i = 0; i < n; i++) {
		while (waitpid(pids[i], &status, 0) < 0)
			if (errno != EINTR) {
				status = 0;
				break;
			}
		statuses[i] = WIFSIGNALED(status) ? 128 + WTERMSIG(status) :
		    WEXITSTATUS(status);
	}
}

int
hx_spawn_pipeline(const struct hx_pipeline *p, int *statuses)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	pid_t *pids = hx_xcalloc((size_t)p->n, sizeof(*pids)), pgid = 0;
	siginfo_t info;
	int prev_read = -1, fds[2], rc = 0, i;

	for (i = 0; i < p->n && rc == 0; i++) {
		fds[0] = fds[1] = -1;
		if (i + 1 < p->n && pipe2(fds, O_CLOEXEC) < 0) {
			rc = errno;
			break;
		}
		if (posix_spawn_file_actions_init(&fa) != 0) {
			rc = ENOMEM;
			close_pair(fds);
			break;
		}
		if (hx_spawn_attr_init(&attr) != 0) {
			posix_spawn_file_actions_destroy(&fa);
			rc = ENOMEM;
			close_pair(fds);
			break;
		}
		posix_spawnattr_setpgroup(&attr, pgid);
		if (prev_read >= 0)
			posix_spawn_file_actions_adddup2(&fa, prev_read,
			    STDIN_FILENO);
		else if (p->input != NULL)
			posix_spawn_file_actions_addopen(&fa, STDIN_FILENO,
			    p->input, O_RDONLY, 0);
		if (fds[1] >= 0)
			posix_spawn_file_actions_adddup2(&fa, fds[1],
			    STDOUT_FILENO);
		else if (p->output != NULL)
			posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO,
			    p->output, O_WRONLY | O_CREAT |
			    (p->append ? O_APPEND : O_TRUNC), 0666);
		rc = guarded_spawn(&pids[i], pgid, p->argvs[i][0], &fa, &attr,
		    p->argvs[i], environ);
		posix_spawn_file_actions_destroy(&fa);
		posix_spawnattr_destroy(&attr);
		if (prev_read >= 0)
			close(prev_read);
		if (fds[1] >= 0)
			close(fds[1]);
		prev_read = fds[0];
		if (rc != 0)
			break;
		if (pgid == 0) {
			pgid = pids[0];
			if (p->foreground)
				give_terminal(STDIN_FILENO, pgid);
		}
	}
	if (prev_read >= 0)
		close(prev_read);
	if (pgid != 0) {
		if (rc != 0)
			kill(-pgid, SIGKILL);
		else
			kill(-pgid, SIGCONT);
		reap_all(pids + 1, rc != 0 ? i - 1 : p->n - 1, statuses + 1);
		/* The leader ends; as a zombie it still holds the group's id. */
		while (waitid(P_PID, (id_t)pgid, &info, WEXITED | WNOWAIT) < 0 &&
		    errno == EINTR)
			continue;
		forget_group(pgid);
		/* Nothing the commands started may outlive them. */
		kill(-pgid, SIGKILL);
		reap_all(pids, 1, statuses);
		if (p->foreground)
			give_terminal(STDIN_FILENO, getpgrp());
	}
	free(pids);
	return rc;
}

int
hx_spawn_start(char *const *argv, int fd, int child_fd, pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	int rc;

	if (posix_spawn_file_actions_init(&fa) != 0)
		return ENOMEM;
	if (hx_spawn_attr_init(&attr) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return ENOMEM;
	}
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null",
	    O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null",
	    O_WRONLY, 0);
	if (fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, fd, child_fd);
	rc = posix_spawnp(pid, argv[0], &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	return rc;
}

int
hx_spawn_end(pid_t pid, int sig)
{
	int status = 0;

	kill(pid, sig);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		continue;
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) :
	    WEXITSTATUS(status);
}
