#!/bin/sh
# hx-sched plan --reservations: windows keep nodes, named or selected by
# label, for one team; other teams wait or go elsewhere; expired ones
# are ignored; a bad file names its line.
. "$top_srcdir/tests/lib.sh"
require_program jq jq

S="$FILES/sched"
NOW=2026-12-01T00:00:00Z
T0=1796083200000000000
MIN30=1800000000000

job() {
	printf '{"type":"job","name":"%s","argv":["true"],"arch":"riscv64","team":"%s","resources":{"cpus":4},"duration_ns":%s}\n' \
	    "$1" "$2" $MIN30
}

# when FILE: "job node minutes-from-now" for each placement.
when() {
	jq -r "\"\(.job) \(.node) \((.start_ns - $T0) / 60000000000)\"" "$1"
}

test_expect_success 'a node kept for hw by name: ml goes to the other board' '
	printf "%s\n" "{\"team\":\"hw\",\"nodes\":[\"rv1\"],\"start\":\"$NOW\",\"end\":\"2026-12-01T01:00:00Z\"}" >res &&
	{ job ml1 ml && job ml2 ml && job hw1 hw; } >jobs &&
	hx-sched plan --inventory "$S/inventory.jsonl" --now $NOW \
	    --reservations res jobs >out &&
	when out >actual &&
	printf "hw1 rv1 0\nml1 rv2 0\nml2 rv2 30\n" >want &&
	test_cmp want actual
'

test_expect_success 'a job of another team that would overlap the window waits for its end' '
	printf "%s\n" "{\"team\":\"hw\",\"selector\":[\"board in (vf2,milkv)\"],\"start\":\"2026-12-01T00:10:00Z\",\"end\":\"2026-12-01T01:00:00Z\",\"name\":\"bring-up\"}" >res &&
	job ml1 ml >jobs &&
	hx-sched plan --inventory "$S/inventory.jsonl" --now $NOW \
	    --reservations res jobs >out &&
	when out >actual &&
	echo "ml1 rv1 60" >want &&
	test_cmp want actual
'

test_expect_success 'an expired reservation is ignored' '
	printf "%s\n" "{\"team\":\"hw\",\"nodes\":[\"rv1\",\"rv2\"],\"start_ns\":1,\"end_ns\":$T0}" >res &&
	hx-sched plan --inventory "$S/inventory.jsonl" --now $NOW \
	    --reservations res jobs >out &&
	when out >actual &&
	echo "ml1 rv1 0" >want &&
	test_cmp want actual
'

test_expect_success 'a reservation as one JSON document' '
	printf "{\"reservations\": [\n {\"team\":\"hw\",\"nodes\":[\"rv1\",\"rv2\"],\"start\":\"$NOW\",\"end\":\"2026-12-01T02:00:00Z\"}\n]}\n" >res.json &&
	hx-sched plan --inventory "$S/inventory.jsonl" --now $NOW \
	    --reservations res.json jobs >out &&
	when out >actual &&
	echo "ml1 rv1 120" >want &&
	test_cmp want actual
'

test_expect_success 'a bad reservation is bad input, named by line' '
	printf "\n%s\n" "{\"team\":\"hw\",\"nodes\":[\"rv1\"],\"start\":\"tomorrow\",\"end_ns\":5}" >bad &&
	test_status 3 hx-sched plan --inventory "$S/inventory.jsonl" \
	    --reservations bad jobs >out 2>err &&
	test_must_be_empty out &&
	grep "^hx-sched: bad:2: reservation start is not an RFC 3339 time: tomorrow$" err
'

test_done
