#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to results: installs what is missing, builds, and
# runs the shipped example asset (inputs/bracket) on 2 MPI ranks: the finite-element stage
# (unit load cases -> results/bracket.h5), the fatigue stage (its 4-hour load history ->
# results/bracket_fatigue.h5) and the asset run (its sensor data -> calibrated parameters,
# identified loads, fatigue and life band -> results/bracket_asset.h5). Results land in
# inputs/bracket/results/; open the .xdmf files in ParaView.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup-debian.sh"
"$root/scripts/build.sh"
ranks=${FTWIN_RANKS:-2}
run() { mpirun --allow-run-as-root --oversubscribe -n "$ranks" "$root/build/bin/ftwin" "$@"; }
run run "$root/inputs/bracket/case.yaml"
run fatigue "$root/inputs/bracket/case.yaml"
run calibrate "$root/inputs/bracket/case.yaml"
