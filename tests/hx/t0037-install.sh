#!/bin/sh
# hx installed anywhere: make install with prefix= or DESTDIR, then the
# tree moved elsewhere, finds its toolchains, plugin and hx-offload
# relative to the running programs, and runs the fast PR path from there
# with only the installed programs in PATH.
. "$top_srcdir/tests/lib.sh"
require_program riscv64-linux-gnu-gcc gcc-riscv64-linux-gnu
require_program qemu-riscv64 qemu-user
require_program jq jq

# install ARG...: make install from the build tree, quietly.
install_hx() {
	(unset MAKEFLAGS MFLAGS MAKELEVEL
	 make -s -C "$top_builddir" install "$@" >install.out 2>&1) ||
		{ cat install.out; return 1; }
}

HX_CACHE_DIR=$PWD/cache
export HX_CACHE_DIR
unset HX_TOOLCHAIN_DIR HX_PLUGIN
INSTALLED=$PWD/moved/bin:/usr/bin:/bin

test_expect_success 'make install prefix= and DESTDIR= install every piece' '
	install_hx prefix="$PWD/p" &&
	install_hx DESTDIR="$PWD/d" &&
	for tree in p d/$(cd "$top_builddir" && sed -n "s/^prefix = //p" Makefile)
	do
		test -x "$tree/bin/hx-build" &&
		test -x "$tree/bin/hx-offload" &&
		test -f "$tree/lib/hx/hx-insncount.so" &&
		test -f "$tree/share/hx/toolchains/riscv64-gcc.json" || return 1
	done
'

test_expect_success 'moved elsewhere, hx doctor shows where it looks' '
	mv p moved &&
	{ PATH=$INSTALLED hx doctor >env 2>checklist || :; } &&
	grep "^  toolchains  $PWD/moved/bin/../share/hx/toolchains: .*riscv64-gcc" checklist &&
	grep "^  plugin      $PWD/moved/bin/../lib/hx/hx-insncount.so: found\$" checklist &&
	grep "^  hx-offload  .*: $PWD/moved/bin/hx-offload\$" checklist
'

# The cuda plugin: installed, found from the moved tree and loaded (where
# there is no GPU, its reason for failing is the CUDA runtime's).
if grep -q "^#define HX_HAVE_CUDA 1" "$top_builddir/config.h"; then
	test_expect_success 'moved elsewhere, hx-offload finds its cuda plugin' '
		{ PATH=$INSTALLED hx doctor >env 2>checklist || :; } &&
		grep "^  cuda        $PWD/moved/bin/../lib/hx/hx-offload-cuda.so: found\$" checklist &&
		if test -e /dev/nvidiactl; then :; else
			PATH=$INSTALLED test_status 4 hx-offload \
				--backend cuda --listen "unix:$PWD/cuda.sock" \
				>out 2>err &&
			grep "^hx-offload: backend cuda: no CUDA device: " err
		fi
	'
fi

test_expect_success 'an unknown target names the places looked and what is there' '
	PATH=$INSTALLED test_status 2 hx-build -t nosuch . >out 2>err &&
	grep "^hx-build: unknown target nosuch: no nosuch.json in .*$PWD/moved/bin/../share/hx/toolchains.*found there: .*riscv64-gcc" err
'

# The shipped manifest pins the cross compiler and sysroot of the machine
# hx was released on; this one may differ, so pin what is here first.
test_expect_success 'the fast PR path runs from the moved tree' '
	PATH=$INSTALLED hx-build -t riscv64-gcc --pin pinned.json &&
	mv pinned.json moved/share/hx/toolchains/riscv64-gcc.json &&
	mkdir work &&
	cp -R "$top_srcdir/examples/tinyinfer" work/tinyinfer-copy &&
	cp "$top_srcdir/examples/policies/tinyinfer-pr.json" work/policy.json &&
	chmod -R u+w work &&
	(cd work && PATH=$INSTALLED && export PATH &&
	 hx-build -q -t riscv64-gcc tinyinfer-copy 2>../build.err |
		hx-emu --count -R bench_mlp 2>../emu.err |
		hx-wcet 2>../wcet.err |
		hx-gate -q -p policy.json >../run.jsonl) &&
	test "$(tail -n 1 run.jsonl | jq -r .status)" = pass &&
	grep -q "\"type\":\"test\"" run.jsonl &&
	grep -q "\"type\":\"wcet\"" run.jsonl
'

test_expect_success 'hx-emu --gpu-stub starts the moved hx-offload' '
	printf "#!/bin/sh\necho \"HX_OFFLOAD=\$HX_OFFLOAD\"\n" >t.sh &&
	chmod +x t.sh &&
	arch=$(uname -m) &&
	jq -nc --arg arch "$arch" "{type: \"artifact\", name: \"t\",
		path: \"t.sh\", kind: \"test\", status: \"ok\",
		target: \"\(\$arch)-linux-gnu\", arch: \$arch, args: [],
		toolchain: {name: \"gcc\", version: \"12\", digest: \"0\"},
		size: 0, flags: [], cache: \"miss\", duration_ns: 0}" |
		with_sha256 >t.jsonl &&
	PATH=$INSTALLED hx-emu --gpu-stub t.jsonl >out 2>err &&
	jq -r "select(.type == \"test\") | .status" out >got &&
	echo pass >want &&
	test_cmp want got &&
	grep -q "HX_OFFLOAD=unix:" out
'

test_done
