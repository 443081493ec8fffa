#!/bin/sh
# hx-emu --cpus, --rt and --env: a riscv64 test under the real
# qemu-riscv64 reads its own CPUs (/proc/self/status, which QEMU passes
# through) and scheduling policy, and they match what was asked and what
# the env record says was granted.
. "$top_srcdir/tests/lib.sh"
require_program riscv64-linux-gnu-gcc gcc-riscv64-linux-gnu
require_program qemu-riscv64 qemu-user
require_program jq jq
require_program setpriv util-linux
require_program prlimit util-linux
require_riscv64_sysroot

SYSROOT=/usr/riscv64-linux-gnu
CPU=$(($(getconf _NPROCESSORS_ONLN) - 1))

# art: the artifact record of the riscv64 program affinity.
art() {
	jq -nc --arg sysroot "$SYSROOT" '
		{type: "artifact", name: "affinity", path: "affinity",
		 kind: "test", status: "ok", target: "riscv64-linux-gnu",
		 arch: "riscv64", args: [],
		 toolchain: {name: "gcc", version: "12", digest: "0",
		   sysroot: $sysroot},
		 sha256: "0", size: 0, flags: [], cache: "miss",
		 duration_ns: 0}' | with_sha256
}

# saw FILE: what the test printed, from its test record.
saw() {
	jq -r 'select(.type == "test") | .stdout_tail' "$1"
}

test_expect_success 'build the riscv64 program' '
	riscv64-linux-gnu-gcc -O2 -o affinity "$FILES/emu/affinity.c" &&
	art >in
'

test_expect_success '--cpus pins the test QEMU runs' '
	hx-emu --cpus "$CPU" <in >out &&
	saw out | sed -n 1p >got &&
	printf "Cpus_allowed_list:\t%s\n" "$CPU" >want &&
	test_cmp want got
'

test_expect_success 'without --cpus the test is not pinned' '
	hx-emu <in >out &&
	saw out | sed -n 1p >got &&
	grep Cpus_allowed_list /proc/self/status >want &&
	test_cmp want got
'

test_expect_success '--rt: the test runs with what the env record says' '
	hx-emu --cpus "$CPU" --rt 3 --env env.json <in >out 2>err &&
	test "$(jq -r .program env.json)" = hx-emu &&
	test "$(jq -r .harness.cpus_applied env.json)" = "$CPU" &&
	test "$(jq -c .harness.sched_requested env.json)" = \
		"{\"policy\":\"fifo\",\"priority\":3}" &&
	jq -r ".harness.sched_granted |
		\"policy \(if .policy == \"fifo\" then 1 else 0 end) priority \(.priority)\"" \
		env.json >want &&
	saw out | sed -n 2p >got &&
	test_cmp want got
'

test_expect_success 'real time refused: the tests run, the reason is kept' '
	if test "$(id -u)" = 0
	then
		set -- setpriv --inh-caps=-sys_nice --bounding-set=-sys_nice
	else
		set --
	fi &&
	prlimit --rtprio=0 "$@" hx-emu --rt 3 --env env.json <in >out 2>err &&
	echo "policy 0 priority 0" >want &&
	saw out | sed -n 2p >got &&
	test_cmp want got &&
	grep "hx-emu: no real-time scheduling (SCHED_FIFO priority 3): Operation not permitted" err &&
	jq -r .harness.sched_reason env.json | grep "RLIMIT_RTPRIO is 0"
'

test_expect_success 'a bad --cpus or --rt is a usage error naming the option' '
	test_status 2 hx-emu --cpus 0-x <in >out 2>err &&
	grep -- "hx-emu: --cpus: expected a CPU list such as 0,2-3: 0-x" err &&
	test_must_be_empty out &&
	test_status 2 hx-emu --rt 100 <in >out 2>err &&
	grep -- "--rt" err
'

test_expect_success '--sysfs: the baseline of a sysfs tree, its notes as warnings' '
	cp -R "$FILES/harness/sysfs" sysfs &&
	hx-emu --sysfs sysfs --env env.json <in >out 2>err &&
	jq -S ".harness | del(.cpus_applied, .sched_granted)" env.json >got &&
	test_cmp "$EXPECTED/trace/harness-sysfs.json" got &&
	grep "hx-emu: cpu1: governor is powersave, not performance" err
'

test_done
