#!/usr/bin/env python3
"""Summarise a gmsh ASCII mesh (format 4.1 or 2.2): element counts per type,
physical groups (dimension, tag, name) with the number of elements in each, and
basic sanity checks (only linear tetrahedra in 3-D, no zero-volume tetrahedra,
every physical name used by at least one element).

    python3 check_mesh.py cube_n4.msh [more.msh ...]

Exit status 1 if a check fails. Standard library only.
"""
import sys

TYPE_NAMES = {1: "line2", 2: "tri3", 4: "tet4", 15: "point", 8: "line3", 9: "tri6", 11: "tet10",
              3: "quad4", 5: "hex8", 6: "prism6", 7: "pyramid5"}


def read_sections(path):
    sections = {}
    with open(path) as f:
        name, buf = None, []
        for line in f:
            s = line.strip()
            if name is None:
                if s.startswith("$"):
                    name, buf = s[1:], []
            elif s == "$End" + name:
                sections[name] = buf
                name = None
            else:
                buf.append(s)
    return sections


def parse(path):
    sec = read_sections(path)
    version = sec["MeshFormat"][0].split()[0]
    if sec["MeshFormat"][0].split()[1] != "0":
        raise SystemExit(f"{path}: binary mesh files are not handled by this checker")
    names = {}
    for line in sec.get("PhysicalNames", [])[1:]:
        parts = line.split(None, 2)
        names[(int(parts[0]), int(parts[1]))] = parts[2].strip('"')
    nodes = {}
    elems = []  # (type, physical tags tuple, node list)
    if version.startswith("4"):
        ent_phys = {}
        ent = sec["Entities"]
        counts = [int(v) for v in ent[0].split()]
        row = 1
        for dim in range(4):
            for _ in range(counts[dim]):
                v = ent[row].split()
                row += 1
                tag = int(v[0])
                if dim == 0:
                    nphys = int(v[4]); phys = [int(t) for t in v[5:5 + nphys]]
                else:
                    nphys = int(v[7]); phys = [int(t) for t in v[8:8 + nphys]]
                ent_phys[(dim, tag)] = tuple(phys)
        lines = sec["Nodes"]
        nblocks = int(lines[0].split()[0]); row = 1
        for _ in range(nblocks):
            _, _, _, n = [int(v) for v in lines[row].split()]; row += 1
            tags = [int(lines[row + i]) for i in range(n)]; row += n
            for i in range(n):
                nodes[tags[i]] = tuple(float(c) for c in lines[row + i].split()[:3])
            row += n
        lines = sec["Elements"]
        nblocks = int(lines[0].split()[0]); row = 1
        for _ in range(nblocks):
            edim, etag, etype, n = [int(v) for v in lines[row].split()]; row += 1
            phys = ent_phys.get((edim, etag), ())
            for i in range(n):
                v = [int(t) for t in lines[row + i].split()]
                elems.append((etype, tuple((edim, p) for p in phys), v[1:]))
            row += n
    elif version.startswith("2"):
        lines = sec["Nodes"]
        for line in lines[1:]:
            v = line.split()
            nodes[int(v[0])] = tuple(float(c) for c in v[1:4])
        dim_of = {15: 0, 1: 1, 8: 1, 2: 2, 9: 2, 3: 2, 4: 3, 11: 3, 5: 3, 6: 3, 7: 3}
        for line in sec["Elements"][1:]:
            v = [int(t) for t in line.split()]
            etype, ntags = v[1], v[2]
            tags = v[3:3 + ntags]
            phys = (dim_of[etype], tags[0]) if ntags > 0 and tags[0] != 0 else None
            elems.append((etype, (phys,) if phys else (), v[3 + ntags:]))
    else:
        raise SystemExit(f"{path}: unknown format {version}")
    return version, names, nodes, elems


def tet_volume(a, b, c, d):
    u = [b[i] - a[i] for i in range(3)]
    v = [c[i] - a[i] for i in range(3)]
    w = [d[i] - a[i] for i in range(3)]
    return (u[0] * (v[1] * w[2] - v[2] * w[1]) - u[1] * (v[0] * w[2] - v[2] * w[0])
            + u[2] * (v[0] * w[1] - v[1] * w[0])) / 6.0


def main(paths):
    ok = True
    for path in paths:
        version, names, nodes, elems = parse(path)
        by_type = {}
        by_phys = {}
        for etype, phys, _ in elems:
            by_type[etype] = by_type.get(etype, 0) + 1
            for p in phys:
                by_phys[p] = by_phys.get(p, 0) + 1
        print(f"{path}: format {version}, {len(nodes)} nodes, "
              + ", ".join(f"{by_type[t]} {TYPE_NAMES.get(t, t)}" for t in sorted(by_type)))
        xs = [c for n in nodes.values() for c in n]
        lo = [min(n[i] for n in nodes.values()) for i in range(3)]
        hi = [max(n[i] for n in nodes.values()) for i in range(3)]
        print(f"  bounding box: [{lo[0]:g}, {hi[0]:g}] x [{lo[1]:g}, {hi[1]:g}] x [{lo[2]:g}, {hi[2]:g}]")
        vol, vmin, nneg = 0.0, float("inf"), 0
        for etype, _, conn in elems:
            if etype == 4:
                v = tet_volume(*(nodes[t] for t in conn[:4]))
                vol += abs(v); vmin = min(vmin, abs(v)); nneg += v <= 0
        print(f"  tetrahedra volume {vol:.6g}, smallest {vmin:.3g}, non-positive orientation {nneg}")
        for (d, t) in sorted(names):
            n = by_phys.get((d, t), 0)
            print(f"  physical dim {d} tag {t:3d} {names[(d, t)]!r}: {n} elements")
            if n == 0:
                print("    ERROR: physical group has no elements"); ok = False
        bad = [t for t in by_type if t not in (15, 1, 2, 4)]
        if bad:
            print(f"  ERROR: non-linear or non-simplex element types present: {bad}"); ok = False
        if by_type.get(4, 0) == 0:
            print("  ERROR: no tetrahedra"); ok = False
        if vmin <= 0:
            print("  ERROR: degenerate tetrahedron"); ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
