#!/bin/sh
# Every example of the EXAMPLES section of every page in man/ works as
# pasted.  tests/man-examples extracts each .Dl line and .Bd -literal
# block; each is one check named PAGE:LINE.  An example is run with
# bash -e -o pipefail in one scratch directory, in page order, with the
# fixtures the examples refer to: a copy of examples/tinyinfer that is a
# git repository with a remote origin (a local bare one), the examples/
# directory, a policy, record streams, inventories, a Slurm cluster of
# tests/sched/slurm.sh and an OTLP receiver; HOME and the XDG directories
# are in the scratch directory too.  It must exit 0.
#
# Roff comment lines right above an example say otherwise:
#   .\" example: placeholder REASON   not run, reported as skipped (only
#                                    for what no test can do: a real
#                                    cluster, a GPU, apt-get as root)
#   .\" example: file NAME           the contents of a file NAME: parsed by
#                                    its extension (.json one JSON value,
#                                    .jsonl a stream of JSON texts, .hex
#                                    hex bytes) and checked by the program
#                                    that reads it (check_file below)
#   .\" example: session             a session at hx's prompt, replayed on a
#                                    terminal; the output must match, with
#                                    ... standing for anything
#   .\" example: replace OLD NEW     run with OLD replaced by NEW: a system
#                                    path or a fixed port a test may not use
#   .\" example: exit N              the example exits N
#   .\" example: needs slurm         run on the Slurm of tests/sched/slurm.sh,
#                                    skipped where it cannot start (not root)
# man/hx.7 says the same in a comment.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/sched/slurm.sh"
require_program jq jq
require_program python3 python3
require_program bash bash
require_program cmake cmake
require_program qemu-riscv64 qemu-user
require_program riscv64-linux-gnu-gcc gcc-riscv64-linux-gnu
use_test_git
# Only the examples that need Slurm skip without it.
NO_SLURM=$( (require_slurm) | sed -n 's/.*SKIP //p; s/.*but //p')

ROOT=$TRASH/root
mkdir -p "$ROOT" ex files || exit 1
"$top_srcdir/tests/man-examples" "$TRASH/ex" "$top_srcdir"/man/*.[1-9] \
    >examples || exit 1
HOME=$ROOT XDG_CACHE_HOME=$ROOT/.cache XDG_STATE_HOME=$ROOT/.state
XDG_CONFIG_HOME=$ROOT/.config XDG_RUNTIME_DIR=$ROOT/.run TMPDIR=$ROOT/.tmp
unset MAKEFLAGS MFLAGS MAKELEVEL
export HOME XDG_CACHE_HOME XDG_STATE_HOME XDG_CONFIG_HOME XDG_RUNTIME_DIR \
    TMPDIR

if [ -z "$NO_SLURM" ]; then
	start_slurm >slurm.log 2>&1 || { cat slurm.log; exit 1; }
fi
trap 'kill $RECEIVER 2>/dev/null; stop_slurm' EXIT
mkdir -p otlp
"$top_srcdir/tests/trace/otlp-receiver" "$TRASH/otlp" &
RECEIVER=$!
while [ ! -s otlp/port ]; do
	kill -0 $RECEIVER || exit 1
	sleep 0.1
done
OTLP_URL=http://127.0.0.1:$(cat otlp/port)
export OTLP_URL

# fixtures: what the examples refer to, in $ROOT.
fixtures() {
	cd "$ROOT" &&
	mkdir -p .cache .state .config .run .tmp build ci examples \
	    textfiles src/myproject &&
	chmod 700 .run &&
	cp -R "$top_srcdir/examples/tinyinfer/." . &&
	cp -R "$top_srcdir/examples/tinyinfer" "$top_srcdir/examples/policies" \
	    examples/ &&
	cp -R "$top_srcdir/examples/tinyinfer/." src/myproject &&
	printf '%s\n' .cache .state .config .run .tmp src >.gitignore &&
	cat >policy.json <<-\EOF &&
	{"name": "examples", "rules": [{"rule": "tests-pass"}]}
	EOF
	cat >CMakeLists.txt <<-\EOF &&
	cmake_minimum_required(VERSION 3.13)
	project(tinyinfer C)
	file(GLOB SOURCES src/*.c)
	add_library(tinyinfer ${SOURCES})
	target_include_directories(tinyinfer PUBLIC include)
	EOF
	cat >pwcet.json <<-\EOF &&
	{"name": "times", "rules": [{"rule": "pwcet", "p": 1e-9,
	 "budgets": {"*": "2e6 ns"}}]}
	EOF
	echo test_conv >ci/quarantine.txt &&
	printf 'int main(void) { return 0; }\n' >t.c &&
	riscv64-linux-gnu-gcc -o build/t t.c &&
	awk 'BEGIN { srand(7); for (i = 0; i < 60; i++)
	    printf "%.3f\n", 100 - 10 * log(-log(rand())) }' >maxima.txt &&
	awk 'BEGIN { srand(8); for (i = 0; i < 200; i++)
	    printf "%d\n", 1000000 + int(50000 * rand()) }' >times.txt &&
	hx-build -t riscv64-gcc . >artifacts.jsonl &&
	hx-emu -c <artifacts.jsonl >run.jsonl &&
	gzip -c run.jsonl >run.jsonl.gz &&
	cp run.jsonl today.jsonl && cp run.jsonl.gz golden.jsonl.gz &&
	cp "$FILES/sched/kubectl.json" nodes.json &&
	jq 'del(.digest, .version)' "$top_srcdir/toolchains/riscv64-gcc.json" \
	    >my-gcc.json &&
	git init -q -b main && git add -A && git commit -q -m fixtures &&
	git clone -q --bare . ../origin.git &&
	git remote add origin ../origin.git && git fetch -q origin &&
	hx-emu -c <artifacts.jsonl | hx-wcet |
	    hx-gate -q -p policy.json --record-baseline >/dev/null
}

# check_file PAGE NAME FILE: FILE, the example NAME of PAGE, is what the
# program that reads it accepts.
check_file() {
	case "$1 $2" in
	"hx-inventory.5 inventory.jsonl")
		hx-sched plan --inventory "$3" </dev/null ;;
	"hx-reservations.5 reservations.jsonl")
		hx-sched plan --inventory "$TRASH/files/inventory.jsonl" \
		    --reservations "$3" </dev/null ;;
	"hx-policy.5 policy.json")
		hx-gate -p "$3" "$ROOT/run.jsonl" >out
		test $? -le 1 &&
		tail -n 1 out | jq -r '.type, (.rules[] | .rule)' >got &&
		printf '%s\n' gate stages tests-pass flaky-rate required pwcet \
		    pwcet no-regression custom no-errors >want &&
		test_cmp want got ;;
	"hx-project.5 tinyinfer.json")
		jq -S . "$top_srcdir/examples/tinyinfer/hx.json" >want &&
		jq -S . "$3" >got && test_cmp want got ;;
	"hx-project.5 kernels.json")
		mkdir -p kernels && cp "$3" kernels/hx.json &&
		cat >kernels/CMakeLists.txt <<-\EOF &&
		cmake_minimum_required(VERSION 3.13)
		project(kernels C)
		add_executable(test_gemm test_gemm.c)
		EOF
		echo 'int main(void) { return 0; }' >kernels/test_gemm.c &&
		hx-build -t riscv64-gcc kernels | hx-emu >out &&
		jq -se 'map(select(.type == "test")) |
		    length == 1 and all(.status == "pass")' out ;;
	"hx-records.5 records.jsonl")
		test_status 1 hx-gate -p "$ROOT/policy.json" "$3" >out &&
		tail -n 1 out | jq -r '.rules[] | select(.status == "fail") |
		    .name' >got &&
		printf '%s\n' tests-pass no-errors >want && test_cmp want got ;;
	"hx-toolchain.5 riscv64-gcc.json")
		f="$top_srcdir/toolchains/riscv64-gcc.json"
		jq -S 'del(.digest, .version)' "$f" >want &&
		jq -S 'del(.digest, .version)' "$3" >got && test_cmp want got &&
		jq -r .digest "$3" | grep -q '^[0-9a-f]*\.\.\.$' ;;
	"hx-node-manifest.5 node.json")
		hx-sched health --manifest "$3" --state nm </dev/null ;;
	"hx-offload.5 request.hex") ;;
	"hx-offload.5 reply.hex")
		hx-offload --listen unix:o.sock --ready-fd 3 3>ready &
		pid=$!
		while [ ! -s ready ] && kill -0 $pid; do sleep 0.1; done
		python3 -c '
import socket, struct, sys
def frame(s):
	b = b""
	while len(b) < 24 or len(b) < 24 + struct.unpack("<I", b[20:24])[0]:
		c = s.recv(4096)
		if not c:
			break
		b += c
	return b
s = socket.socket(socket.AF_UNIX)
s.connect("o.sock")
hello = struct.pack("<HHIH", 1, 1, 65536, 0)
s.sendall(b"HXOF" + struct.pack("<HHIQI", 1, 1, 0, 0, len(hello)) + hello)
if frame(s)[6:8] != b"\x02\x00":
	sys.exit("no welcome")
s.sendall(open(sys.argv[1], "rb").read())
got = frame(s)
print(got.hex())
sys.exit(got != open(sys.argv[2], "rb").read())' \
		    "$TRASH/files/request.hex.bin" "$3.bin"
		rc=$?
		kill $pid
		return $rc ;;
	*)
		echo "no check for $2 of $1"
		return 1 ;;
	esac
}

# file_example N PAGE NAME: example N of PAGE, the file NAME, parses and
# is accepted by its reader.
file_example() {
	f="$TRASH/files/$3"
	case $3 in
	*.jsonl)
		jq -c . "$TRASH/ex/$1" >"$f" && test -s "$f" ;;
	*.json)
		jq -e . "$TRASH/ex/$1" >/dev/null &&
		test "$(jq -s length "$TRASH/ex/$1")" = 1 &&
		cp "$TRASH/ex/$1" "$f" ;;
	*.hex)
		! grep -q '[^0-9a-f ]' "$TRASH/ex/$1" &&
		cp "$TRASH/ex/$1" "$f" &&
		tr -d ' \n' <"$f" | xxd -r -p >"$f.bin" &&
		python3 -c '
import struct, sys
b = open(sys.argv[1], "rb").read()
n = struct.unpack("<I", b[20:24])[0]
sys.exit(b[:4] != b"HXOF" or len(b) != 24 + n)' "$f.bin" ;;
	*)
		echo "no parser for $3"
		false ;;
	esac && check_file "$2" "$3" "$f"
}

# run_example N STATUS: example N run in $ROOT exits STATUS.
run_example() {
	cd "$ROOT" && cat "$TRASH/ex/$1" &&
	test_status "$2" bash -e -o pipefail "$TRASH/ex/$1" </dev/null
}

test_expect_success 'the fixtures the examples refer to' fixtures

while IFS="$(printf '\t')" read -r n page line kind arg needs <&9; do
	if [ "$needs" = slurm ] && [ -n "$NO_SLURM" ]; then
		test_skip_unless_required "$page:$line" "$NO_SLURM"
		continue
	fi
	case $kind in
	run)
		test_expect_success "$page:$line" "run_example $n $arg" ;;
	file)
		test_expect_success "$page:$line (file $arg)" \
		    "file_example $n $page $arg" ;;
	session)
		test_expect_success "$page:$line (session)" \
		    "cd \"\$ROOT\" && \"\$top_srcdir/tests/man-examples\" \
		    --session \"\$TRASH/ex/$n\"" ;;
	placeholder)
		test_count=$((test_count + 1))
		echo "ok $test_count - $page:$line # SKIP placeholder: $arg" ;;
	esac
done 9<examples

test_done
