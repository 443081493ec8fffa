#!/bin/sh
# hx-trace's exports (--otlp, --chrome, --prom, --textfile-dir) of a
# stream of spans, metrics and tests, each checked by the ecosystem's
# definitions (tests/trace/t0750-export.sh shows the checkers fail), and
# their failure paths.
. "$top_srcdir/tests/lib.sh"

require_program python3 python3
require_program jq jq
require_program promtool prometheus
require_oracle @opentelemetry/otlp-transformer
T="$top_srcdir/tests/trace"
IN="$FILES/trace/export.jsonl"

test_expect_success 'every record passes through unchanged' '
	mkdir tf &&
	hx-trace --otlp out.otlp --chrome out.json --prom out.prom \
		--textfile-dir tf <"$IN" >out 2>err &&
	test_must_be_empty err &&
	test_cmp "$IN" out
'

test_expect_success 'OTLP/JSON: decodes strictly, spans grouped by resource' '
	node "$T/otlp-check.js" out.otlp &&
	jq -c ".resourceSpans[]? | [.resource.attributes[].value.stringValue,
		(.scopeSpans[0].spans | length)]" out.otlp >got &&
	cat >expect <<-\EOF &&
	["hx-offload","gpu1",1]
	["hx-trace","rv1",4]
	EOF
	test_cmp expect got
'

test_expect_success 'OTLP/JSON: ids, kinds, times, status and counters' '
	jq -c ".resourceSpans[]?.scopeSpans[].spans[] | [.spanId,
		.parentSpanId, .kind, .startTimeUnixNano, .status.code,
		([.attributes[] | .key] | join(\",\"))]" out.otlp >got &&
	cat >expect <<-\EOF &&
	["d75597dee50b0cac","b7ad6b7169203331",2,"1700000000012000000",2,""]
	["00f067aa0ba902b7",null,1,"1700000000000000000",1,"argv0,hx.counter.task_clock_ns,hx.counter.context_switches"]
	["b7ad6b7169203331","00f067aa0ba902b7",3,"1700000000010000000",1,""]
	["3c2e1f0a9b8d7c6e","00f067aa0ba902b7",1,"1700000000150000000",1,""]
	["a1b2c3d4e5f60718",null,1,"1700000001000000000",1,""]
	EOF
	test_cmp expect got &&
	jq -r ".resourceSpans[]?.scopeSpans[].spans[] |
		select(.status.code == 2) | .status.message" out.otlp >got &&
	echo "cuda error 35: \"no driver\"" >expect &&
	test_cmp expect got
'

test_expect_success 'OTLP/JSON: metrics as gauges and a cumulative sum' '
	jq -c ".resourceMetrics[]?.scopeMetrics[].metrics[] | [.name, .unit,
		(.gauge // .sum | .dataPoints | length),
		.sum.aggregationTemporality]" out.otlp >got &&
	cat >expect <<-\EOF &&
	["gpu_memory_total_bytes","bytes",1,null]
	["gpu_memory_used_bytes","bytes",1,null]
	["gpu_memory_utilization_ratio","ratio",1,null]
	["gpu_nvlink_rx_bytes_total","bytes",1,2]
	["gpu_nvlink_tx_bytes_total","bytes",1,2]
	["gpu_power_watts","watts",1,null]
	["gpu_utilization_ratio","ratio",2,null]
	EOF
	test_cmp expect got
'

test_expect_success 'Chrome: structure, processes, the RPC flow, counters' '
	"$T/chrome-check" out.json >got &&
	echo "C=8 M=5 X=5 f=1 s=1" >expect &&
	test_cmp expect got &&
	jq -c "[.traceEvents[] | select(.ph == \"M\") | [.name, .pid, .tid,
		.args.name]]" out.json >got &&
	echo "[[\"process_name\",1,0,\"hx-offload (gpu1)\"],[\"thread_name\",1,1,\"lane 1\"],[\"process_name\",2,0,\"hx-trace (rv1)\"],[\"thread_name\",2,1,\"lane 1\"],[\"thread_name\",2,2,\"lane 2\"]]" >expect &&
	test_cmp expect got &&
	jq -c "[.traceEvents[] | select(.ph == \"s\" or .ph == \"f\") |
		[.ph, .pid, .tid, .ts]]" out.json >got &&
	echo "[[\"s\",2,1,1700000000010000],[\"f\",1,1,1700000000012000]]" >expect &&
	test_cmp expect got
'

test_expect_success 'Prometheus: promtool clean, own checks, expected text' '
	promtool check metrics <out.prom >got 2>&1 &&
	test_must_be_empty got &&
	"$T/prom-check" out.prom &&
	test_cmp "$EXPECTED/trace/export.prom" out.prom &&
	test_cmp out.prom tf/hx_trace.prom &&
	ls tf >got && echo hx_trace.prom >expect && test_cmp expect got
'

test_expect_success 'no input: every export is still valid' '
	hx-trace --otlp e.otlp --chrome e.json --prom e.prom </dev/null >out &&
	test_must_be_empty out &&
	test_must_be_empty e.otlp &&
	"$T/chrome-check" e.json &&
	promtool check metrics <e.prom && "$T/prom-check" e.prom &&
	grep "^hx_test_retry_ratio 0$" e.prom
'

test_expect_success 'metric labels le and quantile are renamed, promtool clean' '
	echo "{\"type\":\"metric\",\"name\":\"q\",\"kind\":\"gauge\",\"value\":1,\"time_ns\":1,\"labels\":{\"le\":\"1\",\"quantile\":\"0.5\",\"__name__\":\"x\"}}" |
	hx-trace --prom le.prom >out &&
	promtool check metrics <le.prom >got 2>&1 &&
	test_must_be_empty got &&
	"$T/prom-check" le.prom &&
	grep "^q{l__name__=\"x\",lle=\"1\",lquantile=\"0.5\"} 1$" le.prom
'

test_expect_success 'test records are not read without a Prometheus export' '
	echo "{\"type\":\"test\",\"name\":1}" >bad-test.jsonl &&
	hx-trace --otlp t.otlp <bad-test.jsonl >out &&
	test_cmp bad-test.jsonl out
'

test_expect_success 'a bad test record is bad input for --prom; -k goes on' '
	test_status 3 hx-trace --prom t.prom bad-test.jsonl >out 2>err &&
	grep "^hx-trace: bad-test.jsonl:1: test name is not a string" err &&
	test_status 0 hx-trace -k --prom t.prom bad-test.jsonl >out &&
	jq -e "select(.type == \"error\")" out &&
	grep "^hx_test_runs_total 0$" t.prom
'

test_expect_success 'a metric that clashes with a family of hx-trace: status 3' '
	echo "{\"type\":\"metric\",\"name\":\"hx_test_retries\",\"kind\":\"counter\",\"value\":1,\"time_ns\":1}" |
	test_status 3 hx-trace --prom c.prom >out 2>err &&
	grep "^hx-trace: stdin:1: metric hx_test_retries: family hx_test_retries_total is one hx-trace exports itself$" err &&
	! test -e c.prom
'

# A counter x and a gauge x_total are one family of two kinds.
test_expect_success 'a family of two kinds: status 3 at its line; -k exports the rest' '
	m="{\"type\":\"metric\",\"time_ns\":1,\"value\":1" &&
	{
		echo "$m,\"name\":\"x\",\"kind\":\"counter\"}" &&
		echo "$m,\"name\":\"y\",\"kind\":\"gauge\"}" &&
		echo "$m,\"name\":\"x_total\",\"kind\":\"gauge\"}"
	} >kinds.jsonl &&
	test_status 3 hx-trace --prom k.prom <kinds.jsonl >out 2>err &&
	grep "^hx-trace: stdin:3: metric x_total: family x_total is a counter, this is a gauge$" err &&
	! test -e k.prom &&
	test_status 0 hx-trace -k --prom k.prom <kinds.jsonl >out &&
	test "$(jq -r "select(.type == \"error\") | .line" out)" = 3 &&
	promtool check metrics <k.prom &&
	grep "^x_total 1$" k.prom &&
	grep "^y 1$" k.prom &&
	grep -c "^x_total" k.prom | grep -qx 1
'

test_expect_success 'unwritable exports: status 4, the path named' '
	test_status 4 hx-trace --otlp nodir/x.otlp <"$IN" >out 2>err &&
	grep "^hx-trace: nodir/x.otlp: No such file or directory$" err &&
	test_status 4 hx-trace --textfile-dir nodir <"$IN" >out 2>err &&
	grep "^hx-trace: nodir/hx_trace.prom: No such file or directory$" err
'

test_expect_success 'an https or malformed endpoint is a usage error' '
	test_status 2 hx-trace --otlp-endpoint https://c:4318 </dev/null 2>err &&
	grep "https is not supported" err &&
	test_status 2 hx-trace --otlp-endpoint c:4318 </dev/null 2>err &&
	grep "not an http:// URL" err
'

test_done
