#!/bin/sh
# hx-emu --changed-since: a test whose artifact hx-build marked unaffected
# by the change set does not run; its test record says skip, and why.
. "$top_srcdir/tests/lib.sh"
require_program riscv64-linux-gnu-gcc gcc-riscv64-linux-gnu
require_program qemu-riscv64 qemu-user
require_program jq jq
require_program xmllint libxml2-utils
require_riscv64_sysroot

# art NAME [JQ-FILTER]: an artifact record of the riscv64 program behave
# that passes, with FILTER applied to it.
art() {
	jq -nc --arg name "$1" "
		{type: \"artifact\", name: \$name, path: \"behave\",
		 kind: \"test\", status: \"ok\", target: \"riscv64-linux-gnu\",
		 arch: \"riscv64\", args: [\"pass\"],
		 toolchain: {name: \"gcc\", version: \"12\", digest: \"0\",
		   sysroot: \"/usr/riscv64-linux-gnu\"},
		 sha256: \"$ZERO_SHA256\", size: 0, flags: [], cache: \"miss\",
		 duration_ns: 0} | ${2:-.}" | with_sha256
}

test_expect_success 'set up: a program, and artifacts marked and not' '
	riscv64-linux-gnu-gcc -O1 -o behave "$FILES/emu/behave.c" &&
	{
		art same ".affected = false | .needs_timing = false" &&
		art changed ".affected = true | .needs_timing = true" &&
		art unmarked
	} >in
'

test_expect_success 'without --changed-since every test runs' '
	hx-emu <in >out 2>err &&
	jq -r "select(.type == \"test\") | .name + \" \" + .status" out >actual &&
	printf "same pass\nchanged pass\nunmarked pass\n" >want &&
	test_cmp want actual
'

test_expect_success 'an unaffected test is skipped, with the reason, in its place' '
	hx-emu --changed-since main --junit j.xml <in >out 2>err &&
	jq -r ".type + \" \" + .name + \" \" + (.status // \"-\")" out >actual &&
	printf "artifact same ok\ntest same skip\nartifact changed ok\ntest changed pass\nsample changed -\nartifact unmarked ok\ntest unmarked pass\nsample unmarked -\n" >want &&
	test_cmp want actual &&
	jq -r "select(.type == \"test\" and .name == \"same\") | .message" out >actual &&
	echo "no file changed since main feeds it" >want &&
	test_cmp want actual &&
	jq -s -e "map(select(.type == \"test\" and .name == \"same\")) | length == 1 and all(has(\"runner\") | not)" out &&
	grep "^hx-emu: --changed-since: unmarked has no affected mark, so it runs" err &&
	xmllint --noout --schema "$FILES/junit-10.xsd" j.xml &&
	grep -A1 "<testcase name=\"same\"" j.xml | grep "<skipped message=\"no file changed since main feeds it\""
'

test_done
