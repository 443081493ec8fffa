#!/bin/sh
# The exporters of hx-trace (lib/trace): their unit tests, and what they
# write checked by the ecosystem's own definitions: OTLP/JSON decoded with
# the OpenTelemetry protobuf definitions, Chrome trace events by their
# structure, Prometheus text by promtool and by the checks it misses.
# Each checker is shown to fail on the faults it is there for.
. "$top_srcdir/tests/lib.sh"

require_program python3 python3
require_program promtool prometheus
require_oracle @opentelemetry/otlp-transformer
T="$top_srcdir/tests/trace"

test_expect_success 'unit tests of the exporters' '
	"$top_builddir/tests/trace/unit-export" >tap &&
	cat tap && ! grep "^not ok" tap && grep "^1\.\.[0-9]" tap
'

test_expect_success 'OTLP/JSON decodes with the OpenTelemetry definitions' '
	node "$T/otlp-check.js" export.otlp >out &&
	echo "2 trace requests, 1 metric requests" >expect &&
	test_cmp expect out
'

# refused WANT CHECK...: the command CHECK... exits 1 with a message
# containing WANT.
refused() {
	pattern=$1
	shift
	test_status 1 "$@" 2>err &&
	cat err && grep -F -- "$pattern" err
}

# otlp_refuses SED WANT: otlp-check refuses export.otlp edited by SED,
# with a message containing WANT.
otlp_refuses() {
	sed "$1" export.otlp >bad.otlp &&
	! cmp -s export.otlp bad.otlp &&
	refused "$2" node "$T/otlp-check.js" bad.otlp
}

test_expect_success 'the OTLP check refuses what the collector drops' '
	otlp_refuses "1s/\"kind\":2/\"kind\":\"SPAN_KIND_SERVER\"/" \
		"bad.otlp:1: resourceSpans[0].scopeSpans[0].spans[0].kind: a string" &&
	otlp_refuses "1s/\"name\":\"matmul\"/&,\"spanName\":\"x\"/" \
		"spans[0].spanName: unknown key" &&
	otlp_refuses "1s/\"attributes\":\[/\"labels\":{},&/" \
		"resource.labels: unknown key" &&
	otlp_refuses "1s/\"startTimeUnixNano\":\"\([0-9]*\)\"/\"startTimeUnixNano\":\1/" \
		"startTimeUnixNano: a 64-bit integer as a JSON number" &&
	otlp_refuses "1s/\"intValue\":\"1234\"/\"intValue\":\"01234\"/" \
		"intValue: not the decimal string of 1234" &&
	otlp_refuses "1s/00000000000000b1/00000000000000B1/" \
		"spanId: not 16 lowercase hex digits" &&
	otlp_refuses "1s/4bf92f3577b34da6a3ce929d0e0e4736/4bf92f3577b34da6/" \
		"traceId: not 32 lowercase hex digits" &&
	otlp_refuses "3s/\"aggregationTemporality\":2/\"aggregationTemporality\":\"AGGREGATION_TEMPORALITY_CUMULATIVE\"/" \
		"bad.otlp:3: resourceMetrics[0]" &&
	otlp_refuses "3s/\"asDouble\":0.5/\"asDouble\":\"0.5\"/" \
		"asDouble: a string" &&
	otlp_refuses "2s/^{/[/" "bad.otlp:2: (top): not JSON" &&
	otlp_refuses "2s/resourceSpans/resourceSpan/" \
		"bad.otlp:2: (top): not one resourceSpans or resourceMetrics"
'

test_expect_success 'Chrome trace events have the structure viewers need' '
	"$T/chrome-check" export.json >out &&
	echo "C=4 M=5 X=4 f=1 s=1" >expect &&
	test_cmp expect out
'

# chrome_refuses EVENTS WANT: chrome-check refuses a file of EVENTS (the
# members of traceEvents) with a message containing WANT.
chrome_refuses() {
	printf "{\"traceEvents\":[%s]}\n" "$1" >bad.json &&
	refused "$2" "$T/chrome-check" bad.json
}

test_expect_success 'the Chrome check refuses broken events' '
	X="{\"ph\":\"X\",\"name\":\"a\",\"pid\":1,\"tid\":1,\"ts\":0,\"dur\":10}" &&
	B="{\"ph\":\"B\",\"name\":\"a\",\"pid\":1,\"tid\":1,\"ts\":1}" &&
	chrome_refuses "{\"ph\":\"X\",\"name\":\"a\",\"pid\":1,\"tid\":1,\"ts\":0}" \
		"traceEvents[0]: X without a dur" &&
	chrome_refuses "$B" "B of '"'"'a'"'"' on pid 1 tid 1 never ends" &&
	chrome_refuses "$B,{\"ph\":\"E\",\"name\":\"b\",\"pid\":1,\"tid\":1,\"ts\":2}" \
		"traceEvents[1]: E of '"'"'b'"'"' ends B of '"'"'a'"'"'" &&
	chrome_refuses "{\"ph\":\"E\",\"pid\":1,\"tid\":1,\"ts\":2}" \
		"traceEvents[0]: E without a B" &&
	chrome_refuses "{\"ph\":\"C\",\"name\":\"c\",\"pid\":1,\"tid\":0,\"ts\":1,\"args\":{\"v\":\"1\"}}" \
		"traceEvents[0]: C without numeric args" &&
	chrome_refuses "{\"ph\":\"M\",\"name\":\"proc_name\",\"pid\":1,\"tid\":0,\"args\":{\"name\":\"p\"}}" \
		"unknown metadata" &&
	chrome_refuses "{\"ph\":\"X\",\"name\":\"a\",\"pid\":\"1\",\"tid\":1,\"ts\":0,\"dur\":1}" \
		"traceEvents[0]: pid is not an integer" &&
	chrome_refuses "$X,{\"ph\":\"s\",\"name\":\"r\",\"id\":7,\"pid\":1,\"tid\":1,\"ts\":1}" \
		"flow 7 lacks its f event" &&
	chrome_refuses "$X,{\"ph\":\"s\",\"name\":\"r\",\"id\":7,\"pid\":1,\"tid\":1,\"ts\":1},{\"ph\":\"f\",\"bp\":\"e\",\"id\":7,\"pid\":2,\"tid\":1,\"ts\":5}" \
		"traceEvents[2]: flow 7 is in no slice of its thread"
'

test_expect_success 'Prometheus text passes promtool and the own checks' '
	promtool check metrics <export.prom >out 2>&1 &&
	test_must_be_empty out &&
	"$T/prom-check" export.prom &&
	promtool check metrics <odd.prom >out 2>&1 &&
	test_must_be_empty out &&
	"$T/prom-check" odd.prom
'

# prom_refuses TEXT WANT: prom-check refuses TEXT with a message
# containing WANT.
prom_refuses() {
	printf "%s\n" "$1" >bad.prom &&
	refused "$2" "$T/prom-check" bad.prom
}

test_expect_success 'the Prometheus check refuses what promtool misses' '
	H="# TYPE h histogram" &&
	prom_refuses "$H
h_bucket{le=\"1\"} 1
h_sum 1
h_count 1" "no le=\"+Inf\" bucket last" &&
	prom_refuses "$H
h_bucket{le=\"1\"} 2
h_bucket{le=\"+Inf\"} 1
h_sum 1
h_count 1" "3: bucket counts of h fall" &&
	prom_refuses "$H
h_bucket{le=\"+Inf\"} 2
h_sum 1
h_count 1" "_count is not the +Inf bucket" &&
	prom_refuses "# TYPE g gauge
g{a=\"1\",b=\"2\"} 1
g{b=\"2\",a=\"1\"} 2" "3: a second sample of g" &&
	prom_refuses "g 1" "1: g has no TYPE line before it" &&
	prom_refuses "# TYPE c_total counter
c_total -1" "2: counter c_total not _total or negative" &&
	prom_refuses "# TYPE c counter
c 1" "2: counter c not _total or negative"
'

test_done
