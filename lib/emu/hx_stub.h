/*
 * hx_stub: the GPU-offload stub of hx-emu --gpu-stub, hx-offload with the
 * cpu backend on a Unix socket of a private directory, from the first
 * test of a run to the end of the last.
 */
#ifndef HX_STUB_H
#define HX_STUB_H

#include <stdatomic.h>

#include "hx_err.h"

/* How long a killed run's private directory stays before a sweep. */
#define HX_STUB_STALE_SECONDS 600

struct hx_stub {
	atomic_int pid;		/* the service's, 0 when none runs */
	char *address;		/* as it reported it: "unix:PATH" */
	int lifeline;		/* the write end of the service's --parent-fd */
};

/*
 * The hx-offload to start: beside SELF_DIR (the running program's
 * directory, or NULL), installed in HX_BINDIR, or in PATH.  A new string,
 * or NULL when there is none.
 */
char *hx_stub_find(const char *self_dir);

/*
 * Start the hx-offload hx_stub_find finds beside the running program
 * with --backend cpu, listening on DIR/offload.sock, and wait for the
 * address it writes once it accepts.  Returns 0, or -1 with ERR filled
 * (status 4) when there is none, it cannot start or it ends before it is
 * ready.
 */
int hx_stub_start(struct hx_stub *stub, const char *dir,
    struct hx_err_info *err);
/* The same with ARGS (NULL-terminated) in place of --backend cpu. */
int hx_stub_start_args(struct hx_stub *stub, const char *program,
    const char *const *args, const char *dir, struct hx_err_info *err);

/*
 * Make the private directory of a run of hx-emu under TMPDIR (/tmp by
 * default), for count files, sysroot views and the stub's socket, locked
 * while this process lives; the ones of killed runs, unlocked and
 * untouched for HX_STUB_STALE_SECONDS, are swept first.  A new string,
 * or NULL with ERR filled (status 4).
 */
char *hx_stub_tmpdir(struct hx_err_info *err);

/*
 * Stop the service with SIGTERM and wait for it; safe to call again, and
 * from the thread that handles a stopping signal.  Returns 0, or -1 with
 * ERR filled when it ended with a status other than 0.
 */
int hx_stub_stop(struct hx_stub *stub, struct hx_err_info *err);

#endif
