#!/bin/sh
# hx-build and hx-emu on a C++ project: the toolchain's C++ cross compiler
# and the target's libstdc++; a failed build keeps its log where it says.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/build/build-lib.sh"

require_program riscv64-linux-gnu-g++ g++-riscv64-linux-gnu
require_program qemu-riscv64 qemu-user

# cxx_repo DIR: a git repository holding the C++ fixture, one commit.
cxx_repo() {
	cp -R "$FILES/build/cxx" "$1" && chmod -R u+w "$1" &&
	(cd "$1" && git init -q && git add -A && git commit -q -m words)
}

test_expect_success 'a C++ test using the standard library builds for riscv64' '
	cxx_repo words &&
	hx-build -q -t riscv64-gcc -o out words >records &&
	test "$(field records test_words status)" = ok &&
	test "$(field records test_words arch)" = riscv64 &&
	test -x out/test_words &&
	test ! -e out/hx-build.log
'

test_expect_success 'the C++ test runs under hx-emu and passes' '
	hx-emu <records >emu 2>err &&
	test "$(jq -r "select(.type == \"test\") | .status" emu | sort -u)" = \
		pass &&
	grep "\"description\":\"brown sorts first\"" emu &&
	grep "^hx-emu: 3 tests: 3 passed, 0 failed" err
'

test_expect_success 'a C++ compile error: the log named in the message exists' '
	cxx_repo bad &&
	printf "int broken = undeclared_thing;\n" >>bad/test_words.cpp &&
	test_status 1 hx-build -t riscv64-gcc -o badout bad >bad.rec 2>bad.err &&
	log=$(sed -n "s/^hx-build: .*; log: //p" bad.err) &&
	test "$log" = "$PWD/badout/hx-build.log" &&
	test -f "$log" &&
	grep "^\$ make" "$log" &&
	grep "undeclared_thing" "$log"
'

test_expect_success 'a failed configure keeps the tool log that it points to' '
	cp -R "$FILES/build/autotools" at && chmod -R u+w at &&
	printf "#!/bin/sh\necho \"see config.log\" >&2\necho \"configure: cannot find a C++ compiler\" >config.log\nexit 1\n" \
		>at/configure &&
	chmod +x at/configure &&
	(cd at && git init -q && git add -A && git commit -q -m at) &&
	test_status 1 hx-build -t riscv64-gcc -o atout at >at.rec 2>at.err &&
	grep "; log: $PWD/atout/hx-build.log\$" at.err &&
	grep "^==> config.log <==\$" atout/hx-build.log &&
	grep "cannot find a C++ compiler" atout/hx-build.log
'

test_expect_success 'a later good build removes the old log' '
	hx-build -q -t riscv64-gcc -o badout words >good.rec &&
	test ! -e badout/hx-build.log
'

test_expect_success 'without the C++ compiler, a failed build names the package' '
	jq ".cxx = \"riscv64-no-such-g++\"" \
		"$top_srcdir/toolchains/riscv64-gcc.json" >nocxx.json &&
	test_status 1 hx-build -t ./nocxx.json -o nocxx words >nocxx.rec \
		2>nocxx.err &&
	grep "^hx-build: riscv64-gcc: C++ compiler riscv64-no-such-g++ not found; install the Debian package g++-riscv64-linux-gnu\$" nocxx.err
'

test_done
