#!/usr/bin/env python3
"""Coverage study of ftwin's calibration posterior and life band (issue 19; README.md here).

N synthetic assets of one design (the coarse bracket of tests/assim/twin.yaml, 11 sensor channels,
4 calibration parameters). Each asset i has
  - a truth drawn from the priors of the case's calibration section: theta_j ~ N(prior_j = 1, sigma_j)
    truncated to the bounds (E: sigma 0.05, alpha: 0.1, film coefficient h: 0.3, the side load path's
    gain: 0.05, added to the twin's case here);
  - its own load history (scripts/make_example_history.py with seed 1000 + i: lifts of random payloads
    and durations, sway, a warm-up of the base);
  - its own measurements of the truth (scripts/make_sensor_data.py, an observation operator written
    independently of ftwin's C code): each sensor's stated noise, 5 % faulty samples (--faults), seed i.
Each asset is calibrated from one design basis (`ftwin calibrate --basis`, the commissioning run;
an FE solve where a stiffness parameter leaves the basis's linear range). Its true life is `ftwin
fatigue` of the true model (`ftwin run` of the truth) under the true loads over the steps the
asset counted: the hot-spot life (minimum over all nodes) with the same S-N curve.

Reported (coverage.md, coverage.json, coverage.png under OUT):
  - per parameter and pooled, the fraction of assets whose truth lies within 1 and 2 posterior
    standard deviations of the estimate (expected 68.3 % and 95.4 % if the posterior is right),
    with 95 % Wilson score intervals (Wilson 1927, JASA 22, 209-212), and the mean and standard
    deviation of z = (estimate - truth) / std (expected 0 and 1);
  - the fraction of true lives inside the 5th-95th percentile band (expected 90 %), and below /
    above it.
The life band of calibration.band: envelope (the default) is run; its file also holds the ensemble's
reflected and raw samples, from which the bootstrap and raw bands of the same ensemble are reported
(--bands envelope,bootstrap,raw runs a calibration per method instead).
--check: exit 1 when a fraction (pooled parameters; the envelope band) lies outside the central 99.9 % range of Binomial(n, expected)
(the CI version with ~10 assets: loose because n is small; the seeds are fixed, so the run is
deterministic and the bounds say how unlucky a correct posterior could be).

usage: coverage.py --ftwin BIN [--assets N] [--hours H] [--jobs J] [--seed S] [--bands B] [--out DIR] [--check]
Needs Debian's python3 with numpy, h5py, yaml (matplotlib for the plot).
"""
import argparse
import concurrent.futures as cf
import json
import math
import os
import shutil
import subprocess
import sys
import time

import h5py
import numpy as np
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PY = sys.executable
GEN = os.path.join(ROOT, "scripts", "make_sensor_data.py")
HIST = os.path.join(ROOT, "scripts", "make_example_history.py")
P1, P2, PBAND = 0.6826894921370859, 0.9544997361036416, 0.90  # P(|z| < 1), P(|z| < 2) of N(0, 1); the 5-95 band


def run(cmd, log, cwd=None):
    """Runs cmd, appending its output to log; raises with the log's tail on failure."""
    with open(log, "a") as f:
        f.write("$ " + " ".join(cmd) + "\n")
        f.flush()
        r = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT, cwd=cwd)
    if r.returncode != 0:
        tail = open(log).read()[-3000:]
        raise RuntimeError(f"command failed ({r.returncode}): {' '.join(cmd)}\n{tail}")


def design_case(out):
    """The design's case: tests/assim/twin.yaml with absolute paths under out, and a load-path gain."""
    with open(os.path.join(ROOT, "tests", "assim", "twin.yaml")) as f:
        c = yaml.safe_load(f)
    c["mesh"]["file"] = os.path.join(ROOT, "meshes", "bracket_coarse.msh")
    c["output"]["file"] = os.path.join(out, "basis.h5")
    c["fatigue"].update(basis=os.path.join(out, "basis.h5"), history="HISTORY", output="UNUSED")
    c["sensors"]["data"] = "DATA"
    c["calibration"]["output"] = "ASSET"
    # a load path's gain (the "load gains"): the side load reaches the lug through a path
    # whose stiffness share is known to +-5 %; the load cell LC_side measures the load itself
    c["calibration"]["parameters"].append({"name": "side_path", "kind": "load_scale", "load_case": "side", "sigma": 0.05, "bounds": [0.8, 1.2]})
    return c


def draw_truth(params, rng):
    """theta_j ~ N(prior 1, sigma_j) truncated to [lower, upper] (redrawn until inside)."""
    truth = {}
    for p in params:
        lo, hi = p["bounds"]
        while True:
            v = 1.0 + p["sigma"] * rng.standard_normal()
            if lo < v < hi:
                break
        truth[p["name"]] = float(v)
    return truth


def one_asset(i, ftwin, design, out, hours, seed, band_methods, faults, petsc_args):
    """Truth, data, calibration and true life of asset i; returns its row (dict)."""
    d = os.path.join(out, f"a{i:03d}")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    log = os.path.join(d, "log.txt")
    t0 = time.time()
    rng = np.random.default_rng([seed, i])
    params = design["calibration"]["parameters"]
    truth = draw_truth(params, rng)
    # the asset's own history and case
    hist = os.path.join(d, "history.csv")
    run([PY, HIST, hist, str(hours), str(1000 + i)], log)
    case = json.loads(json.dumps(design))
    case["fatigue"]["history"] = hist
    case["fatigue"]["output"] = os.path.join(d, "nominal_fatigue.h5")
    case["sensors"]["data"] = os.path.join(d, "sensors.csv")
    case["calibration"]["output"] = os.path.join(d, "asset.h5")
    with open(os.path.join(d, "asset.yaml"), "w") as f:
        yaml.safe_dump(case, f, sort_keys=False)
    # the truth: its fields, then the measurements
    sets = sum([["--set", f"{k}={v!r}"] for k, v in truth.items()], [])
    run([PY, GEN, "truth-case", os.path.join(d, "asset.yaml"), *sets, "--results", os.path.join(d, "truth.h5"),
         "-o", os.path.join(d, "truth.yaml")], log)
    run([ftwin, "run", os.path.join(d, "truth.yaml"), "-q", "-ksp_rtol", "1e-10", "-thermal_ksp_rtol", "1e-10"], log)
    run([PY, GEN, "data", os.path.join(d, "asset.yaml"), "--results", os.path.join(d, "truth.h5"), "--truth-case",
         os.path.join(d, "truth.yaml"), "--history", hist, "--faults", repr(faults), "--seed", str(i + 1),
         "-o", os.path.join(d, "sensors.csv")], log)
    # the asset's calibration from the design basis, once per band method (the fit does not depend on it)
    bands = {}
    for b in band_methods:
        bcase = json.loads(json.dumps(case))
        bcase["calibration"]["band"] = b
        bcase["calibration"]["output"] = os.path.join(d, f"asset_{b}.h5")
        with open(os.path.join(d, f"asset_{b}.yaml"), "w") as f:
            yaml.safe_dump(bcase, f, sort_keys=False)
        run([ftwin, "calibrate", os.path.join(d, f"asset_{b}.yaml"), "--basis", os.path.join(out, "basis.h5"), *petsc_args], log)
        with h5py.File(os.path.join(d, f"asset_{b}.h5"), "r") as h:
            g = h["/calibration/parameters"]
            nm = g.attrs["names"]
            names = (nm.decode() if isinstance(nm, bytes) else str(nm)).split(",")
            est, std = g["value"][()], g["std"][()]
            # the posterior sd by both covariance methods (calibration.covariance; files since issue 19)
            std_by = {m: [float(v) for v in g[k][()]] for m, k in (("gauss_newton", "std_gauss_newton"), ("sandwich", "std_sandwich")) if k in g}
            life = h["/calibration/life"].attrs
            bands[b] = {"p05": float(life["p05_hours"]), "median": float(life["median_hours"]), "p95": float(life["p95_hours"]),
                        "nominal": float(life["nominal_hours"])}
            if b == "envelope":  # the bootstrap and raw bands of the same ensemble, from its samples (as FtLifeBand: linear percentiles)
                for name, key in (("bootstrap", "samples_hours"), ("raw", "samples_raw_hours")):
                    v = h["/calibration/life"][key][()]
                    bands[name] = {"p05": float(np.percentile(v, 5)), "median": float(np.percentile(v, 50)), "p95": float(np.percentile(v, 95)),
                                   "nominal": float(life["nominal_hours"])}
            counted = h["/calibration/loads/time"][()]
    # the true life: the true model under the true loads, over the steps the asset counted
    true_hist = os.path.join(d, "history_counted.csv")
    with open(hist) as f:
        lines = [ln for ln in f if not ln.startswith("#")]
    keep = set(int(round(t)) for t in counted)
    with open(true_hist, "w") as f:
        f.write(lines[0])
        for ln in lines[1:]:
            if int(float(ln.split(",", 1)[0])) in keep:
                f.write(ln)
    tcase = json.loads(json.dumps(case))
    tcase["fatigue"].update(basis=os.path.join(d, "truth.h5"), history=true_hist, output=os.path.join(d, "truth_fatigue.h5"))
    tcase.pop("sensors")
    tcase.pop("calibration")
    with open(os.path.join(d, "truth_fatigue.yaml"), "w") as f:
        yaml.safe_dump(tcase, f, sort_keys=False)
    run([ftwin, "fatigue", os.path.join(d, "truth_fatigue.yaml"), "-q"], log)
    with h5py.File(os.path.join(d, "truth_fatigue.h5"), "r") as h:
        true_life = float(np.min(h["/fatigue/life_hours"][()]))
    return {"asset": i, "truth": truth, "names": names, "estimate": [float(v) for v in est], "std": [float(v) for v in std],
            "std_by_method": std_by, "bands": bands, "life_true": true_life, "seconds": time.time() - t0}


def wilson(k, n, z=1.959964):
    """95 % Wilson score interval of a binomial proportion k/n."""
    if n == 0:
        return (float("nan"), float("nan"))
    p = k / n
    c = (p + z * z / (2 * n)) / (1 + z * z / n)
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (c - h, c + h)


def binom_range(n, p, alpha=1e-3):
    """The central 1 - alpha range [lo, hi] of Binomial(n, p) (counts): P(X < lo) <= alpha/2, P(X > hi) <= alpha/2."""
    pmf = [math.comb(n, k) * p ** k * (1 - p) ** (n - k) for k in range(n + 1)]
    lo, acc = 0, 0.0
    while lo < n and acc + pmf[lo] <= alpha / 2:
        acc += pmf[lo]
        lo += 1
    hi, acc = n, 0.0
    while hi > 0 and acc + pmf[hi] <= alpha / 2:
        acc += pmf[hi]
        hi -= 1
    return lo, hi


def z_table(rows, std_of):
    """Per parameter and pooled: the fractions of |z| < 1 and < 2, z = (estimate - truth) / std_of(row)[j]."""
    names = rows[0]["names"]
    table = []
    zs_all = []
    for j, name in enumerate(names + ["all parameters"]):
        if j < len(names):
            z = np.array([(r["estimate"][j] - r["truth"][name]) / std_of(r)[j] for r in rows])
            zs_all.append(z)
        else:
            z = np.concatenate(zs_all)
        n = len(z)
        k1, k2 = int(np.sum(np.abs(z) < 1)), int(np.sum(np.abs(z) < 2))
        table.append({"what": name, "n": n, "in_1sd": k1, "in_2sd": k2, "ci_1sd": wilson(k1, n), "ci_2sd": wilson(k2, n),
                      "z_mean": float(np.mean(z)), "z_std": float(np.std(z, ddof=1)) if n > 1 else float("nan"),
                      "expect_1sd": P1, "expect_2sd": P2})
    return table


def summarise(rows):
    """The coverage table of the reported sd, the same per covariance method, and the band table."""
    table = z_table(rows, lambda r: r["std"])
    by_method = {m: z_table(rows, lambda r, m=m: r["std_by_method"][m]) for m in ("gauss_newton", "sandwich")
                 if all(m in r.get("std_by_method", {}) for r in rows)}
    lt = np.array([r["life_true"] for r in rows])
    n = len(rows)
    band = {}
    for b in rows[0]["bands"]:
        lo = np.array([r["bands"][b]["p05"] for r in rows])
        hi = np.array([r["bands"][b]["p95"] for r in rows])
        nom = np.array([r["bands"][b]["nominal"] for r in rows])
        kin = int(np.sum((lt >= lo) & (lt <= hi)))
        band[b] = {"n": n, "inside": kin, "below": int(np.sum(lt < lo)), "above": int(np.sum(lt > hi)), "ci": wilson(kin, n),
                   "expect": PBAND, "median_true_over_nominal": float(np.median(lt / nom)),
                   "median_width_over_nominal": float(np.median((hi - lo) / nom))}
    return table, band, by_method


def markdown(table, band, meta, by_method=None):
    out = [f"Coverage of {meta['assets']} synthetic assets ({meta['hours']} h of 1 Hz data each, {100 * meta['faults']:g} % faulty samples, linear_range {meta['linear_range']:g}, PETSc options '{meta['petsc']}', seed {meta['seed']}; "
           f"{meta['date']}, {meta['machine']}; ftwin {meta['commit']}; {meta['seconds']:.0f} s with {meta['jobs']} jobs)", "",
           "| parameter | n | within 1 sd (expect 68.3 %) | within 2 sd (expect 95.4 %) | mean z | sd of z |",
           "| --- | --- | --- | --- | --- | --- |"]
    for t in table:
        out.append(f"| {t['what']} | {t['n']} | {100 * t['in_1sd'] / t['n']:.1f} % [{100 * t['ci_1sd'][0]:.1f}, {100 * t['ci_1sd'][1]:.1f}] "
                   f"| {100 * t['in_2sd'] / t['n']:.1f} % [{100 * t['ci_2sd'][0]:.1f}, {100 * t['ci_2sd'][1]:.1f}] "
                   f"| {t['z_mean']:+.2f} | {t['z_std']:.2f} |")
    out += ["", "| life band (calibration.band) | n | true life inside the 5-95 % band (expect 90 %) | below the band | above the band | "
            "median true / nominal | median band width / nominal |", "| --- | --- | --- | --- | --- | --- | --- |"]
    for b, bb in band.items():
        out.append(f"| {b} | {bb['n']} | {100 * bb['inside'] / bb['n']:.1f} % [{100 * bb['ci'][0]:.1f}, {100 * bb['ci'][1]:.1f}] "
                   f"| {bb['below']} | {bb['above']} | {bb['median_true_over_nominal']:.4f} | {bb['median_width_over_nominal']:.4f} |")
    for m, tab in (by_method or {}).items():
        out += ["", f"Pooled over the parameters with the posterior sd of calibration.covariance: {m} (the same fits):", "",
                "| covariance | n | within 1 sd (expect 68.3 %) | within 2 sd (expect 95.4 %) | mean z | sd of z |", "| --- | --- | --- | --- | --- | --- |"]
        t = tab[-1]
        out.append(f"| {m} | {t['n']} | {100 * t['in_1sd'] / t['n']:.1f} % [{100 * t['ci_1sd'][0]:.1f}, {100 * t['ci_1sd'][1]:.1f}] "
                   f"| {100 * t['in_2sd'] / t['n']:.1f} % [{100 * t['ci_2sd'][0]:.1f}, {100 * t['ci_2sd'][1]:.1f}] "
                   f"| {t['z_mean']:+.2f} | {t['z_std']:.2f} |")
    out += ["", "Brackets: 95 % Wilson score intervals. z = (estimate - truth) / posterior sd."]
    return "\n".join(out) + "\n"


def plot(rows, table, band, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    names = rows[0]["names"]
    fig, ax = plt.subplots(1, len(names) + 1, figsize=(4 * (len(names) + 1), 3.4))
    xs = np.linspace(-4, 4, 200)
    for j, name in enumerate(names):
        z = np.array([(r["estimate"][j] - r["truth"][name]) / r["std"][j] for r in rows])
        ax[j].hist(np.clip(z, -6, 6), bins=np.linspace(-6, 6, 25), density=True, color="#8da0cb", edgecolor="k")
        ax[j].plot(xs, np.exp(-xs * xs / 2) / math.sqrt(2 * math.pi), "k--", label="N(0, 1)")
        ax[j].set_title(f"{name}: z = (est - truth)/sd\n|z|<1 {100 * table[j]['in_1sd'] / table[j]['n']:.0f} %, "
                        f"|z|<2 {100 * table[j]['in_2sd'] / table[j]['n']:.0f} %", fontsize=9)
        ax[j].legend(fontsize=8)
    lt = np.array([r["life_true"] for r in rows])
    a = ax[-1]
    k = np.arange(len(rows))
    first = list(rows[0]["bands"])[0]
    nom = np.array([r["bands"][first]["nominal"] for r in rows])
    o = np.argsort(lt / nom)
    colours = {"envelope": "#1b9e77", "bootstrap": "#66c2a5", "raw": "#fc8d62"}
    for q, b in enumerate(rows[0]["bands"]):
        lo = np.array([r["bands"][b]["p05"] for r in rows]) / nom
        hi = np.array([r["bands"][b]["p95"] for r in rows]) / nom
        a.vlines(k + 0.25 * q, lo[o], hi[o], color=colours.get(b, "grey"), lw=2,
                 label=f"5-95 % band, {b}: {100 * band[b]['inside'] / band[b]['n']:.0f} % cover")
    a.plot(k, (lt / nom)[o], "k.", label="true life")
    a.set_xlabel("asset (sorted by true / nominal)")
    a.set_ylabel("life / nominal life")
    a.set_title("true hot-spot life and the band (expect 90 % inside)", fontsize=9)
    a.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ftwin", required=True)
    ap.add_argument("--assets", type=int, default=100)
    ap.add_argument("--hours", type=float, default=4.0)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=19)
    ap.add_argument("--out", default=os.path.join(HERE, "results"))
    ap.add_argument("--faults", type=float, default=0.05, help="fraction of faulty samples per sensor (default 0.05)")
    ap.add_argument("--linear-range", type=float, default=None, help="calibration.linear_range of the design (default: the case's, 0.02)")
    ap.add_argument("--petsc", default="", help="PETSc options for the design basis and the asset calibrations, e.g. '-ksp_rtol 1e-10'")
    ap.add_argument("--bands", default="envelope", help="calibration.band methods to run (each a calibration per asset; envelope also gives "
                    "the bootstrap and raw bands of the same ensemble)")
    ap.add_argument("--check", action="store_true", help="exit 1 if a fraction is outside its binomial 99.9 %% range")
    a = ap.parse_args()
    a.band_methods = [b for b in a.bands.split(",") if b]
    a.check_bands = [b for b in a.band_methods if b == "envelope"]  # the default band; bootstrap and raw are known to be narrow / short
    if not a.band_methods or any(b not in ("envelope", "bootstrap", "raw") for b in a.band_methods):
        sys.exit(f"coverage.py: --bands must list envelope, bootstrap and/or raw, got '{a.bands}'")
    if a.assets < 1 or a.hours <= 0 or a.jobs < 1 or not 0 <= a.faults < 0.5:
        sys.exit("coverage.py: --assets, --hours and --jobs must be positive, --faults in [0, 0.5)")
    out = os.path.abspath(a.out)
    os.makedirs(out, exist_ok=True)
    t0 = time.time()
    design = design_case(out)
    if a.linear_range is not None:
        design["calibration"]["linear_range"] = a.linear_range
    with open(os.path.join(out, "design.yaml"), "w") as f:
        yaml.safe_dump(design, f, sort_keys=False)
    # the design basis (placeholders for the per-asset paths are not read by `ftwin basis`)
    basis_case = json.loads(json.dumps(design))
    basis_case["fatigue"]["history"] = os.path.join(ROOT, "inputs", "bracket", "history.csv")
    basis_case["sensors"]["data"] = os.path.join(ROOT, "inputs", "bracket", "sensors.csv")
    with open(os.path.join(out, "basis.yaml"), "w") as f:
        yaml.safe_dump(basis_case, f, sort_keys=False)
    run([a.ftwin, "basis", os.path.join(out, "basis.yaml"), "-o", os.path.join(out, "basis.h5"), "-q", *a.petsc.split()],
        os.path.join(out, "basis.log"))
    print(f"coverage: design basis in {time.time() - t0:.1f} s; {a.assets} assets, {a.jobs} at a time", flush=True)
    rows = []
    with cf.ThreadPoolExecutor(max_workers=a.jobs) as ex:
        futs = {ex.submit(one_asset, i, a.ftwin, design, out, a.hours, a.seed, a.band_methods, a.faults, a.petsc.split()): i for i in range(a.assets)}
        for fu in cf.as_completed(futs):
            r = fu.result()
            rows.append(r)
            print(f"  asset {r['asset']:3d}: " + ", ".join(f"{n} {t:.4f} -> {e:.4f} +- {s:.4f}" for n, t, e, s in
                                                          zip(r["names"], [r["truth"][n] for n in r["names"]], r["estimate"], r["std"]))
                  + f"; life true {r['life_true']:.4g} h, " + ", ".join(f"band ({b}) {v['p05']:.4g} - {v['p95']:.4g} h" for b, v in r["bands"].items())
                  + f" ({r['seconds']:.1f} s)", flush=True)
    rows.sort(key=lambda r: r["asset"])
    table, band, by_method = summarise(rows)
    meta = {"assets": a.assets, "hours": a.hours, "seed": a.seed, "jobs": a.jobs, "faults": a.faults,
            "linear_range": design["calibration"].get("linear_range", 0.02), "petsc": a.petsc, "seconds": time.time() - t0,
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "machine": f"{os.cpu_count()} cores",
            "commit": subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip() or "?"}
    md = markdown(table, band, meta, by_method)
    with open(os.path.join(out, "coverage.md"), "w") as f:
        f.write(md)
    with open(os.path.join(out, "coverage.json"), "w") as f:
        json.dump({"meta": meta, "table": table, "band": band, "by_covariance": by_method, "assets": rows}, f, indent=1)
    plot(rows, table, band, os.path.join(out, "coverage.png"))
    print(md)
    if a.check:
        bad = []
        for t in table[-1:]:  # pooled parameters
            for key, p in (("in_1sd", P1), ("in_2sd", P2)):
                lo, hi = binom_range(t["n"], p)
                if not lo <= t[key] <= hi:
                    bad.append(f"{t['what']}: {key} {t[key]} of {t['n']} outside [{lo}, {hi}] (Binomial({t['n']}, {p:.3f}), 99.9 %)")
        for b in a.check_bands:
            bb = band[b]
            lo, hi = binom_range(bb["n"], PBAND)
            if not lo <= bb["inside"] <= hi:
                bad.append(f"life band ({b}): {bb['inside']} of {bb['n']} true lives inside, outside [{lo}, {hi}] (Binomial({bb['n']}, 0.9), 99.9 %)")
        for b in bad:
            print("FAIL  " + b)
        if bad:
            sys.exit(1)
        print("coverage: every fraction inside its binomial 99.9 % range")


if __name__ == "__main__":
    main()
