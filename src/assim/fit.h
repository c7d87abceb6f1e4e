/* The parameter fit (docs/calibration.md, "Fit"): variable-projection residuals of theta alone
 * (the loads eliminated per step), PETSc TAO BRGN within the bounds (options prefix cal_), a
 * Gauss-Newton polish, the posterior covariance (J^T J)^-1, and the small dense factorisations. */
#ifndef FT_ASSIM_FIT_H
#define FT_ASSIM_FIT_H
#include "assim/calibration.h"

/* Residuals: nfit * ns data rows + np prior rows. */
long           FtFitNumResiduals(const FtCalibration *calib);
/* r(theta) [FtFitNumResiduals]; invalid entries are 0. Returns 0, 1 with calib->err. */
int            FtFitResidual(FtCalibration *calib, const double *theta, double *r);
/* J [nres][np] (column-major) by central differences. Returns 0, 1 with calib->err. */
int            FtFitJacobian(FtCalibration *calib, const double *theta, double *J);
/* theta (in: start, out: the fit) by TAO BRGN then the polish, on this rank alone. */
PetscErrorCode FtFitParameters(FtCalibration *calib, double *theta, char *reason, size_t rlen, PetscInt *its);
/* The posterior covariance cov [np][np] at theta by calibration.covariance's method
 * (FT_COV_SANDWICH or FT_COV_GAUSS_NEWTON: fit.c) and its lower Cholesky factor lchol; std_gn,
 * std_sw [np] (either may be NULL): the standard deviations by both methods (J: scratch of
 * FtFitNumResiduals * np, H: scratch of np * np). */
PetscErrorCode FtFitPosterior(FtCalibration *calib, const double *theta, int method, double *J, double *H, double *cov, double *lchol, double *std_gn,
                              double *std_sw);
/* The fit's prior N(mu, cov) (ftwin asset --recalibrate: the previous posterior): calib->prior_mu
 * and calib->prior_linv = L^-1 with cov = L L^T. 1 when cov is not positive definite. */
PetscErrorCode FtFitPriorFromPosterior(FtCalibration *calib, const double *mu, const double *cov, int *not_spd);
/* In-place inverse of the SPD n x n matrix A (LAPACK dpotrf + dpotri); 1 when not positive definite. */
int            FtInvertSPD(int n, double *A);
/* Lower Cholesky factor of the SPD n x n matrix A into L (LAPACK dpotrf; 0 on success, 1 when not positive definite). */
int            FtCholeskyLower(int n, const double *A, double *L);
#endif
