#!/bin/sh
# hx-build: cross builds with gcc and clang, the records, reproducibility,
# bundles, the clean environment, --print-env, CMake, --pin.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/build/build-lib.sh"

make_repo repo || exit 1

test_expect_success 'riscv64-gcc: one ok artifact record per declared output' '
	hx-build -t riscv64-gcc -o out repo >records 2>err &&
	test $(wc -l <records) -eq 6 &&
	jq -r .name records >names &&
	printf "%s\n" libtinyinfer test_requant test_dense test_conv \
		test_mlp bench_mlp >want &&
	test_cmp want names &&
	test "$(jq -r "select(.status != \"ok\" or .arch != \"riscv64\" or
		.target != \"riscv64-linux-gnu\" or .cache != \"miss\" or
		.type != \"artifact\") | .name" records)" = "" &&
	grep "cache: miss" err
'

test_expect_success 'records carry digests, sizes, paths, git and toolchain' '
	commit=$(git -C repo rev-parse HEAD) &&
	for name in $(jq -r .name records); do
		path=$(field records $name path) &&
		case $path in "$PWD/out/"*) ;; *) exit 1;; esac &&
		test "$(sha256sum <"$path" | cut -c1-64)" = \
			"$(field records $name sha256)" &&
		test "$(wc -c <"$path")" -eq "$(field records $name size)" &&
		test "$(field records $name commit)" = "$commit" &&
		test "$(field records $name dirty)" = false || exit 1
	done &&
	test "$(field records test_mlp toolchain.name)" = riscv64-gcc &&
	test "$(field records test_mlp toolchain.sysroot)" = "$SYSROOT" &&
	test "$(field records test_mlp toolchain.digest)" = \
		"$(jq -r .digest "$top_srcdir/toolchains/riscv64-gcc.json")" &&
	test "$(field records test_mlp toolchain.version)" = \
		"$(jq -r .version "$top_srcdir/toolchains/riscv64-gcc.json")" &&
	test "$(field records test_mlp "args | join(\" \")")" = "--samples 64" &&
	test "$(field records test_mlp env.TINYINFER_VERBOSE)" = 0 &&
	test "$(field records libtinyinfer kind)" = lib &&
	test "$(field records bench_mlp kind)" = exe &&
	test "$(field records test_conv kind)" = test &&
	test "$(field records test_conv "flags | join(\" \")")" = \
		"-march=rv64gc -mabi=lp64d -O2" &&
	recfilter -c artifact records >sorted && test_cmp records sorted
'

if have_qemu; then
	test_expect_success 'the riscv64 tests pass under QEMU; one speaks TAP' '
		for t in test_requant test_dense test_conv test_mlp; do
			run_riscv out/$t $(field records $t "(.args // []) | join(\" \")") \
				>$t.out || exit 1
		done &&
		grep "^1\.\.10$" test_requant.out &&
		grep "^ok 2 - 2.5 rounds to 3$" test_requant.out &&
		grep "checksum 65a9a7fc" test_mlp.out &&
		run_riscv out/bench_mlp 10 >bench.out &&
		grep "160 inferences" bench.out
	'
else
	test_skip_unless_required 'the riscv64 tests pass under QEMU' \
		'qemu-riscv64 is missing (Debian package qemu-user)'
fi

test_expect_success 'a wrong define (-F) builds a test that fails' '
	hx-build -q -t riscv64-gcc -F -DTINYINFER_WRONG_ROUNDING -o wrong \
		repo >wrong.rec &&
	test "$(field wrong.rec test_requant "flags[-1]")" = \
		-DTINYINFER_WRONG_ROUNDING &&
	test "$(field wrong.rec test_requant sha256)" != \
		"$(field records test_requant sha256)" &&
	if command -v qemu-riscv64 >/dev/null; then
		test_status 1 run_riscv wrong/test_requant >wrong.out &&
		grep "^not ok 2 - 2.5 rounds to 3$" wrong.out
	fi
'

test_expect_success 'stray host flags and variables do not reach the build' '
	CFLAGS=-DTINYINFER_WRONG_ROUNDING CPPFLAGS=-DTINYINFER_WRONG_ROUNDING \
	CPATH=/nonexistent MAKEFLAGS=-k LDFLAGS=-lnonexistent TZ=Asia/Tokyo \
	LC_ALL=fr_FR.UTF-8 \
		hx-build -q -t riscv64-gcc --no-cache -o clean repo >clean.rec &&
	sums records >want &&
	sums clean.rec >got &&
	test_cmp want got
'

test_expect_success 'the same commit in two directories: identical sha256' '
	git clone -q repo first &&
	mkdir -p deeper/path/for/the/second &&
	git clone -q repo deeper/path/for/the/second/copy &&
	hx-build -q -t riscv64-gcc --no-cache -o o1 first >r1 &&
	(cd deeper && hx-build -q -t riscv64-gcc --no-cache -o ../o2 \
		path/for/the/second/copy >../r2) &&
	sums r1 >s1 && sums r2 >s2 && test_cmp s1 s2 &&
	sums records >s0 && test_cmp s0 s1
'

test_expect_success '--check-repro: the example is reproducible' '
	hx-build -q -t riscv64-gcc --check-repro -o repro repo >repro.rec &&
	test "$(jq -r .reproducible repro.rec | sort -u)" = true
'

test_expect_success '--check-repro names the output that differs, exit 1' '
	cp -R "$FILES/build/nonrepro" nonrepro && chmod -R u+w nonrepro &&
	test_status 1 hx-build -t riscv64-gcc --check-repro -o nr \
		nonrepro >nr.rec 2>nr.err &&
	grep "not reproducible: where (where)" nr.err &&
	! grep "not reproducible: stable" nr.err &&
	test "$(field nr.rec where reproducible)" = false &&
	test "$(field nr.rec stable reproducible)" = true
'

test_expect_success '--bundle: two builds of one commit give identical bundles' '
	hx-build -q -t riscv64-gcc -o b1 --bundle b1.tar.gz first >/dev/null &&
	hx-build -q -t riscv64-gcc -o b2 --bundle b2.tar.gz \
		deeper/path/for/the/second/copy >/dev/null &&
	cmp b1.tar.gz b2.tar.gz &&
	tar tzf b1.tar.gz >list &&
	printf "%s\n" SHA256SUMS bench_mlp libtinyinfer.a test_conv \
		test_dense test_mlp test_requant >want &&
	test_cmp want list &&
	mkdir unpacked && tar xzf b1.tar.gz -C unpacked &&
	(cd unpacked && sha256sum -c --quiet SHA256SUMS) &&
	tar tvzf b1.tar.gz | grep -v " 0/0 " >owners;
	test ! -s owners
'

if command -v clang >/dev/null 2>&1; then
	test_expect_success 'riscv64-clang builds the example for riscv64' '
		hx-build -q -t riscv64-clang -o clang repo >clang.rec &&
		test "$(jq -r "select(.status == \"ok\" and .arch == \"riscv64\")
			| .name" clang.rec | wc -l)" -eq 6 &&
		test "$(field clang.rec test_mlp toolchain.name)" = riscv64-clang &&
		if have_qemu; then
			run_riscv clang/test_requant >clang.out &&
			run_riscv clang/test_mlp >>clang.out &&
			grep "checksum 65a9a7fc" clang.out
		fi
	'
else
	test_skip_unless_required 'riscv64-clang builds the example' \
		'clang is missing (Debian package clang)'
fi

test_expect_success 'host: the example builds and its tests run natively' '
	hx-build -q -t host -o host repo >host.rec &&
	test "$(field host.rec test_mlp arch)" = x86_64 &&
	test "$(field host.rec test_mlp toolchain.sysroot)" = null &&
	host/test_requant >host.out && host/test_mlp >>host.out &&
	grep "checksum 65a9a7fc" host.out
'

test_expect_success '--print-env: the fixed environment as shell exports' '
	CFLAGS=-DSTRAY hx-build -t riscv64-gcc --print-env repo >env.sh &&
	grep "^export CC=.riscv64-linux-gnu-gcc.$" env.sh &&
	grep "^export HOST=.riscv64-linux-gnu.$" env.sh &&
	grep "^export TZ=.UTC.$" env.sh &&
	grep "^export LC_ALL=.C.$" env.sh &&
	grep "^export SOURCE_DATE_EPOCH=.1717243200.$" env.sh &&
	grep "^export CFLAGS=.-march=rv64gc -mabi=lp64d -O2 -ffile-prefix-map=$PWD/repo=\..$" env.sh &&
	! grep STRAY env.sh &&
	(. ./env.sh && unset MAKEFLAGS MFLAGS MAKELEVEL &&
		make -s -C repo && make -s -C repo clean) >/dev/null
'

test_expect_success 'a SOURCE_DATE_EPOCH set by the caller wins over the commit time' '
	SOURCE_DATE_EPOCH=1700000000 hx-build -t riscv64-gcc --print-env \
		repo >env2.sh &&
	grep "^export SOURCE_DATE_EPOCH=.1700000000.$" env2.sh &&
	SOURCE_DATE_EPOCH= hx-build -t riscv64-gcc --print-env repo >env3.sh &&
	grep "^export SOURCE_DATE_EPOCH=.1717243200.$" env3.sh &&
	SOURCE_DATE_EPOCH=1700000000 hx-build -q -t riscv64-gcc -o b3 \
		--bundle b3.tar.gz first >/dev/null &&
	mkdir b3x && tar xzf b3.tar.gz -C b3x &&
	test "$(stat -c %Y b3x/SHA256SUMS b3x/test_mlp | sort -u)" = 1700000000
'

test_expect_success '--emit-cmake-toolchain writes a CMake toolchain file' '
	hx-build -t riscv64-gcc --emit-cmake-toolchain tc.cmake &&
	grep "^set(CMAKE_SYSTEM_PROCESSOR riscv64)$" tc.cmake &&
	grep "^set(CMAKE_C_COMPILER /.*riscv64-linux-gnu-gcc" tc.cmake &&
	grep "^set(CMAKE_FIND_ROOT_PATH $SYSROOT)$" tc.cmake &&
	hx-build -t riscv64-clang --emit-cmake-toolchain - >clang.cmake &&
	grep "^set(CMAKE_C_COMPILER_TARGET riscv64-linux-gnu)$" clang.cmake
'

if command -v cmake >/dev/null 2>&1; then
	test_expect_success 'CMake builds riscv64 code with the toolchain file' '
		mkdir -p cm/src &&
		cp repo/src/quant.c repo/include/tinyinfer.h cm/src/ &&
		printf "%s\n" "cmake_minimum_required(VERSION 3.13)" \
			"project(q C)" "add_library(q STATIC src/quant.c)" \
			>cm/CMakeLists.txt &&
		cmake -S cm -B cm/build -DCMAKE_TOOLCHAIN_FILE="$PWD/tc.cmake" \
			>cm.log 2>&1 &&
		cmake --build cm/build >>cm.log 2>&1 &&
		od -An -tx1 -j18 -N2 cm/build/CMakeFiles/q.dir/src/quant.c.o |
			grep -q "f3 00"
	'
else
	test_skip_unless_required 'CMake builds riscv64 code' \
		'cmake is missing (Debian package cmake)'
fi

test_expect_success 'autotools: configure gets --host for the target' '
	cp -R "$FILES/build/autotools" at && chmod -R u+w at &&
	hx-build -q -t riscv64-gcc -o at-out at >at.rec &&
	test "$(field at.rec hello arch)" = riscv64 &&
	if have_qemu; then
		run_riscv at-out/hello >at.out &&
		grep "^built for riscv64-linux-gnu$" at.out
	fi
'

test_expect_success 'staged inputs keep their times: no spurious rebuild rules' '
	mkdir -p gen &&
	printf "%s\n" "{\"name\": \"gen\", \"build\": [\"make\"]," \
		"\"inputs\": [\"Makefile\", \"gen.c\", \"gen.y\"]," \
		"\"outputs\": [{\"name\": \"gen\", \"path\": \"gen\", \"kind\": \"exe\"}]}" \
		>gen/hx.json &&
	printf "gen: gen.c\n\t\$(CC) \$(CFLAGS) -o \$@ gen.c\ngen.c: gen.y\n\tfalse\n" \
		>gen/Makefile &&
	echo "int main(void) { return 0; }" >gen/gen.c &&
	echo "%%" >gen/gen.y &&
	touch -d "2020-01-01 00:00:00" gen/gen.y &&
	touch -d "2021-01-01 00:00:00" gen/gen.c &&
	hx-build -q -t riscv64-gcc -o gen-out gen >gen.rec &&
	test "$(field gen.rec gen status)" = ok
'

if command -v cmake >/dev/null 2>&1; then
	test_expect_success 'cmake: the generated toolchain file reaches CMake' '
		cp -R "$FILES/build/cmake" cm2 && chmod -R u+w cm2 &&
		hx-build -q -t riscv64-clang -o cm2-out cm2 >cm2.rec &&
		test "$(field cm2.rec libquant arch)" = riscv64 &&
		test "$(field cm2.rec libquant kind)" = lib
	'
else
	test_skip_unless_required 'cmake: the toolchain file reaches CMake' \
		'cmake is missing (Debian package cmake)'
fi

test_expect_success '--pin writes what is installed: the shipped manifest' '
	hx-build -t riscv64-gcc --pin pinned.json &&
	jq -S . pinned.json >got &&
	jq -S . "$top_srcdir/toolchains/riscv64-gcc.json" >want &&
	test_cmp want got
'

test_done
