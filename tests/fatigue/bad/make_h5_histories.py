#!/usr/bin/env python3
"""Writes the bad HDF5 load histories used by history_h5_*.yaml (run it here; the .h5 files are
shipped). Each has exactly one defect; the channel is 'F' and the time dataset 'time'.

  h5_nan.h5          /history/F[2] is NaN
  h5_time_inf.h5     /history/time[1] is +inf
  h5_backwards.h5    /history/time goes 0, 1, 2, 1.5
  h5_missing.h5      no /history/F (a 'G' instead)
  h5_no_time.h5      no /history/time
  h5_length.h5       /history/F has 3 samples, /history/time 4
  h5_2d.h5           /history/F is [4][2]
  h5_text.h5         /history/F holds strings
  h5_no_group.h5     the datasets at the root, not in /history
  h5_not_hdf5.h5     a CSV file named .h5"""
import os

import h5py
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
t4, F4 = [0.0, 1.0, 2.0, 3.0], [1.0, -1.0, 1.0, -1.0]
files = {
    "h5_nan": {"time": t4, "F": [1.0, -1.0, np.nan, -1.0]},
    "h5_time_inf": {"time": [0.0, np.inf, 2.0, 3.0], "F": F4},
    "h5_backwards": {"time": [0.0, 1.0, 2.0, 1.5], "F": F4},
    "h5_missing": {"time": t4, "G": F4},
    "h5_no_time": {"F": F4},
    "h5_length": {"time": t4, "F": F4[:3]},
    "h5_2d": {"time": t4, "F": [[1.0, 0.0]] * 4},
    "h5_text": {"time": t4, "F": np.array([b"1", b"-1", b"1", b"-1"])},
}
for name, dsets in files.items():
    with h5py.File(os.path.join(here, name + ".h5"), "w", libver="earliest") as f:
        g = f.create_group("history")
        for k, v in dsets.items():
            g.create_dataset(k, data=v if isinstance(v, np.ndarray) else np.asarray(v, dtype=np.float64))
with h5py.File(os.path.join(here, "h5_no_group.h5"), "w", libver="earliest") as f:
    f["time"] = np.asarray(t4)
    f["F"] = np.asarray(F4)
with open(os.path.join(here, "h5_not_hdf5.h5"), "w") as f:
    f.write("time,F\n0,1\n1,-1\n")
