#!/bin/sh
# hx-trace run --load: the command runs while stress-ng's stressors do,
# nothing of the load is left after (also after SIGTERM), the span and
# its samples name the profile, profiles come built in or from a policy,
# and the failures: an unknown profile, stress-ng failing or missing.
. "$top_srcdir/tests/lib.sh"
require_program jq jq
require_program stress-ng stress-ng
unset TRACEPARENT OTEL_SERVICE_NAME

# loadpids.sh: write "PID COMM" of the load this command runs under to
# the file pids: the stress-ng of hx-trace (this command's parent) and
# its stressors; with "wait", then say ready on descriptor 3 and sleep.
cat >loadpids.sh <<'EOF'
#!/bin/sh
parent=$PPID
main=
for s in /proc/[0-9]*/stat; do
	read -r pid comm state ppid rest 2>/dev/null <"$s" || continue
	if test "$ppid" = "$parent" && test "$comm" = "(stress-ng)"; then
		main=$pid
		echo "$pid stress-ng"
	fi
done >pids
for s in /proc/[0-9]*/stat; do
	read -r pid comm state ppid rest 2>/dev/null <"$s" || continue
	test -n "$main" && test "$ppid" = "$main" &&
		echo "$pid $comm" | tr -d "()"
done >>pids
if test "$1" = wait; then
	echo ready >&3
	exec 3>&-
	exec sleep 1000
fi
EOF
chmod +x loadpids.sh

# all_gone: every process of the file pids has ended.
all_gone() {
	while read -r pid comm; do
		gone "$pid" || return 1
	done <pids
}

test_expect_success '--load cpu: stress-ng and its cpu stressor run during CMD' '
	hx-trace run --load cpu --name work -- ./loadpids.sh >span &&
	test "$(grep -c " stress-ng$" pids)" -eq 1 &&
	grep -q " stress-ng-cpu$" pids &&
	test "$(jq -r .attrs.profile span)" = cpu &&
	test "$(jq -r .status span)" = ok &&
	all_gone
'

test_expect_success 'idle runs no load and still names the profile' '
	hx-trace run --load idle -- ./loadpids.sh >span &&
	test_must_be_empty pids &&
	test "$(jq -r .attrs.profile span)" = idle
'

test_expect_success 'SIGTERM to hx-trace: the command and the load end, 143' '
	rm -f ready && mkfifo ready &&
	{ hx-trace run --grace 5 --load cpu --spans spans -- ./loadpids.sh wait 3>ready & } &&
	pid=$! &&
	read -r line <ready &&
	grep -q " stress-ng-cpu$" pids &&
	kill -TERM "$pid" &&
	{ wait "$pid"; rc=$?; } ;
	test "$rc" = 143 &&
	all_gone &&
	test "$(jq -r .attrs.profile spans)" = cpu &&
	test "$(jq -r .message spans)" = "stopped by signal 15"
'

test_expect_success '--grace 0 --load io: nothing of the load left when it returns' '
	mkdir tmpdir &&
	TMPDIR=$PWD/tmpdir hx-trace run --grace 0 --load io -- ./loadpids.sh \
		>span &&
	grep -q " stress-ng-hdd$" pids &&
	while read -r pid comm; do
		if kill -0 "$pid" 2>/dev/null; then
			echo "left running: $pid $comm"
			return 1
		fi
	done <pids &&
	ls -A tmpdir >left &&
	test_must_be_empty left
'

test_expect_success 'an unknown profile: a usage error naming it, nothing run' '
	test_status 2 hx-trace run --load heavy -- touch ran 2>err &&
	! test -e ran &&
	grep "^hx-trace: run: --load: no profile \"heavy\" in the built-in profiles (known: idle, cpu, memory, io)$" err
'

cat >policy.json <<'EOF'
{
  "name": "load",
  "profiles": {
    "calm": [],
    "busy": ["--cpu", "1", "--cpu-method", "int64"],
    "broken": ["--cpu", "1", "--cpu-method", "no-such-method"]
  },
  "rules": [{ "rule": "no-errors" }]
}
EOF

test_expect_success '--profiles: the profiles of a policy file' '
	hx-trace run --load busy --profiles policy.json -- ./loadpids.sh >span &&
	grep -q " stress-ng-cpu$" pids &&
	test "$(jq -r .attrs.profile span)" = busy &&
	all_gone &&
	test_status 2 hx-trace run --load cpu --profiles policy.json -- true 2>err &&
	grep "no profile \"cpu\" in policy.json (known: calm, busy, broken)" err
'

test_expect_success 'the policy with its profiles is a good policy for hx-gate' '
	echo "{\"type\":\"sample\",\"name\":\"a\",\"unit\":\"ns\",\"value\":1}" |
		hx-gate -p policy.json >verdict &&
	test "$(jq -r "select(.type == \"gate\") | .status" verdict)" = pass
'

test_expect_success 'a malformed profile: line and column, from hx-trace and hx-gate' '
	printf "{\"rules\": [{\"rule\": \"no-errors\"}],\n \"profiles\": {\"x\": [\"--cpu\", 1]}}\n" >bad.json &&
	test_status 3 hx-trace run --load x --profiles bad.json -- true 2>err &&
	grep "^hx-trace: bad.json:2:30: profile x: argument 1 is not a string$" err &&
	test_status 3 hx-gate -p bad.json </dev/null 2>err &&
	grep "^hx-gate: bad.json:2:30: profile x: argument 1 is not a string$" err &&
	printf "{\"rules\": []}\n" >none.json &&
	test_status 3 hx-trace run --load x --profiles none.json -- true 2>err &&
	grep "none.json:1:1: no \"profiles\" object" err
'

test_expect_success 'stress-ng failing to start: 4, naming the profile, CMD not run' '
	test_status 4 hx-trace run --load broken --profiles policy.json -- touch ran 2>err &&
	! test -e ran &&
	grep "^hx-trace: profile broken: stress-ng did not start its stressors: .*cpu-method" err
'

test_expect_success 'stress-ng missing: 4 with the Debian package' '
	mkdir -p nobin &&
	trace=$(command -v hx-trace) &&
	test_status 4 env PATH="$PWD/nobin" "$trace" run --load cpu -- /bin/true 2>err &&
	grep "^hx-trace: profile cpu: stress-ng is not installed (Debian package stress-ng)$" err
'

test_expect_success '--samples: the profile is a label of the sample' '
	hx-trace run --load idle --name step -- true >spans &&
	hx-trace run --name step -- true >>spans &&
	hx-trace --samples spans | jq -c "select(.type == \"sample\") | .labels.profile" >labels &&
	printf "\"idle\"\nnull\n" >expect &&
	test_cmp expect labels
'

test_done
