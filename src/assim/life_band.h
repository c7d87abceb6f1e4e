/* The life band (docs/calibration.md, "Life band"): an ensemble of parameters and loads from
 * their posteriors, full counting at the hot-spot nodes of the nominal fatigue pass. */
#ifndef FT_ASSIM_LIFE_BAND_H
#define FT_ASSIM_LIFE_BAND_H
#include "assim/calibration.h"
#include "fatigue/fatigue.h"

/* res->life_* from the nominal fatigue summary. Collective; every rank gets the same band. */
PetscErrorCode FtLifeBand(FtCalibration *calib, FtCalibrationResult *res, const FtFatigueSummary *summary);
#endif
