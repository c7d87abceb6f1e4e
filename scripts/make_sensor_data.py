#!/usr/bin/env python3
"""Synthetic sensor data for a twin: "measurements" made from a known truth, with noise and faults.

Two steps (see scripts/make_example_sensors.sh and tests/assim/synthetic_twin.py):

  1. truth-case: the asset's case with the true parameter values applied (E, alpha per region,
     convection h, a load path's gain: the `calibration.parameters` names), written as a new case file whose
     `ftwin run` gives the true unit fields:
       make_sensor_data.py truth-case CASE.yaml --set E_body=0.96 --set h_air=1.4 -o truth.yaml
  2. data: readings of every sensor of CASE.yaml for the true fields (truth.h5 from
     `ftwin run truth.yaml`) and the true load history (CSV: time + one column per fatigue
     channel), plus Gaussian noise of each sensor's stated standard deviation (`noise`) and
     faults on a fraction of the samples (NaN, spikes, a stuck stretch), and optionally a
     sensor that is dead for most of the record:
       make_sensor_data.py data CASE.yaml --results truth.h5 --history hist.csv \
           --faults 0.10 --dead TC_lug --seed 7 -o sensors.csv

The observation operator here is written independently of ftwin's C code (src/sensors/observe.c):
point location by barycentric coordinates over all cells, P1/P2 Lagrange shape functions and
their gradients on the straight-sided tetrahedra of the output mesh (VTK tetra/quadratic-tetra
node order, which is ftwin's), strain = sym(grad u), mechanical strain = strain - alpha (T - T_ref) I.
Sensor model (the same definition as src/assim/model.c):
    y_i(t) = b_i + sum_k G_ik c_k(t),  G_ik = R_i,lk s_k / to_si_i,
    b_i = (base_i - si_offset_i) / to_si_i - sum_k G_ik o_k   (base = T_ref for thermocouples).
"""
import argparse
import copy
import os
import sys

import h5py
import numpy as np
import yaml

UNITS = {  # unit -> (to_si, si_offset)
    "strain": (1.0, 0.0), "microstrain": (1e-6, 0.0), "m": (1.0, 0.0), "mm": (1e-3, 0.0), "um": (1e-6, 0.0),
    "K": (1.0, 0.0), "degC": (1.0, 273.15), "N": (1.0, 0.0), "kN": (1.0, 0.0), "MN": (1.0, 0.0), "N*m": (1.0, 0.0),
    "kN*m": (1.0, 0.0), "1": (1.0, 0.0)}


def die(msg):
    sys.exit("make_sensor_data.py: error: " + msg)


def load_case(path):
    with open(path) as f:
        return yaml.safe_load(f)


def expand_sensors(case):
    """The case's sensors with rosettes expanded (ids ID.a, ID.b, ID.c), positions in metres."""
    scale = {"m": 1.0, "mm": 1e-3}[case["mesh"].get("unit", "m")]
    out = []
    for s in case["sensors"]["list"]:
        t = s["type"]
        base = dict(id=s["id"], type=t, unit=s["unit"], noise=float(s["noise"]),
                    measures=s.get("measures", "mechanical"), channel=s.get("channel"))
        if "position" in s:
            base["x"] = np.array(s["position"], float) * scale
        if t == "rosette":
            for tag, d in zip("abc", s["directions"]):
                e = dict(base, id=f"{s['id']}.{tag}", type="strain")
                e["dir"] = np.array(d, float) / np.linalg.norm(d)
                out.append(e)
        else:
            if "direction" in s:
                base["dir"] = np.array(s["direction"], float) / np.linalg.norm(s["direction"])
            out.append(base)
    return out


def read_history(path, names):
    """Time and the named columns of a CSV history (# comment lines, then a header line)."""
    with open(path) as f:
        lines = [ln for ln in f if ln.strip() and not ln.lstrip().startswith("#")]
    head = [h.strip() for h in lines[0].split(",")]
    missing = [n for n in names if n not in head]
    if missing:
        die(f"{path}: no column {missing[0]}")
    v = np.array([[float(x) for x in ln.split(",")] for ln in lines[1:]])
    return v[:, 0], np.stack([v[:, head.index(n)] for n in names], axis=1)


def truth_case(args):
    case = load_case(args.case)
    cdir = os.path.dirname(os.path.abspath(args.case))
    params = {p["name"]: p for p in case["calibration"]["parameters"]}
    t = copy.deepcopy(case)
    for kv in args.set:
        name, val = kv.split("=")
        if name not in params:
            die(f"--set {name}: not a calibration parameter of {args.case} ({', '.join(params)})")
        p, v = params[name], float(val)
        if p["kind"] in ("modulus", "expansion"):
            key = "E" if p["kind"] == "modulus" else "alpha"
            for m in t["materials"]:
                if not p.get("region") or m["region"] == p["region"]:
                    m[key] = float(m[key]) * v
        elif p["kind"] == "convection":
            for tc in t.get("thermal", []):
                for cv in tc.get("convection", []):
                    if not p.get("region") or cv["region"] == p["region"]:
                        cv["h"] = float(cv["h"]) * v
        elif p["kind"] == "load_scale":
            # the load path's gain: every load of the load case times v (its unit fields scale
            # with it, as ftwin's G and the calibrated basis scale them: FtModelLoadGain)
            lcs = [lc for lc in t["mechanical"]["load_cases"] if lc["name"] == p["load_case"]]
            if not lcs:
                die(f"--set {name}: load case {p['load_case']} not found")
            lc = lcs[0]
            other = [k for k in lc if k not in ("name", "pressure", "traction", "gravity")]
            if other:
                die(f"--set {name}: load case {lc['name']} has {', '.join(other)}; only pressure, traction and gravity can be scaled here")
            for key in ("pressure", "traction"):
                for sl in lc.get(key, []):
                    sl["value"] = [float(x) * v for x in sl["value"]] if isinstance(sl["value"], list) else float(sl["value"]) * v
            if "gravity" in lc:
                lc["gravity"] = [float(x) * v for x in lc["gravity"]]
        else:
            die(f"--set {name}: kind {p['kind']} is not supported for a truth case")
    t["mesh"]["file"] = os.path.join(cdir, case["mesh"]["file"])
    t["output"] = {"file": os.path.abspath(args.results), "xdmf": False}
    for key in ("sensors", "calibration", "fatigue"):
        t.pop(key, None)
    t["name"] = case["name"] + "_truth"
    with open(args.output, "w") as f:
        f.write(f"# truth case made by scripts/make_sensor_data.py from {args.case}: {' '.join(args.set)}\n")
        yaml.safe_dump(t, f, sort_keys=False)
    print(f"wrote {args.output}")


def p2_shape(lam, order):
    """Shape functions N [nen] and their derivatives dN/dlam [nen][4]."""
    if order == 1:
        return lam.copy(), np.eye(4)
    edges = [(0, 1), (1, 2), (0, 2), (0, 3), (1, 3), (2, 3)]
    N = np.zeros(10)
    dN = np.zeros((10, 4))
    for i in range(4):
        N[i] = lam[i] * (2 * lam[i] - 1)
        dN[i, i] = 4 * lam[i] - 1
    for e, (a, b) in enumerate(edges):
        N[4 + e] = 4 * lam[a] * lam[b]
        dN[4 + e, a] = 4 * lam[b]
        dN[4 + e, b] = 4 * lam[a]
    return N, dN


def locate(X, topo, x):
    """Cell containing x (largest minimum barycentric coordinate) and its barycentrics and grad lam."""
    V = X[topo[:, :4]]                       # [cells][4][3]
    J = np.stack([V[:, 1] - V[:, 0], V[:, 2] - V[:, 0], V[:, 3] - V[:, 0]], axis=2)  # columns
    l123 = np.linalg.solve(J, (x - V[:, 0])[:, :, None])[:, :, 0]
    lam = np.concatenate([1 - l123.sum(1, keepdims=True), l123], axis=1)
    c = int(np.argmax(lam.min(1)))
    if lam[c].min() < -1e-9:
        return None
    Jinv = np.linalg.inv(J[c])               # rows: grad lam1..3
    G = np.vstack([-Jinv.sum(0), Jinv])
    return c, lam[c], G


def data(args):
    case = load_case(args.case)
    sensors = expand_sensors(case)
    chans = case["fatigue"]["channels"]
    lc_names = [lc["name"] for lc in case["mechanical"]["load_cases"]]
    lc_temp = {lc["name"]: lc.get("temperature") for lc in case["mechanical"]["load_cases"]}
    T_ref = float(case.get("reference_temperature", 293.15))
    truth = load_case(args.truth_case) if args.truth_case else case
    alpha = {m["region"]: float(m.get("alpha", 0.0)) for m in truth["materials"]}
    rng = np.random.default_rng(args.seed)

    with h5py.File(args.results, "r") as h:
        X = h["/mesh/coordinates"][...]
        topo = h["/mesh/topology"][...].astype(np.int64)
        region = h["/mesh/region"][...]
        rnames = h.attrs["region_names"]
        rnames = rnames.decode() if isinstance(rnames, bytes) else str(rnames)
        rnames = [r for r in rnames.replace(";", ",").split(",") if r]
        U = {l: h[f"/load_cases/{l}/displacement"][...] for l in lc_names}
        TT = {l: (h[f"/thermal/{lc_temp[l]}/temperature"][...] if lc_temp[l] else None) for l in lc_names}
    order = 2 if topo.shape[1] == 10 else 1

    t, c = read_history(args.history, [ch["name"] for ch in chans])

    cols, heads = [], []
    for s in sensors:
        to_si, off = UNITS[s["unit"]]
        if s["type"] == "load":
            k = [ch["name"] for ch in chans].index(s["channel"])
            y = c[:, k].copy()
        else:
            loc = locate(X, topo, s["x"])
            if loc is None:
                die(f"sensor {s['id']} at {s['x']} m is outside the mesh")
            cell, lam, G = loc
            nodes = topo[cell]
            N, dN = p2_shape(lam, order)
            gradN = dN @ G                  # [nen][3]
            a = alpha.get(rnames[region[cell]] if region[cell] < len(rnames) else "", list(alpha.values())[0])
            R = {}
            for l in lc_names:
                dT = 0.0 if TT[l] is None else float(N @ TT[l][nodes]) - T_ref
                if s["type"] == "temperature":
                    R[l] = dT
                elif s["type"] == "displacement":
                    R[l] = float(s["dir"] @ (N @ U[l][nodes]))
                else:
                    gu = U[l][nodes].T @ gradN  # du_i/dx_j
                    eps = 0.5 * (gu + gu.T)
                    if s["measures"] == "mechanical":
                        eps = eps - a * dT * np.eye(3)
                    R[l] = float(s["dir"] @ eps @ s["dir"])
            Gk = np.array([R[ch["load_case"]] * float(ch.get("scale", 1.0)) / to_si for ch in chans])
            base = T_ref if s["type"] == "temperature" else 0.0
            b = (base - off) / to_si - sum(Gk[k] * float(ch.get("offset", 0.0)) for k, ch in enumerate(chans))
            y = b + c @ Gk
        y = y + rng.normal(0.0, s["noise"], size=y.shape)
        cols.append(y)
        heads.append(f"{s['id']} [{s['unit']}]")

    Y = np.stack(cols, axis=1)
    n, ns = Y.shape
    flags = np.zeros_like(Y, dtype=np.int8)
    if args.faults > 0:
        for i in range(ns):
            if sensors[i]["id"] in args.dead:
                continue
            f = args.faults
            # stuck: one stretch of f/3 of the record holding the value at its start
            L = int(f / 3 * n)
            s0 = int(rng.integers(n // 10, n - L - 1))
            Y[s0:s0 + L, i] = Y[s0, i]
            flags[s0:s0 + L, i] = 3
            free = np.flatnonzero(flags[:, i] == 0)
            pick = rng.choice(free, size=int(2 * f / 3 * n), replace=False)
            nan, spk = pick[: len(pick) // 2], pick[len(pick) // 2:]
            Y[nan, i] = np.nan
            flags[nan, i] = 1
            span = np.nanmax(Y[:, i]) - np.nanmin(Y[:, i]) + 50 * sensors[i]["noise"]
            Y[spk, i] += rng.choice([-1, 1], size=len(spk)) * span * rng.uniform(0.5, 1.0, size=len(spk))
            flags[spk, i] = 4
    for d in args.dead:
        i = [s["id"] for s in sensors].index(d)
        L = int(0.7 * n)
        Y[n - L:, i] = Y[n - L, i]    # flat-lined for the last 70 % of the record
        flags[n - L:, i] = 3

    with open(args.output, "w") as f:
        f.write(f"# synthetic sensor data made by scripts/make_sensor_data.py (seed {args.seed}, faults {args.faults:g}, "
                f"dead {','.join(args.dead) or 'none'}) from {os.path.basename(args.results)} and {os.path.basename(args.history)}\n")
        f.write("time," + ",".join(heads) + "\n")
        for r in range(n):
            f.write(f"{t[r]:.6g}," + ",".join("nan" if np.isnan(v) else f"{v:.7g}" for v in Y[r]) + "\n")
    if args.flags:
        np.save(args.flags, flags)
    print(f"wrote {args.output}: {n} steps x {ns} sensors; faults: NaN {int((flags == 1).sum())}, stuck {int((flags == 3).sum())}, "
          f"spikes {int((flags == 4).sum())}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("truth-case")
    a.add_argument("case")
    a.add_argument("--set", action="append", default=[], help="NAME=VALUE of a calibration parameter")
    a.add_argument("--results", required=True, help="the output file the truth case's run writes")
    a.add_argument("-o", "--output", required=True)
    d = sub.add_parser("data")
    d.add_argument("case")
    d.add_argument("--results", required=True, help="HDF5 of `ftwin run` on the truth case")
    d.add_argument("--truth-case", help="the truth case (for alpha in mechanical strain; default CASE)")
    d.add_argument("--history", required=True, help="true load history CSV (time + fatigue channel columns)")
    d.add_argument("--faults", type=float, default=0.10, help="fraction of faulty samples per sensor")
    d.add_argument("--dead", action="append", default=[], help="a sensor flat-lined for most of the record")
    d.add_argument("--seed", type=int, default=1)
    d.add_argument("--flags", help="save the injected fault flags (.npy)")
    d.add_argument("-o", "--output", required=True)
    args = ap.parse_args()
    truth_case(args) if args.cmd == "truth-case" else data(args)


if __name__ == "__main__":
    main()
