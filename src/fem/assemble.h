/* Assembly: element blocks to a PETSc matrix through the COO interface, and Dirichlet
 * conditions applied by symmetric elimination.
 *
 * The COO pattern is the concatenation of element blocks: for block b with m nodes and field
 * width w, (w*m)^2 entries in row-major order, rows and columns in node-major order
 * (w*a + i). A value array laid out exactly like the kernels' element matrices is handed to
 * MatSetValuesCOO as is: no per-entry work on the host, and the layout a GPU backend fills. */
#ifndef FT_ASSEMBLE_H
#define FT_ASSEMBLE_H
#include <petscksp.h>

#include "fem/space.h"

typedef struct {
  PetscInt        nblocks;
  PetscInt        nodes_per_block;
  const PetscInt *nodes; /* [nblocks][nodes_per_block] local node indices */
} FtBlockSet;

/* A matrix of width w (1 or 3) whose COO pattern is the blocks of sets[0..nsets). */
PetscErrorCode FtMatCreateCOO(const FtSpace *s, PetscInt width, PetscInt nsets, const FtBlockSet *sets, Mat *A);
/* Global vector in the layout of the width-w field (the DM clone's). */
PetscErrorCode FtVecCreate(const FtSpace *s, PetscInt width, Vec *v);
PetscErrorCode FtFieldDM(const FtSpace *s, PetscInt width, DM *dm);

/* Adds element vectors fe [nblocks][w*m] into the local vector array floc (ghosts included). */
void FtAddBlockVectors(PetscInt width, const FtBlockSet *set, const PetscScalar *fe, PetscScalar *floc);

/* Dirichlet conditions: the owned constrained dofs (global rows) and their values per case. */
typedef struct {
  PetscInt  n;      /* owned constrained dofs */
  PetscInt *rows;   /* [n] global row indices */
  PetscInt *ldofs;  /* [n] local dof indices (for values computed from node data) */
  PetscInt  ncases;
  double   *values; /* [ncases][n] prescribed values */
} FtDirichlet;

/* For each case: b <- b - K g, b[D] <- d g[D]; then zeroes the rows and columns D of K with d on
 * the diagonal (d = mean |diagonal| of K, which keeps the matrix's scale for CG and GAMG).
 * Call once, with all right-hand sides, before the solves. */
PetscErrorCode FtDirichletApply(Mat K, const FtDirichlet *bc, Vec *b);
PetscErrorCode FtDirichletDestroy(FtDirichlet *bc);

/* CG + GAMG on the SPD operator K with relative tolerance rtol and options prefix `prefix`
 * (NULL for none); PETSc options given on the command line override every choice. */
PetscErrorCode FtKSPCreate(Mat K, const char *prefix, double rtol, KSP *ksp);

/* Linear solve with convergence checked: a diverged or failed solve is an error that names
 * the stage, the reason and the iterations. */
PetscErrorCode FtSolveChecked(KSP ksp, Vec b, Vec x, const char *what, PetscInt *its);
#endif
