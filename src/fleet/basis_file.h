/* The design basis (`ftwin basis CASE [-o BASIS.h5]`): the design's FE solves once: the unit load
 * cases at the calibration parameters' priors (the `ftwin run` layout, so fatigue.basis can point
 * at it) plus /basis: the sensor responses, their sensitivities to the stiffness parameters and
 * the nodal stress sensitivities (one FE solve per stiffness parameter), the design fingerprint
 * that `ftwin calibrate --basis` checks, and its format version (io/layout.h). Written to
 * output.file unless -o is given. Not to be confused with the FE results file a fatigue run
 * reads (fatigue.basis): a design basis is one of those, with /basis added. */
#ifndef FT_FLEET_BASIS_FILE_H
#define FT_FLEET_BASIS_FILE_H
#include "assim/calibration.h"
#include "fleet/asset_run.h"

PetscErrorCode FtBasisRun(MPI_Comm comm, const FtAssetOptions *opt);

/* A complete design basis at the linearisation point in calib->base to `path` (xdmf: also its
 * XDMF), collective: `ftwin basis`, and an asset's own basis after a re-solve. */
PetscErrorCode FtDesignBasisWriteFile(FtCalibration *calib, const char *path, int xdmf);
/* An asset run's linearisation (responses and their sensitivities) from the design basis `path`,
 * after checking its format version and that it was built from this case's design; sets
 * calib->design_basis = path. Collective. */
PetscErrorCode FtDesignBasisRead(FtCalibration *calib, const char *path);
/* `ftwin calibrate` without a design basis: the calibrated unit fields at theta to `path`. */
PetscErrorCode FtCalibratedBasisWrite(FtCalibration *calib, const double *theta, const char *path);
#endif
