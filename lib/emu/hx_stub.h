/*
 * hx_stub: the GPU-offload stub of hx-emu --gpu-stub, hx-offload with the
 * cpu backend on a Unix socket of a private directory, from the first
 * test of a run to the end of the last.
 */
#ifndef HX_STUB_H
#define HX_STUB_H

#include <stdatomic.h>

#include "hx_err.h"

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
 * Start PROGRAM --backend cpu listening on DIR/offload.sock and wait for
 * the address it writes once it accepts.  Returns 0, or -1 with ERR
 * filled (status 4) when it cannot start or ends before it is ready.
 */
int hx_stub_start(struct hx_stub *stub, const char *program,
    const char *dir, struct hx_err_info *err);
/* The same with ARGS (NULL-terminated) in place of --backend cpu. */
int hx_stub_start_args(struct hx_stub *stub, const char *program,
    const char *const *args, const char *dir, struct hx_err_info *err);

/*
 * Stop the service with SIGTERM and wait for it; safe to call again, and
 * from the thread that handles a stopping signal.  Returns 0, or -1 with
 * ERR filled when it ended with a status other than 0.
 */
int hx_stub_stop(struct hx_stub *stub, struct hx_err_info *err);

#endif
