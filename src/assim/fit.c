/* The parameter fit (assim/fit.h; docs/calibration.md, "Fit"). */
#include "assim/fit.h"

#include <math.h>
#include <petsctao.h>
#include <stdlib.h>
#include <string.h>

#include "assim/model.h"
#include "util/lapack.h"

/* ---- the fit --------------------------------------------------------------------------------- */

long FtFitNumResiduals(const FtCalibration *calib) { return calib->nfit * calib->ns + calib->np; }

/* Variable-projection residual r(theta) (docs/calibration.md); invalid entries are 0. */
int FtFitResidual(FtCalibration *calib, const double *theta, double *r)
{
  const FtCalibrationCase *cal = &calib->c->calibration;
  FtObsModel               m;
  FtIdentifyStats          st;

  FtModelGb(calib, theta, calib->G, calib->b);
  m.nsens = calib->ns; m.nchan = calib->nk; m.G = calib->G; m.b = calib->b; m.sigma = calib->noise; m.use = calib->use;
  memset(&st, 0, sizeof st);
  if (FtIdentifyLoads(&m, calib->nfit, calib->yfit, cal->regularization, calib->cfit, NULL, &st, calib->err, sizeof calib->err)) return 1;
  for (long t = 0; t < calib->nfit; t++) {
    const double *c = &calib->cfit[t * calib->nk];
    for (int i = 0; i < calib->ns; i++) {
      const double y = calib->yfit[t * calib->ns + i];
      double       v = 0;
      if (calib->use[i] && isfinite(y) && isfinite(c[0])) {
        v = y - calib->b[i];
        for (int k = 0; k < calib->nk; k++) v -= calib->G[i * calib->nk + k] * c[k];
        v /= calib->noise[i];
      }
      r[t * calib->ns + i] = v;
    }
  }
  (void)cal;
  for (int j = 0; j < calib->np; j++) { /* L^-1 (theta - mu): the prior's covariance is L L^T */
    double v = 0;
    for (int q = 0; q <= j; q++) v += calib->prior_linv[j * calib->np + q] * (theta[q] - calib->prior_mu[q]);
    r[calib->nfit * calib->ns + j] = v;
  }
  return 0;
}

/* J [nres][np] (column-major, as MATSEQDENSE stores it) by central differences. */
int FtFitJacobian(FtCalibration *calib, const double *theta, double *J)
{
  const long nres = FtFitNumResiduals(calib);
  double    *th = malloc(sizeof(double) * calib->np), *rp = malloc(sizeof(double) * nres), *rm = malloc(sizeof(double) * nres);
  int        rc = (!th || !rp || !rm);
  for (int j = 0; j < calib->np && !rc; j++) {
    const double h = 1e-6 * fmax(fabs(theta[j]), 1.0);
    memcpy(th, theta, sizeof(double) * calib->np);
    th[j] = theta[j] + h;
    rc    = FtFitResidual(calib, th, rp);
    th[j] = theta[j] - h;
    if (!rc) rc = FtFitResidual(calib, th, rm);
    for (long q = 0; q < nres && !rc; q++) J[(size_t)j * nres + q] = (rp[q] - rm[q]) / (2 * h);
  }
  free(th);
  free(rp);
  free(rm);
  return rc;
}

static PetscErrorCode TaoResidual(Tao tao, Vec x, Vec f, void *ctx)
{
  FtCalibration               *calib = ctx;
  const PetscScalar *th;
  PetscScalar       *r;

  PetscFunctionBeginUser;
  PetscCall(VecGetArrayRead(x, &th));
  PetscCall(VecGetArray(f, &r));
  PetscCheck(!FtFitResidual(calib, th, r), PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "calibration: %s", calib->err);
  PetscCall(VecRestoreArray(f, &r));
  PetscCall(VecRestoreArrayRead(x, &th));
  PetscFunctionReturn(0);
}

static PetscErrorCode TaoJacobian(Tao tao, Vec x, Mat J, Mat Jpre, void *ctx)
{
  FtCalibration               *calib = ctx;
  const PetscScalar *th;
  PetscScalar       *a;

  PetscFunctionBeginUser;
  PetscCall(VecGetArrayRead(x, &th));
  PetscCall(MatDenseGetArray(J, &a));
  PetscCheck(!FtFitJacobian(calib, th, a), PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "calibration: %s", calib->err);
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
static PetscErrorCode Polish(FtCalibration *calib, double *theta)
{
  const FtCalibrationCase *cal = &calib->c->calibration;
  const long               nres = FtFitNumResiduals(calib);
  const int                np = calib->np;
  double *J = malloc(sizeof(double) * nres * np), *r = malloc(sizeof(double) * nres), *H = malloc(sizeof(double) * np * np),
         *g = malloc(sizeof(double) * np), *trial = malloc(sizeof(double) * np), f0 = 0, f1;

  PetscBool mon = PETSC_FALSE;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsGetBool(NULL, NULL, "-cal_polish_monitor", &mon, NULL));
  PetscCheck(J && r && H && g && trial, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  for (int it = 0; it < 20; it++) {
    double step = 1.0, rel = 0;
    PetscCheck(!FtFitResidual(calib, theta, r) && !FtFitJacobian(calib, theta, J), PETSC_COMM_SELF, PETSC_ERR_LIB, "calibration: %s", calib->err);
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
    if (FtInvertSPD(np, H)) break;
    for (;;) {
      rel = 0;
      for (int a = 0; a < np; a++) {
        double d = 0;
        for (int b = 0; b < np; b++) d -= H[a * np + b] * g[b];
        trial[a] = PetscMin(PetscMax(theta[a] + step * d, cal->params[a].lower), cal->params[a].upper);
        rel      = PetscMax(rel, fabs(trial[a] - theta[a]) / PetscMax(fabs(theta[a]), 1.0));
      }
      PetscCheck(!FtFitResidual(calib, trial, r), PETSC_COMM_SELF, PETSC_ERR_LIB, "calibration: %s", calib->err);
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
PetscErrorCode FtFitParameters(FtCalibration *calib, double *theta, char *reason, size_t rlen, PetscInt *its)
{
  const FtCalibrationCase *cal  = &calib->c->calibration;
  const long               nres = FtFitNumResiduals(calib);
  Tao                      tao;
  Vec                      x, xl, xu, r;
  Mat                      J;
  PetscScalar             *a;
  TaoConvergedReason       why;

  PetscFunctionBeginUser;
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, calib->np, &x));
  PetscCall(VecDuplicate(x, &xl));
  PetscCall(VecDuplicate(x, &xu));
  PetscCall(VecGetArray(x, &a));
  for (int j = 0; j < calib->np; j++) a[j] = PetscMin(PetscMax(theta[j], cal->params[j].lower), cal->params[j].upper);
  PetscCall(VecRestoreArray(x, &a));
  PetscCall(VecGetArray(xl, &a));
  for (int j = 0; j < calib->np; j++) a[j] = cal->params[j].lower;
  PetscCall(VecRestoreArray(xl, &a));
  PetscCall(VecGetArray(xu, &a));
  for (int j = 0; j < calib->np; j++) a[j] = cal->params[j].upper;
  PetscCall(VecRestoreArray(xu, &a));
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, (PetscInt)nres, &r));
  PetscCall(MatCreateSeqDense(PETSC_COMM_SELF, (PetscInt)nres, calib->np, NULL, &J));

  PetscCall(TaoCreate(PETSC_COMM_SELF, &tao));
  PetscCall(TaoSetOptionsPrefix(tao, "cal_"));
  PetscCall(TaoSetType(tao, TAOBRGN));
  PetscCall(TaoSetSolution(tao, x));
  PetscCall(TaoSetVariableBounds(tao, xl, xu));
  PetscCall(TaoSetResidualRoutine(tao, r, TaoResidual, calib));
  PetscCall(TaoSetJacobianResidualRoutine(tao, J, J, TaoJacobian, calib));
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
  for (int j = 0; j < calib->np; j++) theta[j] = a[j];
  PetscCall(VecRestoreArray(x, &a));
  PetscCall(TaoDestroy(&tao));
  PetscCall(Polish(calib, theta));
  PetscCall(MatDestroy(&J));
  PetscCall(VecDestroy(&r));
  PetscCall(VecDestroy(&xu));
  PetscCall(VecDestroy(&xl));
  PetscCall(VecDestroy(&x));
  PetscFunctionReturn(0);
}

/* In-place inverse of the SPD n x n row-major matrix A: A = L L^T (dpotrf), A^-1 from L (dpotri)
 * into the lower triangle (LAPACK's 'U' of the row-major matrix), mirrored to the upper one.
 * 1 when A is not positive definite (A is then overwritten). */
int FtInvertSPD(int n, double *A)
{
  int info = 0;
  if (n < 1) return 0;
  dpotrf_("U", &n, A, &n, &info, 1);
  if (info) return 1;
  dpotri_("U", &n, A, &n, &info, 1);
  if (info) return 1;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < i; j++) A[j * n + i] = A[i * n + j];
  return 0;
}

/* Lower Cholesky factor L (row-major, upper triangle 0) of the SPD n x n row-major matrix A, by
 * dpotrf; 1 when A is not positive definite. */
int FtCholeskyLower(int n, const double *A, double *L)
{
  int info = 0;
  if (n < 1) return 0;
  memcpy(L, A, sizeof(double) * n * n);
  dpotrf_("U", &n, L, &n, &info, 1);
  if (info) return 1;
  for (int i = 0; i < n; i++)
    for (int j = i + 1; j < n; j++) L[i * n + j] = 0.0;
  return 0;
}

/* Posterior covariance of theta at the optimum, J = d r / d theta [nres][np] (prior rows
 * included), H = J^T J:
 *   Gauss-Newton   C_GN = H^-1
 *   sandwich       C_S  = H^-1 (sum_t g_t g_t^T + J_p^T J_p) H^-1,  g_t = J_t^T r_t
 * (the robust or Huber-White covariance: Huber 1967, Proc. 5th Berkeley Symp. 1, 221-233; White
 * 1982, Econometrica 50, 1-25). t runs over the fit steps (independent given theta: the noise
 * is independent from step to step), J_t, r_t are step t's rows, J_p the prior rows. Where the
 * model and the stated noise are right, E[g_t g_t^T] = J_t^T J_t and the two agree; the sandwich
 * measures the scatter of each step's contribution to the score instead of assuming it, so it
 * also holds where they are not: noise larger than stated, a model error that is not noise, or
 * the profile score's quadratic term in the noise (each step's loads are estimated from that
 * step's own readings, where the information identity behind H^-1 can fail: Neyman & Scott
 * 1948, Econometrica 16, 1-32). On the coverage study's design the two agree (sandwich / GN
 * 0.93-1.05 per parameter over 100 assets, validation/coverage/README.md).
 * calibration.covariance chooses which is reported and sampled;
 * both standard deviations are returned (std_gn, std_sw [np], either may be NULL). The chosen
 * one's lower Cholesky factor draws the ensemble's parameter samples (theta_hat + L z). */
PetscErrorCode FtFitPosterior(FtCalibration *calib, const double *theta, int method, double *J, double *H, double *cov, double *lchol, double *std_gn,
                              double *std_sw)
{
  const int  np   = calib->np, ns = calib->ns;
  const long nres = FtFitNumResiduals(calib), ndata = calib->nfit * (long)ns;
  double    *r, *M, *g, *C;

  PetscFunctionBeginUser;
  PetscCheck(!FtFitJacobian(calib, theta, J), calib->comm, PETSC_ERR_LIB, "calibration: %s", calib->err);
  for (int a = 0; a < np; a++)
    for (int bb = 0; bb < np; bb++) {
      double sum = 0;
      for (long q = 0; q < nres; q++) sum += J[(size_t)a * nres + q] * J[(size_t)bb * nres + q];
      H[a * np + bb] = sum;
    }
  memcpy(cov, H, sizeof(double) * np * np);
  PetscCheck(!FtInvertSPD(np, cov), calib->comm, PETSC_ERR_USER_INPUT, "calibration: the parameters are not determined by the data and priors (J^T J singular)");
  /* the meat: per-step scores, then the prior's information */
  PetscCall(PetscMalloc4((size_t)nres, &r, (size_t)np * np, &M, (size_t)np, &g, (size_t)np * np, &C));
  PetscCheck(!FtFitResidual(calib, theta, r), calib->comm, PETSC_ERR_LIB, "calibration: %s", calib->err);
  memset(M, 0, sizeof(double) * np * np);
  for (long t = 0; t < calib->nfit; t++) {
    for (int a = 0; a < np; a++) {
      double sum = 0;
      for (int i = 0; i < ns; i++) sum += J[(size_t)a * nres + t * ns + i] * r[t * ns + i];
      g[a] = sum;
    }
    for (int a = 0; a < np; a++)
      for (int bb = 0; bb < np; bb++) M[a * np + bb] += g[a] * g[bb];
  }
  for (int a = 0; a < np; a++)
    for (int bb = 0; bb < np; bb++)
      for (long q = ndata; q < nres; q++) M[a * np + bb] += J[(size_t)a * nres + q] * J[(size_t)bb * nres + q];
  for (int a = 0; a < np; a++) /* C = H^-1 M H^-1 (cov holds H^-1, symmetric) */
    for (int bb = 0; bb < np; bb++) {
      double sum = 0;
      for (int p = 0; p < np; p++)
        for (int q = 0; q < np; q++) sum += cov[a * np + p] * M[p * np + q] * cov[q * np + bb];
      C[a * np + bb] = sum;
    }
  for (int a = 0; a < np; a++) {
    if (std_gn) std_gn[a] = sqrt(cov[a * np + a]);
    if (std_sw) std_sw[a] = sqrt(C[a * np + a]);
  }
  if (method == FT_COV_SANDWICH) memcpy(cov, C, sizeof(double) * np * np);
  PetscCall(PetscFree4(r, M, g, C));
  PetscCheck(!FtCholeskyLower(np, cov, lchol), calib->comm, PETSC_ERR_LIB, "calibration: the posterior covariance is not positive definite");
  PetscFunctionReturn(0);
}

/* The prior N(mu, cov) of a --recalibrate fit: cov = L L^T, prior_linv = L^-1 by forward
 * substitution, column by column: (L^-1)_{j,col} = ([j = col] - sum_{col<=q<j} L_jq (L^-1)_{q,col}) / L_jj. */
PetscErrorCode FtFitPriorFromPosterior(FtCalibration *calib, const double *mu, const double *cov, int *not_spd)
{
  const int np = calib->np;
  double   *L;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1((size_t)np * np + 1, &L));
  *not_spd = FtCholeskyLower(np, cov, L);
  if (!*not_spd) {
    memset(calib->prior_linv, 0, sizeof(double) * np * np);
    for (int j = 0; j < np; j++) {
      for (int col = 0; col <= j; col++) {
        double v = (j == col) ? 1.0 : 0.0;
        for (int q = col; q < j; q++) v -= L[j * np + q] * calib->prior_linv[q * np + col];
        calib->prior_linv[j * np + col] = v / L[j * np + j];
      }
    }
    memcpy(calib->prior_mu, mu, sizeof(double) * np);
  }
  PetscCall(PetscFree(L));
  PetscFunctionReturn(0);
}
