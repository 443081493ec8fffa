#!/bin/sh
# t0795-sched-slurm-accounting: with slurmdbd (and a private mariadb) the
# jobs hx-sched submits carry their team's account into Slurm's
# accounting, and Slurm's fair share has the teams' configured shares.

. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/sched/slurm.sh"
require_slurm accounting

S="$FILES/sched"

start_slurm accounting >start.log 2>&1
test_expect_success 'the cluster starts with slurmdbd' '
	slurm_all_idle || { cat start.log; false; }
'

test_expect_success 'sshare shows the shares of the teams' '
	sshare -n -P -a -o Account,User,RawShares >shares &&
	sed "s/^ *//" shares | grep -E "^team-[ab]\|\|" | sort >actual &&
	printf "team-a||30\nteam-b||10\n" >expect &&
	test_cmp expect actual
'

# slurm_id JOB: the Slurm job id in the reason of JOB's placement.
slurm_id() {
	jq -r "select(.type == \"placement\" and .job == \"$1\" and
	    .status != \"planned\") | .reason" records |
	    sed "s/^slurm job \([0-9]*\):.*/\1/"
}

# accounted ID: sacct has job ID with an account.
accounted() {
	sacct -n -X -P -j "$1" -o Account | grep -q .
}

test_expect_success 'the jobs of each team run under its account' '
	cat >jobs.jsonl <<-\EOF &&
	{"type":"job","name":"a1","argv":["true"],"team":"team-a","selector":["riscv64=true"]}
	{"type":"job","name":"b1","argv":["true"],"team":"team-b","resources":{"gpus":1}}
	EOF
	hx-sched plan --inventory "$S/slurm-inventory.jsonl" \
	    --emit slurm out --submit jobs.jsonl >records &&
	for j in a1 b1; do
		id=$(slurm_id $j) &&
		slurm_wait "sacct of $id" accounted "$id" &&
		printf "%s|" $j &&
		sacct -n -X -P -j "$id" -o Account,State || return 1
	done >actual &&
	printf "a1|team-a|COMPLETED\nb1|team-b|COMPLETED\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'an account the team does not have is refused' '
	printf "%s\n" "{\"type\":\"job\",\"name\":\"c1\",\"argv\":[\"true\"],\"team\":\"team-c\"}" >c.jsonl &&
	test_status 4 hx-sched plan --inventory "$S/slurm-inventory.jsonl" \
	    --emit slurm c --submit c.jsonl >c.out 2>err &&
	grep "^hx-sched: sbatch c/c1.sbatch failed: .*Invalid account" err
'

test_done
