#!/bin/sh
# hx-gate and git: --record-baseline stores the timing records as a note on
# HEAD without touching the working tree or the index; --baseline git and
# --baseline git:REV read it back; a missing note is said clearly.
. "$top_srcdir/tests/lib.sh"
use_test_git
require_program jq jq

G="$FILES/gate"

# The regression rule compares maxima, 1% allowed; no baseline fails.
printf '{"name":"timing","rules":[{"rule":"no-regression","threshold":0.01}]}\n' >policy.json
cp "$G/run-pass.jsonl" run.jsonl
# A run 10% slower in test_mlp.
sed 's/1843221/2027543/g' run.jsonl >slow.jsonl

# state REPO: what git says of the working tree and index, and the index itself.
state() {
	(cd "$1" && git status --porcelain=v1 --untracked-files=all &&
		git diff --cached --stat && git ls-files -s && cksum .git/index)
}

test_expect_success 'set up a repository with main and a feature branch' '
	git init -q -b main repo &&
	(cd repo && echo one >file && git add file && git commit -q -m one &&
		echo dirty >file && echo new >untracked) &&
	git -C repo rev-parse HEAD >main-commit
'

test_expect_success '--record-baseline stores a compressed note on HEAD, tree and index untouched' '
	state repo >before &&
	(cd repo && hx-gate -p ../policy.json -b ../run.jsonl --record-baseline \
		<../run.jsonl >../out 2>../err) &&
	state repo >after &&
	test_cmp before after &&
	grep "baseline recorded as the note of $(cat main-commit) under refs/notes/hx-baseline" err &&
	test "$(tail -n 1 out | jq -r .baseline_recorded)" = "$(cat main-commit)" &&
	baseline_note repo HEAD >note &&
	grep -E "\"type\":\"(sample|wcet)\"" run.jsonl >want &&
	test_cmp want note
'

test_expect_success 'a failing gate records nothing' '
	(cd repo && git notes --ref=hx-baseline show HEAD >../note-before &&
		test_status 1 hx-gate -p ../policy.json --record-baseline \
			</dev/null >../out 2>../err) &&
	grep "the gate failed; no baseline recorded" err &&
	git -C repo notes --ref=hx-baseline show HEAD >note-after &&
	test_cmp note-before note-after
'

test_expect_success 'a branch: --baseline git reads the note of the merge base with main' '
	(cd repo && git checkout -q -b feature && git commit -q -a -m two &&
		hx-gate -q -p ../policy.json -b git <../run.jsonl >../out) &&
	test "$(tail -n 1 out | jq -r .baseline)" = "git:$(cat main-commit)" &&
	test "$(tail -n 1 out | jq -r ".rules[0].status")" = pass
'

test_expect_success '--baseline git fails when the baseline is exceeded' '
	(cd repo && test_status 1 hx-gate -q -p ../policy.json -b git \
		<../slow.jsonl >../out) &&
	tail -n 1 out | jq -r ".rules[0].message" >msg &&
	grep "test_mlp (insns): max 2027543 against 1843221 in the baseline, +184322 insns (+10.00%)" msg
'

test_expect_success 'a match limits no-regression to the groups it names' '
	printf "%s\n" "{\"rules\":[{\"rule\":\"no-regression\",\"threshold\":0.01," \
		"\"match\":{\"unit\":\"ns\"}}]}" >ns-policy.json &&
	hx-gate -q -p ns-policy.json -b run.jsonl slow.jsonl >out &&
	test "$(tail -n 1 out | jq -r ".rules[0].status")" = pass &&
	sed "s/\"ns\"/\"insns\"/" ns-policy.json >insns-policy.json &&
	test_status 1 hx-gate -q -p insns-policy.json -b run.jsonl slow.jsonl >out
'

test_expect_success 'HX_BASELINE_REF keeps baselines under a ref of their own' '
	git init -q -b main other &&
	(cd other && git commit -q --allow-empty -m one &&
		hx-gate -q -p ../policy.json --record-baseline --bootstrap \
			<../run.jsonl \
			>/dev/null &&
		HX_BASELINE_REF=refs/notes/hx-other hx-gate -q -p ../policy.json \
			--record-baseline --bootstrap <../slow.jsonl >/dev/null &&
		git notes --ref=hx-other list HEAD &&
		HX_BASELINE_REF=refs/notes/hx-other hx-gate -q -p ../policy.json \
			-b git:HEAD <../slow.jsonl >/dev/null &&
		test_status 1 hx-gate -q -p ../policy.json -b git:HEAD \
			<../slow.jsonl >/dev/null)
'

test_expect_success 'git:REV reads the note of REV' '
	(cd repo && hx-gate -q -p ../policy.json -b git:main <../run.jsonl >../out &&
		test_status 1 hx-gate -q -p ../policy.json -b "git:$(cat ../main-commit)" \
			<../slow.jsonl >../out2)
'

test_expect_success 'the bundle holds the baseline and carries the commit time' '
	(cd repo && unset SOURCE_DATE_EPOCH &&
		hx-gate -q -p ../policy.json -b git --bundle ../b1.tar.gz \
			<../run.jsonl >/dev/null &&
		hx-gate -q -p ../policy.json -b git --bundle ../b2.tar.gz \
			<../run.jsonl >/dev/null &&
		git log -1 --format=%ct >../ctime) &&
	cmp b1.tar.gz b2.tar.gz &&
	mkdir b && tar xzf b1.tar.gz -C b &&
	grep -E "\"type\":\"(sample|wcet)\"" run.jsonl >want &&
	test_cmp want b/baseline.jsonl &&
	test "$(stat -c %Y b/gate.json)" = "$(cat ctime)"
'

test_expect_success 'a SOURCE_DATE_EPOCH set by the caller wins over the commit time' '
	(cd repo && SOURCE_DATE_EPOCH=1700000000 hx-gate -q -p ../policy.json \
		-b git --bundle ../b3.tar.gz <../run.jsonl >/dev/null &&
		SOURCE_DATE_EPOCH= hx-gate -q -p ../policy.json \
		-b git --bundle ../b4.tar.gz <../run.jsonl >/dev/null) &&
	mkdir b3 b4 && tar xzf b3.tar.gz -C b3 && tar xzf b4.tar.gz -C b4 &&
	test "$(stat -c %Y b3/gate.json)" = 1700000000 &&
	test "$(stat -c %Y b4/gate.json)" = "$(cat ctime)"
'

test_expect_success 'outside git and without SOURCE_DATE_EPOCH the bundle time is 0' '
	mkdir -p outside &&
	(cd outside && unset SOURCE_DATE_EPOCH &&
		GIT_CEILING_DIRECTORIES=$PWD/.. && export GIT_CEILING_DIRECTORIES &&
		hx-gate -q -p ../policy.json -b ../run.jsonl --bundle ../b5.tar.gz \
			<../run.jsonl >/dev/null) &&
	mkdir b5 && tar xzf b5.tar.gz -C b5 &&
	test "$(stat -c %Y b5/gate.json)" = 0
'

test_expect_success 'a SOURCE_DATE_EPOCH that is not a number: exit 2, nothing read' '
	for v in yesterday -5 " 5" 1.5 +5 99999999999999999999; do
		(SOURCE_DATE_EPOCH=$v && export SOURCE_DATE_EPOCH &&
			test_status 2 hx-gate -q -p policy.json --bundle bad.tar.gz \
				<run.jsonl >out 2>err) &&
		test ! -s out && test ! -e bad.tar.gz &&
		grep "^hx-gate: SOURCE_DATE_EPOCH: not a number of seconds: $v$" err ||
		return 1
	done &&
	(SOURCE_DATE_EPOCH=yesterday && export SOURCE_DATE_EPOCH &&
		hx-gate -q -p policy.json -b run.jsonl <run.jsonl >out)
'

test_expect_success 'the target branch: --target-branch, then the CI variables' '
	(cd repo && git branch -q release feature && git checkout -q release &&
		git commit -q --allow-empty -m rel && git checkout -q feature &&
		test_status 1 hx-gate -p ../policy.json -b git --target-branch release \
			<../run.jsonl >../out 2>../err) &&
	grep "has no baseline note under refs/notes/hx-baseline" err &&
	(cd repo && GITHUB_BASE_REF=release test_status 1 hx-gate -q \
		-p ../policy.json -b git <../run.jsonl >/dev/null &&
		CI_MERGE_REQUEST_TARGET_BRANCH_NAME=main hx-gate -q \
		-p ../policy.json -b git <../run.jsonl >/dev/null)
'

test_expect_success 'a missing note is a clear message; the policy decides' '
	(cd repo && test_status 1 hx-gate -p ../policy.json -b git:HEAD \
		<../run.jsonl >../out 2>../err) &&
	grep "^hx-gate: no baseline: git: commit [0-9a-f]\{40\} has no baseline note under refs/notes/hx-baseline (record one with hx-gate --record-baseline)$" err &&
	test "$(tail -n 1 out | jq -r ".rules[0].status")" = fail &&
	printf "{\"rules\":[{\"rule\":\"tests-pass\"},{\"rule\":\"no-regression\",\"missing_baseline\":\"skip\"}]}\n" >skip.json &&
	(cd repo && hx-gate -q -p ../skip.json -b git:HEAD <../run.jsonl >../out) &&
	test "$(tail -n 1 out | jq -r ".rules[1].status")" = skip
'

test_expect_success 'a baseline that shares no group with the run is missing too' '
	jq -c "select(.type == \"wcet\") | .name = \"elsewhere\"" run.jsonl >other.jsonl &&
	test -s other.jsonl &&
	hx-gate -q -p skip.json -b other.jsonl <run.jsonl >out &&
	test "$(tail -n 1 out | jq -r ".rules[1].status")" = skip &&
	test_status 1 hx-gate -q -p policy.json -b other.jsonl <run.jsonl >out
'

test_expect_success 'no target branch, no repository: missing baselines, said' '
	(cd repo && test_status 1 hx-gate -p ../policy.json -b git --target-branch nope \
		<../run.jsonl >/dev/null 2>../err) &&
	grep "no merge base of HEAD and the target branch nope" err &&
	mkdir -p norepo/.git-none &&
	(cd norepo && GIT_CEILING_DIRECTORIES=$PWD/.. test_status 1 hx-gate \
		-p ../policy.json -b git <../run.jsonl >/dev/null 2>../err) &&
	grep "no baseline: git: not in a git repository" err
'

test_expect_success '--record-baseline outside a repository is a system failure' '
	(cd norepo && GIT_CEILING_DIRECTORIES=$PWD/.. test_status 4 hx-gate \
		-p ../policy.json -b ../run.jsonl --record-baseline \
		<../run.jsonl >/dev/null 2>../err) &&
	grep "^hx-gate: --record-baseline: not in a git repository" err
'

test_done
