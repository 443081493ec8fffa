#!/bin/sh
# The cuda backend where CI runs, without a GPU: hx-offload --backend cuda
# stops with status 4 and the runtime's reason; configure --with-cuda:
# where it looks for the CUDA toolkit, what it does when told to use one
# that is not there, and a build without CUDA.  Its answers on a GPU are
# make check-gpu's (tests/gpu/).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/offload/service.sh"

if grep -q "^#define HX_HAVE_CUDA 1" "$top_builddir/config.h"; then
	# needed FILE: the libraries FILE needs, a name a line.
	needed() {
		readelf -d "$1" | sed -n "s/.*(NEEDED).*\[\(.*\)\]\$/\1/p"
	}

	test_expect_success 'hx-offload needs no CUDA library; its cuda plugin does' '
		needed "$top_builddir/cmd/hx-offload" >offload.needed &&
		grep "^libc\.so" offload.needed &&
		! grep -E "^lib(cublas|cudart)" offload.needed &&
		needed "$top_builddir/plugin/hx-offload-cuda.so" >plugin.needed &&
		grep "^libcublas\.so" plugin.needed &&
		grep "^libcudart\.so" plugin.needed
	'

	test_expect_success 'the cpu service maps no CUDA library' '
		start_service cpu --listen "unix:$PWD/cpu.sock" &&
		! grep -E "lib(cublas|cudart)" "/proc/$(cat cpu.pid)/maps" &&
		stop_service cpu
	'

	test_expect_success 'HX_CUDA_PLUGIN missing or not a plugin: exit 4, named' '
		HX_CUDA_PLUGIN=$PWD/none.so test_status 4 hx-offload \
			--backend cuda --listen "unix:$PWD/cuda.sock" >out 2>err &&
		test_must_be_empty out &&
		grep "^hx-offload: backend cuda: $PWD/none.so: cannot open shared object file: No such file or directory\$" err &&
		HX_CUDA_PLUGIN=$top_builddir/plugin/hx-insncount.so \
			test_status 4 hx-offload --backend cuda \
			--listen "unix:$PWD/cuda.sock" >out 2>err &&
		grep "^hx-offload: backend cuda: .*hx-insncount.so: " err &&
		! test -e cuda.sock
	'

	if test -e /dev/nvidiactl; then
		test_expect_success 'a GPU here: --backend cuda serves' '
			start_service cuda --backend cuda \
				--listen "unix:$PWD/cuda.sock" &&
			stop_service cuda
		'
	else
		test_expect_success 'no GPU here: --backend cuda exits 4 and says why' '
			test_status 4 hx-offload --backend cuda \
				--listen "unix:$PWD/cuda.sock" >out 2>err &&
			test_must_be_empty out &&
			grep "^hx-offload: backend cuda: no CUDA device: .* (error [0-9]*)\$" err &&
			! test -e cuda.sock
		'
	fi
else
	test_expect_success 'built without CUDA: --backend cuda exits 4' '
		test_status 4 hx-offload --backend cuda >out 2>err &&
		grep "^hx-offload: --backend cuda: not built with CUDA\$" err
	'
fi

# A copy of what configure and the generated Makefile read, so that both
# run here even when the source tree itself is configured.
mkdir -p src/lib/rec &&
cp -Rp "$top_srcdir/configure" "$top_srcdir/build-aux" \
	"$top_srcdir/Makefile.in" "$top_srcdir/config.h.in" \
	"$top_srcdir/Makefile.am" "$top_srcdir/configure.ac" \
	"$top_srcdir/aclocal.m4" "$top_srcdir/mk" src/ &&
cp "$top_srcdir/lib/rec/hx_rec.c" src/lib/rec/ && chmod -R u+w src || exit 1

# A stand-in toolkit: what configure checks for, and no more.
make_toolkit() {
	mkdir -p "$1/bin" "$1/include" "$1/lib64" &&
	printf '#!/bin/sh\nexit 1\n' >"$1/bin/nvcc" &&
	chmod +x "$1/bin/nvcc" &&
	: >"$1/include/cublas_v2.h" &&
	: >"$1/lib64/libcublas.so" &&
	: >"$1/lib64/libcudart.so"
}

test_expect_success '--without-cuda builds no cuda backend' '
	(cd src && ./configure --quiet --without-cuda) >out 2>err &&
	! grep "^#define HX_HAVE_CUDA" src/config.h &&
	grep "S\\[\"HX_HAVE_CUDA_TRUE\"\\]=\"#\"" src/config.status
'

test_expect_success 'make check-gpu then fails and says why' '
	test_status 2 make -C src check-gpu >out 2>err &&
	grep "check-gpu: hx was configured without CUDA" err
'

test_expect_success '--with-cuda=DIR without a toolkit there stops configure' '
	(cd src && test_status 1 ./configure --quiet \
		--with-cuda="$TRASH/none") >out 2>err &&
	grep "configure: error: --with-cuda: no nvcc, cuBLAS and CUDA runtime in .*/none" err
'

test_expect_success '--with-cuda=DIR takes the toolkit in DIR' '
	make_toolkit kit &&
	(cd src && ./configure --quiet --with-cuda="$TRASH/kit") \
		>out 2>err &&
	grep "^#define HX_HAVE_CUDA 1" src/config.h &&
	grep "^NVCC = $PWD/kit/bin/nvcc\$" src/Makefile &&
	grep "^CUDA_LIBS = -L$PWD/kit/lib64 -Wl,-rpath,$PWD/kit/lib64 -lcublas -lcudart\$" src/Makefile &&
	grep "^NVCC_ARCHFLAGS = -gencode arch=compute_90,code=sm_90 -gencode arch=compute_75,code=compute_75\$" src/Makefile
'

test_expect_success 'by default $CUDA_HOME comes first' '
	make_toolkit home &&
	(cd src && CUDA_HOME="$TRASH/home" ./configure --quiet) \
		>out 2>err &&
	grep "^NVCC = $PWD/home/bin/nvcc\$" src/Makefile
'

test_expect_success 'a half toolkit (no cuBLAS) is not taken' '
	make_toolkit half && rm half/lib64/libcublas.so &&
	(cd src && test_status 1 ./configure --quiet \
		--with-cuda="$TRASH/half") >out 2>err &&
	grep "no nvcc, cuBLAS and CUDA runtime in" err
'

test_done
