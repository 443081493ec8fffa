#!/bin/sh
# hx-gate: the verdict, each rule passing and failing, bad policies, empty
# streams and missing stages, and the JUnit, Markdown and bundle reports.
. "$top_srcdir/tests/lib.sh"
require_program jq jq
require_program xmllint libxml2-utils

G="$FILES/gate"
cp "$G/run-pass.jsonl" run.jsonl
cp "$G/policy-all.json" all.json

# write_policy FILE RULE...: a policy of the given rules (JSON objects).
write_policy() {
	file=$1
	shift
	{
		printf '{"name":"t","rules":['
		sep=
		for r in "$@"; do
			printf '%s%s' "$sep" "$r"
			sep=,
		done
		printf ']}\n'
	} >"$file"
}

# rule_status OUT NAME: the status of rule NAME in the gate record of OUT.
rule_status() {
	tail -n 1 "$1" | jq -r --arg n "$2" '.rules[] | select(.name == $n) | .status'
}

# rule_field OUT NAME FIELD: one field of rule NAME, as compact JSON.
rule_field() {
	tail -n 1 "$1" | jq -c --arg n "$2" ".rules[] | select(.name == \$n) | .$3"
}

test_expect_success 'a passing run: records pass through, one gate record, exit 0' '
	hx-gate -q -p all.json <run.jsonl >out 2>err &&
	test $(wc -l <out) -eq $(($(wc -l <run.jsonl) + 1)) &&
	head -n -1 out >passed && cmp run.jsonl passed &&
	tail -n 1 out >actual &&
	test_cmp "$EXPECTED/gate/pass.json" actual &&
	test ! -s err
'

test_expect_success 'the verdict is also told on stderr unless -q' '
	hx-gate -p all.json <run.jsonl >out 2>err &&
	grep "^hx-gate: pass$" err &&
	grep "^hx-gate: skip no-regression: " err
'

test_expect_success 'records are read from named files, with their names in refs' '
	hx-gate -q -p all.json run.jsonl >out &&
	test "$(rule_field out flaky-rate decided_by)" = "[\"run.jsonl:6\"]"
'

test_expect_success 'tests-pass fails on a failing test, naming it' '
	printf "{\"type\":\"test\",\"artifact\":\"build/t\",\"runner\":\"native\",\"duration_ns\":1,\"name\":\"a\",\"status\":\"pass\",\"attempt\":1}\n{\"type\":\"test\",\"artifact\":\"build/t\",\"runner\":\"native\",\"duration_ns\":1,\"id\":\"t-b\",\"name\":\"b\",\"status\":\"timeout\",\"attempt\":1}\n" >in &&
	test_status 1 hx-gate -q -p all.json <in >out &&
	test "$(rule_status out tests-pass)" = fail &&
	test "$(rule_field out tests-pass decided_by)" = "[\"t-b\"]" &&
	test "$(rule_field out tests-pass observed)" = 1 &&
	test "$(tail -n 1 out | jq -r .status)" = fail
'

test_expect_success 'tests-pass: a retry that passes replaces the failure' '
	printf "{\"type\":\"test\",\"artifact\":\"build/t\",\"runner\":\"native\",\"duration_ns\":1,\"name\":\"a\",\"status\":\"fail\",\"attempt\":1}\n{\"type\":\"test\",\"artifact\":\"build/t\",\"runner\":\"native\",\"duration_ns\":1,\"name\":\"a\",\"status\":\"pass\",\"attempt\":2,\"flaky\":true}\n" >in &&
	write_policy p.json "{\"rule\":\"tests-pass\"}" &&
	hx-gate -q -p p.json <in >out &&
	test "$(rule_status out tests-pass)" = pass
'

test_expect_success 'tests-pass: quarantined tests are reported but exempt' '
	printf "{\"type\":\"test\",\"artifact\":\"build/t\",\"runner\":\"native\",\"duration_ns\":1,\"name\":\"a\",\"status\":\"pass\",\"attempt\":1}\n{\"type\":\"test\",\"artifact\":\"build/t\",\"runner\":\"native\",\"duration_ns\":1,\"name\":\"slow_b\",\"status\":\"fail\",\"attempt\":1}\n" >in &&
	printf "{\"quarantine\":[\"slow_*\"],\"rules\":[{\"rule\":\"tests-pass\"}]}\n" >q.json &&
	hx-gate -q -p q.json <in >out &&
	test "$(rule_status out tests-pass)" = pass &&
	rule_field out tests-pass message | grep "quarantined, exempt: slow_b (fail)"
'

test_expect_success 'flaky-rate passes under its bound and fails over it' '
	write_policy p.json "{\"rule\":\"flaky-rate\",\"max\":0.34}" &&
	hx-gate -q -p p.json <run.jsonl >out &&
	test "$(rule_field out flaky-rate observed)" = 0.333333 &&
	write_policy p.json "{\"rule\":\"flaky-rate\",\"max\":0.1}" &&
	test_status 1 hx-gate -q -p p.json <run.jsonl >out &&
	test "$(rule_status out flaky-rate)" = fail &&
	test "$(rule_field out flaky-rate limit)" = 0.1
'

test_expect_success 'required: a wcet record for each named function' '
	write_policy p.json "{\"rule\":\"required\",\"type\":\"wcet\",\"field\":\"name\",\"values\":[\"test_mlp\",\"conv2d\"]}" &&
	test_status 1 hx-gate -q -p p.json <run.jsonl >out &&
	test "$(rule_status out required)" = fail &&
	test "$(rule_field out required observed)" = 1 &&
	test "$(rule_field out required limit)" = 2 &&
	rule_field out required message | grep "missing: wcet with name conv2d"
'

test_expect_success 'required: an artifact for each target' '
	write_policy p.json "{\"rule\":\"required\",\"type\":\"artifact\",\"field\":\"target\",\"values\":[\"riscv64-linux-gnu\",\"x86_64-linux-gnu\"]}" &&
	test_status 1 hx-gate -q -p p.json <run.jsonl >out &&
	rule_field out required message | grep "missing: artifact with target x86_64-linux-gnu" &&
	write_policy p.json "{\"rule\":\"required\",\"type\":\"artifact\",\"field\":\"target\",\"values\":[\"riscv64-linux-gnu\"]}" &&
	hx-gate -q -p p.json <run.jsonl >out
'

test_expect_success 'pwcet: over the budget fails, naming the group' '
	write_policy p.json "{\"rule\":\"pwcet\",\"p\":1e-9,\"budgets\":{\"test_mlp\":\"1.8e6 insns\"}}" &&
	test_status 1 hx-gate -q -p p.json <run.jsonl >out &&
	test "$(rule_status out pwcet/test_mlp)" = fail &&
	test "$(rule_field out pwcet/test_mlp observed)" = 1843221 &&
	test "$(rule_field out pwcet/test_mlp limit)" = 1800000 &&
	test "$(rule_field out pwcet/test_mlp decided_by)" = "[\"w-mlp\"]"
'

test_expect_success 'pwcet is unit-aware: microseconds against nanoseconds' '
	write_policy p.json "{\"rule\":\"pwcet\",\"p\":1e-9,\"budgets\":{\"bench_mlp\":\"2.5 us\"}}" &&
	hx-gate -q -p p.json <run.jsonl >out &&
	test "$(rule_field out pwcet/bench_mlp limit)" = 2500 &&
	test "$(rule_field out pwcet/bench_mlp unit)" = "\"ns\"" &&
	write_policy p.json "{\"rule\":\"pwcet\",\"p\":1e-9,\"budgets\":{\"bench_mlp\":\"1.9 us\"}}" &&
	test_status 1 hx-gate -q -p p.json <run.jsonl >out
'

test_expect_success 'pwcet: the upper confidence bound with "bound": "hi"' '
	write_policy p.json "{\"rule\":\"pwcet\",\"p\":1e-9,\"bound\":\"hi\",\"budgets\":{\"bench_mlp\":\"2.5 us\"}}" &&
	test_status 1 hx-gate -q -p p.json <run.jsonl >out &&
	test "$(rule_field out pwcet/bench_mlp observed)" = 2600
'

test_expect_success 'pwcet: a budget in another unit, or no pWCET at p, fails' '
	write_policy p.json "{\"rule\":\"pwcet\",\"p\":1e-9,\"budgets\":{\"test_mlp\":\"1 ms\"}}" &&
	test_status 1 hx-gate -q -p p.json <run.jsonl >out &&
	rule_field out pwcet/test_mlp message | grep "no wcet record for test_mlp in ns" &&
	write_policy p.json "{\"rule\":\"pwcet\",\"p\":1e-6,\"budgets\":{\"bench_mlp\":\"1 ms\"}}" &&
	test_status 1 hx-gate -q -p p.json <run.jsonl >out &&
	rule_field out pwcet/bench_mlp message | grep "bench_mlp: no pWCET at p=1e-06 (method gev)"
'

test_expect_success 'pwcet: "*" budgets every other group' '
	write_policy p.json "{\"rule\":\"pwcet\",\"p\":1e-9,\"budgets\":{\"bench_mlp\":\"1 ms\",\"*\":\"2e6 insns\"}}" &&
	hx-gate -q -p p.json <run.jsonl >out &&
	test "$(rule_field out pwcet/* observed)" = 1843221
'

test_expect_success 'no-regression: a regression verdict from hx-wcet fails' '
	printf "{\"type\":\"wcet\",\"id\":\"w1\",\"name\":\"f\",\"unit\":\"ns\",\"n\":1,\"min\":10,\"mean\":10,\"median\":10,\"p99\":10,\"cv\":0,\"method\":\"deterministic\",\"max\":10,\"baseline\":{\"class\":\"regression\",\"shift\":0.05,\"lo\":0.04,\"hi\":0.06,\"p\":0.001,\"p_adjusted\":0.002,\"n\":30}}\n{\"type\":\"wcet\",\"name\":\"g\",\"unit\":\"ns\",\"n\":1,\"min\":10,\"mean\":10,\"median\":10,\"p99\":10,\"cv\":0,\"method\":\"deterministic\",\"max\":10,\"baseline\":{\"class\":\"ok\",\"shift\":0.001,\"lo\":0,\"hi\":0.002,\"p\":0.5,\"p_adjusted\":0.9,\"n\":30}}\n" >in &&
	test_status 1 hx-gate -q -p "$G/policy-regression.json" <in >out &&
	test "$(rule_field out no-regression decided_by)" = "[\"w1\"]" &&
	test "$(rule_field out no-regression observed)" = 0.05 &&
	sed -n 2p in | hx-gate -q -p "$G/policy-regression.json" >out &&
	test "$(rule_status out no-regression)" = pass
'

test_expect_success 'no-regression: --baseline FILE, within and over the threshold' '
	hx-gate -q -p "$G/policy-regression.json" -b "$G/baseline-ok.jsonl" <run.jsonl >out &&
	test "$(tail -n 1 out | jq -r .baseline)" = "$G/baseline-ok.jsonl" &&
	test "$(rule_status out no-regression)" = pass &&
	test_status 1 hx-gate -q -p "$G/policy-regression.json" --baseline "$G/baseline-low.jsonl" <run.jsonl >out &&
	rule_field out no-regression message | grep "test_mlp (insns): max 1843221 against 1700000 in the baseline, +143221 insns (+8.42%)"
'

test_expect_success 'no-regression: a missing -b file is exit 4 unless the policy skips it' '
	test_status 4 hx-gate -p "$G/policy-regression.json" -b nothing.jsonl <run.jsonl >out 2>err &&
	grep "^hx-gate: nothing.jsonl: No such file or directory$" err &&
	test_must_be_empty out &&
	write_policy p.json "{\"rule\":\"tests-pass\"}" "{\"rule\":\"no-regression\",\"missing_baseline\":\"skip\"}" &&
	hx-gate -p p.json -b nothing.jsonl <run.jsonl >out 2>err &&
	grep "^hx-gate: no baseline: nothing.jsonl: No such file or directory$" err &&
	test "$(rule_status out no-regression)" = skip &&
	write_policy p.json "{\"rule\":\"tests-pass\"}" "{\"rule\":\"no-regression\",\"missing_baseline\":\"skip\"}" "{\"rule\":\"no-regression\",\"name\":\"strict\"}" &&
	test_status 4 hx-gate -p p.json -b nothing.jsonl <run.jsonl >out 2>err &&
	grep "^hx-gate: nothing.jsonl: No such file or directory$" err
'

test_expect_success 'a directory as -b is exit 4, as hx-wcet --baseline has it' '
	mkdir -p adir &&
	test_status 4 hx-gate -p "$G/policy-regression.json" -b adir <run.jsonl >out 2>err &&
	grep "^hx-gate: adir: read error: Is a directory$" err &&
	test_must_be_empty out &&
	test_status 4 hx-wcet --baseline adir <run.jsonl >out 2>err &&
	grep "^hx-wcet: adir: read error: Is a directory$" err
'

test_expect_success 'a malformed baseline file is bad input' '
	{ sed -n 2p "$G/baseline-ok.jsonl" && echo xyz; } >bad.jsonl &&
	test_status 3 hx-gate -p "$G/policy-regression.json" -b bad.jsonl <run.jsonl >out 2>err &&
	grep "^hx-gate: bad.jsonl:2: not JSON at column 1$" err
'

test_expect_success 'reproducible: two builds that differ fail' '
	sed -n 2p run.jsonl | sed "s/\"sha256\":\"1111/\"sha256\":\"9999/" >rebuilt &&
	cat run.jsonl rebuilt >in &&
	write_policy p.json "{\"rule\":\"reproducible\"}" &&
	test_status 1 hx-gate -q -p p.json <in >out &&
	test "$(rule_field out reproducible decided_by)" = "[\"a-mlp\",\"a-mlp\"]" &&
	rule_field out reproducible message | grep "test_mlp: two builds differ" &&
	sed -n 2p run.jsonl >same && cat run.jsonl same >in &&
	hx-gate -q -p p.json <in >out
'

test_expect_success 'reproducible: an artifact the build says differs, or one unchecked' '
	sed -n 3p run.jsonl | sed "s/}\$/,\"reproducible\":false}/" >in &&
	write_policy p.json "{\"rule\":\"reproducible\"}" &&
	test_status 1 hx-gate -q -p p.json <in >out &&
	sed -n 3p run.jsonl >in &&
	hx-gate -q -p p.json <in >out &&
	write_policy p.json "{\"rule\":\"reproducible\",\"require_check\":true}" &&
	test_status 1 hx-gate -q -p p.json <in >out &&
	rule_field out reproducible message | grep "not checked"
'

test_expect_success 'custom: matched records bound one numeric field' '
	write_policy p.json "{\"rule\":\"custom\",\"name\":\"insns\",\"match\":{\"type\":\"test\",\"runner\":\"qemu-*\"},\"field\":\"insns\",\"max\":1000}" &&
	test_status 1 hx-gate -q -p p.json <run.jsonl >out &&
	test "$(rule_field out insns decided_by)" = "[\"t-mlp\",\"stdin:7\"]" &&
	test "$(rule_field out insns observed)" = 1843221 &&
	write_policy p.json "{\"rule\":\"custom\",\"name\":\"cv\",\"match\":{\"type\":\"wcet\",\"unit\":\"ns\"},\"field\":\"cv\",\"min\":0,\"max\":0.2}" &&
	hx-gate -q -p p.json <run.jsonl >out &&
	test "$(rule_field out cv limit)" = "{\"max\":0.2,\"min\":0}"
'

test_expect_success 'custom: nothing matched fails, unless allow_none' '
	write_policy p.json "{\"rule\":\"custom\",\"match\":{\"type\":\"span\"},\"field\":\"end_ns\",\"max\":1}" &&
	test_status 1 hx-gate -q -p p.json <run.jsonl >out &&
	rule_field out custom message | grep "no record matches" &&
	write_policy p.json "{\"rule\":\"tests-pass\"}" "{\"rule\":\"custom\",\"match\":{\"type\":\"span\"},\"field\":\"end_ns\",\"max\":1,\"allow_none\":true}" &&
	hx-gate -q -p p.json <run.jsonl >out &&
	test "$(rule_status out custom)" = skip
'

test_expect_success 'error records fail the gate unless the policy says otherwise' '
	printf "{\"type\":\"error\",\"id\":\"e1\",\"program\":\"hx-emu\",\"file\":\"build/x\",\"message\":\"no such file\"}\n" >err.jsonl &&
	cat run.jsonl err.jsonl >in &&
	write_policy p.json "{\"rule\":\"tests-pass\"}" &&
	test_status 1 hx-gate -q -p p.json <in >out &&
	test "$(rule_field out no-errors decided_by)" = "[\"e1\"]" &&
	rule_field out no-errors message | grep "hx-emu: build/x: no such file" &&
	write_policy p.json "{\"rule\":\"tests-pass\"}" "{\"rule\":\"no-errors\",\"advisory\":true}" &&
	hx-gate -q -p p.json <in >out &&
	test "$(rule_field out no-errors advisory)" = true &&
	write_policy p.json "{\"rule\":\"tests-pass\"}" "{\"rule\":\"no-errors\",\"max\":1}" &&
	hx-gate -q -p p.json <in >out
'

test_expect_success 'bad input stops the gate (3); with -k it is an error and fails' '
	printf "{\"type\":\"test\",\"artifact\":\"build/t\",\"runner\":\"native\",\"duration_ns\":1,\"name\":\"a\",\"status\":\"pass\",\"attempt\":1}\nxyz\n" >in &&
	test_status 3 hx-gate -q -p "$G/policy-fast.json" <in >out 2>err &&
	grep "^hx-gate: stdin:2: not JSON at column 1$" err &&
	test_status 1 hx-gate -q -k -p "$G/policy-fast.json" <in >out 2>err &&
	sed -n 2p out | jq -e ".type == \"error\"" &&
	rule_field out no-errors message | grep "1 malformed lines"
'

test_expect_success 'a malformed test, sample, wcet or artifact record is bad input' '
	printf "%s\n" \
		"{\"type\":\"test\",\"name\":\"a\",\"artifact\":\"a\",\"runner\":\"native\",\"status\":\"passed\",\"duration_ns\":1,\"attempt\":1}" \
		"{\"type\":\"sample\",\"name\":\"f\",\"unit\":\"ns\",\"value\":-1}" \
		"{\"type\":\"wcet\",\"name\":\"f\"}" \
		"{\"type\":\"artifact\",\"name\":\"x\"}" >bad-records &&
	for n in 1 2 3 4; do
		cat run.jsonl >in && sed -n ${n}p bad-records >>in &&
		test_status 3 hx-gate -q -p all.json <in >out 2>err &&
		grep "^hx-gate: stdin:11: $(sed -n ${n}p bad-records |
			jq -r .type) " err &&
		test_status 1 hx-gate -q -k -p all.json <in >out 2>err &&
		sed -n 11p out | jq -e ".type == \"error\" and .line == 11" &&
		test "$(rule_status out no-errors)" = fail &&
		rule_field out no-errors message | grep "1 malformed lines" ||
		return 1
	done &&
	sed -n 1p bad-records >in && test_status 3 hx-gate -q -p all.json \
		<in 2>err &&
	grep "^hx-gate: stdin:1: test status is not " err
'

test_expect_success 'a malformed wcet record in a baseline is bad input' '
	sed "s/\"min\":1843000,//" "$G/baseline-ok.jsonl" >bad-base.jsonl &&
	test_status 3 hx-gate -q -p "$G/policy-regression.json" \
		-b bad-base.jsonl <run.jsonl >out 2>err &&
	grep "^hx-gate: bad-base.jsonl:2: wcet min is missing$" err
'

test_expect_success 'an empty stream fails with that reason' '
	test_status 1 hx-gate -q -p "$G/policy-fast.json" </dev/null >out &&
	test $(wc -l <out) -eq 1 &&
	test "$(jq -r .message out)" = "empty stream: no records to judge" &&
	test "$(jq -r .status out)" = fail &&
	test_status 1 hx-gate -q -p "$G/policy-stages.json" </dev/null >out &&
	test "$(jq -r .message out)" = "empty stream: no records to judge" &&
	printf "\n\n" | test_status 1 hx-gate -q -p "$G/policy-fast.json" >out &&
	test "$(jq -r .message out)" = "empty stream: no records to judge"
'

test_expect_success 'a gate whose every rule was skipped fails' '
	write_policy p.json "{\"rule\":\"custom\",\"match\":{\"type\":\"span\"},\"field\":\"end_ns\",\"max\":1,\"allow_none\":true}" &&
	test_status 1 hx-gate -q -p p.json <run.jsonl >out &&
	test "$(tail -n 1 out | jq -r .message)" = "every rule was skipped: nothing was judged"
'

test_expect_success 'a missing stage fails with that reason' '
	grep -v "\"type\":\"wcet\"" run.jsonl >in &&
	test_status 1 hx-gate -q -p "$G/policy-stages.json" <in >out &&
	test "$(tail -n 1 out | jq -r .message)" = "no wcet records: the hx-wcet stage did not run" &&
	test "$(rule_field out stages observed)" = "[\"build\",\"emu\"]" &&
	hx-gate -q -p "$G/policy-stages.json" <run.jsonl >out
'

test_expect_success 'a policy that does not parse: exit 3 with file, line and column' '
	test_status 3 hx-gate -p "$G/policy-syntax.json" <run.jsonl >out 2>err &&
	test ! -s out &&
	echo "hx-gate: $G/policy-syntax.json:4:27: string or '"'"'}'"'"' expected near '"'"'}'"'"'" >want &&
	test_cmp want err
'

test_expect_success 'a policy that names an unknown rule: exit 3 at the rule' '
	test_status 3 hx-gate -p "$G/policy-unknown-rule.json" <run.jsonl >out 2>err &&
	test ! -s out &&
	grep "^hx-gate: $G/policy-unknown-rule.json:5:14: unknown rule \"tests-passs\" (known: " err
'

test_expect_success 'an empty field name or choice is refused, not looped on' '
	printf "{\"rules\":[{\"rule\":\"tests-pass\",\"\":1}]}\n" >empty-key.json &&
	timeout 60 hx-gate -p empty-key.json </dev/null >out 2>err;
	test $? -eq 3 &&
	printf "{\"rules\":[{\"rule\":\"no-regression\",\"stat\":\"\"}]}\n" >empty-choice.json &&
	timeout 60 hx-gate -p empty-choice.json </dev/null >out 2>err;
	test $? -eq 3
'

test_expect_success 'unknown fields and bad budgets are refused where they are' '
	test_status 3 hx-gate -p "$G/policy-unknown-field.json" </dev/null 2>err &&
	grep "^hx-gate: $G/policy-unknown-field.json:4:13: flaky-rate: unknown field \"mxa\"$" err &&
	test_status 3 hx-gate -p "$G/policy-bad-budget.json" </dev/null 2>err &&
	grep "^hx-gate: $G/policy-bad-budget.json:3:58: pwcet: budget of test_mlp: expected" err &&
	printf "{\"rules\":[]}" >empty.json &&
	test_status 3 hx-gate -p empty.json </dev/null 2>err &&
	grep "rules is empty" err &&
	printf "{\"rules\":[{\"rule\":\"tests-pass\"}],\"stages\":[\"compile\"]}" >st.json &&
	test_status 3 hx-gate -p st.json </dev/null 2>err &&
	grep "^hx-gate: st.json:1:44: unknown stage \"compile\"" err
'

test_expect_success 'no policy is a usage error; an unreadable one a system failure' '
	test_status 2 hx-gate </dev/null 2>err &&
	grep "no policy given" err &&
	test_status 4 hx-gate -p nope.json </dev/null 2>err &&
	grep "^hx-gate: nope.json: No such file or directory$" err
'

test_expect_success 'JUnit: each rule a test case, valid against the schema' '
	test_status 1 hx-gate -q -p "$G/policy-stages.json" --junit junit.xml </dev/null >out &&
	xmllint --noout --schema "$FILES/junit-10.xsd" junit.xml &&
	hx-gate -q -p all.json --junit junit.xml <run.jsonl >out &&
	xmllint --noout --schema "$FILES/junit-10.xsd" junit.xml &&
	test $(grep -c "<testcase " junit.xml) -eq 11 &&
	grep "<skipped" junit.xml &&
	write_policy p.json "{\"rule\":\"flaky-rate\",\"max\":0.1}" &&
	test_status 1 hx-gate -q -p p.json --junit junit.xml <run.jsonl >out &&
	xmllint --noout --schema "$FILES/junit-10.xsd" junit.xml &&
	grep "<failure message=\"flaky-rate: observed 0.333333, limit 0.1\" type=\"flaky-rate\">" junit.xml
'

test_expect_success 'the Markdown summary' '
	hx-gate -q -p all.json --stdin-name run.jsonl --summary summary.md \
		<run.jsonl >out &&
	test_cmp "$EXPECTED/gate/summary.md" summary.md
'

test_expect_success 'summary: commit, toolchain, tests in words, no "0 / 0"' '
	hx-gate -q -p all.json --summary s.md <run.jsonl >out &&
	grep "^Commit \`0123456789ab\`, toolchain \`riscv64-gcc 12.2.0\`, policy \`all.json\`" s.md &&
	grep "| tests-pass | tests-pass | pass | 2 of 3 tests passed | no failures |" s.md &&
	! grep "| 0 | 0 |.*t-mlp" s.md
'

test_expect_success 'summary: each pwcet group with its p, unit, limit and headroom' '
	hx-gate -q -p all.json --summary s.md <run.jsonl >out &&
	grep "| pwcet/test_mlp | pwcet: group \`test_mlp\`, p = 1e-09 | pass | 1843221 insns | 2000000 insns | +7.8% |" s.md &&
	grep "| pwcet/bench_mlp | pwcet: group \`bench_mlp\`, p = 1e-09 | pass | 2000 ns | 3000 ns | +33.3% |" s.md
'

test_expect_success 'summary: Decided by names FILE:LINE, stdin unless --stdin-name' '
	hx-gate -q -p all.json --summary s.md <run.jsonl >out &&
	grep "| flaky-rate | .* | stdin:6 |$" s.md &&
	grep "stdin:4 (t-mlp)" s.md &&
	hx-gate -q -p all.json --stdin-name runs/run.jsonl --summary s.md <run.jsonl >out &&
	grep "| flaky-rate | .* | runs/run.jsonl:6 |$" s.md &&
	test "$(rule_field out flaky-rate decided_by)" = "[\"runs/run.jsonl:6\"]"
'

test_expect_success 'summary: a failed test is the root cause, once, with its output' '
	sed -e "4s/\"status\":\"pass\"/\"status\":\"fail\",\"stdout_tail\":\"dense: 4 of 5 outputs wrong\\\\n\"/" \
		-e "/\"id\":\"w-mlp\"/d" run.jsonl >broken.jsonl &&
	test_status 1 hx-gate -q -p all.json --summary s.md broken.jsonl >out &&
	test $(grep -c "dense: 4 of 5 outputs wrong" s.md) -eq 1 &&
	grep "^### Root cause: test \`test_mlp\` failed$" s.md &&
	grep "^Its record: broken.jsonl:4 (t-mlp).$" s.md &&
	grep "^Rules failed because of it: tests-pass, wcet-per-function, pwcet/test_mlp.$" s.md &&
	grep "| tests-pass | tests-pass | \*\*FAIL\*\* (root cause: \`test_mlp\`) | 1 of 3 tests passed |" s.md &&
	grep "| wcet-per-function | required | \*\*FAIL\*\* (consequence of \`test_mlp\`) |" s.md &&
	grep "| pwcet/test_mlp | .* | \*\*FAIL\*\* (consequence of \`test_mlp\`) |" s.md
'

test_expect_success 'no timing is required of outputs with needs_timing false' '
	sed -e "2s/\"id\":\"a-mlp\",/\"id\":\"a-mlp\",\"affected\":true,\"needs_timing\":false,/" \
		-e "/\"id\":\"w-mlp\"/d" run.jsonl >untimed.jsonl &&
	hx-gate -q -p all.json untimed.jsonl >out &&
	test "$(rule_status out pwcet/test_mlp)" = skip &&
	rule_field out pwcet/test_mlp message | grep "test_mlp: no timing needed (needs_timing: false)" &&
	test "$(rule_status out wcet-per-function)" = pass &&
	rule_field out wcet-per-function message | grep "not required: wcet test_mlp needs no timing" &&
	sed -e "/\"id\":\"w-mlp\"/d" run.jsonl >timed.jsonl &&
	test_status 1 hx-gate -q -p all.json timed.jsonl >out &&
	test "$(rule_status out pwcet/test_mlp)" = fail &&
	test "$(rule_status out wcet-per-function)" = fail
'

test_expect_success 'two --bundle runs are byte-identical and hold the proof' '
	SOURCE_DATE_EPOCH=1700000000 hx-gate -q -p all.json --bundle one.tar.gz <run.jsonl >out1 &&
	SOURCE_DATE_EPOCH=1700000000 hx-gate -q -p all.json --bundle two.tar.gz <run.jsonl >out2 &&
	cmp one.tar.gz two.tar.gz &&
	tar tzf one.tar.gz >list &&
	printf "SHA256SUMS\nenv.json\ngate.json\njunit.xml\npolicy.json\nrecords.jsonl\nsummary.md\n" >want &&
	test_cmp want list &&
	mkdir x && tar xzf one.tar.gz -C x &&
	cmp out1 x/records.jsonl &&
	cmp all.json x/policy.json &&
	(cd x && sha256sum -c SHA256SUMS) &&
	jq -e ".type == \"env\"" x/env.json
'

test_expect_success 'the bundle holds the JUnit and summary written, no temp file' '
	TMPDIR=$PWD/no-such-dir hx-gate -q -p all.json --junit j.xml --summary s.md \
		--bundle three.tar.gz <run.jsonl >out &&
	mkdir y && tar xzf three.tar.gz -C y &&
	cmp j.xml y/junit.xml &&
	cmp s.md y/summary.md &&
	tail -n 1 out >want && cmp want y/gate.json
'

test_expect_success 'a report that cannot be written is a system failure' '
	test_status 4 hx-gate -q -p all.json --junit no/such/dir/j.xml <run.jsonl >out 2>err &&
	grep "^hx-gate: --junit: no/such/dir/j.xml: " err &&
	test "$(tail -n 1 out | jq -r .type)" = gate
'

test_expect_success 'a closed stdout ends the gate quietly' '
	{ hx-gate -q -p all.json <run.jsonl 2>err; echo $? >status; } | head -1 >first &&
	test_cmp first "$(head -1 run.jsonl >want; echo want)"
'

test_done
