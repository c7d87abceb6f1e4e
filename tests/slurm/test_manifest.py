#!/usr/bin/env python3
"""Fleet manifest validation (scripts/fleet.py check), no Slurm needed.

A manifest must never make ftwin read or write outside the places it names: asset ids that are
paths (`../x`, `/abs`, `a/b`, `..`), data or output paths that leave the manifest's folder (by
`..`, an absolute path or a symbolic link) and duplicate ids are refused, each with exit code 2
and one line naming the manifest, the line, the key and the value. A good manifest (CSV or YAML)
is accepted, and a root allowed by --root admits paths outside the manifest's folder.
usage: test_manifest.py OUTDIR
"""
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FLEET = os.path.join(os.path.dirname(os.path.dirname(HERE)), "scripts", "fleet.py")
failures = []


def check(ok, what):
    print(("ok    " if ok else "FAIL  ") + what)
    if not ok:
        failures.append(what)


def fleet(*args):
    env = dict(os.environ)
    env.pop("FTWIN_FLEET_ROOTS", None)
    r = subprocess.run([sys.executable, FLEET, *args], capture_output=True, text=True, env=env)
    return r.returncode, r.stdout, r.stderr


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    return path


HEAD = "asset_id,design,data,output\n"


def refused(name, manifest, line, key, value, problem, extra=()):
    """The manifest is refused (exit 2) with a line naming it, the line, the key, the problem and the value."""
    rc, out, err = fleet("check", manifest, *extra)
    want = f"fleet.py: error: {manifest}:{line}: {key}: {problem}"
    lines = [ln for ln in err.splitlines() if ln.startswith(want)]
    check(rc == 2 and len(lines) == 1 and lines[0].endswith(f"'{value}'"),
          f"{name}: exit {rc} (2), message {lines[0] if lines else err.strip()!r}")


def main():
    out = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "test_manifest_out")
    shutil.rmtree(out, ignore_errors=True)
    fl = os.path.join(out, "fleet")          # the manifests' folder
    outside = os.path.join(out, "elsewhere")  # a folder outside it
    write(os.path.join(outside, "secret.csv"), "time,x\n0,1\n")
    os.makedirs(fl)
    os.symlink(outside, os.path.join(fl, "escape"))  # fleet/escape -> ../elsewhere
    os.makedirs(os.path.join(fl, "data", "inner"))
    os.symlink(os.path.join(fl, "data", "inner"), os.path.join(fl, "data", "ok_link"))  # stays inside

    # ---- good manifests
    good = write(os.path.join(fl, "good.csv"), "# a comment\n" + HEAD +
                 "pump-01,twin,data/a.csv,assets/pump-01/asset.h5\n\n"
                 "pump_02.B,twin,data/ok_link/b.csv,assets/pump_02.B/asset.h5\n"
                 f"P3,twin,{fl}/data/c.csv,{fl}/assets/P3/asset.h5\n")
    rc, so, se = fleet("check", good)
    check(rc == 0 and "3 assets of design twin" in so, f"good CSV manifest accepted: exit {rc}, {so.strip()!r} {se.strip()!r}")
    rc, so, _ = fleet("check", good, "--shell")
    check(rc == 0 and so.split() == ["FLEET_N=3", "FLEET_DESIGN=twin"], f"--shell prints FLEET_N and FLEET_DESIGN: {so.split()}")
    goody = write(os.path.join(fl, "good.yaml"),
                  "- {asset_id: A1, design: twin, data: data/a.csv, output: out/A1.h5}\n"
                  "- asset_id: A2\n  design: twin\n  data: data/b.csv\n  output: out/A2.h5\n")
    rc, so, se = fleet("check", goody)
    check(rc == 0 and "2 assets of design twin" in so, f"good YAML manifest accepted: exit {rc}, {so.strip()!r} {se.strip()!r}")
    design = write(os.path.join(fl, "twin.yaml"), "name: twin\nmesh: {file: m.msh}\n")
    rc, so, se = fleet("check", good, "--design", design)
    check(rc == 0, f"rows' design matches the design case's name: exit {rc} {se.strip()!r}")

    # ---- asset ids that are paths
    def one_row(name, row):
        return write(os.path.join(fl, f"{name}.csv"), HEAD + "ok1,twin,data/a.csv,assets/ok1/asset.h5\n" + row + "\n")

    refused("id '../x'", one_row("dotdot_slash", "../x,twin,data/a.csv,assets/x/asset.h5"), 3, "asset_id", "../x", "contains a path separator")
    refused("absolute id", one_row("abs_id", "/etc/passwd,twin,data/a.csv,assets/x/asset.h5"), 3, "asset_id", "/etc/passwd", "is an absolute path")
    refused("id 'a/b'", one_row("slash", "a/b,twin,data/a.csv,assets/x/asset.h5"), 3, "asset_id", "a/b", "contains a path separator")
    refused("id '..'", one_row("dotdot", "..,twin,data/a.csv,assets/x/asset.h5"), 3, "asset_id", "..", "contains '..'")
    refused("id 'a..b'", one_row("dotdot_mid", "a..b,twin,data/a.csv,assets/x/asset.h5"), 3, "asset_id", "a..b", "contains '..'")
    refused("id '.'", one_row("dot", ".,twin,data/a.csv,assets/x/asset.h5"), 3, "asset_id", ".", "must match")
    refused("id with a backslash", one_row("backslash", "a\\b,twin,data/a.csv,assets/x/asset.h5"), 3, "asset_id", "a\\b", "contains a path separator")
    refused("empty id", one_row("empty_id", ",twin,data/a.csv,assets/x/asset.h5"), 3, "asset_id", "", "empty")
    refused("duplicate id", one_row("dup", "ok1,twin,data/b.csv,assets/other/asset.h5"), 3, "asset_id", "ok1", "duplicate of line 2")

    # ---- data and output paths that leave the manifest's folder
    refused("data '../x'", one_row("data_up", "x,twin,../elsewhere/secret.csv,assets/x/asset.h5"), 3, "data", "../elsewhere/secret.csv", "outside the manifest's folder")
    refused("output '../../x'", one_row("out_up", "x,twin,data/a.csv,assets/../../../x.h5"), 3, "output", "assets/../../../x.h5", "outside the manifest's folder")
    refused("absolute data outside", one_row("data_abs", "x,twin,/etc/passwd,assets/x/asset.h5"), 3, "data", "/etc/passwd", "outside the manifest's folder")
    refused("absolute output outside", one_row("out_abs", f"x,twin,data/a.csv,{outside}/x.h5"), 3, "output", f"{outside}/x.h5", "outside the manifest's folder")
    sym = one_row("symlink", "x,twin,escape/secret.csv,assets/x/asset.h5")
    refused("symlink escaping the folder (data)", sym, 3, "data", "escape/secret.csv", "outside the manifest's folder")
    refused("symlink escaping the folder (output)", one_row("symlink_out", "x,twin,data/a.csv,escape/x/asset.h5"), 3, "output", "escape/x/asset.h5", "outside the manifest's folder")
    rc, _, se = fleet("check", sym, "--root", outside)
    check(rc == 0, f"the same symlinked path is accepted when its target folder is an allowed root (--root): exit {rc} {se.strip()!r}")
    rc, _, se = subprocess.run([sys.executable, FLEET, "check", sym], capture_output=True, text=True,
                               env=dict(os.environ, FTWIN_FLEET_ROOTS=outside)).returncode, "", ""
    check(rc == 0, f"... and when it is in FTWIN_FLEET_ROOTS: exit {rc}")
    refused("two assets, one output file", one_row("dup_out", "x,twin,data/b.csv,assets/ok1/../ok1/asset.h5"), 3, "output", "assets/ok1/../ok1/asset.h5", "the same asset file as line 2")
    refused("output not .h5", one_row("not_h5", "x,twin,data/a.csv,assets/x"), 3, "output", "assets/x", "the asset file must end in .h5")
    refused("design name with a slash", one_row("design_bad", "x,../twin,data/a.csv,assets/x/asset.h5"), 3, "design", "../twin", "must match")
    refused("design differs from the case's name", one_row("design_other", "x,other,data/a.csv,assets/x/asset.h5"), 3, "design", "other",
            "differs from the design case's name 'twin'", extra=("--design", design))

    # ---- structure
    refused("wrong header", write(os.path.join(fl, "header.csv"), "id,design,data,output\nx,twin,a.csv,x.h5\n"), 1, "header", "id,design,data,output", "must name the columns")
    refused("short row", write(os.path.join(fl, "short.csv"), HEAD + "x,twin,data/a.csv\n"), 2, "row", "x,twin,data/a.csv", "has 3 fields, the header 4")
    refused("YAML: bad id names its line", write(os.path.join(fl, "bad.yaml"),
            "- {asset_id: A1, design: twin, data: data/a.csv, output: out/A1.h5}\n"
            "- asset_id: ../A2\n  design: twin\n  data: data/b.csv\n  output: out/A2.h5\n"), 2, "asset_id", "../A2", "contains a path separator")
    refused("YAML: unknown key", write(os.path.join(fl, "key.yaml"),
            "- asset_id: A1\n  design: twin\n  data: data/a.csv\n  output: out/A1.h5\n  outptu: x\n"), 5, "outptu", "outptu", "unknown key")
    refused("YAML: missing key", write(os.path.join(fl, "miss.yaml"), "- {asset_id: A1, design: twin, data: data/a.csv}\n"), 1, "output", "", "missing")
    rc, _, se = fleet("check", write(os.path.join(fl, "ext.txt"), HEAD))
    check(rc == 2 and "manifest must be .csv, .yaml or .yml: '.txt'" in se, f"unknown manifest type refused: {se.strip()!r}")
    # ---- files as spreadsheets and damaged disks leave them (found by tests/fuzz/fuzz_manifest.py)
    def write_bytes(path, data):
        with open(path, "wb") as f:
            f.write(data)
        return path
    bom = write_bytes(os.path.join(fl, "excel.csv"), b"\xef\xbb\xbf" + (HEAD + "pump-01,twin,data/a.csv,assets/a.h5\n").replace("\n", "\r\n").encode())
    rc, so, se = fleet("check", bom)
    check(rc == 0 and "1 assets of design twin" in so, f"Excel's CSV UTF-8 (byte-order mark, CRLF) accepted: exit {rc} {se.strip()!r}")
    refused("not UTF-8", write_bytes(os.path.join(fl, "latin1.csv"), (HEAD + "pump-\xb0,twin,data/a.csv,assets/a.h5\n").encode("latin-1")),
            2, "not UTF-8 text (byte 0xb0 at offset 33)", "", "")
    refused("a NUL byte", write_bytes(os.path.join(fl, "nul.csv"), (HEAD + "pump-01,twin,da\0ta/a.csv,assets/a.h5\n").encode()),
            2, "a NUL byte", "", "")
    refused("YAML error spanning lines: one line", write_bytes(os.path.join(fl, "ctrl.yaml"), b"- \x7fasset-_id\n"), 1, "not valid YAML",
            "unacceptable character #x007f: special characters are not allowed in \"<unicode string>\", position 2", "")
    many = write(os.path.join(fl, "many.csv"), HEAD + "../a,twin,data/a.csv,assets/a.h5\nb,twin,/etc/passwd,assets/b.h5\n")
    rc, _, se = fleet("check", many)
    check(rc == 2 and f"{many}:2: asset_id" in se and f"{many}:3: data" in se and len(se.splitlines()) == 2,
          f"every problem reported, one line each: {se.splitlines()}")

    if failures:
        sys.exit(f"{len(failures)} check(s) failed")
    print("all checks passed")


if __name__ == "__main__":
    main()
