/* The asset run (`ftwin calibrate CASE`, `ftwin asset CASE --basis B`): an asset's sensor data
 * cleaned, the model's uncertain parameters and the load histories fitted to it, the fatigue
 * computed from the calibrated model and the identified loads, and the life given with a band.
 * Everything goes into the asset's HDF5 file (calibration.output, default fatigue.output) under
 * /calibration, beside the fatigue results; the calibrated unit fields go to a basis file beside
 * it (<asset>_basis.h5). The method: docs/calibration.md. */
#ifndef FT_FLEET_ASSET_RUN_H
#define FT_FLEET_ASSET_RUN_H
#include <petscsys.h>

/* The options of `ftwin calibrate`, `ftwin asset` and `ftwin basis`. */
typedef struct {
  const char *case_path;
  const char *backend;     /* auto | cpu | cuda */
  const char *output;      /* overrides the case's output file when not NULL */
  const char *basis;       /* calibrate/asset --basis B: the design basis from `ftwin basis` (no FE solve unless needed) */
  int         asset;       /* ftwin asset: the incremental asset run (continues the asset file's state) */
  int         recalibrate; /* ftwin asset --recalibrate: fit again, the previous posterior as prior */
  int         reuse_basis; /* ftwin basis --reuse: keep an existing design basis of the same design */
  int         accept_unsealed; /* ftwin asset --accept-unsealed: continue an asset file without a provenance record */
} FtAssetOptions;

PetscErrorCode FtCalibrateRun(MPI_Comm comm, const FtAssetOptions *opt);
#endif
