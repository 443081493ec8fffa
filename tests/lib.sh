# tests/lib.sh: TAP helpers for the end-to-end tests, after git's test-lib.
#
# Each script sources this, runs test_expect_success for each check (the
# body is a && chain run in a subshell in a trash directory of its own) and
# ends with test_done.  A script whose component is missing calls skip_all;
# with HX_TEST_REQUIRE=1 (as CI sets it) that is a failure instead.

set -u
: "${top_srcdir:?run the tests through make check}"
: "${top_builddir:?run the tests through make check}"

test_name=$(basename "$0" .sh)
TRASH="$top_builddir/tests/trash.$test_name"
FILES="$top_srcdir/tests/files"
EXPECTED="$top_srcdir/tests/expected"
PATH="$top_builddir/cmd:$top_builddir/tests/rec:$top_builddir/tests/wcet:$PATH"
LC_ALL=C
# A well-formed sha256 for artifact records a test writes by hand.
ZERO_SHA256=0000000000000000000000000000000000000000000000000000000000000000

# with_sha256: the artifact record on stdin with the sha256 of its path's
# file (relative to the current directory), or zeros when there is none.
with_sha256() {
	jq -c . | while IFS= read -r rec; do
		p=$(printf '%s\n' "$rec" | jq -r .path)
		s=$ZERO_SHA256
		[ -f "$p" ] && s=$(sha256sum <"$p" | cut -c1-64)
		printf '%s\n' "$rec" | jq -c --arg s "$s" '.sha256 = $s'
	done
}
export PATH LC_ALL
unset HX_LINE_MAX HX_SYSROOT
# A script stopped by a signal (the watchdog, ^C) ends through exit, so
# that the EXIT trap a script sets to stop its servers still runs.
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

rm -rf "$TRASH"
mkdir -p "$TRASH"
cd "$TRASH" || exit 1

test_count=0
test_failed=0

# test_expect_success DESCRIPTION BODY
test_expect_success() {
	test_count=$((test_count + 1))
	if (eval "$2") >"log.$test_count" 2>&1; then
		echo "ok $test_count - $1"
	else
		echo "not ok $test_count - $1"
		sed 's/^/# /' "log.$test_count"
		test_failed=$((test_failed + 1))
	fi
}

# test_cmp EXPECTED ACTUAL: show a diff when they differ.
test_cmp() {
	diff -u "$1" "$2"
}

# test_must_be_empty FILE: show FILE when it is not empty.
test_must_be_empty() {
	if [ -s "$1" ]; then
		cat "$1"
		return 1
	fi
}

# test_status CODE COMMAND...: run COMMAND and require exit status CODE.
test_status() {
	want=$1
	shift
	"$@"
	got=$?
	if [ "$got" -ne "$want" ]; then
		echo "exit status $got, wanted $want: $*" >&2
		return 1
	fi
}

# skip_all REASON: nothing here can run without a missing component.
skip_all() {
	if [ "${HX_TEST_REQUIRE:-0}" = 1 ]; then
		echo "1..1"
		echo "not ok 1 - HX_TEST_REQUIRE=1 but $1"
		exit 1
	fi
	echo "1..0 # SKIP $1"
	exit 0
}

# require_program PROGRAM PACKAGE: skip_all unless PROGRAM is in PATH.
require_program() {
	command -v "$1" >/dev/null 2>&1 ||
		skip_all "$1 is missing (Debian package $2)"
}

# require_oracle PACKAGE: skip_all unless the npm PACKAGE of
# tests/oracles/package.json is installed (./quickstart test installs them;
# HX_ORACLES names another node_modules); exports NODE_PATH for node.
require_oracle() {
	require_program node nodejs
	NODE_PATH=${HX_ORACLES:-$top_srcdir/tests/oracles/node_modules}
	[ -d "$NODE_PATH/$1" ] ||
		skip_all "npm package $1 is missing (./quickstart test installs it)"
	export NODE_PATH
}

# use_test_git: skip_all unless git is there; commits by a fixed author,
# no system or user configuration, no CI target branch, no outer repository.
use_test_git() {
	require_program git git
	GIT_AUTHOR_NAME=hx GIT_AUTHOR_EMAIL=hx@example.org
	GIT_COMMITTER_NAME=hx GIT_COMMITTER_EMAIL=hx@example.org
	GIT_CONFIG_NOSYSTEM=1 HOME=$PWD
	export GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME
	export GIT_COMMITTER_EMAIL GIT_CONFIG_NOSYSTEM HOME
	unset CI_MERGE_REQUEST_TARGET_BRANCH_NAME GITHUB_BASE_REF GIT_DIR \
	    GIT_WORK_TREE
}

# baseline_note REPO REV: the records of the baseline note of REV in REPO,
# decoded: the line "hx-baseline gzip base64", then the base64 of their
# gzip (hx-records(5)).
baseline_note() {
	git -C "$1" notes --ref=hx-baseline show "$2" | {
		read -r first && test "$first" = "hx-baseline gzip base64" &&
			base64 -d | gzip -dc
	}
}

# scipy_python: set PYTHON to a python 3 that has scipy (the one in PATH,
# or Debian's), or to nothing.
scipy_python() {
	PYTHON=
	for p in python3 /usr/bin/python3; do
		if "$p" -c "import scipy.stats" >/dev/null 2>&1; then
			PYTHON=$p
			return
		fi
	done
}

# test_skip_unless_required DESCRIPTION REASON: report one check as skipped
# because REASON; with HX_TEST_REQUIRE=1 it fails instead.
test_skip_unless_required() {
	test_count=$((test_count + 1))
	if [ "${HX_TEST_REQUIRE:-0}" = 1 ]; then
		echo "not ok $test_count - $1 # HX_TEST_REQUIRE=1 but $2"
		test_failed=$((test_failed + 1))
	else
		echo "ok $test_count - $1 # SKIP $2"
	fi
}

# require_riscv64_sysroot: skip_all unless Debian's riscv64 sysroot is there.
require_riscv64_sysroot() {
	test -e /usr/riscv64-linux-gnu/lib/ld-linux-riscv64-lp64d.so.1 &&
		test -e /usr/riscv64-linux-gnu/lib/libc.so.6 ||
		skip_all "the riscv64 sysroot is missing (Debian package libc6-dev-riscv64-cross)"
}

# gone PID: PID ends (or is a zombie) within a few seconds.
gone() {
	n=0
	while [ $n -lt 50 ]; do
		state=$(sed 's/.*) //' /proc/$1/stat 2>/dev/null | cut -c1)
		[ -z "$state" ] || [ "$state" = Z ] && return 0
		sleep 0.1
		n=$((n + 1))
	done
	echo "process $1 is still there" >&2
	return 1
}

test_done() {
	echo "1..$test_count"
	[ "$test_failed" -eq 0 ]
	exit $?
}
