#!/bin/sh
# hx-wcet --baseline: Hodges-Lehmann shift, rank test, Holm, classes; the
# statistics modules' unit tests, with the fixed-seed simulation of the
# false-positive rate and of a 2% slowdown.
. "$top_srcdir/tests/lib.sh"

W="$FILES/wcet"

test_expect_success 'unit tests of the statistics (fixed-seed simulations)' '
	unit-wcet >tap &&
	cat tap && ! grep "^not ok" tap && grep "^1\.\.[0-9]" tap
'

test_expect_success 'classes: ok, a 2% slowdown is a regression, 5% faster drifts' '
	hx-wcet --baseline "$W/baseline.jsonl" "$W/current.jsonl" >out 2>err &&
	grep "\"name\":\"conv2d\"" out | grep "\"class\":\"ok\"" &&
	grep "\"name\":\"matmul\"" out | grep "\"class\":\"regression\"" &&
	grep "\"name\":\"softmax\"" out | grep "\"class\":\"drift\"" &&
	grep "\"name\":\"relu\"" out >relu && ! grep "\"baseline\"" relu
'

# holm NAME FACTOR: NAME's adjusted p-value is FACTOR times its p-value.
holm() {
	grep "\"name\":\"$1\"" out |
	sed "s/.*\"p\":\([^,]*\),\"p_adjusted\":\([^,]*\),.*/\1 \2/" |
	awk -v f="$2" "{ d = \$2 - f * \$1; if (d < 0) d = -d;
	    exit !(d <= 1e-9 * \$2) }"
}

test_expect_success 'Holm: the smallest p times 3, the next times 2, then 1' '
	holm softmax 3 && holm matmul 2 && holm conv2d 1 && ! holm matmul 1
'

test_expect_success 'a higher threshold turns the regression into drift' '
	hx-wcet --threshold 0.05 --baseline "$W/baseline.jsonl" \
	    "$W/current.jsonl" >out 2>err &&
	grep "\"name\":\"matmul\"" out | grep "\"class\":\"drift\""
'

test_expect_success 'the baseline file itself does not pass through' '
	grep -c "\"type\":\"env\"" out >n && echo 1 >want && test_cmp want n &&
	grep "\"host\":\"today\"" out
'

test_expect_success 'plain numbers: the baseline of every group' '
	awk "BEGIN { for (i = 0; i < 40; i++) print 100 + (i * 37) % 11 }" >base &&
	awk "BEGIN { for (i = 0; i < 40; i++) print 110 + (i * 37) % 11 }" >now &&
	hx-wcet -n --baseline base now >out &&
	grep "\"class\":\"regression\"" out
'

test_expect_success 'a bad baseline is bad input, named by its file' '
	printf "{\"type\":\"sample\",\"name\":\"a\",\"unit\":\"ns\",\"value\":-4}\n" >bad &&
	test_status 3 hx-wcet --baseline bad "$W/current.jsonl" >out 2>err &&
	grep "^hx-wcet: bad:1: sample value is negative$" err
'

test_expect_success 'with -k a bad baseline line is named and skipped, never sent downstream' '
	{ cat "$W/baseline.jsonl" && echo "{\"type\":\"sample\",oops}" &&
	  echo "{\"type\":\"sample\",\"name\":\"matmul\",\"unit\":\"ns\",\"value\":-4}"; } >bad &&
	n=$(wc -l <bad) &&
	hx-wcet -k --baseline bad "$W/current.jsonl" >out 2>err &&
	grep "^hx-wcet: bad:$((n - 1)): .* (skipped)$" err &&
	grep "^hx-wcet: bad:$n: sample value is negative (skipped)$" err &&
	! grep "\"type\":\"error\"" out &&
	grep "\"name\":\"matmul\"" out | grep "\"class\":\"regression\""
'

test_done
