#!/usr/bin/env bash
# Node screening (docs/fatigue.md "Node screening"): `ftwin fatigue` with fatigue.screening auto vs
# off on the example bracket (inputs/bracket, 29 792 P2 nodes) and on the same bracket meshed to
# ~105k P2 nodes (the mesh of bench/assim/run.sh), with the example's 4-hour history (14 400 steps,
# 3 channels), for the equivalent stresses named in EQS. Per run: nodes screened, wall time of the
# run, CPU time of the run (user + sys) and wall time of the counting (the "counted ... in X s" log line),
# the 1-minute load average before it;
# then a check that the two runs agree (damage bit-identical where counted, 0 where screened, and
# the unscreened damage 0 at every screened node).
#   bash bench/fatigue/screen_bench.sh              # needs build/bin/ftwin; BIG=0 skips the 105k mesh
# Knobs: FTWIN, RANKS (1), BIG (1), EQS ("max_principal signed_von_mises critical_plane"),
#        BIG_EQS ("max_principal signed_von_mises").
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
FTWIN=${FTWIN:-$root/build/bin/ftwin}
RANKS=${RANKS:-1}
BIG=${BIG:-1}
EQS=${EQS:-"max_principal signed_von_mises critical_plane"}
BIG_EQS=${BIG_EQS:-"max_principal signed_von_mises"}
work=$here/work/screen
mkdir -p "$work"
MPI=""; [ "$RANKS" -gt 1 ] && MPI="mpirun --allow-run-as-root --oversubscribe -n $RANKS"
report=$work/report-$(date -u +%Y%m%dT%H%M%SZ).txt

# case <name> <mesh> <equivalent> <screening>: a copy of inputs/bracket/case.yaml with absolute paths
mkcase() {
  "$PY" - "$root" "$work" "$@" <<'EOF'
import os, sys, yaml
root, work, name, mesh, eq, scr = sys.argv[1:7]
d = os.path.join(root, "inputs", "bracket")
c = yaml.safe_load(open(os.path.join(d, "case.yaml")))
c["mesh"]["file"] = mesh
for k in ("sensors", "calibration"):
    c.pop(k, None)
base = os.path.splitext(os.path.basename(mesh))[0]
c["output"]["file"] = os.path.join(work, base + "_basis.h5")
f = c["fatigue"]
f.update(basis=c["output"]["file"], history=os.path.join(d, f["history"]), output=os.path.join(work, name + ".h5"),
         equivalent_stress=eq, screening=scr)
yaml.safe_dump(c, open(os.path.join(work, name + ".yaml"), "w"), sort_keys=False)
EOF
}

agree() { # agree <auto.h5> <off.h5>
  "$PY" - "$@" <<'EOF'
import sys, h5py, numpy as np
a, o = (h5py.File(p, "r") for p in sys.argv[1:3])
da, do = a["/fatigue/damage"][...], o["/fatigue/damage"][...]
s = a["/fatigue/screened"][...].astype(bool)
same = np.array_equal(da[~s].view(np.int64), do[~s].view(np.int64))
print(f"   check: {s.sum()} of {s.size} screened ({100 * s.mean():.1f} %); zero damage when all counted: {(do == 0).sum()} "
      f"({100 * (do == 0).mean():.1f} %); counted bit-identical {same}; screened 0 in both {bool(np.all(da[s] == 0) and np.all(do[s] == 0))}")
sys.exit(0 if same and np.all(do[s] == 0) and np.all(da[s] == 0) else 1)
EOF
}

onerun() { # onerun <label> <case>: wall time, and the CPU time of the processes (user + sys, /usr/bin/time), which
           # time slices given to other jobs on a shared machine do not inflate
  local load t0 t1 log cpu
  load=$(cut -d' ' -f1 /proc/loadavg)
  log=$work/$1.log
  t0=$(date +%s.%N)
  /usr/bin/time -f "%U %S" -o "$work/$1.time" $MPI "$FTWIN" fatigue "$2" > "$log" 2>&1
  t1=$(date +%s.%N)
  cpu=$(awk '{print $1 + $2}' "$work/$1.time")
  printf '%-34s load %5s  wall %7.2f s  cpu %7.2f s  %s | %s\n' "$1" "$load" "$(echo "$t1 - $t0" | bc)" "$cpu" \
    "$(grep -o 'screened [0-9]* of [0-9]* nodes ([0-9.]* %\|screening off' "$log" | head -1)" \
    "$(grep -o 'counted [0-9]* nodes x [0-9]* steps in [0-9.]* s' "$log" | head -1)" | tee -a "$report"
}

bench_mesh() { # bench_mesh <mesh> <eqs>
  local mesh=$1 base
  base=$(basename "${mesh%.msh}")
  mkcase "${base}_run" "$mesh" max_principal auto
  if [ ! -f "$work/${base}_basis.h5" ]; then
    echo "== ftwin run $base (the basis)" | tee -a "$report"
    $MPI "$FTWIN" run "$work/${base}_run.yaml" -q
  fi
  for eq in $2; do
    for scr in off auto; do
      mkcase "${base}_${eq}_${scr}" "$mesh" "$eq" "$scr"
      onerun "${base}_${eq}_${scr}" "$work/${base}_${eq}_${scr}.yaml"
    done
    agree "$work/${base}_${eq}_auto.h5" "$work/${base}_${eq}_off.h5" | tee -a "$report"
  done
}

{
  echo "== $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), ranks $RANKS"
  echo "   ftwin $(cd "$root" && git rev-parse --short HEAD) ($FTWIN)"
} | tee -a "$report"
bench_mesh "$root/meshes/bracket.msh" "$EQS"
if [ "$BIG" = 1 ]; then
  [ -f "$work/bracket_100k.msh" ] || gmsh -3 -format msh41 -setnumber h 3.5 -setnumber hf 1.3 "$root/meshes/bracket.geo" \
    -o "$work/bracket_100k.msh" > "$work/gmsh.log"
  bench_mesh "$work/bracket_100k.msh" "$BIG_EQS"
fi
echo "report: $report"
