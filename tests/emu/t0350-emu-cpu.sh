#!/bin/sh
# hx-emu: the CPU model QEMU emulates comes from the toolchain manifest
# (through the artifact record) or --cpu; vector code needs one with V,
# and a SIGILL under QEMU names the likely cause.
. "$top_srcdir/tests/lib.sh"
require_program riscv64-linux-gnu-gcc gcc-riscv64-linux-gnu
require_program qemu-riscv64 qemu-user
require_program jq jq
require_riscv64_sysroot

SYSROOT=/usr/riscv64-linux-gnu
RVV=$(jq -r .cpu "$top_srcdir/toolchains/riscv64-gcc-rvv.json")

# art [JQ-FILTER]: the artifact record of the vector program.
art() {
	jq -nc --arg sysroot "$SYSROOT" "
		{type: \"artifact\", name: \"vector\", path: \"vector\",
		 kind: \"test\", status: \"ok\", target: \"riscv64-linux-gnu\",
		 arch: \"riscv64\",
		 toolchain: {name: \"riscv64-gcc-rvv\", version: \"12\",
		   digest: \"0\", sysroot: \$sysroot},
		 sha256: \"$ZERO_SHA256\", size: 0,
		 flags: [\"-march=rv64gcv\", \"-mabi=lp64d\"], cache: \"miss\",
		 duration_ns: 0} | ${1:-.}" | with_sha256
}

test_expect_success 'the shipped rvv manifest names a CPU with V' '
	test "$RVV" = "rv64,v=true,vext_spec=v1.0,vlen=256,elen=64"
'

test_expect_success 'build vector code with the rvv flags' '
	riscv64-linux-gnu-gcc -O2 -march=rv64gcv -mabi=lp64d -o vector \
		"$FILES/emu/vector.c"
'

test_expect_success 'QEMU default CPU: SIGILL, and the message names the cause' '
	art >in &&
	test_status 1 hx-emu <in >out 2>err &&
	jq -r "select(.type == \"test\") | .status, .signal, .message" out >got &&
	sed -n 1p got | grep -x fail &&
	sed -n 2p got | grep -x 4 &&
	sed -n 3p got | grep "an instruction QEMU.s CPU model (the default) lacks" &&
	sed -n 3p got | grep "cpu in the toolchain manifest or hx-emu --cpu"
'

test_expect_success 'the toolchain cpu of the artifact runs it' '
	art ".toolchain.cpu = \"$RVV\"" >in &&
	hx-emu -c <in >out 2>err &&
	jq -r "select(.type == \"test\") | .status, .stdout_tail" out >got &&
	printf "pass\nvl 8, sums right\n\n" >want && test_cmp want got &&
	test "$(jq "select(.type == \"sample\") | .value" out)" -gt 0
'

test_expect_success '--cpu over the artifact: with V it runs, without it dies' '
	art >in &&
	hx-emu --cpu "$RVV" <in >out &&
	jq -r "select(.type == \"test\") | .status" out | grep -x pass &&
	art ".toolchain.cpu = \"$RVV\"" >in &&
	test_status 1 hx-emu --cpu rv64 <in >out &&
	jq -r "select(.type == \"test\") | .message" out | grep "CPU model rv64 lacks"
'

test_expect_success 'hx-build -t riscv64-gcc-rvv writes the cpu into artifacts, hx-emu uses it' '
	cp -R "$top_srcdir/examples/tinyinfer" proj && chmod -R u+w proj &&
	HX_CACHE_DIR="$PWD/cache" hx-build -t riscv64-gcc-rvv proj >arts 2>err &&
	jq -r "select(.type == \"artifact\") | .toolchain.cpu" arts | sort -u >cpus &&
	echo "$RVV" >want && test_cmp want cpus &&
	jq -r "select(.type == \"artifact\") | .flags | index(\"-march=rv64gcv\") != null" arts |
		sort -u | grep -x true &&
	(cd proj && hx-emu <../arts >../out 2>../err) &&
	grep "0 failed" err
'

test_done
