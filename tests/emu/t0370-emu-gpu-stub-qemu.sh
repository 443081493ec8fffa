#!/bin/sh
# hx-emu --gpu-stub with the real hx-offload and riscv64 programs under
# qemu-riscv64: the client of hx/offload.h in the guest reaches the
# host's Unix socket; tinyinfer, an inference agent, gives the same
# outputs with the stub as without, has its layers computed by the
# service, and computes them itself, saying so, when the service fails.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/offload/service.sh"
require_program riscv64-linux-gnu-gcc gcc-riscv64-linux-gnu
require_program qemu-riscv64 qemu-user
require_program jq jq
require_riscv64_sysroot

SYSROOT=/usr/riscv64-linux-gnu
TI=$top_srcdir/examples/tinyinfer

# rv NAME PATH ARGS...: the artifact record of the riscv64 test PATH.
rv() {
	name=$1 path=$2
	shift 2
	printf "%s\n" "$@" | jq -R . | jq -sc --arg name "$name" \
		--arg path "$path" --arg sysroot "$SYSROOT" '
		{type: "artifact", name: $name, path: $path, kind: "test",
		 status: "ok", target: "riscv64-linux-gnu", arch: "riscv64",
		 args: map(select(. != "")),
		 toolchain: {name: "gcc", version: "12", digest: "0",
		   sysroot: $sysroot},
		 size: 0, flags: [], cache: "miss", duration_ns: 0}' |
		with_sha256
}

# records FILE: the test records of FILE, without their durations.
records() {
	jq -c 'select(.type == "test") | del(.duration_ns)' "$1"
}

# out FILE NAME: the standard output hx-emu kept of test NAME in FILE.
out() {
	jq -j --arg n "$2" 'select(.type == "test" and .name == $n) |
		.stdout_tail' "$1"
}

test_expect_success 'tinyinfer carries the installed client as it is' '
	cmp "$top_srcdir/include/hx/offload.h" "$TI/include/hx/offload.h"
'

test_expect_success 'a riscv64 client under QEMU reaches the stub' '
	riscv64-linux-gnu-gcc -std=c99 -D_POSIX_C_SOURCE=200809L -O2 \
		-I"$top_srcdir/include" -I"$TI/include" -o client \
		"$top_srcdir/tests/offload/offload-client.c" "$TI/src/quant.c" \
		-lm &&
	rv client "$PWD/client" - ops >client.jsonl &&
	hx-emu --gpu-stub client.jsonl >run 2>err &&
	records run | jq -r .status >got &&
	out run client >>got &&
	printf "%s\n" pass "backend cpu" "matmul_i8 ok" "matmul_f32 ok" \
		"conv1d_i8 ok" "add_i32 ok" "add_f32 ok" "relu_i8 ok" \
		"relu_i32 ok" "relu_f32 ok" "requantize ok" >want &&
	test_cmp want got
'

test_expect_success 'tinyinfer builds for riscv64 with its agent' '
	cp -R "$TI" ti && chmod -R u+w ti &&
	unset MAKEFLAGS MFLAGS MAKELEVEL &&
	make -s -C ti HOST=riscv64-linux-gnu >build.out &&
	{
		rv test_requant "$PWD/ti/test_requant" &&
		rv test_dense "$PWD/ti/test_dense" &&
		rv test_conv "$PWD/ti/test_conv" &&
		rv test_mlp "$PWD/ti/test_mlp" --samples 64
	} >ti.jsonl &&
	test "$(wc -l <ti.jsonl)" = 4
'

test_expect_success 'its tests give the same records with the stub as without' '
	hx-emu ti.jsonl >local 2>err &&
	hx-emu --gpu-stub ti.jsonl >stub 2>err &&
	records local >local.tests &&
	records stub >stub.tests &&
	test_cmp local.tests stub.tests &&
	test "$(jq -r .status local.tests | sort -u)" = pass &&
	out stub test_mlp >mlp &&
	echo "mlp: 64 samples, checksum 65a9a7fc" >want &&
	test_cmp want mlp &&
	! grep -h "offload:" local stub
'

test_expect_success 'with the stub, the service computes the layers' '
	grep "\"test_mlp\"" ti.jsonl >mlp.jsonl &&
	hx-emu -c mlp.jsonl >local 2>err &&
	hx-emu -c --gpu-stub mlp.jsonl >stub 2>err &&
	jq -r "select(.type == \"sample\") | .name" local >local.names &&
	jq -r "select(.type == \"sample\") | .name" stub >stub.names &&
	grep -x "test_mlp:requantize" local.names &&
	grep -v -x "test_mlp:requantize" local.names >want &&
	test_cmp want stub.names
'

test_expect_success 'a service that fails every request: local, and said' '
	start_service faulty --listen "unix:$PWD/faulty.sock" \
		--fault error=1 &&
	hx-emu --gpu-stub="$(addr faulty)" ti.jsonl >run 2>err &&
	stop_service faulty &&
	test "$(records run | jq -r .status | sort -u)" = pass &&
	why="# offload: fallback (service: error 11: fault injected (--fault error))" &&
	out run test_dense >got &&
	printf "%s\n" "$why" "dense: 0 of 5 outputs wrong" >want &&
	test_cmp want got &&
	out run test_conv >got &&
	printf "%s\n" "$why" "$why" "conv1d: 0 failures" >want &&
	test_cmp want got &&
	out run test_mlp | tail -n 2 >got &&
	printf "%s\n" "$why" "mlp: 64 samples, checksum 65a9a7fc" >want &&
	test_cmp want got
'

test_expect_success 'no service at the address: one line, and local' '
	hx-emu --gpu-stub="unix:$PWD/none.sock" ti.jsonl >run 2>err &&
	out run test_mlp >got &&
	printf "%s\n" \
		"# offload: fallback (cannot connect to unix:$PWD/none.sock: No such file or directory)" \
		"mlp: 64 samples, checksum 65a9a7fc" >want &&
	test_cmp want got
'

test_expect_success 'hx-emu killed by SIGKILL: the service stops too' '
	cat >hold.sh <<-\EOF &&
	#!/bin/sh
	echo "$HX_OFFLOAD $$" >"$HOLD.tmp" && mv "$HOLD.tmp" "$HOLD"
	while :; do sleep 1; done
	EOF
	chmod +x hold.sh &&
	arch=$(uname -m) &&
	jq -nc --arg arch "$arch" --arg path "$PWD/hold.sh" \
		--arg hold "$PWD/held" "{type: \"artifact\", name: \"hold\",
		path: \$path, kind: \"test\", status: \"ok\",
		target: \"\(\$arch)-linux-gnu\", arch: \$arch, args: [],
		env: {HOLD: \$hold}, toolchain: {name: \"gcc\",
		version: \"12\", digest: \"0\"}, size: 0, flags: [],
		cache: \"miss\", duration_ns: 0}" | with_sha256 >hold.jsonl &&
	{ hx-emu --gpu-stub hold.jsonl >/dev/null 2>hold.err & pid=$!; } &&
	while ! test -e held && kill -0 $pid; do sleep 0.1; done &&
	kill -KILL $pid &&
	{ wait $pid; status=$?; } ;
	test "$status" -eq 137 &&
	read -r addr holder <held &&
	kill $holder &&
	sock=${addr#unix:} &&
	case $sock in */hx-emu.*/offload.sock) ;; *) false;; esac &&
	n=0 &&
	while test -S "$sock" && test $n -lt 600; do
		sleep 0.1; n=$((n + 1))
	done &&
	! test -S "$sock"
'

test_done
