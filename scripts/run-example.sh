#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to results: installs what is missing, builds, and
# runs the shipped example asset (inputs/bracket) on 2 MPI ranks. Results: inputs/bracket/results/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup-debian.sh"
"$root/scripts/build.sh"
ranks=${FTWIN_RANKS:-2}
mpirun --allow-run-as-root --oversubscribe -n "$ranks" "$root/build/bin/ftwin" run "$root/inputs/bracket/case.yaml" "$@"
