#!/bin/sh
# hx-emu's progress: one updating line on a terminal (a pty that script(1)
# gives), nothing on a pipe or file, a line per run with --verbose.
. "$top_srcdir/tests/lib.sh"
require_program jq jq
require_program script bsdutils

HOST_ARCH=$(uname -m)

# art NAME ARGS: an artifact record of behave, built for this machine.
art() {
	jq -nc --arg name "$1" --argjson args "$2" --arg arch "$HOST_ARCH" '
		{type: "artifact", name: $name, path: "behave", kind: "test",
		 status: "ok", target: ($arch + "-linux-gnu"), arch: $arch,
		 args: $args, toolchain: {name: "gcc", version: "12",
		 digest: "0"}, sha256: "'"$ZERO_SHA256"'", size: 0, flags: [],
		 cache: "miss", duration_ns: 0}' | with_sha256
}

# on_tty COMMAND: run COMMAND with its standard error on a new terminal;
# what the terminal showed is in tty.
on_tty() {
	script -qec "$1" /dev/null </dev/null >tty
}

test_expect_success 'build the test program for this machine' '
	cc -o behave "$FILES/emu/behave.c" &&
	{ art one "[\"pass\"]" && art two "[\"fail\"]" &&
	  art three "[\"pass\"]"; } >in
'

test_expect_success 'on a terminal the runs done, running and failed show' '
	test_status 1 on_tty "hx-emu -n 2 <in >out" &&
	grep "hx-emu: 6/6 done, 0 running, 2 failed" tty &&
	test $(jq -s "map(select(.type == \"test\")) | length" out) = 3
'

test_expect_success 'the line is erased at the end' '
	tr "\r" "\n" <tty | tail -n 2 | head -n 1 >last &&
	printf "\033[K" >erase && grep -F -f erase last
'

test_expect_success 'without a terminal nothing is added to standard error' '
	test_status 1 hx-emu -n 2 <in >out 2>err &&
	test $(wc -l <err) = 1 &&
	grep "^hx-emu: 3 tests: 2 passed, 1 failed" err
'

test_expect_success '--verbose prints each run as it starts and ends' '
	test_status 1 hx-emu -v -j 1 -n 2 <in >out 2>err &&
	grep "^hx-emu: one run 1/2: started$" err &&
	grep "^hx-emu: two run 2/2: failed$" err &&
	test $(grep -c ": done$" err) = 4 &&
	! grep -F "$(printf "\r")" err
'

test_done
