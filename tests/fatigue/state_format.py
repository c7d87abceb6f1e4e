#!/usr/bin/env python3
"""The counting state as a file format (/fatigue/counting_state, format_version 3, versions 1 and 2 still read; docs/fatigue.md).

  1. a committed version-1 state (fixtures/state_v1.h5: 3000 samples of the example's history on the
     27-node cube of state_case.yaml, over fixtures/basis.h5), continued with `--incremental` on 2
     ranks to 6000 samples, equals one uninterrupted count of the 6000 samples on 1 rank, bit for bit:
     damage, life, cycles, worst range, critical channel and every dataset of the counting state
     but the loads' extremes (version 3: unknown, NaN, after continuing a version-1 state, which
     kept none; screening then counts every node);
  2. the same round trip made here with the critical-plane equivalent stress (25 signals per node):
     half on 1 rank, the rest on 2 ranks, bit for bit against the whole on 1 rank;
  2b. critical_plane_planes: 40: 40 signals per node, the plane set in the settings line, half + rest
     = whole bit for bit, and a 25-plane state is not continued with 40 planes;
  2c. a version-2 state with spills (a ring-down of 400 reversals then a ring-up: every counting node's
     residue outgrows the kernel's 64 inline points; the first part stops in the ring-down, so its
     state has non-empty spill / spill_length), continued on 2 ranks: bit for bit the whole on 1
     rank, every node exact (approximate_nodes 0);
  3. refused, with one message naming the file, the group and the version found, the file left as
     it was: format_version 4; a version-3 state without its screening datasets; a counting_state group without format_version; a file with the raw
     struct bytes of ftwin before format_version 1 (/fatigue/rainflow_state, damage_state).
usage: state_format.py FTWIN MPIRUN OUTDIR"""
import hashlib
import os
import shlex
import shutil
import subprocess
import sys

import h5py
import numpy as np
import yaml

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.normpath(os.path.join(here, "..", ".."))
ftwin, mpirun, out = sys.argv[1], shlex.split(sys.argv[2]), os.path.abspath(sys.argv[3])
shutil.rmtree(out, ignore_errors=True)  # incremental runs continue what they find: start from nothing
os.makedirs(out)
fails = []
FIRST, TOTAL = 3000, 6000  # samples in the fixture, samples in the whole count


def check(ok, what):
    print(("ok    " if ok else "FAIL  ") + what, flush=True)
    if not ok:
        fails.append(what)


def md5(p):
    return hashlib.md5(open(p, "rb").read()).hexdigest()


lines = [l for l in open(os.path.join(root, "inputs", "bracket", "history.csv")) if not l.startswith("#")]
hist = {}
for name, n in (("first", FIRST), ("whole", TOTAL)):
    hist[name] = os.path.join(out, name + ".csv")
    with open(hist[name], "w") as f:
        f.writelines(lines[: 1 + n])
basis = os.path.join(out, "basis.h5")
shutil.copy(os.path.join(here, "fixtures", "basis.h5"), basis)
with open(os.path.join(here, "state_case.yaml")) as f:
    case = yaml.safe_load(f)
case["mesh"]["file"] = os.path.join(root, "meshes", "cube_n2.msh")
case["output"]["file"] = os.path.join(out, "unused.h5")


def make_case(name, history, output, **fatigue):
    c = dict(case, fatigue=dict(case["fatigue"], history=history, basis=basis, output=os.path.join(out, output), **fatigue))
    p = os.path.join(out, name + ".yaml")
    with open(p, "w") as f:
        yaml.safe_dump(c, f, sort_keys=False)
    return p


def ftw(cpath, *args, ranks=0, rc=0):
    cmd = ([*mpirun, "-n", str(ranks)] if ranks else []) + [ftwin, "fatigue", cpath, "-q", *args]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if rc is not None and r.returncode != rc:
        print(r.stdout[-3000:], r.stderr[-3000:])
        sys.exit(f"unexpected exit {r.returncode}: {' '.join(cmd)}")
    return r


def datasets(p):
    """Every per-node /fatigue dataset and every counting-state dataset of results file p."""
    with h5py.File(p, "r") as h:
        d = {k: h["/fatigue/" + k][...] for k in ("damage", "life_hours", "remaining_life_hours", "cycles", "worst_range",
                                                    "critical_channel")}
        g = h["/fatigue/counting_state"]
        d.update({"counting_state/" + k: g[k][...] for k in g})
        return d, dict(h["/fatigue"].attrs), int(g.attrs["format_version"])


def same_bits(a, b, what, total=TOTAL, unknown_extremes=False):
    """a, b: the same datasets bit for bit (version 3: 21 + counted, load_min, load_max; no node screened here, so no
    load_record); unknown_extremes: b continued a version-1 state, its load_min / load_max are NaN (not compared)."""
    da, aa, va = datasets(a)
    db, ab, vb = datasets(b)
    ext = ("counting_state/load_min", "counting_state/load_max")
    diff = sorted(k for k in set(da) | set(db) if k not in da or k not in db or da[k].dtype != db[k].dtype
                  or (da[k].tobytes() != db[k].tobytes() and not (unknown_extremes and k in ext)))
    check(not diff and len(da) == 6 + 24 and va == vb == 3, f"{what}: {len(da)} datasets bit for bit (format_version {va}), "
          f"differing: {diff or 'none'}")
    if unknown_extremes:
        check(all(np.isnan(db[k]).all() and np.isfinite(da[k]).all() for k in ext) and db["counting_state/counted"].all(),
              f"{what}: load extremes unknown (NaN) after a version-1 state, every node counted")
    check(aa["samples_counted"] == ab["samples_counted"] == total and aa["first_time"] == ab["first_time"]
          and aa["last_time"] == ab["last_time"] and da["damage"].max() > 0,
          f"{what}: samples {aa['samples_counted']} / {ab['samples_counted']}, times {aa['first_time']}..{aa['last_time']}, "
          f"max damage {da['damage'].max():.6g}")


# 1. the committed version-1 state, continued
whole = make_case("whole", hist["whole"], "whole.h5")
ftw(whole)
cont = os.path.join(out, "continued.h5")
shutil.copy(os.path.join(here, "fixtures", "state_v1.h5"), cont)
with h5py.File(cont, "r+") as h:  # the basis it was counted on, at this test's path
    h.attrs["basis_file"] = np.bytes_(basis)
# (it has no provenance record, as files of ftwin before provenance records: continued when asked to)
ftw(make_case("continued", hist["whole"], "continued.h5"), "--incremental", "--accept-unsealed", ranks=2)
same_bits(os.path.join(out, "whole.h5"), cont, "fixture state_v1.h5 + --incremental on 2 ranks vs one count on 1 rank", unknown_extremes=True)

# 2. critical plane (25 signals per node): written and continued here
cp = dict(equivalent_stress="critical_plane")
ftw(make_case("cp_whole", hist["whole"], "cp_whole.h5", **cp))
ftw(make_case("cp_first", hist["first"], "cp_inc.h5", **cp), "--incremental")
ftw(make_case("cp_rest", hist["whole"], "cp_inc.h5", **cp), "--incremental", ranks=2)
same_bits(os.path.join(out, "cp_whole.h5"), os.path.join(out, "cp_inc.h5"), "critical plane, half (1 rank) + rest (2 ranks) vs whole")

# 2b. another plane set (fatigue.critical_plane_planes: 40, a Fibonacci set): 40 signals per node, its own
# settings line; half + rest = whole bit for bit; a state counted with 25 planes is not continued with 40
cp40 = dict(equivalent_stress="critical_plane", critical_plane_planes=40)
ftw(make_case("cp40_whole", hist["whole"], "cp40_whole.h5", **cp40))
ftw(make_case("cp40_first", hist["first"], "cp40_inc.h5", **cp40), "--incremental")
ftw(make_case("cp40_rest", hist["whole"], "cp40_inc.h5", **cp40), "--incremental", ranks=2)
same_bits(os.path.join(out, "cp40_whole.h5"), os.path.join(out, "cp40_inc.h5"), "critical plane 40 planes, half + rest vs whole")
with h5py.File(os.path.join(out, "cp40_whole.h5"), "r") as h40, h5py.File(os.path.join(out, "cp_whole.h5"), "r") as h25:
    s40, s25 = (int(h["/fatigue/counting_state"].attrs["signals"]) for h in (h40, h25))
    set40, set25 = (h["/fatigue"].attrs["settings"] for h in (h40, h25))
    set40, set25 = (x.decode() if isinstance(x, bytes) else str(x) for x in (set40, set25))
    n40 = h40["/fatigue/damage"].shape[0]
    crit = h40["/fatigue/critical_channel"][...]
check(s40 == 40 and s25 == 25, f"counting state signals: 40 planes -> {s40}, default -> {s25}")
check("(40 planes, Fibonacci set)" in set40 and "planes" not in set25,
      f"settings lines name the plane set: 40 -> ...{set40[set40.find('equivalent'):][:90]}...; 25 -> unchanged")
check(crit.max() < 40 and crit.min() >= 0 and n40 > 0, f"critical channel a plane of the 40: {crit.min()}..{crit.max()}")
p25 = os.path.join(out, "cp25_to_40.h5")
shutil.copy(os.path.join(out, "cp_whole.h5"), p25)
before = md5(p25)
r = ftw(make_case("cp25_to_40", hist["whole"], "cp25_to_40.h5", **cp40), "--incremental", rc=None)
errs = [l for l in r.stderr.splitlines() if l.startswith("ftwin: error:")]
msg = errs[0] if errs else r.stderr[-500:]
check(r.returncode != 0 and len(errs) == 1 and "counted with other settings" in msg and md5(p25) == before,
      f"a 25-plane state continued with 40 planes: refused, file unchanged: {msg[:160]}")

# 2c. a version-2 state with spills: lift rings down over NR reversals (range from 1 to 0.5 of its
# scale) then back up; the first part stops at sample FIRST_RING, deep in the ring-down
NR, FIRST_RING = 400, 300
a = np.concatenate([np.linspace(1.0, 0.5, NR), np.linspace(0.5, 1.0, NR)[1:]])
lift = 10.0 * (1.0 + a * (-1.0) ** np.arange(a.size))
for name, n in (("ring_first", FIRST_RING), ("ring_whole", lift.size)):
    with open(os.path.join(out, name + ".csv"), "w") as f:
        f.write("time,lift_kN,side_kN,base_C\n")
        for i in range(n):
            f.write(f"{float(i)},{lift[i]!r},0.0,20.0\n")
ftw(make_case("ring_whole", os.path.join(out, "ring_whole.csv"), "ring_whole.h5"))
ftw(make_case("ring_first", os.path.join(out, "ring_first.csv"), "ring_inc.h5"), "--incremental")
with h5py.File(os.path.join(out, "ring_inc.h5"), "r") as h:
    g = h["/fatigue/counting_state"]
    slen, spill, nres = g["spill_length"][...], g["spill"][...], g["residue_length"][...]
    ver = int(g.attrs["format_version"])
check(ver == 3 and slen.min() >= 0 and slen.sum() == spill.size and (slen > 0).sum() > 0 and nres.max() <= 64,
      f"ring-down state after {FIRST_RING} samples: format_version {ver}, {(slen > 0).sum()} of {slen.size} rows with a spill "
      f"(up to {slen.max()} points, {spill.size} in all), inline residues <= {nres.max()}")
ftw(make_case("ring_rest", os.path.join(out, "ring_whole.csv"), "ring_inc.h5"), "--incremental", ranks=2)
same_bits(os.path.join(out, "ring_whole.h5"), os.path.join(out, "ring_inc.h5"),
          "ring-down state with spills, first part (1 rank) + rest (2 ranks) vs whole", total=lift.size)
with h5py.File(os.path.join(out, "ring_whole.h5"), "r") as hw, h5py.File(os.path.join(out, "ring_inc.h5"), "r") as hi:
    ap = [int(h["/fatigue"].attrs["approximate_nodes"]) for h in (hw, hi)]
    fl = [int(np.count_nonzero(h["/fatigue/counting_flags"][...] & 1)) for h in (hw, hi)]
check(ap == [0, 0] and fl == [0, 0], f"ring-down: approximate_nodes {ap}, counting_flags bit 1 at {fl} nodes (exact count)")

# 3. refusals
def refused(name, change, expect):
    p = os.path.join(out, name + ".h5")
    shutil.copy(os.path.join(here, "fixtures", "state_v1.h5"), p)
    with h5py.File(p, "r+") as h:
        h.attrs["basis_file"] = np.bytes_(basis)
        change(h)
    before = md5(p)
    # --accept-unsealed: the fixture has no provenance record; the refusal tested is the format's
    r = ftw(make_case(name, hist["whole"], name + ".h5"), "--incremental", "--accept-unsealed", rc=None)
    errs = [l for l in r.stderr.splitlines() if l.startswith("ftwin: error:")]
    msg = errs[0] if errs else r.stderr[-500:]
    check(r.returncode != 0 and len(errs) == 1 and all(e in msg for e in [p, "/fatigue/counting_state", *expect])
          and "PETSC ERROR" not in r.stderr and md5(p) == before, f"{name}: refused (exit {r.returncode}), file unchanged: {msg}")


def version(v):
    def change(h):
        h["/fatigue/counting_state"].attrs["format_version"] = v
    return change


def no_version(h):
    del h["/fatigue/counting_state"].attrs["format_version"]


def raw_bytes(h):
    """The layout of ftwin before format_version 1: the structs' bytes, no counting_state group."""
    n = h["/fatigue/damage"].shape[0]
    del h["/fatigue/counting_state"]
    g = h["/fatigue"]
    g.create_dataset("rainflow_state", data=np.zeros((n, 568), np.uint8))
    g.create_dataset("damage_state", data=np.zeros((n, 64), np.uint8))
    g.attrs["rainflow_state_bytes"] = np.int32(568)
    g.attrs["damage_state_bytes"] = np.int32(64)
    g.attrs["rainflow_max_residue"] = np.int32(64)
    g.attrs["state_layout"] = np.bytes_("FtRainflowState / FtDamageAcc structs of kernels/ft_rainflow.h and ft_sn.h "
                                        "(x86-64, little endian), one per equivalent-stress channel")


refused("version_4", version(np.int32(4)), ["format_version 4", "reads format_version 1, 2 and 3", "without --incremental"])
refused("version_absent", no_version, ["format_version none"])
def residue_cut(h):
    """A damaged state: the residue dataset of another shape."""
    del h["/fatigue/counting_state/residue"]
    h["/fatigue/counting_state"].create_dataset("residue", data=np.zeros(2))


refused("residue_cut", residue_cut, ["is damaged", "/fatigue/counting_state/residue", "expected"])
refused("raw_bytes", raw_bytes, ["format_version none", "/fatigue/rainflow_state", "older ftwin"])
# a version-3 state (written here) without its screening datasets: refused as damaged
v3cut = os.path.join(out, "v3_no_counted.h5")
ftw(make_case("v3_first", hist["first"], "v3_no_counted.h5"), "--incremental")
with h5py.File(v3cut, "r+") as h:
    del h["/fatigue/counting_state/counted"]
    del h["/provenance"]  # edited: unsealed, continued when asked to (the refusal tested is the format's)
before = md5(v3cut)
r = ftw(make_case("v3_rest", hist["whole"], "v3_no_counted.h5"), "--incremental", "--accept-unsealed", rc=None)
errs = [l for l in r.stderr.splitlines() if l.startswith("ftwin: error:")]
check(r.returncode != 0 and len(errs) == 1 and all(e in errs[0] for e in ["is damaged", "/fatigue/counting_state/counted", "missing"])
      and md5(v3cut) == before, f"version 3 without its counted flags: refused, file unchanged: {errs[:1]}")
# a version-3 state whose load_max has another length than the channels: refused as damaged
v3max = os.path.join(out, "v3_load_max.h5")
ftw(make_case("v3_first_max", hist["first"], "v3_load_max.h5"), "--incremental")
with h5py.File(v3max, "r+") as h:
    del h["/fatigue/counting_state/load_max"]
    h["/fatigue/counting_state"].create_dataset("load_max", data=np.zeros(1))
    del h["/provenance"]
before = md5(v3max)
r = ftw(make_case("v3_rest_max", hist["whole"], "v3_load_max.h5"), "--incremental", "--accept-unsealed", rc=None)
errs = [l for l in r.stderr.splitlines() if l.startswith("ftwin: error:")]
check(r.returncode != 0 and len(errs) == 1 and all(e in errs[0] for e in ["is damaged", "/fatigue/counting_state/load_max", "[1]", "expected"])
      and md5(v3max) == before, f"version 3 with a load_max of the wrong length: refused, file unchanged: {errs[:1]}")
print(f"{len(fails)} failed" if fails else "all checks passed")
sys.exit(1 if fails else 0)
