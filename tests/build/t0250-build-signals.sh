#!/bin/sh
# hx-build stopped by SIGTERM, SIGHUP or SIGINT: the build step's whole
# process group is killed, the staging directory goes, and hx-build dies
# of the signal (128 + its number).  Stale directories that killed runs
# left are swept by the next run, never a live run's.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/build/build-lib.sh"
require_program flock util-linux

make_repo repo || exit 1

# The build step starts a grandchild, says both pids, then waits: the
# step's file is the readiness marker.
git clone -q repo hang &&
jq --arg d "$PWD" '.build = ["sh", "-c",
	"sleep 1000 & echo $! >\($d)/child.pid; echo $$ >\($d)/step.tmp && mv \($d)/step.tmp \($d)/step.pid; wait"]' \
	repo/hx.json >hang/hx.json || exit 1

# stop SIGNAL STATUS: start hx-build, send SIGNAL once the step runs; it
# must end with STATUS, leaving no process and no directory behind.  A
# job the shell starts in the background ignores SIGINT and SIGQUIT, and
# hx-build leaves ignored signals ignored: restore them for the job.
stop() {
	rm -rf step.pid child.pid "tmp-$1" && mkdir "tmp-$1" &&
	{ TMPDIR="$PWD/tmp-$1" env --default-signal=INT,QUIT \
		hx-build -q -t riscv64-gcc -o hang-out hang >out 2>err & } &&
	pid=$! &&
	wait_file step.pid &&
	test -d "$(ls -d tmp-$1/hx-build.*)" &&
	kill -s "$1" $pid && { wait $pid; test $? -eq "$2"; } &&
	gone "$(cat step.pid)" && gone "$(cat child.pid)" &&
	test_must_be_empty out &&
	test -z "$(ls -A "tmp-$1")"
}

test_expect_success 'SIGTERM: the step and its child killed, 143, no staging' '
	stop TERM 143
'

test_expect_success 'SIGHUP: the same, 129' '
	stop HUP 129
'

test_expect_success 'SIGINT: the same, 130' '
	stop INT 130
'

test_expect_success 'stale directories of killed runs are swept, live ones kept' '
	mkdir -p sweep && cache="$HX_CACHE_DIR/tmp" && mkdir -p "$cache" &&
	mkdir sweep/hx-build.stale1 sweep/hx-build-repro.stale2 \
		sweep/hx-build.fresh1 sweep/hx-build.locked sweep/hx-build.x \
		"$cache/entry.stale3" "$cache/entry.locked" &&
	echo partial >"$cache/entry.stale3/half" &&
	{ flock -x sweep/hx-build.locked sh -c "touch ready1; exec sleep 1000" & } &&
	holder1=$! &&
	{ flock -x "$cache/entry.locked" sh -c "touch ready2; exec sleep 1000" & } &&
	holder2=$! &&
	wait_file ready1 && wait_file ready2 &&
	touch -d "11 minutes ago" sweep/hx-build.stale1 sweep/hx-build-repro.stale2 \
		sweep/hx-build.locked sweep/hx-build.x "$cache/entry.stale3" \
		"$cache/entry.locked" &&
	TMPDIR="$PWD/sweep" hx-build -t riscv64-gcc -o sweep-out repo \
		>sweep.rec 2>sweep.err &&
	{ pkill -P $holder1; pkill -P $holder2; kill $holder1 $holder2 \
		2>/dev/null; true; } &&
	(cd sweep && ls) >got &&
	printf "%s\n" hx-build.fresh1 hx-build.locked hx-build.x >want &&
	test_cmp want got &&
	ls "$cache" >got &&
	echo entry.locked >want &&
	test_cmp want got &&
	test $(grep -c "^hx-build: removed 1 stale temporary directory from $PWD/sweep\$" \
		sweep.err) -eq 2 &&
	grep "removed 1 stale temporary directory from $cache" sweep.err
'

test_done
