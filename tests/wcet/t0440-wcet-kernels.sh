#!/bin/sh
# Exact verdicts on real counts: small kernels built at -O2 (the baseline)
# and -O1 (the change), counted once each under the real qemu-riscv64;
# every kernel whose count rose is a regression, every other is not, and
# an unchanged rebuild at a path of another length passes at threshold 0,
# through the git store too.
. "$top_srcdir/tests/lib.sh"
require_program riscv64-linux-gnu-gcc gcc-riscv64-linux-gnu
require_program qemu-riscv64 qemu-user
require_program jq jq
require_riscv64_sysroot
use_test_git

KERNELS="CRC SORT MATMUL NOOP"

# build DIR LEVEL: the kernels at -OLEVEL in DIR, and their artifact
# records in DIR.jsonl.
build() {
	mkdir -p "$1" &&
	for k in $KERNELS; do
		riscv64-linux-gnu-gcc -O"$2" -DKERNEL_$k -o "$1/$k" \
		    "$FILES/wcet/kernels.c" &&
		jq -nc --arg name $k --arg path "$1/$k" \
		    --arg sha "$(sha256sum "$1/$k" | cut -c1-64)" '
			{type: "artifact", name: $name, path: $path,
			 kind: "test", status: "ok", target: "riscv64-linux-gnu",
			 arch: "riscv64", args: [],
			 toolchain: {name: "gcc", version: "12", digest: "0",
			   sysroot: "/usr/riscv64-linux-gnu"},
			 sha256: $sha, size: 0, flags: [], cache: "miss",
			 duration_ns: 0}' || return 1
	done >"$1.jsonl"
}

# count NAME FILE: the instruction count of NAME in the samples of FILE.
count() {
	jq -r "select(.type == \"sample\" and .name == \"$1\") | .value" "$2"
}

# class NAME FILE: the baseline class of NAME's wcet record in FILE.
class() {
	jq -r "select(.type == \"wcet\" and .name == \"$1\") | .baseline.class" "$2"
}

printf '{"name":"strict","rules":[{"rule":"no-regression","threshold":0}]}\n' >strict.json

test_expect_success 'build at -O2 and -O1, and -O2 again; count each once' '
	build o2 2 && build o1 1 &&
	build rebuilt/at/a/path/of/another/length 2 &&
	cp rebuilt/at/a/path/of/another/length.jsonl o3.jsonl &&
	hx-emu -c <o2.jsonl >o2.run 2>/dev/null &&
	hx-emu -c <o1.jsonl >o1.run 2>/dev/null &&
	hx-emu -c <o3.jsonl >o3.run 2>/dev/null &&
	for k in $KERNELS; do
		test -n "$(count $k o2.run)" && test -n "$(count $k o1.run)" ||
		return 1
	done
'

test_expect_success 'every kernel whose count rose is a regression, every other is not' '
	hx-wcet --threshold 0 --baseline o2.run o1.run >verdict &&
	rose=0 same=0 &&
	for k in $KERNELS; do
		now=$(count $k o1.run) then=$(count $k o2.run) &&
		c=$(class $k verdict) &&
		echo "$k: $then -> $now: $c" &&
		if [ "$now" -gt "$then" ]; then
			test "$c" = regression && rose=$((rose + 1))
		elif [ "$now" -eq "$then" ]; then
			test "$c" = ok && same=$((same + 1))
		else
			test "$c" = drift
		fi || return 1
	done &&
	test $rose -ge 1 && test $same -ge 1
'

test_expect_success 'the gate names each kernel that rose, with its change' '
	test_status 1 hx-gate -q -p strict.json <verdict >out &&
	tail -n 1 out | jq -r ".rules[0].message" | tr ";" "\n" |
	    sed -n "s/^ *\([A-Z]*\) (insns): hx-wcet classed it a regression (exact): +[0-9]* insns (+[0-9.]*%)$/\1/p" |
	    sort >named &&
	for k in $KERNELS; do
		[ "$(count $k o1.run)" -gt "$(count $k o2.run)" ] && echo $k
	done | sort >want &&
	test_cmp want named
'

test_expect_success 'an unchanged rebuild from another path passes at threshold 0' '
	hx-wcet --threshold 0 --baseline o2.run o3.run | hx-gate -q -p strict.json >out &&
	for k in $KERNELS; do
		test "$(class $k out)" = ok || return 1
	done
'

test_expect_success 'through the git store: bootstrap at -O2, then -O1 fails and -O2 passes' '
	git init -q -b main repo &&
	(cd repo && echo one >file && git add file && git commit -q -m one &&
		hx-wcet --pass-samples <../o2.run |
		hx-gate -q -p ../strict.json -b git --record-baseline \
		    --bootstrap >../boot) &&
	test "$(tail -n 1 boot | jq -r .baseline_recorded)" = "$(git -C repo rev-parse HEAD)" &&
	(cd repo && git checkout -q -b change &&
		hx-wcet --baseline git <../o1.run |
		test_status 1 hx-gate -q -p ../strict.json >../out &&
		hx-wcet --baseline git <../o3.run |
		hx-gate -q -p ../strict.json >../out2)
'

test_done
