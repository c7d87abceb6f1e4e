"""The report of one results file: an asset file (`ftwin calibrate` / `ftwin asset`: /fatigue and
/calibration), a fatigue results file (`ftwin fatigue`: /fatigue) or FE results (`ftwin run`,
`ftwin basis`: /load_cases, /thermal). Each section shows what the file holds and says plainly
what it does not hold ("not recorded in this file"). Names and units: src/io/layout.h."""
import math
import os
import re
import sys
import time

import numpy as np

from .fmt import esc, hours, integer, num, sig
from .h5file import ReportError, Results
from .page import Page

SECTIONS = ["summary", "component", "hot spots", "life band", "runs", "rainflow", "sensor fit", "loads", "parameters",
            "cleaning", "provenance"]


class Progress:
    """One line per stage on stderr ("ftwin report: [3/11] rainflow matrix ... 0.4 s")."""

    def __init__(self, quiet):
        self.quiet, self.i, self.t0 = quiet, 0, time.time()

    def __call__(self, what):
        self.i += 1
        if not self.quiet:
            print(f"ftwin report: [{self.i}/{len(SECTIONS)}] {what} ({time.time() - self.t0:.1f} s)", file=sys.stderr, flush=True)


def plt():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as p
    p.rcParams.update({"font.size": 9, "axes.titlesize": 10, "axes.grid": True, "grid.alpha": 0.3})
    return p


def length_unit(R):
    """(unit, factor): positions are shown in mm (the file holds m), the unit of ftwin's example
    parts and of their case files."""
    return ("mm", 1e3)


def time_scale(t):
    """(factor, label) of a time axis in s, min or h, whichever reads best for the times t [s]."""
    span = float(np.nanmax(t) - np.nanmin(t)) if len(t) else 0.0
    if span > 3 * 3600:
        return 1 / 3600.0, "time [h]"
    if span > 3 * 60:
        return 1 / 60.0, "time [min]"
    return 1.0, "time [s]"


def time_axis(t):
    """(values, label) of a time axis (time_scale)."""
    f, label = time_scale(t)
    return t * f, label


def channel_names(R, case, n):
    """The load channels' names: /calibration/loads' channels, the case's fatigue channels, or the
    settings line; numbers when none is recorded."""
    v = R.attr("/calibration/loads", "channels")
    if v:
        names = v.split(",")
    else:
        ch = (case.get("fatigue") or {}).get("channels") if isinstance(case.get("fatigue"), dict) else None
        names = [c.get("name", f"channel {i}") for i, c in enumerate(ch)] if isinstance(ch, list) else []
        if not names:
            s = R.attr("/fatigue", "settings") or ""
            names = re.findall(r"(\S+) -> \S+ x", s.split("channels:", 1)[-1]) if "channels:" in s else []
    return names if len(names) == n else [f"channel {i}" for i in range(n)]


def region_name(names, tag):
    if tag is None or tag < 0:
        return "no region"
    return names[tag] if tag < len(names) else f"region {tag}"


# ---- sections ---------------------------------------------------------------------------------

def summary(P, R, case, S):
    """The key numbers at the top."""
    L, u = S["lu"]
    cells = []
    if S.get("life"):
        lf = S["life"]
        cells.append(("life at the hot spot (calibrated)", num("life.nominal_hours", lf["nominal_hours"], 3, "h") + " " + hours(lf["nominal_hours"])))
        cells.append(("life band 5th-95th percentile", num("life.p05_hours", lf["p05_hours"], 3, "h") + " - " + num("life.p95_hours", lf["p95_hours"], 3, "h")))
    if S.get("hs") is not None:
        hs = S["hs"]
        cells.append(("worst damage over the counted history", num("hot_spot.0.damage", hs["damage"][0], 3)))
        if "life_hours" in hs:
            cells.append(("life at the worst node (/fatigue)", num("hot_spot.0.life_hours", hs["life_hours"][0], 3, "h") + " " + hours(hs["life_hours"][0])))
        cells.append(("hot spot", S["hs_name"][0]))
    C = R.attrs("/calibration")
    if C:
        ok = C.get("acceptable")
        cells.append(("calibration fit", f'chi2/dof {num("calibration.chi2_per_dof", C["chi2"] / C["chi2_dof"] if C.get("chi2_dof") else math.nan, 3)} '
                      + ('<span class="flag-ok">acceptable</span>' if ok == 1 else '<span class="flag-bad">not acceptable</span>')))
    if S.get("dropped"):
        cells.append(("sensors dropped", '<span class="flag-warn">' + esc(", ".join(S["dropped"])) + "</span>"))
    if cells:
        P.add('<div class="key">' + "".join(f"<div><b>{esc(k)}</b>{v}</div>" for k, v in cells) + "</div>")


def component(P, R, S):
    """The part from three views coloured by damage (or von Mises for FE results), hot spots marked."""
    from matplotlib import cm, colors
    from .surface import Surface, draw
    L, scale = S["lu"]
    try:
        surf = Surface(R.read("/mesh/coordinates"), R.read("/mesh/topology"))
    except ValueError as e:
        raise ReportError(f"{R.path}: /mesh/topology: {e}") from None
    S["surface"] = surf
    marks = []
    if S.get("hs") is not None:
        marks = [(f"#{i + 1}", S["hs"]["position"][i]) for i in range(min(5, len(S["hs"]["damage"])))]
    if R.has("/fatigue/damage"):
        d = R.read("/fatigue/damage", np.float64)
        fin = d[np.isfinite(d)]
        dmax = float(fin.max()) if fin.size and fin.max() > 0 else 1.0
        vals = d[surf.tri].max(axis=1)
        vals = np.where(np.isfinite(vals), vals, dmax)
        norm = colors.LogNorm(vmin=dmax * 1e-4, vmax=dmax, clip=True)
        vals = np.maximum(vals, dmax * 1e-4)
        label, cmap = "Miner damage over the counted history (log scale; 4 decades below the maximum)", cm.get_cmap("YlOrRd")
        P.p(f"Colour: damage per node over the counted history (/fatigue/damage; life = counted duration / damage). "
            f"Hot spots #1-#{len(marks)} of the table below (whole-part views label #1 only); a hollow marker lies on a face turned away "
            "or hidden in that view.", "note")
    else:
        cases = sorted(R.f["/load_cases"].keys()) if R.has("/load_cases") else []
        if not cases:
            P.missing("No damage and no stress field in this file: the component is drawn without colour.", "component_field")
            vals, norm, label, cmap = np.zeros(len(surf.tri)), colors.Normalize(0, 1), "", cm.get_cmap("Greys")
        else:
            vm = R.read(f"/load_cases/{cases[0]}/von_mises", np.float64) / 1e6
            vals = vm[surf.tri].max(axis=1)
            norm = colors.Normalize(vmin=0, vmax=float(np.nanmax(vm)) or 1.0)
            label, cmap = f"von Mises stress of unit load case '{cases[0]}' [MPa]", cm.get_cmap("viridis")
            P.p(f"Colour: von Mises stress of the unit load case '{esc(cases[0])}' (/load_cases/{esc(cases[0])}/von_mises). "
                "This file holds no fatigue results (no /fatigue): no damage or hot spots to show.", "note")
    # two isometric views of the whole part from opposite sides, the first from the side hot spot #1
    # faces; then a close-up of hot spot #1 seen along its surface normal (tilted a little)
    sx, sy = 1.0, -1.0
    nrm = surf.node_normal(int(S["hs"]["node"][0])) if marks and "node" in S["hs"] else None
    if nrm is not None:
        sx, sy = max(((a, b) for a in (1.0, -1.0) for b in (1.0, -1.0)), key=lambda c: c[0] * nrm[0] + c[1] * nrm[1] + 0.8 * nrm[2])
    iso = np.array([sx, sy, 0.8])
    sgn = lambda v: "+" if v > 0 else "-"  # noqa: E731
    views = [(f"isometric (from {sgn(sx)}x, {sgn(sy)}y, +z)", iso, None, True),
             (f"isometric (from {sgn(-sx)}x, {sgn(-sy)}y, +z)", np.array([-sx, -sy, 0.8]), None, True)]
    if marks:
        d = (nrm if nrm is not None else iso / np.linalg.norm(iso)) + 0.35 * iso / np.linalg.norm(iso)
        views.append(("close-up of hot spot #1 (along its normal)", d, (np.asarray(S["hs"]["position"][0]), 0.08 * surf.diag), False))
    mp = plt()
    fig, axes = mp.subplots(1, len(views), figsize=(4.2 * len(views) + 0.8, 4.6), squeeze=False)
    for ax, (title, d, win, whole) in zip(axes[0], views):
        # whole-part views label #1 only (close hot spots would overlap); the close-up labels all
        mk = [(lab if (i == 0 or not whole) else "", pos) for i, (lab, pos) in enumerate(marks)]
        draw(ax, surf, vals, cmap, norm, d, marks=mk, window=win, scale=scale)
        ax.set_title(title)
    if label:
        sm = cm.ScalarMappable(norm=norm, cmap=cmap)
        fig.colorbar(sm, ax=axes[0].tolist(), orientation="horizontal", fraction=0.05, pad=0.03, aspect=60, label=label)
    P.image(fig, "the component and its hot spots")
    P.p(f"{integer('mesh.nodes', surf.x.shape[0])} nodes, {integer('mesh.cells', R.f['/mesh/topology'].shape[0])} cells, "
        f"{integer('mesh.boundary_faces', len(surf.tri))} boundary faces; size {sig((surf.hi - surf.lo)[0] * scale)} x "
        f"{sig((surf.hi - surf.lo)[1] * scale)} x {sig((surf.hi - surf.lo)[2] * scale)} {L}.", "note")


def hot_spots(P, R, S, case):
    if S.get("hs") is None:
        P.missing("No hot spots in this file (no /fatigue/hot_spots): run <code>ftwin fatigue</code> or an asset run.", "hot_spots")
        return
    hs, L, scale = S["hs"], *S["lu"]
    chn = S["channels"]
    cd = hs.get("channel_damage")
    head = ["#", "node", f"x [{L}]", f"y [{L}]", f"z [{L}]", "region", "damage", "life [h]", "remaining [h]", "worst range [MPa]",
            "dominant channel"] + ([f"damage, {esc(c)} alone" for c in chn] if cd is not None else [])
    rows = []
    for i in range(len(hs["damage"])):
        k = f"hot_spot.{i}"
        r = [str(i + 1), integer(k + ".node", hs["node"][i]) if "node" in hs else "",
             *[num(f"{k}.position.{a}", hs["position"][i][j], 4, scale=scale) for j, a in enumerate("xyz")],
             esc(S["hs_region"][i]), num(k + ".damage", hs["damage"][i], 3),
             num(k + ".life_hours", hs["life_hours"][i], 3) if "life_hours" in hs else "",
             num(k + ".remaining_life_hours", hs["remaining_life_hours"][i], 3) if "remaining_life_hours" in hs else "",
             num(k + ".worst_range", hs["worst_range"][i], 3, scale=1e-6) if "worst_range" in hs else "",
             esc(chn[hs["dominant_channel"][i]]) if "dominant_channel" in hs and 0 <= hs["dominant_channel"][i] < len(chn) else ""]
        if cd is not None:
            r += [num(f"{k}.channel_damage.{j}", cd[i][j], 3) for j in range(len(chn))]
        rows.append(r)
    P.table(head, rows, left=(5, 10), ident="hot_spot_table")
    P.p("Hot spots: the nodes of largest damage, worst first (/fatigue/hot_spots). 'alone': damage of the history with only that "
        "channel acting; rainflow counting is not linear, so these do not add up to the damage of the channels together. "
        "A NaN damage marks a cycle outside the mean-stress correction's range.", "note")


def life_band(P, R, S):
    if not S.get("life"):
        P.missing("No life band in this file (no /calibration/life): the band needs a calibration (<code>ftwin calibrate</code> "
                  "or <code>ftwin asset</code>).", "life_band")
        return
    lf = S["life"]
    smp = R.opt("/calibration/life/samples_hours", np.float64)
    P.p(f"Nominal life {num('life.nominal_hours', lf['nominal_hours'], 3, 'h')}, median of the ensemble "
        f"{num('life.median_hours', lf['median_hours'], 3, 'h')}, 5th-95th percentile {num('life.p05_hours', lf['p05_hours'], 3, 'h')} - "
        f"{num('life.p95_hours', lf['p95_hours'], 3, 'h')} ({integer('life.samples', 0 if smp is None else len(smp))} ensemble members).")
    if smp is not None and len(smp):
        mp = plt()
        fig, ax = mp.subplots(figsize=(9, 3.0), constrained_layout=True)
        fin = smp[np.isfinite(smp)]
        ax.hist(fin, bins=max(8, min(40, len(fin) // 3)), color="#8fb3e0", edgecolor="#2b6cb0", label="ensemble members")
        for v, s, c in ((lf["p05_hours"], "5th percentile", "#b3261e"), (lf["median_hours"], "median", "#444"),
                        (lf["p95_hours"], "95th percentile", "#137333"), (lf["nominal_hours"], "nominal (calibrated)", "black")):
            ax.axvline(v, color=c, ls="--" if s != "nominal (calibrated)" else "-", lw=1.5, label=f"{s}: {sig(v)} h")
        ax.set_xlabel("life at the hot spot [h]")
        ax.set_ylabel("ensemble members")
        ax.legend(fontsize=8, loc="upper left")
        P.image(fig, "life band")
    meth = R.attr("/calibration/life", "method")
    if meth:
        P.p("Method: " + esc(meth), "note")


def runs(P, R, S):
    log = R.opt("/calibration/state/log", np.float64)
    if log is None or log.ndim != 2 or log.shape[1] < 4:
        P.missing("No run log in this file (no /calibration/state/log): a one-shot result has no history of runs.", "runs")
        return
    st = R.attrs("/calibration/state")
    pn = S["param_names"]
    # the worst node's damage after each run (kept by ftwin since its provenance record; NaN for older runs)
    dlog = R.opt("/calibration/state/damage_log", np.float64)
    have_damage = dlog is not None and dlog.shape == (len(log),)
    added = np.diff(np.concatenate([[0.0], dlog])) if have_damage else None
    rows = []
    for i, r in enumerate(log):
        k = f"runs.{i}"
        dmg = [num(k + ".damage", dlog[i], 3), num(k + ".damage_added", added[i], 3)] if have_damage else []
        rows.append([str(i + 1), num(k + ".first_judged_s", r[0], 6), num(k + ".processed_until_s", r[1], 6), integer(k + ".samples", r[2]),
                     "fitted" if r[3] else "held"] + dmg + [num(f"{k}.theta.{j}", r[4 + j], 4) for j in range(log.shape[1] - 4)])
    head = ["run", "first judged step [s]", "judged until [s]", "samples counted", "calibration"] + \
           (["worst-node damage after the run", "added by the run"] if have_damage else []) + \
           [esc(pn[j]) if j < len(pn) else f"parameter {j}" for j in range(log.shape[1] - 4)]
    P.table(head, rows, left=(4,), ident="run_table")
    t = log[:, 1]
    conv, tl = time_scale(np.concatenate([log[:, 0], t]))
    mp = plt()
    fig, ax = mp.subplots(figsize=(9, 2.8), constrained_layout=True)
    cum = np.cumsum(log[:, 2])
    ax.step(np.concatenate([[log[0, 0] * conv], t * conv]), np.concatenate([[0], cum]), where="post", color="#2b6cb0", lw=2)
    for i, r in enumerate(log):
        ax.axvspan(r[0] * conv, r[1] * conv, color="#8fb3e0" if r[3] else "#ddd", alpha=0.4)
        ax.annotate(f"run {i + 1} ({'fitted' if r[3] else 'held'})", (r[1] * conv, cum[i]), fontsize=8, ha="right", va="bottom")
    ax.set_xlabel(tl)
    ax.set_ylabel("samples counted (cumulative)")
    P.image(fig, "runs over time")
    if have_damage:
        fig, ax = mp.subplots(figsize=(9, 2.8), constrained_layout=True)
        ok = np.isfinite(dlog)
        ax.plot(t[ok] * conv, dlog[ok], "o-", color="#c53030", lw=2, label="worst-node damage after the run")
        ax.bar(t[ok] * conv, added[ok], width=0.6 * (np.ptp(t) * conv / max(len(t), 1) or 1.0), color="#f6ad55", alpha=0.7,
               label="added by the run")
        ax.set_xlabel(tl)
        ax.set_ylabel("damage (per history counted)")
        ax.legend(fontsize=8, loc="upper left")
        P.image(fig, "damage accumulated per run")
        P.p(f"{integer('runs.count', st.get('runs', len(log)))} run(s), judged up to "
            f"{num('runs.processed_until', st.get('processed_until', math.nan), 6, 's')}; the damage is the largest nodal damage counted "
            f"so far after each run (/calibration/state/damage_log; the worst node may change from run to run)"
            + (f"; {int((~ok).sum())} run(s) predate the damage log (n/a)." if not ok.all() else "."), "note")
        return
    dmg = S["hs"]["damage"][0] if S.get("hs") is not None else math.nan
    P.missing(f"Damage per run is not recorded in this file: the run log (/calibration/state/log) holds per run the judged time window, "
              f"the samples counted, whether the calibration was fitted or held, and the parameters (shown above), but not the damage each "
              f"run added. The damage accumulated over all {integer('runs.count', st.get('runs', len(log)))} run(s) is "
              f"{num('runs.damage_total', dmg, 3)} at hot spot #1 (/fatigue/hot_spots), judged up to "
              f"{num('runs.processed_until', st.get('processed_until', math.nan), 6, 's')}.", "damage_per_run")


def rainflow(P, R, S):
    if not R.has("/fatigue/hot_spot_histogram/counts"):
        P.missing("No rainflow matrix in this file (no /fatigue/hot_spot_histogram).", "rainflow")
        return
    c = R.read("/fatigue/hot_spot_histogram/counts", np.float64)
    re_ = R.read("/fatigue/hot_spot_histogram/range_edges", np.float64) / 1e6
    me = R.read("/fatigue/hot_spot_histogram/mean_edges", np.float64) / 1e6
    node = R.attr("/fatigue/hot_spot_histogram", "node")
    from matplotlib import colors
    mp = plt()
    hs = S.get("hs")
    has_ch = hs is not None and "channel_damage" in hs
    fig, axes = mp.subplots(1, 2 if has_ch else 1, figsize=(11, 3.8), squeeze=False, constrained_layout=True,
                            gridspec_kw={"width_ratios": [1.6, 1]} if has_ch else None)
    ax = axes[0][0]
    m = np.ma.masked_where(c <= 0, c)
    if m.count():
        lo, hi = max(0.5, float(m.min())), float(m.max())
        nrm = colors.LogNorm(vmin=lo, vmax=hi) if hi > 10 * lo else colors.Normalize(vmin=0, vmax=hi)
        pc = ax.pcolormesh(me, re_, m, norm=nrm, cmap="viridis")
        fig.colorbar(pc, ax=ax, label="cycles (half cycles count 0.5)")
    ax.set_xlabel("cycle mean [MPa]")
    ax.set_ylabel("cycle range [MPa]")
    ax.set_title(f"rainflow matrix at the worst hot spot (node {node})")
    if has_ch:
        ax = axes[0][1]
        chn = S["channels"]
        vals = list(hs["channel_damage"][0]) + [hs["damage"][0]]
        labels = [f"{n} alone" for n in chn] + ["all together"]
        y = np.arange(len(vals))
        ax.barh(y, [max(v, 1e-30) for v in vals], color=["#8fb3e0"] * len(chn) + ["#b3261e"])
        ax.set_yticks(y, labels)
        ax.set_xscale("log")
        ax.set_xlabel("damage at hot spot #1")
        ax.set_title("each channel's share")
        for yi, v in zip(y, vals):
            ax.annotate(sig(v), (max(v, 1e-30), yi), xytext=(3, 0), textcoords="offset points", va="center", fontsize=8)
    P.image(fig, "rainflow matrix")
    P.p(f"Total {num('rainflow.total_cycles', float(c.sum()), 4)} cycles in {c.shape[0]} range x {c.shape[1]} mean bins; ranges "
        f"0-{sig(re_[-1])} MPa, means {sig(me[0])} to {sig(me[-1])} MPa. " + esc(R.attr("/fatigue/hot_spot_histogram", "meaning") or ""), "note")


def sensor_fit(P, R, S, case):
    if not R.has("/calibration/sensors/measured"):
        P.missing("No calibration in this file (no /calibration/sensors): no sensor fit to show.", "sensor_fit")
        return
    ids, units = S["sensor_ids"], S["sensor_units"]
    y = R.read("/calibration/sensors/measured", np.float64)
    yp = R.read("/calibration/sensors/predicted", np.float64)
    fl = R.opt("/calibration/sensors/flag")
    t = R.opt("/calibration/loads/time", np.float64)
    t = np.arange(y.shape[0], dtype=float) if t is None or len(t) != y.shape[0] else t
    tt, tl = time_axis(t)
    rb = R.read("/calibration/sensors/residual_rms_before", np.float64)
    ra = R.read("/calibration/sensors/residual_rms_after", np.float64)
    noise = R.opt("/calibration/sensors/noise", np.float64)
    drop = R.opt("/calibration/sensors/dropped", np.float64)
    mp = plt()
    ns = y.shape[1]
    nc = 3 if ns > 4 else 2
    nr = (ns + nc - 1) // nc
    fig, axes = mp.subplots(nr, nc, figsize=(12, 2.1 * nr + 0.4), squeeze=False, constrained_layout=True)
    stride = max(1, len(t) // 4000)  # every stride-th step drawn (said in the note below the plot)
    for i in range(nr * nc):
        ax = axes[i // nc][i % nc]
        if i >= ns:
            ax.axis("off")
            continue
        ax.plot(tt[::stride], y[::stride, i], ".", ms=1.5, color="#777", label="measured (cleaned)")
        ax.plot(tt[::stride], yp[::stride, i], "-", lw=0.8, color="#b3261e", label="predicted (calibrated)")
        if fl is not None:
            bad = fl[:, i] != 0
            if bad.any():  # flagged samples carry no value: marked as ticks along the bottom
                ax.plot(tt[bad], np.full(int(bad.sum()), 0.03), "|", ms=4, alpha=0.5, color="#e0a800", transform=ax.get_xaxis_transform(),
                        label="flagged step")
        ax.set_title(f"{ids[i]}" + (" (dropped)" if drop is not None and drop[i] else ""), fontsize=9)
        ax.set_ylabel(f"[{units[i]}]" if units[i] else "reading")
        if i // nc == nr - 1 or i + nc >= ns:
            ax.set_xlabel(tl)
        if i == 0:
            ax.legend(fontsize=7, loc="best", markerscale=3)
    P.image(fig, "measured vs predicted")
    if stride > 1:
        P.p(f"Every {stride}th of the {len(t)} steps drawn; flagged steps (cleaning, outliers) are all marked along the bottom.", "note")
    fig, ax = mp.subplots(figsize=(10, 2.8), constrained_layout=True)
    x = np.arange(ns)
    ax.bar(x - 0.2, rb, 0.4, label="before calibration (priors)", color="#ccc", edgecolor="#777")
    ax.bar(x + 0.2, ra, 0.4, label="after calibration", color="#2b6cb0")
    ax.axhline(1.0, color="black", lw=0.8, ls="--", label="= stated noise")
    ax.set_xticks(x, ids, rotation=30, ha="right", fontsize=8)
    ax.set_ylabel("residual RMS / noise")
    ax.legend(fontsize=8)
    P.image(fig, "residual over noise")
    rows = []
    for i in range(ns):
        rows.append([esc(ids[i]), esc(units[i]), num(f"sensors.{i}.noise", noise[i], 3) if noise is not None else "",
                     num(f"sensors.{i}.residual_rms_before", rb[i], 3), num(f"sensors.{i}.residual_rms_after", ra[i], 3),
                     "dropped" if drop is not None and drop[i] else "used"])
    P.table(["sensor", "unit", "noise [unit]", "residual RMS / noise before", "after", "status"], rows, left=(0, 1, 5),
            cls=["bad" if drop is not None and drop[i] else "" for i in range(ns)], ident="sensor_table")
    C = R.attrs("/calibration")
    P.p(f"chi2 {num('calibration.chi2', C.get('chi2'), 5)} over {integer('calibration.chi2_dof', C.get('chi2_dof')) if float(C.get('chi2_dof', 0.5)).is_integer() else num('calibration.chi2_dof', C.get('chi2_dof'), 6)} degrees of freedom "
        f"(limit at 99.9 %: {num('calibration.chi2_limit', C.get('chi2_limit_99.9'), 5)}): "
        + ('<span class="flag-ok">acceptable</span>' if C.get("acceptable") == 1 else '<span class="flag-bad">not acceptable</span>')
        + f". {integer('calibration.fe_solves', C.get('fe_solves', 0))} FE solves; mode: {esc(C.get('mode', ''))}.")


def loads(P, R, S):
    if not R.has("/calibration/loads/values"):
        P.missing("No identified loads in this file (no /calibration/loads): no calibration in this file.", "loads")
        return
    v = R.read("/calibration/loads/values", np.float64)
    sd = R.opt("/calibration/loads/std", np.float64)
    t = R.read("/calibration/loads/time", np.float64)
    tt, tl = time_axis(t)
    chn = channel_names(R, S["case"], v.shape[1])
    mp = plt()
    fig, axes = mp.subplots(v.shape[1], 1, figsize=(12, 1.9 * v.shape[1] + 0.4), squeeze=False, sharex=True, constrained_layout=True)
    nb = 3000  # a longer record is drawn as its min-max envelope over bins of steps (every peak stays visible)
    for k in range(v.shape[1]):
        ax = axes[k][0]
        if len(t) > 2 * nb:
            b = len(t) // nb
            m = (len(t) // b) * b
            tb = tt[:m].reshape(-1, b).mean(axis=1)
            with np.errstate(all="ignore"):
                vb = v[:m, k].reshape(-1, b)
                ax.fill_between(tb, np.nanmin(vb, axis=1), np.nanmax(vb, axis=1), color="#1b3f73", lw=0.5,
                                label=f"identified (min-max over {b} steps)")
        else:
            if sd is not None:
                ax.fill_between(tt, v[:, k] - 2 * sd[:, k], v[:, k] + 2 * sd[:, k], color="#8fb3e0", lw=0, label="± 2 std")
            ax.plot(tt, v[:, k], lw=0.7, color="#1b3f73", label="identified")
        ax.set_ylabel(f"{chn[k]}\n[history units]", fontsize=8)
        if k == 0:
            ax.legend(fontsize=7, loc="upper right")
    axes[-1][0].set_xlabel(tl)
    P.image(fig, "identified loads")
    un = R.attr("/calibration/loads", "unidentified_steps", 0)
    wk = R.attr("/calibration/loads", "weakly_determined_steps", 0)
    P.p(f"{integer('loads.steps', len(t))} steps; {integer('loads.unidentified_steps', un)} not identifiable (left out of the history, NaN), "
        f"{integer('loads.weakly_determined_steps', wk)} weakly determined. Values in the load history's units "
        "(each channel drives its unit load case times its scale). " + esc(R.attr("/calibration/loads", "method") or ""), "note")
    idf = R.attrs("/calibration/identifiability")
    if idf:
        P.p(f"Identifiability: rank {integer('identifiability.rank', idf.get('rank', 0))} of {v.shape[1]} channels, condition number "
            f"{num('identifiability.condition', idf.get('condition'), 3)}.")


def parameters(P, R, S):
    if not R.has("/calibration/parameters/value"):
        P.missing("No calibrated parameters in this file (no /calibration/parameters): no calibration in this file.", "parameters")
        return
    g = "/calibration/parameters/"
    val, std = R.read(g + "value", np.float64), R.read(g + "std", np.float64)
    pri, ps = R.read(g + "prior", np.float64), R.read(g + "prior_sigma", np.float64)
    lo, hi = R.opt(g + "lower", np.float64), R.opt(g + "upper", np.float64)
    names = S["param_names"]
    rows = []
    for j in range(len(val)):
        k = f"parameters.{j}"
        z = (val[j] - pri[j]) / ps[j] if ps[j] > 0 else math.nan
        rows.append([esc(names[j]), num(k + ".prior", pri[j], 4), num(k + ".prior_sigma", ps[j], 3), num(k + ".value", val[j], 4),
                     num(k + ".std", std[j], 2), num(k + ".shift_in_prior_sigmas", z, 2),
                     (f"{sig(lo[j])} - {sig(hi[j])}" if lo is not None and hi is not None else "")])
    P.table(["parameter (multiplier of the design value)", "prior", "prior std", "calibrated", "posterior std", "shift [prior std]", "bounds"],
            rows, ident="parameter_table")
    mp = plt()
    fig, ax = mp.subplots(figsize=(9, 0.55 * len(val) + 1.0), constrained_layout=True)
    yy = np.arange(len(val))
    ax.errorbar(pri, yy + 0.12, xerr=2 * ps, fmt="s", color="#999", capsize=4, label="prior ± 2 std")
    ax.errorbar(val, yy - 0.12, xerr=2 * std, fmt="o", color="#b3261e", capsize=4, label="calibrated ± 2 std")
    ax.set_yticks(yy, names)
    ax.invert_yaxis()
    ax.set_xlabel("multiplier of the design value")
    ax.legend(fontsize=8, loc="best")
    P.image(fig, "parameters")


def cleaning(P, R, S):
    if not R.has("/calibration/sensors/flag_counts"):
        P.missing("No cleaning report in this file (no /calibration/sensors): no sensor data were read for it.", "cleaning")
        return
    fc = R.read("/calibration/sensors/flag_counts", np.float64)
    out = R.opt("/calibration/sensors/outliers", np.float64)
    bf = R.opt("/calibration/sensors/bad_fraction", np.float64)
    drop = R.opt("/calibration/sensors/dropped", np.float64)
    kinds = re.findall(r"(\d+) ([^,]+?)(?:,|$)", R.attr("/calibration/sensors", "flags") or "")
    kinds = {int(a): b.strip() for a, b in kinds}
    head = [esc(kinds.get(f, f"flag {f}")) for f in range(fc.shape[1])]
    ids = S["sensor_ids"]
    rows = []
    for i in range(fc.shape[0]):
        r = [esc(ids[i])] + [integer(f"cleaning.{i}.flag_{f}", fc[i][f]) for f in range(fc.shape[1])]
        r += [integer(f"cleaning.{i}.outliers", out[i]) if out is not None else ""]
        r += [num(f"cleaning.{i}.bad_fraction", bf[i], 3, "%", scale=100) if bf is not None else ""]
        r += ['<span class="flag-bad">dropped</span>' if drop is not None and drop[i] else "used"]
        rows.append(r)
    P.table(["sensor"] + [f"{h} [steps]" for h in head] + ["outliers (model residual)", "bad", "status"], rows,
            left=(0, fc.shape[1] + 3), cls=["bad" if drop is not None and drop[i] else "" for i in range(len(ids))], ident="cleaning_table")
    dropped = [ids[i] for i in range(len(ids)) if drop is not None and drop[i]]
    P.p("Sensors dropped: " + (f'<span class="flag-bad" data-key="cleaning.dropped">{esc(", ".join(dropped))}</span>' if dropped
                                 else '<span data-key="cleaning.dropped">none</span>') + ".")
    txt = R.attr("/calibration", "cleaning_report")
    if txt:
        P.add("<details><summary>the cleaning report as ftwin logged it</summary><pre>" + esc(txt) + "</pre></details>")


def provenance(P, R, S):
    rows = [[esc(k), esc(v)] for k, v in R.attrs("/").items()]
    rows.insert(0, ["file", esc(R.path)])
    rows.insert(1, ["kind", esc({"asset": "asset results (calibration + fatigue)", "fatigue": "fatigue results (ftwin fatigue)",
                                 "run": "FE results (ftwin run" + (" / ftwin basis" if R.is_basis else "") + ")"}[R.kind])])
    for grp in ("/fatigue", "/calibration", "/calibration/state", "/basis"):
        for k, v in R.attrs(grp).items():
            if k in ("cleaning_report",):
                continue
            rows.append([esc(f"{grp} {k}"), esc(v if not isinstance(v, float) else sig(v, 6))])
    P.table(["item", "value"], rows, left=(0, 1), ident="provenance_table", wrap=(0, 1))
    # the run records (docs/provenance.md): inputs with their SHA-256, command, host, date; `ftwin verify` checks them
    names = sorted(R.f["/provenance/runs"].keys()) if R.has("/provenance/runs") else []
    if names:
        P.p(f"{len(names)} run record(s) in /provenance, in a hash chain; check the file and its inputs with "
            f"<code>ftwin verify {esc(os.path.basename(R.path))} --inputs</code> (docs/provenance.md). The last record:", "note")
        for i, n in enumerate(reversed(names)):
            rec = R.attr(f"/provenance/runs/{n}", "record", "") or ""
            P.add(f"<details{' open' if i == 0 else ''}><summary>run record {esc(n)}</summary><pre>{esc(rec)}</pre></details>")
    else:
        P.missing("No provenance record (/provenance) in this file: written by an ftwin before it recorded its inputs, or not by ftwin.",
                  "provenance_record")
    txt = R.case_text()
    if txt:
        P.add("<details><summary>the case file stored in the results</summary><pre>" + esc(txt) + "</pre></details>")
    else:
        P.missing("The case file is not recorded in this file.", "case_file")


# ---- the page ---------------------------------------------------------------------------------

def gather(R):
    """What several sections share: units, hot spots with their names, channels, sensors."""
    S = {"lu": length_unit(R), "case": R.case()}
    case = S["case"]
    regions = R.region_names()
    S["hs"] = None
    if R.has("/fatigue/hot_spots/damage"):
        hs = {}
        for k in ("node", "position", "region", "damage", "life_hours", "remaining_life_hours", "worst_range", "dominant_channel", "channel_damage"):
            v = R.opt(f"/fatigue/hot_spots/{k}")
            if v is not None:
                hs[k] = v
        if "position" not in hs:
            raise ReportError(f"{R.path}: /fatigue/hot_spots/position: missing (the file is incomplete)")
        S["hs"] = hs if len(hs["damage"]) else None
    nch = S["hs"]["channel_damage"].shape[1] if S["hs"] is not None and "channel_damage" in S["hs"] else (
        R.f["/calibration/loads/values"].shape[1] if R.has("/calibration/loads/values") else 0)
    S["channels"] = channel_names(R, case, nch)
    if S["hs"] is not None:
        L, sc = S["lu"]
        hs = S["hs"]
        S["hs_region"] = [region_name(regions, int(hs["region"][i]) if "region" in hs else -1) for i in range(len(hs["damage"]))]
        S["hs_name"] = [f"#{i + 1}: node {int(hs['node'][i]) if 'node' in hs else '?'} in region '{S['hs_region'][i]}' at x = "
                        f"{sig(hs['position'][i][0] * sc, 4)}, y = {sig(hs['position'][i][1] * sc, 4)}, z = {sig(hs['position'][i][2] * sc, 4)} {L}"
                        for i in range(len(hs["damage"]))]
    S["life"] = R.attrs("/calibration/life") if R.has("/calibration/life") else None
    if S["life"] is not None and not all(k in S["life"] for k in ("nominal_hours", "p05_hours", "median_hours", "p95_hours")):
        S["life"] = None
    pn = R.attr("/calibration/parameters", "names") or R.attr("/basis", "parameters") or ""
    S["param_names"] = pn.split(",") if pn else []
    sid = R.attr("/calibration/sensors", "ids") or ""
    S["sensor_ids"] = sid.split(",") if sid else []
    units = {}
    sl = (case.get("sensors") or {}).get("list") if isinstance(case.get("sensors"), dict) else None
    if isinstance(sl, list):
        units = {s.get("id"): s.get("unit", "") for s in sl if isinstance(s, dict)}
    S["sensor_units"] = [str(units.get(i, "") or "") for i in S["sensor_ids"]]
    drop = R.opt("/calibration/sensors/dropped", np.float64)
    S["dropped"] = [S["sensor_ids"][i] for i in range(len(S["sensor_ids"])) if drop is not None and i < len(drop) and drop[i]]
    return S


def render(path, out, quiet=False):
    """Writes the report of the results file `path` to `out` (HTML). Raises ReportError."""
    prog = Progress(quiet)
    R = Results(path)
    try:
        return _render(R, out, prog)
    except (KeyError, OSError, ValueError, IndexError, TypeError, RuntimeError) as e:
        raise ReportError(f"{path}: cannot be reported: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''} "
                          "(damaged or not written by this ftwin?)") from None
    finally:
        R.close()


def _render(R, out, prog):
    S = gather(R)
    case = S["case"]
    name = R.attr("/", "case_name") or case.get("name") or R.path
    kind = {"asset": "asset report", "fatigue": "fatigue report", "run": "FE results report"}[R.kind]
    P = Page(f"ftwin {kind}: {name}")
    P.h1(f"{name}: {kind}", f"{esc(R.path)} · written {esc(R.attr('/', 'date', 'on an unrecorded date'))} by ftwin "
         f"{esc(R.attr('/', 'ftwin_version', '?'))} · report made {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}")
    holds = {"asset": "fatigue results and a calibration", "fatigue": "fatigue results; no calibration in this file",
             "run": "finite-element results; no fatigue results and no calibration in this file"}[R.kind]
    P.add(f'<p data-kind="{R.kind}">This file holds {holds}.</p>')
    prog("summary")
    summary(P, R, case, S)
    sections = [  # anchor, heading, progress line, what draws it
        ("component", "The component and its hot spots", "rendering the component", lambda: component(P, R, S)),
        ("hotspots", "Hot spots", "hot-spot table", lambda: hot_spots(P, R, S, case)),
        ("life", "Life and its band", "life band", lambda: life_band(P, R, S)),
        ("runs", "Runs and damage over time", "run log", lambda: runs(P, R, S)),
        ("rainflow", "Rainflow matrix at the hot spot", "rainflow matrix", lambda: rainflow(P, R, S)),
        ("sensors", "Sensor fit", "sensor fit", lambda: sensor_fit(P, R, S, case)),
        ("loads", "Identified loads", "identified loads", lambda: loads(P, R, S)),
        ("parameters", "Calibrated parameters and their priors", "parameters", lambda: parameters(P, R, S)),
        ("cleaning", "Data cleaning", "cleaning report", lambda: cleaning(P, R, S)),
        ("provenance", "Settings and provenance", "settings and provenance", lambda: provenance(P, R, S)),
    ]
    for anchor, heading, progress, draw in sections:
        P.section(anchor, heading)
        prog(progress)
        draw()
    P.write(out)
    return out
