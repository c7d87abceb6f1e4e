#!/bin/bash
# Scalar reference vs vector paths of the fused CPU fatigue kernel (simd_bench.c; issue 13
# item 1; README section 8), one core, the dense 6-channel history of run.sh.
#
# usage: bench/fatigue/simd_bench.sh [NODES [REPEATS [KINDS [PATHS]]]]
#   NODES    first nodes of basis_200.h5 (default 200), REPEATS best of (default 5),
#   KINDS    svm,svm_trace,maxp,cp (default svm,svm_trace,maxp), PATHS vector paths (default all)
# environment: STEPS (default 20000), PY (python with numpy + h5py, default /usr/bin/python3),
#   CFLAGS (default -O2, as ftwin is built)
# Inputs and the binary go to bench/fatigue/work/ (gitignored), made by gen_inputs.py as run.sh
# makes them (history seed 1, basis seed 2).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$here/work
mkdir -p "$work"
STEPS=${STEPS:-20000}
PY=${PY:-/usr/bin/python3}
GEN="$PY $here/gen_inputs.py"
nodes=${1:-200}
hist=$work/hist_${STEPS}.csv
[ -s "$hist" ] || $GEN history "$hist" "$STEPS" 6
[ -s "$work/basis_200.h5" ] || $GEN basis "$work/basis_200.h5" 200 6
[ -s "$work/S$nodes.f64" ] || $GEN sdump "$work/S$nodes.f64" "$work/basis_200.h5" "$nodes" 6
# shellcheck disable=SC2086
gcc ${CFLAGS:--O2} -std=c11 -I"$root/kernels" "$here/simd_bench.c" "$root/kernels/cpu/ft_cpu_fatigue.c" \
    "$root/kernels/cpu/ft_cpu_fatigue_simd.c" -ffp-contract=off -lblas -lm -o "$work/simd_bench"
echo "# $(date -u '+%Y-%m-%d %H:%M:%S UTC'); $(lscpu | grep 'Model name' | sed 's/  */ /g'); $(nproc) cores;" \
     "AVX2 $(grep -qw avx2 /proc/cpuinfo && echo yes || echo no), AVX-512F $(grep -qw avx512f /proc/cpuinfo && echo yes || echo no)"
echo "# $(gcc --version | head -1), ${CFLAGS:--O2}; ftwin $(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo '?')"
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$work/simd_bench" "$work/S$nodes.f64" "$nodes" "$hist" "${2:-5}" "${3:-svm,svm_trace,maxp}" ${4:+"$4"}
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
