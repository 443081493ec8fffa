#!/bin/sh
# Every man page is mandoc -Tlint clean, and every program has its man page
# and bash, zsh and fish completions that know each long option --help lists.
. "$top_srcdir/tests/lib.sh"

# The long options PROGRAM's --help lists, one per line.
long_options() {
	"$@" --help | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u
}

# check_program MAN PROGRAM [ARG]...: MAN and the completions know every
# long option of PROGRAM ARG... --help.
check_program() {
	man=$1
	shift
	name=$(basename "$1")
	comp_name=$name
	test -f "$top_srcdir/man/$man" || { echo "no man/$man"; return 1; }
	for f in "completions/bash/$comp_name" "completions/zsh/_$comp_name" \
	    "completions/fish/$comp_name.fish"; do
		test -f "$top_srcdir/$f" || { echo "no $f"; return 1; }
	done
	long_options "$@" >opts || return 1
	test -s opts || { echo "$*: --help lists no long option"; return 1; }
	while read -r opt; do
		word=${opt#--}
		grep -q -e "Fl \\\\-$word" -e "Fl -$word" "$top_srcdir/man/$man" ||
			{ echo "man/$man lacks $opt"; return 1; }
		grep -q -e "$opt" "$top_srcdir/completions/bash/$comp_name" ||
			{ echo "bash completion lacks $opt"; return 1; }
		grep -q -e "$opt" "$top_srcdir/completions/zsh/_$comp_name" ||
			{ echo "zsh completion lacks $opt"; return 1; }
		grep -q -e "-l $word" "$top_srcdir/completions/fish/$comp_name.fish" ||
			{ echo "fish completion lacks $opt"; return 1; }
	done <opts
}

if [ -n "${MANDOC:-}" ]; then
	for page in "$top_srcdir"/man/*.[1-9]; do
		test_expect_success "mandoc -Tlint $(basename "$page")" "
			\"\$MANDOC\" -Tlint -W warning \"$page\" >lint 2>&1;
			cat lint && test ! -s lint
		"
	done
else
	test_skip_unless_required 'man pages are lint clean' \
		'mandoc is missing (Debian package mandoc)'
fi

test_expect_success 'hx: man page and completions know its options' '
	check_program hx.1 hx
'

test_expect_success 'hx doctor: man page and completions know its options' '
	check_program hx.1 hx doctor
'

test_expect_success 'hx init: man page and completions know its options' '
	check_program hx.1 hx init
'

test_expect_success 'hx-nightly: man page and completions know its options' '
	check_program hx-nightly.1 "$top_builddir/cmd/hx-nightly"
'

test_expect_success 'hx-release: man page and completions know its options' '
	check_program hx-release.1 "$top_builddir/cmd/hx-release"
'

# A program is cmd/hx-X.c, or cmd/AREA/hx-X.c when it has several files.
for src in "$top_srcdir"/cmd/hx-*.c "$top_srcdir"/cmd/*/hx-*.c; do
	[ -e "$src" ] || continue
	prog=$(basename "$src" .c)
	test_expect_success "$prog: man page and completions know its options" "
		check_program $prog.1 \"\$top_builddir/cmd/$prog\"
	"
done

test_expect_success 'every program in cmd/ has a man page and completions' '
	for src in "$top_srcdir"/cmd/hx*.c "$top_srcdir"/cmd/*/hx.c \
	    "$top_srcdir"/cmd/*/hx-*.c; do
		prog=$(basename "$src" .c) &&
		test -f "$top_srcdir/man/$prog.1" &&
		test -f "$top_srcdir/completions/bash/$prog" &&
		test -f "$top_srcdir/completions/zsh/_$prog" &&
		test -f "$top_srcdir/completions/fish/$prog.fish" || {
			echo "$prog lacks its man page or a completion"; exit 1; }
	done
'

test_done
