#!/usr/bin/env bash
# AddressSanitizer + UndefinedBehaviorSanitizer build of ftwin (CUDA off) in build-asan/, and the
# tests that exercise every stage under it: the unit tests, every bad-input case, the validation
# cases and a representative set of end-to-end tests (meshes of every kind, user files, fatigue
# by hand calculation and as a library, incremental counting with stop signals, the asset run).
# Any sanitizer report fails the test that triggered it (halt_on_error, exit code 1).
#   bash scripts/sanitize.sh [extra ctest arguments]
# Leaks: LeakSanitizer checks the tests that do not start MPI (kernels, case parser, fatigue, load
# identification, sensor data); in MPI processes Open MPI's dlopen'ed components leave blocks
# that LeakSanitizer cannot attribute (<unknown module>), so there leaks are checked with
# valgrind instead (scripts/memcheck.sh) and ASan checks memory errors only.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FTWIN_ASAN_DIR:-$root/build-asan}
"$root/scripts/setup-debian.sh" --with-slurm >/dev/null
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFTWIN_SANITIZE=ON >/dev/null
cmake --build "$build" -j "$(nproc)" >/dev/null
echo "built $build (-fsanitize=address,undefined)"
asan="halt_on_error=1:abort_on_error=0:exitcode=1:strict_string_checks=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
# Open MPI under ASan: its shared-memory transport maps memory ASan cannot track; use TCP/self
export OMPI_MCA_btl="self,tcp" OMPI_MCA_rmaps_base_oversubscribe=1
cd "$build"
ASAN_OPTIONS="$asan:detect_leaks=1" ctest --output-on-failure -j "$(nproc)" --timeout 600 \
  -R '^unit\.(kernels|case|fatigue|fatigue_gemm|identify|sensor_data)$' "$@"
ASAN_OPTIONS="$asan:detect_leaks=0" ctest --output-on-failure -j "$(nproc)" --timeout 1500 \
  -R '^(unit\.(observe|observe_2ranks|fleet_manifest|fleet_tool)|provenance\.|bad_input\.|validation\.|e2e\.(mesh_|msh22|user_files|resource_faults|version|info|backend)|fatigue\.(constant_amplitude|library_api|hdf5_history|incremental|state_format)|assim\.(asset_incremental|state_fixture))' "$@"
