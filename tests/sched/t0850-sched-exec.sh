#!/bin/sh
# hx-sched plan --exec local: placed jobs run here in planned order, a
# riscv64 job through hx-emu and the real qemu-riscv64, a pair with its
# service started first and stopped after, records streamed downstream,
# done and failed placements, and run directories that do not stay.
. "$top_srcdir/tests/lib.sh"
require_program jq jq
require_program python3 python3
require_program riscv64-linux-gnu-gcc gcc-riscv64-linux-gnu
require_program qemu-riscv64 qemu-user
require_riscv64_sysroot

S="$FILES/sched"
SYSROOT=/usr/riscv64-linux-gnu
NOW=2026-12-01T00:00:00Z

# A local x86_64 node and a local riscv64 board: both run here.
printf '%s\n' \
    '{"type":"node","name":"here","arch":"x86_64","cpus":4,"memory_bytes":1073741824,"gpus":0,"state":"up","backend":"local"}' \
    '{"type":"node","name":"board","arch":"riscv64","cpus":4,"memory_bytes":1073741824,"gpus":0,"labels":{"isa":"rv64gc"},"state":"up","backend":"local"}' >inv

test_expect_success 'lone jobs run; records go on, the rest to stderr' '
	printf "%s\n" "echo \"{\\\"type\\\":\\\"note\\\",\\\"n\\\":1}\"" "echo hello" >emit.sh &&
	printf "%s\n" \
	    "{\"type\":\"job\",\"name\":\"ok\",\"argv\":[\"sh\",\"emit.sh\"]}" \
	    "{\"type\":\"job\",\"name\":\"bad\",\"argv\":[\"sh\",\"-c\",\"exit 3\"],\"selector\":[\"arch=x86_64\"]}" >jobs &&
	test_status 1 hx-sched plan --inventory inv --now $NOW --exec local \
	    --state st jobs >out 2>err &&
	jq -c "select(.type == \"note\")" out >notes &&
	echo "{\"type\":\"note\",\"n\":1}" >want &&
	test_cmp want notes &&
	grep "^hx-sched: job ok: hello$" err &&
	jq -r "select(.status != \"planned\" and .type == \"placement\") |
	    \"\(.job) \(.status) \(.reason)\"" out >actual &&
	printf "ok done ran here: exit status 0\nbad failed ran here: exit status 3\n" >want &&
	test_cmp want actual &&
	jq -e -s "map(select(.status == \"done\"))[0] | .end_ns >= .start_ns" out
'

test_expect_success 'a pair: the service listens first, the runner talks to it' '
	printf "%s\n" \
	    "{\"type\":\"job\",\"name\":\"svc\",\"argv\":[\"python3\",\"$S/service.py\"],\"group\":\"p\",\"role\":\"service\",\"placement\":\"colocated\"}" \
	    "{\"type\":\"job\",\"name\":\"run\",\"argv\":[\"python3\",\"$S/runner.py\"],\"group\":\"p\",\"role\":\"runner\",\"placement\":\"colocated\"}" >jobs &&
	hx-sched plan --inventory inv --now $NOW --exec local --state st jobs >out 2>err &&
	jq -c "select(.type == \"note\")" out >actual &&
	echo "{\"job\":\"run\",\"node\":\"here\",\"reply\":\"pong:ping\",\"type\":\"note\"}" >want &&
	test_cmp want actual &&
	jq -r "select(.status == \"done\") | \"\(.job) \(.reason)\"" out >actual &&
	printf "%s\n" "svc ran here: served its group until the others ended" \
	    "run ran here: exit status 0" >want &&
	test_cmp want actual &&
	! pgrep -f "$S/service.py" &&
	test -z "$(ls st/runs)"
'

test_expect_success 'a pair whose run directory is too deep for a socket path' '
	deep=$PWD/st-$(printf "%0120d" 0) &&
	test $(printf "%s" "$deep/runs/run.XXXXXX/service.sock" | wc -c) -gt 108 &&
	printf "%s\n" \
	    "{\"type\":\"job\",\"name\":\"svc\",\"argv\":[\"python3\",\"$S/service.py\"],\"group\":\"p\",\"role\":\"service\",\"placement\":\"colocated\"}" \
	    "{\"type\":\"job\",\"name\":\"run\",\"argv\":[\"python3\",\"$S/runner.py\"],\"group\":\"p\",\"role\":\"runner\",\"placement\":\"colocated\"}" >jobs &&
	hx-sched plan --inventory inv --now $NOW --exec local --state "$deep" \
	    jobs >out 2>err &&
	jq -r "select(.type == \"note\") | .reply" out >actual &&
	echo pong:ping >want &&
	test_cmp want actual &&
	test -z "$(ls "$deep/runs")"
'

test_expect_success 'a service is stopped with SIGTERM, so that it can clean up' '
	cat >svc.sh <<-EOF &&
	trap "echo cleaned >\"$PWD/svc.log\"; exit 0" TERM
	python3 "$S/service.py" &
	wait
	EOF
	printf "%s\n" \
	    "{\"type\":\"job\",\"name\":\"svc\",\"argv\":[\"sh\",\"$PWD/svc.sh\"],\"group\":\"p\",\"role\":\"service\",\"placement\":\"colocated\"}" \
	    "{\"type\":\"job\",\"name\":\"run\",\"argv\":[\"python3\",\"$S/runner.py\"],\"group\":\"p\",\"role\":\"runner\",\"placement\":\"colocated\"}" >jobs &&
	hx-sched plan --inventory inv --now $NOW --exec local --state st jobs >out 2>err &&
	echo cleaned >want &&
	test_cmp want svc.log
'

test_expect_success 'a service that never listens fails its group' '
	printf "%s\n" \
	    "{\"type\":\"job\",\"name\":\"svc\",\"argv\":[\"sh\",\"-c\",\"exit 0\"],\"group\":\"p\",\"role\":\"service\"}" \
	    "{\"type\":\"job\",\"name\":\"run\",\"argv\":[\"true\"],\"group\":\"p\"}" >jobs &&
	test_status 1 hx-sched plan --inventory inv --now $NOW --exec local --state st jobs >out 2>err &&
	jq -r "select(.status == \"failed\") | \"\(.job) \(.reason)\"" out >actual &&
	printf "%s\n" "svc ran here: the service ended before it listened on HX_SERVICE_SOCKET" \
	    "run ran here: the service ended before it listened on HX_SERVICE_SOCKET" >want &&
	test_cmp want actual
'

test_expect_success 'a riscv64 job runs through hx-emu under qemu-riscv64' '
	riscv64-linux-gnu-gcc -O1 -o behave "$FILES/emu/behave.c" &&
	jq -nc --arg sysroot "$SYSROOT" "
		{type: \"artifact\", name: \"unit_pass\", path: \"behave\",
		 kind: \"test\", status: \"ok\", target: \"riscv64-linux-gnu\",
		 arch: \"riscv64\", args: [\"pass\"],
		 toolchain: {name: \"gcc\", version: \"12\", digest: \"0\",
		   sysroot: \$sysroot},
		 sha256: \"$ZERO_SHA256\", size: 0, flags: [], cache: \"miss\",
		 duration_ns: 0}" | with_sha256 >artifacts.jsonl &&
	printf "%s\n" "{\"type\":\"job\",\"name\":\"rv\",\"arch\":\"riscv64\",\"argv\":[\"artifacts.jsonl\"],\"selector\":[\"isa=rv64gc\"]}" >jobs &&
	hx-sched plan --inventory inv --now $NOW --exec local --state st jobs >out 2>err &&
	jq -e -s "map(select(.type == \"test\"))[0] | .name == \"unit_pass\" and
	    .status == \"pass\"" out &&
	jq -e -s "map(select(.type == \"placement\"))[1] | .job == \"rv\" and
	    .node == \"board\" and .status == \"done\"" out
'

test_expect_success 'an hx-offload service: a riscv64 client under QEMU uses it' '
	TI=$top_srcdir/examples/tinyinfer &&
	riscv64-linux-gnu-gcc -std=c99 -D_POSIX_C_SOURCE=200809L -O2 \
	    -I"$top_srcdir/include" -I"$TI/include" -o client \
	    "$top_srcdir/tests/offload/offload-client.c" "$TI/src/quant.c" -lm &&
	jq -nc --arg sysroot "$SYSROOT" --arg path "$PWD/client" "
		{type: \"artifact\", name: \"client\", path: \$path,
		 kind: \"test\", status: \"ok\", target: \"riscv64-linux-gnu\",
		 arch: \"riscv64\", args: [\"-\", \"ops\"],
		 toolchain: {name: \"gcc\", version: \"12\", digest: \"0\",
		   sysroot: \$sysroot},
		 size: 0, flags: [], cache: \"miss\",
		 duration_ns: 0}" | with_sha256 >client.jsonl &&
	printf "%s\n" \
	    "{\"type\":\"job\",\"name\":\"gpu\",\"argv\":[\"hx-offload\",\"--backend\",\"cpu\"],\"group\":\"o\",\"role\":\"service\",\"placement\":\"colocated\"}" \
	    "{\"type\":\"job\",\"name\":\"rv\",\"arch\":\"riscv64\",\"argv\":[\"client.jsonl\"],\"group\":\"o\",\"role\":\"runner\",\"placement\":\"colocated\"}" >jobs &&
	hx-sched plan --inventory inv --now $NOW --exec local --state st jobs >out 2>err &&
	jq -r "select(.type == \"placement\" and .status == \"planned\") |
	    .node" out >nodes &&
	printf "board\nboard\n" >want &&
	test_cmp want nodes &&
	jq -j "select(.type == \"test\") | .status, \"\n\", .stdout_tail" out >got &&
	printf "%s\n" pass "backend cpu" "matmul_i8 ok" "matmul_f32 ok" \
	    "conv1d_i8 ok" "add_i32 ok" "add_f32 ok" "relu_i8 ok" \
	    "relu_i32 ok" "relu_f32 ok" "requantize ok" >want &&
	test_cmp want got &&
	jq -r "select(.status == \"done\") | \"\(.job) \(.reason)\"" out >actual &&
	printf "%s\n" "gpu ran here: served its group until the others ended" \
	    "rv ran here: exit status 0" >want &&
	test_cmp want actual &&
	test -z "$(ls st/runs)"
'

test_expect_success 'a stale run directory is swept, one in use is not' '
	mkdir -p st/runs/run.old st/runs/run.busy &&
	touch -d "2 days ago" st/runs/run.old st/runs/run.busy &&
	printf "%s\n" "{\"type\":\"job\",\"name\":\"ok\",\"argv\":[\"true\"]}" >jobs &&
	flock st/runs/run.busy hx-sched plan --inventory inv --now $NOW \
	    --exec local --state st jobs >out &&
	test ! -e st/runs/run.old &&
	test -d st/runs/run.busy
'

test_expect_success 'SIGTERM stops the run and leaves no run directory' '
	mkfifo ready &&
	printf "%s\n" "{\"type\":\"job\",\"name\":\"long\",\"argv\":[\"sh\",\"-c\",\"echo up >ready; exec sleep 1000\"]}" >jobs &&
	{ hx-sched plan --inventory inv --now $NOW --exec local --state sig \
	    jobs >out 2>err & } &&
	pid=$! &&
	read line <ready &&
	test "$(ls sig/runs)" != "" &&
	kill -TERM $pid &&
	{ wait $pid; status=$?; } &&
	test $status = 143 &&
	test -z "$(ls sig/runs)"
'

# A job that takes half a second to end on SIGTERM, and one after it: a
# stop ends the first and starts no other, and says nothing of either.
test_expect_success 'SIGTERM: no record tells of the jobs it ended' '
	mkfifo up &&
	cat >slow.sh <<-EOF &&
	trap "sleep 0.5; exit 1" TERM
	echo up >"$PWD/up"
	sleep 1000 &
	wait
	EOF
	printf "%s\n" \
	    "{\"type\":\"job\",\"name\":\"run\",\"argv\":[\"sh\",\"$PWD/slow.sh\"]}" \
	    "{\"type\":\"job\",\"name\":\"next\",\"argv\":[\"true\"]}" >jobs &&
	{ hx-sched plan --inventory inv --now $NOW --exec local --state sig \
	    jobs >out 2>err & } &&
	pid=$! &&
	read line <up &&
	kill -TERM $pid &&
	{ wait $pid; status=$?; } &&
	test $status = 143 &&
	jq -r "select(.type == \"placement\") | \"\(.job) \(.status)\"" out \
		>actual &&
	printf "run planned\nnext planned\n" >want &&
	test_cmp want actual &&
	test_must_be_empty err
'

test_expect_success 'SIGTERM ends a job under hx-trace run with its children' '
	mkfifo traced &&
	printf "%s\n" "{\"type\":\"job\",\"name\":\"traced\",\"argv\":[\"hx-trace\",\"run\",\"--spans\",\"spans\",\"--\",\"sh\",\"-c\",\"echo \$\$ >child; echo up >traced; exec sleep 1000\"]}" >jobs &&
	{ hx-sched plan --inventory inv --now $NOW --exec local --state sig \
	    jobs >out 2>err & } &&
	pid=$! &&
	read line <traced &&
	kill -TERM $pid &&
	{ wait $pid; status=$?; } &&
	test $status = 143 &&
	child=$(cat child) &&
	if kill -0 "$child" 2>/dev/null; then
		kill "$child"
		false
	fi
'

test_done
