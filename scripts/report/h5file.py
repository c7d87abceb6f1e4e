"""Reading ftwin's results files for a report: what kind of file it is, and each dataset or
attribute with one clear error (ReportError) naming the file and the object when it cannot be read.
Every name used here is one of src/io/layout.h."""
import os

import numpy as np


class ReportError(Exception):
    """A file the report cannot be made from: the message is the one line the user sees."""


def text(v):
    """An HDF5 string attribute (bytes or str) as str."""
    if isinstance(v, (bytes, np.bytes_)):
        return v.decode("utf-8", errors="replace")
    if isinstance(v, np.ndarray) and v.dtype.kind in "SO" and v.size == 1:
        return text(v.reshape(-1)[0])
    return str(v)


class Results:
    """An open results file. kind: 'asset' (/fatigue and /calibration), 'fatigue' (/fatigue),
    'run' (/load_cases or /thermal); anything else is refused."""

    def __init__(self, path):
        import h5py
        self.path = path
        if not os.path.exists(path):
            raise ReportError(f"{path}: no such file")
        if os.path.isdir(path):
            raise ReportError(f"{path}: is a folder, not an HDF5 file")
        try:
            self.f = h5py.File(path, "r")
        except OSError as e:
            raise ReportError(f"{path}: not an HDF5 file, or damaged (truncated?): {first_line(e)}") from None
        has = {k: self.has(k) for k in ("/mesh/coordinates", "/mesh/topology", "/fatigue", "/calibration", "/load_cases", "/thermal", "/basis")}
        if not has["/mesh/coordinates"] or not has["/mesh/topology"] or not (has["/fatigue"] or has["/calibration"] or has["/load_cases"] or has["/thermal"]):
            found = ", ".join(sorted(self.f.keys())[:8]) or "nothing"
            raise ReportError(f"{path}: not an ftwin results file: it needs /mesh/coordinates, /mesh/topology and one of /fatigue, "
                              f"/calibration, /load_cases (it holds: {found})")
        if has["/calibration"]:
            self.kind = "asset"
        elif has["/fatigue"]:
            self.kind = "fatigue"
        else:
            self.kind = "run"
        self.is_basis = has["/basis"]

    def close(self):
        self.f.close()

    def has(self, name):
        try:
            return name in self.f
        except (OSError, KeyError, ValueError, RuntimeError):
            return False

    def read(self, name, dtype=None):
        """A whole dataset as a numpy array (ReportError naming it when unreadable)."""
        try:
            v = self.f[name][...]
        except KeyError:
            raise ReportError(f"{self.path}: {name}: missing (the file is incomplete, or not written by this ftwin)") from None
        except (OSError, ValueError, RuntimeError, TypeError) as e:
            raise ReportError(f"{self.path}: {name}: cannot be read (damaged file?): {first_line(e)}") from None
        return v.astype(dtype) if dtype is not None else v

    def opt(self, name, dtype=None):
        """A dataset, or None when the file does not hold it."""
        return self.read(name, dtype) if self.has(name) else None

    def attr(self, obj, name, default=None):
        """An attribute of the group/dataset `obj` ('/' the root); `default` when absent."""
        try:
            a = self.f[obj].attrs
            if name not in a:
                return default
            v = a[name]
        except KeyError:
            return default
        except (OSError, ValueError, RuntimeError, TypeError) as e:
            raise ReportError(f"{self.path}: {obj} attribute {name}: cannot be read (damaged file?): {first_line(e)}") from None
        if isinstance(v, (bytes, np.bytes_, str)):
            return text(v)
        if isinstance(v, np.ndarray) and v.size == 1:
            v = v.reshape(-1)[0]
        if isinstance(v, np.generic):
            return v.item()
        return v

    def attrs(self, obj):
        """Every attribute of obj as {name: value} (strings decoded)."""
        try:
            names = list(self.f[obj].attrs.keys())
        except (KeyError, OSError, RuntimeError):
            return {}
        return {k: self.attr(obj, k) for k in names}

    def case_text(self):
        """The case file's text stored in the results (root dataset case_file), or ''."""
        v = self.opt("/case_file")
        if v is None:
            return ""
        return bytes(np.asarray(v).astype(np.uint8)).decode("utf-8", errors="replace")

    def case(self):
        """The stored case file parsed (dict), or {} when absent or not YAML."""
        import yaml
        try:
            c = yaml.safe_load(self.case_text())
        except yaml.YAMLError:
            return {}
        return c if isinstance(c, dict) else {}

    def region_names(self):
        v = self.attr("/", "region_names") or self.attr("/fatigue/hot_spots", "region_names") or ""
        return [s for s in v.split(",")] if v else []


def first_line(e):
    s = str(e).strip().splitlines()
    return s[0] if s else type(e).__name__
