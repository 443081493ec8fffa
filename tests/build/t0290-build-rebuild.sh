#!/bin/sh
# hx-build --from-bundle: the proof bundle hx-gate wrote after hx-build |
# hx-emu | hx-wcet is rebuilt from its commit with the same toolchain,
# flags and pins, and every output compared byte for byte; an altered
# digest is named with exit 1, another toolchain digest and a dirty build
# are refused, and the temporary checkout goes on every way out.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/build/build-lib.sh"
require_program qemu-riscv64 qemu-user

make_repo repo || exit 1
mkdir -p tmp || exit 1
TMPDIR=$TRASH/tmp
export TMPDIR
cat >policy.json <<\EOF_POLICY || exit 1
{"name": "rebuild", "rules": [{"rule": "tests-pass"}]}
EOF_POLICY

# rewrite BUNDLE NEW JQ: NEW, BUNDLE with its records.jsonl through the jq
# program JQ (applied to each artifact record).
rewrite() {
	rm -rf unpacked && mkdir unpacked &&
	tar -xzf "$1" -C unpacked &&
	jq -c "if .type == \"artifact\" then $3 else . end" \
		unpacked/records.jsonl >records.new &&
	mv records.new unpacked/records.jsonl &&
	(cd unpacked && tar -czf "../$2" ./*)
}

test_expect_success 'hx-build | hx-emu | hx-wcet | hx-gate --bundle' '
	(cd repo && hx-build -q -t riscv64-gcc -o ../built . |
		hx-emu -j2 2>/dev/null | hx-wcet 2>/dev/null |
		hx-gate -q -p ../policy.json --bundle ../proof.tar.gz \
		>../gate.jsonl) &&
	tar -tzf proof.tar.gz >entries &&
	grep -x records.jsonl entries &&
	tar -xzOf proof.tar.gz records.jsonl |
		jq -r "select(.type == \"artifact\") | \"\(.name) \(.sha256)\"" |
		sort >bundle.sums &&
	test $(wc -l <bundle.sums) -eq 6
'

test_expect_success 'rebuilt from the bundle: every output byte-identical' '
	(cd repo && hx-build --from-bundle ../proof.tar.gz -o ../re \
		>../re.rec 2>../re.err) &&
	sums re.rec >got &&
	test_cmp bundle.sums got &&
	test "$(jq -r .reproducible re.rec | sort -u)" = true &&
	test "$(jq -r .cache re.rec | sort -u)" = miss &&
	test "$(jq -r .commit re.rec | sort -u)" = \
		"$(git -C repo rev-parse HEAD)" &&
	test "$(jq -r .dirty re.rec | sort -u)" = false &&
	test "$(jq -c .pins re.rec | sort -u)" = \
		"$(jq -c .pins repo/hx.json)" &&
	grep "rebuilt from ../proof.tar.gz at .*: 6 outputs, 0 differ" re.err &&
	cmp re/test_mlp built/test_mlp &&
	test -z "$(ls -A tmp)"
'

test_expect_success '--repo: the repository named from elsewhere' '
	hx-build -q --from-bundle proof.tar.gz --repo repo/src -o re2 \
		>re2.rec &&
	sums re2.rec >got &&
	test_cmp bundle.sums got
'

test_expect_success 'GIT_DIR of a hook: the clone is checked out, not the caller' '
	(cd repo && GIT_DIR=$PWD/.git GIT_WORK_TREE=$PWD \
		hx-build -q --from-bundle ../proof.tar.gz -o ../re6 >../re6.rec) &&
	sums re6.rec >got &&
	test_cmp bundle.sums got &&
	git -C repo symbolic-ref HEAD &&
	test -z "$(git -C repo status --porcelain)" &&
	test -z "$(ls -A tmp)"
'

test_expect_success 'an altered digest: exit 1 naming that output' '
	rewrite proof.tar.gz altered.tar.gz \
		"if .name == \"test_conv\" then .sha256 = \"$(printf %064d 0)\" else . end" &&
	test_status 1 hx-build --from-bundle altered.tar.gz --repo repo \
		-o re3 >re3.rec 2>re3.err &&
	grep "not reproduced: test_conv (test_conv): the bundle has 0\{64\}, the rebuild $(field re.rec test_conv sha256)" \
		re3.err &&
	test $(grep -c "not reproduced" re3.err) -eq 1 &&
	test "$(field re3.rec test_conv reproducible)" = false &&
	jq -r "select(.name != \"test_conv\") | .reproducible" re3.rec |
		sort -u >got &&
	echo true >want && test_cmp want got &&
	test -z "$(ls -A tmp)"
'

test_expect_success 'another toolchain digest: exit 4 naming both' '
	other=$(printf %064d 1) &&
	rewrite proof.tar.gz othertc.tar.gz ".toolchain.digest = \"$other\"" &&
	test_status 4 hx-build --from-bundle othertc.tar.gz --repo repo \
		-o re4 >re4.rec 2>re4.err &&
	test_must_be_empty re4.rec &&
	mine=$(jq -r .digest "$top_srcdir/toolchains/riscv64-gcc.json") &&
	echo "hx-build: othertc.tar.gz: toolchain riscv64-gcc differs from the bundle'"'"'s: its digest is $mine, the bundle was built with $other" >want &&
	test_cmp want re4.err &&
	test ! -e re4 &&
	test -z "$(ls -A tmp)"
'

test_expect_success 'a dirty build in the bundle is refused' '
	git clone -q repo dirty &&
	echo "/* local */" >>dirty/src/conv.c &&
	(cd dirty && hx-build -q -t riscv64-gcc -o ../dout . |
		hx-gate -q -p ../policy.json --bundle ../dirty.tar.gz \
		>/dev/null) ;	# rejected: no tests
	test -s dirty.tar.gz &&
	test_status 3 hx-build --from-bundle dirty.tar.gz --repo dirty \
		>out 2>err &&
	test_must_be_empty out &&
	grep "records.jsonl:1: libtinyinfer: built from a dirty tree (changes not committed to $(git -C dirty rev-parse HEAD)): it cannot be rebuilt" err &&
	test -z "$(ls -A tmp)"
'

test_expect_success 'a commit the repository lacks: exit 4' '
	mkdir elsewhere && git -C elsewhere init -q &&
	echo x >elsewhere/x && commit_all elsewhere x &&
	test_status 4 hx-build --from-bundle proof.tar.gz --repo elsewhere \
		>out 2>err &&
	test_must_be_empty out &&
	grep "the bundle'"'"'s commit $(git -C repo rev-parse HEAD) is not in the repository" err &&
	test -z "$(ls -A tmp)"
'

test_expect_success 'a bundle of hx-build --bundle: its build.json' '
	hx-build -q -t riscv64-gcc -o bout --bundle own.tar.gz repo >own.rec &&
	hx-build -q --from-bundle own.tar.gz --repo repo -o re5 >re5.rec &&
	test "$(jq -r .reproducible re5.rec | sort -u)" = true
'

test_expect_success 'no records, or no artifact: exit 3' '
	printf "{}\n" >empty.json &&
	tar -czf none.tar.gz empty.json &&
	test_status 3 hx-build --from-bundle none.tar.gz --repo repo \
		>out 2>err &&
	grep "neither records.jsonl nor build.json" err &&
	rewrite proof.tar.gz noart.tar.gz "{type: \"note\"}" &&
	test_status 3 hx-build --from-bundle noart.tar.gz --repo repo \
		>out 2>err &&
	grep "no artifact in the bundle" err
'

test_expect_success 'a link in the bundle for its records: exit 3' '
	tar -xzOf proof.tar.gz records.jsonl >outside.jsonl &&
	ln -s "$TRASH/outside.jsonl" records.jsonl &&
	tar -czf linked.tar.gz records.jsonl &&
	rm records.jsonl &&
	test_status 3 hx-build --from-bundle linked.tar.gz --repo repo \
		-o re5 >out 2>err &&
	grep "linked.tar.gz: records.jsonl is not a regular file" err &&
	test_must_be_empty out &&
	test -z "$(ls -A tmp)"
'

test_expect_success 'a project directory outside the repository: exit 3' '
	rewrite proof.tar.gz escape.tar.gz ".project = \"../elsewhere\"" &&
	test_status 3 hx-build --from-bundle escape.tar.gz --repo repo \
		>out 2>err &&
	grep "project ../elsewhere is not a directory inside the repository" \
		err &&
	test -z "$(ls -A tmp)"
'

test_expect_success '--from-bundle excludes -t, -F and a project' '
	test_status 2 hx-build --from-bundle proof.tar.gz -t riscv64-gcc &&
	test_status 2 hx-build --from-bundle proof.tar.gz -F -O0 &&
	test_status 2 hx-build --from-bundle proof.tar.gz repo &&
	test_status 2 hx-build -t riscv64-gcc --repo repo repo
'

# The build step waits when a file says so: the rebuild's step is the
# readiness marker, and SIGTERM then must leave no checkout behind.  With
# no test records the gate rejects, and writes the bundle all the same.
test_expect_success 'SIGTERM during the rebuild: 143, the checkout removed' '
	git clone -q repo slow &&
	jq --arg d "$TRASH" ".build = [\"sh\", \"-c\",
		\"if [ -e \(\$d)/block ]; then touch \(\$d)/started; exec sleep 1000; fi; exec make -j2\"]" \
		repo/hx.json >slow/hx.json &&
	commit_all slow "slow build" &&
	(cd slow && hx-build -q -t riscv64-gcc -o ../sout . |
		hx-gate -q -p ../policy.json --bundle ../slow.tar.gz \
		>/dev/null) ;
	test -s slow.tar.gz &&
	touch block &&
	{ hx-build -q --from-bundle slow.tar.gz --repo slow -o re6 \
		>out 2>err & } &&
	pid=$! &&
	{ wait_file started || { kill $pid; false; }; } &&
	test -d "$(ls -d tmp/hx-build-rebuild.*)" &&
	kill -s TERM $pid && { wait $pid; test $? -eq 143; } &&
	test -z "$(ls -A tmp)"
'

test_done
