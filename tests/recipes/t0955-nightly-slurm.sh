#!/bin/sh
# t0955-nightly-slurm: hx nightly with the nodes of a Slurm cluster and
# --emit slurm --submit: the same pair runs on the test Slurm of
# tests/sched/slurm.sh, the runner on a riscv64 board and the service on
# the GPU node, and the night is judged and recorded as on this machine.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/sched/slurm.sh"
require_slurm
. "$top_srcdir/tests/recipes/recipes.sh"

POLICY=$top_srcdir/examples/policies/tinyinfer-nightly.json
# CALM: the same with stage-drift advisory, for the night on Slurm, whose
# point is the same counts, not the timing of a loaded machine.
jq '.rules |= map(if .rule == "stage-drift" then .advisory = true else . end)' \
    "$POLICY" >calm.json
CALM=$PWD/calm.json

start_slurm >start.log 2>&1
test_expect_success 'the cluster starts' '
	slurm_all_idle || { cat start.log; false; }
'

test_expect_success 'a repository of tinyinfer and the nodes of Slurm' '
	tinyinfer_repo repo &&
	hx-sched inventory --from slurm >nodes.jsonl &&
	grep -q "\"name\":\"gpu1\"" nodes.jsonl
'

test_expect_success 'a night on this machine records the baseline' '
	hx-nightly -p "$POLICY" -o here --state st --now 2026-12-02T02:30:00Z \
	    --bootstrap repo &&
	git -C repo notes --ref=hx-nightly list HEAD
'

test_expect_success 'the night on Slurm passes against it: the same counts' '
	hx-nightly -p "$CALM" -o night --inventory nodes.jsonl \
	    --emit slurm batches --submit --now 2026-12-02T02:30:00Z \
	    repo 2>err &&
	test_must_be_empty err &&
	test "$(tail -n 1 night/gate.jsonl | jq -r .status)" = pass &&
	tail -n 1 night/gate.jsonl | jq -r ".rules[] |
	    select(.name == \"no-regression\") | .status" >actual &&
	echo pass >expect &&
	test_cmp expect actual &&
	test -s batches/manifest
'

test_expect_success 'the GPU service did not outlive its Slurm job' '
	! pgrep -f "$PWD/night/spans-offload.jsonl"
'

test_expect_success 'the runner ran on a board and the service on the GPU node' '
	jq -r "select(.type == \"placement\" and .status == \"done\") |
	    [.job, .node, .backend] | @tsv" night/sched.jsonl | sort >actual &&
	sed "s/rv[12]/rvN/" actual >got &&
	printf "hx-offload\tgpu1\tslurm\nriscv-host\trvN\tslurm\n" >expect &&
	test_cmp expect got
'

test_expect_success 'both sides joined one trace' '
	jq -r "select(.type == \"trace\") | .services | keys[]" \
	    night/records.jsonl >actual &&
	printf "hx-nightly\nhx-offload\nhx-offload-client\nriscv-host\n" \
	    >expect &&
	test_cmp expect actual &&
	jq -c "select(.type == \"span\" and .kind == \"server\")" \
	    night/records.jsonl | grep -q matmul_i8
'

test_done
