#!/bin/sh
# hx-sched plan --exec local: the jobs' progress on a terminal (a pty that
# script(1) gives), nothing on a pipe or file, a line per job with -v.
. "$top_srcdir/tests/lib.sh"
require_program jq jq
require_program script bsdutils

NOW=2026-12-01T00:00:00Z
jq -nc --arg arch "$(uname -m)" '{type: "node", name: "here", arch: $arch,
    cpus: 4, memory_bytes: 1073741824, gpus: 0, state: "up",
    backend: "local"}' >inv
printf "%s\n" \
    '{"type":"job","name":"ok","argv":["true"]}' \
    '{"type":"job","name":"bad","argv":["sh","-c","exit 3"]}' >jobs
PLAN="hx-sched plan --inventory inv --now $NOW --exec local --state st"

test_expect_success 'on a terminal the jobs done, running and failed show' '
	test_status 1 script -qec "$PLAN jobs >out" /dev/null </dev/null >tty &&
	grep "hx-sched: 2/2 done, 0 running, 1 failed" tty &&
	test $(jq -s "map(select(.status == \"done\")) | length" out) = 1
'

test_expect_success 'without a terminal no progress is written' '
	test_status 1 $PLAN jobs >out 2>err &&
	! grep "done, .* running" err &&
	! grep -F "$(printf "\r")" err
'

test_expect_success '--verbose prints each job as it starts and ends' '
	test_status 1 $PLAN -v jobs >out 2>err &&
	grep "^hx-sched: ok: started$" err &&
	grep "^hx-sched: ok: done$" err &&
	grep "^hx-sched: bad: failed$" err
'

test_done
