#!/bin/sh
# hx-trace --stages: one stage record per stage and profile, every value
# computed by hand below; and on a real run of hx-offload and its client.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/offload/service.sh"
require_program jq jq

T="$FILES/trace"

# span TRACE ID PARENT NAME SERVICE KIND START END [ATTRS]
span() {
	printf '{"type":"span","trace_id":"%s","span_id":"%s",' "$1" "$2"
	[ "$3" = - ] || printf '"parent_id":"%s",' "$3"
	printf '"name":"%s","service":"%s","kind":"%s",' "$4" "$5" "$6"
	printf '"start_ns":%s,"end_ns":%s,"status":"ok"' "$7" "$8"
	[ -z "${9-}" ] || printf ',"attrs":%s' "$9"
	printf '}\n'
}

A=0000000000000000000000000000000a
B=0000000000000000000000000000000b
# Trace A, profile idle on its root:
#   R  run        riscv-host internal [0,1000]  profile=idle
#   P  prepare    riscv-host internal [0,50]    hx.stage=pre, parent R
#   C1 matmul     riscv-host client   [100,400] parent R
#   S1 matmul     hx-offload server   [150,350] parent C1
#   C2 matmul     riscv-host client   [500,900] parent R
#   S2 matmul     hx-offload server   [520,880] parent C2
#   K  kernel     hx-offload internal [600,700] parent S2 (stays in gpu)
# Parts: riscv-host R 1000-50-300-400 = 250; pre 50; rpc C1 300-200 =
#   100, C2 400-360 = 40; gpu S1 200, S2 360.
# Trace B, no profile: R2 riscv-host [0,500], C3 client [100,300], S3
#   hx-offload server [110,290]: riscv-host 300, rpc 20, gpu 180.
test_expect_success 'a synthetic stream: the stages by hand' '
	{
	span $A 00000000000000a1 - run riscv-host internal 0 1000 \
		"{\"profile\":\"idle\"}"
	span $A 00000000000000a2 00000000000000a1 prepare riscv-host \
		internal 0 50 "{\"hx.stage\":\"pre\"}"
	span $A 00000000000000a3 00000000000000a1 matmul riscv-host client \
		100 400
	span $A 00000000000000a4 00000000000000a3 matmul hx-offload server \
		150 350
	span $A 00000000000000a5 00000000000000a1 matmul riscv-host client \
		500 900
	span $A 00000000000000a6 00000000000000a5 matmul hx-offload server \
		520 880
	span $A 00000000000000a7 00000000000000a6 kernel hx-offload \
		internal 600 700
	span $B 00000000000000b1 - run riscv-host internal 0 500
	span $B 00000000000000b2 00000000000000b1 matmul riscv-host client \
		100 300
	span $B 00000000000000b3 00000000000000b2 matmul hx-offload server \
		110 290
	} >spans.jsonl &&
	hx-trace --stages spans.jsonl >out &&
	head -n 10 out >passed &&
	test_cmp spans.jsonl passed &&
	tail -n +11 out | jq -c "[.type, .stage, .labels.profile, .unit, .n,
		.min, .p50, .p90, .p99, .max, .mean, .values]" >actual &&
	cat >expect <<-\EOF_ &&
	["stage","gpu",null,"ns",1,180,180,180,180,180,180,[180]]
	["stage","gpu","idle","ns",2,200,280,344,358.4,360,280,[200,360]]
	["stage","pre","idle","ns",1,50,50,50,50,50,50,[50]]
	["stage","riscv-host",null,"ns",1,300,300,300,300,300,300,[300]]
	["stage","riscv-host","idle","ns",1,250,250,250,250,250,250,[250]]
	["stage","rpc",null,"ns",1,20,20,20,20,20,20,[20]]
	["stage","rpc","idle","ns",2,40,70,94,99.4,100,70,[40,100]]
	EOF_
	test_cmp expect actual
'

# The trace 0af7... of t0720 (three hosts, clocks corrected): infer A
# runner [1000,2000] with G postprocess below in the same stage; B rpc
# matmul client [1100,1900] over C matmul server [1200,1800]; C's client D
# [1250,1450] over E store server [1300,1400]; F kernel in C's stage; O
# an orphan of runner [1950,1990].  runner: A 1000-800 = 200, O 40; rpc:
# B 800-600 = 200, D 200-100 = 100; gpu: C 600-200 = 400; store: E 100.
test_expect_success 'across hosts: parts from corrected times' '
	cat "$T/riscv.jsonl" "$T/gpu.jsonl" "$T/storage.jsonl" |
	jq -c "select(.type == \"span\" and
		(.trace_id | startswith(\"0af7651916\")))" >t.jsonl &&
	hx-trace --stages t.jsonl | jq -c "select(.type == \"stage\") |
		[.stage, .n, .values]" >actual &&
	cat >expect <<-\EOF_ &&
	["gpu",1,[400]]
	["rpc",2,[100,200]]
	["runner",2,[40,200]]
	["store",1,[100]]
	EOF_
	test_cmp expect actual
'

test_expect_success 'with --correlate: the trace records, then the stages' '
	hx-trace --correlate --stages spans.jsonl |
	jq -r "select(.type != \"span\") | .type" | uniq -c |
	awk "{ print \$1, \$2 }" >actual &&
	printf "2 trace\n7 stage\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'no spans: no stage records' '
	printf "{\"type\":\"test\",\"name\":\"t\",\"status\":\"pass\"}\n" |
	hx-trace --stages >out &&
	test "$(grep -c "\"stage\"" out)" = 0
'

test_expect_success 'a real run: the client under hx-trace run and hx-offload' '
	start_service svc --listen "$PWD/s.sock" --spans server.jsonl &&
	hx-trace run --service riscv-host --spans client.jsonl -- \
		"$CLIENT" "$(addr svc)" repeat 3 >/dev/null &&
	stop_service svc &&
	cat client.jsonl server.jsonl | hx-trace --stages |
	jq -c "select(.type == \"stage\") | [.stage, .n, (.values | length),
		.min <= .p50, .p50 <= .max]" >actual &&
	cat >expect <<-\EOF_ &&
	["gpu",3,3,true,true]
	["riscv-host",1,1,true,true]
	EOF_
	test_cmp expect actual
'

test_done
