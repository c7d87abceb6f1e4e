#!/usr/bin/env bash
# What provenance costs (issue 18: hashing < 1 % of an asset run of one week of 1 Hz data).
# Runs the fleet benchmark's one asset x one week (bench/fleet/run.sh 1 168: the coarse bracket,
# 11 sensor channels at 1 Hz, commissioning from a design basis), then prints from its log the
# hashing of the inputs and the seal of the output (digest of every result object + the run record),
# and times `ftwin verify` (what an asset run also spends checking the file it continues) with and
# without --inputs, each as a share of the asset run's wall time.
#   bash bench/provenance/run.sh            # reuses bench/fleet/work_1x168h when it has the asset
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
FTWIN=${FTWIN:-$root/build/bin/ftwin}
w=$root/bench/fleet/work_1x168h
[ -f "$w/assets/a000.h5" ] && [ -f "$w/logs/a000.log" ] || bash "$root/bench/fleet/run.sh" 1 168
log=$w/logs/a000.log
wall=$(sed -n 's/^wall //p' "$log")
line=$(grep "provenance of" "$log")
echo "== $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p')"
echo "asset run (1 week of 1 Hz data, $(du -m "$w/data/a000.csv" | cut -f1) MB of sensor CSV, asset file $(du -m "$w/assets/a000.h5" | cut -f1) MB): wall $wall s"
echo "$line"
hs=$(echo "$line" | sed -n 's/.*hashed in \([0-9.]*\) s.*/\1/p')
ss=$(echo "$line" | sed -n 's/.*recorded in \([0-9.]*\) s.*/\1/p')
t() { local t0 t1; t0=$(date +%s.%N); "$FTWIN" verify "$@" > /dev/null; t1=$(date +%s.%N); echo "$t1 - $t0" | bc -l; }
v=$(t "$w/assets/a000.h5")
vi=$(t "$w/assets/a000.h5" --inputs)
pct() { echo "scale=3; 100 * ($1) / $wall" | bc -l; }
printf "inputs hashed:                      %6.2f s = %s %% of the run\n" "$hs" "$(pct "$hs")"
printf "output sealed (digest + record):    %6.2f s = %s %% of the run\n" "$ss" "$(pct "$ss")"
printf "ftwin verify (process start included; an asset run makes the same check before it continues the file): %6.2f s = %s %%\n" "$v" "$(pct "$v")"
printf "ftwin verify --inputs (process start included): %6.2f s = %s %%\n" "$vi" "$(pct "$vi")"
printf "a continuing run pays inputs + seal + check: %s %% of this run\n" "$(pct "$hs + $ss + $v")"
