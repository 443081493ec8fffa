#!/bin/sh
# Hostile frames at hx-offload: wrong sizes, huge shapes, bad types,
# truncation and frames that announce more than they send: each gets an
# error frame or a closed connection, memory stays bounded, and the
# service goes on serving.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/offload/service.sh"
require_program python3 python3

test_expect_success 'start the service' '
	start_service svc --listen "unix:$PWD/s.sock"
'

cat >expect <<EOF
bad magic: error 1, then closed
version 7: error 2, then closed
a hello of 267 bytes, before its payload: error 6, then closed
a request before the hello, before its payload: error 9, then closed
a payload of 4 GiB: error 6, then closed
reserved flags: error 1, then closed
type code 9: error 4, open
a shape of 2^64 elements with 16 bytes: error 1, open
a matmul of 128 KiB whose result is 16 GiB: error 6, open
4 more bytes than the shape: error 1, open
4 bytes fewer than the shape: error 1, open
add of one tensor: error 5, open
a reply from the client: error 9, then closed
truncated frames: closed without a word
8 clients announcing 60 MiB each: still served
memory grown by less than 16 MiB: yes
EOF

test_expect_success 'each hostile frame gets its answer' '
	python3 "$top_srcdir/tests/offload/hostile.py" "$PWD/s.sock" \
		"$(cat svc.pid)" >out &&
	test_cmp expect out
'

test_expect_success 'a frame above --max-frame is refused' '
	start_service small --listen "unix:$PWD/small.sock" --max-frame 4096 &&
	python3 -c "
import socket, struct, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall(struct.pack(\"<IHHIQI\", 0x464F5848, 1, 1, 0, 0, 4073))
h = s.recv(24)
print(struct.unpack_from(\"<H\", h, 6)[0], struct.unpack_from(\"<I\", s.recv(4))[0])
" "$PWD/small.sock" >out &&
	echo "5 6" >expect &&
	test_cmp expect out &&
	stop_service small
'

test_expect_success 'the service is alive and serves the next client' '
	"$CLIENT" "$(addr svc)" ops >out &&
	grep -c " ok$" out >n &&
	echo 9 >expect &&
	test_cmp expect n &&
	stop_service svc
'

test_done
