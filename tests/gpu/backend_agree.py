#!/usr/bin/env python3
"""`ftwin run --backend cuda` gives the fields of `--backend cpu` on a case with a thermal field
(element conductivity, stiffness and stress kernels all through the backend table).

Runs tests/e2e/block_o1.yaml (steady conduction with a fixed temperature and a convection face,
then elasticity with the thermal strain, then stresses) as P1 and as P2, on the cpu and the cuda
backend, plus the cuda backend with chunks capped at 5 elements (FTWIN_CUDA_MAX_CHUNK=5), and
compares every dataset under /thermal and /load_cases.

Tolerance:
  - CUDA emulation on the CPU (ftwin info says "CUDA emulation on the CPU"): the .cu kernels run
    the same FT_HD element code as the CPU loops, compiled without FMA contraction, so the element
    matrices are bit-identical; the assembly and the solves are the same code on the same values,
    so the fields must be BIT-IDENTICAL (np.array_equal).
  - A real GPU: nvcc contracts multiply-adds into FMAs, so element matrices differ by ~1e-15
    relative; the solves are direct (MUMPS LU), so the fields then differ by ~cond(K) * 1e-15
    relative (cond ~1e6..1e7 for these meshes): tolerance 1e-8 of each field's largest value, as
    for the partition tests (tests/e2e/ranks_agree.py).
A malformed FTWIN_CUDA_MAX_CHUNK must stop the run with a message naming it. In emulation it also
checks, with injected launch failures (FT_EMU_FAIL_LAUNCH), that the conductivity kernel really runs
on the cuda backend (the first launch is its), that FTWIN_CUDA_MAX_CHUNK=5 splits it into several
launches, and that `mpirun -n 2 ftwin info` shows both ranks bound to the one device, sharing it.

Exits 77 (skipped) when `ftwin info` shows neither the CUDA emulation nor a CUDA device."""
import argparse
import os
import re
import shlex
import subprocess
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from ftwin_testlib import DIRECT_SOLVE, Checks  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--ftwin", required=True)
ap.add_argument("--source", required=True, help="the source tree (for tests/e2e)")
ap.add_argument("--out", required=True)
ap.add_argument("--mpirun", default="mpirun")
a = ap.parse_args()

info = subprocess.run([a.ftwin, "info"], capture_output=True, text=True)
emulated = "CUDA emulation on the CPU" in info.stdout
if not emulated and not re.search(r"devices:\s+[0-9]+ CUDA devices?:", info.stdout):
    print(info.stdout, info.stderr)
    print("neither the CUDA emulation nor a CUDA device: skipped")
    sys.exit(77)
print(info.stdout)
check = Checks()
check(re.search(r"binding:\s+rank 0 -> device [0-9]+ \([0-9]+ rank", info.stdout) is not None,
      "ftwin info shows rank 0's device binding")

os.makedirs(a.out, exist_ok=True)
e2e = os.path.join(a.source, "tests", "e2e")
text = open(os.path.join(e2e, "block_o1.yaml"), encoding="utf-8").read()
text = text.replace("file: block_o1.msh", "file: " + os.path.join(e2e, "block_o1.msh"))
assert os.path.join(e2e, "block_o1.msh") in text, "block_o1.yaml no longer names block_o1.msh"


def run(case, backend, tag, env_extra=None, expect_ok=True):
    h5 = os.path.join(a.out, "%s.h5" % tag)
    env = dict(os.environ)
    env.pop("FTWIN_CUDA_MAX_CHUNK", None)
    env.update(env_extra or {})
    cmd = [a.ftwin, "run", case, "--backend", backend, "--output", h5] + DIRECT_SOLVE
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=900)
    if expect_ok and p.returncode != 0:
        print(p.stdout[-4000:], p.stderr[-4000:])
        sys.exit("ftwin failed: %s" % " ".join(cmd))
    return h5, p


tol = 0.0 if emulated else 1e-8
for order in (1, 2):
    case = os.path.join(a.out, "block_p%d.yaml" % order)
    with open(case, "w", encoding="utf-8") as f:
        f.write(text.replace("mesh:\n", "mesh:\n  order: %d\n" % order, 1))
    cpu, _ = run(case, "cpu", "p%d_cpu" % order)
    gpu, p = run(case, "cuda", "p%d_cuda" % order)
    check("cuda backend: rank 0 -> device" in p.stdout, "P%d: the run's log names rank 0's device binding" % order)
    chunked, _ = run(case, "cuda", "p%d_cuda_chunk5" % order, {"FTWIN_CUDA_MAX_CHUNK": "5"})
    for other, what in ((gpu, "cuda"), (chunked, "cuda, chunks of 5 elements")):
        with h5py.File(cpu, "r") as f1, h5py.File(other, "r") as f2:
            b1, b2 = f1.attrs.get("backend"), f2.attrs.get("backend")
            check(b1 in ("cpu", b"cpu") and b2 in ("cuda", b"cuda"), "P%d: results record backends %s and %s" % (order, b1, b2))
            names = []
            f1.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset)
                          and (n.startswith("thermal/") or n.startswith("load_cases/")) else None)
            check(any(n.startswith("thermal/") for n in names), "P%d: the result has a thermal field" % order)
            for n in names:
                v1, v2 = f1[n][...], f2[n][...]
                scale = np.abs(v1).max() if v1.size else 0.0
                if tol == 0.0:
                    ok = v1.shape == v2.shape and np.array_equal(v1, v2)
                    diff = "bit-identical" if ok else "max |diff| %.3e" % (np.abs(v1 - v2).max() if v1.shape == v2.shape else np.inf)
                else:
                    ok = v1.shape == v2.shape and np.abs(v1 - v2).max() <= tol * scale
                    diff = "max rel diff %.3e" % (np.abs(v1 - v2).max() / max(scale, 1e-300))
                check(ok and scale > 0, "P%d %s vs cpu: %s %s (max |value| %.3e)" % (order, what, n, diff, scale))

case = os.path.join(a.out, "block_p1.yaml")
_, p = run(case, "cuda", "p1_cuda_bad_chunk", {"FTWIN_CUDA_MAX_CHUNK": "five"}, expect_ok=False)
check(p.returncode != 0 and "ftwin: error: FTWIN_CUDA_MAX_CHUNK='five' is not a non-negative integer" in p.stderr
      and "PETSC ERROR" not in p.stdout + p.stderr and not os.path.exists(os.path.join(a.out, "p1_cuda_bad_chunk.h5")),
      "a malformed FTWIN_CUDA_MAX_CHUNK stops the run before it starts, with one line naming it")
if "ftwin: error: FTWIN_CUDA_MAX_CHUNK" not in p.stderr:
    print(p.stdout[-2000:], p.stderr[-2000:])
if emulated:
    _, p = run(case, "cuda", "p1_cuda_fail", {"FT_EMU_FAIL_LAUNCH": "1"}, expect_ok=False)
    check(p.returncode != 0 and "element conductivity on the cuda backend failed" in p.stdout + p.stderr,
          "the thermal kernel runs on the cuda backend (an injected launch failure stops the conduction solve)")
    # the cap reaches the kernels: 254 elements in chunks of 5 make the 2nd launch a conductivity one
    # (without the cap the conductivity is one launch and the 2nd is the stiffness kernel's)
    _, p = run(case, "cuda", "p1_cuda_fail2", {"FT_EMU_FAIL_LAUNCH": "2", "FTWIN_CUDA_MAX_CHUNK": "5"}, expect_ok=False)
    check(p.returncode != 0 and "element conductivity on the cuda backend failed" in p.stdout + p.stderr,
          "FTWIN_CUDA_MAX_CHUNK=5 splits the conductivity kernel into several launches")
    _, p = run(case, "cuda", "p1_cuda_fail2_nocap", {"FT_EMU_FAIL_LAUNCH": "2"}, expect_ok=False)
    check(p.returncode != 0 and "element stiffness on the cuda backend failed" in p.stdout + p.stderr,
          "without the cap the conductivity kernel is one launch (the 2nd launch is the stiffness kernel's)")
    # two ranks on the one emulated device: both bound to device 0, sharing it
    p = subprocess.run(shlex.split(a.mpirun) + ["-n", "2", a.ftwin, "info"], capture_output=True, text=True, timeout=300)
    check(p.returncode == 0 and "rank 0 -> device 0 (2 ranks share it)" in p.stdout
          and "rank 1 -> device 0 (2 ranks share it)" in p.stdout, "2 ranks: each bound to device 0, 2 sharing it")
    if p.returncode != 0 or "rank 1 -> device 0" not in p.stdout:
        print(p.stdout[-2000:], p.stderr[-2000:])
check.done()
