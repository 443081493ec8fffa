#!/bin/sh
# hx-trace gpu: without a driver one message and no records; with a fake
# libnvidia-ml.so.1 built here (fixed readings of two GPUs), the metric
# records of each reading, and the parts a GPU lacks named once.
. "$top_srcdir/tests/lib.sh"
require_program jq jq
require_program cc gcc

test_expect_success 'no driver: one message, status 0, no records' '
	mkdir empty &&
	LD_LIBRARY_PATH=$PWD/empty hx-trace gpu >out 2>err &&
	test_must_be_empty out &&
	test "$(wc -l <err)" -eq 1 &&
	grep "^hx-trace: no NVIDIA driver: libnvidia-ml.so.1: .*; no GPU counters$" err
'

test_expect_success 'the fake NVML library builds' '
	mkdir fake &&
	cc -shared -fPIC -o fake/libnvidia-ml.so.1 "$FILES/trace/fake-nvml.c"
'

# The readings of fake-nvml.c: GPU 0 has everything, GPU 1 no power and
# no NVLink; NVLink totals are in KiB there, bytes here.
cat >want.tsv <<\EOF
0	gpu_utilization_ratio	gauge	ratio	0.75
0	gpu_memory_utilization_ratio	gauge	ratio	0.4
0	gpu_memory_used_bytes	gauge	bytes	1073741824
0	gpu_memory_total_bytes	gauge	bytes	85899345920
0	gpu_power_watts	gauge	watts	312.5
0	gpu_nvlink_tx_bytes_total	counter	bytes	1024000
0	gpu_nvlink_rx_bytes_total	counter	bytes	2048000
1	gpu_utilization_ratio	gauge	ratio	0
1	gpu_memory_utilization_ratio	gauge	ratio	0.05
1	gpu_memory_used_bytes	gauge	bytes	0
1	gpu_memory_total_bytes	gauge	bytes	85899345920
EOF

# tsv: the metric records on stdin as the lines of want.tsv.
tsv() {
	jq -r "[.labels.gpu, .name, .kind, .unit, .value] | @tsv"
}

test_expect_success 'one reading: a metric record per counter and GPU' '
	LD_LIBRARY_PATH=$PWD/fake hx-trace gpu >out 2>err &&
	tsv <out >got &&
	test_cmp want.tsv got &&
	jq -c "select(.type != \"metric\" or .service != \"hx-trace\" or
	    .labels.host != \"$(hostname)\" or .time_ns < 1500000000000000000)" \
	    out >bad &&
	test_must_be_empty bad
'

test_expect_success 'what a GPU lacks is named once on stderr' '
	printf "%s\n" "hx-trace: gpu 1: no power: Not Supported" \
	    "hx-trace: gpu 1: no NVLink: Not Supported" >want &&
	test_cmp want err
'

test_expect_success '--count 3: three readings, the warnings still once' '
	LD_LIBRARY_PATH=$PWD/fake hx-trace gpu --count 3 --interval 1 >out 2>err &&
	tsv <out >got &&
	cat want.tsv want.tsv want.tsv >want3 &&
	test_cmp want3 got &&
	test "$(wc -l <err)" -eq 2
'

test_expect_success 'the records are metrics the filter accepts' '
	hx-trace out >again &&
	test_cmp out again
'

test_expect_success 'a driver that does not start: one message, status 0' '
	FAKE_NVML_INIT=9 LD_LIBRARY_PATH=$PWD/fake hx-trace gpu >out 2>err &&
	test_must_be_empty out &&
	echo "hx-trace: NVML: Driver Not Loaded; no GPU counters" >want &&
	test_cmp want err
'

test_expect_success 'usage errors' '
	test_status 2 hx-trace gpu --count -1 2>err &&
	grep "^hx-trace: gpu: --count: not a whole number from 0: -1" err &&
	test_status 2 hx-trace gpu --interval 0 2>err &&
	test_status 2 hx-trace gpu --interval 9300000000000 2>err &&
	grep "^hx-trace: gpu: --interval: not a whole number from 1 to [0-9]*: 9300000000000$" err &&
	test_status 2 hx-trace gpu extra 2>err
'

test_done
