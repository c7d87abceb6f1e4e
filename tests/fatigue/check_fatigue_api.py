#!/usr/bin/env python3
"""The fatigue stage as a library (src/fatigue/fatigue.h), driven by tests/fatigue/test_fatigue_api.c
with a history made in memory, on the three-channel clamped cube (three_channels.yaml).

Checked, on 1 and 2 ranks:
- FtFatigueCompute with an in-memory history writes the same file, bit for bit, as `ftwin fatigue`
  reading that history from CSV (every /fatigue dataset);
- the summary (FtFatigueSummary) is the same on every rank and agrees with the file: worst node =
  first hot spot, its damage (+ prior_damage 0.25), life, remaining life, cycles / damage, worst
  range, position, the hot-spot node list; a second call with no output file gives the same summary;
- FtFatigueReadBasisNodes returns the basis's raw unit stress rows of each channel's load case for
  nodes in any order (hot spots reversed, node 0, a repeat), bit for bit, on every rank;
- asking it for a node that does not exist fails with a message naming it."""
import argparse
import os
import shlex
import shutil
import subprocess
import sys

import h5py
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, ".."))
from ftwin_testlib import run_ftwin  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--api", required=True, help="the test_fatigue_api executable")
ap.add_argument("--ftwin", required=True)
ap.add_argument("--mpirun", default="mpirun")
ap.add_argument("--work", required=True)
a = ap.parse_args()

work = os.path.abspath(a.work)
os.makedirs(work, exist_ok=True)
case = os.path.join(work, "three_channels.yaml")
with open(os.path.join(here, "three_channels.yaml")) as f:
    text = f.read().replace("../../meshes/", os.path.join(here, "..", "..", "meshes") + "/")
with open(case, "w") as f:
    f.write(text)
p = run_ftwin(a.ftwin, case, 1, a.mpirun, extra=["-q"])
assert p.returncode == 0, p.stdout + p.stderr
basis = os.path.join(work, "results", "basis.h5")
prior = 0.25
load_cases = ["lift", "side", "warm"]  # of the channels lift_kN, side_kN, base_C, in order


def api(ranks, out, *extra):
    cmd = [a.api, case, out, work, *extra]
    if ranks > 1:
        cmd = shlex.split(a.mpirun) + ["-n", str(ranks)] + cmd
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


def read_summary(path):
    s = {}
    for line in open(path):
        key, *vals = line.split()
        s[key] = [float(v) for v in vals] if key not in ("worst_node", "nhot", "hot_nodes") else [int(v) for v in vals]
    return s


checks = []
summaries = {}
for ranks in (1, 2):
    out = os.path.join(work, "api_r%d.h5" % ranks)
    p = api(ranks, out)
    assert p.returncode == 0, p.stdout + p.stderr
    checks.append(("%d rank(s): second call without an output file gives the same summary" % ranks,
                   "identical: ok" in p.stdout and "FAIL" not in p.stdout))
    sums = [read_summary(os.path.join(work, "summary.%d.txt" % r)) for r in range(ranks)]
    checks.append(("%d rank(s): the summary is the same on every rank" % ranks, all(s == sums[0] for s in sums)))
    s = summaries[ranks] = sums[0]

    # the same history from its CSV through `ftwin fatigue`: the same file, bit for bit
    cli = os.path.join(work, "cli_r%d.h5" % ranks)
    p = run_ftwin(a.ftwin, case, ranks, a.mpirun, extra=["-q", "--output", cli], command="fatigue")
    assert p.returncode == 0, p.stdout + p.stderr
    with h5py.File(out, "r") as fa, h5py.File(cli, "r") as fc:
        names = []
        fc["/fatigue"].visit(lambda n: names.append(n) if isinstance(fc["/fatigue/" + n], h5py.Dataset) else None)
        same = [n for n in names if np.array_equal(fa["/fatigue/" + n][...], fc["/fatigue/" + n][...], equal_nan=fc["/fatigue/" + n].dtype.kind == "f")]
        checks.append(("%d rank(s): in-memory history = its CSV through `ftwin fatigue`: %d of %d /fatigue datasets bit-identical"
                       % (ranks, len(same), len(names)), len(names) >= 12 and len(same) == len(names)))

        D = fa["/fatigue/damage"][...]
        life = fa["/fatigue/life_hours"][...]
        rem = fa["/fatigue/remaining_life_hours"][...]
        cyc = fa["/fatigue/cycles"][...]
        rng = fa["/fatigue/worst_range"][...]
        X = fa["/mesh/coordinates"][...]
        hn = fa["/fatigue/hot_spots/node"][...]
        w = int(np.argmax(D))
    checks.append(("%d rank(s): worst node %d = first hot spot = argmax of the damage field (%d)" % (ranks, s["worst_node"][0], w),
                   s["worst_node"][0] == hn[0] == w and np.isfinite(D).all() and D.max() > 0))
    checks.append(("%d rank(s): hot_nodes = /fatigue/hot_spots/node (%d nodes)" % (ranks, s["nhot"][0]),
                   s["nhot"][0] == 6 and s["hot_nodes"] == [int(v) for v in hn]))
    checks.append(("%d rank(s): history_damage %.10g = damage field max" % (ranks, s["history_damage"][0]), s["history_damage"][0] == D[w]))
    checks.append(("%d rank(s): max_damage %.10g = prior_damage + it" % (ranks, s["max_damage"][0]), s["max_damage"][0] == prior + D[w]))
    checks.append(("%d rank(s): min_life_hours %.6g = min of life_hours" % (ranks, s["min_life_hours"][0]), s["min_life_hours"][0] == life.min() == life[w]))
    checks.append(("%d rank(s): min_remaining_hours = min of remaining_life_hours = 0.75 x life" % ranks,
                   s["min_remaining_hours"][0] == rem.min() == rem[w] and abs(rem[w] / life[w] - (1 - prior)) < 1e-15))
    checks.append(("%d rank(s): min_life_cycles_equiv %.6g = cycles / damage at the worst node" % (ranks, s["min_life_cycles_equiv"][0]),
                   s["min_life_cycles_equiv"][0] == cyc[w] / D[w] and cyc[w] > 1))
    checks.append(("%d rank(s): worst_range %.6g MPa = worst_range field there" % (ranks, s["worst_range"][0] / 1e6), s["worst_range"][0] == rng[w]))
    checks.append(("%d rank(s): worst_x = its coordinates" % ranks, s["worst_x"] == list(X[w])))

    # FtFatigueReadBasisNodes against the basis file
    with h5py.File(basis, "r") as fb:
        Sb = {lc: fb["/load_cases/%s/stress" % lc][...] for lc in load_cases}
    rows = [open(os.path.join(work, "basis_nodes.%d.txt" % r)).read() for r in range(ranks)]
    ok = len(rows[0].splitlines()) == 3 * (6 + 2) and all(r == rows[0] for r in rows)
    for line in rows[0].splitlines():
        v = line.split()
        node, k, sv = int(v[0]), int(v[1]), [float(x) for x in v[2:]]
        ok = ok and sv == list(Sb[load_cases[k]][node]) and np.abs(sv).max() > 0
    checks.append(("%d rank(s): FtFatigueReadBasisNodes = the basis rows (8 nodes x 3 channels, every rank)" % ranks, ok))

s1, s2 = summaries[1], summaries[2]
rel = max(abs(s1[k][0] - s2[k][0]) / abs(s1[k][0]) for k in ("max_damage", "history_damage", "min_life_hours", "worst_range"))
checks.append(("summary 1 vs 2 ranks: same nodes, values to %.1e" % rel,
               s1["hot_nodes"] == s2["hot_nodes"] and s1["worst_node"] == s2["worst_node"] and rel < 1e-12))

p = api(2, os.path.join(work, "unused.h5"), "badnode")
checks.append(("a node that does not exist: exit %d, %r" % (p.returncode, [l for l in p.stderr.splitlines() if "does not exist" in l][:1]),
               p.returncode != 0 and "node 1000000000 (entry 0) does not exist" in p.stderr))

failed = 0
for what, ok in checks:
    failed += not ok
    print("%-110s %s" % (what, "ok" if ok else "FAIL"))
print("%d passed, %d failed" % (len(checks) - failed, failed))
sys.exit(1 if failed else 0)
