#!/bin/sh
# hx init: start using hx in a project.  Detect its build system, build it
# once with the target's cross toolchain the way hx-build does, find the
# ELF programs it made, and write a starting hx.json (hx-project(5)), a
# starting policy with a description on every rule (hx-policy(5)) and the
# CI files for GitLab and GitHub Actions; keep every existing file unless
# asked to replace it.  hx(1) runs this program for `hx init'.
set -u

prog='hx init'
bindir='@bindir@'
pkgdatadir='@pkgdatadir@'
srcdir='@abs_top_srcdir@'

usage() {
	cat <<'EOF'
Usage: hx init [-fh] [-t target] [DIR]
Detect the make, CMake or autotools project in DIR (default .), build it
once for the target to find its programs and tests, and write a starting
hx.json, hx-policy.json, .gitlab-ci.yml and .github/workflows/hx.yml.
An existing file is kept unless --force is given.

Options:
  -f, --force          replace files that exist
  -h, --help           show this help and exit
  -t, --target TARGET  the toolchain to build with (default riscv64-gcc)
EOF
}

@common@

# The CI templates: in the source tree beside the build tree, relative to
# an installed (or relocated) libexec/hx, or in the configured data dir.
find_templates() {
	for d in "$self/../examples/ci" "$self/../../share/hx/ci" \
	    "$pkgdatadir/ci" "$srcdir/examples/ci"; do
		if [ -f "$d/.gitlab-ci.yml" ]; then
			echo "$d"
			return 0
		fi
	done
	return 1
}

# The ELF machine number, as od prints its two bytes, of target $1.
elf_machine() {
	case $1 in
	riscv64*) echo "f3 00" ;;
	x86_64*) echo "3e 00" ;;
	aarch64*) echo "b7 00" ;;
	*) return 1 ;;
	esac
}

# The kind of file $1: exe for an ELF executable of the target, lib for
# an ar archive, nothing otherwise.
file_kind() {
	head=$(od -An -tx1 -N20 "$1" 2>/dev/null | tr -s ' \n' '  ')
	case $head in
	" 21 3c 61 72 63 68 3e 0a"*)
		case $1 in */lib*.a) echo lib ;; esac ;;
	" 7f 45 4c 46 02 01 "*)
		set -- $head
		# e_type (bytes 16, 17) executable or PIE; e_machine (18, 19).
		case "${17} ${18}" in
		"02 00"|"03 00") ;;
		*) return 0 ;;
		esac
		[ "${19} ${20}" = "$machine" ] && echo exe ;;
	esac
	return 0
}

# The names the build itself calls tests: automake's TESTS and
# check_PROGRAMS, or what ctest lists.
listed_tests() {
	case $system in
	cmake)
		ctest --test-dir build -N 2>/dev/null |
		    sed -n 's/^ *Test *#[0-9]*: *//p' ;;
	*)
		printf 'hx-init-list:\n\t@echo $(TESTS) $(check_PROGRAMS)\n' |
		    env -i PATH="$PATH" make -s -f Makefile -f - hx-init-list \
		    2>/dev/null |
		    tr ' ' '\n' | sed 's/\$(EXEEXT)//; s/\.[a-z]*$//; s|.*/||' ;;
	esac
}

# Write file $2 from standard input unless it exists and --force was not
# given; say which it did.
put() {
	if [ -e "$dir/$1" ] && [ "$force" = 0 ]; then
		echo "hx init: kept $1 (--force replaces it)" >&2
		cat >/dev/null
		return 0
	fi
	mkdir -p "$(dirname "$dir/$1")" &&
	    cat >"$dir/$1.hx-init" && mv "$dir/$1.hx-init" "$dir/$1" ||
	    die 4 "$1: cannot write"
	echo "hx init: wrote $1" >&2
}

force=0
target=riscv64-gcc
while [ $# -gt 0 ]; do
	case $1 in
	-f|--force) force=1 ;;
	-h|--help) usage; exit 0 ;;
	-t|--target)
		[ $# -ge 2 ] || die 2 "$1 needs a target"
		target=$2
		shift ;;
	--target=*) target=${1#--target=} ;;
	--) shift; break ;;
	-*) die 2 "bad option: $1 (see hx init --help)" ;;
	*) break ;;
	esac
	shift
done
[ $# -le 1 ] || die 2 "unexpected argument: $2"
dir=${1:-.}
[ -d "$dir" ] || die 2 "$dir: not a directory"
self=$(cd "$(dirname "$0")" && pwd)
dir=$(cd "$dir" && pwd)

if [ -f "$dir/CMakeLists.txt" ]; then
	system=cmake
	configure='["cmake", "-S", ".", "-B", "build"]'
	build='["cmake", "--build", "build", "-j2"]'
elif [ -f "$dir/configure.ac" ] || [ -f "$dir/configure.in" ] ||
    [ -f "$dir/configure" ]; then
	system=autotools
	if [ -x "$dir/configure" ]; then
		configure='["./configure"]'
	else
		configure='["sh", "-c",
    "autoreconf -fi && exec ./configure \"$@\"", "configure"]'
	fi
	# check_PROGRAMS too, and no test run: TESTS is empty.
	build='["make", "-j2", "check", "TESTS="]'
elif [ -f "$dir/Makefile" ] || [ -f "$dir/GNUmakefile" ] ||
    [ -f "$dir/makefile" ]; then
	system=make
	configure=
	build='["make", "-j2"]'
else
	die 3 "$dir: no CMakeLists.txt, configure.ac or Makefile:" \
	    "not a make, CMake or autotools project"
fi

templates=$(find_templates) || die 4 "the CI templates are not installed"
hxbuild=$(find_tool build) || die 4 "hx-build not found"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hx-init.XXXXXX") || die 4 "mktemp failed"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 4' HUP INT TERM
mkdir "$tmp/src"
# A git work tree gives its files without build products; else copy all.
if git -C "$dir" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git -C "$dir" ls-files -co --exclude-standard -z >"$tmp/files"
fi
if [ -s "$tmp/files" ]; then
	tar -C "$dir" --null -T "$tmp/files" -cf -
else
	tar -C "$dir" --exclude=./.git --exclude=./hx-out -cf - .
fi | tar -C "$tmp/src" -xf - || die 4 "$dir: cannot copy the project"

"$hxbuild" -t "$target" --print-env "$tmp/src" >"$tmp/env" ||
    die 4 "hx-build -t $target --print-env failed"
log=$dir/hx-init.log
echo "hx init: building $dir ($system) for $target" >&2
if [ "$system" = cmake ]; then
	"$hxbuild" -t "$target" --emit-cmake-toolchain "$tmp/tc.cmake" ||
	    die 4 "hx-build -t $target --emit-cmake-toolchain failed"
	echo "export CMAKE_TOOLCHAIN_FILE='$tmp/tc.cmake'" >>"$tmp/env"
fi
# As in hx-build, no other variable of the caller (MAKEFLAGS of an outer
# make, say) reaches the build.
env -i PATH="$PATH" HOME="$tmp" TMPDIR="${TMPDIR:-/tmp}" sh -c '
	. "$1" && cd "$2" || exit 1
	case $3 in
	cmake) cmake -S . -B build && cmake --build build -j2 ;;
	autotools)
		{ [ -x configure ] || autoreconf -fi; } &&
		    ./configure --host="$HX_TARGET" && make -j2 check TESTS= ;;
	make) make -j2 ;;
	esac
' hx-init "$tmp/env" "$tmp/src" "$system" >"$log" 2>&1 ||
    die 4 "the build failed; its log is $log"
rm -f "$log"
triple=$(sed -n "s/^export HX_TARGET='\(.*\)'$/\1/p" "$tmp/env")
machine=$(elf_machine "$triple") || die 4 "$target: unknown ELF machine"

# The outputs, one "kind path" per line, tests marked by their names.
tests=$(cd "$tmp/src" && listed_tests)
(cd "$tmp/src" && find . -name .git -prune -o -type f -print | sed 's|^\./||' |
    LC_ALL=C sort) | while read -r path; do
	kind=$(file_kind "$tmp/src/$path")
	[ -n "$kind" ] || continue
	case $path in *.so|*.so.*|*.o|CMakeFiles/*|*/CMakeFiles/*) continue ;; esac
	base=${path##*/}
	if [ "$kind" = exe ]; then
		case $base in
		test_*|test-*|*_test|*-test) kind=test ;;
		*) printf '%s\n' "$tests" | grep -qxF "$base" && kind=test ;;
		esac
	fi
	echo "$kind $path"
done >"$tmp/outputs"
[ -s "$tmp/outputs" ] || die 4 "the build made no $triple program or library"

# The outputs of hx.json from "kind path" lines: named by their file names,
# without .a, or by their paths where two share a name; "kind name" lines,
# with the names as JSON strings, go to the file names.
outputs_awk='
function js(s) {
	gsub(/\\/, "\\\\", s)
	gsub(/"/, "\\\"", s)
	return "\"" s "\""
}
{
	kind[NR] = $1
	path[NR] = substr($0, length($1) + 2)
	b = path[NR]
	sub(/.*\//, "", b)
	sub(/\.a$/, "", b)
	base[NR] = b
	n[b]++
}
END {
	for (i = 1; i <= NR; i++) {
		nm = n[base[i]] > 1 ? path[i] : base[i]
		printf "%s    { \"name\": %s, \"path\": %s, \"kind\": \"%s\" }",
		    (i > 1 ? ",\n" : ""), js(nm), js(path[i]), kind[i]
		print kind[i], js(nm) >names
	}
}'
name=$(basename "$dir")
{
	printf '{\n  "name": %s,\n  "system": "%s",\n' "$(json_str "$name")" \
	    "$system"
	[ -z "$configure" ] || printf '  "configure": %s,\n' "$configure"
	printf '  "build": %s,\n' "$build"
	printf '  "no_timing": ["*.md", "docs/**", ".gitlab-ci.yml", %s\n' \
	    '".github/**", "hx-policy.json"],'
	printf '  "outputs": [\n'
	awk -v names="$tmp/names" "$outputs_awk" "$tmp/outputs"
	printf '\n  ]\n}\n'
} >"$tmp/hx.json" || die 4 "cannot write hx.json"

timed=$(awk '$1 != "lib" { t = t sep substr($0, length($1) + 2); sep = ", " }
    END { print t }' "$tmp/names")
{
	cat <<EOF
{
  "name": $(json_str "$name-pr"),
  "description": "Written by hx init: when a change to $(json_str "$name" | tr -d '"') may merge. Set the budgets of the pwcet rule from the pwcet the first runs report, then make it binding.",
  "stages": ["build", "emu", "wcet"],
  "rules": [
    {"rule": "tests-pass",
     "description": "Every test passes under QEMU; a test the quarantine list names does not fail the gate."},
    {"rule": "flaky-rate", "max": 0.05,
     "description": "At most 5% of the tests that ran more than once gave different results."},
    {"rule": "required", "name": "artifacts", "type": "artifact",
     "field": "target", "values": [$(json_str "$triple")],
     "match": {"status": "ok"},
     "description": "Every output was built for $triple without error."},
EOF
	[ -z "$timed" ] || cat <<EOF
    {"rule": "required", "name": "timed", "type": "wcet",
     "field": "name", "values": [$timed],
     "description": "Every program found by hx init was run and timed; add a program here when you add it to hx.json."},
EOF
	cat <<EOF
    {"rule": "pwcet", "p": 1e-9, "advisory": true,
     "budgets": {"*": "1e9 insns"},
     "description": "The instruction count exceeded with probability 1e-9 stays within each group's budget. Advisory, with a placeholder budget, until you set real budgets per group (as \"test_foo\": \"2e6 insns\") and remove advisory."},
    {"rule": "no-regression", "threshold": 0.01,
     "missing_baseline": "skip",
     "description": "No group is more than 1% slower than the baseline of the target branch (the git note hx-gate --record-baseline writes); skipped while there is no baseline."}
  ]
}
EOF
} >"$tmp/policy.json" || die 4 "cannot write hx-policy.json"

put hx.json <"$tmp/hx.json"
put hx-policy.json <"$tmp/policy.json"
put .gitlab-ci.yml <"$templates/.gitlab-ci.yml"
put .github/workflows/hx.yml <"$templates/github-actions.yml"
exit 0
