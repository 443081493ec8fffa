#!/bin/sh
# hx-build failure paths: compile errors, missing toolchains and sysroots,
# broken manifests, version and digest mismatches, mislabelled artifacts.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/build/build-lib.sh"

make_repo repo || exit 1
cp "$FILES"/build/*.json . && chmod u+w ./*.json

# manifest_with KEY VALUE: the shipped riscv64-gcc manifest, KEY changed.
manifest_with() {
	jq --arg v "$2" ".$1 = \$v" "$top_srcdir/toolchains/riscv64-gcc.json"
}

test_expect_success 'a compile error: fail records with the diagnostics, exit 1' '
	git clone -q repo broken &&
	sed -i "s/acc += (int32_t)kernel\[k\]/acc += undeclared_name/" \
		broken/src/conv.c &&
	test_status 1 hx-build -t riscv64-gcc -o b broken >fail.rec 2>fail.err &&
	test $(wc -l <fail.rec) -eq 6 &&
	test "$(jq -r .status fail.rec | sort -u)" = fail &&
	test "$(jq -r ".path // \"none\"" fail.rec | sort -u)" = none &&
	field fail.rec test_conv output_tail >tail &&
	grep "src/conv.c:.*undeclared_name" tail &&
	grep "error" tail &&
	grep "undeclared_name" fail.err &&
	grep "cache: miss .*, failed in" fail.err
'

test_expect_success 'diagnostics that are not UTF-8 still give an output_tail' '
	git clone -q repo latin1 &&
	printf "#error caf\351 au lait\n" >>latin1/src/conv.c &&
	test_status 1 hx-build -q -t riscv64-gcc -o l1 latin1 >l1.rec \
		2>/dev/null &&
	test "$(jq -r .status l1.rec | sort -u)" = fail &&
	field l1.rec test_conv output_tail >l1.tail &&
	grep "error.*caf.* au lait" l1.tail &&
	grep "$(printf "caf\357\277\275 au lait")" l1.tail
'

test_expect_success 'a failed build is not cached' '
	test_status 1 hx-build -q -t riscv64-gcc -o b broken >again.rec \
		2>/dev/null &&
	test "$(jq -r .cache again.rec | sort -u)" = miss
'

test_expect_success 'a missing compiler: exit 4 and the Debian package' '
	test_status 4 hx-build -t missing-cc.json -o x repo >out 2>err &&
	test ! -s out &&
	test_cmp "$EXPECTED/build/missing-cc.err" err
'

test_expect_success 'a missing sysroot: exit 4 and the Debian package' '
	test_status 4 hx-build -t missing-sysroot.json -o x repo >out 2>err &&
	test ! -s out &&
	test_cmp "$EXPECTED/build/missing-sysroot.err" err
'

test_expect_success 'a compiler missing from PATH: exit 4' '
	mkdir -p emptypath &&
	PATH="$PWD/emptypath" test_status 4 "$top_builddir/cmd/hx-build" \
		-t riscv64-gcc -o x repo >out 2>err &&
	grep "riscv64-linux-gnu-gcc not found; install the Debian package gcc-riscv64-linux-gnu" err
'

test_expect_success 'a broken toolchain manifest: file, line, column, exit 3' '
	cp broken-toolchain.json broken.json &&
	test_status 3 hx-build -t broken.json -o x repo >out 2>err &&
	test ! -s out &&
	test_cmp "$EXPECTED/build/broken-toolchain.err" err
'

test_expect_success 'a broken project manifest: file, line, column, exit 3' '
	mkdir bad && cp broken-hx.json bad/hx.json &&
	test_status 3 hx-build -t riscv64-gcc -o x bad >out 2>err &&
	test ! -s out &&
	test_cmp "$EXPECTED/build/broken-hx.err" err
'

test_expect_success 'a project manifest of the wrong shape: exit 3' '
	mkdir -p shape &&
	echo "{\"name\": \"x\", \"build\": \"make\", \"outputs\": []}" \
		>shape/hx.json &&
	test_status 3 hx-build -t riscv64-gcc -o x shape >out 2>err &&
	grep "shape/hx.json:1:[0-9]*: build: expected a non-empty array of strings" err
'

test_expect_success 'a version mismatch: exit 4 naming expected and found' '
	manifest_with version "riscv64-linux-gnu-gcc-12 (Debian 12.2.0-99) 12.2.0" \
		>oldver.json &&
	test_status 4 hx-build -t oldver.json -o x repo >out 2>err &&
	test ! -s out &&
	found=$(jq -r .version "$top_srcdir/toolchains/riscv64-gcc.json") &&
	grep -F "compiler version mismatch: expected \"riscv64-linux-gnu-gcc-12 (Debian 12.2.0-99) 12.2.0\", found \"$found\"" err
'

test_expect_success 'a digest mismatch: exit 4 naming expected and found' '
	manifest_with digest "$(printf "%064d" 0)" >olddigest.json &&
	test_status 4 hx-build -t olddigest.json -o x repo >out 2>err &&
	test ! -s out &&
	found=$(jq -r .digest "$top_srcdir/toolchains/riscv64-gcc.json") &&
	grep -F "digest mismatch: expected $(printf "%064d" 0), found $found" err
'

test_expect_success 'the digest pins binutils: another ar is another toolchain' '
	mkdir -p bin &&
	cp "$(command -v riscv64-linux-gnu-ar)" bin/ar-copy &&
	manifest_with ar "$PWD/bin/ar-copy" >arcopy.json &&
	hx-build -t arcopy.json --no-cache --pin pin1.json &&
	printf "x" >>bin/ar-copy &&
	hx-build -t arcopy.json --no-cache --pin pin2.json &&
	test "$(jq -r .digest pin1.json)" != "$(jq -r .digest pin2.json)" &&
	test "$(jq -r .digest pin1.json)" = \
		"$(jq -r .digest "$top_srcdir/toolchains/riscv64-gcc.json")"
'

test_expect_success 'a manifest without a pin: exit 3, use --pin' '
	jq "del(.version, .digest)" "$top_srcdir/toolchains/riscv64-gcc.json" \
		>unpinned.json &&
	test_status 3 hx-build -t unpinned.json -o x repo >out 2>err &&
	grep "pins no version or digest; write them with hx-build --pin" err &&
	hx-build -t unpinned.json --pin repinned.json &&
	hx-build -q -t repinned.json -o x repo >x.rec
'

test_expect_success 'a mislabelled artifact: host code labelled riscv64 fails' '
	jq ".name = \"liar\" | .target = \"riscv64-linux-gnu\"" \
		"$top_srcdir/toolchains/host.json" >liar.json &&
	test_status 1 hx-build -t liar.json -o liar repo >liar.rec 2>liar.err &&
	test "$(jq -r .status liar.rec | sort -u)" = fail &&
	grep "libtinyinfer.a is built for x86_64, not for the target riscv64-linux-gnu" liar.err &&
	field liar.rec test_mlp message | grep "built for x86_64"
'

test_expect_success 'a declared output the build does not make: fail, exit 1' '
	git clone -q repo extra &&
	jq ".outputs += [{\"name\": \"ghost\", \"path\": \"ghost\", \"kind\": \"test\"}]" \
		repo/hx.json >extra/hx.json &&
	test_status 1 hx-build -t riscv64-gcc -o e extra >e.rec 2>e.err &&
	test "$(field e.rec ghost status)" = fail &&
	test "$(field e.rec test_mlp status)" = ok &&
	grep "ghost: declared output ghost was not built" e.err
'

test_expect_success 'usage errors: no target, an unknown target, exit 2' '
	test_status 2 hx-build repo >out 2>err &&
	grep "no target given" err &&
	test_status 2 hx-build -t riscv128-gcc repo >out 2>err &&
	grep "unknown target riscv128-gcc" err &&
	test_status 2 hx-build -t riscv64-gcc --pin a.json --print-env \
		>out 2>err &&
	test ! -s out
'

test_expect_success 'a build step that runs too long is stopped' '
	git clone -q repo slow &&
	jq ".build = [\"sleep\", \"30\"]" repo/hx.json >slow/hx.json &&
	test_status 1 hx-build -q -t riscv64-gcc --timeout 1 -o s slow \
		>s.rec &&
	field s.rec test_mlp output_tail | grep "timed out"
'

test_expect_success 'a SOURCE_DATE_EPOCH that is not a number: exit 2' '
	(SOURCE_DATE_EPOCH=yesterday && export SOURCE_DATE_EPOCH &&
		test_status 2 hx-build -t riscv64-gcc -o sde repo >out 2>err) &&
	test ! -s out &&
	grep "SOURCE_DATE_EPOCH: not a number of seconds: yesterday" err
'

test_expect_success 'a --timeout too large for nanoseconds: exit 2' '
	test_status 2 hx-build -t riscv64-gcc --timeout 1e12 -o to repo \
		>out 2>err &&
	test ! -s out &&
	grep -e "--timeout: bad number of seconds 1e12" err &&
	test_status 2 hx-build -t riscv64-gcc --timeout nan -o to repo \
		>out 2>err
'

test_done
