#!/bin/sh
# hx-offload's guards: the Unix socket is 0600 and serves its own user only
# (SO_PEERCRED, checked from another uid), the client trusts a Unix
# socket's service of its own uid or root only, and a TCP listener beyond
# loopback requires a token that each client must send; clients that do
# not say hello are closed after --hello-timeout, and make room for others.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/offload/service.sh"

test_expect_success 'the Unix socket is created 0600, even under umask 0' '
	(umask 0 && start_service svc --listen "$PWD/s.sock") &&
	test "$(stat -c %a s.sock)" = 600
'

if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1 &&
    id nobody >/dev/null 2>&1; then
	test_expect_success 'a client of another uid is turned away' '
		chmod 755 "$TRASH" &&
		chmod 666 s.sock &&
		test_status 3 setpriv --reuid=nobody --regid=nogroup \
			--clear-groups "$CLIENT" "$PWD/s.sock" repeat 1 >out &&
		grep "compute locally" out &&
		grep "refused a client of uid $(id -u nobody)" svc.err &&
		"$CLIENT" "$PWD/s.sock" repeat 1 >out &&
		grep "1 ok" out
	'
	test_expect_success 'a client refuses a service of another uid' '
		mkdir nb && chown nobody nb &&
		mkfifo nb.ready &&
		{ setpriv --reuid=nobody --regid=nogroup --clear-groups \
			hx-offload --listen "$PWD/nb/s.sock" --ready-fd 3 \
			3>nb.ready 2>nb.err & echo $! >nb.pid; } &&
		read -r nbaddr <nb.ready &&
		test_status 3 "$CLIENT" "$nbaddr" repeat 1 >out &&
		grep "compute locally" out &&
		grep "compute locally (Permission denied)" out &&
		kill "$(cat nb.pid)" && rm nb.pid
	'

	test_expect_success 'a default directory of another user is refused' '
		mkdir -p other/hx-offload-$(id -u) &&
		chmod 700 other/hx-offload-$(id -u) &&
		chown nobody other/hx-offload-$(id -u) &&
		(unset XDG_RUNTIME_DIR && TMPDIR=$PWD/other test_status 4 \
			hx-offload 2>err) &&
		grep "not a private directory of this user (owner uid $(id -u nobody), mode 700)" err
	'
else
	test_expect_success 'a client of another uid is turned away, a service of another uid refused # SKIP not root, or no setpriv' 'true'
fi

test_expect_success 'beyond loopback without a token: usage error' '
	test_status 2 hx-offload --listen tcp:0.0.0.0:0 2>err &&
	grep "needs --token-file" err
'

test_expect_success 'beyond loopback with a token' '
	echo s3cret >token &&
	start_service wide --listen tcp:0.0.0.0:0 --token-file token &&
	port=$(addr wide | sed "s/.*://") &&
	echo "tcp:127.0.0.1:$port" >wide.client
'

test_expect_success 'a client without the token is refused' '
	test_status 3 "$CLIENT" "$(cat wide.client)" repeat 1 >out &&
	grep "compute locally" out
'

test_expect_success 'a client with the wrong token is refused' '
	test_status 3 env HX_OFFLOAD_TOKEN=s3cre7 "$CLIENT" \
		"$(cat wide.client)" repeat 1 >out &&
	grep "compute locally" out
'

test_expect_success 'a client with the token is served' '
	env HX_OFFLOAD_TOKEN=s3cret "$CLIENT" "$(cat wide.client)" \
		repeat 1 >out &&
	printf "backend cpu\n1 ok\n" >expect &&
	test_cmp expect out
'

test_expect_success 'an empty token file is refused' '
	: >empty &&
	test_status 3 hx-offload --listen tcp:0.0.0.0:0 --token-file empty \
		2>err &&
	grep "1 to 256 bytes" err
'

test_expect_success 'a client that does not say hello in time is closed' '
	start_service quick --listen "unix:$PWD/quick.sock" \
		--hello-timeout 50 &&
	python3 -c "
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
print(\"closed\" if s.recv(1) == b\"\" else \"answered\")
" "$PWD/quick.sock" >out &&
	echo closed >expect &&
	test_cmp expect out &&
	stop_service quick
'

test_expect_success '64 silent connections do not lock out a client' '
	python3 -c "
import socket, subprocess, sys
held = []
for i in range(64):
    s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); held.append(s)
sys.exit(subprocess.run(sys.argv[2:]).returncode)
" "$PWD/s.sock" "$CLIENT" "$PWD/s.sock" repeat 1 >out &&
	grep "^1 ok\$" out &&
	grep "dropped a client that had not said hello" svc.err
'

test_expect_success 'stop' '
	stop_service wide && stop_service svc
'

test_done
