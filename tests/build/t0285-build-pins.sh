#!/bin/sh
# Pinned data files (hx.json "pins"): hashed before every build and cache
# lookup, a mismatch or a missing file refused with exit 4 and nothing
# written, malformed pins refused with file and line, the pins in every
# artifact record and in the --bundle; tinyinfer's weights come from its
# pinned weights/mlp.bin.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/build/build-lib.sh"

make_repo repo || exit 1
PIN=$(sha256sum repo/weights/mlp.bin | cut -d" " -f1)

# with_pins DIR JSON: DIR/hx.json with "pins" set to JSON.
with_pins() {
	jq --argjson p "$2" '.pins = $p' repo/hx.json >"$1/hx.json"
}

test_expect_success 'tinyinfer pins its weights file' '
	test "$(jq -r ".pins[0].path" repo/hx.json)" = weights/mlp.bin &&
	test "$(jq -r ".pins[0].sha256" repo/hx.json)" = "$PIN"
'

test_expect_success 'pins accepted: every artifact record carries them' '
	hx-build -q -t riscv64-gcc -o ok-out repo >ok.rec &&
	test $(jq -s length ok.rec) -eq 6 &&
	test "$(jq -r .status ok.rec | sort -u)" = ok &&
	jq -c .pins ok.rec | sort -u >got &&
	printf "[{\"path\":\"weights/mlp.bin\",\"sha256\":\"%s\"}]\n" "$PIN" \
		>want &&
	test_cmp want got &&
	test "$(jq -r .project ok.rec | sort -u)" = . &&
	test -x ok-out/test_mlp
'

test_expect_success 'the weights header is made from the pinned file' '
	git clone -q repo other &&
	printf "\\177" | dd of=other/weights/mlp.bin bs=1 seek=5 \
		conv=notrunc 2>/dev/null &&
	with_pins other "[{\"path\": \"weights/mlp.bin\", \"sha256\":
		\"$(sha256sum other/weights/mlp.bin | cut -d" " -f1)\"}]" &&
	hx-build -q -t riscv64-gcc -o other-out other >other.rec &&
	test "$(field ok.rec test_conv sha256)" = \
		"$(field other.rec test_conv sha256)" &&
	test "$(field ok.rec test_mlp sha256)" != \
		"$(field other.rec test_mlp sha256)"
'

test_expect_success 'a changed weights file feeds what src/mlp.c feeds' '
	git clone -q repo unpinned &&
	jq "del(.pins)" repo/hx.json >unpinned/hx.json &&
	commit_all unpinned "no pins" &&
	cp other/weights/mlp.bin unpinned/weights/mlp.bin &&
	hx-build -q -t riscv64-gcc --changed-since HEAD -o unpinned-out \
		unpinned >sel.rec &&
	git -C unpinned checkout -q weights &&
	echo "/* a comment */" >>unpinned/src/mlp.c &&
	hx-build -q -t riscv64-gcc --changed-since HEAD -o unpinned-out \
		unpinned >mlp.rec &&
	jq -r "\"\(.name) \(.affected) \(.needs_timing)\"" mlp.rec >want &&
	jq -r "\"\(.name) \(.affected) \(.needs_timing)\"" sel.rec >got &&
	test_cmp want got &&
	test "$(field sel.rec test_mlp affected)" = true &&
	test "$(field sel.rec test_mlp needs_timing)" = true
'

test_expect_success 'a mismatch: exit 4, file and both digests, nothing written' '
	git clone -q repo bad &&
	printf "\\001" | dd of=bad/weights/mlp.bin bs=1 seek=3 conv=notrunc \
		2>/dev/null &&
	found=$(sha256sum bad/weights/mlp.bin | cut -d" " -f1) &&
	HX_CACHE_DIR=$TRASH/bad-cache test_status 4 \
		hx-build -t riscv64-gcc -o bad-out bad >out 2>err &&
	test_must_be_empty out &&
	echo "hx-build: bad/hx.json: pinned file weights/mlp.bin does not match its pin: pinned sha256 $PIN, found $found" >want &&
	test_cmp want err &&
	test ! -e bad-out && test ! -e "$TRASH/bad-cache"
'

test_expect_success 'a mismatch is refused where the cache has the entry' '
	hx-build -q -t riscv64-gcc -o hit-out repo >hit.rec &&
	test "$(jq -r .cache hit.rec | sort -u)" = hit &&
	cp bad/weights/mlp.bin repo/weights/mlp.bin &&
	test_status 4 hx-build -t riscv64-gcc -o hit-out repo >out 2>err &&
	test_must_be_empty out &&
	grep "pinned file weights/mlp.bin does not match its pin" err &&
	git -C repo checkout -q weights
'

# A writer that changes the pinned file after hx-build has checked it and
# before the copy the build reads: shim.so's mkdir(2), preloaded, changes
# weights/mlp.bin in the project when hx-build makes the staging
# directory's weights/, just before it copies the file in.  mkdir is not
# one of the calls the sanitizers intercept, so the shim also works in
# the sanitizer build.
cat >shim.c <<'EOF_SHIM'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int
mkdir(const char *path, mode_t mode)
{
	static int (*real)(const char *, mode_t);
	const char *source = getenv("SHIM_SOURCE");
	size_t n = strlen(path);
	FILE *f;

	if (real == NULL)
		real = (int (*)(const char *, mode_t))dlsym(RTLD_NEXT, "mkdir");
	if (source != NULL && strstr(path, "/hx-build.") != NULL &&
	    n > 8 && strcmp(path + n - 8, "/weights") == 0 &&
	    (f = fopen(source, "r+b")) != NULL) {
		fseek(f, 3, SEEK_SET);
		fputc(1, f);
		fclose(f);
	}
	return real(path, mode);
}
EOF_SHIM

test_expect_success 'a pinned file changed after the check is refused at staging' '
	cc -shared -fPIC -o shim.so shim.c -ldl &&
	git clone -q repo racy &&
	mkdir racy-tmp &&
	changed=$(sha256sum bad/weights/mlp.bin | cut -d" " -f1) &&
	SHIM_SOURCE=$TRASH/racy/weights/mlp.bin LD_PRELOAD=$TRASH/shim.so \
		ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
		TMPDIR=$TRASH/racy-tmp HX_CACHE_DIR=$TRASH/racy-cache \
		test_status 4 hx-build -t riscv64-gcc -o racy-out racy \
		>out 2>err &&
	test_must_be_empty out &&
	test "$(sha256sum racy/weights/mlp.bin | cut -d" " -f1)" = "$changed" &&
	grep "^hx-build: staging: .*/hx.json: pinned file weights/mlp.bin does not match its pin: pinned sha256 $PIN, found $changed\$" err &&
	test -z "$(ls -A racy-out)" &&
	test -z "$(ls -A racy-tmp)"
'

test_expect_success 'a missing pinned file: exit 4, named with its pin' '
	git clone -q repo gone &&
	rm gone/weights/mlp.bin &&
	test_status 4 hx-build -t riscv64-gcc -o gone-out gone >out 2>err &&
	test_must_be_empty out &&
	echo "hx-build: gone/hx.json: pinned file weights/mlp.bin: No such file or directory (pinned sha256 $PIN)" >want &&
	test_cmp want err &&
	test ! -e gone-out
'

test_expect_success 'a pinned link out of the project is refused' '
	git clone -q repo link &&
	cp repo/weights/mlp.bin outside.bin &&
	ln -sf "$TRASH/outside.bin" link/weights/mlp.bin &&
	test_status 4 hx-build -t riscv64-gcc -o link-out link >out 2>err &&
	test_must_be_empty out &&
	grep "pinned file weights/mlp.bin leads out of the project" err
'

test_expect_success 'a pinned file is an input without a matching pattern' '
	git clone -q repo narrow &&
	jq ".inputs = [\"Makefile\", \"include/**\", \"src/**\",
		\"tests/**\", \"bench/**\", \"tools/weights2h.sh\"]" \
		repo/hx.json >narrow/hx.json &&
	hx-build -q -t riscv64-gcc -o narrow-out narrow >narrow.rec &&
	test "$(field narrow.rec test_mlp sha256)" = \
		"$(field ok.rec test_mlp sha256)"
'

# bad_pins NAME PINS MESSAGE: a manifest whose pins, on its line 5, are
# PINS is malformed input, exit 3, named with the line and column of the
# value at fault.
bad_pins() {
	mkdir -p "$1" && cp -R repo/. "$1" &&
	cat >"$1/hx.json" <<-EOF_MANIFEST &&
	{
	  "name": "tinyinfer",
	  "build": ["make", "-j2"],
	  "outputs": [{ "name": "test_mlp", "path": "test_mlp" }],
	  "pins": $2
	}
	EOF_MANIFEST
	test_status 3 hx-build -t riscv64-gcc -o "$1-out" "$1" >out 2>err &&
	test_must_be_empty out &&
	echo "hx-build: $1/hx.json:$3" >want &&
	test_cmp want err &&
	test ! -e "$1-out"
}

test_expect_success 'bad pins: file, line and column, exit 3' '
	bad_pins p1 "[{\"path\": \"weights/mlp.bin\", \"sha256\": \"abc\"}]" \
		"5:50: sha256: expected 64 lowercase hexadecimal digits, not \"abc\"" &&
	bad_pins p2 "[{\"path\": \"../x\", \"sha256\": \"$PIN\"}]" \
		"5:21: path: a relative path that stays inside the project, not \"../x\"" &&
	bad_pins p3 "[{\"path\": \"/etc/passwd\", \"sha256\": \"$PIN\"}]" \
		"5:21: path: a relative path that stays inside the project, not \"/etc/passwd\"" &&
	bad_pins p4 "{\"path\": \"weights/mlp.bin\"}" \
		"5:11: pins: expected an array of objects" &&
	bad_pins p5 "[\"weights/mlp.bin\"]" \
		"5:12: pins: expected an object" &&
	bad_pins p6 "[{\"path\": \"weights/mlp.bin\"}]" \
		"5:12: sha256: missing (a string)" &&
	bad_pins p7 "[{\"path\": \"weights/mlp.bin\", \"sha\": \"$PIN\"}]" \
		"5:47: unknown key \"sha\"" &&
	bad_pins p8 "[{\"path\": \"weights/mlp.bin\", \"sha256\": \"$PIN\"}, {\"path\": \"weights/mlp.bin\", \"sha256\": \"$PIN\"}]" \
		"5:119: pins: the path \"weights/mlp.bin\" is pinned twice"
'

test_expect_success '--bundle holds the pins in build.json' '
	hx-build -q -t riscv64-gcc -o ok-out --bundle b.tar.gz repo >b.rec &&
	mkdir b && tar -xzf b.tar.gz -C b &&
	jq -c .pins b/build.json >got &&
	printf "[{\"path\":\"weights/mlp.bin\",\"sha256\":\"%s\"}]\n" "$PIN" \
		>want &&
	test_cmp want got &&
	(cd b && sha256sum -c --quiet SHA256SUMS)
'

test_done
