/*
 * hx_load: stress-ng beside a measured command.
 *
 * stress-ng 0.15 writes "stress-ng: info:  [PID] dispatching hogs: 1 cpu,
 * 1 vm" on its standard error before it forks one process per stressor;
 * the load runs when that many children of it are in /proc.  Waiting for
 * both, not for a while, is what makes the command start under load.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hx_file.h"
#include "hx_spawn.h"
#include "trace/hx_load.h"

#define DISPATCH "dispatching hogs: "

/* Sleep a millisecond, between two looks at /proc or at stress-ng. */
static void
pause_ms(void)
{
	struct timespec ts = { 0, 1000000 };

	nanosleep(&ts, NULL);
}

/* How many processes have PARENT as their parent, from /proc. */
static long
children(pid_t parent)
{
	char path[300], buf[512], *close_paren;
	struct dirent *d;
	long n = 0;
	DIR *dir;
	FILE *f;
	int ppid;

	if ((dir = opendir("/proc")) == NULL)
		return -1;
	while ((d = readdir(dir)) != NULL) {
		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", d->d_name);
		if ((f = fopen(path, "re")) == NULL)
			continue;
		if (fgets(buf, sizeof(buf), f) != NULL &&
		    (close_paren = strrchr(buf, ')')) != NULL &&
		    sscanf(close_paren + 1, " %*c %d", &ppid) == 1 &&
		    ppid == parent)
			n++;
		fclose(f);
	}
	closedir(dir);
	return n;
}

/* The number of stressors a "dispatching hogs: 2 cpu, 1 vm" line names. */
static long
stressors(const char *line)
{
	const char *p = strstr(line, DISPATCH) + strlen(DISPATCH);
	long n = 0, k;
	char *end;

	for (;;) {
		k = strtol(p, &end, 10);
		if (end == p)
			return n;
		n += k;
		if ((p = strchr(end, ',')) == NULL)
			return n;
		p++;
	}
}

/*
 * Read LOAD's standard error up to the dispatching line: the number of
 * stressors it names, 0 when stress-ng ended first, -1 on a signal.
 */
static long
read_dispatch(struct hx_load *load)
{
	struct pollfd pfd = { load->fd, POLLIN, 0 };
	char buf[4096], *nl;
	size_t len = 0;
	ssize_t got;

	for (;;) {
		if (hx_spawn_forwarded() != 0)
			return -1;
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		got = read(load->fd, buf + len, sizeof(buf) - 1 - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return 0;
		len += (size_t)got;
		buf[len] = '\0';
		while ((nl = strchr(buf, '\n')) != NULL) {
			*nl = '\0';
			snprintf(load->last, sizeof(load->last), "%.255s", buf);
			if (strstr(buf, DISPATCH) != NULL)
				return stressors(buf);
			len -= (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, len + 1);
		}
		if (len == sizeof(buf) - 1)
			len = 0;
	}
}

/*
 * Wait until LOAD's stressors, N of them, run: 0; -1 when stress-ng ended
 * first or a signal came.
 */
static int
wait_stressors(struct hx_load *load, long n)
{
	int status;

	while (children(load->pid) < n) {
		if (hx_spawn_forwarded() != 0)
			return -1;
		if (waitpid(load->pid, &status, WNOHANG) == load->pid) {
			load->pid = 0;
			return -1;
		}
		pause_ms();
	}
	return 0;
}

int
hx_load_start(struct hx_load *load, const struct hx_profile *profile,
    struct hx_err_info *err)
{
	const char *tmp;
	char *program, **argv;
	int fds[2], rc;
	size_t n, i;
	long want;

	load->pid = 0;
	load->fd = -1;
	load->last[0] = '\0';
	load->tmpdir = NULL;
	for (n = 0; profile->args[n] != NULL; n++)
		continue;
	if (n == 0)
		return 0;
	if ((program = hx_spawn_which("stress-ng")) == NULL)
		return hx_err_set(err, HX_EXIT_SYSTEM, "profile %s: stress-ng "
		    "is not installed (Debian package stress-ng)",
		    profile->name);
	free(program);
	/* The stressors stress-ng leaves when killed become ours to reap. */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		return hx_err_set_errno(err, HX_EXIT_SYSTEM, "prctl");
	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	load->tmpdir = hx_xasprintf("%s/hx-load.XXXXXX", tmp);
	if (mkdtemp(load->tmpdir) == NULL) {
		rc = hx_err_set_errno(err, HX_EXIT_SYSTEM, "%s",
		    load->tmpdir);
		free(load->tmpdir);
		load->tmpdir = NULL;
		return rc;
	}
	if (pipe2(fds, O_CLOEXEC) < 0) {
		rc = hx_err_set_errno(err, HX_EXIT_SYSTEM, "pipe");
		hx_load_stop(load, 0);
		return rc;
	}
	/* The profile's arguments, then the directory of its own. */
	argv = hx_xcalloc(n + 4, sizeof(*argv));
	argv[0] = "stress-ng";
	for (i = 0; i < n; i++)
		argv[i + 1] = (char *)profile->args[i];
	argv[n + 1] = "--temp-path";
	argv[n + 2] = load->tmpdir;
	rc = hx_spawn_start(argv, fds[1], STDERR_FILENO, &load->pid);
	free(argv);
	close(fds[1]);
	if (rc != 0) {
		close(fds[0]);
		load->pid = 0;
		hx_load_stop(load, 0);
		return hx_err_set(err, HX_EXIT_SYSTEM, "profile %s: cannot "
		    "start stress-ng: %s", profile->name, strerror(rc));
	}
	load->fd = fds[0];
	if ((want = read_dispatch(load)) > 0 &&
	    wait_stressors(load, want) == 0)
		return 0;
	if (hx_spawn_forwarded() != 0) {
		hx_load_stop(load, 0);
		return hx_err_set(err, HX_EXIT_SYSTEM, "profile %s: stopped "
		    "by signal %d while stress-ng started", profile->name,
		    hx_spawn_forwarded());
	}
	hx_load_stop(load, 0);
	return hx_err_set(err, HX_EXIT_SYSTEM, "profile %s: stress-ng did not "
	    "start its stressors: %s", profile->name, load->last[0] != '\0' ?
	    load->last : "no output");
}

void
hx_load_stop(struct hx_load *load, long grace_ms)
{
	siginfo_t info;
	long waited = 0;

	if (load->pid > 0) {
		kill(-load->pid, SIGTERM);
		/* Not reaped yet, so that its group cannot be another's. */
		for (;;) {
			memset(&info, 0, sizeof(info));
			if (waitid(P_PID, (id_t)load->pid, &info, WEXITED |
			    WNOHANG | WNOWAIT) < 0 && errno != EINTR)
				break;
			if (info.si_pid == load->pid)
				break;
			if (waited++ >= grace_ms)
				break;
			pause_ms();
		}
		/*
		 * What is left of the group after the grace; then every
		 * process of it, stress-ng and the stressors it left to us
		 * (a subreaper), until none is left.
		 */
		kill(-load->pid, SIGKILL);
		while (waitpid(-load->pid, NULL, 0) > 0 || errno == EINTR)
			continue;
		load->pid = 0;
	}
	if (load->fd >= 0)
		close(load->fd);
	load->fd = -1;
	if (load->tmpdir != NULL) {
		hx_file_remove_tree(load->tmpdir);
		free(load->tmpdir);
		load->tmpdir = NULL;
	}
}
