#!/bin/sh
# hx-gate and load profiles: pwcet budgets per profile (NAME@PROFILE)
# judge each profile's group against its own budget, naming the one that
# fails; a budget of the name alone gives each profile an entry of its
# own; the Markdown summary shows the profiles side by side;
# no-regression compares groups with the same labels only; and a policy's
# budget naming a profile it does not have is refused.
. "$top_srcdir/tests/lib.sh"
require_program jq jq

# wcets: the wcet records of 30 insns samples of step under idle (1000)
# and cpu (1500): deterministic, so the pWCET is the maximum.
wcets() {
	i=0
	while [ $i -lt 30 ]; do
		printf '{"type":"sample","name":"step","unit":"insns","value":1000,"labels":{"profile":"idle"}}\n'
		printf '{"type":"sample","name":"step","unit":"insns","value":1500,"labels":{"profile":"cpu"}}\n'
		i=$((i + 1))
	done | hx-wcet
}

cat >policy.json <<'EOF'
{
  "name": "release",
  "profiles": { "idle": [], "cpu": ["--cpu", "1"] },
  "rules": [
    { "rule": "pwcet", "p": 1e-9,
      "budgets": { "step@idle": "1200 insns", "step@cpu": "1200 insns" } }
  ]
}
EOF

test_expect_success 'per-profile budgets: idle passes, cpu fails and is named' '
	wcets >w.jsonl &&
	test_status 1 hx-gate -p policy.json --summary sum.md w.jsonl >out 2>err &&
	jq -r "select(.type == \"gate\") | .rules[] | select(.rule == \"pwcet\") |
		[.name, .profile, .status, .observed, .limit] | @tsv" out >got &&
	printf "pwcet/step@idle\tidle\tpass\t1000\t1200\npwcet/step@cpu\tcpu\tfail\t1500\t1200\n" >expect &&
	test_cmp expect got &&
	grep "pWCET(1e-09) of step (profile cpu) is 1500 insns, over the budget of 1200" err
'

test_expect_success 'the summary: one row per test, a column per profile' '
	sed -n "/^### pWCET by load profile/,/^| step /p" sum.md >table &&
	cat >expect <<-\EOF &&
	### pWCET by load profile

	| Test | idle | cpu |
	|---|---|---|
	| step | pass: 1000 insns of 1200 insns | **FAIL**: 1500 insns of 1200 insns |
	EOF
	test_cmp expect table
'

test_expect_success 'a budget of the name alone: an entry per profile' '
	sed "s/\"step@idle\": \"1200 insns\", \"step@cpu\": \"1200 insns\"/\"step\": \"2000 insns\", \"step@cpu\": \"1400 insns\"/" \
		policy.json >p2.json &&
	grep -q "\"step\": \"2000 insns\"" p2.json &&
	test_status 1 hx-gate -p p2.json w.jsonl >out 2>/dev/null &&
	jq -r "select(.type == \"gate\") | .rules[] | select(.rule == \"pwcet\") |
		[.name, .status, .limit] | @tsv" out >got &&
	printf "pwcet/step@idle\tpass\t2000\npwcet/step@cpu\tfail\t1400\n" >expect &&
	test_cmp expect got
'

test_expect_success 'a * budget in insns makes no entry for a profile measured in ns' '
	cat >p3.json <<-\EOF &&
	{
	  "profiles": { "idle": [], "cpu": ["--cpu", "1"], "memory": [] },
	  "rules": [ { "rule": "pwcet", "p": 1e-9,
	    "budgets": { "*": "2000 insns" } } ]
	}
	EOF
	i=0 &&
	while [ $i -lt 30 ]; do
		printf "{\"type\":\"sample\",\"name\":\"lat\",\"unit\":\"ns\",\"value\":%d,\"labels\":{\"profile\":\"memory\"}}\n" $((1000 + i))
		i=$((i + 1))
	done | hx-wcet >lat.jsonl &&
	cat w.jsonl lat.jsonl | hx-gate -p p3.json >out 2>err &&
	jq -r "select(.type == \"gate\") | .rules[] | select(.rule == \"pwcet\") |
		[.name, .status] | @tsv" out >got &&
	printf "pwcet/*@idle\tpass\npwcet/*@cpu\tpass\n" >expect &&
	test_cmp expect got
'

test_expect_success 'a budget for a profile the policy does not have is refused' '
	sed "s/step@cpu/step@gpu/" policy.json >p3.json &&
	test_status 3 hx-gate -p p3.json w.jsonl 2>err &&
	grep "^hx-gate: p3.json:[0-9]*:[0-9]*: pwcet: budget step@gpu: NAME@PROFILE names a group and a profile of the policy.s profiles$" err
'

test_expect_success 'no-regression: each profile against the same profile of the baseline' '
	i=0 &&
	while [ $i -lt 30 ]; do
		printf "{\"type\":\"sample\",\"name\":\"step\",\"unit\":\"insns\",\"value\":1500,\"labels\":{\"profile\":\"idle\"}}\n"
		printf "{\"type\":\"sample\",\"name\":\"step\",\"unit\":\"insns\",\"value\":1000,\"labels\":{\"profile\":\"cpu\"}}\n"
		i=$((i + 1))
	done | hx-wcet >base.jsonl &&
	printf "{\"rules\":[{\"rule\":\"no-regression\",\"threshold\":0}]}\n" >nr.json &&
	test_status 1 hx-gate -p nr.json -b base.jsonl w.jsonl >out 2>err &&
	grep "step (insns, profile cpu): max 1500 against 1000 in the baseline" err &&
	! grep "profile idle" err
'

test_done
