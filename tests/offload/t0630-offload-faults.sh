#!/bin/sh
# Fault injection: each kind of fault hx-offload --fault makes, and how the
# client handles it: an error frame, a dropped connection and a truncated
# reply end in HX_OFFLOAD_EFALLBACK (after one reconnect for the broken
# connections), latency past the client's timeout too; with a fixed seed
# the same calls fail in every run, natively and under QEMU alike.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/offload/service.sh"
require_riscv64

# calls N CODE: "backend cpu", then N lines "I fallback CODE".
calls() {
	echo "backend cpu"
	i=1
	while [ $i -le $1 ]; do
		echo "$i fallback $2"
		i=$((i + 1))
	done
}

test_expect_success 'error replies: the client falls back, code 11' '
	start_service err --listen "$PWD/err.sock" --fault error=1 &&
	"$CLIENT" "$(addr err)" repeat 3 >out &&
	calls 3 11 >expect &&
	test_cmp expect out
'

test_expect_success 'dropped connections: one reconnect, then fall back' '
	start_service drop --listen "$PWD/drop.sock" --fault drop=1 &&
	"$CLIENT" "$(addr drop)" repeat 3 >out &&
	calls 3 0 >expect &&
	test_cmp expect out
'

test_expect_success 'truncated replies: one reconnect, then fall back' '
	start_service trunc --listen "$PWD/trunc.sock" --fault truncate=1 &&
	"$CLIENT" "$(addr trunc)" repeat 3 >out &&
	calls 3 0 >expect &&
	test_cmp expect out
'

test_expect_success 'latency past the timeout: fall back' '
	start_service slow --listen "$PWD/slow.sock" \
		--fault latency=1,delay=5000 &&
	"$CLIENT" -t 200 "$(addr slow)" repeat 2 >out &&
	calls 2 0 >expect &&
	test_cmp expect out
'

test_expect_success 'latency within the timeout: answered' '
	start_service lag --listen "$PWD/lag.sock" --fault latency=1,delay=10 &&
	"$CLIENT" -t 0 "$(addr lag)" repeat 2 >out &&
	printf "backend cpu\n1 ok\n2 ok\n" >expect &&
	test_cmp expect out
'

test_expect_success 'a fixed seed: the same calls fail in every run' '
	start_service mix --listen "$PWD/mix.sock" \
		--fault error=0.3,drop=0.2,truncate=0.2 --fault-seed 7 &&
	"$CLIENT" "$(addr mix)" repeat 30 >run1 &&
	"$CLIENT" "$(addr mix)" repeat 30 >run2 &&
	test_cmp run1 run2 &&
	grep -q " ok$" run1 && grep -q "fallback 11$" run1 &&
	grep -q "fallback 0$" run1
'

test_expect_success 'another seed, other calls' '
	start_service mix2 --listen "$PWD/mix2.sock" \
		--fault error=0.3,drop=0.2,truncate=0.2 --fault-seed 8 &&
	"$CLIENT" "$(addr mix2)" repeat 30 >run3 &&
	! test_cmp run1 run3 >/dev/null
'

test_expect_success 'the riscv64 client under QEMU meets the same faults' '
	build_riscv64_client &&
	qemu-riscv64 -L $SYSROOT ./client-rv "$(addr mix)" repeat 30 >run4 &&
	test_cmp run1 run4
'

test_expect_success 'the services stop cleanly' '
	for s in err drop trunc slow lag mix mix2; do
		stop_service $s || exit 1
	done
'

test_done
