#!/usr/bin/env bash
# valgrind memcheck of ftwin on 1 rank: invalid reads/writes, uses of uninitialised values and
# memory definitely lost, in ftwin's own code. Open MPI and the libraries it dlopen()s keep
# blocks to the end and read uninitialised padding of their own (Open MPI's suppression file
# covers part of it); a finding counts when one of its stack frames is in ftwin (the ftwin
# executable or its sources). PETSc objects ftwin did not destroy stay reachable through PETSc's
# own lists (valgrind does not call them lost, and PETSc turns its debugging malloc off under
# valgrind), so each case also runs once outside valgrind with -malloc_debug -malloc_dump.
#   bash scripts/memcheck.sh            the coarse bracket (`run` then `fatigue`) and a bad input
#   bash scripts/memcheck.sh --example  the shipped example (89k DoF; ~10 min under valgrind)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FTWIN_BUILD_DIR:-$root/build}
"$root/scripts/setup-debian.sh" --with-valgrind >/dev/null
"$root/scripts/build.sh" >/dev/null
work=$build/test-output/memcheck
rm -rf "$work"
mkdir -p "$work"
supp=/usr/share/openmpi/openmpi-valgrind.supp
vg=(valgrind --error-exitcode=0 --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite
    --track-origins=yes --num-callers=40 --keep-debuginfo=yes)
[ -f "$supp" ] && vg+=(--suppressions="$supp")
if [ "${1:-}" = --example ]; then
  case_file=$root/inputs/bracket/case.yaml
else
  case_file=$root/tests/e2e/bracket_coarse.yaml
fi
status=0
run() { # NAME, MODE (all: errors and leaks; errors: a run that fails on purpose, whose early
        # return leaves objects for the exit to reclaim), then the ftwin arguments
  local name=$1 mode=$2
  shift 2
  local log=$work/$name.log
  "$build/bin/ftwin" "$@" -malloc_debug -malloc_dump >"$log" 2>&1 || true
  "${vg[@]}" --log-file="$log.vg" "$build/bin/ftwin" "$@" >>"$log.vgout" 2>&1 || true
  python3 - "$log.vg" "$log" "$name" "$mode" <<'EOF' || status=1
import re, sys
vg, out, name, mode = sys.argv[1:5]
text = open(vg).read()
blocks = re.split(r"\n==\d+== \n", text)
ours, theirs = [], 0
for b in blocks:
    head = re.search(r"==\d+== (Invalid (read|write|free)|Conditional jump|Use of uninitialised|Syscall param|Mismatched free|"
                     r"Source and destination overlap|.*definitely lost)", b)
    if not head:
        continue
    # ftwin's frames, other than main (below every MPI start-up and shut-down stack)
    frames = re.findall(r"by 0x[0-9A-F]+: (\S+) \(in \S*/bin/ftwin\)", b) + re.findall(r"at 0x[0-9A-F]+: (\S+) \(in \S*/bin/ftwin\)", b)
    if [f for f in frames if f != "main"] and (mode == "all" or "definitely lost" not in head.group(0)):
        ours.append(b)
    else:
        theirs += 1
petsc = [l for l in open(out) if re.search(r"^\[\s*\d+\]\s*\d+ bytes \S+\(\) at ", l)] if mode == "all" else []
print(f"memcheck {name}: {len(ours)} findings in ftwin's code, {len(petsc)} PETSc blocks not freed, "
      f"{theirs} in Open MPI and other libraries (not ftwin's)")
for b in ours[:5]:
    print(b[:3000])
for l in petsc[:10]:
    print(l.rstrip())
sys.exit(1 if ours or petsc else 0)
EOF
}
run run all run -q "$case_file" -o "$work/run.h5"
if [ "${1:-}" = --example ]; then
  run fatigue all fatigue -q "$case_file" -o "$work/fatigue.h5"
fi
# an error deep in a run (the solve does not converge): what was made up to there is freed too
run failed_solve errors run -q "$case_file" -o "$work/failed.h5" -ksp_max_it 2 -pc_type jacobi
exit $status
