#!/bin/sh
# hx release: Recipe C of hx(7), release gating for a latency-critical
# model, end to end.  Check this node against its pinned manifest
# (hx-sched health --manifest), build with the pins of hx.json
# (hx-build), run the workload under each load profile the policy names
# (hx-trace run --load, pinned CPUs, real-time priority, the env record
# of the harness) with the RISC-V side and the GPU service in one trace
# per profile, split the traces into stages (hx-trace --stages), estimate
# each group's pWCET (hx-wcet) and gate the release against the golden
# baseline of the last release (hx-gate: per-profile budgets, stage
# drift), write the proof bundle and rebuild the artifacts from it
# (hx-build --from-bundle) to prove that they can be made again, bit for
# bit.  hx(1) runs this program for `hx release'.
set -u

prog='hx release'
bindir='@bindir@'

usage() {
	cat <<'EOF'
Usage: hx-release [-h] [-o DIR] [-p POLICY] [-t TARGET] [-b SOURCE]
                  [--bootstrap] [--manifest FILE] [--profiles LIST]
                  [--samples N] [--cpus LIST] [--rt PRIO] [--fault SPEC]
                  [PROJECT]
Run Recipe C of hx(7) on the project in PROJECT (default .): check this
node against its pinned manifest, build with the pins of hx.json, run the
tests with the GPU service under every load profile of the policy, gate
each profile's timing and each stage's drift against the golden baseline
of the last release, write the proof bundle and rebuild from it.  The
exit status is the first failure's, the gate's or the rebuild's.
`hx release' runs this program.

Options:
  -b, --baseline SOURCE  compare with SOURCE (a file, or git:REV) instead
                         of the last release baseline of the history
      --bootstrap        record the first golden baseline when there is
                         none
      --cpus LIST        pin the runner to the CPUs of LIST (taskset)
      --fault SPEC       give the GPU service hx-offload --fault SPEC
  -h, --help             show this help and exit
      --manifest FILE    the pinned node manifest
                         (default PROJECT/hx-node-manifest.json)
  -o, --output DIR       where the records and reports go (hx-release)
  -p, --policy FILE      the policy (default PROJECT/hx-policy.json)
      --profiles LIST    the load profiles to run, comma-separated
                         (default: those the policy names)
      --rt PRIO          run the runner with SCHED_FIFO priority PRIO
      --samples N        runs of the workload per profile (30)
  -t, --target TARGET    the toolchain to build with (riscv64-gcc)
EOF
}

@common@
@recipe@

# The names of the members of the profiles object of the JSON file $1,
# one a line.
profile_names() {
	awk '{ text = text $0 "\n" }
	END {
		n = length(text); depth = 0; want = 0; inside = 0; last = ""
		for (i = 1; i <= n; i++) {
			c = substr(text, i, 1)
			if (c == "\"") {
				s = ""
				for (i++; i <= n; i++) {
					d = substr(text, i, 1)
					if (d == "\\") {
						s = s substr(text, i, 2)
						i++
					} else if (d == "\"")
						break
					else
						s = s d
				}
				last = s
			} else if (c == ":") {
				if (depth == 1 && last == "profiles")
					want = 1
				else if (depth == 2 && inside)
					print last
				last = ""
			} else if (c == "{" || c == "[") {
				depth++
				if (depth == 2 && want && c == "{")
					inside = 1
				want = 0
			} else if (c == "}" || c == "]") {
				if (depth == 2)
					inside = 0
				depth--
			} else if (c == ",") {
				want = 0
				last = ""
			}
		}
	}' "$1"
}

out=hx-release
policy=
target=riscv64-gcc
baseline=
bootstrap=0
manifest=
profiles=
samples=30
cpus=
rt=
fault=
# The options of parse_options: how many values each takes, and where.
takes_value() {
	case $1 in
	--bootstrap) echo 0 ;;
	*) echo 1 ;;
	esac
}

set_option() {
	case $1 in
	--bootstrap) bootstrap=1 ;;
	-o|--output) out=$2 ;;
	-p|--policy) policy=$2 ;;
	-t|--target) target=$2 ;;
	-b|--baseline) baseline=$2 ;;
	--manifest) manifest=$2 ;;
	--profiles) profiles=$2 ;;
	--samples) samples=$2 ;;
	--cpus) cpus=$2 ;;
	--rt) rt=$2 ;;
	--fault) fault=$2 ;;
	*) return 1 ;;
	esac
}

parse_options "$@"
case $samples in
''|*[!0-9]*|0) die 2 "--samples: expected a positive number: $samples" ;;
esac
setup_project
[ -n "$manifest" ] || manifest=$project/hx-node-manifest.json
[ -f "$manifest" ] || die 2 "$manifest: no node manifest (--manifest)"
manifest=$(cd "$(dirname "$manifest")" && pwd)/$(basename "$manifest")
if [ -z "$profiles" ]; then
	profiles=$(profile_names "$policy" | paste -sd, -)
	[ -n "$profiles" ] ||
	    die 2 "$policy names no load profiles (profiles, or --profiles)"
fi
case ,$profiles, in
*[!A-Za-z0-9_.,-]*|*,,*)
	die 2 "--profiles: expected names separated by commas: $profiles" ;;
esac
repo=$(git -C "$project" rev-parse --show-toplevel)
commit=$(git -C "$project" rev-parse HEAD)

setup_output release
rm -f "$out"/env-*.json "$out/runs.jsonl"
service=
cleanup() {
	end_child
	[ -z "$service" ] || kill -TERM "$service" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 4' HUP INT TERM

# 1. The node: this machine against its pinned manifest.
echo "hx release: checking this node against $manifest" >>"$log"
"$hx_sched" health --manifest "$manifest" --state "$tmp/state" \
    >"$out/health.jsonl" 2>>"$log"
status=$?
[ "$status" -le 1 ] || die "$status" "hx-sched health failed; see $log"
if grep -q '"state":"quarantined"' "$out/health.jsonl"; then
	reason=$(sed -n 's/.*"reason":"\([^"]*\)".*/\1/p' "$out/health.jsonl" |
	    head -n 1)
	die 1 "this node is quarantined: ${reason:-see $out/health.jsonl}"
fi

# 2. The build, with the pins of hx.json.
echo "hx release: building $commit" >>"$log"
(cd "$project" && "$hx_build" -q -t "$target" .) >"$out/build.jsonl" \
    2>>"$log"
status=$?
[ "$status" = 0 ] || die "$status" "hx-build failed; see $log"
! grep -q '"dirty":true' "$out/build.jsonl" ||
    die 2 "$project has changes not committed: a release is built from a" \
    "commit, which its proof bundle rebuilds"

# 3. The workload under each profile: the GPU service, and the tests run
# SAMPLES times under hx-trace run --load, all in one trace per profile
# whose root span, written here, carries the profile.
sock=$tmp/offload.sock
for profile in $(printf '%s\n' "$profiles" | tr , ' '); do
	echo "hx release: profile $profile" >>"$log"
	trace=$(digits 16)$(digits 16)
	root=$(digits 16)
	TRACEPARENT=00-$trace-$root-01
	export TRACEPARENT
	rm -f "$tmp/ready" "$sock"
	set -- "$hx_offload" --backend cpu --listen "unix:$sock" --ready-fd 3 \
	    --spans "$out/spans-offload.jsonl"
	[ -z "$fault" ] || set -- "$@" --fault "$fault"
	"$hx_trace" run --service hx-offload --name hx-offload \
	    --spans "$out/spans-service.jsonl" -- "$@" 3>"$tmp/ready" \
	    2>>"$log" &
	service=$!
	n=0
	until [ -s "$tmp/ready" ]; do
		kill -0 "$service" 2>/dev/null ||
		    die 4 "the GPU service did not start; see $log"
		n=$((n + 1))
		[ "$n" -le 600 ] || die 4 "the GPU service did not start in 60 s"
		sleep 0.1
	done
	set -- --load "$profile" --profiles "$policy" \
	    --env "$out/env-$profile.json"
	[ -z "$cpus" ] || set -- "$@" --cpus "$cpus"
	[ -z "$rt" ] || set -- "$@" --rt "$rt"
	t0=$(date +%s%N)
	i=0
	while [ "$i" -lt "$samples" ]; do
		i=$((i + 1))
		run_child "$hx_trace" run "$@" --service riscv-host --name riscv-tests -- \
		    "$hx_emu" --count --setenv "TRACEPARENT=$TRACEPARENT" \
		    --setenv "HX_OFFLOAD_SPANS=$tmp/spans-client.jsonl" \
		    --gpu-stub="unix:$sock" "$out/build.jsonl" \
		    >>"$out/runs.jsonl" 2>>"$log"
		status=$?
		[ "$status" -le 1 ] ||
		    die "$status" "the run under profile $profile failed; see $log"
	done
	t1=$(date +%s%N)
	kill -TERM "$service"
	wait "$service"
	service=
	root_span "$out/spans-release.jsonl" release hx-release "$t0" "$t1" ok \
	    "{\"commit\":\"$commit\",\"profile\":$(json_str "$profile")}"
done

[ ! -f "$tmp/spans-client.jsonl" ] ||
    cp "$tmp/spans-client.jsonl" "$out/spans-client.jsonl"

# 4. Samples and stages of every span, the pWCET of every group, the
# gate against the golden baseline, and the proof bundle.
echo "hx release: stages, pWCET and the gate" >>"$log"
"$hx_trace" --samples --stages --correlate --chrome "$out/trace.json" \
    "$out/runs.jsonl" "$out"/spans-*.jsonl "$out"/env-*.json \
    >"$out/records.jsonl" 2>>"$log" || die 4 "hx-trace failed; see $log"
"$hx_wcet" --pass-samples "$out/records.jsonl" >"$out/wcet.jsonl" 2>>"$log"
status=$?
[ "$status" -le 1 ] || die "$status" "hx-wcet failed; see $log"

# The golden baselines of releases are notes of their own.
HX_BASELINE_REF=${HX_BASELINE_REF:-refs/notes/hx-release}
export HX_BASELINE_REF
# The notes ref as it was: a release whose rebuild fails is not golden.
noted=$(git -C "$repo" rev-parse -q --verify "$HX_BASELINE_REF")
run_gate || exit

# 5. The proof: the artifacts rebuilt from the bundle, bit for bit.
echo "hx release: rebuilding from $out/proof.tar.gz" >>"$log"
"$hx_build" -q --from-bundle "$out/proof.tar.gz" --repo "$repo" \
    -o "$tmp/rebuild" >"$out/rebuild.jsonl" 2>>"$log"
status=$?
case $status in
0) exit 0 ;;
1) echo "hx release: the rebuild from the bundle differs; see $log" >&2 ;;
*) echo "hx release: the rebuild from the bundle failed ($status);" \
    "see $log" >&2 ;;
esac
# Take back the golden baseline the gate recorded for this release.
recorded=$(git -C "$repo" rev-parse -q --verify "$HX_BASELINE_REF")
if [ -n "$recorded" ] && [ "$recorded" != "$noted" ]; then
	if [ -n "$noted" ]; then
		git -C "$repo" update-ref "$HX_BASELINE_REF" "$noted" "$recorded"
	else
		git -C "$repo" update-ref -d "$HX_BASELINE_REF" "$recorded"
	fi || echo "hx release: cannot take back the baseline recorded in" \
	    "$HX_BASELINE_REF" >&2
fi
exit "$status"
