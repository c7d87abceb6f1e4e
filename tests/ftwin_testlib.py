"""Shared helpers for ftwin's Python test drivers (Debian python3 with numpy and h5py)."""
import os
import shlex
import subprocess

import h5py
import numpy as np


# PETSc options for direct (MUMPS LU) thermal and elastic solves. Tests that compare two runs which
# differ only in partition or numbering (1 vs 2 ranks) solve directly, so the runs differ by
# round-off alone (relative ~ cond(K) * 1e-16) and a tolerance of 1e-8 holds on any machine; an
# iterative solve at relative residual rtol would allow differences up to cond(K) * rtol.
DIRECT_SOLVE = [o for pre in ("", "thermal_") for o in ("-%sksp_type" % pre, "preonly", "-%spc_type" % pre, "lu",
                                                       "-%spc_factor_mat_solver_type" % pre, "mumps")]


def run_ftwin(ftwin, case, ranks=1, mpirun="mpirun", extra=(), timeout=900, command="run"):
    """Runs `ftwin <command> case` on `ranks` ranks; returns the CompletedProcess."""
    cmd = [ftwin, command, case, *extra]
    if ranks > 1:
        cmd = shlex.split(mpirun) + ["-n", str(ranks)] + cmd
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def materialise_case(src, dst_dir, subst):
    """Copies a case file to dst_dir with @KEY@ placeholders replaced (line numbers unchanged)."""
    os.makedirs(dst_dir, exist_ok=True)
    # bytes that are not UTF-8 (a bad-input case may hold them on purpose) pass through unchanged
    text = open(src, encoding="utf-8", errors="surrogateescape").read()
    for k, v in subst.items():
        text = text.replace("@%s@" % k, v)
    dst = os.path.join(dst_dir, os.path.basename(src))
    with open(dst, "w", encoding="utf-8", errors="surrogateescape") as f:
        f.write(text)
    return dst


def nodal_field(h5file, dataset):
    """(coordinates [n,3], values) of a nodal dataset."""
    with h5py.File(h5file, "r") as f:
        return f["/mesh/coordinates"][...], f[dataset][...]


def value_at(h5file, dataset, point, tol=1e-9):
    """The nodal value at the node that coincides with `point` (metres)."""
    x, v = nodal_field(h5file, dataset)
    d = np.linalg.norm(x - np.asarray(point), axis=1)
    i = int(np.argmin(d))
    if d[i] > tol * max(1.0, np.abs(x).max()):
        raise SystemExit("no node at %s in %s (nearest %s at distance %g)" % (point, h5file, x[i], d[i]))
    return v[i]


def sorted_by_coordinates(x, v):
    """Sorts nodal values by their coordinates (rounded), so runs with different numberings compare."""
    scale = np.abs(x).max() or 1.0
    key = np.round(x / scale, 10)
    order = np.lexsort((key[:, 2], key[:, 1], key[:, 0]))
    return x[order], v[order]


class Checks:
    """Named checks of a test driver: check(ok, what) prints "ok"/"FAIL" and the line; done() exits
    with 1 when any failed."""

    def __init__(self):
        self.fails = []

    def __call__(self, ok, what):
        print(("ok    " if ok else "FAIL  ") + what, flush=True)
        if not ok:
            self.fails.append(what)

    def done(self):
        print(f"{len(self.fails)} failure(s)")
        raise SystemExit(1 if self.fails else 0)


def run_or_exit(cmd, rc=0):
    """Runs cmd; ends the test (printing the tails of its output) unless it exits rc (None: any)."""
    r = subprocess.run(cmd, capture_output=True, text=True)
    if rc is not None and r.returncode != rc:
        print(r.stdout[-4000:], r.stderr[-4000:])
        raise SystemExit(f"exit {r.returncode} (expected {rc}): {' '.join(cmd)}")
    return r
