#!/usr/bin/env python3
"""The fleet tool: a manifest of assets of one design, and what the Slurm jobs need from it.

A fleet manifest lists the assets, one per row (CSV with the header `asset_id,design,data,output`,
or YAML: a list of mappings with those four keys):

    asset_id  the asset's name: ^[A-Za-z0-9][A-Za-z0-9_.-]*$, no `..` (never a path)
    design    the design's case `name:` (the case file is given to the commands, not here)
    data      the asset's sensor data (CSV or HDF5), relative to the manifest's folder or absolute
    output    the asset file (.h5) that `ftwin asset` writes; its folder also receives the
              asset's case file (ID.case.yaml) and job status (ID.status.json)

A manifest can never make ftwin read or write outside the places it names: every data and output
path, after resolving `..` and symbolic links, must lie inside the manifest's folder or inside an
allowed root (--root DIR, repeatable, or the os.pathsep-separated list in FTWIN_FLEET_ROOTS).

Commands (exit 0 on success, 2 on a bad manifest or usage, 1 on other errors):

  fleet.py check MANIFEST [--design CASE] [--shell]
        validate; prints "N assets of design NAME" (--shell: FLEET_N=N and FLEET_DESIGN=NAME lines)
  fleet.py prepare MANIFEST --design CASE --basis BASIS.h5 --index I
        write the per-asset case of row I (0-based; the Slurm array task id) and print its path
  fleet.py record MANIFEST --index I --exit-code C [--log LOG] [--run RUN]
        write the status of row I's asset job (ok / failed with the reason read from its log / requeued;
        exit 4 when the job said 0 but left no asset file)
  fleet.py summary MANIFEST -o SUMMARY [--run RUN]
        one row per asset into SUMMARY.csv and SUMMARY.h5 (atomically), sorted by risk; exit 3
        when at least one asset failed (the summary is written all the same)
  fleet.py dashboard SUMMARY [-o DASHBOARD.html] [--no-reports] [-q]
        the fleet dashboard (one HTML page, scripts/report/dashboard.py) from SUMMARY.h5, and each
        asset's report in reports/ID.html beside it; default DASHBOARD: dashboard.html beside SUMMARY

Every error is one line `fleet.py: error: FILE:LINE: key: problem: 'value'`.
"""
import argparse
import copy
import csv
import datetime
import io
import json
import math
import os
import re
import subprocess
import sys

import yaml

ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
NAME_RE = re.compile(r"^[A-Za-z0-9_.-]+$")
KEYS = ("asset_id", "design", "data", "output")
EXIT_OK, EXIT_ERROR, EXIT_BAD, EXIT_FAILED_ASSETS = 0, 1, 2, 3
EXIT_REQUEUE = 75  # the asset run's "stopped at a safe point, requeue me" code (EX_TEMPFAIL)
EXIT_NO_ASSET_FILE = 4  # record: the job said 0 but there is no asset file (recorded as failed)


class ManifestError(Exception):
    """A bad manifest: carries every problem found, one line each."""

    def __init__(self, lines):
        # one line per problem whatever the input put into it (YAML errors span lines, values
        # may hold control characters)
        lines = [re.sub(r"\s*[\r\n]+\s*", " ", l) for l in lines]
        lines = ["".join(c if c.isprintable() else "?" for c in l) for l in lines]
        super().__init__("\n".join(lines))
        self.lines = lines


def fail(msg, code=EXIT_ERROR):
    print(f"fleet.py: error: {msg}", file=sys.stderr)
    sys.exit(code)


# ---- manifest ---------------------------------------------------------------------------------

def read_rows(path):
    """The manifest's rows as (line number, {key: value}) in file order.

    CSV: `#` comment lines and blank lines are skipped; the first other line is the header, which
    holds exactly the four keys (any order). YAML: a list of mappings with exactly those keys; the
    line is that of the mapping's first key (yaml.compose keeps node positions).
    """
    try:
        with open(path, encoding="utf-8-sig") as f:  # -sig: a byte-order mark (Excel's "CSV UTF-8") is not data
            text = f.read()
    except OSError as e:
        raise ManifestError([f"{path}: cannot read the manifest: {e.strerror}"])
    except UnicodeDecodeError as e:
        line = text_line_of(path, e.start)
        raise ManifestError([f"{path}:{line}: not UTF-8 text (byte 0x{e.object[e.start]:02x} at offset {e.start}): ''"])
    if "\0" in text:
        raise ManifestError([f"{path}:{text[:text.index(chr(0))].count(chr(10)) + 1}: a NUL byte: not a text file: ''"])
    ext = os.path.splitext(path)[1].lower()
    if ext == ".csv":
        return read_csv_rows(path, text)
    if ext in (".yaml", ".yml"):
        return read_yaml_rows(path, text)
    raise ManifestError([f"{path}: manifest must be .csv, .yaml or .yml: '{ext}'"])


def text_line_of(path, offset):
    """The 1-based line of byte `offset` in the file."""
    with open(path, "rb") as f:
        return f.read(offset).count(b"\n") + 1


def read_csv_rows(path, text):
    rows, header, errors = [], None, []
    for no, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = [x.strip() for x in next(csv.reader([line]))]
        if header is None:
            if sorted(fields) != sorted(KEYS):
                raise ManifestError([f"{path}:{no}: header: must name the columns {','.join(KEYS)}: '{line.strip()}'"])
            header = fields
            continue
        if len(fields) != len(header):
            errors.append(f"{path}:{no}: row: has {len(fields)} fields, the header {len(header)}: '{line.strip()}'")
            continue
        rows.append((no, dict(zip(header, fields))))
    if header is None:
        errors.append(f"{path}:1: header: missing (the manifest is empty): ''")
    if errors:
        raise ManifestError(errors)
    return rows


def read_yaml_rows(path, text):
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise ManifestError([f"{path}:{line}: not valid YAML: '{getattr(e, 'problem', e)}'"])
    if root is None:
        raise ManifestError([f"{path}:1: manifest: empty: ''"])
    if not isinstance(root, yaml.SequenceNode):
        raise ManifestError([f"{path}:{root.start_mark.line + 1}: manifest: must be a list of assets: '{root.tag}'"])
    rows, errors = [], []
    for item in root.value:
        no = item.start_mark.line + 1
        if not isinstance(item, yaml.MappingNode):
            errors.append(f"{path}:{no}: asset: must be a mapping with keys {','.join(KEYS)}: '{item.tag}'")
            continue
        row = {}
        for k, v in item.value:
            key = k.value
            if key not in KEYS:
                errors.append(f"{path}:{k.start_mark.line + 1}: {key}: unknown key (known: {','.join(KEYS)}): '{key}'")
            elif not isinstance(v, yaml.ScalarNode):
                errors.append(f"{path}:{v.start_mark.line + 1}: {key}: must be a string: '{v.tag}'")
            else:
                row[key] = str(v.value).strip()
        missing = [k for k in KEYS if k not in row]
        if missing:
            errors.append(f"{path}:{no}: {missing[0]}: missing: ''")
        rows.append((no, row))
    if errors:
        raise ManifestError(errors)
    return rows


def allowed_roots(manifest, extra):
    """The manifest's folder and the allowed roots, each with symlinks and `..` resolved."""
    roots = [os.path.realpath(os.path.dirname(os.path.abspath(manifest)))]
    env = os.environ.get("FTWIN_FLEET_ROOTS", "")
    for r in list(extra or []) + [x for x in env.split(os.pathsep) if x]:
        roots.append(os.path.realpath(r))
    return roots


def inside(path, roots):
    """True when the resolved path lies in one of the (resolved) roots: os.path.commonpath of
    the two is the root itself."""
    return any(os.path.commonpath([path, r]) == r for r in roots)


def check_id(v):
    """The problem with an asset id, or None. Ids name files and folders, so none may be a path."""
    if not v:
        return "empty"
    if v.startswith("/") or v.startswith("\\") or re.match(r"^[A-Za-z]:", v):
        return "is an absolute path, not a name"
    if "/" in v or "\\" in v:
        return "contains a path separator"
    if ".." in v:
        return "contains '..'"
    if not ID_RE.match(v):
        return "must match ^[A-Za-z0-9][A-Za-z0-9_.-]*$"
    if len(v) > 100:
        return "longer than 100 characters"
    return None


def load_manifest(path, roots_extra=None, design=None):
    """Read and validate a manifest; returns its assets in file order, each a dict with the row's
    values plus `line`, and `data_path`, `output_path` (absolute, resolved). Raises ManifestError
    with every problem found."""
    rows = read_rows(path)
    base = os.path.dirname(os.path.abspath(path))
    roots = allowed_roots(path, roots_extra)
    errors, assets, seen_id, seen_out = [], [], {}, {}
    for no, row in rows:
        where = f"{path}:{no}"
        bad = False
        aid = row["asset_id"]
        p = check_id(aid)
        if p:
            errors.append(f"{where}: asset_id: {p}: '{aid}'")
            bad = True
        elif aid in seen_id:
            errors.append(f"{where}: asset_id: duplicate of line {seen_id[aid]}: '{aid}'")
            bad = True
        else:
            seen_id[aid] = no
        d = row["design"]
        if not NAME_RE.match(d):
            errors.append(f"{where}: design: must match [A-Za-z0-9_.-]+: '{d}'")
            bad = True
        elif design is not None and d != design:
            errors.append(f"{where}: design: differs from the design case's name '{design}': '{d}'")
            bad = True
        resolved = {}
        for key in ("data", "output"):
            v = row[key]
            if not v:
                errors.append(f"{where}: {key}: empty: ''")
                bad = True
                continue
            full = os.path.realpath(os.path.join(base, v))
            if not inside(full, roots):
                errors.append(f"{where}: {key}: outside the manifest's folder and the allowed roots "
                              f"(resolves to {full}; allow a root with --root): '{v}'")
                bad = True
                continue
            resolved[key] = full
        if "output" in resolved:
            out = resolved["output"]
            if not out.endswith(".h5"):
                errors.append(f"{where}: output: the asset file must end in .h5: '{row['output']}'")
                bad = True
            elif out in seen_out:
                errors.append(f"{where}: output: the same asset file as line {seen_out[out]}: '{row['output']}'")
                bad = True
            else:
                seen_out[out] = no
            if "data" in resolved and resolved["data"] == out:
                errors.append(f"{where}: output: is the sensor data file: '{row['output']}'")
                bad = True
        if not bad:
            assets.append(dict(row, line=no, data_path=resolved["data"], output_path=resolved["output"]))
    if not rows:
        errors.append(f"{path}:1: manifest: no assets: ''")
    if errors:
        raise ManifestError(errors)
    return assets


def asset_files(a):
    """Where an asset's own files go: its case file and job status, beside the asset file."""
    d = os.path.dirname(a["output_path"])
    return {"dir": d, "case": os.path.join(d, a["asset_id"] + ".case.yaml"),
            "status": os.path.join(d, a["asset_id"] + ".status.json")}


def write_atomic(path, data, mode="w"):
    """Write to PATH.tmp.PID in the same folder, then rename: readers see the old or the new
    file, never a half-written one."""
    tmp = f"{path}.tmp.{os.getpid()}"
    with open(tmp, mode) as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def design_name(case_path):
    try:
        with open(case_path) as f:
            case = yaml.safe_load(f)
    except (OSError, yaml.YAMLError) as e:
        fail(f"{case_path}: cannot read the design case: {e}", EXIT_BAD)
    if not isinstance(case, dict) or not isinstance(case.get("name"), str):
        fail(f"{case_path}:1: name: the design case has no name: '{case if not isinstance(case, dict) else case.get('name')}'", EXIT_BAD)
    return case


# ---- check, prepare, record --------------------------------------------------------------------

def cmd_check(args):
    case = design_name(args.design) if args.design else None
    assets = load_manifest(args.manifest, args.root, case["name"] if case else None)
    name = assets[0]["design"]
    if args.shell:
        print(f"FLEET_N={len(assets)}\nFLEET_DESIGN={name}")
    else:
        print(f"{args.manifest}: {len(assets)} assets of design {name}")
    return EXIT_OK


# Case keys that hold paths (relative to the case file's folder), rewritten to absolute paths
# because the per-asset case lives elsewhere (the asset's folder).
PATH_KEYS = (("mesh", "file"), ("fatigue", "history"), ("fatigue", "library"))


def asset_case(case, design_path, asset, basis):
    """The design's case made into the asset's: its paths made absolute, the FE results and the
    fatigue basis = the fleet's basis file, the sensor data and the asset file from the manifest,
    and the fatigue output beside the asset file (ID_fatigue.h5)."""
    c = copy.deepcopy(case)
    base = os.path.dirname(os.path.abspath(design_path))
    for sec, key in PATH_KEYS:
        if isinstance(c.get(sec), dict) and isinstance(c[sec].get(key), str):
            c[sec][key] = os.path.normpath(os.path.join(base, c[sec][key]))
    if isinstance(c.get("fatigue"), dict) and "library" not in c["fatigue"] and os.path.exists(os.path.join(base, "materials.yaml")):
        c["fatigue"]["library"] = os.path.join(base, "materials.yaml")  # was found next to the design case
    for sec in ("sensors", "calibration", "fatigue", "output"):
        if not isinstance(c.get(sec), dict):
            fail(f"{design_path}:1: {sec}: the design case needs this section for an asset run: '{c.get(sec)}'", EXIT_BAD)
    basis = os.path.abspath(basis)
    c["output"]["file"] = basis
    c["fatigue"]["basis"] = basis
    c["fatigue"]["output"] = os.path.join(os.path.dirname(asset["output_path"]), asset["asset_id"] + "_fatigue.h5")
    c["sensors"]["data"] = asset["data_path"]
    c["calibration"]["output"] = asset["output_path"]
    return c


def pick(args):
    assets = load_manifest(args.manifest, args.root)
    if not 0 <= args.index < len(assets):
        fail(f"{args.manifest}: --index: no row {args.index} (the manifest has {len(assets)} assets, 0..{len(assets) - 1}): '{args.index}'", EXIT_BAD)
    return assets[args.index]


def cmd_prepare(args):
    case = design_name(args.design)
    a = pick(args)
    if a["design"] != case["name"]:
        fail(f"{args.manifest}:{a['line']}: design: differs from the design case's name '{case['name']}': '{a['design']}'", EXIT_BAD)
    c = asset_case(case, args.design, a, args.basis)
    files = asset_files(a)
    os.makedirs(files["dir"], exist_ok=True)
    head = (f"# Asset {a['asset_id']}: made by scripts/fleet.py prepare from the design case {os.path.abspath(args.design)}\n"
            f"# (manifest {os.path.abspath(args.manifest)} line {a['line']}, basis {os.path.abspath(args.basis)}).\n")
    write_atomic(files["case"], head + yaml.safe_dump(c, sort_keys=False))
    print(files["case"])
    return EXIT_OK


def reason_from_log(log, code):
    """Why an asset job failed, in one line: the last `ftwin: error:` line of its log, else the
    log's last line that mentions an error, else the exit code."""
    if code == EXIT_REQUEUE:
        return f"exit code {code}: stopped at a safe point, to be requeued"
    lines = []
    if log:
        try:
            with open(log, errors="replace") as f:
                lines = [ln.strip() for ln in f if ln.strip()]
        except OSError:
            pass
    for pat in (lambda s: "ftwin: error:" in s, lambda s: "fleet.py: error:" in s, lambda s: "error" in s.lower()):
        hits = [ln for ln in lines if pat(ln)]
        if hits:
            return hits[-1]
    return f"exit code {code}" + ("" if log else " (no log)")


def cmd_record(args):
    a = pick(args)
    files = asset_files(a)
    os.makedirs(files["dir"], exist_ok=True)
    ok = args.exit_code == 0
    reason = "" if ok else reason_from_log(args.log, args.exit_code)
    if ok and not os.path.isfile(a["output_path"]):  # e.g. srun said 0 although its step never launched
        ok, reason = False, f"exit code 0 but no asset file {a['output_path']}: the asset run did not start or did not finish (see its log)"
    st = {"asset_id": a["asset_id"], "exit_code": args.exit_code,
          "status": "ok" if ok else ("requeued" if args.exit_code == EXIT_REQUEUE else "failed"),
          "reason": reason,
          "log": os.path.abspath(args.log) if args.log else "",
          "run": args.run or os.environ.get("FTWIN_FLEET_RUN", ""),
          "job": "{}_{}".format(os.environ.get("SLURM_ARRAY_JOB_ID", os.environ.get("SLURM_JOB_ID", "")), os.environ.get("SLURM_ARRAY_TASK_ID", "")),
          "finished": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}
    write_atomic(files["status"], json.dumps(st, indent=1) + "\n")
    if args.exit_code == 0 and not ok:
        print(f"fleet.py: error: {a['asset_id']}: {reason}", file=sys.stderr)
        return EXIT_NO_ASSET_FILE
    return EXIT_OK


# ---- summary ----------------------------------------------------------------------------------

COLUMNS = [  # name, type, meaning
    ("asset_id", "s", "asset id (manifest)"),
    ("status", "s", "ok | failed"),
    ("reason", "s", "why the asset failed: its log's error line or the missing file"),
    ("life_nominal_h", "f", "hot-spot life at the calibrated parameters [h] (/calibration/life nominal_hours)"),
    ("life_p05_h", "f", "5th percentile of the life band [h] (/calibration/life p05_hours)"),
    ("life_p95_h", "f", "95th percentile of the life band [h] (/calibration/life p95_hours)"),
    ("remaining_life_h", "f", "smallest remaining life over the nodes [h] (/fatigue/remaining_life_hours, after prior damage)"),
    ("hot_spot_node", "i", "worst node (/fatigue/hot_spots/node[0])"),
    ("hot_spot_x", "f", "worst node position x (mesh units, /fatigue/hot_spots/position)"),
    ("hot_spot_y", "f", "worst node position y"),
    ("hot_spot_z", "f", "worst node position z"),
    ("hot_spot_damage", "f", "damage of the history at the worst node (/fatigue/hot_spots/damage[0])"),
    ("chi2_per_dof", "f", "calibration fit: chi-square / degrees of freedom"),
    ("calibration_acceptable", "i", "1 when chi-square is below its 99.9 % limit, 0 if not, -1 unknown"),
    ("sensors_dropped", "i", "sensors dropped by cleaning"),
    ("bad_sample_fraction", "f", "fraction of all readings flagged by cleaning (mean of /calibration/sensors/bad_fraction)"),
    ("last_data_time_s", "f", "time of the last sample processed [s] (last of /calibration/loads/time)"),
    ("asset_file_date", "s", "date attribute of the asset file read (for a failed asset: the previous run's file)"),
    ("verify", "s", "`ftwin verify` of the asset file: intact | altered: its first finding | cannot be checked: why | "
                    "not checked (no ftwin binary: set FTWIN)"),
    ("asset_file", "s", "asset file"),
    ("log", "s", "log of the asset's job"),
]


def text_attr(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def read_asset(path):
    """The summary's numbers from one asset file (h5py). Raises KeyError/OSError when something
    is missing."""
    import h5py
    import numpy as np
    r = {}
    with h5py.File(path, "r") as h:
        L = h["/calibration/life"].attrs
        r["life_nominal_h"] = float(L["nominal_hours"])
        r["life_p05_h"] = float(L["p05_hours"])
        r["life_p95_h"] = float(L["p95_hours"])
        r["remaining_life_h"] = float(np.min(h["/fatigue/remaining_life_hours"][...]))
        hs = h["/fatigue/hot_spots"]
        r["hot_spot_node"] = int(hs["node"][0])
        r["hot_spot_x"], r["hot_spot_y"], r["hot_spot_z"] = (float(x) for x in hs["position"][0])
        r["hot_spot_damage"] = float(hs["damage"][0])
        C = h["/calibration"].attrs
        r["chi2_per_dof"] = float(C["chi2"]) / float(C["chi2_dof"]) if float(C["chi2_dof"]) > 0 else math.nan
        r["calibration_acceptable"] = int(C["acceptable"])
        S = h["/calibration/sensors"]
        r["sensors_dropped"] = int(np.sum(S["dropped"][...] != 0))
        r["bad_sample_fraction"] = float(np.mean(S["bad_fraction"][...]))
        t = h["/calibration/loads/time"]
        r["last_data_time_s"] = float(t[t.shape[0] - 1]) if t.shape[0] else math.nan
        r["asset_file_date"] = text_attr(h.attrs.get("date", ""))
    return r


def summary_row(a, run):
    """One asset's row: its job status (the status file its job wrote) and its asset file."""
    files = asset_files(a)
    row = {c: ("" if t == "s" else (-1 if t == "i" else math.nan)) for c, t, _ in COLUMNS}
    row.update(asset_id=a["asset_id"], asset_file=a["output_path"], status="ok")
    st = None
    try:
        with open(files["status"]) as f:
            st = json.load(f)
    except FileNotFoundError:
        pass
    except (OSError, ValueError) as e:
        row.update(status="failed", reason=f"unreadable job status {files['status']}: {e}")
    if st is not None:
        row["log"] = st.get("log", "")
        if run and st.get("run") != run:
            row.update(status="failed", reason=f"the asset's job did not run in this fleet run {run} "
                       f"(status file {files['status']} is from run '{st.get('run')}')")
        elif st.get("exit_code") != 0 or st.get("status", "ok") != "ok":
            row.update(status="failed", reason=st.get("reason") or f"exit code {st.get('exit_code')}")
    elif run and row["status"] == "ok":
        row.update(status="failed", reason=f"no job status {files['status']}: the asset's job did not run (did the basis job fail?)")
    if not os.path.exists(a["output_path"]):
        if row["status"] == "ok":
            row.update(status="failed", reason=f"missing asset file {a['output_path']}")
        return row
    try:
        row.update(read_asset(a["output_path"]))
    except (OSError, KeyError, IndexError, ValueError) as e:
        if row["status"] == "ok":
            row.update(status="failed", reason=f"asset file {a['output_path']} unreadable or incomplete: {e}")
    row["verify"] = verify_asset(a["output_path"])
    return row


def verify_asset(path):
    """The verdict of `ftwin verify` on one asset file (docs/provenance.md): its run records and
    results as the last run wrote them. The binary is $FTWIN (as for the asset jobs)."""
    ftwin = os.environ.get("FTWIN", "")
    if not ftwin:
        return "not checked (no ftwin binary: set FTWIN)"
    try:
        p = subprocess.run([ftwin, "verify", path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"not checked ({ftwin} verify could not run: {e})"
    lines = [l.split(": ", 2)[-1] for l in p.stdout.splitlines() if l.startswith("ftwin verify: ")]
    if p.returncode == 0:
        return "intact"
    if p.returncode == 1:
        return "cannot be checked: " + (lines[0] if lines else p.stdout.strip()[-300:])
    return f"altered (exit {p.returncode}): " + (lines[0] if lines else p.stdout.strip()[-300:])


def risk_key(r):
    """Failed first (by id), then the shortest 5th-percentile life first (unknown last)."""
    p05 = r["life_p05_h"]
    return (0 if r["status"] == "failed" else 1, math.inf if (p05 is None or math.isnan(p05)) else p05, r["asset_id"])


def fmt(v, t):
    if t == "f":
        return "" if math.isnan(v) else repr(float(v))
    return str(v)


def write_summary(rows, base, manifest):
    """SUMMARY.csv and SUMMARY.h5 (group /summary: one dataset per column, strings as UTF-8,
    attributes describing each column), each written under a temporary name and renamed."""
    import h5py
    import numpy as np
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([c for c, _, _ in COLUMNS])
    for r in rows:
        w.writerow([fmt(r[c], t) for c, t, _ in COLUMNS])
    write_atomic(base + ".csv", buf.getvalue())
    tmp = f"{base}.h5.tmp.{os.getpid()}"
    with h5py.File(tmp, "w") as h:
        g = h.create_group("summary")
        s = h5py.string_dtype("utf-8")
        for c, t, meaning in COLUMNS:
            vals = [r[c] for r in rows]
            if t == "s":
                d = g.create_dataset(c, data=np.array(vals, dtype=object), dtype=s)
            elif t == "i":
                d = g.create_dataset(c, data=np.array(vals, dtype=np.int64))
            else:
                d = g.create_dataset(c, data=np.array(vals, dtype=np.float64))
            d.attrs["meaning"] = meaning
        g.attrs["columns"] = ",".join(c for c, _, _ in COLUMNS)
        g.attrs["order"] = "by risk: failed assets first, then the shortest 5th-percentile life first"
        g.attrs["manifest"] = os.path.abspath(manifest)
        g.attrs["n_assets"] = len(rows)
        g.attrs["n_failed"] = sum(r["status"] == "failed" for r in rows)
        g.attrs["date"] = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    os.replace(tmp, base + ".h5")


def cmd_summary(args):
    assets = load_manifest(args.manifest, args.root)
    run = args.run if args.run is not None else os.environ.get("FTWIN_FLEET_RUN", "")
    rows = sorted((summary_row(a, run) for a in assets), key=risk_key)
    base = args.output
    if base.endswith(".csv") or base.endswith(".h5"):
        base = os.path.splitext(base)[0]
    os.makedirs(os.path.dirname(os.path.abspath(base)), exist_ok=True)
    write_summary(rows, base, args.manifest)
    nf = sum(r["status"] == "failed" for r in rows)
    print(f"fleet summary: {len(rows)} assets, {nf} failed -> {base}.csv, {base}.h5")
    for r in rows:
        life = "" if math.isnan(r["life_p05_h"]) else f"life p05 {r['life_p05_h']:.4g} h, nominal {r['life_nominal_h']:.4g} h"
        print(f"  {r['asset_id']:<20} {r['status']:<7} " + "; ".join(x for x in (life, r["reason"]) if x))
    return EXIT_FAILED_ASSETS if nf else EXIT_OK


def cmd_dashboard(args):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    try:
        from report import dashboard
        from report.h5file import ReportError
    except ImportError as e:
        fail(f"{e}: the dashboard needs python3-matplotlib and python3-h5py (scripts/setup-debian.sh)")
    summary = args.summary if args.summary.endswith(".h5") else os.path.splitext(args.summary)[0] + ".h5"
    out = args.output or os.path.join(os.path.dirname(os.path.abspath(summary)), "dashboard.html")
    try:
        dashboard.render(summary, out, reports=not args.no_reports, quiet=args.quiet)
    except ReportError as e:
        fail(str(e))
    except OSError as e:
        fail(f"{out}: cannot write the dashboard: {e.strerror or e}")
    return EXIT_OK


def main(argv=None):
    ap = argparse.ArgumentParser(prog="fleet.py", description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)

    def common(p):
        p.add_argument("manifest")
        p.add_argument("--root", action="append", default=[], help="another folder data and output paths may lie in")

    p = sub.add_parser("check", help="validate a manifest")
    common(p)
    p.add_argument("--design", help="the design case: every row's design must be its name")
    p.add_argument("--shell", action="store_true", help="print FLEET_N=... and FLEET_DESIGN=... lines")
    p = sub.add_parser("prepare", help="write the case file of array task I")
    common(p)
    p.add_argument("--design", required=True)
    p.add_argument("--basis", required=True)
    p.add_argument("--index", type=int, required=True)
    p = sub.add_parser("record", help="write the job status of array task I")
    common(p)
    p.add_argument("--index", type=int, required=True)
    p.add_argument("--exit-code", type=int, required=True)
    p.add_argument("--log", default="")
    p.add_argument("--run", default=None)
    p = sub.add_parser("summary", help="the fleet summary (CSV and HDF5)")
    common(p)
    p.add_argument("-o", "--output", required=True, help="SUMMARY: writes SUMMARY.csv and SUMMARY.h5")
    p.add_argument("--run", default=None, help="the fleet run id (default $FTWIN_FLEET_RUN): a status file of another run counts as not run")
    p = sub.add_parser("dashboard", help="the fleet dashboard (HTML) and each asset's report, from the summary")
    p.add_argument("summary", help="SUMMARY.h5 written by `fleet.py summary` (or SUMMARY, SUMMARY.csv)")
    p.add_argument("-o", "--output", help="the dashboard (default: dashboard.html beside the summary)")
    p.add_argument("--no-reports", action="store_true", help="link no asset reports (do not make them)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    args = ap.parse_args(argv)
    try:
        return {"check": cmd_check, "prepare": cmd_prepare, "record": cmd_record, "summary": cmd_summary,
                "dashboard": cmd_dashboard}[args.cmd](args)
    except ManifestError as e:
        for line in e.lines:
            print(f"fleet.py: error: {line}", file=sys.stderr)
        return EXIT_BAD


if __name__ == "__main__":
    sys.exit(main())
