#!/usr/bin/env python3
"""Runs a validation case and compares one nodal value with its published reference.

reference.json beside the case gives the quantity (an HDF5 dataset path), the point (m),
the component index, the reference value, its unit, the relative tolerance and the source.
The node at the point must exist in the mesh (benchmark points are mesh vertices)."""
import argparse
import json
import os
import sys

import h5py

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))
from ftwin_testlib import run_ftwin, value_at  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--ftwin", required=True)
ap.add_argument("--mpirun", default="mpirun")
ap.add_argument("--ranks", type=int, default=2)
ap.add_argument("--dir", required=True, help="validation folder with case.yaml and reference.json")
ap.add_argument("--out", required=True)
a = ap.parse_args()

refs = json.load(open(os.path.join(a.dir, "reference.json")))
if isinstance(refs, dict):  # one reference, optionally with more points under "additional"
    refs = [refs] + [dict(refs, **extra) for extra in refs.get("additional", [])]
os.makedirs(a.out, exist_ok=True)
h5 = os.path.join(a.out, "result.h5")
p = run_ftwin(a.ftwin, os.path.join(a.dir, "case.yaml"), a.ranks, a.mpirun, extra=["--output", h5])
print(p.stdout)
if p.returncode:
    print(p.stderr)
    sys.exit("ftwin failed")
COMPONENTS = {"xx": 0, "yy": 1, "zz": 2, "yz": 3, "xz": 4, "xy": 5, "x": 0, "y": 1, "z": 2}


def dataset_of(r):
    """reference.json names a dataset directly, or a load case (or thermal case) and a quantity."""
    q = r["quantity"]
    if q.startswith("/"):
        return q
    if r.get("thermal_case"):
        return "/thermal/%s/%s" % (r["thermal_case"], q)
    if q == "temperature":  # the temperature of the case's only thermal case
        with h5py.File(h5, "r") as f:
            (name,) = list(f["/thermal"].keys())
        return "/thermal/%s/temperature" % name
    return "/load_cases/%s/%s" % (r["load_case"], q)


failed = 0
for r in refs:
    v = value_at(h5, dataset_of(r), r["point"])
    comp = r.get("component")
    if isinstance(comp, str):
        comp = COMPONENTS.get(comp)
    v = float(v[comp]) if getattr(v, "ndim", 0) else float(v)
    if "abs_tol" in r:  # a reference value of zero: compare the absolute difference
        rel = abs(v - r["value"])
        ok = rel <= r["abs_tol"]
        print("%s[%s] at %s (%s): ftwin %.6g, reference %.6g %s: absolute difference %.3g (tolerance %g) %s"
              % (dataset_of(r), r.get("component"), r["point"], r.get("note", ""), v, r["value"], r.get("unit", ""),
                 rel, r["abs_tol"], "ok" if ok else "FAIL"))
        failed += not ok
        continue
    rel = abs(v - r["value"]) / abs(r["value"])
    ok = rel <= r["rel_tol"]
    failed += not ok
    print("%s[%s] at %s%s: ftwin %.6g, reference %.6g %s: relative difference %.3f%% (tolerance %.1f%%) %s"
          % (dataset_of(r), r["component"], r["point"], " (%s)" % r["note"] if "note" in r else "", v, r["value"],
             r.get("unit", ""), 100 * rel, 100 * r["rel_tol"], "ok" if ok else "FAIL"))
sources = sorted(set(r["source"] for r in refs))
print("reference source%s: %s" % ("s" if len(sources) > 1 else "", " | ".join(sources)))
print("%d passed, %d failed" % (len(refs) - failed, failed))
sys.exit(1 if failed else 0)
