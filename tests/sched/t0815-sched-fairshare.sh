#!/bin/sh
# hx-sched plan: fair share across teams by weight, with usage that
# decays with its half-life, checked against an order computed by hand;
# priorities come before fair share.
. "$top_srcdir/tests/lib.sh"
require_program jq jq

NOW=1796083200000000000		# 2026-12-01T00:00:00Z
MIN10=600000000000
WEEK=604800000000000

# One node with one CPU: jobs run one after another, so the order of
# their start times is the order the planner chose.
printf '%s\n' '{"type":"node","name":"solo","arch":"x86_64","cpus":1,"memory_bytes":1073741824,"gpus":0,"state":"up","backend":"local"}' >inv

job() {
	printf '{"type":"job","name":"%s","argv":["true"],"team":"%s","duration_ns":%s,"priority":%s}\n' \
	    "$1" "$2" $MIN10 "${3:-0}"
}

# done TEAM START END: a done placement, the usage history.
done_placement() {
	printf '{"type":"placement","job":"old-%s","node":"solo","backend":"local","start_ns":%s,"end_ns":%s,"team":"%s","priority":0,"status":"done","reason":"ran"}\n' \
	    "$1$2" "$2" "$3" "$1"
}

test_expect_success 'the order by weight and decayed usage, as computed by hand' '
	# Team a used 10 minutes that ended a half-life (7 days) ago: 300 s
	# now; weight 1: 300 per unit of weight.  Team b used 20 minutes
	# ending now: 1200 s; weight 2: 600.  Each job adds 600 s.
	#   a 300  < b 600   a1; a = 900
	#   b 600  < a 900   b1; b = 1800, 900 per weight
	#   a 900 = b 900    a2 (a first by name); a = 1500
	#   b 900  < a 1500  b2; b = 2400, 1200
	#   b 1200 < a 1500  b3; b = 3000, 1500
	#   a3 last.
	{
		done_placement a $((NOW - WEEK - MIN10)) $((NOW - WEEK)) &&
		done_placement b $((NOW - 2 * MIN10)) $NOW &&
		job a1 a && job a2 a && job a3 a &&
		job b1 b && job b2 b && job b3 b
	} >in &&
	hx-sched plan --inventory inv --now $NOW --share b=2 in >out &&
	jq -r "select(.type == \"placement\" and .status == \"planned\") |
	    \"\(.job) \((.start_ns - $NOW) / $MIN10)\"" out >actual &&
	printf "a1 0\nb1 1\na2 2\nb2 3\nb3 4\na3 5\n" >want &&
	test_cmp want actual
'

test_expect_success 'the history passes through; planned jobs are charged' '
	test "$(jq -r "select(.status == \"done\") | .job" out | tr "\n" " ")" = \
	    "old-a$((NOW - WEEK - MIN10)) old-b$((NOW - 2 * MIN10)) "
'

test_expect_success 'a half-life of 1 s forgets the usage of a week ago' '
	# a has used nothing; b still 1200 s (it ended now), 600 per weight.
	#   a 0    < b 600   a1; a = 600
	#   a 600 = b 600    a2; a = 1200
	#   b 600  < a 1200  b1; b = 900 per weight
	#   b 900  < a 1200  b2; b = 1200
	#   a 1200 = b 1200  a3, then b3.
	hx-sched plan --inventory inv --now $NOW --share b=2 --half-life 1s in >out &&
	jq -r "select(.status == \"planned\") | .job" out | tr "\n" " " >actual &&
	test "$(cat actual)" = "a1 a2 b1 b2 a3 b3 "
'

test_expect_success 'equal weights and no history: teams take turns' '
	{ job a1 a && job a2 a && job b1 b && job b2 b && job c1 c; } >in2 &&
	hx-sched plan --inventory inv --now $NOW in2 >out &&
	jq -r ".job" out | tr "\n" " " >actual &&
	test "$(cat actual)" = "a1 b1 c1 a2 b2 "
'

test_expect_success 'priority comes before fair share' '
	{ job a1 a && job b1 b 3 && job a2 a 3; } >in3 &&
	hx-sched plan --inventory inv --now $NOW in3 >out &&
	jq -r ".job" out | tr "\n" " " >actual &&
	test "$(cat actual)" = "a2 b1 a1 "
'

test_done
