/* The asset run (`ftwin calibrate`, `ftwin asset`): FtCalibrateRun as a list of phases, each a
 * function of the run's state (FtAssetRun), and the hooks the fatigue stage calls. The method:
 * docs/calibration.md. */
#define _POSIX_C_SOURCE 200809L
#include "fleet/asset_run.h"

#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "assim/calibration.h"
#include "assim/fit.h"
#include "assim/life_band.h"
#include "assim/model.h"
#include "assim/screen.h"
#include "assim/stats.h"
#include "fatigue/fatigue.h"
#include "fleet/asset_results.h"
#include "fleet/asset_state.h"
#include "fleet/basis_file.h"
#include "io/case_load.h"
#include "io/h5util.h"
#include "io/layout.h"
#include "runtime/log.h"
#include "runtime/stop.h"

/* Everything one asset run holds, phase to phase. */
typedef struct {
  const FtAssetOptions *opt;
  MPI_Comm              comm;
  PetscMPIInt           rank;
  FtCase                c;
  DM                    dm;
  FtSpace               space;
  FtCalibration         calib;
  FtCalibrationResult   result;
  FtAssetState          prev;    /* ftwin asset: the state this run continues (prev.h.found 0: none) */
  FtAssetRecord         record;  /* what this run adds to the state */
  int                   holding; /* ftwin asset continuing a state without --recalibrate */
  char                  out_path[FT_PATH_MAX], basis_path[FT_PATH_MAX];
  long                  nt;                        /* steps judged */
  double               *theta, *J, *H, *cov, *lchol; /* [np], [nres][np], [np][np], [np][np], [np][np] */
  double               *std_gn, *std_sw;           /* [np] the posterior sd by both methods (fit.c) */
  double               *G0, *b0;                   /* the sensor model at the prior */
  double               *y_clean;                   /* [nt][ns] the cleaned data, before the screening */
  unsigned char        *f_clean;                   /* [nt][ns] its flags */
  double               *covt;                      /* [nt][nk][nk] per-step load covariance */
  const char          **chan_names;
  FtHistory             hist;                      /* the identified history counted */
  FtFatigueSummary      summary;
  double                tm_start, tm_data, tm_model, tm_fit, tm_loads, tm_basis, tm_end, fe_before_fit; /* wall times [s] */
} FtAssetRun;

/* ---- the fatigue stage's hooks ------------------------------------------------------------------ */

/* Asset run from a design basis without a re-solve: the channels' unit stresses read by the fatigue
 * stage are corrected to the calibrated parameters, S_k = g_l(theta) (S_l + sum_j (theta_j -
 * theta_lin,j) dS_l/dtheta_j) with l the channel's load case (the same first-order expansion the
 * sensor model uses). Collective. */
static PetscErrorCode DesignBasisStressHook(hid_t basis, const char *path, long long start, long long n, double *S, void *ctx)
{
  FtAssetRun          *run   = ctx;
  const FtCalibration *calib = &run->calib;
  const FtCase        *c     = calib->c;
  double              *d;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1((size_t)6 * n + 1, &d));
  for (int k = 0; k < calib->nk; k++) {
    const int    l  = c->fatigue.channels[k].load_case;
    const double g  = FtModelLoadGain(calib, run->theta, l);
    double      *Sk = &S[(size_t)k * n * 6];
    for (int j = 0; j < calib->np; j++) {
      const double w = run->theta[j] - calib->theta_lin[j];
      char         name[80];
      if (!FtCalParamIsStiff(c->calibration.params[j].kind) || w == 0.0) continue;
      snprintf(name, sizeof name, FT_H5_P_BASIS_STRESS_SENSITIVITY, j, l);
      PetscCall(FtH5ReadRows(basis, path, name, H5T_NATIVE_DOUBLE, 6, (hsize_t)start, (hsize_t)n, d));
      for (long long q = 0; q < 6 * n; q++) Sk[q] += w * d[q];
    }
    for (long long q = 0; q < 6 * n; q++) Sk[q] *= g;
  }
  PetscCall(PetscFree(d));
  PetscFunctionReturn(0);
}

/* Called by the fatigue stage with the asset file open and its results known: the life band,
 * then /calibration. */
static PetscErrorCode CalibrationWriter(hid_t file, const char *path, const FtFatigueSummary *summary, void *ctx)
{
  FtAssetRun    *run   = ctx;
  FtCalibration *calib = &run->calib;
  double         t0    = FtWallTime(), t1;

  PetscFunctionBeginUser;
  PetscCall(FtLifeBand(calib, &run->result, summary));
  run->record.hot_damage = summary->history_damage; /* the run log's damage column (FtAssetStateWrite) */
  run->record.hot_node   = summary->worst_node;
  t1 = FtWallTime();
  PetscCall(FtCalibrationGroupWrite(file, path, calib, &run->result, run->opt->asset ? &run->record : NULL));
  calib->t_band  = t1 - t0;
  calib->t_write = FtWallTime() - t1;
  PetscFunctionReturn(0);
}

/* ---- the phases ----------------------------------------------------------------------------------- */

/* Options and state check: the case and its sections, the output paths, the calibration's sizes
 * and prior, and (ftwin asset) the state this run continues, refused before any work when it is
 * an asset file of another design, other settings or another format. */
static PetscErrorCode AssetRunBegin(FtAssetRun *run)
{
  const FtAssetOptions    *opt   = run->opt;
  FtCase                  *c     = &run->c;
  FtCalibration           *calib = &run->calib;
  const FtCalibrationCase *cal   = &c->calibration;
  FtAssetState            *prev  = &run->prev;
  const MPI_Comm           comm  = run->comm;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &run->rank));
  PetscCall(FtCaseLoadCollective(comm, opt->case_path, c));
  PetscCheck(c->fatigue.enabled, comm, PETSC_ERR_USER_INPUT, "%s: ftwin calibrate needs a `fatigue:` section (the channels the loads are identified for)", c->path);
  PetscCheck(c->sensors.enabled, comm, PETSC_ERR_USER_INPUT, "%s: ftwin calibrate needs a `sensors:` section", c->path);
  PetscCheck(cal->enabled, comm, PETSC_ERR_USER_INPUT, "%s: ftwin calibrate needs a `calibration:` section", c->path);
  snprintf(run->out_path, sizeof run->out_path, "%s", opt->output ? opt->output : (cal->output[0] ? cal->output : c->fatigue.output));
  {
    const char *dot = strrchr(run->out_path, '.'), *sl = strrchr(run->out_path, '/');
    int         n   = (dot && (!sl || dot > sl)) ? (int)(dot - run->out_path) : (int)strlen(run->out_path);
    /* the calibrated basis (calibrate), or an asset's own basis at its re-solve point (asset) */
    snprintf(run->basis_path, sizeof run->basis_path, opt->asset ? "%.*s_relinearised_basis.h5" : "%.*s_basis.h5", n, run->out_path);
  }
  PetscCall(FtCheckWritable(comm, c->path, "calibration.output", run->out_path));
  PetscCall(FtCheckWritable(comm, c->path, "calibration.output (basis)", run->basis_path));

  calib->comm        = comm;
  calib->c           = c;
  calib->s           = &run->space;
  calib->ns          = c->sensors.nsensors;
  calib->nl          = c->nloads;
  calib->nk          = c->fatigue.nchannels;
  calib->np          = cal->nparams;
  calib->nth         = c->nthermal;
  calib->design_hash = FtCaseDesignHash(c);
  PetscCall(PetscCalloc5(calib->np + 1, &calib->prior_mu, (size_t)calib->np * calib->np + 1, &calib->prior_linv, calib->ns + 1, &calib->scr_med, calib->ns + 1,
                         &calib->scr_scale, calib->nk + 1, &calib->medstd));
  for (int j = 0; j < calib->np; j++) {
    calib->prior_mu[j]                   = cal->params[j].prior;
    calib->prior_linv[j * calib->np + j] = 1.0 / cal->params[j].sigma;
  }
  if (opt->asset) { /* the state this run continues (an asset file of another design or settings: an error, before any work) */
    PetscCall(FtAssetStateRead(calib, run->out_path, run->opt->accept_unsealed, prev));
    run->holding = prev->h.found && !opt->recalibrate;
    if (prev->h.found)
      PetscCall(FtLogInfo("asset: continuing %s: %d run%s so far, judged up to t = %.9g s, %ld samples counted; calibration %s", run->out_path, prev->h.runs,
                          prev->h.runs == 1 ? "" : "s", prev->h.processed_until, prev->h.samples,
                          run->holding ? "held (--recalibrate to fit again)" : "fitted again (--recalibrate)"));
    else PetscCall(FtLogInfo("asset: no asset file at %s yet: this run calibrates the asset (commissioning)", run->out_path));
  }
  PetscFunctionReturn(0);
}

/* Data read and cleaning: read, clean, resample (rank 0), on every rank; the report logged. */
static PetscErrorCode AssetRunReadData(FtAssetRun *run)
{
  FtCalibration *calib  = &run->calib;
  char          *report = NULL;

  PetscFunctionBeginUser;
  run->tm_start = FtWallTime();
  PetscCall(FtLogInfo("sensors: %d, data %s", calib->ns, run->c.sensors.data));
  PetscCall(FtCalibrationReadSensorData(calib, &report));
  if (run->rank == 0) PetscCall(FtCalibrationLogReport(report));
  run->result.report = report;
  run->nt            = calib->d.nsteps;
  PetscFunctionReturn(0);
}

/* Which steps an asset run judges (docs/calibration.md, "Incremental asset runs"): those after the
 * state's processed_until up to the record's end minus the settling time, with the settling time
 * before processed_until again as context (not counted). The data are cut to those steps.
 * *up_to_date: no new settled samples (nothing to do). */
static PetscErrorCode AssetRunChooseSteps(FtAssetRun *run, int *up_to_date)
{
  FtCalibration      *calib = &run->calib;
  const FtCase       *c     = &run->c;
  const FtAssetState *prev  = &run->prev;
  const long          nt    = run->nt;
  const double        settle = FtAssetSettleSeconds(&c->sensors, &calib->d), tlast = calib->d.t0 + (double)(nt - 1) * calib->d.dt;
  long                iend = nt - 1, icount = 0, istart = 0;

  PetscFunctionBeginUser;
  *up_to_date = 0;
  while (iend >= 0 && calib->d.t0 + (double)iend * calib->d.dt > tlast - settle) iend--;
  if (prev->h.found) {
    while (icount < nt && calib->d.t0 + (double)icount * calib->d.dt <= prev->h.processed_until) icount++;
    while (istart < icount && calib->d.t0 + (double)istart * calib->d.dt <= prev->h.processed_until - settle) istart++;
  }
  PetscCall(FtLogInfo("asset: record %.9g .. %.9g s; settling time %.3g s: steps up to t = %.9g s can be judged", calib->d.t0, tlast, settle,
                      iend >= 0 ? calib->d.t0 + (double)iend * calib->d.dt : NAN));
  if (iend < icount + (prev->h.found ? 0 : 1)) {
    PetscCheck(prev->h.found, run->comm, PETSC_ERR_USER_INPUT, "%s: the record (%.6g s) is not longer than the settling time %.3g s: nothing can be judged yet",
               c->sensors.data, tlast - calib->d.t0, settle);
    if (tlast < prev->h.processed_until)
      PetscCall(FtLogInfo("asset: WARNING: the record %s ends at t = %.9g s, before the last judged time %.9g s: is it this asset's current record?",
                          c->sensors.data, tlast, prev->h.processed_until));
    PetscCall(FtLogInfo("asset: no new settled samples after t = %.9g s: %s is up to date, nothing changed", prev->h.processed_until, run->out_path));
    *up_to_date = 1;
    PetscFunctionReturn(0);
  }
  if (prev->h.found && calib->d.t0 > prev->h.processed_until - settle)
    PetscCall(FtLogInfo("asset: WARNING: the record starts at t = %.9g s, after the context the first new steps need (from t = %.9g s): they are judged "
                        "with less context than one run over the whole record would have%s", calib->d.t0, prev->h.processed_until - settle,
                        calib->d.t0 > prev->h.processed_until ? "; the time between the last judged step and the record's start has no data" : ""));
  {
    const long n = iend - istart + 1;
    memmove(calib->d.y, calib->d.y + (size_t)istart * calib->ns, sizeof(double) * (size_t)n * calib->ns);
    memmove(calib->d.flag, calib->d.flag + (size_t)istart * calib->ns, (size_t)n * calib->ns);
    calib->step0    = istart;
    calib->ncontext = icount - istart;
    calib->d.nsteps = run->nt = n;
  }
  PetscCall(FtLogInfo("asset: judging %ld steps (t = %.9g .. %.9g s), of which %ld new and %ld context counted before", run->nt, FtCalStepTime(calib, 0),
                      FtCalStepTime(calib, run->nt - 1), run->nt - calib->ncontext, calib->ncontext));
  PetscFunctionReturn(0);
}

/* The sensors the cleaning kept, and their noise. */
static PetscErrorCode AssetRunSensorsUsed(FtAssetRun *run)
{
  FtCalibration *calib = &run->calib;
  int            nused = 0;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc2(calib->ns, &calib->use, calib->ns, &calib->noise));
  for (int i = 0; i < calib->ns; i++) {
    calib->use[i]   = !calib->d.quality[i].dropped;
    calib->noise[i] = run->c.sensors.sensors[i].noise;
    nused += calib->use[i];
  }
  PetscCheck(nused > 0, run->comm, PETSC_ERR_USER_INPUT, "%s: every sensor was dropped by the cleaning (see the report above): nothing to calibrate",
             run->c.sensors.data);
  run->tm_data = FtWallTime();
  PetscFunctionReturn(0);
}

/* Model set-up: the backends, the mesh, space and sensor locations (without a design basis; with
 * one only if a re-solve is needed), the nominal values, the fit steps (fit_samples spread evenly)
 * and the fit's arrays. */
static PetscErrorCode AssetRunSetUpModel(FtAssetRun *run)
{
  const FtAssetOptions    *opt   = run->opt;
  FtCalibration           *calib = &run->calib;
  const FtCalibrationCase *cal   = &run->c.calibration;
  const long               nt    = run->nt;
  const int                np = calib->np, ns = calib->ns, nk = calib->nk;

  PetscFunctionBeginUser;
  PetscCall(FtBackendSelect(opt->backend, &calib->be));
  /* the life band counts with the element backend's fatigue engine when it has one, else the CPU's (as the fatigue stage) */
  PetscCall(FtBackendSelectFatigue(calib->be->fatigue_batch ? opt->backend : "auto", &calib->fatigue_be));
  if (!opt->basis) PetscCall(FtModelSetUp(calib, &run->dm, &run->space)); /* with a design basis: only if a re-solve is needed */
  PetscCall(FtModelNominalValues(calib));

  calib->nfit = cal->fit_samples > 0 && cal->fit_samples < nt ? cal->fit_samples : nt;
  PetscCall(PetscMalloc5((size_t)calib->nfit * ns, &calib->yfit, (size_t)ns * nk, &calib->G, ns, &calib->b, (size_t)calib->nfit * nk, &calib->cfit, np + 1,
                         &calib->theta_lin));
  for (long q = 0; q < calib->nfit; q++) {
    const long t = (long)((double)q * nt / calib->nfit);
    memcpy(&calib->yfit[q * ns], &calib->d.y[t * ns], sizeof(double) * ns);
  }
  run->result.fit_steps = calib->nfit;
  PetscCall(PetscCalloc2(np + 1, &calib->pert, np + 1, &calib->delta));
  PetscCall(PetscMalloc5(np + 1, &run->theta, (size_t)FtFitNumResiduals(calib) * np + 1, &run->J, (size_t)np * np + 1, &run->H, (size_t)np * np + 1, &run->cov,
                         (size_t)np * np + 1, &run->lchol));
  PetscCall(PetscMalloc2(np + 1, &run->std_gn, np + 1, &run->std_sw));
  for (int j = 0; j < np; j++) run->std_gn[j] = run->std_sw[j] = NAN;
  PetscCall(PetscMalloc1(nk, &run->chan_names));
  for (int k = 0; k < nk; k++) run->chan_names[k] = run->c.fatigue.channels[k].name;
  for (int j = 0; j < np; j++) calib->theta_lin[j] = run->theta[j] = cal->params[j].prior;
  run->tm_model = FtWallTime();
  PetscFunctionReturn(0);
}

/* Model set-up, continued: linearise at the prior (FE solves), or read the design basis (the asset's
 * own basis when it was re-solved at commissioning), the --recalibrate prior, and whether the
 * sensors can tell the channels apart. */
static PetscErrorCode AssetRunLinearise(FtAssetRun *run)
{
  FtCalibration           *calib = &run->calib;
  const FtCase            *c     = &run->c;
  const FtCalibrationCase *cal   = &c->calibration;
  const FtAssetState      *prev  = &run->prev;
  FtCalibrationResult     *res   = &run->result;
  FtObsModel              *m     = &res->m;
  const MPI_Comm           comm  = run->comm;

  PetscFunctionBeginUser;
  if (run->opt->basis) {
    /* an asset that was re-solved at commissioning counts on its own basis from then on */
    if (prev->h.found && prev->h.relinearised) { /* the path recorded in the state */
      PetscCheck(access(prev->h.counting_basis, R_OK) == 0, comm, PETSC_ERR_FILE_OPEN,
                 "%s: ftwin asset: %s is counted on its own basis '%s', which cannot be read (moved or removed?)", c->path, run->out_path, prev->h.counting_basis);
      snprintf(run->basis_path, sizeof run->basis_path, "%s", prev->h.counting_basis);
    }
    PetscCall(FtDesignBasisRead(calib, prev->h.found && prev->h.relinearised ? run->basis_path : run->opt->basis));
    for (int j = 0; j < calib->np; j++) run->theta[j] = calib->theta_lin[j];
    if (prev->h.found) {
      for (int j = 0; j < calib->np; j++)
        PetscCheck(calib->theta_lin[j] == prev->basis_theta[j], comm, PETSC_ERR_USER_INPUT,
                   "%s: ftwin asset: the basis '%s' is linearised at %s = %.17g, but %s was counted on a basis linearised at %.17g: "
                   "it is not the basis this asset's counting state was made on", c->path, calib->design_basis, cal->params[j].name, calib->theta_lin[j],
                   run->out_path, prev->basis_theta[j]);
      memcpy(run->theta, prev->theta, sizeof(double) * calib->np);
    }
  } else PetscCall(FtModelLinearise(calib));
  if (prev->h.found && !run->holding) { /* --recalibrate: the previous posterior is the prior */
    int not_spd;
    PetscCall(FtFitPriorFromPosterior(calib, prev->theta, prev->cov, &not_spd));
    PetscCheck(!not_spd, comm, PETSC_ERR_USER_INPUT, "%s: the asset state's covariance is not positive definite", run->out_path);
  }
  FtModelGb(calib, calib->theta_lin, calib->G, calib->b);
  m->nsens = calib->ns; m->nchan = calib->nk; m->G = calib->G; m->b = calib->b; m->sigma = calib->noise; m->use = calib->use;
  {
    const int irc = FtIdentifiabilityCheck(m, run->chan_names, FT_CAL_MAX_COND, &res->id);
    PetscCheck(!irc || !res->id.separable, comm, PETSC_ERR_LIB, "identifiability check failed: %s", res->id.message);
  }
  PetscCall(FtLogInfo("identifiability: rank %d of %d, condition %.3g (singular values of the noise-weighted sensor-to-channel map)", res->id.rank, calib->nk,
                      res->id.cond));
  PetscCheck(res->id.separable, comm, PETSC_ERR_USER_INPUT, "%s: %s", c->path, res->id.message);
  PetscFunctionReturn(0);
}

/* The model at the prior (the first linearisation point), for the residuals before calibration,
 * and the cleaned data the screening starts from each time. */
static PetscErrorCode AssetRunKeepPrior(FtAssetRun *run)
{
  FtCalibration       *calib = &run->calib;
  FtCalibrationResult *res   = &run->result;
  const long           nt    = run->nt;
  const int            ns = calib->ns, nk = calib->nk;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc5((size_t)nt * nk, &res->c, (size_t)nt * nk, &res->cstd, (size_t)nt * ns, &res->pred, ns, &res->rms_before, ns, &res->rms_after));
  PetscCall(PetscMalloc2((size_t)ns * nk, &run->G0, ns, &run->b0));
  PetscCall(PetscCalloc1(ns, &res->outliers));
  PetscCall(PetscMalloc2((size_t)nt * ns, &run->y_clean, (size_t)nt * ns, &run->f_clean));
  memcpy(run->y_clean, calib->d.y, sizeof(double) * nt * ns);
  memcpy(run->f_clean, calib->d.flag, (size_t)nt * ns);
  memcpy(run->G0, calib->G, sizeof(double) * ns * nk);
  memcpy(run->b0, calib->b, sizeof(double) * ns);
  run->fe_before_fit = calib->t_fe;
  PetscFunctionReturn(0);
}

/* Hold: an asset run continuing its state keeps the calibration and the screening statistics;
 * the screening judges this run's steps with them. */
static PetscErrorCode AssetRunHold(FtAssetRun *run)
{
  FtCalibration       *calib = &run->calib;
  FtCalibrationResult *res   = &run->result;
  const FtAssetState  *prev  = &run->prev;
  long                 nout;

  PetscFunctionBeginUser;
  calib->hold_stats = 1;
  memcpy(calib->scr_med, prev->med, sizeof(double) * calib->ns);
  memcpy(calib->scr_scale, prev->scale, sizeof(double) * calib->ns);
  memcpy(calib->medstd, prev->medstd, sizeof(double) * calib->nk);
  nout = FtScreenOutliers(calib, run->theta, run->y_clean, run->f_clean, res->outliers);
  PetscCheck(nout >= 0, run->comm, PETSC_ERR_LIB, "calibration: outlier screening failed: %s", calib->err);
  res->outer     = 0;
  res->converged = 1;
  snprintf(res->tao_reason, sizeof res->tao_reason, "held from the asset state");
  PetscCall(FtLogInfo("calibration: held from the asset state (%d fitted run%s); %ld readings inconsistent with the other sensors excluded", prev->h.fitted_runs,
                      prev->h.fitted_runs == 1 ? "" : "s", nout));
  PetscFunctionReturn(0);
}

/* Fit: the parameters by TAO, the screening, fitted again when it excluded readings; re-linearised
 * (FE solves at the fit) while a stiffness parameter leaves the linear range, at most max_outer times. */
static PetscErrorCode AssetRunFit(FtAssetRun *run)
{
  FtCalibration           *calib = &run->calib;
  const FtCase            *c     = &run->c;
  const FtCalibrationCase *cal   = &c->calibration;
  FtCalibrationResult     *res   = &run->result;
  const MPI_Comm           comm  = run->comm;

  PetscFunctionBeginUser;
  for (res->outer = 1; res->outer <= cal->max_outer; res->outer++) {
    double moved = 0;
    int    jmax  = -1;
    PetscCall(FtFitParameters(calib, run->theta, res->tao_reason, sizeof res->tao_reason, &res->tao_its));
    {
      const long nout = FtScreenOutliers(calib, run->theta, run->y_clean, run->f_clean, res->outliers);
      PetscCheck(nout >= 0, comm, PETSC_ERR_LIB, "calibration: outlier screening failed: %s", calib->err);
      if (nout > 0) {
        PetscCall(FtLogInfo("calibration: %ld readings inconsistent with the other sensors (|residual| > %g x robust scale) excluded; fitting again", nout, FT_CAL_OUTLIER));
        PetscCall(FtFitParameters(calib, run->theta, res->tao_reason, sizeof res->tao_reason, &res->tao_its));
      }
    }
    for (int j = 0; j < calib->np; j++)
      if (FtCalParamIsStiff(cal->params[j].kind)) {
        const double r = fabs(run->theta[j] - calib->theta_lin[j]) / calib->theta_lin[j];
        if (r > moved) { moved = r; jmax = j; }
      }
    {
      char th[512] = "";
      for (int j = 0; j < calib->np; j++) snprintf(th + strlen(th), sizeof th - strlen(th), " %s=%.8g", cal->params[j].name, run->theta[j]);
      PetscCall(FtLogInfo("calibration: fit %d: %s in %" PetscInt_FMT " iterations:%s; largest stiffness move %.3g %% (%s)", res->outer, res->tao_reason,
                          res->tao_its, th, 100 * moved, jmax >= 0 ? cal->params[jmax].name : "none"));
    }
    if (moved <= cal->linear_range) {
      res->converged = 1;
      break;
    }
    if (res->outer == cal->max_outer) break;
    PetscCheck(!run->prev.h.found, comm, PETSC_ERR_SUP,
               "%s: ftwin asset --recalibrate: the fit moved %s by %.3g %% from the linearisation point of the basis this asset is counted on "
               "(linear range %.3g %%); carrying a counting state over to a re-solved basis is not implemented yet (a re-solved basis numbers "
               "its nodes by its own partition). %s is unchanged; run without --recalibrate, or start a new asset file (-o)",
               c->path, jmax >= 0 ? cal->params[jmax].name : "?", 100 * moved, 100 * cal->linear_range, run->out_path);
    PetscCall(FtLogInfo("calibration: beyond the linear range (%.3g %%): re-solving at the fitted parameters", 100 * cal->linear_range));
    memcpy(calib->theta_lin, run->theta, sizeof(double) * calib->np);
    if (!calib->have_fe) PetscCall(FtModelSetUp(calib, &run->dm, &run->space));
    PetscCall(FtModelLinearise(calib));
  }
  if (res->outer > cal->max_outer) res->outer = cal->max_outer;
  if (!res->converged) PetscCall(FtLogInfo("calibration: WARNING: still beyond the linear range after %d re-linearisations (calibration.max_outer)", cal->max_outer));
  PetscFunctionReturn(0);
}

/* The residuals per sensor before calibration (prior model, the same cleaned and screened data),
 * and the posterior covariance (J^T J)^-1 at the optimum (held: the state's) with its factor. */
static PetscErrorCode AssetRunPosterior(FtAssetRun *run)
{
  FtCalibration           *calib = &run->calib;
  const FtCalibrationCase *cal   = &run->c.calibration;
  FtCalibrationResult     *res   = &run->result;
  const int                np    = calib->np;

  PetscFunctionBeginUser;
  {
    FtIdentifyStats st;
    FtObsModel      m0 = res->m;
    memset(&st, 0, sizeof st);
    st.rms_residual = res->rms_before;
    m0.G            = run->G0;
    m0.b            = run->b0;
    PetscCheck(!FtIdentifyLoads(&m0, run->nt, calib->d.y, cal->regularization, res->c, NULL, &st, calib->err, sizeof calib->err), run->comm, PETSC_ERR_LIB, "%s",
               calib->err);
  }
  if (run->holding) {
    memcpy(run->cov, run->prev.cov, sizeof(double) * np * np);
    PetscCheck(!FtCholeskyLower(np, run->cov, run->lchol), run->comm, PETSC_ERR_USER_INPUT, "%s: the asset state's covariance is not positive definite",
               run->out_path);
  } else {
    PetscCall(FtFitPosterior(calib, run->theta, cal->covariance, run->J, run->H, run->cov, run->lchol, run->std_gn, run->std_sw));
    PetscCall(FtLogInfo("  posterior covariance: %s (calibration.covariance); sd sandwich / Gauss-Newton:", cal->covariance == FT_COV_SANDWICH ? "sandwich" : "Gauss-Newton"));
    for (int j = 0; j < np; j++) PetscCall(FtLogInfo("    %-16s %.3g / %.3g = %.3f", cal->params[j].name, run->std_sw[j], run->std_gn[j], run->std_sw[j] / run->std_gn[j]));
  }
  for (int j = 0; j < np; j++)
    PetscCall(FtLogInfo("  %-16s prior %.4g +- %.3g   fitted %.5g +- %.3g   bounds [%g, %g]", cal->params[j].name, cal->params[j].prior, cal->params[j].sigma,
                        run->theta[j], sqrt(run->cov[j * np + j]), cal->params[j].lower, cal->params[j].upper));
  run->tm_fit = FtWallTime();
  PetscFunctionReturn(0);
}

/* Screening and loads: the loads over every step with the calibrated model and their covariance;
 * weakly determined steps and unverifiable steps that fail the check against their neighbours
 * left out; the model readings, chi-square and its acceptance. */
static PetscErrorCode AssetRunLoads(FtAssetRun *run)
{
  FtCalibration           *calib = &run->calib;
  const FtCase            *c     = &run->c;
  const FtCalibrationCase *cal   = &c->calibration;
  FtCalibrationResult     *res   = &run->result;
  const long               nt    = run->nt;
  const int                ns = calib->ns, nk = calib->nk;
  long                     nunver = 0, nfail = 0;
  unsigned char           *unver;

  PetscFunctionBeginUser;
  FtModelGb(calib, run->theta, calib->G, calib->b);
  PetscCall(PetscMalloc1((size_t)nt * nk * nk + 1, &run->covt));
  memset(&res->st, 0, sizeof res->st);
  res->st.rms_residual = res->rms_after;
  PetscCheck(!FtIdentifyLoads(&res->m, nt, calib->d.y, cal->regularization, res->c, run->covt, &res->st, calib->err, sizeof calib->err), run->comm, PETSC_ERR_LIB,
             "%s", calib->err);
  for (long t = 0; t < nt; t++)
    for (int k = 0; k < nk; k++) res->cstd[t * nk + k] = sqrt(run->covt[(t * nk + k) * nk + k]);
  PetscCall(FtScreenWeakSteps(calib, nt, res->c, res->cstd, &res->weak));
  if (res->weak)
    PetscCall(FtLogInfo("loads: %ld steps weakly determined (a load std > %g x its median: too many readings flagged at once) left out of the history", res->weak,
                        FT_CAL_WEAK));
  /* Steps without redundancy: if leaving out one valid reading makes a load weakly determined, that
     load rests on that reading alone and an error in it cannot show in the residuals; it is checked
     against its neighbours in time instead (Hampel) and the step left out when it fails. So are the
     contested steps, where the model-residual screening excluded a reading: there the readings
     kept may be the faulty ones (two coincident spikes that agree outvote a good load cell:
     validation/coverage, issue 19), and the loads they give are checked the same way. */
  unver = calloc((size_t)nt, 1);
  PetscCheck(unver, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  PetscCall(FtScreenMarkUnverifiable(calib, &res->m, calib->medstd, res->c, unver, &nunver));
  {
    long ncontested = 0;
    for (long t = 0; t < nt; t++) {
      int contested = 0;
      for (int i = 0; i < ns && !contested; i++) contested = calib->d.flag[t * ns + i] == FT_SAMPLE_OUTLIER;
      if (contested && !unver[t] && isfinite(res->c[t * nk])) {
        unver[t] = 1;
        ncontested++;
      }
    }
    nfail = FtScreenHampelOnLoads(nk, nt, res->c, res->cstd, unver);
    if (nunver || ncontested)
      PetscCall(FtLogInfo("loads: %ld steps rest on a single reading for some load, %ld more had a reading excluded by the screening; %ld of them fail "
                          "the check against their neighbours in time and are left out",
                          nunver, ncontested, nfail));
  }
  res->weak += nfail;
  free(unver);
  /* the model readings b + G c, and chi2 against its 99.9 % quantile */
  for (long t = 0; t < nt; t++)
    for (int i = 0; i < ns; i++) {
      double v = calib->b[i];
      for (int k = 0; k < nk; k++) v += calib->G[i * nk + k] * res->c[t * nk + k];
      res->pred[t * ns + i] = v;
    }
  res->chi2       = res->st.chi2;
  res->dof        = (double)res->st.dof - calib->np;
  res->chi2_limit = res->dof > 0 ? FtChi2Quantile999(res->dof) : 0;
  res->acceptable = res->dof > 0 && res->chi2 <= res->chi2_limit;
  PetscCall(FtLogInfo("loads identified at %ld of %ld steps; chi2 %.6g for %.0f degrees of freedom (chi2/dof %.4f; 99.9 %% limit %.6g): fit %s",
                      nt - res->st.unidentified, nt, res->chi2, res->dof, res->dof > 0 ? res->chi2 / res->dof : NAN, res->chi2_limit,
                      res->acceptable ? "ACCEPTABLE" : "NOT acceptable (residuals larger than the stated noise)"));
  for (int i = 0; i < ns; i++)
    PetscCall(FtLogInfo("  sensor %-12s residual RMS / noise: before %.3g, after %.3g; %ld outliers excluded%s", c->sensors.sensors[i].id, res->rms_before[i],
                        res->rms_after[i], res->outliers[i], calib->use[i] ? "" : " (dropped)"));
  run->tm_loads = FtWallTime();
  PetscFunctionReturn(0);
}

/* The basis the fatigue is counted on: from a design basis without a re-solve, the design basis
 * itself (the stress hook applies the calibrated correction); an asset that re-solved, its own
 * design basis at the re-solve point (later runs count on it); `ftwin calibrate` with FE solves
 * here, the calibrated unit fields. */
static PetscErrorCode AssetRunCalibratedBasis(FtAssetRun *run)
{
  FtCalibration *calib = &run->calib;

  PetscFunctionBeginUser;
  if (!calib->have_fe) {
    if (calib->design_basis != run->basis_path) snprintf(run->basis_path, sizeof run->basis_path, "%s", calib->design_basis);
  } else if (run->opt->asset) {
    FtModelApplyParams(calib, calib->theta_lin);
    PetscCall(FtDesignBasisWriteFile(calib, run->basis_path, 0));
    for (int j = 0; j < calib->np; j++) run->H[j] = 1.0;
    FtModelApplyParams(calib, run->H);
    calib->design_basis      = run->basis_path;
    run->record.relinearised = 1;
    PetscCall(FtLogInfo("asset: its own basis at the re-solve point written: %s (later runs count on it)", run->basis_path));
  } else PetscCall(FtCalibratedBasisWrite(calib, run->theta, run->basis_path));
  run->tm_basis = FtWallTime();
  PetscFunctionReturn(0);
}

/* The identified history (identified, new steps only: context steps were counted by an earlier
 * run), and the per-step Cholesky factors of the load covariance (the ensemble's load errors). */
static PetscErrorCode AssetRunHistory(FtAssetRun *run)
{
  FtCalibration       *calib = &run->calib;
  const FtCase        *c     = &run->c;
  FtCalibrationResult *res   = &run->result;
  FtHistory           *h     = &run->hist;
  const long           nt    = run->nt;
  const int            nk    = calib->nk;

  PetscFunctionBeginUser;
  memset(h, 0, sizeof *h);
  h->nchan = nk;
  PetscCall(PetscMalloc2(nt, &h->time, (size_t)nt * nk, &h->L));
  for (long t = calib->ncontext; t < nt; t++) {
    if (!isfinite(res->c[t * nk])) continue;
    h->time[h->nsteps] = FtCalStepTime(calib, t);
    for (int k = 0; k < nk; k++) h->L[h->nsteps * nk + k] = c->fatigue.channels[k].scale * (res->c[t * nk + k] - c->fatigue.channels[k].offset);
    h->nsteps++;
  }
  PetscCheck(h->nsteps >= (run->prev.h.found ? 1 : 2), run->comm, PETSC_ERR_USER_INPUT, "%s: loads could be identified at only %ld new time steps: no history to count",
             c->sensors.data, h->nsteps);
  PetscCall(PetscMalloc1((size_t)nt * nk * nk + 1, &res->ct_chol));
  for (long t = 0; t < nt; t++)
    if (FtCholeskyLower(nk, &run->covt[t * nk * nk], &res->ct_chol[t * nk * nk])) memset(&res->ct_chol[t * nk * nk], 0, sizeof(double) * nk * nk);
  PetscCall(PetscFree(run->covt));
  PetscFunctionReturn(0);
}

/* Fatigue with the calibrated basis: the identified history counted into the asset file; the life
 * band and /calibration computed and written by the writer hook, inside the file before it is
 * renamed into place. A stop signal during the counting writes nothing (the previous asset file
 * stays, exit code 75: the requeued job runs the asset again and continues from it). */
static PetscErrorCode AssetRunFatigue(FtAssetRun *run)
{
  const FtAssetOptions *opt   = run->opt;
  FtCalibration        *calib = &run->calib;
  FtCalibrationResult  *res   = &run->result;
  const FtAssetState   *prev  = &run->prev;
  FtAssetRecord        *rec   = &run->record;

  PetscFunctionBeginUser;
  res->theta = run->theta; res->cov = run->cov; res->lchol = run->lchol; res->std_gn = run->std_gn; res->std_sw = run->std_sw; res->basis_path = run->basis_path; res->hist = &run->hist;
  res->resumed = prev->h.found;
  rec->prev = prev; rec->theta = run->theta; rec->cov = run->cov; rec->counting_basis = run->basis_path; rec->fitted = !run->holding;
  if (prev->h.found && !rec->relinearised) rec->relinearised = prev->h.relinearised;
  rec->processed_until = FtCalStepTime(calib, run->nt - 1);
  rec->counted_now     = run->hist.nsteps;
  res->mode = !opt->asset ? "calibrate: fitted on the whole record"
            : !prev->h.found ? "asset: commissioning (fitted on this run's steps)"
            : run->holding ? "asset: calibration and screening statistics held from the asset state"
                           : "asset: fitted again (--recalibrate) with the previous posterior as the prior";
  {
    FtFatigueResume resume = {run->out_path, prev->h.first_time, prev->h.last_time, prev->h.samples};
    FtFatigueHooks  hooks  = {CalibrationWriter, run, prev->h.found ? &resume : NULL, (opt->asset || !calib->have_fe) ? DesignBasisStressHook : NULL, run, 1,
                              opt->backend};
    PetscCall(FtFatigueCompute(run->comm, &run->c, &run->hist, run->basis_path, run->out_path, &run->summary, &hooks));
  }
  run->tm_end = FtWallTime();
  if (FtExitCode() == FT_EXIT_REQUEUE)
    PetscCall(FtLogInfo("asset run stopped on request (signal): %s left as it was; exit code %d: run it again", run->out_path, FT_EXIT_REQUEUE));
  else PetscCall(FtLogInfo("asset results written: %s", run->out_path));
  PetscCall(FtLogInfo("phases [s]: data (read, clean, resample) %.2f; model set-up (mesh, space, sensor location) %.2f; FE solves %d in %.2f; "
                      "parameter fit (outside FE solves) %.2f; loads (identification, checks) %.2f; calibrated basis %.2f; fatigue %.2f; "
                      "life band %.2f; writing /calibration %.2f; total %.2f",
                      run->tm_data - run->tm_start, run->tm_model - run->tm_data, calib->nsolves, calib->t_fe,
                      (run->tm_fit - run->tm_model) - (calib->t_fe - run->fe_before_fit) - run->fe_before_fit, run->tm_loads - run->tm_fit,
                      run->tm_basis - run->tm_loads, (run->tm_end - run->tm_basis) - calib->t_band - calib->t_write, calib->t_band, calib->t_write,
                      run->tm_end - run->tm_start));
  PetscFunctionReturn(0);
}

/* Frees whatever the phases allocated (every pointer NULL or allocated). */
static PetscErrorCode AssetRunFree(FtAssetRun *run)
{
  FtCalibration       *calib = &run->calib;
  FtCalibrationResult *res   = &run->result;

  PetscFunctionBeginUser;
  free(run->summary.hot_nodes);
  free(res->report);
  PetscCall(PetscFree(run->covt));
  PetscCall(PetscFree(res->ct_chol));
  PetscCall(PetscFree(res->life_samples));
  PetscCall(PetscFree(res->life_samples_raw));
  PetscCall(PetscFree2(run->hist.time, run->hist.L));
  PetscCall(PetscFree5(res->c, res->cstd, res->pred, res->rms_before, res->rms_after));
  PetscCall(PetscFree2(run->G0, run->b0));
  PetscCall(PetscFree2(run->y_clean, run->f_clean));
  PetscCall(PetscFree(res->outliers));
  PetscCall(PetscFree(run->chan_names));
  PetscCall(PetscFree5(run->theta, run->J, run->H, run->cov, run->lchol));
  PetscCall(PetscFree2(run->std_gn, run->std_sw));
  PetscCall(FtModelSolveFree(calib, &calib->base));
  for (int j = 0; calib->pert && j < calib->np; j++) PetscCall(FtModelSolveFree(calib, &calib->pert[j]));
  PetscCall(PetscFree2(calib->pert, calib->delta));
  PetscCall(PetscFree5(calib->yfit, calib->G, calib->b, calib->cfit, calib->theta_lin));
  PetscCall(PetscFree3(calib->E0, calib->alpha0, calib->h0));
  PetscCall(PetscFree2(calib->use, calib->noise));
  PetscCall(PetscFree5(calib->prior_mu, calib->prior_linv, calib->scr_med, calib->scr_scale, calib->medstd));
  PetscCall(FtAssetStateFree(&run->prev));
  PetscCall(FtSensorLocationFree(&calib->loc));
  FtSensorDataFree(&calib->d);
  if (calib->have_fe) PetscCall(FtSpaceDestroy(&run->space));
  PetscCall(DMDestroy(&run->dm));
  FtCaseFree(&run->c);
  PetscFunctionReturn(0);
}

PetscErrorCode FtCalibrateRun(MPI_Comm comm, const FtAssetOptions *opt)
{
  FtAssetRun *run;
  int         up_to_date = 0;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&run)); /* zeroed: every pointer NULL until its phase allocates it */
  run->opt  = opt;
  run->comm = comm;
  PetscCall(AssetRunBegin(run));
  PetscCall(AssetRunReadData(run));
  if (opt->asset) PetscCall(AssetRunChooseSteps(run, &up_to_date));
  if (!up_to_date) {
    PetscCall(AssetRunSensorsUsed(run));
    PetscCall(AssetRunSetUpModel(run));
    PetscCall(AssetRunLinearise(run));
    PetscCall(AssetRunKeepPrior(run));
    if (run->holding) PetscCall(AssetRunHold(run));
    else PetscCall(AssetRunFit(run));
    PetscCall(AssetRunPosterior(run));
    PetscCall(AssetRunLoads(run));
    PetscCall(AssetRunCalibratedBasis(run));
    PetscCall(AssetRunHistory(run));
    PetscCall(AssetRunFatigue(run));
  }
  PetscCall(AssetRunFree(run));
  PetscCall(PetscFree(run));
  PetscFunctionReturn(0);
}
