#!/bin/sh
# A client written in python3 from hx-offload(5) alone talks to the
# service: the page is enough to implement the protocol.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/offload/service.sh"
require_program python3 python3

PEER=$top_srcdir/tests/offload/peer.py

test_expect_success 'start the service' '
	start_service svc --listen "unix:$PWD/s.sock"
'

test_expect_success 'the python peer: hello, each operation, errors' '
	python3 "$PEER" "$(addr svc)" >out &&
	cat out &&
	! grep -v " ok$" out &&
	test "$(wc -l <out)" = 20
'

test_expect_success 'the python peer over TCP' '
	start_service tcp --listen tcp:127.0.0.1:0 &&
	python3 "$PEER" "$(addr tcp)" >out &&
	! grep -v " ok$" out
'

test_expect_success 'the service took it all in its stride' '
	stop_service svc && stop_service tcp &&
	test_must_be_empty svc.err
'

test_done
