#!/bin/sh
# The prompt of hx: completion of tools, options and their values, help
# TOOL, the last result kept and shown (show, count, where, fields), pipes
# into other commands, cd and !COMMAND under tmux; hx -f without a
# terminal; history in XDG state.
. "$top_srcdir/tests/lib.sh"
require_program jq jq
require_program tmux tmux

HOST_ARCH=$(uname -m)
cc -o behave "$FILES/emu/behave.c" || exit 1
for t in one:pass two:fail three:pass; do
	jq -nc --arg name "${t%%:*}" --arg how "${t#*:}" --arg arch "$HOST_ARCH" '
		{type: "artifact", name: $name, path: "behave", kind: "test",
		 status: "ok", target: ($arch + "-linux-gnu"), arch: $arch,
		 args: [$how], toolchain: {name: "gcc", version: "12",
		 digest: "0"}, sha256: "0", size: 0, flags: [], cache: "miss",
		 duration_ns: 0}' | with_sha256
done >in || exit 1

TMUX_SOCK="$PWD/tmux.sock"
unset TMUX
trap 'tmux -S "$TMUX_SOCK" kill-server 2>/dev/null' EXIT

# screen: what the prompt's terminal shows, with its scrollback.
screen() {
	tmux -S "$TMUX_SOCK" capture-pane -p -J -S - -t hx
}

# wait_until COMMAND...: poll until COMMAND succeeds (the terminal has
# caught up); fails, showing the terminal, when it never does.
wait_until() {
	n=0
	until "$@"; do
		n=$((n + 1))
		if [ $n -gt 2000 ]; then
			echo "never true: $*" >&2
			screen >&2
			return 1
		fi
		sleep 0.05
	done
}

# shows TEXT: whether the terminal shows TEXT (a fixed string).
shows() {
	screen | grep -F -q -- "$1"
}

# wait_for TEXT: wait until the terminal shows TEXT.
wait_for() {
	wait_until shows "$1"
}

# prompts_at_least N: whether the terminal shows N prompts or more.
prompts_at_least() {
	[ "$(screen | grep -c "^hx> ")" -ge "$1" ]
}

# type_at_prompt KEYS...: wait for a new prompt, then send KEYS.
type_at_prompt() {
	want=$(($(cat typed) + 1))
	wait_until prompts_at_least "$want" &&
	echo "$want" >typed &&
	tmux -S "$TMUX_SOCK" send-keys -t hx "$@"
}

# gone: whether the prompt's tmux session has ended.
gone() {
	! tmux -S "$TMUX_SOCK" has-session -t hx 2>/dev/null
}

test_expect_success 'the prompt opens in tmux' '
	echo 0 >typed &&
	mkdir -p state sub &&
	tmux -S "$TMUX_SOCK" -f /dev/null new-session -d -s hx -x 200 \
		-y 50 "env XDG_STATE_HOME=$PWD/state PATH=$PATH hx" &&
	wait_for "type help for the tools"
'

test_expect_success 'tool names complete' '
	type_at_prompt "he" Tab "em" Tab Enter &&
	wait_for "-n, --repeat N"
'

test_expect_success 'options complete from the tool'"'"'s --help' '
	type_at_prompt "emu --rep" Tab "2 --ti" Tab "10s < in" Enter &&
	wait_for "hx-emu: 3 tests: 2 passed, 1 failed" &&
	screen | grep -F "hx> emu --repeat 2 --timeout 10s < in"
'

test_expect_success 'toolchain names complete after -t' '
	type_at_prompt "build -t riscv64-cl" Tab &&
	wait_for "hx> build -t riscv64-clang " &&
	tmux -S "$TMUX_SOCK" send-keys -t hx C-u Enter
'

test_expect_success 'the last result is counted and shown as a table' '
	type_at_prompt "count" Enter &&
	wait_for "10 records: 3 artifact, 3 test, 4 sample" &&
	type_at_prompt "show" Enter &&
	wait_for "type      name   status" &&
	screen | grep -E "^test +two +fail "
'

test_expect_success 'fields and values complete after where' '
	type_at_prompt "fields" Enter &&
	wait_for "stderr_tail" &&
	type_at_prompt "where sta" Tab "f" Tab Enter &&
	wait_for "hx> where status=fail" &&
	type_at_prompt "count" Enter &&
	wait_for "1 record: 1 test"
'

test_expect_success 'a builtin pipes into ordinary commands' '
	type_at_prompt "where type=test | jq -r .stderr_tail" Enter &&
	wait_for "assertion failed: 2 + 2 == 5"
'

test_expect_success 'cd and !COMMAND' '
	type_at_prompt "cd sub" Enter &&
	type_at_prompt "!echo in \$(pwd)" Enter &&
	wait_for "in $PWD/sub"
'

test_expect_success 'exit leaves and keeps the history in XDG state' '
	type_at_prompt "exit" Enter &&
	wait_until gone &&
	grep "^where status=fail *\$" state/hx/history &&
	tail -n 1 state/hx/history >last && echo exit >want &&
	test_cmp want last
'

test_expect_success 'hx -f runs the lines of a script without a terminal' '
	cat >script <<-\EOF &&
	# the failed tests, by name
	emu <in >/dev/null
	emu <in | jq -c "select(.type == \"test\") | .name" >names
	!echo from sh
	EOF
	test_status 1 hx -f script >out 2>err &&
	printf "\"one\"\n\"two\"\n\"three\"\nfrom sh\n" >want &&
	cat names out >actual && test_cmp want actual &&
	grep "^\[emu: exit 1\]" err
'

test_expect_success 'hx -f: builtins on the last result, records when piped' '
	printf "%s\n" "emu <in" "where status=fail | jq -r .name" \
		"count" >script &&
	test_status 1 hx -f script >out 2>err &&
	grep -x two out && grep -x "1 record: 1 test" out
'

test_expect_success 'hx -f: the status of the last failing line' '
	printf "%s\n" "nosuch" "!true" >script &&
	test_status 2 hx -f script 2>err &&
	grep "hx: nosuch: no such tool (try help)" err &&
	printf "%s\n" "!exit 7" "!true" | test_status 7 hx -f - &&
	printf "%s\n" "show" | test_status 2 hx -f - 2>err &&
	grep "no result yet" err &&
	printf "%s\n" "\"open" | test_status 2 hx -f - 2>err &&
	grep "hx: stdin:1: unterminated quote" err
'

test_done
