#!/bin/sh
# The bash completions complete the value of --opt=value as they complete
# the word after --opt, for every program, also through hx TOOL.
. "$top_srcdir/tests/lib.sh"
require_program bash bash

mkdir -p dir.d && : >run.json && : >bundle.tar.gz

# The words bash completes in the current directory for the words given,
# the last being the one under the cursor (COMP_WORDBREAKS splits at '=',
# so --opt=va arrives as --opt, =, va).
cat >complete.bash <<'EOF_B'
for f in "$top_srcdir"/completions/bash/*; do
	. "$f"
done
# reply WORD...: COMPREPLY for the command line WORD..., one per line.
reply() {
	local -a COMP_WORDS=("$@")
	local COMP_CWORD=$(($# - 1)) COMP_LINE="$*" COMP_POINT
	local func
	COMP_POINT=${#COMP_LINE}
	func=$(complete -p "$1" | sed -n 's/.* -F \([^ ]*\) .*/\1/p')
	COMPREPLY=()
	"$func" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	printf '%s\n' "${COMPREPLY[@]}"
}
status=0
for f in "$top_srcdir"/completions/bash/hx-*; do
	p=${f##*/}
	valued=0
	for o in $(reply "$p" --); do
		want=$(reply "$p" "$o" "")
		got=$(reply "$p" "$o" = "")
		if [ "$want" != "$got" ]; then
			echo "$p $o=: '$got', wanted '$want'"
			status=1
		fi
		[ -n "$want" ] || continue
		valued=$((valued + 1))
		prefix=$(printf '%s\n' "$want" | head -n 1 | cut -c1-2)
		want=$(reply "$p" "$o" "$prefix")
		got=$(reply "$p" "$o" = "$prefix")
		if [ -z "$want" ] || [ "$want" != "$got" ]; then
			echo "$p $o=$prefix: '$got', wanted '$want'"
			status=1
		fi
		tool=${p#hx-}
		got=$(reply hx "$tool" "$o" = "$prefix")
		if [ "$want" != "$got" ]; then
			echo "hx $tool $o=$prefix: '$got', wanted '$want'"
			status=1
		fi
	done
	echo "$p: $valued options with values"
	[ "$valued" -gt 0 ] || status=1
done
exit $status
EOF_B

test_expect_success 'every --opt=value completes as --opt value does' '
	top_srcdir=$top_srcdir bash complete.bash >out 2>&1 ||
		{ cat out; false; }
'

test_expect_success 'hx-build --target=ri completes the shipped targets' '
	cat >one.bash <<-\EOF_O &&
	. "$top_srcdir/completions/bash/hx-build"
	COMP_WORDS=(hx-build --target = ri) COMP_CWORD=3
	_hx_build hx-build ri =
	printf "%s\n" "${COMPREPLY[@]}"
	EOF_O
	top_srcdir=$top_srcdir bash one.bash >got &&
	printf "%s\n" riscv64-gcc riscv64-gcc-rvv riscv64-clang >want &&
	test_cmp want got
'

test_done
