#!/bin/sh
# hx-sched plan: a job of higher priority takes the place of lower-
# priority lone jobs of the previous plan when that lets it start
# earlier, with the reason on both; equal priorities and groups keep
# their places; a kept plan is kept byte for byte.
. "$top_srcdir/tests/lib.sh"
require_program jq jq

NOW=1796083200000000000
MIN10=600000000000

printf '%s\n' '{"type":"node","name":"solo","arch":"x86_64","cpus":1,"memory_bytes":1073741824,"gpus":0,"state":"up","backend":"local"}' >inv

job() {
	printf '{"type":"job","name":"%s","argv":["true"],"team":"t","duration_ns":%s,"priority":%s%s}\n' \
	    "$1" $MIN10 "$2" "${3:-}"
}

test_expect_success 'a first plan: low1 now, low2 after it' '
	{ job low1 0 && job low2 0; } >jobs &&
	hx-sched plan --inventory inv --now $NOW jobs >plan &&
	jq -r "\"\(.job) \((.start_ns - $NOW) / $MIN10)\"" plan >actual &&
	printf "low1 0\nlow2 1\n" >want &&
	test_cmp want actual
'

test_expect_success 'the same jobs with their plan: the plan is kept as it was' '
	cat jobs plan | hx-sched plan --inventory inv --now $NOW >again &&
	test_cmp plan again
'

test_expect_success 'urgent preempts low1, which is planned again after it' '
	{ cat jobs && job urgent 5 && cat plan; } >in &&
	hx-sched plan --inventory inv --now $NOW in >out &&
	jq -r "\"\(.job) \((.start_ns - $NOW) / $MIN10) \(.preempted_by)\"" out >actual &&
	printf "low2 1 null\nurgent 0 null\nlow1 2 urgent\n" >want &&
	test_cmp want actual
'

test_expect_success 'the reason is recorded on both' '
	jq -r .reason out >actual &&
	printf "%s\n" "earliest start" "earliest start; preempted low1 (priority 0)" \
	    "earliest start; re-planned: preempted on solo by urgent (priority 5)" >want &&
	test_cmp want actual
'

test_expect_success 'an equal priority takes no one'"'"'s place' '
	{ cat jobs && job same 0 && cat plan; } >in &&
	hx-sched plan --inventory inv --now $NOW in >out &&
	jq -r "\"\(.job) \((.start_ns - $NOW) / $MIN10)\"" out >actual &&
	printf "low1 0\nlow2 1\nsame 2\n" >want &&
	test_cmp want actual
'

test_expect_success 'a pair of the previous plan is not preempted' '
	{ job p1 0 ",\"group\":\"g\"" && job p2 0 ",\"group\":\"g\""; } >pair &&
	printf "%s\n" "{\"type\":\"node\",\"name\":\"solo\",\"arch\":\"x86_64\",\"cpus\":2,\"memory_bytes\":1073741824,\"gpus\":0,\"state\":\"up\",\"backend\":\"local\"}" >inv2 &&
	hx-sched plan --inventory inv2 --now $NOW pair >pplan &&
	{ cat pair && job urgent 5 ",\"resources\":{\"cpus\":2}" && cat pplan; } >in &&
	hx-sched plan --inventory inv2 --now $NOW in >out &&
	jq -r "\"\(.job) \((.start_ns - $NOW) / $MIN10)\"" out >actual &&
	printf "p1 0\np2 0\nurgent 1\n" >want &&
	test_cmp want actual
'

test_done
