#!/bin/sh
# hx-wcet and load profiles: samples of one name under two profiles are
# two groups (two wcet records with their labels), --group-by chooses the
# labels that tell groups apart, the plot keeps them apart, --baseline
# compares each with its own; and the samples of real runs under
# hx-trace run --load carry the profile through.
. "$top_srcdir/tests/lib.sh"
require_program jq jq

# samples NAME PROFILE VALUE N: N insns samples of NAME under PROFILE,
# each with a host label of its own.
samples() {
	i=0
	while [ $i -lt "$4" ]; do
		printf '{"type":"sample","name":"%s","unit":"insns","value":%s,"labels":{"profile":"%s","host":"h%s"}}\n' \
			"$1" "$3" "$2" $i
		i=$((i + 1))
	done
}

test_expect_success 'two profiles of one name: two wcet records with their labels' '
	{ samples step idle 1000 30 && samples step cpu 1500 30; } >in.jsonl &&
	hx-wcet in.jsonl >out &&
	jq -c "select(.type == \"wcet\") | [.name, .labels, .n, .max]" out >got &&
	printf "%s\n" "[\"step\",{\"profile\":\"idle\"},30,1000]" \
		"[\"step\",{\"profile\":\"cpu\"},30,1500]" >expect &&
	test_cmp expect got
'

test_expect_success '--group-by: no labels joins them, two labels split further' '
	hx-wcet --group-by "" in.jsonl >out &&
	jq -c "select(.type == \"wcet\") | [.name, .labels, .n]" out >got &&
	echo "[\"step\",null,60]" >expect &&
	test_cmp expect got &&
	hx-wcet --group-by profile,host in.jsonl 2>/dev/null >out &&
	test "$(jq -c "select(.type == \"wcet\")" out | wc -l)" -eq 60 &&
	test_status 2 hx-wcet --group-by "profile,,host" in.jsonl 2>err &&
	grep "^hx-wcet: --group-by: an empty label name: profile,,host$" err
'

test_expect_success '--group-by: a trailing comma is an empty label too' '
	test_status 2 hx-wcet --group-by "profile," in.jsonl >out 2>err &&
	grep "^hx-wcet: --group-by: an empty label name: profile,$" err &&
	test_must_be_empty out
'

test_expect_success 'the wcet record with labels reads back in hx-gate' '
	hx-wcet in.jsonl >w.jsonl &&
	printf "{\"rules\":[{\"rule\":\"required\",\"type\":\"wcet\"}]}\n" >p.json &&
	hx-gate -p p.json w.jsonl >/dev/null
'

test_expect_success '--plot: a panel per profile, titled with its label' '
	hx-wcet --plot two.svg in.jsonl >/dev/null &&
	grep -c "step profile=idle (insns)" two.svg &&
	grep -c "step profile=cpu (insns)" two.svg
'

test_expect_success '--plot --policy: each profile its own budget, NAME@PROFILE first' '
	printf "{\"rules\":[{\"rule\":\"pwcet\",\"p\":1e-9,\"budgets\":{\"step\":\"1100 insns\",\"step@cpu\":\"1700 insns\"}}]}\n" >p.json &&
	hx-wcet --plot b.svg --policy p.json in.jsonl >/dev/null &&
	grep ">budget 1100</text>" b.svg &&
	grep ">budget 1700</text>" b.svg
'

test_expect_success '--baseline: each profile against the same profile only' '
	{ samples step idle 1000 30 && samples step cpu 1000 30; } >base.jsonl &&
	hx-wcet --baseline base.jsonl in.jsonl >out &&
	jq -r "select(.type == \"wcet\") | [.labels.profile, .baseline.class] | @tsv" out >got &&
	printf "idle\tok\ncpu\tregression\n" >expect &&
	test_cmp expect got
'

if command -v stress-ng >/dev/null 2>&1; then
	test_expect_success 'runs under hx-trace run --load: a group per profile' '
		for p in idle cpu; do
			for i in 1 2 3; do
				hx-trace run --load $p --name work -- true || exit 1
			done
		done >spans &&
		hx-trace --samples spans | hx-wcet 2>/dev/null >out &&
		jq -c "select(.type == \"wcet\") | [.name, .labels, .n]" out >got &&
		printf "%s\n" "[\"work\",{\"profile\":\"idle\"},3]" \
			"[\"work\",{\"profile\":\"cpu\"},3]" >expect &&
		test_cmp expect got
	'
else
	test_skip_unless_required 'runs under hx-trace run --load' \
		'stress-ng is missing (Debian package stress-ng)'
fi

test_done
