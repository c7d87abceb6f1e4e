#!/usr/bin/env python3
"""Files as users' tools make them, end to end: paths with spaces (case, mesh, history, outputs),
and a load history saved by Excel as "CSV UTF-8" (a byte-order mark, CRLF line ends).

The constant-amplitude case (tests/fatigue/const_amp.yaml: 10 fully reversed cycles of 100 MPa)
is run twice, `ftwin run` then `ftwin fatigue`: once from plain files in a plain folder, once
from the same content in a folder with spaces and the Excel-style history. The damage fields
must be identical (the same numbers are read), and both must equal the hand calculation
D = n / (1e3 * 5^8) to 1e-8 relative (the FE stress is exact for this uniform field up to the
solver tolerance 1e-10; m = 8 amplifies it)."""
import os
import shutil
import sys

import h5py
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.abspath(os.path.join(here, "..", ".."))
sys.path.insert(0, os.path.join(here, ".."))
from ftwin_testlib import run_ftwin  # noqa: E402

ftwin, work = sys.argv[1], os.path.abspath(sys.argv[2])
shutil.rmtree(work, ignore_errors=True)
N_CYC = 10
rows = ["%d,%g" % (i, 1.0 if i % 2 == 0 else -1.0) for i in range(2 * N_CYC + 1)]
fails, passed = [], []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    (passed if ok else fails).append(what)


def make(folder, mesh_name, history_name, out_name, history_bytes):
    os.makedirs(folder)
    shutil.copy(os.path.join(root, "meshes", "cube_n2.msh"), os.path.join(folder, mesh_name))
    with open(os.path.join(folder, history_name), "wb") as f:
        f.write(history_bytes)
    text = open(os.path.join(root, "tests", "fatigue", "const_amp.yaml")).read()
    text = text.replace("../../meshes/cube_n2.msh", "'%s'" % mesh_name)
    text = text.replace("history: history.csv", "history: '%s'" % history_name)
    text = text.replace("results/basis.h5", "'%s/basis file.h5'" % out_name)
    text = text.replace("results/fatigue.h5", "'%s/fatigue file.h5'" % out_name)
    case = os.path.join(folder, "the case.yaml")
    with open(case, "w") as f:
        f.write(text)
    for command in ("run", "fatigue"):
        p = run_ftwin(ftwin, case, 1, extra=["-q", "-ksp_rtol", "1e-10"], command=command)
        check(p.returncode == 0, "ftwin %s in '%s': exit %d %s" % (command, os.path.basename(folder), p.returncode,
                                                                  p.stderr.strip()[-300:]))
    out = os.path.join(folder, out_name, "fatigue file.h5")
    check(os.path.exists(out), "results written to '%s'" % out)
    with h5py.File(out) as h:
        return h["/fatigue/damage"][...]


plain = make(os.path.join(work, "plain"), "mesh.msh", "history.csv", "results",
             ("time,F\n" + "\n".join(rows) + "\n").encode())
excel = make(os.path.join(work, "case folder with spaces"), "cube mesh.msh", "load history.csv", "my results",
             b"\xef\xbb\xbf" + ("time,F\r\n" + "\r\n".join(rows) + "\r\n").encode())
check(np.array_equal(plain, excel), "BOM + CRLF + spaces: damage identical to the plain files")
expect = N_CYC / (1e3 * 5.0 ** 8)
rel = np.abs(excel / expect - 1).max()
check(rel < 1e-8, "damage %.10g vs hand calculation %.10g (relative %.1e < 1e-8)" % (excel.max(), expect, rel))
print("%d passed, %d failed" % (len(passed), len(fails)))
sys.exit(1 if fails else 0)
