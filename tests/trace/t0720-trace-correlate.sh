#!/bin/sh
# hx-trace --correlate: spans of three hosts merged by trace id into one
# trace record each: the tree, orphans, clock offsets, critical path and
# self time per service, every figure computed by hand below.
. "$top_srcdir/tests/lib.sh"
require_program jq jq

T="$FILES/trace"

# Trace 0af7... ("infer"), true times on the riscv clock; gpu's clock is
# 5000 ahead and storage's 3000 ahead of it:
#   A infer         runner@riscv  internal [1000,2000]
#   B rpc matmul    runner@riscv  client   [1100,1900]  parent A
#   C matmul        hx-offload@gpu server  [1200,1800]  parent B (6200,6800)
#   D load weights  hx-offload@gpu client  [1250,1450]  parent C (6250,6450)
#   E read          store@storage server   [1300,1400]  parent D (4300,4400)
#   F kernel        hx-offload@gpu internal[1500,1750]  parent C (6500,6750)
#   G postprocess   runner@riscv  internal [1920,1980]  parent A
#   O late          runner@riscv  internal [1950,1990]  parent ff (missing)
# B also comes again in storage.jsonl: the same span, counted once.
# Offsets: gpu = ((6200-1100) + (6800-1900)) / 2 = 5000;
#   storage - gpu = ((4300-6250) + (4400-6450)) / 2 = -2000: storage 3000.
# Self: A 1000-(800+60)=140, B 800-600=200, C 600-(200+250)=150, D 100,
#   E 100, F 250, G 60, O 40: runner 440, hx-offload 500, store 100.
# Critical path back from A's end: A 20 after G, G 60, A 20 after B,
#   B 100 after C, C 50 after F, F 250, C 50 after D, D 50 after E,
#   E 100, D 50, C 50, B 100, A 100: in time order below; sum 1000.
step() {
	printf '{"span_id":"%s","name":"%s","service":"%s","ns":%s}' "$@"
}
trace1() {
	printf '{"type":"trace","trace_id":"0af7651916cd43dd8448eb211c80319c",'
	printf '"root":"infer","root_span_id":"000000000000000a",'
	printf '"start_ns":1000,"duration_ns":1000,"spans":8,'
	printf '"orphans":[{"span_id":"0000000000000070","name":"late","parent_id":"00000000000000ff"}],'
	printf '"critical_path":['
	step 000000000000000a infer runner 100; printf ,
	step 000000000000000b "rpc matmul" runner 100; printf ,
	step 000000000000000c matmul hx-offload 50; printf ,
	step 000000000000000d "load weights" hx-offload 50; printf ,
	step 000000000000000e read store 100; printf ,
	step 000000000000000d "load weights" hx-offload 50; printf ,
	step 000000000000000c matmul hx-offload 50; printf ,
	step 000000000000000f kernel hx-offload 250; printf ,
	step 000000000000000c matmul hx-offload 50; printf ,
	step 000000000000000b "rpc matmul" runner 100; printf ,
	step 000000000000000a infer runner 20; printf ,
	step 0000000000000006 postprocess runner 60; printf ,
	step 000000000000000a infer runner 20
	printf '],"services":{"runner":440,"hx-offload":500,"store":100},'
	printf '"offsets":{"riscv":0,"gpu":5000,"storage":3000}}\n'
}

# Trace ...0002 ("job"): hosts a (the root's), b and x.
#   R job ci@a [0,100]; K call1 ci@a client [10,50] parent R;
#   S serve1 srv@b server (1010,1040) parent K;
#   K2 call2 ci@a client [60,90] parent R;
#   S2 serve2 srv@b server (1065,1087) parent K2;
#   X side misc@x internal [20,30] parent R: x is linked by no pair.
# b: ((1010-10)+(1040-50)) + ((1065-60)+(1087-90)) = 1990 + 2002 = 3992,
#   averaged over two pairs: 3992 / 4 = 998; S [12,42], S2 [67,89].
# Self: R 100-(40+30)=30, K 40-30=10, K2 30-22=8, S 30, S2 22, X 10:
#   ci 48, srv 52, misc 10.
# Path: R 10 after K2, K2 1, S2 22, K2 7, R 10 after K, K 8, S 30, K 2,
#   R 10; X is not on it.  Sum 100.
trace2() {
	printf '{"type":"trace","trace_id":"00000000000000000000000000000002",'
	printf '"root":"job","root_span_id":"0000000000000101",'
	printf '"start_ns":0,"duration_ns":100,"spans":6,"orphans":[],'
	printf '"critical_path":['
	step 0000000000000101 job ci 10; printf ,
	step 0000000000000102 call1 ci 2; printf ,
	step 0000000000000103 serve1 srv 30; printf ,
	step 0000000000000102 call1 ci 8; printf ,
	step 0000000000000101 job ci 10; printf ,
	step 0000000000000104 call2 ci 7; printf ,
	step 0000000000000105 serve2 srv 22; printf ,
	step 0000000000000104 call2 ci 1; printf ,
	step 0000000000000101 job ci 10
	printf '],"services":{"ci":48,"srv":52,"misc":10},'
	printf '"offsets":{"a":0,"b":998}}\n'
}

test_expect_success 'three hosts: records pass through, then one trace each' '
	hx-trace --correlate "$T/riscv.jsonl" "$T/gpu.jsonl" "$T/storage.jsonl" >out 2>err &&
	test_must_be_empty err &&
	cat "$T/riscv.jsonl" "$T/gpu.jsonl" "$T/storage.jsonl" >want &&
	head -n "$(wc -l <want)" out >passed &&
	test_cmp want passed &&
	test "$(wc -l <out)" -eq $(($(wc -l <want) + 2))
'

test_expect_success 'the first trace: tree, orphan, offsets, path, self times' '
	{ trace1; trace2; } | jq -cS . >want &&
	tail -n 2 out | jq -cS . >got &&
	test_cmp want got
'

test_expect_success 'the output is compact with sorted keys' '
	tail -n 2 out >raw &&
	jq -cS . raw >sorted &&
	test_cmp sorted raw
'

test_expect_success 'the critical path adds up to the duration' '
	tail -n 2 out | jq -e "(.critical_path | map(.ns) | add) == .duration_ns" >ok &&
	test "$(grep -c true ok)" -eq 2
'

test_expect_success 'the order of the streams does not change the traces' '
	hx-trace --correlate "$T/storage.jsonl" "$T/gpu.jsonl" "$T/riscv.jsonl" |
	    grep "\"type\":\"trace\"" | jq -cS . | sort >got &&
	sort want >want.sorted &&
	test_cmp want.sorted got
'

test_expect_success 'without a root: the earliest orphan stands for it (self: C 600-250, F 250)' '
	grep "\"name\":\"matmul\"\\|\"name\":\"kernel\"" "$T/gpu.jsonl" |
	    hx-trace --correlate | tail -n 1 >t &&
	jq -e ".root == \"matmul\" and .spans == 2 and .duration_ns == 600 and
	    (.orphans | map(.span_id)) == [\"000000000000000c\"] and
	    .services == {\"hx-offload\": 600} and .offsets == {\"gpu\": 0}" t
'

# A client on a at [0,10], its server on b at the end of time: the
# offset is (9223372036854775000 + 9223372036854775797) / 2 rounded down,
# 9223372036854775398; the server's corrected times, -398 and 409, stay
# within 0 and up: [0,409], clipped to [0,10] under the client.
test_expect_success 'clocks at the ends of the range do not overflow' '
	hx-trace --correlate "$T/extreme-clocks.jsonl" | tail -n 1 >t &&
	grep -F "\"offsets\":{\"a\":0,\"b\":9223372036854775398}" t &&
	grep -F "\"services\":{\"x\":0,\"y\":409}" t &&
	grep -F "\"critical_path\":[{\"name\":\"s\",\"ns\":10," t &&
	grep -F "\"duration_ns\":10," t
'

test_expect_success 'no spans: no trace records' '
	printf "%s\n" "{\"type\":\"test\",\"name\":\"t\"}" | hx-trace --correlate >out &&
	test "$(wc -l <out)" -eq 1
'

# span ID NAME [PARENT]: a span of trace ...0003 at [START=10,END=20].
cyc_span() {
	printf '{"type":"span","trace_id":"00000000000000000000000000000003","span_id":"%s","name":"%s",%s"service":"s","kind":"internal","start_ns":10,"end_ns":20,"status":"ok"}\n' \
	    "$1" "$2" "${3:+\"parent_id\":\"$3\",}"
}

test_expect_success 'a cycle of parents beside a root: its spans are unreachable' '
	{
		cyc_span 000000000000000a a 000000000000000b &&
		cyc_span 000000000000000b b 000000000000000a &&
		cyc_span 000000000000000c c 000000000000000b &&
		cyc_span 0000000000000001 root
	} >cycle.jsonl &&
	hx-trace --correlate cycle.jsonl | tail -n 1 >t &&
	jq -e ".root == \"root\" and .spans == 4 and .orphans == [] and
	    (.unreachable | map(.name)) == [\"a\", \"b\", \"c\"] and
	    (.unreachable[0].parent_id == \"000000000000000b\")" t &&
	cyc_span 0000000000000001 root | hx-trace --correlate | tail -n 1 >t &&
	jq -e "has(\"unreachable\") | not" t
'

test_expect_success 'every parent in a cycle: the first span is the root' '
	{
		cyc_span 000000000000000a a 000000000000000b &&
		cyc_span 000000000000000b b 000000000000000a &&
		cyc_span 000000000000000c c 000000000000000b
	} >ring.jsonl &&
	hx-trace --correlate ring.jsonl | tail -n 1 >t &&
	jq -e ".root == \"a\" and .spans == 3 and .orphans == [] and
	    (has(\"unreachable\") | not) and
	    ([.critical_path[].ns] | add) == .duration_ns and
	    .duration_ns == 10" t
'

# ring_span ID NAME PARENT START END: a span of trace ...0004.
ring_span() {
	printf '{"type":"span","trace_id":"00000000000000000000000000000004","span_id":"%s","parent_id":"%s","name":"%s","service":"s","kind":"internal","start_ns":%s,"end_ns":%s,"status":"ok"}\n' \
	    "$1" "$3" "$2" "$4" "$5"
}

test_expect_success 'a trace that is only a cycle of parents: no endless walk' '
	{
		ring_span 000000000000000c c 000000000000000d 6200 6800 &&
		ring_span 000000000000000d d 000000000000000c 6250 6450 &&
		ring_span 000000000000000f f 000000000000000c 6500 6750
	} >ring2.jsonl &&
	hx-trace --correlate ring2.jsonl >out &&
	tail -n 1 out >t &&
	jq -e ".type == \"trace\" and .spans == 3 and .root == \"c\" and
	    .orphans == [] and
	    (.critical_path | map(.name)) == [\"c\", \"d\", \"c\", \"f\", \"c\"]" t
'

test_expect_success 'a span id repeated with other contents: status 3 at its line, -k' '
	{
		cyc_span 0000000000000001 root &&
		cyc_span 0000000000000002 kid 0000000000000001 &&
		cyc_span 0000000000000002 kid 0000000000000001 &&
		cyc_span 0000000000000002 other 0000000000000001
	} >dup.jsonl &&
	test_status 3 hx-trace --correlate dup.jsonl >out 2>err &&
	grep "^hx-trace: dup.jsonl:4: span 0000000000000002 of trace 00000000000000000000000000000003: seen before with other contents$" err &&
	hx-trace -k --correlate dup.jsonl >out &&
	test "$(jq -r "select(.type == \"error\") | .line" out)" = 4 &&
	jq -e "select(.type == \"trace\") | .spans == 2" out &&
	head -n 3 dup.jsonl >want &&
	hx-trace <want >out &&
	test_cmp want out
'

test_done
