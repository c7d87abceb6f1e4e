#!/usr/bin/python3
"""An asset file of a ~100k-node part for timing the report: the /mesh, /fatigue and root attributes
of an `ftwin fatigue` result of that part, with the /calibration group (sensor fit, loads, life band,
run log; independent of the mesh size) of another asset file of the same design.
usage: make_big_asset.py FATIGUE.h5 CALIBRATION_SOURCE.h5 OUT.h5"""
import sys

import h5py

fat, cal, out = sys.argv[1:4]
with h5py.File(fat, "r") as a, h5py.File(cal, "r") as c, h5py.File(out, "w") as b:
    for k in a.keys():
        a.copy(k, b)
    b.attrs.update(dict(a.attrs))
    c.copy("calibration", b)
    print(f"{out}: {b['mesh/coordinates'].shape[0]} nodes, {b['mesh/topology'].shape[0]} cells, "
          f"{b['calibration/sensors/measured'].shape[0]} steps x {b['calibration/sensors/measured'].shape[1]} sensors")
