#!/usr/bin/python3
"""Convert the benchmark's linear-tet gmsh mesh (MSH 4.1 ASCII, physical groups body/fixed/load)
into a CalculiX input deck with quadratic C3D10 elements, the same P2 discretisation ftwin builds:
the corner nodes of the mesh plus one node at the midpoint of every edge (straight-sided, as the
box has only flat faces).

Material, constraints and load are the benchmark's (bench/fe_cube/run.sh):
  E = 210 GPa, nu = 0.3; all displacement components zero on the surface 'fixed' (x = 0);
  uniform traction t on the surface 'load' (x = 1) as consistent nodal forces (*CLOAD). For a
  6-node triangle under a uniform traction the consistent forces are 0 at the corners and
  t * A / 3 at each midside node; they are summed over the faces.

C3D10 node order (CalculiX = Abaqus): corners 1-4, then midside nodes on the edges
(1,2) (2,3) (3,1) (1,4) (2,4) (3,4). The midside nodes are generated here, so gmsh's own tet10
ordering never enters.

usage: msh2inp.py MESH.msh OUT.inp [--traction tx ty tz] [--solver SPOOLES|ITERATIVE CHOLESKY|...]
"""
import argparse
import sys

import numpy as np


def read_msh41(path):
    with open(path) as f:
        lines = f.read().split("\n")
    i = 0
    names = {}          # (dim, physical tag) -> name
    ent_phys = {}       # (dim, entity tag) -> [physical tags]
    nodes_tag, nodes_x = [], []
    elems = {}          # (dim, entity tag, type) -> array
    while i < len(lines):
        l = lines[i].strip()
        if l == "$MeshFormat":
            v = lines[i + 1].split()
            if not v[0].startswith("4") or v[1] != "0":
                sys.exit(f"{path}: need MSH 4.x ASCII, got version {v[0]} file type {v[1]}")
            i += 2
        elif l == "$PhysicalNames":
            n = int(lines[i + 1])
            for k in range(n):
                p = lines[i + 2 + k].split(maxsplit=2)
                names[(int(p[0]), int(p[1]))] = p[2].strip().strip('"')
            i += n + 2
        elif l == "$Entities":
            c = [int(x) for x in lines[i + 1].split()]
            j = i + 2
            for dim in range(4):
                for _ in range(c[dim]):
                    p = lines[j].split()
                    tag = int(p[0])
                    if dim == 0:
                        nph = int(p[4]); ph = [int(x) for x in p[5:5 + nph]]
                    else:
                        nph = int(p[7]); ph = [int(x) for x in p[8:8 + nph]]
                    ent_phys[(dim, tag)] = ph
                    j += 1
            i = j
        elif l == "$Nodes":
            nb, nn, _, _ = (int(x) for x in lines[i + 1].split())
            j = i + 2
            for _ in range(nb):
                d, t, par, m = (int(x) for x in lines[j].split())
                if par:
                    sys.exit("parametric nodes not supported")
                tags = [int(lines[j + 1 + k]) for k in range(m)]
                xs = np.loadtxt(lines[j + 1 + m:j + 1 + 2 * m], ndmin=2) if m else np.zeros((0, 3))
                nodes_tag += tags
                nodes_x.append(xs)
                j += 1 + 2 * m
            i = j
        elif l == "$Elements":
            nb = int(lines[i + 1].split()[0])
            j = i + 2
            for _ in range(nb):
                d, t, typ, m = (int(x) for x in lines[j].split())
                a = np.array([[int(x) for x in lines[j + 1 + k].split()] for k in range(m)], dtype=np.int64)
                elems[(d, t, typ)] = a
                j += 1 + m
            i = j
        else:
            i += 1
    tag = np.array(nodes_tag, dtype=np.int64)
    X = np.vstack(nodes_x)
    return names, ent_phys, tag, X, elems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("msh")
    ap.add_argument("inp")
    ap.add_argument("--traction", nargs=3, type=float, default=[0.0, 0.0, -1.0e6])
    ap.add_argument("--E", type=float, default=210e9)
    ap.add_argument("--nu", type=float, default=0.3)
    ap.add_argument("--solver", default="SPOOLES")
    ap.add_argument("--stress", action="store_true", help="also write nodal stresses (*EL FILE S) to the .frd")
    a = ap.parse_args()

    names, ent_phys, tag, X, elems = read_msh41(a.msh)
    idx = np.full(tag.max() + 1, -1, dtype=np.int64)
    idx[tag] = np.arange(len(tag))

    def group(dim, name, typ):
        out = []
        for (d, t, ty), arr in elems.items():
            if d == dim and ty == typ and any(names.get((dim, p)) == name for p in ent_phys.get((d, t), [])):
                out.append(idx[arr[:, 1:]])
        if not out:
            sys.exit(f"{a.msh}: no elements of type {typ} in physical group '{name}' (dim {dim})")
        return np.vstack(out)

    tets = group(3, "body", 4)
    # orientation: CalculiX wants det[x2-x1, x3-x1, x4-x1] > 0
    P = X[tets]
    det = np.einsum("ij,ij->i", np.cross(P[:, 1] - P[:, 0], P[:, 2] - P[:, 0]), P[:, 3] - P[:, 0])
    flip = det < 0
    tets[flip] = tets[flip][:, [0, 2, 1, 3]]
    # edges in C3D10 order: (1,2) (2,3) (3,1) (1,4) (2,4) (3,4)
    E = np.array([[0, 1], [1, 2], [2, 0], [0, 3], [1, 3], [2, 3]])
    nv = len(X)
    ed = np.sort(tets[:, E], axis=2).reshape(-1, 2)
    key = ed[:, 0] * nv + ed[:, 1]
    ukey, inv = np.unique(key, return_inverse=True)
    mid_ids = nv + inv.reshape(-1, 6)
    ue = np.stack([ukey // nv, ukey % nv], axis=1)
    Xall = np.vstack([X, 0.5 * (X[ue[:, 0]] + X[ue[:, 1]])])
    conn = np.hstack([tets, mid_ids])

    def edge_node(i, j):
        k = np.minimum(i, j) * nv + np.maximum(i, j)
        p = np.searchsorted(ukey, k)
        assert np.all(ukey[p] == k), "surface edge not in the volume mesh"
        return nv + p

    fixed_tri = group(2, "fixed", 2)
    fixed_nodes = np.unique(np.concatenate([fixed_tri.ravel()] + [edge_node(fixed_tri[:, i], fixed_tri[:, (i + 1) % 3]) for i in range(3)]))
    load_tri = group(2, "load", 2)
    area = 0.5 * np.linalg.norm(np.cross(X[load_tri[:, 1]] - X[load_tri[:, 0]], X[load_tri[:, 2]] - X[load_tri[:, 0]]), axis=1)
    F = np.zeros((len(Xall), 3))
    for i in range(3):
        m = edge_node(load_tri[:, i], load_tri[:, (i + 1) % 3])
        np.add.at(F, m, np.outer(area / 3.0, a.traction))
    loaded = np.nonzero(np.abs(F).sum(1))[0]
    # tip centre node (for *NODE PRINT): the node closest to the centre of the loaded face
    lo, hi = Xall.min(0), Xall.max(0)
    c = np.array([hi[0], 0.5 * (lo[1] + hi[1]), 0.5 * (lo[2] + hi[2])])
    tipc = int(np.argmin(((Xall - c) ** 2).sum(1)))

    with open(a.inp, "w") as f:
        f.write(f"** generated by bench/calculix/msh2inp.py from {a.msh}\n")
        f.write(f"** {len(Xall)} nodes ({3 * len(Xall)} dofs), {len(conn)} C3D10 elements; load area {area.sum():.6g} m^2, "
                f"total force {F.sum(0).tolist()} N\n")
        f.write("*NODE, NSET=NALL\n")
        np.savetxt(f, np.column_stack([np.arange(1, len(Xall) + 1), Xall]), fmt="%d, %.17g, %.17g, %.17g")
        f.write("*ELEMENT, TYPE=C3D10, ELSET=EALL\n")
        np.savetxt(f, np.column_stack([np.arange(1, len(conn) + 1), conn + 1]), fmt="%d", delimiter=", ")

        def nset(name, ids):
            f.write(f"*NSET, NSET={name}\n")
            ids = np.asarray(ids) + 1
            for k in range(0, len(ids), 16):
                f.write(", ".join(str(x) for x in ids[k:k + 16]) + "\n")

        nset("FIXED", fixed_nodes)
        nset("TIPC", [tipc])
        f.write(f"*MATERIAL, NAME=STEEL\n*ELASTIC\n{a.E:.10g}, {a.nu:.10g}\n")
        f.write("*SOLID SECTION, ELSET=EALL, MATERIAL=STEEL\n")
        f.write("*BOUNDARY\nFIXED, 1, 3, 0.\n")
        f.write(f"*STEP\n*STATIC, SOLVER={a.solver}\n")
        f.write("*CLOAD\n")
        for n in loaded:
            for k in range(3):
                if F[n, k] != 0.0:
                    f.write(f"{n + 1}, {k + 1}, {F[n, k]:.17g}\n")
        f.write("*NODE PRINT, NSET=TIPC\nU\n")
        f.write("*NODE FILE\nU\n")
        if a.stress:
            f.write("*EL FILE\nS\n")
        f.write("*END STEP\n")
    print(f"{a.inp}: {len(Xall)} nodes, {3 * len(Xall)} dofs, {len(conn)} C3D10, {len(fixed_nodes)} fixed nodes, "
          f"{len(loaded)} loaded nodes, total force {F.sum(0)}, tip centre node {tipc + 1} at {Xall[tipc]}, flipped {flip.sum()}")


if __name__ == "__main__":
    main()
