#!/bin/sh
# hx-sched plan --emit gitlab: a GitLab CI job per placed job with runner
# tags from its arch and selector, what tags cannot say as comments, and
# the argv quoted for the shell.
. "$top_srcdir/tests/lib.sh"

S="$FILES/sched"

test_expect_success 'the snippet' '
	hx-sched plan --inventory "$S/inventory.jsonl" --now 1 \
	    --emit gitlab ci.yml <"$S/emit-jobs.jsonl" >out &&
	test_cmp "$EXPECTED/sched/gitlab.yml" ci.yml
'

test_expect_success 'a job without tags has an empty list; quotes survive' '
	printf "%s\n" "{\"type\":\"job\",\"name\":\"it'"'"'s\",\"argv\":[\"echo\",\"a b\",\"it'"'"'s\"]}" >jobs &&
	hx-sched plan --inventory "$S/inventory.jsonl" --now 1 \
	    --emit gitlab ci.yml jobs >out &&
	grep -x "  tags: \[\]" ci.yml &&
	grep -xF "    - \"'"'"'echo'"'"' '"'"'a b'"'"' '"'"'it'"'"'\\\\'"'"''"'"'s'"'"'\"" ci.yml
'

test_expect_success 'a file that cannot be written is a system failure' '
	test_status 4 hx-sched plan --inventory "$S/inventory.jsonl" --now 1 \
	    --emit gitlab no/such/dir/ci.yml jobs >out 2>err &&
	grep "^hx-sched: no/such/dir/ci.yml: No such file or directory$" err
'

test_done
