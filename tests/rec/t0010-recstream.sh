#!/bin/sh
# The shared record loop, through recfilter: pass-through, consumption,
# gzip input, bad input with and without -k, and closed or full stdout.
. "$top_srcdir/tests/lib.sh"
require_program gzip gzip

# bad_line NAME LINE MESSAGE: LINE after a good record must stop the run
# with status 3, keep the good record on stdout and name line 2.
bad_line() {
	printf '{"type":"test","name":"ok"}\n%s\n{"type":"test"}\n' "$2" >in.$1 &&
	test_status 3 recfilter -c test in.$1 >out.$1 2>err.$1 &&
	echo '{"name":"ok","type":"test"}' >want.$1 &&
	test_cmp want.$1 out.$1 &&
	echo "recfilter: in.$1:2: $3" >want-err.$1 &&
	test_cmp want-err.$1 err.$1
}

test_expect_success 'lines not consumed pass through byte for byte' '
	recfilter <"$FILES/stream.jsonl" >out &&
	cmp "$FILES/stream.jsonl" out
'

test_expect_success 'consumed records are written compact with sorted keys' '
	recfilter -c test -c sample "$FILES/stream.jsonl" >out &&
	test_cmp "$EXPECTED/consume-test.jsonl" out
'

test_expect_success 'CRLF lines pass through unchanged and parse when consumed' '
	printf "{\"type\":\"a\"}\r\n{\"type\":\"b\",\"x\":1}\r\n" >in &&
	recfilter <in >out && cmp in out &&
	recfilter -c b <in >out2 &&
	printf "{\"type\":\"a\"}\r\n{\"type\":\"b\",\"x\":1}\n" >want &&
	cmp want out2
'

test_expect_success 'a last line without newline is read and ended' '
	printf "{\"type\":\"a\"}\n{\"type\":\"b\"}" | recfilter >out &&
	printf "{\"type\":\"a\"}\n{\"type\":\"b\"}\n" >want &&
	cmp want out
'

test_expect_success 'blank lines are not records and are dropped' '
	printf "\n{\"type\":\"a\"}\n  \n\r\n{\"type\":\"b\"}\n\n" | recfilter >out &&
	printf "{\"type\":\"a\"}\n{\"type\":\"b\"}\n" >want &&
	cmp want out
'

test_expect_success 'gzip input is read transparently, from a pipe or a file' '
	gzip -c "$FILES/stream.jsonl" >in.jsonl.gz &&
	recfilter <in.jsonl.gz >out1 && cmp "$FILES/stream.jsonl" out1 &&
	recfilter in.jsonl.gz >out2 && cmp "$FILES/stream.jsonl" out2
'

test_expect_success 'a gzip file of several members is read whole' '
	gzip -c "$FILES/stream.jsonl" >two.gz &&
	gzip -c "$FILES/stream.jsonl" >>two.gz &&
	cat "$FILES/stream.jsonl" "$FILES/stream.jsonl" >want &&
	recfilter two.gz >out && cmp want out
'

test_expect_success 'corrupt gzip data is bad input' '
	gzip -c "$FILES/stream.jsonl" >in.gz &&
	size=$(wc -c <in.gz) &&
	head -c $((size - 12)) in.gz >cut.gz &&
	test_status 3 recfilter cut.gz >out 2>err &&
	grep "^recfilter: cut.gz:[0-9]*: truncated gzip stream$" err &&
	printf "\037\213\010\000garbage-garbage-garbage" >bad.gz &&
	test_status 3 recfilter bad.gz >out 2>err &&
	grep "^recfilter: bad.gz:1: corrupt gzip data" err
'

test_expect_success 'several files are read in order with their own line numbers' '
	printf "{\"type\":\"a\"}\n" >one &&
	printf "{\"type\":\"b\"}\n[]\n" >two &&
	test_status 3 recfilter one two >out 2>err &&
	printf "{\"type\":\"a\"}\n{\"type\":\"b\"}\n" >want &&
	cmp want out &&
	echo "recfilter: two:2: expected a JSON object at column 1" >want-err &&
	test_cmp want-err err
'

test_expect_success 'not JSON' 'bad_line notjson "hello" "not JSON at column 1"'
test_expect_success 'not an object' 'bad_line array "[1]" "expected a JSON object at column 1"'
test_expect_success 'no type' "bad_line notype '{\"name\":\"x\"}' 'no \"type\" field at column 1'"
test_expect_success 'a type that is not a string' "bad_line numtype '{\"type\":7}' '\"type\" is not a string at column 1'"
test_expect_success 'invalid UTF-8' "bad_line utf8 \"\$(printf '{\"type\":\"\\377\"}')\" 'invalid UTF-8 at column 10'"
test_expect_success 'an unterminated string' "bad_line unterminated '{\"type\":\"x' 'unterminated string at column 11'"

test_expect_success 'a NUL byte is bad input' '
	printf "{\"type\":\"a\"}\n{\"type\":\"b\000\"}\n" >in &&
	test_status 3 recfilter in >out 2>err &&
	echo "recfilter: in:2: NUL byte at column 11" >want &&
	test_cmp want err
'

# refused LINE MESSAGE: the scanner (pass-through) and jansson (consumed)
# both refuse LINE, so no stage passes on what another cannot read.
refused() {
	printf "%s\n" "$1" >in &&
	test_status 3 recfilter in >out 2>err &&
	grep "^recfilter: in:1: $2" err &&
	test_status 3 recfilter -c t in >out 2>err &&
	grep "^recfilter: in:1: $2" err
}

test_expect_success 'what jansson refuses is bad input, consumed or passed through' '
	refused "{\"type\":\"t\",\"n\":123456789012345678901234567890}" \
		"integer does not fit in 64 bits" &&
	refused "{\"type\":\"t\",\"n\":-9223372036854775809}" \
		"integer does not fit in 64 bits" &&
	refused "{\"type\":\"t\",\"x\":1e999}" "number too large" &&
	refused "{\"type\":\"t\",\"a\":1,\"a\":2}" "duplicate key" &&
	refused "{\"type\":\"t\",\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5,\"f\":6,\"g\":7,\"h\":8,\"b\":9}" \
		"duplicate key at column 61" &&
	refused "{\"type\":\"t\",\"o\":{\"k\":1,\"\\u006b\":2}}" \
		"duplicate key" &&
	refused "{\"type\":\"t\",\"s\":\"a\\u0000b\"}" \
		"\\\\u0000 in a string" &&
	refused "{\"type\":\"t\",\"s\":\"\\ud800\"}" \
		"lone surrogate in a string" &&
	refused "{\"type\":\"t\",\"s\":\"\\udc00x\"}" \
		"lone surrogate in a string" &&
	refused "{\"type\":\"t\",\"s\":\"\\ud800\\u0041\"}" \
		"lone surrogate in a string"
'

test_expect_success 'what jansson accepts passes both ways' '
	cat >in <<-\EOF &&
	{"type":"t","n":9223372036854775807,"m":-9223372036854775808}
	{"type":"t","s":"\ud83d\ude00","x":1e308,"y":1e-999}
	{"type":"t","o":{"k":1},"p":{"k":2},"a":[{"k":1},{"k":1}]}
	{"type":"t","a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9,"j":10}
	EOF
	recfilter in >out && cmp in out &&
	recfilter -c t in >out &&
	test "$(wc -l <out)" -eq 4
'

test_expect_success 'a line over HX_LINE_MAX is bad input, and the next is read with -k' '
	printf "{\"type\":\"a\"}\n{\"type\":\"long\",\"pad\":\"%0200d\"}\n{\"type\":\"b\"}\n" 0 >in &&
	HX_LINE_MAX=100 test_status 3 recfilter in >out 2>err &&
	echo "recfilter: in:2: line too long (see HX_LINE_MAX)" >want &&
	test_cmp want err &&
	HX_LINE_MAX=100 recfilter -k in >out 2>err &&
	test "$(sed -n 3p out)" = "{\"type\":\"b\"}" &&
	sed -n 2p out | grep "\"line\":2,\"message\":\"line too long"
'

test_expect_success 'a bad HX_LINE_MAX is a usage error' '
	HX_LINE_MAX=lots test_status 2 recfilter </dev/null 2>err &&
	grep "HX_LINE_MAX: not a positive number of bytes: lots" err
'

test_expect_success 'with -k bad lines become error records and the run goes on' '
	printf "{\"type\":\"test\",\"name\":\"a\"}\n{\"type\":\"\377\"}\n{\"name\":1}\n{\"type\":\"test\",\"name\":\"b\"}\n" >in &&
	test_status 0 recfilter -k <in >out 2>err &&
	test_cmp "$EXPECTED/keep-going.jsonl" out &&
	test $(wc -l <err) -eq 2 &&
	grep "^recfilter: stdin:2: invalid UTF-8$" err
'

test_expect_success 'a 10 MB line passes through and is consumed' '
	head -c 10485760 /dev/zero | tr "\0" x >blob &&
	{ printf "{\"blob\":\""; cat blob; printf "\",\"type\":\"big\"}\n"; } >in &&
	recfilter <in >out && cmp in out &&
	recfilter -c big <in >out2 && cmp in out2
'

test_expect_success 'a closed stdout ends the program quietly with status 0' '
	i=0; while [ $i -lt 3000 ]; do cat "$FILES/stream.jsonl"; i=$((i + 1)); done >big &&
	{ recfilter big 2>err; echo $? >status; } | head -1 >first &&
	test "$(cat status)" = 0 &&
	test ! -s err &&
	test_cmp first "$(head -1 "$FILES/stream.jsonl" >want; echo want)"
'

test_expect_success 'any other write error is reported and exits 4' '
	test_status 4 recfilter "$FILES/stream.jsonl" >/dev/full 2>err &&
	grep "^recfilter: stdout: write error: No space left on device$" err
'

test_expect_success 'an input file that cannot be opened exits 4' '
	test_status 4 recfilter nope.jsonl >out 2>err &&
	echo "recfilter: nope.jsonl: No such file or directory" >want &&
	test_cmp want err
'

test_done
