#!/bin/sh
# The hx dispatcher: help, version, running hx-TOOL, its failures, and the
# prompt on a terminal.
. "$top_srcdir/tests/lib.sh"

mkdir bin
cat >bin/hx-frob <<'TOOL'
#!/bin/sh
printf 'argv0=%s\n' "$(basename "$0")"
for a in "$@"; do printf 'arg=%s\n' "$a"; done
exit 5
TOOL
chmod +x bin/hx-frob

test_expect_success '--help lists the tools and exits 0' '
	hx --help >out &&
	sed "s/ (not installed)\$//" out >actual &&
	test_cmp "$EXPECTED/hx-help.txt" actual
'

test_expect_success '--help marks tools that cannot be found' '
	mkdir -p lone &&
	cp "$top_builddir/cmd/hx" lone/ &&
	PATH=/nonexistent lone/hx -h >out &&
	grep "^  sched .* (not installed)\$" out
'

test_expect_success '--version names the package version' '
	hx -V >out &&
	grep -E "^hx [0-9]+\.[0-9]+\.[0-9]+\$" out
'

test_expect_success 'hx TOOL ARGS runs hx-TOOL with the arguments unchanged' '
	PATH="$PWD/bin:$PATH" test_status 5 hx frob -x "two words" "" >out &&
	printf "argv0=hx-frob\narg=-x\narg=two words\narg=\n" >want &&
	test_cmp want out
'

test_expect_success 'options after the tool name belong to the tool' '
	PATH="$PWD/bin:$PATH" test_status 5 hx frob --help >out &&
	grep "^arg=--help\$" out
'

test_expect_success 'an unknown tool is a usage error' '
	test_status 2 hx nosuch 2>err &&
	grep "^hx: nosuch: no such tool (see hx --help)\$" err
'

test_expect_success 'a tool name with a slash is refused' '
	test_status 2 hx ../bin/frob 2>err &&
	grep "no such tool" err
'

test_expect_success 'no tool and no terminal is a usage error' '
	test_status 2 hx </dev/null >out 2>err &&
	grep "^hx: no tool given\$" err &&
	test ! -s out
'

test_expect_success 'a bad option is a usage error' '
	test_status 2 hx --frobnicate 2>err &&
	grep "^Try .hx --help. for more information.\$" err
'

test_expect_success 'a closed stdout ends --help quietly' '
	{ hx --help 2>err; echo $? >status; } | head -1 >/dev/null &&
	test "$(cat status)" = 0 && test ! -s err
'

if command -v script >/dev/null 2>&1; then
	test_expect_success 'on a terminal hx opens a prompt that runs tools' '
		printf "help\nfrob \"a b\" c\nnosuch\nexit\n" >keys &&
		PATH="$PWD/bin:$PATH" HOME="$PWD" XDG_STATE_HOME= \
			script -qec hx /dev/null <keys >screen 2>&1 &&
		tr -d "\r" <screen >text &&
		grep "^Tools:\$" text &&
		grep "^arg=a b\$" text && grep "^arg=c\$" text &&
		grep "\[frob: exit 5\]\$" text &&
		grep "hx: nosuch: no such tool (try help)\$" text &&
		test_cmp keys .local/state/hx/history
	'
else
	test_skip_unless_required 'on a terminal hx opens a prompt' \
		'script is missing (Debian package bsdutils)'
fi

if command -v script >/dev/null 2>&1; then
	test_expect_success 'the prompt runs pipelines with redirections' '
		cat >bin/hx-upper <<-\TOOL &&
		#!/bin/sh
		tr a-z A-Z
		TOOL
		chmod +x bin/hx-upper &&
		echo "quoted | bar" >in.txt &&
		printf "%s\n" "upper <in.txt | upper >out.txt" \
			"upper < in.txt >> out.txt" "upper \"|\" x |" "exit" >keys &&
		PATH="$PWD/bin:$PATH" HOME="$PWD" \
			script -qec hx /dev/null <keys >screen 2>&1 &&
		printf "QUOTED | BAR\nQUOTED | BAR\n" >want &&
		test_cmp want out.txt &&
		tr -d "\r" <screen | grep "hx: missing command after .|.\$"
	'
else
	test_skip_unless_required 'the prompt runs pipelines' \
		'script is missing (Debian package bsdutils)'
fi

test_done
