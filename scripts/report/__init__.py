"""ftwin's reports: one self-contained HTML page per results file (asset, `ftwin run`,
`ftwin fatigue`) and a fleet dashboard, made from the HDF5 files with h5py and matplotlib (Agg).

  asset_report.render(path, out)     the report of one results file (report/asset_report.py)
  dashboard.render(summary, out)     the fleet dashboard from fleet.py's SUMMARY.h5 (report/dashboard.py)

Modules: h5file (reading, with one clear error for a file that is not ftwin's), fmt (numbers with
their significant figures, machine-checkable in the HTML), page (the HTML page), surface
(boundary of the tetrahedral mesh, drawn from several views), figures (the plots).
"""
