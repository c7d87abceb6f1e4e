/* Observation operator: where each sensor is in the distributed mesh, and what it reads for a
 * given field.
 *
 * Location: each rank searches its own cells for the tetrahedron containing the sensor's
 * position (barycentric coordinates >= -tol, tol = 1e-9 relative); the lowest rank that finds
 * one owns the sensor. A position inside no cell of any rank is an error naming the sensor and
 * its position (in metres and in mesh units). Load cells are not located.
 *
 * Evaluation for one load case l (temperature field T_l of its thermal case or none,
 * displacement u_l), on the owning rank, with the element's P1/P2 shape functions
 * (kernels/ft_tet.h) at the sensor's barycentric coordinates:
 *   temperature   T_l(x) - T_ref                     (0 for a case without a thermal case)
 *   displacement  dir . u_l(x)
 *   strain        dir . eps dir, eps = sym(grad u_l(x)) [ - alpha (T_l(x) - T_ref) I if mechanical ]
 * all in SI (strain, m, K), then summed across ranks so every rank has every value.
 * Load cells read 0 here: they observe a channel directly (see assim/identify.h). */
#ifndef FT_SENSOR_OBSERVE_H
#define FT_SENSOR_OBSERVE_H
#include <petscvec.h>

#include "case/case.h"
#include "fem/space.h"

typedef struct {
  int      nsensors;
  int     *owner;   /* [nsensors] rank that evaluates the sensor (-1: load cell) */
  PetscInt *cell;   /* [nsensors] local cell on the owner (-1 elsewhere) */
  double  *lam;     /* [nsensors][4] barycentric coordinates in that cell */
} FtSensorLocation;

/* Locates every non-load-cell sensor of sc. Collective. */
PetscErrorCode FtSensorsLocate(const FtSpace *s, const FtCase *c, FtSensorLocation *loc);
PetscErrorCode FtSensorLocationFree(FtSensorLocation *loc);

/* R[i][l] (row-major [nsensors][nloads]): the SI response of sensor i to load case l, for the
 * fields of a solve: T[t] global temperature vectors of the thermal cases (dm1 layout; may be
 * NULL when c->nthermal == 0), u[l] global displacement vectors (dm3 layout). Collective; the
 * result is the same on every rank. */
PetscErrorCode FtSensorsObserve(const FtSpace *s, const FtCase *c, const FtSensorLocation *loc, Vec *T, Vec *u, double *R);
#endif
