#!/usr/bin/env bash
# The GPU path without a GPU (CI has none): the very same kernels/cuda/*.cu bodies compiled as C++
# and run on the CPU in CUDA emulation (kernels/cuda/ft_cuda_emu.h), under three builds:
#   1. build-cuda-emu/   the whole ftwin with -DFTWIN_CUDA_EMULATION=ON (the `cuda` backend is the
#                        emulated library): ctest -L gpu = the conformance suite in emulation
#                        (gpu.<family>.emulated), the emulation's own test (unit.cuda_emu) and the
#                        end-to-end `--backend cuda` vs `--backend cpu` tests (tests/gpu)
#   2. build-gpu-asan/   kernels/ alone under AddressSanitizer + UndefinedBehaviorSanitizer:
#                        ctest -L gpu (out-of-bounds device-buffer indexing, leaks on error paths)
#   3. build-gpu-tsan/   kernels/ alone under ThreadSanitizer: ctest -L gpu (each emulated CUDA
#                        thread is a real thread, so a missing __syncthreads()/__syncwarp() or a
#                        racy shared-memory or global write is a data race TSan reports)
# Any failing test or any sanitizer report (also one that did not change an exit code) fails the
# script. Then scripts/cuda-resources.sh prints nvcc's per-kernel resource use (when nvcc exists).
# What this proves: the kernels' logic (indexing, barriers, chunking, error paths) on the CPU.
# What it does not: anything about a real GPU (timings, FMA rounding, the memory model of the
# hardware); that is bench/gpu/prove.sh on a GPU machine.
#   bash scripts/gpu-emulation.sh            all three (CI: .ci/run, after scripts/test.sh)
#   bash scripts/gpu-emulation.sh emu|asan|tsan   one of them
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)
steps=${1:-all}
t_start=$(date +%s)

# fails when a ctest log holds a sanitizer report (belt and braces: halt_on_error already turns
# each report into a non-zero exit)
no_sanitizer_reports() {
  local log=$1/Testing/Temporary/LastTest.log
  if [ -f "$log" ] && grep -nE "runtime error:|ERROR: (Address|Leak)Sanitizer|WARNING: ThreadSanitizer|ThreadSanitizer: (reported|unexpected)" "$log"; then
    echo "gpu-emulation.sh: sanitizer report in $log (lines above)" >&2
    return 1
  fi
}

elapsed() { echo "$(( $(date +%s) - $1 )) s"; }

if [ "$steps" = all ] || [ "$steps" = emu ]; then
  t=$(date +%s)
  build=${FTWIN_CUDA_EMU_DIR:-$root/build-cuda-emu}
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DFTWIN_CUDA_EMULATION=ON >/dev/null
  cmake --build "$build" -j "$jobs" >/dev/null
  echo "gpu-emulation.sh: built $build (-DFTWIN_CUDA_EMULATION=ON: the cuda backend in CPU emulation)"
  (cd "$build" && ctest --output-on-failure -j "$jobs" -L gpu --timeout 900)
  echo "gpu-emulation.sh: [emu] ctest -L gpu passed ($(elapsed "$t"))"
fi

# kernels/ alone (no PETSc/MPI/HDF5): quick to build, the conformance programs and the emulation.
# Under the sanitizers every emulated CUDA thread costs 5-50x more (TSan most), so the conformance
# programs run their small case (FT_CONFORMANCE_SMALL=1: the warp and block edges, the error paths,
# without the large batches; the emulated build above runs the full case).
export FT_CONFORMANCE_SMALL=1
sanitized_kernels() {
  local name=$1 flags=$2 build=$root/build-gpu-$1
  cmake -S "$root/kernels" -B "$build" -DFTWIN_CUDA=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
    -DCMAKE_EXE_LINKER_FLAGS="$flags" >/dev/null
  cmake --build "$build" -j "$jobs" >/dev/null
  echo "gpu-emulation.sh: built $build ($flags)"
}

if [ "$steps" = all ] || [ "$steps" = asan ]; then
  t=$(date +%s)
  sanitized_kernels asan "-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined"
  (cd "$root/build-gpu-asan" &&
     ASAN_OPTIONS="halt_on_error=1:abort_on_error=0:exitcode=1:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1" \
     UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1" \
     ctest --output-on-failure -j "$jobs" -L gpu --timeout 900)
  no_sanitizer_reports "$root/build-gpu-asan"
  echo "gpu-emulation.sh: [asan+ubsan] ctest -L gpu passed ($(elapsed "$t"))"
fi

if [ "$steps" = all ] || [ "$steps" = tsan ]; then
  t=$(date +%s)
  sanitized_kernels tsan "-O1 -g -fno-omit-frame-pointer -fsanitize=thread"
  # ASLR off for TSan: some kernels map memory where older TSan runtimes do not expect it
  # ("FATAL: ThreadSanitizer: unexpected memory mapping"); harmless otherwise
  noaslr=()
  if command -v setarch >/dev/null && setarch "$(uname -m)" -R true 2>/dev/null; then noaslr=(setarch "$(uname -m)" -R); fi
  # Families whose kernels use no shared memory and no barrier (one thread per element writing its
  # own output) give TSan nothing that ASan does not check, at 10-20x its cost: the thermal family
  # (826 s under TSan on 2 cores, against 42 s for the elements). FT_TSAN_EXCLUDE= (empty) runs
  # all; remove a family from the list as soon as its kernel gains __shared__ or a barrier.
  tsan_exclude=${FT_TSAN_EXCLUDE-'^gpu\.elements_thermal\.'}
  exclude=()
  [ -n "$tsan_exclude" ] && exclude=(-E "$tsan_exclude") && echo "gpu-emulation.sh: [tsan] not run (no shared memory, no barriers): $tsan_exclude"
  (cd "$root/build-gpu-tsan" &&
     TSAN_OPTIONS="halt_on_error=1:exitcode=66:second_deadlock_stack=1" \
     "${noaslr[@]}" ctest --output-on-failure -j "$jobs" -L gpu "${exclude[@]}" --timeout 900)
  no_sanitizer_reports "$root/build-gpu-tsan"
  echo "gpu-emulation.sh: [tsan] ctest -L gpu passed ($(elapsed "$t"))"
fi

if [ "$steps" = all ]; then
  bash "$root/scripts/cuda-resources.sh"
fi
echo "gpu-emulation.sh: all passed in $(elapsed "$t_start") (CPU emulation: not a GPU run)"
