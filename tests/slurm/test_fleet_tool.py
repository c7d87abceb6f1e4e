#!/usr/bin/env python3
"""scripts/fleet.py prepare, record and summary, without Slurm or ftwin (synthetic asset files).

  - prepare writes the asset's case beside its asset file: the design's relative paths made
    absolute (mesh, history, a materials.yaml found next to the design case), the fleet's basis
    as FE results and fatigue basis, the asset's data and asset file; a row that does not exist
    or a design of another name is refused (exit 2, one line);
  - record writes the job status with the reason of a failure: the log's last `ftwin: error:`
    line, "requeue" for exit code 75, the exit code when there is no log;
  - summary lists every asset, failed first (a failed job, a job that did not run in this fleet
    run, an incomplete asset file), then by 5th-percentile life, with the numbers of the asset
    files, in CSV and HDF5, exit 3 when an asset failed and 0 when none did.
usage: test_fleet_tool.py OUTDIR
"""
import csv
import json
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
FLEET = os.path.join(os.path.dirname(os.path.dirname(HERE)), "scripts", "fleet.py")
failures = []


def check(ok, what):
    print(("ok    " if ok else "FAIL  ") + what)
    if not ok:
        failures.append(what)


def fleet(*args, run_id=None):
    env = dict(os.environ)
    env.pop("FTWIN_FLEET_ROOTS", None)
    env.pop("FTWIN_FLEET_RUN", None)
    if run_id:
        env["FTWIN_FLEET_RUN"] = run_id
    r = subprocess.run([sys.executable, FLEET, *args], capture_output=True, text=True, env=env)
    return r.returncode, r.stdout, r.stderr


def fake_asset(path, p05, node, complete=True):
    """An asset file with what the summary reads (the layout `ftwin calibrate` writes)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with h5py.File(path, "w") as h:
        h.attrs["date"] = "2026-11-23T12:00:00Z"
        c = h.create_group("calibration")
        c.attrs.update(chi2=99.0, chi2_dof=100.0, acceptable=1)
        if complete:
            life = c.create_group("life")
            life.attrs.update(nominal_hours=p05 * 1.1, p05_hours=p05, p95_hours=p05 * 1.2)
        s = c.create_group("sensors")
        s["dropped"] = np.array([0.0, 1.0, 0.0])
        s["bad_fraction"] = np.array([0.1, 0.7, 0.1])
        c.create_group("loads")["time"] = np.arange(0.0, 3600.0)
        f = h.create_group("fatigue")
        f["remaining_life_hours"] = np.array([p05 * 3, p05 * 1.05, p05 * 2])
        hs = f.create_group("hot_spots")
        hs["node"] = np.array([node, 7], dtype=np.int64)
        hs["position"] = np.array([[1.0, 2.0, 3.0], [0, 0, 0]])
        hs["damage"] = np.array([0.25, 0.1])


def main():
    out = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "test_fleet_tool_out")
    shutil.rmtree(out, ignore_errors=True)
    fl = os.path.join(out, "fleet")
    os.makedirs(os.path.join(fl, "design"))
    design = os.path.join(fl, "design", "twin.yaml")
    with open(design, "w") as f:
        yaml.safe_dump({"name": "twin", "mesh": {"file": "../meshes/m.msh"}, "output": {"file": "results/twin.h5"},
                        "fatigue": {"basis": "results/twin.h5", "history": "h.csv", "output": "results/f.h5", "material": "S355J2"},
                        "sensors": {"data": "s.csv", "list": []}, "calibration": {"output": "results/a.h5"}}, f, sort_keys=False)
    with open(os.path.join(fl, "design", "materials.yaml"), "w") as f:
        f.write("materials: []\n")
    manifest = os.path.join(fl, "fleet.csv")
    ids = ["A", "B", "C", "D", "E"]
    with open(manifest, "w") as f:
        f.write("asset_id,design,data,output\n" + "".join(f"{i},twin,data/{i}.csv,assets/{i}/asset.h5\n" for i in ids))
    basis = os.path.join(out, "basis", "twin.h5")

    # ---- prepare
    rc, so, se = fleet("prepare", manifest, "--design", design, "--basis", basis, "--index", "1")
    path = so.strip()
    check(rc == 0 and path == os.path.join(fl, "assets", "B", "B.case.yaml") and os.path.exists(path), f"prepare prints the case's path: {path!r} {se.strip()}")
    with open(path) as f:
        c = yaml.safe_load(f)
    dd = os.path.join(fl, "design")
    want = {"mesh": os.path.join(fl, "meshes", "m.msh"), "history": os.path.join(dd, "h.csv"), "library": os.path.join(dd, "materials.yaml"),
            "output.file": basis, "basis": basis, "data": os.path.join(fl, "data", "B.csv"),
            "asset": os.path.join(fl, "assets", "B", "asset.h5"), "fatigue.output": os.path.join(fl, "assets", "B", "B_fatigue.h5")}
    got = {"mesh": c["mesh"]["file"], "history": c["fatigue"]["history"], "library": c["fatigue"].get("library"),
           "output.file": c["output"]["file"], "basis": c["fatigue"]["basis"], "data": c["sensors"]["data"],
           "asset": c["calibration"]["output"], "fatigue.output": c["fatigue"]["output"]}
    for k in want:
        check(got[k] == want[k], f"prepare: {k} = {got[k]}")
    check(c["name"] == "twin" and c["fatigue"]["material"] == "S355J2", "prepare: the rest of the design case unchanged")
    rc, so, se = fleet("prepare", manifest, "--design", design, "--basis", basis, "--index", "5")
    check(rc == 2 and se.strip() == f"fleet.py: error: {manifest}: --index: no row 5 (the manifest has 5 assets, 0..4): '5'", f"prepare of a missing row: {se.strip()!r}")
    other = os.path.join(fl, "design", "other.yaml")
    with open(other, "w") as f:
        f.write("name: other\n")
    rc, so, se = fleet("prepare", manifest, "--design", other, "--basis", basis, "--index", "0")
    check(rc == 2 and se.strip() == f"fleet.py: error: {manifest}:2: design: differs from the design case's name 'other': 'twin'", f"prepare with another design: {se.strip()!r}")

    # ---- record (run R1): A, B ok; C failed with an error in its log; E ok but its file is incomplete; D never ran
    logs = os.path.join(out, "logs")
    os.makedirs(logs)
    logc = os.path.join(logs, "C.out")
    with open(logc, "w") as f:
        f.write("asset.sbatch: array task 5_2\nftwin: error: data/C.csv:12: wrong column count: '1,2'\nsrun: error: vm: task 0: Exited with exit code 1\n")
    fake_asset(os.path.join(fl, "assets", "A", "asset.h5"), 200.0, 11)
    fake_asset(os.path.join(fl, "assets", "B", "asset.h5"), 100.0, 12)
    fake_asset(os.path.join(fl, "assets", "E", "asset.h5"), 50.0, 13, complete=False)

    for i, code, log in (("A", 0, ""), ("B", 0, ""), ("C", 1, logc), ("E", 0, "")):
        rc, so, se = fleet("record", manifest, "--index", str(ids.index(i)), "--exit-code", str(code), "--log", log, run_id="R1")
        check(rc == 0, f"record {i} exit {code}: {se.strip()}")
    with open(os.path.join(fl, "assets", "C", "C.status.json")) as f:
        st = json.load(f)
    check(st["status"] == "failed" and st["reason"] == "ftwin: error: data/C.csv:12: wrong column count: '1,2'" and st["run"] == "R1",
          f"record: the reason is the log's ftwin error line: {st['reason']!r}")
    for code, log, want_reason in ((75, logc, "exit code 75: stopped at a safe point, to be requeued"), (9, "", "exit code 9 (no log)")):
        fleet("record", manifest, "--index", "3", "--exit-code", str(code), "--log", log, run_id="R0")
        with open(os.path.join(fl, "assets", "D", "D.status.json")) as f:
            r = json.load(f)["reason"]
        check(r == want_reason, f"record exit {code}: reason {r!r}")
    # a job that says 0 without an asset file (srun's step never launched): failed, exit 4
    rc, so, se = fleet("record", manifest, "--index", "3", "--exit-code", "0", run_id="R0")
    with open(os.path.join(fl, "assets", "D", "D.status.json")) as f:
        r = json.load(f)
    check(rc == 4 and r["status"] == "failed" and "no asset file" in r["reason"] and "no asset file" in se,
          f"record exit 0 without an asset file: exit {rc} (4), status {r['status']}, {r['reason']!r}")
    # D's status is now from run R0: in run R1 it did not run

    # ---- summary
    base = os.path.join(out, "summary", "fleet")
    rc, so, se = fleet("summary", manifest, "-o", base + ".csv", "--run", "R1")
    check(rc == 3, f"summary exit {rc} (3: some asset failed); {se.strip()}")
    with open(base + ".csv") as f:
        rows = list(csv.DictReader(f))
    order = [r["asset_id"] for r in rows]
    check(order == ["C", "D", "E", "B", "A"], f"summary order: failed first (by id), then by p05 life: {order}")
    R = {r["asset_id"]: r for r in rows}
    check(R["C"]["status"] == "failed" and R["C"]["reason"] == st["reason"] and R["C"]["log"] == logc, f"C: {R['C']['reason']!r}")
    check(R["D"]["status"] == "failed" and "did not run in this fleet run R1" in R["D"]["reason"], f"D: {R['D']['reason']!r}")
    check(R["E"]["status"] == "failed" and "incomplete" in R["E"]["reason"] and "life" in R["E"]["reason"], f"E: {R['E']['reason']!r}")
    b = R["B"]
    got = (b["status"], float(b["life_nominal_h"]), float(b["life_p05_h"]), float(b["life_p95_h"]), float(b["remaining_life_h"]),
           int(b["hot_spot_node"]), float(b["hot_spot_x"]), float(b["hot_spot_z"]), float(b["hot_spot_damage"]), float(b["chi2_per_dof"]),
           int(b["calibration_acceptable"]), int(b["sensors_dropped"]), float(b["bad_sample_fraction"]), float(b["last_data_time_s"]))
    want = ("ok", 110.00000000000001, 100.0, 120.0, 105.0, 12, 1.0, 3.0, 0.25, 0.99, 1, 1, 0.3, 3599.0)
    check(all(g == w if not isinstance(w, float) else abs(g - w) <= 1e-12 * max(1.0, abs(w)) for g, w in zip(got, want)),
          f"B's row: {got}")
    with h5py.File(base + ".h5") as h:
        g = h["/summary"]
        hid = [x.decode() if isinstance(x, bytes) else x for x in g["asset_id"][...]]
        check(hid == order and int(g.attrs["n_failed"]) == 3 and int(g.attrs["n_assets"]) == 5 and list(g["hot_spot_node"][...]) == [-1, -1, -1, 12, 11]
              and g["life_p05_h"][3] == 100.0 and "meaning" in g["life_p05_h"].attrs, f"summary.h5: {hid}, hot spots {list(g['hot_spot_node'][...])}")
    check(not [f for f in os.listdir(os.path.dirname(base)) if ".tmp." in f], "summary: no temporary file left")
    # another run id: nothing of it ran
    rc, so, se = fleet("summary", manifest, "-o", base, "--run", "R2")
    with open(base + ".csv") as f:
        st2 = [r["status"] for r in csv.DictReader(f)]
    check(rc == 3 and st2 == ["failed"] * 5, f"summary of a fleet run whose jobs did not run: every asset failed ({st2})")
    # every asset ok: exit 0 (no run id: the status files of any run count)
    for i in ("C", "D", "E"):
        fake_asset(os.path.join(fl, "assets", i, "asset.h5"), 300.0 + ids.index(i), 20)
        fleet("record", manifest, "--index", str(ids.index(i)), "--exit-code", "0")
    rc, so, se = fleet("summary", manifest, "-o", base)
    with open(base + ".csv") as f:
        rows = list(csv.DictReader(f))
    check(rc == 0 and [r["asset_id"] for r in rows] == ["B", "A", "C", "D", "E"] and all(r["status"] == "ok" for r in rows),
          f"all ok: exit {rc}, order {[r['asset_id'] for r in rows]}")
    os.remove(os.path.join(fl, "assets", "A", "asset.h5"))
    rc, so, se = fleet("summary", manifest, "-o", base)
    with open(base + ".csv") as f:
        rows = list(csv.DictReader(f))
    check(rc == 3 and rows[0]["asset_id"] == "A" and rows[0]["reason"] == f"missing asset file {os.path.join(fl, 'assets', 'A', 'asset.h5')}",
          f"an ok job without its asset file: {rows[0]['asset_id']} {rows[0]['reason']!r}")

    if failures:
        sys.exit(f"{len(failures)} check(s) failed")
    print("all checks passed")


if __name__ == "__main__":
    main()
