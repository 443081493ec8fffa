#!/bin/sh
# hx-trace --textfile-dir scraped through a real prometheus-node-exporter
# on loopback: the textfile collector reads hx_trace.prom without an
# error and serves hx-trace's families.
. "$top_srcdir/tests/lib.sh"

require_program python3 python3
require_program curl curl
require_program prometheus-node-exporter prometheus-node-exporter
IN="$FILES/trace/export.jsonl"

# free_port: a TCP port on 127.0.0.1 that nothing listens on just now.
free_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# start_exporter DIR: node_exporter serving DIR's textfiles only; sets
# EXPORTER (killed when the test's subshell exits) and URL once it
# answers.
start_exporter() {
	port=$(free_port) || return 1
	prometheus-node-exporter --collector.disable-defaults \
		--collector.textfile --collector.textfile.directory="$1" \
		--web.listen-address="127.0.0.1:$port" 2>exporter.log &
	EXPORTER=$!
	trap 'kill $EXPORTER 2>/dev/null' EXIT
	URL=http://127.0.0.1:$port/metrics
	n=0
	until curl -sf "$URL" >/dev/null; do
		kill -0 $EXPORTER 2>/dev/null || { cat exporter.log; return 1; }
		[ $n -lt 300 ] || return 1
		sleep 0.1
		n=$((n + 1))
	done
}

test_expect_success 'node_exporter serves what hx-trace wrote' '
	mkdir textfiles &&
	hx-trace --textfile-dir textfiles <"$IN" >out &&
	start_exporter "$PWD/textfiles" &&
	curl -sf "$URL" >scraped &&
	kill $EXPORTER &&
	grep "^node_textfile_scrape_error 0$" scraped &&
	grep "^hx_test_retries_total 2$" scraped &&
	grep "^hx_test_retry_ratio 0.5$" scraped &&
	grep "^hx_span_duration_seconds_bucket{name=\"matmul\",service=\"hx-offload\",le=\"0.25\"} 1$" scraped &&
	grep "^hx_span_duration_seconds_count{name=\"inference\",service=\"hx-trace\"} 2$" scraped &&
	grep "^gpu_utilization_ratio{gpu=\"0\",service=\"hx-offload\"} 0.875$" scraped &&
	grep "^gpu_nvlink_tx_bytes_total{gpu=\"0\",service=\"hx-offload\"} 65536$" scraped
'

test_expect_success 'every family hx-trace wrote is served' '
	sed -n "s/^# TYPE \([^ ]*\) .*/\1/p" textfiles/hx_trace.prom >written &&
	while read -r family; do
		grep -q "^# TYPE $family " scraped ||
			{ echo "$family is not served"; exit 1; }
	done <written
'

test_done
