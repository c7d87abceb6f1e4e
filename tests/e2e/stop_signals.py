#!/usr/bin/env python3
"""Stop signals at awkward moments. Slurm's warning before a job's time limit (SIGUSR1) or a
SIGTERM can come at any time; ftwin notes it, and only the fatigue counting acts on it (it stops at
its next chunk, exit 75: tests/fatigue/incremental.py). Everything else must carry on unharmed.

A storm of SIGUSR1 (one every 2 ms, from the run's first progress line to its end) during
`ftwin run` on the coarse bracket, sent to the run's whole process group as Slurm sends it to every
process of a job step (the gmsh reader helper included): the run must end with exit code 0 and
results equal, bit for bit, to a quiet run's. Two faults this found, both of which failed a Slurm
asset task that got its warning during the mesh read (exit 1, "is not a readable gmsh mesh ... the
file is malformed") instead of requeueing it (slurm.fleet in CI, 2026-12-08):
- without SA_RESTART on ftwin's handler, the pipe read from the reader failed with EINTR;
- the reader helper ignores the signals only once its main() runs: one that came while it was
  loading ended it (it is now started with them blocked).
usage: stop_signals.py FTWIN OUTDIR"""
import os
import shutil
import signal
import subprocess
import sys
import time

import h5py
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
ftwin, work = sys.argv[1], os.path.abspath(sys.argv[2])
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
fails = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        fails.append(what)


case = os.path.join(here, "bracket_coarse.yaml")
quiet = os.path.join(work, "quiet.h5")
stormy = os.path.join(work, "storm.h5")
r = subprocess.run([ftwin, "run", case, "-q", "-o", quiet], capture_output=True, text=True, timeout=600)
check(r.returncode == 0, f"quiet run: exit code {r.returncode} {r.stderr[-300:]!r}")

p = subprocess.Popen([ftwin, "run", case, "-o", stormy], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
first = p.stdout.readline()  # printed after the handler is in place (a signal before it ends any program)
sent, t0 = 0, time.time()
while p.poll() is None:
    try:
        os.killpg(p.pid, signal.SIGUSR1)  # ftwin and its mesh reader, as Slurm does
        sent += 1
    except ProcessLookupError:
        break
    time.sleep(0.002)
so, se = p.communicate(timeout=600)
print(f"storm: {sent} SIGUSR1 in {time.time() - t0:.1f} s")
check(first.strip() != "" and sent > 20, f"the storm began after the first progress line ({first.strip()[:60]!r}) and sent {sent} signals")
check(p.returncode == 0 and "error" not in se, f"run under the storm: exit code {p.returncode} {se[-400:]!r}")
if p.returncode == 0 and r.returncode == 0:
    with h5py.File(quiet) as a, h5py.File(stormy) as b:
        names = []
        a["/load_cases"].visit(lambda n: names.append(n) if isinstance(a["/load_cases"][n], h5py.Dataset) else None)
        differ = [n for n in names if not np.array_equal(a["/load_cases"][n][...], b["/load_cases"][n][...])]
    check(len(names) > 0 and not differ, f"results under the storm equal the quiet run's, bit for bit ({len(names)} datasets; differ: {differ})")

if fails:
    sys.exit(f"{len(fails)} check(s) failed")
print("all checks passed")
