#!/usr/bin/env python3
"""Incremental asset runs (`ftwin asset`, issue: fleets, items 3 and 5).

Coarse bracket design (tests/assim/twin.yaml), one asset whose truth (E x 0.97, alpha x 1.05,
h x 1.2) lies beyond the 2 % linear range, so its commissioning run re-solves and writes the
asset's own basis; 1 % noise, 10 % sensor faults. The record is 4 h at 1 Hz; the asset is
commissioned on its first hour, then
  A: runs on the record up to 2.5 h, then on the whole record (two increments, 1 rank),
  B: one run on the whole record (2 ranks).
Checks:
  - A and B give the same damage at every node (relative difference < 1e-12), the same
    samples counted, last time, life and worst node; the held runs make no FE solve;
  - re-running with no new data changes nothing (the asset file is byte-identical);
  - SIGKILL at random moments of a run leaves the previous asset file byte-identical and readable;
    SIGTERM: exit 75, the previous file byte-identical, and the run again gives B's damage;
  - --recalibrate fits again with the previous posterior as the prior: the run log records it and
    the parameters stay within 3 sigma of the truth;
  - an output file that is not an asset file is refused and left as it was; `ftwin asset` without
    --basis is refused.
usage: asset_incremental.py FTWIN MPIRUN OUTDIR"""
import copy
import hashlib
import os
import random
import shlex
import shutil
import signal
import subprocess
import sys
import time

import h5py
import numpy as np
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
ftwin, mpirun, out = sys.argv[1], shlex.split(sys.argv[2]), sys.argv[3]
shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)
py = sys.executable
gen = os.path.join(ROOT, "scripts", "make_sensor_data.py")
fails = []
TRUTH = {"E_body": 0.97, "alpha_body": 1.05, "h_air": 1.2}


def check(ok, what):
    print(("ok    " if ok else "FAIL  ") + what, flush=True)
    if not ok:
        fails.append(what)


def run(cmd, rc=0):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if rc is not None and r.returncode != rc:
        print(r.stdout[-4000:], r.stderr[-4000:])
        sys.exit(f"exit {r.returncode}: {' '.join(cmd)}")
    return r


def md5(p):
    return hashlib.md5(open(p, "rb").read()).hexdigest()


case_in = os.path.join(HERE, "twin.yaml")
with open(case_in) as f:
    design = yaml.safe_load(f)
design["mesh"]["file"] = os.path.normpath(os.path.join(HERE, design["mesh"]["file"]))
design["fatigue"]["history"] = os.path.join(ROOT, "inputs", "bracket", "history.csv")
design["output"]["file"] = f"{out}/design_basis.h5"
design["fatigue"]["basis"] = f"{out}/design_basis.h5"
design["fatigue"]["output"] = f"{out}/unused_fatigue.h5"
design["sensors"]["data"] = f"{out}/record.csv"
design["calibration"]["output"] = f"{out}/asset.h5"
with open(f"{out}/design.yaml", "w") as f:
    yaml.safe_dump(design, f, sort_keys=False)
tight = ["-ksp_rtol", "1e-10", "-thermal_ksp_rtol", "1e-10"]
sets = sum((["--set", f"{k}={v}"] for k, v in TRUTH.items()), [])
run([py, gen, "truth-case", f"{out}/design.yaml"] + sets + ["--results", f"{out}/truth.h5", "-o", f"{out}/truth.yaml"])
run(mpirun + ["-n", "2", ftwin, "run", f"{out}/truth.yaml", "-q"] + tight)
run([py, gen, "data", f"{out}/design.yaml", "--results", f"{out}/truth.h5", "--truth-case", f"{out}/truth.yaml",
     "--history", design["fatigue"]["history"], "--faults", "0.10", "--seed", "11", "-o", f"{out}/full.csv"])
run(mpirun + ["-n", "2", ftwin, "basis", f"{out}/design.yaml", "-q"] + tight)

# the growing record: the first hour, 2.5 h, the whole 4 h (rows cut at the time column)
lines = open(f"{out}/full.csv").read().splitlines(keepends=True)
head = [l for l in lines if l.startswith("#") or l.lower().startswith("time")]
rows = [l for l in lines if l not in head]


def record(until, path):
    with open(path, "w") as f:
        f.writelines(head + [l for l in rows if float(l.split(",", 1)[0]) <= until])


def asset(extra, n=1, rc=0, data=None):
    if data:
        shutil.copyfile(data, f"{out}/record.csv")
    cmd = ([] if n == 1 else mpirun + ["-n", str(n)]) + [ftwin, "asset", f"{out}/design.yaml", "--basis", f"{out}/design_basis.h5", "-q"] + extra + tight
    return run(cmd, rc)


for name, until in (("h1", 3600.0), ("h25", 9000.0), ("h4", 1e9)):
    record(until, f"{out}/{name}.csv")

# commissioning on the first hour
asset(["-o", f"{out}/A.h5"], n=2, data=f"{out}/h1.csv")
with h5py.File(f"{out}/A.h5") as h:
    st = h["/calibration/state"]
    check(int(h["/calibration"].attrs["fe_solves"]) > 0 and int(st.attrs["relinearised"]) == 1,
          f"commissioning beyond the linear range re-solved ({int(h['/calibration'].attrs['fe_solves'])} FE solves) and counts on its own basis")
    theta0 = h["/calibration/parameters/value"][...]
shutil.copyfile(f"{out}/A.h5", f"{out}/commissioned.h5")
shutil.copyfile(f"{out}/A.h5", f"{out}/B.h5")

# A: two increments on 1 rank; B: one run over the whole record on 2 ranks
asset(["-o", f"{out}/A.h5"], n=1, data=f"{out}/h25.csv")
t0 = time.time()
asset(["-o", f"{out}/A.h5"], n=1, data=f"{out}/h4.csv")
t_run = time.time() - t0  # a 1-rank increment: the SIGKILL moments below fall inside such a run
asset(["-o", f"{out}/B.h5"], n=2, data=f"{out}/h4.csv")
with h5py.File(f"{out}/A.h5") as a, h5py.File(f"{out}/B.h5") as b:
    da, db = a["/fatigue/damage"][...], b["/fatigue/damage"][...]
    rel = float(np.max(np.abs(da - db)) / np.max(np.abs(db)))
    check(da.shape == db.shape and rel < 1e-12, f"two increments = one run over the whole record: damage relative difference {rel:.1e} (< 1e-12)")
    fa, fb = a["/fatigue"].attrs, b["/fatigue"].attrs
    check(int(fa["samples_counted"]) == int(fb["samples_counted"]) and float(fa["last_time"]) == float(fb["last_time"]),
          f"samples counted {int(fa['samples_counted'])} / {int(fb['samples_counted'])}, last time {float(fa['last_time'])} / {float(fb['last_time'])}")
    check(int(a["/calibration"].attrs["fe_solves"]) == 0 and int(b["/calibration"].attrs["fe_solves"]) == 0, "held runs make no FE solve")
    check(np.array_equal(a["/calibration/state/theta"][...], theta0), "held runs keep the commissioning parameters")
    la, lb = a["/calibration/state/log"][...], b["/calibration/state/log"][...]
    check(la.shape[0] == 3 and lb.shape[0] == 2 and la[1:, 2].sum() == lb[1:, 2].sum(),
          f"run logs: A {la.shape[0]} runs, B {lb.shape[0]}; samples counted after commissioning {la[1:, 2].sum():.0f} = {lb[1:, 2].sum():.0f}")
    n_total = int(fb["samples_counted"])
    print(f"      {n_total} samples counted of {len(rows)} in the record (the last ones wait for their settling time)")

# no new data: nothing changes
before = md5(f"{out}/A.h5")
r = asset(["-o", f"{out}/A.h5"], n=1, data=f"{out}/h4.csv")
check(md5(f"{out}/A.h5") == before, "re-run with no new data: the asset file is byte-identical")
shutil.copyfile(f"{out}/h25.csv", f"{out}/record.csv")  # an older, shorter record: nothing changes, and the log says why
r = run([ftwin, "asset", f"{out}/design.yaml", "--basis", f"{out}/design_basis.h5", "-o", f"{out}/A.h5"] + tight)
check(md5(f"{out}/A.h5") == before and "before the last judged time" in r.stdout and "up to date" in r.stdout,
      "an older record than the state's: nothing changes, with a warning")

# SIGKILL at random moments of an increment: the previous file is unchanged and readable
random.seed(3)
shutil.copyfile(f"{out}/h4.csv", f"{out}/record.csv")
ref = md5(f"{out}/commissioned.h5")
for k in range(4):
    shutil.copyfile(f"{out}/commissioned.h5", f"{out}/K.h5")
    p = subprocess.Popen([ftwin, "asset", f"{out}/design.yaml", "--basis", f"{out}/design_basis.h5", "-q", "-o", f"{out}/K.h5"] + tight,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(random.uniform(0.05, 0.9) * t_run)
    p.send_signal(signal.SIGKILL)
    p.wait()
    ok = md5(f"{out}/K.h5") == ref
    with h5py.File(f"{out}/K.h5") as h:
        ok = ok and h["/fatigue/damage"].shape == db.shape
    check(ok, f"SIGKILL {k + 1}: previous asset file byte-identical and readable")

# SIGTERM: exit 75, previous file unchanged; run again -> B
shutil.copyfile(f"{out}/commissioned.h5", f"{out}/T.h5")
p = subprocess.Popen([ftwin, "asset", f"{out}/design.yaml", "--basis", f"{out}/design_basis.h5", "-o", f"{out}/T.h5"] + tight,
                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
for line in p.stdout:
    if "judging" in line:
        break
p.send_signal(signal.SIGTERM)
p.communicate(timeout=300)
check(p.returncode == 75 and md5(f"{out}/T.h5") == ref, f"SIGTERM: exit {p.returncode} (75), previous asset file byte-identical")
asset(["-o", f"{out}/T.h5"], n=1)
with h5py.File(f"{out}/T.h5") as h:
    rel = float(np.max(np.abs(h["/fatigue/damage"][...] - db)) / np.max(np.abs(db)))
check(rel < 1e-12, f"run again after the stop: damage of the uninterrupted run (relative difference {rel:.1e})")

# --recalibrate: the previous posterior is the prior
shutil.copyfile(f"{out}/commissioned.h5", f"{out}/R.h5")
asset(["-o", f"{out}/R.h5", "--recalibrate"], n=2)
with h5py.File(f"{out}/R.h5") as h:
    st = h["/calibration/state"]
    th, sd = st["theta"][...], np.sqrt(np.diag(st["covariance"][...]))
    names = h["/calibration/parameters"].attrs["names"]
    names = names.decode() if isinstance(names, bytes) else str(names)
    truth = np.array([TRUTH[n] for n in names.split(",")])
    z = np.abs(th - truth) / sd
    mode = h["/calibration"].attrs["mode"]
    mode = mode.decode() if isinstance(mode, bytes) else str(mode)
    check(int(st.attrs["fitted_runs"]) == 2 and st["log"][...][-1, 3] == 1 and "again" in mode,
          "--recalibrate: the run is logged as fitted (2 fitted runs)")
    check(np.all(z < 3), f"recalibrated parameters {np.round(th, 4)} +- {sd} within 3 sigma of the truth ({np.round(z, 2)} sigma)")
    check(np.all(sd <= np.sqrt(np.diag(h5py.File(f"{out}/commissioned.h5")["/calibration/state/covariance"][...])) * 1.0001),
          "the posterior after more data is not wider than the commissioning one")

# refusals
open(f"{out}/not_asset.h5", "wb").write(b"not an HDF5 file")
before = md5(f"{out}/not_asset.h5")
r = asset(["-o", f"{out}/not_asset.h5"], n=1, rc=None)
errs = [l for l in r.stderr.splitlines() if l.startswith("ftwin: error:")]
check(r.returncode == 1 and len(errs) == 1 and "not an HDF5 file" in errs[0] and md5(f"{out}/not_asset.h5") == before,
      f"an output that is not an asset file is refused and left as it was: {errs[0] if errs else 'no error line'}")
r = run([ftwin, "asset", f"{out}/design.yaml", "-o", f"{out}/X.h5"], rc=None)
check(r.returncode == 2 and "needs the design basis" in r.stderr and not os.path.exists(f"{out}/X.h5"), f"ftwin asset without --basis: exit {r.returncode} (2)")
print(f"{len(fails)} failed" if fails else "all checks passed")
sys.exit(1 if fails else 0)
