#!/usr/bin/python3
"""Parse ftwin benchmark runs (stdout+stderr with -log_view, per-rank `/usr/bin/time -v` files,
the output HDF5) and print a table.

usage: parse_run.py [--md] [--json FILE] RUN_PREFIX...
  RUN_PREFIX: path without extension; reads PREFIX.log, PREFIX.time.rank*, PREFIX.h5
"""
import glob
import json
import re
import sys

EVENT = re.compile(r"^\s*(\S.*?)\s+(\d+)\s+(\d+\.\d+)\s+(\d\.\d+e[+-]\d+)\s+(\d+\.\d+)\s")


def parse_log(path):
    r = {"events": {}}
    with open(path, errors="replace") as f:
        text = f.read()
    for line in text.splitlines():
        m = EVENT.match(line)
        if m and not line.startswith("Event"):
            name = m.group(1).strip()
            # the first occurrence (main stage) wins
            r["events"].setdefault(name, {"count": int(m.group(2)), "time": float(m.group(4))})
        m = re.match(r"^Time \(sec\):\s+(\S+)\s+\S+\s+(\S+)", line)
        if m:
            r["petsc_time"] = float(m.group(1))
        m = re.search(r"mesh .*: (\d+) tetrahedra on (\d+) rank", line)
        if m:
            r["tets"], r["ranks"] = int(m.group(1)), int(m.group(2))
        m = re.search(r"operator assembled \((\d+) dofs, .*?, ([\d.]+) s\)", line)
        if m:
            r["dofs"], r["t_operator"] = int(m.group(1)), float(m.group(2))
        m = re.search(r"elasticity: preconditioner set up \(([\d.]+) s\)", line)
        if m:
            r["t_until_pc"] = float(m.group(1))
        m = re.search(r"load case '([^']+)': (\d+) iterations \(([\d.]+) s\)", line)
        if m:
            r.setdefault("cases", []).append({"name": m.group(1), "its": int(m.group(2)), "t": float(m.group(3))})
        m = re.search(r"^\[\s*([\d.]+) s\] wrote", line)
        if m:
            r["t_ftwin_total"] = float(m.group(1))
        if re.search(r"PETSC ERROR|[Ee]rror:|Segmentation|signal \d|Killed|exited on signal|not converge", line):
            r.setdefault("errors", []).append(line.strip())
    return r


def parse_time(prefix):
    ranks = []
    for fn in sorted(glob.glob(prefix + ".time.rank*")):
        d = {}
        with open(fn) as f:
            for line in f:
                line = line.strip()
                if line.startswith("Maximum resident set size"):
                    d["maxrss_kb"] = int(line.split(":")[-1])
                elif line.startswith("User time"):
                    d["user"] = float(line.split(":")[-1])
                elif line.startswith("System time"):
                    d["sys"] = float(line.split(":")[-1])
                elif line.startswith("Elapsed (wall clock)"):
                    v = line.split("):")[-1].strip().split(":")
                    d["wall"] = sum(float(x) * 60 ** i for i, x in enumerate(reversed(v)))
                elif line.startswith("Exit status"):
                    d["exit"] = int(line.split(":")[-1])
        ranks.append(d)
    return ranks


def tip(prefix, case="tip_shear"):
    try:
        import h5py
        import numpy as np
    except ImportError:
        return None
    try:
        with h5py.File(prefix + ".h5", "r") as f:
            X = f["/mesh/coordinates"][...]
            u = f[f"/load_cases/{case}/displacement"][...]
    except (OSError, KeyError):
        return None
    xmax = X[:, 0].max()
    c = np.array([xmax, 0.5 * (X[:, 1].min() + X[:, 1].max()), 0.5 * (X[:, 2].min() + X[:, 2].max())])
    i = np.argmin(((X - c) ** 2).sum(1))
    end = np.abs(X[:, 0] - xmax) < 1e-9
    return {"uz_center": float(u[i, 2]), "center_node": X[i].tolist(), "uz_end_mean": float(u[end, 2].mean())}


def row(prefix):
    r = parse_log(prefix + ".log")
    ev = r["events"]
    t = lambda n: ev.get(n, {}).get("time", float("nan"))
    ranks = parse_time(prefix)
    its = r.get("cases", [{}])[0].get("its")
    kern = t("FtElemStiffness") + t("FtAssembleCOO")
    out = {
        "run": prefix.split("/")[-1],
        "dofs": r.get("dofs"),
        "tets": r.get("tets"),
        "ranks": r.get("ranks"),
        "t_mesh_load": t("FtMeshLoad"),
        "t_elem_stiffness": t("FtElemStiffness"),
        "t_assemble_coo": t("FtAssembleCOO"),
        "elem_per_s": r["tets"] / kern if r.get("tets") and kern > 0 else None,
        "t_prealloc_coo": t("MatSetPreallCOO"),
        "t_operator": r.get("t_operator"),
        "t_pcsetup": t("PCSetUp"),
        "t_solve": t("KSPSolve"),
        "its": its,
        "t_elast": t("FtElastSolve"),
        "t_total": r.get("petsc_time"),
        "wall_ranks": max((d.get("wall", 0) for d in ranks), default=None),
        "cpu_ranks": [round(d.get("user", 0) + d.get("sys", 0), 1) for d in ranks],
        "maxrss_mb": [round(d.get("maxrss_kb", 0) / 1024) for d in ranks],
        "errors": r.get("errors", []),
    }
    out["mem_total_mb"] = sum(out["maxrss_mb"]) if ranks else None
    out["mem_mb_per_mdof"] = out["mem_total_mb"] / (out["dofs"] / 1e6) if out["dofs"] and out["mem_total_mb"] else None
    tp = tip(prefix)
    if tp:
        out.update(tp)
    return out


def fmt(v, f):
    return "-" if v is None or v != v else format(v, f)


def table(rows, md):
    hdr = ["run", "DoF", "tets", "stiff s", "COO ins s", "elem/s", "prealloc s", "operator s", "PC setup s",
           "solve s", "its", "total s", "wall s", "CPU/rank s", "RSS/rank MB", "RSS sum MB", "MB/MDoF", "u_z tip [m]"]
    lines = []
    for o in rows:
        lines.append([o["run"], fmt(o["dofs"], "d"), fmt(o["tets"], "d"), fmt(o["t_elem_stiffness"], ".3f"),
                      fmt(o["t_assemble_coo"], ".3f"), fmt(o["elem_per_s"], ".3g"), fmt(o["t_prealloc_coo"], ".2f"),
                      fmt(o["t_operator"], ".2f"), fmt(o["t_pcsetup"], ".2f"), fmt(o["t_solve"], ".2f"),
                      fmt(o["its"], "d"), fmt(o["t_total"], ".1f"), fmt(o["wall_ranks"], ".1f"), "/".join(str(c) for c in o["cpu_ranks"]),
                      "/".join(str(c) for c in o["maxrss_mb"]), fmt(o["mem_total_mb"], "d"),
                      fmt(o["mem_mb_per_mdof"], ".0f"), fmt(o.get("uz_center"), ".5e")])
    if md:
        print("| " + " | ".join(hdr) + " |")
        print("|" + "|".join("---" for _ in hdr) + "|")
        for l in lines:
            print("| " + " | ".join(l) + " |")
    else:
        w = [max(len(h), *(len(l[i]) for l in lines)) for i, h in enumerate(hdr)]
        print("  ".join(h.rjust(w[i]) for i, h in enumerate(hdr)))
        for l in lines:
            print("  ".join(x.rjust(w[i]) for i, x in enumerate(l)))
    for o in rows:
        for e in o["errors"][:5]:
            print(f"# {o['run']}: {e}")


if __name__ == "__main__":
    args = sys.argv[1:]
    md = "--md" in args
    js = None
    if "--json" in args:
        js = args[args.index("--json") + 1]
        args.remove("--json")
        args.remove(js)
    args = [a for a in args if a != "--md"]
    rows = [row(p) for p in args]
    table(rows, md)
    if js:
        with open(js, "w") as f:
            json.dump(rows, f, indent=1)
