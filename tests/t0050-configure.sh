#!/bin/sh
# configure stops with the Debian package to install when a library is
# missing.
. "$top_srcdir/tests/lib.sh"

# A copy of what configure reads, so that it runs here even when the source
# tree itself is configured (an in-tree build refuses a second one).
mkdir -p src/lib/rec
cp -R "$top_srcdir/configure" "$top_srcdir/build-aux" "$top_srcdir/Makefile.in" \
	"$top_srcdir/config.h.in" src/ &&
cp "$top_srcdir/lib/rec/hx_rec.c" src/lib/rec/ || exit 1

test_expect_success 'a missing jansson names libjansson-dev' '
	PKG_CONFIG_LIBDIR="$PWD/none" test_status 1 ./src/configure \
		--quiet >out 2>err &&
	grep "jansson >= 2.13 not found: install the Debian package libjansson-dev" err
'

test_expect_success 'a missing libgit2 names libgit2-dev' '
	mkdir pc &&
	for lib in jansson libarchive zlib; do
		cp "$(pkg-config --variable=pcfiledir $lib)/$lib.pc" pc/ || exit 1
	done &&
	PKG_CONFIG_LIBDIR="$PWD/pc" test_status 1 ./src/configure \
		--quiet >out 2>err &&
	grep "libgit2 >= 1.1 not found: install the Debian package libgit2-dev" err
'

test_done
