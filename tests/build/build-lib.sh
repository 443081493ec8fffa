# tests/build/build-lib.sh: what the hx-build tests share, sourced after lib.sh.
#
# Each script builds copies of examples/tinyinfer in git repositories of
# its own, with a cache in its trash directory, never the user's.

require_program git git
require_program jq jq
require_program make make
require_program riscv64-linux-gnu-gcc gcc-riscv64-linux-gnu
require_riscv64_sysroot

SYSROOT=/usr/riscv64-linux-gnu
HX_CACHE_DIR="$TRASH/cache"
GIT_AUTHOR_NAME=hx GIT_AUTHOR_EMAIL=hx@example.org
GIT_COMMITTER_NAME=hx GIT_COMMITTER_EMAIL=hx@example.org
GIT_AUTHOR_DATE='2024-06-01T12:00:00Z' GIT_COMMITTER_DATE='2024-06-01T12:00:00Z'
export HX_CACHE_DIR GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME \
	GIT_COMMITTER_EMAIL GIT_AUTHOR_DATE GIT_COMMITTER_DATE
unset HX_TOOLCHAIN_DIR XDG_CACHE_HOME SOURCE_DATE_EPOCH

# make_repo DIR: a git repository holding tinyinfer, one commit.
make_repo() {
	cp -R "$top_srcdir/examples/tinyinfer" "$1" &&
	chmod -R u+w "$1" &&
	(cd "$1" && rm -f ./*.o ./*.a && git init -q && git add -A &&
		git commit -q -m tinyinfer)
}

# commit_all DIR MESSAGE
commit_all() {
	(cd "$1" && git add -A && git commit -q -m "$2")
}

# field RECORDS NAME FIELD: FIELD of the artifact NAME, as jq prints it.
field() {
	jq -r --arg n "$2" "select(.name == \$n) | .$3" "$1"
}

# sums RECORDS: "name sha256" lines, sorted.
sums() {
	jq -r '"\(.name) \(.sha256)"' "$1" | sort
}

# run_riscv PATH ARG...: run a riscv64 program under QEMU user mode.
run_riscv() {
	qemu-riscv64 -L "$SYSROOT" "$@"
}

have_qemu() {
	command -v qemu-riscv64 >/dev/null 2>&1
}

# wait_file FILE: wait until FILE exists (a minute at most).
wait_file() {
	n=0
	while [ ! -e "$1" ] && [ $n -lt 600 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	test -e "$1"
}
