#!/bin/bash
# ftwin fatigue benchmark (see bench/fatigue/README.md for the recorded results).
#
# usage: bench/fatigue/run.sh [PART...]     PART: e2e count stages profile gemm (default: all five)
#   e2e      end-to-end `ftwin fatigue` on a synthetic basis (6 load cases) and a 6-channel random
#            history, 1 and 2 MPI ranks, for signed_von_mises, max_principal, critical_plane
#            (+ signed_von_mises and critical_plane with a 1 MPa hysteresis gate)
#   count    rainflow counting alone on one 1e6-sample history: PyPI `rainflow` (in a venv) vs
#            ftwin's kernel (count_bench.c), with a cycle-by-cycle check that both agree
#   stages   where the time of the node x step loop goes (stage_bench.c, 200 nodes)
#   profile  perf record / perf report of small end-to-end runs (if perf is usable)
#   gemm     fused superposition (ft_cpu_fatigue_batch) vs BLAS dgemm / sgemm superposition
#            (ft_cpu_fatigue_batch_gemm), gemm_bench.c on NODES_GEMM nodes: a sweep of the block
#            sizes (nodes x time steps), then the table at the compiled-in default
# environment:
#   FTWIN      ftwin binary (default /tmp/fb-build/bin/ftwin; built there if missing)
#   REPEAT     end-to-end runs per row; every run is listed (default 2)
#   STEPS      history length (default 20000)
#   NODES_SVM NODES_MP NODES_CP   nodes per kind (default 20000 5000 2000: 10-60 s per run)
#   NODES_GEMM nodes of the gemm part (default 512, the first ones of basis_2000.h5)
#   SWEEP      gemm part: 0 skips the block-size sweep (default 1)
#   BLAS_DIR   gemm part: a folder with another libblas.so.3 (e.g. OpenBLAS unpacked from
#              libopenblas0-serial's .deb with dpkg-deb -x): sweep and table run a second time
#              with LD_LIBRARY_PATH=BLAS_DIR
#   PY         python with h5py + numpy (default /usr/bin/python3, Debian packages)
# Everything goes to bench/fatigue/work/ (gitignored); the printed report is also saved there
# as report-<UTC date>.txt.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$here/work
mkdir -p "$work"
FTWIN=${FTWIN:-/tmp/fb-build/bin/ftwin}
REPEAT=${REPEAT:-2}
STEPS=${STEPS:-20000}
NODES_SVM=${NODES_SVM:-20000}
NODES_MP=${NODES_MP:-5000}
NODES_CP=${NODES_CP:-2000}
NODES_GEMM=${NODES_GEMM:-512}
SWEEP=${SWEEP:-1}
PY=${PY:-/usr/bin/python3}
GEN="$PY $here/gen_inputs.py"
MPIRUN=(mpirun --allow-run-as-root --oversubscribe)
MESH=$root/meshes/cube_n2.msh # the parser needs a mesh section; `ftwin fatigue` does not read it
parts=("$@")
[ ${#parts[@]} -eq 0 ] && parts=(e2e count stages profile gemm)
report=$work/report-$(date -u +%Y%m%dT%H%M%SZ).txt
exec > >(tee "$report") 2>&1

load1() { cut -d' ' -f1 /proc/loadavg; }
has() { local p; for p in "${parts[@]}"; do [ "$p" = "$1" ] && return 0; done; return 1; }

echo "# ftwin fatigue benchmark, $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "# machine: $(lscpu | grep 'Model name' | sed 's/  */ /g'), $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB"
echo "# uptime: $(uptime)"
echo "# ftwin: $FTWIN ($(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo '?')$(cd "$root" && git diff --quiet HEAD -- kernels src 2>/dev/null || echo ', kernels/src modified'))"

if [ ! -x "$FTWIN" ]; then
  b=$(dirname "$(dirname "$FTWIN")")
  echo "# building $FTWIN: cmake -S $root -B $b -DFTWIN_CUDA=OFF && cmake --build $b -j2"
  cmake -S "$root" -B "$b" -DFTWIN_CUDA=OFF > "$work/cmake.log" 2>&1
  cmake --build "$b" -j2 > "$work/build.log" 2>&1
fi

# ------------------------------------------------------------------ inputs ------------------
hist=$work/hist_${STEPS}.csv
[ -s "$hist" ] || $GEN history "$hist" "$STEPS" 6
for n in "$NODES_SVM" "$NODES_MP" "$NODES_CP" 200; do
  [ -s "$work/basis_$n.h5" ] || $GEN basis "$work/basis_$n.h5" "$n" 6
done

# ------------------------------------------------------------------ end to end --------------
if has e2e; then
  echo
  echo "## end to end: ftwin fatigue, $STEPS steps, 6 channels, S355J2 (EN 1993-1-9 detail 71 knee curve with cut-off), Goodman"
  echo "# node-steps/s = nodes x steps / wall time of the whole command (mpirun, start-up, HDF5/CSV input, counting, damage,"
  echo "# hot spots, output); per core = that / ranks; CPU = nodes x steps / (user + sys CPU time of all ranks);"
  echo "# count = ftwin's own 'counted ... node-steps/s' (rank 0's counting loop only); cycles = counted cycles per"
  echo "# node-step of the signal that decides the damage (critical_plane: the critical plane's); load = 1-min load"
  echo "# average just before the run (2 cores: other jobs were running)."
  printf '%-26s %5s %6s %6s %8s %8s %8s %10s %10s %10s %10s %7s %5s\n' kind ranks nodes steps wall_s cpu_s count_s \
    "e2e/s" "e2e/s/core" "CPU/s" "count/s" cyc/step load
  rows=("signed_von_mises $NODES_SVM 0" "max_principal $NODES_MP 0" "critical_plane $NODES_CP 0"
        "signed_von_mises $NODES_SVM 1e6" "critical_plane $NODES_CP 1e6")
  for row in "${rows[@]}"; do
    read -r eq n gate <<< "$row"
    tag=${eq}_${n}_g${gate}
    case_yaml=$work/case_$tag.yaml
    $GEN case "$case_yaml" "$work/basis_$n.h5" "$hist" "$eq" "$work/out_$tag.h5" "$MESH" 6 "$gate"
    label=$eq; [ "$gate" != 0 ] && label="$eq gate=1MPa"
    for np in 1 2; do
      for r in $(seq 1 "$REPEAT"); do
        l=$(load1)
        log=$work/e2e_${tag}_np${np}_r$r.log
        /usr/bin/time -f '%e %U %S' -o "$log.time" "${MPIRUN[@]}" -n "$np" "$FTWIN" fatigue "$case_yaml" \
          -o "$work/out_${tag}_np$np.h5" > "$log" 2>&1 || { echo "FAILED: see $log"; tail -5 "$log"; exit 1; }
        read -r wall us ss < <(tail -1 "$log.time")
        cnt=$(sed -n 's/.*counted [0-9]* nodes x [0-9]* steps in \([0-9.]*\) s (\([0-9.e+]*\) node-steps\/s[;)].*/\1 \2/p' "$log")
        read -r cs crate <<< "$cnt"
        read -r cyc nnan dmax < <($GEN cycles "$work/out_${tag}_np$np.h5" "$STEPS")
        [ "$nnan" = 0 ] || echo "# WARNING: $nnan nodes with NaN damage"
        awk -v k="$label" -v np="$np" -v n="$n" -v T="$STEPS" -v w="$wall" -v u="$us" -v s="$ss" -v cs="$cs" \
          -v cr="$crate" -v cyc="$cyc" -v l="$l" 'BEGIN {
            ns = n * T; printf "%-26s %5d %6d %6d %8.2f %8.2f %8.2f %10.3g %10.3g %10.3g %10.3g %7.4f %5.2f\n",
            k, np, n, T, w, u + s, cs, ns / w, ns / w / np, ns / (u + s), cr, cyc, l }'
      done
    done
  done
  echo "# max damage per history (signed_von_mises, no gate): $($GEN cycles "$work/out_signed_von_mises_${NODES_SVM}_g0_np1.h5" "$STEPS" | cut -d' ' -f3)"
fi

# ------------------------------------------------------------------ counting alone ----------
if has count; then
  echo
  echo "## rainflow counting alone: one 1e6-sample history (channel generator of gen_inputs.py, seed 7)"
  sig=$work/signal_1e6.f64
  [ -s "$sig" ] || $GEN signal "$sig" 1000000
  if [ ! -x "$work/venv/bin/python" ]; then
    $PY -m venv "$work/venv"
    "$work/venv/bin/pip" install -q rainflow numpy
  fi
  echo "# $(gcc --version | head -1); gcc -O2 -std=c11 -I$root/kernels $here/count_bench.c $root/kernels/cpu/ft_cpu_fatigue.c $root/kernels/cpu/ft_cpu_fatigue_simd.c -lblas -lm"
  gcc -O2 -std=c11 -I"$root/kernels" "$here/count_bench.c" "$root/kernels/cpu/ft_cpu_fatigue.c" "$root/kernels/cpu/ft_cpu_fatigue_simd.c" -lblas -lm -o "$work/count_bench"
  echo "# load before: $(load1)"
  "$work/venv/bin/python" "$here/rainflow_bench.py" "$sig" "$work/pkg_extract.txt" "$work/pkg_count.txt" 3 \
    | tee "$work/count_pkg.txt"
  "$work/count_bench" "$sig" 10 "$work/pkg_extract.txt" "$work/pkg_count.txt" | tee "$work/count_ftwin.txt"
  echo "# load after: $(load1)"
  awk 'function rate(   i) { for (i = 2; i <= NF; i++) if ($i == "samples/s") return $(i - 1) }
       /count_cycles \(numpy array\)/ {pa = rate()} /count_cycles \(list\)/ {pl = rate()}
       /extract_cycles \(numpy array\)/ {ea = rate()} /extract_cycles \(list\)/ {el = rate()}
       /ft_rf_push_cycles/ {fc = rate()}
       END {printf "ratio ftwin ft_rf_push_cycles / rainflow: count_cycles %.0fx (numpy array), %.0fx (list); extract_cycles %.0fx (numpy array), %.0fx (list)\n", fc / pa, fc / pl, fc / ea, fc / el}' \
    "$work/count_pkg.txt" "$work/count_ftwin.txt"
fi

# ------------------------------------------------------------------ stages ------------------
if has stages; then
  echo
  echo "## stage costs of the node x step loop (stage_bench.c: first 200 nodes of basis_200.h5, the e2e history)"
  $GEN sdump "$work/S200.f64" "$work/basis_200.h5" 200 6
  for flags in "-O2" "-O3 -march=native"; do
    # shellcheck disable=SC2086
    gcc $flags -std=c11 -I"$root/kernels" "$here/stage_bench.c" "$root/kernels/cpu/ft_cpu_fatigue.c" "$root/kernels/cpu/ft_cpu_fatigue_simd.c" -lblas -lm -o "$work/stage_bench"
    echo "# gcc $flags (ftwin itself is built with -O2); load before: $(load1)"
    "$work/stage_bench" "$work/S200.f64" 200 "$hist" 3
  done
fi

# ------------------------------------------------------------------ profile -----------------
if has profile; then
  echo
  echo "## perf profile of small end-to-end runs (1 rank; perf record -F 2000; self time per symbol)"
  if perf record -o /dev/null true > /dev/null 2>&1; then
    for row in "signed_von_mises 2000" "max_principal 500" "critical_plane 200"; do
      read -r eq n <<< "$row"
      [ -s "$work/basis_$n.h5" ] || $GEN basis "$work/basis_$n.h5" "$n" 6
      $GEN case "$work/prof_$eq.yaml" "$work/basis_$n.h5" "$hist" "$eq" "$work/prof_$eq.h5" "$MESH" 6
      perf record -q -F 2000 -o "$work/perf_$eq.data" "$FTWIN" fatigue "$work/prof_$eq.yaml" -q > /dev/null 2>&1
      echo "# $eq, $n nodes x $STEPS steps"
      perf report -i "$work/perf_$eq.data" --no-children --sort symbol 2> /dev/null \
        | awk '!/^#/ && NF && n++ < 8 {print "   ", $1, $2, $3}'
    done
  else
    echo "# perf not usable here: skipped"
  fi
fi
# ------------------------------------------------------------------ gemm --------------------
if has gemm; then
  echo
  echo "## superposition by BLAS GEMM vs fused (gemm_bench.c: first $NODES_GEMM nodes of basis_2000.h5, the e2e history)"
  blas=$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || echo '?')
  echo "# BLAS: -lblas -> $blas ($(dpkg -S "$blas" 2>/dev/null | cut -d: -f1 || echo '?'))"
  [ -s "$work/basis_2000.h5" ] || $GEN basis "$work/basis_2000.h5" 2000 6
  $GEN sdump "$work/S$NODES_GEMM.f64" "$work/basis_2000.h5" "$NODES_GEMM" 6
  gb=(gcc -O2 -std=c11 -I"$root/kernels" "$here/gemm_bench.c" "$root/kernels/cpu/ft_cpu_fatigue.c" "$root/kernels/cpu/ft_cpu_fatigue_simd.c" -lblas -lm)
  "${gb[@]}" -o "$work/gemm_bench"
  blas_dirs=("")
  [ -n "${BLAS_DIR:-}" ] && blas_dirs+=("$BLAS_DIR")
  for bdir in "${blas_dirs[@]}"; do
    export LD_LIBRARY_PATH=$bdir
    echo "# ---- libblas.so.3 used: $(ldd "$work/gemm_bench" 2>/dev/null | awk '/libblas/ {print $3}' || echo '?') (LD_LIBRARY_PATH='$bdir')"
    if [ "$SWEEP" != 0 ]; then
      echo "# block sweep: 6 channels, gemm_d / gemm_s, best of 2 (gcc -O2 -DFT_GEMM_BLOCK_NODES=NB -DFT_GEMM_TCHUNK=TC); load before: $(load1)"
      printf '%-5s %-5s %-9s %8s %8s %8s %8s\n' NB TC scratch svm_d svm_s mp_d mp_s
      for nb in 16 32 64 128 256; do
        for tc in 64 128 256 512 1024; do
          "${gb[@]}" -DFT_GEMM_BLOCK_NODES=$nb -DFT_GEMM_TCHUNK=$tc -o "$work/gemm_bench_sweep"
          "$work/gemm_bench_sweep" "$work/S$NODES_GEMM.f64" "$NODES_GEMM" "$hist" 2 svm,mp 6 gemm_d,gemm_s \
            | awk -v nb=$nb -v tc=$tc '$3 ~ /^gemm_/ {v[$1 "_" substr($3, 6)] = $4}
                END {printf "%-5d %-5d %6.0fKiB %8.2f %8.2f %8.2f %8.2f\n", nb, tc, nb * 6 * tc * 8 / 1024,
                     v["svm_d"], v["svm_s"], v["mp_d"], v["mp_s"]}'
        done
      done
      echo "# (ns per node-step; scratch = the double history of one block)"
    fi
    echo "# default blocking; $(gcc --version | head -1); load before: $(load1)"
    "$work/gemm_bench" "$work/S$NODES_GEMM.f64" "$NODES_GEMM" "$hist" 3 svm,mp 3,6
  done
  unset LD_LIBRARY_PATH
fi
echo
echo "# done $(date -u '+%Y-%m-%d %H:%M:%S UTC'); uptime: $(uptime); report: $report"
