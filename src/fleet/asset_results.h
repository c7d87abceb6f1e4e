/* The /calibration group of an asset file: what the calibration found, and the asset state. */
#ifndef FT_FLEET_ASSET_RESULTS_H
#define FT_FLEET_ASSET_RESULTS_H
#include <hdf5.h>

#include "assim/calibration.h"
#include "fleet/asset_state.h"

/* Writes /calibration into the open asset file (collective; rank 0 holds the rows); rec: the
 * asset state to write under it (ftwin asset), NULL for none (ftwin calibrate). */
PetscErrorCode FtCalibrationGroupWrite(hid_t file, const char *path, const FtCalibration *calib, const FtCalibrationResult *res, const FtAssetRecord *rec);
#endif
