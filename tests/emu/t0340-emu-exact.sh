#!/bin/sh
# hx-emu --count: a count depends on the binary, its arguments and its
# declared environment, and on nothing else: not the path it lies at, the
# caller's environment or directory, address-space randomisation, or the
# host's loader cache.  And only the binary the record describes runs.
. "$top_srcdir/tests/lib.sh"
require_program riscv64-linux-gnu-gcc gcc-riscv64-linux-gnu
require_program qemu-riscv64 qemu-user
require_program jq jq
require_riscv64_sysroot

SYSROOT=/usr/riscv64-linux-gnu

# art PATH: the artifact record of the riscv64 program at PATH, doing a
# little work.
art() {
	jq -nc --arg path "$1" --arg sysroot "$SYSROOT" "
		{type: \"artifact\", name: \"work\", path: \$path,
		 kind: \"test\", status: \"ok\", target: \"riscv64-linux-gnu\",
		 arch: \"riscv64\", args: [\"work\", \"2000\"],
		 env: {WHO: \"declared\"},
		 toolchain: {name: \"gcc\", version: \"12\", digest: \"0\",
		   sysroot: \$sysroot},
		 sha256: \"$ZERO_SHA256\", size: 0, flags: [], cache: \"miss\",
		 duration_ns: 0}" | with_sha256
}

# count: hx-emu -c on the record on stdin; the instructions it counted.
count() {
	hx-emu -c >out 2>err &&
	jq -r 'select(.type == "sample") | .value' out
}

test_expect_success 'build the program once' '
	riscv64-linux-gnu-gcc -O2 -o behave "$FILES/emu/behave.c" &&
	art "$PWD/behave" | count >want && test -s want
'

test_expect_success 'the same count from paths of every length mod 8' '
	d=p && i=0 &&
	while [ $i -lt 8 ]; do
		mkdir -p "$d" && cp behave "$d/behave" &&
		art "$PWD/$d/behave" | count >got &&
		test_cmp want got || exit 1
		d="${d}x" && i=$((i + 1))
	done &&
	test "$(printf "%s" "$PWD/$d" | wc -c)" -gt 8
'

test_expect_success 'the same count whatever the caller environment' '
	art "$PWD/behave" >in &&
	env -i PATH="$PATH" hx-emu -c <in | jq -r "select(.type == \"sample\") | .value" >got1 &&
	env BIG="$(printf "%04000d" 0)" HOME=/nowhere LC_ALL=fr_FR.UTF-8 \
		hx-emu -c <in | jq -r "select(.type == \"sample\") | .value" >got2 &&
	test_cmp want got1 && test_cmp want got2
'

test_expect_success 'the declared environment is part of what is counted' '
	art "$PWD/behave" | jq -c ".env.WHO = \"declared, but longer\"" >in &&
	hx-emu -c <in | jq -r "select(.type == \"sample\") | .value" >other &&
	! test_cmp want other
'

test_expect_success 'the same count from any working directory' '
	art "$PWD/behave" >in &&
	mkdir -p elsewhere/deeper/still &&
	(cd elsewhere/deeper/still && hx-emu -c <../../../in >../../../out2) &&
	jq -r "select(.type == \"sample\") | .value" out2 >got &&
	test_cmp want got
'

if command -v setarch >/dev/null 2>&1; then
	test_expect_success 'the same count with and without address randomisation' '
		art "$PWD/behave" >in &&
		setarch "$(uname -m)" -R hx-emu -c <in |
			jq -r "select(.type == \"sample\") | .value" >got1 &&
		hx-emu -c <in | jq -r "select(.type == \"sample\") | .value" >got2 &&
		test_cmp want got1 && test_cmp want got2
	'
else
	test_skip_unless_required 'counts under setarch -R' \
		'setarch is missing (Debian package util-linux)'
fi

# A private mount namespace shows the guest another host loader cache;
# as root, as CI runs, it always can.
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
	test_expect_success 'the same count under another host /etc/ld.so.cache' '
		art "$PWD/behave" >in &&
		head -c 100000 /dev/urandom >cache &&
		unshare -m sh -c "mount --bind \"$PWD/cache\" /etc/ld.so.cache &&
			cmp -s cache /etc/ld.so.cache &&
			hx-emu -c <in >out.ns" &&
		jq -r "select(.type == \"sample\") | .value" out.ns >got &&
		test_cmp want got
	'
else
	test_skip_unless_required 'counts under another /etc/ld.so.cache' \
		'a private mount namespace needs root (unshare -m)'
fi

test_expect_success 'a binary that is not the one the record describes does not run' '
	art "$PWD/behave" >in &&
	cp "$FILES/emu/behave.c" b2.c && echo "int extra;" >>b2.c &&
	riscv64-linux-gnu-gcc -O1 -o behave b2.c &&
	test_status 4 hx-emu -c <in >out 2>err &&
	jq -r "select(.type == \"error\") | .message" out >msg &&
	want_sha=$(jq -r .sha256 in) && got_sha=$(sha256sum <behave | cut -c1-64) &&
	grep "is not the file the artifact record describes: its sha256 is $got_sha, the record says $want_sha" msg &&
	! grep "\"type\":\"test\"" out
'

test_done
