#!/bin/sh
# hx-offload with the cpu backend over real sockets: every operation from
# the client natively and from a riscv64 program under qemu-riscv64,
# readiness, the default address, shutdown, and the command line.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/offload/service.sh"
require_riscv64

cat >expect-ops <<EOF
backend cpu
matmul_i8 ok
matmul_f32 ok
conv1d_i8 ok
add_i32 ok
add_f32 ok
relu_i8 ok
relu_i32 ok
relu_f32 ok
requantize ok
EOF

test_expect_success 'the service listens on a Unix socket of mode 0600' '
	start_service svc --listen "unix:$PWD/s.sock" &&
	test "$(addr svc)" = "unix:$PWD/s.sock" &&
	test -S s.sock &&
	test "$(stat -c %a s.sock)" = 600
'

test_expect_success 'every operation, natively, against the references' '
	"$CLIENT" "$(addr svc)" ops >out &&
	test_cmp expect-ops out
'

test_expect_success 'the client cross-compiles for riscv64 with -Werror' '
	build_riscv64_client &&
	file client-rv | grep -q RISC-V
'

test_expect_success 'every operation from riscv64 under QEMU' '
	qemu-riscv64 -L $SYSROOT ./client-rv "$(addr svc)" ops >out &&
	test_cmp expect-ops out
'

test_expect_success 'a bare path and HX_OFFLOAD are addresses too' '
	"$CLIENT" "$PWD/s.sock" repeat 1 >out &&
	HX_OFFLOAD=$PWD/s.sock "$CLIENT" - repeat 2 >>out &&
	printf "backend cpu\n1 ok\nbackend cpu\n1 ok\n2 ok\n" >expect &&
	test_cmp expect out
'

test_expect_success 'clients are served concurrently' '
	for i in 1 2 3 4 5 6; do
		"$CLIENT" "$(addr svc)" repeat 20 >out.$i &
	done &&
	wait &&
	for i in 1 2 3 4 5 6; do
		test "$(grep -c " ok$" out.$i)" = 20 || exit 1
	done
'

test_expect_success 'a second service on the same socket is refused' '
	test_status 4 hx-offload --listen "unix:$PWD/s.sock" 2>err &&
	grep "already listens" err
'

test_expect_success 'SIGTERM stops it and removes the socket' '
	stop_service svc &&
	test ! -e s.sock
'

test_expect_success 'SIGTERM: exit status 0, with a client connected' '
	start_service term --listen "$PWD/t.sock" &&
	pid=$(cat term.pid) &&
	mkfifo connected && {
	python3 -c "
import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
print(\"connected\", flush=True); s.recv(1)" "$PWD/t.sock" >connected &
	} &&
	read -r line <connected &&
	kill -TERM $pid && wait $pid && test ! -e t.sock
'

test_expect_success 'SIGINT and SIGHUP stop it too' '
	for sig in INT HUP; do
		start_service s$sig --listen "$PWD/$sig.sock" &&
		pid=$(cat s$sig.pid) &&
		kill -$sig $pid && wait $pid && test ! -e $sig.sock || exit 1
	done
'

test_expect_success 'a stale socket file is replaced' '
	python3 -c "import socket; s = socket.socket(socket.AF_UNIX); s.bind(\"stale.sock\")" &&
	test -S stale.sock &&
	start_service stale --listen "$PWD/stale.sock" &&
	"$CLIENT" "$(addr stale)" repeat 1 >out &&
	stop_service stale
'

test_expect_success 'the default socket is in XDG_RUNTIME_DIR' '
	mkdir run &&
	XDG_RUNTIME_DIR=$PWD/run start_service def &&
	test "$(addr def)" = "unix:$PWD/run/hx-offload.sock" &&
	test -S run/hx-offload.sock &&
	stop_service def
'

test_expect_success 'else in a private directory of TMPDIR' '
	mkdir tmp &&
	(unset XDG_RUNTIME_DIR && TMPDIR=$PWD/tmp start_service priv) &&
	uid=$(id -u) &&
	test "$(addr priv)" = "unix:$PWD/tmp/hx-offload-$uid/sock" &&
	test "$(stat -c %a tmp/hx-offload-$uid)" = 700 &&
	test -S tmp/hx-offload-$uid/sock &&
	stop_service priv
'

test_expect_success 'a directory open to others there is refused' '
	mkdir -p tmp2/hx-offload-$(id -u) &&
	chmod 777 tmp2/hx-offload-$(id -u) &&
	(unset XDG_RUNTIME_DIR && TMPDIR=$PWD/tmp2 test_status 4 hx-offload \
		2>err) &&
	grep "tmp2/hx-offload-$(id -u): not a private directory of this user (owner uid $(id -u), mode 777)" err &&
	! test -e tmp2/hx-offload-$(id -u)/sock
'

test_expect_success 'tcp:127.0.0.1:0 gets a free port, written on --ready-fd' '
	start_service tcp --listen tcp:127.0.0.1:0 &&
	case $(addr tcp) in tcp:127.0.0.1:0) exit 1;; tcp:127.0.0.1:*) ;;
	*) exit 1;; esac &&
	"$CLIENT" "$(addr tcp)" ops >out &&
	test_cmp expect-ops out &&
	qemu-riscv64 -L $SYSROOT ./client-rv "$(addr tcp)" repeat 1 >out &&
	stop_service tcp
'

test_expect_success 'no service: the client says fall back' '
	test_status 3 "$CLIENT" "$PWD/none.sock" repeat 1 >out &&
	grep "compute locally" out
'

test_expect_success 'command line: usage errors and the cuda backend' '
	test_status 2 hx-offload --bogus 2>err &&
	test_status 2 hx-offload --backend tpu 2>err &&
	grep "not cpu or cuda" err &&
	test_status 2 hx-offload --max-frame 100 2>err &&
	grep "^hx-offload: --max-frame: not a whole number from [0-9]* to 4294967295: 100" err &&
	test_status 2 hx-offload --ready-fd -1 2>err &&
	grep "^hx-offload: --ready-fd: not a whole number from 0 to 2147483647: -1" err &&
	test_status 2 hx-offload --fault boom=1 2>err &&
	test_status 2 hx-offload extra 2>err &&
	hx-offload --help >out && grep -q -- --listen out &&
	hx-offload --version | grep -q "^hx-offload "
'

test_expect_success 'cuda: status 4 where it cannot run, served where it can' '
	if start_service cuda --backend cuda --listen "$PWD/cuda.sock"; then
		"$CLIENT" "$(addr cuda)" ops >out &&
		sed "s/^backend cpu/backend cuda/" expect-ops >expect &&
		test_cmp expect out &&
		stop_service cuda
	else
		wait "$(cat cuda.pid)"
		test $? = 4 &&
		grep -e "not built with CUDA" -e "backend cuda:" cuda.err
	fi
'

test_done
