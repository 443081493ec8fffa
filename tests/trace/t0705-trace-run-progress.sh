#!/bin/sh
# hx-trace run's progress: the command shown as running on a terminal (a
# pty that script(1) gives), nothing on a pipe or file, lines with -v.
. "$top_srcdir/tests/lib.sh"
require_program jq jq
require_program script bsdutils
unset TRACEPARENT OTEL_SERVICE_NAME

test_expect_success 'on a terminal the command shows as running, then done' '
	script -qec "hx-trace run -- true >out" /dev/null </dev/null >tty &&
	grep "hx-trace: 0/1 done, 1 running, 0 failed" tty &&
	grep "hx-trace: 1/1 done, 0 running, 0 failed" tty &&
	test "$(jq -r .name out)" = true
'

test_expect_success 'a failing command counts as failed' '
	test_status 1 script -qec "hx-trace run -- false >out" /dev/null \
		</dev/null >tty &&
	grep "hx-trace: 1/1 done, 0 running, 1 failed" tty
'

test_expect_success 'without a terminal nothing is written' '
	hx-trace run -- true >out 2>err &&
	test_must_be_empty err
'

test_expect_success '--verbose prints the command as it starts and ends' '
	test_status 3 hx-trace run -v --name step -- sh -c "exit 3" >out 2>err &&
	printf "hx-trace: step: started\nhx-trace: step: failed\n" >want &&
	test_cmp want err
'

test_done
