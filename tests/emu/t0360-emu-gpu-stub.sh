#!/bin/sh
# hx-emu --gpu-stub: a stub GPU-offload service for the time of a run,
# its address in every test's HX_OFFLOAD, stopped at the end and on a
# signal; --gpu-stub=ADDR for a service already running; the private
# directories of killed runs are swept by the next.  Here the
# service is a script beside a copy of hx-emu that plays hx-offload's
# part of the bargain (tests/emu/t0370-emu-gpu-stub-qemu.sh runs the
# real one and a riscv64 client).
. "$top_srcdir/tests/lib.sh"
require_program jq jq

# A copy of hx-emu, so that the hx-offload found beside it is ours.
mkdir bin && cp "$top_builddir/cmd/hx-emu" bin/ || exit 1

# service BODY: bin/hx-offload, which logs its arguments and then runs
# BODY (with $ready, the descriptor of --ready-fd, and $listen).
service() {
	cat >bin/hx-offload <<-SCRIPT
	#!/bin/sh
	echo "\$*" >"$PWD/service.args"
	listen=\$4 ready=\$6
	$1
	SCRIPT
	chmod +x bin/hx-offload
}

# A service that says it is ready, then waits for SIGTERM and logs it.
SERVE='trap "echo stopped >\"'$PWD'/service.log\"; exit 0" TERM
	echo "$listen" >&$ready
	while :; do sleep 1 & wait $!; done'

# A test that prints what it was given, then says it ran.
cat >t.sh <<'EOF_T'
#!/bin/sh
echo "HX_OFFLOAD=$HX_OFFLOAD"
[ -z "$MARK" ] || { : >"$MARK"; while :; do sleep 1; done; }
EOF_T
chmod +x t.sh
HOST_ARCH=$(uname -m)
jq -nc --arg arch "$HOST_ARCH" '{type: "artifact", name: "t", path: "t.sh",
	kind: "test", status: "ok", target: "\($arch)-linux-gnu", arch: $arch,
	args: [], toolchain: {name: "gcc", version: "12", digest: "0"},
	size: 0, flags: [], cache: "miss", duration_ns: 0}' |
	with_sha256 >t.jsonl

test_expect_success '--gpu-stub starts the service and gives its address' '
	service "$SERVE" &&
	bin/hx-emu --gpu-stub t.jsonl >out 2>err &&
	jq -r "select(.type == \"test\") | .status, (.stdout_tail | rtrimstr(\"\\n\"))" out >got &&
	sock=$(sed -n "s/^HX_OFFLOAD=unix://p" got) &&
	case $sock in */hx-emu.*/offload.sock) ;; *) false;; esac &&
	printf "pass\nHX_OFFLOAD=unix:%s\n" "$sock" >want &&
	test_cmp want got &&
	sed "s/--parent-fd [0-9]*\$/--parent-fd N/" service.args >args &&
	echo "--backend cpu --listen unix:$sock --ready-fd 3 --parent-fd N" \
		>want &&
	test_cmp want args
'

test_expect_success 'the service is stopped with SIGTERM at the end' '
	echo stopped >want &&
	test_cmp want service.log
'

test_expect_success '--gpu-stub=ADDR uses that service and starts none' '
	rm -f service.args &&
	bin/hx-emu --gpu-stub=unix:/run/some.sock t.jsonl >out 2>err &&
	jq -r "select(.type == \"test\") | .stdout_tail | rtrimstr(\"\\n\")" out >got &&
	echo HX_OFFLOAD=unix:/run/some.sock >want &&
	test_cmp want got &&
	! test -e service.args
'

test_expect_success 'without --gpu-stub a test has no HX_OFFLOAD' '
	bin/hx-emu t.jsonl >out 2>err &&
	jq -r "select(.type == \"test\") | .stdout_tail | rtrimstr(\"\\n\")" out >got &&
	echo HX_OFFLOAD= >want &&
	test_cmp want got
'

test_expect_success 'the variables of the artifact come over it' '
	jq -c ".env = {HX_OFFLOAD: \"tcp:127.0.0.1:1\"}" t.jsonl >env.jsonl &&
	bin/hx-emu --gpu-stub env.jsonl >out 2>err &&
	jq -r "select(.type == \"test\") | .stdout_tail | rtrimstr(\"\\n\")" out >got &&
	echo HX_OFFLOAD=tcp:127.0.0.1:1 >want &&
	test_cmp want got
'

test_expect_success 'a service that ends before it is ready: status 4' '
	service "echo no GPU here >&2; exit 4" &&
	test_status 4 bin/hx-emu --gpu-stub t.jsonl >out 2>err &&
	test_must_be_empty out &&
	grep "^no GPU here\$" err &&
	grep "^hx-emu: --gpu-stub: .*/bin/hx-offload ended before it was ready (exit status 4)\$" err
'

test_expect_success 'a service that fails when stopped: status 4 after the run' '
	service "trap \"exit 3\" TERM; echo \"\$listen\" >&\$ready
		while :; do sleep 1 & wait \$!; done" &&
	test_status 4 bin/hx-emu --gpu-stub t.jsonl >out 2>err &&
	jq -r "select(.type == \"test\") | .status" out >got &&
	echo pass >want &&
	test_cmp want got &&
	grep "^hx-emu: --gpu-stub: hx-offload ended with status 3\$" err
'

test_expect_success 'no hx-offload anywhere: status 4, and why' '
	rm bin/hx-offload &&
	PATH=/usr/bin:/bin test_status 4 bin/hx-emu --gpu-stub t.jsonl \
		>out 2>err &&
	grep "^hx-emu: --gpu-stub: hx-offload is neither beside hx-emu, nor in .*, nor in PATH (reinstall hx)\$" err
'

test_expect_success 'a signal stops the service too' '
	service "$SERVE" && rm -f service.log &&
	jq -c ".env = {MARK: \"$PWD/running\"}" t.jsonl >mark.jsonl &&
	{ bin/hx-emu --gpu-stub mark.jsonl >out 2>err & pid=$!; } &&
	while ! test -e running && kill -0 $pid; do sleep 0.1; done &&
	kill -TERM $pid &&
	{ wait $pid; status=$?; } ;
	test "$status" -eq 143 &&
	echo stopped >want &&
	test_cmp want service.log
'

test_expect_success 'the private directories that killed runs left are swept' '
	mkdir tmp tmp/hx-emu.AAAAAA tmp/hx-emu.BBBBBB tmp/hx-emu.CCCCCC &&
	: >tmp/hx-emu.AAAAAA/offload.sock &&
	touch -d "1 day ago" tmp/hx-emu.AAAAAA tmp/hx-emu.BBBBBB &&
	TMPDIR=$PWD/tmp flock tmp/hx-emu.BBBBBB bin/hx-emu t.jsonl >out 2>err &&
	ls tmp >got &&
	printf "hx-emu.BBBBBB\nhx-emu.CCCCCC\n" >want &&
	test_cmp want got
'

test_expect_success '--gpu-stub= with no address is a usage error' '
	test_status 2 bin/hx-emu --gpu-stub= t.jsonl >out 2>err &&
	grep "^hx-emu: --gpu-stub=: expected an address\$" err
'

test_expect_success '--setenv sets a variable in every test, over the artifact'"'"'s' '
	jq -c ".env = {HX_OFFLOAD: \"unix:/artifact\"}" t.jsonl >te.jsonl &&
	bin/hx-emu --setenv HX_OFFLOAD=unix:/a --setenv=HX_OFFLOAD=unix:/b \
	    te.jsonl >out &&
	jq -j "select(.type == \"test\") | .stdout_tail" out >got &&
	echo HX_OFFLOAD=unix:/b >want &&
	test_cmp want got &&
	test_status 2 bin/hx-emu --setenv =x t.jsonl 2>err &&
	grep -q "expected NAME=VALUE" err
'

test_done
