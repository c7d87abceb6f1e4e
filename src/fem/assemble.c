#include "fem/assemble.h"

#include <petscksp.h>

#include "runtime/log.h"

PetscErrorCode FtFieldDM(const FtSpace *s, PetscInt width, DM *dm)
{
  PetscFunctionBeginUser;
  switch (width) {
  case 1: *dm = s->dm1; break;
  case 3: *dm = s->dm3; break;
  case 7: *dm = s->dm7; break;
  default: SETERRQ(PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "no field of width %" PetscInt_FMT, width);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode FtVecCreate(const FtSpace *s, PetscInt width, Vec *v)
{
  DM dm = NULL;

  PetscFunctionBeginUser;
  PetscCall(FtFieldDM(s, width, &dm));
  PetscCall(DMCreateGlobalVector(dm, v));
  PetscCall(VecSetBlockSize(*v, width));
  PetscFunctionReturn(0);
}

PetscErrorCode FtMatCreateCOO(const FtSpace *s, PetscInt width, PetscInt nsets, const FtBlockSet *sets, Mat *A)
{
  MPI_Comm               comm = PetscObjectComm((PetscObject)s->dm);
  ISLocalToGlobalMapping ltog;
  PetscCount             ncoo = 0, k = 0;
  PetscInt              *ci, *cj;

  PetscFunctionBeginUser;
  for (PetscInt t = 0; t < nsets; t++) {
    PetscCount m = width * sets[t].nodes_per_block;
    ncoo += (PetscCount)sets[t].nblocks * m * m;
  }
  PetscCall(PetscMalloc2(ncoo, &ci, ncoo, &cj));
  for (PetscInt t = 0; t < nsets; t++) {
    const PetscInt m = sets[t].nodes_per_block;
    for (PetscInt e = 0; e < sets[t].nblocks; e++) {
      const PetscInt *nd = &sets[t].nodes[m * e];
      for (PetscInt a = 0; a < m; a++)
        for (PetscInt i = 0; i < width; i++)
          for (PetscInt b = 0; b < m; b++)
            for (PetscInt j = 0; j < width; j++) {
              ci[k] = width * nd[a] + i;
              cj[k] = width * nd[b] + j;
              k++;
            }
    }
  }
  PetscCall(ISLocalToGlobalMappingCreate(comm, width, s->nnodes, s->node_global, PETSC_COPY_VALUES, &ltog));
  PetscCall(MatCreate(comm, A));
  PetscCall(MatSetSizes(*A, width * s->nowned, width * s->nowned, PETSC_DETERMINE, PETSC_DETERMINE));
  PetscCall(MatSetBlockSize(*A, width));
  PetscCall(MatSetType(*A, MATAIJ));
  PetscCall(MatSetLocalToGlobalMapping(*A, ltog, ltog));
  PetscCall(MatSetPreallocationCOOLocal(*A, ncoo, ci, cj));
  PetscCall(ISLocalToGlobalMappingDestroy(&ltog));
  PetscCall(PetscFree2(ci, cj));
  PetscFunctionReturn(0);
}

void FtAddBlockVectors(PetscInt width, const FtBlockSet *set, const PetscScalar *fe, PetscScalar *floc)
{
  const PetscInt m = set->nodes_per_block;
  for (PetscInt e = 0; e < set->nblocks; e++)
    for (PetscInt a = 0; a < m; a++)
      for (PetscInt i = 0; i < width; i++) floc[width * set->nodes[m * e + a] + i] += fe[(width * m) * e + width * a + i];
}

PetscErrorCode FtDirichletApply(Mat K, const FtDirichlet *bc, Vec *b)
{
  Vec         g, Kg, diag;
  PetscReal   dsum;
  PetscInt    N;
  PetscScalar d;

  PetscFunctionBeginUser;
  PetscCall(MatCreateVecs(K, &g, &Kg));
  PetscCall(VecDuplicate(g, &diag));
  PetscCall(MatGetDiagonal(K, diag));
  PetscCall(VecNorm(diag, NORM_1, &dsum));
  PetscCall(VecGetSize(diag, &N));
  d = dsum / N;
  for (PetscInt c = 0; c < bc->ncases; c++) {
    PetscCall(VecSet(g, 0.0));
    PetscCall(VecSetValues(g, bc->n, bc->rows, &bc->values[c * bc->n], INSERT_VALUES));
    PetscCall(VecAssemblyBegin(g));
    PetscCall(VecAssemblyEnd(g));
    PetscCall(MatMult(K, g, Kg));
    PetscCall(VecAXPY(b[c], -1.0, Kg));
    /* b[D] = d * g[D] (the rows are owned by this rank) */
    {
      PetscScalar *ba;
      PetscInt     lo;
      PetscCall(VecGetOwnershipRange(b[c], &lo, NULL));
      PetscCall(VecGetArray(b[c], &ba));
      for (PetscInt i = 0; i < bc->n; i++) ba[bc->rows[i] - lo] = d * bc->values[c * bc->n + i];
      PetscCall(VecRestoreArray(b[c], &ba));
    }
  }
  PetscCall(MatZeroRowsColumns(K, bc->n, bc->rows, d, NULL, NULL));
  PetscCall(VecDestroy(&g));
  PetscCall(VecDestroy(&Kg));
  PetscCall(VecDestroy(&diag));
  PetscFunctionReturn(0);
}

PetscErrorCode FtDirichletDestroy(FtDirichlet *bc)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(bc->rows));
  PetscCall(PetscFree(bc->ldofs));
  PetscCall(PetscFree(bc->values));
  PetscCall(PetscMemzero(bc, sizeof *bc));
  PetscFunctionReturn(0);
}

PetscErrorCode FtKSPCreate(Mat K, const char *prefix, double rtol, KSP *ksp)
{
  PC pc;

  PetscFunctionBeginUser;
  PetscCall(KSPCreate(PetscObjectComm((PetscObject)K), ksp));
  if (prefix) PetscCall(KSPSetOptionsPrefix(*ksp, prefix));
  PetscCall(KSPSetOperators(*ksp, K, K));
  PetscCall(KSPSetType(*ksp, KSPCG));
  PetscCall(KSPGetPC(*ksp, &pc));
  PetscCall(PCSetType(pc, PCGAMG));
  PetscCall(KSPSetTolerances(*ksp, rtol, PETSC_DEFAULT, PETSC_DEFAULT, 10000));
  PetscCall(KSPSetFromOptions(*ksp));
  PetscFunctionReturn(0);
}

PetscErrorCode FtSolveChecked(KSP ksp, Vec b, Vec x, const char *what, PetscInt *its)
{
  KSPConvergedReason reason;
  PetscReal          rnorm;

  PetscFunctionBeginUser;
  PetscCall(KSPSolve(ksp, b, x));
  PetscCall(KSPGetConvergedReason(ksp, &reason));
  PetscCall(KSPGetIterationNumber(ksp, its));
  PetscCall(KSPGetResidualNorm(ksp, &rnorm));
  PetscCheck(reason > 0, PetscObjectComm((PetscObject)ksp), PETSC_ERR_NOT_CONVERGED,
             "%s: linear solve did not converge: %s after %" PetscInt_FMT " iterations (residual norm %g); "
             "try -ksp_monitor, a different -pc_type, or check the constraints",
             what, KSPConvergedReasons[reason], *its, (double)rnorm);
  PetscFunctionReturn(0);
}
