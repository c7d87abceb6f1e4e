#include <math.h>
#include <string.h>

#include "fem/assemble.h"
#include "ft_elasticity.h"
#include "ft_tet.h"
#include "ft_tri.h"
#include "mesh/mesh.h"
#include "physics/physics.h"
#include "runtime/log.h"

/* Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations (n <= 6). */
static void SymEig6(int n, double A[6][6], double w[6], double V[6][6])
{
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) V[i][j] = i == j;
  for (int sweep = 0; sweep < 100; sweep++) {
    double off = 0;
    for (int p = 0; p < n; p++)
      for (int q = p + 1; q < n; q++) off += A[p][q] * A[p][q];
    if (off < 1e-30) break;
    for (int p = 0; p < n; p++)
      for (int q = p + 1; q < n; q++) {
        if (fabs(A[p][q]) < 1e-300) continue;
        double theta = 0.5 * (A[q][q] - A[p][p]) / A[p][q];
        double t     = (theta >= 0 ? 1.0 : -1.0) / (fabs(theta) + sqrt(theta * theta + 1.0));
        double cs = 1.0 / sqrt(t * t + 1.0), sn = t * cs;
        for (int k = 0; k < n; k++) {
          double akp = A[k][p], akq = A[k][q];
          A[k][p] = cs * akp - sn * akq;
          A[k][q] = sn * akp + cs * akq;
        }
        for (int k = 0; k < n; k++) {
          double apk = A[p][k], aqk = A[q][k];
          A[p][k] = cs * apk - sn * aqk;
          A[q][k] = sn * apk + cs * aqk;
        }
        for (int k = 0; k < n; k++) {
          double vkp = V[k][p], vkq = V[k][q];
          V[k][p] = cs * vkp - sn * vkq;
          V[k][q] = sn * vkp + cs * vkq;
        }
      }
  }
  for (int i = 0; i < n; i++) w[i] = A[i][i];
}

/* Rigid-body mode m (0-2 translations, 3-5 rotations about x, y, z through xc, scaled by L) at x. */
static void RigidMode(int m, const double x[3], const double xc[3], double L, double r[3])
{
  double d[3] = {(x[0] - xc[0]) / L, (x[1] - xc[1]) / L, (x[2] - xc[2]) / L};
  r[0] = r[1] = r[2] = 0;
  if (m < 3) r[m] = 1;
  else if (m == 3) { r[1] = -d[2]; r[2] = d[1]; }
  else if (m == 4) { r[0] = d[2]; r[2] = -d[0]; }
  else { r[0] = -d[1]; r[1] = d[0]; }
}

/* The constraints leave the body free to move rigidly when some combination of the six
 * rigid-body modes vanishes on every constrained dof: the Gram matrix of the modes restricted
 * to the constrained dofs is then singular. Names the free motions instead of letting the
 * solver diverge. (One connected body is assumed.) */
static PetscErrorCode CheckRigidBodyConstrained(const FtSpace *s, const FtCase *c, const PetscInt *dofmark)
{
  MPI_Comm comm = PetscObjectComm((PetscObject)s->dm);
  double   loc[4] = {0, 0, 0, 0}, glob[4], xc[3], L = 0, lo[3] = {1e300, 1e300, 1e300}, hi[3] = {-1e300, -1e300, -1e300};
  double   Gl[36] = {0}, G[6][6], w[6], V[6][6], wmax = 0;

  PetscFunctionBeginUser;
  for (PetscInt n = 0; n < s->nnodes; n++)
    if (s->node_owned[n]) {
      for (int i = 0; i < 3; i++) {
        loc[i] += s->node_x[3 * n + i];
        lo[i] = PetscMin(lo[i], s->node_x[3 * n + i]);
        hi[i] = PetscMax(hi[i], s->node_x[3 * n + i]);
      }
      loc[3] += 1;
    }
  PetscCallMPI(MPI_Allreduce(loc, glob, 4, MPI_DOUBLE, MPI_SUM, comm));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, lo, 3, MPI_DOUBLE, MPI_MIN, comm));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, hi, 3, MPI_DOUBLE, MPI_MAX, comm));
  for (int i = 0; i < 3; i++) {
    xc[i] = glob[i] / glob[3];
    L     = PetscMax(L, hi[i] - lo[i]);
  }
  for (PetscInt n = 0; n < s->nnodes; n++) {
    if (!s->node_owned[n]) continue;
    double r[6][3];
    for (int m = 0; m < 6; m++) RigidMode(m, &s->node_x[3 * n], xc, L, r[m]);
    for (int i = 0; i < 3; i++)
      if (dofmark[3 * n + i] >= 0)
        for (int a = 0; a < 6; a++)
          for (int b = 0; b < 6; b++) Gl[6 * a + b] += r[a][i] * r[b][i];
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, Gl, 36, MPI_DOUBLE, MPI_SUM, comm));
  for (int a = 0; a < 6; a++)
    for (int b = 0; b < 6; b++) G[a][b] = Gl[6 * a + b];
  SymEig6(6, G, w, V);
  for (int a = 0; a < 6; a++) wmax = PetscMax(wmax, w[a]);
  {
    char        free_motions[512] = "";
    const char *names[6] = {"translation in x", "translation in y", "translation in z", "rotation about x", "rotation about y", "rotation about z"};
    int         nfree = 0;
    for (int a = 0; a < 6; a++) {
      if (w[a] > 1e-10 * PetscMax(wmax, 1.0) && wmax > 0) continue;
      /* describe the free motion by its dominant rigid-body components */
      double vmax = 0;
      for (int m = 0; m < 6; m++) vmax = PetscMax(vmax, fabs(V[m][a]));
      for (int m = 0; m < 6; m++)
        if (fabs(V[m][a]) > 0.3 * vmax) {
          if (strstr(free_motions, names[m])) continue;
          size_t used = strlen(free_motions);
          snprintf(free_motions + used, sizeof free_motions - used, "%s%s", used ? ", " : "", names[m]);
        }
      nfree++;
    }
    PetscCheck(!nfree, comm, PETSC_ERR_USER_INPUT,
               "%s: mechanical.constraints: the body is not held against rigid-body motion (%d free motion%s: %s); "
               "constrain more components so that the stiffness matrix is not singular",
               c->path, nfree, nfree > 1 ? "s" : "", free_motions);
  }
  PetscFunctionReturn(0);
}

static double FieldValue(const FtScalarField *f, const double x[3])
{
  return f->expr ? FtExprEval(f->expr, x[0], x[1], x[2]) : f->value;
}

/* Right-hand side of load case l (before Dirichlet lifting) into the global vector b. */
static PetscErrorCode LoadVector(const FtSpace *s, const FtCase *c, int l, Vec *T, Vec b)
{
  const FtLoadCase *lc  = &c->loads[l];
  const int         nen = s->nen, order = s->order, nfn = order == 2 ? 6 : 3;
  DM                dm3 = s->dm3, dm1 = s->dm1;
  Vec               fl, Tl = NULL;
  PetscScalar      *fa;
  const PetscScalar *ta = NULL;

  PetscFunctionBeginUser;
  PetscCall(DMGetLocalVector(dm3, &fl));
  PetscCall(VecSet(fl, 0.0));
  PetscCall(VecGetArray(fl, &fa));
  /* pressure and traction */
  for (int i = 0; i < lc->nsurface; i++) {
    const FtSurfaceLoad *sl = &lc->surface[i];
    PetscInt             nf, *fn;
    double              *Xf;
    PetscCall(FtSpaceRegionFaces(s, sl->region, &nf, &Xf, &fn));
    for (PetscInt f = 0; f < nf; f++) {
      double fe[3 * FT_TRI_MAX_NODES], n[3], t[3];
      ft_tri_area_normal((const double(*)[3]) & Xf[9 * f], n);
      for (int k = 0; k < 3; k++) t[k] = sl->is_pressure ? -sl->pressure * n[k] : sl->traction[k];
      ft_tri_vector_load(order, (const double(*)[3]) & Xf[9 * f], t, fe);
      for (int a = 0; a < nfn; a++)
        for (int k = 0; k < 3; k++) fa[3 * fn[6 * f + a] + k] += fe[3 * a + k];
    }
    PetscCall(PetscFree2(Xf, fn));
  }
  /* body loads and thermal strain */
  if (lc->thermal_case >= 0) {
    PetscCall(DMGetLocalVector(dm1, &Tl));
    PetscCall(DMGlobalToLocal(dm1, T[lc->thermal_case], INSERT_VALUES, Tl));
    PetscCall(VecGetArrayRead(Tl, &ta));
  }
  if (lc->has_gravity || lc->has_rotation || lc->has_body_force || ta) {
    const int nq = ft_tet_quad_npoints(5);
    for (PetscInt e = 0; e < s->ncells; e++) {
      const FtCaseMaterial *m = &c->materials[s->cell_material[e]];
      const double(*X)[3]     = (const double(*)[3]) & s->X[12 * e];
      const PetscInt *nd      = &s->cell_nodes[nen * e];
      double          fe[3 * FT_TET_MAX_NODES], acc[3 * FT_TET_MAX_NODES];
      memset(acc, 0, sizeof acc);
      if (lc->has_gravity) {
        double bg[3] = {m->rho * lc->gravity[0], m->rho * lc->gravity[1], m->rho * lc->gravity[2]};
        ft_tet_body_load(order, X, bg, fe);
        for (int k = 0; k < 3 * nen; k++) acc[k] += fe[k];
      }
      if (lc->has_rotation) {
        ft_tet_centrifugal_load(order, X, m->rho, lc->axis_point, lc->axis, lc->omega, fe);
        for (int k = 0; k < 3 * nen; k++) acc[k] += fe[k];
      }
      if (lc->has_body_force) {
        double bq[3 * 32];
        for (int q = 0; q < nq; q++) {
          double lam[4], w, x[3];
          ft_tet_quad_point(5, q, lam, &w);
          ft_tet_map(X, lam, x);
          for (int k = 0; k < 3; k++) bq[3 * q + k] = FieldValue(&lc->body_force[k], x);
        }
        ft_tet_body_load_qp(order, X, 5, bq, fe);
        for (int k = 0; k < 3 * nen; k++) acc[k] += fe[k];
      }
      if (ta && m->alpha != 0) {
        double dT[FT_TET_MAX_NODES];
        for (int a = 0; a < nen; a++) dT[a] = PetscRealPart(ta[nd[a]]) - c->T_ref;
        ft_tet_thermal_load(order, X, m->E, m->nu, m->alpha, dT, fe);
        for (int k = 0; k < 3 * nen; k++) acc[k] += fe[k];
      }
      for (int a = 0; a < nen; a++)
        for (int k = 0; k < 3; k++) fa[3 * nd[a] + k] += acc[3 * a + k];
    }
  }
  if (ta) {
    PetscCall(VecRestoreArrayRead(Tl, &ta));
    PetscCall(DMRestoreLocalVector(dm1, &Tl));
  }
  PetscCall(VecRestoreArray(fl, &fa));
  PetscCall(VecSet(b, 0.0));
  PetscCall(DMLocalToGlobal(dm3, fl, ADD_VALUES, b));
  PetscCall(DMRestoreLocalVector(dm3, &fl));
  PetscFunctionReturn(0);
}

/* Quadrature for verification norms, where the integrand is not a polynomial (an exact solution
 * such as sin(k y) against a P2 field): the 6-point Gauss-Legendre rule in each direction of the
 * unit cube mapped onto the tetrahedron by the Duffy (collapsed-coordinate) map
 *   lam1 = a, lam2 = b (1 - a), lam3 = c (1 - a)(1 - b), |d lam / d(a,b,c)| = (1 - a)^2 (1 - b),
 * 216 points, exact for polynomials of degree 9 (Stroud, Approximate Calculation of Multiple
 * Integrals, 1971, sec. 2.7 conical product rules). Weights sum to 1 (fraction of the volume).
 * Host-only: the element kernels use the rules of kernels/ft_tet.h. */
#define FT_ERRQ_N 6
static void ErrorQuadPoint(int q, double lam[4], double *w)
{
  const double gx[FT_ERRQ_N] = {-0.9324695142031521, -0.6612093864662645, -0.2386191860831909,
                                 0.2386191860831909,  0.6612093864662645,  0.9324695142031521};
  const double gw[FT_ERRQ_N] = {0.1713244923791704, 0.3607615730481386, 0.4679139345726910,
                                0.4679139345726910, 0.3607615730481386, 0.1713244923791704};
  const int    i = q / (FT_ERRQ_N * FT_ERRQ_N), j = (q / FT_ERRQ_N) % FT_ERRQ_N, k = q % FT_ERRQ_N;
  const double a = 0.5 * (gx[i] + 1), b = 0.5 * (gx[j] + 1), c = 0.5 * (gx[k] + 1);
  lam[1] = a;
  lam[2] = b * (1 - a);
  lam[3] = c * (1 - a) * (1 - b);
  lam[0] = 1 - lam[1] - lam[2] - lam[3];
  /* (1/8) gw gw gw over [0,1]^3 times the Jacobian, times 6 to normalise by the volume 1/6 */
  *w = 6.0 * 0.125 * gw[i] * gw[j] * gw[k] * (1 - a) * (1 - a) * (1 - b);
}

/* ||u_h - u_exact||_L2 and ||u_exact||_L2 over the body. */
static PetscErrorCode L2Error(const FtSpace *s, const FtLoadCase *lc, Vec u, double *err, double *nrm)
{
  Vec                ul;
  const PetscScalar *ua;
  double             loc[2] = {0, 0}, glob[2];
  const int          nq = FT_ERRQ_N * FT_ERRQ_N * FT_ERRQ_N, nen = s->nen;

  PetscFunctionBeginUser;
  PetscCall(DMGetLocalVector(s->dm3, &ul));
  PetscCall(DMGlobalToLocal(s->dm3, u, INSERT_VALUES, ul));
  PetscCall(VecGetArrayRead(ul, &ua));
  for (PetscInt e = 0; e < s->ncells; e++) {
    const double(*X)[3] = (const double(*)[3]) & s->X[12 * e];
    for (int q = 0; q < nq; q++) {
      double lam[4], w, x[3], N[FT_TET_MAX_NODES], uh[3] = {0, 0, 0};
      ErrorQuadPoint(q, lam, &w);
      ft_tet_map(X, lam, x);
      ft_tet_shape(s->order, lam, N);
      for (int a = 0; a < nen; a++)
        for (int k = 0; k < 3; k++) uh[k] += N[a] * PetscRealPart(ua[3 * s->cell_nodes[nen * e + a] + k]);
      for (int k = 0; k < 3; k++) {
        double ue = FieldValue(&lc->exact[k], x);
        loc[0] += w * s->cell_volume[e] * (uh[k] - ue) * (uh[k] - ue);
        loc[1] += w * s->cell_volume[e] * ue * ue;
      }
    }
  }
  PetscCall(VecRestoreArrayRead(ul, &ua));
  PetscCall(DMRestoreLocalVector(s->dm3, &ul));
  PetscCallMPI(MPI_Allreduce(loc, glob, 2, MPI_DOUBLE, MPI_SUM, PetscObjectComm((PetscObject)s->dm)));
  *err = sqrt(glob[0]);
  *nrm = sqrt(glob[1]);
  PetscFunctionReturn(0);
}

PetscErrorCode FtElasticitySolve(const FtSpace *s, const FtCase *c, const FtBackend *be, Vec *T, Vec *u, FtSolveInfo *info)
{
  const int    nen = s->nen, ndof = 3 * nen;
  Mat          K;
  KSP          ksp;
  Vec         *b;
  FtDirichlet  bc = {0};
  FtBlockSet   cells = {s->ncells, nen, s->cell_nodes};
  PetscInt    *dofmark;
  double       t0 = FtWallTime();

  PetscFunctionBeginUser;
  /* Operator: element stiffness matrices from the backend, straight into COO. */
  PetscCall(FtMatCreateCOO(s, 3, 1, &cells, &K));
  {
    double *E, *nu, *vals;
    char    err[256] = "";
    PetscCall(PetscMalloc3(s->ncells, &E, s->ncells, &nu, (size_t)s->ncells * ndof * ndof, &vals));
    for (PetscInt e = 0; e < s->ncells; e++) {
      E[e]  = c->materials[s->cell_material[e]].E;
      nu[e] = c->materials[s->cell_material[e]].nu;
    }
    PetscCall(PetscLogEventBegin(FT_EV_STIFFNESS, 0, 0, 0, 0));
    PetscCheck(!be->stiffness_batch(s->order, (int)s->ncells, s->X, E, nu, vals, err, sizeof err), PETSC_COMM_SELF,
               PETSC_ERR_LIB, "element stiffness on the %s backend failed: %s", be->name, err);
    PetscCall(PetscLogEventEnd(FT_EV_STIFFNESS, 0, 0, 0, 0));
    PetscCall(PetscLogEventBegin(FT_EV_COO, 0, 0, 0, 0));
    PetscCall(MatSetValuesCOO(K, vals, INSERT_VALUES));
    PetscCall(PetscLogEventEnd(FT_EV_COO, 0, 0, 0, 0));
    PetscCall(PetscFree3(E, nu, vals));
  }
  PetscCall(FtLogInfo("elasticity: operator assembled (%" PetscInt_FMT " dofs, %s kernels, %.2f s)", 3 * s->nglobal, be->name,
                      FtWallTime() - t0));

  /* Rigid-body near null space for GAMG. */
  {
    Vec          xl, xg;
    MatNullSpace nsp;
    PetscScalar *xa;
    PetscCall(DMGetLocalVector(s->dm3, &xl));
    PetscCall(VecGetArray(xl, &xa));
    for (PetscInt k = 0; k < 3 * s->nnodes; k++) xa[k] = s->node_x[k];
    PetscCall(VecRestoreArray(xl, &xa));
    PetscCall(FtVecCreate(s, 3, &xg));
    PetscCall(DMLocalToGlobal(s->dm3, xl, INSERT_VALUES, xg));
    PetscCall(DMRestoreLocalVector(s->dm3, &xl));
    PetscCall(MatNullSpaceCreateRigidBody(xg, &nsp));
    PetscCall(MatSetNearNullSpace(K, nsp));
    PetscCall(MatNullSpaceDestroy(&nsp));
    PetscCall(VecDestroy(&xg));
  }

  /* Constrained dofs: dofmark[local dof] = index of the constraint that holds it, or -1. */
  PetscCall(PetscMalloc1(3 * s->nnodes, &dofmark));
  for (PetscInt k = 0; k < 3 * s->nnodes; k++) dofmark[k] = -1;
  for (int i = 0; i < c->nconstraints; i++) {
    PetscInt nn, *nodes;
    PetscCall(FtSpaceRegionNodes(s, c->constraints[i].region, &nn, &nodes));
    for (PetscInt k = 0; k < nn; k++)
      for (int d = 0; d < 3; d++)
        if (c->constraints[i].comp[d]) dofmark[3 * nodes[k] + d] = i;
    PetscCall(PetscFree(nodes));
  }
  PetscCall(CheckRigidBodyConstrained(s, c, dofmark));
  bc.ncases = c->nloads;
  for (PetscInt k = 0; k < 3 * s->nnodes; k++) bc.n += dofmark[k] >= 0 && s->node_owned[k / 3];
  PetscCall(PetscMalloc1(bc.n, &bc.rows));
  PetscCall(PetscMalloc1(bc.n, &bc.ldofs));
  PetscCall(PetscMalloc1((size_t)bc.n * c->nloads, &bc.values));
  {
    PetscInt j = 0;
    for (PetscInt k = 0; k < 3 * s->nnodes; k++) {
      if (dofmark[k] < 0 || !s->node_owned[k / 3]) continue;
      const PetscInt node = k / 3, d = k % 3;
      const FtConstraint *con = &c->constraints[dofmark[k]];
      bc.rows[j]  = 3 * s->node_global[node] + d;
      bc.ldofs[j] = k;
      for (int l = 0; l < c->nloads; l++) {
        const FtScalarField *f = &con->value[d];
        for (int p = 0; p < c->loads[l].nprescribed; p++)
          if (!strcmp(c->loads[l].prescribed[p].region, con->region) && c->loads[l].prescribed[p].comp[d])
            f = &c->loads[l].prescribed[p].value[d];
        bc.values[(size_t)l * bc.n + j] = FieldValue(f, &s->node_x[3 * node]);
      }
      j++;
    }
  }
  PetscCall(PetscFree(dofmark));

  /* Right-hand sides, then the symmetric elimination of the constrained dofs. */
  PetscCall(PetscMalloc1(c->nloads, &b));
  PetscCall(PetscLogEventBegin(FT_EV_LOADS, 0, 0, 0, 0));
  for (int l = 0; l < c->nloads; l++) {
    PetscCall(FtVecCreate(s, 3, &b[l]));
    PetscCall(LoadVector(s, c, l, T, b[l]));
  }
  PetscCall(PetscLogEventEnd(FT_EV_LOADS, 0, 0, 0, 0));
  PetscCall(FtDirichletApply(K, &bc, b));
  PetscCall(FtDirichletDestroy(&bc));

  PetscCall(FtKSPCreate(K, NULL, c->rtol, &ksp));
  PetscCall(KSPSetUp(ksp));
  PetscCall(FtLogInfo("elasticity: preconditioner set up (%.2f s)", FtWallTime() - t0));
  for (int l = 0; l < c->nloads; l++) {
    char   what[128];
    double t1 = FtWallTime();
    PetscCall(FtVecCreate(s, 3, &u[l]));
    PetscCall(PetscObjectSetName((PetscObject)u[l], c->loads[l].name));
    snprintf(what, sizeof what, "load case '%s'", c->loads[l].name);
    PetscCall(FtSolveChecked(ksp, b[l], u[l], what, &info[l].its));
    info[l].l2_error = -1;
    info[l].l2_exact = -1;
    if (c->loads[l].has_exact) PetscCall(L2Error(s, &c->loads[l], u[l], &info[l].l2_error, &info[l].l2_exact));
    if (info[l].l2_error >= 0)
      PetscCall(FtLogInfo("load case '%s': %" PetscInt_FMT " iterations (%.2f s); L2 error %.6e (relative %.6e)", c->loads[l].name,
                          info[l].its, FtWallTime() - t1, info[l].l2_error, info[l].l2_error / info[l].l2_exact));
    else PetscCall(FtLogInfo("load case '%s': %" PetscInt_FMT " iterations (%.2f s)", c->loads[l].name, info[l].its, FtWallTime() - t1));
    PetscCall(VecDestroy(&b[l]));
  }
  PetscCall(PetscFree(b));
  PetscCall(KSPDestroy(&ksp));
  PetscCall(MatDestroy(&K));
  PetscFunctionReturn(0);
}
