#!/bin/sh
# hx-trace --otlp-endpoint: the OTLP/JSON requests POSTed to a small
# OTLP/HTTP receiver on loopback (tests/trace/otlp-receiver), retried on
# 503 and on a refused connection, failing at once on 400.
. "$top_srcdir/tests/lib.sh"

require_program python3 python3
require_oracle @opentelemetry/otlp-transformer
T="$top_srcdir/tests/trace"
IN="$FILES/trace/export.jsonl"

# start_receiver DIR STATUS...: an OTLP/HTTP receiver on loopback that
# answers STATUS... first; sets RECEIVER (its pid, killed when the test's
# subshell exits) and URL once it listens.
start_receiver() {
	mkdir -p "$1" || return 1
	"$T/otlp-receiver" "$@" &
	RECEIVER=$!
	trap 'kill $RECEIVER 2>/dev/null' EXIT
	n=0
	while [ ! -s "$1/port" ] && [ $n -lt 300 ]; do
		kill -0 $RECEIVER 2>/dev/null || return 1
		sleep 0.1
		n=$((n + 1))
	done
	URL=http://127.0.0.1:$(cat "$1/port")
}

test_expect_success 'POSTs retried on 503; the bodies are the --otlp lines' '
	start_receiver r1 503 &&
	hx-trace --otlp out.otlp --otlp-endpoint "$URL/" <"$IN" >out 2>err &&
	kill $RECEIVER &&
	test_cmp "$IN" out &&
	echo "hx-trace: $URL/: 1 request retried" >expect &&
	test_cmp expect err &&
	cat >expect <<-\EOF &&
	POST /v1/traces application/json 503
	POST /v1/traces application/json 200
	POST /v1/traces application/json 200
	POST /v1/metrics application/json 200
	EOF
	test_cmp expect r1/requests &&
	cat r1/traces.jsonl r1/metrics.jsonl >posted &&
	node "$T/otlp-check.js" posted &&
	test_cmp out.otlp posted
'

test_expect_success 'a 400 fails at once with status 4, naming the answer' '
	start_receiver r2 400 &&
	test_status 4 hx-trace --otlp-endpoint "$URL/otlp" <"$IN" >out 2>err &&
	kill $RECEIVER &&
	test_cmp "$IN" out &&
	echo "POST /otlp/v1/traces application/json 400" >expect &&
	test_cmp expect r2/requests &&
	grep "^hx-trace: $URL/otlp: POST /otlp/v1/traces: HTTP/1.0 400 Bad Request$" err
'

test_expect_success 'a refused connection is retried, then fails' '
	start_receiver r3 &&
	kill $RECEIVER && gone $RECEIVER &&
	test_status 4 hx-trace --otlp-endpoint "$URL" <"$IN" >out 2>err &&
	grep "POST /v1/traces: Connection refused (gave up after retries)$" err
'

test_done
