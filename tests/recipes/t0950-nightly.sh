#!/bin/sh
# t0950-nightly: hx nightly, Recipe B of hx(7), end to end on this
# machine: the first night bootstraps the baseline, the second compares
# with it; the pair of jobs ran on the default inventory (this machine as
# a riscv64 node and as a GPU node) and both sides' spans joined one
# trace, split into the stages riscv-host, rpc and gpu; a night whose GPU
# stage was made slower (a fixed latency added to every request) fails
# and its report names the stage gpu; a run whose counts grew fails and
# records nothing; a time outside the nightly window is refused.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/recipes/recipes.sh"

POLICY=$top_srcdir/examples/policies/tinyinfer-nightly.json
# CALM: the same with stage-drift advisory, for the second night, whose
# point is the comparison, not the timing of a loaded machine.
jq '.rules |= map(if .rule == "stage-drift" then .advisory = true else . end)' \
    "$POLICY" >calm.json
CALM=$PWD/calm.json
NOW=2026-12-02T02:30:00Z
HOST=$(uname -n)

# gate_of NIGHT: the gate record of NIGHT.
gate_of() {
	tail -n 1 "$1/gate.jsonl"
}

# rule_of NIGHT RULE: the status of RULE in NIGHT's gate record.
rule_of() {
	gate_of "$1" | jq -r ".rules[] | select(.name == \"$2\") | .status"
}

test_expect_success 'a repository of tinyinfer' '
	tinyinfer_repo repo &&
	git -C repo rev-parse HEAD >commit
'

test_expect_success 'the first night passes and records the baseline' '
	hx-nightly -p "$POLICY" -o night1 --state st --now $NOW --bootstrap \
	    repo 2>err &&
	test_must_be_empty err &&
	test "$(gate_of night1 | jq -r .status)" = pass &&
	test "$(gate_of night1 | jq -r .baseline_recorded)" = "$(cat commit)" &&
	test "$(rule_of night1 no-regression)" = skip &&
	git -C repo notes --ref=hx-nightly list "$(cat commit)" &&
	! git -C repo notes --ref=hx-baseline list "$(cat commit)" &&
	for f in summary.md junit.xml proof.tar.gz trace.json nightly.log; do
		test -s "night1/$f" || return 1
	done
'

test_expect_success 'the pair ran on the default inventory, inside the window' '
	jq -r "select(.type == \"placement\" and .status != \"planned\") |
	    [.job, .node, .status] | @tsv" night1/sched.jsonl | sort >actual &&
	printf "hx-offload\t%s-gpu\tdone\nriscv-host\t%s-riscv64\tdone\n" \
	    "$HOST" "$HOST" >expect &&
	test_cmp expect actual &&
	jq -r "[.team, .start, .end] | @tsv" night1/reservations.jsonl >actual &&
	printf "nightly\t2026-12-01T22:00:00Z\t2026-12-02T06:00:00Z\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'both sides spans joined one trace' '
	jq -r "select(.type == \"trace\") | .services | keys[]" \
	    night1/records.jsonl >actual &&
	printf "hx-nightly\nhx-offload\nhx-offload-client\nriscv-host\n" \
	    >expect &&
	test_cmp expect actual &&
	jq -r "select(.type == \"stage\") | .stage" night1/records.jsonl \
	    >actual &&
	printf "gpu\nhx-nightly\nriscv-host\nrpc\n" >expect &&
	test_cmp expect actual &&
	jq -r "select(.type == \"span\" and .kind == \"server\") | .name" \
	    night1/records.jsonl | sort -u >ops &&
	grep -x matmul_i8 ops &&
	test "$(jq -r "select(.type == \"trace\") | .orphans | length" \
	    night1/records.jsonl)" = 0 &&
	jq -c "select(.type == \"sample\" and .labels.service == \"riscv-host\")" \
	    night1/records.jsonl | grep -q .
'

test_expect_success 'the second night compares with the first one baseline' '
	hx-nightly -p "$CALM" -o night2 --state st --now $NOW --bootstrap \
	    repo 2>err &&
	test_must_be_empty err &&
	test "$(gate_of night2 | jq -r .baseline)" = "git:$(cat commit)" &&
	test "$(rule_of night2 no-regression)" = pass &&
	test "$(gate_of night2 | jq -r .baseline_recorded)" = "$(cat commit)"
'

test_expect_success 'a night whose GPU stage is slower fails and names it' '
	git -C repo notes --ref=hx-nightly show HEAD >note-before &&
	test_status 1 hx-nightly -p "$POLICY" -o slow --state st --now $NOW \
	    --fault latency=1,delay=20 repo 2>err &&
	grep "the gate failed (1)" err &&
	grep "^- \*\*stage-drift/gpu\*\* (fail): stage gpu drifted: median" \
	    slow/summary.md &&
	! grep "stage riscv-host drifted" slow/summary.md &&
	git -C repo notes --ref=hx-nightly show HEAD >note-after &&
	test_cmp note-before note-after
'

test_expect_success 'a night whose counts grew fails and records nothing' '
	git -C repo notes --ref=hx-nightly show HEAD >note-before &&
	jq -c "if .type == \"wcet\" and .name == \"test_requant\" then
	    .max = (.max / 2 | floor) else . end" night2/wcet.jsonl >base.jsonl &&
	test_status 1 hx-nightly -p "$POLICY" -o night3 --state st --now $NOW \
	    -b base.jsonl repo 2>err &&
	grep "the gate failed (1): .*/night3/summary.md" err &&
	test "$(rule_of night3 no-regression)" = fail &&
	grep "test_requant (insns)" night3/summary.md &&
	git -C repo notes --ref=hx-nightly show HEAD >note-after &&
	test_cmp note-before note-after
'

test_expect_success '--rev builds that revision, whose commit gets the note' '
	echo "a change" >repo/NOTES.md &&
	git -C repo add NOTES.md && git -C repo commit -q -m notes &&
	hx-nightly -p "$POLICY" -o rev --state st --now $NOW --rev HEAD~1 \
	    repo 2>err &&
	test_must_be_empty err &&
	test "$(gate_of rev | jq -r .baseline_recorded)" = "$(cat commit)" &&
	test "$(git -C repo worktree list | wc -l)" = 1 &&
	! git -C repo notes --ref=hx-nightly list HEAD 2>/dev/null
'

test_expect_success 'a time outside the nightly window is refused' '
	test_status 2 hx-nightly -p "$POLICY" -o day --now 2026-12-02T12:00:00Z \
	    repo 2>err &&
	grep "outside the nightly window 22:00-06:00 UTC" err &&
	hx-nightly -p "$POLICY" -o day --now 2026-12-02T12:00:00Z \
	    --window 11:00-13:00 --state st repo
'

test_expect_success 'SIGTERM ends the night at once and leaves nothing behind' '
	{ hx-nightly -p "$POLICY" -o term --state st --now $NOW --repeat 100 \
	    repo 2>err & } &&
	pid=$! &&
	until grep -q "riscv-host: started" term/nightly.log 2>/dev/null; do
		kill -0 $pid || return 1
		sleep 0.1
	done &&
	sock=$(jq -r "select(.role == \"runner\") | .argv[4]" term/jobs.jsonl) &&
	dir=${sock%/*} &&
	until test -s "$dir/ready"; do
		kill -0 $pid || return 1
		sleep 0.1
	done &&
	kill -TERM $pid &&
	{ wait $pid; status=$?; } &&
	test $status = 4 &&
	! jq -e "select(.type == \"placement\" and .status == \"done\")" \
	    term/sched.jsonl &&
	test ! -e "$dir" &&
	for p in $(pgrep -f "$dir"); do
		# Ending, as a sanitized build ends: its leak check first.
		gone $p || { ps -o pid,ppid,stat,args -p $p; return 1; }
	done
'

test_expect_success 'usage errors' '
	test_status 2 hx-nightly --submit repo 2>err &&
	grep "submit needs --emit slurm DIR" err &&
	test_status 2 hx-nightly --repeat 0 repo 2>err &&
	test_status 2 hx-nightly --window 25h repo 2>err &&
	test_status 2 hx-nightly --bogus 2>err
'

test_done
