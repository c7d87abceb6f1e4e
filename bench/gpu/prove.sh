#!/usr/bin/env bash
# The ONE prepared proof of ftwin's GPU path, for a machine with an NVIDIA GPU (H100/H200: nvcc,
# CMake, compute-sanitizer; no PETSc, MPI, HDF5, no network). About 3-8 minutes. Steps:
#   0. environment   nvidia-smi, nvcc, cmake, compute-sanitizer, the C/C++ compilers, BLAS
#   1. build         kernels/ + bench/gpu alone for sm_90 (FTWIN_CUDA=ON, CMAKE_CUDA_ARCHITECTURES=90)
#   2. resources     nvcc -Xptxas -v per kernel (scripts/cuda-resources.sh)
#   3. conformance   ctest -L gpu: every gpu.<family>.cuda test must RUN and pass (a skip, exit 77,
#                    means the program saw no device: on a GPU machine that is a FAILURE of the proof)
#   4. sanitizers    compute-sanitizer memcheck, racecheck, synccheck on each conformance binary
#                    (small case: FT_CONFORMANCE_SMALL=1); "Device not supported", "no kernels were
#                    profiled", a timeout or a skip is FAILED TO RUN, never a pass
#   5. benchmarks    bench_elements (P2 stiffness) and bench_fatigue (fused fatigue, signed von Mises,
#                    6 channels, exact and fast mode vs the CPU engine), each with the CPU baseline
#                    of the same machine
# Everything goes to $OUT (./prove-out when OUT is unset): prove.log (all output) and prove.json
# (device, each step's status and figures, the verdict). One marker line per step and tool:
#   PROVE <step> <PASSED|FAILED|FAILED TO RUN|SKIPPED|MISSING|NOT AVAILABLE>: details
# Verdict PASS only when every step passed on a real GPU (a part missing from the tree, such as the
# CUDA fatigue engine before it lands, is named in the verdict as not proven).
#
# Rehearsal without a GPU: EMULATE=1 bash bench/gpu/prove.sh runs the same steps with the CUDA
# emulation (no nvcc run, no GPU): the conformance suite's .emulated tests, compute-sanitizer
# "not available here (no device)", every figure labelled "CPU emulation — not a GPU measurement",
# verdict REHEARSAL. Environment: OUT, BUILD (build folder, default /tmp/ftwin-prove-build[-emu]),
# JOBS (default nproc), DEADLINE (seconds for the whole script, default 540), BENCH_ARGS_ELEMENTS / BENCH_ARGS_FATIGUE (extra benchmark arguments),
# FORCE_FALLBACK_BLAS=1 (test the no-BLAS path).
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
emulate=${EMULATE:-0}
out=${OUT:-$root/prove-out}
mkdir -p "$out"
out=$(cd "$out" && pwd)
log=$out/prove.log
if [ "$emulate" = 1 ]; then build=${BUILD:-/tmp/ftwin-prove-build-emu}; else build=${BUILD:-/tmp/ftwin-prove-build}; fi
# the step logs go to a work folder; $OUT gets three files only (the device tool brings back at
# most 8): prove.log, prove.json and prove-details.tar.gz (the work folder)
work=$build/prove-work
jobs=${JOBS:-$(nproc)}
t_all=$(date +%s)
# the whole script ends within DEADLINE seconds (default 540: the device tool's commands stop at
# 600 s), so prove.json is always written; each step's limit is cut to what is left
deadline=${DEADLINE:-540}
budget() { # budget N: N seconds, or what is left before the deadline less 15 s for the report (at least 5)
  local left=$(( deadline - ($(date +%s) - t_all) - 15 ))
  [ "$left" -lt 5 ] && left=5
  [ "$1" -lt "$left" ] && echo "$1" || echo "$left"
}

main() {
rm -rf "$work"
mkdir -p "$work"
steps_tsv=$work/steps.tsv
: > "$steps_tsv"
say() { echo "[prove $(date -u +%H:%M:%S)] $*"; }
# record STEP STATUS SECONDS DETAILS: the marker line and a row for prove.json
record() {
  echo "PROVE $1 $2: $4"
  printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >> "$steps_tsv"
}
label=""
[ "$emulate" = 1 ] && label=" (CPU emulation — not a GPU measurement)"

say "ftwin GPU proof$label; tree $root; commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
say "output: $out; build: $build; jobs: $jobs"

# ---- 0. environment ------------------------------------------------------------------------
say "step 0: environment"
device="CUDA emulation on the CPU (no GPU)"
if [ "$emulate" = 1 ]; then
  record environment PASSED 0 "EMULATE=1: no GPU used, no nvcc run"
else
  smi_ok=0
  if command -v nvidia-smi >/dev/null && nvidia-smi; then
    smi_ok=1
    nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.sm,clocks.max.sm,temperature.gpu,power.draw --format=csv || true
    device=$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -1)
  else
    device="unknown (no nvidia-smi)"
  fi
  missing=""
  for tool in nvcc cmake cc c++; do
    if command -v $tool >/dev/null || [ -x /usr/local/cuda/bin/$tool ]; then
      echo "  $tool: $( (command -v $tool || echo /usr/local/cuda/bin/$tool) | head -1)"
    else
      missing="$missing $tool"
    fi
  done
  [ -d /usr/local/cuda/bin ] && export PATH=$PATH:/usr/local/cuda/bin
  nvcc --version 2>/dev/null | tail -2
  cmake --version 2>/dev/null | head -1
  if [ "$smi_ok" != 1 ]; then missing="$missing nvidia-smi (or it failed: no GPU visible)"; fi
  if [ -n "$missing" ]; then record environment FAILED 0 "missing:$missing"; else record environment PASSED 0 "device: $device"; fi
fi

# ---- 1. build ------------------------------------------------------------------------------
say "step 1: build (kernels/ and bench/gpu alone)"
t=$(date +%s)
cmake_args=(-S "$root/bench/gpu" -B "$build" -DCMAKE_BUILD_TYPE=Release)
if [ "$emulate" = 1 ]; then
  cmake_args+=(-DFTWIN_CUDA=OFF)
else
  cmake_args+=(-DFTWIN_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=90)
fi
configure() { cmake "${cmake_args[@]}" "$@" > "$work/configure.txt" 2>&1; }
fallback_blas() {
  # no system BLAS (kernels/ needs dgemm_/sgemm_): a minimal one, for linking (bench/gpu/fallback_blas.c)
  local d=$build/fallback-blas
  mkdir -p "$d" && cc -O2 -c "$root/bench/gpu/fallback_blas.c" -o "$d/fallback_blas.o" && ar rcs "$d/libblas.a" "$d/fallback_blas.o" &&
    echo "  no system BLAS found: using bench/gpu/fallback_blas.c ($d/libblas.a; only kernels/' CPU GEMM path uses it)" &&
    cmake_args+=(-DBLA_VENDOR=Generic -DCMAKE_LIBRARY_PATH="$d")
}
build_ok=0
rm -f "$build/CMakeCache.txt"
if [ "${FORCE_FALLBACK_BLAS:-0}" = 1 ]; then fallback_blas; fi
if ! configure; then
  if grep -q "BLAS" "$work/configure.txt" && [ "${FORCE_FALLBACK_BLAS:-0}" != 1 ]; then
    rm -f "$build/CMakeCache.txt"
    fallback_blas && configure
  fi
fi
if [ -f "$build/CMakeCache.txt" ] && grep -q "^FTWIN_CUDA:BOOL=" "$build/CMakeCache.txt" && tail -3 "$work/configure.txt" | grep -q "Build files have been written"; then
  if [ "$emulate" != 1 ] && ! grep -q "^FTWIN_CUDA:BOOL=ON" "$build/CMakeCache.txt"; then
    cat "$work/configure.txt"
    record build FAILED $(( $(date +%s) - t )) "CMake did not enable CUDA (nvcc not found?)"
  elif timeout "$(budget 300)" cmake --build "$build" -j "$jobs" > "$work/build.txt" 2>&1; then
    build_ok=1
    grep -E "warning|ptxas (info|warning)" "$work/build.txt" | grep -v "Compile time" | head -60
    record build PASSED $(( $(date +%s) - t )) "$( [ "$emulate" = 1 ] && echo "FTWIN_CUDA=OFF: the .cu files as C++ against the emulation" || echo "FTWIN_CUDA=ON, sm_90")"
  else
    tail -60 "$work/build.txt"
    record build FAILED $(( $(date +%s) - t )) "cmake --build failed or took over 300 s (see build.txt)"
  fi
else
  cat "$work/configure.txt"
  record build FAILED $(( $(date +%s) - t )) "CMake configure failed (see configure.txt)"
fi

# ---- 2. resources --------------------------------------------------------------------------
say "step 2: per-kernel resources (nvcc -Xptxas -v), in the background during steps 3-4 (CPU only)"
t2=$(date +%s)
res_pid=""
if [ "$emulate" != 1 ]; then
  timeout "$(budget 240)" bash "$root/scripts/cuda-resources.sh" sm_90 > "$work/resources.txt" 2>&1 &
  res_pid=$!
fi
finish_resources() {
  if [ "$emulate" = 1 ]; then
    record resources SKIPPED 0 "EMULATE=1: no nvcc run (CI prints them with scripts/cuda-resources.sh where nvcc exists)"
  elif wait "$res_pid"; then
    grep -v "^  ptxas\|^      " "$work/resources.txt" | head -40
    record resources PASSED $(( $(date +%s) - t2 )) "$(grep -c '\.cu ' "$work/resources.txt") kernels listed (resources.txt)"
  else
    cat "$work/resources.txt"
    record resources FAILED $(( $(date +%s) - t2 )) "a .cu file did not compile for sm_90 (or took over 240 s)"
  fi
}

# ---- 3. conformance ------------------------------------------------------------------------
say "step 3: conformance suite (ctest -L gpu)"
t=$(date +%s)
if [ "$build_ok" = 1 ]; then
  (cd "$build" && timeout "$(budget 300)" ctest -L gpu --output-on-failure -j "$jobs" --timeout 240 --output-junit "$work/ctest.xml") > "$work/ctest.txt" 2>&1
  rc=$?
  cat "$work/ctest.txt" | tail -40
  # per test: name and status from the JUnit file (run / fail / skipped / notrun)
  summary=$(python3 - "$work/ctest.xml" "$emulate" <<'EOF'
import sys, xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except Exception as e:
    print("FAILED\tno ctest results (%s)" % e); sys.exit()
emulate = sys.argv[2] == "1"
tests = root.findall(".//testcase")
bad, cuda_run, emu_run, names = [], 0, 0, []
for tc in tests:
    name, status = tc.get("name"), tc.get("status")
    if tc.find("skipped") is not None: status = "skipped"
    if tc.find("failure") is not None: status = "fail"
    names.append("%s=%s" % (name, status))
    if status != "run": bad.append("%s %s" % (name, "SKIPPED (exit 77: no device seen)" if status in ("skipped", "notrun") and name.endswith(".cuda") else status))
    elif name.endswith(".cuda"): cuda_run += 1
    elif name.endswith(".emulated"): emu_run += 1
if bad: print("FAILED\t" + "; ".join(bad))
elif not emulate and cuda_run == 0: print("FAILED\tno gpu.*.cuda test ran (the build has no real-CUDA conformance programs)")
else: print("PASSED\t%d tests passed (%d on the GPU, %d in emulation): %s" % (len(tests), cuda_run, emu_run, " ".join(names)))
EOF
)
  st=${summary%%$'\t'*}
  det=${summary#*$'\t'}
  [ "$rc" != 0 ] && [ "$st" = PASSED ] && { st=FAILED; det="ctest exit $rc; $det"; }
  record conformance "$st" $(( $(date +%s) - t )) "$det"
else
  record conformance "FAILED TO RUN" 0 "no build"
fi

# ---- 4. compute-sanitizer -----------------------------------------------------------------
say "step 4: compute-sanitizer (memcheck, racecheck, synccheck) on the conformance programs, small case"
cs=$(command -v compute-sanitizer || true)
for c in /usr/local/cuda/bin/compute-sanitizer /usr/local/cuda/compute-sanitizer/compute-sanitizer; do
  [ -z "$cs" ] && [ -x "$c" ] && cs=$c
done
bins=()
if [ "$emulate" != 1 ]; then
  for b in "$build"/kernels/tests/gpu/gpu_*_cuda; do [ -x "$b" ] && bins+=("$b"); done
fi
# every (tool, program) pair at once (one GPU hosts several processes): the step takes as long as
# the slowest pair, at most 150 s, whatever the number of families
t=$(date +%s)
pids=()
if [ "$emulate" != 1 ] && [ -n "$cs" ]; then
  for tool in memcheck racecheck synccheck; do
    for b in "${bins[@]}"; do
      extra=()
      [ "$tool" = memcheck ] && extra=(--leak-check full)
      f=$work/sanitizer-$tool-$(basename "$b").txt
      ( FT_CONFORMANCE_SMALL=1 timeout "$(budget 150)" "$cs" --tool "$tool" "${extra[@]}" --error-exitcode 86 "$b" > "$f" 2>&1
        echo $? > "$f.rc" ) &
      pids+=($!)
    done
  done
  for p in "${pids[@]}"; do wait "$p"; done
fi
for tool in memcheck racecheck synccheck; do
  if [ "$emulate" = 1 ]; then
    record "sanitizer.$tool" "NOT AVAILABLE" 0 "not available here (no device)"
    continue
  fi
  if [ -z "$cs" ]; then record "sanitizer.$tool" "FAILED TO RUN" 0 "compute-sanitizer not found"; continue; fi
  if [ ${#bins[@]} = 0 ]; then record "sanitizer.$tool" "FAILED TO RUN" 0 "no gpu_*_cuda conformance program built"; continue; fi
  st=PASSED; det=""
  for b in "${bins[@]}"; do
    name=$(basename "$b")
    f=$work/sanitizer-$tool-$name.txt
    rc=$(cat "$f.rc" 2>/dev/null || echo 255)
    tail -4 "$f" | sed "s/^/  [$tool $name] /"
    if [ "$rc" = 124 ]; then s="FAILED TO RUN"; d="timeout"
    elif grep -qiE "device not supported|no kernels were profiled|unable to (find|load|initialize)|error 999|CUDA_ERROR_NOT_SUPPORTED" "$f"; then
      s="FAILED TO RUN"; d="$(grep -iE -m1 "device not supported|no kernels were profiled|unable to|error 999|NOT_SUPPORTED" "$f")"
    elif [ "$rc" = 77 ] || grep -q "no CUDA device visible" "$f"; then s="FAILED TO RUN"; d="the program saw no device (exit 77)"
    elif [ "$rc" = 86 ] || grep -qE "ERROR SUMMARY: [1-9]|[1-9][0-9]* (errors|hazards)" "$f"; then s=FAILED; d="$(grep -E -m1 "ERROR SUMMARY|SUMMARY" "$f")"
    elif [ "$rc" != 0 ]; then s=FAILED; d="the program failed under the tool (exit $rc)"
    elif ! grep -q "ERROR SUMMARY: 0 errors\|SUMMARY: 0 hazards" "$f"; then s="FAILED TO RUN"; d="no sanitizer summary in the output"
    else s=PASSED; d="$(grep -E -m1 "ERROR SUMMARY|SUMMARY" "$f" | sed 's/=* *//')"
    fi
    echo "PROVE-TOOL $tool $name $s: $d"
    det="$det $name: $s ($d);"
    if [ "$s" = "FAILED TO RUN" ] && [ "$st" = PASSED ]; then st="FAILED TO RUN"; fi
    if [ "$s" = FAILED ]; then st=FAILED; fi
  done
  record "sanitizer.$tool" "$st" $(( $(date +%s) - t )) "${det# }"
done
finish_resources

# ---- 5. benchmarks -------------------------------------------------------------------------
say "step 5: benchmarks (GPU and the CPU baseline of this machine)$label"
for b in elements fatigue; do
  t=$(date +%s)
  exe=$build/bench_$b
  f=$work/bench_$b.txt
  if [ "$build_ok" != 1 ] || [ ! -x "$exe" ]; then record "bench.$b" "FAILED TO RUN" 0 "not built"; continue; fi
  args=BENCH_ARGS_${b^^}
  lim=$(budget 180)
  timeout "$lim" "$exe" ${!args:-} > "$f" 2>&1
  rc=$?
  cat "$f"
  grep '^JSON ' "$f" | tail -1 | sed 's/^JSON //' > "$work/.bench_$b.json"
  if [ $rc = 3 ] && grep -q '"missing":true' "$work/.bench_$b.json"; then
    record "bench.$b" MISSING $(( $(date +%s) - t )) "the CUDA fatigue engine (kernels/ft_cuda_fatigue.h) is not in this tree"
  elif grep -q "no CUDA device visible" "$f"; then
    record "bench.$b" "FAILED TO RUN" $(( $(date +%s) - t )) "no CUDA device visible"
  elif [ $rc != 0 ] || [ ! -s "$work/.bench_$b.json" ]; then
    record "bench.$b" FAILED $(( $(date +%s) - t )) "exit $rc$( [ $rc = 124 ] && echo " (timeout $lim s)")"
  else
    record "bench.$b" PASSED $(( $(date +%s) - t )) "$(grep -E '^  (device kernel alone|GPU exact|GPU fast|CPU (loop|engine), all)' "$f" | sed -E 's/ +/ /g; s/\[.*\]//' | tr '\n' ';')$label"
  fi
done
# fatigue exact mode must count as the CPU (same arithmetic, no FMA): a difference fails the step
if [ -s "$work/.bench_fatigue.json" ] && grep -q '"missing":false' "$work/.bench_fatigue.json"; then
  python3 - "$work/.bench_fatigue.json" <<'EOF' > "$work/.fatigue_diff.txt"
import json, sys
j = json.load(open(sys.argv[1]))
ok = j["exact_nodes_cycles_differ"] == 0 and j["exact_nan_mismatch"] == 0 and j["exact_max_rel_damage_diff"] <= 1e-12
print(("PASSED" if ok else "FAILED") + "\texact: %d of %d nodes with other cycle counts, max rel. damage diff %.3g; fast: %d nodes, %.3g" % (
    j["exact_nodes_cycles_differ"], j["cpu_nodes"], j["exact_max_rel_damage_diff"], j["fast_nodes_cycles_differ"], j["fast_max_rel_damage_diff"]))
EOF
  s=$(cat "$work/.fatigue_diff.txt")
  record fatigue.vs_cpu "${s%%$'\t'*}" 0 "${s#*$'\t'}"
else
  record fatigue.vs_cpu MISSING 0 "no fatigue benchmark results"
fi

# ---- prove.json ----------------------------------------------------------------------------
total=$(( $(date +%s) - t_all ))
python3 - "$steps_tsv" "$out" "$emulate" "$device" "$total" "$(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)" "$work" <<'EOF'
import json, os, sys
tsv, out, emulate, device, total, commit, work = sys.argv[1:8]
emulate = emulate == "1"
steps = []
for line in open(tsv):
    name, status, secs, details = (line.rstrip("\n").split("\t") + ["", "", "", ""])[:4]
    steps.append({"step": name, "status": status, "seconds": int(secs or 0), "details": details})
bench = {}
for b in ("elements", "fatigue"):
    p = os.path.join(work, ".bench_%s.json" % b)
    try:
        bench[b] = json.load(open(p))
    except Exception:
        bench[b] = None
bad = [s for s in steps if s["status"] in ("FAILED", "FAILED TO RUN")]
if emulate:
    # a rehearsal passes when nothing failed (NOT AVAILABLE, SKIPPED and MISSING are expected)
    verdict = ("REHEARSAL passed" if not bad else "REHEARSAL FAILED: " + ", ".join("%s %s" % (s["step"], s["status"]) for s in bad)) \
        + " (CPU emulation — not a GPU measurement)"
elif all(s["status"] in ("PASSED", "MISSING") for s in steps):
    missing = [s["step"] for s in steps if s["status"] == "MISSING"]
    verdict = "PASS" + (" (parts missing from this tree, not proven: %s)" % ", ".join(missing) if missing else "")
else:
    verdict = "FAIL: " + ", ".join("%s %s" % (s["step"], s["status"]) for s in steps if s["status"] != "PASSED")
doc = {"device": device, "emulated": emulate, "commit": commit, "seconds": int(total),
       "label": "CPU emulation — not a GPU measurement" if emulate else "GPU measurement",
       "steps": steps, "bench": bench, "verdict": verdict}
json.dump(doc, open(os.path.join(out, "prove.json"), "w"), indent=1)
print("\n==== ftwin GPU proof: %s ====" % device)
for s in steps:
    print("  %-22s %-14s %4ss  %s" % (s["step"], s["status"], s["seconds"], s["details"][:150]))
print("  verdict: %s  (%s s; %s)" % (verdict, total, os.path.join(out, "prove.json")))
EOF
tar -czf "$out/prove-details.tar.gz" -C "$work" . 2>/dev/null
grep -q '"verdict": "PASS"\|"verdict": "REHEARSAL passed' "$out/prove.json"
}

rm -f "$out/prove.json" "$out/prove-details.tar.gz"
main 2>&1 | tee "$log"
exit "${PIPESTATUS[0]}"
