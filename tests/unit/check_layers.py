#!/usr/bin/python3
"""The layering of src/ against the order documented in docs/ARCHITECTURE.md.

    /usr/bin/python3 tests/unit/check_layers.py [REPO_ROOT]

docs/ARCHITECTURE.md has one line `Layers, lowest first: a < b, c < d ...` (folders separated by
`<`; folders at one level, separated by commas, may not include each other). Checks:
  1. every `#include "x/..."` in src/<folder>/ names <folder> itself or a folder of a lower level;
  2. every `ftwin_stage(<folder> ... DEPENDS ftwin_x ...)` in CMakeLists.txt links lower levels only;
  3. kernels/, src/util/ and src/case/ include no PETSc, MPI or HDF5 header (kernels/ builds on a
     machine without them; util and case are linked by the fuzzers alone), and kernels/ includes
     nothing of src/.
Prints each violation as FILE:LINE: message; exit 1 when there is any, 0 otherwise. The build
enforces rule 1 as well (each stage's include path holds only its own and lower folders); this
check also covers headers no .c file includes and names the rule that was broken.
"""
import os
import re
import sys

root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", ".."))


def read_order():
    doc = os.path.join(root, "docs", "ARCHITECTURE.md")
    for line in open(doc, encoding="utf-8"):
        m = re.match(r"\s*`?Layers, lowest first:\s*(.+?)`?\s*$", line)
        if m:
            rank = {}
            for level, group in enumerate(m.group(1).split("<")):
                for name in group.split(","):
                    rank[name.strip()] = level
            return rank
    sys.exit(f"{doc}: no line 'Layers, lowest first: ...'")


def main():
    rank = read_order()
    bad = []
    forbidden = re.compile(r'#\s*include\s*[<"](petsc[a-z]*\.h|mpi\.h|hdf5\.h|H5[A-Za-z]*\.h)[>"]')
    quoted = re.compile(r'#\s*include\s*"([^"/]+)/[^"]+"')
    folders = [("kernels", os.path.join(root, "kernels"))] + [
        (d, os.path.join(root, "src", d)) for d in sorted(os.listdir(os.path.join(root, "src")))
        if os.path.isdir(os.path.join(root, "src", d))]
    for folder, path in folders:
        if folder not in rank:
            bad.append(f"{path}: folder '{folder}' is not in the documented order (docs/ARCHITECTURE.md)")
            continue
        for d, _, files in os.walk(path):
            for f in sorted(files):
                if not f.endswith((".c", ".h", ".cu", ".cuh", ".in")):
                    continue
                p = os.path.join(d, f)
                rel = os.path.relpath(p, root)
                for n, line in enumerate(open(p, encoding="utf-8", errors="replace"), 1):
                    if folder in ("kernels", "util", "case") and forbidden.search(line):
                        bad.append(f"{rel}:{n}: {folder}/ must not include PETSc, MPI or HDF5: {line.strip()}")
                    m = quoted.search(line)
                    if not m:
                        continue
                    target = m.group(1)
                    if target not in rank:
                        continue  # a system header with a folder, e.g. "sys/..." in quotes
                    elif folder == "kernels":
                        bad.append(f"{rel}:{n}: kernels/ includes nothing of src/: {line.strip()}")
                    elif target != folder and rank[target] >= rank[folder]:
                        bad.append(f"{rel}:{n}: {folder} (level {rank[folder]}) includes {target} (level {rank[target]}), "
                                   f"which is not below it: {line.strip()}")
    cm = open(os.path.join(root, "CMakeLists.txt"), encoding="utf-8").read()
    for m in re.finditer(r"ftwin_stage\((\w+)([^)]*)\)", cm):
        name, args = m.group(1), m.group(2)
        deps = re.findall(r"ftwin_(\w+)", args.split("DEPENDS", 1)[1]) if "DEPENDS" in args else []
        for dep in deps:
            if dep in ("kernels", "cuda"):
                continue
            if name not in rank or dep not in rank:
                bad.append(f"CMakeLists.txt: ftwin_stage({name}) links ftwin_{dep}: not in the documented order")
            elif rank[dep] >= rank[name]:
                bad.append(f"CMakeLists.txt: ftwin_stage({name}) links ftwin_{dep}, which is not below it")
    for b in bad:
        print(b)
    levels = [", ".join(sorted(k for k in rank if rank[k] == lv)) for lv in range(max(rank.values()) + 1)]
    print(f"check_layers: {len(bad)} violation(s) of: {' < '.join(levels)}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
