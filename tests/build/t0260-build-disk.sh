#!/bin/sh
# hx-build on a full disk: a cache hit restored into a full output
# directory says what failed (ENOSPC on the destination), exits 4, and
# leaves the good cache entry and no temporary file or directory behind.
# The full disk is a small tmpfs mounted in a private mount namespace.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/build/build-lib.sh"

make_repo repo || exit 1

# in_full_disk COMMAND...: run COMMAND with a full 256 KiB tmpfs on
# $PWD/full, in a mount namespace of its own; its status is the result,
# and what it left in full/out is listed in full-left.
mkdir full
in_full_disk() {
	unshare -m sh -c 'mount -t tmpfs -o size=256k hx-full "$0/full" &&
		mkdir "$0/full/out" &&
		{ cat /dev/zero >"$0/full/filler" 2>/dev/null; true; } &&
		{ "$@"; rc=$?; ls -A "$0/full/out" >"$0/full-left";
		exit $rc; }' "$PWD" "$@"
}

if ! unshare -m sh -c 'mount -t tmpfs -o size=4k hx-probe "$0"' "$PWD/full" \
	2>/dev/null; then
	test_skip_unless_required 'a full output directory keeps the entry' \
		'no private mount namespace (unshare -m needs root)'
	test_done
fi

test_expect_success 'a cache hit into a full output directory: exit 4, ENOSPC' '
	hx-build -q -t riscv64-gcc -o first repo >first.rec &&
	mkdir tmp &&
	TMPDIR="$PWD/tmp" test_status 4 in_full_disk hx-build -t riscv64-gcc \
		-o "$PWD/full/out" repo >full.rec 2>full.err &&
	test_must_be_empty full.rec &&
	grep "^hx-build: restoring $PWD/full/out/.*from the cache: No space left on device\$" \
		full.err &&
	! grep damaged full.err &&
	test_must_be_empty full-left &&
	test -z "$(ls -A tmp)"
'

test_expect_success 'the entry is still there and good' '
	hx-build -t riscv64-gcc -o second repo >second.rec 2>second.err &&
	grep "cache: hit" second.err &&
	sums first.rec >want && sums second.rec >got && test_cmp want got
'

test_expect_success 'a build into a full output directory: exit 4, no staging' '
	TMPDIR="$PWD/tmp" test_status 4 in_full_disk hx-build --no-cache \
		-t riscv64-gcc -o "$PWD/full/out" repo >nc.rec 2>nc.err &&
	grep "No space left on device" nc.err &&
	test_must_be_empty full-left &&
	test -z "$(ls -A tmp)"
'

test_done
