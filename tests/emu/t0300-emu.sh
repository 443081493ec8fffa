#!/bin/sh
# hx-emu: riscv64 programs cross-compiled here, run under the real
# qemu-riscv64: records, order, counts, timeouts, retries, quarantine,
# repeats, JUnit, and the failures of input and machinery.
. "$top_srcdir/tests/lib.sh"
require_program riscv64-linux-gnu-gcc gcc-riscv64-linux-gnu
require_program qemu-riscv64 qemu-user
require_program jq jq
require_riscv64_sysroot

SYSROOT=/usr/riscv64-linux-gnu
HOST_ARCH=$(uname -m)

# art NAME ARGS [JQ-FILTER]: an artifact record of the riscv64 program
# behave, as hx-build writes it, with ARGS (a JSON array) and FILTER
# applied to it.
art() {
	jq -nc --arg name "$1" --argjson args "$2" --arg sysroot "$SYSROOT" "
		{type: \"artifact\", name: \$name, path: \"behave\",
		 kind: \"test\", status: \"ok\", target: \"riscv64-linux-gnu\",
		 arch: \"riscv64\", args: \$args,
		 toolchain: {name: \"gcc\", version: \"12\", digest: \"0\",
		   sysroot: \$sysroot},
		 sha256: \"$ZERO_SHA256\", size: 0, flags: [], cache: \"miss\",
		 duration_ns: 0} | ${3:-.}" | with_sha256
}

# norm FILE: the records of FILE without the fields that vary by run:
# durations, and the values of samples in wall time.
norm() {
	jq -c 'del(.duration_ns, .sha256) |
		if .type == "sample" and .unit == "ns" then del(.value) else . end' "$1"
}

# tests FILE: only the test records.
tests() {
	jq -c 'select(.type == "test") | del(.duration_ns)' "$1"
}

# left TOKEN: the processes whose environment holds TOKEN.
left() {
	grep -lsF "$1" /proc/[0-9]*/environ | cut -d/ -f3
}

# none_left TOKEN: every process with TOKEN in its environment ends (or
# is a zombie, whose environment reads empty) within a few seconds.
none_left() {
	n=0
	while [ -n "$(left "$1")" ]; do
		if [ $n -ge 50 ]; then
			echo "still there:" $(left "$1") >&2
			return 1
		fi
		sleep 0.1
		n=$((n + 1))
	done
}

# all_true FILTER FILE: FILTER gives at least one value for FILE's records,
# and every value is true.
all_true() {
	jq -s -e "[.[] | $1] | length > 0 and all" "$2" >/dev/null
}

test_expect_success 'build the riscv64 test programs with gcc and clang' '
	riscv64-linux-gnu-gcc -O1 -o behave "$FILES/emu/behave.c" &&
	qemu-riscv64 -L $SYSROOT ./behave pass
'

if command -v clang >/dev/null 2>&1; then
	test_expect_success 'clang --target=riscv64-linux-gnu builds one too' '
		clang --target=riscv64-linux-gnu -O1 -o behave-clang \
			"$FILES/emu/behave.c" &&
		qemu-riscv64 -L $SYSROOT ./behave-clang pass
	'
else
	test_skip_unless_required 'clang builds a riscv64 program' \
		'clang is missing (Debian package clang)'
fi

test_expect_success 'a passing test: one test record after its artifact' '
	art unit_pass "[\"pass\"]" >in &&
	hx-emu <in >out 2>err &&
	norm out >actual &&
	sed "s|@SYSROOT@|$SYSROOT|" "$EXPECTED/emu/pass.jsonl" >want &&
	test_cmp want actual &&
	all_true "select(.type == \"test\") | .duration_ns > 0" out &&
	grep "^hx-emu: 1 tests: 1 passed, 0 failed" err
'

test_expect_success 'a failing test: status fail, its exit code and output, exit 1' '
	art unit_fail "[\"fail\"]" >in &&
	test_status 1 hx-emu <in >out 2>err &&
	tests out >actual &&
	test_cmp "$EXPECTED/emu/fail.jsonl" actual
'

test_expect_success 'exit status 77 is a skip; a signal is a failure' '
	{ art unit_skip "[\"skip\"]" && art unit_segv "[\"segv\"]"; } >in &&
	test_status 1 hx-emu <in >out &&
	jq -r "select(.type == \"test\") | [.name, .status, .exit_code // \"-\",
		.signal // \"-\", .message // \"-\"] | @tsv" out >actual &&
	printf "unit_skip\tskip\t77\t-\t-\nunit_segv\tfail\t-\t11\tkilled by signal 11 (Segmentation fault)\n" >want &&
	test_cmp want actual
'

test_expect_success 'other records pass through byte for byte, in place' '
	{
		echo "{\"type\":\"note\",  \"text\":\"spaces kept\"}" &&
		art lib_thing "[]" ".kind = \"lib\"" &&
		art tool "[]" ".kind = \"exe\"" &&
		art broken "[]" ".status = \"fail\" | del(.path)" &&
		echo "{\"type\":\"sample\",\"name\":\"x\",\"unit\":\"ns\",\"value\":1}"
	} >in &&
	hx-emu <in >out 2>err &&
	cmp in out
'

test_expect_success '--run runs exe artifacts whose name matches' '
	{ art tool_a "[]" ".kind = \"exe\"" && art other "[]" ".kind = \"exe\""; } >in &&
	hx-emu --run "tool_*" <in >out &&
	jq -r "select(.type == \"test\") | .name" out >actual &&
	echo tool_a >want && test_cmp want actual
'

test_expect_success 'arguments, environment and directory come from the artifact' '
	mkdir -p rundir &&
	art envtest "[\"env\",\"a b\",\"--x=1\"]" \
		".env = {HX_TEST_VAR: \"from the record\"} | .cwd = \"rundir\"" >in &&
	hx-emu <in >out &&
	jq -r "select(.type == \"test\") | .stdout_tail" out >actual &&
	printf "HX_TEST_VAR=from the record\ncwd=%s/rundir\narg=a b\narg=--x=1\n\n" "$PWD" >want &&
	test_cmp want actual
'

test_expect_success 'a program built for this machine runs natively' '
	cc -o behave-native "$FILES/emu/behave.c" &&
	art native "[\"pass\"]" ".path = \"behave-native\" | .arch = \"$HOST_ARCH\" |
		.target = \"$HOST_ARCH-linux-gnu\" | del(.toolchain.sysroot)" >in &&
	hx-emu <in >out &&
	jq -r "select(.type == \"test\") | .runner + \" \" + .status" out >actual &&
	echo "native pass" >want && test_cmp want actual
'

if command -v qemu-$HOST_ARCH >/dev/null 2>&1; then
	test_expect_success '--count runs even a native program under QEMU' '
		art native "[\"work\",\"1000\"]" ".path = \"behave-native\" |
			.arch = \"$HOST_ARCH\" | .toolchain |= del(.sysroot)" >in &&
		hx-emu -c <in >out &&
		jq -r "select(.type == \"test\") | .runner + \" \" + .status" out >actual &&
		echo "qemu-$HOST_ARCH pass" >want && test_cmp want actual &&
		all_true "select(.type == \"sample\") | .unit == \"insns\" and .value > 1000" out
	'
fi

test_expect_success 'records come out in input order whatever order runs end in' '
	{
		art slow "[\"sleep\",\"1500\"]" &&
		echo "{\"type\":\"note\",\"n\":1}" &&
		art quick "[\"pass\"]" &&
		art medium "[\"sleep\",\"300\"]" &&
		echo "{\"type\":\"note\",\"n\":2}"
	} >in &&
	hx-emu -j 3 <in >out3 &&
	jq -r "[.type, .name // .n] | join(\" \")" out3 >actual &&
	printf "%s\n" "artifact slow" "test slow" "sample slow" "note 1" \
		"artifact quick" "test quick" "sample quick" "artifact medium" \
		"test medium" "sample medium" "note 2" >want &&
	test_cmp want actual &&
	hx-emu -j 1 <in >out1 &&
	norm out1 >n1 && norm out3 >n3 && test_cmp n1 n3
'

# many_missing N: N notes, each followed by an artifact whose file is missing.
many_missing() {
	i=0
	while [ $i -lt "$1" ]; do
		printf '{"type":"note","n":%d}\n' $i
		art "gone$i" "[]" ".path = \"missing/$i\""
		i=$((i + 1))
	done
}

test_expect_success 'hundreds of jobs between other lines keep their order' '
	many_missing 300 >in &&
	test_status 4 hx-emu -j 1 <in >out 2>err &&
	jq -r ".n // .name // .file" out >actual &&
	many_missing 300 | jq -r ".n // .name, .path // empty" >want &&
	test_cmp want actual
'

test_expect_success '--count: exact, repeatable counts that grow with the work' '
	{
		art small "[\"work\",\"1000\"]" &&
		art small_again "[\"work\",\"1000\"]" &&
		art big "[\"work\",\"100000\"]"
	} >in &&
	hx-emu -c -j 2 <in >out &&
	jq -r "select(.type == \"sample\") | .value" out >insns &&
	! jq -e "select(.type == \"test\") | has(\"insns\")" out >/dev/null &&
	jq -r "select(.type == \"sample\") | [.name, .test, .unit, .index, .value] | @tsv" out >samples &&
	test $(wc -l <insns) -eq 3 &&
	small=$(sed -n 1p insns) && again=$(sed -n 2p insns) &&
	big=$(sed -n 3p insns) &&
	test "$small" -gt 0 && test "$small" -eq "$again" &&
	test "$big" -gt $((small + 99000 * 3)) &&
	printf "small\tsmall\tinsns\t1\t%s\nsmall_again\tsmall_again\tinsns\t1\t%s\nbig\tbig\tinsns\t1\t%s\n" \
		$small $again $big >want &&
	test_cmp want samples &&
	hx-emu -c <in >out2 &&
	jq -r "select(.type == \"sample\") | .value" out2 >insns2 &&
	test_cmp insns insns2
'

if [ -x behave-clang ]; then
	test_expect_success '--count counts a clang-built program the same way twice' '
		art clang_work "[\"work\",\"5000\"]" ".path = \"behave-clang\"" >in &&
		hx-emu -c <in >out1 && hx-emu -c <in >out2 &&
		a=$(jq "select(.type == \"sample\") | .value" out1) &&
		b=$(jq "select(.type == \"sample\") | .value" out2) &&
		test "$a" -gt 5000 && test "$a" -eq "$b"
	'
fi

# Every process a run starts has its TOKEN in its environment, so the
# check finds them whether or not the timeout came before the fork.
test_expect_success 'a timeout kills QEMU, its child and its grandchild' '
	token="HX_RUN=timeout.$$" &&
	art hang "[\"hang\",\"$PWD/gpid\"]" ".env = {HX_RUN: \"timeout.$$\"}" >in &&
	test_status 1 hx-emu -t 3s <in >out 2>err &&
	tests out | jq -c "del(.signal)" >actual &&
	test_cmp "$EXPECTED/emu/timeout.jsonl" actual &&
	none_left "$token" &&
	if test -s gpid; then gone $(cat gpid); fi
'

# hx-emu reads on while the test runs (its input is a pipe kept open), as
# in a pipeline; the grandchild writing its pid says all three run.
test_expect_success 'SIGTERM to hx-emu kills what it started' '
	rm -f gpid &&
	token="HX_RUN=sigterm.$$" &&
	mkfifo feed &&
	{ hx-emu -t 60s <feed >out 2>err & } &&
	pid=$! &&
	exec 3>feed &&
	art hang "[\"hang\",\"$PWD/gpid\"]" ".env = {HX_RUN: \"sigterm.$$\"}" >&3 &&
	n=0 &&
	while [ ! -s gpid ] && [ $n -lt 300 ]; do sleep 0.1; n=$((n + 1)); done &&
	test -s gpid &&
	test $(left "$token" | wc -l) -ge 3 &&
	kill -TERM $pid && { wait $pid; test $? -eq 143; } &&
	! grep -q "\"type\":\"test\"\|\"type\":\"error\"" out &&
	exec 3>&- &&
	gone $(cat gpid) && none_left "$token"
'

# The input is read to its end before the signal: the runs killed end as
# failures while the main thread has nothing left to wait for, and hx-emu
# must still die of the signal, not exit 1 for the failures.
test_expect_success 'SIGTERM after the whole input was read: still 143' '
	for i in 1 2 3 4 5; do
		rm -f gpid &&
		token="HX_RUN=sigterm-eof.$$.$i" &&
		art hang "[\"hang\",\"$PWD/gpid\"]" \
			".env = {HX_RUN: \"sigterm-eof.$$.$i\"}" >in &&
		{ hx-emu -t 60s <in >out 2>err & } &&
		pid=$! && n=0 &&
		while [ ! -s gpid ] && [ $n -lt 300 ]; do
			sleep 0.1; n=$((n + 1)); done &&
		test -s gpid &&
		kill -TERM $pid && { wait $pid; test $? -eq 143; } &&
		gone $(cat gpid) && none_left "$token" || exit 1
	done
'

# nohup, or a job a non-interactive shell starts in the background:
# signals the caller ignores stay ignored.
test_expect_success 'a signal the caller ignores does not stop hx-emu' '
	rm -f gpid &&
	art hang "[\"hang\",\"$PWD/gpid\"]" >in &&
	{ nohup hx-emu -t 3s <in >out 2>err & } &&
	pid=$! && n=0 &&
	while [ ! -s gpid ] && [ $n -lt 300 ]; do sleep 0.1; n=$((n + 1)); done &&
	test -s gpid &&
	kill -HUP $pid && { wait $pid; test $? -eq 1; } &&
	jq -r "select(.type == \"test\") | .status" out | grep -x timeout
'

test_expect_success '--retries: a test that fails once then passes is flaky' '
	rm -f state &&
	art flaky "[\"flaky\",\"$PWD/state\"]" >in &&
	test_status 1 hx-emu <in >out &&
	all_true "select(.type == \"test\") | .status == \"fail\" and .attempt == 1" out &&
	rm -f state &&
	hx-emu -r 2 <in >out &&
	tests out >actual &&
	test_cmp "$EXPECTED/emu/flaky.jsonl" actual
'

test_expect_success '--retries stops at N more attempts' '
	art unit_fail "[\"fail\"]" >in &&
	test_status 1 hx-emu --retries 2 <in >out &&
	all_true "select(.type == \"test\") | .attempt == 3 and (.flaky | not)" out
'

test_expect_success '--quarantine: listed failures are reported but pass the run' '
	printf "# known to fail\n\n  broken_*  \n" >quarantine &&
	{ art broken_conv "[\"fail\"]" && art good "[\"pass\"]"; } >in &&
	hx-emu -q quarantine <in >out 2>err &&
	jq -r "select(.type == \"test\") | [.name, .status, .quarantined // false] | @tsv" out >actual &&
	printf "broken_conv\tfail\ttrue\ngood\tpass\tfalse\n" >want &&
	test_cmp want actual &&
	grep "0 failed, 0 skipped, 1 quarantined failures" err &&
	art other_fail "[\"fail\"]" >>in &&
	test_status 1 hx-emu -q quarantine <in >out
'

test_expect_success '--repeat N: N ns samples, or N equal insns samples' '
	art rep "[\"work\",\"2000\"]" >in &&
	hx-emu -n 3 <in >out &&
	test $(jq -c "select(.type == \"test\")" out | wc -l) -eq 1 &&
	jq -r "select(.type == \"sample\") | [.name, .unit, .index] | @tsv" out >actual &&
	printf "rep\tns\t1\nrep\tns\t2\nrep\tns\t3\n" >want &&
	test_cmp want actual &&
	all_true "select(.type == \"sample\") | .value > 0" out &&
	hx-emu -n 3 --count <in >out &&
	jq -r "select(.type == \"sample\") | .unit + \" \" + (.value | tostring)" out | sort -u >values &&
	test $(wc -l <values) -eq 1 && grep "^insns [1-9][0-9]*$" values
'

# The timeout gets a run of its own: with one -t for all, a slow start of
# a quick test under load would be a timeout too.
if command -v xmllint >/dev/null 2>&1; then
	test_expect_success '--junit writes a report the JUnit schema accepts' '
		printf "quarantined_*\n" >quarantine &&
		{
			art ok_one "[\"pass\"]" &&
			art bad_one "[\"fail\"]" &&
			art skipped_one "[\"skip\"]" &&
			art quarantined_one "[\"fail\"]" &&
			art missing_one "[]" ".path = \"no-such-file\""
		} >in &&
		test_status 4 hx-emu -q quarantine -J report.xml <in >out 2>err &&
		xmllint --noout --schema "$FILES/junit-10.xsd" report.xml &&
		for q in "count(//testsuite)=5" "count(//testcase)=5" \
		    "count(//failure)=1" "count(//skipped)=2" "count(//error)=1" \
		    "//testcase[@name=\"bad_one\"]/failure/@message=\"exit status 3\""; do
			test "$(xmllint --xpath "$q" report.xml)" = true ||
				{ echo "not true: $q"; exit 1; }
		done &&
		grep "assertion failed: 2 + 2 == 5" report.xml &&
		art slow_one "[\"hang\",\"$PWD/gpid\"]" >in &&
		test_status 1 hx-emu -t 1s -J timeout.xml <in >out 2>err &&
		xmllint --noout --schema "$FILES/junit-10.xsd" timeout.xml &&
		q="//testcase[@name=\"slow_one\"]/error/@type=\"timeout\"" &&
		test "$(xmllint --xpath "$q" timeout.xml)" = true
	'
else
	test_skip_unless_required '--junit output is valid' \
		'xmllint is missing (Debian package libxml2-utils)'
fi

test_expect_success 'a missing artifact file is an error record and exit 4' '
	{ art gone "[]" ".path = \"no-such-file\"" && art fine "[\"pass\"]"; } >in &&
	test_status 4 hx-emu <in >out 2>err &&
	jq -c "select(.type != \"artifact\") | del(.duration_ns, .stdout_tail) |
		if .type == \"sample\" then del(.value) else . end" out >actual &&
	test_cmp "$EXPECTED/emu/missing.jsonl" actual
'

test_expect_success 'no QEMU: exit 4 naming the package' '
	mkdir -p empty &&
	art unit_pass "[\"pass\"]" >in &&
	PATH="$PWD/empty" test_status 4 "$top_builddir/cmd/hx-emu" <in >out 2>err &&
	echo "hx-emu: qemu-riscv64 not found in PATH: install the Debian package qemu-user" >want &&
	test_cmp want err
'

test_expect_success 'no sysroot: exit 4 naming the package' '
	art unit_pass "[\"pass\"]" ".toolchain.sysroot = \"$PWD/nosysroot\"" >in &&
	test_status 4 hx-emu <in >out 2>err &&
	echo "hx-emu: behave: the riscv64 loader $PWD/nosysroot/lib/ld-linux-riscv64-lp64d.so.1 is missing: install the Debian package libc6-dev-riscv64-cross" >want &&
	test_cmp want err &&
	art unit_pass "[\"pass\"]" >in &&
	test_status 4 hx-emu -L "$PWD/nosysroot" <in >out 2>err &&
	test_cmp want err
'

test_expect_success 'no plugin, or one QEMU cannot load: exit 4' '
	art unit_pass "[\"pass\"]" >in &&
	HX_PLUGIN="$PWD/none.so" test_status 4 hx-emu -c <in >out 2>err &&
	grep "^hx-emu: the instruction-counting plugin $PWD/none.so: No such file or directory (reinstall hx, hx doctor says where it looks, or set HX_PLUGIN)\$" err &&
	echo "not a shared object" >bad.so &&
	HX_PLUGIN="$PWD/bad.so" test_status 4 hx-emu -c <in >out 2>err &&
	grep "^hx-emu: .*qemu-riscv64 cannot load the instruction-counting plugin: .*bad.so" err &&
	test ! -s out
'

test_expect_success 'bad input: the line named on stderr, exit 3, earlier runs kept' '
	{ art first "[\"pass\"]" && echo "{\"type\":\"artifact\",oops}" &&
	  art third "[\"pass\"]"; } >in &&
	test_status 3 hx-emu <in >out 2>err &&
	grep "^hx-emu: stdin:2: " err &&
	jq -r "[.type, .name] | join(\" \")" out >actual &&
	printf "artifact first\ntest first\nsample first\n" >want &&
	test_cmp want actual
'

test_expect_success '-k: an error record in place of the bad line, and on' '
	test_status 0 hx-emu -k <in >out 2>err &&
	jq -r "[.type, .name // .line] | join(\" \")" out >actual &&
	printf "artifact first\ntest first\nsample first\nerror 2\nartifact third\ntest third\nsample third\n" >want &&
	test_cmp want actual
'

test_expect_success 'a malformed artifact is bad input' '
	art first "\"notalist\"" >in &&
	test_status 3 hx-emu <in >out 2>err &&
	echo "hx-emu: stdin:1: artifact args is not an array" >want &&
	test_cmp want err && test ! -s out
'

test_expect_success 'a closed stdout ends hx-emu quietly' '
	for i in 1 2 3 4 5 6; do art p$i "[\"pass\"]"; done >in &&
	{ hx-emu -j 2 <in 2>err; echo $? >status; } | head -n 1 >first &&
	test "$(cat status)" = 0 && test -s first
'

test_expect_success 'a closed stdout from the start is a write error, exit 4' '
	art p1 "[\"pass\"]" >in &&
	test_status 4 hx-emu <in >&- 2>err &&
	echo "hx-emu: stdout: write error: Bad file descriptor" >want &&
	test_cmp want err
'

test_expect_success 'runs that cannot start: error records, one message, exit 4, no line lost' '
	for i in $(seq 1 200); do art "p$i" "[\"pass\"]"; done >in &&
	(ulimit -n 40 && test_status 4 hx-emu -j 32 <in >out 2>err) &&
	test "$(wc -l <err)" -eq 1 &&
	grep "artifacts* could not run (cannot start .*: Too many open files" err &&
	test "$(grep -c "\"type\":\"artifact\"" out)" -eq 200 &&
	test "$(jq -r "select(.type == \"test\" or .type == \"error\") | .type" out | wc -l)" -eq 200 &&
	jq -r "select(.type == \"artifact\") | .name" out >names &&
	seq 1 200 | sed "s/^/p/" >want && test_cmp want names
'

test_expect_success 'options: help, version, bad use' '
	hx-emu --help >out && grep "^Usage: hx-emu " out &&
	hx-emu -V >out && grep "^hx-emu " out &&
	test_status 2 hx-emu --bogus </dev/null 2>err &&
	test_status 2 hx-emu -j 0 </dev/null 2>err &&
	grep "^hx-emu: --jobs: not a whole number from 1 to 1024: 0" err &&
	test_status 2 hx-emu --retries -1 </dev/null 2>err &&
	grep "^hx-emu: --retries: not a whole number from 0 to 1000: -1" err &&
	test_status 2 hx-emu -t soon </dev/null 2>err &&
	grep "^hx-emu: --timeout: expected a duration" err &&
	mkfifo fifo &&
	test_status 2 hx-emu -J fifo </dev/null 2>err &&
	grep "^hx-emu: --junit: fifo is not a regular file" err &&
	test -p fifo &&
	test_status 4 hx-emu -q no-such-list </dev/null 2>err &&
	grep "^hx-emu: no-such-list: No such file or directory" err
'

test_done
