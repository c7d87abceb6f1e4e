#!/usr/bin/env bash
# Configures and builds ftwin into build/ (or $FTWIN_BUILD_DIR). Extra arguments go to cmake,
# e.g. scripts/build.sh -DFTWIN_CUDA=OFF. Idempotent: reruns only what changed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FTWIN_BUILD_DIR:-$root/build}
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build "$build" -j "$(nproc)"
echo "built $build/bin/ftwin"
