#!/usr/bin/env bash
# Make the example asset's sensor data (inputs/bracket/sensors.csv) from a known truth:
#   E x 0.96, alpha x 1.08, convection h x 1.4 (the calibration parameters of inputs/bracket/case.yaml)
#   and the load history inputs/bracket/history.csv (4 h at 1 Hz),
# with each sensor's stated noise (about 1 % of its peak reading), 10 % faulty samples per sensor
# (NaN, spikes, a stuck stretch) and SG_spare flat-lined for the last 70 % of the record.
# `ftwin calibrate inputs/bracket/case.yaml` should find the truth back (README, "Calibration
# of the example asset"). Needs a built ftwin (scripts/build.sh) and python3 with numpy, h5py, yaml.
#   bash scripts/make_example_sensors.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
FTWIN=${FTWIN:-build/bin/ftwin}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$PY" scripts/make_sensor_data.py truth-case inputs/bracket/case.yaml --set E_body=0.96 --set alpha_body=1.08 --set h_air=1.4 \
  --results "$work/truth.h5" -o "$work/truth.yaml"
mpirun --allow-run-as-root --oversubscribe -n 2 "$FTWIN" run "$work/truth.yaml" -q -ksp_rtol 1e-10 -thermal_ksp_rtol 1e-10
"$PY" scripts/make_sensor_data.py data inputs/bracket/case.yaml --results "$work/truth.h5" --truth-case "$work/truth.yaml" \
  --history inputs/bracket/history.csv --faults 0.10 --dead SG_spare --seed 2026 -o inputs/bracket/sensors.csv
