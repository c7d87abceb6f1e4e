#!/bin/bash
# ftwin vs CalculiX on the same P2 mesh of the fe_cube benchmark (cantilever block, clamped at
# x = 0, shear traction (0, 0, -1 MPa) on x = 1, E = 210 GPa, nu = 0.3).
#
# usage: bench/calculix/run.sh [LEVEL...]     (default: 2 3; level 4 is the ~1M-DoF mesh)
# environment:
#   FTWIN        ftwin binary (default /work/main/build/bin/ftwin)
#   CCX_SOLVER   CalculiX *STATIC solver (default SPOOLES; e.g. "ITERATIVE CHOLESKY")
#   CCX_THREADS  OMP_NUM_THREADS / CCX_NPROC_* for ccx (default 1; the Debian ccx 2.20 SPOOLES is serial)
#   CCX_TIMEOUT  seconds before a ccx run is abandoned (default 900)
#   FT_OPTS      extra PETSc options for ftwin (default none)
# The meshes are bench/fe_cube/work/L<level>.msh (made by bench/fe_cube/run.sh if missing).
# Output in bench/calculix/work/: L<level>.inp/.frd/.dat, ccx and ftwin logs, comparison JSON.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cube=$here/../fe_cube
work=$here/work
mkdir -p "$work"
FTWIN=${FTWIN:-/work/main/build/bin/ftwin}
CCX_SOLVER=${CCX_SOLVER:-SPOOLES}
CCX_THREADS=${CCX_THREADS:-1}
CCX_TIMEOUT=${CCX_TIMEOUT:-900}
FT_OPTS=${FT_OPTS:-}
levels=("$@")
[ ${#levels[@]} -eq 0 ] && levels=(2 3)
stag=$(echo "$CCX_SOLVER" | tr -c 'A-Za-z0-9\n' '_')

echo "# $(date -u '+%Y-%m-%d %H:%M:%S UTC')  $(lscpu | grep 'Model name' | sed 's/  */ /g'), $(nproc) cores; $(ccx -v 2>&1 | grep -o 'Version [0-9.]*' | head -1)"
echo "# ccx solver: $CCX_SOLVER, threads: $CCX_THREADS   ftwin: $FTWIN ${FT_OPTS}"
for l in "${levels[@]}"; do
  [ -s "$cube/work/L$l.msh" ] || FTWIN=$FTWIN "$cube/run.sh" "$l" > /dev/null
  [ -s "$cube/work/L$l.yaml" ] || { echo "no $cube/work/L$l.yaml"; exit 1; }
  job=L${l}_$stag
  /usr/bin/python3 "$here/msh2inp.py" "$cube/work/L$l.msh" "$work/$job.inp" --stress --solver "$CCX_SOLVER" | sed 's/^/# /'
  echo "# level $l: ccx ($CCX_SOLVER), load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  set +e
  (cd "$work" && OMP_NUM_THREADS=$CCX_THREADS CCX_NPROC_STIFFNESS=$CCX_THREADS CCX_NPROC_EQUATION_SOLVER=$CCX_THREADS \
     timeout "$CCX_TIMEOUT" /usr/bin/time -v -o "$job.ccx.time" ccx -i "$job" > "$job.ccx.log" 2>&1)
  rc=$?
  set -e
  if [ $rc -ne 0 ]; then
    echo "# level $l: ccx exited with $rc (124 = timeout after $CCX_TIMEOUT s); tail of the log:"
    tail -5 "$work/$job.ccx.log" | sed 's/^/#   /'
    continue
  fi
  for np in 2 1; do
    p=$work/L${l}_ftwin_np$np
    rm -f "$p".time.rank*
    echo "# level $l: ftwin on $np rank(s), load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    # shellcheck disable=SC2086
    mpirun --allow-run-as-root --oversubscribe -n $np "$cube/rank_time.sh" "$p.time" "$FTWIN" run "$cube/work/L$l.yaml" \
      -o "$p.h5" -log_view $FT_OPTS > "$p.log" 2>&1 || { echo "# ftwin failed:"; tail -5 "$p.log"; }
  done
  /usr/bin/python3 "$here/compare.py" "$work/L${l}_ftwin_np2.h5" "$work/$job.frd" --json "$work/$job.compare.json" | sed 's/^/# /'
  /usr/bin/python3 "$here/summary.py" "$work/$job" "$work/L${l}_ftwin_np2" "$work/L${l}_ftwin_np1" | tee "$work/$job.summary.txt"
done
