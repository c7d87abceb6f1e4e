#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to a tested build: installs what is missing,
# builds (CUDA on when nvcc is found), and runs the whole test suite with CTest.
# Extra arguments go to ctest (e.g. -L unit, -R le10, -j1).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# --with-slurm: slurmctld, slurmd and munge for the fleet test (slurm.fleet starts its own
# single-node cluster; it is skipped where they are missing, except in CI).
"$root/scripts/setup-debian.sh" --with-slurm
"$root/scripts/build.sh"
cd "${FTWIN_BUILD_DIR:-$root/build}"
ctest --output-on-failure -j "$(nproc)" "$@"
