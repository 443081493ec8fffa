/*
 * hx_stub: hx-offload as the stub service of a test run.  The service
 * writes its address on a pipe once it accepts connections (--ready-fd):
 * the tests start only after that line, never after a guessed delay.  It
 * reads the end of another pipe (--parent-fd) whose write end only this
 * process holds: however this process ends, even by SIGKILL, the service
 * stops and removes its socket.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#include "hx_clock.h"
#include "hx_file.h"
#include "hx_spawn.h"
#include "emu/hx_stub.h"

/* How long a service that neither writes its address nor ends may take. */
#define STUB_READY_MS 60000

/* The descriptor the service writes its address on. */
#define STUB_READY_FD 3

char *
hx_stub_find(const char *self_dir)
{
	char *path;

	if ((path = hx_spawn_executable_in(self_dir, "hx-offload")) == NULL &&
	    (path = hx_spawn_executable_in(HX_BINDIR, "hx-offload")) == NULL)
		path = hx_spawn_which("hx-offload");
	return path;
}

/*
 * Read the first line the service writes on FD into LINE (without its
 * newline).  Returns 0, 1 at the end of the pipe before a whole line,
 * or -1 when STUB_READY_MS pass without one.
 */
static int
read_ready_line(int fd, char *line, size_t size)
{
	struct pollfd pfd = { fd, POLLIN, 0 };
	size_t len = 0;
	ssize_t n;
	char *nl;
	int64_t deadline = hx_clock_mono_ns() + STUB_READY_MS * 1000000LL;
	int left;

	while (len + 1 < size) {
		left = (int)((deadline - hx_clock_mono_ns()) / 1000000);
		if (left <= 0 || poll(&pfd, 1, left) == 0)
			return -1;
		n = read(fd, line + len, size - 1 - len);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return 1;
		len += (size_t)n;
		line[len] = '\0';
		if ((nl = strchr(line, '\n')) != NULL) {
			*nl = '\0';
			return 0;
		}
	}
	return 1;
}

/* Close the write end of the service's --parent-fd, if open. */
static void
close_lifeline(struct hx_stub *stub)
{
	if (stub->lifeline >= 0)
		close(stub->lifeline);
	stub->lifeline = -1;
}

int
hx_stub_start(struct hx_stub *stub, const char *dir, struct hx_err_info *err)
{
	const char *const args[] = { "--backend", "cpu", NULL };
	char *self = hx_spawn_self_dir(), *program = hx_stub_find(self);
	int rc;

	free(self);
	if (program == NULL)
		return hx_err_set(err, HX_EXIT_SYSTEM, "--gpu-stub: hx-offload "
		    "is neither beside hx-emu, nor in %s, nor in PATH "
		    "(reinstall hx)", HX_BINDIR);
	rc = hx_stub_start_args(stub, program, args, dir, err);
	free(program);
	return rc;
}

char *
hx_stub_tmpdir(struct hx_err_info *err)
{
	const char *base = getenv("TMPDIR");
	unsigned swept;
	char *dir;

	if (base == NULL || *base != '/')
		base = "/tmp";
	hx_file_sweep(base, "hx-emu.??????", HX_STUB_STALE_SECONDS, &swept);
	dir = hx_xasprintf("%s/hx-emu.XXXXXX", base);
	if (mkdtemp(dir) == NULL) {
		hx_err_set_errno(err, HX_EXIT_SYSTEM, "%s", dir);
		free(dir);
		return NULL;
	}
	hx_file_lock_dir(dir);
	return dir;
}

int
hx_stub_start_args(struct hx_stub *stub, const char *program,
    const char *const *args, const char *dir, struct hx_err_info *err)
{
	char *socket = hx_xasprintf("%s/offload.sock", dir);
	char *listen = hx_xasprintf("unix:%s", socket);
	char fdarg[16], lifearg[16], line[1024], **argv;
	struct sockaddr_un sun;
	int p[2], life[2], w, r, rc, status;
	size_t n = 0, i;
	pid_t pid;

	while (args[n] != NULL)
		n++;
	argv = hx_xcalloc(n + 8, sizeof(*argv));
	argv[0] = (char *)program;
	for (i = 0; i < n; i++)
		argv[i + 1] = (char *)args[i];
	argv[n + 1] = "--listen";
	argv[n + 2] = listen;
	argv[n + 3] = "--ready-fd";
	argv[n + 4] = fdarg;
	argv[n + 5] = "--parent-fd";
	argv[n + 6] = lifearg;
	stub->address = NULL;
	stub->lifeline = -1;
	atomic_store(&stub->pid, 0);
	snprintf(fdarg, sizeof(fdarg), "%d", STUB_READY_FD);
	rc = strlen(socket) < sizeof(sun.sun_path) ? 0 : -1;
	free(socket);
	if (rc < 0) {
		free(listen);
		free(argv);
		return hx_err_set(err, HX_EXIT_SYSTEM, "--gpu-stub: the socket "
		    "path in %s is too long for a Unix socket: set TMPDIR to "
		    "a shorter directory", dir);
	}
	/* The write end must not be descriptor 3 already: it is moved there. */
	if (pipe2(p, O_CLOEXEC) < 0 ||
	    (w = fcntl(p[1], F_DUPFD_CLOEXEC, STUB_READY_FD + 1)) < 0) {
		free(listen);
		free(argv);
		return hx_err_set_errno(err, HX_EXIT_SYSTEM,
		    "--gpu-stub: pipe");
	}
	close(p[1]);
	/* The read end is inherited as it is: not close-on-exec. */
	if (pipe2(life, O_CLOEXEC) < 0 ||
	    (r = fcntl(life[0], F_DUPFD, STUB_READY_FD + 1)) < 0) {
		close(p[0]);
		close(w);
		free(listen);
		free(argv);
		return hx_err_set_errno(err, HX_EXIT_SYSTEM,
		    "--gpu-stub: pipe");
	}
	close(life[0]);
	snprintf(lifearg, sizeof(lifearg), "%d", r);
	rc = hx_spawn_start(argv, w, STUB_READY_FD, &pid);
	close(w);
	close(r);
	free(listen);
	free(argv);
	stub->lifeline = life[1];
	if (rc != 0) {
		close(p[0]);
		close_lifeline(stub);
		errno = rc;
		return hx_err_set_errno(err, HX_EXIT_SYSTEM,
		    "--gpu-stub: cannot start %s", program);
	}
	atomic_store(&stub->pid, pid);
	rc = read_ready_line(p[0], line, sizeof(line));
	close(p[0]);
	if (rc == 0) {
		stub->address = hx_xstrdup(line);
		return 0;
	}
	atomic_store(&stub->pid, 0);
	close_lifeline(stub);
	status = hx_spawn_end(pid, SIGKILL);
	if (rc < 0)
		return hx_err_set(err, HX_EXIT_SYSTEM, "--gpu-stub: %s wrote no "
		    "address within %d s", program, STUB_READY_MS / 1000);
	return hx_err_set(err, HX_EXIT_SYSTEM, "--gpu-stub: %s ended before "
	    "it was ready (exit status %d)", program, status);
}

int
hx_stub_stop(struct hx_stub *stub, struct hx_err_info *err)
{
	pid_t pid = atomic_exchange(&stub->pid, 0);
	int status;

	if (pid == 0)
		return 0;
	status = hx_spawn_end(pid, SIGTERM);
	close_lifeline(stub);
	free(stub->address);
	stub->address = NULL;
	if (status != 0)
		return hx_err_set(err, HX_EXIT_SYSTEM, "--gpu-stub: hx-offload "
		    "ended with status %d", status);
	return 0;
}
