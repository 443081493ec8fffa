#!/bin/sh
# hx-gate's stage-drift rule: the stage records of hx-trace --stages
# compared with the baseline's, stage by stage (Hodges-Lehmann shift,
# rank-sum test, Holm across the stages); the baseline keeps them.
. "$top_srcdir/tests/lib.sh"
use_test_git
require_program jq jq

# spans GPU0: 20 traces k = 0..19 of a host run, an RPC and the GPU
# service, all deterministic: riscv-host part 500000 + 100k, rpc part
# 30000 + 10k (client minus server), gpu part GPU0 + 1000k.
spans() {
	k=0
	while [ $k -lt 20 ]; do
		h=$((500000 + 100 * k)) r=$((30000 + 10 * k))
		g=$(($1 + 1000 * k))
		t=$(printf %032x $((k + 1)))
		printf '{"type":"span","trace_id":"%s","span_id":"%016x","name":"run","service":"riscv-host","kind":"internal","start_ns":0,"end_ns":%s,"status":"ok"}\n' \
			"$t" 1 $((h + r + g))
		printf '{"type":"span","trace_id":"%s","span_id":"%016x","parent_id":"%016x","name":"matmul","service":"riscv-host","kind":"client","start_ns":0,"end_ns":%s,"status":"ok"}\n' \
			"$t" 2 1 $((r + g))
		printf '{"type":"span","trace_id":"%s","span_id":"%016x","parent_id":"%016x","name":"matmul","service":"hx-offload","kind":"server","start_ns":%s,"end_ns":%s,"status":"ok"}\n' \
			"$t" 3 2 $((r / 2)) $((r / 2 + g))
		k=$((k + 1))
	done
}

cat >policy.json <<\EOF_
{"name":"release","rules":[{"rule":"stage-drift"}]}
EOF_
cat >skip.json <<\EOF_
{"name":"release","rules":[{"rule":"stage-drift","missing_baseline":"skip"},
 {"rule":"required","type":"stage"}]}
EOF_

test_expect_success 'the golden run and a run with a slower GPU stage' '
	spans 1200000 | hx-trace --stages | grep "\"type\":\"stage\"" \
		>golden.jsonl &&
	spans 1850000 | hx-trace --stages | grep "\"type\":\"stage\"" \
		>slow.jsonl &&
	jq -r .stage golden.jsonl | tr "\n" " " >stages &&
	printf "gpu riscv-host rpc " >expect &&
	test_cmp expect stages
'

test_expect_success 'the same data: every stage ok, the gate passes' '
	hx-gate -q -p policy.json -b golden.jsonl golden.jsonl >out &&
	tail -n 1 out | jq -r ".rules[] | [.name, .status, .message] |
		join(\" | \")" >actual &&
	cat >expect <<-\EOF_ &&
	stage-drift/gpu | pass | stage gpu ok: median 1.21 ms -> 1.21 ms (+0%), p=1
	stage-drift/riscv-host | pass | stage riscv-host ok: median 500.95 us -> 500.95 us (+0%), p=1
	stage-drift/rpc | pass | stage rpc ok: median 30.09 us -> 30.09 us (+0%), p=1
	no-errors | pass | 
	EOF_
	test_cmp expect actual
'

test_expect_success 'only the GPU stage shifted: the gate fails naming gpu, the others ok' '
	test_status 1 hx-gate -q -p policy.json -b golden.jsonl slow.jsonl \
		>out &&
	tail -n 1 out >gate &&
	test "$(jq -r .message gate)" = "rules failed: stage-drift/gpu" &&
	jq -r ".rules[] | select(.status == \"fail\") | .message" gate >msg &&
	grep -E "^stage gpu drifted: median 1.21 ms -> 1.86 ms \(\+54%\), p=[0-9]e-0[0-9]$" msg &&
	test "$(wc -l <msg)" = 1 &&
	jq -r ".rules[] | select(.status == \"pass\") | .name" gate >ok &&
	printf "stage-drift/riscv-host\nstage-drift/rpc\nno-errors\n" >expect &&
	test_cmp expect ok &&
	test "$(jq -r ".rules[0].observed" gate)" = 0.537412
'

test_expect_success 'JUnit and the Markdown summary: a row per stage' '
	test_status 1 hx-gate -q -p policy.json -b golden.jsonl \
		--junit junit.xml --summary summary.md slow.jsonl >/dev/null &&
	for s in gpu riscv-host rpc; do
		grep -c "stage-drift/$s" junit.xml >n && test "$(cat n)" -ge 1 &&
		grep "stage-drift/$s" summary.md || return 1
	done &&
	grep "stage gpu drifted" junit.xml &&
	grep "stage gpu drifted" summary.md
'

test_expect_success 'a baseline without stage records: no baseline, fails' '
	printf "{\"type\":\"sample\",\"name\":\"x\",\"unit\":\"ns\",\"value\":1}\n" \
		>nostage.jsonl &&
	test_status 1 hx-gate -q -p policy.json -b nostage.jsonl slow.jsonl \
		>out &&
	test "$(tail -n 1 out | jq -r ".rules[0].message")" = \
		"no baseline: the baseline has no stage records"
'

test_expect_success 'with missing_baseline: skip, the rule skips' '
	hx-gate -q -p skip.json -b nostage.jsonl slow.jsonl >out &&
	test "$(tail -n 1 out | jq -r ".rules[0].status")" = skip
'

test_expect_success 'no stage records in the run: the rule fails' '
	test_status 1 hx-gate -q -p policy.json -b golden.jsonl nostage.jsonl \
		>out &&
	test "$(tail -n 1 out | jq -r ".rules[0].message")" = \
		"no stage records in this run (hx-trace --stages)"
'

test_expect_success 'too few values fail, or skip with insufficient: skip' '
	spans 1200000 | head -n 9 | hx-trace --stages |
		grep "\"type\":\"stage\"" >few.jsonl &&
	test_status 1 hx-gate -q -p policy.json -b golden.jsonl few.jsonl \
		>out &&
	tail -n 1 out | jq -r ".rules[0].message" >msg &&
	echo "stage gpu: too few values to compare: 3 now and 20 in the baseline, the minimum is 6 on each side" >expect &&
	test_cmp expect msg &&
	sed "s/\"stage-drift\"}/\"stage-drift\",\"insufficient\":\"skip\"},{\"rule\":\"required\",\"type\":\"stage\"}/" \
		policy.json >few.json &&
	hx-gate -q -p few.json -b golden.jsonl few.jsonl >out &&
	test "$(tail -n 1 out | jq -r ".rules[0].status")" = skip
'

test_expect_success 'a malformed stage record is bad input' '
	echo "{\"type\":\"stage\",\"stage\":\"gpu\",\"unit\":\"ns\",\"n\":1,\"min\":1,\"p50\":1,\"p90\":1,\"p99\":1,\"max\":1,\"mean\":1,\"values\":[2,1]}" >bad.jsonl &&
	test_status 3 hx-gate -q -p policy.json bad.jsonl >out 2>err &&
	grep "stage values is not sorted numbers >= 0" err
'

test_expect_success 'a stage record whose values are not its n, min and max' '
	rec="{\"type\":\"stage\",\"stage\":\"gpu\",\"unit\":\"ns\",\"p50\":1,\"p90\":1,\"p99\":1,\"mean\":1" &&
	echo "$rec,\"n\":1000,\"min\":1,\"max\":1,\"values\":[1]}" >few.jsonl &&
	test_status 3 hx-gate -q -p policy.json few.jsonl >out 2>err &&
	grep "few.jsonl:1: stage values has 1 values, not all n up to 4096" err &&
	echo "$rec,\"n\":2,\"min\":1,\"max\":1,\"values\":[1,5]}" >max.jsonl &&
	test_status 3 hx-gate -q -p policy.json max.jsonl >out 2>err &&
	grep "max.jsonl:1: stage values do not run from min to max" err
'

test_expect_success 'a policy with alpha out of range is refused' '
	echo "{\"rules\":[{\"rule\":\"stage-drift\",\"alpha\":2}]}" >bad.json &&
	test_status 3 hx-gate -p bad.json golden.jsonl >out 2>err &&
	grep "stage-drift: alpha is a probability between 0 and 1" err
'

test_expect_success '--record-baseline keeps the stage records; -b git reads them back' '
	git init -q -b main repo &&
	(cd repo && echo one >file && git add file && git commit -q -m one) &&
	(cd repo && hx-gate -q -p ../skip.json -b git --record-baseline \
		<../golden.jsonl >../out 2>../err) &&
	test "$(tail -n 1 out | jq -r .baseline_recorded)" = \
		"$(git -C repo rev-parse HEAD)" &&
	baseline_note repo HEAD | grep "\"type\":\"stage\"" >noted &&
	test_cmp golden.jsonl noted &&
	(cd repo && hx-gate -q -p ../policy.json -b git <../golden.jsonl \
		>../out) &&
	(cd repo && test_status 1 hx-gate -q -p ../policy.json -b git \
		<../slow.jsonl >../out) &&
	test "$(tail -n 1 out | jq -r .message)" = \
		"rules failed: stage-drift/gpu"
'

test_done
