#!/bin/sh
# hx-emu --count with regions of interest (hx/roi.h): riscv64 programs
# built here with gcc and clang, whose regions hold loops of known
# length, run under the real qemu-riscv64; region counts checked by
# construction and against differences of whole-program counts; nested,
# repeated and shared regions, the markers' overhead, bad markers,
# tinyinfer's layers, and a plugin QEMU loads: without sanitizers.
. "$top_srcdir/tests/lib.sh"
require_program riscv64-linux-gnu-gcc gcc-riscv64-linux-gnu
require_program qemu-riscv64 qemu-user
require_program jq jq
require_riscv64_sysroot

SYSROOT=/usr/riscv64-linux-gnu
PLUGIN="$top_builddir/plugin/hx-insncount.so"
HEADER="$top_srcdir/include/hx/roi.h"

# art NAME PATH ARGS: an artifact record of the riscv64 program PATH with
# ARGS (a JSON array), as hx-build writes it.
art() {
	jq -nc --arg name "$1" --arg path "$2" --argjson args "$3" \
		--arg sysroot "$SYSROOT" --arg sha "$ZERO_SHA256" '
		{type: "artifact", name: $name, path: $path, kind: "test",
		 status: "ok", target: "riscv64-linux-gnu", arch: "riscv64",
		 args: $args,
		 toolchain: {name: "gcc", version: "12", digest: "0",
		   sysroot: $sysroot},
		 sha256: $sha, size: 0, flags: [], cache: "miss",
		 duration_ns: 0}' | with_sha256
}

# samples FILE: name, index, value and entries of each sample of FILE.
samples() {
	jq -r 'select(.type == "sample") |
		[.name, .index, .value, .labels.entries // "-"] | @tsv' "$1"
}

# count PROGRAM ARGS...: the whole-program count of one run of PROGRAM.
count() {
	prog=$1
	shift
	art whole "$prog" "$(printf "%s\n" "$@" | jq -R . | jq -sc .)" |
		hx-emu -c |
		jq "select(.type == \"sample\" and .name == \"whole\") | .value"
}

# region FILE NAME: the value of the sample NAME in FILE.
region() {
	jq "select(.type == \"sample\" and .name == \"$2\") | .value" "$1"
}

test_expect_success 'roi.h assembles with gcc, and the markers are HINTs' '
	riscv64-linux-gnu-gcc -O2 -I"$top_srcdir/include" -o roi-gcc \
		"$FILES/emu/roi.c" &&
	riscv64-linux-gnu-objdump -d roi-gcc >dis &&
	grep -c "slti	zero,zero," dis >n && test "$(cat n)" -gt 0 &&
	! grep "slti	[^z]" dis &&
	qemu-riscv64 -L $SYSROOT ./roi-gcc called
'

if command -v clang >/dev/null 2>&1; then
	test_expect_success 'roi.h assembles with clang --target=riscv64-linux-gnu' '
		clang --target=riscv64-linux-gnu -O2 -I"$top_srcdir/include" \
			-o roi-clang "$FILES/emu/roi.c" &&
		qemu-riscv64 -L $SYSROOT ./roi-clang called
	'
else
	test_skip_unless_required 'roi.h assembles with clang' \
		'clang is missing (Debian package clang)'
fi

test_expect_success 'elsewhere the macros are no code: a native build runs' '
	cc -O2 -Wall -Wextra -Werror -std=c99 -I"$top_srcdir/include" \
		-o roi-native "$FILES/emu/roi.c" &&
	./roi-native nested 3 && ./roi-native end && ./roi-native cut
'

test_expect_success 'a region counts what it holds: a loop of N is 2N + 1' '
	{
		art spin roi-gcc "[\"spin\",\"1000\"]" &&
		art spin2 roi-gcc "[\"spin\",\"2000\"]"
	} >in &&
	hx-emu -c <in >out &&
	samples out | cut -f1,2,4 >actual &&
	printf "spin\t1\t-\nspin:spin\t1\t1\nspin2\t1\t-\nspin2:spin\t1\t1\n" >want &&
	test_cmp want actual &&
	test "$(region out spin:spin)" -eq 2001 &&
	test "$(region out spin2:spin)" -eq 4001 &&
	jq -r "select(.name == \"spin:spin\") | .test + \" \" + .unit" out >actual &&
	echo "spin insns" >want && test_cmp want actual
'

test_expect_success 'a region agrees with the difference of two whole counts' '
	a=$(count roi-gcc spin 1000) && b=$(count roi-gcc spin 2000) &&
	test $((b - a)) -eq 2000
'

test_expect_success 'the same binary twice gives the same region counts' '
	art nested roi-gcc "[\"nested\",\"4\"]" >in &&
	hx-emu -c -n 2 <in >out1 && hx-emu -c <in >out2 &&
	samples out1 | awk -F "\t" "\$2 == 1" | cut -f1,3,4 >run1 &&
	samples out1 | awk -F "\t" "\$2 == 2" | cut -f1,3,4 >run2 &&
	samples out2 | cut -f1,3,4 >run3 &&
	test "$(wc -l <run1)" -eq 3 &&
	test_cmp run1 run2 && test_cmp run1 run3
'

test_expect_success 'nested and repeated regions: the inner counted apart, markers in neither' '
	{
		art n2 roi-gcc "[\"nested\",\"2\"]" &&
		art n4 roi-gcc "[\"nested\",\"4\"]"
	} >in &&
	hx-emu -c <in >out &&
	samples out | cut -f1,4 >actual &&
	printf "n2\t-\nn2:outer\t1\nn2:inner\t2\nn4\t-\nn4:outer\t1\nn4:inner\t4\n" >want &&
	test_cmp want actual &&
	test "$(region out n2:inner)" -eq 202 &&
	test "$(region out n4:inner)" -eq 404 &&
	outer2=$(region out n2:outer) && outer4=$(region out n4:outer) &&
	test "$outer2" -gt $((201 + 202 + 21)) &&
	a=$(count roi-gcc nested 2) && b=$(count roi-gcc nested 4) &&
	# Two more entries of "inner": their 2 x (5 + 2) markers are in the
	# whole count but not in the outer region.
	test $((b - a - 14)) -eq $((outer4 - outer2))
'

test_expect_success 'a region in a function called from two places sums both' '
	art called roi-gcc "[\"called\"]" >in &&
	hx-emu -c <in >out &&
	samples out | sed 1d >actual &&
	printf "called:called\t1\t42\t2\n" >want &&
	test_cmp want actual
'

test_expect_success 'names cut by the end of a block are joined (one instruction a block)' '
	for a in "spin 1000" "nested 4" called; do
		qemu-riscv64 -L $SYSROOT -plugin "$PLUGIN,out=$PWD/whole" \
			./roi-gcc $a &&
		qemu-riscv64 -singlestep -L $SYSROOT \
			-plugin "$PLUGIN,out=$PWD/single" ./roi-gcc $a &&
		test_cmp whole single &&
		test "$(wc -l <single)" -gt 1 || return 1
	done
'

if [ -x roi-clang ]; then
	test_expect_success 'gcc and clang builds give the same region counts' '
		for p in roi-gcc roi-clang; do
			art $p $p "[\"nested\",\"3\"]" && art $p $p "[\"called\"]" &&
			art $p $p "[\"spin\",\"500\"]" || return 1
		done >in &&
		hx-emu -c <in >out &&
		jq -r "select(.type == \"sample\" and (.name | contains(\":\"))) |
			[(.name | sub(\"^[^:]*\"; \"\")), .value, .labels.entries] |
			@tsv" out >regions &&
		test "$(wc -l <regions)" -eq 8 &&
		# "outer" holds a loop the compilers make differently.
		head -n 4 regions | grep -v :outer >gcc &&
		tail -n 4 regions | grep -v :outer >clang &&
		test "$(wc -l <clang)" -eq 3 && test_cmp gcc clang
	'
fi

test_expect_success 'the overhead of a marker pair is 2 + the name length, outside regions' '
	riscv64-linux-gnu-gcc -O2 -DHX_ROI_DISABLE -I"$top_srcdir/include" \
		-o roi-off "$FILES/emu/roi.c" &&
	! riscv64-linux-gnu-objdump -d roi-off | grep "slti	zero,zero,1023" &&
	on1=$(count roi-gcc pairs 1000) && on2=$(count roi-gcc pairs 2000) &&
	off1=$(count roi-off pairs 1000) && off2=$(count roi-off pairs 2000) &&
	pair=$(( (on2 - on1 - (off2 - off1)) / 1000 )) &&
	echo "# a BEGIN/END pair of a name of 1 character: $pair instructions" >&3 &&
	test "$pair" -eq 3 &&
	art pairs roi-gcc "[\"pairs\",\"1000\"]" >in &&
	hx-emu -c <in >out &&
	test "$(region out pairs:p)" -eq 3000
' 3>&1

test_expect_success 'markers misused fail the test and give no region samples' '
	for m in end open cut; do
		art bad_$m roi-gcc "[\"$m\"]" || return 1
	done >in &&
	test_status 1 hx-emu -c <in >out &&
	jq -r "select(.type == \"test\") | [.name, .status, .message] | @tsv" out |
		sed "s/ 0x[0-9a-f]*\$/ ADDRESS/" >actual &&
	printf "bad_%s\tfail\tmarkers of regions: %s\n" \
		end "region end without a begin at ADDRESS" \
		open "region left_open is still open at exit" \
		cut "region name cut short at ADDRESS" >want &&
	test_cmp want actual &&
	! grep "\"sample\"" out
'

test_expect_success 'names outside A-Z a-z 0-9 _ or 64 characters do not compile' '
	for name in conv-1d "a b" "" x.y \
	    aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa; do
		printf "#include <hx/roi.h>\nint main(void) { HX_ROI_BEGIN(\"%s\"); HX_ROI_END(); return 0; }\n" \
			"$name" >bad.c &&
		! riscv64-linux-gnu-gcc -I"$top_srcdir/include" -c bad.c 2>err &&
		grep "hx/roi.h: a region name" err || return 1
		if command -v clang >/dev/null 2>&1; then
			! clang --target=riscv64-linux-gnu -I"$top_srcdir/include" \
				-c bad.c 2>err &&
			grep "hx/roi.h: a region name" err || return 1
		fi
	done &&
	printf "#include <hx/roi.h>\nint main(int c, char **v) { HX_ROI_BEGIN(v[c - 1]); return 0; }\n" >var.c &&
	! riscv64-linux-gnu-gcc -I"$top_srcdir/include" -c var.c &&
	! cc -I"$top_srcdir/include" -c var.c
'

test_expect_success 'without --count there are no region samples' '
	art spin roi-gcc "[\"spin\",\"10\"]" >in &&
	hx-emu <in >out &&
	jq -r "select(.type == \"sample\") | .name + \" \" + .unit" out >actual &&
	echo "spin ns" >want && test_cmp want actual
'

test_expect_success 'a program without markers: the plugin writes the count alone' '
	echo "int main(void) { return 0; }" >plain.c &&
	riscv64-linux-gnu-gcc -o plain plain.c &&
	qemu-riscv64 -L $SYSROOT -plugin "$PLUGIN,out=$PWD/n" ./plain &&
	grep -x "[0-9][0-9]*" n && test "$(wc -l <n)" -eq 1
'

test_expect_success 'tinyinfer carries the installed header as it is' '
	cmp "$HEADER" "$top_srcdir/examples/tinyinfer/include/hx/roi.h"
'

test_expect_success 'tinyinfer marks its layers; its tests pass natively and under QEMU' '
	cp -R "$top_srcdir/examples/tinyinfer" ti && chmod -R u+w ti &&
	unset MAKEFLAGS MFLAGS MAKELEVEL &&
	make -s -C ti check >native.out &&
	make -s -C ti clean &&
	make -s -C ti HOST=riscv64-linux-gnu check \
		RUN="qemu-riscv64 -L $SYSROOT" >qemu.out &&
	test_cmp native.out qemu.out &&
	{
		art test_mlp ti/test_mlp "[\"--samples\",\"64\"]" &&
		art test_conv ti/test_conv "[]"
	} >in &&
	hx-emu -c <in >out &&
	samples out | cut -f1,4 >actual &&
	printf "%s\n" "test_mlp	-" "test_mlp:mlp_hidden	64" \
		"test_mlp:dense	128" "test_mlp:requantize	2304" \
		"test_mlp:mlp_output	64" "test_conv	-" "test_conv:conv1d	2" \
		"test_conv:requantize	13" >want &&
	test_cmp want actual &&
	hidden=$(region out test_mlp:mlp_hidden) &&
	output=$(region out test_mlp:mlp_output) &&
	dense=$(region out test_mlp:dense) &&
	test "$dense" -lt $((hidden + output)) &&
	test "$(region out test_mlp:requantize)" -lt "$dense"
'

test_expect_success 'the plugin is built without sanitizers, and QEMU loads it' '
	readelf -d "$PLUGIN" >dynamic &&
	! grep -E "lib(a|ub|l|t)san" dynamic &&
	nm -D --undefined-only "$PLUGIN" >undefined &&
	! grep -E "__(a|ub|l|t)san_|__sanitizer_" undefined &&
	qemu-riscv64 -L $SYSROOT -plugin "$PLUGIN,out=$PWD/count" \
		./roi-gcc called &&
	head -n 1 count | grep -Eq "^[1-9][0-9]*\$"
'

test_done
