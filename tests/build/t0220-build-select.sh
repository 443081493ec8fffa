#!/bin/sh
# hx-build --changed-since: which outputs a change feeds (compiler and
# link dependency files) and whether it needs timing runs (path policy).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/build/build-lib.sh"

make_repo repo || exit 1

# selection RECORDS: "name affected needs_timing" lines.
selection() {
	jq -r '"\(.name) \(.affected) \(.needs_timing)"' "$1"
}

test_expect_success 'no change: nothing is affected' '
	hx-build -q -t riscv64-gcc --changed-since HEAD -o o repo >r0 &&
	selection r0 >got &&
	printf "%s\n" "libtinyinfer false false" "test_requant false false" \
		"test_dense false false" "test_conv false false" \
		"test_mlp false false" "bench_mlp false false" >want &&
	test_cmp want got &&
	test "$(jq -r .dirty r0 | sort -u)" = false
'

test_expect_success 'a test source changes: only that test is affected' '
	echo "/* tweak */" >>repo/tests/test_conv.c &&
	hx-build -q -t riscv64-gcc --changed-since HEAD -o o repo >r1 &&
	selection r1 >got &&
	printf "%s\n" "libtinyinfer false false" "test_requant false false" \
		"test_dense false false" "test_conv true true" \
		"test_mlp false false" "bench_mlp false false" >want &&
	test_cmp want got &&
	test "$(jq -r .dirty r1 | sort -u)" = true
'

test_expect_success 'the same selection from a cache hit' '
	hx-build -t riscv64-gcc --changed-since HEAD -o o repo >r1b 2>err &&
	grep "cache: hit" err &&
	selection r1b >got && test_cmp want got
'

test_expect_success 'a library source changes: what links it is affected' '
	git -C repo checkout -q tests/test_conv.c &&
	echo "/* tweak */" >>repo/src/conv.c &&
	hx-build -q -t riscv64-gcc --changed-since HEAD -o o repo >r2 &&
	test "$(jq -r "select(.affected and .needs_timing) | .name" r2 |
		wc -l)" -eq 6
'

test_expect_success 'a committed change against HEAD~1 selects the same' '
	commit_all repo "conv: tweak" &&
	hx-build -q -t riscv64-gcc --changed-since HEAD~1 -o o repo >r3 &&
	selection r2 >want && selection r3 >got && test_cmp want got &&
	hx-build -q -t riscv64-gcc --changed-since HEAD -o o repo >r4 &&
	test -z "$(jq -r "select(.affected) | .name" r4)"
'

test_expect_success 'docs only: nothing affected, no timing runs' '
	echo "More words." >>repo/docs/tinyinfer.md &&
	hx-build -q -t riscv64-gcc --changed-since HEAD -o o repo >r5 &&
	test "$(selection r5 | cut -d" " -f2- | sort -u)" = \
		"false false"
'

test_expect_success 'a *.py build file: all affected, but no timing runs' '
	git -C repo checkout -q docs &&
	echo "# comment" >>repo/tools/gen_weights.py &&
	hx-build -q -t riscv64-gcc --changed-since HEAD -o o repo >r6 &&
	test "$(selection r6 | cut -d" " -f2- | sort -u)" = \
		"true false"
'

test_expect_success 'the project in a subdirectory of its repository' '
	git -C repo checkout -q tools &&
	mkdir -p mono && git -C mono init -q &&
	cp -R repo mono/tinyinfer && rm -rf mono/tinyinfer/.git &&
	commit_all mono "monorepo" &&
	echo "/* tweak */" >>mono/tinyinfer/tests/test_dense.c &&
	echo "elsewhere" >mono/README &&
	hx-build -q -t riscv64-gcc --changed-since HEAD -o m \
		mono/tinyinfer >r7 &&
	test "$(jq -r "select(.affected) | .name" r7)" = test_dense
'

test_expect_success 'an unknown revision is a usage error' '
	test_status 2 hx-build -t riscv64-gcc --changed-since no-such-rev \
		-o o repo >out 2>err &&
	test ! -s out &&
	grep "unknown revision no-such-rev" err
'

test_expect_success 'outside git --changed-since is malformed input' '
	cp -R "$top_srcdir/examples/tinyinfer" plain && chmod -R u+w plain &&
	GIT_CEILING_DIRECTORIES=$PWD test_status 3 hx-build -t riscv64-gcc \
		--changed-since HEAD -o p plain >out 2>err &&
	grep "not in a git repository" err
'

test_done
