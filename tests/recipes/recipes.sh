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

tinyinfer_repo() {
	mkdir "$1" &&
	(cd "$top_srcdir/examples/tinyinfer" && git ls-files 2>/dev/null ||
	    find . -type f ! -path './hx-out/*' | sed 's|^\./||') |
	    (cd "$top_srcdir/examples/tinyinfer" && tar -cf - -T -) |
	    tar -C "$1" -xf - &&
	git -C "$1" init -q -b main &&
	git -C "$1" add -A &&
	git -C "$1" commit -q -m tinyinfer
}
