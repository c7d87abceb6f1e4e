#!/usr/bin/env python3
"""Constant amplitude, end to end: `ftwin run` then `ftwin fatigue` on a uniform uniaxial stress,
against the hand calculation, for a fully reversed and a mean-stress (Goodman) history.

Basquin: N(S_a) = N_ref (S_a / S_ref)^-m with S_ref = 500 MPa, N_ref = 1e3, m = 8.
History A: F = +1, -1, +1, ... (2n+1 samples): n full cycles of amplitude 100 MPa, mean 0:
  D = n / N(100 MPa) = n / (1e3 * 5^8) = n / 3.90625e8.
History B: F = 1.5, 0.5, 1.5, ...: amplitude 50 MPa, mean 100 MPa; Goodman (S_u = 600 MPa):
  S_ar = 50 / (1 - 100/600) = 60 MPa, D = n / (1e3 (60/500)^-8).
Also checked: life_hours = duration / D / 3600; the same on 1 and 2 ranks. The stress comes from
the finite-element solve (solver tolerance 1e-10), so the damage agrees to ~1e-8 relative
(m times the stress error); the kernels alone are checked to 1e-12 in kernels/tests/test_fatigue.c."""
import argparse
import os
import shutil
import sys

import h5py
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, ".."))
from ftwin_testlib import run_ftwin  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--ftwin", required=True)
ap.add_argument("--mpirun", default="mpirun")
ap.add_argument("--work", required=True)
a = ap.parse_args()

os.makedirs(a.work, exist_ok=True)
case = os.path.join(a.work, "const_amp.yaml")
shutil.copy(os.path.join(here, "const_amp.yaml"), case)
with open(case) as f:
    text = f.read().replace("../../meshes/", os.path.join(here, "..", "..", "meshes") + "/")
with open(case, "w") as f:
    f.write(text)
p = run_ftwin(a.ftwin, case, 1, a.mpirun, extra=["-q"])
assert p.returncode == 0, p.stdout + p.stderr

n = 1000
checks = []
for name, hi, lo, amp in (("reversed", 1.0, -1.0, 100e6), ("goodman", 1.5, 0.5, 60e6)):
    with open(os.path.join(a.work, "history.csv"), "w") as f:
        f.write("time,F\n")
        for i in range(2 * n + 1):
            f.write("%d,%r\n" % (i, hi if i % 2 == 0 else lo))
    Nf = 1e3 * (amp / 500e6) ** -8
    D_hand = n / Nf
    for ranks in (1, 2):
        out = os.path.join(a.work, "%s_r%d.h5" % (name, ranks))
        p = run_ftwin(a.ftwin, case, ranks, a.mpirun, extra=["-q", "--output", out], command="fatigue")
        assert p.returncode == 0, p.stdout + p.stderr
        with h5py.File(out, "r") as f:
            D = f["/fatigue/damage"][...]
            life = f["/fatigue/life_hours"][...]
            hs = f["/fatigue/hot_spots/damage"][...]
        rel = np.abs(D - D_hand).max() / D_hand
        checks.append(("%s, %d rank(s): damage at every node = %.10g (hand %.10g), max rel diff %.2e" % (name, ranks, D.max(), D_hand, rel), rel < 1e-6))
        lrel = np.abs(life - 2 * n / 3600.0 / D_hand).max() / (2 * n / 3600.0 / D_hand)
        checks.append(("%s, %d rank(s): life_hours = duration / D, rel diff %.2e" % (name, ranks, lrel), lrel < 1e-6))
        checks.append(("%s, %d rank(s): hot-spot table sorted and equal to the field max" % (name, ranks),
                       abs(hs[0] - D.max()) <= 1e-15 * D.max() and np.all(np.diff(hs) <= 0)))
# a basis whose region_names attribute is a variable-length UTF-8 string, as h5py writes it
vbasis = os.path.join(a.work, "vlen_basis.h5")
shutil.copy(os.path.join(a.work, "results", "basis.h5"), vbasis)
with h5py.File(vbasis, "a") as f:
    del f.attrs["region_names"]
    f.attrs["region_names"] = "body_vlen"
vcase = os.path.join(a.work, "vlen.yaml")
with open(case) as f:
    text = f.read().replace("  history: history.csv", "  basis: %s\n  history: history.csv" % vbasis)
with open(vcase, "w") as f:
    f.write(text)
vout = os.path.join(a.work, "vlen_out.h5")
p = run_ftwin(a.ftwin, vcase, 1, a.mpirun, extra=["-q", "--output", vout], command="fatigue")
assert p.returncode == 0, p.stdout + p.stderr
with h5py.File(vout, "r") as f:
    names = f.attrs["region_names"]
checks.append(("variable-length region_names in the basis read back as %r" % names, names in (b"body_vlen", "body_vlen")))

failed = 0
for what, ok in checks:
    failed += not ok
    print("%-100s %s" % (what, "ok" if ok else "FAIL"))
print("%d passed, %d failed" % (len(checks) - failed, failed))
sys.exit(1 if failed else 0)
