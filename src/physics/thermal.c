#include <string.h>

#include "fem/assemble.h"
#include "ft_elasticity.h"
#include "ft_tri.h"
#include "mesh/mesh.h"
#include "physics/physics.h"
#include "runtime/log.h"

/* Cells of a volume region on this rank (local cell indices). */
static PetscErrorCode RegionCells(const FtSpace *s, const char *region, PetscInt *n, PetscInt **cells)
{
  PetscInt np, *pts, k = 0;

  PetscFunctionBeginUser;
  PetscCall(FtMeshRegionPoints(s->dm, region, &np, &pts));
  for (PetscInt i = 0; i < np; i++)
    if (pts[i] >= s->cStart && pts[i] < s->cStart + s->ncells) pts[k++] = pts[i] - s->cStart;
  *n     = k;
  *cells = pts;
  PetscFunctionReturn(0);
}

static PetscErrorCode PrescribedTemperature(const FtSpace *s, const FtThermalCase *tc, Vec T)
{
  PetscScalar *ta;
  DM           dm1;
  Vec          Tl;

  PetscFunctionBeginUser;
  PetscCall(FtFieldDM(s, 1, &dm1));
  PetscCall(DMGetLocalVector(dm1, &Tl));
  PetscCall(VecGetArray(Tl, &ta));
  for (PetscInt n = 0; n < s->nnodes; n++) {
    const double *x = &s->node_x[3 * n];
    ta[n] = tc->field.expr ? FtExprEval(tc->field.expr, x[0], x[1], x[2]) : tc->field.value;
  }
  PetscCall(VecRestoreArray(Tl, &ta));
  PetscCall(DMLocalToGlobal(dm1, Tl, INSERT_VALUES, T));
  PetscCall(DMRestoreLocalVector(dm1, &Tl));
  PetscFunctionReturn(0);
}

PetscErrorCode FtThermalSolve(const FtSpace *s, const FtCase *c, const FtBackend *be, int t, Vec *T, FtSolveInfo *info)
{
  const FtThermalCase *tc  = &c->thermal[t];
  const int            nen = s->nen, order = s->order, nfn = order == 2 ? 6 : 3;
  DM                   dm1;
  Mat                  K;
  Vec                  b, bl;
  KSP                  ksp;
  PetscScalar         *vals, *ba;
  PetscInt             nconv = 0, *conv_nodes = NULL;
  FtDirichlet          bc = {0};
  FtBlockSet           sets[2];
  double               t0 = FtWallTime();

  PetscFunctionBeginUser;
  info->l2_error = -1;
  info->its      = 0;
  PetscCall(FtVecCreate(s, 1, T));
  PetscCall(PetscObjectSetName((PetscObject)*T, tc->name));
  if (tc->kind == FT_THERMAL_PRESCRIBED) {
    PetscCall(PrescribedTemperature(s, tc, *T));
    PetscCall(FtLogInfo("thermal case '%s': prescribed field %s", tc->name, tc->field.expr ? FtExprText(tc->field.expr) : "(constant)"));
    PetscFunctionReturn(0);
  }
  PetscCall(FtFieldDM(s, 1, &dm1));
  PetscCall(DMGetLocalVector(dm1, &bl));
  PetscCall(VecSet(bl, 0.0));
  PetscCall(VecGetArray(bl, &ba));

  /* Convection faces: their matrices join the operator's COO pattern. */
  for (int i = 0; i < tc->nconvection; i++) {
    PetscInt nf, *fn;
    double  *Xf;
    PetscCall(FtSpaceRegionFaces(s, tc->convection[i].region, &nf, &Xf, &fn));
    PetscCall(PetscRealloc(sizeof(PetscInt) * nfn * (nconv + nf), &conv_nodes));
    for (PetscInt f = 0; f < nf; f++) {
      double fe[FT_TRI_MAX_NODES];
      for (int a = 0; a < nfn; a++) conv_nodes[nfn * (nconv + f) + a] = fn[6 * f + a];
      /* h * T_ambient * integral of N over the face */
      ft_tri_scalar_load(order, (const double(*)[3]) & Xf[9 * f], tc->convection[i].h * tc->convection[i].ambient, fe);
      for (int a = 0; a < nfn; a++) ba[fn[6 * f + a]] += fe[a];
    }
    PetscCall(PetscFree2(Xf, fn));
    nconv += nf;
  }

  sets[0].nblocks = s->ncells; sets[0].nodes_per_block = nen; sets[0].nodes = s->cell_nodes;
  sets[1].nblocks = nconv;     sets[1].nodes_per_block = nfn; sets[1].nodes = conv_nodes;
  PetscCall(FtMatCreateCOO(s, 1, 2, sets, &K));
  PetscCall(PetscMalloc1((size_t)s->ncells * nen * nen + (size_t)nconv * nfn * nfn, &vals));
  { /* element conductivity matrices from the backend (kernels/ft_batch.h), the first ncells blocks of vals */
    double *kcond;
    char    err[256] = "";
    PetscCall(PetscMalloc1(s->ncells + 1, &kcond));
    for (PetscInt e = 0; e < s->ncells; e++) kcond[e] = c->materials[s->cell_material[e]].k;
    PetscCheck(!be->thermal_batch(order, (int)s->ncells, s->X, kcond, vals, err, sizeof err), PETSC_COMM_SELF, PETSC_ERR_LIB,
               "element conductivity on the %s backend failed: %s", be->name, err);
    PetscCall(PetscFree(kcond));
  }
  {
    PetscInt f0 = 0;
    for (int i = 0; i < tc->nconvection; i++) {
      PetscInt nf, *fn;
      double  *Xf;
      PetscCall(FtSpaceRegionFaces(s, tc->convection[i].region, &nf, &Xf, &fn));
      for (PetscInt f = 0; f < nf; f++)
        ft_tri_mass(order, (const double(*)[3]) & Xf[9 * f], tc->convection[i].h,
                    &vals[(size_t)s->ncells * nen * nen + (size_t)(f0 + f) * nfn * nfn]);
      f0 += nf;
      PetscCall(PetscFree2(Xf, fn));
    }
  }
  PetscCall(MatSetValuesCOO(K, vals, INSERT_VALUES));
  PetscCall(PetscFree(vals));
  PetscCall(PetscFree(conv_nodes));

  /* Heat flux on surfaces and volumetric sources. */
  for (int i = 0; i < tc->nflux; i++) {
    PetscInt nf, *fn;
    double  *Xf;
    PetscCall(FtSpaceRegionFaces(s, tc->flux[i].region, &nf, &Xf, &fn));
    for (PetscInt f = 0; f < nf; f++) {
      double fe[FT_TRI_MAX_NODES];
      ft_tri_scalar_load(order, (const double(*)[3]) & Xf[9 * f], tc->flux[i].value, fe);
      for (int a = 0; a < nfn; a++) ba[fn[6 * f + a]] += fe[a];
    }
    PetscCall(PetscFree2(Xf, fn));
  }
  for (int i = 0; i < tc->nsource; i++) {
    PetscInt n = 0, *cells = NULL;
    PetscCall(RegionCells(s, tc->source[i].region, &n, &cells));
    for (PetscInt k = 0; k < n; k++) {
      double fe[FT_TET_MAX_NODES];
      ft_tet_scalar_source(order, (const double(*)[3]) & s->X[12 * cells[k]], tc->source[i].value, fe);
      for (int a = 0; a < nen; a++) ba[s->cell_nodes[nen * cells[k] + a]] += fe[a];
    }
    PetscCall(PetscFree(cells));
  }
  PetscCall(VecRestoreArray(bl, &ba));
  PetscCall(FtVecCreate(s, 1, &b));
  PetscCall(VecSet(b, 0.0));
  PetscCall(DMLocalToGlobal(dm1, bl, ADD_VALUES, b));
  PetscCall(DMRestoreLocalVector(dm1, &bl));

  /* Fixed temperatures (a node on two fixed regions takes the later entry's value). */
  {
    PetscInt *mark, cnt = 0;
    double   *val;
    PetscCall(PetscMalloc2(s->nnodes, &mark, s->nnodes, &val));
    for (PetscInt n = 0; n < s->nnodes; n++) mark[n] = 0;
    for (int i = 0; i < tc->nfixed; i++) {
      PetscInt nn, *nodes;
      PetscCall(FtSpaceRegionNodes(s, tc->fixed[i].region, &nn, &nodes));
      for (PetscInt k = 0; k < nn; k++) {
        mark[nodes[k]] = 1;
        val[nodes[k]]  = tc->fixed[i].value;
      }
      PetscCall(PetscFree(nodes));
    }
    for (PetscInt n = 0; n < s->nnodes; n++) cnt += mark[n] && s->node_owned[n];
    bc.n      = cnt;
    bc.ncases = 1;
    PetscCall(PetscMalloc1(cnt, &bc.rows));
    PetscCall(PetscMalloc1(cnt, &bc.ldofs));
    PetscCall(PetscMalloc1(cnt, &bc.values));
    cnt = 0;
    for (PetscInt n = 0; n < s->nnodes; n++)
      if (mark[n] && s->node_owned[n]) {
        bc.rows[cnt]   = s->node_global[n];
        bc.ldofs[cnt]  = n;
        bc.values[cnt] = val[n];
        cnt++;
      }
    PetscCall(PetscFree2(mark, val));
  }
  PetscCall(FtDirichletApply(K, &bc, &b));
  PetscCall(FtDirichletDestroy(&bc));

  PetscCall(FtKSPCreate(K, "thermal_", c->rtol, &ksp));
  PetscCall(VecSet(*T, 0.0));
  {
    char what[128];
    snprintf(what, sizeof what, "thermal case '%s'", tc->name);
    PetscCall(FtSolveChecked(ksp, b, *T, what, &info->its));
  }
  PetscCall(FtLogInfo("thermal case '%s': solved in %" PetscInt_FMT " iterations (%.2f s)", tc->name, info->its, FtWallTime() - t0));
  PetscCall(KSPDestroy(&ksp));
  PetscCall(MatDestroy(&K));
  PetscCall(VecDestroy(&b));
  PetscFunctionReturn(0);
}
