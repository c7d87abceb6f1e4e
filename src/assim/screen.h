/* Screening (docs/calibration.md, "Loads"): readings inconsistent with the other sensors
 * (model-residual outliers), loads weakly determined, steps whose loads rest on one reading
 * (unverifiable) checked against their neighbours in time (Hampel). */
#ifndef FT_ASSIM_SCREEN_H
#define FT_ASSIM_SCREEN_H
#include "assim/calibration.h"

/* Model-residual screening of calib->d from the cleaned y_clean/f_clean at theta; count [ns] per
 * sensor. Returns the number of readings excluded, -1 on failure (calib->err). */
long           FtScreenOutliers(FtCalibration *calib, const double *theta, const double *y_clean, const unsigned char *f_clean, long *count);
/* Steps whose loads have a std above FT_CAL_WEAK x the channel's median (calib->medstd, computed
 * here unless calib->hold_stats) get NaN loads; *nweak of them. */
PetscErrorCode FtScreenWeakSteps(FtCalibration *calib, long nt, double *c, const double *cstd, long *nweak);
/* unver[t] = 1 where leaving out one valid reading leaves some load weakly determined. */
PetscErrorCode FtScreenMarkUnverifiable(FtCalibration *calib, const FtObsModel *m, const double *medstd, const double *c, unsigned char *unver,
                                        long *nunver);
/* Hampel check of the loads at the unverifiable steps; a failing step's loads become NaN. */
long           FtScreenHampelOnLoads(int nk, long nt, double *c, const double *cstd, const unsigned char *unver);
#endif
