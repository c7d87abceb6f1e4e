#!/usr/bin/env bash
# Submit a fleet: the design's basis job, then the asset job array over the manifest, then the
# fleet summary, chained by Slurm dependencies:
#
#   basis (ftwin-basis-D)  --afterok-->  assets (ftwin-asset-D, --array=0-(n-1)%THROTTLE)
#                          --afterany--> summary (ftwin-summary-D)
#
# Usage: fleet-submit.sh MANIFEST DESIGN_CASE OUTDIR [--throttle N] [--ranks R] [--gpus G]
#                        [--root DIR]... [--sbatch "OPTIONS"] [--wait]
#   --throttle N   at most N assets run at once (default 10)
#   --ranks R      MPI ranks per job (basis and each asset; default 1)
#   --gpus G       GPUs per node for each asset job (--gpus-per-node=G; default 0: none asked)
#   --root DIR     another folder the manifest's data and output paths may lie in (repeatable)
#   --sbatch OPTS  extra sbatch options for every job (e.g. "--partition=long --time=02:00:00")
#   --wait         block until the summary job ends; exit with its code
# Writes OUTDIR/basis/DESIGN.h5, OUTDIR/logs/ (one log per job: %x-%j.out, %x-%A_%a.out for the
# array) and OUTDIR/summary.{csv,h5}; each asset's files go where its manifest row says.
# Prints the job ids (last line: FLEET_JOBS basis=B array=A summary=S).
# If the basis fails, the array is cancelled (--kill-on-invalid-dep) and the summary lists every
# asset as failed. Exit code: 0 submitted (with --wait: 0 all assets ok, 3 some asset failed, other:
# the summary job failed), 2 bad arguments or manifest, 1 sbatch failed.
# Environment: FTWIN (the ftwin binary; default: ftwin on PATH, else build/bin/ftwin of this
# tree), FTWIN_PYTHON (default python3), FTWIN_ARGS (extra ftwin options, e.g. -q), SLURM_CONF,
# FTWIN_RECALIBRATE (1: every asset run fits its calibration again: ftwin asset --recalibrate).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
me=fleet-submit.sh
die() { echo "$me: error: $1" >&2; exit "${2:-2}"; }
posint() { if ! [[ $2 =~ ^[0-9]+$ ]] || [ "$2" -lt "$3" ]; then die "$1: must be an integer >= $3: '$2'"; fi; }

[ $# -ge 3 ] || die "usage: $me MANIFEST DESIGN_CASE OUTDIR [--throttle N] [--ranks R] [--gpus G] [--root DIR] [--sbatch OPTS] [--wait]"
manifest=$(realpath -- "$1") || die "manifest: no such file: '$1'"
design=$(realpath -- "$2") || die "design case: no such file: '$2'"
outdir=$(realpath -m -- "$3")
[ -f "$manifest" ] || die "manifest: no such file: '$1'"
[ -f "$design" ] || die "design case: no such file: '$2'"
shift 3
throttle=10 ranks=1 gpus=0 wait=0 extra="" roots=()
while [ $# -gt 0 ]; do
  case "$1" in
    --throttle) posint --throttle "${2:-}" 1; throttle=$2; shift 2 ;;
    --ranks) posint --ranks "${2:-}" 1; ranks=$2; shift 2 ;;
    --gpus) posint --gpus "${2:-}" 0; gpus=$2; shift 2 ;;
    --root) [ -d "${2:-}" ] || die "--root: no such folder: '${2:-}'"; roots+=("$(realpath -- "$2")"); shift 2 ;;
    --sbatch) extra=${2:-}; shift 2 ;;
    --wait) wait=1; shift ;;
    *) die "unknown option: '$1'" ;;
  esac
done

PY=${FTWIN_PYTHON:-python3}
FLEET=$root/scripts/fleet.py
if [ -z "${FTWIN:-}" ]; then
  FTWIN=$(command -v ftwin || echo "$root/build/bin/ftwin")
fi
[ -x "$FTWIN" ] || die "FTWIN: ftwin binary not found or not executable: '$FTWIN' (build it, or set FTWIN)"
FTWIN=$(realpath -- "$FTWIN")
command -v sbatch >/dev/null || die "sbatch not found (is Slurm installed? scripts/setup-debian.sh --with-slurm)"

# Validate the manifest against the design (ids, paths inside the allowed roots, design names).
FTWIN_FLEET_ROOTS=$(IFS=:; echo "${roots[*]:-}")
export FTWIN_FLEET_ROOTS
info=$("$PY" "$FLEET" check "$manifest" --design "$design" --shell) || exit 2
FLEET_N=$(sed -n 's/^FLEET_N=\([0-9][0-9]*\)$/\1/p' <<<"$info")
FLEET_DESIGN=$(sed -n 's/^FLEET_DESIGN=\([A-Za-z0-9_.-]*\)$/\1/p' <<<"$info")
if [ -z "$FLEET_N" ] || [ -z "$FLEET_DESIGN" ]; then die "fleet.py check gave no count/design: '$info'" 1; fi

mkdir -p "$outdir/logs" "$outdir/basis"
basis=$outdir/basis/$FLEET_DESIGN.h5
# What the jobs need, passed through sbatch's default --export=ALL.
FTWIN_FLEET_RUN="$(date -u +%Y%m%dT%H%M%SZ)-$$"
export FTWIN FTWIN_PYTHON=$PY FTWIN_FLEET_PY=$FLEET FTWIN_FLEET_RUN FTWIN_ARGS=${FTWIN_ARGS:-} FTWIN_RECALIBRATE=${FTWIN_RECALIBRATE:-0}
gpu_opt=()
[ "$gpus" -gt 0 ] && gpu_opt=(--gpus-per-node="$gpus")
# shellcheck disable=SC2206 # the extra options are a list
xopt=($extra)

b=$(sbatch --parsable "${xopt[@]}" -J "ftwin-basis-$FLEET_DESIGN" -n "$ranks" -o "$outdir/logs/%x-%j.out" \
  "$here/basis.sbatch" "$design" "$basis") || die "sbatch of the basis job failed" 1
b=${b%%;*}
a=$(sbatch --parsable "${xopt[@]}" -J "ftwin-asset-$FLEET_DESIGN" --array="0-$((FLEET_N - 1))%$throttle" -n "$ranks" "${gpu_opt[@]}" \
  --dependency="afterok:$b" --kill-on-invalid-dep=yes -o "$outdir/logs/%x-%A_%a.out" \
  "$here/asset.sbatch" "$manifest" "$design" "$basis") || die "sbatch of the asset array failed (basis job $b is queued)" 1
a=${a%%;*}
sum_opts=(--parsable "${xopt[@]}" -J "ftwin-summary-$FLEET_DESIGN" -n 1 --dependency="afterany:$a" -o "$outdir/logs/%x-%j.out")
sum_job=("$here/summary.sbatch" "$manifest" "$outdir")
echo "$me: fleet run $FTWIN_FLEET_RUN: $FLEET_N assets of design $FLEET_DESIGN, at most $throttle at once, $ranks ranks each"
echo "$me: basis job $b -> $basis"
echo "$me: asset array $a (tasks 0-$((FLEET_N - 1)))"
if [ "$wait" -eq 0 ]; then
  s=$(sbatch "${sum_opts[@]}" "${sum_job[@]}") || die "sbatch of the summary job failed" 1
  s=${s%%;*}
  echo "$me: summary job $s -> $outdir/summary.csv, $outdir/summary.h5; logs in $outdir/logs"
  echo "FLEET_JOBS basis=$b array=$a summary=$s"
  exit 0
fi
# --wait: sbatch --wait prints the id at submission and exits with the job's exit code when it ends.
idfile=$(mktemp)
sbatch "${sum_opts[@]}" --wait "${sum_job[@]}" >"$idfile" &
pid=$!
while [ ! -s "$idfile" ] && kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
s=$(head -n 1 "$idfile")
s=${s%%;*}
echo "$me: summary job $s -> $outdir/summary.csv, $outdir/summary.h5; logs in $outdir/logs"
echo "FLEET_JOBS basis=$b array=$a summary=$s"
echo "$me: waiting for the summary job $s"
set +e
wait "$pid"
rc=$?
set -e
rm -f "$idfile"
echo "$me: summary job $s ended with exit code $rc"
exit $rc
