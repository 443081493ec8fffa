#!/bin/sh
# t0785-sched-slurm-emit: hx-sched plan --emit slurm writes one sbatch
# script per job or group: constraints from labels, GPU gres, a
# heterogeneous job for a pair, accounts, partitions by priority,
# reservations, times, and the argv quoted for sh; and the inventory
# reads what the test Slurm of tests/sched/slurm.sh printed.

. "$top_srcdir/tests/lib.sh"

S="$FILES/sched"
W="$EXPECTED/sched/slurm"
TZ=UTC
export TZ

# scripts DIR: the scripts of DIR, with DIR written as @DIR@.
scripts() {
	for f in $(cat "$1/manifest"); do
		echo "== $f"
		sed "s|$PWD/$1|@DIR@|g" "$1/$f"
	done
}

test_expect_success 'the scripts and their manifest' '
	hx-sched plan --inventory "$S/slurm-inventory.jsonl" --now 1 \
	    --partition 0=main --partition 10=high --qos 10=urgent \
	    --emit slurm out <"$S/slurm-jobs.jsonl" >plan.jsonl &&
	printf "matmul.sbatch\nunit-rv.sbatch\npair.sbatch\n" >expect &&
	test_cmp expect out/manifest &&
	scripts out >actual &&
	test_cmp "$W/scripts.txt" actual &&
	test -x out/pair.sbatch
'

test_expect_success 'the argv survives sh word for word' '
	printf "%s\n" "{\"type\":\"job\",\"name\":\"q\",\"argv\":[\"printf\",\"<%s>\\\\n\",\"a b\",\"it'"'"'s\",\"\$HOME\",\"\"]}" >q.jsonl &&
	hx-sched plan --inventory "$S/slurm-inventory.jsonl" --now 1 \
	    --emit slurm q q.jsonl >/dev/null &&
	tail -n 1 q/q.sbatch | sed "s/^exec //" >cmd &&
	sh -c ". ./cmd" >actual &&
	printf "<a b>\n<it'"'"'s>\n<\$HOME>\n<>\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'a colocated pair, a reservation, a deadline' '
	cat >res.json <<-\EOR &&
	{"name":"ml-night","team":"team-a","start_ns":0,"end_ns":86400000000000,"nodes":["gpu1"]}
	EOR
	cat >jobs.jsonl <<-\EOJ &&
	{"type":"job","name":"r","argv":["true"],"group":"co","placement":"colocated","team":"team-a","deadline_ns":7200000000000}
	{"type":"job","name":"s","argv":["true"],"group":"co","placement":"colocated","team":"team-a","resources":{"gpus":2},"selector":["gpu_model=h200"]}
	EOJ
	hx-sched plan --inventory "$S/slurm-inventory.jsonl" --now 1 \
	    --reservations res.json --emit slurm co jobs.jsonl >/dev/null &&
	scripts co >actual &&
	test_cmp "$W/colocated.txt" actual
'

test_expect_success 'a team Slurm cannot take is a malformed input' '
	printf "%s\n" "{\"type\":\"job\",\"name\":\"t\",\"argv\":[\"true\"],\"team\":\"a b\"}" >bad.jsonl &&
	test_status 3 hx-sched plan --inventory "$S/slurm-inventory.jsonl" \
	    --now 1 --emit slurm bad bad.jsonl >bad.out 2>err &&
	grep "^hx-sched: job t: team \"a b\" cannot go to slurm" err
'

test_expect_success 'sinfo --json and scontrol captured from the test Slurm read as its nodes' '
	hx-sched inventory --from sinfo-json "$FILES/sched/slurm-sinfo.json" |
	    jq -r "[.name, .state] | @tsv" >actual &&
	hx-sched inventory --from scontrol "$FILES/sched/slurm-scontrol.txt" |
	    jq -r "[.name, .state] | @tsv" >actual2 &&
	printf "gpu1\tup\nrv1\tup\nrv2\tup\nx1\tdrained\n" >expect &&
	test_cmp expect actual &&
	test_cmp expect actual2
'

test_expect_success 'a priority that is not a whole number is a usage error' '
	for p in 99999999999999999999999 +5 " 5" 5x ""; do
		test_status 2 hx-sched plan --emit slurm bad --partition "$p=main" \
		    </dev/null 2>err &&
		grep "^hx-sched: --partition $p=main: expected PRIORITY=NAME$" err ||
		return 1
	done &&
	hx-sched plan --emit slurm neg --partition -5=low </dev/null
'

test_expect_success '--submit needs --emit slurm' '
	test_status 2 hx-sched plan --submit </dev/null 2>err &&
	grep "^hx-sched: --submit, --partition and --qos are for --emit slurm" err
'

test_expect_success 'an output directory with blanks, quotes, # and % is escaped' '
	echo "{\"type\":\"job\",\"name\":\"a\",\"argv\":[\"x\"]}" >one.jsonl &&
	d="sl o'"'"'t \"#1 \$HOME %j" &&
	hx-sched plan --inventory "$S/inventory.jsonl" --now 1 \
	    --emit slurm "$d" one.jsonl >/dev/null &&
	grep "^#SBATCH --output=" "$d/a.sbatch" |
	    sed "s|$PWD/|@PWD@/|" >actual &&
	cat >expect <<-\EOF &&
	#SBATCH --output="@PWD@/sl o'"'"'t \"#1 $HOME %%j/output/a.out"
	EOF
	test_cmp expect actual &&
	cat >co.jsonl <<-\EOJ &&
	{"type":"job","name":"r","argv":["echo","r ran"],"group":"co","placement":"colocated"}
	{"type":"job","name":"s","argv":["echo","s ran"],"group":"co","placement":"colocated"}
	EOJ
	hx-sched plan --inventory "$S/slurm-inventory.jsonl" --now 1 \
	    --emit slurm "$d" co.jsonl >/dev/null &&
	sh "$d/co.sbatch" &&
	cat "$d/output/r.out" "$d/output/s.out" "$d/output/r.status" >actual &&
	printf "r ran\ns ran\n0\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'an output directory Slurm cannot take is a usage error' '
	test_status 2 hx-sched plan --inventory "$S/inventory.jsonl" --now 1 \
	    --emit slurm "sl\\out" one.jsonl >records 2>err &&
	test_must_be_empty records &&
	test ! -e "sl\\out" &&
	grep "^hx-sched: --emit slurm sl.out: Slurm cannot take a newline or a backslash in" err
'

test_done
