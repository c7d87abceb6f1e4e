/* Unit test of the observation operator (src/sensors/observe.c): sensor location in the
 * distributed mesh and the interpolated readings, checked against exact fields.
 *
 * Usage (CTest runs it on 1 and 2 ranks):
 *   test_observe <ftwin>/tests/observe
 *   mpirun -n 2 test_observe <ftwin>/tests/observe
 *
 * The cases tests/observe/p1_mm.yaml (P1, linear displacements, mesh in mm) and p2.yaml (P2, a
 * quadratic displacement) have displacement and temperature fields that the finite-element space
 * represents exactly. The sensors (filled in here, not parsed) sit at grid vertices, on grid edges
 * and cell faces, on the outer boundary, inside cells, and at and next to a node shared between
 * ranks. Checked:
 *   - location: the owner is the same on every rank, the cell is local on the owner only, the
 *     barycentric coordinates map back to the position, and their minimum equals the largest
 *     minimum over all cells of all ranks (found here by brute force, no bounding boxes);
 *   - readings from the nodal interpolant of the exact fields: equal to the exact strain
 *     (mechanical and total), displacement and temperature to 1e-11 of the field's scale;
 *   - readings from the solved fields (FtThermalSolve, FtElasticitySolve, rtol 1e-13): the same
 *     to 1e-8 of the scale;
 *   - a load cell is not located and reads 0; a point 1e-12 outside the cube (within the
 *     tolerance) is located; one outside gives the one-line PETSC_ERR_USER_INPUT message.
 * The last line printed (rank 0) is `N passed, N failed`; the exit status is non-zero on any
 * failure on any rank. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case/case.h"
#include "fem/space.h"
#include "ft_tet.h"
#include "mesh/mesh.h"
#include "physics/physics.h"
#include "io/case_load.h"
#include "sensors/observe.h"
#include "runtime/backend.h"
#include "runtime/log.h"

#include "check.h"

static PetscMPIInt rank, size;

/* ---- exact fields ------------------------------------------------------------------------ */

/* Exact displacement u(x), its gradient gu[i][j] = du_i/dx_j, and temperature change
 * dT = T - T_ref (has_T = 0 when the load case has no thermal case). x in metres. */
typedef struct {
  double u[3], gu[3][3], dT;
  int    has_T;
} Exact;

/* p1_mm.yaml. lin_hot: u = c0 + A x, T = 293.15 + 1e4 x + 5e3 y; lin_cold: u = B x. */
static void ExactP1(int l, const double x[3], Exact *ex)
{
  static const double c0[3] = {1e-7, -2e-7, 3e-7};
  static const double A[3][3] = {{1e-4, 2e-4, -1e-4}, {3e-4, -2e-4, 1e-4}, {0.5e-4, 1e-4, 2e-4}};
  static const double B[3][3] = {{-2e-4, 1e-4, 0}, {0, 1e-4, 3e-4}, {2e-4, -1e-4, -3e-4}};
  const double(*M)[3] = l == 0 ? A : B;
  for (int i = 0; i < 3; i++) {
    ex->u[i] = l == 0 ? c0[i] : 0.0;
    for (int j = 0; j < 3; j++) {
      ex->u[i] += M[i][j] * x[j];
      ex->gu[i][j] = M[i][j];
    }
  }
  ex->has_T = l == 0;
  ex->dT    = l == 0 ? 1e4 * x[0] + 5e3 * x[1] : 0.0;
}

/* p2.yaml: u = (1e-4 x y, 2e-4 y z, 3e-4 x^2), T = 293.15 + 10 x + 5 y. */
static void ExactP2(int l, const double x[3], Exact *ex)
{
  (void)l;
  memset(ex, 0, sizeof *ex);
  ex->u[0]     = 1e-4 * x[0] * x[1];
  ex->u[1]     = 2e-4 * x[1] * x[2];
  ex->u[2]     = 3e-4 * x[0] * x[0];
  ex->gu[0][0] = 1e-4 * x[1];
  ex->gu[0][1] = 1e-4 * x[0];
  ex->gu[1][1] = 2e-4 * x[2];
  ex->gu[1][2] = 2e-4 * x[1];
  ex->gu[2][0] = 6e-4 * x[0];
  ex->has_T    = 1;
  ex->dT       = 10 * x[0] + 5 * x[1];
}

typedef struct {
  const char *file;
  void (*exact)(int l, const double x[3], Exact *ex);
  double u_scale, eps_scale, T_scale; /* magnitudes the tolerances are relative to */
} TestCase;

/* The exact reading of sensor `sen` for load case l (same definitions as observe.h):
 * strain n . sym(grad u) n [- alpha dT], displacement n . u, temperature dT. */
static double ExactReading(const TestCase *tc, const FtCase *c, int l, const FtSensor *sen)
{
  const double *n = sen->dir;
  Exact         ex;
  double        v = 0;

  tc->exact(l, sen->x, &ex);
  switch (sen->type) {
  case FT_SENSOR_STRAIN:
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 3; j++) v += n[i] * 0.5 * (ex.gu[i][j] + ex.gu[j][i]) * n[j];
    if (sen->mechanical && ex.has_T) v -= c->materials[0].alpha * ex.dT;
    return v;
  case FT_SENSOR_DISPLACEMENT: return n[0] * ex.u[0] + n[1] * ex.u[1] + n[2] * ex.u[2];
  case FT_SENSOR_TEMPERATURE: return ex.has_T ? ex.dT : 0.0;
  default: return 0.0;
  }
}

/* ---- sensors ----------------------------------------------------------------------------- */

/* Positions in mesh units of the unit cube (grid spacing 0.25 in cube_n4.msh). */
static const double fixed_points[][3] = {
  {0.5, 0.5, 0.5},       /* grid vertex */
  {0.25, 0.75, 0.5},     /* grid vertex */
  {0.375, 0.25, 0.25},   /* midpoint of an axis-parallel grid edge */
  {0.5, 0.3, 0.6},       /* on the grid plane x = 0.5: a cell face */
  {0.5 + 1e-11, 0.3, 0.6}, /* within the tolerance of that face, on either side: only the */
  {0.5 - 1e-11, 0.3, 0.6}, /* deepest cell (largest min lam) passes the brute-force check */
  {0.5 + 1e-11, 0.5 + 2e-11, 0.5 - 1e-11}, /* within the tolerance of a vertex */
  {0.31, 0.47, 0.83},    /* inside a cell */
  {0.123, 0.456, 0.789}, /* inside a cell */
  {0.9, 0.1, 0.6},       /* inside a cell */
  {0.0, 0.3, 0.7},       /* on the boundary face x = 0 */
  {1.0, 1.0, 1.0},       /* corner */
  {0.6, 0.2, 0.0},       /* on the boundary face z = 0 */
};
#define NFIXED ((int)(sizeof fixed_points / sizeof fixed_points[0]))
#define NPOINTS (NFIXED + 2) /* + a node shared between ranks and a point next to it */

static void Unit(double a, double b, double c, double n[3])
{
  const double r = sqrt(a * a + b * b + c * c);
  n[0] = a / r;
  n[1] = b / r;
  n[2] = c / r;
}

/* Position [m] of the interface points: a node that is a ghost on some rank (so it lies on the
 * partition boundary), chosen on the highest rank that has one, and a point 1e-6 (mesh units)
 * from it towards the cube's centre. On one rank: the vertex (0.75, 0.25, 0.5). */
static PetscErrorCode InterfacePoints(const FtSpace *s, const FtCase *c, double xa[3], double xb[3])
{
  struct { int v; int r; } mine = {0, (int)rank}, glob;
  double x[3] = {0.75 * c->mesh_scale, 0.25 * c->mesh_scale, 0.5 * c->mesh_scale}, d[3], len = 0;

  PetscFunctionBeginUser;
  for (PetscInt n = 0; n < s->nnodes && !mine.v; n++)
    if (!s->node_owned[n]) {
      mine.v = 1;
      memcpy(x, &s->node_x[3 * n], sizeof x);
    }
  PetscCallMPI(MPI_Allreduce(&mine, &glob, 1, MPI_2INT, MPI_MAXLOC, PETSC_COMM_WORLD));
  PetscCallMPI(MPI_Bcast(x, 3, MPI_DOUBLE, glob.r, PETSC_COMM_WORLD));
  for (int k = 0; k < 3; k++) {
    xa[k] = x[k];
    d[k]  = 0.5 * c->mesh_scale - x[k];
    len += d[k] * d[k];
  }
  len = sqrt(len);
  for (int k = 0; k < 3; k++) xb[k] = x[k] + (len > 0 ? 1e-6 * c->mesh_scale * d[k] / len : 0.0);
  PetscFunctionReturn(0);
}

/* Four sensors per point (mechanical strain, total strain, displacement, temperature) in
 * directions cycling through a fixed list, then one load cell placed outside the mesh (load
 * cells are never located). */
static PetscErrorCode MakeSensors(const FtSpace *s, FtCase *c)
{
  double         dirs[7][3], pts[NPOINTS][3];
  const int      ns = 4 * NPOINTS + 1;
  FtSensor      *S  = calloc((size_t)ns, sizeof *S);

  PetscFunctionBeginUser;
  PetscCheck(S, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  Unit(1, 0, 0, dirs[0]);
  Unit(0, 1, 0, dirs[1]);
  Unit(0, 0, 1, dirs[2]);
  Unit(1, 1, 0, dirs[3]);
  Unit(1, 2, 3, dirs[4]);
  Unit(-2, 1, 1, dirs[5]);
  Unit(0, -1, 2, dirs[6]);
  for (int p = 0; p < NFIXED; p++)
    for (int k = 0; k < 3; k++) pts[p][k] = fixed_points[p][k] * c->mesh_scale;
  PetscCall(InterfacePoints(s, c, pts[NFIXED], pts[NFIXED + 1]));
  for (int p = 0; p < NPOINTS; p++)
    for (int j = 0; j < 4; j++) {
      FtSensor *sen = &S[4 * p + j];
      static const int   type[4] = {FT_SENSOR_STRAIN, FT_SENSOR_STRAIN, FT_SENSOR_DISPLACEMENT, FT_SENSOR_TEMPERATURE};
      static const char *tag[4]  = {"SGM", "SGT", "D", "TC"};
      snprintf(sen->id, sizeof sen->id, "%s%d", tag[j], p);
      sen->type       = type[j];
      sen->mechanical = j == 0;
      sen->channel    = -1;
      memcpy(sen->x, pts[p], sizeof sen->x);
      memcpy(sen->dir, dirs[(3 * p + j) % 7], sizeof sen->dir);
    }
  snprintf(S[ns - 1].id, sizeof S[ns - 1].id, "LC1");
  S[ns - 1].type    = FT_SENSOR_LOAD;
  S[ns - 1].channel = 0;
  for (int k = 0; k < 3; k++) S[ns - 1].x[k] = 5.0 * c->mesh_scale;
  c->sensors.enabled  = 1;
  c->sensors.sensors  = S;
  c->sensors.nsensors = ns;
  PetscFunctionReturn(0);
}

static void FreeSensors(FtCase *c)
{
  free(c->sensors.sensors);
  c->sensors.sensors  = NULL;
  c->sensors.nsensors = 0;
}

/* ---- location checks --------------------------------------------------------------------- */

/* Largest min lam of x over all local cells (brute force, no bounding box), then over ranks. */
static PetscErrorCode BruteBestMinLam(const FtSpace *s, const double x[3], double *best)
{
  double mine = -1e300;

  PetscFunctionBeginUser;
  for (PetscInt e = 0; e < s->ncells; e++) {
    const double(*X)[3] = (const double(*)[3]) & s->X[12 * e];
    double G[4][3], lam[4], mn;
    ft_tet_geometry(X, G);
    lam[0] = 1;
    for (int k = 1; k < 4; k++) {
      lam[k] = G[k][0] * (x[0] - X[0][0]) + G[k][1] * (x[1] - X[0][1]) + G[k][2] * (x[2] - X[0][2]);
      lam[0] -= lam[k];
    }
    mn = fmin(fmin(lam[0], lam[1]), fmin(lam[2], lam[3]));
    mine = fmax(mine, mn);
  }
  PetscCallMPI(MPI_Allreduce(&mine, best, 1, MPI_DOUBLE, MPI_MAX, PETSC_COMM_WORLD));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckLocation(const FtSpace *s, const FtCase *c, const FtSensorLocation *loc)
{
  const FtSensorsCase *sc = &c->sensors;

  PetscFunctionBeginUser;
  CHECKF(loc->nsensors == sc->nsensors, "nsensors %d, case %d", loc->nsensors, sc->nsensors);
  for (int i = 0; i < sc->nsensors; i++) {
    const FtSensor *sen = &sc->sensors[i];
    const double   *lam = &loc->lam[4 * i];
    int             omin, omax;
    double          best, mn, sum, xr[3];

    PetscCallMPI(MPI_Allreduce(&loc->owner[i], &omin, 1, MPI_INT, MPI_MIN, PETSC_COMM_WORLD));
    PetscCallMPI(MPI_Allreduce(&loc->owner[i], &omax, 1, MPI_INT, MPI_MAX, PETSC_COMM_WORLD));
    CHECKF(omin == omax, "%s: owner differs between ranks (%d .. %d)", sen->id, omin, omax);
    if (sen->type == FT_SENSOR_LOAD) {
      CHECKF(loc->owner[i] == -1 && loc->cell[i] == -1, "%s: load cell located (owner %d, cell %" PetscInt_FMT ")", sen->id,
            loc->owner[i], loc->cell[i]);
      continue;
    }
    CHECKF(loc->owner[i] >= 0 && loc->owner[i] < size, "%s: owner %d", sen->id, loc->owner[i]);
    if (loc->owner[i] == rank) {
      CHECKF(loc->cell[i] >= 0 && loc->cell[i] < s->ncells, "%s: cell %" PetscInt_FMT " of %" PetscInt_FMT, sen->id, loc->cell[i],
            s->ncells);
      if (loc->cell[i] >= 0 && loc->cell[i] < s->ncells) {
        ft_tet_map((const double(*)[3]) & s->X[12 * loc->cell[i]], lam, xr);
        for (int k = 0; k < 3; k++)
          CHECKF(fabs(xr[k] - sen->x[k]) <= 1e-12 * c->mesh_scale, "%s: x(lam)[%d] = %.17g, position %.17g", sen->id, k, xr[k],
                sen->x[k]);
      }
    } else CHECKF(loc->cell[i] == -1, "%s: cell %" PetscInt_FMT " on a rank that does not own it", sen->id, loc->cell[i]);
    sum = lam[0] + lam[1] + lam[2] + lam[3];
    mn  = fmin(fmin(lam[0], lam[1]), fmin(lam[2], lam[3]));
    CHECKF(fabs(sum - 1) < 1e-12, "%s: sum lam = %.17g", sen->id, sum);
    PetscCall(BruteBestMinLam(s, sen->x, &best));
    CHECKF(fabs(mn - best) < 1e-12, "%s: min lam %.17g of the chosen cell, best over all cells %.17g", sen->id, mn, best);
  }
  if (size > 1) { /* the sensors are spread over the cube: more than one rank must own some */
    int owned = 0, nowners;
    for (int i = 0; i < sc->nsensors; i++) owned |= loc->owner[i] == rank;
    PetscCallMPI(MPI_Allreduce(&owned, &nowners, 1, MPI_INT, MPI_SUM, PETSC_COMM_WORLD));
    CHECKF(nowners > 1, "only %d rank(s) own sensors", nowners);
  }
  PetscFunctionReturn(0);
}

/* ---- readings ---------------------------------------------------------------------------- */

/* Global vectors holding the nodal interpolant of the exact displacement of every load case and
 * of the exact temperature of thermal case 0 (every node, ghosts included, then inserted). */
static PetscErrorCode Interpolate(const FtSpace *s, const FtCase *c, const TestCase *tc, Vec *T, Vec *u)
{
  Vec          loc;
  PetscScalar *a;
  Exact        ex;

  PetscFunctionBeginUser;
  for (int l = 0; l < c->nloads; l++) {
    PetscCall(DMCreateGlobalVector(s->dm3, &u[l]));
    PetscCall(DMGetLocalVector(s->dm3, &loc));
    PetscCall(VecGetArray(loc, &a));
    for (PetscInt n = 0; n < s->nnodes; n++) {
      tc->exact(l, &s->node_x[3 * n], &ex);
      for (int k = 0; k < 3; k++) a[3 * n + k] = ex.u[k];
    }
    PetscCall(VecRestoreArray(loc, &a));
    PetscCall(DMLocalToGlobal(s->dm3, loc, INSERT_VALUES, u[l]));
    PetscCall(DMRestoreLocalVector(s->dm3, &loc));
  }
  if (c->nthermal) { /* every test case has one thermal case, used by load case 0 */
    PetscCall(DMCreateGlobalVector(s->dm1, &T[0]));
    PetscCall(DMGetLocalVector(s->dm1, &loc));
    PetscCall(VecGetArray(loc, &a));
    for (PetscInt n = 0; n < s->nnodes; n++) {
      tc->exact(0, &s->node_x[3 * n], &ex);
      a[n] = c->T_ref + ex.dT;
    }
    PetscCall(VecRestoreArray(loc, &a));
    PetscCall(DMLocalToGlobal(s->dm1, loc, INSERT_VALUES, T[0]));
    PetscCall(DMRestoreLocalVector(s->dm1, &loc));
  }
  PetscFunctionReturn(0);
}

/* Observes the fields and compares every reading with the exact one to rtol times the scale of
 * its kind; also checks that every rank got the same matrix (rank 0's). */
static PetscErrorCode CheckReadings(const FtSpace *s, const FtCase *c, const TestCase *tc, const FtSensorLocation *loc, Vec *T,
                                    Vec *u, double rtol, const char *what)
{
  const int ns = c->sensors.nsensors, nl = c->nloads;
  double   *R, *R0;
  int       same;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc2((size_t)ns * nl, &R, (size_t)ns * nl, &R0));
  PetscCall(FtSensorsObserve(s, c, loc, T, u, R));
  memcpy(R0, R, sizeof *R * (size_t)ns * nl);
  PetscCallMPI(MPI_Bcast(R0, ns * nl, MPI_DOUBLE, 0, PETSC_COMM_WORLD));
  same = !memcmp(R0, R, sizeof *R * (size_t)ns * nl);
  CHECKF(same, "%s: %s: the readings differ from rank 0's", tc->file, what);
  for (int i = 0; i < ns; i++)
    for (int l = 0; l < nl; l++) {
      const FtSensor *sen   = &c->sensors.sensors[i];
      const double    exact = ExactReading(tc, c, l, sen);
      const double    scale = sen->type == FT_SENSOR_STRAIN ? tc->eps_scale
                              : sen->type == FT_SENSOR_DISPLACEMENT ? tc->u_scale
                              : sen->type == FT_SENSOR_TEMPERATURE ? tc->T_scale : 1.0;
      const double    got   = R[(size_t)i * nl + l];
      CHECKF(fabs(got - exact) <= rtol * scale, "%s: %s: sensor %s, load case %d at (%g, %g, %g): %.17g, exact %.17g", tc->file,
            what, sen->id, l, sen->x[0], sen->x[1], sen->x[2], got, exact);
    }
  PetscCall(PetscFree2(R, R0));
  PetscFunctionReturn(0);
}

static PetscErrorCode RunCase(const char *dir, const TestCase *tc)
{
  char             path[4096];
  FtCase           c;
  DM               dm;
  FtSpace          s;
  FtSensorLocation loc;
  const FtBackend *be;
  Vec              T[1] = {NULL}, u[2] = {NULL, NULL};
  FtSolveInfo      tinfo, info[2];

  PetscFunctionBeginUser;
  snprintf(path, sizeof path, "%s/%s", dir, tc->file);
  PetscCall(FtCaseLoadCollective(PETSC_COMM_WORLD, path, &c));
  PetscCheck(c.nloads <= 2 && c.nthermal == 1, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "%s: expected <= 2 load cases and 1 thermal case",
             path);
  PetscCall(FtMeshLoad(PETSC_COMM_WORLD, &c, &dm));
  PetscCall(FtSpaceCreate(dm, &c, &s));
  PetscCall(MakeSensors(&s, &c));
  PetscCall(FtSensorsLocate(&s, &c, &loc));
  PetscCall(CheckLocation(&s, &c, &loc));

  PetscCall(Interpolate(&s, &c, tc, T, u));
  PetscCall(CheckReadings(&s, &c, tc, &loc, T, u, 1e-11, "interpolated fields"));
  for (int l = 0; l < c.nloads; l++) PetscCall(VecDestroy(&u[l]));
  PetscCall(VecDestroy(&T[0]));

  PetscCall(FtBackendSelect("cpu", &be));
  PetscCall(FtThermalSolve(&s, &c, be, 0, &T[0], &tinfo));
  PetscCall(FtElasticitySolve(&s, &c, be, T, u, info));
  PetscCall(CheckReadings(&s, &c, tc, &loc, T, u, 1e-8, "solved fields"));
  for (int l = 0; l < c.nloads; l++) PetscCall(VecDestroy(&u[l]));
  PetscCall(VecDestroy(&T[0]));

  PetscCall(FtSensorLocationFree(&loc));
  FreeSensors(&c);
  PetscCall(FtSpaceDestroy(&s));
  PetscCall(DMDestroy(&dm));
  FtCaseFree(&c);
  PetscFunctionReturn(0);
}

/* ---- positions outside the mesh ---------------------------------------------------------- */

static char captured[1024];

/* Error handler that keeps the message of the error's origin and lets the code return. */
static PetscErrorCode Capture(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n, PetscErrorType p,
                              const char *mess, void *ctx)
{
  if (p == PETSC_ERROR_INITIAL && mess) snprintf(captured, sizeof captured, "%s", mess);
  return n;
}

static PetscErrorCode CheckOutside(const char *dir)
{
  char             path[4096];
  FtCase           c;
  DM               dm;
  FtSpace          s;
  FtSensorLocation loc;
  FtSensor         S[2];
  PetscErrorCode   ierr;
  const char      *expect = "sensor 'SG7' at (0.002, 0.0005, 0.0002) m (2, 0.5, 0.2 mesh units) is outside the mesh";

  PetscFunctionBeginUser;
  snprintf(path, sizeof path, "%s/p1_mm.yaml", dir);
  PetscCall(FtCaseLoadCollective(PETSC_COMM_WORLD, path, &c));
  PetscCall(FtMeshLoad(PETSC_COMM_WORLD, &c, &dm));
  PetscCall(FtSpaceCreate(dm, &c, &s));
  memset(S, 0, sizeof S);
  /* SG1 lies 1e-12 mm outside the face x = 1 mm: within the tolerance, so it is located */
  snprintf(S[0].id, sizeof S[0].id, "SG1");
  S[0].type = FT_SENSOR_STRAIN;
  S[0].x[0] = 1e-3 * (1 + 1e-12);
  S[0].x[1] = 0.5e-3;
  S[0].x[2] = 0.5e-3;
  S[0].dir[0] = 1;
  snprintf(S[1].id, sizeof S[1].id, "SG7");
  S[1].type = FT_SENSOR_DISPLACEMENT;
  S[1].x[0] = 2e-3; /* 2 mesh units: printed "2", not PETSc's "2." */
  S[1].x[1] = 0.5e-3;
  S[1].x[2] = 0.2e-3;
  S[1].dir[2] = 1;
  c.sensors.sensors  = S;
  c.sensors.nsensors = 1;
  PetscCall(FtSensorsLocate(&s, &c, &loc));
  CHECKF(loc.owner[0] >= 0 && loc.owner[0] < size, "SG1 1e-12 outside: owner %d", loc.owner[0]);
  PetscCall(FtSensorLocationFree(&loc));

  c.sensors.nsensors = 2;
  captured[0]        = 0;
  PetscCall(PetscPushErrorHandler(Capture, NULL));
  ierr = FtSensorsLocate(&s, &c, &loc);
  PetscCall(PetscPopErrorHandler());
  CHECKF(ierr == PETSC_ERR_USER_INPUT, "error code %d, expected PETSC_ERR_USER_INPUT (%d)", (int)ierr, (int)PETSC_ERR_USER_INPUT);
  CHECKF(!strcmp(captured, expect), "message \"%s\", expected \"%s\"", captured, expect);
  c.sensors.sensors  = NULL;
  c.sensors.nsensors = 0;
  PetscCall(FtSpaceDestroy(&s));
  PetscCall(DMDestroy(&dm));
  FtCaseFree(&c);
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  /* scales: the largest displacement, strain and temperature change of each case's fields */
  const TestCase cases[] = {
    {"p1_mm.yaml", ExactP1, 1e-6, 1e-4, 10.0},
    {"p2.yaml", ExactP2, 1e-4, 1e-4, 10.0},
  };
  int tot[2], all[2];

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  CHECK_CONTEXT("rank %d", (int)rank);
  PetscCheck(argc >= 2, PETSC_COMM_WORLD, PETSC_ERR_ARG_WRONG, "usage: test_observe <ftwin>/tests/observe");
  FtLogSetQuiet(PETSC_TRUE);
  PetscCall(FtLogRegisterEvents());
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) PetscCall(RunCase(argv[1], &cases[k]));
  PetscCall(CheckOutside(argv[1]));

  tot[0] = check_npass;
  tot[1] = check_nfail;
  PetscCallMPI(MPI_Allreduce(tot, all, 2, MPI_INT, MPI_SUM, PETSC_COMM_WORLD));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%d passed, %d failed (%d rank%s)\n", all[0], all[1], (int)size, size == 1 ? "" : "s"));
  PetscCall(PetscFinalize());
  return all[1] ? 1 : 0;
}
