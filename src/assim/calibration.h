/* The calibration of one asset's model to its sensor data: the context every stage of it shares
 * (FtCalibration: the case, the linearised model, the data, the fit's prior, the screening
 * statistics) and what it produces (FtCalibrationResult: parameters, loads, checks, life band).
 * The method: docs/calibration.md. The stages: assim/model.h (the linearised model), assim/fit.h
 * (the parameter fit), assim/screen.h (outliers, unverifiable steps), assim/life_band.h. */
#ifndef FT_CALIBRATION_H
#define FT_CALIBRATION_H
#include <petscsys.h>

#include "assim/identify.h"
#include "case/case.h"
#include "fatigue/history.h"
#include "fem/space.h"
#include "physics/physics.h"
#include "runtime/backend.h"
#include "sensors/data.h"
#include "sensors/observe.h"

#define FT_CAL_FD_STEP 1e-3   /* forward-difference step of the FE sensitivities, relative */
#define FT_CAL_MAX_COND 1e8   /* identifiability: largest acceptable condition number */
#define FT_CAL_SEED 20261123u /* ensemble seed */
#define FT_CAL_WEAK 10.0      /* a step whose load std exceeds 10 x the channel's median std is not identified */
#define FT_CAL_HAMPEL 6.0     /* loads resting on one reading: Hampel threshold against their neighbours in time */
#define FT_CAL_OUTLIER 8.0    /* model-residual screening: |r| > 8 x the sensor's robust residual scale */

/* One FE solve of every load case at some parameters. */
typedef struct {
  double      *R;          /* [ns][nl] sensor responses, SI */
  Vec         *T, *u;      /* [nthermal], [nl] */
  double     **nst, **cst; /* [nl] node stress [nowned*6], cell stress [ncells*6] */
  FtSolveInfo *tinfo, *info;
} FtModelSolve;

typedef struct {
  MPI_Comm         comm;
  FtCase          *c;
  FtSpace         *s;
  const FtBackend *be;         /* element and stress kernels (FtBackendSelect) */
  const FtBackend *fatigue_be; /* the life band's fatigue engine (FtBackendSelectFatigue) */
  FtSensorLocation loc;
  int              ns, nl, nk, np, nth; /* sensors, load cases, channels, parameters, thermal cases */
  /* nominal values the parameters multiply */
  double *E0, *alpha0, *h0;
  int     nh;
  /* linearisation point and its solves */
  double      *theta_lin, *delta;
  FtModelSolve base, *pert; /* pert[j]: solve at theta_lin + delta_j e_j (stiffness parameters) */
  int          nsolves;
  /* data */
  FtSensorData d;
  int         *use;
  double      *noise;
  long         nfit;
  double      *yfit; /* [nfit][ns] */
  /* scratch */
  double     *G, *b, *cfit;
  char        err[1024];
  double      t_fe, t_band, t_write; /* wall time in FE solves, the life band, writing /calibration [s] */
  int         have_fe;      /* mesh, space and sensor locations set up (always for `basis`; for an asset run only when it must re-solve) */
  const char *design_basis; /* asset run: the design basis file (NULL: linearise with FE solves here) */
  /* the fit's Gaussian prior: mean and the inverse of the lower Cholesky factor of its covariance
     (the case's independent priors; with ftwin asset --recalibrate the asset's previous posterior) */
  double *prior_mu, *prior_linv; /* [np], [np][np] */
  /* statistics the screening judges a step by (med_i, scale_i of FtScreenOutliers; the median load
     std per channel): computed over this run's steps, or, with hold_stats, held from the asset state */
  double *scr_med, *scr_scale, *medstd; /* [ns], [ns], [nk] */
  int     hold_stats;
  /* ftwin asset: the data's common-base step j here is step step0 + j of the record; the first
     ncontext steps were counted by an earlier run and are judged again only as context */
  long               step0, ncontext;
  unsigned long long design_hash; /* FtCaseDesignHash of the case as read (before any parameter is applied) */
} FtCalibration;

/* What a calibration gives: the fitted model, the loads and their checks, the life band. */
typedef struct {
  const double     *theta, *cov; /* [np] fitted parameters, [np][np] posterior covariance */
  double           *lchol;       /* [np][np] Cholesky factor of the posterior covariance */
  const double     *std_gn, *std_sw; /* [np] standard deviations by the Gauss-Newton and the sandwich
                                      covariance (src/assim/fit.c); NaN where the run held the state's */
  FtIdentifiability id;
  double           *c, *cstd; /* [nsteps][nk] identified loads and their standard deviations */
  double           *pred;     /* [nsteps][ns] model readings b + G c */
  double           *rms_before, *rms_after;
  FtIdentifyStats   st;
  double            chi2, dof, chi2_limit;
  int               acceptable, outer, converged;
  long              fit_steps;
  char              tao_reason[64];
  PetscInt          tao_its;
  long              weak;     /* steps left out: loads weakly determined */
  long             *outliers; /* [ns] readings excluded by the model-residual screening */
  double           *ct_chol;  /* [nsteps][nk][nk] Cholesky factors of the per-step load covariance */
  FtObsModel        m;
  char             *report;     /* the cleaning report */
  const char       *basis_path; /* the calibrated basis the fatigue is counted on */
  const char       *mode;       /* what this run did with the calibration (/calibration attribute mode) */
  /* the life band */
  const FtHistory *hist;
  int              resumed;     /* ftwin asset continuing a state: hist holds this run's samples only */
  double           life_window; /* then: the nominal life of this run's samples at the hot spots [h] */
  double           life_nominal, life_p05, life_p50, life_p95, *life_samples;
  double          *life_samples_raw; /* [nsamples] the samples' own lives (duration / D_m), every band method */
  int              nsamples;
} FtCalibrationResult;

/* Time of step j of the (possibly cut) common base. */
static inline double FtCalStepTime(const FtCalibration *calib, long j) { return calib->d.t0 + (double)(calib->step0 + j) * calib->d.dt; }

/* Stiffness-type parameters (modulus, expansion, convection): the FE responses are nonlinear in them. */
static inline int FtCalParamIsStiff(int kind) { return kind == FT_PARAM_MODULUS || kind == FT_PARAM_EXPANSION || kind == FT_PARAM_CONVECTION; }

/* The sensor data read, cleaned and resampled on rank 0, then on every rank (calib->d); the
 * cleaning report as text on every rank (*report, free()). */
PetscErrorCode FtCalibrationReadSensorData(FtCalibration *calib, char **report);
/* Logs the report line by line. */
PetscErrorCode FtCalibrationLogReport(const char *report);
#endif
