#!/bin/sh
# t0960-nightly-ci: the scheduled CI jobs of examples/ci run hx nightly as
# their runners would (tests/hx/ci-runner.py): the GitLab job only in a
# scheduled pipeline, the GitHub workflow on its schedule; both pass on a
# tinyinfer repository, keep the whole output directory and the JUnit
# report, and push the nightly baseline note to origin.
. "$top_srcdir/tests/lib.sh"
require_program python3 python3
python3 -c "import yaml" 2>/dev/null ||
	skip_all "python3's yaml is missing (Debian package python3-yaml)"
. "$top_srcdir/tests/recipes/recipes.sh"

RUNNER=$top_srcdir/tests/hx/ci-runner.py
# The build tree's hx stands in for the installed one.
PATH=$top_builddir/cmd:$PATH
# hx-sched's run directories hold a socket: a short state directory.
XDG_STATE_HOME=$(mktemp -d /tmp/hx-t0960.XXXXXX) || exit 1
export XDG_STATE_HOME
trap 'rm -rf "$XDG_STATE_HOME"' EXIT
unset GITHUB_EVENT_NAME GITHUB_REF_NAME CI_PIPELINE_SOURCE CI_COMMIT_BRANCH

# The nightly policy with stage-drift advisory: these nights test how CI
# runs them, not the timing of a loaded machine (t0950 tests the drift).
test_expect_success 'a tinyinfer repository with an origin and the nightly policy' '
	tinyinfer_repo repo &&
	jq ".rules |= map(if .rule == \"stage-drift\" then .advisory = true
		else . end)" "$top_srcdir/examples/policies/tinyinfer-nightly.json" \
	    >repo/hx-policy.json &&
	test "$(jq "[.rules[] | select(.advisory)] | length" \
	    repo/hx-policy.json)" = 1 &&
	git -C repo add hx-policy.json && git -C repo commit -q -m policy &&
	git clone -q --bare repo origin.git &&
	git -C repo remote add origin ../origin.git &&
	cp "$top_srcdir/examples/ci/nightly.gitlab-ci.yml" repo/.gitlab-ci.yml &&
	mkdir -p repo/.github/workflows &&
	sed "s/HX_WINDOW: \"22:00-06:00\"/HX_WINDOW: \"00:00-00:00\"/" \
	    "$top_srcdir/examples/ci/nightly.github-actions.yml" \
	    >repo/.github/workflows/hx-nightly.yml &&
	grep -q "HX_WINDOW: \"00:00-00:00\"" repo/.github/workflows/hx-nightly.yml
'

# ci KIND NAME VAR=VALUE...: run the CI file of KIND in repo as its runner
# would, at any time of day (the window of the workflow's copy is the
# whole day too); the runner's summary goes to NAME.json, what it kept to
# NAME/.
ci() {
	kind=$1 name=$2
	shift 2
	file=.gitlab-ci.yml
	[ "$kind" = github ] && file=.github/workflows/hx-nightly.yml
	(cd repo && env CI_PROJECT_DIR="$PWD" GITHUB_WORKSPACE="$PWD" \
	    GITHUB_STEP_SUMMARY="$OLDPWD/$name.summary" HX_WINDOW=00:00-00:00 \
	    "$@" python3 "$RUNNER" "$kind" "$file" "$OLDPWD/$name") \
	    >"$name.err" 2>&1
	status=$?
	cp "$name/summary.json" "$name.json"
	return $status
}

test_expect_success 'GitLab: a push pipeline does not run the nightly job' '
	ci gitlab push CI_PIPELINE_SOURCE=push CI_COMMIT_BRANCH=main &&
	jq -e ".pipeline == false" push.json
'

test_expect_success 'GitLab: the scheduled job passes, keeps its reports, pushes the note' '
	ci gitlab lab CI_PIPELINE_SOURCE=schedule CI_COMMIT_BRANCH=main ||
	    { cat lab.err; false; } &&
	jq -e ".status == 0" lab.json &&
	test -s lab/artifacts/hx-nightly/summary.md &&
	test -s lab/artifacts/hx-nightly/proof.tar.gz &&
	test -s lab/junit/junit.xml &&
	git -C origin.git notes --ref=hx-nightly list "$(git -C repo rev-parse HEAD)"
'

test_expect_success 'GitHub: the scheduled workflow passes against that baseline' '
	rm -rf repo/hx-nightly &&
	ci github hub GITHUB_EVENT_NAME=schedule GITHUB_REF_NAME=main ||
	    { cat hub.err; false; } &&
	jq -e ".status == 0" hub.json &&
	test -s hub/artifacts/hx-nightly/summary.md &&
	grep -q "PASS tinyinfer-nightly" hub.summary &&
	test "$(tail -n 1 repo/hx-nightly/gate.jsonl | jq -r .baseline)" = \
	    "git:$(git -C repo rev-parse HEAD)"
'

test_expect_success 'GitHub: a push does not start the nightly workflow' '
	ci github pushed GITHUB_EVENT_NAME=push GITHUB_REF_NAME=main &&
	jq -e ".pipeline == false" pushed.json
'

test_expect_success 'crontab: the nightly line is silent on a passing night' '
	sed -n "s/^0 3 \* \* \* cd \/srv\/project && git pull -q --ff-only && //p" \
	    "$top_srcdir/examples/ci/crontab" |
	    sed "s/\\\\%/%/g; s/hx nightly /hx nightly --window 00:00-00:00 /" \
	    >nightly &&
	test -s nightly &&
	(cd repo && sh ../nightly) >night.out &&
	test_must_be_empty night.out &&
	test "$(tail -n 1 repo/hx-nightly/$(date +%F)/gate.jsonl |
	    jq -r .status)" = pass
'

test_done
