#!/usr/bin/env python3
"""Rainflow counts are exact ASTM E1049 whatever the history, and a count that would not be is
reported (issue 13, item 6). The kernel's residue keeps FT_RF_MAX_RESIDUE (64) points inline and
spills the older ones (kernels/ft_rainflow.h, "Residue capacity").

On the tiny fixture design (tests/assim/state_fixture, P1 block, 1 rank):
  - a history whose pull channel rings down over 200 reversals of decreasing range, then rings up
    over 200: the rainflow residue needs ~200 points, more than the 64 inline ones; the residue
    spills and the count stays exact: no warning, approximate_nodes 0, counting_exactness
    "exact ...", counting_flags 0 everywhere; and the damage of the count made in two runs
    (--incremental, split in the ring-down, the spill carried by the counting state) equals the
    count in one piece, bit for bit;
  - the same ring-down over 40 reversals (residue within the inline capacity): the same.
The approximate path (FT_RF_ERR_OVERFLOW, counting_flags bit 1, the WARNING) is left to a backend
without spills or a spill that cannot grow (out of memory): not reachable from here; its kernel
behaviour is tested in kernels/tests/test_fatigue.c (test_residue_overflow).
(counting_flags bit 2, NaN samples skipped, cannot be reached from a history file: a non-finite
load sample is refused when the history is read.)

usage: approximate_count.py FTWIN OUTDIR
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

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIX = os.path.join(ROOT, "tests", "assim", "state_fixture")
ftwin, out = sys.argv[1], os.path.abspath(sys.argv[2])
check = Checks()
shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)
with open(os.path.join(FIX, "case.yaml")) as f:
    design = yaml.safe_load(f)
design["mesh"]["file"] = os.path.normpath(os.path.join(FIX, design["mesh"]["file"]))
design["output"]["file"] = os.path.join(out, "unit.h5")
design["fatigue"]["basis"] = os.path.join(out, "unit.h5")
for k in ("sensors", "calibration"):
    design.pop(k, None)
Q = ["-q", "-ksp_rtol", "1e-10", "-thermal_ksp_rtol", "1e-10"]


def case_with(history, name):
    c = dict(design)
    c["fatigue"] = dict(design["fatigue"], history=history, output=os.path.join(out, name + ".h5"))
    p = os.path.join(out, name + ".yaml")
    with open(p, "w") as f:
        yaml.safe_dump(c, f, sort_keys=False)
    return p


def ring(nrev, name, nan_at=None):
    """pull_MN = 1 + a_k (-1)^k, a_k from 1 down to 0.5 over nrev reversals, then back up; heat 0.5."""
    a = np.concatenate([np.linspace(1.0, 0.5, nrev), np.linspace(0.5, 1.0, nrev)[1:]])
    pull = 1.0 + a * (-1.0) ** np.arange(a.size)
    p = os.path.join(out, name + ".csv")
    with open(p, "w") as f:
        f.write("time,pull_MN,heat\n")
        for i, v in enumerate(pull):
            f.write(f"{float(i)},{'nan' if i == nan_at else repr(float(v))},0.5\n")
    return p


def ring_first(nrev, n, name):
    """The first n samples of ring(nrev)."""
    src = ring(nrev, name + "_all")
    p = os.path.join(out, name + ".csv")
    with open(src) as f, open(p, "w") as g:
        g.writelines(f.readlines()[: 1 + n])
    return p


run([ftwin, "run", case_with(ring(40, "short"), "fe")] + Q)
for nrev, name, nan_at in ((200, "long", None), (40, "short", None)):
    r = run([ftwin, "fatigue", case_with(ring(nrev, name, nan_at), name)], rc=0)
    log = r.stdout + r.stderr
    with h5py.File(os.path.join(out, name + ".h5")) as h:
        g = h["/fatigue"]
        flags, damage = g["counting_flags"][...], g["damage"][...]
        approx, nans = int(g.attrs["approximate_nodes"]), int(g.attrs["nan_sample_nodes"])
        exact = g.attrs["counting_exactness"]
        exact = exact.decode() if isinstance(exact, bytes) else str(exact)
    counting = damage > 0
    check(approx == 0 and not np.any(flags) and exact.startswith("exact") and "WARNING" not in log and counting.any(),
          f"ring-down over {nrev} reversals: no node flagged ({int(counting.sum())} of {flags.size} with damage), "
          f"counting_exactness '{exact[:30]}...', no warning")
    if name == "long":
        # in two pieces: stopped after 150 samples (in the ring-down: residues of ~150 points, spilled), then continued
        r1 = run([ftwin, "fatigue", case_with(ring_first(nrev, 150, "long_first"), "long_inc")], rc=0)
        with h5py.File(os.path.join(out, "long_inc.h5")) as h:
            sl = h["/fatigue/counting_state/spill_length"][...]
        check(np.count_nonzero(sl) > 0 and sl.max() > 64,
              f"... stopped after 150 samples: {np.count_nonzero(sl)} rows with a spilled residue (up to {sl.max()} points)")
        r2 = run([ftwin, "fatigue", case_with(os.path.join(out, "long.csv"), "long_inc"), "--incremental"], rc=0)
        with h5py.File(os.path.join(out, "long_inc.h5")) as h:
            d2, f2, a2 = h["/fatigue/damage"][...], h["/fatigue/counting_flags"][...], int(h["/fatigue"].attrs["approximate_nodes"])
        check(d2.tobytes() == damage.tobytes() and not np.any(f2) and a2 == 0 and "WARNING" not in r2.stdout + r2.stderr,
              f"... counted in two runs (150 samples, then the rest with --incremental): damage equal to the one-piece count bit "
              f"for bit (max {damage.max():.6g}), no node flagged")
check.done()
