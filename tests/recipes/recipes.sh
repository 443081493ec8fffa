# tests/recipes/recipes.sh: what the tests of hx nightly and hx release
# share, sourced after tests/lib.sh: the components they need, and
# tinyinfer_repo DIR, a git repository of examples/tinyinfer with one
# commit, its build products left out.

require_program riscv64-linux-gnu-gcc gcc-riscv64-linux-gnu
require_program qemu-riscv64 qemu-user
use_test_git
require_program jq jq
for p in hx-nightly hx-build hx-emu hx-sched hx-trace hx-offload hx-wcet \
    hx-gate; do
	test -x "$top_builddir/cmd/$p" || skip_all "$p is not built"
done

# tinyinfer_files: the files of tinyinfer, in its directory: those git
# tracks, or, in a tree git does not track (a release tarball unpacked,
# perhaps inside another repository), every file but build products.
tinyinfer_files() {
	files=$(git ls-files 2>/dev/null)
	if [ -n "$files" ]; then
		printf '%s\n' "$files"
	else
		find . -type f ! -path './hx-out/*' ! -path './gen/*' \
		    ! -name '*.o' ! -name '*.d' ! -name '*.a' | sed 's|^\./||'
	fi
}

tinyinfer_repo() {
	mkdir "$1" &&
	(cd "$top_srcdir/examples/tinyinfer" && tinyinfer_files) |
	    (cd "$top_srcdir/examples/tinyinfer" && tar -cf - -T -) |
	    tar -C "$1" -xf - &&
	git -C "$1" init -q -b main &&
	git -C "$1" add -A &&
	git -C "$1" commit -q -m tinyinfer
}
