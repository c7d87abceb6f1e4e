#!/usr/bin/env python3
"""Fuzzes the fleet manifest check (scripts/fleet.py load_manifest) with atheris (libFuzzer for
Python): any bytes, as a .csv or a .yaml manifest, give a list of assets or a ManifestError with
one message per line; any other exception is a finding. Run by scripts/fuzz.sh (manifest)."""
import os
import sys
import tempfile

import atheris

with atheris.instrument_imports():
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
    import fleet

WORK = tempfile.mkdtemp(prefix="ftwin-fuzz-manifest-")


def one_input(data):
    ext = ".yaml" if data[:1] == b"-" or (data and data[0] % 2) else ".csv"
    path = os.path.join(WORK, "fleet" + ext)
    with open(path, "wb") as f:
        f.write(data)
    try:
        assets = fleet.load_manifest(path)
    except fleet.ManifestError as e:
        assert e.lines and all(l and "\n" not in l for l in e.lines), e.lines
        return
    for a in assets:  # an accepted asset is a name and two paths inside the manifest's folder
        assert fleet.check_id(a["asset_id"]) is None and a["output_path"].endswith(".h5")
        assert a["data_path"].startswith(WORK + os.sep) and a["output_path"].startswith(WORK + os.sep)


atheris.Setup(sys.argv, one_input)
atheris.Fuzz()
