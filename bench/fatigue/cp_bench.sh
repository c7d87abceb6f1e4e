#!/usr/bin/env bash
# Critical plane by coefficients vs the former kernel, in the same run (bench/fatigue/cp_bench.c):
# builds the former kernels/cpu/ft_cpu_fatigue.c of commit OLD (default 6009e54, the last one
# before the coefficients) with its global symbols renamed old_*, links it next to this tree's
# kernel and runs cp_bench. One core, CPU time; the machine is shared: compare ratios.
#   bench/fatigue/cp_bench.sh [NODES] [STEPS] [NCHAN] [REPEATS]      (from the repository root)
set -euo pipefail
OLD=${OLD:-6009e54}
work=$(mktemp -d /tmp/cp_bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
git archive "$OLD" kernels | tar -x -C "$work"
gcc -O2 -std=c11 -c -I"$work/kernels" "$work/kernels/cpu/ft_cpu_fatigue.c" -o "$work/old.o"
nm --defined-only -g "$work/old.o" | awk '{print $3" old_"$3}' > "$work/redef.txt"
objcopy --redefine-syms="$work/redef.txt" "$work/old.o" "$work/old_renamed.o"
gcc -O2 -std=c11 -Wall -Wextra -DCP_BENCH_OLD_KERNEL -Ikernels bench/fatigue/cp_bench.c \
    kernels/cpu/ft_cpu_fatigue.c kernels/cpu/ft_cpu_fatigue_simd.c "$work/old_renamed.o" -lblas -lm -o "$work/cp_bench"
"$work/cp_bench" "${1:-200}" "${2:-20000}" "${3:-6}" "${4:-3}"
