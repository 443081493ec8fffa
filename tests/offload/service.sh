# tests/offload/service.sh: starting and stopping hx-offload in a test,
# building the riscv64 test client,
# sourced after tests/lib.sh.  Each service's pid and address are kept in
# files of the trash directory (NAME.pid, NAME.addr), so that a service
# started in one test body (a subshell) serves the next, and every one is
# stopped when the script ends, however it ends.

CLIENT=$top_builddir/tests/offload/offload-client
SYSROOT=/usr/riscv64-linux-gnu

# require_riscv64: skip_all unless the cross compiler, QEMU and the
# sysroot are there.
require_riscv64() {
	require_program riscv64-linux-gnu-gcc gcc-riscv64-linux-gnu
	require_program qemu-riscv64 qemu-user
	require_riscv64_sysroot
}

# build_riscv64_client: client-rv, the test client for riscv64, from
# hx/offload.h alone, in strict C99 with every warning an error.
build_riscv64_client() {
	riscv64-linux-gnu-gcc -std=c99 -D_POSIX_C_SOURCE=200809L -O2 \
		-Wall -Wextra -Werror -pedantic \
		-I"$top_srcdir/include" \
		-I"$top_srcdir/examples/tinyinfer/include" \
		-o client-rv "$top_srcdir/tests/offload/offload-client.c" \
		"$top_srcdir/examples/tinyinfer/src/quant.c" -lm
}

stop_services() {
	for f in "$TRASH"/*.pid; do
		[ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null
	done
	return 0
}
trap stop_services EXIT

# start_service NAME ARGS...: start hx-offload ARGS in the background and
# wait for the address on its --ready-fd; stderr goes to NAME.err.  Fails
# when the service ends before it is ready.
start_service() {
	name=$1
	shift
	rm -f "$name.ready"
	mkfifo "$name.ready" || return 1
	hx-offload --ready-fd 3 "$@" 3>"$name.ready" 2>"$name.err" &
	echo $! >"$name.pid"
	read -r addr <"$name.ready"
	printf '%s\n' "$addr" >"$name.addr"
	test -n "$addr" || { cat "$name.err"; return 1; }
}

# addr NAME: the address service NAME listens on.
addr() {
	cat "$TRASH/$1.addr"
}

# stop_service NAME: SIGTERM; for a service this shell started, its exit
# status must be 0.
stop_service() {
	pid=$(cat "$TRASH/$1.pid")
	kill -TERM "$pid" || return 1
	rm -f "$TRASH/$1.pid"
	wait "$pid" 2>/dev/null
	status=$?
	[ $status = 0 ] && return 0
	# Not a child of this shell: wait for it to go.
	[ $status = 127 ] && gone "$pid" && return 0
	echo "hx-offload exited with status $status" >&2
	return 1
}
