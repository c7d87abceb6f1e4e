#!/usr/bin/env bash
# Regenerate every shipped mesh in meshes/ from its .geo (gmsh >= 4.8 with OpenCASCADE).
# Idempotent: the same gmsh version gives the same files. Prints each file it makes, its
# tetrahedron count and physical groups (via check_mesh.py), and fails on a gmsh warning or
# error, an empty physical group, a file over 2 MB or a meshes/ total over 10 MB.
#   bash meshes/make_meshes.sh            # all meshes
#   GMSH=/path/to/gmsh bash meshes/make_meshes.sh
set -euo pipefail
cd "$(dirname "$0")"
GMSH=${GMSH:-gmsh}
command -v "$GMSH" >/dev/null || { echo "make_meshes.sh: gmsh not found" >&2; exit 1; }
PY=${PYTHON:-python3}

# output      geo file             format  gmsh -setnumber parameters
MESHES=(
  "cube_n2.msh            cube.geo            msh41  N 2"
  "cube_n4.msh            cube.geo            msh41  N 4"
  "cube_n8.msh            cube.geo            msh41  N 8"
  "cube_n16.msh           cube.geo            msh41  N 16"
  "cube_n2.msh22.msh      cube.geo            msh22  N 2"
  "cube_n4.msh22.msh      cube.geo            msh22  N 4"
  "le10.msh               le10.geo            msh41  h 0.1 hD 0.03"
  "le10_coarse.msh        le10.geo            msh41  h 0.15 hD 0.05"
  "le11.msh               le11.geo            msh41  h 0.08 hA 0.02"
  "thick_cylinder.msh     thick_cylinder.geo  msh41  h 0.01"
  "bracket.msh            bracket.geo         msh41  h 6 hf 2"
  "bracket_coarse.msh     bracket.geo         msh41  h 10 hf 4"
)

status=0
for line in "${MESHES[@]}"; do
  read -r out geo fmt params <<<"$line"
  args=()
  set -- $params
  while [ $# -ge 2 ]; do args+=(-setnumber "$1" "$2"); shift 2; done
  echo "== $out  <-  gmsh -3 -format $fmt ${args[*]} $geo"
  log=$("$GMSH" -3 -format "$fmt" -nt 1 "${args[@]}" "$geo" -o "$out" 2>&1) || { echo "$log"; echo "FAILED: $out" >&2; exit 1; }
  if grep -iE "^(warning|error)" <<<"$log"; then echo "gmsh reported the above for $out" >&2; status=1; fi
  "$PY" check_mesh.py "$out" || status=1
  size=$(stat -c %s "$out")
  if [ "$size" -gt 2000000 ]; then echo "ERROR: $out is $size bytes (> 2 MB)" >&2; status=1; fi
done
total=$(du -cb ./*.msh | tail -1 | cut -f1)
echo "== meshes/*.msh total: $total bytes"
if [ "$total" -gt 10000000 ]; then echo "ERROR: meshes total > 10 MB" >&2; status=1; fi
exit $status
