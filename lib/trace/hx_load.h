/*
 * hx_load: the load of a profile (hx_profile) running beside a measured
 * command: stress-ng in a process group of its own, started and waited
 * for until its stressors run, and stopped with its whole group.
 */
#ifndef HX_LOAD_H
#define HX_LOAD_H

#include <sys/types.h>

#include "hx_err.h"
#include "trace/hx_profile.h"

struct hx_load {
	pid_t pid;		/* stress-ng; 0: no load */
	int fd;			/* its standard error; -1: none */
	char last[256];		/* the last line it wrote there */
	char *tmpdir;		/* its --temp-path, of its own; or NULL */
};

/*
 * Start the load of PROFILE and return when it runs: stress-ng has said
 * "dispatching hogs: N name, ..." on its standard error and its N
 * stressor processes exist (children of it in /proc).  A profile without
 * arguments starts nothing.  stress-ng gets a temporary directory of its
 * own (--temp-path, under $TMPDIR or /tmp), and the caller becomes a
 * child subreaper, so that the stressors stress-ng leaves behind are its
 * to reap.  Returns 0; -1 with ERR filled (exit 4) when
 * stress-ng is not installed, cannot start, or ends before its stressors
 * run, ERR then naming the profile and the last line stress-ng wrote; or
 * -1 when hx_spawn_forwarded says a signal came while waiting, with ERR
 * saying so.
 */
int hx_load_start(struct hx_load *load, const struct hx_profile *profile,
    struct hx_err_info *err);

/*
 * Stop LOAD: SIGTERM to its process group, SIGKILL to the group after
 * GRACE_MS milliseconds if stress-ng has not ended, reap every process
 * of the group, and remove its temporary directory: nothing of the load
 * is left when it returns.
 */
void hx_load_stop(struct hx_load *load, long grace_ms);

#endif
