/* Physics stage: steady heat conduction, linear elasticity with thermal strain, and stress
 * recovery, on an FtSpace. All fields are global PETSc vectors in the layout of the space's
 * width-1 (temperature) or width-3 (displacement) DM clones. */
#ifndef FT_PHYSICS_H
#define FT_PHYSICS_H
#include <petscksp.h>

#include "case/case.h"
#include "fem/space.h"
#include "runtime/backend.h"

typedef struct {
  PetscInt its;         /* solver iterations */
  double   l2_error;    /* ||u_h - u_exact||_L2 when the case gives exact_displacement, else -1 */
  double   l2_exact;    /* ||u_exact||_L2 */
} FtSolveInfo;

/* Temperature of thermal case t: a steady solve (KSP prefix thermal_, CG + GAMG by default; the
 * element conductivity matrices from the backend `be`, convection faces on the CPU) or the
 * prescribed field evaluated at the nodes. T is created here. */
PetscErrorCode FtThermalSolve(const FtSpace *s, const FtCase *c, const FtBackend *be, int t, Vec *T, FtSolveInfo *info);

/* Displacements of every load case with one operator and one preconditioner (CG + GAMG with the
 * rigid-body near null space, block size 3). T[t] is thermal case t's temperature (or NULL when
 * the case has no thermal cases). u[l] are created here. */
PetscErrorCode FtElasticitySolve(const FtSpace *s, const FtCase *c, const FtBackend *be, Vec *T, Vec *u,
                                 FtSolveInfo *info);

/* Stresses of one load case:
 *  - at integration points (degree-2 rule, 4 points per element), averaged per element into
 *    cell_stress [ncells][6];
 *  - at nodes by volume-weighted averaging of each element's stress evaluated at its own nodes
 *    (the element's polynomial stress field, sampled at the node, averaged over the elements that
 *    share the node with weights equal to their volumes) into node_stress [nowned][6], ordered by
 *    global node index.
 * Voigt order xx yy zz yz xz xy. T may be NULL (no thermal strain). */
PetscErrorCode FtStressRecover(const FtSpace *s, const FtCase *c, const FtBackend *be, Vec u, Vec T,
                               double *node_stress, double *cell_stress);
#endif
