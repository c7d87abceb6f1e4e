#!/usr/bin/env python3
"""Provenance, a tamper-evident asset history and `ftwin verify` (issue 18; docs/provenance.md).

On the tiny fixture design of tests/assim/state_fixture (seconds per run), 1 rank:
  - every output (run, fatigue, basis, calibrate, asset) records the SHA-256 of each input it read,
    equal to `sha256sum` of the file (case, mesh, material library, history, unit fields, design
    basis, sensor data), the ftwin version, the command line, host, user and date;
  - two asset runs form a chain of two records; untouched files verify (exit 0);
  - tampering, each on its own copy: a damage value, a row of the asset state's run log, the text
    of a run record, a deleted run record -> `ftwin verify` names it and exits with its code; a byte
    of the sensor file or of the mesh changed after the run -> `ftwin verify --inputs` names the
    file (exit 8); a sensor file that only grew is a note, not a finding;
  - an asset run refuses to continue an altered asset file (the file left as it was);
  - a symbolic link planted at an output, or at the temporary name it is written under: refused
    with a clear message, the link's target untouched; outputs are never writable by others
    (umask 000 -> rw-rw-r--; umask 077 -> rw-------);
  - a file without a record (the committed format-1 fixture) or not HDF5: exit 1, one line.

usage: check_provenance.py FTWIN OUTDIR
"""
import hashlib
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np
import yaml

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from ftwin_testlib import Checks, run_or_exit as run  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FIX = os.path.join(ROOT, "tests", "assim", "state_fixture")
ftwin, out = sys.argv[1], os.path.abspath(sys.argv[2])
check = Checks()

shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)
# the design, with copies of its mesh, history and sensor record that the test may alter
with open(os.path.join(FIX, "case.yaml")) as f:
    design = yaml.safe_load(f)
shutil.copyfile(os.path.normpath(os.path.join(FIX, design["mesh"]["file"])), os.path.join(out, "mesh.msh"))
shutil.copyfile(os.path.join(FIX, "history.csv"), os.path.join(out, "history.csv"))
design["mesh"]["file"] = "mesh.msh"
design["fatigue"]["history"] = "history.csv"
for key, name in ((("output", "file"), "basis.h5"), (("fatigue", "basis"), "basis.h5"), (("fatigue", "output"), "fatigue.h5"),
                  (("sensors", "data"), "record.csv"), (("calibration", "output"), "asset.h5")):
    design[key[0]][key[1]] = name
case = os.path.join(out, "design.yaml")
with open(case, "w") as f:
    yaml.safe_dump(design, f, sort_keys=False)
Q = ["-q", "-ksp_rtol", "1e-10", "-thermal_ksp_rtol", "1e-10"]


def sha256sum(path):
    """The digest as the coreutils tool prints it (the reference the record must equal)."""
    return subprocess.run(["sha256sum", path], capture_output=True, text=True, check=True).stdout.split()[0]


def records(path):
    with h5py.File(path) as h:
        g = h["/provenance/runs"]
        return [g[k].attrs["record"].decode() if isinstance(g[k].attrs["record"], bytes) else str(g[k].attrs["record"]) for k in sorted(g)]


def inputs_of(record):
    """{role: (sha256, bytes, path)} of one record's input lines."""
    got = {}
    for line in record.splitlines():
        if line.startswith("input: "):
            f = line[len("input: "):]
            role = f.split(" ", 1)[0].split("=", 1)[1]
            nbytes = int(f.split(" bytes=", 1)[1].split(" ", 1)[0])
            sha = f.split(" sha256=", 1)[1].split(" ", 1)[0]
            got[role] = (sha, nbytes, f.split(" path=", 1)[1])
    return got


def field(record, key):
    return next((l.split(": ", 1)[1] for l in record.splitlines() if l.startswith(key + ": ")), None)


def verify(path, *extra):
    r = subprocess.run([ftwin, "verify", path, *extra], capture_output=True, text=True)
    return r.returncode, r.stdout + r.stderr


def record_inputs_match(name, path, roles):
    rec = records(path)[-1]
    got = inputs_of(rec)
    check(set(roles) <= set(got), f"{name}: inputs recorded {sorted(got)} (expected at least {sorted(roles)})")
    for role in set(got) - {"asset_file", "counting_state"}:  # those two are replaced by the output itself
        if role in got:
            sha, nbytes, p = got[role]
            check(os.path.isabs(p) and sha == sha256sum(p) and nbytes == os.path.getsize(p),
                  f"{name}: {role} {os.path.basename(p)}: recorded sha256 {sha[:16]}... = sha256sum's, {nbytes} bytes")
    check(field(rec, "command") and "ftwin" in field(rec, "command") and os.path.basename(path) in field(rec, "command") + field(rec, "output"),
          f"{name}: command line recorded: {field(rec, 'command')}")
    check(all(field(rec, k) for k in ("date", "host", "user", "ftwin", "cwd", "results")),
          f"{name}: date {field(rec, 'date')}, host, user, cwd and build '{(field(rec, 'ftwin') or '')[:30]}...' recorded")
    rc, text = verify(path)
    check(rc == 0 and "intact" in text, f"{name}: ftwin verify exit {rc}: {text.strip().splitlines()[-1] if text.strip() else ''}")


def asset_run(data, out_file, rc=0):
    shutil.copyfile(data, os.path.join(out, "record.csv"))
    return run([ftwin, "asset", case, "--basis", os.path.join(out, "basis.h5"), "-o", out_file] + Q, rc)


def first_part(until, src, dst):
    lines = open(src).read().splitlines(keepends=True)
    head = [l for l in lines if l.startswith("#") or l.lower().startswith("time")]
    with open(dst, "w") as f:
        f.writelines(head + [l for l in lines if l not in head and float(l.split(",", 1)[0]) <= until])


os.chdir(out)  # the case's relative names resolve from its folder; the recorded paths are absolute
# ---- every command records its inputs
run([ftwin, "basis", case] + Q)
record_inputs_match("basis", "basis.h5", ["case", "mesh"])
run([ftwin, "run", case, "-o", "run.h5"] + Q)
record_inputs_match("run", "run.h5", ["case", "mesh"])
run([ftwin, "fatigue", case, "-o", "fatigue.h5"] + Q)
record_inputs_match("fatigue", "fatigue.h5", ["case", "material_library", "history", "unit_fields"])
# fatigue --incremental continues the counting state's records: the history's first half, then all of it
full = open("history.csv").read()
lines = full.splitlines(keepends=True)
head = [l for l in lines if l.startswith("#") or l.lower().startswith("time")]
rows = [l for l in lines if l not in head]
open("history.csv", "w").write("".join(head + rows[:len(rows) // 2]))
run([ftwin, "fatigue", case, "--incremental", "-o", "incremental.h5"] + Q)
open("history.csv", "w").write(full)
run([ftwin, "fatigue", case, "--incremental", "-o", "incremental.h5"] + Q)
recs = records("incremental.h5")
rc, text = verify("incremental.h5")
check(len(recs) == 2 and field(recs[1], "previous").startswith("sha256=") and "counting_state" in inputs_of(recs[1]) and rc == 0,
      f"fatigue --incremental over two halves: {len(recs)} run records chained, the counting state continued recorded; verify exit {rc}")
first_part(900.0, os.path.join(FIX, "record.csv"), "first.csv")
shutil.copyfile("first.csv", "record.csv")
run([ftwin, "calibrate", case, "--basis", "basis.h5", "-o", "calibrated.h5"] + Q)
record_inputs_match("calibrate", "calibrated.h5", ["case", "mesh", "sensor_data", "design_basis", "material_library"])
asset_run("first.csv", "asset.h5")
shutil.copyfile("asset.h5", "asset_after_run1.h5")
asset_run(os.path.join(FIX, "record.csv"), "asset.h5")
record_inputs_match("asset (2nd run)", "asset.h5", ["case", "mesh", "sensor_data", "design_basis"])
got = inputs_of(records("asset.h5")[-1]).get("asset_file", ("", 0, ""))
check(got[0] == sha256sum("asset_after_run1.h5") and got[2] == os.path.abspath("asset.h5"),
      f"asset (2nd run): the asset file it continued recorded as it was before the run (sha256 {got[0][:16]}... = sha256sum of a copy)")
recs = records("asset.h5")
with h5py.File("asset.h5") as h:
    stored = [h["/provenance/runs"][k].attrs["sha256"] for k in sorted(h["/provenance/runs"])]
    stored = [s.decode() if isinstance(s, bytes) else str(s) for s in stored]
check(len(recs) == 2 and field(recs[0], "previous") == "none" and field(recs[1], "previous") == "sha256=" + stored[0]
      and hashlib.sha256(recs[1].encode()).hexdigest() == stored[1],
      f"asset file: 2 run records, run 2 names run 1's SHA-256 ({stored[0][:16]}...), each record's SHA-256 is of its text")


with h5py.File("asset.h5") as h:  # the run log's damage column, which the asset report plots
    dl, nl, d = h["/calibration/state/damage_log"][...], h["/calibration/state/hot_node_log"][...], h["/fatigue/damage"][...]
check(dl.shape == (2,) and 0 < dl[0] <= dl[1] and dl[1] == d.max() and nl[1] == int(np.argmax(d)),
      f"asset state damage log: worst-node damage {dl} after runs 1 and 2 (the last = max of /fatigue/damage {d.max():.6g} at node {nl[1]})")

# the asset report shows the run records and the damage per run (issue 17's report of a sealed file)
r = run([ftwin, "report", "asset.h5", "-o", "asset.html", "-q"], rc=None)
page = open("asset.html", encoding="utf-8").read() if r.returncode == 0 else ""
check(r.returncode == 0 and "run record run_000002" in page and "previous: sha256=" + stored[0] in page and 'data-missing="provenance_record"' not in page
      and 'data-missing="damage_per_run"' not in page and 'data-key="runs.1.damage"' in page,
      f"ftwin report of the sealed asset file: exit {r.returncode}, its run records and the damage per run shown")

# ---- tampering, each on its own copy of the asset file
def tampered(name, edit, want_rc, want_text, *extra):
    p = os.path.join(out, f"tampered_{name}.h5")
    shutil.copyfile("asset.h5", p)
    with h5py.File(p, "r+") as h:
        edit(h)
    rc, text = verify(p, *extra)
    check(rc == want_rc and want_text in text, f"tampered ({name}): exit {rc} (expected {want_rc}), names '{want_text}': "
          f"{[l for l in text.splitlines() if want_text in l][:1] or text.strip().splitlines()[-1:]}")


def bump_damage(h):
    d = h["/fatigue/damage"]
    i = int(np.argmax(d[...]))
    d[i] = d[i] * (1 + 1e-12)


def edit_log_row(h):
    log = h["/calibration/state/log"]
    row = log[0]
    row[2] += 1  # samples counted in run 1
    log[0] = row


def edit_record(h):
    g = h["/provenance/runs/run_000001"]
    g.attrs.modify("record", np.bytes_(records("asset.h5")[0].replace("mpi_ranks: 1", "mpi_ranks: 4")))


tampered("damage", bump_damage, 4, "changed since the last run: /fatigue/damage")
tampered("run_log_row", edit_log_row, 4, "changed since the last run: /calibration/state/log")
tampered("run_record", edit_record, 2, "run 1: its record was edited")
tampered("deleted_record", lambda h: h.__delitem__("/provenance/runs/run_000001"), 2, "run 2: it follows a record that is no longer in the file")
# removing the last record: the chain ends early, and the results are not run 1's (2 + 4)
tampered("deleted_last_record", lambda h: h.__delitem__("/provenance/runs/run_000002"), 6, "the last record was removed")

# a record removed: the file is not continued (it could hide an edit), unless the user says it is an older ftwin's file
p = os.path.join(out, "record_removed.h5")
shutil.copyfile("asset.h5", p)
with h5py.File(p, "r+") as h:
    del h["/provenance"]
rc, text = verify(p)
check(rc == 1 and "no provenance record" in text, f"/provenance removed: verify exit {rc} (cannot be checked)")
before = open(p, "rb").read()
r = asset_run(os.path.join(FIX, "record.csv"), p, rc=None)
check(r.returncode != 0 and "--accept-unsealed" in r.stderr and open(p, "rb").read() == before,
      f"asset run on a file without a record: refused (exit {r.returncode}), the file left as it was")

# verify --inputs of a copy: the asset file its runs continued (the original) is not an input that changed
shutil.copyfile("asset.h5", "asset_copy.h5")
rc, text = verify("asset_copy.h5", "--inputs")
check(rc == 0, f"verify --inputs of a copy of the asset file: exit {rc} ({text.strip().splitlines()[-1][:100]})")

# an altered asset file is not continued
p = os.path.join(out, "tampered_damage.h5")
before = open(p, "rb").read()
r = asset_run(os.path.join(FIX, "record.csv"), p, rc=None)
check(r.returncode != 0 and "does not verify" in r.stderr and open(p, "rb").read() == before,
      f"asset run on the altered file: exit {r.returncode}, '{r.stderr.strip()[:160]}...', the file left as it was")

# inputs changed after the run: the sensor file and the mesh (copies of them, restored afterwards)
rc, text = verify("asset.h5", "--inputs")
check(rc == 0 and "inputs: " in text, f"untouched inputs: verify --inputs exit {rc}: {text.strip().splitlines()[-1]}")
for name, path in (("sensor file", "record.csv"), ("mesh", "mesh.msh")):
    keep = open(path, "rb").read()
    b = bytearray(keep)
    i = len(b) // 2
    b[i] = ord("7") if b[i] != ord("7") else ord("8")
    open(path, "wb").write(bytes(b))
    rc, text = verify("asset.h5", "--inputs")
    check(rc == 8 and os.path.abspath(path) in text and "changed since the run read it" in text,
          f"one byte of the {name} changed: verify --inputs exit {rc}, names {os.path.abspath(path)}")
    rc0, _ = verify("asset.h5")
    check(rc0 == 0, f"... and without --inputs the file itself still verifies (exit {rc0})")
    open(path, "wb").write(keep)
with open("record.csv", "a") as f:  # an appended sensor log is not a change to what the run read
    f.write(open("record.csv").read().splitlines()[-1] + "\n")
rc, text = verify("asset.h5", "--inputs")
check(rc == 0 and "has grown since" in text, f"sensor file appended to: verify --inputs exit {rc}, a note: 'has grown since'")

# files without a record, or not HDF5
rc, text = verify(os.path.join(FIX, "asset_v1.h5"))
check(rc == 1 and "no provenance record" in text, f"committed format-1 asset file: exit {rc}, '{text.strip().splitlines()[0]}'")
open("garbage.h5", "w").write("not hdf5\n")
rc, text = verify("garbage.h5")
check(rc == 1 and "not an HDF5 file" in text, f"not an HDF5 file: exit {rc}, '{text.strip().splitlines()[0]}'")

# ---- symbolic links and permissions
victim = os.path.join(out, "victim.txt")
open(victim, "w").write("precious\n")
os.symlink(victim, "linked.h5")
r = run([ftwin, "run", case, "-o", "linked.h5"] + Q, rc=None)
check(r.returncode != 0 and "is a symbolic link" in r.stderr and open(victim).read() == "precious\n" and os.path.islink("linked.h5"),
      f"symbolic link at the output: exit {r.returncode}, '{r.stderr.strip()[:140]}', its target untouched")
# the temporary name is <dir>/.<base>.tmp.<pid of rank 0>: the shell plants the link, then becomes ftwin (same pid)
r = subprocess.run(["sh", "-c", 'ln -s "$1" ".planted.h5.tmp.$$" && exec "$2" run "$3" -o planted.h5 -q', "sh", victim, ftwin, case],
                   capture_output=True, text=True)
check(r.returncode != 0 and "temporary name" in r.stderr and open(victim).read() == "precious\n" and not os.path.exists("planted.h5"),
      f"symbolic link at the temporary name: exit {r.returncode}, '{r.stderr.strip()[:160]}', its target untouched, no output")
for mask, want in ((0o000, 0o664), (0o077, 0o600)):
    r = subprocess.run([ftwin, "run", case, "-o", f"umask{mask:03o}.h5", "-q"], capture_output=True, text=True,
                       preexec_fn=lambda m=mask: os.umask(m))
    mode = os.stat(f"umask{mask:03o}.h5").st_mode & 0o777 if r.returncode == 0 else -1
    check(mode == want, f"umask {mask:03o}: output mode {oct(mode)} (expected {oct(want)}: never writable by others)")
check.done()
