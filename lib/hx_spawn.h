/*
 * hx_spawn: run a child program the safe way: posix_spawn with an argv
 * array (never a shell string), in a process group of its own, with a
 * timeout that kills the whole group, keeping the tail of its output.
 */
#ifndef HX_SPAWN_H
#define HX_SPAWN_H

#include <sys/types.h>

#include <spawn.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hx_err.h"
#include "hx_harness.h"

#define HX_SPAWN_DEFAULT_TAIL 4096

struct hx_spawn {
	char *const *argv;	/* argv[0] is looked up in PATH without a '/' */
	char *const *envp;	/* NULL: this process's environment */
	const char *cwd;	/* NULL: the current directory */
	const char *stdin_path;	/* NULL: /dev/null */
	const char *fd3_path;	/* opened read-only as descriptor 3, or NULL */
	int64_t timeout_ns;	/* 0: wait for ever */
	size_t tail_max;	/* output bytes kept per stream; 0: default */
	bool capture;		/* keep stdout/stderr tails; else inherit them */
	bool merge_stderr;	/* with capture: stderr goes into the stdout tail */
	bool foreground;	/* without capture: it gets the terminal on stdin */
	const struct hx_harness *harness;	/* CPUs and scheduling, or NULL */
};

struct hx_spawn_result {
	bool exited;		/* ended by exit: status holds the code */
	int status;
	bool signaled;		/* ended by a signal: signal holds it */
	int signal;
	bool timed_out;		/* killed because the timeout passed */
	int64_t duration_ns;	/* start to end, monotonic clock */
	int64_t user_ns;	/* CPU time in user mode (wait4's rusage) */
	int64_t system_ns;	/* CPU time in the kernel */
	int64_t max_rss_bytes;	/* peak resident set of it, or a descendant */
	char *out;		/* the last tail_max bytes of stdout, NUL-ended */
	size_t out_len;
	bool out_truncated;	/* more was written than out holds */
	char *err;
	size_t err_len;
	bool err_truncated;
};

/*
 * Run SPEC to completion and fill *RESULT.  Returns 0, or an errno value
 * when the program could not be started (ENOENT: not found; EMFILE: no
 * descriptor for its pipes); RESULT then holds nothing to free.  The child's group is killed when the child ends
 * so that nothing it started outlives it.
 */
int hx_spawn_run(const struct hx_spawn *spec, struct hx_spawn_result *result);

void hx_spawn_result_free(struct hx_spawn_result *result);

/*
 * Start no more children, in any thread: later hx_spawn_run and
 * hx_spawn_pipeline calls return ECANCELED.
 */
void hx_spawn_stop(void);

/*
 * Stop as hx_spawn_stop does and kill the process group of every child
 * running now, from any thread (not from a signal handler): what a
 * program stopping on a signal or a closed output calls.
 */
void hx_spawn_kill_all(void);

/*
 * Stop as hx_spawn_stop does, send SIGTERM to the process group of every
 * child running now, so that each can stop its own children, and wait
 * until they have been reaped, GRACE_NS at most; from any thread (not
 * from a signal handler).
 */
void hx_spawn_end_all(int64_t grace_ns);

/*
 * Stop on SIGINT, SIGTERM, SIGHUP and SIGQUIT (those the caller does not
 * ignore) as a program that starts children must: block them in every
 * thread (call this before starting any), and on one, on a thread of its
 * own, call FIRST (to stop output: what the killed runs give is not to
 * be reported), kill every child's process group, call CLEANUP (to
 * remove temporary files), and end the process by that signal, as if it
 * had not been caught: the one place library code ends the process, at
 * the program's request.  A thread that exits the program after a signal
 * arrived waits for that end instead (hx_spawn_stop_wait).  Either
 * function may be NULL.  Returns 0, or -1 with ERR filled.
 */
int hx_spawn_stop_on_signals(void (*first)(void), void (*cleanup)(void),
    struct hx_err_info *err);

/*
 * Pass SIGINT, SIGTERM, SIGHUP and SIGQUIT (those the caller does not
 * ignore) on, as a program that runs one command for the user must, so
 * that the command can clean up: block them in every thread (call this
 * before starting any), and on one, on a thread of its own, start no more
 * children, send it to every child's process group, and kill those groups
 * GRACE_S seconds later, or at once on a second such signal.  The
 * program goes on: hx_spawn_run returns when its child has ended, and
 * hx_spawn_forwarded says which signal came.  Returns 0, or -1 with ERR
 * filled.
 */
int hx_spawn_forward_signals(long grace_s, struct hx_err_info *err);

/* The signal hx_spawn_forward_signals passed on, or 0 while none came. */
int hx_spawn_forwarded(void);

/*
 * When a stopping signal arrived, wait for the end it brings, so that
 * nothing more is reported; otherwise return at once.
 */
void hx_spawn_stop_wait(void);

/*
 * A pipeline of N commands, as a shell runs one: each command's stdout
 * feeds the next one's stdin, all in one new process group.
 */
struct hx_pipeline {
	char *const *const *argvs;	/* N argv arrays */
	int n;
	const char *input;	/* the first command's stdin, or NULL: inherited */
	const char *output;	/* the last command's stdout, or NULL: inherited */
	bool append;		/* append to output rather than truncate it */
	bool foreground;	/* give the group the terminal on stdin */
};

/*
 * Run P to completion, filling STATUSES[i] with command i's exit status
 * (128 + N for death by signal N).  Returns 0, or an errno value when a
 * command could not be started or a file could not be opened; commands
 * already started are then killed and reaped.
 */
int hx_spawn_pipeline(const struct hx_pipeline *p, int *statuses);

/*
 * Initialise ATTR for a child of hx_spawn_run's kind: a process group of
 * its own, no signal blocked, the stopping signals at their defaults.
 * Returns 0, or -1 when posix_spawnattr_init fails.
 */
int hx_spawn_attr_init(posix_spawnattr_t *attr);

/*
 * Start ARGV in the background, a service for the caller's lifetime: in
 * a process group of its own (no terminal signal reaches it), with the
 * signal state of hx_spawn_run's children, stdin and stdout on /dev/null,
 * stderr inherited, and FD, when not -1, as its descriptor CHILD_FD.  It
 * is not on hx_spawn_kill_all's list: the caller ends it with
 * hx_spawn_end.  Returns 0 with *PID set, or an errno value.
 */
int hx_spawn_start(char *const *argv, int fd, int child_fd, pid_t *pid);

/*
 * Send SIG to the child PID of hx_spawn_start, wait for its end and return
 * its exit status (128 + N when signal N ended it).
 */
int hx_spawn_end(pid_t pid, int sig);

/*
 * The directory this program's executable is in (from /proc/self/exe,
 * symbolic links resolved), for finding the files installed or built
 * beside it.  A new string, or NULL.
 */
char *hx_spawn_self_dir(void);

/*
 * Where DIR, a directory configured at build time, lies for this program:
 * DIR's path relative to BINDIR (the configured directory of programs),
 * taken from the directory of this executable.  A tree installed with
 * DESTDIR, or with prefix= given to make install, or moved whole, finds
 * its own files this way.  A new string, or NULL when either path is not
 * absolute or /proc/self/exe cannot be read.
 */
char *hx_spawn_relocate(const char *bindir, const char *dir);

/*
 * Where hx's own file NAME of the package library directory may be, in
 * order: beside this program, in plugin/ of the build tree (when this
 * program runs from cmd/), in the configured directory relocated as
 * hx_spawn_relocate finds it, and in the configured directory itself.
 * A new NULL-terminated array (hx_strv_free).
 */
char **hx_spawn_pkglib_paths(const char *name);

/*
 * Find PROGRAM as execvp would (PATH, or as given with a '/').  Returns a
 * new string or NULL.
 */
char *hx_spawn_which(const char *program);

/*
 * DIR/NAME when it is an executable file: a new string, or NULL (also
 * when DIR is NULL).
 */
char *hx_spawn_executable_in(const char *dir, const char *name);

#endif
