#!/usr/bin/env python3
"""`ftwin basis` once per design, then asset runs from it (issue: fleets, item 1).

Coarse bracket design (tests/assim/twin.yaml); an asset whose truth (E x 0.99, alpha x 1.01,
h x 1.015) lies inside the 2 % linear range, 1 % noise, 10 % faults. Checks:
  - the asset run from the basis performs no FE solve (fe_solves = 0 in /calibration);
  - it gives the parameters, loads, damage and life of an asset run that solves for itself (same
    linearisation point) to 1e-5 (the two make their FE solves in separate runs, on partitions
    that may differ: solver-level differences, amplified by the forward differences);
  - an asset case that differs from the design only in its data, outputs and noise levels is
    accepted; a basis built from another design (E changed by 1 %) is refused with one clear
    message, exit 1, and no asset file.
usage: basis_asset.py FTWIN MPIRUN OUTDIR"""
import copy
import os
import shlex
import subprocess
import sys

import h5py
import numpy as np
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
ftwin, mpirun, out = sys.argv[1], shlex.split(sys.argv[2]), sys.argv[3]
os.makedirs(out, exist_ok=True)
py = sys.executable
gen = os.path.join(ROOT, "scripts", "make_sensor_data.py")
fails = []


def check(ok, what):
    print(("ok    " if ok else "FAIL  ") + what, flush=True)
    if not ok:
        fails.append(what)


def run(cmd, rc=0):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if rc is not None and r.returncode != rc:
        print(r.stdout[-3000:], r.stderr[-3000:])
        sys.exit(f"exit {r.returncode}: {' '.join(cmd)}")
    return r


case_in = os.path.join(HERE, "twin.yaml")
with open(case_in) as f:
    design = yaml.safe_load(f)
design["mesh"]["file"] = os.path.normpath(os.path.join(HERE, design["mesh"]["file"]))
design["fatigue"]["history"] = os.path.join(ROOT, "inputs", "bracket", "history.csv")
design["output"]["file"] = f"{out}/design_basis.h5"
design["fatigue"]["basis"] = f"{out}/design_basis.h5"
design["fatigue"]["output"] = f"{out}/unused_fatigue.h5"
design["sensors"]["data"] = f"{out}/sensors.csv"
design["calibration"]["output"] = f"{out}/unused_asset.h5"
with open(f"{out}/design.yaml", "w") as f:
    yaml.safe_dump(design, f, sort_keys=False)

# truth and data
run([py, gen, "truth-case", f"{out}/design.yaml", "--set", "E_body=0.99", "--set", "alpha_body=1.01", "--set", "h_air=1.015",
     "--results", f"{out}/truth.h5", "-o", f"{out}/truth.yaml"])
run(mpirun + ["-n", "2", ftwin, "run", f"{out}/truth.yaml", "-q", "-ksp_rtol", "1e-10", "-thermal_ksp_rtol", "1e-10"])
run([py, gen, "data", f"{out}/design.yaml", "--results", f"{out}/truth.h5", "--truth-case", f"{out}/truth.yaml",
     "--history", design["fatigue"]["history"], "--faults", "0.10", "--seed", "5", "-o", f"{out}/asset_data.csv"])

# the asset's own case: other data path, outputs, noise levels (not part of the design)
asset = copy.deepcopy(design)
asset["sensors"]["data"] = f"{out}/asset_data.csv"
asset["calibration"]["output"] = f"{out}/asset.h5"
for s in asset["sensors"]["list"]:
    s["noise"] = float(s["noise"]) * 1.0000001
with open(f"{out}/asset.yaml", "w") as f:
    yaml.safe_dump(asset, f, sort_keys=False)

tight = ["-ksp_rtol", "1e-10", "-thermal_ksp_rtol", "1e-10"]
run(mpirun + ["-n", "2", ftwin, "basis", f"{out}/design.yaml", "-q"] + tight)
with h5py.File(f"{out}/design_basis.h5") as h:
    check("/basis/response_sensitivity" in h and "/load_cases/lift/stress" in h, "the basis file has the unit fields and /basis")
run(mpirun + ["-n", "2", ftwin, "calibrate", f"{out}/asset.yaml", "--basis", f"{out}/design_basis.h5", "-q", "-o", f"{out}/from_basis.h5"] + tight)
run(mpirun + ["-n", "2", ftwin, "calibrate", f"{out}/asset.yaml", "-q", "-o", f"{out}/self_solved.h5"] + tight)
with h5py.File(f"{out}/from_basis.h5") as a, h5py.File(f"{out}/self_solved.h5") as b:
    ca, cb = a["/calibration"], b["/calibration"]
    check(int(ca.attrs["fe_solves"]) == 0, f"asset run from the basis: {int(ca.attrs['fe_solves'])} FE solves (0)")
    check(int(cb.attrs["fe_solves"]) == 4, f"asset run that solves for itself: {int(cb.attrs['fe_solves'])} FE solves (4)")
    va, vb = ca["parameters/value"][...], cb["parameters/value"][...]
    check(np.max(np.abs(va - vb) / np.abs(vb)) < 1e-5, f"parameters {va} vs {vb} (rel diff {np.max(np.abs(va - vb) / np.abs(vb)):.1e} < 1e-5)")
    la, lb = ca["loads/values"][...], cb["loads/values"][...]
    ok = np.isfinite(lb)
    check(np.array_equal(np.isfinite(la), ok) and np.max(np.abs(la[ok] - lb[ok])) < 1e-5 * np.abs(lb[ok]).max(),
          f"identified loads agree: {np.max(np.abs(la[ok] - lb[ok])) / np.abs(lb[ok]).max():.1e} (< 1e-5)")
    for key in ("nominal_hours", "median_hours"):
        x, y = float(ca["life"].attrs[key]), float(cb["life"].attrs[key])
        check(abs(x - y) <= 1e-5 * y, f"life {key}: {x:.10g} vs {y:.10g}")
    # node numbering follows each basis file's partition: compare by coordinates
    ka = np.lexsort(np.round(a["/mesh/coordinates"][...] * 1e9).T[::-1])
    kb = np.lexsort(np.round(b["/mesh/coordinates"][...] * 1e9).T[::-1])
    da, db = a["/fatigue/damage"][...][ka], b["/fatigue/damage"][...][kb]
    check(np.max(np.abs(da - db)) <= 1e-5 * db.max(), f"damage field agrees to {np.max(np.abs(da - db)) / db.max():.1e} (<= 1e-5)")

# SIGTERM during an asset run: exit 75, the previous asset file byte-identical; run again: same results
import hashlib
import signal
import time
prev = f"{out}/from_basis.h5"
digest = hashlib.md5(open(prev, "rb").read()).hexdigest()
with h5py.File(prev) as h:
    d_before = h["/fatigue/damage"][...]
p = subprocess.Popen([ftwin, "calibrate", f"{out}/asset.yaml", "--basis", f"{out}/design_basis.h5", "-o", prev] + tight,
                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
for line in p.stdout:  # signal once the run is under way (its data are read)
    if "sensor data" in line or "basis " in line:
        break
p.send_signal(signal.SIGTERM)
rest = p.communicate(timeout=300)[0]
check(p.returncode == 75 and hashlib.md5(open(prev, "rb").read()).hexdigest() == digest,
      f"SIGTERM during the asset run: exit {p.returncode} (75), previous asset file byte-identical")
run([ftwin, "calibrate", f"{out}/asset.yaml", "--basis", f"{out}/design_basis.h5", "-q", "-o", prev] + tight)
with h5py.File(prev) as h:
    d_after = h["/fatigue/damage"][...]
check(np.max(np.abs(d_after - d_before)) <= 1e-8 * d_before.max(), "run again after the stop: the damage of the uninterrupted run")

# a basis from another design is refused
other = copy.deepcopy(design)
other["materials"][0]["E"] = float(other["materials"][0]["E"]) * 1.01
other["output"]["file"] = f"{out}/other_basis.h5"
with open(f"{out}/other.yaml", "w") as f:
    yaml.safe_dump(other, f, sort_keys=False)
run(mpirun + ["-n", "2", ftwin, "basis", f"{out}/other.yaml", "-q"])
r = run(mpirun + ["-n", "2", ftwin, "calibrate", f"{out}/asset.yaml", "--basis", f"{out}/other_basis.h5", "-q", "-o", f"{out}/refused.h5"], rc=None)
errs = [l for l in r.stderr.splitlines() if l.startswith("ftwin: error:")]
check(r.returncode == 1 and len(errs) == 1 and "another design" in errs[0] and not os.path.exists(f"{out}/refused.h5"),
      f"mismatched basis refused: exit {r.returncode}, {errs[0] if errs else 'no error line'}")
# a results file that is no basis (a plain `ftwin run`) is refused too
r = run(mpirun + ["-n", "2", ftwin, "calibrate", f"{out}/asset.yaml", "--basis", f"{out}/truth.h5", "-q", "-o", f"{out}/refused2.h5"], rc=None)
errs = [l for l in r.stderr.splitlines() if l.startswith("ftwin: error:")]
check(r.returncode == 1 and len(errs) == 1 and "no /basis group" in errs[0] and not os.path.exists(f"{out}/refused2.h5"),
      f"a plain run output as --basis refused: exit {r.returncode}, {errs[0] if errs else 'no error line'}")
print(f"{len(fails)} failed" if fails else "all checks passed")
sys.exit(1 if fails else 0)
