#!/bin/sh
# hx-trace run: the span of a command (times, exit status, rusage, perf
# counters), its exit status passed on, TRACEPARENT given to the command
# and joined by a nested run, --spans, and the failure paths.
. "$top_srcdir/tests/lib.sh"
require_program jq jq
unset TRACEPARENT OTEL_SERVICE_NAME

# one FIELD FILE: FIELD of the single record in FILE, raw.
one() {
	test "$(wc -l <"$2")" -eq 1 && jq -r "$1" "$2"
}

test_expect_success 'a span for a command that succeeds' '
	hx-trace run -- true >out 2>err &&
	test_must_be_empty err &&
	test "$(one .type out)" = span &&
	test "$(one .name out)" = true &&
	test "$(one .service out)" = true &&
	test "$(one .kind out)" = internal &&
	test "$(one .status out)" = ok &&
	test "$(one .host out)" = "$(hostname)" &&
	test "$(one .attrs.exit_code out)" = 0 &&
	test "$(one .attrs.command_line out)" = true &&
	test "$(one "has(\"parent_id\")" out)" = false &&
	test "$(one "has(\"message\")" out)" = false &&
	one .trace_id out | grep -qxE "[0-9a-f]{32}" &&
	one .span_id out | grep -qxE "[0-9a-f]{16}" &&
	test "$(one ".end_ns >= .start_ns and .start_ns > 1500000000000000000" out)" = true
'

test_expect_success 'the span is a valid span record for the filter' '
	hx-trace <out >again &&
	test_cmp out again
'

test_expect_success 'rusage: CPU times and the peak resident set' '
	hx-trace run -- awk "BEGIN { s = sprintf(\"%30000000s\", \"\"); print length(s) }" >out2 &&
	grep -qx 30000000 out2 &&
	grep "^{" out2 >span &&
	test "$(one ".counters.max_rss_bytes >= 30000000" span)" = true &&
	test "$(one ".counters.cpu_user_ns | type" span)" = number &&
	test "$(one ".counters.cpu_system_ns | type" span)" = number
'

# Each perf counter is an integer, or null with counter.NAME saying why.
test_expect_success 'every perf counter is counted or said to be unsupported' '
	hx-trace run -- sh -c "exec true" >out &&
	for c in task_clock_ns context_switches page_faults cpu_migrations \
	    cycles instructions cache_misses branch_misses; do
		v=$(one ".counters.$c" out) &&
		a=$(one ".attrs[\"counter.$c\"] // \"\"" out) &&
		if test "$v" = null; then
			echo "$a" | grep -q "^unsupported: " || exit 1
		else
			echo "$v" | grep -qxE "[0-9]+" && test -z "$a" || exit 1
		fi
	done
'

# Software counters open for root or where perf_event_paranoid allows
# user-space counting (2 and below), unless a seccomp filter (a container
# runtime's) may refuse the system call.
paranoid=$(cat /proc/sys/kernel/perf_event_paranoid 2>/dev/null || echo 3)
seccomp=$(sed -n 's/^Seccomp:[[:space:]]*//p' /proc/self/status)
if { [ "$(id -u)" = 0 ] || [ "$paranoid" -le 2 ]; } &&
    [ "${seccomp:-0}" != 2 ]; then
	test_expect_success 'software counters count the command and its children' '
		hx-trace run -- sh -c "sh -c true; true" >out &&
		test "$(one ".counters.task_clock_ns > 0" out)" = true &&
		test "$(one ".counters.page_faults > 0" out)" = true &&
		test "$(one ".counters.context_switches | type" out)" = number
	'
fi

test_expect_success 'hardware counters: counted, or null and unsupported' '
	hx-trace run -- true >out &&
	c=$(one ".counters.cycles" out) &&
	if test "$c" = null; then
		one ".attrs[\"counter.cycles\"]" out | grep "^unsupported: "
	else
		test "$c" -ge 0
	fi
'

test_expect_success 'the exit status is passed on, the span says error' '
	test_status 3 hx-trace run -- sh -c "exit 3" >out &&
	test "$(one .status out)" = error &&
	test "$(one .message out)" = "exit status 3" &&
	test "$(one .attrs.exit_code out)" = 3
'

test_expect_success 'death by a signal exits 128 + the signal' '
	test_status 137 hx-trace run -- sh -c "kill -9 \$\$" >out &&
	test "$(one .status out)" = error &&
	test "$(one .message out)" = "killed by signal 9" &&
	test "$(one .attrs.signal out)" = 9
'

test_expect_success 'a command not found: 127, a message and an error span' '
	test_status 127 hx-trace run -- ./no-such-command >out 2>err &&
	grep "^hx-trace: ./no-such-command: No such file or directory$" err &&
	test "$(one .status out)" = error &&
	test "$(one .name out)" = no-such-command
'

test_expect_success 'a command that cannot be run: 126' '
	printf "not a program\n" >plain && chmod -x plain &&
	test_status 126 hx-trace run -- ./plain >out 2>err &&
	grep "^hx-trace: ./plain: Permission denied$" err
'

test_expect_success '--name and --service, or OTEL_SERVICE_NAME' '
	hx-trace run --name build --service ci -- true >out &&
	test "$(one .name out)" = build &&
	test "$(one .service out)" = ci &&
	OTEL_SERVICE_NAME=runner hx-trace run -- true >out &&
	test "$(one .service out)" = runner &&
	test "$(one .name out)" = true
'

test_expect_success 'a shell script child sees TRACEPARENT naming the span' '
	cat >child.sh <<-\EOF &&
	#!/bin/sh
	echo "$TRACEPARENT" >seen
	EOF
	chmod +x child.sh &&
	hx-trace run -- ./child.sh >out &&
	echo "00-$(one .trace_id out)-$(one .span_id out)-01" >want &&
	test_cmp want seen
'

test_expect_success 'TRACEPARENT given: the span joins that trace as a child' '
	TRACEPARENT=00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01 \
	    hx-trace run -- ./child.sh >out &&
	test "$(one .trace_id out)" = 4bf92f3577b34da6a3ce929d0e0e4736 &&
	test "$(one .parent_id out)" = 00f067aa0ba902b7 &&
	test "$(one .span_id out)" != 00f067aa0ba902b7 &&
	echo "00-4bf92f3577b34da6a3ce929d0e0e4736-$(one .span_id out)-01" >want &&
	test_cmp want seen
'

test_expect_success 'a malformed TRACEPARENT: a warning and a new trace' '
	TRACEPARENT=00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01 \
	    hx-trace run -- true >out 2>err &&
	grep "^hx-trace: TRACEPARENT: not a W3C traceparent, starting a new trace: 00-4BF92F" err &&
	test "$(one "has(\"parent_id\")" out)" = false &&
	test "$(one .trace_id out)" != 4bf92f3577b34da6a3ce929d0e0e4736
'

test_expect_success 'a nested run joins the same trace as a child' '
	hx-trace run --name outer -- hx-trace run --name inner -- true >out &&
	test "$(wc -l <out)" -eq 2 &&
	head -n 1 out >inner && tail -n 1 out >outer &&
	test "$(one .name inner)" = inner &&
	test "$(one .name outer)" = outer &&
	test "$(one .trace_id inner)" = "$(one .trace_id outer)" &&
	test "$(one .parent_id inner)" = "$(one .span_id outer)" &&
	test "$(one "has(\"parent_id\")" outer)" = false &&
	hx-trace --correlate out | tail -n 1 >trace &&
	test "$(one .spans trace)" = 2 &&
	test "$(one ".orphans | length" trace)" = 0 &&
	test "$(one .root trace)" = outer
'

test_expect_success '--spans appends the record to a file, none on stdout' '
	hx-trace run --spans spans.jsonl -- true >out &&
	hx-trace run --spans spans.jsonl --name second -- true >>out &&
	test_must_be_empty out &&
	test "$(wc -l <spans.jsonl)" -eq 2 &&
	test "$(tail -n 1 spans.jsonl | jq -r .name)" = second
'

test_expect_success 'the command keeps standard input and output' '
	echo hello | hx-trace run -- cat >out &&
	head -n 1 out >got && echo hello >want && test_cmp want got
'

test_expect_success 'usage errors: no command, an unknown option' '
	test_status 2 hx-trace run >out 2>err &&
	grep "^hx-trace: run: no command to run" err &&
	test_status 2 hx-trace run --bogus -- true >out 2>err &&
	test_must_be_empty out
'

test_expect_success '--spans to a file that cannot be written: 4, nothing run' '
	test_status 4 hx-trace run --spans no/such/dir/s.jsonl -- touch ran 2>err &&
	! test -e ran &&
	grep "^hx-trace: no/such/dir/s.jsonl: No such file or directory$" err
'

# A command that says it is ready on descriptor 3 (the fifo ready), and
# on SIGTERM writes the marker "bye" (with the argument trap), or else
# ignores it.
cat >trapper.sh <<'EOF'
#!/bin/sh
if test "$1" = trap; then
	trap 'echo bye >marker; exit 0' TERM
else
	trap '' TERM
fi
echo ready >&3
exec 3>&-
while :; do
	sleep 1
done
EOF
chmod +x trapper.sh

# stop_run ARGS...: hx-trace run ARGS in the background, SIGTERM once its
# command wrote a line on descriptor 3; $rc is hx-trace's exit status.
stop_run() {
	rm -f ready marker &&
	mkfifo ready &&
	{ hx-trace run "$@" 3>ready & } &&
	pid=$! &&
	read -r line <ready
	kill -TERM "$pid"
	wait "$pid"
	rc=$?
}

test_expect_success 'SIGTERM is passed on: the command cleans up, a span, 143' '
	rm -f spans &&
	stop_run --spans spans -- ./trapper.sh trap &&
	test "$rc" = 143 &&
	test "$(cat marker)" = bye &&
	test "$(one .status spans)" = error &&
	test "$(one .message spans)" = "stopped by signal 15" &&
	test "$(one .attrs.stop_signal spans)" = 15 &&
	test "$(one .attrs.exit_code spans)" = 0
'

test_expect_success 'after the grace period the command is killed, still a span' '
	rm -f spans &&
	stop_run --grace 0 --spans spans -- ./trapper.sh ignore &&
	test "$rc" = 143 &&
	! test -e marker &&
	test "$(one .status spans)" = error &&
	test "$(one .attrs.stop_signal spans)" = 15 &&
	test "$(one .attrs.signal spans)" = 9
'

test_expect_success 'the offload service stopped under run removes its socket' '
	rm -f spans &&
	stop_run --spans spans -- hx-offload --listen "unix:$PWD/t.sock" \
	    --ready-fd 3 &&
	test "$rc" = 143 &&
	! test -e t.sock &&
	test "$(one .attrs.stop_signal spans)" = 15
'

test_expect_success '--grace takes a whole number of seconds' '
	test_status 2 hx-trace run --grace soon -- true 2>err &&
	grep "hx-trace: run: --grace: not a whole number" err
'

test_done
