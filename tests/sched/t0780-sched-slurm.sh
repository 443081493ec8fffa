#!/bin/sh
# t0780-sched-slurm: the single-host Slurm of tests/sched/slurm.sh places
# jobs by feature and GPU gres, and hx-sched's inventory reads it.

. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/sched/slurm.sh"
require_slurm

start_slurm >start.log 2>&1
test_expect_success 'the cluster starts with every node idle' '
	slurm_all_idle || { cat start.log; false; }
'

printf '#!/bin/sh\necho "$SLURMD_NODENAME"\n' >node.sh

test_expect_success 'a riscv64 constraint runs on a riscv64 board' '
	id=$(sbatch --parsable --constraint=riscv64 -o rv.out node.sh) &&
	echo COMPLETED >expect &&
	slurm_wait_job "$id" >actual &&
	test_cmp expect actual &&
	grep -qx "rv[12]" rv.out
'

test_expect_success 'a gpu:h200 gres request goes to the GPU node' '
	id=$(sbatch --parsable --gres=gpu:h200:1 -o gpu.out node.sh) &&
	slurm_wait_job "$id" >actual &&
	echo COMPLETED >expect &&
	test_cmp expect actual &&
	echo gpu1 >expect &&
	test_cmp expect gpu.out
'

test_expect_success 'an and of features picks the node that has both' '
	id=$(sbatch --parsable --constraint="x86_64&nvlink" -o and.out \
	    node.sh) &&
	slurm_wait_job "$id" >/dev/null &&
	echo gpu1 >expect &&
	test_cmp expect and.out
'

test_expect_success 'sinfo --json and scontrol -o show node list every node' '
	sinfo --json >sinfo.json &&
	jq -r ".nodes[].name" sinfo.json | sort >actual &&
	printf "gpu1\nrv1\nrv2\nx1\n" >expect &&
	test_cmp expect actual &&
	scontrol -o show node >nodes.txt &&
	sed "s/ .*//; s/NodeName=//" nodes.txt | sort >actual &&
	test_cmp expect actual
'

test_expect_success 'hx-sched inventory reads the live cluster as node records' '
	hx-sched inventory --from slurm >nodes.jsonl &&
	jq -r "[.name, .state, .backend, .gpus, (.gpu_model // \"-\"),
	    (.labels | keys | join(\",\"))] | @tsv" nodes.jsonl >actual &&
	cat >expect <<-\EOF &&
	gpu1	up	slurm	2	h200	driver,nvlink,x86_64
	rv1	up	slurm	0	-	board,riscv64,rv64gcv
	rv2	up	slurm	0	-	board,riscv64,rv64gcv
	x1	up	slurm	0	-	x86_64
	EOF
	test_cmp expect actual
'

test_expect_success 'the cluster stops: slurmd, slurmctld, munged' '
	stop_slurm &&
	! test -e slurm/munge/munged.pid &&
	! timeout 5 scontrol ping >/dev/null 2>&1
'

test_done
