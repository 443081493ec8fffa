#!/bin/sh
# hx-wcet end to end: grouping, pass-through, the degenerate cases, the
# textbook GEV fit, bad input with and without -k, options and the plot.
. "$top_srcdir/tests/lib.sh"

W="$FILES/wcet"
WANT="$EXPECTED/wcet"

# field NAME FILE: the first number after "NAME": in FILE.
field() {
	sed -n "s/.*\"$1\":\\(-\\{0,1\\}[0-9.e+-]*\\).*/\\1/p" "$2" | head -n 1
}

test_expect_success 'records are grouped; others pass through in order' '
	hx-wcet "$W/stream.jsonl" >out 2>err &&
	test_cmp "$WANT/stream.jsonl" out
'

test_expect_success 'test records pass through, sample records do not' '
	grep -v "\"type\":\"sample\"" "$W/stream.jsonl" >want &&
	grep -v "\"type\":\"wcet\"" out >got &&
	test_cmp want got
'

test_expect_success 'equal instruction counts are deterministic: pWCET = max' '
	grep "\"type\":\"wcet\"" out | grep "\"name\":\"crc32\"" >crc &&
	test "$(wc -l <crc)" -eq 1 && grep "\"unit\":\"insns\"" crc &&
	grep "\"n\":12," crc && grep "\"method\":\"deterministic\"" crc &&
	test "$(grep -o "\"value\":51234.0" crc | wc -l)" -eq 5 &&
	! grep ":99999" crc
'

test_expect_success 'too few samples: summary, no fit, the minimum named' '
	grep "\"name\":\"boot\"" out >boot &&
	grep "\"method\":\"none\"" boot &&
	grep "\"n\":12," boot && grep "\"max\":152748.0" boot &&
	grep "too few samples for a fit: 12, the minimum is 30" boot &&
	grep "^hx-wcet: boot (ns): too few samples for a fit: 12, the minimum is 30$" err
'

test_expect_success 'Port Pirie sea levels: the GEV fit and errors of Coles 3.4.1' '
	hx-wcet -n -b 1 -m gev <"$W/portpirie.txt" >pp &&
	test_cmp "$WANT/portpirie.jsonl" pp &&
	sed "s/.*\"params\":{\([^}]*\)}.*/\1/" pp >params &&
	test "$(field mu params | cut -c1-4)" = 3.87 &&
	test "$(field sigma params | cut -c1-5)" = 0.198 &&
	test "$(field xi params | cut -c1-6)" = -0.050 &&
	test "$(field loglik pp | cut -c1-4)" = 4.33 &&
	sed "s/.*\"se\":{\([^}]*\)}.*/\1/" pp >se &&
	test "$(field mu se | awk "{ printf \"%.3f\", \$1 }")" = 0.028 &&
	test "$(field sigma se | awk "{ printf \"%.3f\", \$1 }")" = 0.020 &&
	test "$(field xi se | awk "{ printf \"%.3f\", \$1 }")" = 0.098
'

test_expect_success 'a block too large for 30 maxima is too few samples' '
	hx-wcet -n -b 3 "$W/portpirie.txt" >out 2>err &&
	grep "too few samples for a gev fit: 21 block maxima of 3, the minimum is 30" out
'

test_expect_success 'a trend fails the i.i.d. checks and is not fitted' '
	awk "BEGIN { for (i = 0; i < 200; i++) print 1000 + i + (i * 7919) % 13 }" >trend &&
	hx-wcet -n trend >out 2>err &&
	grep "\"passed\":false" out && grep "\"method\":\"none\"" out &&
	grep "fail the independence checks" err &&
	hx-wcet -n --force trend >out2 2>err2 &&
	grep "\"method\":\"gev\"" out2 && grep "fitted with --force" out2
'

test_expect_success 'gpd: the default threshold leaves a tenth of the runs' '
	hx-wcet -n -m gpd "$W/runs.txt" >out &&
	grep "\"method\":\"gpd\"" out && grep "\"exceedances\":200," out &&
	grep "\"u\":10209.180503" out
'

test_expect_success '-u gives the threshold and implies gpd' '
	hx-wcet -n -u 10300 "$W/runs.txt" >out &&
	grep "\"method\":\"gpd\"" out && grep "\"exceedances\":34," out &&
	grep "\"u\":10300.0," out
'

test_expect_success 'test records are not timed: they pass through unread' '
	awk "BEGIN { for (i = 1; i <= 40; i++)
	    printf \"{\\\"type\\\":\\\"test\\\",\\\"name\\\":\\\"t\\\",\\\"status\\\":\\\"%s\\\",\\\"duration_ns\\\":%d}\\n\",
	    i == 7 ? \"timeout\" : \"pass\", 1000 + (i * 7919) % 97 }" >in &&
	hx-wcet in >out 2>err &&
	test_cmp in out && test_must_be_empty err
'

test_expect_success 'only samples make a group; the insns of a test record is not read' '
	printf "{\"type\":\"test\",\"name\":\"t\",\"status\":\"pass\",\"insns\":7}\n" >in &&
	for v in 5 6 7; do
		printf "{\"type\":\"sample\",\"name\":\"t\",\"unit\":\"insns\",\"value\":%s}\n" $v >>in
	done &&
	printf "{\"type\":\"test\",\"name\":\"t\",\"status\":\"pass\",\"insns\":1}\n" >>in &&
	hx-wcet in >out 2>err &&
	grep "\"n\":3," out && grep "\"min\":5.0," out &&
	test "$(grep -c "\"type\":\"test\"" out)" -eq 2
'

test_expect_success 'a test that did not pass is passed on unread' '
	printf "{\"type\":\"test\",\"name\":\"x\",\"status\":\"skip\"}\n" >in &&
	hx-wcet in >out && test_cmp in out
'

test_expect_success '-p chooses the probabilities' '
	hx-wcet -n -b 1 -p 0.01,1e-4 -p 1e-5 "$W/portpirie.txt" >out &&
	test "$(grep -o "\"p\":" out | wc -l)" -eq 3 &&
	grep "\"p\":0.01," out && grep "\"p\":1e-5," out
'

test_expect_success 'a negative sample is bad input: FILE:LINE, exit 3' '
	printf "{\"type\":\"sample\",\"name\":\"a\",\"unit\":\"ns\",\"value\":5}\n{\"type\":\"sample\",\"name\":\"a\",\"unit\":\"ns\",\"value\":-1}\n" >in &&
	test_status 3 hx-wcet in >out 2>err &&
	echo "hx-wcet: in:2: sample value is negative" >want &&
	test_cmp want err && test ! -s out
'

test_expect_success 'a value that is not a number is bad input' '
	printf "{\"type\":\"sample\",\"name\":\"a\",\"unit\":\"ns\",\"value\":\"fast\"}\n" >in &&
	test_status 3 hx-wcet in >out 2>err &&
	echo "hx-wcet: in:1: sample value is not a number" >want &&
	test_cmp want err &&
	printf "{\"type\":\"sample\",\"name\":\"a\",\"unit\":\"ns\",\"value\":1e999}\n" >big &&
	test_status 3 hx-wcet big >out 2>err &&
	grep "^hx-wcet: big:1: " err
'

test_expect_success 'a unit hx-records(5) does not list is bad input, named by its line' '
	printf "{\"type\":\"sample\",\"name\":\"a\",\"unit\":\"ns\",\"value\":5}\n{\"type\":\"sample\",\"name\":\"a\",\"unit\":\"furlongs\",\"value\":5}\n" >in &&
	test_status 3 hx-wcet in >out 2>err &&
	echo "hx-wcet: in:2: sample unit is not insns, ns, cycles or bytes: furlongs" >want &&
	test_cmp want err && test ! -s out &&
	hx-wcet -k in >out 2>err &&
	grep "\"type\":\"error\"" out | grep "\"line\":2," | grep "furlongs" &&
	grep "\"type\":\"wcet\"" out | grep "\"n\":1,"
'

test_expect_success 'every field of a sample is checked' '
	printf "{\"type\":\"sample\",\"name\":\"a\",\"unit\":\"ns\",\"value\":5,\"index\":0}\n" >in &&
	test_status 3 hx-wcet in >out 2>err &&
	echo "hx-wcet: in:1: sample index is less than 1" >want &&
	test_cmp want err &&
	printf "{\"type\":\"sample\",\"unit\":\"ns\",\"value\":5}\n" >in &&
	test_status 3 hx-wcet in >out 2>err &&
	echo "hx-wcet: in:1: sample name is missing" >want &&
	test_cmp want err
'

test_expect_success 'plain numbers: NaN, infinity, words and negatives are bad' '
	for v in nan inf -inf abc -2 "1 2"; do
		printf "1\n%s\n" "$v" >num &&
		test_status 3 hx-wcet -n num >out 2>err &&
		grep "^hx-wcet: num:2: " err || return 1
	done
'

test_expect_success '-k: bad values become error records and the run goes on' '
	printf "5\nnan\n7\n\n-3\n" >num &&
	hx-wcet -k -n num >out 2>err &&
	grep -c "\"type\":\"error\"" out >count && echo 2 >want && test_cmp want count &&
	grep "\"line\":2," out && grep "\"line\":5," out &&
	grep "\"n\":2," out &&
	printf "{\"type\":\"sample\",\"name\":\"a\",\"unit\":\"ns\",\"value\":-1}\n{\"type\":\"sample\",\"name\":\"a\",\"unit\":\"ns\",\"value\":4}\n" >in &&
	hx-wcet -k in >out 2>err &&
	grep "\"message\":\"sample value is negative\"" out &&
	grep "\"n\":1," out
'

test_expect_success '--unit names the unit of plain numbers' '
	hx-wcet -n --unit ns "$W/runs.txt" >out &&
	grep "\"unit\":\"ns\"" out && ! grep "\"unit\":\"value\"" out &&
	hx-wcet -n "$W/runs.txt" >out &&
	grep "\"unit\":\"value\"" out
'

test_expect_success '--unit other than those of hx-records(5), or without -n, is a usage error' '
	test_status 2 hx-wcet -n --unit furlongs "$W/runs.txt" >out 2>err &&
	test ! -s out &&
	grep "^hx-wcet: --unit: not insns, ns, cycles or bytes: furlongs$" err &&
	test_status 2 hx-wcet --unit ns "$W/stream.jsonl" >out 2>err &&
	test ! -s out && grep "^hx-wcet: --unit is for plain numbers (-n)" err
'

test_expect_success 'usage errors exit 2' '
	test_status 2 hx-wcet -m weibull </dev/null 2>err &&
	grep "not gev, gpd or auto" err &&
	test_status 2 hx-wcet -p 2 </dev/null &&
	test_status 2 hx-wcet -b 0 </dev/null 2>err &&
	grep "^hx-wcet: -b: not a whole number from 1 to 1000000000: 0" err &&
	test_status 2 hx-wcet -b 1.5 </dev/null 2>err &&
	grep "^hx-wcet: -b: not a whole number from 1 to 1000000000: 1.5" err &&
	test_status 2 hx-wcet -m gev -u 10 </dev/null &&
	test_status 2 hx-wcet --alpha 1 </dev/null
'

test_expect_success '--help and --version' '
	hx-wcet --help >help && grep "^Usage: hx-wcet" help &&
	hx-wcet -V | grep "^hx-wcet "
'

test_expect_success 'a missing input file is a system failure' '
	test_status 4 hx-wcet -n does-not-exist 2>err &&
	grep "does-not-exist" err
'

test_expect_success '--plot writes a standalone SVG atomically' '
	hx-wcet --plot plot.svg --budget 5000 "$W/stream.jsonl" >out &&
	head -n 1 plot.svg | grep "^<?xml" &&
	grep -c "<polyline" plot.svg >n && echo 1 >want && test_cmp want n &&
	grep "budget" plot.svg && tail -n 1 plot.svg | grep "^</svg>$" &&
	test "$(ls | grep -c "plot.svg")" -eq 1
'

# ticks SVG: the labels of the value axis (font size 11, centred).
ticks() {
	grep -o "<text [^>]*font-size=\"11\" text-anchor=\"middle\">[^<]*</text>" "$1" |
		sed "s/.*>\([^<]*\)<\/text>/\1/"
}

test_expect_success '--plot: a panel per group, distinct ticks, units, n, method, fit' '
	awk "BEGIN { for (i = 0; i < 40; i++) {
		printf \"{\\\"type\\\":\\\"sample\\\",\\\"name\\\":\\\"dense\\\",\\\"unit\\\":\\\"insns\\\",\\\"value\\\":%d}\\n\", 1843220 + i % 7
		printf \"{\\\"type\\\":\\\"sample\\\",\\\"name\\\":\\\"conv\\\",\\\"unit\\\":\\\"ns\\\",\\\"value\\\":%d}\\n\", 2000 + 37 * i % 500 } }" >two.jsonl &&
	hx-wcet --plot two.svg two.jsonl >out &&
	test $(grep -c "font-weight=\"bold\"" two.svg) -eq 2 &&
	grep ">dense (insns)</text>" two.svg &&
	grep ">conv (ns)</text>" two.svg &&
	grep "font-size=\"12\" text-anchor=\"middle\">insns</text>" two.svg &&
	grep "font-size=\"12\" text-anchor=\"middle\">ns</text>" two.svg &&
	grep ">n = 40, method [a-z]*, " two.svg &&
	grep -v conv two.jsonl >dense.jsonl &&
	hx-wcet --plot dense.svg dense.jsonl >out &&
	ticks dense.svg >labels &&
	test $(wc -l <labels) -ge 3 &&
	sort labels | uniq -d >dup && test_must_be_empty dup
'

test_expect_success '--plot: each group its budget from --policy, --budget with a unit elsewhere' '
	printf "{\"rules\":[{\"rule\":\"pwcet\",\"p\":1e-9,\"budgets\":{\"dense\":\"1843240 insns\",\"conv\":\"3 us\"}}]}\n" >p.json &&
	hx-wcet --plot b.svg --policy p.json two.jsonl >out &&
	grep ">budget 1843240</text>" b.svg &&
	grep ">budget 3000</text>" b.svg &&
	printf "{\"rules\":[{\"rule\":\"pwcet\",\"p\":1e-9,\"budgets\":{\"dense\":\"1843240 insns\"}}]}\n" >p1.json &&
	hx-wcet --plot c.svg --policy p1.json --budget "4 us" two.jsonl >out &&
	grep ">budget 1843240</text>" c.svg &&
	grep ">budget 4000</text>" c.svg &&
	test $(grep -c ">budget " c.svg) -eq 2 &&
	hx-wcet --plot d.svg --budget "4 us" two.jsonl >out &&
	test $(grep -c ">budget " d.svg) -eq 1 &&
	test_status 2 hx-wcet --plot e.svg --budget "4 parsecs" two.jsonl >out 2>err &&
	grep "^hx-wcet: --budget: not a budget" err
'

test_expect_success 'a closed pipe ends the run quietly' '
	hx-wcet "$W/stream.jsonl" 2>err | head -n 1 >out &&
	test "$(wc -l <out)" -eq 1
'

test_expect_success 'a test with a bad timing passes through untouched' '
	printf "{\"type\":\"test\",\"name\":\"t\",\"status\":\"pass\",\"duration_ns\":\"slow\"}\n" >badtest.jsonl &&
	hx-wcet -k badtest.jsonl >out 2>err &&
	test_cmp badtest.jsonl out &&
	hx-wcet badtest.jsonl >out 2>err &&
	test_cmp badtest.jsonl out
'

test_expect_success 'an unreadable --baseline fails before the input is read' '
	test_status 4 hx-wcet --baseline nonexistent.jsonl </dev/null >out 2>err &&
	grep "^hx-wcet: nonexistent.jsonl: No such file or directory$" err
'

test_expect_success 'a NUL byte in a plain number is an error naming the line' '
	printf "1\n2\\0garbage\n" >nul.txt &&
	test_status 3 hx-wcet -n nul.txt >out 2>err &&
	grep "^hx-wcet: nul.txt:2: a NUL byte in the line$" err &&
	test_must_be_empty out &&
	test_status 3 hx-wcet -n --baseline nul.txt nul.txt >out 2>err &&
	grep "^hx-wcet: nul.txt:2: a NUL byte in the line$" err
'

test_expect_success '--plot ends on values where the tick step is below double spacing' '
	awk "BEGIN { for (i = 0; i < 40; i++) printf \"%d\\n\", 100000000000000000 + 16 * (i % 3) }" >huge.txt &&
	timeout 60 hx-wcet -n --plot huge.svg huge.txt >out &&
	test $(grep -c "<line" huge.svg) -lt 200
'

test_done
