#!/bin/sh
# hx-build's progress: one updating line on a terminal (a pty that
# script(1) gives), nothing on a pipe or file, a line per step with -v.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/build/build-lib.sh"
require_program script bsdutils

make_repo repo || exit 1
# The toolchain as installed here: progress is what is tested, not the pin.
hx-build -t riscv64-gcc --pin tc.json || exit 1

test_expect_success 'on a terminal the build steps done show' '
	script -qec "hx-build -t tc.json --no-cache -o a repo >a.rec" \
		/dev/null </dev/null >tty &&
	grep "hx-build: 0/1 done, 1 running, 0 failed" tty &&
	grep "hx-build: 1/1 done, 0 running, 0 failed" tty &&
	grep "hx-build: tinyinfer: riscv64-gcc: cache: off" tty &&
	test $(wc -l <a.rec) -eq 6
'

test_expect_success 'a failed step counts as failed' '
	git clone -q repo broken &&
	echo "#error broken" >>broken/src/conv.c &&
	test_status 1 script -qec \
		"hx-build -t tc.json --no-cache -o b broken >b.rec" \
		/dev/null </dev/null >tty &&
	grep "hx-build: 1/1 done, 0 running, 1 failed" tty
'

test_expect_success 'without a terminal only the summary is on stderr' '
	hx-build -t tc.json --no-cache -o c repo >c.rec 2>err &&
	test $(wc -l <err) -eq 1 &&
	grep "^hx-build: tinyinfer: riscv64-gcc: cache: off" err
'

test_expect_success '--verbose prints each step as it starts and ends' '
	hx-build -v -t tc.json --no-cache -o d repo >d.rec 2>err &&
	grep "^hx-build: build: make: started$" err &&
	grep "^hx-build: build: make: done$" err &&
	! grep -F "$(printf "\r")" err
'

test_expect_success '--quiet and --verbose exclude each other' '
	test_status 2 hx-build -q -v -t tc.json repo 2>err &&
	grep "exclude each other" err
'

test_done
