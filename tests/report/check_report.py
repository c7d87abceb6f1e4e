#!/usr/bin/python3
"""Reports (issue 17): scripts/ftwin_report.py and `fleet.py dashboard`, checked against the HDF5 files.

  asset  OUTDIR   the committed tiny asset file (tests/assim/state_fixture/asset_v1.h5, written by
                  `ftwin asset`), a fatigue-only file and a run-only file made from the fixtures:
                  each report is produced, opens in headless chromium without errors with every
                  image decoded, its screenshot is not blank; every number the report shows
                  (data-key spans) equals the file's value exactly (data-value) and as shown, to its
                  significant figures; a file without calibration says so for each missing section;
                  a truncated file, a file of garbage, a foreign HDF5 file and an asset file missing
                  a dataset each give one error line naming the file (exit 1, no traceback) and
                  leave an existing report as it was; `ftwin report` gives the same page.
  fleet  OUTDIR   a fleet of two asset files and a failed asset: `fleet.py summary` then
                  `fleet.py dashboard`: rows in the summary's order, numbers equal to SUMMARY.h5,
                  the failed asset with its reason, a link to each ok asset's report (which exists),
                  and the page opens in chromium; the dashboard of a file that is not a summary is
                  one error line.
usage: check_report.py asset|fleet OUTDIR [FTWIN]   (FTWIN: also `ftwin report` through the binary)
"""
import html as htmlmod
import math
import os
import re
import shutil
import subprocess
import sys
from collections import Counter

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)
from ftwin_testlib import Checks  # noqa: E402
import browser  # noqa: E402

REPORT = os.path.join(ROOT, "scripts", "ftwin_report.py")
FLEET = os.path.join(ROOT, "scripts", "fleet.py")
FIX = os.path.join(ROOT, "tests", "assim", "state_fixture")
check = Checks()
NUM = re.compile(r'<span class="num[^"]*" data-key="([^"]+)" data-value="([^"]+)"(?: data-scale="([^"]+)" data-sig="(\d+)")?>([^<]*)</span>')


def numbers(path):
    """{key: [(exact value, scale, significant figures, shown text)]} of a report."""
    out = {}
    for k, v, sc, sg, txt in NUM.findall(open(path, encoding="utf-8").read()):
        out.setdefault(htmlmod.unescape(k), []).append((float(v), float(sc or 1), int(sg or 0), txt))
    return out


def shown_ok(want, scale, sig, txt):
    """The shown text is want*scale to `sig` significant figures (0: an exact integer)."""
    if txt == "n/a":
        return math.isnan(want)
    got, w = float(txt), want * scale
    if sig == 0:
        return got == w
    if w == 0:
        return got == 0
    return abs(got - w) <= 0.5 * 10 ** (math.floor(math.log10(abs(w))) - sig + 1) * (1 + 1e-9)


def compare(nums, want, what):
    """Every number of the report (nums) against the file's (want: {key: value}); every shown key
    must be checked, and every wanted key shown."""
    bad, unchecked = [], sorted(k for k in nums if k not in want)
    for k, v in want.items():
        if k not in nums:
            bad.append(f"{k}: not in the report")
            continue
        for exact, sc, sg, txt in nums[k]:
            same = (math.isnan(v) and math.isnan(exact)) or exact == v or abs(exact - v) <= 1e-12 * abs(v)
            if not same or not shown_ok(v, sc, sg, txt):
                bad.append(f"{k}: file {v!r}, report {exact!r} shown '{txt}' (x{sc}, {sg} figures)")
    check(not bad, f"{what}: {len(want)} numbers equal to the file's ({len(bad)} differ{': ' + '; '.join(bad[:5]) if bad else ''})")
    check(not unchecked, f"{what}: every number shown is checked (unchecked: {unchecked[:8]})")


def boundary_faces(topo):
    """Independent count of the surface triangles: faces of one tetrahedron only."""
    c = Counter()
    for t in topo[:, :4]:
        a, b, cc, d = (int(x) for x in t)
        for f in ((a, b, cc), (a, b, d), (a, cc, d), (b, cc, d)):
            c[tuple(sorted(f))] += 1
    return sum(1 for v in c.values() if v == 1)


def expected(path):
    """Every number a report of `path` shows, read with h5py."""
    W = {}
    with h5py.File(path, "r") as h:
        W["mesh.nodes"] = h["mesh/coordinates"].shape[0]
        W["mesh.cells"] = h["mesh/topology"].shape[0]
        W["mesh.boundary_faces"] = boundary_faces(h["mesh/topology"][...])
        if "fatigue/hot_spots" in h:
            hs = h["fatigue/hot_spots"]
            for i in range(hs["damage"].shape[0]):
                k = f"hot_spot.{i}"
                W[k + ".node"] = int(hs["node"][i])
                for j, a in enumerate("xyz"):
                    W[f"{k}.position.{a}"] = float(hs["position"][i, j])
                for d in ("damage", "life_hours", "remaining_life_hours", "worst_range"):
                    W[f"{k}.{d}"] = float(hs[d][i])
                for j in range(hs["channel_damage"].shape[1]):
                    W[f"{k}.channel_damage.{j}"] = float(hs["channel_damage"][i, j])
            W["rainflow.total_cycles"] = float(h["fatigue/hot_spot_histogram/counts"][...].sum())
        if "calibration" not in h:
            return W
        C = h["calibration"].attrs
        W["calibration.chi2"], W["calibration.chi2_dof"] = float(C["chi2"]), float(C["chi2_dof"])
        W["calibration.chi2_per_dof"] = float(C["chi2"]) / float(C["chi2_dof"])
        W["calibration.chi2_limit"] = float(C["chi2_limit_99.9"])
        W["calibration.fe_solves"] = int(C["fe_solves"])
        L = h["calibration/life"].attrs
        for k in ("nominal_hours", "p05_hours", "median_hours", "p95_hours"):
            W[f"life.{k}"] = float(L[k])
        W["life.samples"] = h["calibration/life/samples_hours"].shape[0]
        P = h["calibration/parameters"]
        for j in range(P["value"].shape[0]):
            for k in ("value", "std", "prior", "prior_sigma"):
                W[f"parameters.{j}.{k}"] = float(P[k][j])
            W[f"parameters.{j}.shift_in_prior_sigmas"] = (float(P["value"][j]) - float(P["prior"][j])) / float(P["prior_sigma"][j])
        S = h["calibration/sensors"]
        for i in range(S["noise"].shape[0]):
            for k in ("noise", "residual_rms_before", "residual_rms_after"):
                W[f"sensors.{i}.{k}"] = float(S[k][i])
            for f in range(S["flag_counts"].shape[1]):
                W[f"cleaning.{i}.flag_{f}"] = float(S["flag_counts"][i, f])
            W[f"cleaning.{i}.outliers"] = float(S["outliers"][i])
            W[f"cleaning.{i}.bad_fraction"] = float(S["bad_fraction"][i])
        Ld = h["calibration/loads"]
        W["loads.steps"] = Ld["time"].shape[0]
        W["loads.unidentified_steps"] = int(Ld.attrs["unidentified_steps"])
        W["loads.weakly_determined_steps"] = int(Ld.attrs["weakly_determined_steps"])
        I = h["calibration/identifiability"].attrs
        W["identifiability.rank"], W["identifiability.condition"] = int(I["rank"]), float(I["condition"])
        log = h["calibration/state/log"][...]
        for i, r in enumerate(log):
            W[f"runs.{i}.first_judged_s"], W[f"runs.{i}.processed_until_s"], W[f"runs.{i}.samples"] = float(r[0]), float(r[1]), float(r[2])
            for j in range(log.shape[1] - 4):
                W[f"runs.{i}.theta.{j}"] = float(r[4 + j])
        W["runs.count"] = int(h["calibration/state"].attrs["runs"])
        W["runs.processed_until"] = float(h["calibration/state"].attrs["processed_until"])
        W["runs.damage_total"] = float(h["fatigue/hot_spots/damage"][0])
        if "calibration/state/damage_log" in h:  # the damage column of the run log (since the provenance record)
            dl = h["calibration/state/damage_log"][...]
            for i in range(dl.shape[0]):
                W[f"runs.{i}.damage"] = float(dl[i])
                W[f"runs.{i}.damage_added"] = float(dl[i] - (dl[i - 1] if i else 0.0))
            del W["runs.damage_total"]
    return W


def report(src, out, rc=0):
    r = subprocess.run([sys.executable, REPORT, src, "-o", out], capture_output=True, text=True, timeout=300)
    if rc is not None and r.returncode != rc:
        print(r.stdout[-3000:], r.stderr[-3000:])
    return r


def in_browser(page, work, what):
    png = os.path.splitext(page)[0] + ".png"
    n, bad, errors = browser.open_page(page, work, png)
    check(not errors and n > 0 and bad == 0, f"{what}: opens in chromium: {n} images, {bad} not decoded, errors {errors[:3]}")
    if os.path.exists(png):
        w, hgt, colours, ink = browser.screenshot_stats(png)
        check(colours > 50 and ink > 0.01, f"{what}: screenshot {w}x{hgt}, {colours} colours, {100 * ink:.0f} % non-white")


def missing_keys(page):
    return set(re.findall(r'data-missing="([^"]+)"', open(page, encoding="utf-8").read()))


def test_asset(out):
    # the asset file
    asset = os.path.join(FIX, "asset_v1.h5")
    page = os.path.join(out, "asset.html")
    r = report(asset, page)
    check(r.returncode == 0 and os.path.exists(page), f"report of {asset}: exit {r.returncode} {r.stderr.strip()[-300:]}")
    check(len(re.findall(r"ftwin report: \[\d+/\d+\]", r.stderr)) >= 10, "progress lines while it renders")
    text = open(page, encoding="utf-8").read()
    check('data-kind="asset"' in text and missing_keys(page) == {"damage_per_run", "provenance_record"},
          f"asset report of the format-1 fixture: every section present; only the damage per run and the provenance record "
          f"said to be not recorded: {sorted(missing_keys(page))}")
    check("in region &#x27;body&#x27;" in text or "in region 'body'" in text, "the hot spot is named by its region and position")
    compare(numbers(page), expected(asset), "asset report")
    in_browser(page, out, "asset report")
    if FTWIN:  # `ftwin report` runs the same script
        via = os.path.join(out, "via_ftwin.html")
        r = subprocess.run([FTWIN, "report", asset, "-o", via, "-q"], capture_output=True, text=True, timeout=300)
        check(r.returncode == 0 and r.stderr == "" and numbers(via) == numbers(page),
              f"ftwin report {os.path.basename(asset)} -o ... -q: exit {r.returncode}, the same numbers, no output {r.stderr[-200:]!r}")

    # an asset file with the run log's damage column (ftwin since issue 18): the damage per run shown, nothing missing
    dlf = os.path.join(out, "asset_damage_log.h5")
    shutil.copyfile(asset, dlf)
    with h5py.File(dlf, "r+") as h:
        n = h["calibration/state/log"].shape[0]
        h["calibration/state/damage_log"] = np.full(n, float(h["fatigue/damage"][...].max()))
        h["calibration/state/hot_node_log"] = np.full(n, int(np.argmax(h["fatigue/damage"][...])), dtype=np.int64)
    page = os.path.join(out, "asset_damage_log.html")
    r = report(dlf, page)
    check(r.returncode == 0 and missing_keys(page) == {"provenance_record"}, f"asset report with a damage log: only the provenance record said missing {sorted(missing_keys(page)) if r.returncode == 0 else r.stderr[-200:]}")
    compare(numbers(page), expected(dlf), "asset report with a damage log")

    # a fatigue results file (what `ftwin fatigue` writes: /mesh, /fatigue, root attributes; no /calibration)
    fat = os.path.join(out, "fatigue_only.h5")
    with h5py.File(asset, "r") as a, h5py.File(fat, "w") as b:
        for k in ("mesh", "fatigue", "case_file"):
            a.copy(k, b)
        b.attrs.update(dict(a.attrs))
    page = os.path.join(out, "fatigue.html")
    r = report(fat, page)
    text = open(page, encoding="utf-8").read() if os.path.exists(page) else ""
    miss = missing_keys(page) if text else set()
    check(r.returncode == 0 and 'data-kind="fatigue"' in text and "no calibration in this file" in text and
          {"life_band", "sensor_fit", "loads", "parameters", "cleaning", "runs"} <= miss and "hot_spots" not in miss,
          f"fatigue-only file: a report that says what is missing: exit {r.returncode}, missing {sorted(miss)}")
    compare(numbers(page), expected(fat), "fatigue report")

    # FE results (`ftwin basis` writes the `ftwin run` layout plus /basis): no fatigue, no calibration
    run = os.path.join(FIX, "basis_v1.h5")
    page = os.path.join(out, "run.html")
    r = report(run, page)
    text = open(page, encoding="utf-8").read() if os.path.exists(page) else ""
    miss = missing_keys(page) if text else set()
    check(r.returncode == 0 and 'data-kind="run"' in text and "no calibration in this file" in text and
          {"hot_spots", "life_band", "rainflow", "sensor_fit", "loads", "parameters", "cleaning", "runs"} <= miss,
          f"run-only file: exit {r.returncode}, says 'no calibration in this file', missing {sorted(miss)}")
    compare(numbers(page), expected(run), "run report")
    in_browser(page, out, "run report")

    # bad files: one line naming the file, exit 1, no traceback, the previous report left as it was
    prev = os.path.join(out, "previous.html")
    with open(prev, "w") as f:
        f.write("<html>previous</html>\n")
    trunc = os.path.join(out, "truncated.h5")
    with open(asset, "rb") as f, open(trunc, "wb") as g:
        g.write(f.read(3000))
    garbage = os.path.join(out, "garbage.h5")
    with open(garbage, "wb") as g:
        g.write(bytes(np.random.default_rng(1).integers(0, 256, 5000, dtype=np.uint8)))
    foreign = os.path.join(out, "foreign.h5")
    with h5py.File(foreign, "w") as h:
        h["temperatures"] = np.arange(10.0)
        h.create_group("experiment").attrs["who"] = "not ftwin"
    holed = os.path.join(out, "holed.h5")
    shutil.copyfile(asset, holed)
    with h5py.File(holed, "a") as h:
        del h["fatigue/hot_spots/position"]
    for f, says in ((trunc, "not an HDF5 file, or damaged"), (garbage, "not an HDF5 file, or damaged"),
                    (foreign, "not an ftwin results file"), (holed, "/fatigue/hot_spots/position: missing"),
                    (os.path.join(out, "nothing.h5"), "no such file")):
        r = report(f, prev, rc=None)
        lines = r.stderr.strip().splitlines()
        check(r.returncode == 1 and len(lines) == 1 and lines[0].startswith(f"ftwin report: error: {f}") and says in lines[0]
              and "Traceback" not in r.stderr and open(prev).read() == "<html>previous</html>\n",
              f"{os.path.basename(f)}: exit {r.returncode}, one line: {r.stderr.strip()[:200]!r}")


def test_fleet(out):
    fl = os.path.join(out, "fleet")
    os.makedirs(fl)
    with open(os.path.join(fl, "fleet.csv"), "w") as f:
        f.write("asset_id,design,data,output\n" + "".join(f"{i},state_fixture,{i}.csv,assets/{i}/asset.h5\n" for i in ("pump-1", "pump-2", "pump-3")))
    # pump-1: the fixture; pump-2: the fixture with a life band ten times shorter (the riskiest ok asset); pump-3 failed
    for i in ("pump-1", "pump-2"):
        os.makedirs(os.path.join(fl, "assets", i))
        shutil.copyfile(os.path.join(FIX, "asset_v1.h5"), os.path.join(fl, "assets", i, "asset.h5"))
    with h5py.File(os.path.join(fl, "assets", "pump-2", "asset.h5"), "a") as h:
        for k in ("nominal_hours", "p05_hours", "median_hours", "p95_hours"):
            h["calibration/life"].attrs[k] = h["calibration/life"].attrs[k] / 10
    os.makedirs(os.path.join(fl, "assets", "pump-3"))
    with open(os.path.join(fl, "assets", "pump-3", "pump-3.status.json"), "w") as f:
        f.write('{"asset_id": "pump-3", "exit_code": 1, "status": "failed", "reason": "ftwin: error: pump-3.csv:7: wrong column count", "run": ""}\n')
    r = subprocess.run([sys.executable, FLEET, "summary", os.path.join(fl, "fleet.csv"), "-o", os.path.join(fl, "out", "summary")],
                       capture_output=True, text=True)
    check(r.returncode == 3, f"fleet.py summary: exit {r.returncode} (3: an asset failed) {r.stderr.strip()}")
    dash = os.path.join(fl, "out", "dashboard.html")
    r = subprocess.run([sys.executable, FLEET, "dashboard", os.path.join(fl, "out", "summary.h5")], capture_output=True, text=True, timeout=300)
    check(r.returncode == 0 and os.path.exists(dash), f"fleet.py dashboard: exit {r.returncode} {r.stderr.strip()[-300:]}")
    check("fleet dashboard: [" in r.stderr, "progress lines while it renders")
    text = open(dash, encoding="utf-8").read()
    with h5py.File(os.path.join(fl, "out", "summary.h5"), "r") as h:
        g = h["summary"]
        ids = [x.decode() for x in g["asset_id"][...]]
        status = [x.decode() for x in g["status"][...]]
        want = {"fleet.n_assets": len(ids), "fleet.n_failed": status.count("failed")}
        for i, a in enumerate(ids):
            if status[i] != "ok":
                continue
            for c in ("life_nominal_h", "life_p05_h", "life_p95_h", "remaining_life_h", "hot_spot_damage", "chi2_per_dof"):
                want[f"fleet.{a}.{c}"] = float(g[c][i])
            want[f"fleet.{a}.hot_spot_node"] = int(g["hot_spot_node"][i])
            want[f"fleet.{a}.last_data_time_h"] = float(g["last_data_time_s"][i])
        want["fleet.min_p05_h"] = min(float(g["life_p05_h"][i]) for i in range(len(ids)) if status[i] == "ok")
        reason = g["reason"][ids.index("pump-3")].decode()
    order = re.findall(r"<tr[^>]*><td[^>]*>\d+</td><td[^>]*>(?:<a href=\"[^\"]+\">)?([^<]+)", text)
    check(order == ids == ["pump-3", "pump-2", "pump-1"], f"dashboard rows in the summary's risk order: {order} (summary {ids})")
    compare(numbers(dash), want, "fleet dashboard")
    check(htmlmod.escape(reason) in text and reason, f"the failed asset's reason shown: {reason!r}")
    links = re.findall(r'<a href="(reports/[^"]+)">', text)
    check(sorted(links) == ["reports/pump-1.html", "reports/pump-2.html"] and all(os.path.exists(os.path.join(fl, "out", l)) for l in links),
          f"a link to each ok asset's report, and the reports exist: {links}")
    n2 = numbers(os.path.join(fl, "out", "reports", "pump-2.html"))
    check(n2.get("life.p05_hours", [(0,)])[0][0] == want["fleet.pump-2.life_p05_h"], "the linked report is that asset's (its life band)")
    in_browser(dash, out, "fleet dashboard")
    r = subprocess.run([sys.executable, FLEET, "dashboard", os.path.join(FIX, "asset_v1.h5"), "-o", os.path.join(out, "x.html")],
                       capture_output=True, text=True)
    lines = r.stderr.strip().splitlines()
    check(r.returncode == 1 and len(lines) == 1 and "not a fleet summary" in lines[0] and "Traceback" not in r.stderr,
          f"dashboard of a file that is not a summary: exit {r.returncode}, {r.stderr.strip()[:200]!r}")


FTWIN = None


def main():
    global FTWIN
    what, out = sys.argv[1], os.path.abspath(sys.argv[2])
    FTWIN = sys.argv[3] if len(sys.argv) > 3 else None
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    {"asset": test_asset, "fleet": test_fleet}[what](out)
    check.done()


if __name__ == "__main__":
    main()
