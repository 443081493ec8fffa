#!/bin/sh
# hx-trace as a filter: every record passes through byte for byte, span
# and metric records are checked, --samples adds a sample per span for
# hx-wcet, and bad records stop the run or, with -k, become errors.
. "$top_srcdir/tests/lib.sh"
require_program jq jq

T="$FILES/trace"
WANT="$EXPECTED/trace"
SPAN='{"type":"span","trace_id":"0af7651916cd43dd8448eb211c80319c","span_id":"000000000000000a","name":"n","service":"s","kind":"internal","start_ns":1,"end_ns":2,"status":"ok"}'

# with KEY VALUE: $SPAN with KEY set to the JSON VALUE ("del" removes it).
with() {
	if [ "$2" = del ]; then
		printf '%s\n' "$SPAN" | jq -c "del(.$1)"
	else
		printf '%s\n' "$SPAN" | jq -c ".$1 = $2"
	fi
}

test_expect_success 'every record passes through byte for byte' '
	hx-trace "$T/stream.jsonl" >out 2>err &&
	test_must_be_empty err &&
	test_cmp "$T/stream.jsonl" out
'

test_expect_success 'standard input and several files, in order' '
	hx-trace "$T/riscv.jsonl" - "$T/storage.jsonl" <"$T/gpu.jsonl" >out &&
	cat "$T/riscv.jsonl" "$T/gpu.jsonl" "$T/storage.jsonl" >want &&
	test_cmp want out
'

test_expect_success '--samples: a sample record (ns) after each span' '
	hx-trace --samples "$T/stream.jsonl" >out &&
	test_cmp "$WANT/samples.jsonl" out
'

test_expect_success 'the samples are what hx-wcet reads' '
	for i in 1 2 3; do
		with end_ns $((10 + i))
	done | hx-trace --samples | hx-wcet >out &&
	jq -r "select(.type == \"wcet\") | [.name, .unit, .n, .max] | @tsv" out >got &&
	printf "n\tns\t3\t12\n" >want &&
	test_cmp want got
'

# bad KEY VALUE MESSAGE: a span with KEY set to VALUE is refused.
bad() {
	with "$1" "$2" >bad.jsonl &&
	test_status 3 hx-trace bad.jsonl >out 2>err &&
	echo "hx-trace: bad.jsonl:1: $3" >want &&
	test_cmp want err
}

test_expect_success 'a span with a bad id is malformed input' '
	bad trace_id "\"4BF92F3577B34DA6A3CE929D0E0E4736\"" \
	    "span trace_id is not 32 lowercase hex digits, not all zero: 4BF92F3577B34DA6A3CE929D0E0E4736" &&
	bad span_id "\"0000000000000000\"" \
	    "span span_id is not 16 lowercase hex digits, not all zero: 0000000000000000" &&
	bad parent_id "\"abc\"" \
	    "span parent_id is not 16 lowercase hex digits, not all zero: abc"
'

test_expect_success 'a span ending before it starts is malformed' '
	bad end_ns 0 "span end_ns is before start_ns"
'

test_expect_success 'unknown kind and status, bad attrs and counters' '
	bad kind "\"producer\"" "span kind is not internal, server or client: producer" &&
	bad status "\"unset\"" "span status is not ok or error: unset" &&
	bad attrs "{\"n\":1}" "span attrs.n is not a string" &&
	bad counters "{\"cycles\":1.5}" "span counters.cycles is not an integer from 0 up or null" &&
	bad name del "span name is missing"
'

test_expect_success 'a bad metric is malformed input' '
	printf "%s\n" "{\"type\":\"metric\",\"name\":\"a-b\",\"kind\":\"gauge\",\"value\":1,\"time_ns\":1}" >bad.jsonl &&
	test_status 3 hx-trace bad.jsonl >out 2>err &&
	grep "^hx-trace: bad.jsonl:1: metric name is not a Prometheus metric name: a-b$" err
'

test_expect_success '-k: a bad span becomes an error record, the rest goes on' '
	{ with end_ns 0; printf "%s\n" "$SPAN"; } >mixed.jsonl &&
	hx-trace -k --samples mixed.jsonl >out 2>err &&
	test "$(wc -l <out)" -eq 3 &&
	head -n 1 out | jq -e ".type == \"error\" and .line == 1 and .program == \"hx-trace\"" &&
	sed -n 2p out >second && printf "%s\n" "$SPAN" >want && test_cmp want second &&
	tail -n 1 out | jq -e ".type == \"sample\" and .value == 1"
'

test_expect_success 'a closed downstream pipe ends quietly' '
	for i in $(seq 2000); do cat "$T/stream.jsonl"; done >big.jsonl &&
	hx-trace --samples big.jsonl 2>err | head -n 1 >out &&
	test_must_be_empty err
'

test_expect_success 'usage and version' '
	hx-trace --help >out && grep "^Usage: hx-trace" out &&
	hx-trace -V | grep "^hx-trace " &&
	test_status 2 hx-trace --bogus 2>err &&
	test_status 4 hx-trace no-such-file.jsonl 2>err
'

test_done
