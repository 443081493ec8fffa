#!/bin/sh
# make check-gpu: the cuda backend on a machine with a GPU.  unit-gpu
# calls hx_cuda directly; service-gpu sends the same requests to
# hx-offload --backend cuda and --backend cpu.  Each is TAP with its log
# beside it; one summary at the end, and the speed ratios.  No GPU is a
# failure that says why, never a skip.
#
# Run by hand as `sh tests/gpu/check-gpu.sh` from the source tree where
# configure cannot run (a GPU machine without hx's build dependencies), it
# builds unit-gpu itself with the nvcc and cuBLAS of $CUDA_HOME (default
# /usr/local/cuda) and cc, and counts the service comparison, which needs
# the whole of hx built, as failed, saying why.
if [ -n "${top_builddir:-}" ]; then
	cd "$top_builddir" || exit 1
	standalone=
else
	cd "$(dirname "$0")/../.." || exit 1
	standalone=${CUDA_HOME:-/usr/local/cuda}
fi
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

# fail LOG WHY: a check that could not run.
fail() {
	echo "Bail out! $2" >"$1"
	echo 1 >"$dir/${1##*/}.rc"
	cat "$1"
}

# unit-gpu by hand: hx_cuda with nvcc, the test with cc, as mk/offload.am.
build_standalone() {
	"$standalone/bin/nvcc" -gencode arch=compute_90,code=sm_90 \
		-gencode arch=compute_75,code=compute_75 -O2 -std=c++17 \
		-Xcompiler -fPIC,-fno-exceptions,-fno-threadsafe-statics -Ilib \
		-c -o "$dir/hx_cuda.o" lib/offload/hx_cuda.cu &&
	cc -O3 -Ilib -Iexamples/tinyinfer/include -o "$dir/unit-gpu" \
		tests/gpu/unit-gpu.c examples/tinyinfer/src/quant.c \
		"$dir/hx_cuda.o" -L"$standalone/lib64" \
		-Wl,-rpath,"$standalone/lib64" -lcublas -lcudart -lpthread -lm
}

if [ -z "$standalone" ]; then
	run tests/gpu/unit-gpu.log tests/gpu/unit-gpu
elif build_standalone; then
	run tests/gpu/unit-gpu.log "$dir/unit-gpu"
else
	fail tests/gpu/unit-gpu.log "cannot build unit-gpu with $standalone"
fi
if [ -n "$standalone" ]; then
	fail tests/gpu/service-gpu.log "hx is not built here: configure && make check-gpu compares the services"
else
	start cpu --backend cpu
	cpu_addr=$addr
	start cuda --backend cuda
	cuda_addr=$addr
	if [ -n "$cuda_addr" ] && [ -n "$cpu_addr" ]; then
		run tests/gpu/service-gpu.log tests/gpu/service-gpu \
			"$cuda_addr" "$cpu_addr"
	else
		fail tests/gpu/service-gpu.log "hx-offload --backend cuda did not start"
	fi
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
