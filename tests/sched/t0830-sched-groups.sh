#!/bin/sh
# hx-sched plan: pairs and gangs, all together at one start time or not
# at all, colocated on one node or split across nodes.
. "$top_srcdir/tests/lib.sh"
require_program jq jq

S="$FILES/sched"
NOW=1796083200000000000
MIN10=600000000000

when() {
	jq -r "\"\(.job) \(.node // .message) \(if .start_ns then (.start_ns - $NOW) / $MIN10 else \"-\" end)\"" "$1"
}

test_expect_success 'a split pair: the RISC-V runner and the GPU service, one start' '
	printf "%s\n" \
	    "{\"type\":\"job\",\"name\":\"busy1\",\"argv\":[\"x\"],\"selector\":[\"board=vf2\"],\"resources\":{\"cpus\":4},\"duration_ns\":$MIN10}" \
	    "{\"type\":\"job\",\"name\":\"busy2\",\"argv\":[\"x\"],\"selector\":[\"board=milkv\"],\"resources\":{\"cpus\":4},\"duration_ns\":$MIN10}" \
	    "{\"type\":\"job\",\"name\":\"runner\",\"argv\":[\"x\"],\"arch\":\"riscv64\",\"resources\":{\"cpus\":4},\"group\":\"pair\",\"role\":\"runner\",\"placement\":\"split\",\"duration_ns\":$MIN10}" \
	    "{\"type\":\"job\",\"name\":\"service\",\"argv\":[\"x\"],\"selector\":[\"nvlink\"],\"resources\":{\"gpus\":1},\"group\":\"pair\",\"role\":\"service\",\"placement\":\"split\",\"duration_ns\":$MIN10}" >jobs &&
	hx-sched plan --inventory "$S/inventory.jsonl" --now $NOW jobs >out &&
	when out >actual &&
	printf "busy1 rv1 0\nbusy2 rv2 0\nrunner rv1 1\nservice gpu1 1\n" >want &&
	test_cmp want actual &&
	jq -s -e "map(select(.job == \"service\"))[0] | .group == \"pair\" and
	    .reason == \"earliest common start of group pair (split) for nvlink\"" out
'

test_expect_success 'a colocated pair shares one node that suits both' '
	printf "%s\n" \
	    "{\"type\":\"job\",\"name\":\"runner\",\"argv\":[\"x\"],\"resources\":{\"cpus\":30},\"group\":\"g\",\"placement\":\"colocated\"}" \
	    "{\"type\":\"job\",\"name\":\"service\",\"argv\":[\"x\"],\"selector\":[\"driver>=535\"],\"resources\":{\"gpus\":2,\"cpus\":2},\"group\":\"g\",\"placement\":\"colocated\"}" >jobs &&
	hx-sched plan --inventory "$S/inventory.jsonl" --now $NOW jobs >out &&
	when out >actual &&
	printf "runner gpu1 0\nservice gpu1 0\n" >want &&
	test_cmp want actual
'

test_expect_success 'colocated needs one node with room for all of it' '
	printf "%s\n" \
	    "{\"type\":\"job\",\"name\":\"a\",\"argv\":[\"x\"],\"resources\":{\"cpus\":20},\"group\":\"g\",\"placement\":\"colocated\"}" \
	    "{\"type\":\"job\",\"name\":\"b\",\"argv\":[\"x\"],\"resources\":{\"cpus\":20},\"group\":\"g\",\"placement\":\"colocated\"}" >jobs &&
	test_status 1 hx-sched plan --inventory "$S/inventory.jsonl" --now $NOW jobs >out &&
	when out >actual &&
	printf "null job a: group g: no node has room for all of it -\nnull job b: group g: no node has room for all of it -\n" >want &&
	test_cmp want actual
'

test_expect_success 'a split group on one suitable node cannot be placed' '
	printf "%s\n" \
	    "{\"type\":\"job\",\"name\":\"a\",\"argv\":[\"x\"],\"selector\":[\"board=vf2\"],\"group\":\"g\",\"placement\":\"split\"}" \
	    "{\"type\":\"job\",\"name\":\"b\",\"argv\":[\"x\"],\"selector\":[\"board=vf2\"],\"group\":\"g\",\"placement\":\"split\"}" >jobs &&
	test_status 1 hx-sched plan --inventory "$S/inventory.jsonl" --now $NOW jobs >out &&
	test "$(jq -r .message out | sort -u)" = "job a: group g: not enough nodes for a node each
job b: group g: not enough nodes for a node each"
'

test_expect_success 'all or nothing: a member that can never fit stops the group' '
	printf "%s\n" \
	    "{\"type\":\"job\",\"name\":\"runner\",\"argv\":[\"x\"],\"arch\":\"riscv64\",\"group\":\"g\"}" \
	    "{\"type\":\"job\",\"name\":\"service\",\"argv\":[\"x\"],\"selector\":[\"gpu_model=b200\"],\"group\":\"g\"}" >jobs &&
	test_status 1 hx-sched plan --inventory "$S/inventory.jsonl" --now $NOW jobs >out &&
	when out >actual &&
	printf "%s\n" "null job service: no usable node satisfies selector gpu_model=b200 -" \
	    "null job runner: group g cannot be placed: job service: no usable node satisfies selector gpu_model=b200 -" >want &&
	test_cmp want actual &&
	! grep "\"type\":\"placement\"" out
'

test_expect_success 'a gang of three with any placement starts together' '
	printf "%s\n" \
	    "{\"type\":\"job\",\"name\":\"first\",\"argv\":[\"x\"],\"resources\":{\"gpus\":2},\"selector\":[\"gpu_model=a100\"],\"duration_ns\":$MIN10}" \
	    "{\"type\":\"job\",\"name\":\"m1\",\"argv\":[\"x\"],\"resources\":{\"gpus\":1},\"selector\":[\"gpu_model=a100\"],\"group\":\"gang\",\"duration_ns\":$MIN10}" \
	    "{\"type\":\"job\",\"name\":\"m2\",\"argv\":[\"x\"],\"arch\":\"riscv64\",\"group\":\"gang\",\"duration_ns\":$MIN10}" \
	    "{\"type\":\"job\",\"name\":\"m3\",\"argv\":[\"x\"],\"resources\":{\"gpus\":8},\"group\":\"gang\",\"duration_ns\":$MIN10}" >jobs &&
	hx-sched plan --inventory "$S/inventory.jsonl" --now $NOW jobs >out &&
	when out >actual &&
	printf "first gpu2 0\nm1 gpu2 1\nm2 rv1 1\nm3 gpu1 1\n" >want &&
	test_cmp want actual
'

test_expect_success 'members of a group that disagree on placement are bad input' '
	printf "%s\n" \
	    "{\"type\":\"job\",\"name\":\"a\",\"argv\":[\"x\"],\"group\":\"g\",\"placement\":\"split\"}" \
	    "{\"type\":\"job\",\"name\":\"b\",\"argv\":[\"x\"],\"group\":\"g\",\"placement\":\"colocated\"}" >jobs &&
	test_status 3 hx-sched plan --inventory "$S/inventory.jsonl" --now $NOW jobs >out 2>err &&
	test_must_be_empty out &&
	grep "^hx-sched: jobs:2: job b placement is colocated, but job a of group g is split$" err &&
	test_status 0 hx-sched plan -k --inventory "$S/inventory.jsonl" --now $NOW jobs >out &&
	jq -e -s "map(select(.type == \"error\" and .line == 2)) | length == 1" out
'

test_done
