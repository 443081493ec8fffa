#!/bin/sh
# hx-build's remote cache (--cache-url, HX_CACHE_URL) against Debian's
# nginx with WebDAV PUT on loopback: two builds in different directories
# share it, a damaged entry is rebuilt, a server that is down, dies
# mid-transfer or stalls gives a local build with a warning; a local hit
# the server lacks is uploaded to it.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/build/build-lib.sh"

require_program nginx nginx
require_program curl curl
require_program python3 python3

# free_port: a TCP port on 127.0.0.1 that nothing listens on just now.
free_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

PIDS=
trap 'for p in $PIDS; do kill $p 2>/dev/null; done' EXIT

# start_nginx: a WebDAV store in $TRASH/dav; sets URL.
start_nginx() {
	d=$TRASH/nginx
	mkdir -p "$d/body" "$d/tmp" "$TRASH/dav" || return 1
	port=$(free_port) || return 1
	cat >"$d/nginx.conf" <<-CONF
	daemon off;
	master_process off;
	pid $d/nginx.pid;
	error_log $d/error.log;
	events { }
	http {
		access_log off;
		client_body_temp_path $d/body;
		proxy_temp_path $d/tmp;
		fastcgi_temp_path $d/tmp;
		uwsgi_temp_path $d/tmp;
		scgi_temp_path $d/tmp;
		server {
			listen 127.0.0.1:$port;
			root $TRASH/dav;
			client_max_body_size 0;
			location / {
				dav_methods PUT DELETE MOVE;
				create_full_put_path on;
			}
		}
	}
	CONF
	nginx -p "$d" -e "$d/error.log" -c "$d/nginx.conf" >"$d/out" 2>&1 &
	NGINX=$!
	PIDS="$PIDS $NGINX"
	URL=http://127.0.0.1:$port
	until curl -s -o /dev/null "$URL/"; do
		kill -0 $NGINX 2>/dev/null || { cat "$d/error.log"; return 1; }
	done
}

# start_broken MODE: half-server.py in MODE; sets BROKEN_URL.
start_broken() {
	rm -f "$1.port"
	python3 "$FILES/build/half-server.py" "$1" "$PWD/$1.port" \
		>"$1.log" 2>&1 &
	PIDS="$PIDS $!"
	until test -s "$1.port"; do
		kill -0 $! 2>/dev/null || return 1
	done
	BROKEN_URL=http://127.0.0.1:$(cat "$1.port")
}

# A small project: a library and a program.
mkdir small && (cd small &&
	printf "int twice(int x) { return 2 * x; }\n" >twice.c &&
	printf "int twice(int);\nint main(void) { return twice(0); }\n" \
		>main.c &&
	printf "all: libtwice.a prog\nlibtwice.a: twice.o\n\t\$(AR) rc \$@ twice.o\nprog: main.c libtwice.a\n\t\$(CC) \$(CFLAGS) -o \$@ main.c libtwice.a\n" \
		>Makefile &&
	cat >hx.json <<-JSON &&
	{ "name": "small", "system": "make", "build": ["make"],
	  "outputs": [
	    { "name": "libtwice", "path": "libtwice.a", "kind": "lib" },
	    { "name": "prog", "path": "prog", "kind": "exe" } ] }
	JSON
	git init -q && git add -A && git commit -q -m small) || exit 1

# The servers start here, not in a test's subshell, so that the trap
# knows them and the tests see their URLs.
start_nginx || exit 1
start_broken half || exit 1
HALF_URL=$BROKEN_URL
start_broken stall || exit 1
STALL_URL=$BROKEN_URL

test_expect_success 'nginx with WebDAV answers on a free loopback port' '
	curl -sf -o /dev/null -T /dev/null "$URL/probe" &&
	test -f "$TRASH/dav/probe"
'

test_expect_success 'a build uploads its entry: ac/KEY and each output in cas/' '
	HX_CACHE_URL=$URL hx-build -t riscv64-gcc --cache-dir c1 -o o1 \
		small >one.rec 2>one.err &&
	grep "cache: miss" one.err &&
	test "$(jq -r .status one.rec | sort -u)" = ok &&
	key=$(ls c1/build-v1/*) &&
	test -f "$TRASH/dav/ac/$key" &&
	test "$(jq -r .key "$TRASH/dav/ac/$key")" = "$key" &&
	for s in $(jq -r .sha256 one.rec); do
		test "$(sha256sum <"$TRASH/dav/cas/$s" | cut -d" " -f1)" = "$s" ||
			exit 1
	done
'

test_expect_success 'a clone in another directory with another cache: remote hit' '
	git clone -q small small2 &&
	hx-build -t riscv64-gcc --cache-url "$URL" --cache-dir c2 -o o2 \
		small2 >two.rec 2>two.err &&
	grep "cache: remote hit .*, restored in" two.err &&
	test "$(jq -r .cache two.rec | sort -u)" = hit &&
	jq -r "[.name, .sha256] | @tsv" one.rec >want &&
	jq -r "[.name, .sha256] | @tsv" two.rec >got &&
	test_cmp want got &&
	cmp o1/prog o2/prog &&
	test -z "$(ls c2/tmp)"
'

test_expect_success 'a damaged remote output is not used: a warning and a build' '
	s=$(jq -r "select(.name == \"prog\") | .sha256" one.rec) &&
	printf "not an ELF\n" >"$TRASH/dav/cas/$s" &&
	HX_CACHE_URL=$URL hx-build -t riscv64-gcc --cache-dir c3 -o o3 \
		small >three.rec 2>three.err &&
	grep "^hx-build: cache: remote $URL/cas/$s is damaged (sha256 " \
		three.err &&
	grep "cache: miss .*, built in" three.err &&
	test "$(jq -r .status three.rec | sort -u)" = ok &&
	cmp o1/prog o3/prog &&
	test "$(sha256sum <"$TRASH/dav/cas/$s" | cut -d" " -f1)" = "$s"
'

test_expect_success 'a damaged remote meta.json is not used' '
	key=$(ls c1/build-v1/*) &&
	printf "{\"key\": \"other\"}\n" >"$TRASH/dav/ac/$key" &&
	HX_CACHE_URL=$URL hx-build -t riscv64-gcc --cache-dir c4 -o o4 \
		small >four.rec 2>four.err &&
	grep "^hx-build: cache: remote $URL/ac/$key is damaged; building locally\$" \
		four.err &&
	test "$(jq -r .key "$TRASH/dav/ac/$key")" = "$key"
'

test_expect_success 'a server that is down: a warning and a local build, exit 0' '
	down=http://127.0.0.1:$(free_port) &&
	HX_CACHE_URL=$down hx-build -t riscv64-gcc --cache-dir c5 -o o5 \
		small >five.rec 2>five.err &&
	grep "^hx-build: cache: remote $down/ac/.*; building locally\$" \
		five.err &&
	grep "^hx-build: cache: remote $down/cas/.*; entry not uploaded\$" \
		five.err &&
	test "$(jq -r .status five.rec | sort -u)" = ok &&
	cmp o1/prog o5/prog
'

test_expect_success 'a server that dies mid-transfer: a warning and a local build' '
	hx-build -t riscv64-gcc --cache-url "$HALF_URL" --cache-dir c6 \
		-o o6 small >six.rec 2>six.err &&
	grep "^hx-build: cache: remote $HALF_URL/ac/.*; building locally\$" \
		six.err &&
	test "$(jq -r .status six.rec | sort -u)" = ok &&
	test -z "$(ls c6/tmp)"
'

test_expect_success 'a server that never answers: --cache-timeout, a local build' '
	hx-build -t riscv64-gcc --cache-url "$STALL_URL" --cache-timeout 0.5 \
		--cache-dir c7 -o o7 small >seven.rec 2>seven.err &&
	grep "^hx-build: cache: remote $STALL_URL/ac/.*timed out.*; building locally\$" \
		seven.err &&
	test "$(jq -r .status seven.rec | sort -u)" = ok
'

test_expect_success 'a local hit the server lacks is uploaded' '
	key=$(ls c1/build-v1/*) &&
	rm -r "$TRASH/dav/ac" "$TRASH/dav/cas" &&
	HX_CACHE_URL=$URL hx-build -t riscv64-gcc --cache-dir c1 -o o8 \
		small >eight.rec 2>eight.err &&
	grep "cache: hit .*, restored in" eight.err &&
	! grep "remote" eight.err &&
	test "$(jq -r .cache eight.rec | sort -u)" = hit &&
	test "$(jq -r .key "$TRASH/dav/ac/$key")" = "$key" &&
	for s in $(jq -r .sha256 eight.rec); do
		test "$(sha256sum <"$TRASH/dav/cas/$s" | cut -d" " -f1)" = "$s" ||
			exit 1
	done &&
	rm -r c2 &&
	hx-build -t riscv64-gcc --cache-url "$URL" --cache-dir c2 -o o2 \
		small2 >two.rec 2>two.err &&
	grep "cache: remote hit .*, restored in" two.err
'

test_expect_success 'a local hit the server has is not uploaded again' '
	s=$(jq -r "select(.name == \"prog\") | .sha256" one.rec) &&
	printf "left as it is\n" >"$TRASH/dav/cas/$s" &&
	cp "$TRASH/dav/cas/$s" expect &&
	HX_CACHE_URL=$URL hx-build -t riscv64-gcc --cache-dir c1 -o o8 \
		small >nine.rec 2>nine.err &&
	grep "cache: hit .*, restored in" nine.err &&
	test_cmp expect "$TRASH/dav/cas/$s"
'

test_expect_success 'a local hit with the server down: a warning, still a hit' '
	down=http://127.0.0.1:$(free_port) &&
	HX_CACHE_URL=$down hx-build -t riscv64-gcc --cache-dir c1 -o o8 \
		small >ten.rec 2>ten.err &&
	grep "^hx-build: cache: remote $down/ac/.*; entry not uploaded\$" \
		ten.err &&
	test "$(jq -r .cache ten.rec | sort -u)" = hit
'

test_expect_success 'bad timeouts are usage errors' '
	test_status 2 hx-build -t riscv64-gcc --cache-timeout 0 small &&
	test_status 2 hx-build -t riscv64-gcc --cache-connect-timeout x small
'

test_done
