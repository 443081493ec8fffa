#!/bin/sh
# hx doctor against stand-in components, then on this machine.
. "$top_srcdir/tests/lib.sh"
require_program jq jq

# stub NAME OUTPUT: a program that prints OUTPUT for --version.
stub() {
	printf '#!/bin/sh\n[ "$1" = --version ] && { printf "%%s\\n" "%s"; exit 0; }\n%s\nexit 0\n' \
		"$2" "${3:-}" >fake/$1
	chmod +x fake/$1
}

mkdir -p fake sysroot/lib
: >sysroot/lib/ld-linux-riscv64-lp64d.so.1
: >sysroot/lib/libc.so.6
stub cc "cc (Fake) 12.2.0"
stub riscv64-linux-gnu-gcc "riscv64-linux-gnu-gcc (Fake) 12.2.0"
stub riscv64-linux-gnu-g++ "riscv64-linux-gnu-g++ (Fake) 12.2.0"
stub qemu-riscv64 "qemu-riscv64 version 7.2.0 (fake)" \
	'[ "$1" = -h ] && echo "-plugin    QEMU_PLUGIN   [file=]<file>"'
stub clang "Debian clang version 14.0.6"
stub sbatch "slurm 22.05.8"
stub promtool "promtool, version 2.42.0"
stub nvidia-smi "NVIDIA-SMI 550" 'echo "NVIDIA H100, 550.54"'
printf '#!/bin/sh\necho "nvcc: NVIDIA (R) Cuda compiler driver"\necho "Cuda compilation tools, release 13.0, V13.0.88"\n' >fake/nvcc
chmod +x fake/nvcc

# doctor: run hx doctor with only the stand-ins in PATH.
doctor() {
	PATH="$PWD/fake" HX_SYSROOT="$PWD/sysroot" "$top_builddir/cmd/hx" doctor "$@"
}

test_expect_success 'everything present: one env record, a checklist, exit 0' '
	cp -R "$FILES/harness/sysfs" sysfs &&
	doctor --sysfs sysfs >env 2>checklist &&
	test $(wc -l <env) -eq 1 &&
	sed "/^hx.s own files/,\$d" checklist | grep -v perf-counters >actual &&
	sed "s|@SYSROOT@|$PWD/sysroot|" "$EXPECTED/doctor-all.txt" >want &&
	test_cmp want actual
'

test_expect_success 'the env record says what was found' '
	doctor 2>/dev/null >env &&
	recfilter -c env env >sorted &&
	cmp env sorted &&
	grep "\"type\":\"env\"" env &&
	grep "\"complete\":true" env &&
	grep -F "{\"found\":true,\"name\":\"riscv64-gcc\",\"package\":\"gcc-riscv64-linux-gnu\",\"path\":\"$PWD/fake/riscv64-linux-gnu-gcc\",\"required\":true,\"version\":\"riscv64-linux-gnu-gcc (Fake) 12.2.0\"}" env &&
	grep -F "\"version\":\"Cuda compilation tools, release 13.0, V13.0.88\"" env &&
	grep -F "\"sysroot\":\"$PWD/sysroot\"" env
'

test_expect_success 'the env record has the baseline and what a run gets' '
	doctor --sysfs sysfs 2>/dev/null >env &&
	jq -S ".harness | del(.cpus_applied, .sched_granted)" env >got &&
	test_cmp "$EXPECTED/trace/harness-sysfs.json" got &&
	grep Cpus_allowed_list /proc/self/status | cut -f 2 >want &&
	jq -r .harness.cpus_applied env >got &&
	test_cmp want got &&
	test "$(jq -r .harness.sched_granted.policy env)" = other
'

test_expect_success 'without --sysfs: this machine, unknowns with reasons' '
	doctor 2>checklist >env &&
	test "$(jq -r .harness.sysfs env)" = /sys &&
	grep "^frequency and temperature (/sys):\$" checklist &&
	jq -e "[.harness.frequency[] | select(.governor == null and
		(.unknown | type) != \"string\")] == []" env >/dev/null
'

test_expect_success 'a missing QEMU exits 4 and names the package' '
	mv fake/qemu-riscv64 qemu.away &&
	test_status 4 doctor >env 2>checklist;
	status=$?
	mv qemu.away fake/qemu-riscv64 &&
	test $status -eq 0 &&
	grep "^  \[MISSING\] qemu-riscv64     qemu-riscv64 not found in PATH; for running riscv64 tests install qemu-user\$" checklist &&
	grep "^hx doctor: the fast PR path cannot run: install the packages marked MISSING\$" checklist &&
	grep -F "\"missing\":[\"qemu-riscv64\",\"qemu-plugins\"" env &&
	grep "\"complete\":false" env
'

test_expect_success 'a QEMU without plugin support is missing a component' '
	stub qemu-riscv64 "qemu-riscv64 version 7.2.0 (fake)" &&
	test_status 4 doctor -q >env 2>err;
	status=$?
	stub qemu-riscv64 "qemu-riscv64 version 7.2.0 (fake)" \
		"[ \"\$1\" = -h ] && echo \"-plugin    QEMU_PLUGIN   [file=]<file>\"" &&
	test $status -eq 0 &&
	grep -F "\"detail\":\"qemu-riscv64 was built without TCG plugins\"" env &&
	test ! -s err
'

test_expect_success 'an empty sysroot is missing the riscv64 loader' '
	mkdir empty &&
	PATH="$PWD/fake" HX_SYSROOT="$PWD/empty" test_status 4 \
		"$top_builddir/cmd/hx" doctor >env 2>checklist &&
	grep "^  \[MISSING\] riscv64-sysroot  no $PWD/empty/lib/ld-linux-riscv64-lp64d.so.1; for linking and running riscv64 programs install libc6-dev-riscv64-cross\$" checklist
'

test_expect_success 'optional components do not fail the doctor' '
	rm fake/sbatch fake/promtool fake/nvcc fake/nvidia-smi &&
	doctor >env 2>checklist &&
	grep "^  \[missing\] slurm            sbatch not found in PATH; for hardware-in-the-loop jobs through Slurm install slurm-client\$" checklist &&
	grep "^  \[missing\] nvcc " checklist
'

test_expect_success 'a missing C++ cross compiler is named with its package' '
	rm fake/riscv64-linux-gnu-g++ &&
	doctor >env 2>checklist &&
	grep "^  \[missing\] riscv64-g++      riscv64-linux-gnu-g++ not found in PATH; for cross-compiling C++ for riscv64 install g++-riscv64-linux-gnu\$" checklist
'

test_expect_success 'doctor -h prints its usage, bad use exits 2' '
	hx doctor -h >out &&
	grep "^Usage: hx doctor \[-hq\] \[--sysfs DIR\]\$" out &&
	test_status 2 hx doctor --bogus 2>err &&
	test_status 2 hx doctor extra 2>err &&
	grep "unexpected argument: extra" err
'

complete=yes
for p in cc riscv64-linux-gnu-gcc qemu-riscv64; do
	command -v $p >/dev/null 2>&1 || complete=no
done
if [ $complete = yes ]; then
	test_expect_success 'this machine has the fast PR path' '
		hx doctor -q >env 2>err &&
		grep "\"complete\":true" env && test ! -s err
	'
else
	test_skip_unless_required 'this machine has the fast PR path' \
		'the riscv64 toolchain or QEMU is missing (see hx doctor)'
fi

test_done
