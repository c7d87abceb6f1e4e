#!/usr/bin/env python3
"""`fatigue.superposition: gemm` (BLAS) gives the damage of the default fused loop.

The three-channel clamped cube (three_channels.yaml) with the example's 4-hour history: damage
per node from `gemm` in double must equal `fused` to 1e-12 relative (the sums differ only in the
order BLAS adds them; with Debian's reference BLAS they are identical), and `precision: single`
must stay within 1e-3 relative at the hot spot (float rounding of the stress history; see
bench/fatigue/README.md for why single is not recommended). The same for the critical plane (25 and
40 planes): gemm (n^T sigma n from the GEMM history) against fused (by coefficients) to 1e-12.
usage: gemm_matches_fused.py FTWIN OUTDIR"""
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np
import yaml

here = os.path.dirname(os.path.abspath(__file__))
ftwin, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
with open(os.path.join(here, "three_channels.yaml")) as f:
    case = yaml.safe_load(f)
case["mesh"]["file"] = os.path.normpath(os.path.join(here, case["mesh"]["file"]))
case["output"]["file"] = os.path.join(out, "basis.h5")
case["fatigue"]["history"] = os.path.join(here, "..", "..", "inputs", "bracket", "history.csv")
case["fatigue"]["basis"] = os.path.join(out, "basis.h5")
damage = {}
cp, cp40 = {"equivalent_stress": "critical_plane"}, {"equivalent_stress": "critical_plane", "critical_plane_planes": 40}
for tag, extra in [("fused", {}), ("gemm", {"superposition": "gemm"}), ("single", {"superposition": "gemm", "precision": "single"}),
                   ("cp_fused", cp), ("cp_gemm", dict(cp, superposition="gemm")),
                   ("cp40_fused", cp40), ("cp40_gemm", dict(cp40, superposition="gemm"))]:
    c = dict(case, fatigue=dict(case["fatigue"], output=os.path.join(out, tag + ".h5"), **extra))
    path = os.path.join(out, tag + ".yaml")
    with open(path, "w") as f:
        yaml.safe_dump(c, f, sort_keys=False)
    if tag == "fused":
        subprocess.run([ftwin, "run", path, "-q"], check=True)
    subprocess.run([ftwin, "fatigue", path, "-q"], check=True)
    with h5py.File(os.path.join(out, tag + ".h5")) as h:
        damage[tag] = h["/fatigue/damage"][...]
        settings = h["/fatigue"].attrs["settings"]
        print(tag, ":", (settings.decode() if isinstance(settings, bytes) else settings).split("superposition ")[1].split(";")[0])
fails = 0
# critical plane: the fused loop forms the normal stresses by coefficients, sum_k (n^T S_k n) L_k
# (kernels/ft_planes.h), gemm directly as n^T (sum_k S_k L_k) n from its history: equal up to
# rounding (a few 1e-16 of the stress magnitude), damage within 1e-12 relative unless a near
# tie of the counting flips (none on this history)
for tag, tol, base in [("gemm", 1e-12, "fused"), ("single", 1e-3, "fused"), ("cp_gemm", 1e-12, "cp_fused"),
                       ("cp40_gemm", 1e-12, "cp40_fused")]:
    ref = damage[base]
    assert ref.max() > 0
    worst = np.argmax(ref)
    rel = np.max(np.abs(damage[tag] - ref)) / ref.max()
    hot = abs(damage[tag][worst] - ref[worst]) / ref[worst]
    ok = rel <= tol and hot <= tol
    fails += not ok
    print(f"{tag:9s}: max |D - D_{base}| / max D = {rel:.3e}, at the hot spot {hot:.3e} (<= {tol:g}) {'ok' if ok else 'FAIL'}")
sys.exit(1 if fails else 0)
