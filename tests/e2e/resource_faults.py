#!/usr/bin/env python3
"""Resource faults: a full disk during a results write, the output folder removed during a run, a
sensor file growing while it is read. Each must end in one clear error line (or, for the growing
file, a correct run on what was complete), a non-zero exit where it failed, previous results
byte-identical and no temporary file left behind.

- Full disk: the results live on a small tmpfs (mounted by the test; root needed, else the test
  is skipped with exit code 77) that holds the previous results but has no room for a second
  copy, for `ftwin run` and for `ftwin fatigue` (whose file also holds the counting state).
  (A file-size limit, `ulimit -f`, cannot stand in: Open MPI's start-up files hit it first.)
- Output folder removed: the folder of `ftwin fatigue`'s output is deleted while it counts.
- Growing sensor file: `ftwin calibrate` reads a CSV that another process keeps appending to,
  in pieces cut anywhere (also inside a number); the run must succeed and judge only complete
  lines, so its result equals a run over the lines that were complete when it read them.
usage: resource_faults.py FTWIN OUTDIR"""
import hashlib
import os
import shutil
import subprocess
import sys
import threading
import time

import h5py
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.abspath(os.path.join(here, "..", ".."))
ftwin, work = sys.argv[1], os.path.abspath(sys.argv[2])
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
fails, passed = [], []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    (passed if ok else fails).append(what)


def md5(path):
    return hashlib.md5(open(path, "rb").read()).hexdigest()


def errors_of(p):
    return [l for l in p.stderr.splitlines() if l.startswith("ftwin: error:")]


def strays(folder):
    return [f for f in os.listdir(folder) if ".tmp." in f]


# ---- a case with a fatigue section: the constant-amplitude bar, 40 000 cycles
case_dir = os.path.join(work, "case")
os.makedirs(case_dir)
shutil.copy(os.path.join(root, "meshes", "cube_n4.msh"), os.path.join(case_dir, "mesh.msh"))
with open(os.path.join(case_dir, "history.csv"), "w") as f:
    f.write("time,F\n" + "".join("%d,%d\n" % (i, 1 if i % 2 == 0 else -1) for i in range(80001)))
text = open(os.path.join(root, "tests", "fatigue", "const_amp.yaml")).read()
text = text.replace("../../meshes/cube_n2.msh", "mesh.msh").replace("order: 1", "order: 2")
out = os.path.join(work, "out")
text = text.replace("results/basis.h5", out + "/basis.h5").replace("results/fatigue.h5", out + "/fatigue.h5")
case = os.path.join(case_dir, "case.yaml")
with open(case, "w") as f:
    f.write(text)

# good results first: the "previous results" every fault must leave alone
for cmd in ("run", "fatigue"):
    p = subprocess.run([ftwin, cmd, case, "-q"], capture_output=True, text=True)
    assert p.returncode == 0, p.stdout + p.stderr
basis, fat = os.path.join(out, "basis.h5"), os.path.join(out, "fatigue.h5")
sums = {basis: md5(basis), fat: md5(fat)}

# ---- 1. full disk while writing the results
disk = os.path.join(work, "disk")
os.makedirs(disk)
for cmd, target in (("run", basis), ("fatigue", fat)):
    need = os.path.getsize(basis) + os.path.getsize(fat) + 2 * 4096
    size_kb = (need + os.path.getsize(target) // 2) // 1024
    m = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%dk" % size_kb, "tmpfs", disk], capture_output=True, text=True)
    if m.returncode:
        print("SKIP full-disk checks: cannot mount a tmpfs (%s)" % m.stderr.strip())
        sys.exit(77)
    try:
        for f in (basis, fat):
            shutil.copy(f, disk)
        dcase = os.path.join(case_dir, "case_disk.yaml")
        with open(dcase, "w") as f:
            f.write(text.replace(out + "/", disk + "/"))
        before = {f: md5(os.path.join(disk, f)) for f in ("basis.h5", "fatigue.h5")}
        p = subprocess.run([ftwin, cmd, dcase, "-q"], capture_output=True, text=True)
        errs = errors_of(p)
        check(p.returncode != 0 and len(errs) == 1 and os.path.basename(target) in errs[0] and "PETSC ERROR" not in p.stderr,
              f"full disk ({size_kb} kB tmpfs) during `ftwin {cmd}`: exit {p.returncode}, {errs[0] if errs else p.stderr[-300:]!r}")
        after = {f: md5(os.path.join(disk, f)) for f in ("basis.h5", "fatigue.h5")}
        check(after == before and not strays(disk), f"... previous results byte-identical, no temporary file left ({strays(disk)})")
    finally:
        subprocess.run(["umount", disk])

# ---- 2. the output folder removed while ftwin counts (the basis stays where it is)
moved = os.path.join(work, "out_moved")
os.makedirs(moved)
case2 = os.path.join(case_dir, "case_moved.yaml")
with open(case2, "w") as f:
    f.write(text.replace(out + "/fatigue.h5", moved + "/fatigue.h5"))
p = subprocess.Popen([ftwin, "fatigue", case2], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
for line in p.stdout:  # remove the folder once the counting is under way
    if "fatigue:" in line and "% of" in line:
        break
shutil.rmtree(moved)
so, se = p.communicate(timeout=300)
errs = [l for l in se.splitlines() if l.startswith("ftwin: error:")]
check(p.returncode != 0 and len(errs) == 1 and moved in errs[0] and "PETSC ERROR" not in se,
      f"output folder removed during `ftwin fatigue`: exit {p.returncode}, {errs[0] if errs else se[-300:]!r}")
check(not os.path.exists(moved), "... nothing re-created in its place (no half-written file)")

# ---- 3. a sensor file growing while it is read
assim = os.path.join(root, "tests", "assim", "bad")
sens_case = open(os.path.join(assim, "sensor_nul_byte.yaml")).read().split("\n", 4)[4]
grow_dir = os.path.join(work, "grow")
os.makedirs(grow_dir)
# the logger's rows; the writer keeps appending until ftwin has finished (or all are written, ~30 s
# at its pace, long after ftwin read), so ftwin reads the file mid-growth whatever the machine's load
ROWS = 200000
rows = ["%d,%g,%g,%g" % (t, 5 * (t % 7), -1.5 * (t % 5), 0.2 * (t % 7)) for t in range(ROWS)]
full = "time,SG_x,SG_y,LC_x\n" + "\n".join(rows) + "\n"
hist = os.path.join(grow_dir, "hist.csv")
with open(hist, "w") as f:
    f.write("time,Fx,Fy\n" + "".join("%d,%g,0\n" % (t, 0.2 * (t % 7)) for t in range(ROWS)))
data = os.path.join(grow_dir, "growing.csv")
gcase = os.path.join(grow_dir, "case.yaml")
with open(gcase, "w") as f:
    f.write(sens_case.replace("@MESHES@", os.path.join(root, "meshes")).replace("@HERE@/nul_byte.csv", data)
            .replace("@HERE@/good.csv", hist).replace("@OUT@", grow_dir))
start = len("\n".join(rows[:5000]))
with open(data, "w") as f:
    f.write(full[:start])
stop = threading.Event()


def writer():  # appends the rest in pieces cut anywhere, while ftwin reads
    pos, k = start, 0
    with open(data, "a") as f:
        while pos < len(full) and not stop.is_set():
            n = 7 + (k * 7919) % 600
            f.write(full[pos:pos + n])
            f.flush()
            pos += n
            k += 1
            time.sleep(0.002)


th = threading.Thread(target=writer)
th.start()
asset1, asset2 = os.path.join(grow_dir, "asset.h5"), os.path.join(grow_dir, "asset_static.h5")
p = subprocess.run([ftwin, "calibrate", gcase, "-q", "-o", asset1], capture_output=True, text=True)
stop.set()
th.join()
check(p.returncode == 0, f"`ftwin calibrate` on a growing sensor file: exit {p.returncode} {p.stderr.strip()[-300:]!r}")
if p.returncode == 0:
    # the same run on a file of exactly the complete rows up to the last time the first run used
    with h5py.File(asset1) as h:
        t = h["/calibration/loads/time"][...]
    n = int(round(t[-1])) + 1
    with open(data, "w") as f:
        f.write("time,SG_x,SG_y,LC_x\n" + "\n".join(rows[:n]) + "\n")
    p2 = subprocess.run([ftwin, "calibrate", gcase, "-q", "-o", asset2], capture_output=True, text=True)
    check(p2.returncode == 0, f"the same case on the complete rows only: exit {p2.returncode}")
    with h5py.File(asset1) as a, h5py.File(asset2) as b:
        same = all(np.array_equal(a[k][...], b[k][...], equal_nan=True)
                   for k in ("/calibration/loads/time", "/calibration/loads/values", "/calibration/parameters/value"))
    check(same and n < len(rows), f"... it read the file mid-growth ({n} of {len(rows)} rows complete) and used exactly the complete "
          "rows: loads and parameters identical to a run on those rows alone")

print("%d passed, %d failed" % (len(passed), len(fails)))
sys.exit(1 if fails else 0)
