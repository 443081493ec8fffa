#!/bin/sh
# The malformed-input corpus: each program on each input says what is
# wrong on the first line of standard error, exits with the expected
# status, and writes no half record.  The inputs are the tables below
# (text) and tests/files/malformed/ (binary); the expected first line and
# status of each are tests/expected/malformed/PROGRAM/NAME.err.
. "$top_srcdir/tests/lib.sh"
require_program jq jq

MF="$top_srcdir/tests/files/malformed"
ME="$top_srcdir/tests/expected/malformed"
Z=0000000000000000000000000000000000000000000000000000000000000000

# Lines as the record loop reads them (hx-emu hosts it, HX_LINE_MAX=128):
# NAME, then a printf format; @ takes the file of that name from $MF/rec.
lines() {
	cat <<'TABLE'
not-json	not json\n
array	[1,2]\n
string	"artifact"\n
number	42\n
no-type	{"name":"a"}\n
type-number	{"type":1}\n
type-empty	{"type":""}\n
lone-surrogate	{"type":"x","s":"\\ud800"}\n
lone-low-surrogate	{"type":"x","s":"\\udc00x"}\n
duplicate-key	{"type":"x","type":"y"}\n
huge-number	{"type":"x","n":1e400}\n
huge-integer	{"type":"x","n":123456789012345678901234567890}\n
nul-byte	{"type":"x"}\0\n
nul-in-string	{"type":"x","s":"a\0b"}\n
escaped-nul	{"type":"x","s":"a\\u0000b"}\n
invalid-utf8	{"type":"x","s":"\377"}\n
truncated-object	{"type":"x"\n
trailing-garbage	{"type":"x"} x\n
second-line	{"type":"x"}\nnope\n
over-long-line	{"type":"x","s":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}\n
no-final-newline	{"type":"x"
empty	
truncated.gz	@
TABLE
}

# The same refusals in every program that runs the record loop, on
# standard input: PROGRAM, NAME, a printf format.
program_lines() {
	cat <<'TABLE'
hx-emu	stdin-type-empty	{"type":""}\n
hx-wcet	stdin-type-empty	{"type":""}\n
hx-gate	stdin-type-empty	{"type":""}\n
TABLE
}

# Typed records with one field wrong: PROGRAM, NAME, TYPE, a jq filter on
# the good record of TYPE.
records() {
	cat <<'TABLE'
hx-emu	artifact-name-number	artifact	.name = 1
hx-emu	artifact-name-missing	artifact	del(.name)
hx-emu	artifact-path-number	artifact	.path = 1
hx-emu	artifact-kind-unknown	artifact	.kind = "bogus"
hx-emu	artifact-kind-missing	artifact	del(.kind)
hx-emu	artifact-status-number	artifact	.status = 1
hx-emu	artifact-args-string	artifact	.args = "x"
hx-emu	artifact-args-number	artifact	.args = [1]
hx-emu	artifact-env-array	artifact	.env = []
hx-emu	artifact-env-number	artifact	.env = {"A": 1}
hx-emu	artifact-size-string	artifact	.size = "0"
hx-emu	artifact-sha256-number	artifact	.sha256 = 1
hx-emu	artifact-toolchain-string	artifact	.toolchain = "gcc"
hx-emu	artifact-flags-string	artifact	.flags = "x"
hx-gate	test-name-number	test	.name = 1
hx-gate	test-name-missing	test	del(.name)
hx-gate	test-status-unknown	test	.status = "maybe"
hx-gate	test-status-number	test	.status = 1
hx-gate	test-duration-string	test	.duration_ns = "100"
hx-gate	test-attempt-string	test	.attempt = "1"
hx-gate	test-flaky-string	test	.flaky = "yes"
hx-gate	sample-value-string	sample	.value = "x"
hx-gate	sample-unit-unknown	sample	.unit = "furlongs"
hx-wcet	sample-value-string	sample	.value = "x"
hx-wcet	sample-value-missing	sample	del(.value)
hx-wcet	sample-unit-unknown	sample	.unit = "furlongs"
hx-wcet	sample-name-number	sample	.name = 1
hx-gate	wcet-name-number	wcet	.name = 1
hx-gate	wcet-n-string	wcet	.n = "1"
hx-gate	wcet-max-string	wcet	.max = "x"
hx-gate	wcet-unit-missing	wcet	del(.unit)
hx-gate	wcet-method-number	wcet	.method = 1
hx-gate	error-message-number	error	.message = 1
hx-gate	error-program-missing	error	del(.program)
hx-gate	error-line-string	error	.line = "1"
TABLE
}

# Files: PROGRAM, MODE (policy, numbers, quarantine, project, toolchain),
# NAME, text.
files() {
	cat <<'TABLE'
hx-gate	policy	policy-not-json	not json\n
hx-gate	policy	policy-empty	
hx-gate	policy	policy-array	[]\n
hx-gate	policy	policy-rules-string	{"rules":"x"}\n
hx-gate	policy	policy-rules-empty	{"rules":[]}\n
hx-gate	policy	policy-rule-number	{"rules":[{"rule":1}]}\n
hx-gate	policy	policy-rule-unknown	{"rules":[{"rule":"bogus"}]}\n
hx-gate	policy	policy-threshold-string	{"rules":[{"rule":"no-regression","threshold":"x"}]}\n
hx-gate	policy	policy-missing-baseline	{"rules":[{"rule":"no-regression","missing_baseline":"maybe"}]}\n
hx-gate	policy	policy-name-number	{"name":1,"rules":[{"rule":"tests-pass"}]}\n
hx-gate	policy	policy-duplicate-key	{"rules":[{"rule":"tests-pass"}],"rules":[]}\n
hx-gate	policy	policy-stages-number	{"stages":1,"rules":[{"rule":"tests-pass"}]}\n
hx-gate	policy	policy-nul-byte	{"rules":[{"rule":"tests-pass"}]}\0\n
hx-wcet	numbers	numbers-nul-byte	1\n2\0garbage\n
hx-emu	quarantine	quarantine-nul-byte	test_a\ntest_\0b\n
hx-wcet	numbers	numbers-word	1\nabc\n
hx-wcet	numbers	numbers-huge	1e400\n
hx-wcet	numbers	numbers-nan	nan\n
hx-wcet	numbers	numbers-trailing	3 ns\n
hx-build	project	project-not-json	nope\n
hx-build	project	project-empty	
hx-build	project	project-duplicate-key	{"name":"x","name":"y"}\n
hx-build	project	project-outputs-string	{"name":"x","system":"make","build":["true"],"outputs":"no"}\n
hx-build	project	project-args-number	{"name":"x","system":"make","build":["true"],"outputs":[{"name":"a","path":"a","kind":"test","args":[1]}]}\n
hx-build	project	project-kind-number	{"name":"x","system":"make","build":["true"],"outputs":[{"name":"a","path":"a","kind":1}]}\n
hx-build	project	project-system-number	{"name":"x","system":1,"build":["true"],"outputs":[{"name":"a","path":"a","kind":"test"}]}\n
hx-build	project	project-unknown-key	{"name":"x","system":"make","build":["true"],"outputs":[],"bogus":1}\n
hx-build	project	project-lone-surrogate	{"name":"\\ud800","system":"make","build":["true"],"outputs":[]}\n
hx-build	toolchain	toolchain-not-json	nope\n
hx-build	toolchain	toolchain-name-number	{"name":1}\n
hx-build	toolchain	toolchain-empty-object	{}\n
hx-build	toolchain	toolchain-huge-number	{"name":"x","cc":1e400}\n
TABLE
}

good_record() {
	case $1 in
	artifact)
		echo '{"type":"artifact","name":"a","path":"a","kind":"test","status":"ok","target":"riscv64-linux-gnu","arch":"riscv64","args":[],"toolchain":{"name":"gcc","version":"12","digest":"0"},"sha256":"'$Z'","size":0,"flags":[],"cache":"miss","duration_ns":0}' ;;
	test)
		echo '{"type":"test","name":"t","artifact":"a","runner":"qemu-riscv64","status":"pass","duration_ns":100,"attempt":1,"insns":10}' ;;
	sample)
		echo '{"type":"sample","name":"t","unit":"insns","value":10}' ;;
	wcet)
		echo '{"type":"wcet","name":"t","unit":"insns","n":1,"min":1,"mean":1,"median":1,"p99":1,"max":1,"cv":0,"method":"deterministic"}' ;;
	error)
		echo '{"type":"error","program":"hx-emu","file":"f","message":"m"}' ;;
	esac
}

# check PROGRAM NAME COMMAND...: run it, compare the first line of stderr
# and the status with NAME.err, and check that stdout is whole records.
check() {
	prog=$1 name=$2
	shift 2
	"$@" >"$name.out" 2>"$name.stderr"
	status=$?
	{ head -n 1 "$name.stderr"; echo "exit $status"; } >"$name.actual"
	if ! cmp -s "$ME/$prog/$name.err" "$name.actual"; then
		echo "# $prog $name:" >&2
		diff -u "$ME/$prog/$name.err" "$name.actual" >&2
		return 1
	fi
	if test -s "$name.out" && { test "$(tail -c 1 "$name.out" | od -An -c | tr -d " ")" != '\n' ||
	    ! jq . "$name.out" >/dev/null 2>&1; }; then
		echo "# $prog $name: a half-written record on stdout" >&2
		return 1
	fi
}

# each_row TABLE FUNCTION: FUNCTION with the tab-separated fields of each
# row TABLE prints; fails when one row did, after trying them all.
each_row() {
	fail=0
	tab=$(printf "\t")
	while IFS=$tab read -r a b c d; do
		"$2" "$a" "$b" "$c" "$d" || fail=1
	done <<-TABLE
	$($1)
	TABLE
	test $fail = 0
}

line_case() {
	if test "$2" = @; then
		cp "$MF/rec/$1" "$1"
	else
		printf "$2" >"$1"
	fi &&
	check rec "$1" env HX_LINE_MAX=128 hx-emu "$1"
}

# from_stdin FILE COMMAND...: COMMAND with FILE on standard input.
from_stdin() {
	f=$1
	shift
	"$@" <"$f"
}

# program_line_case PROGRAM NAME FORMAT: the line refused with exit 3, and
# with -k turned into an error record with the same message, exit 0 (1
# for hx-gate, whose no-errors rule fails).
program_line_case() {
	printf "$3" >"$2.in" &&
	case $1 in
	hx-gate)
		set -- "$1" "$2" -p good-policy.json
		kstatus=1 ;;
	*)
		set -- "$1" "$2"
		kstatus=0 ;;
	esac &&
	prog=$1 name=$2 &&
	shift 2 &&
	check "$prog" "$name" from_stdin "$name.in" "$prog" "$@" &&
	message=$(head -n 1 "$ME/$prog/$name.err" |
	    sed "s/^$prog: stdin:1: //; s/ at column [0-9]*\$//") &&
	{ from_stdin "$name.in" "$prog" "$@" -k >"$name.k.out" 2>"$name.k.err"
	  test $? = $kstatus; } &&
	jq -se --arg m "$message" --arg p "$prog" "map(select(.type ==
	    \"error\")) | length == 1 and (.[0] | .file == \"stdin\" and
	    .line == 1 and .message == \$m and .program == \$p)" \
	    "$name.k.out" >/dev/null ||
	{ echo "# $prog -k $name: $(cat "$name.k.out" "$name.k.err")" >&2
	  return 1; }
}

record_case() {
	good_record "$3" | jq -c "$4" >"$2" &&
	case $1 in
	hx-emu)
		check "$1" "$2" hx-emu "$2" ;;
	hx-wcet)
		check "$1" "$2" hx-wcet "$2" ;;
	hx-gate)
		check "$1" "$2" hx-gate -p good-policy.json "$2" ;;
	esac
}

file_case() {
	printf "$4" >"$3" &&
	case $2 in
	policy)
		check "$1" "$3" hx-gate -p "$3" /dev/null ;;
	numbers)
		check "$1" "$3" hx-wcet -n "$3" ;;
	quarantine)
		check "$1" "$3" hx-emu -q "$3" /dev/null ;;
	project)
		mkdir -p "$3.d" && cp "$3" "$3.d/hx.json" &&
		check "$1" "$3" hx-build -q -t host --no-cache "$3.d" ;;
	toolchain)
		check "$1" "$3" hx-build -q -t "./$3" --no-cache proj ;;
	esac
}

test_expect_success 'the record loop on lines that are not records' '
	printf "{\"name\":\"p\",\"rules\":[{\"rule\":\"tests-pass\"}]}\n" >good-policy.json &&
	each_row lines line_case
'

test_expect_success 'the record loop of each program, with and without -k' '
	each_row program_lines program_line_case
'

test_expect_success 'each consumed record type with a field of the wrong type' '
	each_row records record_case
'

test_expect_success 'policies, plain numbers, project and toolchain manifests' '
	mkdir -p proj &&
	printf "{\"name\":\"x\",\"system\":\"make\",\"build\":[\"true\"],\"outputs\":[{\"name\":\"a\",\"path\":\"a\",\"kind\":\"exe\"}]}\n" >proj/hx.json &&
	each_row files file_case
'

test_expect_success 'a directory where a file goes: exit 4 and EISDIR, in every program' '
	mkdir -p adir proj2 &&
	cp proj/hx.json proj2/ &&
	for cmd in "hx-emu adir" "hx-emu -q adir /dev/null" "hx-wcet adir" \
	    "hx-wcet -n adir" "hx-wcet --baseline adir /dev/null" \
	    "hx-gate -p adir /dev/null" "hx-gate -p good-policy.json adir" \
	    "hx-gate -p good-policy.json -b adir /dev/null" \
	    "hx-build -q -t ./adir --no-cache proj2"; do
		test_status 4 $cmd >out 2>err &&
		grep -q "^hx-[a-z]*: \(\./\)\{0,1\}adir: \(read error: \)\{0,1\}Is a directory$" err &&
		test_must_be_empty out || { echo "# $cmd: $(cat err)" >&2; return 1; }
	done
'

test_expect_success 'the corpus is all there: 50 inputs or more, each expected' '
	n=$( { lines; program_lines; records; files; } | wc -l) &&
	test "$n" -ge 50 &&
	test "$(find "$ME" -name "*.err" | wc -l)" -eq "$n"
'

test_done
