#!/bin/sh
# hx-wcet --baseline verdicts: constant groups (instruction counts) are
# compared exactly from one run, whatever the repeats and the number of
# other groups; wall-clock groups below the rank test's minimum are
# insufficient, and that minimum agrees with scipy.
. "$top_srcdir/tests/lib.sh"

# samples NAME UNIT VALUE COUNT: COUNT sample records of VALUE.
samples() {
	i=0
	while [ $i -lt "$4" ]; do
		printf '{"type":"sample","name":"%s","unit":"%s","value":%s}\n' \
		    "$1" "$2" "$3"
		i=$((i + 1))
	done
}

# others COUNT: COUNT unchanged groups, 3 repeats each, on stdout.
others() {
	k=0
	while [ $k -lt "$1" ]; do
		samples "other$k" insns $((1000 + k)) 3
		k=$((k + 1))
	done
}

# group NAME FILE: the wcet record of NAME in FILE.
group() {
	grep "\"type\":\"wcet\"" "$2" | grep "\"name\":\"$1\""
}

test_expect_success 'a +48.5% count rise is a regression with 1, 3, 5 and 7 repeats and 0 to 40 other groups' '
	for r in 1 3 5 7; do
		for k in 0 1 10 40; do
			{ samples md5 insns 100000 $r && others $k; } >base &&
			{ others $k && samples md5 insns 148500 $r; } >now &&
			hx-wcet --baseline base now >out 2>err &&
			group md5 out >md5 &&
			grep "\"class\":\"regression\"" md5 &&
			grep "\"method\":\"exact\"" md5 &&
			grep "\"abs_shift\":48500.0" md5 &&
			grep "\"shift\":0.485" md5 &&
			grep "\"p\":null,\"p_adjusted\":null" md5 || return 1
			test $k -eq 0 || group other0 out |
			    grep "\"class\":\"ok\"" || return 1
		done
	done
'

test_expect_success 'an exact comparison flags any rise beyond the threshold, however small' '
	samples f insns 1000000 1 >base &&
	samples f insns 1000001 1 >now &&
	hx-wcet --threshold 0 --baseline base now >out &&
	group f out | grep "\"class\":\"regression\"" &&
	group f out | grep "\"abs_shift\":1.0" &&
	hx-wcet --baseline base now >out &&
	group f out | grep "\"class\":\"drift\"" &&
	hx-wcet --threshold 0 --baseline base base >out &&
	group f out | grep "\"class\":\"ok\"" &&
	samples f insns 999000 1 >now &&
	hx-wcet --threshold 0 --baseline base now >out &&
	group f out | grep "\"class\":\"drift\"" &&
	group f out | grep "\"abs_shift\":-1000.0"
'

test_expect_success 'wall-clock groups below the minimum are insufficient, never ok' '
	for n in 1 2 3; do
		samples t ns 100 $n >base && samples t ns 200 $n >now &&
		hx-wcet --baseline base now >out 2>err &&
		group t out >t &&
		grep "\"class\":\"insufficient\"" t &&
		grep "\"min_n\":4" t && grep "\"p\":null" t || return 1
	done &&
	awk "BEGIN { for (i = 0; i < 4; i++) printf \"{\\\"type\\\":\\\"sample\\\",\\\"name\\\":\\\"t\\\",\\\"unit\\\":\\\"ns\\\",\\\"value\\\":%d}\\n\", 100 + i }" >base &&
	awk "BEGIN { for (i = 0; i < 4; i++) printf \"{\\\"type\\\":\\\"sample\\\",\\\"name\\\":\\\"t\\\",\\\"unit\\\":\\\"ns\\\",\\\"value\\\":%d}\\n\", 200 + i }" >now &&
	hx-wcet --baseline base now >out &&
	group t out | grep "\"class\":\"regression\"" &&
	group t out | grep "\"method\":\"rank\""
'

test_expect_success 'one or two equal wall-clock samples are not deterministic and claim no pWCET' '
	for n in 1 2; do
		samples t ns 100 $n >now &&
		hx-wcet now >out 2>err &&
		grep "\"method\":\"none\"" out && grep "\"insufficient\":true" out &&
		! grep "\"pwcet\"" out &&
		grep "equal measured times are no deterministic worst case" err ||
		return 1
	done &&
	samples c insns 100 1 >now && hx-wcet now >out &&
	grep "\"method\":\"deterministic\"" out && ! grep "insufficient" out
'

scipy_python

test_expect_success 'the minimum per side is where scipy'\''s rank-sum test can first reach alpha' '
	test -n "$PYTHON" || { echo "scipy is missing (python3-scipy)"; exit 77; } &&
	samples t ns 1 1 >base && samples t ns 2 2 >now &&
	for a in 0.1 0.05 0.01 0.001; do
		hx-wcet --alpha $a --baseline base now >out 2>/dev/null &&
		k=$(sed -n "s/.*\"min_n\":\([0-9]*\).*/\1/p" out) &&
		"$PYTHON" -c "
import sys
from scipy.stats import mannwhitneyu
a, k = float(sys.argv[1]), int(sys.argv[2])
def p(n):
    return mannwhitneyu(range(n + 1, 2 * n + 1), range(1, n + 1),
        alternative=\"two-sided\", method=\"asymptotic\").pvalue
sys.exit(0 if p(k) < a <= p(k - 1) else 1)
" $a "$k" || return 1
	done
'

test_done
