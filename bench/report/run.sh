#!/usr/bin/env bash
# Report timing (issue 17: an asset of 100k nodes reported in under 10 s). The bracket meshed as in
# bench/assim (gmsh h 3.5, hf 1.3: 68k P2 tetrahedra, 105k nodes), `ftwin run` and `ftwin fatigue`
# (the first hour of the example's history) on 2 ranks, then an asset file made of that fatigue result
# and the /calibration group of an asset file of the bracket (default: the example's, made by
# scripts/dev/example_outputs.sh; its sensor fit is 4 h at 1 Hz, 11 sensors), reported 3 times.
#   bash bench/report/run.sh [CALIBRATION_SOURCE.h5]      (FTWIN=path/to/ftwin; ~3 min on 2 cores)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
PY=/usr/bin/python3
FTWIN=${FTWIN:-$root/build/bin/ftwin}
cal=${1:-$root/inputs/bracket/results/asset.h5}
[ -f "$cal" ] || { echo "run.sh: no calibration source $cal: run scripts/dev/example_outputs.sh first, or name an asset file of the bracket" >&2; exit 2; }
w=$here/work; mkdir -p "$w"; cd "$w"
[ -f bracket_100k.msh ] || gmsh -3 -format msh41 -setnumber h 3.5 -setnumber hf 1.3 "$root/meshes/bracket.geo" -o bracket_100k.msh > gmsh.log
head -3601 "$root/inputs/bracket/history.csv" > history.csv
cp "$root/inputs/materials.yaml" .
sed -e "s#file: ../../meshes/bracket.msh#file: $w/bracket_100k.msh#" -e "s#file: results/bracket.h5#file: $w/run.h5#" \
    -e "s#basis: results/bracket.h5#basis: $w/run.h5#" -e "s#history: history.csv#history: $w/history.csv#" \
    -e "s#output: results/bracket_fatigue.h5#output: $w/fatigue.h5#" "$root/inputs/bracket/case.yaml" > case.yaml
MPI="mpirun --allow-run-as-root --oversubscribe -n 2"
[ -f run.h5 ] || $MPI "$FTWIN" run case.yaml -q
[ -f fatigue.h5 ] || $MPI "$FTWIN" fatigue case.yaml -q
"$PY" "$here/make_big_asset.py" fatigue.h5 "$cal" asset_100k.h5
echo "== $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), matplotlib $("$PY" -c 'import matplotlib; print(matplotlib.__version__)')"
for i in 1 2 3; do
  /usr/bin/time -f "report of asset_100k.h5: %e s wall, %M KB peak" "$PY" "$root/scripts/ftwin_report.py" asset_100k.h5 -o asset_100k.html -q
done
ls -l asset_100k.html
