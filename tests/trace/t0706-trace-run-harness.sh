#!/bin/sh
# hx-trace run --cpus, --rt, --env and --sysfs: the affinity and the
# scheduling the command really gets, as it sees them itself, the env
# record of the run, the baseline from a sysfs tree made for the test and
# from this machine's, and the usage errors.
. "$top_srcdir/tests/lib.sh"
require_program jq jq
require_program chrt util-linux
require_program setpriv util-linux
require_program prlimit util-linux
unset TRACEPARENT OTEL_SERVICE_NAME

# The last online CPU: pinning to it changes something on a machine of
# more than one.
CPU=$(($(getconf _NPROCESSORS_ONLN) - 1))

# CHRT: a command line that prints the policy and priority chrt -p gives
# for the shell that runs it, as "fifo 7" or "other 0".
CHRT='echo $(chrt -p $$ | sed -n "s/.*policy: SCHED_//p; s/.*priority: //p") |
	tr A-Z a-z'

test_expect_success '--cpus pins the command and what it starts' '
	hx-trace run --spans spans --cpus "$CPU" -- \
		sh -c "grep Cpus_allowed_list /proc/self/status" >out &&
	printf "Cpus_allowed_list:\t%s\n" "$CPU" >want &&
	test_cmp want out
'

test_expect_success 'without --cpus the command is not pinned' '
	grep Cpus_allowed_list /proc/self/status >want &&
	hx-trace run --spans spans -- \
		sh -c "grep Cpus_allowed_list /proc/self/status" >out &&
	test_cmp want out
'

test_expect_success '--env records the CPUs asked for and applied' '
	hx-trace run --spans spans --cpus "$CPU" --env env.json -- true &&
	test "$(jq -r .type env.json)" = env &&
	test "$(jq -r .program env.json)" = hx-trace &&
	test "$(jq -r .harness.cpus_requested env.json)" = "$CPU" &&
	test "$(jq -r .harness.cpus_applied env.json)" = "$CPU" &&
	test "$(jq -r ".harness | has(\"cpus_error\")" env.json)" = false &&
	jq -e ".components | length > 0" env.json >/dev/null
'

test_expect_success 'a CPU list the kernel refuses is a warning and a reason' '
	hx-trace run --spans spans --cpus 1000 --env env.json -- \
		sh -c "grep Cpus_allowed_list /proc/self/status" >out 2>err &&
	grep "hx-trace: cannot pin to CPUs 1000: Invalid argument" err &&
	test "$(jq -r .harness.cpus_error env.json)" = "Invalid argument" &&
	grep Cpus_allowed_list /proc/self/status >want &&
	test_cmp want out
'

for bad in "" x 1-x 3-1 1, ,1 1-2:0 99999; do
	test_expect_success "--cpus '$bad' is a usage error naming the option" "
		test_status 2 hx-trace run --spans spans --cpus '$bad' \
			-- touch ran 2>err &&
		grep -- '--cpus: expected a CPU list such as 0,2-3' err &&
		test ! -e ran
	"
done

test_expect_success 'taskset syntax: ranges, strides, lists' '
	hx-trace run --spans spans --cpus 0-6:2,1 --env env.json -- true &&
	test "$(jq -r .harness.cpus_requested env.json)" = 0-6:2,1
'

for bad in 0 100 x; do
	test_expect_success "--rt $bad is a usage error" "
		test_status 2 hx-trace run --spans spans --rt $bad -- touch ran \
			2>err &&
		grep -- '--rt' err && test ! -e ran
	"
done

test_expect_success '--rt: the record says what the command saw' '
	hx-trace run --spans spans --rt 7 --env env.json -- \
		sh -c "$CHRT" >saw 2>err &&
	jq -r ".harness.sched_granted | \"\(.policy) \(.priority)\"" \
		env.json >granted &&
	test_cmp granted saw &&
	test "$(jq -c .harness.sched_requested env.json)" = \
		"{\"policy\":\"fifo\",\"priority\":7}" &&
	if test "$(cat saw)" = "fifo 7"
	then
		test "$(jq -r ".harness | has(\"sched_reason\")" env.json)" = false
	else
		jq -r .harness.sched_reason env.json >reason &&
		grep "Operation not permitted" reason &&
		grep "no real-time scheduling (SCHED_FIFO priority 7)" err
	fi
'

# Without CAP_SYS_NICE and with RLIMIT_RTPRIO 0 the kernel refuses: run
# hx-trace so (setpriv drops the capability for root; anyone may lower
# the limit).
refused() {
	if test "$(id -u)" = 0
	then
		prlimit --rtprio=0 setpriv --inh-caps=-sys_nice \
			--bounding-set=-sys_nice "$@"
	else
		prlimit --rtprio=0 "$@"
	fi
}

test_expect_success 'real time refused: a warning, the reason, the run goes on' '
	refused hx-trace run --spans spans --rt 5 --env env.json -- \
		sh -c "$CHRT" >saw 2>err &&
	echo "other 0" >want &&
	test_cmp want saw &&
	grep "hx-trace: no real-time scheduling (SCHED_FIFO priority 5): Operation not permitted: RLIMIT_RTPRIO is 0 and the process lacks CAP_SYS_NICE" err &&
	test "$(jq -c .harness.sched_granted env.json)" = \
		"{\"policy\":\"other\",\"priority\":0}" &&
	jq -r .harness.sched_reason env.json >reason &&
	grep "^Operation not permitted: RLIMIT_RTPRIO is 0 and the process lacks CAP_SYS_NICE" reason &&
	test "$(jq -r .status spans | tail -n 1)" = ok
'

test_expect_success 'a sysfs tree with cpufreq and thermal zones gives the baseline' '
	cp -R "$FILES/harness/sysfs" sysfs &&
	hx-trace run --spans spans --sysfs sysfs --env env.json -- true \
		2>err &&
	jq -S ".harness | del(.cpus_applied, .sched_granted)" env.json >got &&
	test_cmp "$EXPECTED/trace/harness-sysfs.json" got &&
	printf "%s\n" \
		"hx-trace: cpu1: governor is powersave, not performance" \
		"hx-trace: CPU frequencies differ: 1200000 to 2400000 kHz" >want &&
	test_cmp want err
'

test_expect_success 'one governor, one frequency: no note' '
	echo performance >sysfs/devices/system/cpu/cpu1/cpufreq/scaling_governor &&
	echo 2400000 >sysfs/devices/system/cpu/cpu1/cpufreq/scaling_cur_freq &&
	hx-trace run --spans spans --sysfs sysfs --env env.json -- true \
		2>err &&
	test_must_be_empty err &&
	test "$(jq -c .harness.notes env.json)" = "[]"
'

test_expect_success 'a missing sysfs root: everything unknown, with the reason' '
	hx-trace run --spans spans --sysfs nowhere --env env.json -- true &&
	test "$(jq -r .harness.frequency_unknown env.json)" = \
		"nowhere/devices/system/cpu: No such file or directory" &&
	test "$(jq -r .harness.thermal_unknown env.json)" = \
		"nowhere/class/thermal: No such file or directory" &&
	test "$(jq -c ".harness.frequency, .harness.thermal" env.json)" = \
		"$(printf "[]\n[]")"
'

test_expect_success 'this machine: every fact known, or null with a reason' '
	hx-trace run --spans spans --env env.json -- true &&
	test "$(jq -r .harness.sysfs env.json)" = /sys &&
	jq -e ".harness.frequency | length > 0" env.json >/dev/null &&
	jq -e "[.harness.frequency[] | select((.governor == null or
		.cur_khz == null) and (.unknown | type) != \"string\")] ==
		[]" env.json >/dev/null &&
	jq -e "[.harness.thermal[] | select(.temp_mc == null and
		(.unknown | type) != \"string\")] == []" env.json >/dev/null &&
	jq -e "(.harness.thermal | length > 0) or
		(.harness.thermal_unknown | type) == \"string\"" env.json \
		>/dev/null
'

test_expect_success 'an env file that cannot be written fails before the command' '
	test_status 4 hx-trace run --spans spans --env no/such/env.json -- \
		touch ran 2>err &&
	grep "hx-trace: no/such/env.json" err &&
	test ! -e ran
'

test_done
