#!/bin/sh
# hx nightly: Recipe B of hx(7), the nightly hardware-in-the-loop run, end
# to end.  Build the project's current commit with hx-build; plan a pair of
# jobs with hx-sched inside the nightly reservation window (a RISC-V runner
# that runs the tests through hx-emu, and the GPU service hx-offload it
# offloads to), each side under hx-trace run so that both sides' spans
# join one trace; run the pair here (--exec local) or on Slurm (--emit
# slurm --submit); then hx-trace --samples, hx-wcet and hx-gate against the
# last recorded baseline, recording this run as the next one when the gate
# passes.  The reports go to the output directory; the exit status is the
# gate's.  hx(1) runs this program for `hx nightly'.
set -u

prog='hx nightly'
bindir='@bindir@'

usage() {
	cat <<'EOF'
Usage: hx-nightly [-h] [-o DIR] [-p POLICY] [-t TARGET] [-b SOURCE]
                  [--bootstrap] [--rev REV] [--inventory FILE]
                  [--reservations FILE] [--window HH:MM-HH:MM] [--now TIME]
                  [--run PATTERN] [--repeat N] [--fault SPEC] [--state DIR]
                  [--emit slurm DIR [--submit]] [PROJECT]
Run Recipe B of hx(7) on the project in PROJECT (default .): build its
current commit, plan and run the RISC-V runner and the GPU service under
hx-trace run inside the nightly reservation window, estimate the pWCET of
every group and gate the run against the last recorded baseline, which
this run replaces when the gate passes.  The exit status is the gate's.
`hx nightly' runs this program.

Options:
  -b, --baseline SOURCE  compare with SOURCE (a file, or git:REV) instead
                         of the last baseline note of the history
      --bootstrap        record the first baseline when there is none
      --emit slurm DIR   write the jobs as sbatch scripts into DIR
      --fault SPEC       give the GPU service hx-offload --fault SPEC
  -h, --help             show this help and exit
      --inventory FILE   the nodes (default: this machine as a riscv64
                         node through QEMU and a GPU node through the
                         cpu backend of hx-offload)
      --now TIME         the time to plan from (RFC 3339), for tests
  -o, --output DIR       where the records and reports go (hx-nightly)
  -p, --policy FILE      the policy (default PROJECT/hx-policy.json)
      --repeat N         run each test N times (hx-emu --repeat)
      --reservations FILE  the reservation windows (default: the nightly
                         window for the team nightly on every node)
      --rev REV          build REV, checked out in a private directory
      --run PATTERN      also run the exe outputs PATTERN matches
      --state DIR        hx-sched's state directory
      --submit           with --emit slurm: submit the scripts and wait
  -t, --target TARGET    the toolchain to build with (riscv64-gcc)
      --window HH:MM-HH:MM  the nightly window, UTC (22:00-06:00)
EOF
}

@common@
@recipe@

# A JSON array of strings for the arguments.
json_argv() {
	sep='['
	for a in "$@"; do
		printf '%s%s' "$sep" "$(json_str "$a")"
		sep=,
	done
	printf ']'
}

# The seconds since the epoch of the time of day $1 (HH:MM) on the day
# of the epoch seconds $2.
at_time() {
	date -u -d "$(date -u -d "@$2" +%F) $1" +%s 2>/dev/null
}

rfc3339() {
	date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ
}

out=hx-nightly
policy=
target=riscv64-gcc
baseline=
bootstrap=0
rev=
inventory=
reservations=
window=22:00-06:00
now=
run_pattern=
repeat=1
fault=
state=
emit=
submit=0
# The options of parse_options: how many values each takes, and where.
takes_value() {
	case $1 in
	--bootstrap|--submit) echo 0 ;;
	--emit) echo 2 ;;
	*) echo 1 ;;
	esac
}

set_option() {
	case $1 in
	--bootstrap) bootstrap=1 ;;
	--submit) submit=1 ;;
	-o|--output) out=$2 ;;
	-p|--policy) policy=$2 ;;
	-t|--target) target=$2 ;;
	-b|--baseline) baseline=$2 ;;
	--rev) rev=$2 ;;
	--inventory) inventory=$2 ;;
	--reservations) reservations=$2 ;;
	--window) window=$2 ;;
	--now) now=$2 ;;
	--run) run_pattern=$2 ;;
	--repeat) repeat=$2 ;;
	--fault) fault=$2 ;;
	--state) state=$2 ;;
	--emit)
		[ "$2" = slurm ] || die 2 "--emit takes slurm and a directory"
		emit=$3 ;;
	*) return 1 ;;
	esac
}

parse_options "$@"
[ "$submit" = 0 ] || [ -n "$emit" ] || die 2 "--submit needs --emit slurm DIR"
case $repeat in
''|*[!0-9]*|0) die 2 "--repeat: expected a positive number: $repeat" ;;
esac
case $window in
[0-2][0-9]:[0-5][0-9]-[0-2][0-9]:[0-5][0-9]) ;;
*) die 2 "--window: expected HH:MM-HH:MM: $window" ;;
esac
setup_project

# The time to plan from and the window around it.
if [ -n "$now" ]; then
	now_s=$(date -u -d "$now" +%s 2>/dev/null) ||
	    die 2 "--now: expected an RFC 3339 time: $now"
else
	now_s=$(date -u +%s)
fi
start=$(at_time "${window%-*}" "$now_s") &&
    end=$(at_time "${window#*-}" "$now_s") ||
    die 2 "--window: bad time: $window"
[ "$start" -le "$now_s" ] || start=$((start - 86400))
while [ "$end" -le "$start" ]; do
	end=$((end + 86400))
done
[ -n "$reservations" ] || [ "$now_s" -lt "$end" ] ||
    die 2 "$(rfc3339 "$now_s") is outside the nightly window $window UTC" \
    "(--window, --now)"

setup_output nightly
worktree=
cleanup() {
	end_child
	[ -z "$worktree" ] ||
	    git -C "$project" worktree remove --force "$worktree" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 4' HUP INT TERM

# --rev: a detached checkout of REV beside the output, the project in it.
if [ -n "$rev" ]; then
	prefix=$(git -C "$project" rev-parse --show-prefix)
	git -C "$project" worktree add -q --detach "$tmp/src" "$rev" \
	    >>"$log" 2>&1 || die 2 "--rev: cannot check out $rev"
	worktree=$tmp/src
	project=$worktree/$prefix
fi
commit=$(git -C "$project" rev-parse HEAD)

# The inventory: this machine as a riscv64 node (QEMU runs the tests) and
# as a GPU node (hx-offload's cpu backend serves the GPU operations).
if [ -z "$inventory" ]; then
	inventory=$out/inventory.jsonl
	host=$(uname -n)
	cpus=$(getconf _NPROCESSORS_ONLN)
	mem=$(awk '/^MemTotal:/ { printf "%.0f", $2 * 1024 }' /proc/meminfo)
	{
		printf '{"type":"node","name":%s,"arch":"riscv64","cpus":%s,' \
		    "$(json_str "$host-riscv64")" "$cpus"
		printf '"memory_bytes":%s,"gpus":0,"labels":{"emulator":"qemu"},' \
		    "$mem"
		printf '"state":"up","backend":"local"}\n'
		printf '{"type":"node","name":%s,"arch":%s,"cpus":%s,' \
		    "$(json_str "$host-gpu")" "$(json_str "$(uname -m)")" "$cpus"
		printf '"memory_bytes":%s,"gpus":1,"gpu_model":"cpu",' "$mem"
		printf '"labels":{"offload":"cpu"},"state":"up","backend":"local"}\n'
	} >"$inventory" || die 4 "$inventory: cannot write"
fi

# The reservation: every node of the inventory for the team nightly over
# the window (named, for --reservation, only where Slurm knows it).
if [ -z "$reservations" ]; then
	reservations=$out/reservations.jsonl
	nodes=$(sed -n 's/.*"name" *: *\("[^"]*"\).*/\1/p' "$inventory" |
	    paste -sd, -)
	name=
	[ -n "$emit" ] || name='"name":"nightly",'
	printf '{%s"team":"nightly","nodes":[%s],"start":"%s","end":"%s"}\n' \
	    "$name" "$nodes" "$(rfc3339 "$start")" "$(rfc3339 "$end")" \
	    >"$reservations" || die 4 "$reservations: cannot write"
fi

# One trace for the night: its root is the span this program writes at
# the end, every job's hx-trace run a child of it, and the tests carry it
# to the offload service.
trace=$(digits 16)$(digits 16)
root=$(digits 16)
TRACEPARENT=00-$trace-$root-01
export TRACEPARENT

# The pair.  The service listens on the socket in $tmp.  Under --exec
# local, hx-sched waits until the socket it names (HX_SERVICE_SOCKET), a
# link to that one, accepts, then starts the runner; on Slurm the runner
# waits for the address the service writes once it listens.
sock=$tmp/offload.sock
ready=$tmp/ready
runner_sh='s=$1 r=$2
shift 2
n=0
while [ -z "${HX_SERVICE_SOCKET:-}" ] && [ ! -s "$r" ]; do
	n=$((n + 1))
	[ "$n" -le 600 ] || {
		echo "hx nightly: the GPU service did not start" >&2
		exit 4
	}
	sleep 0.1
done
exec "$@" --gpu-stub="unix:$s"'
service_sh='s=$1 r=$2
shift 2
[ -z "${HX_SERVICE_SOCKET:-}" ] || ln -s "$s" "$HX_SERVICE_SOCKET" || exit 4
mkfifo "$s.life" || exit 4
exec 4<>"$s.life" 5>"$s.life" 6<"$s.life" 4>&-
exec "$@" --listen "unix:$s" --ready-fd 3 --parent-fd 6 3>"$r"'
# The service's lifeline: hx-offload stops when the write end of a pipe
# closes, which only hx-trace run holds (the shell of the job execs it),
# so that it does not outlive a job Slurm killed: it runs in a process
# group of its own, which proctrack/pgid does not know.
lifeline='exec 5>&-; exec "$@"'
set -- "$hx_emu" --count --repeat "$repeat" \
    --setenv "TRACEPARENT=$TRACEPARENT" \
    --setenv "HX_OFFLOAD_SPANS=$tmp/spans-client.jsonl"
[ -z "$run_pattern" ] || set -- "$@" --run "$run_pattern"
runner=$(json_argv sh -c "$runner_sh" hx-nightly "$sock" "$ready" \
    "$hx_trace" run --service riscv-host --name riscv-tests -- \
    "$@" "$out/build.jsonl")
set -- "$hx_offload" --backend cpu --spans "$out/spans-offload.jsonl"
[ -z "$fault" ] || set -- "$@" --fault "$fault"
service=$(json_argv sh -c "$service_sh" hx-nightly "$sock" "$ready" \
    "$hx_trace" run --service hx-offload --name hx-offload \
    --spans "$out/spans-service.jsonl" -- sh -c "$lifeline" hx-offload "$@")
job='"type":"job","group":"nightly","placement":"split","team":"nightly"'
job=$job',"duration_ns":1800000000000'
{
	printf '{%s,"name":"riscv-host","role":"runner",' "$job"
	printf '"selector":["arch=riscv64"],"resources":{"cpus":1},"argv":%s}\n' \
	    "$runner"
	printf '{%s,"name":"hx-offload","role":"service",' "$job"
	printf '"resources":{"cpus":1,"gpus":1},"argv":%s}\n' "$service"
} >"$out/jobs.jsonl" || die 4 "$out/jobs.jsonl: cannot write"

echo "hx nightly: building $commit" >>"$log"
(cd "$project" && "$hx_build" -q -t "$target" .) >"$out/build.jsonl" \
    2>>"$log"
status=$?
[ "$status" -le 1 ] || die "$status" "hx-build failed; see $log"

set -- --inventory "$inventory" --reservations "$reservations"
[ -z "$now" ] || set -- "$@" --now "$now"
[ -z "$state" ] || set -- "$@" --state "$state"
if [ -z "$emit" ]; then
	set -- "$@" --exec local
else
	set -- "$@" --emit slurm "$emit"
	[ "$submit" = 0 ] || set -- "$@" --submit
fi
echo "hx nightly: running the pair" >>"$log"
t0=$(date +%s%N)
run_child "$hx_sched" plan -v "$@" "$out/jobs.jsonl" >"$out/sched.jsonl" \
    2>>"$log"
status=$?
t1=$(date +%s%N)
[ "$status" -le 1 ] || die "$status" "hx-sched failed; see $log"
[ ! -f "$tmp/spans-client.jsonl" ] ||
    cp "$tmp/spans-client.jsonl" "$out/spans-client.jsonl"
if [ -n "$emit" ] && [ "$submit" = 0 ]; then
	echo "hx nightly: the sbatch scripts are in $emit" >&2
	exit 0
fi
span_status=ok
[ "$status" = 0 ] || span_status=error
root_span "$out/spans-nightly.jsonl" nightly hx-nightly "$t0" "$t1" \
    "$span_status" "{\"commit\":\"$commit\"}"

# Samples of every span, the pWCET of every group, and the gate.
echo "hx nightly: samples, pWCET and the gate" >>"$log"
"$hx_trace" --samples --stages --correlate --chrome "$out/trace.json" \
    "$out/sched.jsonl" "$out"/spans-*.jsonl >"$out/records.jsonl" 2>>"$log" ||
    die 4 "hx-trace failed; see $log"
"$hx_wcet" --pass-samples "$out/records.jsonl" >"$out/wcet.jsonl" 2>>"$log"
status=$?
[ "$status" -le 1 ] || die "$status" "hx-wcet failed; see $log"

# The nightly baselines are notes of their own: the PR path's, under
# refs/notes/hx-baseline, are counts of another kind of run.
HX_BASELINE_REF=${HX_BASELINE_REF:-refs/notes/hx-nightly}
export HX_BASELINE_REF
run_gate
