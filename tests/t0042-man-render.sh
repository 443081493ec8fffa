#!/bin/sh
# Every man page renders without a warning under both formatters people
# use: mandoc at its warning level, and groff's mdoc macros with every
# warning on (groff 1.22 drops a reference whose title starts with a
# macro name such as An, and eats the quotes in a .Ql argument).
. "$top_srcdir/tests/lib.sh"
require_program groff groff
require_program mandoc mandoc

for page in "$top_srcdir"/man/*.[1-9]; do
	name=$(basename "$page")
	test_expect_success "groff -mandoc -ww $name" "
		groff -mandoc -ww -z \"$page\" >out 2>&1;
		cat out && test_must_be_empty out
	"
	test_expect_success "mandoc -W warning $name" "
		mandoc -Tlint -W warning \"$page\" >out 2>&1;
		cat out && test_must_be_empty out
	"
done

test_expect_success 'the quotes of a .Ql argument reach the page' '
	for f in hx-policy.5 hx-build.1; do
		groff -mandoc -Tutf8 -P-cbou "$top_srcdir/man/$f" 2>&1 || return 1
	done >pages &&
	grep -F "unknown rule \"tests-passs\"" pages &&
	grep -F "\"system\": \"autotools\"" pages
'

test_expect_success 'the references of hx-wcet(1) reach the page' '
	groff -mandoc -Tutf8 -P-cbou "$top_srcdir/man/hx-wcet.1" 2>&1 |
		grep -F "Stuart Coles, An Introduction to Statistical Modeling"
'

test_done
