#!/bin/bash
# Solver-option study on one level of the fe_cube benchmark (run run.sh for that level first, so
# that work/L<level>.msh and .yaml exist).
#
# usage: bench/fe_cube/tune.sh LEVEL [VARIANT...]     (default: every variant below)
# environment: FTWIN, NP (as run.sh)
# Each variant is run once; results: work/tune_L<level>_np<NP>_<variant>.{log,h5,time.rank*}, table at the end.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$here/work
FTWIN=${FTWIN:-/work/main/build/bin/ftwin}
NP=${NP:-2}
l=$1; shift
[ -s "$work/L$l.yaml" ] || { echo "run $here/run.sh $l first"; exit 1; }

declare -A V
V[default]=""
V[rtol1e-8]="-ksp_rtol 1e-8"
V[thr0.01]="-pc_gamg_threshold 0.01"
V[thr0.05]="-pc_gamg_threshold 0.05"
V[sq0]="-pc_gamg_square_graph 0"
V[sq0_thr0.01]="-pc_gamg_square_graph 0 -pc_gamg_threshold 0.01"
V[unsmoothed]="-pc_gamg_agg_nsmooths 0"
V[cheb1]="-mg_levels_ksp_max_it 1"
V[cheb3]="-mg_levels_ksp_max_it 3"
V[cheb4]="-mg_levels_ksp_max_it 4"
V[sor]="-mg_levels_pc_type sor"
V[gmres]="-ksp_type gmres -ksp_gmres_restart 100"
V[eqlim]="-pc_gamg_coarse_eq_limit 3000 -pc_gamg_process_eq_limit 200"
V[ptap_aao]="-matptap_via allatonce"
V[hypre]="-pc_type hypre -pc_hypre_type boomeramg -pc_hypre_boomeramg_strong_threshold 0.5 -pc_hypre_boomeramg_coarsen_type HMIS -pc_hypre_boomeramg_interp_type ext+i -pc_hypre_boomeramg_nodal_coarsen 6 -pc_hypre_boomeramg_vec_interp_variant 2 -pc_hypre_boomeramg_agg_nl 1"
V[ml]="-pc_type ml -pc_ml_nullspace user"
# combinations, filled in from the single-option results
V[sq0_thr0.01_rtol1e-8]="-pc_gamg_square_graph 0 -pc_gamg_threshold 0.01 -ksp_rtol 1e-8"
V[sq0_unsm]="-pc_gamg_square_graph 0 -pc_gamg_agg_nsmooths 0"
V[sq0_cheb3]="-pc_gamg_square_graph 0 -mg_levels_ksp_max_it 3"
V[sq0_thr0.01_cheb3]="-pc_gamg_square_graph 0 -pc_gamg_threshold 0.01 -mg_levels_ksp_max_it 3"
V[thr0.01_cheb3]="-pc_gamg_threshold 0.01 -mg_levels_ksp_max_it 3"
V[cheb1_eqlim]="-mg_levels_ksp_max_it 1 -pc_gamg_coarse_eq_limit 3000 -pc_gamg_process_eq_limit 200"
V[thr0.01_cheb1]="-pc_gamg_threshold 0.01 -mg_levels_ksp_max_it 1"
V[ml_rtol1e-8]="-pc_type ml -pc_ml_nullspace user -ksp_rtol 1e-8"
V[cheb1_rtol1e-8]="-mg_levels_ksp_max_it 1 -ksp_rtol 1e-8"
V[sq2]="-pc_gamg_square_graph 2"
V[thr0]="-pc_gamg_threshold 0"
V[rtol1e-6]="-ksp_rtol 1e-6"
V[rtol1e-5]="-ksp_rtol 1e-5"
V[rtol1e-4]="-ksp_rtol 1e-4"

variants=("$@")
[ ${#variants[@]} -eq 0 ] && variants=(default rtol1e-8 thr0.01 thr0.05 sq0 sq0_thr0.01 unsmoothed cheb1 cheb3 cheb4 sor gmres eqlim ptap_aao hypre ml)
prefixes=()
for v in "${variants[@]}"; do
  [ -n "${V[$v]+x}" ] || { echo "unknown variant $v"; exit 1; }
  p=$work/tune_L${l}_np${NP}_$v
  rm -f "$p".time.rank*
  echo "# $v: ${V[$v]:-(defaults)}   load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  set +e
  # shellcheck disable=SC2086
  mpirun --allow-run-as-root --oversubscribe -n "$NP" "$here/rank_time.sh" "$p.time" "$FTWIN" run "$work/L$l.yaml" -o "$p.h5" -log_view ${V[$v]} > "$p.log" 2>&1
  rc=$?
  set -e
  [ $rc -ne 0 ] && { echo "# $v: ftwin exited with $rc"; tail -5 "$p.log"; }
  prefixes+=("$p")
done
/usr/bin/python3 "$here/parse_run.py" --json "$work/tune_L${l}_np${NP}.json" "${prefixes[@]}"
