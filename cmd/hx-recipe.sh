# cmd/hx-recipe.sh: the functions of the recipe programs (hx nightly, hx
# release), put in place of their @recipe@ line when they are built.

# $1 decimal digits from 1 to 9, at random: a W3C id whose characters the
# offload client checks with the same instructions in every run.
digits() {
	od -An -tu1 -N"$1" /dev/urandom |
	    awk '{ for (i = 1; i <= NF; i++) printf "%d", $i % 9 + 1 }'
}

# Set gate_b to the baseline the gate compares with: $baseline when it
# was given (a path relative to $cwd), else the last commit of the
# first-parent history of HEAD with a note under $HX_BASELINE_REF (the
# last run that passed), as git:COMMIT; empty when there is none.  Run in
# the project's directory; $tmp is the private one.
gate_baseline() {
	case $baseline in
	''|git|git:*|/*) gate_b=$baseline ;;
	*) gate_b=$cwd/$baseline ;;
	esac
	[ -z "$gate_b" ] || return 0
	git notes --ref="$HX_BASELINE_REF" list 2>/dev/null | cut -d' ' -f2 \
	    >"$tmp/noted"
	gate_b=$(git rev-list --first-parent HEAD | grep -m1 -xF -f "$tmp/noted")
	[ -z "$gate_b" ] || gate_b=git:$gate_b
}

# Read the command line "$@": -h; each option, as -o VALUE, --opt VALUE
# or --opt=VALUE, through the program's set_option NAME VALUE [VALUE2],
# which returns 1 for a name it does not know, with as many values as
# its takes_value NAME prints (0, 1 or 2); and at most one operand, the
# project directory in $project (. by default).
parse_options() {
	while [ $# -gt 0 ]; do
		arg=$1 val= val2= has=0
		case $arg in
		--*=*) val=${arg#*=} arg=${arg%%=*} has=1 ;;
		esac
		case $arg in
		-h|--help) usage; exit 0 ;;
		--) shift; break ;;
		-?*)
			n=$(takes_value "$arg")
			[ "$n" -gt 0 ] || [ "$has" = 0 ] ||
			    die 2 "$arg takes no value"
			if [ "$n" -gt 0 ] && [ "$has" = 0 ]; then
				[ $# -ge 2 ] || die 2 "$arg needs a value"
				val=$2
				shift
			fi
			if [ "$n" -gt 1 ]; then
				[ $# -ge 2 ] || die 2 "$arg needs $n values"
				val2=$2
				shift
			fi
			set_option "$arg" "$val" "$val2" ||
			    die 2 "bad option: $arg (see $prog --help)" ;;
		*) break ;;
		esac
		shift
	done
	[ $# -le 1 ] || die 2 "unexpected argument: $2"
	project=${1:-.}
	[ -d "$project" ] || die 2 "$project: not a directory"
}

# Make $project and $policy (PROJECT/hx-policy.json by default) absolute,
# set $self, $cwd and $hx_TOOL for each hx program the recipes run, and
# check that the project is in a git repository.
setup_project() {
	self=$(cd "$(dirname "$0")" && pwd)
	cwd=$(pwd)
	project=$(cd "$project" && pwd)
	[ -n "$policy" ] || policy=$project/hx-policy.json
	[ -f "$policy" ] || die 2 "$policy: no policy (--policy)"
	policy=$(cd "$(dirname "$policy")" && pwd)/$(basename "$policy")
	for t in build emu sched trace wcet gate offload; do
		p=$(find_tool "$t") || die 4 "hx-$t not found"
		eval "hx_$t=\$p"
	done
	git -C "$project" rev-parse --show-toplevel >/dev/null 2>&1 ||
	    die 2 "$project: not in a git repository"
}

# Make the output directory $out absolute, empty its log $log (NAME.log)
# and its span files, and make the private directory $tmp: always under
# /tmp, so that the address of the service's socket in it, which the
# tests are given, has the same length in every run (the size of their
# environment changes their instruction counts) and fits the 108 bytes
# of a socket path.
setup_output() {
	mkdir -p "$out" || die 4 "$out: cannot make the directory"
	out=$(cd "$out" && pwd)
	log=$out/$1.log
	: >"$log" || die 4 "$log: cannot write"
	rm -f "$out"/spans-*.jsonl
	tmp=$(mktemp -d "/tmp/hx-$1.XXXXXX") || die 4 "mktemp failed"
}

# Gate $out/wcet.jsonl by $policy in the project's directory, against the
# baseline of gate_baseline (or --bootstrap when there is none and
# $bootstrap is 1), recording it under $HX_BASELINE_REF when it passes,
# with the reports in $out; returns the gate's status, and says where the
# summary is when it failed.
run_gate() {
	cd "$project" || die 4 "$project: cannot enter"
	gate_baseline
	set --
	if [ -n "$gate_b" ]; then
		set -- -b "$gate_b"
	elif [ "$bootstrap" = 1 ]; then
		set -- --bootstrap
	fi
	"$hx_gate" -q -p "$policy" "$@" --record-baseline \
	    --junit "$out/junit.xml" --summary "$out/summary.md" \
	    --bundle "$out/proof.tar.gz" "$out/wcet.jsonl" \
	    >"$out/gate.jsonl" 2>>"$log"
	status=$?
	[ "$status" = 0 ] ||
	    echo "$prog: the gate failed ($status): $out/summary.md" >&2
	return "$status"
}

# Append to FILE the root span NAME of SERVICE, with the ids $trace and
# $root, from START to END (ns), status STATUS (ok or error) and the
# attributes ATTRS (a JSON object).
root_span() {
	{
		printf '{"attrs":%s,"end_ns":%s,"host":%s,"kind":"internal",' \
		    "$7" "$5" "$(json_str "$(uname -n)")"
		printf '"name":"%s","service":"%s","span_id":"%s",' "$2" "$3" \
		    "$root"
		printf '"start_ns":%s,"status":"%s","trace_id":"%s",' "$4" "$6" \
		    "$trace"
		printf '"type":"span"}\n'
	} >>"$1"
}

# Run "$@" in the background and wait for it, returning its status: the
# shell runs the trap of a signal only once its foreground command has
# ended, but interrupts a wait, so that a SIGTERM (a CI job cancelled,
# timeout(1)) reaches end_child at once instead of after the whole run.
run_child() {
	"$@" &
	child=$!
	wait "$child"
	set -- "$?"
	child=
	return "$1"
}

# Stop the command run_child is waiting for, if any, and wait for its end.
end_child() {
	[ -z "${child:-}" ] || {
		kill -TERM "$child" 2>/dev/null
		wait "$child"
	}
}
