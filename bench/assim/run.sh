#!/usr/bin/env bash
# Asset-stage benchmark (issue: sensor assimilation): one day of 1 Hz data from 20 sensor channels
# on a ~100k-node P2 bracket, `ftwin calibrate` on 2 ranks, timed by phase (the "phases [s]" line).
# Truth: E x 0.99, alpha x 1.01, h x 1.015 (inside the 2 % linear range: one linearisation, 4 FE solves).
#   bash bench/assim/run.sh            # needs build/bin/ftwin (scripts/build.sh); ~10 min on 2 cores
#   bash bench/assim/run.sh basis      # the same asset day from a design basis (issue 13): `ftwin basis`
#                                      # once (timed apart), then the asset run `ftwin asset --basis`, no FE solve
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
FTWIN=${FTWIN:-$root/build/bin/ftwin}
MPI="mpirun --allow-run-as-root --oversubscribe -n 2"
cd "$here"
mkdir -p work
[ -f work/bracket_100k.msh ] || gmsh -3 -format msh41 -setnumber h 3.5 -setnumber hf 1.3 "$root/meshes/bracket.geo" -o work/bracket_100k.msh > work/gmsh.log
[ -f work/history_1d.csv ] || "$PY" "$root/scripts/make_example_history.py" work/history_1d.csv 24
if [ ! -f work/sensors_1d.csv ]; then
  "$PY" "$root/scripts/make_sensor_data.py" truth-case case.yaml --set E_body=0.99 --set alpha_body=1.01 --set h_air=1.015 \
    --results "$here/work/truth.h5" -o work/truth.yaml
  $MPI "$FTWIN" run work/truth.yaml -q -ksp_rtol 1e-10 -thermal_ksp_rtol 1e-10
  "$PY" "$root/scripts/make_sensor_data.py" data case.yaml --results work/truth.h5 --truth-case work/truth.yaml \
    --history work/history_1d.csv --faults 0.10 --dead SG_spare --seed 7 -o work/sensors_1d.csv
fi
echo "== $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'); load $(cut -d' ' -f1-3 /proc/loadavg); $("$FTWIN" --version)"
if [ "${1:-}" = basis ]; then
  # the design stage, once per design: 4 FE solves (nominal + 3 sensitivities), not part of an asset run
  /usr/bin/time -f "basis: wall %e s, max RSS %M kB (one rank)" $MPI "$FTWIN" basis case.yaml -o work/design_basis.h5 2>&1 \
    | tee work/basis.log | grep -E "^basis|wall"
  # the asset day: a commissioning run (no asset file yet) from that basis
  rm -f work/asset.h5
  /usr/bin/time -v $MPI "$FTWIN" asset case.yaml --basis work/design_basis.h5 2> work/time_asset.log | tee work/asset.log \
    | grep -E "FE solve|fitted|chi2|screen|counted|life at|phases|dropped"
  grep -E "Elapsed|Maximum resident" work/time_asset.log
  exit 0
fi
/usr/bin/time -v $MPI "$FTWIN" calibrate case.yaml 2> work/time.log | tee work/calibrate.log | grep -E "P2 space|fitted|chi2|life at|phases|dropped|steps"
grep -E "Elapsed|Maximum resident" work/time.log
