"""The fleet dashboard: one HTML page from the fleet summary (scripts/fleet.py summary ->
SUMMARY.h5, group /summary), assets in the summary's risk order (failed first, then the shortest
5th-percentile life), the life band of each asset as a plot, data-quality and calibration-quality
flags, failed assets with their reason, and a link to each asset's report (made beside the
dashboard in reports/ID.html from the asset file the summary names)."""
import math
import os
import sys
import time

import numpy as np

from . import asset_report
from .fmt import esc, integer, num, sig
from .h5file import ReportError, first_line
from .page import Page

BAD_FRACTION_WARN = 0.05  # data-quality flag: more than 5 % of all readings flagged by cleaning


def read_summary(path):
    """The summary's rows as dicts, in its order (risk), and its /summary attributes."""
    import h5py
    if not os.path.exists(path):
        raise ReportError(f"{path}: no such file (run `fleet.py summary MANIFEST -o SUMMARY` first)")
    try:
        h = h5py.File(path, "r")
    except OSError as e:
        raise ReportError(f"{path}: not an HDF5 file, or damaged: {first_line(e)}") from None
    with h:
        if "summary" not in h or "asset_id" not in h["summary"]:
            raise ReportError(f"{path}: not a fleet summary: it has no /summary/asset_id (written by scripts/fleet.py summary)")
        g = h["summary"]
        cols = {}
        try:
            for k in g.keys():
                v = g[k][...]
                cols[k] = [x.decode("utf-8", "replace") if isinstance(x, bytes) else x for x in v.tolist()]
            attrs = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in g.attrs.items()}
        except (OSError, ValueError, TypeError) as e:
            raise ReportError(f"{path}: /summary: cannot be read (damaged?): {first_line(e)}") from None
    n = len(cols["asset_id"])
    bad = [k for k, v in cols.items() if len(v) != n]
    if bad:
        raise ReportError(f"{path}: /summary: columns of another length than asset_id ({n}): {', '.join(bad)}")
    rows = [{k: cols[k][i] for k in cols} for i in range(n)]
    return rows, attrs


def fnum(r, k):
    v = r.get(k)
    try:
        return float(v)
    except (TypeError, ValueError):
        return math.nan


def data_flag(r):
    """('ok' | 'warn' | 'n/a', why)."""
    d, b = r.get("sensors_dropped", -1), fnum(r, "bad_sample_fraction")
    if r.get("status") != "ok" or math.isnan(b):
        return "n/a", "no data-quality numbers"
    why = []
    if d and int(d) > 0:
        why.append(f"{int(d)} sensor(s) dropped")
    if b > BAD_FRACTION_WARN:
        why.append(f"{sig(100 * b, 2)} % flagged")
    return ("warn", "; ".join(why)) if why else ("ok", "")


def cal_flag(r):
    a = r.get("calibration_acceptable", -1)
    if r.get("status") != "ok" or a is None or int(a) < 0:
        return "n/a"
    return "ok" if int(a) == 1 else "not acceptable"


def flag_html(f, why=""):
    cls = {"ok": "flag-ok", "warn": "flag-warn", "not acceptable": "flag-bad", "failed": "flag-bad"}.get(f, "")
    t = f' title="{esc(why)}"' if why else ""
    return f'<span class="{cls}" data-flag="{esc(f)}"{t}>{esc(f)}</span>' + (f"<br><small>{esc(why)}</small>" if why else "")


def render(summary_path, out, reports=True, quiet=False):
    """Writes the dashboard (and, with reports, each asset's report under reports/ beside it)."""
    t0 = time.time()
    rows, attrs = read_summary(summary_path)
    outdir = os.path.dirname(os.path.abspath(out))
    links, notes = {}, {}
    for i, r in enumerate(rows):
        f = r.get("asset_file") or ""
        if not reports or not f or not os.path.exists(f):
            if f and not os.path.exists(f):
                notes[r["asset_id"]] = "no asset file"
            continue
        rel = os.path.join("reports", f"{r['asset_id']}.html")
        if not quiet:
            print(f"fleet dashboard: [{i + 1}/{len(rows)}] report of {r['asset_id']} ({time.time() - t0:.1f} s)", file=sys.stderr, flush=True)
        try:
            asset_report.render(f, os.path.join(outdir, rel), quiet=True)
            links[r["asset_id"]] = rel
        except ReportError as e:
            notes[r["asset_id"]] = f"no report: {e}"
    n, nf = len(rows), sum(r.get("status") == "failed" for r in rows)
    P = Page("ftwin fleet dashboard")
    P.h1(f"Fleet dashboard: {n} assets, {nf} failed",
         f"summary {esc(os.path.abspath(summary_path))} (written {esc(attrs.get('date', '?'))}); manifest {esc(attrs.get('manifest', '?'))}; "
         f"dashboard made {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}")
    P.add(f'<div class="key"><div><b>assets</b>{integer("fleet.n_assets", n)}</div><div><b>failed</b>{integer("fleet.n_failed", nf)}</div>'
          + (f'<div><b>shortest 5th-percentile life</b>{num("fleet.min_p05_h", min(fnum(r, "life_p05_h") for r in rows if r.get("status") == "ok"), 3, "h")}'
             f' ({esc(next(r["asset_id"] for r in rows if r.get("status") == "ok"))})</div>' if n > nf else "") + "</div>")
    P.section("life", "Life with its band, by risk")
    if not quiet:
        print(f"fleet dashboard: plot and table ({time.time() - t0:.1f} s)", file=sys.stderr, flush=True)
    _plot(P, rows)
    P.section("assets", "Assets")
    has_verify = any("verify" in r for r in rows)
    head = ["#", "asset", "status", "life nominal [h]", "p05 [h]", "p95 [h]", "remaining [h]", "hot spot: node at x, y, z [mm]",
            "damage", "chi2/dof", "calibration", "data quality"] + (["verify"] if has_verify else []) + ["last data [h]", "file date", "reason / note"]
    body, cls = [], []
    for i, r in enumerate(rows):
        a = r["asset_id"]
        k = f"fleet.{a}"
        ok = r.get("status") == "ok"
        name = f'<a href="{esc(links[a])}">{esc(a)}</a>' if a in links else esc(a)
        df, why = data_flag(r)
        pos = ", ".join(sig(fnum(r, f"hot_spot_{c}") * 1e3, 4) for c in "xyz")
        hot = f'{integer(k + ".hot_spot_node", r.get("hot_spot_node", -1))} at {pos}' if ok else ""
        row = [str(i + 1), name, flag_html("failed") if not ok else flag_html("ok")]
        if ok:
            row += [num(k + ".life_nominal_h", fnum(r, "life_nominal_h"), 3), num(k + ".life_p05_h", fnum(r, "life_p05_h"), 3),
                    num(k + ".life_p95_h", fnum(r, "life_p95_h"), 3), num(k + ".remaining_life_h", fnum(r, "remaining_life_h"), 3), hot,
                    num(k + ".hot_spot_damage", fnum(r, "hot_spot_damage"), 3), num(k + ".chi2_per_dof", fnum(r, "chi2_per_dof"), 3),
                    flag_html(cal_flag(r)), flag_html(df, why)]
        date = str(r.get("asset_file_date", ""))
        note = (f'<br><small>{esc(notes[a])}</small>' if a in notes else "")
        if not ok:  # the reason across the columns that have no numbers
            row.append((f'<div style="text-align:left;white-space:normal;overflow-wrap:anywhere"><span class="flag-bad">reason:</span> '
                        f'{esc(r.get("reason", ""))}{note}</div>', len(head) - 3))
        else:
            if has_verify:
                row.append(esc(r.get("verify", "")))
            row += [num(k + ".last_data_time_h", fnum(r, "last_data_time_s"), 4, scale=1 / 3600),
                    f'<span title="{esc(date)}">{esc(date[:10])}</span>', esc(r.get("reason", "")) + note]
        body.append(row)
        cls.append("bad" if not ok else ("warn" if df == "warn" or cal_flag(r) == "not acceptable" else ""))
    P.table(head, body, cls=cls, left=(1, 2, 10, 11, len(head) - 1), ident="fleet_table", wrap=(3, len(head) - 1))
    P.p(f"Order: {esc(attrs.get('order', 'the summary order'))}. Data quality 'warn': a sensor dropped or more than "
        f"{sig(100 * BAD_FRACTION_WARN)} % of all readings flagged by cleaning. Calibration 'ok': chi-square below its 99.9 % limit. "
        "Reports: reports/ASSET.html beside this page (made from each asset file the summary names; for a failed asset, the previous "
        "run's file when there is one).", "note")
    P.write(out)
    if not quiet:
        print(f"fleet dashboard: {n} assets, {len(links)} reports -> {out} ({time.time() - t0:.1f} s)", file=sys.stderr, flush=True)
    return out


def _plot(P, rows):
    mp = asset_report.plt()
    n = len(rows)
    fig, ax = mp.subplots(figsize=(11, 0.32 * n + 1.3), constrained_layout=True)
    y = np.arange(n)
    okv = [fnum(r, "life_nominal_h") for r in rows if r.get("status") == "ok" and fnum(r, "life_p05_h") > 0]
    lo = min([fnum(r, "life_p05_h") for r in rows if r.get("status") == "ok" and fnum(r, "life_p05_h") > 0] or [1.0])
    for i, r in enumerate(rows):
        p05, p95, nom = fnum(r, "life_p05_h"), fnum(r, "life_p95_h"), fnum(r, "life_nominal_h")
        if r.get("status") != "ok" or not (p05 > 0):
            ax.annotate("failed" if r.get("status") != "ok" else "no life", (lo, i), xytext=(2, 0), textcoords="offset points",
                        va="center", color="#b3261e", fontsize=8, fontweight="bold")
            continue
        first = not ax.lines
        ax.plot([p05, p95], [i, i], color="#2b6cb0", lw=6, alpha=0.6, solid_capstyle="butt", label="life band, 5th-95th percentile" if first else None)
        ax.plot([nom], [i], "o", color="black", ms=5, label="nominal (calibrated)" if first else None)
    ax.set_yticks(y, [r["asset_id"] for r in rows], fontsize=8)
    ax.set_ylim(n - 0.5, -0.5)
    if okv:
        ax.set_xscale("log")
    ax.set_xlabel("life at the hot spot [h] (log scale)")
    h, l = ax.get_legend_handles_labels()
    if h:
        ax.legend(h, l, fontsize=8, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, frameon=False)
    P.image(fig, "life band per asset")
