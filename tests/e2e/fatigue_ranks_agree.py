#!/usr/bin/env python3
"""The example asset's fatigue results are the same on 1 and 2 ranks.

The basis (unit load cases) is solved once; `ftwin fatigue` then runs on 1 and on 2 ranks from the
same basis. Each node's counting does not depend on the partition, so every /fatigue field must be
identical (compared to 1e-12 relative), and so must the hot-spot table."""
import argparse
import os
import subprocess
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from ftwin_testlib import run_ftwin  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--ftwin", required=True)
ap.add_argument("--mpirun", default="mpirun")
ap.add_argument("--case", required=True)
ap.add_argument("--out", required=True)
a = ap.parse_args()
os.makedirs(a.out, exist_ok=True)
case = os.path.abspath(a.case)
p = run_ftwin(a.ftwin, case, 2, a.mpirun, extra=["-q"])
assert p.returncode == 0, p.stdout + p.stderr
res = {}
for ranks in (1, 2):
    res[ranks] = os.path.join(a.out, "fatigue_r%d.h5" % ranks)
    p = run_ftwin(a.ftwin, case, ranks, a.mpirun, extra=["--output", res[ranks]], command="fatigue")
    print(p.stdout)
    assert p.returncode == 0, p.stdout + p.stderr
checks = []
with h5py.File(res[1], "r") as f1, h5py.File(res[2], "r") as f2:
    for name in ("damage", "life_hours", "worst_range", "cycles", "hot_spots/node", "hot_spots/damage",
                 "hot_spots/dominant_channel", "hot_spot_histogram/counts"):
        v1, v2 = f1["/fatigue/" + name][...], f2["/fatigue/" + name][...]
        v1f, v2f = v1[np.isfinite(v1)], v2[np.isfinite(v2)]
        scale = np.abs(v1f).max() if v1f.size else 0.0
        rel = np.abs(v1f - v2f).max() / scale if scale > 0 else 0.0
        checks.append(("%-32s max rel diff 1 vs 2 ranks %.2e" % (name, rel), v1.shape == v2.shape and scale > 0 and rel < 1e-12))
    d = f1["/fatigue/damage"][...]
    checks.append(("damage positive somewhere (max %.4g per history)" % d.max(), d.max() > 0))
for ranks in (1, 2):  # each untouched result verifies, inputs included (issue 18: ftwin verify)
    v = subprocess.run([a.ftwin, "verify", res[ranks], "--inputs"], capture_output=True, text=True)
    checks.append(("%d rank(s): ftwin verify --inputs exit %d (%s)" % (ranks, v.returncode, (v.stdout.strip().splitlines() or [""])[-1][-60:]),
                   v.returncode == 0 and "intact" in v.stdout))
failed = 0
for what, ok in checks:
    failed += not ok
    print("%-70s %s" % (what, "ok" if ok else "FAIL"))
print("%d passed, %d failed" % (len(checks) - failed, failed))
sys.exit(1 if failed else 0)
