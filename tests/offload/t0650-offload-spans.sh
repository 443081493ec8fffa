#!/bin/sh
# hx-offload --spans: one span record (hx-records(5)) per request, a
# server span that is the child of the caller's TRACEPARENT, sent by the
# client natively and from riscv64 under QEMU; and the client's own
# spans (HX_OFFLOAD_SPANS), so that hx-trace tells the wire from the
# service.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/offload/service.sh"
require_program jq jq
require_riscv64

TRACE=4bf92f3577b34da6a3ce929d0e0e4736
PARENT=00f067aa0ba902b7

test_expect_success 'start the service with --spans' '
	start_service svc --listen "$PWD/s.sock" --spans spans.jsonl \
		--fault error=0.5 --fault-seed 3 &&
	build_riscv64_client
'

test_expect_success 'the client sends TRACEPARENT with every request' '
	TRACEPARENT=00-$TRACE-$PARENT-01 "$CLIENT" "$(addr svc)" repeat 6 \
		>out &&
	TRACEPARENT=00-$TRACE-$PARENT-01 qemu-riscv64 -L $SYSROOT \
		./client-rv "$(addr svc)" repeat 2 >>out &&
	TRACEPARENT=garbage "$CLIENT" "$(addr svc)" repeat 1 >>out &&
	"$CLIENT" "$(addr svc)" repeat 1 >>out &&
	stop_service svc &&
	test "$(wc -l <spans.jsonl)" = 10
'

test_expect_success 'each span is a server span of hx-offload, in order' '
	jq -e -s "all(.type == \"span\" and .kind == \"server\" and
		.service == \"hx-offload\" and .name == \"matmul_i8\" and
		.attrs.backend == \"cpu\" and (.span_id | test(\"^[0-9a-f]{16}$\"))
		and .end_ns >= .start_ns and .start_ns > 0)" spans.jsonl &&
	jq -r .attrs.request_id spans.jsonl | tr "\n" " " >ids &&
	printf "1 2 3 4 5 6 1 2 1 1 " >expect &&
	test_cmp expect ids
'

test_expect_success 'with TRACEPARENT: the trace id and parent of the caller' '
	head -n 8 spans.jsonl |
	jq -e -s "all(.trace_id == \"$TRACE\" and .parent_id == \"$PARENT\")"
'

test_expect_success 'without one, or a malformed one: root spans' '
	tail -n 2 spans.jsonl |
	jq -e -s "all((has(\"parent_id\") | not) and
		(.trace_id | test(\"^[0-9a-f]{32}$\")) and
		.trace_id != \"$TRACE\")"
'

test_expect_success 'a failed request: status error, its message and fault' '
	jq -r "[.attrs.request_id, .status, .attrs.fault // \"-\"] | join(\" \")" \
		spans.jsonl | head -n 6 >status &&
	sed -n "2,7p" out |
	sed "s/ ok$/ ok -/; s/ fallback 11$/ error error/" >expect &&
	test_cmp expect status &&
	jq -e -s "map(select(.status == \"error\")) | length > 0 and
		all(.message | test(\"injected\"))" spans.jsonl
'

test_expect_success 'hx-trace joins the client span and the service spans' '
	start_service join --listen "$PWD/j.sock" --spans server.jsonl &&
	hx-trace run --spans client.jsonl -- "$CLIENT" "$(addr join)" repeat 2 \
		>out &&
	stop_service join &&
	cat client.jsonl server.jsonl | hx-trace --correlate |
	jq -c "select(.type == \"trace\") | [.spans, .orphans, .root,
		(.services | keys)]" >joined &&
	echo "[3,[],\"offload-client\",[\"hx-offload\",\"offload-client\"]]" \
		>expect &&
	test_cmp expect joined
'

test_expect_success 'HX_OFFLOAD_SPANS: a client span a call, parent of the service span' '
	start_service cs --listen "$PWD/c.sock" --spans cs-server.jsonl &&
	TRACEPARENT=00-$TRACE-$PARENT-01 HX_OFFLOAD_SPANS=$PWD/cs-client.jsonl \
		"$CLIENT" "$(addr cs)" repeat 3 >out &&
	TRACEPARENT=00-$TRACE-$PARENT-01 HX_OFFLOAD_SPANS=$PWD/cs-client.jsonl \
		OTEL_SERVICE_NAME=riscv-host qemu-riscv64 -L $SYSROOT \
		./client-rv "$(addr cs)" repeat 2 >>out &&
	HX_OFFLOAD_SPANS=$PWD/cs-client.jsonl OTEL_SERVICE_NAME="a\"b" \
		"$CLIENT" "$(addr cs)" repeat 1 >>out &&
	stop_service cs &&
	jq -e -s "length == 6 and all(.kind == \"client\" and
		.name == \"matmul_i8\" and .status == \"ok\" and
		.end_ns >= .start_ns)" cs-client.jsonl &&
	jq -r .service cs-client.jsonl | tr "\n" " " >services &&
	printf "%s" "hx-offload-client hx-offload-client hx-offload-client " >expect &&
	printf "%s" "riscv-host riscv-host hx-offload-client " >>expect &&
	test_cmp expect services &&
	head -n 5 cs-client.jsonl |
	jq -e -s "all(.trace_id == \"$TRACE\" and .parent_id == \"$PARENT\")" &&
	tail -n 1 cs-client.jsonl | jq -e "has(\"parent_id\") | not" &&
	jq -r "[.trace_id, .span_id] | join(\" \")" cs-client.jsonl >client-ids &&
	jq -r "[.trace_id, .parent_id] | join(\" \")" cs-server.jsonl >parents &&
	test_cmp client-ids parents
'

test_expect_success 'HX_OFFLOAD_SPANS: a service name not UTF-8 is not written' '
	start_service u8 --listen "$PWD/u8.sock" --spans u8-server.jsonl &&
	HX_OFFLOAD_SPANS=$PWD/u8-client.jsonl \
		OTEL_SERVICE_NAME="$(printf "caf\351")" \
		"$CLIENT" "$(addr u8)" repeat 1 >out &&
	HX_OFFLOAD_SPANS=$PWD/u8-client.jsonl \
		OTEL_SERVICE_NAME="$(printf "caf\303\251")" \
		"$CLIENT" "$(addr u8)" repeat 1 >>out &&
	stop_service u8 &&
	printf "hx-offload-client\ncaf\303\251\n" >expect &&
	jq -r .service u8-client.jsonl >services &&
	test_cmp expect services &&
	cat u8-client.jsonl u8-server.jsonl | hx-trace --correlate >joined
'

# count NAME TRACEPARENT: the instructions client-rv runs for 3 calls with
# client spans, under TRACEPARENT, into NAME.n (the QEMU plugin's count),
# and its spans into NAME-client.jsonl.  The spans file has the same
# name in every run: a longer environment moves the guest's stack, and
# with it the count.
count() {
	TRACEPARENT=$2 HX_OFFLOAD_SPANS=$PWD/ex-client.jsonl \
		qemu-riscv64 -L $SYSROOT \
		-plugin "$top_builddir/plugin/hx-insncount.so,out=$PWD/$1.n" \
		./client-rv "$(addr ex)" repeat 3 >/dev/null &&
	mv ex-client.jsonl "$1-client.jsonl"
}

test_expect_success 'client spans: the same count whatever digits the ids have' '
	start_service ex --listen "$PWD/ex.sock" &&
	count digits 00-11111111111111111111111111111111-1111111111111111-01 &&
	count letters 00-abcdefabcdefabcdefabcdefabcdefab-fedcbafedcbafedc-01 &&
	count again 00-$TRACE-$PARENT-01 &&
	stop_service ex &&
	test "$(jq -s length digits-client.jsonl)" = 3 &&
	test "$(jq -r .trace_id letters-client.jsonl | sort -u)" = \
		abcdefabcdefabcdefabcdefabcdefab &&
	test_cmp digits.n letters.n &&
	test_cmp digits.n again.n
'

test_expect_success 'hx-trace --stages: the run, the wire and the service apart' '
	start_service st --listen "$PWD/st.sock" --spans st-server.jsonl &&
	HX_OFFLOAD_SPANS=$PWD/st-client.jsonl hx-trace run --service riscv-host \
		--spans st-run.jsonl -- "$CLIENT" "$(addr st)" repeat 4 >out &&
	stop_service st &&
	cat st-run.jsonl st-client.jsonl st-server.jsonl | hx-trace --stages |
	jq -r "select(.type == \"stage\") | [.stage, .n] | join(\" \")" \
		>stages &&
	printf "gpu 4\nriscv-host 1\nrpc 4\n" >expect &&
	test_cmp expect stages
'

test_done
