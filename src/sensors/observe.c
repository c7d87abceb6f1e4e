/* Observation operator: sensor location in the distributed mesh and interpolation of the solved
 * fields at the sensors (see observe.h for the contract). */
#include "sensors/observe.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ft_tet.h"

/* A point counts as inside a tetrahedron when its smallest barycentric coordinate is at least
 * -FT_LOCATE_TOL (barycentric coordinates are dimensionless, so this is relative to the cell). */
#define FT_LOCATE_TOL 1e-9

/* Barycentric coordinates of x in the tetrahedron X with barycentric gradients G and vertex X0:
 *   lam_k = G_k . (x - X0)  for k = 1, 2, 3,   lam_0 = 1 - lam_1 - lam_2 - lam_3
 * (lam is affine, lam_k(X_j) = delta_kj, so lam_k(x) = lam_k(X0) + G_k . (x - X0)).
 * Returns min_k lam_k. */
static double Barycentric(const double X[4][3], const double G[4][3], const double x[3], double lam[4])
{
  const double d[3] = {x[0] - X[0][0], x[1] - X[0][1], x[2] - X[0][2]};
  double       mn;

  lam[0] = 1.0;
  for (int k = 1; k < 4; k++) {
    lam[k] = G[k][0] * d[0] + G[k][1] * d[1] + G[k][2] * d[2];
    lam[0] -= lam[k];
  }
  mn = lam[0];
  for (int k = 1; k < 4; k++) mn = PetscMin(mn, lam[k]);
  return mn;
}

/* Location. One pass over the local cells serves all sensors: a cell's axis-aligned bounding
 * box, widened by 10 FT_LOCATE_TOL times its largest extent (a point with lam >= -tol lies within
 * tol * diameter of the cell), is tested against every sensor; only then are the barycentric
 * coordinates computed. Among the local cells that contain a sensor (min lam >= -tol) the one
 * with the largest min lam is kept (the point is deepest inside it). Across ranks the largest
 * min lam wins, ties going to the lowest rank (MPI_MAXLOC on MPI_DOUBLE_INT). The winner keeps
 * the cell; lam is then summed over ranks (zero except on the owner) so every rank holds it. */
PetscErrorCode FtSensorsLocate(const FtSpace *s, const FtCase *c, FtSensorLocation *loc)
{
  const FtSensorsCase *sc = &c->sensors;
  const int            ns = sc->nsensors;
  MPI_Comm             comm = PetscObjectComm((PetscObject)s->dm);
  PetscMPIInt          rank;
  struct { double v; int r; } *best, *glob;
  PetscInt            *cell;
  double              *lam;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  memset(loc, 0, sizeof *loc);
  loc->nsensors = ns;
  PetscCall(PetscMalloc3(ns + 1, &loc->owner, ns + 1, &loc->cell, 4 * ns + 4, &loc->lam));
  PetscCall(PetscMalloc4(ns + 1, &best, ns + 1, &glob, ns + 1, &cell, 4 * ns + 4, &lam));
  for (int i = 0; i < ns; i++) {
    best[i].v = -DBL_MAX; /* not found (yet) on this rank */
    best[i].r = (int)rank;
    cell[i]   = -1;
    for (int k = 0; k < 4; k++) lam[4 * i + k] = 0.0;
  }

  for (PetscInt e = 0; e < s->ncells; e++) {
    const double(*X)[3] = (const double(*)[3]) & s->X[12 * e];
    double     lo[3], hi[3], ext = 0.0, G[4][3];
    PetscBool  have_G = PETSC_FALSE;

    for (int d = 0; d < 3; d++) {
      lo[d] = hi[d] = X[0][d];
      for (int a = 1; a < 4; a++) {
        lo[d] = PetscMin(lo[d], X[a][d]);
        hi[d] = PetscMax(hi[d], X[a][d]);
      }
      ext = PetscMax(ext, hi[d] - lo[d]);
    }
    for (int d = 0; d < 3; d++) {
      lo[d] -= 10 * FT_LOCATE_TOL * ext;
      hi[d] += 10 * FT_LOCATE_TOL * ext;
    }
    for (int i = 0; i < ns; i++) {
      const double *x = sc->sensors[i].x;
      double        li[4], mn;

      if (sc->sensors[i].type == FT_SENSOR_LOAD) continue;
      if (x[0] < lo[0] || x[0] > hi[0] || x[1] < lo[1] || x[1] > hi[1] || x[2] < lo[2] || x[2] > hi[2]) continue;
      if (!have_G) {
        if (ft_tet_geometry(X, G) == 0.0) break; /* degenerate cell (FtSpaceCreate rejects these) */
        have_G = PETSC_TRUE;
      }
      mn = Barycentric(X, G, x, li);
      if (mn >= -FT_LOCATE_TOL && mn > best[i].v) {
        best[i].v = mn;
        cell[i]   = e;
        for (int k = 0; k < 4; k++) lam[4 * i + k] = li[k];
      }
    }
  }

  PetscCallMPI(MPI_Allreduce(best, glob, ns, MPI_DOUBLE_INT, MPI_MAXLOC, comm));
  for (int i = 0; i < ns; i++) {
    const FtSensor *sen = &sc->sensors[i];

    if (sen->type == FT_SENSOR_LOAD) {
      loc->owner[i] = -1;
      loc->cell[i]  = -1;
      continue;
    }
    if (glob[i].v == -DBL_MAX) {
      const double ms = c->mesh_scale;
      char         msg[512];
      /* formatted by the C library: PETSc's own %g would print 100 as "100." */
      snprintf(msg, sizeof msg, "sensor '%s' at (%g, %g, %g) m (%g, %g, %g mesh units) is outside the mesh", sen->id, sen->x[0],
               sen->x[1], sen->x[2], sen->x[0] / ms, sen->x[1] / ms, sen->x[2] / ms);
      PetscCall(PetscFree4(best, glob, cell, lam));
      PetscCall(FtSensorLocationFree(loc));
      SETERRQ(comm, PETSC_ERR_USER_INPUT, "%s", msg);
    }
    loc->owner[i] = glob[i].r;
    loc->cell[i]  = glob[i].r == (int)rank ? cell[i] : -1;
    if (glob[i].r != (int)rank)
      for (int k = 0; k < 4; k++) lam[4 * i + k] = 0.0;
  }
  PetscCallMPI(MPI_Allreduce(lam, loc->lam, 4 * ns, MPI_DOUBLE, MPI_SUM, comm));
  PetscCall(PetscFree4(best, glob, cell, lam));
  PetscFunctionReturn(0);
}

PetscErrorCode FtSensorLocationFree(FtSensorLocation *loc)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree3(loc->owner, loc->cell, loc->lam));
  loc->nsensors = 0;
  PetscFunctionReturn(0);
}

/* The reading of sensor `sen` in cell e at barycentric point lam, from the element's nodal
 * displacements ue[nen][3] and temperature changes dTe[nen] (T - T_ref; NULL: no thermal case):
 *   u(x)   = sum_a N_a(lam) u_a,   dT(x) = sum_a N_a(lam) dT_a,
 *   grad u = sum_a u_a (x) grad N_a   (grad u[i][j] = d u_i / d x_j),
 *   eps    = (grad u + grad u^T) / 2  [ - alpha dT(x) I for a mechanical gauge ],
 *   strain = dir . eps dir,  displacement = dir . u(x),  temperature = dT(x). */
static double SensorValue(const FtSpace *s, const FtCase *c, const FtSensor *sen, PetscInt e, const double lam[4],
                          const double ue[][3], const double *dTe)
{
  const int     nen = s->nen;
  const double(*X)[3] = (const double(*)[3]) & s->X[12 * e];
  const double *n = sen->dir;
  double        N[10], dN[10][3], G[4][3], u[3] = {0, 0, 0}, gu[3][3] = {{0}}, dT = 0.0, val = 0.0;

  ft_tet_shape(s->order, lam, N);
  for (int a = 0; a < nen; a++) {
    for (int i = 0; i < 3; i++) u[i] += N[a] * ue[a][i];
    if (dTe) dT += N[a] * dTe[a];
  }
  switch (sen->type) {
  case FT_SENSOR_TEMPERATURE:
    val = dT;
    break;
  case FT_SENSOR_DISPLACEMENT:
    val = n[0] * u[0] + n[1] * u[1] + n[2] * u[2];
    break;
  case FT_SENSOR_STRAIN:
    ft_tet_geometry(X, G);
    ft_tet_shape_grad(s->order, lam, G, dN);
    for (int a = 0; a < nen; a++)
      for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) gu[i][j] += ue[a][i] * dN[a][j];
    /* n . sym(grad u) n = n . grad u n (the skew part contributes nothing) */
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 3; j++) val += n[i] * gu[i][j] * n[j];
    if (sen->mechanical) val -= c->materials[s->cell_material[e]].alpha * dT * (n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
    break;
  default:
    break; /* load cells read 0 here */
  }
  return val;
}

/* R[i][l]: each owner evaluates its sensors for every load case with the load case's ghosted
 * (local) displacement and temperature vectors; the rows of the other ranks stay 0, and an
 * MPI_SUM makes the full matrix available everywhere. */
PetscErrorCode FtSensorsObserve(const FtSpace *s, const FtCase *c, const FtSensorLocation *loc, Vec *T, Vec *u, double *R)
{
  const FtSensorsCase *sc = &c->sensors;
  const int            ns = loc->nsensors, nl = c->nloads, nen = s->nen;
  MPI_Comm             comm = PetscObjectComm((PetscObject)s->dm);
  PetscMPIInt          rank;
  double              *Rl;

  PetscFunctionBeginUser;
  PetscCheck(ns == sc->nsensors, comm, PETSC_ERR_ARG_WRONG, "sensor location holds %d sensors but the case has %d", ns,
             sc->nsensors);
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(PetscCalloc1((size_t)ns * nl + 1, &Rl));
  for (int l = 0; l < nl; l++) {
    const int          th = c->loads[l].thermal_case;
    Vec                ul, Tl = NULL;
    const PetscScalar *ua, *ta = NULL;

    PetscCall(DMGetLocalVector(s->dm3, &ul));
    PetscCall(DMGlobalToLocal(s->dm3, u[l], INSERT_VALUES, ul));
    PetscCall(VecGetArrayRead(ul, &ua));
    if (th >= 0 && T) {
      PetscCall(DMGetLocalVector(s->dm1, &Tl));
      PetscCall(DMGlobalToLocal(s->dm1, T[th], INSERT_VALUES, Tl));
      PetscCall(VecGetArrayRead(Tl, &ta));
    }
    for (int i = 0; i < ns; i++) {
      const PetscInt e = loc->cell[i];
      double         ue[10][3], dTe[10];

      if (loc->owner[i] != (int)rank || e < 0) continue;
      for (int a = 0; a < nen; a++) {
        const PetscInt node = s->cell_nodes[(size_t)nen * e + a];
        for (int k = 0; k < 3; k++) ue[a][k] = PetscRealPart(ua[3 * node + k]);
        if (ta) dTe[a] = PetscRealPart(ta[node]) - c->T_ref;
      }
      Rl[(size_t)i * nl + l] = SensorValue(s, c, &sc->sensors[i], e, &loc->lam[4 * i], (const double(*)[3])ue, ta ? dTe : NULL);
    }
    PetscCall(VecRestoreArrayRead(ul, &ua));
    PetscCall(DMRestoreLocalVector(s->dm3, &ul));
    if (Tl) {
      PetscCall(VecRestoreArrayRead(Tl, &ta));
      PetscCall(DMRestoreLocalVector(s->dm1, &Tl));
    }
  }
  PetscCallMPI(MPI_Allreduce(Rl, R, ns * nl, MPI_DOUBLE, MPI_SUM, comm));
  PetscCall(PetscFree(Rl));
  PetscFunctionReturn(0);
}
