#!/usr/bin/env python3
"""Manufactured-solution convergence study: P1 and P2 displacement L2 error rates.

Theory (smooth solution, quasi-uniform meshes): ||u - u_h||_L2 = O(h^(p+1)), i.e. rate 2 for P1
and 3 for P2 (e.g. Brenner & Scott, The Mathematical Theory of Finite Element Methods, 3rd ed.,
Thm 5.4.8 with the Aubin-Nitsche argument). Meshes: the unit cube with N = 4, 8, 16 cells per
edge (meshes/cube_nN.msh), so h halves each step. The error is computed by ftwin itself with a
216-point conical-product rule (exact_displacement in the case) and stored as the l2_error attribute.
Passes when the finest-pair rate is within 0.2 of theory for both orders, and every error agrees
to 1e-3 relative with an independent numpy/scipy implementation (reference.json)."""
import argparse
import json
import math
import os
import sys

import h5py

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "tests"))
from ftwin_testlib import materialise_case, run_ftwin  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--ftwin", required=True)
ap.add_argument("--mpirun", default="mpirun")
ap.add_argument("--ranks", type=int, default=2)
ap.add_argument("--out", required=True)
ap.add_argument("--levels", default="4,8,16")
a = ap.parse_args()

E, nu, A, K = 200.0e9, 0.3, 1.0e-3, math.pi / 2
mu = E / (2 * (1 + nu))
F = mu * K * K * A
meshes = os.path.join(here, "..", "..", "meshes")
levels = [int(n) for n in a.levels.split(",")]
expected = json.load(open(os.path.join(here, "reference.json")))["expected_l2_error"]
failed = 0
for order in (1, 2):
    errs = []
    for n in levels:
        work = os.path.join(a.out, "p%d_n%d" % (order, n))
        case = materialise_case(os.path.join(here, "case_template.yaml"), work, {
            "MESH": os.path.join(meshes, "cube_n%d.msh" % n), "ORDER": str(order),
            "A": repr(A), "K": repr(K), "F": repr(F)})
        os.replace(case, os.path.join(work, "case.yaml"))
        p = run_ftwin(a.ftwin, os.path.join(work, "case.yaml"), a.ranks, a.mpirun, extra=["-q", "-ksp_rtol", "1e-12"])
        if p.returncode:
            print(p.stdout, p.stderr)
            sys.exit("ftwin failed for P%d N=%d" % (order, n))
        with h5py.File(os.path.join(work, "result.h5"), "r") as f:
            g = f["/load_cases/mms"]
            errs.append((n, float(g.attrs["l2_error"]), float(g.attrs["l2_norm_exact"])))
    print("P%d:" % order)
    rates = []
    for i, (n, e, nrm) in enumerate(errs):
        rate = math.log(errs[i - 1][1] / e) / math.log(n / errs[i - 1][0]) if i else float("nan")
        rates.append(rate)
        ref = expected["p%d" % order].get(str(n))
        agree = ref is None or abs(e - ref) <= 1e-3 * ref
        failed += not agree
        print("  N=%3d  L2 error %.4e  relative %.4e  rate %s  independent solver %s %s" % (
            n, e, e / nrm, "%.3f" % rate if i else "-", "%.4e" % ref if ref else "-", "ok" if agree else "DIFFERS"))
    ok = abs(rates[-1] - (order + 1)) <= 0.2
    failed += not ok
    print("  finest rate %.3f, theory %d: %s" % (rates[-1], order + 1, "ok" if ok else "FAIL"))
print("%d passed, %d failed" % (2 + 2 * len(levels) - failed, failed))
sys.exit(1 if failed else 0)
