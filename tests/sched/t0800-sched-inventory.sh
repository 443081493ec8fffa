#!/bin/sh
# hx-sched inventory: this machine (with a made-up /proc holding an NVIDIA
# driver), Slurm's sinfo --json (openapi v0.0.38) and scontrol -o show
# node, kubectl get nodes -o json, inventory files, and the faults.
. "$top_srcdir/tests/lib.sh"
require_program jq jq

S="$FILES/sched"
WANT="$EXPECTED/sched"

test_expect_success 'this machine: arch, CPUs, memory, no GPU without a driver' '
	mkdir proc &&
	hx-sched inventory --proc proc >out &&
	test "$(wc -l <out)" -eq 1 &&
	jq -e ".type == \"node\" and .backend == \"local\" and
	    .state == \"up\" and .gpus == 0 and .cpus >= 1 and
	    .memory_bytes > 0 and .name == \"$(hostname)\"" out &&
	arch=$(uname -m) &&
	jq -e ".arch == \"$arch\"" out
'

test_expect_success 'this machine: the GPUs and driver the NVIDIA driver lists' '
	mkdir -p proc/driver/nvidia/gpus/0000:01:00.0 \
	    proc/driver/nvidia/gpus/0000:02:00.0 &&
	printf "Model: \t\t NVIDIA H100 80GB HBM3\nIRQ:   42\n" \
	    >proc/driver/nvidia/gpus/0000:01:00.0/information &&
	printf "NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.15  Tue Mar  5 22:23:56 UTC 2024\n" \
	    >proc/driver/nvidia/version &&
	hx-sched inventory --from local --proc proc >out &&
	jq -e ".gpus == 2 and .gpu_model == \"NVIDIA H100 80GB HBM3\" and
	    .labels.driver == \"550.54.15\"" out
'

test_expect_success 'sinfo --json: features, gres, memory and state' '
	hx-sched inventory --from sinfo-json "$S/sinfo.json" >out &&
	test_cmp "$WANT/inventory-sinfo.jsonl" out
'

test_expect_success 'scontrol -o show node says the same' '
	hx-sched inventory --from scontrol "$S/scontrol.txt" >out &&
	jq -c "del(.arch)" "$WANT/inventory-sinfo.jsonl" >want &&
	jq -c "del(.arch)" out >got &&
	test_cmp want got
'

test_expect_success 'a feature naming an arch is the arch of a fake board' '
	printf "NodeName=rv9 Arch=x86_64 CPUTot=4 RealMemory=4096 ActiveFeatures=riscv64,rv64gcv,board=vf2 Gres=(null) State=IDLE\n" >one.txt &&
	hx-sched inventory --from scontrol one.txt >out &&
	jq -e ".arch == \"riscv64\" and .labels.board == \"vf2\" and
	    .labels.rv64gcv == \"true\"" out
'

test_expect_success 'kubectl get nodes -o json: labels, allocatable, state' '
	hx-sched inventory --from kubectl "$S/kubectl.json" >out &&
	test_cmp "$WANT/inventory-kubectl.jsonl" out
'

test_expect_success 'an inventory file is read and written again' '
	hx-sched inventory --inventory "$S/inventory.jsonl" >out &&
	jq -cS . "$S/inventory.jsonl" >want &&
	test_cmp want out
'

test_expect_success 'an inventory as one JSON document with a nodes array' '
	{ echo "{\"nodes\": [" && sed -n 1p "$S/inventory.jsonl" &&
	  echo "," && sed -n 2p "$S/inventory.jsonl" && echo "]}"; } >doc.json &&
	hx-sched inventory --inventory doc.json >out &&
	test "$(wc -l <out)" -eq 2
'

test_expect_success 'a node twice is refused' '
	cat "$S/inventory.jsonl" "$S/inventory.jsonl" >twice.jsonl &&
	test_status 3 hx-sched inventory --inventory twice.jsonl >out 2>err &&
	test_must_be_empty out &&
	grep "^hx-sched: node gpu1 is there twice$" err
'

test_expect_success 'a bad node names its line and field' '
	printf "{\"type\":\"node\",\"name\":\"a\"}\n" >bad.jsonl &&
	printf "%s\n" "$(sed -n 1p "$S/inventory.jsonl")" >>bad.jsonl &&
	printf "{\"type\":\"node\",\"name\":\"b\",\"arch\":\"x\",\"cpus\":-2,\"memory_bytes\":0,\"gpus\":0,\"state\":\"up\",\"backend\":\"local\"}\n" >>bad.jsonl &&
	test_status 3 hx-sched inventory --inventory bad.jsonl 2>err &&
	grep "^hx-sched: bad.jsonl:1: node arch is missing$" err &&
	sed 1d bad.jsonl >bad2.jsonl &&
	test_status 3 hx-sched inventory --inventory bad2.jsonl 2>err &&
	grep "^hx-sched: bad2.jsonl:2: node cpus is negative$" err
'

test_expect_success 'bad scontrol output names its line' '
	printf "NodeName=a State=IDLE\n" >bad.txt &&
	test_status 3 hx-sched inventory --from scontrol bad.txt 2>err &&
	grep "^hx-sched: bad.txt:1: expected NodeName=, State= and CPUTot=$" err
'

# bad_scontrol LINE MESSAGE: scontrol output LINE is refused with
# MESSAGE (a grep pattern) naming its file and line.
bad_scontrol() {
	echo "NodeName=x State=IDLE $1" >bad.txt &&
	test_status 3 hx-sched inventory --from scontrol bad.txt >out 2>err &&
	test_must_be_empty out &&
	grep "^hx-sched: bad.txt:1: $2$" err
}

test_expect_success 'scontrol numbers are checked, field by field' '
	bad_scontrol "CPUTot=4 RealMemory=99999999999999" \
	    "RealMemory is out of range: 99999999999999" &&
	bad_scontrol "CPUTot=abc RealMemory=12" "CPUTot is not a number: abc" &&
	bad_scontrol "CPUTot=4 RealMemory=12xyz" \
	    "RealMemory is not a number: 12xyz" &&
	bad_scontrol "CPUTot=99999999999999999999999" \
	    "CPUTot is out of range: 9*" &&
	bad_scontrol "CPUTot=-4" "CPUTot is not a number: -4"
'

test_expect_success 'sinfo and kubectl numbers out of range are refused' '
	echo "{\"nodes\":[{\"name\":\"x\",\"state\":\"idle\",\"cpus\":4,\"real_memory\":99999999999999}]}" >sinfo.json &&
	test_status 3 hx-sched inventory --from sinfo-json sinfo.json >out 2>err &&
	test_must_be_empty out &&
	grep "^hx-sched: sinfo.json: node x: real_memory is out of range$" err &&
	for q in 0x10 99999999999 1e30 abc; do
		echo "{\"items\":[{\"metadata\":{\"name\":\"k\"},\"status\":{\"allocatable\":{\"cpu\":\"$q\",\"memory\":\"16Gi\"}}}]}" >k.json &&
		test_status 3 hx-sched inventory --from kubectl k.json 2>err &&
		grep "node k: allocatable cpu, memory" err || return 1
	done &&
	echo "{\"items\":[{\"metadata\":{\"name\":\"k\"},\"status\":{\"allocatable\":{\"cpu\":\"3500m\",\"memory\":\"16Gi\"}}}]}" >k.json &&
	hx-sched inventory --from kubectl k.json >out &&
	jq -e "select(.cpus == 3 and .memory_bytes == 17179869184)" out
'

test_expect_success 'usage: a source needs its file, an unknown one is refused' '
	test_status 2 hx-sched inventory --from kubectl 2>err &&
	grep "expected the FILE" err &&
	test_status 2 hx-sched inventory --from nomad x 2>err &&
	grep "not local, slurm" err &&
	test_status 4 hx-sched inventory --from kubectl missing.json 2>err &&
	grep "^hx-sched: missing.json: No such file or directory$" err
'

test_done
