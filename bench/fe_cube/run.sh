#!/bin/bash
# ftwin elasticity benchmark: P2 cantilever block 1 x 0.25 x 0.25 m (steel, E = 210 GPa, nu = 0.3),
# clamped at x = 0, shear traction t = (0, 0, -1 MPa) on x = 1, at 4 mesh levels up to ~1M DoF.
#
# usage: bench/fe_cube/run.sh [LEVEL...]        (default: 1 2 3 4)
# environment:
#   FTWIN   ftwin binary              (default /work/main/build/bin/ftwin)
#   NP      MPI ranks                 (default 2)
#   OPTS    extra PETSc options       (default none, i.e. ftwin's built-in CG + GAMG defaults)
#   TAG     suffix of the result names, to keep runs with different OPTS apart (default none)
#   REPEAT  runs per level; the table lists every run (default 1)
# Everything goes to bench/fe_cube/work/: L<level>.msh, L<level>.yaml, L<level><TAG>[.r<i>].{log,h5,time.rank*}
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$here/work
mkdir -p "$work"
FTWIN=${FTWIN:-/work/main/build/bin/ftwin}
NP=${NP:-2}
OPTS=${OPTS:-}
TAG=${TAG:-}
REPEAT=${REPEAT:-1}
MPIRUN=(mpirun --allow-run-as-root --oversubscribe -n "$NP")
# element size per level (gmsh HXT, 1 x 0.25 x 0.25 box); P2 DoF ~ 16k, 64k, 270k, 1.0M
declare -A H=([1]=0.041 [2]=0.0259 [3]=0.0163 [4]=0.0103 [5]=0.0082)
levels=("$@")
[ ${#levels[@]} -eq 0 ] && levels=(1 2 3 4)

echo "# $(date -u '+%Y-%m-%d %H:%M:%S UTC')  $(lscpu | grep 'Model name' | sed 's/  */ /g'), $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB"
echo "# ftwin: $FTWIN   ranks: $NP   options: ${OPTS:-(defaults)}"
prefixes=()
for l in "${levels[@]}"; do
  h=${H[$l]}
  if [ ! -s "$work/L$l.msh" ]; then
    t0=$(date +%s.%N)
    # one thread: gmsh 4.8.4's multi-threaded 3D meshing (-nt 2) sometimes leaves duplicate nodes,
    # i.e. internal cracks in the mesh (seen at h = 0.041); check_mesh.py catches that.
    gmsh -3 "$here/beam.geo" -setnumber h "$h" -nt 1 -o "$work/L$l.msh" > "$work/L$l.gmsh.log" 2>&1
    echo "# level $l: gmsh h = $h: $(grep -o '[0-9]* nodes [0-9]* elements' "$work/L$l.gmsh.log" | tail -1) ($(echo "$(date +%s.%N) - $t0" | bc) s)"
    /usr/bin/python3 "$here/check_mesh.py" "$work/L$l.msh" | sed 's/^/# /' || { echo "# level $l: broken mesh"; rm -f "$work/L$l.msh"; exit 1; }
  fi
  cat > "$work/L$l.yaml" <<EOF
name: beam_L$l
mesh: {file: L$l.msh, order: 2}
materials:
  - {region: body, E: 210e9, nu: 0.3}
mechanical:
  constraints:
    - {region: fixed, components: [x, y, z]}
  load_cases:
    - name: tip_shear
      traction: [{region: load, value: [0, 0, -1.0e6]}]
output: {file: L$l.h5, xdmf: false}
EOF
  for ((r = 1; r <= REPEAT; r++)); do
    p=$work/L$l$TAG
    [ "$REPEAT" -gt 1 ] && p=$p.r$r
    rm -f "$p".time.rank*
    echo "# level $l run $r: load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    set +e
    # shellcheck disable=SC2086
    "${MPIRUN[@]}" "$here/rank_time.sh" "$p.time" "$FTWIN" run "$work/L$l.yaml" -o "$p.h5" -log_view $OPTS > "$p.log" 2>&1
    rc=$?
    set -e
    [ $rc -ne 0 ] && { echo "# level $l: ftwin exited with $rc; tail of $p.log:"; tail -20 "$p.log"; }
    prefixes+=("$p")
  done
done
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/python3 "$here/parse_run.py" --json "$work/results${TAG}.json" "${prefixes[@]}"
