#!/bin/sh
# examples/grafana/hx-dashboard.json and examples/prometheus/hx-alerts.yml
# query only what hx-trace exports: every metric of their expressions is
# a series of hx-trace --prom on the fixture stream; the rules pass
# promtool, and the check finds a metric hx does not export.
. "$top_srcdir/tests/lib.sh"

require_program python3 python3
require_program jq jq
require_program promtool prometheus
T="$top_srcdir/tests/trace"
IN="$FILES/trace/export.jsonl"
DASH="$top_srcdir/examples/grafana/hx-dashboard.json"
RULES="$top_srcdir/examples/prometheus/hx-alerts.yml"

test_expect_success 'the alerting rules pass promtool' '
	promtool check rules "$RULES"
'

test_expect_success 'the dashboard and rules query what hx-trace exports' '
	hx-trace --prom out.prom <"$IN" >out &&
	"$T/dashboard-check" "$DASH" "$RULES" out.prom >used &&
	tr " " "\n" <used >list && mv list used &&
	cat used &&
	for m in hx_span_duration_seconds_bucket hx_test_retries_total \
	    gpu_utilization_ratio gpu_power_watts; do
		grep -w $m used || exit 1
	done
'

test_expect_success 'its GPU metrics are those hx-trace gpu writes' '
	grep "^gpu_" used >gpu &&
	test -s gpu &&
	while read -r m; do
		grep "^\.It Cm $m Ta " "$top_srcdir/man/hx-trace.1" ||
			{ echo "$m is not in hx-trace(1)"; exit 1; }
	done <gpu
'

test_expect_success 'the check finds a metric hx does not export' '
	jq ".panels[1].targets[0].expr = \"rate(hx_span_latency_total[5m])\"" \
		"$DASH" >bad.json &&
	test_status 1 "$T/dashboard-check" bad.json "$RULES" out.prom 2>err &&
	grep "panel .Span latency p50 / p95 / p99.: hx_span_latency_total is not exported" err &&
	sed "s/hx_test_runs_total/hx_test_run_total/" "$RULES" >bad.yml &&
	test_status 1 "$T/dashboard-check" "$DASH" bad.yml out.prom 2>err &&
	grep "hx_test_run_total is not exported" err
'

test_expect_success 'the check finds a panel off the datasource variable' '
	jq ".panels[2].datasource.uid = \"prom-prod\"" "$DASH" >bad.json &&
	test_status 1 "$T/dashboard-check" bad.json "$RULES" out.prom 2>err &&
	grep "does not use \${datasource}" err
'

test_done
