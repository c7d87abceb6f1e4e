"""ParaView (pvbatch) opens ftwin's XDMF files: right counts, quadratic tetrahedra with positive
volume in VTK's node convention, the expected arrays. Run: pvbatch paraview_opens.py FILE.xdmf
[expected_arrays...]. Prints 'N passed, N failed'."""
import sys

from paraview import servermanager
from paraview.simple import CellSize, OpenDataFile, UpdatePipeline

fn, expected = sys.argv[1], sys.argv[2:]
r = OpenDataFile(fn)
UpdatePipeline(proxy=r)
d = servermanager.Fetch(r)
cs = CellSize(Input=r)
cs.ComputeVolume = 1
UpdatePipeline(proxy=cs)
v = servermanager.Fetch(cs).GetCellData().GetArray("Volume")
vols = [v.GetValue(i) for i in range(v.GetNumberOfTuples())]
arrays = [d.GetPointData().GetArrayName(i) for i in range(d.GetPointData().GetNumberOfArrays())]
checks = [
    ("points %d > 0, cells %d > 0" % (d.GetNumberOfPoints(), d.GetNumberOfCells()), d.GetNumberOfPoints() > 0 and d.GetNumberOfCells() > 0),
    ("cell type %d is VTK tetra (10) or quadratic tetra (24)" % d.GetCellType(0), d.GetCellType(0) in (10, 24)),
    ("every cell volume > 0 (min %.3g)" % min(vols), min(vols) > 0),
] + [("array %s present" % a, a in arrays) for a in expected]
failed = 0
for what, ok in checks:
    failed += not ok
    print("%-60s %s" % (what, "ok" if ok else "FAIL"))
print("%d passed, %d failed" % (len(checks) - failed, failed))
sys.exit(1 if failed else 0)
