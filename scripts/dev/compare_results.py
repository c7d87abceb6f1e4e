#!/usr/bin/python3
"""Compare two trees of ftwin results (scripts/dev/example_outputs.sh), dataset by dataset.

    /usr/bin/python3 scripts/dev/compare_results.py BEFORE_DIR AFTER_DIR [--rtol R]

Every .h5 file of BEFORE must exist in AFTER with the same groups, datasets (shape, dtype,
values) and attributes, provenance attributes aside (dates, versions, host, command line, wall
times: PROVENANCE below). Values must be equal (--rtol 0, the default: bit for bit, NaN equal to
NaN) or within rtol of the larger magnitude. Prints one line per file and per difference; exit 0
when everything agrees, 1 otherwise.
"""
import argparse
import os
import sys

import h5py
import numpy as np

# Attributes that say when, where and by which build a file was written, not what it holds.
PROVENANCE = {"created", "date", "ftwin_version", "version", "git", "git_commit", "host", "hostname",
              "command", "command_line", "build", "wall_seconds", "wall_time", "elapsed_seconds",
              "mpi_ranks_used", "backend_used"}


def values_equal(a, b, rtol):
    if a.shape != b.shape:
        return False, f"shape {a.shape} vs {b.shape}"
    if a.dtype.kind in "fc":
        nan_a, nan_b = np.isnan(a), np.isnan(b)
        if not np.array_equal(nan_a, nan_b):
            return False, "NaN at different places"
        fa, fb = a[~nan_a], b[~nan_b]
        if rtol == 0:
            ok = np.array_equal(fa, fb)
        else:
            scale = np.maximum(np.abs(fa), np.abs(fb))
            with np.errstate(invalid="ignore"):
                ok = bool(np.all((fa == fb) | (np.abs(fa - fb) <= rtol * scale)))
        if not ok:
            with np.errstate(invalid="ignore"):
                d = np.where(fa == fb, 0.0, np.abs(fa - fb))  # equal infinities: no difference
            i = int(np.argmax(d))
            big = float(np.max(np.abs(np.where(np.isfinite(fa), fa, 0)))) if fa.size else 0.0
            rel = f", {d.flat[i] / big:.1e} of the largest |value|" if big > 0 and np.isfinite(d.flat[i]) else ""
            return False, f"max |diff| {d.flat[i]:.3e}{rel} at flat index {i} ({fa.flat[i]!r} vs {fb.flat[i]!r})"
        return True, ""
    if a.dtype.names or a.dtype.kind in "OSUV":
        return (a.tobytes() == b.tobytes() if a.dtype.kind != "O" else list(a.flat) == list(b.flat)), "values differ"
    return bool(np.array_equal(a, b)), "values differ"


IGNORE, IGNORE_ATTR = [], set()  # --ignore PATH (an object and everything below it), --ignore-attr NAME
ROOTS = ("", "")  # the two trees' absolute paths: a path inside its own tree compares as <tree>/...


def normalised(v, root):
    if isinstance(v, bytes):
        v = v.decode("utf-8", "replace")
    if isinstance(v, str) and root:
        return v.replace(root, "<tree>")
    if isinstance(v, (list, tuple)):
        return [normalised(x, root) for x in v]
    return v


def compare_attrs(name, oa, ob, rtol, out):
    for k in sorted(set(oa.attrs) | set(ob.attrs)):
        if k in PROVENANCE or k in IGNORE_ATTR:
            continue
        if k not in oa.attrs or k not in ob.attrs:
            out.append(f"{name} attribute {k}: only in {'after' if k in ob.attrs else 'before'}")
            continue
        a, b = np.asarray(oa.attrs[k]), np.asarray(ob.attrs[k])
        if a.dtype.kind in "fc" and b.dtype.kind in "fc":
            ok, why = values_equal(a, b, rtol)
        else:
            ta, tb = normalised(a.tolist(), ROOTS[0]), normalised(b.tolist(), ROOTS[1])
            ok, why = ta == tb, f"{ta!r} vs {tb!r}"[:300]
        if not ok:
            out.append(f"{name} attribute {k}: {why}")


def compare_files(fa, fb, rtol):
    out = []
    names_a, names_b = [], []
    fa.visit(names_a.append)
    fb.visit(names_b.append)
    kept = lambda n: not any(("/" + n + "/").startswith(p.rstrip("/") + "/") for p in IGNORE)
    names_a, names_b = [n for n in names_a if kept(n)], [n for n in names_b if kept(n)]
    for n in sorted(set(names_a) ^ set(names_b)):
        out.append(f"/{n}: only in {'after' if n in names_b else 'before'}")
    compare_attrs("/", fa, fb, rtol, out)
    for n in sorted(set(names_a) & set(names_b)):
        oa, ob = fa[n], fb[n]
        if isinstance(oa, h5py.Dataset) != isinstance(ob, h5py.Dataset):
            out.append(f"/{n}: dataset in one file, group in the other")
            continue
        if isinstance(oa, h5py.Dataset):
            a, b = oa[()], ob[()]
            a, b = np.asarray(a), np.asarray(b)
            if a.dtype != b.dtype:
                out.append(f"/{n}: dtype {a.dtype} vs {b.dtype}")
            else:
                ok, why = values_equal(a, b, rtol)
                if not ok:
                    out.append(f"/{n}: {why}")
        compare_attrs(f"/{n}", oa, ob, rtol, out)
    return out, len(set(names_a) & set(names_b))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("before")
    ap.add_argument("after")
    ap.add_argument("--rtol", type=float, default=0.0)
    ap.add_argument("--ignore", action="append", default=[], help="skip this object and everything below it (e.g. /fatigue/counting_state)")
    ap.add_argument("--ignore-attr", action="append", default=[], help="skip attributes of this name")
    args = ap.parse_args()
    IGNORE.extend(args.ignore)
    IGNORE_ATTR.update(args.ignore_attr)
    if IGNORE or IGNORE_ATTR:
        print(f"ignored: objects {IGNORE}, attributes {sorted(IGNORE_ATTR)}")
    global ROOTS
    ROOTS = (os.path.abspath(args.before), os.path.abspath(args.after))
    files = []
    for d, _, fs in os.walk(args.before):
        files += [os.path.relpath(os.path.join(d, f), args.before) for f in fs if f.endswith(".h5")]
    if not files:
        print(f"no .h5 files under {args.before}")
        return 1
    bad = 0
    for rel in sorted(files):
        pb = os.path.join(args.after, rel)
        if not os.path.exists(pb):
            print(f"{rel}: missing in {args.after}")
            bad += 1
            continue
        with h5py.File(os.path.join(args.before, rel), "r") as fa, h5py.File(pb, "r") as fb:
            diffs, n = compare_files(fa, fb, args.rtol)
        print(f"{rel}: {n} objects, {'identical' if not diffs else f'{len(diffs)} differences'}"
              f"{' (rtol %g)' % args.rtol if args.rtol else ''}")
        for d in diffs[:40]:
            print("   ", d)
        bad += bool(diffs)
    print(f"{len(files) - bad} of {len(files)} files agree")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
