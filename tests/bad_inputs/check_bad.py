#!/usr/bin/env python3
"""A bad input gives one clear message, a non-zero exit, and leaves the previous results intact.

The case file's header says what to expect:
    # expect: <substring of the error message>
    # ranks: <n>            (optional, default 1)
    # args: <options>       (optional command-line options, e.g. PETSc options)
    # command: fatigue      (optional, default run)
    # prepare: run          (optional: `ftwin run` the case first, which must succeed: a basis)
Placeholders @MESHES@ (the shipped meshes folder), @HERE@ (this folder) and @OUT@ (a scratch
folder) are filled in; line numbers do not change. Before the run a file with known content is put
where the results go; it must be byte-identical afterwards, with no stray temporary files."""
import argparse
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from ftwin_testlib import materialise_case, run_ftwin  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--ftwin", required=True)
ap.add_argument("--mpirun", default="mpirun")
ap.add_argument("--case", required=True)
ap.add_argument("--work", required=True)
a = ap.parse_args()

src = open(a.case, encoding="utf-8", errors="surrogateescape").read()
expect = re.search(r"^# expect: (.*)$", src, re.M).group(1).strip()
m = re.search(r"^# ranks: (\d+)$", src, re.M)
ranks = int(m.group(1)) if m else 1
m = re.search(r"^# args: (.*)$", src, re.M)
args = m.group(1).split() if m else []
m = re.search(r"^# command: (\w+)$", src, re.M)
command = m.group(1) if m else "run"
prepare = re.search(r"^# prepare: run$", src, re.M) is not None
root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
out = os.path.join(os.path.abspath(a.work), "out")
os.makedirs(out, exist_ok=True)
subst = {"MESHES": os.path.join(root, "meshes"), "HERE": os.path.dirname(os.path.abspath(a.case)), "OUT": out}
case = materialise_case(a.case, a.work, subst)
for k, v in subst.items():  # placeholders in `# args:` too
    args = [x.replace("@%s@" % k, v) for x in args]
if prepare:
    p = run_ftwin(a.ftwin, case, 1, a.mpirun, extra=["-q"])
    if p.returncode:
        print(p.stdout, p.stderr)
        sys.exit("preparing the basis failed")
previous = os.path.join(out, "result.h5")
with open(previous, "wb") as f:
    f.write(b"previous results\n")
before = sorted(os.listdir(out))

p = run_ftwin(a.ftwin, case, ranks, a.mpirun, extra=args, timeout=300, command=command)
errors = [l for l in p.stderr.splitlines() if l.startswith("ftwin: error:")]
checks = [
    ("non-zero exit", p.returncode != 0),
    ("exactly one error line", len(errors) == 1),
    ("message contains %r" % expect, any(expect in l for l in errors)),
    ("no PETSc trace", "PETSC ERROR" not in p.stderr),
    ("previous result intact", open(previous, "rb").read() == b"previous results\n"),
    ("no new files", sorted(os.listdir(out)) == before),
]
for what, ok in checks:
    print("%-60s %s" % (what, "ok" if ok else "FAIL"))
print("exit code:", p.returncode)
print("stderr:", p.stderr.strip()[:2000])
failed = sum(not ok for _, ok in checks)
print("%d passed, %d failed" % (len(checks) - failed, failed))
sys.exit(1 if failed else 0)
