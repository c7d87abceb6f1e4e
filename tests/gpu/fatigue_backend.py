#!/usr/bin/env python3
"""--backend cuda against --backend cpu for the fatigue engine, end to end (docs/gpu-fatigue.md).

Skipped (exit 77) unless `ftwin info` reports "CUDA emulation on the CPU" (a build with
-DFTWIN_CUDA_EMULATION=ON) or a CUDA device. Checks, on the shipped inputs:
  1. `ftwin fatigue` on the three-channel cube (tests/fatigue/three_channels.yaml, the example's
     4-hour history) with the max abs principal (the case's), signed von Mises and the 25-plane
     critical plane: every dataset of /fatigue (damage, life, cycles, hot spots, the counting
     state) equal to the CPU's: bit for bit in emulation (the exact mode counts as the CPU loop);
     on a GPU the damage within 1e-13 relative (libdevice's pow vs glibc's, kernels/tests/gpu/
     conformance_fatigue.c) and the cycle counts equal;
  2. fatigue.cuda_mode: fast runs (in emulation the same as exact: no FMA on the host);
  3. two runs over the halves of the history with --incremental on cuda = the same on the CPU
     (bit for bit in emulation) and = one CPU run over the whole history (< 1e-12, as
     tests/fatigue/incremental.py); a SIGTERM during a cuda run (the session synced, the state
     saved, exit 75) continued on cuda = one uninterrupted CPU run;
  4. superposition: gemm with --backend cuda: one clear message, non-zero exit;
  5. a ring-down of 200 reversals (residues longer than the 64 inline points; the fixture design
     of tests/fatigue/approximate_count.py): on cuda exact (no flag) and equal to the CPU, in one
     run and in two (--incremental, the spills carried into the second run's session);
  6. `ftwin asset` from a design basis (tests/assim/twin.yaml): the damage of the fatigue stage
     and the life band with --backend cuda equal to --backend cpu.
usage: fatigue_backend.py FTWIN MPIRUN OUTDIR"""
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys

import h5py
import numpy as np
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
ftwin, mpirun, out = sys.argv[1], shlex.split(sys.argv[2]), sys.argv[3]

info = subprocess.run([ftwin, "info"], capture_output=True, text=True).stdout
emulated = "CUDA emulation on the CPU" in info
if not emulated and not re.search(r"\b[1-9][0-9]* CUDA device", info):
    print("neither the CUDA emulation nor a CUDA device: skipped")
    sys.exit(77)
print("CUDA emulation on the CPU: results compared bit for bit" if emulated else "a CUDA device: damage within 1e-13 relative")
REL = 0.0 if emulated else 1e-13
shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)
fails = []


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


def datasets(path, group):
    found = {}
    with h5py.File(path) as h:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset) and obj.dtype.kind in "fiu":
                found[name] = obj[...]
        h[group].visititems(visit)
    return found


def same(a, b, what, rel=None, only=None):
    """Every numeric dataset of group /fatigue (or those named in only) of a and b: equal bit for
    bit (rel 0) or within rel of the largest finite value; NaN where the other has NaN."""
    rel = REL if rel is None else rel
    da, db = datasets(a, "/fatigue"), datasets(b, "/fatigue")
    names = sorted(only) if only else sorted(set(da) | set(db))
    worst, bad = 0.0, []
    for k in names:
        if k not in da or k not in db or da[k].shape != db[k].shape:
            bad.append(k)
            continue
        x, y = np.asarray(da[k], dtype=float), np.asarray(db[k], dtype=float)
        if rel == 0.0:
            if not np.array_equal(x, y, equal_nan=True):
                bad.append(k)
            continue
        if not np.array_equal(np.isfinite(x), np.isfinite(y)):
            bad.append(k)
            continue
        fin = np.isfinite(x)
        if fin.any():
            d = np.abs(x[fin] - y[fin]).max() / max(np.abs(y[fin]).max(), 1e-300)
            worst = max(worst, d)
            if d > rel:
                bad.append(k)
    check(not bad and names, f"{what}: {len(names)} datasets, " + (f"differ: {', '.join(bad[:6])}" if bad else
                                                                     f"equal (max relative difference {worst:.2e} <= {rel:g})"))


# ---- 1-4: ftwin fatigue on the three-channel cube ---------------------------------------------
lines = [l for l in open(os.path.join(ROOT, "inputs", "bracket", "history.csv")) if not l.startswith("#")]
head, rows = lines[0], lines[1:]


def write_hist(name, rws):
    p = os.path.join(out, name)
    with open(p, "w") as f:
        f.write(head)
        f.writelines(rws)
    return p


full, h1, h2 = write_hist("full.csv", rows), write_hist("half1.csv", rows[:7200]), write_hist("half2.csv", rows[7200:])
with open(os.path.join(ROOT, "tests", "fatigue", "three_channels.yaml")) as f:
    case = yaml.safe_load(f)
case["mesh"]["file"] = os.path.normpath(os.path.join(ROOT, "tests", "fatigue", case["mesh"]["file"]))
case["output"]["file"] = os.path.join(out, "basis.h5")
case["fatigue"]["basis"] = os.path.join(out, "basis.h5")


def make_case(name, history, output, **extra):
    c = dict(case, fatigue=dict(case["fatigue"], history=history, output=os.path.join(out, output), **extra))
    p = os.path.join(out, name)
    with open(p, "w") as f:
        yaml.safe_dump(c, f, sort_keys=False)
    return p


run([ftwin, "run", make_case("basis.yaml", full, "unused.h5"), "-q"])
for tag, extra in (("maxp", {}), ("svm", {"equivalent_stress": "signed_von_mises"}), ("cp", {"equivalent_stress": "critical_plane"})):
    for be in ("cpu", "cuda"):
        run([ftwin, "fatigue", make_case(f"{tag}_{be}.yaml", full, f"{tag}_{be}.h5", **extra), "--backend", be, "-q"])
    with h5py.File(os.path.join(out, f"{tag}_cpu.h5")) as h:
        dmax = float(np.nanmax(h["/fatigue/damage"][...]))
    check(dmax > 0, f"{tag}: the CPU's damage is non-trivial (max {dmax:.3e})")
    same(os.path.join(out, f"{tag}_cuda.h5"), os.path.join(out, f"{tag}_cpu.h5"), f"{tag}: --backend cuda vs cpu")
    if tag == "svm":
        run([ftwin, "fatigue", make_case("svm_fast.yaml", full, "svm_fast.h5", cuda_mode="fast", **extra), "--backend", "cuda", "-q"])
        if emulated:
            same(os.path.join(out, "svm_fast.h5"), os.path.join(out, "svm_cpu.h5"), "svm: cuda_mode fast (emulation: as exact)")
        else:  # a GPU: FMA may flip near-tie reversals; reported, checked loosely (hot-spot damage within 1e-6)
            same(os.path.join(out, "svm_fast.h5"), os.path.join(out, "svm_cpu.h5"), "svm: cuda_mode fast on the GPU", rel=1e-6, only=["damage"])

# 3. incremental: halves on cuda = halves on the CPU (bit for bit in emulation) = whole on the CPU (< 1e-12)
for be in ("cpu", "cuda"):
    run([ftwin, "fatigue", make_case(f"inc1_{be}.yaml", h1, f"inc_{be}.h5"), "--incremental", "--backend", be, "-q"])
    run([ftwin, "fatigue", make_case(f"inc2_{be}.yaml", h2, f"inc_{be}.h5"), "--incremental", "--backend", be, "-q"])
same(os.path.join(out, "inc_cuda.h5"), os.path.join(out, "inc_cpu.h5"), "two increments: cuda vs cpu")
same(os.path.join(out, "inc_cuda.h5"), os.path.join(out, "maxp_cpu.h5"), "two increments on cuda vs one CPU run over the whole", rel=1e-12,
     only=["damage", "life_hours", "cycles", "worst_range"])

# 3b. a stop signal (SIGTERM) during a cuda run: the session syncs, the state is saved (exit 75), and
# the continued run (--incremental, cuda) ends equal to one uninterrupted CPU run. A history of twice
# the example's 4 h (28 800 steps: more than 10 chunks, so progress lines are printed; the signal
# goes after the first)
twice = write_hist("twice.csv", rows + [f"{float(l.split(',', 1)[0]) + 14400:.0f},{l.split(',', 1)[1]}" for l in rows])
run([ftwin, "fatigue", make_case("twice_cpu.yaml", twice, "twice_cpu.h5"), "--backend", "cpu", "-q"])
stop_case = make_case("twice_stop.yaml", twice, "twice_stop.h5")
p = subprocess.Popen([ftwin, "fatigue", stop_case, "--incremental", "--backend", "cuda"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                     text=True)
while True:
    line = p.stdout.readline()
    if not line or ("fatigue:" in line and "% of" in line):
        break
p.send_signal(signal.SIGTERM)
p.communicate(timeout=600)
with h5py.File(os.path.join(out, "twice_stop.h5")) as h:
    at = dict(h["/fatigue"].attrs)
check(p.returncode == 75 and at.get("interrupted") == 1 and 0 < at["samples_counted"] < 2 * len(rows),
      f"SIGTERM during a cuda run: exit {p.returncode} (75), state saved after {at.get('samples_counted')} of {2 * len(rows)} samples")
run([ftwin, "fatigue", stop_case, "--incremental", "--backend", "cuda", "-q"])
same(os.path.join(out, "twice_stop.h5"), os.path.join(out, "twice_cpu.h5"), "stopped + continued on cuda vs one CPU run: damage, cycles",
     only=["damage", "cycles"])
same(os.path.join(out, "twice_stop.h5"), os.path.join(out, "twice_cpu.h5"), "stopped + continued on cuda vs one CPU run: life, range",
     rel=1e-12, only=["life_hours", "worst_range"])

# 4. the GEMM superposition has no cuda backend: refused with one message
r = run([ftwin, "fatigue", make_case("gemm_cuda.yaml", full, "gemm_cuda.h5", superposition="gemm"), "--backend", "cuda", "-q"], rc=None)
msg = r.stdout + r.stderr
check(r.returncode != 0 and "superposition: gemm has no cuda backend" in msg and not os.path.exists(os.path.join(out, "gemm_cuda.h5")),
      f"superposition: gemm with --backend cuda refused (exit {r.returncode}): {msg.strip().splitlines()[-1] if msg.strip() else ''}")

# ---- 5: a ring-down longer than the device residue (tests/fatigue/approximate_count.py's) ----
# pull rings down over 200 reversals of decreasing range then up: residues of ~200 points, more than
# the 64 inline ones; on cuda those signals are handed to the host with their spills (exact), in one
# run and in two (--incremental after 150 samples: spills non-empty when the session opens)
FIX = os.path.join(ROOT, "tests", "assim", "state_fixture")
r5 = os.path.join(out, "ring")
os.makedirs(r5)
with open(os.path.join(FIX, "case.yaml")) as f:
    ring_case = yaml.safe_load(f)
ring_case["mesh"]["file"] = os.path.normpath(os.path.join(FIX, ring_case["mesh"]["file"]))
ring_case["output"]["file"] = ring_case["fatigue"]["basis"] = os.path.join(r5, "unit.h5")
for k in ("sensors", "calibration"):
    ring_case.pop(k, None)
amp = np.concatenate([np.linspace(1.0, 0.5, 200), np.linspace(0.5, 1.0, 200)[1:]])
pull = 1.0 + amp * (-1.0) ** np.arange(amp.size)
ring_rows = [f"{float(i)},{float(v)!r},0.5\n" for i, v in enumerate(pull)]
for name, rws in (("ring", ring_rows), ("ring_first", ring_rows[:150])):
    with open(os.path.join(r5, name + ".csv"), "w") as f:
        f.write("time,pull_MN,heat\n")
        f.writelines(rws)


def ring_yaml(history, output):
    c = dict(ring_case, fatigue=dict(ring_case["fatigue"], history=os.path.join(r5, history), output=os.path.join(r5, output)))
    p = os.path.join(r5, output.replace(".h5", "") + "_" + history.replace(".csv", "") + ".yaml")
    with open(p, "w") as f:
        yaml.safe_dump(c, f, sort_keys=False)
    return p


run([ftwin, "run", ring_yaml("ring.csv", "unused.h5"), "-q", "-ksp_rtol", "1e-10", "-thermal_ksp_rtol", "1e-10"])
for be in ("cpu", "cuda"):
    run([ftwin, "fatigue", ring_yaml("ring.csv", f"ring_{be}.h5"), "--backend", be, "-q"])
    run([ftwin, "fatigue", ring_yaml("ring_first.csv", f"ring_inc_{be}.h5"), "--backend", be, "-q"])
    run([ftwin, "fatigue", ring_yaml("ring.csv", f"ring_inc_{be}.h5"), "--incremental", "--backend", be, "-q"])
with h5py.File(os.path.join(r5, "ring_cuda.h5")) as h:
    g = h["/fatigue"]
    approx, flags, dmax = int(g.attrs["approximate_nodes"]), g["counting_flags"][...], float(np.nanmax(g["damage"][...]))
check(approx == 0 and not np.any(flags) and dmax > 0, f"ring-down on cuda: exact (approximate_nodes {approx}, no counting flag), damage max {dmax:.4g}")
same(os.path.join(r5, "ring_cuda.h5"), os.path.join(r5, "ring_cpu.h5"), "ring-down: cuda vs cpu")
same(os.path.join(r5, "ring_inc_cuda.h5"), os.path.join(r5, "ring_inc_cpu.h5"), "ring-down in two runs (spills carried): cuda vs cpu")
same(os.path.join(r5, "ring_inc_cuda.h5"), os.path.join(r5, "ring_cpu.h5"), "ring-down in two runs on cuda vs one CPU run", only=["damage"])

# ---- 6: ftwin asset from a design basis, cuda vs cpu ------------------------------------------
with open(os.path.join(ROOT, "tests", "assim", "twin.yaml")) as f:
    design = yaml.safe_load(f)
a = os.path.join(out, "asset")
os.makedirs(a)
design["mesh"]["file"] = os.path.normpath(os.path.join(ROOT, "tests", "assim", design["mesh"]["file"]))
design["fatigue"]["history"] = os.path.join(ROOT, "inputs", "bracket", "history.csv")
design["output"]["file"] = f"{a}/design_basis.h5"
design["fatigue"]["basis"] = f"{a}/design_basis.h5"
design["fatigue"]["output"] = f"{a}/unused_fatigue.h5"
design["sensors"]["data"] = f"{a}/record.csv"
design["calibration"]["output"] = f"{a}/unused_asset.h5"
with open(f"{a}/design.yaml", "w") as f:
    yaml.safe_dump(design, f, sort_keys=False)
py, gen = sys.executable, os.path.join(ROOT, "scripts", "make_sensor_data.py")
tight = ["-ksp_rtol", "1e-10", "-thermal_ksp_rtol", "1e-10"]
run([py, gen, "truth-case", f"{a}/design.yaml", "--set", "E_body=0.99", "--set", "alpha_body=1.01", "--results", f"{a}/truth.h5", "-o",
     f"{a}/truth.yaml"])
run(mpirun + ["-n", "2", ftwin, "run", f"{a}/truth.yaml", "-q"] + tight)
run([py, gen, "data", f"{a}/design.yaml", "--results", f"{a}/truth.h5", "--truth-case", f"{a}/truth.yaml", "--history",
     design["fatigue"]["history"], "--faults", "0.05", "--seed", "3", "-o", f"{a}/record.csv"])
run(mpirun + ["-n", "2", ftwin, "basis", f"{a}/design.yaml", "-q"] + tight)
for be in ("cpu", "cuda"):
    run([ftwin, "asset", f"{a}/design.yaml", "--basis", f"{a}/design_basis.h5", "-o", f"{a}/{be}.h5", "--backend", be, "-q"] + tight)
same(f"{a}/cuda.h5", f"{a}/cpu.h5", "asset: the fatigue stage, cuda vs cpu")
with h5py.File(f"{a}/cpu.h5") as hc, h5py.File(f"{a}/cuda.h5") as hg:
    band = {}

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset) and "life" in name and obj.dtype.kind == "f":
            band[name] = obj
    hc["/calibration"].visititems(visit)
    bad = [k for k in band if f"/calibration/{k}" not in hg or (not np.array_equal(band[k][...], hg[f"/calibration/{k}"][...], equal_nan=True) if emulated
           else not np.allclose(band[k][...], hg[f"/calibration/{k}"][...], rtol=1e-12, equal_nan=True))]
    check(band and not bad, f"asset: the life band ({', '.join(sorted(band)) or 'none found'}) cuda vs cpu" + (f": differ {bad}" if bad else ": equal"))
if fails:
    print(f"{len(fails)} check(s) failed")
    sys.exit(1)
print("all checks passed")
