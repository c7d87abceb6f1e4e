#!/usr/bin/env bash
# Every output of the shipped example, into one folder, for comparing two builds of ftwin
# (scripts/dev/compare_results.py): `run`, `fatigue`, `calibrate`, `basis`, and two `asset`
# runs (commissioning, then a run with no new samples) of inputs/bracket, on 2 MPI ranks.
#   bash scripts/dev/example_outputs.sh OUTDIR [FTWIN_BINARY]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:?usage: example_outputs.sh OUTDIR [FTWIN_BINARY]}
bin=${2:-$root/build/bin/ftwin}
ranks=${FTWIN_RANKS:-2}
rm -rf "$out"
mkdir -p "$out/inputs/bracket/results" "$out/meshes"
cp "$root"/inputs/bracket/*.yaml "$root"/inputs/bracket/*.csv "$out/inputs/bracket/"
cp "$root/meshes/bracket.msh" "$out/meshes/"
case=$out/inputs/bracket/case.yaml
res=$out/inputs/bracket/results
run() { mpirun --allow-run-as-root --oversubscribe -n "$ranks" "$bin" "$@" -q; }
run run "$case"
run fatigue "$case"
run calibrate "$case"
run basis "$case" -o "$res/design_basis.h5"
run asset "$case" --basis "$res/design_basis.h5" -o "$res/asset.h5"
cp "$res/asset.h5" "$res/asset_first_run.h5"
run asset "$case" --basis "$res/design_basis.h5" -o "$res/asset.h5"
ls -l "$res"
