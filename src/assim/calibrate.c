/* The asset run: sensor data -> cleaning -> parameters and loads -> fatigue with a life band.
 *
 * Notation. Channels k = 1..K (fatigue.channels: history value c_k, load case l_k, scale s_k,
 * offset o_k); load cases l; sensors i (sensors.list); parameters theta_j (calibration), each a
 * multiplier of a nominal case value.
 *
 * Sensor model. An FE solve at theta gives R_il(theta): the SI response of sensor i to load case
 * l (src/sensors/observe.h). Load-scale parameters g_l(theta) = prod of theta_j with
 * load_case l multiply the whole load case. With the sensor's unit (y_SI = to_si y + si_offset):
 *   y_i(t) = b_i + sum_k G_ik c_k(t) + e_i(t),            e_i ~ N(0, noise_i^2),
 *   G_ik   = g_lk R_i,lk s_k / to_si_i,
 *   b_i    = (base_i - si_offset_i) / to_si_i - sum_k G_ik o_k   (base_i = T_ref for a
 *            thermocouple, 0 otherwise);   load cells: G_ik = [k = channel_i], b_i = 0.
 *
 * Linearisation. R(theta) is nonlinear in stiffness-type parameters (modulus, expansion,
 * convection): R(theta) ~ R(theta_lin) + sum_j dR_j (theta_j - theta_lin,j), with dR_j from a
 * forward difference (step 1e-3 theta_lin,j: one FE solve per stiffness parameter). The same
 * first-order expansion gives the calibrated unit fields (displacements, temperatures,
 * stresses) for the fatigue stage. When the fit moves a stiffness parameter by more than
 * calibration.linear_range (relative) from theta_lin, the model is re-solved at the new point
 * (a new linearisation) and the fit repeated, at most calibration.max_outer times. FE solves
 * are counted and reported.
 *
 * Fit (variable projection). For fixed theta the loads are a linear least-squares problem per
 * time step (src/assim/identify.h); eliminating them leaves residuals of theta alone:
 *   r_ti(theta) = (y_ti - b_i - G_i c_t(theta)) / noise_i   over the fit steps t and valid i,
 *   r_prior,j   = (theta_j - prior_j) / sigma_j             (the Gaussian prior; with ftwin asset
 *                 --recalibrate the asset's previous posterior N(mu, L L^T): r_prior = L^-1 (theta - mu)),
 * minimised by PETSc TAO BRGN (bounded Gauss-Newton) within the bounds; options prefix cal_
 * (-cal_tao_monitor, -cal_tao_brgn_regularization_type ...). The fit uses fit_samples steps
 * spread evenly over the record (all when fewer). Jacobian: central differences of r.
 * Posterior covariance of theta: (J^T J)^-1 at the optimum (Gauss-Newton, prior rows
 * included); it describes the information of the fit steps used.
 *
 * Loads. With G(theta_hat): per-step weighted least squares over every step, with its covariance
 * (identify.h); steps without enough valid sensors have no load (counted, left out of the
 * history). Acceptance: chi2 = sum of squared normalised residuals over all steps, dof =
 * residuals - K * identified steps - parameters; acceptable when chi2 is below the 99.9 %
 * quantile of the chi-square distribution (Wilson-Hilferty approximation), i.e. the residuals
 * are as small as the stated noise says they should be.
 *
 * Life band (an ensemble, not linearised propagation): M = calibration.ensemble samples
 * theta_m ~ N(theta_hat, C_theta) (clipped to the bounds); for each, the loads identified again
 * with G(theta_m) plus a draw of their per-step posterior error N(0, cov_t), the hot-spot
 * stresses from the linearised fields at theta_m, and the damage of the hot-spot nodes of the
 * nominal run counted in full (rainflow, S-N, Miner). Life = history duration / max damage; the
 * band is the 5th, 50th and 95th percentile over the samples. Fixed seed: the band is
 * reproducible and the same on any number of ranks. An asset run that continues a state counts
 * only its new samples: the samples' lives are then computed over those samples and scaled by
 * (whole-record nominal life / nominal life of the new samples), i.e. the band's relative width
 * is that of the latest samples (an approximation: the earlier samples' uncertainty is not
 * carried).
 *
 * Incremental asset runs (ftwin asset, a design basis required). The asset file keeps a state
 * (/calibration/state): the last common-base step judged (processed_until), the parameters and
 * their covariance, the screening statistics, the basis the counting is on, and a log of the
 * runs; /fatigue keeps the rainflow residue and damage of every node. A run reads the whole
 * sensor record, cleans it, and judges the steps after processed_until up to the record's end
 * minus a settling time (stuck_seconds + gap + Hampel window + 12 steps): a step is judged once
 * every sample its cleaning and screening look at is in the record. The settling time before
 * processed_until is judged again as context (not counted). The first run calibrates
 * (commissioning); later runs hold that calibration and its screening statistics, so each step
 * is judged and counted exactly as one run over the whole record would (the incremental
 * equivalence), unless --recalibrate: the parameters are fitted on this run's steps with the
 * previous posterior as the prior, and the new model applies to this run's samples on (earlier
 * damage stays as counted). A commissioning run that must re-solve writes the asset's own
 * basis at its linearisation point (<asset>_relinearised_basis.h5), which later runs count on.
 * Unfinished: a --recalibrate run that would need another re-solve is refused (a re-solved
 * basis numbers its nodes by its own partition, so the counting state cannot be carried over). */
#define _POSIX_C_SOURCE 200809L
#include "assim/calibrate.h"

#include <errno.h>
#include <hdf5.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "assim/identify.h"
#include "case/case.h"
#include "fatigue/fatigue.h"
#include "fatigue/history.h"
#include "case/fatigue_params.h"
#include "fem/space.h"
#include "ft_fatigue_batch.h"
#include "io/case_load.h"
#include "io/h5util.h"
#include "io/output.h"
#include "mesh/mesh.h"
#include "physics/physics.h"
#include "sensors/data.h"
#include "sensors/observe.h"
#include "runtime/backend.h"
#include "runtime/log.h"
#include "runtime/stop.h"
#include "util/sort.h"
#include <petsctao.h>

#define FT_CAL_FD_STEP 1e-3   /* forward-difference step of the FE sensitivities, relative */
#define FT_CAL_MAX_COND 1e8   /* identifiability: largest acceptable condition number */
#define FT_CAL_SEED 20261123u /* ensemble seed */
#define FT_CAL_WEAK 10.0      /* a step whose load std exceeds 10 x the channel's median std is not identified */
#define FT_CAL_HAMPEL 6.0     /* loads resting on one reading: Hampel threshold against their neighbours in time */
#define FT_CAL_OUTLIER 8.0    /* model-residual screening: |r| > 8 x the sensor's robust residual scale */

/* One FE solve of every load case at some parameters. */
typedef struct {
  double      *R;     /* [ns][nl] sensor responses, SI */
  Vec         *T, *u; /* [nthermal], [nl] */
  double     **nst, **cst; /* [nl] node stress [nowned*6], cell stress [ncells*6] */
  FtSolveInfo *tinfo, *info;
} Solve;

typedef struct {
  MPI_Comm         comm;
  FtCase          *c;
  FtSpace         *s;
  const FtBackend *be;
  FtSensorLocation loc;
  int              ns, nl, nk, np, nth;
  /* nominal values the parameters multiply */
  double *E0, *alpha0, *h0; int nh;
  /* linearisation point and its solves */
  double *theta_lin, *delta;
  Solve   base, *pert; /* pert[j]: solve at theta_lin + delta_j e_j (stiffness parameters) */
  int     nsolves;
  /* data */
  FtSensorData d;
  int    *use;
  double *noise;
  long    nfit;
  double *yfit; /* [nfit][ns] */
  /* scratch */
  double *G, *b, *cfit;
  char    err[1024];
  double  t_fe, t_band, t_write; /* wall time in FE solves, the life band, writing /calibration [s] */
  int     have_fe;     /* mesh, space and sensor locations set up (always for `basis`; for an asset run only when it must re-solve) */
  const char *basis;   /* asset run: the design basis file (NULL: linearise with FE solves here) */
  /* the fit's Gaussian prior: mean and the inverse of the lower Cholesky factor of its covariance
     (the case's independent priors; with ftwin asset --recalibrate the asset's previous posterior) */
  double *prior_mu, *prior_linv; /* [np], [np][np] */
  /* statistics the screening judges a step by (med_i, scale_i of ScreenOutliers; the median load
     std per channel): computed over this run's steps, or, with hold_stats, held from the asset state */
  double *scr_med, *scr_scale, *medstd; /* [ns], [ns], [nk] */
  int     hold_stats;
  /* ftwin asset: the data's common-base step j here is step step0 + j of the record; the first
     ncontext steps were counted by an earlier run and are judged again only as context */
  long step0, ncontext;
  unsigned long long design_hash; /* FtCaseDesignHash of the case as read (before any parameter is applied) */
} Cal;

/* Time of step j of the (possibly cut) common base. */
static double StepTime(const Cal *C, long j) { return C->d.t0 + (double)(C->step0 + j) * C->d.dt; }

static int IsStiff(int kind) { return kind == FT_PARAM_MODULUS || kind == FT_PARAM_EXPANSION || kind == FT_PARAM_CONVECTION; }

/* ---- model at theta: case values, FE solve, sensitivities ------------------------------------ */

/* Sets E, alpha and h of the case to nominal x the product of the matching parameters. */
static void ApplyParams(Cal *C, const double *theta)
{
  FtCase *c = C->c;
  int     e = 0;
  for (int m = 0; m < c->nmaterials; m++) {
    double fE = 1, fa = 1;
    for (int j = 0; j < C->np; j++) {
      const FtCalParam *p = &c->calibration.params[j];
      if (p->region[0] && strcmp(p->region, c->materials[m].region)) continue;
      if (p->kind == FT_PARAM_MODULUS) fE *= theta[j];
      if (p->kind == FT_PARAM_EXPANSION) fa *= theta[j];
    }
    c->materials[m].E     = C->E0[m] * fE;
    c->materials[m].alpha = C->alpha0[m] * fa;
  }
  for (int t = 0; t < c->nthermal; t++)
    for (int q = 0; q < c->thermal[t].nconvection; q++, e++) {
      double fh = 1;
      for (int j = 0; j < C->np; j++) {
        const FtCalParam *p = &c->calibration.params[j];
        if (p->kind == FT_PARAM_CONVECTION && (!p->region[0] || !strcmp(p->region, c->thermal[t].convection[q].region))) fh *= theta[j];
      }
      c->thermal[t].convection[q].h = C->h0[e] * fh;
    }
}

static PetscErrorCode SolveFree(Cal *C, Solve *S)
{
  PetscFunctionBeginUser;
  if (!S->R) PetscFunctionReturn(0);
  if (S->T) { /* a solve with fields (an R-only one comes from a basis file) */
    for (int t = 0; t < C->nth; t++) PetscCall(VecDestroy(&S->T[t]));
    for (int l = 0; l < C->nl; l++) {
      PetscCall(VecDestroy(&S->u[l]));
      PetscCall(PetscFree2(S->nst[l], S->cst[l]));
    }
    PetscCall(PetscFree2(S->T, S->tinfo));
    PetscCall(PetscFree4(S->u, S->info, S->nst, S->cst));
  }
  PetscCall(PetscFree(S->R));
  memset(S, 0, sizeof *S);
  PetscFunctionReturn(0);
}

/* Thermal cases, elasticity (all load cases), stresses and sensor responses at theta. */
static PetscErrorCode SolveAt(Cal *C, const double *theta, Solve *S)
{
  FtCase *c = C->c;
  double *one;

  const double t0 = FtWallTime();

  PetscFunctionBeginUser;
  ApplyParams(C, theta);
  PetscCall(PetscCalloc2(C->nth + 1, &S->T, C->nth + 1, &S->tinfo));
  for (int t = 0; t < C->nth; t++) PetscCall(FtThermalSolve(C->s, c, t, &S->T[t], &S->tinfo[t]));
  PetscCall(PetscCalloc4(C->nl, &S->u, C->nl, &S->info, C->nl, &S->nst, C->nl, &S->cst));
  PetscCall(FtElasticitySolve(C->s, c, C->be, S->T, S->u, S->info));
  for (int l = 0; l < C->nl; l++) {
    PetscCall(PetscMalloc2((size_t)6 * C->s->nowned + 1, &S->nst[l], (size_t)6 * C->s->ncells + 1, &S->cst[l]));
    PetscCall(FtStressRecover(C->s, c, C->be, S->u[l], c->loads[l].thermal_case >= 0 ? S->T[c->loads[l].thermal_case] : NULL, S->nst[l],
                              S->cst[l]));
  }
  PetscCall(PetscMalloc1((size_t)C->ns * C->nl + 1, &S->R));
  if (C->ns) PetscCall(FtSensorsObserve(C->s, c, &C->loc, S->T, S->u, S->R));
  /* back to the nominal values */
  PetscCall(PetscMalloc1(C->np + 1, &one));
  for (int j = 0; j < C->np; j++) one[j] = 1.0;
  ApplyParams(C, one);
  PetscCall(PetscFree(one));
  C->nsolves++;
  C->t_fe += FtWallTime() - t0;
  PetscFunctionReturn(0);
}

/* The linearisation at theta_lin: the base solve and one per stiffness parameter. */
static PetscErrorCode Linearise(Cal *C)
{
  double *th;

  PetscFunctionBeginUser;
  PetscCall(SolveFree(C, &C->base));
  for (int j = 0; j < C->np; j++) PetscCall(SolveFree(C, &C->pert[j]));
  PetscCall(FtLogInfo("calibration: FE solve %d at the linearisation point", C->nsolves + 1));
  PetscCall(SolveAt(C, C->theta_lin, &C->base));
  PetscCall(PetscMalloc1(C->np + 1, &th));
  for (int j = 0; j < C->np; j++) {
    if (!IsStiff(C->c->calibration.params[j].kind)) continue;
    memcpy(th, C->theta_lin, sizeof(double) * C->np);
    C->delta[j] = FT_CAL_FD_STEP * C->theta_lin[j];
    th[j] += C->delta[j];
    PetscCall(FtLogInfo("calibration: sensitivity to %s (FE solve %d)", C->c->calibration.params[j].name, C->nsolves + 1));
    PetscCall(SolveAt(C, th, &C->pert[j]));
  }
  PetscCall(PetscFree(th));
  PetscFunctionReturn(0);
}

/* First-order weight of the sensitivity of parameter j at theta: (theta_j - theta_lin,j) / delta_j
 * for stiffness parameters, 0 otherwise. */
static double LinWeight(const Cal *C, const double *theta, int j)
{
  if (!IsStiff(C->c->calibration.params[j].kind)) return 0.0;
  return (theta[j] - C->theta_lin[j]) / C->delta[j];
}

/* g_l(theta): product of the load-scale parameters of load case l. */
static double LoadGain(const Cal *C, const double *theta, int l)
{
  double g = 1;
  for (int j = 0; j < C->np; j++)
    if (C->c->calibration.params[j].kind == FT_PARAM_LOAD_SCALE && C->c->calibration.params[j].load_case == l) g *= theta[j];
  return g;
}

/* G [ns][nk] and b [ns] of the sensor model at theta (header comment). */
static void ModelGb(const Cal *C, const double *theta, double *G, double *b)
{
  const FtCase *c = C->c;
  for (int i = 0; i < C->ns; i++) {
    const FtSensor *sn = &c->sensors.sensors[i];
    b[i]               = 0;
    for (int k = 0; k < C->nk; k++) G[i * C->nk + k] = 0;
    if (sn->type == FT_SENSOR_LOAD) {
      G[i * C->nk + sn->channel] = 1.0;
      continue;
    }
    for (int k = 0; k < C->nk; k++) {
      const FtFatigueChannel *ch = &c->fatigue.channels[k];
      const int               l  = ch->load_case;
      double                  R  = C->base.R[i * C->nl + l];
      for (int j = 0; j < C->np; j++) {
        const double w = LinWeight(C, theta, j);
        if (w != 0.0) R += w * (C->pert[j].R[i * C->nl + l] - C->base.R[i * C->nl + l]);
      }
      G[i * C->nk + k] = LoadGain(C, theta, l) * R * ch->scale / sn->to_si;
    }
    b[i] = ((sn->type == FT_SENSOR_TEMPERATURE ? c->T_ref : 0.0) - sn->si_offset) / sn->to_si;
    for (int k = 0; k < C->nk; k++) b[i] -= G[i * C->nk + k] * c->fatigue.channels[k].offset;
  }
}

/* Mesh, space and sensor locations (for the FE solves). */
static PetscErrorCode ModelSetUp(Cal *C, DM *dm, FtSpace *s)
{
  PetscFunctionBeginUser;
  PetscCall(FtMeshLoad(C->comm, C->c, dm));
  PetscCall(FtSpaceCreate(*dm, C->c, s));
  C->s = s;
  PetscCall(FtLogInfo("P%d space: %" PetscInt_FMT " nodes", s->order, s->nglobal));
  if (C->ns) PetscCall(FtSensorsLocate(s, C->c, &C->loc));
  C->have_fe = 1;
  PetscFunctionReturn(0);
}

/* Nominal E, alpha, h that the parameters multiply. */
static PetscErrorCode NominalValues(Cal *C)
{
  FtCase *c = C->c;

  PetscFunctionBeginUser;
  C->nh = 0;
  for (int t = 0; t < c->nthermal; t++) C->nh += c->thermal[t].nconvection;
  PetscCall(PetscMalloc3(c->nmaterials + 1, &C->E0, c->nmaterials + 1, &C->alpha0, C->nh + 1, &C->h0));
  for (int m = 0; m < c->nmaterials; m++) {
    C->E0[m]     = c->materials[m].E;
    C->alpha0[m] = c->materials[m].alpha;
  }
  for (int t = 0, e = 0; t < c->nthermal; t++)
    for (int q = 0; q < c->thermal[t].nconvection; q++) C->h0[e++] = c->thermal[t].convection[q].h;
  PetscFunctionReturn(0);
}

/* /basis: what an asset run takes from the design's FE solves instead of solving (ftwin basis).
 *   attributes design_hash, mesh_hash (FtCaseDesignHash, FtMeshFileHash), parameters (names)
 *   theta_lin [np], delta [np]             the linearisation point and forward-difference steps
 *   response [ns][nl]                     sensor responses to the unit load cases at theta_lin (SI)
 *   response_sensitivity [np][ns*nl]      d response / d theta_j (0 for non-stiffness parameters)
 *   stress_sensitivity_<j>_<l> [nodes][6] d nodal stress of load case l / d theta_j (stiffness j)
 * The unit fields themselves are the usual /load_cases and /thermal groups of the same file. */
static PetscErrorCode WriteBasisGroup(hid_t file, const char *path, void *ctx)
{
  Cal           *C = ctx;
  const FtCase  *c = C->c;
  const FtSpace *s = C->s;
  PetscMPIInt    rank;
  hid_t          g;
  char           hash[64], names[4096] = "";
  const hsize_t  np = (hsize_t)C->np, nsl = (hsize_t)C->ns * C->nl;
  double        *sens, *buf;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(C->comm, &rank));
  H5CHK(g = H5Gcreate2(file, "basis", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "/basis");
  snprintf(hash, sizeof hash, "%016llx", C->design_hash);
  PetscCall(FtH5AttrString(g, path, "design_hash", hash));
  snprintf(hash, sizeof hash, "%016llx", FtMeshFileHash(c->mesh_file));
  PetscCall(FtH5AttrString(g, path, "mesh_hash", hash));
  for (int j = 0; j < C->np; j++) snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", j ? "," : "", c->calibration.params[j].name);
  PetscCall(FtH5AttrString(g, path, "parameters", names));
  PetscCall(FtH5AttrString(g, path, "method", "forward differences, step 1e-3 theta_lin, one FE solve per stiffness parameter (src/assim/calibrate.c)"));
  PetscCall(PetscCalloc2(np * nsl + 1, &sens, (size_t)6 * s->nowned + 1, &buf));
  for (int j = 0; j < C->np; j++)
    if (IsStiff(c->calibration.params[j].kind))
      for (hsize_t q = 0; q < nsl; q++) sens[j * nsl + q] = (C->pert[j].R[q] - C->base.R[q]) / C->delta[j];
  PetscCall(FtH5WriteRows(g, path, "theta_lin", H5T_NATIVE_DOUBLE, np, 0, 0, rank ? 0 : np, C->theta_lin));
  PetscCall(FtH5WriteRows(g, path, "delta", H5T_NATIVE_DOUBLE, np, 0, 0, rank ? 0 : np, C->delta));
  PetscCall(FtH5WriteRows(g, path, "response", H5T_NATIVE_DOUBLE, (hsize_t)C->ns, (hsize_t)C->nl, 0, rank ? 0 : (hsize_t)C->ns, C->base.R));
  PetscCall(FtH5WriteRows(g, path, "response_sensitivity", H5T_NATIVE_DOUBLE, np, nsl, 0, rank ? 0 : np, sens));
  for (int j = 0; j < C->np; j++) {
    if (!IsStiff(c->calibration.params[j].kind)) continue;
    for (int l = 0; l < C->nl; l++) {
      char name[64];
      for (PetscInt q = 0; q < 6 * s->nowned; q++) buf[q] = (C->pert[j].nst[l][q] - C->base.nst[l][q]) / C->delta[j];
      snprintf(name, sizeof name, "stress_sensitivity_%d_%d", j, l);
      PetscCall(FtH5WriteRows(g, path, name, H5T_NATIVE_DOUBLE, (hsize_t)s->nglobal, 6, (hsize_t)s->ownedStart, (hsize_t)s->nowned, buf));
    }
  }
  PetscCall(PetscFree2(sens, buf));
  H5Gclose(g);
  PetscFunctionReturn(0);
}

/* A complete basis file at the linearisation point in C->base (the `run` layout of its fields plus
 * /basis) to `path` (xdmf: also its XDMF), collective: `ftwin basis`, and an asset's own basis
 * after a re-solve. The case's output file and XDMF setting are restored afterwards. */
static PetscErrorCode WriteBasisFile(Cal *C, const char *path, int xdmf)
{
  FtCase   *c = C->c;
  FtResults r;
  char      saved[FT_PATH_MAX];
  int       saved_xdmf = c->write_xdmf;

  PetscFunctionBeginUser;
  memset(&r, 0, sizeof r);
  r.T = C->base.T; r.tinfo = C->base.tinfo; r.u = C->base.u; r.info = C->base.info; r.node_stress = C->base.nst; r.cell_stress = C->base.cst;
  r.backend = C->be->name; r.extra = WriteBasisGroup; r.extra_ctx = C;
  memcpy(saved, c->output_file, sizeof saved);
  if (path != c->output_file) snprintf(c->output_file, sizeof c->output_file, "%s", path);
  c->write_xdmf = xdmf;
  PetscCall(FtOutputWrite(C->s, c, &r));
  memcpy(c->output_file, saved, sizeof saved);
  c->write_xdmf = saved_xdmf;
  PetscFunctionReturn(0);
}

/* Asset run from a design basis: the linearisation (responses and their sensitivities) from
 * `ftwin basis`, after checking that the basis was built from this case's design. */
static PetscErrorCode ReadBasis(Cal *C, const char *path)
{
  const FtCase *c = C->c;
  PetscMPIInt   rank;
  const int     np = C->np, nsl = C->ns * C->nl;
  double       *sens;
  struct { int err; char msg[1024], hash[64]; } st;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(C->comm, &rank));
  memset(&st, 0, sizeof st);
  PetscCall(PetscCalloc1((size_t)np * nsl + 1, &sens));
  PetscCall(PetscMalloc1((size_t)nsl + 1, &C->base.R));
  if (rank == 0) {
    H5E_auto2_t efn;
    void       *edata;
    hid_t       f;
    H5Eget_auto2(H5E_DEFAULT, &efn, &edata);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) st.err = 1, snprintf(st.msg, sizeof st.msg, "cannot open the basis '%s'", path);
    else if (H5Lexists(f, "/basis", H5P_DEFAULT) <= 0) st.err = 1, snprintf(st.msg, sizeof st.msg, "'%s' has no /basis group: make it with `ftwin basis`", path);
    else {
      hid_t g = H5Gopen2(f, "/basis", H5P_DEFAULT);
      (void)FtH5ReadStringAttr(g, "design_hash", st.hash, sizeof st.hash); /* rank 0 alone; checked after the broadcast */
      H5Gclose(g);
      if (FtH5ReadAllSerial(f, "/basis/theta_lin", C->theta_lin, (hsize_t)np) || FtH5ReadAllSerial(f, "/basis/delta", C->delta, (hsize_t)np) ||
          FtH5ReadAllSerial(f, "/basis/response", C->base.R, (hsize_t)nsl) || FtH5ReadAllSerial(f, "/basis/response_sensitivity", sens, (hsize_t)np * nsl))
        st.err = 1, snprintf(st.msg, sizeof st.msg, "'%s': /basis does not match this case's sensors, load cases and parameters (%d x %d x %d): "
                                                     "it was built for another design", path, C->ns, C->nl, np);
    }
    if (f >= 0) H5Fclose(f);
    H5Eset_auto2(H5E_DEFAULT, efn, edata);
  }
  PetscCallMPI(MPI_Bcast(&st, (int)sizeof st, MPI_BYTE, 0, C->comm));
  PetscCheck(!st.err, C->comm, PETSC_ERR_USER_INPUT, "%s: --basis: %s", c->path, st.msg);
  {
    char mine[64];
    snprintf(mine, sizeof mine, "%016llx", FtCaseDesignHash(c));
    PetscCheck(!strcmp(mine, st.hash), C->comm, PETSC_ERR_USER_INPUT,
               "%s: --basis '%s' was built from another design (design hash %s, this case's %s: mesh, materials, boundary conditions, "
               "load cases, sensor layout, parameters or channels differ); rebuild it with `ftwin basis`", c->path, path, st.hash, mine);
  }
  PetscCallMPI(MPI_Bcast(C->theta_lin, np, MPI_DOUBLE, 0, C->comm));
  PetscCallMPI(MPI_Bcast(C->delta, np, MPI_DOUBLE, 0, C->comm));
  PetscCallMPI(MPI_Bcast(C->base.R, nsl, MPI_DOUBLE, 0, C->comm));
  PetscCallMPI(MPI_Bcast(sens, np * nsl, MPI_DOUBLE, 0, C->comm));
  for (int j = 0; j < np; j++) {
    if (!IsStiff(c->calibration.params[j].kind)) continue;
    PetscCall(PetscMalloc1((size_t)nsl + 1, &C->pert[j].R));
    for (int q = 0; q < nsl; q++) C->pert[j].R[q] = C->base.R[q] + C->delta[j] * sens[j * nsl + q];
  }
  PetscCall(PetscFree(sens));
  C->basis = path;
  PetscCall(FtLogInfo("basis %s: design hash %s matches; linearisation point and sensitivities taken from it (no FE solve)", path, st.hash));
  PetscFunctionReturn(0);
}

/* ---- the fit --------------------------------------------------------------------------------- */

static long NumResiduals(const Cal *C) { return C->nfit * C->ns + C->np; }

/* Variable-projection residual r(theta) (header comment); invalid entries are 0. */
static int FitResidual(Cal *C, const double *theta, double *r)
{
  const FtCalibrationCase *cal = &C->c->calibration;
  FtObsModel               m;
  FtIdentifyStats          st;

  ModelGb(C, theta, C->G, C->b);
  m.nsens = C->ns; m.nchan = C->nk; m.G = C->G; m.b = C->b; m.sigma = C->noise; m.use = C->use;
  memset(&st, 0, sizeof st);
  if (FtIdentifyLoads(&m, C->nfit, C->yfit, cal->regularization, C->cfit, NULL, &st, C->err, sizeof C->err)) return 1;
  for (long t = 0; t < C->nfit; t++) {
    const double *c = &C->cfit[t * C->nk];
    for (int i = 0; i < C->ns; i++) {
      const double y = C->yfit[t * C->ns + i];
      double       v = 0;
      if (C->use[i] && isfinite(y) && isfinite(c[0])) {
        v = y - C->b[i];
        for (int k = 0; k < C->nk; k++) v -= C->G[i * C->nk + k] * c[k];
        v /= C->noise[i];
      }
      r[t * C->ns + i] = v;
    }
  }
  (void)cal;
  for (int j = 0; j < C->np; j++) { /* L^-1 (theta - mu): the prior's covariance is L L^T */
    double v = 0;
    for (int q = 0; q <= j; q++) v += C->prior_linv[j * C->np + q] * (theta[q] - C->prior_mu[q]);
    r[C->nfit * C->ns + j] = v;
  }
  return 0;
}

/* J [nres][np] (column-major, as MATSEQDENSE stores it) by central differences. */
static int FitJacobian(Cal *C, const double *theta, double *J)
{
  const long nres = NumResiduals(C);
  double    *th = malloc(sizeof(double) * C->np), *rp = malloc(sizeof(double) * nres), *rm = malloc(sizeof(double) * nres);
  int        rc = (!th || !rp || !rm);
  for (int j = 0; j < C->np && !rc; j++) {
    const double h = 1e-6 * fmax(fabs(theta[j]), 1.0);
    memcpy(th, theta, sizeof(double) * C->np);
    th[j] = theta[j] + h;
    rc    = FitResidual(C, th, rp);
    th[j] = theta[j] - h;
    if (!rc) rc = FitResidual(C, th, rm);
    for (long q = 0; q < nres && !rc; q++) J[(size_t)j * nres + q] = (rp[q] - rm[q]) / (2 * h);
  }
  free(th);
  free(rp);
  free(rm);
  return rc;
}

static PetscErrorCode TaoResidual(Tao tao, Vec x, Vec f, void *ctx)
{
  Cal               *C = ctx;
  const PetscScalar *th;
  PetscScalar       *r;

  PetscFunctionBeginUser;
  PetscCall(VecGetArrayRead(x, &th));
  PetscCall(VecGetArray(f, &r));
  PetscCheck(!FitResidual(C, th, r), PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "calibration: %s", C->err);
  PetscCall(VecRestoreArray(f, &r));
  PetscCall(VecRestoreArrayRead(x, &th));
  PetscFunctionReturn(0);
}

static PetscErrorCode TaoJacobian(Tao tao, Vec x, Mat J, Mat Jpre, void *ctx)
{
  Cal               *C = ctx;
  const PetscScalar *th;
  PetscScalar       *a;

  PetscFunctionBeginUser;
  PetscCall(VecGetArrayRead(x, &th));
  PetscCall(MatDenseGetArray(J, &a));
  PetscCheck(!FitJacobian(C, th, a), PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "calibration: %s", C->err);
  PetscCall(MatDenseRestoreArray(J, &a));
  PetscCall(VecRestoreArrayRead(x, &th));
  PetscCall(MatAssemblyBegin(J, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(J, MAT_FINAL_ASSEMBLY));
  PetscFunctionReturn(0);
}

/* Gauss-Newton polish after TAO: TAO stops on the gradient, which in a flat direction can leave
 * the parameters short of the optimum by more than the results should depend on (e.g. on the
 * partition through the last digits of the FE solves). Steps delta = -(J^T J)^-1 J^T r, clipped to
 * the bounds and halved while the objective does not decrease, until max_j |delta_j| / max(|theta_j|, 1)
 * < 1e-10 (at most 20 steps). */
static int InvertSPD(int n, double *A);
static PetscErrorCode Polish(Cal *C, double *theta)
{
  const FtCalibrationCase *cal = &C->c->calibration;
  const long               nres = NumResiduals(C);
  const int                np = C->np;
  double *J = malloc(sizeof(double) * nres * np), *r = malloc(sizeof(double) * nres), *H = malloc(sizeof(double) * np * np),
         *g = malloc(sizeof(double) * np), *trial = malloc(sizeof(double) * np), f0 = 0, f1;

  PetscBool mon = PETSC_FALSE;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsGetBool(NULL, NULL, "-cal_polish_monitor", &mon, NULL));
  PetscCheck(J && r && H && g && trial, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  for (int it = 0; it < 20; it++) {
    double step = 1.0, rel = 0;
    PetscCheck(!FitResidual(C, theta, r) && !FitJacobian(C, theta, J), PETSC_COMM_SELF, PETSC_ERR_LIB, "calibration: %s", C->err);
    f0 = 0;
    for (long q = 0; q < nres; q++) f0 += r[q] * r[q];
    for (int a = 0; a < np; a++) {
      g[a] = 0;
      for (long q = 0; q < nres; q++) g[a] += J[(size_t)a * nres + q] * r[q];
      for (int b = 0; b < np; b++) {
        double sum = 0;
        for (long q = 0; q < nres; q++) sum += J[(size_t)a * nres + q] * J[(size_t)b * nres + q];
        H[a * np + b] = sum;
      }
    }
    if (InvertSPD(np, H)) break;
    for (;;) {
      rel = 0;
      for (int a = 0; a < np; a++) {
        double d = 0;
        for (int b = 0; b < np; b++) d -= H[a * np + b] * g[b];
        trial[a] = PetscMin(PetscMax(theta[a] + step * d, cal->params[a].lower), cal->params[a].upper);
        rel      = PetscMax(rel, fabs(trial[a] - theta[a]) / PetscMax(fabs(theta[a]), 1.0));
      }
      PetscCheck(!FitResidual(C, trial, r), PETSC_COMM_SELF, PETSC_ERR_LIB, "calibration: %s", C->err);
      f1 = 0;
      for (long q = 0; q < nres; q++) f1 += r[q] * r[q];
      if (f1 <= f0 || rel < 1e-12) break;
      step *= 0.5;
    }
    if (mon) PetscCall(PetscPrintf(PETSC_COMM_SELF, "  polish %d: f %.17g -> %.17g, step %g, rel %.3g\n", it, f0, f1, step, rel));
    if (f1 <= f0) memcpy(theta, trial, sizeof(double) * np);
    if (rel < 1e-10 || f1 > f0) break;
  }
  free(J);
  free(r);
  free(H);
  free(g);
  free(trial);
  PetscFunctionReturn(0);
}

/* theta (in: start, out: the fit) by TAO BRGN on this rank alone: every rank has the same data
 * and runs the same deterministic fit. */
static PetscErrorCode Fit(Cal *C, double *theta, char *reason, size_t rlen, PetscInt *its)
{
  const FtCalibrationCase *cal  = &C->c->calibration;
  const long               nres = NumResiduals(C);
  Tao                      tao;
  Vec                      x, xl, xu, r;
  Mat                      J;
  PetscScalar             *a;
  TaoConvergedReason       why;

  PetscFunctionBeginUser;
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, C->np, &x));
  PetscCall(VecDuplicate(x, &xl));
  PetscCall(VecDuplicate(x, &xu));
  PetscCall(VecGetArray(x, &a));
  for (int j = 0; j < C->np; j++) a[j] = PetscMin(PetscMax(theta[j], cal->params[j].lower), cal->params[j].upper);
  PetscCall(VecRestoreArray(x, &a));
  PetscCall(VecGetArray(xl, &a));
  for (int j = 0; j < C->np; j++) a[j] = cal->params[j].lower;
  PetscCall(VecRestoreArray(xl, &a));
  PetscCall(VecGetArray(xu, &a));
  for (int j = 0; j < C->np; j++) a[j] = cal->params[j].upper;
  PetscCall(VecRestoreArray(xu, &a));
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, (PetscInt)nres, &r));
  PetscCall(MatCreateSeqDense(PETSC_COMM_SELF, (PetscInt)nres, C->np, NULL, &J));

  PetscCall(TaoCreate(PETSC_COMM_SELF, &tao));
  PetscCall(TaoSetOptionsPrefix(tao, "cal_"));
  PetscCall(TaoSetType(tao, TAOBRGN));
  PetscCall(TaoSetSolution(tao, x));
  PetscCall(TaoSetVariableBounds(tao, xl, xu));
  PetscCall(TaoSetResidualRoutine(tao, r, TaoResidual, C));
  PetscCall(TaoSetJacobianResidualRoutine(tao, J, J, TaoJacobian, C));
  PetscCall(TaoSetTolerances(tao, 1e-6, 1e-9, 0.0)); /* then polished by Gauss-Newton steps (Polish) */
  PetscCall(TaoSetMaximumIterations(tao, 200));
  PetscCall(TaoSetFromOptions(tao));
  PetscCall(TaoSolve(tao));
  PetscCall(TaoGetConvergedReason(tao, &why));
  PetscCall(TaoGetIterationNumber(tao, its));
  snprintf(reason, rlen, "%s", TaoConvergedReasons[why]);
  PetscCheck(why > 0, PETSC_COMM_SELF, PETSC_ERR_NOT_CONVERGED, "calibration: the parameter fit (TAO BRGN) did not converge: %s after %" PetscInt_FMT " iterations (try -cal_tao_monitor)",
             reason, *its);
  PetscCall(VecGetArray(x, &a));
  for (int j = 0; j < C->np; j++) theta[j] = a[j];
  PetscCall(VecRestoreArray(x, &a));
  PetscCall(TaoDestroy(&tao));
  PetscCall(Polish(C, theta));
  PetscCall(MatDestroy(&J));
  PetscCall(VecDestroy(&r));
  PetscCall(VecDestroy(&xu));
  PetscCall(VecDestroy(&xl));
  PetscCall(VecDestroy(&x));
  PetscFunctionReturn(0);
}

/* In-place inverse of the SPD n x n matrix A by Cholesky; 1 when not positive definite. */
static int InvertSPD(int n, double *A)
{
  double *L = calloc((size_t)n * n, sizeof(double)), *X = calloc((size_t)n * n, sizeof(double));
  int     rc = (!L || !X);
  for (int i = 0; i < n && !rc; i++)
    for (int j = 0; j <= i && !rc; j++) {
      double s = A[i * n + j];
      for (int k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      if (i == j) {
        if (!(s > 0)) rc = 1;
        else L[i * n + i] = sqrt(s);
      } else L[i * n + j] = s / L[j * n + j];
    }
  for (int col = 0; col < n && !rc; col++) { /* solve L L^T x = e_col */
    double *x = &X[col * n];
    for (int i = 0; i < n; i++) {
      double s = (i == col);
      for (int k = 0; k < i; k++) s -= L[i * n + k] * x[k];
      x[i] = s / L[i * n + i];
    }
    for (int i = n - 1; i >= 0; i--) {
      double s = x[i];
      for (int k = i + 1; k < n; k++) s -= L[k * n + i] * x[k];
      x[i] = s / L[i * n + i];
    }
  }
  if (!rc)
    for (int i = 0; i < n; i++)
      for (int j = 0; j < n; j++) A[i * n + j] = X[j * n + i];
  free(L);
  free(X);
  return rc;
}

/* Lower Cholesky factor of the SPD n x n matrix A into L (0 on success). */
static int Cholesky(int n, const double *A, double *L)
{
  memset(L, 0, sizeof(double) * n * n);
  for (int i = 0; i < n; i++)
    for (int j = 0; j <= i; j++) {
      double s = A[i * n + j];
      for (int k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      if (i == j) {
        if (!(s > 0)) {
          if (s > -1e-300) { L[i * n + i] = 0; continue; } /* a zero-variance direction */
          return 1;
        }
        L[i * n + i] = sqrt(s);
      } else L[i * n + j] = L[j * n + j] > 0 ? s / L[j * n + j] : 0.0;
    }
  return 0;
}

/* Deterministic normal deviates: splitmix64 + Box-Muller. */
typedef struct { uint64_t s; int has; double spare; } Rng;
static double RngUniform(Rng *g)
{
  uint64_t z = (g->s += 0x9E3779B97F4A7C15ull);
  z          = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z          = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return ((double)(z >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}
static double RngNormal(Rng *g)
{
  double u, v;
  if (g->has) { g->has = 0; return g->spare; }
  u        = RngUniform(g);
  v        = RngUniform(g);
  g->spare = sqrt(-2 * log(u)) * sin(6.283185307179586 * v);
  g->has   = 1;
  return sqrt(-2 * log(u)) * cos(6.283185307179586 * v);
}

/* 99.9 % quantile of chi-square with dof degrees of freedom (Wilson-Hilferty). */
static double Chi2Quantile999(double dof)
{
  const double z = 3.090232306167813, a = 2.0 / (9.0 * dof);
  const double q = 1 - a + z * sqrt(a);
  return dof * q * q * q;
}


/* p-th percentile (0..100) of sorted v[n], linear interpolation between order statistics. */
static double Percentile(const double *v, int n, double p)
{
  const double pos = p / 100.0 * (n - 1);
  const int    i   = (int)floor(pos);
  if (i >= n - 1) return v[n - 1];
  return v[i] + (pos - i) * (v[i + 1] - v[i]);
}

/* Model-residual screening (after each fit). With the loads identified at theta, the normalised
 * residual of reading i at step t is r_ti = (y - b - G c) / noise. Per sensor, its typical misfit
 * is med_i = median_t r_ti and scale_i = max(1, 1.4826 MAD_t r_ti) (robust: it adapts to a
 * sensor's model error, so a consistent misfit is not taken for outliers), z_ti = (r_ti - med_i) /
 * scale_i. Then per step, one reading at a time (a bad reading spreads its error over every
 * residual of the step through the least-squares loads):
 *     while some |z_ti| > FT_CAL_OUTLIER and more than nchan readings remain:
 *         exclude the reading j whose removal leaves the smallest sum of z^2 over the others
 *         (loads re-solved without j: leave-one-out), flag it OUTLIER (value NaN).
 * Such readings disagree with what the other sensors say at that step (a spike the Hampel
 * filter missed on a fast-changing signal, a glitch no other sensor shows). The screening starts
 * from the cleaned data each time (it does not accumulate over fits). med_i and scale_i are kept
 * in C->scr_med/scr_scale (the asset state); with C->hold_stats they are taken from there instead
 * of this run's steps, so every step is judged as in the run that set them. Returns the number
 * excluded, -1 on failure (C->err). */
static long ScreenOutliers(Cal *C, const double *theta, const double *y_clean, const unsigned char *f_clean, long *count)
{
  const long nt = C->d.nsteps;
  const int  ns = C->ns, nk = C->nk;
  FtObsModel m;
  double    *c = malloc(sizeof(double) * (size_t)nt * nk), *r = malloc(sizeof(double) * (size_t)nt), *med = C->scr_med,
         *scale = C->scr_scale;
  long       total = 0;
  int        rc    = (!c || !r);

  memcpy(C->d.y, y_clean, sizeof(double) * nt * ns);
  memcpy(C->d.flag, f_clean, (size_t)nt * ns);
  memset(count, 0, sizeof(long) * ns);
  ModelGb(C, theta, C->G, C->b);
  m.nsens = ns; m.nchan = nk; m.G = C->G; m.b = C->b; m.sigma = C->noise; m.use = C->use;
  if (!rc) rc = FtIdentifyLoads(&m, nt, C->d.y, C->c->calibration.regularization, c, NULL, NULL, C->err, sizeof C->err);
  /* each sensor's typical misfit (held from the asset state: judged as the run that set them) */
  for (int i = 0; i < ns && !rc && !C->hold_stats; i++) {
    long n = 0;
    med[i]   = 0;
    scale[i] = INFINITY;
    if (!C->use[i]) continue;
    for (long t = 0; t < nt; t++) {
      const double y = C->d.y[t * ns + i];
      double       v;
      if (!isfinite(y) || !isfinite(c[t * nk])) continue;
      v = y - C->b[i];
      for (int k = 0; k < nk; k++) v -= C->G[i * nk + k] * c[t * nk + k];
      r[n++] = v / C->noise[i];
    }
    if (n < 10) continue;
    qsort(r, n, sizeof(double), FtCmpDouble);
    med[i] = Percentile(r, (int)n, 50);
    for (long q = 0; q < n; q++) r[q] = fabs(r[q] - med[i]);
    qsort(r, n, sizeof(double), FtCmpDouble);
    scale[i] = fmax(1.0, 1.4826 * Percentile(r, (int)n, 50));
  }
  /* per step: while some reading is far off, exclude the one whose removal explains the step
     best (leave-one-out: the smallest robust misfit of the others after re-solving without it;
     judging by the largest residual alone would often blame a good, precise gauge for the error
     of a spiked load cell, which the least-squares loads spread over every reading) */
  for (long t = 0; t < nt && !rc; t++) {
    double *yt = &C->d.y[t * ns], *ct = &c[t * nk], ctry[64];
    for (;;) {
      int    nvalid = 0, far = 0, best = -1;
      double best_misfit = INFINITY;
      if (!isfinite(ct[0])) break;
      for (int i = 0; i < ns; i++) {
        double v;
        if (!C->use[i] || !isfinite(yt[i])) continue;
        nvalid++;
        v = yt[i] - C->b[i];
        for (int k = 0; k < nk; k++) v -= C->G[i * nk + k] * ct[k];
        far |= fabs(v / C->noise[i] - med[i]) / scale[i] > FT_CAL_OUTLIER;
      }
      if (!far || nvalid <= nk) break;
      for (int j = 0; j < ns && !rc; j++) { /* leave j out */
        const double keep = yt[j];
        double       misfit = 0;
        if (!C->use[j] || !isfinite(keep)) continue;
        yt[j] = NAN;
        rc    = FtIdentifyLoads(&m, 1, yt, C->c->calibration.regularization, ctry, NULL, NULL, C->err, sizeof C->err);
        if (!rc && isfinite(ctry[0]))
          for (int i = 0; i < ns; i++) {
            double v, z;
            if (!C->use[i] || !isfinite(yt[i])) continue;
            v = yt[i] - C->b[i];
            for (int k = 0; k < nk; k++) v -= C->G[i * nk + k] * ctry[k];
            z = (v / C->noise[i] - med[i]) / scale[i];
            misfit += z * z;
          }
        else misfit = INFINITY;
        yt[j] = keep;
        if (misfit < best_misfit) {
          best_misfit = misfit;
          best        = j;
        }
      }
      if (rc || best < 0) break;
      yt[best]                 = NAN;
      C->d.flag[t * ns + best] = FT_SAMPLE_OUTLIER;
      count[best]++;
      total++;
      if ((rc = FtIdentifyLoads(&m, 1, yt, C->c->calibration.regularization, ct, NULL, NULL, C->err, sizeof C->err))) break;
    }
  }
  /* the fit steps again from the screened data */
  for (long q = 0; q < C->nfit && !rc; q++) {
    const long t = (long)((double)q * nt / C->nfit);
    memcpy(&C->yfit[q * ns], &C->d.y[t * ns], sizeof(double) * ns);
  }
  free(c);
  free(r);
  return rc ? -1 : total;
}

/* unver[t] = 1 where leaving out one valid reading of step t leaves some load with a std above
 * FT_CAL_WEAK x medstd (see the asset run, step 6). Cached per pattern of valid readings. */
static PetscErrorCode MarkUnverifiable(Cal *C, const FtObsModel *m, const double *medstd, const double *c, unsigned char *unver, long *nunver)
{
  const long nt = C->d.nsteps;
  const int  ns = C->ns, nk = C->nk;
  enum { NCACHE = 4096 };
  uint64_t  *key = calloc(NCACHE, sizeof(uint64_t));
  signed char *val = calloc(NCACHE, 1); /* 0 empty, 1 verifiable, 2 not */
  double    *row = malloc(sizeof(double) * ns), cc[64], cov[64 * 64];

  PetscFunctionBeginUser;
  PetscCheck(key && val && row, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  *nunver = 0;
  for (long t = 0; t < nt; t++) {
    uint64_t mask = 0;
    int      slot = -1, verdict = 0;
    if (!isfinite(c[t * nk])) continue;
    for (int i = 0; i < ns; i++)
      if (C->use[i] && isfinite(C->d.y[t * ns + i])) mask |= (uint64_t)1 << (i % 64);
    if (ns <= 64) {
      slot = (int)((mask * 0x9E3779B97F4A7C15ull) >> 52) % NCACHE;
      if (val[slot] && key[slot] == mask) verdict = val[slot];
    }
    if (!verdict) {
      verdict = 1;
      for (int j = 0; j < ns && verdict == 1; j++) {
        if (!C->use[j] || !isfinite(C->d.y[t * ns + j])) continue;
        for (int i = 0; i < ns; i++) row[i] = (i == j) ? NAN : (isfinite(C->d.y[t * ns + i]) ? 0.0 : NAN);
        PetscCheck(!FtIdentifyLoads(m, 1, row, C->c->calibration.regularization, cc, cov, NULL, C->err, sizeof C->err), PETSC_COMM_SELF, PETSC_ERR_LIB,
                   "%s", C->err);
        if (!isfinite(cc[0])) verdict = 2;
        else
          for (int k = 0; k < nk; k++)
            if (sqrt(cov[k * nk + k]) > FT_CAL_WEAK * medstd[k]) verdict = 2;
      }
      if (slot >= 0) {
        key[slot] = mask;
        val[slot] = (signed char)verdict;
      }
    }
    if (verdict == 2) {
      unver[t] = 1;
      (*nunver)++;
    }
  }
  free(key);
  free(val);
  free(row);
  PetscFunctionReturn(0);
}

/* Hampel check of the loads at the flagged steps against their +-5 nearest identified
 * neighbours; a failing step's loads become NaN. Returns the number of steps left out. */
static long HampelOnLoads(int nk, long nt, double *c, const double *cstd, const unsigned char *unver)
{
  long nfail = 0;
  for (long t = 0; t < nt; t++) {
    int fail = 0;
    if (!unver[t] || !isfinite(c[t * nk])) continue;
    for (int k = 0; k < nk && !fail; k++) {
      double w[10], d[10], med, mad;
      int    n = 0;
      for (long q = t - 1; q >= 0 && n < 5; q--)
        if (isfinite(c[q * nk]) && !unver[q]) w[n++] = c[q * nk + k];
      for (long q = t + 1; q < nt && n < 10; q++)
        if (isfinite(c[q * nk]) && !unver[q]) w[n++] = c[q * nk + k];
      if (n < 4) continue;
      qsort(w, n, sizeof(double), FtCmpDouble);
      med = Percentile(w, n, 50);
      for (int q = 0; q < n; q++) d[q] = fabs(w[q] - med);
      qsort(d, n, sizeof(double), FtCmpDouble);
      mad  = Percentile(d, n, 50);
      fail = fabs(c[t * nk + k] - med) > FT_CAL_HAMPEL * fmax(1.4826 * mad, cstd[t * nk + k]);
    }
    if (fail) {
      for (int k = 0; k < nk; k++) c[t * nk + k] = NAN;
      nfail++;
    }
  }
  return nfail;
}

/* ---- results ----------------------------------------------------------------------------------- */

/* The asset state of an asset file (header comment, "Incremental asset runs"). */
#define FT_STATE_LOG_COLS 4 /* log row: first judged step time, processed_until, samples counted, fitted (0/1); then theta */
typedef struct {
  int    found, runs, fitted_runs, relinearised; /* relinearised: counted on the asset's own basis */
  double processed_until, first_time, last_time;
  long   samples;
  char   design_hash[64], settings[4096], err[1024], counting_basis[FT_PATH_MAX];
} AssetStateHead;
typedef struct {
  AssetStateHead h;
  double        *theta, *cov, *med, *scale, *medstd, *basis_theta, *log; /* np, np*np, ns, ns, nk, np, runs*(4+np) */
} AssetState;

typedef struct {
  Cal              *C;
  const double     *theta, *cov, *prior_theta;
  FtIdentifiability id;
  double           *c, *cstd;  /* [nsteps][nk] identified loads and their standard deviations */
  double           *pred;      /* [nsteps][ns] model readings b + G c */
  double           *rms_before, *rms_after;
  FtIdentifyStats   st;
  double            chi2, dof, chi2_limit;
  int               acceptable, outer, converged;
  long              fit_steps;
  char              tao_reason[64];
  PetscInt          tao_its;
  double            life_nominal, life_p05, life_p50, life_p95, *life_samples;
  int               nsamples;
  char             *report;
  const char       *basis_path;
  long              weak;     /* steps left out: loads weakly determined */
  long             *outliers; /* [ns] readings excluded by the model-residual screening */
  double           *lchol;   /* [np][np] Cholesky factor of the posterior covariance */
  double           *ct_chol; /* [nsteps][nk][nk] Cholesky factors of the per-step load covariance */
  FtObsModel        m;
  const FtHistory  *hist;
  int               resumed;      /* ftwin asset continuing a state: hist holds this run's samples only */
  double            life_window;  /* then: the nominal life of this run's samples at the hot spots [h] */
  const char       *mode;         /* what this run did with the calibration (/calibration attribute mode) */
  const AssetState *prev;         /* ftwin asset: the state this run continues (prev->h.found 0: none) */
  int               asset, fitted, relinearised;
  double            processed_until;
  long              counted_now;  /* samples counted by this run */
} CalOut;

/* /calibration/state (collective; rank 0 writes the rows). */
static PetscErrorCode WriteAssetState(hid_t g, const char *path, const CalOut *o)
{
  Cal          *C = o->C;
  const int     np = C->np, cols = FT_STATE_LOG_COLS + np, runs = (o->prev->h.found ? o->prev->h.runs : 0) + 1;
  const int     fitted_runs = (o->prev->h.found ? o->prev->h.fitted_runs : 0) + o->fitted;
  PetscMPIInt   rank;
  hid_t         gs;
  double       *log;
  char          hash[64];

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(C->comm, &rank));
#define N0(n) (rank ? 0 : (n))
  H5CHK(gs = H5Gcreate2(g, "state", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "/calibration/state");
  PetscCall(FtH5AttrString(gs, path, "note",
                           "what the next ftwin asset run continues: steps after processed_until are new; theta, covariance and the "
                           "screening statistics are held unless --recalibrate; log rows: first judged step time [s], processed_until [s], "
                           "samples counted, fitted (1) or held (0), then theta (see src/assim/calibrate.c)"));
  PetscCall(FtH5AttrScalar(gs, path, "processed_until", H5T_NATIVE_DOUBLE, &o->processed_until));
  PetscCall(FtH5AttrScalar(gs, path, "runs", H5T_NATIVE_INT, &runs));
  PetscCall(FtH5AttrScalar(gs, path, "fitted_runs", H5T_NATIVE_INT, &fitted_runs));
  PetscCall(FtH5AttrScalar(gs, path, "relinearised", H5T_NATIVE_INT, &o->relinearised));
  snprintf(hash, sizeof hash, "%016llx", FtCaseDesignHash(C->c));
  PetscCall(FtH5AttrString(gs, path, "design_hash", hash));
  PetscCall(FtH5AttrString(gs, path, "counting_basis", o->basis_path));
  PetscCall(FtH5WriteRows(gs, path, "theta", H5T_NATIVE_DOUBLE, (hsize_t)np, 0, 0, N0((hsize_t)np), o->theta));
  PetscCall(FtH5WriteRows(gs, path, "covariance", H5T_NATIVE_DOUBLE, (hsize_t)np, (hsize_t)np, 0, N0((hsize_t)np), o->cov));
  PetscCall(FtH5WriteRows(gs, path, "screen_median", H5T_NATIVE_DOUBLE, (hsize_t)C->ns, 0, 0, N0((hsize_t)C->ns), C->scr_med));
  PetscCall(FtH5WriteRows(gs, path, "screen_scale", H5T_NATIVE_DOUBLE, (hsize_t)C->ns, 0, 0, N0((hsize_t)C->ns), C->scr_scale));
  PetscCall(FtH5WriteRows(gs, path, "load_median_std", H5T_NATIVE_DOUBLE, (hsize_t)C->nk, 0, 0, N0((hsize_t)C->nk), C->medstd));
  PetscCall(FtH5WriteRows(gs, path, "basis_theta_lin", H5T_NATIVE_DOUBLE, (hsize_t)np, 0, 0, N0((hsize_t)np), C->theta_lin));
  PetscCall(PetscMalloc1((size_t)runs * cols, &log));
  if (runs > 1) memcpy(log, o->prev->log, sizeof(double) * (size_t)(runs - 1) * cols);
  log[(size_t)(runs - 1) * cols + 0] = StepTime(C, C->ncontext);
  log[(size_t)(runs - 1) * cols + 1] = o->processed_until;
  log[(size_t)(runs - 1) * cols + 2] = (double)o->counted_now;
  log[(size_t)(runs - 1) * cols + 3] = o->fitted;
  for (int j = 0; j < np; j++) log[(size_t)(runs - 1) * cols + FT_STATE_LOG_COLS + j] = o->theta[j];
  PetscCall(FtH5WriteRows(gs, path, "log", H5T_NATIVE_DOUBLE, (hsize_t)runs, (hsize_t)cols, 0, N0((hsize_t)runs), log));
  PetscCall(PetscFree(log));
#undef N0
  H5Gclose(gs);
  PetscFunctionReturn(0);
}

/* A numeric scalar attribute of loc into v (type: the memory type); -1 when absent or unreadable. */
static int AttrRead(hid_t loc, const char *name, hid_t type, void *v)
{
  hid_t a;
  int   rc;
  if (H5Aexists(loc, name) <= 0 || (a = H5Aopen(loc, name, H5P_DEFAULT)) < 0) return -1;
  rc = H5Aread(a, type, v) < 0 ? -1 : 0;
  H5Aclose(a);
  return rc;
}

/* Reads the asset state of `path` (rank 0, broadcast); S->h.found 0 when the file does not
 * exist. A file that exists but is not an asset file of this design and these settings is an
 * error naming it (it is never overwritten by a run that cannot continue it). */
static PetscErrorCode ReadAssetState(Cal *C, const char *path, AssetState *S)
{
  const FtCase *c = C->c;
  const int     np = C->np, ns = C->ns, nk = C->nk;
  PetscMPIInt   rank;
  char          mine[4096], hash[64];

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(C->comm, &rank));
  memset(S, 0, sizeof *S);
  PetscCall(PetscCalloc6(np + 1, &S->theta, (size_t)np * np + 1, &S->cov, ns + 1, &S->med, ns + 1, &S->scale, nk + 1, &S->medstd, np + 1, &S->basis_theta));
  if (rank == 0 && access(path, F_OK) == 0) {
    AssetStateHead *h = &S->h;
    H5E_auto2_t     efn;
    void           *edata;
    hid_t           f, g;
    H5Eget_auto2(H5E_DEFAULT, &efn, &edata);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) snprintf(h->err, sizeof h->err, "'%s' exists but is not an HDF5 file", path);
    else if (H5Lexists(f, "/calibration", H5P_DEFAULT) <= 0 || H5Lexists(f, "/calibration/state", H5P_DEFAULT) <= 0 || H5Lexists(f, "/fatigue", H5P_DEFAULT) <= 0)
      snprintf(h->err, sizeof h->err, "'%s' exists but has no asset state (/calibration/state, /fatigue): it was not written by ftwin asset; "
                                      "choose another output (-o) or remove it", path);
    else {
      hid_t gf = H5Gopen2(f, "/fatigue", H5P_DEFAULT);
      g            = H5Gopen2(f, "/calibration/state", H5P_DEFAULT);
      if (AttrRead(g, "processed_until", H5T_NATIVE_DOUBLE, &h->processed_until) < 0 || AttrRead(g, "runs", H5T_NATIVE_INT, &h->runs) < 0 ||
          AttrRead(g, "fitted_runs", H5T_NATIVE_INT, &h->fitted_runs) < 0 || AttrRead(g, "relinearised", H5T_NATIVE_INT, &h->relinearised) < 0 ||
          AttrRead(gf, "first_time", H5T_NATIVE_DOUBLE, &h->first_time) < 0 || AttrRead(gf, "last_time", H5T_NATIVE_DOUBLE, &h->last_time) < 0 ||
          AttrRead(gf, "samples_counted", H5T_NATIVE_LONG, &h->samples) < 0 || h->runs < 1)
        snprintf(h->err, sizeof h->err, "'%s': its asset state is incomplete (attributes of /calibration/state or /fatigue missing)", path);
      (void)FtH5ReadStringAttr(g, "design_hash", h->design_hash, sizeof h->design_hash); /* rank 0 alone: no PetscCall (errors are checked after the broadcast) */
      (void)FtH5ReadStringAttr(gf, "settings", h->settings, sizeof h->settings);
      (void)FtH5ReadStringAttr(g, "counting_basis", h->counting_basis, sizeof h->counting_basis);
      if (!h->err[0]) {
        S->log = malloc(sizeof(double) * (size_t)h->runs * (FT_STATE_LOG_COLS + np) + 1);
        if (!S->log || FtH5ReadAllSerial(f, "/calibration/state/theta", S->theta, (hsize_t)np) ||
            FtH5ReadAllSerial(f, "/calibration/state/covariance", S->cov, (hsize_t)np * np) ||
            FtH5ReadAllSerial(f, "/calibration/state/screen_median", S->med, (hsize_t)ns) ||
            FtH5ReadAllSerial(f, "/calibration/state/screen_scale", S->scale, (hsize_t)ns) ||
            FtH5ReadAllSerial(f, "/calibration/state/load_median_std", S->medstd, (hsize_t)nk) ||
            FtH5ReadAllSerial(f, "/calibration/state/basis_theta_lin", S->basis_theta, (hsize_t)np) ||
            FtH5ReadAllSerial(f, "/calibration/state/log", S->log, (hsize_t)h->runs * (FT_STATE_LOG_COLS + np)))
          snprintf(h->err, sizeof h->err, "'%s': its asset state does not fit this case (%d sensors, %d channels, %d parameters): "
                                          "it belongs to another design", path, ns, nk, np);
      }
      H5Gclose(g);
      H5Gclose(gf);
    }
    if (f >= 0) H5Fclose(f);
    H5Eset_auto2(H5E_DEFAULT, efn, edata);
    h->found = !h->err[0];
  }
  PetscCallMPI(MPI_Bcast(&S->h, (int)sizeof S->h, MPI_BYTE, 0, C->comm));
  PetscCheck(!S->h.err[0], C->comm, PETSC_ERR_USER_INPUT, "%s: ftwin asset: %s", c->path, S->h.err);
  if (!S->h.found) PetscFunctionReturn(0);
  snprintf(hash, sizeof hash, "%016llx", FtCaseDesignHash(c));
  PetscCheck(!strcmp(hash, S->h.design_hash), C->comm, PETSC_ERR_USER_INPUT,
             "%s: ftwin asset: '%s' belongs to another design (design hash %s, this case's %s); choose another output (-o)", c->path, path,
             S->h.design_hash, hash);
  PetscCheck(!FtFatigueSettings(c, mine, sizeof mine), C->comm, PETSC_ERR_USER_INPUT, "%s: fatigue parameters rejected", c->path);
  PetscCheck(!strcmp(mine, S->h.settings), C->comm, PETSC_ERR_USER_INPUT,
             "%s: ftwin asset: '%s' was counted with other fatigue settings (material, channels, equivalent stress ...); choose another "
             "output (-o) to start again. It has: %s", c->path, path, S->h.settings);
  if (rank) S->log = malloc(sizeof(double) * (size_t)S->h.runs * (FT_STATE_LOG_COLS + np) + 1);
  PetscCheck(S->log, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  PetscCallMPI(MPI_Bcast(S->theta, np, MPI_DOUBLE, 0, C->comm));
  PetscCallMPI(MPI_Bcast(S->cov, np * np, MPI_DOUBLE, 0, C->comm));
  PetscCallMPI(MPI_Bcast(S->med, ns, MPI_DOUBLE, 0, C->comm));
  PetscCallMPI(MPI_Bcast(S->scale, ns, MPI_DOUBLE, 0, C->comm));
  PetscCallMPI(MPI_Bcast(S->medstd, nk, MPI_DOUBLE, 0, C->comm));
  PetscCallMPI(MPI_Bcast(S->basis_theta, np, MPI_DOUBLE, 0, C->comm));
  PetscCallMPI(MPI_Bcast(S->log, S->h.runs * (FT_STATE_LOG_COLS + np), MPI_DOUBLE, 0, C->comm));
  PetscFunctionReturn(0);
}

static PetscErrorCode AssetStateFree(AssetState *S)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree6(S->theta, S->cov, S->med, S->scale, S->medstd, S->basis_theta));
  free(S->log);
  PetscFunctionReturn(0);
}

/* The settling time [s] (header comment): how long after a step the record must go on before the
 * step is judged, and how far before the first new step the context reaches. */
static double SettleSeconds(const FtSensorsCase *sc, const FtSensorData *d)
{
  double ndt = d->dt;
  for (int i = 0; i < d->nsensors; i++)
    if (isfinite(d->quality[i].native_dt) && d->quality[i].native_dt > ndt) ndt = d->quality[i].native_dt;
  return sc->stuck_seconds + (sc->gap_seconds > 0 ? sc->gap_seconds : 5 * ndt) + (2.0 * sc->spike_window + 2) * ndt + 12 * d->dt;
}

/* Writes /calibration into the asset file (collective; rank 0 holds the rows). */
static PetscErrorCode WriteCalibration(hid_t file, const char *path, void *ctx)
{
  CalOut                  *o   = ctx;
  Cal                     *C   = o->C;
  const FtCase            *c   = C->c;
  const FtCalibrationCase *cal = &c->calibration;
  PetscMPIInt              rank;
  hid_t                    g, gp, gs, gl, gi, gf;
  const hsize_t            np = C->np, ns = C->ns, nk = C->nk, nt = C->d.nsteps;
  double                  *buf;
  char                    *names;
  size_t                   cap = (size_t)(C->ns + C->np + C->nk + 1) * (FT_NAME_MAX + 1);

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(C->comm, &rank));
#define N0(n) (rank ? 0 : (n))
  H5CHK(g = H5Gcreate2(file, "calibration", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "/calibration");
  PetscCall(FtH5AttrString(g, path, "method",
                           "variable-projection weighted least squares: loads per time step eliminated, parameters fitted by PETSc TAO BRGN "
                           "with bounds and Gaussian priors; FE responses linearised in stiffness parameters (forward differences), "
                           "re-solved beyond linear_range; posterior covariance (J^T J)^-1; see src/assim/calibrate.c"));
  PetscCall(FtH5AttrScalar(g, path, "fe_solves", H5T_NATIVE_INT, &C->nsolves));
  PetscCall(FtH5AttrScalar(g, path, "outer_iterations", H5T_NATIVE_INT, &o->outer));
  PetscCall(FtH5AttrScalar(g, path, "linearisation_converged", H5T_NATIVE_INT, &o->converged));
  PetscCall(FtH5AttrString(g, path, "tao_reason", o->tao_reason));
  PetscCall(FtH5AttrScalar(g, path, "fit_steps", H5T_NATIVE_LONG, &o->fit_steps));
  PetscCall(FtH5AttrScalar(g, path, "chi2", H5T_NATIVE_DOUBLE, &o->chi2));
  PetscCall(FtH5AttrScalar(g, path, "chi2_dof", H5T_NATIVE_DOUBLE, &o->dof));
  PetscCall(FtH5AttrScalar(g, path, "chi2_limit_99.9", H5T_NATIVE_DOUBLE, &o->chi2_limit));
  PetscCall(FtH5AttrScalar(g, path, "acceptable", H5T_NATIVE_INT, &o->acceptable));
  PetscCall(FtH5AttrString(g, path, "calibrated_basis", o->basis_path));
  PetscCall(FtH5AttrString(g, path, "cleaning_report", o->report ? o->report : ""));
  PetscCall(FtH5AttrString(g, path, "mode", o->mode));
  PetscCall(FtH5AttrScalar(g, path, "context_steps", H5T_NATIVE_LONG, &C->ncontext));
  if (o->asset) PetscCall(WriteAssetState(g, path, o));

  PetscCall(PetscMalloc2(cap, &names, (size_t)(np * np + nt * nk + nt * ns + ns * FT_SAMPLE_NFLAGS + np + 16), &buf));
  /* parameters */
  H5CHK(gp = H5Gcreate2(g, "parameters", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "/calibration/parameters");
  names[0] = 0;
  for (int j = 0; j < C->np; j++) snprintf(names + strlen(names), cap - strlen(names), "%s%s", j ? "," : "", cal->params[j].name);
  PetscCall(FtH5AttrString(gp, path, "names", names));
  PetscCall(FtH5WriteRows(gp, path, "value", H5T_NATIVE_DOUBLE, np, 0, 0, N0(np), o->theta));
  for (int j = 0; j < C->np; j++) buf[j] = sqrt(o->cov[j * C->np + j]);
  PetscCall(FtH5WriteRows(gp, path, "std", H5T_NATIVE_DOUBLE, np, 0, 0, N0(np), buf));
  PetscCall(FtH5WriteRows(gp, path, "covariance", H5T_NATIVE_DOUBLE, np, np, 0, N0(np), o->cov));
  for (int j = 0; j < C->np; j++) buf[j] = cal->params[j].prior;
  PetscCall(FtH5WriteRows(gp, path, "prior", H5T_NATIVE_DOUBLE, np, 0, 0, N0(np), buf));
  for (int j = 0; j < C->np; j++) buf[j] = cal->params[j].sigma;
  PetscCall(FtH5WriteRows(gp, path, "prior_sigma", H5T_NATIVE_DOUBLE, np, 0, 0, N0(np), buf));
  for (int j = 0; j < C->np; j++) buf[j] = cal->params[j].lower;
  PetscCall(FtH5WriteRows(gp, path, "lower", H5T_NATIVE_DOUBLE, np, 0, 0, N0(np), buf));
  for (int j = 0; j < C->np; j++) buf[j] = cal->params[j].upper;
  PetscCall(FtH5WriteRows(gp, path, "upper", H5T_NATIVE_DOUBLE, np, 0, 0, N0(np), buf));
  PetscCall(FtH5WriteRows(gp, path, "linearisation_point", H5T_NATIVE_DOUBLE, np, 0, 0, N0(np), C->theta_lin));
  H5Gclose(gp);

  /* sensors */
  H5CHK(gs = H5Gcreate2(g, "sensors", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "/calibration/sensors");
  names[0] = 0;
  for (int i = 0; i < C->ns; i++) snprintf(names + strlen(names), cap - strlen(names), "%s%s", i ? "," : "", c->sensors.sensors[i].id);
  PetscCall(FtH5AttrString(gs, path, "ids", names));
  PetscCall(FtH5AttrString(gs, path, "flags", "0 ok, 1 missing (NaN), 2 out of range, 3 stuck, 4 spike, 5 gap (no sample near the step), 6 outlier (inconsistent with the other sensors, model residual)"));
  PetscCall(FtH5WriteRows(gs, path, "residual_rms_before", H5T_NATIVE_DOUBLE, ns, 0, 0, N0(ns), o->rms_before));
  PetscCall(FtH5WriteRows(gs, path, "residual_rms_after", H5T_NATIVE_DOUBLE, ns, 0, 0, N0(ns), o->rms_after));
  for (int i = 0; i < C->ns; i++) buf[i] = C->d.quality[i].dropped;
  PetscCall(FtH5WriteRows(gs, path, "dropped", H5T_NATIVE_DOUBLE, ns, 0, 0, N0(ns), buf));
  for (int i = 0; i < C->ns; i++) buf[i] = C->d.quality[i].bad_fraction;
  PetscCall(FtH5WriteRows(gs, path, "bad_fraction", H5T_NATIVE_DOUBLE, ns, 0, 0, N0(ns), buf));
  for (int i = 0; i < C->ns; i++)
    for (int f = 0; f < FT_SAMPLE_NFLAGS; f++) buf[i * FT_SAMPLE_NFLAGS + f] = (double)C->d.quality[i].flagged[f];
  PetscCall(FtH5WriteRows(gs, path, "flag_counts", H5T_NATIVE_DOUBLE, ns, FT_SAMPLE_NFLAGS, 0, N0(ns), buf));
  PetscCall(FtH5WriteRows(gs, path, "noise", H5T_NATIVE_DOUBLE, ns, 0, 0, N0(ns), C->noise));
  PetscCall(FtH5WriteRows(gs, path, "response_at_linearisation_point", H5T_NATIVE_DOUBLE, ns, (hsize_t)C->nl, 0, N0(ns), C->base.R));
  for (int i = 0; i < C->ns; i++) buf[i] = (double)o->outliers[i];
  PetscCall(FtH5WriteRows(gs, path, "outliers", H5T_NATIVE_DOUBLE, ns, 0, 0, N0(ns), buf));
  PetscCall(FtH5WriteRows(gs, path, "measured", H5T_NATIVE_DOUBLE, nt, ns, 0, N0(nt), C->d.y));
  PetscCall(FtH5WriteRows(gs, path, "predicted", H5T_NATIVE_DOUBLE, nt, ns, 0, N0(nt), o->pred));
  PetscCall(FtH5WriteRows(gs, path, "flag", H5T_NATIVE_UCHAR, nt, ns, 0, N0(nt), C->d.flag));
  H5Gclose(gs);

  /* loads */
  H5CHK(gl = H5Gcreate2(g, "loads", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "/calibration/loads");
  names[0] = 0;
  for (int k = 0; k < C->nk; k++) snprintf(names + strlen(names), cap - strlen(names), "%s%s", k ? "," : "", c->fatigue.channels[k].name);
  PetscCall(FtH5AttrString(gl, path, "channels", names));
  PetscCall(FtH5AttrString(gl, path, "method", "weighted least squares per time step (src/assim/identify.h); NaN: not identifiable at that step"));
  PetscCall(FtH5AttrScalar(gl, path, "unidentified_steps", H5T_NATIVE_LONG, &o->st.unidentified));
  PetscCall(FtH5AttrScalar(gl, path, "weakly_determined_steps", H5T_NATIVE_LONG, &o->weak));
  for (long t = 0; t < C->d.nsteps; t++) buf[t] = StepTime(C, t);
  PetscCall(FtH5WriteRows(gl, path, "time", H5T_NATIVE_DOUBLE, nt, 0, 0, N0(nt), buf));
  PetscCall(FtH5WriteRows(gl, path, "values", H5T_NATIVE_DOUBLE, nt, nk, 0, N0(nt), o->c));
  PetscCall(FtH5WriteRows(gl, path, "std", H5T_NATIVE_DOUBLE, nt, nk, 0, N0(nt), o->cstd));
  H5Gclose(gl);

  /* identifiability */
  H5CHK(gi = H5Gcreate2(g, "identifiability", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "/calibration/identifiability");
  PetscCall(FtH5AttrScalar(gi, path, "rank", H5T_NATIVE_INT, &o->id.rank));
  PetscCall(FtH5AttrScalar(gi, path, "condition", H5T_NATIVE_DOUBLE, &o->id.cond));
  PetscCall(FtH5WriteRows(gi, path, "singular_values", H5T_NATIVE_DOUBLE, nk, 0, 0, N0(nk), o->id.sv));
  H5Gclose(gi);

  /* life band */
  H5CHK(gf = H5Gcreate2(g, "life", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "/calibration/life");
  PetscCall(FtH5AttrString(gf, path, "method",
                           "ensemble: theta ~ N(theta_hat, C_theta) clipped to bounds, loads re-identified plus their per-step "
                           "posterior error, hot-spot stresses linearised in theta, full rainflow + S-N + Miner at the hot-spot nodes; "
                           "life = history duration / max damage"));
  PetscCall(FtH5AttrScalar(gf, path, "nominal_hours", H5T_NATIVE_DOUBLE, &o->life_nominal));
  PetscCall(FtH5AttrScalar(gf, path, "p05_hours", H5T_NATIVE_DOUBLE, &o->life_p05));
  PetscCall(FtH5AttrScalar(gf, path, "median_hours", H5T_NATIVE_DOUBLE, &o->life_p50));
  PetscCall(FtH5AttrScalar(gf, path, "p95_hours", H5T_NATIVE_DOUBLE, &o->life_p95));
  PetscCall(FtH5WriteRows(gf, path, "samples_hours", H5T_NATIVE_DOUBLE, (hsize_t)o->nsamples, 0, 0, N0((hsize_t)o->nsamples), o->life_samples));
  H5Gclose(gf);
#undef N0
  PetscCall(PetscFree2(names, buf));
  H5Gclose(g);
  PetscFunctionReturn(0);
}

/* Asset run from a design basis without a re-solve: the channels' unit stresses read by the fatigue
 * stage are corrected to the calibrated parameters, S_k = g_l(theta) (S_l + sum_j (theta_j -
 * theta_lin,j) dS_l/dtheta_j) with l the channel's load case (the same first-order expansion the
 * sensor model uses). Collective. */
static PetscErrorCode BasisStressHook(hid_t basis, const char *path, long long start, long long n, double *S, void *ctx)
{
  CalOut       *o = ctx;
  Cal          *C = o->C;
  const FtCase *c = C->c;
  double       *d;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1((size_t)6 * n + 1, &d));
  for (int k = 0; k < C->nk; k++) {
    const int    l = c->fatigue.channels[k].load_case;
    const double g = LoadGain(C, o->theta, l);
    double      *Sk = &S[(size_t)k * n * 6];
    for (int j = 0; j < C->np; j++) {
      const double w = o->theta[j] - C->theta_lin[j];
      char         name[80];
      if (!IsStiff(c->calibration.params[j].kind) || w == 0.0) continue;
      snprintf(name, sizeof name, "/basis/stress_sensitivity_%d_%d", j, l);
      PetscCall(FtH5ReadRows(basis, path, name, H5T_NATIVE_DOUBLE, 6, (hsize_t)start, (hsize_t)n, d));
      for (long long q = 0; q < 6 * n; q++) Sk[q] += w * d[q];
    }
    for (long long q = 0; q < 6 * n; q++) Sk[q] *= g;
  }
  PetscCall(PetscFree(d));
  PetscFunctionReturn(0);
}

/* Rank 0 reads the hot nodes' rows of the load cases' stresses and of their sensitivities from the
 * design basis (Sb [nh][nl][6], dS [np][nh][nl][6]); every rank gets them. */
static PetscErrorCode HotNodesFromBasis(Cal *C, const long long *nodes, int nh, double *Sb, double *dS)
{
  const FtCase *c = C->c;
  PetscMPIInt   rank;
  int           err = 0;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(C->comm, &rank));
  if (rank == 0) {
    hid_t   f = H5Fopen(C->basis, H5F_ACC_RDONLY, H5P_DEFAULT);
    double  row[6];
    hsize_t cnt[2] = {1, 6};
    err = f < 0;
    for (int l = 0; l < C->nl && !err; l++)
      for (int j = -1; j < C->np && !err; j++) {
        char  name[FT_NAME_MAX + 64];
        hid_t d, fs, ms;
        if (j >= 0 && !IsStiff(c->calibration.params[j].kind)) continue;
        if (j < 0) snprintf(name, sizeof name, "/load_cases/%s/stress", c->loads[l].name);
        else snprintf(name, sizeof name, "/basis/stress_sensitivity_%d_%d", j, l);
        if ((d = H5Dopen2(f, name, H5P_DEFAULT)) < 0) {
          err = 1;
          break;
        }
        fs = H5Dget_space(d);
        ms = H5Screate_simple(2, cnt, NULL);
        for (int q = 0; q < nh && !err; q++) {
          hsize_t off[2] = {(hsize_t)nodes[q], 0};
          H5Sselect_hyperslab(fs, H5S_SELECT_SET, off, NULL, cnt, NULL);
          if (H5Dread(d, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, row) < 0) err = 1;
          for (int a = 0; a < 6; a++) {
            if (j < 0) Sb[(q * C->nl + l) * 6 + a] = row[a];
            else dS[((size_t)(j * nh + q) * C->nl + l) * 6 + a] = row[a];
          }
        }
        H5Sclose(ms);
        H5Sclose(fs);
        H5Dclose(d);
      }
    if (f >= 0) H5Fclose(f);
  }
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, C->comm));
  PetscCheck(!err, C->comm, PETSC_ERR_FILE_READ, "calibration: cannot read the hot-spot stresses from the basis '%s'", C->basis);
  PetscCallMPI(MPI_Bcast(Sb, nh * C->nl * 6, MPI_DOUBLE, 0, C->comm));
  PetscCallMPI(MPI_Bcast(dS, C->np * nh * C->nl * 6, MPI_DOUBLE, 0, C->comm));
  PetscFunctionReturn(0);
}

/* The life band (header comment): M samples of theta and of the loads, full counting at the
 * hot-spot nodes of the nominal fatigue pass. Collective (hot-node stresses gathered from their
 * owners); every rank computes the same samples. */
static PetscErrorCode LifeBand(CalOut *o, const FtFatigueSummary *summary)
{
  Cal                     *C   = o->C;
  const FtCase            *c   = C->c;
  const FtCalibrationCase *cal = &c->calibration;
  const FtSpace           *s   = C->s;
  const long               nt  = C->d.nsteps;
  const int                M = cal->ensemble, nh = summary->nhot, nc = ft_equivalent_channels(c->fatigue.equivalent);
  double                  *Sb, *dS, *Sk, *th, *cm, *Lm, *D, *G, *b, *sorted;
  const double             duration = o->hist->time[o->hist->nsteps - 1] - o->hist->time[0];
  FtFatigueParams          par;
  FtRainflowState         *rf;
  FtDamageAcc             *acc;
  FtObsModel               m = o->m;
  PetscMPIInt              rank, size;

  PetscFunctionBeginUser;
  PetscCheck(nh > 0, C->comm, PETSC_ERR_LIB, "calibration: the fatigue stage returned no hot spots");
  PetscCheck(!FtFatigueParamsFromCase(&c->fatigue, &par), C->comm, PETSC_ERR_USER_INPUT, "fatigue parameters rejected");
  PetscCall(PetscCalloc5((size_t)nh * C->nl * 6, &Sb, (size_t)C->np * nh * C->nl * 6 + 1, &dS, (size_t)C->nk * nh * 6, &Sk, C->np + 1, &th, (size_t)nt * C->nk, &cm));
  PetscCall(PetscMalloc4((size_t)nt * C->nk, &Lm, nh, &D, (size_t)nh * nc, &rf, (size_t)nh * nc, &acc));
  PetscCall(PetscMalloc1(M, &o->life_samples));
  PetscCall(PetscMalloc3((size_t)C->ns * C->nk, &G, C->ns, &b, M, &sorted));
  m.G = G;
  m.b = b;
  /* stresses of the hot nodes at theta_lin and their sensitivities */
  if (C->have_fe) { /* from the solves in memory: owner fills, sum over ranks */
    for (int q = 0; q < nh; q++) {
      const long long gn = summary->hot_nodes[q];
      if (gn < s->ownedStart || gn >= s->ownedStart + s->nowned) continue;
      for (int l = 0; l < C->nl; l++)
        for (int a = 0; a < 6; a++) {
          const size_t src = (size_t)6 * (gn - s->ownedStart) + a;
          Sb[(q * C->nl + l) * 6 + a] = C->base.nst[l][src];
          for (int j = 0; j < C->np; j++)
            if (IsStiff(cal->params[j].kind)) dS[((size_t)(j * nh + q) * C->nl + l) * 6 + a] = (C->pert[j].nst[l][src] - C->base.nst[l][src]) / C->delta[j];
        }
    }
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, Sb, nh * C->nl * 6, MPI_DOUBLE, MPI_SUM, C->comm));
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, dS, C->np * nh * C->nl * 6, MPI_DOUBLE, MPI_SUM, C->comm));
  } else PetscCall(HotNodesFromBasis(C, summary->hot_nodes, nh, Sb, dS));
  /* the samples are shared out over the ranks; each has its own random stream (seeded by its
     index), so the band does not depend on the number of ranks */
  PetscCallMPI(MPI_Comm_rank(C->comm, &rank));
  PetscCallMPI(MPI_Comm_size(C->comm, &size));
  for (int smp = 0; smp < M; smp++) o->life_samples[smp] = 0.0;
  /* smp = -1 (every rank, only when continuing a state): the nominal life of this run's samples,
     which the samples' lives are relative to (see the header comment) */
  for (int smp = o->resumed ? -1 : (int)((long)M * rank / size); smp < (int)((long)M * (rank + 1) / size);
       smp = (smp == -1) ? (int)((long)M * rank / size) : smp + 1) {
    Rng    g = {FT_CAL_SEED + 0x9E3779B97F4A7C15ull * (uint64_t)(smp + 1), 0, 0};
    double z[64], Dmax = 0;
    long   n = 0;
    for (int j = 0; j < C->np; j++) z[j] = smp < 0 ? 0.0 : RngNormal(&g);
    for (int j = 0; j < C->np; j++) {
      double v = o->theta[j];
      for (int q = 0; q <= j; q++) v += o->lchol[j * C->np + q] * z[q];
      th[j] = PetscMin(PetscMax(v, cal->params[j].lower), cal->params[j].upper);
    }
    ModelGb(C, th, G, b);
    if (smp < 0) memcpy(cm, o->c, sizeof(double) * nt * C->nk);
    else PetscCheck(!FtIdentifyLoads(&m, nt, C->d.y, cal->regularization, cm, NULL, NULL, C->err, sizeof C->err), C->comm, PETSC_ERR_LIB, "%s", C->err);
    for (long t = C->ncontext; t < nt; t++) { /* the counted steps (context steps were counted before) */
      double e[64];
      if (!isfinite(cm[t * C->nk]) || !isfinite(o->c[t * C->nk])) continue; /* the nominal history's steps */
      for (int k = 0; k < C->nk; k++) e[k] = smp < 0 ? 0.0 : RngNormal(&g);
      for (int k = 0; k < C->nk; k++) {
        double v = cm[t * C->nk + k];
        for (int q = 0; q <= k; q++) v += o->ct_chol[(t * C->nk + k) * C->nk + q] * e[q];
        Lm[n * C->nk + k] = c->fatigue.channels[k].scale * (v - c->fatigue.channels[k].offset);
      }
      n++;
    }
    for (int k = 0; k < C->nk; k++) {
      const int l = c->fatigue.channels[k].load_case;
      for (int q = 0; q < nh; q++)
        for (int a = 0; a < 6; a++) {
          double v = Sb[(q * C->nl + l) * 6 + a];
          for (int j = 0; j < C->np; j++)
            if (IsStiff(cal->params[j].kind)) v += (th[j] - C->theta_lin[j]) * dS[((size_t)(j * nh + q) * C->nl + l) * 6 + a];
          Sk[((size_t)k * nh + q) * 6 + a] = LoadGain(C, th, l) * v;
        }
    }
    PetscCheck(!ft_cpu_fatigue_init(nh * nc, c->fatigue.gate, rf, acc), C->comm, PETSC_ERR_LIB, "fatigue init failed");
    PetscCheck(!ft_cpu_fatigue_batch(nh, nh, C->nk, Sk, (int)n, Lm, c->fatigue.equivalent, &par, rf, acc), C->comm, PETSC_ERR_LIB, "fatigue batch failed");
    PetscCheck(!ft_cpu_fatigue_damage(nh, nc, rf, acc, &par, D, NULL), C->comm, PETSC_ERR_LIB, "fatigue damage failed");
    for (int q = 0; q < nh; q++)
      if (D[q] > Dmax) Dmax = D[q];
    if (smp < 0) o->life_window = Dmax > 0 ? duration / 3600.0 / Dmax : INFINITY;
    else o->life_samples[smp] = Dmax > 0 ? duration / 3600.0 / Dmax : INFINITY;
  }
  if (o->resumed) /* relative spread of this run's samples applied to the whole record's life */
    for (int smp = (int)((long)M * rank / size); smp < (int)((long)M * (rank + 1) / size); smp++)
      o->life_samples[smp] = (isfinite(o->life_window) && o->life_window > 0) ? o->life_samples[smp] * summary->min_life_hours / o->life_window
                                                                              : summary->min_life_hours; /* no damage in this run's samples: no spread to scale */
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, o->life_samples, M, MPI_DOUBLE, MPI_SUM, C->comm));
  o->nsamples = M;
  memcpy(sorted, o->life_samples, sizeof(double) * M);
  qsort(sorted, M, sizeof(double), FtCmpDouble);
  o->life_p05     = Percentile(sorted, M, 5);
  o->life_p50     = Percentile(sorted, M, 50);
  o->life_p95     = Percentile(sorted, M, 95);
  o->life_nominal = summary->min_life_hours;
  PetscCall(FtLogInfo("life at the hot spots: nominal %.4g h; ensemble of %d: median %.4g h, 5th-95th percentile %.4g - %.4g h", o->life_nominal, M, o->life_p50,
                      o->life_p05, o->life_p95));
  PetscCall(PetscFree5(Sb, dS, Sk, th, cm));
  PetscCall(PetscFree3(G, b, sorted));
  PetscCall(PetscFree4(Lm, D, rf, acc));
  PetscFunctionReturn(0);
}

/* Called by the fatigue stage with the asset file open and its results known. */
static PetscErrorCode CalibrationWriter(hid_t file, const char *path, const FtFatigueSummary *summary, void *ctx)
{
  Cal   *C  = ((CalOut *)ctx)->C;
  double t0 = FtWallTime(), t1;

  PetscFunctionBeginUser;
  PetscCall(LifeBand((CalOut *)ctx, summary));
  t1 = FtWallTime();
  PetscCall(WriteCalibration(file, path, ctx));
  C->t_band  = t1 - t0;
  C->t_write = FtWallTime() - t1;
  PetscFunctionReturn(0);
}

/* ---- data on every rank ---------------------------------------------------------------------- */

static PetscErrorCode ReadSensorData(Cal *C, char **report)
{
  FtCase      *c = C->c;
  PetscMPIInt  rank;
  int          rc = 0;
  long         meta[2];
  double       tm[2];
  FtSensorData *d = &C->d;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(C->comm, &rank));
  *report = NULL;
  if (rank == 0) {
    rc = FtSensorDataRead(&c->sensors, d, C->err, sizeof C->err);
    if (!rc) { /* the report as text, for the log and the file */
      char  *text = NULL;
      size_t len  = 0;
      FILE  *m    = open_memstream(&text, &len);
      if (m) {
        FtSensorDataReport(&c->sensors, d, m);
        fclose(m);
      }
      *report = text;
    }
  }
  PetscCallMPI(MPI_Bcast(&rc, 1, MPI_INT, 0, C->comm));
  if (rc) {
    PetscCallMPI(MPI_Bcast(C->err, sizeof C->err, MPI_CHAR, 0, C->comm));
    SETERRQ(C->comm, PETSC_ERR_USER_INPUT, "%s", C->err);
  }
  { /* the report on every rank (it is an attribute of the asset file, written collectively) */
    long rl = (rank == 0 && *report) ? (long)strlen(*report) : 0;
    PetscCallMPI(MPI_Bcast(&rl, 1, MPI_LONG, 0, C->comm));
    if (rank) {
      *report = calloc((size_t)rl + 1, 1);
      PetscCheck(*report, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
    }
    if (rl) PetscCallMPI(MPI_Bcast(*report, (int)rl, MPI_CHAR, 0, C->comm));
  }
  meta[0] = d->nsteps;
  meta[1] = d->nsensors;
  tm[0]   = d->t0;
  tm[1]   = d->dt;
  PetscCallMPI(MPI_Bcast(meta, 2, MPI_LONG, 0, C->comm));
  PetscCallMPI(MPI_Bcast(tm, 2, MPI_DOUBLE, 0, C->comm));
  if (rank) {
    d->nsteps   = meta[0];
    d->nsensors = (int)meta[1];
    d->t0       = tm[0];
    d->dt       = tm[1];
    d->y        = malloc(sizeof(double) * d->nsteps * d->nsensors);
    d->flag     = malloc((size_t)d->nsteps * d->nsensors);
    d->quality  = calloc((size_t)d->nsensors, sizeof(FtSensorQuality));
    PetscCheck(d->y && d->flag && d->quality, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory for the sensor data");
  }
  PetscCallMPI(MPI_Bcast(d->y, (int)(d->nsteps * d->nsensors), MPI_DOUBLE, 0, C->comm));
  PetscCallMPI(MPI_Bcast(d->flag, (int)(d->nsteps * d->nsensors), MPI_UNSIGNED_CHAR, 0, C->comm));
  PetscCallMPI(MPI_Bcast(d->quality, (int)(sizeof(FtSensorQuality) * d->nsensors), MPI_BYTE, 0, C->comm));
  PetscFunctionReturn(0);
}

/* Logs the report line by line (rank 0). */
static PetscErrorCode LogReport(const char *report)
{
  PetscFunctionBeginUser;
  if (!report) PetscFunctionReturn(0);
  for (const char *p = report; *p;) {
    const char *e = strchr(p, '\n');
    int         n = e ? (int)(e - p) : (int)strlen(p);
    if (n) PetscCall(FtLogInfo("  %.*s", n, p));
    p += n + (e ? 1 : 0);
  }
  PetscFunctionReturn(0);
}

/* ---- the asset run ----------------------------------------------------------------------------- */

PetscErrorCode FtCalibrateRun(MPI_Comm comm, const FtAssetOptions *opt)
{
  FtCase                   c;
  DM                       dm = NULL;
  FtSpace                  s;
  Cal                      C;
  CalOut                   o;
  FtCalibrationCase       *cal = &c.calibration;
  double                  *theta, *J, *H, *cov, *Lchol, *G0, *b0, *y_clean;
  unsigned char           *f_clean;
  const char             **chan_names;
  char                     out_path[FT_PATH_MAX], basis_path[FT_PATH_MAX];
  FtObsModel               m;
  FtFatigueSummary         summary;
  FtHistory                h;
  long                     nt;
  PetscMPIInt              rank;
  AssetState               prev;
  int                      holding = 0; /* ftwin asset continuing a state without --recalibrate */

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  memset(&C, 0, sizeof C);
  memset(&prev, 0, sizeof prev);
  memset(&o, 0, sizeof o);
  memset(&summary, 0, sizeof summary);
  PetscCall(FtCaseLoadCollective(comm, opt->case_path, &c));
  PetscCheck(c.fatigue.enabled, comm, PETSC_ERR_USER_INPUT, "%s: ftwin calibrate needs a `fatigue:` section (the channels the loads are identified for)", c.path);
  PetscCheck(c.sensors.enabled, comm, PETSC_ERR_USER_INPUT, "%s: ftwin calibrate needs a `sensors:` section", c.path);
  PetscCheck(cal->enabled, comm, PETSC_ERR_USER_INPUT, "%s: ftwin calibrate needs a `calibration:` section", c.path);
  snprintf(out_path, sizeof out_path, "%s", opt->output ? opt->output : (cal->output[0] ? cal->output : c.fatigue.output));
  {
    const char *dot = strrchr(out_path, '.'), *sl = strrchr(out_path, '/');
    int         n   = (dot && (!sl || dot > sl)) ? (int)(dot - out_path) : (int)strlen(out_path);
    /* the calibrated basis (calibrate), or an asset's own basis at its re-solve point (asset) */
    snprintf(basis_path, sizeof basis_path, opt->asset ? "%.*s_relinearised_basis.h5" : "%.*s_basis.h5", n, out_path);
  }
  PetscCall(FtCheckWritable(comm, c.path, "calibration.output", out_path));
  PetscCall(FtCheckWritable(comm, c.path, "calibration.output (basis)", basis_path));

  C.comm = comm;
  C.c    = &c;
  C.s    = &s;
  C.ns   = c.sensors.nsensors;
  C.nl   = c.nloads;
  C.nk   = c.fatigue.nchannels;
  C.np   = cal->nparams;
  C.nth  = c.nthermal;
  C.design_hash = FtCaseDesignHash(&c);
  PetscCall(PetscCalloc5(C.np + 1, &C.prior_mu, (size_t)C.np * C.np + 1, &C.prior_linv, C.ns + 1, &C.scr_med, C.ns + 1, &C.scr_scale, C.nk + 1, &C.medstd));
  for (int j = 0; j < C.np; j++) {
    C.prior_mu[j]               = cal->params[j].prior;
    C.prior_linv[j * C.np + j] = 1.0 / cal->params[j].sigma;
  }
  if (opt->asset) { /* the state this run continues (an asset file of another design or settings: an error, before any work) */
    PetscCall(ReadAssetState(&C, out_path, &prev));
    holding = prev.h.found && !opt->recalibrate;
    if (prev.h.found)
      PetscCall(FtLogInfo("asset: continuing %s: %d run%s so far, judged up to t = %.9g s, %ld samples counted; calibration %s", out_path, prev.h.runs,
                          prev.h.runs == 1 ? "" : "s", prev.h.processed_until, prev.h.samples, holding ? "held (--recalibrate to fit again)" : "fitted again (--recalibrate)"));
    else PetscCall(FtLogInfo("asset: no asset file at %s yet: this run calibrates the asset (commissioning)", out_path));
  }

  double tm_start = FtWallTime(), tm_data, tm_model, tm_fit, tm_loads, tm_basis, tm_end, fe_before_fit;
  /* 1. data: read, clean, resample (rank 0), on every rank */
  PetscCall(FtLogInfo("sensors: %d, data %s", C.ns, c.sensors.data));
  {
    char *report = NULL;
    PetscCall(ReadSensorData(&C, &report));
    if (rank == 0) PetscCall(LogReport(report));
    o.report = report;
  }
  nt = C.d.nsteps;
  if (opt->asset) { /* which steps this run judges (header comment: settling time, context) */
    const double settle = SettleSeconds(&c.sensors, &C.d), tlast = C.d.t0 + (double)(nt - 1) * C.d.dt;
    long         iend = nt - 1, icount = 0, istart = 0;
    while (iend >= 0 && C.d.t0 + (double)iend * C.d.dt > tlast - settle) iend--;
    if (prev.h.found) {
      while (icount < nt && C.d.t0 + (double)icount * C.d.dt <= prev.h.processed_until) icount++;
      while (istart < icount && C.d.t0 + (double)istart * C.d.dt <= prev.h.processed_until - settle) istart++;
    }
    PetscCall(FtLogInfo("asset: record %.9g .. %.9g s; settling time %.3g s: steps up to t = %.9g s can be judged", C.d.t0, tlast, settle,
                        iend >= 0 ? C.d.t0 + (double)iend * C.d.dt : NAN));
    if (iend < icount + (prev.h.found ? 0 : 1)) {
      PetscCheck(prev.h.found, comm, PETSC_ERR_USER_INPUT, "%s: the record (%.6g s) is not longer than the settling time %.3g s: nothing can be judged yet",
                 c.sensors.data, tlast - C.d.t0, settle);
      if (tlast < prev.h.processed_until)
        PetscCall(FtLogInfo("asset: WARNING: the record %s ends at t = %.9g s, before the last judged time %.9g s: is it this asset's current record?",
                            c.sensors.data, tlast, prev.h.processed_until));
      PetscCall(FtLogInfo("asset: no new settled samples after t = %.9g s: %s is up to date, nothing changed", prev.h.processed_until, out_path));
      free(o.report);
      FtSensorDataFree(&C.d);
      PetscCall(AssetStateFree(&prev));
      PetscCall(PetscFree5(C.prior_mu, C.prior_linv, C.scr_med, C.scr_scale, C.medstd));
      FtCaseFree(&c);
      PetscFunctionReturn(0);
    }
    if (prev.h.found && C.d.t0 > prev.h.processed_until - settle)
      PetscCall(FtLogInfo("asset: WARNING: the record starts at t = %.9g s, after the context the first new steps need (from t = %.9g s): they are judged "
                          "with less context than one run over the whole record would have%s", C.d.t0, prev.h.processed_until - settle,
                          C.d.t0 > prev.h.processed_until ? "; the time between the last judged step and the record's start has no data" : ""));
    {
      const long n = iend - istart + 1;
      memmove(C.d.y, C.d.y + (size_t)istart * C.ns, sizeof(double) * (size_t)n * C.ns);
      memmove(C.d.flag, C.d.flag + (size_t)istart * C.ns, (size_t)n * C.ns);
      C.step0    = istart;
      C.ncontext = icount - istart;
      C.d.nsteps = nt = n;
    }
    PetscCall(FtLogInfo("asset: judging %ld steps (t = %.9g .. %.9g s), of which %ld new and %ld context counted before", nt, StepTime(&C, 0), StepTime(&C, nt - 1),
                        nt - C.ncontext, C.ncontext));
  }
  PetscCall(PetscMalloc2(C.ns, &C.use, C.ns, &C.noise));
  {
    int nused = 0;
    for (int i = 0; i < C.ns; i++) {
      C.use[i]   = !C.d.quality[i].dropped;
      C.noise[i] = c.sensors.sensors[i].noise;
      nused += C.use[i];
    }
    PetscCheck(nused > 0, comm, PETSC_ERR_USER_INPUT, "%s: every sensor was dropped by the cleaning (see the report above): nothing to calibrate", c.sensors.data);
  }

  tm_data = FtWallTime();
  /* 2. model: mesh, space, sensor locations */
  PetscCall(FtBackendSelect(opt->backend, &C.be));
  if (!opt->basis) PetscCall(ModelSetUp(&C, &dm, &s)); /* with a design basis: only if a re-solve is needed */
  PetscCall(NominalValues(&C));

  /* fit steps: fit_samples spread evenly */
  C.nfit = cal->fit_samples > 0 && cal->fit_samples < nt ? cal->fit_samples : nt;
  PetscCall(PetscMalloc5((size_t)C.nfit * C.ns, &C.yfit, (size_t)C.ns * C.nk, &C.G, C.ns, &C.b, (size_t)C.nfit * C.nk, &C.cfit, C.np + 1, &C.theta_lin));
  for (long q = 0; q < C.nfit; q++) {
    const long t = (long)((double)q * nt / C.nfit);
    memcpy(&C.yfit[q * C.ns], &C.d.y[t * C.ns], sizeof(double) * C.ns);
  }
  o.fit_steps = C.nfit;
  PetscCall(PetscCalloc2(C.np + 1, &C.pert, C.np + 1, &C.delta));
  PetscCall(PetscMalloc5(C.np + 1, &theta, (size_t)NumResiduals(&C) * C.np + 1, &J, (size_t)C.np * C.np + 1, &H, (size_t)C.np * C.np + 1, &cov,
                         (size_t)C.np * C.np + 1, &Lchol));
  PetscCall(PetscMalloc1(C.nk, &chan_names));
  for (int k = 0; k < C.nk; k++) chan_names[k] = c.fatigue.channels[k].name;
  for (int j = 0; j < C.np; j++) C.theta_lin[j] = theta[j] = cal->params[j].prior;

  tm_model = FtWallTime();
  /* 3. linearise at the prior (FE solves, or the design basis); can the sensors tell the channels apart? */
  if (opt->basis) {
    /* an asset that was re-solved at commissioning counts on its own basis from then on */
    if (prev.h.found && prev.h.relinearised) { /* the path recorded in the state */
      PetscCheck(access(prev.h.counting_basis, R_OK) == 0, comm, PETSC_ERR_FILE_OPEN,
                 "%s: ftwin asset: %s is counted on its own basis '%s', which cannot be read (moved or removed?)", c.path, out_path, prev.h.counting_basis);
      snprintf(basis_path, sizeof basis_path, "%s", prev.h.counting_basis);
    }
    PetscCall(ReadBasis(&C, prev.h.found && prev.h.relinearised ? basis_path : opt->basis));
    for (int j = 0; j < C.np; j++) theta[j] = C.theta_lin[j];
    if (prev.h.found) {
      for (int j = 0; j < C.np; j++)
        PetscCheck(C.theta_lin[j] == prev.basis_theta[j], comm, PETSC_ERR_USER_INPUT,
                   "%s: ftwin asset: the basis '%s' is linearised at %s = %.17g, but %s was counted on a basis linearised at %.17g: "
                   "it is not the basis this asset's counting state was made on", c.path, C.basis, cal->params[j].name, C.theta_lin[j], out_path,
                   prev.basis_theta[j]);
      memcpy(theta, prev.theta, sizeof(double) * C.np);
    }
  } else PetscCall(Linearise(&C));
  if (prev.h.found && !holding) { /* --recalibrate: the previous posterior is the prior */
    double *L;
    PetscCall(PetscMalloc1((size_t)C.np * C.np + 1, &L));
    PetscCheck(!Cholesky(C.np, prev.cov, L), comm, PETSC_ERR_USER_INPUT, "%s: the asset state's covariance is not positive definite", out_path);
    memset(C.prior_linv, 0, sizeof(double) * C.np * C.np);
    for (int j = 0; j < C.np; j++) { /* forward substitution: L^-1, column by column */
      for (int col = 0; col <= j; col++) {
        double v = (j == col) ? 1.0 : 0.0;
        for (int q = col; q < j; q++) v -= L[j * C.np + q] * C.prior_linv[q * C.np + col];
        C.prior_linv[j * C.np + col] = v / L[j * C.np + j];
      }
    }
    memcpy(C.prior_mu, prev.theta, sizeof(double) * C.np);
    PetscCall(PetscFree(L));
  }
  ModelGb(&C, C.theta_lin, C.G, C.b);
  m.nsens = C.ns; m.nchan = C.nk; m.G = C.G; m.b = C.b; m.sigma = C.noise; m.use = C.use;
  {
    const int irc = FtIdentifiabilityCheck(&m, chan_names, FT_CAL_MAX_COND, &o.id);
    PetscCheck(!irc || !o.id.separable, comm, PETSC_ERR_LIB, "identifiability check failed: %s", o.id.message);
  }
  PetscCall(FtLogInfo("identifiability: rank %d of %d, condition %.3g (singular values of the noise-weighted sensor-to-channel map)", o.id.rank, C.nk, o.id.cond));
  PetscCheck(o.id.separable, comm, PETSC_ERR_USER_INPUT, "%s: %s", c.path, o.id.message);

  /* the model at the prior (the first linearisation point), for the residuals before calibration */
  PetscCall(PetscMalloc5((size_t)nt * C.nk, &o.c, (size_t)nt * C.nk, &o.cstd, (size_t)nt * C.ns, &o.pred, C.ns, &o.rms_before, C.ns, &o.rms_after));
  PetscCall(PetscMalloc2((size_t)C.ns * C.nk, &G0, C.ns, &b0));
  PetscCall(PetscCalloc1(C.ns, &o.outliers));
  PetscCall(PetscMalloc2((size_t)nt * C.ns, &y_clean, (size_t)nt * C.ns, &f_clean));
  memcpy(y_clean, C.d.y, sizeof(double) * nt * C.ns);
  memcpy(f_clean, C.d.flag, (size_t)nt * C.ns);
  memcpy(G0, C.G, sizeof(double) * C.ns * C.nk);
  memcpy(b0, C.b, sizeof(double) * C.ns);

  fe_before_fit = C.t_fe;
  /* 4. fit, re-linearising while a stiffness parameter leaves the linear range (an asset run
        continuing its state holds the calibration and screening statistics instead) */
  o.converged = 0;
  if (holding) {
    long nout;
    C.hold_stats = 1;
    memcpy(C.scr_med, prev.med, sizeof(double) * C.ns);
    memcpy(C.scr_scale, prev.scale, sizeof(double) * C.ns);
    memcpy(C.medstd, prev.medstd, sizeof(double) * C.nk);
    nout = ScreenOutliers(&C, theta, y_clean, f_clean, o.outliers);
    PetscCheck(nout >= 0, comm, PETSC_ERR_LIB, "calibration: outlier screening failed: %s", C.err);
    o.outer = 0;
    o.converged = 1;
    snprintf(o.tao_reason, sizeof o.tao_reason, "held from the asset state");
    PetscCall(FtLogInfo("calibration: held from the asset state (%d fitted run%s); %ld readings inconsistent with the other sensors excluded", prev.h.fitted_runs,
                        prev.h.fitted_runs == 1 ? "" : "s", nout));
  }
  for (o.outer = 1; !holding && o.outer <= cal->max_outer; o.outer++) {
    double moved = 0;
    int    jmax  = -1;
    PetscCall(Fit(&C, theta, o.tao_reason, sizeof o.tao_reason, &o.tao_its));
    {
      const long nout = ScreenOutliers(&C, theta, y_clean, f_clean, o.outliers);
      PetscCheck(nout >= 0, comm, PETSC_ERR_LIB, "calibration: outlier screening failed: %s", C.err);
      if (nout > 0) {
        PetscCall(FtLogInfo("calibration: %ld readings inconsistent with the other sensors (|residual| > %g x robust scale) excluded; fitting again", nout, FT_CAL_OUTLIER));
        PetscCall(Fit(&C, theta, o.tao_reason, sizeof o.tao_reason, &o.tao_its));
      }
    }
    for (int j = 0; j < C.np; j++)
      if (IsStiff(cal->params[j].kind)) {
        const double r = fabs(theta[j] - C.theta_lin[j]) / C.theta_lin[j];
        if (r > moved) { moved = r; jmax = j; }
      }
    {
      char th[512] = "";
      for (int j = 0; j < C.np; j++) snprintf(th + strlen(th), sizeof th - strlen(th), " %s=%.8g", cal->params[j].name, theta[j]);
      PetscCall(FtLogInfo("calibration: fit %d: %s in %" PetscInt_FMT " iterations:%s; largest stiffness move %.3g %% (%s)", o.outer, o.tao_reason,
                          o.tao_its, th, 100 * moved, jmax >= 0 ? cal->params[jmax].name : "none"));
    }
    if (moved <= cal->linear_range) {
      o.converged = 1;
      break;
    }
    if (o.outer == cal->max_outer) break;
    PetscCheck(!prev.h.found, comm, PETSC_ERR_SUP,
               "%s: ftwin asset --recalibrate: the fit moved %s by %.3g %% from the linearisation point of the basis this asset is counted on "
               "(linear range %.3g %%); carrying a counting state over to a re-solved basis is not implemented yet (a re-solved basis numbers "
               "its nodes by its own partition). %s is unchanged; run without --recalibrate, or start a new asset file (-o)",
               c.path, jmax >= 0 ? cal->params[jmax].name : "?", 100 * moved, 100 * cal->linear_range, out_path);
    PetscCall(FtLogInfo("calibration: beyond the linear range (%.3g %%): re-solving at the fitted parameters", 100 * cal->linear_range));
    memcpy(C.theta_lin, theta, sizeof(double) * C.np);
    if (!C.have_fe) PetscCall(ModelSetUp(&C, &dm, &s));
    PetscCall(Linearise(&C));
  }
  if (o.outer > cal->max_outer) o.outer = cal->max_outer;
  if (holding) o.outer = 0;
  if (!o.converged) PetscCall(FtLogInfo("calibration: WARNING: still beyond the linear range after %d re-linearisations (calibration.max_outer)", cal->max_outer));

  /* residuals per sensor before calibration: prior model, the same (cleaned and screened) data */
  {
    FtIdentifyStats st;
    FtObsModel      m0 = m;
    memset(&st, 0, sizeof st);
    st.rms_residual = o.rms_before;
    m0.G            = G0;
    m0.b            = b0;
    PetscCheck(!FtIdentifyLoads(&m0, nt, C.d.y, cal->regularization, o.c, NULL, &st, C.err, sizeof C.err), comm, PETSC_ERR_LIB, "%s", C.err);
  }

  /* 5. posterior covariance (J^T J)^-1 at the optimum (held: the state's) */
  if (holding) {
    memcpy(cov, prev.cov, sizeof(double) * C.np * C.np);
    PetscCheck(!Cholesky(C.np, cov, Lchol), comm, PETSC_ERR_USER_INPUT, "%s: the asset state's covariance is not positive definite", out_path);
  } else {
    PetscCheck(!FitJacobian(&C, theta, J), comm, PETSC_ERR_LIB, "calibration: %s", C.err);
    const long nres = NumResiduals(&C);
    for (int a = 0; a < C.np; a++)
      for (int bb = 0; bb < C.np; bb++) {
        double sum = 0;
        for (long q = 0; q < nres; q++) sum += J[(size_t)a * nres + q] * J[(size_t)bb * nres + q];
        H[a * C.np + bb] = sum;
      }
    memcpy(cov, H, sizeof(double) * C.np * C.np);
    PetscCheck(!InvertSPD(C.np, cov), comm, PETSC_ERR_USER_INPUT, "calibration: the parameters are not determined by the data and priors (J^T J singular)");
    /* its lower Cholesky factor draws the ensemble's parameter samples (theta_hat + L z) */
    PetscCheck(!Cholesky(C.np, cov, Lchol), comm, PETSC_ERR_LIB, "calibration: the posterior covariance is not positive definite");
  }
  for (int j = 0; j < C.np; j++)
    PetscCall(FtLogInfo("  %-16s prior %.4g +- %.3g   fitted %.5g +- %.3g   bounds [%g, %g]", cal->params[j].name, cal->params[j].prior, cal->params[j].sigma,
                        theta[j], sqrt(cov[j * C.np + j]), cal->params[j].lower, cal->params[j].upper));

  tm_fit = FtWallTime();
  /* 6. loads over every step with the calibrated model, residuals, chi-square */
  ModelGb(&C, theta, C.G, C.b);
  {
    double *covt;
    PetscCall(PetscMalloc1((size_t)nt * C.nk * C.nk + 1, &covt));
    memset(&o.st, 0, sizeof o.st);
    o.st.rms_residual = o.rms_after;
    PetscCheck(!FtIdentifyLoads(&m, nt, C.d.y, cal->regularization, o.c, covt, &o.st, C.err, sizeof C.err), comm, PETSC_ERR_LIB, "%s", C.err);
    for (long t = 0; t < nt; t++)
      for (int k = 0; k < C.nk; k++) o.cstd[t * C.nk + k] = sqrt(covt[(t * C.nk + k) * C.nk + k]);
    /* Weakly determined steps: where the valid readings leave a load much less certain than usual
       (e.g. its load cell and the gauges that see it are flagged at once), the estimate is mostly
       noise; such steps are left out (counted), as the unidentifiable ones. */
    {
      double *w = malloc(sizeof(double) * (size_t)nt), *medstd = C.medstd;
      PetscCheck(w, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
      for (int k = 0; k < C.nk && !C.hold_stats; k++) {
        long n = 0;
        for (long t = 0; t < nt; t++)
          if (isfinite(o.cstd[t * C.nk + k])) w[n++] = o.cstd[t * C.nk + k];
        qsort(w, n, sizeof(double), FtCmpDouble);
        medstd[k] = n ? Percentile(w, (int)n, 50) : 0;
      }
      free(w);
      o.weak = 0;
      for (long t = 0; t < nt; t++) {
        int weak = 0;
        if (!isfinite(o.c[t * C.nk])) continue;
        for (int k = 0; k < C.nk; k++) weak |= o.cstd[t * C.nk + k] > FT_CAL_WEAK * medstd[k];
        if (!weak) continue;
        for (int k = 0; k < C.nk; k++) o.c[t * C.nk + k] = NAN;
        o.weak++;
      }
      if (o.weak) PetscCall(FtLogInfo("loads: %ld steps weakly determined (a load std > %g x its median: too many readings flagged at once) left out of the history", o.weak, FT_CAL_WEAK));
      /* Steps without redundancy: if leaving out one valid reading makes a load weakly determined
         (std > FT_CAL_WEAK x its median), that load rests on that reading alone and an error in it
         (a spike the cleaning missed) cannot show in the residuals. Such a load is checked against
         its neighbours in time instead (Hampel: |c_t - median| > FT_CAL_HAMPEL x max(1.4826 MAD,
         its std) over the +-5 nearest identified steps) and the step is left out when it fails.
         Verifiability depends only on which readings are valid, so it is cached per pattern. */
      {
        long           nunver = 0, nfail = 0;
        unsigned char *unver  = calloc((size_t)nt, 1);
        PetscCheck(unver, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
        PetscCall(MarkUnverifiable(&C, &m, medstd, o.c, unver, &nunver));
        nfail = HampelOnLoads(C.nk, nt, o.c, o.cstd, unver);
        if (nunver) PetscCall(FtLogInfo("loads: %ld steps rest on a single reading for some load; %ld of them fail the check against their neighbours in time and are left out", nunver, nfail));
        o.weak += nfail;
        free(unver);
      }
    }
    for (long t = 0; t < nt; t++)
      for (int i = 0; i < C.ns; i++) {
        double v = C.b[i];
        for (int k = 0; k < C.nk; k++) v += C.G[i * C.nk + k] * o.c[t * C.nk + k];
        o.pred[t * C.ns + i] = v;
      }
    o.chi2       = o.st.chi2;
    o.dof        = (double)o.st.dof - C.np;
    o.chi2_limit = o.dof > 0 ? Chi2Quantile999(o.dof) : 0;
    o.acceptable = o.dof > 0 && o.chi2 <= o.chi2_limit;
    PetscCall(FtLogInfo("loads identified at %ld of %ld steps; chi2 %.6g for %.0f degrees of freedom (chi2/dof %.4f; 99.9 %% limit %.6g): fit %s", nt - o.st.unidentified,
                        nt, o.chi2, o.dof, o.dof > 0 ? o.chi2 / o.dof : NAN, o.chi2_limit,
                        o.acceptable ? "ACCEPTABLE" : "NOT acceptable (residuals larger than the stated noise)"));
    for (int i = 0; i < C.ns; i++)
      PetscCall(FtLogInfo("  sensor %-12s residual RMS / noise: before %.3g, after %.3g; %ld outliers excluded%s", c.sensors.sensors[i].id, o.rms_before[i],
                          o.rms_after[i], o.outliers[i], C.use[i] ? "" : " (dropped)"));

    tm_loads = FtWallTime();
    /* 7. calibrated basis: fields linearised at theta_hat, load scales applied (from a design basis
          without a re-solve, the fatigue stage applies the same correction to the basis's stresses) */
    if (!C.have_fe) {
      if (C.basis != basis_path) snprintf(basis_path, sizeof basis_path, "%s", C.basis);
    }
    else if (opt->asset) {
      /* the asset's own basis: a complete basis (fields, /basis) at this linearisation point, which
         the counting applies the linear corrections to, as to a design basis; later runs count on it */
      ApplyParams(&C, C.theta_lin);
      PetscCall(WriteBasisFile(&C, basis_path, 0));
      for (int j = 0; j < C.np; j++) H[j] = 1.0;
      ApplyParams(&C, H);
      C.basis        = basis_path;
      o.relinearised = 1;
      PetscCall(FtLogInfo("asset: its own basis at the re-solve point written: %s (later runs count on it)", basis_path));
    } else {
      FtResults r;
      Vec      *T, *u;
      double  **nst, **cst;
      char      saved[FT_PATH_MAX];
      int       saved_xdmf = c.write_xdmf;
      PetscCall(PetscCalloc2(C.nth + 1, &T, C.nl + 1, &u));
      PetscCall(PetscCalloc2(C.nl + 1, &nst, C.nl + 1, &cst));
      for (int t = 0; t < C.nth; t++) {
        PetscCall(VecDuplicate(C.base.T[t], &T[t]));
        PetscCall(VecCopy(C.base.T[t], T[t]));
        for (int j = 0; j < C.np; j++) {
          const double w = LinWeight(&C, theta, j);
          if (w == 0.0) continue;
          PetscCall(VecAXPY(T[t], w, C.pert[j].T[t]));
          PetscCall(VecAXPY(T[t], -w, C.base.T[t]));
        }
      }
      for (int l = 0; l < C.nl; l++) {
        const double g = LoadGain(&C, theta, l);
        PetscCall(VecDuplicate(C.base.u[l], &u[l]));
        PetscCall(VecCopy(C.base.u[l], u[l]));
        PetscCall(PetscMalloc2((size_t)6 * s.nowned + 1, &nst[l], (size_t)6 * s.ncells + 1, &cst[l]));
        memcpy(nst[l], C.base.nst[l], sizeof(double) * 6 * s.nowned);
        memcpy(cst[l], C.base.cst[l], sizeof(double) * 6 * s.ncells);
        for (int j = 0; j < C.np; j++) {
          const double w = LinWeight(&C, theta, j);
          if (w == 0.0) continue;
          PetscCall(VecAXPY(u[l], w, C.pert[j].u[l]));
          PetscCall(VecAXPY(u[l], -w, C.base.u[l]));
          for (PetscInt q = 0; q < 6 * s.nowned; q++) nst[l][q] += w * (C.pert[j].nst[l][q] - C.base.nst[l][q]);
          for (PetscInt q = 0; q < 6 * s.ncells; q++) cst[l][q] += w * (C.pert[j].cst[l][q] - C.base.cst[l][q]);
        }
        PetscCall(VecScale(u[l], g));
        for (PetscInt q = 0; q < 6 * s.nowned; q++) nst[l][q] *= g;
        for (PetscInt q = 0; q < 6 * s.ncells; q++) cst[l][q] *= g;
      }
      r.T = T; r.tinfo = C.base.tinfo; r.u = u; r.info = C.base.info; r.node_stress = nst; r.cell_stress = cst; r.backend = C.be->name;
      r.extra = NULL; r.extra_ctx = NULL;
      ApplyParams(&C, theta); /* the case text is stored as given; the material values written are the calibrated ones */
      memcpy(saved, c.output_file, sizeof saved);
      snprintf(c.output_file, sizeof c.output_file, "%s", basis_path);
      c.write_xdmf = 0;
      PetscCall(FtOutputWrite(&s, &c, &r));
      memcpy(c.output_file, saved, sizeof saved);
      c.write_xdmf = saved_xdmf;
      for (int j = 0; j < C.np; j++) H[j] = 1.0;
      ApplyParams(&C, H);
      PetscCall(FtLogInfo("calibrated basis written: %s", basis_path));
      for (int t = 0; t < C.nth; t++) PetscCall(VecDestroy(&T[t]));
      for (int l = 0; l < C.nl; l++) {
        PetscCall(VecDestroy(&u[l]));
        PetscCall(PetscFree2(nst[l], cst[l]));
      }
      PetscCall(PetscFree2(T, u));
      PetscCall(PetscFree2(nst, cst));
    }

    tm_basis = FtWallTime();
    /* 8. the identified history (identified steps only) */
    memset(&h, 0, sizeof h);
    h.nchan = C.nk;
    PetscCall(PetscMalloc2(nt, &h.time, (size_t)nt * C.nk, &h.L));
    for (long t = C.ncontext; t < nt; t++) { /* context steps were counted by an earlier run */
      if (!isfinite(o.c[t * C.nk])) continue;
      h.time[h.nsteps] = StepTime(&C, t);
      for (int k = 0; k < C.nk; k++) h.L[h.nsteps * C.nk + k] = c.fatigue.channels[k].scale * (o.c[t * C.nk + k] - c.fatigue.channels[k].offset);
      h.nsteps++;
    }
    PetscCheck(h.nsteps >= (prev.h.found ? 1 : 2), comm, PETSC_ERR_USER_INPUT, "%s: loads could be identified at only %ld new time steps: no history to count",
               c.sensors.data, h.nsteps);

    /* 9. per-step Cholesky factors of the load covariance (for the ensemble's load errors) */
    PetscCall(PetscMalloc1((size_t)nt * C.nk * C.nk + 1, &o.ct_chol));
    for (long t = 0; t < nt; t++)
      if (Cholesky(C.nk, &covt[t * C.nk * C.nk], &o.ct_chol[t * C.nk * C.nk])) memset(&o.ct_chol[t * C.nk * C.nk], 0, sizeof(double) * C.nk * C.nk);
    PetscCall(PetscFree(covt));
  }

  /* 10. fatigue of the identified history on the calibrated basis; the life band and /calibration
         are computed and written by the callback, inside the asset file before it is renamed */
  o.C = &C; o.theta = theta; o.cov = cov; o.lchol = Lchol; o.m = m; o.basis_path = basis_path; o.hist = &h;
  o.asset = opt->asset; o.prev = &prev; o.resumed = prev.h.found; o.fitted = !holding;
  if (prev.h.found && !o.relinearised) o.relinearised = prev.h.relinearised;
  o.processed_until = StepTime(&C, nt - 1);
  o.counted_now     = h.nsteps;
  o.mode = !opt->asset ? "calibrate: fitted on the whole record"
         : !prev.h.found ? "asset: commissioning (fitted on this run's steps)"
         : holding ? "asset: calibration and screening statistics held from the asset state"
                   : "asset: fitted again (--recalibrate) with the previous posterior as the prior";
  {
    /* a stop signal during the counting: nothing is written (the partial counting is discarded),
       the previous asset file stays, exit code 75: the requeued job runs the asset again and
       continues from the previous file */
    FtFatigueResume res = {out_path, prev.h.first_time, prev.h.last_time, prev.h.samples};
    FtFatigueHooks  hk  = {CalibrationWriter, &o, prev.h.found ? &res : NULL, (opt->asset || !C.have_fe) ? BasisStressHook : NULL, &o, 1};
    PetscCall(FtFatigueComputeEx(comm, &c, &h, basis_path, out_path, &summary, &hk));
  }
  tm_end = FtWallTime();
  if (FtExitCode() == FT_EXIT_REQUEUE) PetscCall(FtLogInfo("asset run stopped on request (signal): %s left as it was; exit code %d: run it again", out_path, FT_EXIT_REQUEUE));
  else PetscCall(FtLogInfo("asset results written: %s", out_path));
  PetscCall(FtLogInfo("phases [s]: data (read, clean, resample) %.2f; model set-up (mesh, space, sensor location) %.2f; FE solves %d in %.2f; "
                      "parameter fit (outside FE solves) %.2f; loads (identification, checks) %.2f; calibrated basis %.2f; fatigue %.2f; "
                      "life band %.2f; writing /calibration %.2f; total %.2f",
                      tm_data - tm_start, tm_model - tm_data, C.nsolves, C.t_fe, (tm_fit - tm_model) - (C.t_fe - fe_before_fit) - fe_before_fit,
                      tm_loads - tm_fit, tm_basis - tm_loads, (tm_end - tm_basis) - C.t_band - C.t_write, C.t_band, C.t_write, tm_end - tm_start));

  /* clean up */
  free(summary.hot_nodes);
  free(o.report);
  PetscCall(PetscFree(o.ct_chol));
  PetscCall(PetscFree(o.life_samples));
  PetscCall(PetscFree2(h.time, h.L));
  PetscCall(PetscFree5(o.c, o.cstd, o.pred, o.rms_before, o.rms_after));
  PetscCall(PetscFree2(G0, b0));
  PetscCall(PetscFree2(y_clean, f_clean));
  PetscCall(PetscFree(o.outliers));
  PetscCall(PetscFree(chan_names));
  PetscCall(PetscFree5(theta, J, H, cov, Lchol));
  PetscCall(SolveFree(&C, &C.base));
  for (int j = 0; j < C.np; j++) PetscCall(SolveFree(&C, &C.pert[j]));
  PetscCall(PetscFree2(C.pert, C.delta));
  PetscCall(PetscFree5(C.yfit, C.G, C.b, C.cfit, C.theta_lin));
  PetscCall(PetscFree3(C.E0, C.alpha0, C.h0));
  PetscCall(PetscFree2(C.use, C.noise));
  PetscCall(PetscFree5(C.prior_mu, C.prior_linv, C.scr_med, C.scr_scale, C.medstd));
  PetscCall(AssetStateFree(&prev));
  PetscCall(FtSensorLocationFree(&C.loc));
  FtSensorDataFree(&C.d);
  if (C.have_fe) PetscCall(FtSpaceDestroy(&s));
  PetscCall(DMDestroy(&dm));
  FtCaseFree(&c);
  PetscFunctionReturn(0);
}

PetscErrorCode FtBasisRun(MPI_Comm comm, const FtAssetOptions *opt)
{
  FtCase    c;
  DM        dm = NULL;
  FtSpace   s;
  Cal       C;
  double    t0 = FtWallTime();

  PetscFunctionBeginUser;
  memset(&C, 0, sizeof C);
  PetscCall(FtCaseLoadCollective(comm, opt->case_path, &c));
  if (opt->output) snprintf(c.output_file, sizeof c.output_file, "%s", opt->output);
  if (opt->reuse_basis) { /* --reuse: an existing basis of this very design is kept (no solve) */
    char have[64] = "", mine[64];
    snprintf(mine, sizeof mine, "%016llx", FtCaseDesignHash(&c));
    if (access(c.output_file, F_OK) == 0) {
      PetscMPIInt rank;
      PetscCallMPI(MPI_Comm_rank(comm, &rank));
      if (rank == 0) {
        H5E_auto2_t efn;
        void       *edata;
        hid_t       f, g;
        H5Eget_auto2(H5E_DEFAULT, &efn, &edata);
        H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
        if ((f = H5Fopen(c.output_file, H5F_ACC_RDONLY, H5P_DEFAULT)) >= 0) {
          if (H5Lexists(f, "/basis", H5P_DEFAULT) > 0 && (g = H5Gopen2(f, "/basis", H5P_DEFAULT)) >= 0) {
            (void)FtH5ReadStringAttr(g, "design_hash", have, sizeof have);
            H5Gclose(g);
          }
          H5Fclose(f);
        }
        H5Eset_auto2(H5E_DEFAULT, efn, edata);
      }
      PetscCallMPI(MPI_Bcast(have, sizeof have, MPI_CHAR, 0, comm));
    }
    if (!strcmp(have, mine)) {
      PetscCall(FtLogInfo("basis %s: design hash %s matches this case: kept (--reuse), no FE solve", c.output_file, mine));
      FtCaseFree(&c);
      PetscFunctionReturn(0);
    }
    PetscCall(FtLogInfo("basis %s: %s: building it", c.output_file, have[0] ? "made from another design" : "none yet"));
  }
  PetscCall(FtOutputCheckWritable(comm, &c));
  C.comm = comm;
  C.c    = &c;
  C.ns   = c.sensors.enabled ? c.sensors.nsensors : 0;
  C.nl   = c.nloads;
  C.nk   = c.fatigue.nchannels;
  C.np   = c.calibration.enabled ? c.calibration.nparams : 0;
  C.nth  = c.nthermal;
  C.design_hash = FtCaseDesignHash(&c);
  PetscCall(FtBackendSelect(opt->backend, &C.be));
  PetscCall(ModelSetUp(&C, &dm, &s));
  PetscCall(NominalValues(&C));
  PetscCall(PetscCalloc3(C.np + 1, &C.pert, C.np + 1, &C.delta, C.np + 1, &C.theta_lin));
  for (int j = 0; j < C.np; j++) C.theta_lin[j] = c.calibration.params[j].prior;
  PetscCall(Linearise(&C));
  PetscCall(WriteBasisFile(&C, c.output_file, c.write_xdmf));
  PetscCall(FtLogInfo("basis %s: %d FE solve%s (%.2f s), %d sensor%s x %d load case%s, %d parameter%s; design hash %016llx (%.2f s in all)",
                      c.output_file, C.nsolves, C.nsolves == 1 ? "" : "s", C.t_fe, C.ns, C.ns == 1 ? "" : "s", C.nl, C.nl == 1 ? "" : "s", C.np,
                      C.np == 1 ? "" : "s", FtCaseDesignHash(&c), FtWallTime() - t0));
  PetscCall(SolveFree(&C, &C.base));
  for (int j = 0; j < C.np; j++) PetscCall(SolveFree(&C, &C.pert[j]));
  PetscCall(PetscFree3(C.pert, C.delta, C.theta_lin));
  PetscCall(PetscFree3(C.E0, C.alpha0, C.h0));
  PetscCall(FtSensorLocationFree(&C.loc));
  PetscCall(FtSpaceDestroy(&s));
  PetscCall(DMDestroy(&dm));
  FtCaseFree(&c);
  PetscFunctionReturn(0);
}
