#!/bin/sh
# make check-gpu: the cuda backend's checks on a machine with a GPU, each
# a TAP program whose log lands beside it, then one summary.  No GPU is a
# failure that says why, never a skip.
cd "$top_builddir" || exit 1
pass=0 fail=0 failed=
for t in tests/gpu/unit-gpu; do
	"$t" >"$t.log" 2>&1
	rc=$?
	cat "$t.log"
	p=$(grep -c '^ok ' "$t.log")
	f=$(grep -c -e '^not ok ' -e '^Bail out!' "$t.log")
	[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	pass=$((pass + p)) fail=$((fail + f))
	[ "$f" -ne 0 ] && failed="$failed $t"
done
echo "check-gpu: $pass passed, $fail failed${failed:+ (in$failed; logs beside them)}"
grep -h '^# speed' tests/gpu/*.log
[ "$fail" -eq 0 ]
