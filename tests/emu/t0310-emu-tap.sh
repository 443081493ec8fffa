#!/bin/sh
# hx-emu and programs that print TAP: one test record per test point.
. "$top_srcdir/tests/lib.sh"
require_program riscv64-linux-gnu-gcc gcc-riscv64-linux-gnu
require_program qemu-riscv64 qemu-user
require_program jq jq
require_riscv64_sysroot

# art NAME ARGS [JQ-FILTER]: an artifact record of the program behave.
art() {
	jq -nc --arg name "$1" --argjson args "$2" "
		{type: \"artifact\", name: \$name, path: \"behave\",
		 kind: \"test\", status: \"ok\", target: \"riscv64-linux-gnu\",
		 arch: \"riscv64\", args: \$args,
		 toolchain: {name: \"gcc\", version: \"12\", digest: \"0\"},
		 sha256: \"$ZERO_SHA256\", size: 0, flags: [], cache: \"miss\",
		 duration_ns: 0} | ${3:-.}" | with_sha256
}

# tests FILE: the test records without the fields that vary by run.
tests() {
	jq -c 'select(.type == "test") | del(.duration_ns)' "$1"
}

# points FILE: name, status and number of each test record, tab-separated.
points() {
	jq -r 'select(.type == "test") |
		[.name, .status, .number // "-", .message // .directive // "-"] |
		@tsv' "$1"
}

# all_true FILTER FILE: FILTER gives at least one value for FILE's records,
# and every value is true.
all_true() {
	jq -s -e "[.[] | $1] | length > 0 and all" "$2" >/dev/null
}

test_expect_success 'build the riscv64 test program' '
	riscv64-linux-gnu-gcc -O1 -o behave "$FILES/emu/behave.c"
'

test_expect_success 'each test point becomes a test record' '
	art tinyinfer "[\"tap\"]" >in &&
	test_status 1 hx-emu <in >out 2>err &&
	tests out >actual &&
	test_cmp "$EXPECTED/emu/tap.jsonl" actual &&
	grep "^hx-emu: 5 tests: 3 passed, 1 failed, 1 skipped" err
'

test_expect_success 'a program whose points all pass passes' '
	art good "[\"tap-pass\"]" >in &&
	hx-emu <in >out &&
	points out >actual &&
	printf "good:first\tpass\t1\t-\ngood:second\tpass\t2\t-\n" >want &&
	test_cmp want actual
'

test_expect_success 'an empty plan with a skip reason skips the whole program' '
	art gpu "[\"tap-skipall\"]" >in &&
	hx-emu <in >out &&
	points out >actual &&
	printf "gpu\tskip\t-\tSKIP needs a GPU\n" >want &&
	test_cmp want actual
'

test_expect_success 'planned points that never ran are failures' '
	art short "[\"tap-short\"]" >in &&
	test_status 1 hx-emu <in >out &&
	points out >actual &&
	printf "%s\n" "short:starts	pass	1	-" \
		"short:2	fail	2	test point 2 of 1..3 did not run" \
		"short:3	fail	3	test point 3 of 1..3 did not run" >want &&
	test_cmp want actual &&
	all_true "select(.name == \"short:2\") | .stderr_tail == \"crashed\n\"" out
'

test_expect_success 'a huge plan that never ran is one record, not millions' '
	art huge "[\"tap-huge-plan\"]" >in &&
	test_status 1 hx-emu <in >out &&
	points out >actual &&
	printf "%s\n" "huge:starts	pass	1	-" \
		"huge:2..2000000	fail	2	test points 2..2000000 of 1..2000000 did not run" >want &&
	test_cmp want actual
'

test_expect_success '300,000 points give a bounded number of records' '
	art flood "[\"tap-flood\"]" >in &&
	test_status 1 hx-emu <in >out &&
	points out >actual &&
	test "$(wc -l <actual)" -eq 1002 &&
	sed -n "1p;1000p" actual >head &&
	printf "%s\n" "flood:1	pass	1	-" "flood:1000	pass	1000	-" >want &&
	test_cmp want head &&
	sed -n "1001,\$p" actual >tail &&
	printf "%s\n" "flood:299990	fail	299990	-" \
		"flood:1001..300000	pass	1001	298999 more test points not kept: 298999 passed, 0 failed" >want &&
	test_cmp want tail
'

test_expect_success 'Bail out! fails the program' '
	art bail "[\"tap-bail\"]" >in &&
	test_status 1 hx-emu <in >out &&
	points out >actual &&
	printf "%s\n" "bail:starts	pass	1	-" \
		"bail:2	fail	2	test point 2 of 1..2 did not run" \
		"bail	fail	-	Bail out! no model file" >want &&
	test_cmp want actual
'

test_expect_success 'a TAP program killed midway: its points, then the kill' '
	art dies "[\"tap-die\"]" >in &&
	test_status 1 hx-emu <in >out &&
	points out >actual &&
	printf "%s\n" "dies:starts	pass	1	-" \
		"dies:2	fail	2	test point 2 of 1..2 did not run" \
		"dies	fail	-	killed by signal 15 (Terminated)" >want &&
	test_cmp want actual
'

# The timeout may come before the program has printed anything, so the
# points are asserted only when its marker says it printed them.
test_expect_success 'a TAP program that times out: its points, then the timeout' '
	art stuck "[\"tap-hang\"]" ".env = {HX_READY: \"$PWD/ready\"}" >in &&
	test_status 1 hx-emu -t 1s <in >out &&
	points out >actual &&
	printf "%s\n" "stuck:starts	pass	1	-" \
		"stuck:2	fail	2	test point 2 of 1..2 did not run" \
		"stuck	timeout	-	killed after 1 s" >want &&
	if test -e ready; then
		test_cmp want actual
	else
		tail -n 1 want >last && tail -n 1 actual >actual.last &&
		test_cmp last actual.last
	fi
'

test_expect_success 'ok lines without a plan are not TAP' '
	art plain "[\"okish\"]" >in &&
	hx-emu <in >out &&
	points out >actual &&
	printf "plain\tpass\t-\t-\n" >want &&
	test_cmp want actual
'

test_expect_success '--retries: a point that fails once is flaky, the others not' '
	art racy "[\"tap-flaky\",\"$PWD/state\"]" >in &&
	test_status 1 hx-emu <in >out &&
	rm -f state &&
	hx-emu -r 1 <in >out &&
	jq -r "select(.type == \"test\") | [.name, .status, .attempt, .flaky // false] | @tsv" out >actual &&
	printf "racy:stable\tpass\t2\tfalse\nracy:racy\tpass\t2\ttrue\n" >want &&
	test_cmp want actual
'

test_expect_success '--quarantine names a test point, or the whole program' '
	art tinyinfer "[\"tap\"]" >in &&
	echo "tinyinfer:matmul*" >q1 &&
	hx-emu -q q1 <in >out &&
	jq -r "select(.quarantined) | .name" out >actual &&
	echo tinyinfer:matmul\ is\ exact >want && test_cmp want actual &&
	echo tinyinfer >q2 &&
	hx-emu -q q2 <in >out &&
	test $(jq -c "select(.quarantined)" out | wc -l) -eq 5
'

test_expect_success '--count: the points carry verdicts; the program count is one sample' '
	art good "[\"tap-pass\"]" >in &&
	hx-emu -c <in >out &&
	test "$(jq -s "[.[] | select(.type == \"test\")] | length" out)" -gt 1 &&
	! jq -e "select(.type == \"test\") | has(\"insns\")" out >/dev/null &&
	jq -r "select(.type == \"sample\") | [.name, .test, .unit] | @tsv" out >actual &&
	printf "good\tgood\tinsns\n" >want &&
	test_cmp want actual &&
	test "$(jq "select(.type == \"sample\") | .value" out)" -gt 0
'

if command -v xmllint >/dev/null 2>&1; then
	test_expect_success '--junit: a testcase per point, valid by the schema' '
		art tinyinfer "[\"tap\"]" >in &&
		test_status 1 hx-emu -J report.xml <in >out &&
		xmllint --noout --schema "$FILES/junit-10.xsd" report.xml &&
		for q in "count(//testcase)=5" "count(//failure)=1" \
		    "count(//skipped)=1" \
		    "//testsuite/@name=\"tinyinfer\"" \
		    "//testcase[@name=\"tinyinfer:matmul is exact\"]/failure=\"got 5
want 6\""; do
			test "$(xmllint --xpath "$q" report.xml)" = true ||
				{ echo "not true: $q"; exit 1; }
		done
	'

	test_expect_success '--junit: points have no time of their own, the run has' '
		art tinyinfer "[\"tap\"]" >in &&
		test_status 1 hx-emu -J report.xml <in >out &&
		test "$(xmllint --xpath "count(//testcase[@time])" report.xml)" = 0 &&
		ns=$(jq -s "map(select(.type == \"test\")) | .[0].duration_ns" out) &&
		want=$(printf "%d.%03d" $((ns / 1000000000)) $((ns % 1000000000 / 1000000))) &&
		test "$(xmllint --xpath "string(//testsuite/@time)" report.xml)" = "$want" &&
		test "$(xmllint --xpath "string(/testsuites/@time)" report.xml)" = "$want"
	'
else
	test_skip_unless_required '--junit output of TAP points is valid' \
		'xmllint is missing (Debian package libxml2-utils)'
fi

test_expect_success 'TAP over a MiB with an early failure fails, never passes' '
	art bulky "[\"tap-bulky\"]" >in &&
	test_status 1 hx-emu <in >out 2>err &&
	jq -r "select(.type == \"test\" and .name == \"bulky\") | .status + \" \" + .message" out >got &&
	grep "^fail its TAP output is over 1 MiB" got
'

test_done
