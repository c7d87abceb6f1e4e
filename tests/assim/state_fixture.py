#!/usr/bin/python3
"""An asset file written by a released ftwin keeps working (issue 12, item 5).

tests/assim/state_fixture/ holds a tiny asset design (case.yaml: a block, P1, two channels, four
sensors, two parameters), its true load history, and three files made once by
`state_fixture.py --make` and committed: record.csv (the sensor record, 30 min at 1 Hz),
basis_v1.h5 (`ftwin basis`) and asset_v1.h5 (`ftwin asset` commissioned on the first 15 min:
asset state format_version 1, counting state format_version 1; today's binary writes the counting state at 2). The test, with today's binary:
  - continues asset_v1.h5 over the whole record: it is accepted, its calibration is held (the
    parameters are the file's, bit for bit) and its run log grows by one row;
  - does the same two runs from scratch (commissioning on 15 min, then the whole record) and
    compares the damage: equal to 1e-6 relative (0 while the calibration's numerics are those
    of the release that wrote the fixture; a later change of round-off in the fit may move the
    fresh commissioning's parameters by ~1e-10, and the damage with them by m times that);
  - refuses, with exit 1 and one error line naming the file, the group and the version, and
    leaves as it was: the asset file with /calibration/state's format_version 99 or absent (an
    older ftwin: "start the asset file anew"), and the design basis with /basis's format_version 2
    or absent ("run `ftwin basis` again"; no asset file written).
usage: state_fixture.py FTWIN OUTDIR         (the test)
       state_fixture.py FTWIN OUTDIR --make  (rewrite the fixture files: only when the format changes)
"""
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np
import yaml

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from ftwin_testlib import Checks, run_or_exit as run  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, "state_fixture")
ROOT = os.path.dirname(os.path.dirname(HERE))
ftwin, out = sys.argv[1], sys.argv[2]
make = "--make" in sys.argv[3:]
check = Checks()


shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)
with open(os.path.join(FIX, "case.yaml")) as f:
    design = yaml.safe_load(f)
design["mesh"]["file"] = os.path.normpath(os.path.join(FIX, design["mesh"]["file"]))
design["fatigue"]["history"] = os.path.join(FIX, "history.csv")
for key, name in ((("output", "file"), "basis.h5"), (("fatigue", "basis"), "basis.h5"), (("fatigue", "output"), "fatigue.h5"),
                  (("sensors", "data"), "record.csv"), (("calibration", "output"), "asset.h5")):
    design[key[0]][key[1]] = os.path.join(out, name)
case = os.path.join(out, "design.yaml")
with open(case, "w") as f:
    yaml.safe_dump(design, f, sort_keys=False)
tight = ["-ksp_rtol", "1e-10", "-thermal_ksp_rtol", "1e-10", "-q"]


def record(until, src, dst):
    lines = open(src).read().splitlines(keepends=True)
    head = [l for l in lines if l.startswith("#") or l.lower().startswith("time")]
    rows = [l for l in lines if l not in head]
    with open(dst, "w") as f:
        f.writelines(head + [l for l in rows if float(l.split(",", 1)[0]) <= until])


def asset(asset_file, basis, data, rc=0, extra=()):
    shutil.copyfile(data, os.path.join(out, "record.csv"))
    return run([ftwin, "asset", case, "--basis", basis, "-o", asset_file] + tight + list(extra), rc)


if make:
    gen = os.path.join(ROOT, "scripts", "make_sensor_data.py")
    py = sys.executable
    run([py, gen, "truth-case", case, "--set", "E_body=0.99", "--set", "h_top=1.03", "--results", f"{out}/truth.h5", "-o", f"{out}/truth.yaml"])
    run([ftwin, "run", f"{out}/truth.yaml"] + tight)
    run([py, gen, "data", case, "--results", f"{out}/truth.h5", "--truth-case", f"{out}/truth.yaml", "--history", design["fatigue"]["history"],
         "--faults", "0.05", "--seed", "3", "-o", os.path.join(FIX, "record.csv")])
    run([ftwin, "basis", case, "-o", os.path.join(FIX, "basis_v1.h5")] + tight)
    record(900.0, os.path.join(FIX, "record.csv"), f"{out}/first.csv")
    asset(os.path.join(FIX, "asset_v1.h5"), os.path.join(FIX, "basis_v1.h5"), f"{out}/first.csv")
    for f in ("basis_v1.xdmf", "asset_v1.xdmf"):  # ParaView companions: not part of the fixture
        os.remove(os.path.join(FIX, f))
    for f in ("record.csv", "basis_v1.h5", "asset_v1.h5"):
        print(f"wrote {os.path.join(FIX, f)} ({os.path.getsize(os.path.join(FIX, f))} bytes)")
    sys.exit(0)

basis = os.path.join(out, "basis_v1.h5")
shutil.copyfile(os.path.join(FIX, "basis_v1.h5"), basis)
record(900.0, os.path.join(FIX, "record.csv"), f"{out}/first.csv")
whole = os.path.join(FIX, "record.csv")

# the committed file is of format 1 throughout
with h5py.File(os.path.join(FIX, "asset_v1.h5")) as a, h5py.File(os.path.join(FIX, "basis_v1.h5")) as b:
    versions = [int(a["/calibration/state"].attrs.get("format_version", -1)), int(a["/fatigue/counting_state"].attrs.get("format_version", -1)),
                int(b["/basis"].attrs.get("format_version", -1))]
    check(versions == [1, 1, 1], f"fixture format versions (asset state, counting state, design basis): {versions}")

# the committed file, continued by today's binary
shutil.copyfile(os.path.join(FIX, "asset_v1.h5"), f"{out}/continued.h5")
# it has no provenance record (written before ftwin kept one): continued only when asked to
r = asset(f"{out}/continued.h5", basis, whole, rc=None)
check(r.returncode != 0 and "--accept-unsealed" in r.stderr, f"the unsealed fixture is not continued without --accept-unsealed: exit {r.returncode}")
asset(f"{out}/continued.h5", basis, whole, extra=["--accept-unsealed"])
with h5py.File(os.path.join(FIX, "asset_v1.h5")) as a, h5py.File(f"{out}/continued.h5") as b:
    check(np.array_equal(a["/calibration/state/theta"][...], b["/calibration/state/theta"][...]),
          "the fixture's calibration is held (parameters bit for bit)")
    na, nb = a["/calibration/state/log"].shape[0], b["/calibration/state/log"].shape[0]
    check(nb == na + 1, f"run log: {na} row(s) in the fixture, {nb} after the run")
    sa, sb = int(a["/fatigue"].attrs["samples_counted"]), int(b["/fatigue"].attrs["samples_counted"])
    check(sb > sa, f"samples counted: {sa} in the fixture, {sb} after the run")
    d_cont = b["/fatigue/damage"][...]

# the same two runs from scratch
asset(f"{out}/fresh.h5", basis, f"{out}/first.csv")
asset(f"{out}/fresh.h5", basis, whole)
with h5py.File(f"{out}/fresh.h5") as h:
    d_fresh = h["/fatigue/damage"][...]
    v = [h[g].attrs.get("format_version") for g in ("/calibration/state", "/fatigue/counting_state")]
    # the asset state is at version 1, the counting state at 3 (2: + the residues' spills; 3: + node screening's
    # counted flags, load extremes and record; 1 still read, as above)
    check(all(x is not None and x.dtype.kind == "i" for x in v) and [int(x) for x in v] == [1, 3],
          f"today's asset file: format_version {v} (integers 1 and 3)")
scale = float(np.max(np.abs(d_fresh)))
rel = float(np.max(np.abs(d_cont - d_fresh)) / scale) if scale > 0 else float(np.max(np.abs(d_cont - d_fresh)))
check(scale > 0, f"the design does damage (worst node {scale:.3e} per record)")
check(d_cont.shape == d_fresh.shape and rel <= 1e-6, f"continued fixture = runs from scratch: damage relative difference {rel:.1e} (<= 1e-6)")

# other format versions are refused by name, the files left as they were
def refused(what, asset_file, basis_file, must, untouched, absent=None):
    before = open(untouched, "rb").read()
    shutil.copyfile(whole, os.path.join(out, "record.csv"))
    r = run([ftwin, "asset", case, "--basis", basis_file, "-o", asset_file, "-q"], rc=None)
    errs = [l for l in r.stderr.splitlines() if l.startswith("ftwin: error:")]
    line = errs[0] if errs else "no error line"
    ok = r.returncode == 1 and len(errs) == 1 and all(m in line for m in must) and open(untouched, "rb").read() == before
    check(ok and not (absent and os.path.exists(absent)), f"{what}: exit {r.returncode} (1), {line}")


def copy_with(src, dst, group, version):
    shutil.copyfile(src, dst)
    with h5py.File(dst, "r+") as h:
        if version is None:
            del h[group].attrs["format_version"]
        else:
            h[group].attrs["format_version"] = np.int32(version)


fixture = os.path.join(FIX, "asset_v1.h5")
copy_with(fixture, f"{out}/asset_v99.h5", "/calibration/state", 99)
refused("asset state of format_version 99", f"{out}/asset_v99.h5", basis, ["asset_v99.h5", "/calibration/state", "format_version 99"],
        f"{out}/asset_v99.h5")
copy_with(fixture, f"{out}/asset_old.h5", "/calibration/state", None)
refused("asset state without format_version", f"{out}/asset_old.h5", basis,
        ["asset_old.h5", "/calibration/state", "format_version", "older ftwin", "start the asset file anew"], f"{out}/asset_old.h5")
copy_with(basis, f"{out}/basis_v2.h5", "/basis", 2)
refused("design basis of format_version 2", f"{out}/never.h5", f"{out}/basis_v2.h5", ["basis_v2.h5", "/basis", "format_version 2"],
        f"{out}/basis_v2.h5", absent=f"{out}/never.h5")
copy_with(basis, f"{out}/basis_old.h5", "/basis", None)
refused("design basis without format_version", f"{out}/never.h5", f"{out}/basis_old.h5",
        ["basis_old.h5", "/basis", "format_version", "older ftwin", "run `ftwin basis` again"], f"{out}/basis_old.h5", absent=f"{out}/never.h5")
check.done()
