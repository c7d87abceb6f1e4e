#!/usr/bin/env bash
# A single-node Slurm on this machine, for tests and for trying the fleet scripts:
# munged + slurmctld + slurmd, all configured in one state directory (no file in /etc is used
# or changed), run as root.
#
# Usage: scripts/slurm/local-cluster.sh start|stop|status
#   FTWIN_SLURM_DIR   state directory (default /tmp/ftwin-slurm): slurm.conf, munge key and
#                     socket, spool, logs, pid files
#   FTWIN_SLURM_PORT  slurmctld port (default 6817); slurmd listens on the next one
#
# start   writes $FTWIN_SLURM_DIR/slurm.conf (one node = this machine, `nproc` CPUs, one default
#         partition `debug`, MpiDefault=pmix so that `srun -n R` starts R ranks of one MPI job),
#         a fresh munge key, starts the three daemons and waits until the node is idle. A
#         controller started here begins with an empty job queue (slurmctld -c). Idempotent:
#         when the daemons of this state directory already run, it only prints how to use them.
# stop    stops the daemons by the pids in their pid files (TERM, then KILL after 10 s).
# status  prints each daemon's state and `sinfo`; exit 0 when all three run, 3 otherwise.
# Exit status 2: missing binaries, not root, or a port already taken.
set -euo pipefail

D=${FTWIN_SLURM_DIR:-/tmp/ftwin-slurm}
PORT=${FTWIN_SLURM_PORT:-6817}
CONF=$D/slurm.conf
SOCK=$D/munge/run/munge.socket.2
NODE=$(hostname -s)
me="local-cluster.sh"

die() { echo "$me: error: $*" >&2; exit 2; }

# pid of a daemon from its pid file, printed only when that process still runs the expected
# program (a stale pid file whose number was reused by another process does not count).
live_pid() { # NAME PIDFILE
  local f=$2 p
  [ -s "$f" ] || return 1
  p=$(tr -dc '0-9' <"$f")
  [ -n "$p" ] && [ -r "/proc/$p/comm" ] && [ "$(cat "/proc/$p/comm")" = "$1" ] || return 1
  echo "$p"
}

need_binaries() {
  local missing=() b
  for b in munged munge unmunge slurmctld slurmd sinfo sbatch scontrol squeue; do
    command -v "$b" >/dev/null 2>&1 || [ -x "/usr/sbin/$b" ] || missing+=("$b")
  done
  [ ${#missing[@]} -eq 0 ] || die "missing ${missing[*]} (install with: scripts/setup-debian.sh --with-slurm)"
  [ "$(id -u)" -eq 0 ] || die "must run as root (the daemons run as root; munged as user munge), uid is $(id -u)"
  id munge >/dev/null 2>&1 || die "no user 'munge' (install the munge package: scripts/setup-debian.sh --with-slurm)"
}

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

usage_hint() {
  cat <<EOF
$me: Slurm runs on node $NODE (state in $D). To use it:
  export SLURM_CONF=$CONF
  sinfo; sbatch JOB.sbatch; squeue
  scripts/slurm/fleet-submit.sh MANIFEST DESIGN_CASE OUTDIR --wait
  $0 stop
EOF
}

write_config() {
  local cpus mem
  cpus=$(nproc)
  # RealMemory must not exceed what slurmd finds, or the node is refused: 90 % of MemTotal.
  mem=$(awk '/^MemTotal:/ {printf "%d", $2 / 1024 * 0.9}' /proc/meminfo)
  mkdir -p "$D/state" "$D/spool" "$D/log" "$D/munge/run"
  chmod a+x "$D"   # munged (user munge) reaches its folder $D/munge through it
  cat >"$CONF" <<EOF
# Written by scripts/slurm/local-cluster.sh: a single-node test cluster ($(date -u +%FT%TZ)).
ClusterName=ftwin-local
SlurmctldHost=$NODE(127.0.0.1)
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$SOCK
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
ReturnToService=2
MpiDefault=pmix
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool
SlurmctldPidFile=$D/slurmctld.pid
SlurmdPidFile=$D/slurmd.pid
SlurmctldLogFile=$D/log/slurmctld.log
SlurmdLogFile=$D/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
MinJobAge=600
KillWait=10
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF
}

start_munge() {
  if live_pid munged "$D/munge/munged.pid" >/dev/null; then return 0; fi
  # munged insists on a key and directories owned by its own user, not writable by others.
  if [ ! -s "$D/munge/munge.key" ]; then
    head -c 1024 /dev/urandom >"$D/munge/munge.key"
  fi
  chown -R munge:munge "$D/munge"
  chmod 0711 "$D/munge"   # the socket below must be reachable by root's clients (slurmctld, slurmd, srun)
  chmod 0755 "$D/munge/run"
  chmod 0400 "$D/munge/munge.key"
  # /tmp (sticky, world-writable) above the state directory fails munged's path check; --force
  # accepts it (the key itself is private to user munge).
  runuser -u munge -- munged --force --socket="$SOCK" --key-file="$D/munge/munge.key" \
    --pid-file="$D/munge/munged.pid" --log-file="$D/munge/munged.log" --seed-file="$D/munge/munged.seed" \
    || die "munged did not start (see $D/munge/munged.log)"
  for _ in $(seq 50); do
    munge -n -S "$SOCK" 2>/dev/null | unmunge -S "$SOCK" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  die "munge does not answer on $SOCK (see $D/munge/munged.log)"
}

start() {
  need_binaries
  local c d
  c=$(live_pid slurmctld "$D/slurmctld.pid" || true)
  d=$(live_pid slurmd "$D/slurmd.pid" || true)
  if [ -n "$c" ] && [ -n "$d" ] && live_pid munged "$D/munge/munged.pid" >/dev/null; then
    echo "$me: already running (slurmctld $c, slurmd $d)"
    usage_hint
    return 0
  fi
  if [ -z "$c" ] && [ -z "$d" ]; then
    port_taken "$PORT" && die "port $PORT is taken (another Slurm?); set FTWIN_SLURM_PORT to a free port"
    port_taken $((PORT + 1)) && die "port $((PORT + 1)) is taken (another slurmd?); set FTWIN_SLURM_PORT to a free port"
    write_config
  fi
  start_munge
  export SLURM_CONF=$CONF
  if [ -z "$c" ]; then
    /usr/sbin/slurmctld -c -f "$CONF" || die "slurmctld did not start (see $D/log/slurmctld.log)"
  fi
  if [ -z "$d" ]; then
    /usr/sbin/slurmd -f "$CONF" -N "$NODE" || die "slurmd did not start (see $D/log/slurmd.log)"
  fi
  # Wait until the node is idle (or mixed/allocated when jobs already run).
  local st=""
  for _ in $(seq 60); do
    st=$(sinfo -h -n "$NODE" -o %t 2>/dev/null || true)
    case "$st" in
      idle | mix | alloc) echo "$me: node $NODE is $st"; usage_hint; return 0 ;;
      down* | drain*) scontrol update nodename="$NODE" state=resume >/dev/null 2>&1 || true ;;
    esac
    sleep 0.5
  done
  die "node $NODE not idle after 30 s (state '$st'; see $D/log/slurmctld.log and $D/log/slurmd.log)"
}

stop_one() { # NAME PIDFILE
  local p
  p=$(live_pid "$1" "$2") || { echo "$me: $1 not running"; rm -f "$2"; return 0; }
  kill -TERM "$p"
  for _ in $(seq 50); do
    [ -d "/proc/$p" ] || { echo "$me: stopped $1 (pid $p)"; rm -f "$2"; return 0; }
    sleep 0.2
  done
  kill -KILL "$p" 2>/dev/null || true
  echo "$me: killed $1 (pid $p) after 10 s"
  rm -f "$2"
}

stop() {
  stop_one slurmd "$D/slurmd.pid"
  stop_one slurmctld "$D/slurmctld.pid"
  stop_one munged "$D/munge/munged.pid"
}

status() {
  local n=0 p name f
  for name in munged slurmctld slurmd; do
    f=$D/$name.pid
    [ "$name" = munged ] && f=$D/munge/munged.pid
    if p=$(live_pid "$name" "$f"); then
      echo "$me: $name running (pid $p)"
      n=$((n + 1))
    else
      echo "$me: $name not running"
    fi
  done
  if [ "$n" -eq 3 ]; then
    SLURM_CONF=$CONF sinfo || true
    usage_hint
    return 0
  fi
  return 3
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status   (state in \$FTWIN_SLURM_DIR, default /tmp/ftwin-slurm)" >&2; exit 2 ;;
esac
