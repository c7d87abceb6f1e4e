#!/usr/bin/env python3
"""Exact node screening (fatigue.screening, docs/fatigue.md "Node screening").

On the three-channel clamped cube (three_channels.yaml, S355J2: EN 1993-1-9 curve with a cut-off)
with a synthetic history (3 random walks, seed 7) whose second half has 1.3x the first half's loads:
  1. screening auto vs off over the whole history: damage bit-identical where counted, 0 where
     screened, and the unscreened run's damage exactly 0 at every screened node; cycles and
     worst_range bit-identical where counted; screened_nodes = the mask's count > 0;
  2. two incremental runs over the halves (auto; the second on 2 ranks): nodes screened after the
     first half become active in the second (counted again from the state's load record); damage
     bit-identical to the one-shot unscreened run at every node, cycles and worst_range where
     counted; the state (format_version 3) holds the record of all samples;
  3. the same first run continued with screening off, or with a screening_record_mb the record
     would outgrow: every node counted, every field equal to the one-shot unscreened run;
  4. the load record removed from the first run's state: the continued run refuses (one message)
     rather than count inexactly;
  6. a stop signal (SIGTERM) during a screened run over a long history (30 x the first half, then
     the second: the end activates nodes), then --incremental to the end: damage bit-identical to
     the unscreened one-shot run at every node (the record holds exactly the samples counted);
  5. a curve without a cut-off: 0 nodes screened; with screening_tolerance the reported bound on
     the skipped damage holds (the unscreened damage at each screened node <= it <= the tolerance).
usage: screening.py FTWIN MPIRUN OUTDIR"""
import os
import shlex
import signal
import shutil
import subprocess
import sys

import h5py
import numpy as np
import yaml

here = os.path.dirname(os.path.abspath(__file__))
ftwin, mpirun, out = sys.argv[1], shlex.split(sys.argv[2]), sys.argv[3]
shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)
fails = []


def check(ok, what):
    print(("ok    " if ok else "FAIL  ") + what, flush=True)
    if not ok:
        fails.append(what)


# the history: 2 x 3000 steps of 3 random walks (lift_kN, side_kN, base_C), the second half 1.3x larger
rng = np.random.RandomState(7)
N = 3000


def walk(amp):
    x = np.cumsum(rng.standard_normal((N, 3)), axis=0)
    return x / np.abs(x).max(axis=0) * amp


L = np.vstack([walk(np.array([0.6, 0.4, 1.0])), walk(np.array([0.765, 0.51, 1.275]))])
L[:, 2] += 20.0  # base_C around its offset


def write_hist(name, a, b):
    p = os.path.join(out, name)
    with open(p, "w") as f:
        f.write("time,lift_kN,side_kN,base_C\n")
        for i in range(a, b):
            f.write("%d,%.6f,%.6f,%.6f\n" % (i, *L[i]))
    return p


whole, h1, h2 = write_hist("whole.csv", 0, 2 * N), write_hist("h1.csv", 0, N), write_hist("h2.csv", N, 2 * N)

with open(os.path.join(here, "three_channels.yaml")) as f:
    case = yaml.safe_load(f)
case["mesh"]["file"] = os.path.normpath(os.path.join(here, case["mesh"]["file"]))
case["output"]["file"] = os.path.join(out, "basis.h5")
case["fatigue"]["basis"] = os.path.join(out, "basis.h5")


def make_case(name, history, output, **fat):
    c = dict(case, fatigue=dict(case["fatigue"], history=history, output=os.path.join(out, output), **fat))
    p = os.path.join(out, name + ".yaml")
    with open(p, "w") as f:
        yaml.safe_dump(c, f, sort_keys=False)
    return p


def ftw(*args, ranks=0, rc=0):
    cmd = ([*mpirun, "-n", str(ranks)] if ranks else []) + [ftwin, *args]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if rc is not None and r.returncode != rc:
        print(r.stdout[-3000:], r.stderr[-3000:])
        sys.exit(f"unexpected exit {r.returncode}: {' '.join(cmd)}")
    return r


def load(name):
    with h5py.File(os.path.join(out, name), "r") as h:
        g = h["/fatigue"]
        d = {k: g[k][...] for k in ("damage", "cycles", "worst_range", "life_hours")}
        d["screened"] = g["screened"][...].astype(bool)
        d["attrs"] = dict(g.attrs)
        cs = g["counting_state"]
        d["version"] = int(cs.attrs["format_version"])
        d["record"] = cs["load_record"].shape if "load_record" in cs else None
        d["counted"] = cs["counted"][...].astype(bool)
        return d


def bits(x):
    return np.ascontiguousarray(x).view(np.int64)


def same_where(a, b, mask, key):
    return bool(np.array_equal(bits(a[key][mask]), bits(b[key][mask])))


ftw("run", make_case("basis", whole, "unused.h5"), "-q")
ON = dict(screening="auto")
OFF = dict(screening="off")

# 1. auto vs off over the whole history
r_auto = ftw("fatigue", make_case("auto", whole, "auto.h5", **ON))
ftw("fatigue", make_case("off", whole, "off.h5", **OFF), "-q")
A, O = load("auto.h5"), load("off.h5")
s = A["screened"]
print(f"whole history: {s.sum()} of {s.size} nodes screened; {int((O['damage'] == 0).sum())} have zero damage when all are counted")
check(0 < s.sum() < s.size and A["attrs"]["screened_nodes"] == s.sum() and f"screened {s.sum()} of {s.size} nodes" in r_auto.stdout,
      f"some nodes screened, some counted: {s.sum()} of {s.size} (attribute {A['attrs']['screened_nodes']}, log line)")
check(same_where(A, O, ~s, "damage"), "auto vs off: damage bit-identical at every counted node")
check(np.all(A["damage"][s] == 0) and np.all(np.isinf(A["life_hours"][s])), "auto: damage 0 and life infinite at every screened node")
check(np.all(O["damage"][s] == 0), "off: the full count gives damage exactly 0 at every node screened by auto")
check(same_where(A, O, ~s, "cycles") and same_where(A, O, ~s, "worst_range"), "cycles and worst_range bit-identical where counted")
check(np.all(A["cycles"][s] == 0) and np.all(A["worst_range"][s] == 0) and O["cycles"][s].min() > 0,
      "screened nodes report cycles 0 and worst_range 0 (not counted; the full count has cycles there)")
check(not O["screened"].any() and O["attrs"]["screened_nodes"] == 0, "off: no node screened")
check(A["damage"].max() > 0, f"the history does damage (worst node {A['damage'].max():.3e})")

# 2. two incremental runs over the halves (screening auto) vs the one-shot unscreened run
ftw("fatigue", make_case("inc1", h1, "inc.h5", **ON), "--incremental", "-q")
I1 = load("inc.h5")
shutil.copy(os.path.join(out, "inc.h5"), os.path.join(out, "inc_first.h5"))
r2 = ftw("fatigue", make_case("inc2", h2, "inc.h5", **ON), "--incremental", ranks=2)
I2 = load("inc.h5")
fresh = I1["screened"] & ~I2["screened"]
print(f"incremental: {I1['screened'].sum()} screened after the first half, {I2['screened'].sum()} after the second; "
      f"{fresh.sum()} became active in the second")
check(fresh.sum() > 0 and I2["screened"].sum() > 0 and "counted again from the load record" in r2.stdout,
      f"nodes screened in the first half become active in the second ({fresh.sum()}), counted from the load record; "
      f"{I2['screened'].sum()} stay screened")
check(np.array_equal(bits(I2["damage"]), bits(O["damage"])), "two incremental screened runs vs one unscreened run: damage bit-identical at every node")
c2 = ~I2["screened"]
check(same_where(I2, O, c2, "cycles") and same_where(I2, O, c2, "worst_range"), "cycles and worst_range bit-identical at every counted node")
check(I1["version"] == 3 and I1["record"] == (N, 3) and I2["record"] == (2 * N, 3) and np.array_equal(I2["counted"], c2),
      f"state format_version 3 with the load record ({I1['record']} then {I2['record']}) and the counted flags")

# 3. continued with screening off: every node counted (the screened ones from the record)
shutil.copy(os.path.join(out, "inc_first.h5"), os.path.join(out, "inc_off.h5"))
ftw("fatigue", make_case("inc_off", h2, "inc_off.h5", **OFF), "--incremental", "-q")
F = load("inc_off.h5")
check(all(np.array_equal(bits(F[k]), bits(O[k])) for k in ("damage", "cycles", "worst_range")) and F["record"] is None,
      "first half screened, second unscreened: every field bit-identical to the one-shot unscreened run; no record kept")

# 3b. the record would outgrow screening_record_mb (0.1 MB; 6000 samples x 3 channels x 8 B = 0.144 MB): screening stops,
# the screened nodes are counted from the record, every node counted from then on, no record kept
shutil.copy(os.path.join(out, "inc_first.h5"), os.path.join(out, "inc_cap.h5"))
r = ftw("fatigue", make_case("inc_cap", h2, "inc_cap.h5", **ON, screening_record_mb=0.1), "--incremental")
Cp = load("inc_cap.h5")
check(all(np.array_equal(bits(Cp[k]), bits(O[k])) for k in ("damage", "cycles", "worst_range")) and Cp["record"] is None
      and Cp["counted"].all() and "screening_record_mb" in r.stdout,
      "record over screening_record_mb: every node counted (bit-identical to the unscreened run), record dropped, the log says why")

# 4. the record gone: refused, never inexact
shutil.copy(os.path.join(out, "inc_first.h5"), os.path.join(out, "inc_norec.h5"))
with h5py.File(os.path.join(out, "inc_norec.h5"), "r+") as h:
    del h["/fatigue/counting_state/load_record"]
    del h["/provenance"]  # the edit would fail the provenance check first: unsealed, continued when asked to
r = ftw("fatigue", make_case("inc_norec", h2, "inc_norec.h5", **ON), "--incremental", "--accept-unsealed", rc=None)
errs = [l for l in r.stderr.splitlines() if "error" in l]
check(r.returncode != 0 and len(errs) == 1 and "load record" in errs[0] and "cannot continue exactly" in errs[0],
      f"a state without its load record is not continued: exit {r.returncode}, {errs[:1]}")

# 5. a curve without a cut-off (Basquin, no endurance limit)
nocut = dict(material=dict(name="basquin_no_cutoff", source="test values: EN 1993-1-9 category 71's upper line, no cut-off",
                           ultimate=470e6, sn=dict(type="basquin", S_ref=35.5e6, N_ref=2.0e6, m=3)))
r = ftw("fatigue", make_case("nocut", whole, "nocut.h5", **nocut, **ON))
ftw("fatigue", make_case("nocut_off", whole, "nocut_off.h5", **nocut, **OFF), "-q")
Nc, No = load("nocut.h5"), load("nocut_off.h5")
check(Nc["attrs"]["screened_nodes"] == 0 and not Nc["screened"].any() and "no cut-off" in r.stdout
      and np.array_equal(bits(Nc["damage"]), bits(No["damage"])),
      "no cut-off: 0 nodes screened (the log says why), damage as the unscreened run")
tol = 100 * float(No["damage"].max())  # the bound is (samples / 2) x the worst cycle's damage: loose
ftw("fatigue", make_case("nocut_tol", whole, "nocut_tol.h5", **nocut, **ON, screening_tolerance=tol), "-q")
T = load("nocut_tol.h5")
bound = float(T["attrs"]["screening_skipped_damage_bound"])
st = T["screened"]
check(st.sum() > 0 and 0 < bound <= tol and float(No["damage"][st].max()) <= bound and np.all(T["damage"][st] == 0)
      and same_where(T, No, ~st, "damage"),
      f"tolerance {tol:.3e}: {st.sum()} screened, reported bound {bound:.3e} >= their true damage "
      f"(max {No['damage'][st].max():.3e}); counted nodes bit-identical")

# 6. stopped and continued while nodes are screened
long_idx = [i for r in range(30) for i in range(N)] + list(range(N, 2 * N))
longp = os.path.join(out, "long.csv")
with open(longp, "w") as f:
    f.write("time,lift_kN,side_kN,base_C\n")
    for t, i in enumerate(long_idx):
        f.write("%d,%.6f,%.6f,%.6f\n" % (t, *L[i]))
ftw("fatigue", make_case("long_off", longp, "long_off.h5", **OFF), "-q")
cpath = make_case("long_stop", longp, "long_stop.h5", **ON)
p = subprocess.Popen([ftwin, "fatigue", cpath, "--incremental"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
seen = ""
while True:  # the counting has started (its first progress line), then the signal
    line = p.stdout.readline()
    seen += line
    if "% of" in line or not line:
        break
p.send_signal(signal.SIGTERM)
so, se = p.communicate(timeout=300)
with h5py.File(os.path.join(out, "long_stop.h5"), "r") as h:
    intr, ns = int(h["/fatigue"].attrs["interrupted"]), int(h["/fatigue"].attrs["samples_counted"])
    rec = h["/fatigue/counting_state/load_record"].shape if "load_record" in h["/fatigue/counting_state"] else None
check(p.returncode == 75 and intr == 1 and 0 < ns < len(long_idx) and rec == (ns, 3),
      f"SIGTERM: exit {p.returncode}, interrupted {intr}, {ns} of {len(long_idx)} samples, load record {rec}")
ftw("fatigue", cpath, "--incremental", "-q")
S_, LO = load("long_stop.h5"), load("long_off.h5")
check(np.array_equal(bits(S_["damage"]), bits(LO["damage"])) and S_["screened"].sum() > 0,
      f"stopped + continued with {S_['screened'].sum()} nodes screened: damage bit-identical to the unscreened one-shot run")

print(f"{len(fails)} failed" if fails else "all passed")
sys.exit(1 if fails else 0)
