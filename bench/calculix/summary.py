#!/usr/bin/python3
"""One summary line per level: CalculiX vs ftwin (2 ranks, 1 rank) times, memory and answers.

usage: summary.py CCX_JOB FTWIN_NP2_PREFIX FTWIN_NP1_PREFIX
  CCX_JOB: work/L<l>_<solver> (reads .ccx.time, .ccx.log, .compare.json)
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fe_cube"))
from parse_run import row  # noqa: E402


def ccx_info(job):
    d = {}
    with open(job + ".ccx.time") as f:
        for line in f:
            line = line.strip()
            if line.startswith("Maximum resident set size"):
                d["maxrss_mb"] = int(line.split(":")[-1]) / 1024
            elif line.startswith("User time"):
                d["user"] = float(line.split(":")[-1])
            elif line.startswith("System time"):
                d["sys"] = float(line.split(":")[-1])
            elif line.startswith("Elapsed (wall clock)"):
                v = line.split("):")[-1].strip().split(":")
                d["wall"] = sum(float(x) * 60 ** i for i, x in enumerate(reversed(v)))
    with open(job + ".ccx.log", errors="replace") as f:
        m = re.search(r"Total CalculiX Time:\s*([\d.]+)", f.read())
        d["ccx_total"] = float(m.group(1)) if m else None
    return d


def main():
    job, p2, p1 = sys.argv[1:4]
    c = ccx_info(job)
    r2, r1 = row(p2), row(p1)
    with open(job + ".compare.json") as f:
        cmp = json.load(f)
    w2, w1 = r2["wall_ranks"], r1["wall_ranks"]
    print(f"level {os.path.basename(job)}: {cmp['dofs']} DoF, {r2['tets']} C3D10/P2 tets")
    print(f"  ccx   : wall {c['wall']:.1f} s (CPU {c['user'] + c['sys']:.1f} s), peak RSS {c['maxrss_mb']:.0f} MB")
    print(f"  ftwin 2 ranks: wall {w2:.1f} s (CPU/rank {r2['cpu_ranks']}), peak RSS sum {r2['mem_total_mb']} MB, "
          f"{r2['its']} its   -> ccx/ftwin = {c['wall'] / w2:.1f}x")
    print(f"  ftwin 1 rank : wall {w1:.1f} s, peak RSS {r1['mem_total_mb']} MB, {r1['its']} its   -> ccx/ftwin = {c['wall'] / w1:.1f}x")
    print(f"  tip u_z: ftwin {cmp['uz_tip_ftwin']:.6e}  ccx {cmp['uz_tip_ccx']:.6e}  rel diff {cmp['uz_tip_rel_diff']:.2e}; "
          f"whole field max-norm rel diff {cmp['u_field_rel_maxdiff']:.2e}")
    for k in ("sxx_top_x0.25", "sxx_top_x0.5"):
        if k + "_ftwin" in cmp:
            print(f"  {k} at {[round(x, 4) for x in cmp[k + '_node']]}: ftwin {cmp[k + '_ftwin'] / 1e6:.4f} MPa  "
                  f"ccx {cmp[k + '_ccx'] / 1e6:.4f} MPa  rel diff {cmp[k + '_rel_diff']:.2e}")
    if "vm_max_away_ftwin" in cmp:
        print(f"  max von Mises (x >= 0.1): ftwin {cmp['vm_max_away_ftwin'] / 1e6:.4f} MPa  ccx {cmp['vm_max_away_ccx'] / 1e6:.4f} MPa"
              f"  rel diff {cmp['vm_max_away_rel_diff']:.2e}; stress field rel L2 diff (x >= 0.1) {cmp['stress_field_rel_l2diff_away']:.2e}")
    out = {"ccx": c, "ftwin_np2": {k: r2[k] for k in ("wall_ranks", "t_total", "its", "mem_total_mb", "cpu_ranks")},
           "ftwin_np1": {k: r1[k] for k in ("wall_ranks", "t_total", "its", "mem_total_mb", "cpu_ranks")}, "compare": cmp}
    with open(job + ".summary.json", "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
