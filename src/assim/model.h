/* The linearised model of the calibration (docs/calibration.md, "Sensor model", "Linearisation"):
 * the case's values at the parameters theta, FE solves and the sensor responses R(theta), the
 * forward-difference sensitivities to the stiffness parameters, and the sensor model
 *     y_i(t) = b_i + sum_k G_ik(theta) c_k(t) + e_i(t)
 * from the first-order expansion of R about the linearisation point theta_lin. */
#ifndef FT_ASSIM_MODEL_H
#define FT_ASSIM_MODEL_H
#include "assim/calibration.h"

/* Mesh, space and sensor locations (for the FE solves); sets calib->s = s and calib->have_fe. */
PetscErrorCode FtModelSetUp(FtCalibration *calib, DM *dm, FtSpace *s);
/* Nominal E, alpha, h that the parameters multiply (calib->E0, alpha0, h0). */
PetscErrorCode FtModelNominalValues(FtCalibration *calib);
/* Sets E, alpha and h of the case to nominal x the product of the matching parameters. */
void           FtModelApplyParams(FtCalibration *calib, const double *theta);
/* Thermal cases, elasticity (all load cases), stresses and sensor responses at theta. */
PetscErrorCode FtModelSolveAt(FtCalibration *calib, const double *theta, FtModelSolve *solve);
PetscErrorCode FtModelSolveFree(FtCalibration *calib, FtModelSolve *solve);
/* The linearisation at calib->theta_lin: the base solve and one per stiffness parameter. */
PetscErrorCode FtModelLinearise(FtCalibration *calib);
/* (theta_j - theta_lin,j) / delta_j for stiffness parameters, 0 otherwise. */
double         FtModelLinWeight(const FtCalibration *calib, const double *theta, int j);
/* g_l(theta): product of the load-scale parameters of load case l. */
double         FtModelLoadGain(const FtCalibration *calib, const double *theta, int l);
/* G [ns][nk] and b [ns] of the sensor model at theta. */
void           FtModelGb(const FtCalibration *calib, const double *theta, double *G, double *b);
#endif
