#!/usr/bin/env python3
"""HDF5 load histories (/history/time, /history/<channel>) give exactly the results of the same
history in CSV: every /fatigue dataset bit for bit, on 1 and 2 ranks.

- the constant-amplitude histories of check_const_amp.py (fully reversed, time stored as int64;
  Goodman mean stress, time as float64) on the uniaxial bar (const_amp.yaml);
- the example asset's 4-hour, 1 Hz, three-channel history (inputs/bracket/history.csv, with an
  offset channel) on the clamped cube (three_channels.yaml), in a file named .hdf5.
The HDF5 file holds the very doubles the CSV reader parses (Python's float() and strtod both
round correctly), so the damage must not differ in a single bit."""
import argparse
import csv
import os
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
work = os.path.abspath(a.work)
root = os.path.join(here, "..", "..")
checks = []


def setup(name, history):
    """The shipped case in work/name/, meshes found, history: `history`; `ftwin run` for the basis."""
    d = os.path.join(work, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(here, name + ".yaml")) as f:
        text = f.read().replace("../../meshes/", os.path.join(root, "meshes") + "/")
    text = text.replace("  history: history.csv", "  history: " + history)
    case = os.path.join(d, name + ".yaml")
    with open(case, "w") as f:
        f.write(text)
    p = run_ftwin(a.ftwin, case, 1, a.mpirun, extra=["-q"])
    assert p.returncode == 0, p.stdout + p.stderr
    return case


def fatigue(case, ranks, history, out):
    """`ftwin fatigue` of `case` with fatigue.history replaced by `history`, results in `out`."""
    with open(case) as f:
        text = f.read()
    alt = out[:-3] + ".yaml"
    with open(alt, "w") as f:
        f.write("\n".join(("  history: " + history) if l.startswith("  history: ") else l for l in text.split("\n")))
    p = run_ftwin(a.ftwin, alt, ranks, a.mpirun, extra=["-q", "--output", out], command="fatigue")
    assert p.returncode == 0, p.stdout + p.stderr
    return out


def compare(what, ref, other):
    """Every dataset under /fatigue of `other` equals `ref`'s bit for bit (NaN = NaN)."""
    with h5py.File(ref, "r") as f1, h5py.File(other, "r") as f2:
        names = []
        f1["/fatigue"].visit(lambda n: names.append(n) if isinstance(f1["/fatigue/" + n], h5py.Dataset) else None)
        diff = [n for n in names if not np.array_equal(f1["/fatigue/" + n][...], f2["/fatigue/" + n][...],
                                                        equal_nan=f1["/fatigue/" + n].dtype.kind == "f")]
        dmax = f1["/fatigue/damage"][...].max()
        hist_attr = f2["/fatigue"].attrs["history_file"]
    checks.append(("%s: max damage %.6g, %d /fatigue datasets, bit-identical except %s" % (what, dmax, len(names), diff or "none"),
                   len(names) >= 12 and not diff and dmax > 0))
    return hist_attr


def write_h5(path, columns, time_dtype=np.float64):
    """/history/<name> for each (name, values); the first column is the time."""
    with h5py.File(path, "w") as f:
        g = f.create_group("history")
        for i, (name, values) in enumerate(columns):
            g.create_dataset(name, data=np.asarray(values, dtype=time_dtype if i == 0 else np.float64))


# 1. constant amplitude (the histories of check_const_amp.py)
case = setup("const_amp", "history.csv")
d = os.path.dirname(case)
n = 1000
for name, hi, lo, tdtype in (("reversed", 1.0, -1.0, np.int64), ("goodman", 1.5, 0.5, np.float64)):
    t = list(range(2 * n + 1))
    F = [hi if i % 2 == 0 else lo for i in t]
    csvp, h5p = os.path.join(d, name + ".csv"), os.path.join(d, name + ".h5")
    with open(csvp, "w") as f:
        f.write("time,F\n" + "".join("%d,%r\n" % (i, v) for i, v in zip(t, F)))
    write_h5(h5p, [("time", t), ("F", F)], tdtype)
    ref = fatigue(case, 1, csvp, os.path.join(d, name + "_csv_r1.h5"))
    for ranks in (1, 2):
        out = fatigue(case, ranks, h5p, os.path.join(d, "%s_h5_r%d.h5" % (name, ranks)))
        attr = compare("constant amplitude %s (time %s), HDF5 on %d rank(s) vs CSV" % (name, np.dtype(tdtype).name, ranks), ref, out)
    checks.append(("the results name the HDF5 history (%s)" % attr, attr in (h5p, h5p.encode())))

# 2. the example asset's history, three channels (one with an offset)
src = os.path.join(root, "inputs", "bracket", "history.csv")
case = setup("three_channels", src)
d = os.path.dirname(case)
with open(src) as f:
    rows = [r for r in csv.reader(f) if r and not r[0].startswith("#")]
header, data = rows[0], [[float(x) for x in r] for r in rows[1:]]
h5p = os.path.join(d, "example_history.hdf5")
write_h5(h5p, [(hname, [r[j] for r in data]) for j, hname in enumerate(header)])
ref = fatigue(case, 2, src, os.path.join(d, "example_csv_r2.h5"))
for ranks in (1, 2):
    out = fatigue(case, ranks, h5p, os.path.join(d, "example_h5_r%d.h5" % ranks))
    compare("example history (%d steps, %s), HDF5 on %d rank(s) vs CSV on 2" % (len(data), ",".join(header[1:]), ranks), ref, out)

failed = 0
for what, ok in checks:
    failed += not ok
    print("%-130s %s" % (what, "ok" if ok else "FAIL"))
print("%d passed, %d failed" % (len(checks) - failed, failed))
sys.exit(1 if failed else 0)
