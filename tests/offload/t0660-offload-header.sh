#!/bin/sh
# hx/offload.h as users include it: first, in strict C99 and C11 with no
# feature macro of theirs, and in C++17, natively and for riscv64, with
# every warning an error; after a system header in strict C it stops the
# build with the remedy.
. "$top_srcdir/tests/lib.sh"
require_program g++ g++
require_program riscv64-linux-gnu-gcc gcc-riscv64-linux-gnu
require_program riscv64-linux-gnu-g++ g++-riscv64-linux-gnu

cat >first.c <<'EOF_C'
#define HX_OFFLOAD_IMPLEMENTATION
#include <hx/offload.h>

int
main(void)
{
	struct hx_offload *h;

	return hx_offload_connect("unix:/nonexistent", 100, &h) ==
	    HX_OFFLOAD_EFALLBACK ? 0 : 1;
}
EOF_C

# build COMPILER ARGS...: compile and link first.c as it is.
build() {
	"$@" -Wall -Wextra -Werror -I"$top_srcdir/include" -o first first.c
}

for cc in gcc riscv64-linux-gnu-gcc; do
	for std in c99 c11; do
		test_expect_success "$cc -std=$std -pedantic" "
			build $cc -std=$std -pedantic
		"
	done
	test_expect_success "${cc%gcc}g++ -std=c++17" "
		build ${cc%gcc}g++ -std=c++17 -x c++
	"
done

test_expect_success 'the native build runs and falls back' '
	build gcc -std=c11 -pedantic &&
	./first
'

test_expect_success 'after a system header in strict C: the remedy' '
	{ echo "#include <stdio.h>" && cat first.c; } >late.c &&
	test_status 1 gcc -std=c11 -I"$top_srcdir/include" -c late.c \
		2>err &&
	grep "hx/offload.h needs POSIX.1-2008: define _POSIX_C_SOURCE 200809L" err
'

test_done
