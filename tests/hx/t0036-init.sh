#!/bin/sh
# hx init on a scratch make project with a riscv64 test: the hx.json, the
# policy and the CI files it writes, that it keeps existing files, and
# that its CI files, run line by line the way GitLab's and GitHub's
# runners would, gate a passing and a failing change and leave the JUnit
# reports, the summary and the baseline note a merge request shows.
. "$top_srcdir/tests/lib.sh"
require_program riscv64-linux-gnu-gcc gcc-riscv64-linux-gnu
require_program qemu-riscv64 qemu-user
require_program python3 python3
python3 -c "import yaml" 2>/dev/null ||
	skip_all "python3's yaml is missing (Debian package python3-yaml)"
use_test_git
require_program jq jq
for p in hx hx-init hx-build hx-emu hx-wcet hx-gate; do
	test -x "$top_builddir/cmd/$p" || skip_all "$p is not built"
done
# The build tree's hx stands in for the installed one.
PATH=$top_builddir/cmd:$PATH
RUNNER=$top_srcdir/tests/hx/ci-runner.py
unset HX_CACHE_DIR GITHUB_EVENT_NAME GITHUB_REF_NAME CI_PIPELINE_SOURCE \
    CI_COMMIT_BRANCH CI_DEFAULT_BRANCH CI_OPEN_MERGE_REQUESTS
# riscv64-gcc as installed here, pinned, as a runner would pin its own.
mkdir toolchains
hx-build -t riscv64-gcc --pin toolchains/riscv64-gcc.json 2>/dev/null ||
	skip_all "hx-build cannot pin riscv64-gcc"
HX_TOOLCHAIN_DIR=$PWD/toolchains
export HX_TOOLCHAIN_DIR

mkdir proj
cat >proj/Makefile <<'EOF'
all: libsum.a test_sum sumbench
libsum.a: sum.o
	$(AR) rcs $@ sum.o
test_sum: test_sum.o libsum.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ test_sum.o libsum.a
sumbench: sumbench.o libsum.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ sumbench.o libsum.a
EOF
cat >proj/sum.c <<'EOF'
long
sum(const int *v, int n)
{
	long s = 0;
	int i;

	for (i = 0; i < n; i++)
		s += v[i];
	return s;
}
EOF
cat >proj/test_sum.c <<'EOF'
#include <stdio.h>
long sum(const int *, int);
int
main(void)
{
	int v[] = { 1, 2, 3 };

	if (sum(v, 3) != 6) {
		puts("sum: 1 + 2 + 3 is not 6");
		return 1;
	}
	return 0;
}
EOF
cat >proj/sumbench.c <<'EOF'
long sum(const int *, int);
int
main(void)
{
	static int v[1000];
	long s = 0;
	int i;

	for (i = 0; i < 50; i++)
		s += sum(v, 1000);
	return (int)s;
}
EOF
printf '%s\n' '*.o' '*.a' test_sum sumbench hx-out/ .hx-cache/ 'hx-*.jsonl' \
    'hx-*.xml' hx-summary.md hx-proof.tar.gz >proj/.gitignore
git init -q --bare origin.git
(cd proj && git init -q -b main && git add . && git commit -q -m start &&
    git remote add origin ../origin.git && git push -q origin main)

test_expect_success 'hx init writes hx.json, a policy and the CI files' '
	(cd proj && hx init) 2>err &&
	cat err &&
	for f in hx.json hx-policy.json .gitlab-ci.yml .github/workflows/hx.yml
	do
		grep -qx "hx init: wrote $f" err || return 1
	done &&
	jq -c ".system, [.outputs[] | [.name, .path, .kind]]" proj/hx.json \
		>actual &&
	cat >expect <<-\EOF &&
	"make"
	[["libsum","libsum.a","lib"],["sumbench","sumbench","exe"],["test_sum","test_sum","test"]]
	EOF
	test_cmp expect actual &&
	test_cmp "$top_srcdir/examples/ci/.gitlab-ci.yml" proj/.gitlab-ci.yml &&
	test_cmp "$top_srcdir/examples/ci/github-actions.yml" \
		proj/.github/workflows/hx.yml &&
	test ! -e proj/hx-init.log
'

test_expect_success 'every rule of the policy has a description' '
	jq -e "(.rules | map(select(.description | length > 20)) | length) ==
	    (.rules | length)" proj/hx-policy.json &&
	jq -c ".rules[] | select(.name == \"timed\") | .values" \
		proj/hx-policy.json >actual &&
	echo "[\"sumbench\",\"test_sum\"]" >expect &&
	test_cmp expect actual
'

test_expect_success 'hx init keeps existing files, --force replaces them' '
	echo "{}" >proj/hx-policy.json &&
	(cd proj && hx init) 2>err &&
	grep -x "hx init: kept hx-policy.json (--force replaces it)" err &&
	grep -x "hx init: kept .github/workflows/hx.yml (--force replaces it)" \
		err &&
	! grep wrote err &&
	echo "{}" >expect &&
	test_cmp expect proj/hx-policy.json &&
	(cd proj && hx init --force) 2>err &&
	grep -x "hx init: wrote hx-policy.json" err &&
	jq -e ".rules | length > 3" proj/hx-policy.json
'

test_expect_success 'hx init: no build system, a failing build' '
	mkdir empty &&
	test_status 3 hx init empty 2>err &&
	grep "no CMakeLists.txt, configure.ac or Makefile" err &&
	test ! -e empty/hx.json &&
	mkdir broken &&
	printf "all:\n\tfalse\n" >broken/Makefile &&
	test_status 4 hx init broken 2>err &&
	grep "the build failed; its log is .*/broken/hx-init.log" err &&
	test -s broken/hx-init.log &&
	test ! -e broken/hx.json
'

# init_outputs DIR: hx init DIR, then its system and outputs in hx.json,
# then the outputs hx-build built with that hx.json.
init_outputs() {
	hx init "$1" 2>err &&
	jq -c ".system, [.outputs[] | [.name, .path, .kind]]" "$1/hx.json" &&
	hx-build -q -t riscv64-gcc --cache-dir "$PWD/cache" "$1" |
		jq -c -s "[.[] | select(.type == \"artifact\") |
		    [.name, .status, .kind]]"
}

if command -v cmake >/dev/null 2>&1; then
	test_expect_success 'hx init on a CMake project: tests from ctest' '
		mkdir cm &&
		cp proj/*.c cm &&
		cat >cm/CMakeLists.txt <<-\EOF &&
		cmake_minimum_required(VERSION 3.21)
		project(sum C)
		add_library(sum STATIC sum.c)
		add_executable(sumbench sumbench.c)
		target_link_libraries(sumbench sum)
		add_executable(checksum test_sum.c)
		target_link_libraries(checksum sum)
		enable_testing()
		add_test(NAME checksum COMMAND checksum)
		EOF
		init_outputs cm >actual &&
		cat >expect <<-\EOF &&
		"cmake"
		[["checksum","build/checksum","test"],["libsum","build/libsum.a","lib"],["sumbench","build/sumbench","exe"]]
		[["checksum","ok","test"],["libsum","ok","lib"],["sumbench","ok","exe"]]
		EOF
		test_cmp expect actual
	'
else
	test_skip_unless_required 'hx init on a CMake project' \
		'cmake is missing (Debian package cmake)'
fi

test_expect_success 'hx init on an autotools project: tests from check_PROGRAMS' '
	mkdir at &&
	cp proj/*.c at &&
	cat >at/configure.ac <<-\EOF &&
	AC_INIT([sum], [1])
	AM_INIT_AUTOMAKE([foreign])
	AC_PROG_CC
	AM_PROG_AR
	AC_PROG_RANLIB
	AC_CONFIG_FILES([Makefile])
	AC_OUTPUT
	EOF
	cat >at/Makefile.am <<-\EOF &&
	noinst_LIBRARIES = libsum.a
	libsum_a_SOURCES = sum.c
	bin_PROGRAMS = sumbench
	sumbench_LDADD = libsum.a
	check_PROGRAMS = checksum
	checksum_SOURCES = test_sum.c
	checksum_LDADD = libsum.a
	TESTS = checksum
	EOF
	init_outputs at >actual &&
	cat >expect <<-\EOF &&
	"autotools"
	[["checksum","checksum","test"],["libsum","libsum.a","lib"],["sumbench","sumbench","exe"]]
	[["checksum","ok","test"],["libsum","ok","lib"],["sumbench","ok","exe"]]
	EOF
	test_cmp expect actual
'

(cd proj && git add . && git commit -q -m "hx init" && git push -q origin main)

# ci KIND NAME [VAR=VALUE]...: run proj's CI file of KIND (gitlab or
# github) as CI would, with the variables, and return the job's status;
# the runner's summary goes to NAME.json, the artifacts and reports to
# NAME/, the job's output to NAME.err.
ci() {
	kind=$1 name=$2
	shift 2
	file=.gitlab-ci.yml
	[ "$kind" = github ] && file=.github/workflows/hx.yml
	rm -rf "$name" "$name.summary"
	(cd proj && git clean -qfdx -e .hx-cache &&
		env CI_PROJECT_DIR="$PWD" CI_COMMIT_SHA="$(git rev-parse HEAD)" \
		    CI_DEFAULT_BRANCH=main GITHUB_WORKSPACE="$PWD" \
		    GITHUB_SHA="$(git rev-parse HEAD)" \
		    GITHUB_STEP_SUMMARY="$OLDPWD/$name.summary" "$@" \
		    python3 "$RUNNER" ${before_push:+--before-push "$before_push"} \
		    "$kind" "$file" "$OLDPWD/$name") >"$name.err" 2>&1
	status=$?
	cp "$name/summary.json" "$name.json"
	return $status
}

# valid_junit FILE...: each FILE is well-formed XML with a testsuite.
valid_junit() {
	python3 - "$@" <<-\EOF
	import sys, xml.etree.ElementTree as ET
	for f in sys.argv[1:]:
	    root = ET.parse(f).getroot()
	    assert root.iter("testsuite"), f
	    assert any(True for _ in root.iter("testcase")), f
	EOF
}

# A note on the first commit, pushed by another pipeline just before this
# one pushes: the push is refused and must be retried after a merge.
git init -q racer && git -C racer remote add origin ../origin.git
before_push="cd $PWD/racer && git fetch -q origin main &&
	git notes --ref=hx-baseline add -m racer FETCH_HEAD~1 &&
	git push -q origin refs/notes/hx-baseline"

test_expect_success 'GitLab, default branch: passes, records and pushes the baseline' '
	ci gitlab main CI_PIPELINE_SOURCE=push CI_COMMIT_BRANCH=main &&
	cat main.err &&
	jq -e ".pipeline and .status == 0" main.json &&
	jq -e ".cache == [\".hx-cache/\", \".hx-prefix/\"]" main.json &&
	valid_junit main/junit/hx-emu-junit.xml main/junit/hx-gate-junit.xml &&
	test -s main/artifacts/hx-summary.md &&
	test -s main/artifacts/hx-proof.tar.gz &&
	grep "baseline recorded" main.err &&
	git -C origin.git notes --ref=hx-baseline list >notes &&
	test "$(wc -l <notes)" -eq 2 &&
	head=$(git -C proj rev-parse HEAD) &&
	baseline_note origin.git "$head" >records &&
	grep -q "\"type\":\"wcet\"" records &&
	test "$(git -C origin.git notes --ref=hx-baseline show main~1)" = racer
'
before_push=

test_expect_success 'GitLab, one pipeline for a branch with a merge request' '
	ci gitlab dup CI_PIPELINE_SOURCE=push CI_COMMIT_BRANCH=topic \
		CI_OPEN_MERGE_REQUESTS="group/proj!1" &&
	jq -e ".pipeline == false" dup.json &&
	ci gitlab topic CI_PIPELINE_SOURCE=push CI_COMMIT_BRANCH=topic &&
	jq -e ".pipeline == false" topic.json
'

(cd proj && git checkout -q -b good && echo "A sum." >README.md &&
    git add README.md && git commit -q -m readme && git push -q origin good)

test_expect_success 'GitLab, passing merge request: compared with the baseline' '
	ci gitlab mr-good CI_PIPELINE_SOURCE=merge_request_event \
		CI_MERGE_REQUEST_TARGET_BRANCH_NAME=main &&
	cat mr-good.err &&
	jq -e ".status == 0" mr-good.json &&
	grep "no-regression" mr-good/artifacts/hx-summary.md &&
	! grep "skip no-regression" mr-good.err &&
	git -C origin.git notes --ref=hx-baseline list >notes &&
	test "$(wc -l <notes)" -eq 2
'

(cd proj && git checkout -q -b bad main &&
    sed "s/i < n;/i < n - 1;/" sum.c >sum.c.new && mv sum.c.new sum.c &&
    git commit -q -a -m "break sum" && git push -q origin bad)

test_expect_success 'GitLab, failing merge request: fails, reports kept' '
	test_status 1 ci gitlab mr-bad CI_PIPELINE_SOURCE=merge_request_event \
		CI_MERGE_REQUEST_TARGET_BRANCH_NAME=main;
	cat mr-bad.err &&
	jq -e ".status == 1" mr-bad.json &&
	valid_junit mr-bad/junit/hx-emu-junit.xml \
		mr-bad/junit/hx-gate-junit.xml &&
	grep -q "<failure" mr-bad/junit/hx-emu-junit.xml &&
	grep -q "<failure" mr-bad/junit/hx-gate-junit.xml &&
	grep -q tests-pass mr-bad/artifacts/hx-summary.md &&
	test -s mr-bad/artifacts/hx-proof.tar.gz &&
	jq -e "select(.type == \"gate\") | .status == \"fail\"" \
		mr-bad/artifacts/hx-gate.jsonl
'

test_expect_success 'GitHub, failing pull request: fails, summary and reports kept' '
	ci github pr-bad GITHUB_EVENT_NAME=pull_request GITHUB_BASE_REF=main \
		GITHUB_REF_NAME=1/merge;
	cat pr-bad.err &&
	jq -e ".status == 1" pr-bad.json &&
	jq -e ".steps[-2] == \"skipped\" and .steps[-1] == \"used\"" \
		pr-bad.json &&
	jq -e ".uses == [\"actions/checkout\", \"actions/cache\",
	    \"actions/upload-artifact\"]" pr-bad.json &&
	valid_junit pr-bad/artifacts/hx-emu-junit.xml \
		pr-bad/artifacts/hx-gate-junit.xml &&
	test -s pr-bad.summary &&
	test_cmp pr-bad/artifacts/hx-summary.md pr-bad.summary
'

(cd proj && git checkout -q main)

test_expect_success 'GitHub, push to main: passes and pushes the baseline' '
	ci github push GITHUB_EVENT_NAME=push GITHUB_REF_NAME=main &&
	cat push.err &&
	jq -e ".status == 0 and (.steps | all(. == 0 or . == \"used\"))" \
		push.json &&
	grep -q pass push.summary &&
	git -C origin.git notes --ref=hx-baseline list >notes &&
	test "$(wc -l <notes)" -eq 2
'

test_expect_success 'crontab: silent on a passing night, the summary on a failing one' '
	sed -n "s/^30 2 \* \* \* cd \/srv\/project && git pull -q --ff-only && //p" \
		"$top_srcdir/examples/ci/crontab" | sed "s/\\\\%/%/g" >nightly &&
	test -s nightly &&
	(cd proj && git clean -qfdx -e .hx-cache && sh ../nightly) >night.out &&
	test_must_be_empty night.out &&
	(cd proj && git checkout -q bad && sh ../nightly) >night.out;
	grep -q tests-pass night.out
'

test_done
