#!/bin/sh
# The layout of lib/ (lib/README): generic helpers include no area, and
# each area includes only lib/ and the areas before it.
. "$top_srcdir/tests/lib.sh"

# The areas, in their one-way order.
AREAS="rec stats report build emu gate"

rank() {
	r=0
	for a in $AREAS; do
		r=$((r + 1))
		[ "$a" = "$1" ] && { echo $r; return; }
	done
	echo 0
}

# Print "FILE: includes AREA/..." for every include that breaks the order.
check_order() {
	for f in "$top_srcdir"/lib/*.[ch] "$top_srcdir"/lib/*/*.[ch]; do
		dir=$(basename "$(dirname "$f")")
		[ "$dir" = lib ] && own=0 || own=$(rank "$dir")
		sed -n 's/^#include "\([a-z]*\)\/.*/\1/p' "$f" | sort -u |
		while read -r area; do
			r=$(rank "$area")
			if [ "$r" -eq 0 ] || [ "$r" -gt "$own" ]; then
				echo "${f#$top_srcdir/}: includes $area/"
			fi
		done
	done
}

test_expect_success 'every area is listed in lib/README' '
	for d in "$top_srcdir"/lib/*/; do
		a=$(basename "$d") &&
		grep -q "^    lib/$a/ " "$top_srcdir/lib/README" || {
			echo "lib/$a is not in lib/README"; exit 1; }
	done
'

test_expect_success 'includes follow the order of the areas' '
	check_order >broken &&
	test_must_be_empty broken
'

test_expect_success 'the check finds an include against the order' '
	mkdir -p fake/lib/rec &&
	printf "#include \"gate/hx_judge.h\"\n" >fake/lib/rec/hx_x.c &&
	( top_srcdir=$PWD/fake && check_order ) >broken &&
	grep "lib/rec/hx_x.c: includes gate/" broken
'

test_done
