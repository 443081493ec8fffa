/*
 * unit-spawn: children, timeouts, process groups, and atomic writes.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hx_atomic.h"
#include "hx_spawn.h"
#include "../tap.h"

static int
run_sh(const char *script, int64_t timeout_ns, size_t tail,
    struct hx_spawn_result *res)
{
	char *argv[] = { (char *)"sh", (char *)"-c", (char *)script, NULL };
	struct hx_spawn spec = { 0 };

	spec.argv = argv;
	spec.capture = true;
	spec.timeout_ns = timeout_ns;
	spec.tail_max = tail;
	return hx_spawn_run(&spec, res);
}

/*
 * Run the shell SCRIPT (which creates the marker file $HX_MARKER once it
 * is ready) under a timeout, until a run was ready before the
 * timeout hit: the timeout grows from 200 ms, so a loaded machine only
 * takes longer.  Returns 0 with *RES of the ready run, or -1.
 */
static int
run_ready(const char *script, struct hx_spawn_result *res)
{
	static const int64_t timeouts[] = { 200000000LL, 1000000000LL,
	    5000000000LL, 30000000000LL };
	char marker[] = "/tmp/hx-unit-spawn.XXXXXX";
	size_t i;
	int fd;

	if ((fd = mkstemp(marker)) < 0)
		return -1;
	close(fd);
	setenv("HX_MARKER", marker, 1);
	for (i = 0; i < sizeof(timeouts) / sizeof(timeouts[0]); i++) {
		unlink(marker);
		if (run_sh(script, timeouts[i], 0, res) != 0)
			break;
		if (access(marker, F_OK) == 0) {
			unlink(marker);
			return 0;
		}
		hx_spawn_result_free(res);
	}
	unlink(marker);
	return -1;
}

/* Whether PID is gone or a zombie, waiting up to two seconds. */
static int
process_gone(long pid)
{
	char path[64], buf[256], *p;
	FILE *fp;
	int i;

	for (i = 0; i < 200; i++) {
		snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
		if ((fp = fopen(path, "r")) == NULL)
			return 1;
		p = fgets(buf, sizeof(buf), fp);
		fclose(fp);
		if (p != NULL && (p = strrchr(buf, ')')) != NULL && p[2] == 'Z')
			return 1;
		usleep(10000);
	}
	return 0;
}

static void
test_spawn(void)
{
	struct hx_spawn_result res;
	struct hx_spawn spec = { 0 };
	char *argv[] = { (char *)"hx-no-such-program", NULL };
	char *pwd[] = { (char *)"pwd", NULL };
	char *cat[] = { (char *)"cat", NULL };
	char *path;
	char *envp[] = { (char *)"HX_UNIT=42", (char *)"PATH=/usr/bin:/bin", NULL };
	char *printenv[] = { (char *)"sh", (char *)"-c",
	    (char *)"echo $HX_UNIT", NULL };
	long pid;

	tap_ok(run_sh("exit 0", 0, 0, &res) == 0 && res.exited &&
	    res.status == 0, "a child that exits 0");
	hx_spawn_result_free(&res);
	tap_ok(run_sh("exit 3", 0, 0, &res) == 0 && res.exited &&
	    res.status == 3, "its exit status");
	hx_spawn_result_free(&res);
	tap_ok(run_sh("kill -USR1 $$", 0, 0, &res) == 0 && res.signaled &&
	    res.signal == SIGUSR1, "death by a signal");
	hx_spawn_result_free(&res);

	run_sh("echo out; echo err >&2", 0, 0, &res);
	tap_is(res.out, "out\n", "stdout is captured");
	tap_is(res.err, "err\n", "stderr is captured apart");
	hx_spawn_result_free(&res);

	run_sh("i=0; while [ $i -lt 1000 ]; do echo line$i; i=$((i+1)); done",
	    0, 16, &res);
	tap_ok(res.out_truncated && res.out_len == 16 &&
	    strcmp(res.out, "line998\nline999\n") == 0,
	    "only the tail of long output is kept");
	hx_spawn_result_free(&res);

	run_sh("sleep 30", 200000000LL, 0, &res);
	tap_ok(res.timed_out && res.signaled && res.signal == SIGTERM,
	    "a timeout ends the child with SIGTERM");
	hx_spawn_result_free(&res);

	tap_ok(run_ready("trap '' TERM; : >\"$HX_MARKER\"; sleep 30",
	    &res) == 0 && res.timed_out && res.signaled && res.signal == SIGKILL,
	    "a child that ignores SIGTERM gets SIGKILL");
	hx_spawn_result_free(&res);

	tap_ok(run_ready("sleep 30 & echo $!; : >\"$HX_MARKER\"; wait",
	    &res) == 0 &&
	    res.timed_out && (pid = strtol(res.out, NULL, 10)) > 0 &&
	    process_gone(pid),
	    "a timeout kills the child's whole process group");
	hx_spawn_result_free(&res);

	run_sh("sleep 30 >/dev/null & echo $!", 0, 0, &res);
	pid = strtol(res.out, NULL, 10);
	tap_ok(res.exited && pid > 0 && process_gone(pid),
	    "nothing the child started outlives it");
	hx_spawn_result_free(&res);

	spec.argv = argv;
	spec.capture = true;
	tap_ok(hx_spawn_run(&spec, &res) == ENOENT,
	    "a missing program is ENOENT, not a child failure");

	spec.argv = pwd;
	spec.cwd = "/";
	tap_ok(hx_spawn_run(&spec, &res) == 0 && strcmp(res.out, "/\n") == 0,
	    "the child runs in the directory asked for");
	hx_spawn_result_free(&res);

	spec.argv = printenv;
	spec.cwd = NULL;
	spec.envp = envp;
	tap_ok(hx_spawn_run(&spec, &res) == 0 && strcmp(res.out, "42\n") == 0,
	    "the child gets the environment asked for");
	hx_spawn_result_free(&res);

	spec.argv = cat;
	spec.envp = NULL;
	tap_ok(hx_spawn_run(&spec, &res) == 0 && res.out_len == 0,
	    "stdin is /dev/null by default");
	hx_spawn_result_free(&res);
	spec.stdin_path = "/etc/hostname";
	tap_ok(hx_spawn_run(&spec, &res) == 0 && res.out_len > 0,
	    "stdin can be a file");
	hx_spawn_result_free(&res);

	path = hx_spawn_which("sh");
	tap_ok(path != NULL && hx_spawn_which("hx-none") == NULL,
	    "which finds programs in PATH");
	free(path);
}

/* The number of entries in DIR whose name starts with PREFIX. */
static int
count_entries(const char *dir, const char *prefix)
{
	struct dirent *e;
	DIR *d = opendir(dir);
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, prefix, strlen(prefix)) == 0)
			n++;
	closedir(d);
	return n;
}

static void
test_atomic(void)
{
	char dir[] = "/tmp/hx-unit-atomic.XXXXXX", path[128], buf[64];
	struct hx_atomic a;
	FILE *fp;
	size_t n;

	if (mkdtemp(dir) == NULL) {
		tap_ok(0, "mkdtemp");
		return;
	}
	snprintf(path, sizeof(path), "%s/report.xml", dir);
	tap_ok(hx_atomic_write(path, "first\n", 6, 0644) == 0,
	    "an atomic write succeeds");
	tap_ok(hx_atomic_open(&a, path, 0644) == 0, "open a second write");
	fputs("half", a.fp);
	fflush(a.fp);
	fp = fopen(path, "r");
	n = fread(buf, 1, sizeof(buf), fp);
	fclose(fp);
	tap_ok(n == 6 && memcmp(buf, "first\n", 6) == 0,
	    "readers see the old file while the new one is written");
	hx_atomic_abort(&a);
	tap_ok(count_entries(dir, "report.xml.tmp") == 0,
	    "an aborted write leaves no temporary file");
	tap_ok(hx_atomic_write(path, "second\n", 7, 0644) == 0 &&
	    count_entries(dir, "report.xml") == 1, "a commit replaces the file");
	fp = fopen(path, "r");
	n = fread(buf, 1, sizeof(buf), fp);
	fclose(fp);
	tap_ok(n == 7 && memcmp(buf, "second\n", 7) == 0, "with the new content");
	snprintf(path, sizeof(path), "%s/no/such/dir/x", dir);
	tap_ok(hx_atomic_write(path, "x", 1, 0644) < 0 && errno == ENOENT,
	    "a write into a missing directory fails with ENOENT");
	snprintf(path, sizeof(path), "%s/report.xml", dir);
	unlink(path);
	rmdir(dir);
	{
		struct stat st;

		tap_ok(hx_atomic_write("/dev/null", "x", 1, 0644) == 0 &&
		    stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode),
		    "/dev/null is written in place, not replaced by a file");
		tap_ok(hx_atomic_write("/tmp", "x", 1, 0644) < 0 &&
		    errno == EISDIR, "a directory is refused");
	}
}

int
main(void)
{
	struct hx_spawn_result res;

	test_spawn();
	test_atomic();
	/* Last: stopping is for good. */
	hx_spawn_stop();
	tap_ok(run_sh("exit 0", 0, 0, &res) == ECANCELED,
	    "after hx_spawn_stop no child starts");
	return tap_done();
}
