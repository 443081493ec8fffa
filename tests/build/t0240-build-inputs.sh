#!/bin/sh
# hx-build and what it reads: path patterns that would take a
# backtracking matcher exponential time, symbolic links among the input
# files, and manifests of the wrong shape, named at file:line:column.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/build/build-lib.sh"

make_repo repo || exit 1

# Eleven "*a" then "*b": a plain backtracking matcher tries some 10^9
# ways on a 40-character name before it says no.
slow='*a*a*a*a*a*a*a*a*a*a*a*b'
forty_a=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
ending_b=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab

test_expect_success 'a pathological build_files pattern: the right answer' '
	jq --arg p "$slow" ".build_files += [\$p]" repo/hx.json >hx.json &&
	cp hx.json repo/hx.json && commit_all repo "pattern" &&
	echo one >repo/$forty_a && commit_all repo "no match" &&
	timeout 10 hx-build -q -t riscv64-gcc --changed-since HEAD~1 -o o \
		repo >r1 &&
	test -z "$(jq -r "select(.affected) | .name" r1)" &&
	echo two >repo/$ending_b && commit_all repo "match" &&
	timeout 10 hx-build -q -t riscv64-gcc --changed-since HEAD~1 -o o \
		repo >r2 &&
	test "$(jq -r "select(.affected) | .name" r2 | wc -l)" -eq 6
'

test_expect_success 'a link to a directory inside the project is followed' '
	git clone -q repo linked &&
	ln -s src linked/srclink &&
	hx-build -q -t riscv64-gcc -o linked-out linked >linked.rec &&
	test "$(jq -r .status linked.rec | sort -u)" = ok
'

# refused LINK TARGET STATUS MESSAGE: hx-build on a clone with LINK
# pointing at TARGET exits STATUS naming LINK, and writes no record.
refused() {
	rm -rf bent && git clone -q repo bent &&
	ln -s "$2" "bent/$1" &&
	test_status "$3" hx-build -q -t riscv64-gcc -o bent-out bent \
		>out 2>err &&
	test_must_be_empty out &&
	grep -F "bent/$1: $4" err
}

test_expect_success 'a link out of the project is refused, exit 3' '
	refused outside /usr/include 3 \
		"symbolic link leads out of the project (to /usr/include)"
'

test_expect_success 'a link to a directory above it is a loop, exit 3' '
	refused src/up .. 3 "symbolic link loop (to " &&
	refused self self 3 "symbolic link loop"
'

test_expect_success 'a dangling input link is refused; any other is not one' '
	refused src/ghost.c nowhere.c 3 "symbolic link to nothing" &&
	rm -rf bent && git clone -q repo bent && ln -s nowhere bent/notes &&
	jq ".inputs = [\"Makefile\", \"include/**\", \"src/*.c\", \
		\"src/*.h\", \"tests/**\", \"bench/**\", \
		\"tools/weights2h.sh\"]" repo/hx.json \
		>bent/hx.json &&
	hx-build -q -t riscv64-gcc -o bent-out bent >bent.rec
'

# malformed JQ MESSAGE: hx.json changed by JQ is refused with exit 3 and
# MESSAGE (a pattern), no record written.
malformed() {
	rm -rf shape && git clone -q repo shape &&
	jq "$1" repo/hx.json >shape/hx.json &&
	test_status 3 hx-build -q -t riscv64-gcc -o shape-out shape \
		>out 2>err &&
	test_must_be_empty out &&
	grep "^hx-build: shape/hx.json:[0-9]*:[0-9]*: $2\$" err
}

test_expect_success 'hx.json: wrong types are refused where they are' '
	malformed ".outputs[4].args = [\"--samples\", 64]" \
		"args: expected a string" &&
	malformed ".outputs[4].env.TINYINFER_VERBOSE = 0" \
		"env: TINYINFER_VERBOSE: expected a string" &&
	malformed ".outputs[4].env = [1]" "env: expected an object of strings" &&
	malformed ".outputs[0].kind = 1" "kind: expected a string" &&
	malformed ".outputs[0].kind = \"dll\"" \
		"kind: exe, test or lib, not \"dll\"" &&
	malformed ".system = [\"make\"]" "system: expected a string" &&
	malformed ".outputs[1].cwd = 7" "cwd: expected a string" &&
	malformed ".name = 7" "name: expected a string"
'

test_expect_success 'hx.json: unknown keys and duplicate outputs are refused' '
	malformed ".buld = [\"make\"]" "unknown key \"buld\"" &&
	malformed ".outputs[2].timeout = 5" "unknown key \"timeout\"" &&
	malformed ".outputs[3].name = \"test_dense\"" \
		"outputs: the name \"test_dense\" is declared twice" &&
	malformed ".outputs[3].path = \"test_dense\"" \
		"outputs: the path \"test_dense\" is declared twice"
'

test_expect_success 'hx.json: the line and column are those of the value' '
	mkdir -p at &&
	printf "%s\n" "{" "  \"name\": \"at\"," "  \"build\": [\"make\"]," \
		"  \"outputs\": [" "    { \"name\": \"t\", \"path\": \"t\"," \
		"      \"args\": [\"-v\", false] }" "  ]" "}" >at/hx.json &&
	test_status 3 hx-build -t riscv64-gcc -o at-out at >out 2>err &&
	echo "hx-build: at/hx.json:6:22: args: expected a string" >want &&
	test_cmp want err
'

# toolchain JQ: the shipped riscv64-gcc manifest changed by JQ.
toolchain() {
	jq "$1" "$top_srcdir/toolchains/riscv64-gcc.json"
}

test_expect_success 'a toolchain manifest type error names its line' '
	toolchain ".cc_args = [\"-O2\", 3]" >tc-args.json &&
	test_status 3 hx-build -t tc-args.json -o x repo >out 2>err &&
	line=$(grep -n "^    3\$" tc-args.json | cut -d: -f1) &&
	echo "hx-build: tc-args.json:$line:5: cc_args: expected a string" \
		>want &&
	test_cmp want err &&
	toolchain ".ar = 5" >tc-ar.json &&
	test_status 3 hx-build -t tc-ar.json -o x repo >out 2>err &&
	line=$(grep -n "\"ar\": 5" tc-ar.json | cut -d: -f1) &&
	grep "^hx-build: tc-ar.json:$line:[0-9]*: ar: expected a string\$" err
'

test_expect_success 'a manifest that is a directory: exit 4, EISDIR' '
	mkdir dir.json &&
	test_status 4 hx-build -t dir.json -o x repo >out 2>err &&
	test_must_be_empty out &&
	echo "hx-build: dir.json: Is a directory" >want && test_cmp want err &&
	rm -rf dirproj && git clone -q repo dirproj &&
	rm dirproj/hx.json && mkdir dirproj/hx.json &&
	test_status 4 hx-build -t riscv64-gcc -o x dirproj >out 2>err &&
	echo "hx-build: dirproj/hx.json: Is a directory" >want &&
	test_cmp want err
'

test_expect_success 'a manifest that is a symbolic link loop: exit 4, ELOOP' '
	ln -s loop.json loop.json &&
	test_status 4 hx-build -t loop.json -o x repo >out 2>err &&
	echo "hx-build: loop.json: Too many levels of symbolic links" >want &&
	test_cmp want err
'

test_expect_success 'an empty sysroot is measured (no qsort of nothing)' '
	mkdir -p empty-root &&
	toolchain ".sysroot = \"$PWD/empty-root\"" >empty-root.json &&
	hx-build -t empty-root.json --no-cache --pin empty-pin.json &&
	jq -r .digest empty-pin.json | grep -E "^[0-9a-f]{64}\$"
'

test_done
