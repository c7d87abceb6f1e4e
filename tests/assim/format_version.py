#!/usr/bin/env python3
"""The format version of the files that outlive the binary (io/layout.h: FT_H5_FORMAT_VERSION).

Coarse bracket design (tests/assim/twin.yaml): `ftwin basis`, then one `ftwin asset` run. Checks:
  - /basis and /calibration/state carry the integer attribute format_version = 1;
  - a copy of the asset file whose format_version is 2, or absent (an older ftwin), is refused by
    the next `ftwin asset` run: exit 1, one error line naming the file, the group and the version
    (absent: "older ftwin", start the asset file anew), and the file is left byte-identical;
  - a copy of the design basis with format_version 2, or without it, is refused the same way
    (absent: "older ftwin", run `ftwin basis` again), and no asset file is written.
usage: format_version.py FTWIN MPIRUN OUTDIR"""
import hashlib
import os
import shlex
import shutil
import subprocess
import sys

import h5py
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


def md5(p):
    return hashlib.md5(open(p, "rb").read()).hexdigest()


with open(os.path.join(HERE, "twin.yaml")) as f:
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

run(mpirun + ["-n", "2", ftwin, "basis", f"{out}/design.yaml", "-q"])
run([py, gen, "data", f"{out}/design.yaml", "--results", f"{out}/design_basis.h5", "--truth-case", f"{out}/design.yaml",
     "--history", design["fatigue"]["history"], "--faults", "0.05", "--seed", "3", "-o", f"{out}/record.csv"])
run(mpirun + ["-n", "2", ftwin, "asset", f"{out}/design.yaml", "--basis", f"{out}/design_basis.h5", "-q", "-o", f"{out}/asset.h5"])
with h5py.File(f"{out}/design_basis.h5") as h:
    v = h["/basis"].attrs.get("format_version")
    check(v is not None and v.dtype.kind == "i" and int(v) == 1, f"/basis format_version {v!r} (integer 1)")
with h5py.File(f"{out}/asset.h5") as h:
    v = h["/calibration/state"].attrs.get("format_version")
    check(v is not None and v.dtype.kind == "i" and int(v) == 1, f"/calibration/state format_version {v!r} (integer 1)")


def refused(what, cmd, must, path=None, absent=None):
    before = md5(path) if path else None
    r = run(mpirun + ["-n", "2"] + cmd, rc=None)
    errs = [l for l in r.stderr.splitlines() if l.startswith("ftwin: error:")]
    line = errs[0] if errs else "no error line"
    ok = r.returncode == 1 and len(errs) == 1 and all(m in line for m in must)
    if path:
        ok = ok and md5(path) == before
    if absent:
        ok = ok and not os.path.exists(absent)
    check(ok, f"{what}: exit {r.returncode} (1), {line}")


def copy_with(src, dst, group, version):
    shutil.copyfile(src, dst)
    with h5py.File(dst, "r+") as h:
        if version is None:
            del h[group].attrs["format_version"]
        else:
            h[group].attrs.modify("format_version", version)


asset = [ftwin, "asset", f"{out}/design.yaml", "--basis", f"{out}/design_basis.h5", "-q", "-o"]
copy_with(f"{out}/asset.h5", f"{out}/asset_v2.h5", "/calibration/state", 2)
refused("asset state of format_version 2", asset + [f"{out}/asset_v2.h5"], ["asset_v2.h5", "/calibration/state", "format_version 2"],
        path=f"{out}/asset_v2.h5")
copy_with(f"{out}/asset.h5", f"{out}/asset_old.h5", "/calibration/state", None)
refused("asset state without format_version", asset + [f"{out}/asset_old.h5"],
        ["asset_old.h5", "/calibration/state", "format_version", "older ftwin", "start the asset file anew"], path=f"{out}/asset_old.h5")

basis = [ftwin, "asset", f"{out}/design.yaml", "-q", "-o", f"{out}/never.h5", "--basis"]
copy_with(f"{out}/design_basis.h5", f"{out}/basis_v2.h5", "/basis", 2)
refused("design basis of format_version 2", basis + [f"{out}/basis_v2.h5"], ["basis_v2.h5", "/basis", "format_version 2"], absent=f"{out}/never.h5")
copy_with(f"{out}/design_basis.h5", f"{out}/basis_old.h5", "/basis", None)
refused("design basis without format_version", basis + [f"{out}/basis_old.h5"],
        ["basis_old.h5", "/basis", "format_version", "older ftwin", "run `ftwin basis` again"], absent=f"{out}/never.h5")

print(f"{len(fails)} failed" if fails else "all checks passed")
sys.exit(1 if fails else 0)
