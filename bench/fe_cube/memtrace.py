#!/usr/bin/python3
"""Run a command and sample the summed resident memory (VmRSS) of all its descendant processes
whose command line contains MATCH, every 0.1 s. Prints the command's output, then the
timeline (coarsened) and the peak, so the peak can be placed among ftwin's progress lines
(which carry wall times since ftwin's start).

usage: memtrace.py MATCH command...
  e.g. memtrace.py ftwin mpirun -n 2 ftwin run case.yaml
"""
import os
import subprocess
import sys
import time


def children(pid):
    out = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                out += [int(x) for x in f.read().split()]
    except OSError:
        pass
    return out


def tree(pid):
    todo, seen = [pid], []
    while todo:
        p = todo.pop()
        seen.append(p)
        todo += children(p)
    return seen


def rss_kb(pid, match):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            if match.encode() not in f.read():
                return 0
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def main():
    match, cmd = sys.argv[1], sys.argv[2:]
    t0 = time.time()
    p = subprocess.Popen(cmd)
    samples = []
    while p.poll() is None:
        r = sum(rss_kb(q, match) for q in tree(p.pid) if q != p.pid)
        samples.append((time.time() - t0, r))
        time.sleep(0.1)
    print("# memtrace: t [s]  summed VmRSS [MB] of the processes matching", repr(match))
    last = -1e9
    for t, r in samples:
        if t - last >= 2.0:
            print(f"# memtrace {t:7.1f} {r / 1024:8.0f}")
            last = t
    if samples:
        t, r = max(samples, key=lambda s: s[1])
        print(f"# memtrace peak {r / 1024:.0f} MB at t = {t:.1f} s (since launch)")
    sys.exit(p.returncode)


if __name__ == "__main__":
    main()
