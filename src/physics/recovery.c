#include <string.h>

#include "ft_elasticity.h"
#include "ft_tet.h"
#include "physics/physics.h"
#include "runtime/log.h"

/* Stress recovery. For every element the backend evaluates sigma = D (eps(u) - alpha dT m) at
 * the element's own nodes and at the 4 points of the degree-2 rule. Nodal stress is the
 * volume-weighted mean of the element values at the node over the elements sharing it
 * (weighted nodal averaging); cell stress is the quadrature-weighted mean over the points.
 * Averaging is done on the nodes' owners after a ghost reduction (DMLocalToGlobal ADD). */
PetscErrorCode FtStressRecover(const FtSpace *s, const FtCase *c, const FtBackend *be, Vec u, Vec T, double *node_stress,
                               double *cell_stress)
{
  const int          nen = s->nen, nqp = ft_tet_quad_npoints(2), npts = nen + nqp;
  Vec                ul, Tl = NULL, accl, accg;
  const PetscScalar *ua, *ta = NULL;
  PetscScalar       *acc;
  double            *E, *nu, *alpha, *ue, *dTe = NULL, *lam, *sig, qw[8];
  char               err[256] = "";

  PetscFunctionBeginUser;
  PetscCall(PetscLogEventBegin(FT_EV_RECOVERY, 0, 0, 0, 0));
  PetscCall(PetscMalloc6(s->ncells, &E, s->ncells, &nu, s->ncells, &alpha, (size_t)s->ncells * 3 * nen, &ue, 4 * npts, &lam,
                         (size_t)s->ncells * npts * 6, &sig));
  for (int a = 0; a < nen; a++) ft_tet_node_lam(a, &lam[4 * a]);
  for (int q = 0; q < nqp; q++) ft_tet_quad_point(2, q, &lam[4 * (nen + q)], &qw[q]);
  PetscCall(DMGetLocalVector(s->dm3, &ul));
  PetscCall(DMGlobalToLocal(s->dm3, u, INSERT_VALUES, ul));
  PetscCall(VecGetArrayRead(ul, &ua));
  if (T) {
    PetscCall(PetscMalloc1((size_t)s->ncells * nen, &dTe));
    PetscCall(DMGetLocalVector(s->dm1, &Tl));
    PetscCall(DMGlobalToLocal(s->dm1, T, INSERT_VALUES, Tl));
    PetscCall(VecGetArrayRead(Tl, &ta));
  }
  for (PetscInt e = 0; e < s->ncells; e++) {
    const FtCaseMaterial *m = &c->materials[s->cell_material[e]];
    E[e]     = m->E;
    nu[e]    = m->nu;
    alpha[e] = m->alpha;
    for (int a = 0; a < nen; a++) {
      const PetscInt node = s->cell_nodes[nen * e + a];
      for (int k = 0; k < 3; k++) ue[(size_t)3 * nen * e + 3 * a + k] = PetscRealPart(ua[3 * node + k]);
      if (dTe) dTe[(size_t)nen * e + a] = PetscRealPart(ta[node]) - c->T_ref;
    }
  }
  PetscCall(VecRestoreArrayRead(ul, &ua));
  PetscCall(DMRestoreLocalVector(s->dm3, &ul));
  if (T) {
    PetscCall(VecRestoreArrayRead(Tl, &ta));
    PetscCall(DMRestoreLocalVector(s->dm1, &Tl));
  }
  PetscCheck(!be->stress_batch(s->order, (int)s->ncells, s->X, E, nu, alpha, 1, ue, dTe, npts, lam, sig, err, sizeof err),
             PETSC_COMM_SELF, PETSC_ERR_LIB, "stress recovery on the %s backend failed: %s", be->name, err);

  /* nodal averaging: 6 weighted components + the weight, reduced onto the owners */
  PetscCall(DMGetLocalVector(s->dm7, &accl));
  PetscCall(VecSet(accl, 0.0));
  PetscCall(VecGetArray(accl, &acc));
  for (PetscInt e = 0; e < s->ncells; e++) {
    const double w = s->cell_volume[e];
    for (int a = 0; a < nen; a++) {
      const PetscInt node = s->cell_nodes[nen * e + a];
      for (int k = 0; k < 6; k++) acc[7 * node + k] += w * sig[((size_t)npts * e + a) * 6 + k];
      acc[7 * node + 6] += w;
    }
    if (cell_stress) {
      double wsum = 0;
      for (int k = 0; k < 6; k++) cell_stress[6 * e + k] = 0;
      for (int q = 0; q < nqp; q++) {
        for (int k = 0; k < 6; k++) cell_stress[6 * e + k] += qw[q] * sig[((size_t)npts * e + nen + q) * 6 + k];
        wsum += qw[q];
      }
      for (int k = 0; k < 6; k++) cell_stress[6 * e + k] /= wsum;
    }
  }
  PetscCall(VecRestoreArray(accl, &acc));
  PetscCall(DMGetGlobalVector(s->dm7, &accg));
  PetscCall(VecSet(accg, 0.0));
  PetscCall(DMLocalToGlobal(s->dm7, accl, ADD_VALUES, accg));
  PetscCall(DMRestoreLocalVector(s->dm7, &accl));
  {
    const PetscScalar *g;
    PetscCall(VecGetArrayRead(accg, &g));
    for (PetscInt i = 0; i < s->nowned; i++)
      for (int k = 0; k < 6; k++) node_stress[6 * i + k] = PetscRealPart(g[7 * i + k] / g[7 * i + 6]);
    PetscCall(VecRestoreArrayRead(accg, &g));
  }
  PetscCall(DMRestoreGlobalVector(s->dm7, &accg));
  PetscCall(PetscFree6(E, nu, alpha, ue, lam, sig));
  PetscCall(PetscFree(dTe));
  PetscCall(PetscLogEventEnd(FT_EV_RECOVERY, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}
