#!/bin/sh
# hx-sched health: checks kept in the state directory, a node drained
# after N failures in a row and its jobs re-planned by hx-sched plan,
# recovery, drift from pins, the built-in check of this machine, and
# the lock of the state directory.
. "$top_srcdir/tests/lib.sh"
require_program jq jq
require_program flock util-linux

NOW=1796083200000000000
MIN10=600000000000

node() {
	printf '{"type":"node","name":"%s","arch":"x86_64","cpus":2,"memory_bytes":1073741824,"gpus":0,"state":"up","backend":"slurm","labels":{"driver":"%s"},"pins":{"driver":"550.54.15"},"check":%s}\n' \
	    "$1" "$2" "$3"
}

test_expect_success 'setup: a node that fails its check, one that passes' '
	echo 1 >flaky.ok &&
	{ node n1 550.54.15 "[\"sh\",\"-c\",\"test -s flaky.ok || { echo gone; exit 3; }\"]" &&
	  node n2 535.104 "[\"true\"]"; } >inv
'

test_expect_success 'a passing check: history in the state dir, no drain' '
	hx-sched health --inventory inv --state st --now 1 </dev/null >out 2>err &&
	jq -e -s "length == 3 and .[0].state == \"up\" and .[0].health == [{\"time_ns\":1,\"ok\":true}]" out &&
	test -f st/health/n1.json &&
	jq -e ".node == \"n1\" and (.checks | length) == 1" st/health/n1.json
'

test_expect_success 'drift: a driver that is not the pinned one is a drift record' '
	jq -c "select(.type == \"drift\")" out >actual &&
	echo "{\"found\":\"535.104\",\"key\":\"driver\",\"node\":\"n2\",\"pinned\":\"550.54.15\",\"time_ns\":1,\"type\":\"drift\"}" >want &&
	test_cmp want actual &&
	grep "^hx-sched: node n2: driver 535.104 is not the pinned 550.54.15$" err
'

test_expect_success 'failures in a row below --drain-after: still up' '
	: >flaky.ok &&
	hx-sched health --inventory inv --state st --drain-after 2 --now 2 </dev/null >out &&
	jq -e -s ".[0].state == \"up\" and .[0].health[1] ==
	    {\"time_ns\":2,\"ok\":false,\"message\":\"exit status 3: gone\n\"}" out
'

test_expect_success 'the Nth failure in a row drains the node' '
	hx-sched health --inventory inv --state st --drain-after 2 --now 3 </dev/null >out 2>err &&
	jq -e -s ".[0].state == \"drained\" and (.[0].health | length) == 3" out &&
	grep "^hx-sched: node n1 drained after 2 failed health checks in a row$" err
'

test_expect_success 'its planned jobs are re-planned by hx-sched plan downstream' '
	printf "%s\n" "{\"type\":\"job\",\"name\":\"j\",\"argv\":[\"x\"],\"duration_ns\":$MIN10}" >jobs &&
	{ cat jobs &&
	  echo "{\"type\":\"placement\",\"job\":\"j\",\"node\":\"n1\",\"backend\":\"slurm\",\"start_ns\":$NOW,\"end_ns\":$((NOW + MIN10)),\"priority\":0,\"status\":\"planned\",\"reason\":\"earliest start\"}"; } >plan &&
	hx-sched health --inventory inv --state st --drain-after 2 --now 4 plan 2>/dev/null |
	    hx-sched plan --now $NOW >out &&
	jq -c "select(.type == \"placement\") | [.job, .node, .reason]" out >actual &&
	echo "[\"j\",\"n2\",\"earliest start; re-planned: node n1 is drained\"]" >want &&
	test_cmp want actual
'

test_expect_success 'a passing check brings it back' '
	echo 1 >flaky.ok &&
	hx-sched health --inventory inv --state st --drain-after 2 --now 5 </dev/null >out &&
	jq -e -s ".[0].state == \"up\"" out
'

test_expect_success 'the history keeps the latest 20 checks' '
	i=6 && while [ $i -le 30 ]; do
		hx-sched health --inventory inv --state st --now $i </dev/null >out || exit 1
		i=$((i + 1))
	done &&
	jq -e "(.checks | length) == 20 and .checks[0].time_ns == 11" st/health/n1.json
'

test_expect_success 'this machine: the built-in check' '
	mkdir -p proc &&
	echo "0.00 0.00 0.00 1/1 1" >proc/loadavg &&
	hx-sched health --proc proc --state st2 --now 1 </dev/null >out &&
	jq -e ".backend == \"local\" and .health[0].ok" out &&
	rm proc/loadavg &&
	hx-sched health --proc proc --state st2 --now 2 </dev/null >out &&
	jq -e ".health[1].ok == false and (.health[1].message | endswith(\"loadavg: No such file or directory\"))" out
'

test_expect_success 'a local node whose GPUs are gone fails the built-in check' '
	mkdir -p p2/driver/nvidia/gpus/0 && echo 0 >p2/loadavg &&
	printf "%s\n" "{\"type\":\"node\",\"name\":\"me\",\"arch\":\"x86_64\",\"cpus\":1,\"memory_bytes\":1,\"gpus\":2,\"state\":\"up\",\"backend\":\"local\"}" >inv2 &&
	hx-sched health --inventory inv2 --proc p2 --state st3 --now 1 </dev/null >out &&
	jq -e ".health[0] == {\"time_ns\":1,\"ok\":false,\"message\":\"1 of 2 GPUs are visible\"}" out
'

test_expect_success 'a check that runs too long fails' '
	node slow 550.54.15 "[\"sleep\",\"30\"]" >inv3 &&
	hx-sched health --inventory inv3 --state st4 --timeout 0.2s --now 1 </dev/null >out &&
	jq -e "select(.type == \"node\") | .health[0].message == \"timed out\"" out
'

test_expect_success 'the health directory is locked while a run holds it' '
	mkdir -p st5/health &&
	flock st5/health sh -c "hx-sched health --inventory inv --state st5 </dev/null; echo \$? >status" 2>err &&
	test "$(cat status)" = 4 &&
	grep "another hx-sched health holds it" err
'

test_expect_success 'other records pass through' '
	echo "{\"type\":\"note\"}" >note &&
	hx-sched health --inventory inv --state st --now 40 note >out &&
	head -n 1 out | grep -x "{\"type\":\"note\"}"
'

test_expect_success 'a --drain-after that is not a whole number in range is a usage error' '
	test_status 2 hx-sched health --inventory inv --state st \
	    --drain-after 0 </dev/null 2>err &&
	grep "^hx-sched: --drain-after: not a whole number from 1 to [0-9]*: 0" err &&
	test_status 2 hx-sched health --inventory inv --state st \
	    --drain-after " 2" </dev/null 2>err &&
	grep "^hx-sched: --drain-after: not a whole number from 1 to [0-9]*:  2" err
'

test_done
