/* The /calibration group of an asset file (io/layout.h): the parameters, the sensors' checks,
 * the identified loads, the identifiability report, the life band, and (ftwin asset) the state. */
#include "fleet/asset_results.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "io/h5util.h"
#include "io/layout.h"

/* Writes /calibration into the asset file (collective; rank 0 holds the rows). */
PetscErrorCode FtCalibrationGroupWrite(hid_t file, const char *path, const FtCalibration *calib, const FtCalibrationResult *res, const FtAssetRecord *rec)
{
  const FtCase            *c   = calib->c;
  const FtCalibrationCase *cal = &c->calibration;
  PetscMPIInt              rank;
  hid_t                    g, gp, gs, gl, gi, gf;
  const hsize_t            np = calib->np, ns = calib->ns, nk = calib->nk, nt = calib->d.nsteps;
  double                  *buf;
  char                    *names;
  size_t                   cap = (size_t)(calib->ns + calib->np + calib->nk + 1) * (FT_NAME_MAX + 1);

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(calib->comm, &rank));
#define N0(n) (rank ? 0 : (n))
  H5CHK(g = H5Gcreate2(file, FT_H5_CALIBRATION, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), FT_H5_G_CALIBRATION);
  PetscCall(FtH5AttrString(g, path, "method",
                           "variable-projection weighted least squares: loads per time step eliminated, parameters fitted by PETSc TAO BRGN "
                           "with bounds and Gaussian priors; FE responses linearised in stiffness parameters (forward differences), "
                           "re-solved beyond linear_range; posterior covariance by calibration.covariance (sandwich or Gauss-Newton); see docs/calibration.md"));
  PetscCall(FtH5AttrString(g, path, "covariance", cal->covariance == FT_COV_SANDWICH ? "sandwich" : "gauss_newton"));
  PetscCall(FtH5AttrScalar(g, path, "fe_solves", H5T_NATIVE_INT, &calib->nsolves));
  PetscCall(FtH5AttrScalar(g, path, "outer_iterations", H5T_NATIVE_INT, &res->outer));
  PetscCall(FtH5AttrScalar(g, path, "linearisation_converged", H5T_NATIVE_INT, &res->converged));
  PetscCall(FtH5AttrString(g, path, "tao_reason", res->tao_reason));
  PetscCall(FtH5AttrScalar(g, path, "fit_steps", H5T_NATIVE_LONG, &res->fit_steps));
  PetscCall(FtH5AttrScalar(g, path, "chi2", H5T_NATIVE_DOUBLE, &res->chi2));
  PetscCall(FtH5AttrScalar(g, path, "chi2_dof", H5T_NATIVE_DOUBLE, &res->dof));
  PetscCall(FtH5AttrScalar(g, path, "chi2_limit_99.9", H5T_NATIVE_DOUBLE, &res->chi2_limit));
  PetscCall(FtH5AttrScalar(g, path, "acceptable", H5T_NATIVE_INT, &res->acceptable));
  PetscCall(FtH5AttrString(g, path, "calibrated_basis", res->basis_path));
  PetscCall(FtH5AttrString(g, path, "cleaning_report", res->report ? res->report : ""));
  PetscCall(FtH5AttrString(g, path, "mode", res->mode));
  PetscCall(FtH5AttrScalar(g, path, "context_steps", H5T_NATIVE_LONG, &calib->ncontext));
  if (rec) PetscCall(FtAssetStateWrite(g, path, calib, rec));

  PetscCall(PetscMalloc2(cap, &names, (size_t)(np * np + nt * nk + nt * ns + ns * FT_SAMPLE_NFLAGS + np + 16), &buf));
  /* parameters */
  H5CHK(gp = H5Gcreate2(g, FT_H5_CAL_PARAMETERS, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), FT_H5_G_CALIBRATION "/" FT_H5_CAL_PARAMETERS);
  names[0] = 0;
  for (int j = 0; j < calib->np; j++) snprintf(names + strlen(names), cap - strlen(names), "%s%s", j ? "," : "", cal->params[j].name);
  PetscCall(FtH5AttrString(gp, path, "names", names));
  PetscCall(FtH5WriteRows(gp, path, FT_H5_CAL_VALUE, H5T_NATIVE_DOUBLE, np, 0, 0, N0(np), res->theta));
  for (int j = 0; j < calib->np; j++) buf[j] = sqrt(res->cov[j * calib->np + j]);
  PetscCall(FtH5WriteRows(gp, path, FT_H5_CAL_STD, H5T_NATIVE_DOUBLE, np, 0, 0, N0(np), buf));
  PetscCall(FtH5WriteRows(gp, path, FT_H5_CAL_COVARIANCE, H5T_NATIVE_DOUBLE, np, np, 0, N0(np), res->cov));
  PetscCall(FtH5WriteRows(gp, path, FT_H5_CAL_STD_GN, H5T_NATIVE_DOUBLE, np, 0, 0, N0(np), res->std_gn));
  PetscCall(FtH5WriteRows(gp, path, FT_H5_CAL_STD_SANDWICH, H5T_NATIVE_DOUBLE, np, 0, 0, N0(np), res->std_sw));
  for (int j = 0; j < calib->np; j++) buf[j] = cal->params[j].prior;
  PetscCall(FtH5WriteRows(gp, path, FT_H5_CAL_PRIOR, H5T_NATIVE_DOUBLE, np, 0, 0, N0(np), buf));
  for (int j = 0; j < calib->np; j++) buf[j] = cal->params[j].sigma;
  PetscCall(FtH5WriteRows(gp, path, FT_H5_CAL_PRIOR_SIGMA, H5T_NATIVE_DOUBLE, np, 0, 0, N0(np), buf));
  for (int j = 0; j < calib->np; j++) buf[j] = cal->params[j].lower;
  PetscCall(FtH5WriteRows(gp, path, FT_H5_CAL_LOWER, H5T_NATIVE_DOUBLE, np, 0, 0, N0(np), buf));
  for (int j = 0; j < calib->np; j++) buf[j] = cal->params[j].upper;
  PetscCall(FtH5WriteRows(gp, path, FT_H5_CAL_UPPER, H5T_NATIVE_DOUBLE, np, 0, 0, N0(np), buf));
  PetscCall(FtH5WriteRows(gp, path, FT_H5_CAL_LIN_POINT, H5T_NATIVE_DOUBLE, np, 0, 0, N0(np), calib->theta_lin));
  H5Gclose(gp);

  /* sensors */
  H5CHK(gs = H5Gcreate2(g, FT_H5_CAL_SENSORS, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), FT_H5_G_CALIBRATION "/" FT_H5_CAL_SENSORS);
  names[0] = 0;
  for (int i = 0; i < calib->ns; i++) snprintf(names + strlen(names), cap - strlen(names), "%s%s", i ? "," : "", c->sensors.sensors[i].id);
  PetscCall(FtH5AttrString(gs, path, "ids", names));
  PetscCall(FtH5AttrString(gs, path, "flags", "0 ok, 1 missing (NaN), 2 out of range, 3 stuck, 4 spike, 5 gap (no sample near the step), 6 outlier (inconsistent with the other sensors, model residual)"));
  PetscCall(FtH5WriteRows(gs, path, FT_H5_CAL_RMS_BEFORE, H5T_NATIVE_DOUBLE, ns, 0, 0, N0(ns), res->rms_before));
  PetscCall(FtH5WriteRows(gs, path, FT_H5_CAL_RMS_AFTER, H5T_NATIVE_DOUBLE, ns, 0, 0, N0(ns), res->rms_after));
  for (int i = 0; i < calib->ns; i++) buf[i] = calib->d.quality[i].dropped;
  PetscCall(FtH5WriteRows(gs, path, FT_H5_CAL_DROPPED, H5T_NATIVE_DOUBLE, ns, 0, 0, N0(ns), buf));
  for (int i = 0; i < calib->ns; i++) buf[i] = calib->d.quality[i].bad_fraction;
  PetscCall(FtH5WriteRows(gs, path, FT_H5_CAL_BAD_FRACTION, H5T_NATIVE_DOUBLE, ns, 0, 0, N0(ns), buf));
  for (int i = 0; i < calib->ns; i++)
    for (int f = 0; f < FT_SAMPLE_NFLAGS; f++) buf[i * FT_SAMPLE_NFLAGS + f] = (double)calib->d.quality[i].flagged[f];
  PetscCall(FtH5WriteRows(gs, path, FT_H5_CAL_FLAG_COUNTS, H5T_NATIVE_DOUBLE, ns, FT_SAMPLE_NFLAGS, 0, N0(ns), buf));
  PetscCall(FtH5WriteRows(gs, path, FT_H5_CAL_NOISE, H5T_NATIVE_DOUBLE, ns, 0, 0, N0(ns), calib->noise));
  PetscCall(FtH5WriteRows(gs, path, FT_H5_CAL_RESPONSE, H5T_NATIVE_DOUBLE, ns, (hsize_t)calib->nl, 0, N0(ns), calib->base.R));
  for (int i = 0; i < calib->ns; i++) buf[i] = (double)res->outliers[i];
  PetscCall(FtH5WriteRows(gs, path, FT_H5_CAL_OUTLIERS, H5T_NATIVE_DOUBLE, ns, 0, 0, N0(ns), buf));
  PetscCall(FtH5WriteRows(gs, path, FT_H5_CAL_MEASURED, H5T_NATIVE_DOUBLE, nt, ns, 0, N0(nt), calib->d.y));
  PetscCall(FtH5WriteRows(gs, path, FT_H5_CAL_PREDICTED, H5T_NATIVE_DOUBLE, nt, ns, 0, N0(nt), res->pred));
  PetscCall(FtH5WriteRows(gs, path, FT_H5_CAL_FLAG, H5T_NATIVE_UCHAR, nt, ns, 0, N0(nt), calib->d.flag));
  H5Gclose(gs);

  /* loads */
  H5CHK(gl = H5Gcreate2(g, FT_H5_CAL_LOADS, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), FT_H5_G_CALIBRATION "/" FT_H5_CAL_LOADS);
  names[0] = 0;
  for (int k = 0; k < calib->nk; k++) snprintf(names + strlen(names), cap - strlen(names), "%s%s", k ? "," : "", c->fatigue.channels[k].name);
  PetscCall(FtH5AttrString(gl, path, "channels", names));
  PetscCall(FtH5AttrString(gl, path, "method", "weighted least squares per time step (src/assim/identify.h); NaN: not identifiable at that step"));
  PetscCall(FtH5AttrScalar(gl, path, "unidentified_steps", H5T_NATIVE_LONG, &res->st.unidentified));
  PetscCall(FtH5AttrScalar(gl, path, "weakly_determined_steps", H5T_NATIVE_LONG, &res->weak));
  for (long t = 0; t < calib->d.nsteps; t++) buf[t] = FtCalStepTime(calib, t);
  PetscCall(FtH5WriteRows(gl, path, FT_H5_CAL_TIME, H5T_NATIVE_DOUBLE, nt, 0, 0, N0(nt), buf));
  PetscCall(FtH5WriteRows(gl, path, FT_H5_CAL_VALUES, H5T_NATIVE_DOUBLE, nt, nk, 0, N0(nt), res->c));
  PetscCall(FtH5WriteRows(gl, path, FT_H5_CAL_STD, H5T_NATIVE_DOUBLE, nt, nk, 0, N0(nt), res->cstd));
  H5Gclose(gl);

  /* identifiability */
  H5CHK(gi = H5Gcreate2(g, FT_H5_CAL_IDENTIFIABILITY, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), FT_H5_G_CALIBRATION "/" FT_H5_CAL_IDENTIFIABILITY);
  PetscCall(FtH5AttrScalar(gi, path, "rank", H5T_NATIVE_INT, &res->id.rank));
  PetscCall(FtH5AttrScalar(gi, path, "condition", H5T_NATIVE_DOUBLE, &res->id.cond));
  PetscCall(FtH5WriteRows(gi, path, FT_H5_CAL_SINGULAR_VALUES, H5T_NATIVE_DOUBLE, nk, 0, 0, N0(nk), res->id.sv));
  H5Gclose(gi);

  /* life band */
  H5CHK(gf = H5Gcreate2(g, FT_H5_CAL_LIFE, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), FT_H5_G_CALIBRATION "/" FT_H5_CAL_LIFE);
  PetscCall(FtH5AttrString(gf, path, "method",
                           calib->c->calibration.band == FT_BAND_RAW
                               ? "ensemble (calibration.band: raw): theta ~ N(theta_hat, C_theta) clipped to bounds, loads re-identified "
                                 "plus their per-step posterior error, hot-spot stresses linearised in theta, full rainflow + S-N + Miner "
                                 "at the hot-spot nodes; life = history duration / max damage (biased short: docs/calibration.md)"
                           : calib->c->calibration.band == FT_BAND_BOOTSTRAP
                               ? "ensemble (calibration.band: bootstrap): theta ~ N(theta_hat, C_theta) clipped to bounds, loads "
                                 "re-identified plus their per-step posterior error, hot-spot stresses linearised in theta, full rainflow "
                                 "+ S-N + Miner at the hot-spot nodes; damage reflected about the nominal (basic bootstrap: D' = 2 "
                                 "D_nominal - D_sample, which removes the bias the identification noise adds to the damage); life = "
                                 "history duration / max damage"
                               : "ensemble (calibration.band: envelope): theta ~ N(theta_hat, C_theta) clipped to bounds, loads "
                                 "re-identified plus their per-step posterior error, hot-spot stresses linearised in theta, full rainflow "
                                 "+ S-N + Miner at the hot-spot nodes; life = history duration / max damage; band from the lower to the "
                                 "higher of the 5th and 95th percentiles of the reflected samples (D' = 2 D_nominal - D_sample: the "
                                 "identification noise's bias removed, samples_hours) and of the raw ones (samples_raw_hours), as the "
                                 "size of that correction is itself uncertain; median: the reflected one (docs/calibration.md)"));
  PetscCall(FtH5AttrString(gf, path, "band", calib->c->calibration.band == FT_BAND_RAW ? "raw" : calib->c->calibration.band == FT_BAND_BOOTSTRAP ? "bootstrap" : "envelope"));
  PetscCall(FtH5AttrScalar(gf, path, "nominal_hours", H5T_NATIVE_DOUBLE, &res->life_nominal));
  PetscCall(FtH5AttrScalar(gf, path, "p05_hours", H5T_NATIVE_DOUBLE, &res->life_p05));
  PetscCall(FtH5AttrScalar(gf, path, "median_hours", H5T_NATIVE_DOUBLE, &res->life_p50));
  PetscCall(FtH5AttrScalar(gf, path, "p95_hours", H5T_NATIVE_DOUBLE, &res->life_p95));
  PetscCall(FtH5WriteRows(gf, path, FT_H5_CAL_LIFE_SAMPLES, H5T_NATIVE_DOUBLE, (hsize_t)res->nsamples, 0, 0, N0((hsize_t)res->nsamples), res->life_samples));
  PetscCall(FtH5WriteRows(gf, path, FT_H5_CAL_LIFE_SAMPLES_RAW, H5T_NATIVE_DOUBLE, (hsize_t)res->nsamples, 0, 0, N0((hsize_t)res->nsamples), res->life_samples_raw));
  H5Gclose(gf);
#undef N0
  PetscCall(PetscFree2(names, buf));
  H5Gclose(g);
  PetscFunctionReturn(0);
}
