#!/bin/sh
# The TAP reader of hx-emu, through the C unit test tests/unit-tap.
. "$top_srcdir/tests/lib.sh"
exec "$top_builddir/tests/emu/unit-tap"
