/*
 * hx_spawn: run a child program the safe way: posix_spawn with an argv
 * array (never a shell string), in a process group of its own, with a
 * timeout that kills the whole group, keeping the tail of its output.
 */
#ifndef HX_SPAWN_H
#define HX_SPAWN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HX_SPAWN_DEFAULT_TAIL 4096

struct hx_spawn {
	char *const *argv;	/* argv[0] is looked up in PATH without a '/' */
	char *const *envp;	/* NULL: this process's environment */
	const char *cwd;	/* NULL: the current directory */
	const char *stdin_path;	/* NULL: /dev/null */
	int64_t timeout_ns;	/* 0: wait for ever */
	size_t tail_max;	/* output bytes kept per stream; 0: default */
	bool capture;		/* keep stdout/stderr tails; else inherit them */
	bool merge_stderr;	/* with capture: stderr goes into the stdout tail */
	bool foreground;	/* without capture: it gets the terminal on stdin */
};

struct hx_spawn_result {
	bool exited;		/* ended by exit: status holds the code */
	int status;
	bool signaled;		/* ended by a signal: signal holds it */
	int signal;
	bool timed_out;		/* killed because the timeout passed */
	int64_t duration_ns;	/* start to end, monotonic clock */
	char *out;		/* the last tail_max bytes of stdout, NUL-ended */
	size_t out_len;
	bool out_truncated;	/* more was written than out holds */
	char *err;
	size_t err_len;
	bool err_truncated;
};

/*
 * Run SPEC to completion and fill *RESULT.  Returns 0, or an errno value
 * when the program could not be started (ENOENT: not found); RESULT then
 * holds nothing to free.  The child's group is killed when the child ends
 * so that nothing it started outlives it.
 */
int hx_spawn_run(const struct hx_spawn *spec, struct hx_spawn_result *result);

void hx_spawn_result_free(struct hx_spawn_result *result);

/* Nanoseconds on the monotonic clock. */
int64_t hx_spawn_now_ns(void);

/*
 * Find PROGRAM as execvp would (PATH, or as given with a '/').  Returns a
 * new string or NULL.
 */
char *hx_spawn_which(const char *program);

#endif
