#!/bin/sh
# hx-sched plan: selectors and resources honoured, drained nodes and
# quarantined tests never used, a job that can never fit is an error
# record naming what no node has, the same input gives the same bytes,
# and bad job records are named by line (or become error records, -k).
. "$top_srcdir/tests/lib.sh"
require_program jq jq

S="$FILES/sched"
WANT="$EXPECTED/sched"
NOW=2026-12-01T00:00:00Z

# has FILTER FILE: some record of FILE satisfies the jq FILTER.
has() {
	jq -s -e "any(.[]; $1)" "$2" >/dev/null
}

plan() {
	hx-sched plan --inventory "$S/inventory.jsonl" --now $NOW "$@"
}

test_expect_success 'a plan: placements, and errors naming the unmet part' '
	test_status 1 plan <"$S/jobs.jsonl" >out 2>err &&
	test_cmp "$WANT/plan.jsonl" out &&
	test_must_be_empty err
'

test_expect_success 'the same input twice gives the same bytes' '
	test_status 1 plan <"$S/jobs.jsonl" >again &&
	cmp out again &&
	cp "$S/jobs.jsonl" jobs.jsonl &&
	test_status 1 plan jobs.jsonl >file &&
	sed "s/\"file\":\"stdin\"/\"file\":\"jobs.jsonl\"/" out >want &&
	cmp want file
'

test_expect_success 'a job goes only where its selector and resources hold' '
	has ".job == \"matmul\" and (.node == \"gpu1\")" out &&
	has ".job == \"unit-rv\" and (.node == \"rv1\")" out &&
	has ".type == \"error\" and .line == 4 and (.message ==
	    \"job too-big: no usable node that satisfies its selector has gpus 16\")" out &&
	has ".type == \"error\" and .line == 5 and (.message ==
	    \"job no-such: no usable node satisfies selector board=unmatched\")" out
'

test_expect_success 'a drained node is never used, even when it is the only one' '
	printf "%s\n" "{\"type\":\"job\",\"name\":\"j\",\"argv\":[\"x\"],\"selector\":[\"gpu_model=h100\"],\"resources\":{\"gpus\":8}}" \
	    "{\"type\":\"job\",\"name\":\"k\",\"argv\":[\"x\"],\"resources\":{\"gpus\":2}}" >jobs &&
	sed "s/\"name\":\"gpu1\",\(.*\)\"state\":\"up\"/\"name\":\"gpu1\",\1\"state\":\"quarantined\"/" \
	    "$S/inventory.jsonl" >inv &&
	test_status 1 hx-sched plan --inventory inv --now $NOW jobs >out &&
	has ".type == \"error\" and (.message ==
	    \"job j: no usable node satisfies selector gpu_model=h100\")" out &&
	has ".type == \"placement\" and (.job == \"k\")" out &&
	! grep "\"node\":\"gpu[13]\"" out
'

test_expect_success 'a node whose last health check failed is not used' '
	sed "s/\"name\":\"gpu1\",/&\"health\":[{\"time_ns\":1,\"ok\":false}],/" \
	    "$S/inventory.jsonl" >inv &&
	printf "%s\n" "{\"type\":\"job\",\"name\":\"j\",\"argv\":[\"x\"],\"selector\":[\"nvlink\"]}" >jobs &&
	test_status 1 hx-sched plan --inventory inv --now $NOW jobs >out &&
	grep "no usable node satisfies selector nvlink" out
'

test_expect_success 'a job naming a quarantined test is never placed' '
	printf "%s\n" "{\"type\":\"job\",\"name\":\"j\",\"argv\":[\"x\"],\"tests\":[\"test_ok\",\"test_conv\"]}" \
	    "{\"type\":\"job\",\"name\":\"k\",\"argv\":[\"x\"],\"tests\":[\"test_ok\"]}" >jobs &&
	printf "# flaky\ntest_c*\n" >quarantine &&
	test_status 1 plan --quarantine quarantine jobs >out &&
	has ".type == \"error\" and (.message ==
	    \"job j: it runs the quarantined test test_conv\")" out &&
	has ".type == \"placement\" and (.job == \"k\")" out
'

test_expect_success 'other records pass through; nodes in the stream join' '
	printf "%s\n" "{\"type\":\"test\",\"x\":1}" >stream &&
	sed -n 1p "$S/inventory.jsonl" >>stream &&
	printf "%s\n" "{\"type\":\"job\",\"name\":\"j\",\"argv\":[\"x\"],\"arch\":\"riscv64\"}" >>stream &&
	hx-sched plan --now $NOW stream >out &&
	sed -n 1p out | grep -x "{\"type\":\"test\",\"x\":1}" &&
	sed -n 2p out | grep "\"name\":\"rv1\"" &&
	sed -n 3p out | jq -e ".job == \"j\" and .node == \"rv1\""
'

test_expect_success 'a bad selector is named with its line and column' '
	printf "%s\n" "{\"type\":\"job\",\"name\":\"ok\",\"argv\":[\"x\"]}" \
	    "{\"type\":\"job\",\"name\":\"j\",\"argv\":[\"x\"],\"selector\":[\"board in vf2\"]}" >jobs &&
	test_status 3 plan jobs >out 2>err &&
	grep "^hx-sched: jobs:2: job j selector\[0\]: column 10: expected .(.$" err
'

test_expect_success '-k: a bad job becomes an error record, the rest is planned' '
	plan -k jobs >out 2>err &&
	has ".type == \"error\" and (.line == 2)" out &&
	has ".type == \"placement\" and (.job == \"ok\")" out
'

test_expect_success 'a job name twice is bad input' '
	printf "%s\n" "{\"type\":\"job\",\"name\":\"j\",\"argv\":[\"x\"]}" \
	    "{\"type\":\"job\",\"name\":\"j\",\"argv\":[\"y\"]}" >jobs &&
	test_status 3 plan jobs 2>err &&
	grep "^hx-sched: jobs:2: job j is there twice$" err
'

test_expect_success 'a duration or deadline of 2^62 ns or more is bad input' '
	echo "{\"type\":\"job\",\"name\":\"a\",\"argv\":[\"x\"],\"duration_ns\":9223372036854775807}" >big &&
	test_status 3 hx-sched plan --now 1700000000000000000 \
	    --inventory "$S/inventory.jsonl" <big >out 2>err &&
	test_must_be_empty out &&
	grep "^hx-sched: stdin:1: job duration_ns is 2^62 ns or more$" err &&
	test_status 0 hx-sched plan -k --now 1700000000000000000 \
	    --inventory "$S/inventory.jsonl" <big >out &&
	has ".type == \"error\" and .line == 1" out &&
	sed "s/duration_ns/deadline_ns/" big >late &&
	test_status 3 plan <late 2>err &&
	grep "job deadline_ns is 2^62 ns or more" err
'

test_expect_success 'a plan that would end past the largest time is refused' '
	for i in 1 2 3 4 5; do
		echo "{\"type\":\"job\",\"name\":\"j$i\",\"argv\":[\"x\"],\"duration_ns\":4611686018427387903,\"arch\":\"riscv64\",\"resources\":{\"cpus\":4}}"
	done >chain &&
	test_status 1 hx-sched plan --now 4611686018427387903 \
	    --inventory "$S/inventory.jsonl" <chain >out &&
	! jq -e "select(.end_ns != null and .end_ns < .start_ns)" out &&
	has ".type == \"error\" and (.message | test(\"past the largest time\"))" out
'

test_expect_success '--now of 2^62 ns or more is a usage error' '
	test_status 2 hx-sched plan --now 9223372036854775000 \
	    --inventory "$S/inventory.jsonl" </dev/null >out 2>err &&
	test_must_be_empty out &&
	grep "out of range" err
'

test_expect_success 'an ordered selector needs a version; a name must not be empty' '
	echo "{\"type\":\"job\",\"name\":\"a\",\"argv\":[\"x\"],\"selector\":[\"driver>=abc\"]}" >jobs &&
	test_status 3 plan jobs >out 2>err &&
	test_must_be_empty out &&
	grep "^hx-sched: jobs:1: job a selector\[0\]: column 9: expected a version, as 1.2, after >=$" err &&
	echo "{\"type\":\"job\",\"name\":\"\",\"argv\":[\"x\"]}" >jobs &&
	test_status 3 plan jobs >out 2>err &&
	grep "^hx-sched: jobs:1: job name is empty$" err &&
	test_status 0 plan -k jobs >out &&
	has ".type == \"error\" and .message == \"job name is empty\"" out
'

test_expect_success 'usage errors' '
	test_status 2 hx-sched plan --exec slurm </dev/null 2>err &&
	test_status 2 hx-sched plan --emit helm x </dev/null 2>err &&
	test_status 2 hx-sched plan --kueue q </dev/null 2>err &&
	test_status 2 hx-sched plan --now later </dev/null 2>err &&
	grep "not an RFC 3339 time" err &&
	test_status 2 hx-sched plan --half-life soon </dev/null 2>err &&
	test_status 2 hx-sched plan --share ml </dev/null 2>err &&
	test_status 2 hx-sched frobnicate 2>err &&
	test_status 2 hx-sched 2>err
'

test_done
