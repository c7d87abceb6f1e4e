#!/usr/bin/python3
"""ftwin report: one self-contained HTML page (images embedded, no network) of an ftwin results file.

usage: ftwin_report.py RESULTS.h5 [-o OUT.html] [-q]

RESULTS.h5 is an asset file (`ftwin calibrate`, `ftwin asset`), a fatigue results file
(`ftwin fatigue`) or FE results (`ftwin run`, `ftwin basis`); the report shows what the file holds
and says what it does not. OUT defaults to RESULTS.html beside the file. A file that is not an
ftwin results file, or is damaged, gives one line `ftwin report: error: FILE: problem` and exit 1;
an existing OUT is left as it was. -q: no progress lines.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def main(argv=None):
    ap = argparse.ArgumentParser(prog="ftwin report", description=__doc__.split("\n")[0])
    ap.add_argument("results", help="an ftwin results file (.h5)")
    ap.add_argument("-o", "--output", help="the HTML file (default: RESULTS.html)")
    ap.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    a = ap.parse_args(argv)
    out = a.output or os.path.splitext(a.results)[0] + ".html"
    try:
        from report import asset_report
        from report.h5file import ReportError
    except ImportError as e:  # matplotlib or h5py missing
        print(f"ftwin report: error: {e}: install the packages of scripts/setup-debian.sh (python3-matplotlib, python3-h5py)", file=sys.stderr)
        return 1
    try:
        asset_report.render(a.results, out, quiet=a.quiet)
    except ReportError as e:
        print(f"ftwin report: error: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"ftwin report: error: {out}: cannot write the report: {e.strerror or e}", file=sys.stderr)
        return 1
    if not a.quiet:
        print(f"ftwin report: {a.results} -> {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
