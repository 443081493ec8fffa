# sched-gen.awk: a generated cluster for hx-sched: an inventory of NODES
# node records (what=nodes) or JOBS job records (what=jobs), for
# bench/sched and for comparisons with Slurm (sbatch) on the same jobs.
# Deterministic: its own Park-Miller generator from SEED (awk's rand()
# differs between awks), so the same arguments give the same bytes.
#   awk -v what=nodes -v nodes=10000 -f bench/sched-gen.awk >nodes.jsonl
#   awk -v what=jobs -v jobs=100000 -f bench/sched-gen.awk >jobs.jsonl
# Nodes: a tenth RISC-V boards (4 CPUs), four tenths CPU servers (64),
# half GPU servers (64 CPUs, 8 GPUs of three models and drivers); one
# in fifty drained.  Jobs: 30% riscv64 unit runs, 45% CPU jobs, 15% GPU
# jobs with model and driver selectors, 10% runner + GPU service pairs
# split across nodes (two of the JOBS records); five teams, priorities 0 to 3, 1 to 60 minutes.
function rnd(n) {
	state = (state * 16807) % 2147483647
	return state % n
}
function pick(list,    a, k) {
	k = split(list, a, "|")
	return a[rnd(k) + 1]
}
function node(i,    kind, name) {
	kind = rnd(10)
	state_ = rnd(50) == 0 ? "drained" : "up"
	if (kind == 0) {
		printf "{\"type\":\"node\",\"name\":\"rv%d\",\"arch\":\"riscv64\"," \
		    "\"cpus\":4,\"memory_bytes\":8589934592,\"gpus\":0," \
		    "\"labels\":{\"isa\":\"%s\",\"board\":\"%s\"}," \
		    "\"state\":\"%s\",\"backend\":\"slurm\"}\n", i,
		    pick("rv64gc|rv64gcv"), pick("vf2|milkv|lichee"), state_
	} else if (kind < 5) {
		printf "{\"type\":\"node\",\"name\":\"cpu%d\",\"arch\":\"x86_64\"," \
		    "\"cpus\":64,\"memory_bytes\":274877906944,\"gpus\":0," \
		    "\"labels\":{\"rack\":\"r%d\"},\"state\":\"%s\"," \
		    "\"backend\":\"slurm\"}\n", i, rnd(8), state_
	} else {
		model = pick("h100|h100|a100|l40s")
		printf "{\"type\":\"node\",\"name\":\"gpu%d\",\"arch\":\"x86_64\"," \
		    "\"cpus\":64,\"memory_bytes\":549755813888,\"gpus\":8," \
		    "\"gpu_model\":\"%s\",\"labels\":{\"driver\":\"%s\"%s}," \
		    "\"state\":\"%s\",\"backend\":\"slurm\"}\n", i, model,
		    pick("535.104|550.54.15|555.42"),
		    model == "h100" ? ",\"nvlink\":\"true\"" : "", state_
	}
}
function common(i) {
	return sprintf("\"team\":\"team%d\",\"priority\":%d,\"duration_ns\":%d",
	    rnd(5), rnd(4), (rnd(60) + 1) * 60000000000)
}
function job(i, room,    kind, c) {
	kind = rnd(100)
	if (kind >= 90 && room < 2)
		kind = 50
	if (kind < 30)
		printf "{\"type\":\"job\",\"name\":\"j%d\",\"argv\":[\"-c\",\"a.jsonl\"]," \
		    "\"arch\":\"riscv64\",\"selector\":[\"isa=%s\"]," \
		    "\"resources\":{\"cpus\":%d},%s}\n", i,
		    pick("rv64gc|rv64gcv"), rnd(4) + 1, common(i)
	else if (kind < 75)
		printf "{\"type\":\"job\",\"name\":\"j%d\",\"argv\":[\"make\",\"check\"]," \
		    "\"arch\":\"x86_64\",\"resources\":{\"cpus\":%d," \
		    "\"memory_bytes\":%d},%s}\n", i, rnd(16) + 1,
		    (rnd(32) + 1) * 1073741824, common(i)
	else if (kind < 90)
		printf "{\"type\":\"job\",\"name\":\"j%d\",\"argv\":[\"bench\"]," \
		    "\"selector\":[\"%s\",\"driver>=550\"],\"resources\":" \
		    "{\"cpus\":8,\"gpus\":%d},%s}\n", i,
		    pick("gpu_model!=a100|nvlink|gpu_model in (h100,l40s)"),
		    rnd(8) + 1, common(i)
	else {
		c = common(i)
		printf "{\"type\":\"job\",\"name\":\"j%d-runner\",\"argv\":[\"-c\"," \
		    "\"a.jsonl\"],\"arch\":\"riscv64\",\"group\":\"g%d\"," \
		    "\"role\":\"runner\",\"placement\":\"split\",%s}\n", i, i, c
		printf "{\"type\":\"job\",\"name\":\"j%d-service\",\"argv\":" \
		    "[\"hx-offload\"],\"selector\":[\"nvlink\"],\"resources\":" \
		    "{\"gpus\":1},\"group\":\"g%d\",\"role\":\"service\"," \
		    "\"placement\":\"split\",%s}\n", i, i, c
		return 2
	}
	return 1
}
BEGIN {
	state = seed > 0 ? seed : 42
	if (what == "nodes")
		for (i = 1; i <= nodes; i++)
			node(i)
	else
		for (i = 1; n < jobs; i++)
			n += job(i, jobs - n)
}
