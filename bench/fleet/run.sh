#!/usr/bin/env bash
# Fleet benchmark (issue: fleets on Slurm): one design basis (`ftwin basis`), then N asset runs
# (`ftwin asset`, commissioning) of H hours of 1 Hz data each, timed by phase, two at a time on
# one rank each. Prints per asset: FE solves, the phases ftwin reports, the counting time
# ("fatigue: counted ... in X s") and everything else as a share of the basis's time.
#   bash bench/fleet/run.sh [N_ASSETS] [HOURS]      # defaults 100 168: the issue's fleet (100 x 1 week)
# Needs build/bin/ftwin (scripts/build.sh). Design: the coarse bracket of tests/assim/twin.yaml;
# three truths inside the 2 % linear range (E, alpha, h within +-1.5 %), one noise seed per asset.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
FTWIN=${FTWIN:-$root/build/bin/ftwin}
N=${1:-100}
H=${2:-168}
MPI="mpirun --allow-run-as-root --oversubscribe"
w=$here/work_${N}x${H}h
mkdir -p "$w/logs"
cd "$w"
echo "== $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'); $N assets x $H h of 1 Hz data"
"$PY" - "$root" "$w" <<'PYEOF'
import os, sys, yaml
root, w = sys.argv[1], sys.argv[2]
c = yaml.safe_load(open(os.path.join(root, "tests", "assim", "twin.yaml")))
c["mesh"]["file"] = os.path.join(root, "meshes", "bracket_coarse.msh")
c["output"]["file"] = f"{w}/basis.h5"
c["fatigue"].update(basis=f"{w}/basis.h5", history=f"{w}/history.csv", output=f"{w}/unused.h5")
c["sensors"]["data"] = f"{w}/data/asset.csv"
c["calibration"]["output"] = f"{w}/assets/asset.h5"
yaml.safe_dump(c, open(f"{w}/design.yaml", "w"), sort_keys=False)
PYEOF
mkdir -p data assets truth
[ -f history.csv ] || "$PY" "$root/scripts/make_example_history.py" history.csv "$H" > /dev/null
tb0=$(date +%s.%N)
$MPI -n 2 "$FTWIN" basis design.yaml > logs/basis.log
tb1=$(date +%s.%N)
t_basis=$(echo "$tb1 - $tb0" | bc -l)
grep -E "^basis" logs/basis.log || true
echo "basis: wall ${t_basis} s (2 ranks, process start to end)"
# three truths
for v in 0 1 2; do
  if [ ! -f truth/t$v.h5 ]; then
    e=$(echo "0.985 + 0.015 * $v" | bc -l); a=$(echo "1.015 - 0.015 * $v" | bc -l); hh=$(echo "0.99 + 0.01 * $v" | bc -l)
    "$PY" "$root/scripts/make_sensor_data.py" truth-case design.yaml --set E_body=$e --set alpha_body=$a --set h_air=$hh \
      --results "$w/truth/t$v.h5" -o truth/t$v.yaml > /dev/null
    $MPI -n 2 "$FTWIN" run truth/t$v.yaml -q
  fi
done
one() { # asset index
  local i=$1 id; id=$(printf "a%03d" "$1")
  [ -f "data/$id.csv" ] || "$PY" "$root/scripts/make_sensor_data.py" data design.yaml --results "$w/truth/t$((i % 3)).h5" \
    --truth-case "truth/t$((i % 3)).yaml" --history history.csv --faults 0.05 --seed "$((i + 1))" -o "data/$id.csv" > /dev/null
  rm -f "assets/$id.h5"
  sed "s|$w/data/asset.csv|$w/data/$id.csv|; s|$w/assets/asset.h5|$w/assets/$id.h5|" design.yaml > "data/$id.yaml"
  local t0 t1; t0=$(date +%s.%N)
  "$FTWIN" asset "data/$id.yaml" --basis basis.h5 > "logs/$id.log" 2>&1
  t1=$(date +%s.%N)
  echo "wall $(echo "$t1 - $t0" | bc -l)" >> "logs/$id.log"
}
export -f one; export w root PY FTWIN
seq 0 $((N - 1)) | xargs -P 2 -I{} bash -c 'one {}'
"$PY" - "$w" "$t_basis" "$N" <<'PYEOF'
import re, sys
w, t_basis, n = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
rows = []
for i in range(n):
    log = open(f"{w}/logs/a{i:03d}.log").read()
    ph = re.search(r"phases \[s\]: (.*)", log).group(1)
    num = lambda key: float(re.search(key + r" ([0-9.eE+-]+)", ph).group(1))
    solves = int(re.search(r"FE solves (\d+)", ph).group(1))
    m = re.search(r"fatigue: counted (\d+) nodes x (\d+) steps in ([0-9.]+) s", log)
    count = float(m.group(3)); nodes, steps = int(m.group(1)), int(m.group(2))
    wall = float(re.search(r"^wall ([0-9.]+)", log, re.M).group(1))
    total = num("total")
    rows.append((i, solves, num(r"data \(read, clean, resample\)"), num("loads \(identification, checks\)"), count, num("life band"),
                 num(r"writing /calibration"), total, wall, nodes, steps))
# "other": the process's wall time less the counting of the nominal history and of the life band's
# ensemble (both rainflow counting): start-up, reading the basis, data, fit, loads, writing
print(f"{'asset':>5} {'FE':>3} {'data':>7} {'loads':>7} {'count':>8} {'band':>7} {'write':>7} {'total':>8} {'wall':>8} {'other':>8} {'% basis':>8}")
for r in rows:
    other = r[8] - r[4] - r[5]
    print(f"{r[0]:5d} {r[1]:3d} {r[2]:7.2f} {r[3]:7.2f} {r[4]:8.2f} {r[5]:7.2f} {r[6]:7.2f} {r[7]:8.2f} {r[8]:8.2f} {other:8.2f} {100 * other / t_basis:8.1f}")
other = [r[8] - r[4] - r[5] for r in rows]
print(f"assets {n}: FE solves {sum(r[1] for r in rows)}; nodes {rows[0][9]}, steps counted per asset {rows[0][10]}; counting "
      f"{sum(r[4] for r in rows):.1f} s in all ({rows[0][9] * rows[0][10] / (sum(r[4] for r in rows) / n):.3g} node-steps/s per asset run); "
      f"everything but the counting (nominal and band) per asset: mean {sum(other) / n:.2f} s, max {max(other):.2f} s = {100 * max(other) / t_basis:.1f} % of the basis "
      f"({t_basis:.2f} s); target < 5 %")
PYEOF
