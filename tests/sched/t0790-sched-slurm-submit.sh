#!/bin/sh
# t0790-sched-slurm-submit: hx-sched plan --emit slurm --submit runs the
# plan on a single-host Slurm: a constraint job, a GPU gres job that
# fails, a heterogeneous pair split over two nodes; the records the jobs
# write come downstream, then a placement record of each with its node
# and exit status.

. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/sched/slurm.sh"
require_slurm
require_program script bsdutils

S="$FILES/sched"

start_slurm >start.log 2>&1
test_expect_success 'the cluster starts' '
	slurm_all_idle || { cat start.log; false; }
'

# done_of JOB: the placement record of JOB as it ran.
done_of() {
	jq -c "select(.type == \"placement\" and .job == \"$1\" and
	    .status != \"planned\")" records
}

# slurm_id JOB: the Slurm job id in the reason of JOB's placement.
slurm_id() {
	done_of "$1" | jq -r .reason | sed 's/^slurm job \([0-9]*\):.*/\1/'
}

test_expect_success 'the plan runs on Slurm and fails with its failing job' '
	{
		cat "$S/slurm-jobs.jsonl" &&
		echo "{\"type\":\"job\",\"name\":\"anyrv\",\"argv\":[\"sh\",\"-c\",\"echo \$SLURMD_NODENAME\"],\"selector\":[\"riscv64=true\"],\"team\":\"team-b\"}"
	} >jobs.jsonl &&
	test_status 1 hx-sched plan --inventory "$S/slurm-inventory.jsonl" \
	    --partition 0=main --partition 10=high --emit slurm out --submit \
	    jobs.jsonl >records 2>err &&
	jq -r "select(.type == \"placement\") | .status" records |
	    sort | uniq -c | sed "s/^ *//" >actual &&
	printf "4 done\n1 failed\n5 planned\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'the jobs as they ran come in the order of the plan' '
	jq -r "select(.type == \"placement\" and .status == \"planned\") |
	    .job" records >expect &&
	jq -r "select(.type == \"placement\" and .status != \"planned\") |
	    .job" records >actual &&
	test_cmp expect actual
'

test_expect_success 'the records a job writes come downstream, quotes intact' '
	echo "{\"type\":\"status\",\"message\":\"it'"'"'s \$SLURMD_NODENAME\"}" >expect &&
	grep "\"type\":\"status\"" records >actual &&
	test_cmp expect actual
'

test_expect_success 'a constraint job runs on a node with the feature' '
	done_of anyrv | jq -r "[.status, .backend, .node] | @tsv" >actual &&
	node=$(cat out/output/anyrv.out) &&
	printf "done\tslurm\t%s\n" "$node" >expect &&
	test_cmp expect actual &&
	case $node in rv1|rv2) ;; *) false ;; esac
'

test_expect_success 'the GPU job went to the GPU node and failed with status 3' '
	done_of matmul | jq -r "[.status, .node] | @tsv" >actual &&
	printf "failed\tgpu1\n" >expect &&
	test_cmp expect actual &&
	done_of matmul | jq -r .reason | grep -x "slurm job [0-9]*: FAILED, exit status 3" &&
	echo gpu1 >expect &&
	test_cmp expect out/output/matmul.out
'

test_expect_success 'the pair ran split, as one heterogeneous job' '
	done_of runner | jq -r .node >actual &&
	echo rv1 >expect &&
	test_cmp expect actual &&
	test_cmp expect out/output/runner.out &&
	echo gpu1 >expect &&
	test_cmp expect out/output/service.out &&
	test "$(slurm_id runner)" = "$(slurm_id service)" &&
	scontrol -o show job "$(slurm_id runner)" | grep -c HetJobOffset= >n &&
	echo 2 >expect &&
	test_cmp expect n
'

test_expect_success 'a colocated pair: one node, each member its own status' '
	cat >co.jsonl <<-\EOF &&
	{"type":"job","name":"co-r","argv":["sh","-c","echo $SLURMD_NODENAME"],"selector":["riscv64=true"],"group":"co","placement":"colocated"}
	{"type":"job","name":"co-s","argv":["sh","-c","echo $SLURMD_NODENAME; exit 5"],"group":"co","placement":"colocated"}
	EOF
	test_status 1 hx-sched plan --inventory "$S/slurm-inventory.jsonl" \
	    --emit slurm co --submit co.jsonl >co.records &&
	node=$(jq -r "select(.job == \"co-r\" and .status == \"planned\") | .node" co.records) &&
	case $node in rv1|rv2) ;; *) false ;; esac &&
	echo "$node" >expect &&
	test_cmp expect co/output/co-r.out &&
	test_cmp expect co/output/co-s.out &&
	jq -r "select(.status != \"planned\") | [.job, .status, .node] | @tsv" \
	    co.records >actual &&
	printf "co-r\tdone\t%s\nco-s\tfailed\t%s\n" "$node" "$node" >expect &&
	test_cmp expect actual &&
	jq -r "select(.job == \"co-s\" and .status == \"failed\") | .reason" \
	    co.records | grep -x "slurm job [0-9]*: FAILED, exit status 5"
'

test_expect_success 'Slurm writes to an output directory with blanks, quotes, # and %' '
	d="sl o'"'"'t \"#1 %j" &&
	echo "{\"type\":\"job\",\"name\":\"odd\",\"argv\":[\"echo\",\"odd ran\"]}" >odd.jsonl &&
	hx-sched plan --inventory "$S/slurm-inventory.jsonl" \
	    --emit slurm "$d" --submit odd.jsonl >odd.records &&
	echo "odd ran" >expect &&
	test_cmp expect "$d/output/odd.out" &&
	test_must_be_empty "$d/output/odd.err"
'

test_expect_success '--submit -v prints each job as its state changes' '
	printf "%s\n" "{\"type\":\"job\",\"name\":\"vok\",\"argv\":[\"true\"]}" \
	    "{\"type\":\"job\",\"name\":\"vbad\",\"argv\":[\"sh\",\"-c\",\"exit 4\"]}" \
	    >v.jsonl &&
	test_status 1 hx-sched plan -v --inventory "$S/slurm-inventory.jsonl" \
	    --emit slurm v --submit v.jsonl >v.records 2>v.err &&
	for j in vok vbad; do
		grep -E "^hx-sched: $j: (submitted|started|done|failed)" v.err ||
			return 1
	done | sed "s/slurm job [0-9]*\$/slurm job N/" >actual &&
	cat >expect <<-\EOF &&
	hx-sched: vok: submitted as slurm job N
	hx-sched: vok: started
	hx-sched: vok: done
	hx-sched: vbad: submitted as slurm job N
	hx-sched: vbad: started
	hx-sched: vbad: failed
	EOF
	test_cmp expect actual &&
	! grep -v "^hx-sched: v[a-z]*: [a-z]" v.err &&
	! grep -F "$(printf "\r")" v.err
'

test_expect_success '--submit on a terminal shows the jobs done, running and failed' '
	cp "$S/slurm-inventory.jsonl" inventory.jsonl &&
	test_status 1 script -qec "hx-sched plan --inventory inventory.jsonl --emit slurm t --submit v.jsonl >t.records" \
	    /dev/null </dev/null >tty &&
	grep "hx-sched: 2/2 done, 0 running, 1 failed" tty &&
	test $(jq -s "map(select(.status == \"failed\")) | length" t.records) = 1
'

test_expect_success '--submit without a terminal and -v writes no progress' '
	test_status 1 hx-sched plan --inventory "$S/slurm-inventory.jsonl" \
	    --emit slurm q --submit v.jsonl >q.records 2>q.err &&
	! grep "done, .* running" q.err &&
	! grep "vok: " q.err
'

test_expect_success 'each job carries its team as account and its partition' '
	for j in unit-rv matmul anyrv; do
		scontrol -o show job "$(slurm_id $j)" | tr " " "\n" |
		    grep -E "^(Account|Partition)=" | tr "\n" " " &&
		echo || return 1
	done >actual &&
	cat >expect <<-\EOF &&
	Account=team-a Partition=main 
	Account=team-b Partition=high 
	Account=team-b Partition=main 
	EOF
	test_cmp expect actual
'

# long_running: the job named long runs.
long_running() {
	[ -n "$(squeue -h -n long -t R -o %i)" ]
}

test_expect_success 'a stopping signal cancels the jobs submitted' '
	echo "{\"type\":\"job\",\"name\":\"long\",\"argv\":[\"sleep\",\"300\"]}" >long.jsonl &&
	{ hx-sched plan --inventory "$S/slurm-inventory.jsonl" \
	    --emit slurm long --submit long.jsonl >long.out 2>long.err & } &&
	pid=$! &&
	slurm_wait "the long job" long_running &&
	id=$(squeue -h -n long -o %i) &&
	kill -TERM $pid &&
	{ wait $pid; test $? = 143; } &&
	echo CANCELLED >expect &&
	slurm_wait_job "$id" >actual &&
	test_cmp expect actual
'

# held_pending: the job named held waits in the queue.
held_pending() {
	[ -n "$(squeue -h -n held -t PD -o %i)" ]
}

test_expect_success 'a job Slurm holds is cancelled and fails with the reason' '
	echo "{\"type\":\"job\",\"name\":\"held\",\"argv\":[\"true\"],\"selector\":[\"riscv64=true\"]}" >held.jsonl &&
	scontrol update nodename=rv1,rv2 state=drain reason=hx-test &&
	{ hx-sched plan --inventory "$S/slurm-inventory.jsonl" \
	    --emit slurm held --submit held.jsonl >held.out 2>held.err & } &&
	pid=$! &&
	slurm_wait "the held job" held_pending &&
	id=$(squeue -h -n held -o %i) &&
	scontrol hold "$id" &&
	{ wait $pid; status=$?; } &&
	scontrol update nodename=rv1,rv2 state=resume &&
	test $status = 1 &&
	jq -r "select(.status != \"planned\") | [.job, .status, .reason] | @tsv" \
	    held.out >actual &&
	printf "held\tfailed\tslurm job %s: held by Slurm (JobHeldAdmin), cancelled\n" \
	    "$id" >expect &&
	test_cmp expect actual &&
	echo CANCELLED >expect &&
	slurm_wait_job "$id" >actual &&
	test_cmp expect actual
'

test_done
