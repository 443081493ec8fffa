# tests/sched/slurm.sh: a single-host Slurm for the tests, sourced after
# tests/lib.sh.
#
# start_slurm [accounting] starts, under $TRASH/slurm, a private munged, an
# optional slurmdbd with its own mariadb, slurmctld and one slurmd per fake
# node, on loopback ports chosen free at run time, and waits until every
# node is idle; stop_slurm stops them again in the order Slurm wants
# (slurmd, slurmctld, slurmdbd, mariadb, munged).  start_slurm sets a trap
# so that they stop when the test exits, even when it fails.  Every Slurm
# command then finds the cluster through SLURM_CONF.
#
# The nodes:
#   rv1, rv2   riscv64 boards: Features=riscv64,rv64gcv,board=visionfive2
#   gpu1       an x86_64 host with NVLink and two H200s:
#              Features=x86_64,nvlink,driver=550.54 Gres=gpu:h200:2
#              (fake device nodes made with mknod; count-only gres leaves
#              the node INVAL)
#   x1         a plain x86_64 host
# Slurm sends every message of a client with the munge socket of
# AccountingStoragePass when it is set, and the default socket otherwise
# (AuthInfo only reaches the daemons), so accounting sets it too.
# With accounting, the accounts team-a (fairshare 30) and team-b (10)
# exist, and root is a user of both.
# The sockets (munged's, mariadb's and those slurmstepd makes in each
# node's spool directory) live in a short directory of their own under
# /tmp, removed by stop_slurm: a Unix socket path has at most 108 bytes,
# and a trash directory deep in a build tree (a CI clone, the sanitizer
# build) leaves too few of them.

SLURM_DIR=$TRASH/slurm
SLURM_RUN=
SLURM_NODES="rv1 rv2 gpu1 x1"
slurm_pids=

# require_slurm [accounting]: skip_all unless the Slurm daemons (and for
# accounting, slurmdbd and mariadb) are installed and we run as root, as
# slurmd must to start jobs as their user.
require_slurm() {
	require_program munged munge
	require_program slurmctld slurmctld
	require_program slurmd slurmd
	require_program sbatch slurm-client
	require_program jq jq
	require_program ss iproute2
	if [ "${1:-}" = accounting ]; then
		require_program slurmdbd slurmdbd
		require_program mariadbd mariadb-server
		require_program mariadb-install-db mariadb-server
	fi
	[ "$(id -u)" = 0 ] || skip_all "slurmd needs root"
}

# slurm_free_port: a TCP port nobody listens on now and that this harness
# has not handed out yet.
slurm_free_port() {
	local p
	while :; do
		p=$(( $(od -An -N2 -tu2 /dev/urandom) % 30000 + 20000 ))
		case " $slurm_ports " in *" $p "*) continue ;; esac
		[ -z "$(ss -Htan "( sport = :$p )")" ] || continue
		slurm_ports="$slurm_ports $p"
		echo "$p"
		return
	done
}

# slurm_wait WHAT COMMAND...: run COMMAND until it succeeds, up to a
# generous number of tries; a readiness poll, not a timing assertion.
slurm_wait() {
	local what=$1 tries=0
	shift
	while ! "$@" >/dev/null 2>&1; do
		tries=$((tries + 1))
		if [ $tries -ge 600 ]; then
			echo "slurm.sh: $what never became ready" >&2
			return 1
		fi
		sleep 0.1
	done
}

# slurm_start_munged: a munge key of our own and munged on a socket in a
# directory of mode 711 (munged refuses anything more open).
slurm_start_munged() {
	mkdir -p "$SLURM_DIR/munge"
	chmod 711 "$SLURM_DIR/munge" "$SLURM_RUN"
	dd if=/dev/urandom of="$SLURM_DIR/munge/munge.key" bs=1024 count=1 \
	    2>/dev/null
	chmod 400 "$SLURM_DIR/munge/munge.key"
	MUNGE_SOCKET=$SLURM_RUN/munge.socket
	munged --force --socket="$MUNGE_SOCKET" \
	    --key-file="$SLURM_DIR/munge/munge.key" \
	    --pid-file="$SLURM_DIR/munge/munged.pid" \
	    --log-file="$SLURM_DIR/munge/munged.log" \
	    --seed-file="$SLURM_DIR/munge/munged.seed" || return 1
	slurm_wait munged sh -c 'munge -n -S "$1" | unmunge -S "$1"' sh \
	    "$MUNGE_SOCKET"
}

# slurm_start_mariadb: a private mariadb on a unix socket (no TCP) with a
# slurm user that has a password.
slurm_start_mariadb() {
	local db=$SLURM_DIR/db
	mkdir -p "$db"
	mariadb-install-db --no-defaults --auth-root-authentication-method=normal \
	    --datadir="$db/data" --user=root --skip-test-db \
	    >"$db/install.log" 2>&1 || { cat "$db/install.log" >&2; return 1; }
	mariadbd --no-defaults --datadir="$db/data" --user=root \
	    --socket="$SLURM_RUN/mysqld.sock" --skip-networking \
	    --pid-file="$db/mysqld.pid" --log-error="$db/mysqld.log" \
	    --innodb-buffer-pool-size=16M --innodb-log-file-size=8M \
	    >"$db/mysqld.out" 2>&1 &
	slurm_pids="$! $slurm_pids"
	slurm_wait mariadb mariadb --no-defaults -S "$SLURM_RUN/mysqld.sock" -uroot \
	    -e 'select 1' || return 1
	mariadb --no-defaults -S "$SLURM_RUN/mysqld.sock" -uroot -e "
	    create user 'slurm'@'localhost' identified by 'hxslurm';
	    grant all on slurm_acct_db.* to 'slurm'@'localhost';"
}

# slurm_write_conf ACCOUNTING: slurm.conf, gres.conf and (with accounting)
# slurmdbd.conf.
slurm_write_conf() {
	local d=$SLURM_DIR n f
	mkdir -p "$d/dev" "$d/state" "$d/log"
	mknod "$d/dev/nvidia0" c 195 0 && mknod "$d/dev/nvidia1" c 195 1 ||
		return 1
	SLURM_CTLD_PORT=$(slurm_free_port)
	{
		echo "ClusterName=hx"
		echo "SlurmctldHost=localhost"
		echo "SlurmctldPort=$SLURM_CTLD_PORT"
		echo "SlurmUser=root"
		echo "SlurmdUser=root"
		echo "AuthType=auth/munge"
		echo "CredType=cred/munge"
		echo "AuthInfo=socket=$MUNGE_SOCKET"
		echo "StateSaveLocation=$d/state"
		echo "SlurmdSpoolDir=$SLURM_RUN/%n"
		echo "SlurmctldPidFile=$d/slurmctld.pid"
		echo "SlurmdPidFile=$d/slurmd-%n.pid"
		echo "SlurmctldLogFile=$d/log/slurmctld.log"
		echo "SlurmdLogFile=$d/log/slurmd-%n.log"
		echo "SlurmdParameters=config_overrides"
		echo "ProctrackType=proctrack/pgid"
		echo "TaskPlugin=task/none"
		echo "JobAcctGatherType=jobacct_gather/none"
		echo "MpiDefault=none"
		echo "ReturnToService=2"
		echo "SelectType=select/cons_tres"
		echo "SelectTypeParameters=CR_Core"
		echo "SchedulerType=sched/backfill"
		echo "SchedulerParameters=bf_interval=1"
		echo "GresTypes=gpu"
		echo "MinJobAge=600"
		echo "InactiveLimit=0"
		echo "KillWait=2"
		echo "MailProg=/bin/true"
		if [ "$1" = accounting ]; then
			echo "AccountingStorageType=accounting_storage/slurmdbd"
			echo "AccountingStorageHost=localhost"
			echo "AccountingStoragePort=$SLURM_DBD_PORT"
			echo "AccountingStoragePass=$MUNGE_SOCKET"
			echo "AccountingStorageEnforce=associations"
			echo "JobCompType=jobcomp/none"
			echo "PriorityType=priority/multifactor"
			echo "PriorityWeightFairshare=10000"
			echo "PriorityDecayHalfLife=1-0"
		fi
		for n in $SLURM_NODES; do
			case $n in
			rv*) f="Features=riscv64,rv64gcv,board=visionfive2" ;;
			gpu*) f="Features=x86_64,nvlink,driver=550.54"
			    f="$f Gres=gpu:h200:2" ;;
			*) f="Features=x86_64" ;;
			esac
			echo "NodeName=$n NodeHostname=localhost" \
			    "Port=$(slurm_free_port) CPUs=4 RealMemory=4096 $f"
		done
		echo "PartitionName=main Nodes=ALL Default=YES MaxTime=60" \
		    "State=UP"
		echo "PartitionName=high Nodes=ALL MaxTime=60 State=UP" \
		    "PriorityTier=10"
	} >"$d/slurm.conf"
	{
		echo "AutoDetect=off"
		echo "NodeName=gpu1 Name=gpu Type=h200 File=$d/dev/nvidia[0-1]"
	} >"$d/gres.conf"
	SLURM_CONF=$d/slurm.conf
	export SLURM_CONF
}

# slurm_start_slurmdbd: slurmdbd.conf (mode 600, owned by SlurmUser) and
# slurmdbd on its free port, against the private mariadb (whose socket the
# client library takes from MYSQL_UNIX_PORT: Slurm 22.05 has no option).
slurm_start_slurmdbd() {
	local d=$SLURM_DIR
	{
		echo "AuthType=auth/munge"
		echo "AuthInfo=socket=$MUNGE_SOCKET"
		echo "DbdHost=localhost"
		echo "DbdPort=$SLURM_DBD_PORT"
		echo "SlurmUser=root"
		echo "PidFile=$d/slurmdbd.pid"
		echo "LogFile=$d/log/slurmdbd.log"
		echo "StorageType=accounting_storage/mysql"
		echo "StorageHost=localhost"
		echo "StorageLoc=slurm_acct_db"
		echo "StorageUser=slurm"
		echo "StoragePass=hxslurm"
	} >"$d/slurmdbd.conf"
	chmod 600 "$d/slurmdbd.conf"
	MYSQL_UNIX_PORT=$SLURM_RUN/mysqld.sock SLURM_CONF=$d/slurm.conf slurmdbd -D >"$d/log/slurmdbd.out" 2>&1 &
	slurm_pids="$! $slurm_pids"
	slurm_wait slurmdbd timeout 10 sacctmgr -i list cluster
}

# slurm_add_accounts: the cluster, one account per team with its fair
# share, and root as a user of each.
slurm_add_accounts() {
	sacctmgr -i add cluster hx >/dev/null &&
	sacctmgr -i add account team-a fairshare=30 >/dev/null &&
	sacctmgr -i add account team-b fairshare=10 >/dev/null &&
	sacctmgr -i add user root account=team-a,team-b \
	    defaultaccount=team-a >/dev/null
}

# slurm_all_idle: every node reports idle.
slurm_all_idle() {
	local n
	sinfo -h -N -o '%N %T' >"$SLURM_DIR/sinfo.out" 2>/dev/null || return 1
	for n in $SLURM_NODES; do
		grep -qx "$n idle" "$SLURM_DIR/sinfo.out" || return 1
	done
}

# start_slurm [accounting]: the whole cluster, ready for jobs.
start_slurm() {
	local mode=${1:-plain} n
	slurm_ports=
	trap stop_slurm EXIT
	mkdir -p "$SLURM_DIR"
	SLURM_RUN=$(mktemp -d /tmp/hx-slurm.XXXXXX) || return 1
	slurm_start_munged || return 1
	if [ "$mode" = accounting ]; then
		SLURM_DBD_PORT=$(slurm_free_port)
		slurm_start_mariadb || return 1
	fi
	slurm_write_conf "$mode" || return 1
	if [ "$mode" = accounting ]; then
		slurm_start_slurmdbd && slurm_add_accounts || return 1
	fi
	slurmctld -D -i -f "$SLURM_CONF" >"$SLURM_DIR/log/slurmctld.out" 2>&1 &
	slurm_pids="$! $slurm_pids"
	slurm_wait slurmctld timeout 10 scontrol ping || return 1
	for n in $SLURM_NODES; do
		mkdir -p "$SLURM_RUN/$n"
		slurmd -D -N "$n" -f "$SLURM_CONF" \
		    >"$SLURM_DIR/log/slurmd-$n.out" 2>&1 &
		slurm_pids="$! $slurm_pids"
	done
	slurm_wait "the nodes" slurm_all_idle || {
		cat "$SLURM_DIR/sinfo.out" >&2
		return 1
	}
}

# slurm_stop_pid PID: TERM then wait for it to go.
slurm_stop_pid() {
	local tries=0
	kill "$1" 2>/dev/null || return 0
	while kill -0 "$1" 2>/dev/null && [ $tries -lt 300 ]; do
		sleep 0.1
		tries=$((tries + 1))
	done
	kill -KILL "$1" 2>/dev/null || :
	wait "$1" 2>/dev/null || :
}

# stop_slurm: everything start_slurm started, newest first: the slurmds,
# slurmctld, slurmdbd, mariadb, then munged.
stop_slurm() {
	local p
	for p in $slurm_pids; do
		slurm_stop_pid "$p"
	done
	slurm_pids=
	if [ -f "$SLURM_DIR/munge/munged.pid" ]; then
		slurm_stop_pid "$(cat "$SLURM_DIR/munge/munged.pid")"
		rm -f "$SLURM_DIR/munge/munged.pid"
	fi
	if [ -n "$SLURM_RUN" ]; then
		rm -rf "$SLURM_RUN"
		SLURM_RUN=
	fi
}

# slurm_job_states ID: the JobState of job ID, one line per component of a
# heterogeneous job.
slurm_job_states() {
	scontrol -o show job "$1" | tr ' ' '\n' | sed -n 's/^JobState=//p'
}

# slurm_job_done ID: every component of job ID is in a final state.
slurm_job_done() {
	local s states
	states=$(slurm_job_states "$1" 2>/dev/null)
	[ -n "$states" ] || return 1
	for s in $states; do
		case $s in
		COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY|\
		BOOT_FAIL|DEADLINE|PREEMPTED) ;;
		*) return 1 ;;
		esac
	done
}

# slurm_wait_job ID: wait until job ID has finished; prints its final
# state, one line per component.
slurm_wait_job() {
	slurm_wait "job $1" slurm_job_done "$1" && slurm_job_states "$1"
}
