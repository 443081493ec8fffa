#!/bin/sh
# hx-sched health --manifest: node governance.  Kernel modules made in
# the test (a relocatable object with a .modinfo section, one signed in
# the kernel's format with a throwaway key, one compressed with xz) are
# laid out under a fake modules root and /proc and /sys trees, read with
# kmod's modinfo and checked against pinned node manifests: a match is
# up, a difference quarantines the node with the reason until a check
# passes, and hx-sched plan places nothing on it.
. "$top_srcdir/tests/lib.sh"
require_program jq jq
require_program modinfo kmod
require_program depmod kmod
require_program objcopy binutils
require_program openssl openssl
require_program xz xz-utils
require_program gcc gcc

KVER=6.1.0-hx
MODS=mods/lib/modules/$KVER/kernel/drivers

# A module named $1 at $2: an empty object with the section modinfo reads.
make_module() {
	printf 'name=%s\0license=GPL\0vermagic=%s SMP mod_unload\0' "$1" \
	    "$KVER" >"$1.modinfo" &&
	echo "int $1_x;" >"$1.c" &&
	gcc -c "$1.c" -o "$1.o" &&
	objcopy --add-section .modinfo="$1.modinfo" \
	    --set-section-flags .modinfo=alloc,readonly "$1.o" "$2"
}

# Append to module $1 a PKCS#7 signature in the kernel's format: the
# blob, struct module_signature (id_type 2, PKCS#7; the blob's length
# big-endian in its last 4 bytes) and the magic string.
sign_module() {
	openssl cms -sign -binary -noattr -nocerts -md sha256 -outform DER \
	    -in "$1" -signer signer.pem -inkey signer.key -out "$1.p7s" &&
	n=$(wc -c <"$1.p7s") &&
	cat "$1.p7s" >>"$1" &&
	printf '\0\0\2\0\0\0\0\0' >>"$1" &&
	printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $((n >> 24 & 255)) \
	    $((n >> 16 & 255)) $((n >> 8 & 255)) $((n & 255)))" >>"$1" &&
	printf '~Module signature appended~\n' >>"$1"
}

sha() {
	sha256sum "$1" | cut -d" " -f1
}

health() {
	hx-sched health --inventory inv --proc proc --sys sys \
	    --modules-root mods --state st "$@" </dev/null
}

test_expect_success 'setup: modules, a modules root, /proc and /sys' '
	openssl req -new -x509 -newkey rsa:2048 -nodes -days 2 \
	    -subj "/CN=hx test signer" -keyout signer.key \
	    -out signer.pem 2>/dev/null &&
	mkdir -p $MODS proc/sys/kernel proc/driver/nvidia \
	    sys/class/dmi/id &&
	make_module hxdemo $MODS/hxdemo.ko &&
	make_module hxsig $MODS/hxsig.ko &&
	sign_module $MODS/hxsig.ko &&
	make_module hxzip hxzip.ko &&
	xz -c hxzip.ko >$MODS/hxzip.ko.xz &&
	depmod -b mods $KVER 2>/dev/null &&
	echo $KVER >proc/sys/kernel/osrelease &&
	echo "0.00 0.01 0.05 1/100 42" >proc/loadavg &&
	echo "NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.15  Tue Mar  5 22:23:56 UTC 2024" \
	    >proc/driver/nvidia/version &&
	echo 1.4.2 >sys/class/dmi/id/bios_version &&
	printf "%s\n" "hxdemo 16384 0 - Live 0x0000000000000000 (OE)" \
	    "hxsig 16384 0 - Live 0x0000000000000000" \
	    "hxzip 16384 0 - Live 0x0000000000000000" >proc/modules &&
	echo "{\"type\":\"node\",\"name\":\"hx1\",\"arch\":\"x86_64\",\"cpus\":2,\"memory_bytes\":1073741824,\"gpus\":0,\"state\":\"up\",\"backend\":\"local\"}" >inv &&
	DEMO=$(sha $MODS/hxdemo.ko) && SIG=$(sha $MODS/hxsig.ko) &&
	ZIP=$(sha $MODS/hxzip.ko.xz) &&
	cat >good.json <<-EOT &&
	{
	  "kernel": "$KVER",
	  "driver": "550.54.15",
	  "firmware": "1.4.2",
	  "modules": {
	    "hxdemo": "$DEMO",
	    "hxsig": "$SIG",
	    "hxzip": "$ZIP"
	  }
	}
	EOT
	echo "$DEMO $SIG $ZIP" >digests
'

test_expect_success 'kmod reads the crafted modules and the signature' '
	modinfo -F name $MODS/hxdemo.ko >actual &&
	echo hxdemo >want && test_cmp want actual &&
	modinfo -b mods -k $KVER -n hxzip >actual &&
	echo "$PWD/$MODS/hxzip.ko.xz" >want && test_cmp want actual &&
	modinfo -F signer $MODS/hxsig.ko >actual &&
	echo "hx test signer" >want && test_cmp want actual &&
	modinfo -F sig_id $MODS/hxsig.ko >actual &&
	echo "PKCS#7" >want && test_cmp want actual &&
	modinfo -F signer $MODS/hxdemo.ko >actual &&
	test_must_be_empty actual
'

test_expect_success 'all facts match the manifest: up, facts in the node record' '
	health --manifest good.json >out 2>err &&
	test_must_be_empty err &&
	jq -e -s "length == 1 and .[0].state == \"up\" and
	    .[0].health[-1].ok and (.[0] | has(\"reason\") | not)" out &&
	jq -c ".facts | [.kernel, .driver, .firmware, (.unknown // {})]" out >actual &&
	echo "[\"$KVER\",\"550.54.15\",\"1.4.2\",{}]" >want &&
	test_cmp want actual &&
	jq -r ".facts.modules[] | [.name, .sha256, .signed, .signer // \"-\", .sig_id // \"-\", .sig_hashalgo // \"-\"] | @tsv" out >actual &&
	set -- $(cat digests) &&
	printf "hxdemo\t%s\tfalse\t-\t-\t-\n" $1 >want &&
	printf "hxsig\t%s\ttrue\thx test signer\tPKCS#7\tsha256\n" $2 >>want &&
	printf "hxzip\t%s\tfalse\t-\t-\t-\n" $3 >>want &&
	test_cmp want actual &&
	jq -e ".facts.modules[2].file | endswith(\"/hxzip.ko.xz\")" out
'

test_expect_success 'a module whose digest differs quarantines the node' '
	set -- $(cat digests) &&
	sed "s/$1/$(printf %064d 0)/" good.json >digest.json &&
	health --manifest digest.json >out 2>err &&
	jq -e ".state == \"quarantined\" and (.health[-1].ok | not)" out &&
	jq -r .reason out >actual &&
	echo "module hxdemo: sha256 $1 is not the pinned $(printf %064d 0)" >want &&
	test_cmp want actual &&
	grep "^hx-sched: node hx1 quarantined: module hxdemo: sha256 $1 is not" err
'

test_expect_success 'hx-sched plan places nothing on the quarantined node' '
	echo "{\"type\":\"job\",\"name\":\"j\",\"argv\":[\"true\"],\"duration_ns\":1000}" >jobs &&
	health --manifest digest.json jobs 2>/dev/null >stream &&
	test_status 1 hx-sched plan --now 1 stream >out &&
	test "$(jq -s "map(select(.type == \"placement\")) | length" out)" = 0 &&
	jq -e "select(.type == \"error\") | .message | contains(\"no usable node\")" out
'

test_expect_success 'it stays quarantined in the health state without a manifest' '
	jq -e ".quarantine | startswith(\"module hxdemo: sha256\")" st/health/hx1.json &&
	health >out 2>err &&
	jq -e ".state == \"quarantined\" and (.reason | startswith(\"module hxdemo\"))" out
'

test_expect_success 'a later check that passes releases it' '
	health --manifest good.json >out 2>err &&
	jq -e ".state == \"up\" and (has(\"reason\") | not)" out &&
	grep "^hx-sched: node hx1 released from quarantine" err &&
	jq -e "has(\"quarantine\") | not" st/health/hx1.json
'

test_expect_success 'an unsigned module when signatures are required' '
	jq ". + {require_signed: true}" good.json >signed.json &&
	health --manifest signed.json >out 2>/dev/null &&
	jq -r "[.state, .reason] | @tsv" out >actual &&
	printf "quarantined\tmodule hxdemo is not signed; module hxzip is not signed\n" >want &&
	test_cmp want actual
'

test_expect_success 'a module signed by another signer' '
	jq ". + {signer: \"release key\"} | .modules |= {hxsig}" good.json |
	    jq ". + {unpinned_modules: \"allow\"}" >signer.json &&
	health --manifest signer.json >out 2>/dev/null &&
	jq -r .reason out >actual &&
	echo "module hxdemo is not signed; module hxsig is signed by \"hx test signer\", not \"release key\"; module hxzip is not signed" >want &&
	test_cmp want actual
'

test_expect_success 'kernel, driver and firmware mismatches, and module lists' '
	jq ". + {kernel: \"6.2.0\", driver: \"535.104\", firmware: \"2.0\"} |
	    .modules |= (del(.hxzip) + {nvidia: .hxdemo})" good.json >versions.json &&
	health --manifest versions.json >out 2>/dev/null &&
	jq -r .reason out | tr ";" "\n" | sed "s/^ //" >actual &&
	cat >want <<-EOT &&
	kernel $KVER is not the pinned 6.2.0
	driver 550.54.15 is not the pinned 535.104
	firmware 1.4.2 is not the pinned 2.0
	module hxzip is loaded but not pinned
	module nvidia is pinned but not loaded
	EOT
	test_cmp want actual
'

test_expect_success 'facts that cannot be read are unknown, not errors' '
	mkdir -p bare/proc bare/sys &&
	echo "0.00 0.01 0.05 1/100 42" >bare/proc/loadavg &&
	hx-sched health --inventory inv --proc bare/proc --sys bare/sys \
	    --state st2 --manifest versions.json </dev/null >out 2>/dev/null &&
	jq -e ".state == \"quarantined\" and (.facts.unknown.modules |
	    startswith(\"none loaded: bare/proc/modules: \")) and
	    (.facts.unknown | has(\"driver\") and has(\"firmware\"))" out &&
	jq -r .reason out | tr ";" "\n" | sed "s/^ //" | grep "^firmware is unknown (bare/sys/class/dmi/id/bios_version: No such file or directory), not the pinned 2.0$"
'

test_expect_success 'a bad manifest: exit 3 naming the line, nothing written' '
	printf "{\n  \"kernel\": \"6.1\",\n  \"modules\": {\"hxdemo\": \"abc\"}\n}\n" >bad.json &&
	test_status 3 health --manifest bad.json >out 2>err &&
	test_must_be_empty out &&
	grep "^hx-sched: bad.json:3:[0-9]*: modules/hxdemo: expected the sha256" err &&
	printf "{\n  \"kernel\": \"6.1\",\n  \"signed\": true\n}\n" >bad.json &&
	test_status 3 health --manifest bad.json >out 2>err &&
	grep "^hx-sched: bad.json:3:[0-9]*: signed: unknown member$" err &&
	printf "{\n  \"kernel\": 6\n" >bad.json &&
	test_status 3 health --manifest bad.json 2>err &&
	grep "^hx-sched: bad.json:3:" err &&
	test_status 4 health --manifest missing.json 2>err &&
	grep "^hx-sched: missing.json: No such file or directory$" err
'

test_expect_success 'this machine with a manifest that pins no module is up' '
	kernel=$(cat /proc/sys/kernel/osrelease) &&
	if test -s /proc/modules
	then
		echo "{\"kernel\":\"$kernel\",\"unpinned_modules\":\"allow\"}"
	else
		echo "{\"kernel\":\"$kernel\",\"modules\":{}}"
	fi >here.json &&
	hx-sched inventory --from local |
	    hx-sched health --state st3 --manifest here.json >out 2>err &&
	jq -e ".state == \"up\" and .facts.kernel == \"$kernel\"" out
'

test_expect_success 'the env record of hx doctor carries the node facts' '
	{ hx doctor >env 2>/dev/null || test $? = 4; } &&
	jq -e ".node.kernel == \"$(cat /proc/sys/kernel/osrelease)\" and
	    (.node.modules | type) == \"array\"" env
'

test_done
