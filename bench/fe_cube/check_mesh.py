#!/usr/bin/python3
"""Sanity check of a linear-tet gmsh mesh of the benchmark box: no duplicate node positions, no
unused nodes, no zero or negative volumes, total volume = box volume, and every boundary face
(a face of exactly one tetrahedron) lies on the box surface (otherwise the mesh has internal
cracks, i.e. is not conforming). Exit status 1 on failure.

usage: check_mesh.py MESH.msh
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "calculix"))
from msh2inp import read_msh41  # noqa: E402


def main(path):
    names, ent, tag, X, el = read_msh41(path)
    idx = np.full(tag.max() + 1, -1)
    idx[tag] = np.arange(len(tag))
    T = np.vstack([idx[a[:, 1:]] for (d, t, ty), a in el.items() if ty == 4])
    P = X[T]
    vol = np.einsum("ij,ij->i", np.cross(P[:, 1] - P[:, 0], P[:, 2] - P[:, 0]), P[:, 3] - P[:, 0]) / 6
    lo, hi = X.min(0), X.max(0)
    L = (hi - lo).max()
    r = np.round((X - lo) / L * 1e9).astype(np.int64)
    _, cnt = np.unique(r, axis=0, return_counts=True)
    used = np.zeros(len(X), bool)
    used[T.ravel()] = True
    F = np.sort(np.vstack([T[:, [0, 1, 2]], T[:, [0, 1, 3]], T[:, [0, 2, 3]], T[:, [1, 2, 3]]]), 1)
    uf, cf = np.unique(F, axis=0, return_counts=True)
    bf = uf[cf == 1]
    c = X[bf].mean(1)
    tol = 1e-9 * L
    on_surface = ((np.abs(c - lo) < tol) | (np.abs(c - hi) < tol)).any(1)
    problems = []
    if (cnt > 1).any():
        problems.append(f"{(cnt > 1).sum()} duplicate node positions")
    if (~used).any():
        problems.append(f"{(~used).sum()} nodes in no tetrahedron")
    if (vol <= 0).any():
        problems.append(f"{(vol <= 0).sum()} tetrahedra with volume <= 0")
    if (cf > 2).any():
        problems.append(f"{(cf > 2).sum()} faces shared by more than 2 tetrahedra")
    if (~on_surface).any():
        problems.append(f"{(~on_surface).sum()} boundary faces inside the box (internal cracks)")
    box = np.prod(hi - lo)
    if abs(vol.sum() - box) > 1e-9 * box:
        problems.append(f"volume {vol.sum()} != box volume {box}")
    print(f"{path}: {len(X)} nodes, {len(T)} tets, min volume {vol.min():.3g}: " + ("; ".join(problems) if problems else "OK"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
