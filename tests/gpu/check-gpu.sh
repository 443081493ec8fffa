#!/bin/sh
# make check-gpu: the cuda backend on a machine with a GPU.  unit-gpu
# calls hx_cuda directly; service-gpu sends the same requests to
# hx-offload --backend cuda and --backend cpu.  Each is TAP with its log
# beside it; one summary at the end, and the speed ratios.  No GPU is a
# failure that says why, never a skip.
cd "$top_builddir" || exit 1
dir=$(mktemp -d "${TMPDIR:-/tmp}/check-gpu.XXXXXX") || exit 1
pids=
trap 'for p in $pids; do kill "$p" 2>/dev/null; done; rm -rf "$dir"' EXIT

# start NAME ARGS...: hx-offload ARGS in the background; its address, once
# it accepts, in $addr (empty when it ended first: its stderr is shown).
start() {
	name=$1
	shift
	mkfifo "$dir/$name.ready" || exit 1
	cmd/hx-offload --ready-fd 3 --listen "unix:$dir/$name.sock" "$@" \
		3>"$dir/$name.ready" 2>"$dir/$name.err" &
	pids="$pids $!"
	read -r addr <"$dir/$name.ready"
	[ -n "$addr" ] || sed "s/^/# $name: /" "$dir/$name.err"
}

# run LOG COMMAND...: COMMAND's TAP into LOG and on standard output.
run() {
	log=$1
	shift
	"$@" >"$log" 2>&1
	echo $? >"$dir/${log##*/}.rc"
	cat "$log"
}

run tests/gpu/unit-gpu.log tests/gpu/unit-gpu
start cpu --backend cpu
cpu_addr=$addr
start cuda --backend cuda
cuda_addr=$addr
if [ -n "$cuda_addr" ] && [ -n "$cpu_addr" ]; then
	run tests/gpu/service-gpu.log tests/gpu/service-gpu "$cuda_addr" \
		"$cpu_addr"
else
	echo "Bail out! hx-offload --backend cuda did not start" \
		>tests/gpu/service-gpu.log
	echo 1 >"$dir/service-gpu.log.rc"
	cat tests/gpu/service-gpu.log
fi

pass=0 fail=0 failed=
for t in tests/gpu/unit-gpu tests/gpu/service-gpu; do
	p=$(grep -c '^ok ' "$t.log")
	f=$(grep -c -e '^not ok ' -e '^Bail out!' "$t.log")
	[ "$(cat "$dir/${t##*/}.log.rc")" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	pass=$((pass + p)) fail=$((fail + f))
	[ "$f" -ne 0 ] && failed="$failed $t"
done
echo "check-gpu: $pass passed, $fail failed${failed:+ (in$failed; logs beside them)}"
grep -h '^# device\|^# speed' tests/gpu/*.log
[ "$fail" -eq 0 ]
