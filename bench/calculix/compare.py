#!/usr/bin/python3
"""Compare ftwin's P2 solution (HDF5) with CalculiX's C3D10 solution (.frd) on the same mesh.

Nodes are matched by coordinates (both have the same corner + edge-midpoint nodes). Prints
  - the tip-centre deflection u_z (node nearest (xmax, ymid, zmid)) of both and the relative difference,
  - the relative max-norm difference of the whole displacement field,
  - sigma_xx on the top fibre at x = 0.25 L and 0.5 L (node nearest (x, ymid, zmax)),
  - max nodal von Mises over nodes with x >= 0.1 L (away from the clamped edge's singular corners).
Nodal stresses are each code's own recovery (ccx: extrapolated from the integration points and
averaged over the elements at a node; ftwin: its own recovery), so they differ by more than
the displacements do.

The node coordinates are read from the CCX.inp beside the CCX.frd (full precision).

usage: compare.py FTWIN.h5 CCX.frd [--case tip_shear] [--json OUT.json]
"""
import argparse
import json

import h5py
import numpy as np


def read_frd(path):
    """Nodes and the DISP and STRESS result blocks of an ASCII .frd file."""
    nodes, blocks, cur = {}, {}, None
    ids, vals = [], []
    with open(path) as f:
        mode = None
        for line in f:
            if line.startswith("    2C"):
                mode = "nodes"
                continue
            if line.startswith("    3C"):
                mode = "elems"
                continue
            if line.startswith(" -4"):
                cur = line.split()[1]
                ids, vals = [], []
                mode = "res"
                continue
            if line.startswith(" -3"):
                if mode == "res" and cur:
                    blocks[cur] = (np.array(ids), np.array(vals))
                mode, cur = None, None
                continue
            if line.startswith(" -1") and mode in ("nodes", "res"):
                n = int(line[3:13])
                s = line[13:].rstrip("\n")
                v = [float(s[k:k + 12]) for k in range(0, len(s), 12) if s[k:k + 12].strip()]
                if mode == "nodes":
                    nodes[n] = v
                elif mode == "res":
                    ids.append(n)
                    vals.append(v)
    nid = np.array(sorted(nodes))
    X = np.array([nodes[n] for n in nid])
    # the .frd has 5-digit coordinates; take the exact ones from the input deck beside it
    inp = path[:-4] + ".inp"
    try:
        with open(inp) as f:
            txt = f.read()
        sec = txt.split("*NODE, NSET=NALL\n", 1)[1].split("*", 1)[0]
        a = np.loadtxt(sec.splitlines(), delimiter=",")
        exact = dict(zip(a[:, 0].astype(int), a[:, 1:]))
        X = np.array([exact[n] for n in nid])
    except (OSError, IndexError, KeyError) as e:
        print(f"WARNING: no exact coordinates from {inp} ({e}); matching on the .frd's 5 digits")
    return nid, X, blocks


def match(Xa, Xb, L):
    """index ib[i] of the node of Xb at the position of Xa[i] (rounded coordinates)."""
    q = lambda X: np.round(X / L * 1e7).astype(np.int64)
    ka = q(Xa)
    kb = q(Xb)
    key = lambda k: (k[:, 0] * 3000000019 + k[:, 1]) * 1000000007 + k[:, 2]
    sb = np.argsort(key(kb))
    skb = key(kb)[sb]
    pos = np.searchsorted(skb, key(ka))
    pos = np.minimum(pos, len(skb) - 1)
    ib = sb[pos]
    bad = np.abs(Xb[ib] - Xa).max(1) > 1e-6 * L
    return ib, bad


def vm(s):  # s: xx yy zz yz xz xy
    return np.sqrt(0.5 * ((s[:, 0] - s[:, 1]) ** 2 + (s[:, 1] - s[:, 2]) ** 2 + (s[:, 2] - s[:, 0]) ** 2)
                   + 3 * (s[:, 3] ** 2 + s[:, 4] ** 2 + s[:, 5] ** 2))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("h5")
    ap.add_argument("frd")
    ap.add_argument("--case", default="tip_shear")
    ap.add_argument("--json")
    a = ap.parse_args()

    with h5py.File(a.h5, "r") as f:
        Xf = f["/mesh/coordinates"][...]
        uf = f[f"/load_cases/{a.case}/displacement"][...]
        sf = f[f"/load_cases/{a.case}/stress"][...]
    nid, Xc, blocks = read_frd(a.frd)
    lo, hi = Xf.min(0), Xf.max(0)
    L = (hi - lo).max()
    if len(Xf) != len(Xc):
        print(f"WARNING: ftwin has {len(Xf)} nodes, ccx {len(Xc)}")
    ib, bad = match(Xf, Xc, L)
    if bad.any():
        print(f"WARNING: {bad.sum()} ftwin nodes without a ccx node at the same position")
    # ccx results, reordered to ftwin's nodes
    did, dv = blocks["DISP"]
    uc_all = np.zeros((nid.max() + 1, 3))
    uc_all[did] = dv[:, :3]
    uc = uc_all[nid[ib]]
    sc = None
    if "STRESS" in blocks:
        sid, sv = blocks["STRESS"]
        sc_all = np.zeros((nid.max() + 1, 6))
        sc_all[sid] = sv[:, :6]          # SXX SYY SZZ SXY SYZ SZX
        s = sc_all[nid[ib]]
        sc = s[:, [0, 1, 2, 4, 5, 3]]      # -> xx yy zz yz xz xy
    ok = ~bad
    out = {"nodes": int(len(Xf)), "dofs": int(3 * len(Xf))}
    mid = 0.5 * (lo + hi)
    near = lambda p: int(np.argmin(((Xf - p) ** 2).sum(1) + 1e30 * bad))
    it = near(np.array([hi[0], mid[1], mid[2]]))
    out["tip_node"] = Xf[it].tolist()
    out["uz_tip_ftwin"] = float(uf[it, 2])
    out["uz_tip_ccx"] = float(uc[it, 2])
    out["uz_tip_rel_diff"] = float(abs(uf[it, 2] - uc[it, 2]) / abs(uc[it, 2]))
    du = np.abs(uf[ok] - uc[ok]).max()
    out["u_field_rel_maxdiff"] = float(du / np.abs(uc[ok]).max())
    out["u_field_rel_l2diff"] = float(np.linalg.norm(uf[ok] - uc[ok]) / np.linalg.norm(uc[ok]))
    if sc is not None:
        for frac in (0.25, 0.5):
            p = np.array([lo[0] + frac * (hi[0] - lo[0]), mid[1], hi[2]])
            i = near(p)
            k = f"sxx_top_x{frac:g}"
            out[k + "_node"] = Xf[i].tolist()
            out[k + "_ftwin"] = float(sf[i, 0])
            out[k + "_ccx"] = float(sc[i, 0])
            out[k + "_rel_diff"] = float(abs(sf[i, 0] - sc[i, 0]) / abs(sc[i, 0]))
        away = ok & (Xf[:, 0] >= lo[0] + 0.1 * (hi[0] - lo[0]))
        vf, vc = vm(sf[away]), vm(sc[away])
        out["vm_max_away_ftwin"] = float(vf.max())
        out["vm_max_away_ccx"] = float(vc.max())
        out["vm_max_away_rel_diff"] = float(abs(vf.max() - vc.max()) / vc.max())
        out["stress_field_rel_l2diff_away"] = float(np.linalg.norm(sf[away] - sc[away]) / np.linalg.norm(sc[away]))
    for k, v in out.items():
        print(f"{k:32s} {v}")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
