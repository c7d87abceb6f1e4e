#!/bin/bash
# The fused CPU fatigue kernel of an older commit against the working tree's, in the same run
# (README section 10): simd_bench.c built twice, once with kernels/ as of OLD_REV and once with
# the working tree's kernels/, run alternately ROUNDS times on the same inputs; every run also
# checks its vector paths bit for bit against its own scalar kernel. The ratio old / new of the
# ns per node-step is what to read (these machines are shared and noisy).
#
# usage: bench/fatigue/rev_compare.sh OLD_REV [KINDS [PATHS [ROUNDS [NODES]]]]
#   KINDS  svm,svm_trace,maxp,cp (default cp,maxp,svm), PATHS vector paths (default avx512),
#   ROUNDS alternations (default 3), NODES first nodes of basis_200.h5 (default 200)
# environment: STEPS, PY, CFLAGS as simd_bench.sh; the inputs are simd_bench.sh's.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
old=${1:?usage: rev_compare.sh OLD_REV [KINDS [PATHS [ROUNDS [NODES]]]]}
kinds=${2:-cp,maxp,svm}
paths=${3:-avx512}
rounds=${4:-3}
nodes=${5:-200}
work=$here/work
STEPS=${STEPS:-20000}
PY=${PY:-/usr/bin/python3}
GEN="$PY $here/gen_inputs.py"
mkdir -p "$work"
hist=$work/hist_${STEPS}.csv
[ -s "$hist" ] || $GEN history "$hist" "$STEPS" 6
[ -s "$work/basis_200.h5" ] || $GEN basis "$work/basis_200.h5" 200 6
[ -s "$work/S$nodes.f64" ] || $GEN sdump "$work/S$nodes.f64" "$work/basis_200.h5" "$nodes" 6
oldk=$(mktemp -d)
trap 'rm -rf "$oldk"' EXIT
git -C "$root" archive "$old" kernels | tar -x -C "$oldk"
build() { # kernels dir, output
  # shellcheck disable=SC2086
  gcc ${CFLAGS:--O2} -std=c11 -I"$1" "$here/simd_bench.c" "$1/cpu/ft_cpu_fatigue.c" "$1/cpu/ft_cpu_fatigue_simd.c" \
      -ffp-contract=off -lblas -lm -o "$2"
}
build "$oldk/kernels" "$work/simd_bench_old"
build "$root/kernels" "$work/simd_bench_new"
echo "# $(date -u '+%Y-%m-%d %H:%M:%S UTC'); $(lscpu | grep 'Model name' | sed 's/  */ /g'); $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# old: kernels/ of $(git -C "$root" rev-parse --short "$old"); new: the working tree's ($(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet -- kernels || echo ' + changes')); ${CFLAGS:--O2}"
for r in $(seq 1 "$rounds"); do
  for v in old new; do
    "$work/simd_bench_$v" "$work/S$nodes.f64" "$nodes" "$hist" 3 "$kinds" "$paths" |
      awk -v v=$v -v r=$r '/cycles per node-step/ {k = $1} $1 ~ /^(scalar|sse2|avx2|avx512)$/ {printf "round %d %-3s %-10s %-7s %s ns per node-step (%s node-steps/s) %s\n", r, v, k, $1, substr($4, 2), $2, ($NF == "bit-identical" || $NF == "(reference)") ? "" : "DIFFER"}'
  done
done
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
