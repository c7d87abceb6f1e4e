#!/usr/bin/env bash
# Fuzzes every reader of user input with libFuzzer (clang, AddressSanitizer + UBSan):
#   bash scripts/fuzz.sh [SECONDS_EACH] [HARNESS ...]      (default 60 s each, all harnesses)
# Harnesses (tests/fuzz/): case (YAML case files), expr (expressions), mesh (gmsh files through
# gmsh's library), mesh_stream (the mesh helper's pipe), sensor_csv, history_csv, h5_readers
# (sensor and history HDF5 files, structure-aware), manifest (the fleet manifest, atheris).
# Each starts from the committed seeds in tests/fuzz/corpus/<name> and keeps its growing corpus in
# build-fuzz/corpus/<name>; findings go to build-fuzz/artifacts/<name>/. Prints one summary line
# per harness (runs, coverage, corpus) and exits 1 when any harness found a crash in ftwin's code.
# The mesh harness runs in libFuzzer's fork mode: gmsh's own reader crashes on some malformed
# files (ftwin runs it in a helper process for that reason); every such finding is replayed
# through that helper (replay_mesh_isolated) and must give one clean error, not a crash.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-60}
shift || true
harnesses=(case expr mesh mesh_stream sensor_csv history_csv h5_readers manifest)
[ $# -eq 0 ] || harnesses=("$@")
build=${FTWIN_FUZZ_DIR:-$root/build-fuzz}
"$root/scripts/setup-debian.sh" --with-fuzz >/dev/null
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DFTWIN_FUZZ=ON >/dev/null
cmake --build "$build" --target fuzzers replay_mesh_isolated ftwin-read-mesh -j "$(nproc)" >/dev/null
export LSAN_OPTIONS="suppressions=$root/tests/fuzz/lsan.supp"
export ASAN_OPTIONS="allocator_may_return_null=1:detect_leaks=1"
failed=0
for h in "${harnesses[@]}"; do
  corpus=$build/corpus/$h
  art=$build/artifacts/$h
  log=$build/fuzz_$h.log
  mkdir -p "$corpus" "$art"
  if [ "$h" = manifest ]; then
    venv=$build/venv
    [ -x "$venv/bin/python" ] || /usr/bin/python3 -m venv --system-site-packages "$venv" >/dev/null
    "$venv/bin/python" -c "import atheris" 2>/dev/null || "$venv/bin/pip" install -q atheris >/dev/null
    set +e
    "$venv/bin/python" "$root/tests/fuzz/fuzz_manifest.py" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$art/" "$corpus" "$root/tests/fuzz/corpus/$h" >"$log" 2>&1
    rc=$?
    set -e
  else
    extra=()
    [ "$h" = mesh ] && extra=(-fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1)
    set +e
    "$build/fuzz/fuzz_$h" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$art/" "${extra[@]}" "$corpus" "$root/tests/fuzz/corpus/$h" >"$log" 2>&1
    rc=$?
    set -e
  fi
  runs=$(grep -Eo '^(stat::number_of_executed_units|Done) *:? *[0-9]+' "$log" | grep -Eo '[0-9]+$' | tail -1 || true)
  [ -n "$runs" ] || runs=$(grep -Eo '^#[0-9]+' "$log" | tail -1 | tr -d '#' || true)
  cov=$(grep -Eo 'cov: [0-9]+' "$log" | tail -1 || true)
  nfound=$(find "$art" -type f | wc -l)
  verdict=ok
  if [ "$h" = mesh ]; then
    # gmsh's crashes are expected; ftwin's reader path must turn each into one clean error
    bad=0
    for f in "$art"/*; do
      [ -f "$f" ] || continue
      "$build/fuzz/replay_mesh_isolated" "$build/bin/ftwin-read-mesh" "$f" >>"$log" 2>&1 || bad=$((bad + 1))
    done
    [ $bad -eq 0 ] || { verdict="FAIL ($bad findings not handled by the isolated reader)"; failed=1; }
    echo "fuzz_$h: ${secs} s, ${runs:-?} runs, ${cov:-cov: ?}, corpus $(find "$corpus" -type f | wc -l) files, gmsh crashes/timeouts/ooms $nfound (each replayed: one clean error from ftwin's isolated reader) $verdict"
  else
    if [ $rc -ne 0 ] || [ "$nfound" -gt 0 ]; then verdict="FAIL (exit $rc, $nfound findings in $art; log $log)"; failed=1; fi
    echo "fuzz_$h: ${secs} s, ${runs:-?} runs, ${cov:-cov: ?}, corpus $(find "$corpus" -type f | wc -l) files, findings $nfound $verdict"
  fi
done
exit $failed
