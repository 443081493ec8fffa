#!/bin/sh
# The fast PR path end to end on the bundled example, with the shipped
# policy: hx-build | hx-emu | hx-wcet | hx-gate passes; it fails when a test
# breaks, when instruction counts grow past a budget, and when they grow
# past a baseline recorded in git.
. "$top_srcdir/tests/lib.sh"
require_program riscv64-linux-gnu-gcc gcc-riscv64-linux-gnu
require_program qemu-riscv64 qemu-user
use_test_git
require_program jq jq
for p in hx-build hx-emu hx-wcet hx-gate; do
	test -x "$top_builddir/cmd/$p" || skip_all "$p is not built"
done

POLICY="$top_srcdir/examples/policies/tinyinfer-pr.json"
HX_CACHE_DIR=$PWD/cache
export HX_CACHE_DIR

# pipeline OUT [HX-BUILD OPTION]... -- [HX-GATE OPTION]...: the README's
# pipeline on the example in ./tinyinfer; the records go to OUT and the
# gate's exit status is returned.
pipeline() {
	out=$1
	shift
	build_opts=
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		build_opts="$build_opts $1"
		shift
	done
	[ $# -gt 0 ] && shift
	# shellcheck disable=SC2086
	hx-build -q -t riscv64-gcc $build_opts tinyinfer 2>build.err |
		hx-emu --count -R bench_mlp 2>emu.err |
		hx-wcet 2>wcet.err |
		hx-gate -q -p "$POLICY" "$@" >"$out"
}

# rule OUT NAME: the status of rule NAME in OUT's gate record.
rule() {
	tail -n 1 "$1" | jq -r --arg n "$2" '.rules[] | select(.name == $n) | .status'
}

test_expect_success 'set up the example in a git repository' '
	cp -R "$top_srcdir/examples/tinyinfer" tinyinfer &&
	chmod -R u+w tinyinfer &&
	git init -q -b main . &&
	printf "cache/\nhx-out/\nlog.*\n*.jsonl\n*.err\n*.o\n*.d\n" >.gitignore &&
	git add .gitignore tinyinfer && git commit -q -m example
'

test_expect_success 'the fast PR path passes on the example' '
	pipeline run.jsonl &&
	test "$(tail -n 1 run.jsonl | jq -r .status)" = pass &&
	test "$(rule run.jsonl tests-pass)" = pass &&
	test "$(rule run.jsonl pwcet/bench_mlp)" = pass &&
	grep -q "\"type\":\"artifact\"" run.jsonl &&
	grep -q "\"type\":\"test\"" run.jsonl &&
	grep -q "\"type\":\"wcet\"" run.jsonl
'

test_expect_success 'the gate fails when a test breaks (the wrong rounding define)' '
	test_status 1 pipeline broken.jsonl -F -DTINYINFER_WRONG_ROUNDING &&
	test "$(rule broken.jsonl tests-pass)" = fail &&
	tail -n 1 broken.jsonl | jq -r ".rules[] | select(.name == \"tests-pass\") | .message" |
		grep "test_mlp: fail"
'

test_expect_success 'the gate fails when instruction counts grow past a budget' '
	git checkout -q -b slower &&
	sed "s/\"args\": \\[\"200\"\\]/\"args\": [\"400\"]/" tinyinfer/hx.json >hx.json.new &&
	mv hx.json.new tinyinfer/hx.json &&
	grep "\"400\"" tinyinfer/hx.json &&
	test_status 1 pipeline slow.jsonl &&
	test "$(rule slow.jsonl pwcet/bench_mlp)" = fail &&
	test "$(rule slow.jsonl tests-pass)" = pass &&
	git checkout -q -- tinyinfer/hx.json && git checkout -q main
'

test_expect_success 'a baseline recorded in git on main' '
	pipeline main.jsonl -- --record-baseline &&
	test "$(tail -n 1 main.jsonl | jq -r .baseline_recorded)" = "$(git rev-parse HEAD)" &&
	baseline_note . HEAD | grep -q "\"name\":\"bench_mlp\"" &&
	test -z "$(git status --porcelain)"
'

test_expect_success 'the gate fails when a change exceeds the baseline in git' '
	git checkout -q -b feature &&
	sed "s/\"args\": \\[\"200\"\\]/\"args\": [\"210\"]/" tinyinfer/hx.json >hx.json.new &&
	mv hx.json.new tinyinfer/hx.json &&
	git commit -q -a -m "more work" &&
	test_status 1 pipeline feature.jsonl -- -b git &&
	test "$(tail -n 1 feature.jsonl | jq -r .baseline)" = "git:$(git rev-parse main)" &&
	test "$(rule feature.jsonl no-regression)" = fail &&
	test "$(rule feature.jsonl pwcet/bench_mlp)" = pass &&
	git checkout -q main &&
	pipeline same.jsonl -- -b git &&
	test "$(rule same.jsonl no-regression)" = pass
'

test_done
