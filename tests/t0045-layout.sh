#!/bin/sh
# The layout of lib/ (lib/README): generic helpers include no area, and
# each area includes only lib/ and the areas before it; every global symbol
# carries its module's prefix, and something outside its module uses it;
# no two test scripts share a number.
. "$top_srcdir/tests/lib.sh"

# The areas, in their one-way order.
AREAS="rec stats report build offload trace emu sched gate"

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

# The libraries of lib/ as built, under the build tree DIR.
archives() {
	ls "$1"/lib/libhx.a "$1"/lib/*/libhx*.a 2>/dev/null
}

# The lead's modules, being rewritten (issue 9), keep these names for now:
# "MODULE: SYMBOL" patterns that check_prefixes and check_used let pass:
# hx_err's names follow err(3) and the xalloc family.
KNOWN='
hx_err: hx_usage_*
hx_err: hx_*warn*
hx_err: hx_x*
'

# known "MODULE: SYMBOL": whether the line is in the list above.
known() {
	echo "$KNOWN" | while read -r pattern; do
		case "$1" in $pattern) echo yes; break;; esac
	done | grep -q yes
}

# Print "MODULE: SYMBOL" for each global symbol of the archives under the
# build tree DIR that is neither MODULE nor MODULE_ followed by more.
check_prefixes() {
	for a in $(archives "$1"); do
		nm -A -g --defined-only "$a"
	done | awk '{
		n = split($1, f, ":"); m = f[n - 1]; sub(/\.o$/, "", m);
		s = $NF;
		if (s != m && index(s, m "_") != 1)
			print m ": " s
	}' | while read -r line; do
		known "$line" || echo "$line"
	done
}

# Print "MODULE: SYMBOL" for each global symbol of the archives under the
# build tree DIR that no other object (of lib/, cmd/ or tests/) refers to:
# dead, or to be made static.
check_used() {
	objects=$(find "$1/cmd" "$1/tests" -name "*.o" ! -path "*/trash.*")
	nm -A -u $(archives "$1") $objects | awk '{ print $NF }' |
		sort -u >used &&
	for a in $(archives "$1"); do
		nm -A -g --defined-only "$a"
	done | awk '{
		n = split($1, f, ":"); m = f[n - 1]; sub(/\.o$/, "", m);
		print $NF, m
	}' | sort >defined &&
	join -v 1 defined used | while read -r s m; do
		known "$m: $s" || echo "$m: $s"
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

# Calls only cmd/ makes: ending the program, and showing a diagnostic (with
# -k the record loop hands its warnings to the program's hook).
EXITS='(exit|_exit|abort|hx_err|hx_err_errno|hx_err_exit|hx_usage_error|hx_usage_uint|hx_err_close_stdout)'
PRINTS='(hx_warn|hx_warn_errno|hx_vwarn|hx_err_warn|perror)'

# lib_calls DIR NAMES [FILE...]: print each call in DIR/lib to one of
# NAMES (an ERE group), but in lib/hx_err.c, where the functions cmd/
# calls for it live, and in the FILEs.
lib_calls() {
	dir=$1 names=$2
	shift 2
	grep -nE "(^|[^_a-z])$names *\\(" "$dir"/lib/*.c "$dir"/lib/*/*.c |
	    sed "s|^$dir/||" | grep -v -e "^lib/hx_err.c:" $(for f in "$@"; do
	    printf -- "-e ^%s: " "$f"; done) | cat
}

test_expect_success 'library code never exits' '
	lib_calls "$top_srcdir" "$EXITS" >broken &&
	test_must_be_empty broken
'

# hx_repl's prompt and hx_report's summary still print: known, not moved.
test_expect_success 'library code never prints' '
	lib_calls "$top_srcdir" "$PRINTS" lib/hx_repl.c lib/gate/hx_report.c \
	    >broken &&
	test_must_be_empty broken
'

test_expect_success 'the checks find a library that exits or prints' '
	mkdir -p fake/lib/emu &&
	printf "void\nf(void)\n{\n\thx_warn(\"x\");\n\thx_err(4, \"no\");\n}\n" \
	    >fake/lib/emu/hx_x.c &&
	lib_calls fake "$EXITS" >broken &&
	grep "^lib/emu/hx_x.c:5:" broken &&
	lib_calls fake "$PRINTS" >broken &&
	grep "^lib/emu/hx_x.c:4:" broken
'

test_expect_success 'the libraries are built' '
	test -n "$(archives "$top_builddir")"
'

test_expect_success 'every global symbol of lib/ carries its module prefix' '
	check_prefixes "$top_builddir" >broken &&
	test_must_be_empty broken
'

test_expect_success 'every global symbol of lib/ is used outside its module' '
	check_used "$top_builddir" >unused &&
	test_must_be_empty unused
'

test_expect_success 'the checks find a stray prefix and an unused symbol' '
	mkdir -p fake/lib fake/cmd fake/tests &&
	printf "int hx_b_used(void) { return 1; }\nint hx_b_idle(void) { return 2; }\n" >hx_a.c &&
	printf "int hx_b_used(void);\nint main(void) { return hx_b_used(); }\n" >prog.c &&
	cc -c -o hx_a.o hx_a.c && cc -c -o fake/cmd/prog.o prog.c &&
	ar rc fake/lib/libhx.a hx_a.o &&
	check_prefixes fake >broken &&
	printf "hx_a: hx_b_idle\nhx_a: hx_b_used\n" >want &&
	test_cmp want broken &&
	check_used fake >unused &&
	echo "hx_a: hx_b_idle" >want &&
	test_cmp want unused
'

test_expect_success 'every test script has a number of its own' '
	find "$top_srcdir/tests" -name "trash.*" -prune -o -name "t[0-9]*.sh" \
	    -print | sed "s,.*/,," |
	    cut -c1-5 | sort | uniq -d >same &&
	test_must_be_empty same
'

test_done
