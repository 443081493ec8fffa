#!/bin/sh
# One baseline store: hx-gate --record-baseline keeps the samples that
# hx-wcet --pass-samples passes on as well as the wcet records; hx-wcet
# --baseline git:REV reads them back; insufficient groups fail the gate
# unless the policy skips them; the first baseline is recorded under a
# strict policy with --bootstrap.
. "$top_srcdir/tests/lib.sh"
use_test_git
require_program jq jq

# samples NAME UNIT VALUE...: one sample record per VALUE.
samples() {
	name=$1 unit=$2
	shift 2
	for v in "$@"; do
		printf '{"type":"sample","name":"%s","unit":"%s","value":%s}\n' \
		    "$name" "$unit" "$v"
	done
}

# A strict policy: any rise fails, a missing baseline fails.
printf '{"name":"strict","rules":[{"rule":"no-regression","threshold":0}]}\n' >strict.json
samples md5 insns 100000 >o2.jsonl
samples md5 insns 148500 >o1.jsonl

test_expect_success 'a strict policy refuses the first run: there is no baseline' '
	git init -q -b main repo &&
	(cd repo && echo one >file && git add file && git commit -q -m one) &&
	git -C repo rev-parse HEAD >first &&
	(cd repo && hx-wcet --pass-samples <../o2.jsonl |
		test_status 1 hx-gate -p ../strict.json -b git --record-baseline \
		>../out 2>../err) &&
	grep "the gate failed; no baseline recorded" err &&
	! git -C repo notes --ref=hx-baseline show HEAD
'

test_expect_success '--bootstrap records the first baseline in one step' '
	(cd repo && hx-wcet --pass-samples <../o2.jsonl |
		hx-gate -p ../strict.json -b git --record-baseline --bootstrap \
		>../out 2>../err) &&
	test "$(tail -n 1 out | jq -r ".rules[0].status")" = skip &&
	test "$(tail -n 1 out | jq -r .baseline_recorded)" = "$(cat first)"
'

test_expect_success 'the note keeps the samples as well as the wcet records, compressed' '
	baseline_note repo HEAD >note &&
	grep "\"type\":\"sample\".*\"value\":100000" note &&
	grep "\"name\":\"md5\".*\"type\":\"wcet\"" note
'

test_expect_success '--bootstrap with a baseline there already is a usage error' '
	(cd repo && test_status 2 hx-gate -p ../strict.json -b git \
		--record-baseline --bootstrap <../o2.jsonl >../out 2>../err) &&
	grep "^hx-gate: --bootstrap: there is a baseline already (git:$(cat first)); record without --bootstrap$" err &&
	test_must_be_empty out &&
	test_status 2 hx-gate -p strict.json --bootstrap </dev/null 2>err &&
	grep "^hx-gate: --bootstrap is for --record-baseline$" err
'

test_expect_success 'hx-wcet --baseline git:REV compares with the note: a regression, exactly' '
	(cd repo && echo two >file && git commit -q -a -m two &&
		hx-wcet --baseline "git:$(cat ../first)" <../o1.jsonl >../out) &&
	grep "\"class\":\"regression\"" out && grep "\"method\":\"exact\"" out &&
	grep "\"abs_shift\":48500.0" out &&
	(cd repo && hx-wcet --baseline "git:$(cat ../first)" <../o1.jsonl |
		test_status 1 hx-gate -q \
		-p ../strict.json >../out) &&
	tail -n 1 out | jq -r ".rules[0].message" >msg &&
	grep "^md5 (insns): hx-wcet classed it a regression (exact): +48500 insns (+48.50%)$" msg
'

test_expect_success 'an uncompressed note of wcet records only still gives constant groups their value' '
	(cd repo && grep "\"type\":\"wcet\"" ../note |
		git notes --ref=hx-baseline add -f -F - HEAD &&
		hx-wcet --baseline git:HEAD <../o1.jsonl >../out) &&
	grep "\"class\":\"regression\"" out
'

test_expect_success 'a compressed note that does not decode is bad input to both' '
	(cd repo && printf "hx-baseline gzip base64\nH4sIAAAA\n" |
		git notes --ref=hx-baseline add -f -F - HEAD &&
		test_status 3 hx-wcet --baseline git:HEAD <../o1.jsonl >../out 2>../err &&
		test_status 3 hx-gate -p ../strict.json -b git:HEAD <../o1.jsonl \
		>/dev/null 2>../gate-err) &&
	grep "^hx-wcet: git:[0-9a-f]*: the compressed note is bad: truncated gzip stream$" err &&
	grep "^hx-gate: git:[0-9a-f]*: the compressed note is bad: truncated gzip stream$" gate-err &&
	test_must_be_empty out
'

test_expect_success 'a missing note: hx-wcet says what hx-gate says, and compares nothing' '
	(cd repo && git checkout -q -b feature && echo three >file &&
		git commit -q -a -m three &&
		hx-wcet --baseline git:HEAD <../o1.jsonl >../out 2>../err &&
		hx-gate -p ../strict.json -b git:HEAD <../o1.jsonl \
		>/dev/null 2>../gate-err; true) &&
	! grep "\"baseline\"" out &&
	sed -n "s/^hx-wcet: no baseline: //p" err >said &&
	test -s said &&
	sed -n "s/^hx-gate: no baseline: //p" gate-err >want &&
	test_cmp want said
'

# damage_note REPO HOW: make the object of the note of REPO's HEAD a
# directory (dir) or bytes that do not inflate (garbage).
damage_note() {
	blob=$(git -C "$1" notes --ref=hx-baseline list HEAD) &&
	obj=$1/.git/objects/$(echo "$blob" | cut -c1-2)/$(echo "$blob" | cut -c3-) &&
	rm -rf "$obj" &&
	case $2 in
	dir) mkdir "$obj" ;;
	garbage) printf garbage >"$obj" ;;
	esac
}

test_expect_success 'a note that is there but cannot be read is exit 4, never a missing baseline' '
	printf "{\"name\":\"lax\",\"rules\":[{\"rule\":\"no-regression\",\"missing_baseline\":\"skip\"}]}\n" >lax.json &&
	git init -q damaged &&
	git -C damaged commit -q --allow-empty -m one &&
	for how in dir garbage; do
		samples md5 insns 100000 |
		git -C damaged notes --ref=hx-baseline add -f -F - HEAD &&
		damage_note damaged $how &&
		(cd damaged &&
		test_status 4 hx-wcet --baseline git:HEAD <../o1.jsonl >../out 2>../err &&
		test_status 4 hx-gate -p ../lax.json -b git:HEAD <../o1.jsonl \
		>../gate-out 2>../gate-err) &&
		test_must_be_empty out &&
		grep "^hx-wcet: git: cannot read the note of [0-9a-f]*: ." err &&
		grep "^hx-gate: git: cannot read the note of [0-9a-f]*: ." gate-err &&
		! grep "no baseline" err gate-err || return 1
	done
'

test_expect_success 'insufficient wall-clock groups fail the gate unless the policy skips them' '
	samples t ns 10 11 >base && samples t ns 20 21 >now &&
	hx-wcet --baseline base now 2>/dev/null >run &&
	test_status 1 hx-gate -q -p strict.json <run >out &&
	tail -n 1 out | jq -r ".rules[0].message" >msg &&
	grep "^t (ns): insufficient samples to compare: 2 now and 2 in the baseline, the minimum is 4 on each side$" msg &&
	printf "{\"name\":\"lax\",\"rules\":[{\"rule\":\"no-regression\",\"threshold\":0,\"insufficient\":\"skip\"},{\"rule\":\"no-errors\"}]}\n" >lax.json &&
	hx-gate -q -p lax.json <run >out &&
	test "$(tail -n 1 out | jq -r ".rules[0].status")" = skip
'

test_expect_success 'hx-gate -b: wcet records too small for a pWCET are insufficient to compare' '
	hx-wcet base 2>/dev/null >base.wcet && hx-wcet now 2>/dev/null >now.wcet &&
	test_status 1 hx-gate -q -p strict.json -b base.wcet <now.wcet >out &&
	tail -n 1 out | jq -r ".rules[0].message" >msg &&
	grep "^t (ns): insufficient samples to compare: 2 now and 2 in the baseline, too few for a pWCET$" msg &&
	hx-gate -q -p lax.json -b base.wcet <now.wcet >out &&
	test "$(tail -n 1 out | jq -r ".rules[0].status")" = skip
'

test_expect_success 'a pwcet budget on two wall-clock samples fails, unless insufficient: skip' '
	printf "{\"name\":\"b\",\"rules\":[{\"rule\":\"pwcet\",\"p\":1e-9,\"budgets\":{\"t\":\"1 s\"}}]}\n" >budget.json &&
	test_status 1 hx-gate -q -p budget.json <run >out &&
	tail -n 1 out | jq -r ".rules[0].message" | grep "no pWCET" &&
	printf "{\"name\":\"b\",\"rules\":[{\"rule\":\"pwcet\",\"p\":1e-9,\"budgets\":{\"t\":\"1 s\"},\"insufficient\":\"skip\"},{\"rule\":\"no-errors\"}]}\n" >budget.json &&
	hx-gate -q -p budget.json <run >out &&
	test "$(tail -n 1 out | jq -r ".rules[0].status")" = skip &&
	printf "{\"name\":\"b\",\"rules\":[{\"rule\":\"pwcet\",\"p\":1e-9,\"budgets\":{\"t\":\"1 s\"},\"insufficient\":\"maybe\"}]}\n" >budget.json &&
	test_status 3 hx-gate -q -p budget.json <run >out 2>err &&
	grep "insufficient is \"fail\" or \"skip\"" err
'

test_done
