#!/bin/sh
# hx-build: the artifact cache: hits without the compiler, concurrent
# writers, damaged entries, LRU eviction with --cache-max.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/build/build-lib.sh"

make_repo repo || exit 1

# A make that only says it was run: a hit must not run the build.
mkdir fake
for p in make; do
	printf '#!/bin/sh\necho ran >>"%s/ran"\nexit 1\n' "$PWD" >fake/$p
	chmod +x fake/$p
done

# entries: the number of complete entries in the cache.
entries() {
	find "$HX_CACHE_DIR/build-v1" -mindepth 2 -maxdepth 2 -type d | wc -l
}

test_expect_success 'a first build is a miss and fills the cache' '
	hx-build -t riscv64-gcc -o o1 repo >miss.rec 2>miss.err &&
	grep "cache: miss" miss.err &&
	test "$(jq -r .cache miss.rec | sort -u)" = miss &&
	test $(entries) -eq 1
'

test_expect_success 'a rebuild restores the outputs without running the compiler' '
	PATH="$PWD/fake:$PATH" hx-build -t riscv64-gcc -o o2 repo \
		>hit.rec 2>hit.err &&
	test ! -e ran &&
	grep "cache: hit" hit.err &&
	test "$(jq -r .cache hit.rec | sort -u)" = hit &&
	sums miss.rec >want && sums hit.rec >got && test_cmp want got &&
	for f in libtinyinfer.a test_mlp bench_mlp; do
		cmp o1/$f o2/$f || exit 1
	done &&
	test -x o2/test_mlp
'

test_expect_success 'the fake compiler proves a miss would have run it' '
	echo "/* changed */" >>repo/src/conv.c &&
	PATH="$PWD/fake:$PATH" test_status 1 hx-build -q -t riscv64-gcc \
		-o o3 repo >fail.rec 2>/dev/null &&
	test -e ran && rm ran &&
	git -C repo checkout -q src/conv.c
'

test_expect_success 'a changed input is a miss; the old entry stays' '
	echo "/* a comment */" >>repo/src/dense.c &&
	hx-build -t riscv64-gcc -o o4 repo >changed.rec 2>changed.err &&
	grep "cache: miss" changed.err &&
	test "$(field changed.rec test_dense sha256)" != "$(field miss.rec test_dense sha256)" ||
	test "$(field changed.rec test_dense cache)" = miss &&
	test $(entries) -eq 2 &&
	git -C repo checkout -q src/dense.c &&
	hx-build -t riscv64-gcc -o o5 repo >back.rec 2>back.err &&
	grep "cache: hit" back.err
'

test_expect_success 'flags and the toolchain are part of the key' '
	hx-build -t riscv64-gcc -F -O1 -o o6 repo >/dev/null 2>o1.err &&
	grep "cache: miss" o1.err &&
	hx-build -t riscv64-clang -o o7 repo >/dev/null 2>clang.err &&
	grep "cache: miss" clang.err &&
	test $(entries) -eq 4
'

test_expect_success 'three concurrent builds sharing one cache' '
	HX_CACHE_DIR=$PWD/shared &&
	export HX_CACHE_DIR &&
	for i in 1 2 3; do
		hx-build -q -t riscv64-gcc -o c$i repo >c$i.rec 2>c$i.err &
	done &&
	wait &&
	for i in 1 2 3; do
		test $(wc -l <c$i.rec) -eq 6 &&
		test "$(jq -r .status c$i.rec | sort -u)" = ok || exit 1
	done &&
	sums c1.rec >s1 && sums c2.rec >s2 && sums c3.rec >s3 &&
	test_cmp s1 s2 && test_cmp s1 s3 &&
	test $(entries) -eq 1 &&
	test -z "$(ls shared/tmp)" &&
	hx-build -t riscv64-gcc -o c4 repo >c4.rec 2>c4.err &&
	grep "cache: hit" c4.err &&
	sums c4.rec >s4 && test_cmp s1 s4
'

test_expect_success 'concurrent hits and misses on one cache' '
	HX_CACHE_DIR=$PWD/shared && export HX_CACHE_DIR &&
	for i in 1 2 3 4; do
		hx-build -q -t riscv64-gcc -o d$i repo >d$i.rec &
	done &&
	{ hx-build -q -t riscv64-gcc -F -O1 -o d5 repo >d5.rec & } &&
	wait &&
	for i in 1 2 3 4; do
		sums d$i.rec >t$i && test_cmp s1 t$i || exit 1
	done &&
	test $(entries) -eq 2
'

test_expect_success 'a damaged entry is noticed and rebuilt' '
	HX_CACHE_DIR=$PWD/shared && export HX_CACHE_DIR &&
	entry=$(dirname $(find shared/build-v1 -name test_mlp -path "*files*" |
		head -1)) &&
	for f in $(find shared/build-v1 -path "*files/test_mlp"); do
		printf "garbage" >>$f
	done &&
	hx-build -t riscv64-gcc -o e1 repo >e1.rec 2>e1.err &&
	grep "damaged" e1.err &&
	sums e1.rec >t && test_cmp s1 t
'

test_expect_success 'the rebuild replaces a damaged entry: the next run hits' '
	HX_CACHE_DIR=$PWD/shared && export HX_CACHE_DIR &&
	hx-build -t riscv64-gcc -o e2 repo >e2.rec 2>e2.err &&
	grep "cache: hit" e2.err &&
	! grep "damaged" e2.err &&
	test "$(jq -r .cache e2.rec | sort -u)" = hit &&
	sums e2.rec >t && test_cmp s1 t &&
	test -z "$(find shared/tmp -mindepth 1)"
'

test_expect_success '--cache-max evicts the least recently used entry' '
	HX_CACHE_DIR=$PWD/lru && export HX_CACHE_DIR &&
	hx-build -q -t riscv64-gcc -o l1 repo >/dev/null &&
	size=$(find lru/build-v1 -type f -printf "%s\n" |
		awk "{ s += \$1 } END { print s }") &&
	hx-build -q -t riscv64-gcc -F -O1 -o l2 repo >/dev/null &&
	hx-build -t riscv64-gcc -o l3 repo >/dev/null 2>l3.err &&
	grep "cache: hit" l3.err &&
	hx-build -t riscv64-gcc -F -Os --cache-max $((size * 5 / 2)) -o l4 \
		repo >/dev/null 2>l4.err &&
	grep "cache: evicted 1 entry" l4.err &&
	test $(entries) -eq 2 &&
	hx-build -t riscv64-gcc -o l5 repo >/dev/null 2>l5.err &&
	grep "cache: hit" l5.err &&
	hx-build -t riscv64-gcc -F -O1 -o l6 repo >/dev/null 2>l6.err &&
	grep "cache: miss" l6.err
'

test_expect_success 'built in the project directory: hx-out is no input' '
	HX_CACHE_DIR=$PWD/inplace-cache && export HX_CACHE_DIR &&
	git clone -q repo inplace &&
	(cd inplace && hx-build -t riscv64-gcc >../p1.rec 2>../p1.err &&
		hx-build -t host >/dev/null 2>&1 &&
		hx-build -t riscv64-gcc >../p2.rec 2>../p2.err) &&
	grep "cache: miss" p1.err &&
	grep "cache: hit" p2.err &&
	test "$(field p2.rec test_mlp path)" = "$PWD/inplace/hx-out/riscv64-gcc/test_mlp"
'

test_expect_success '--no-cache neither reads nor writes it' '
	HX_CACHE_DIR=$PWD/none && export HX_CACHE_DIR &&
	hx-build -t riscv64-gcc --no-cache -o n1 repo >/dev/null 2>n1.err &&
	grep "cache: off" n1.err &&
	test ! -e none/build-v1
'

test_expect_success '--cache-max refuses a bad size' '
	test_status 2 hx-build -t riscv64-gcc --cache-max 12Q repo \
		>out 2>err &&
	test ! -s out &&
	grep "bad size 12Q" err
'

test_done
