/* The case: what the user asked for, validated, in SI units.
 *
 * Parsed from a YAML case file (docs/case-format in README.md) with libyaml. Every error names
 * the file, the line and the key path (e.g. `case.yaml:14: materials[0].E: must be > 0, got -2e9`).
 * The parser is pure C (no PETSc, no MPI): rank 0 may parse and broadcast the text, or every
 * rank parses the same text.
 */
#ifndef FT_CASE_H
#define FT_CASE_H

#include <stddef.h>

#include "expr.h"

#define FT_NAME_MAX 64
#define FT_PATH_MAX 4096

typedef struct {
  char   region[FT_NAME_MAX]; /* physical volume name in the mesh */
  double E;                   /* Young's modulus [Pa]            > 0          */
  double nu;                  /* Poisson's ratio               (-1, 0.5)     */
  double alpha;               /* thermal expansion [1/K]        >= 0 (default 0) */
  double k;                   /* conductivity [W/(m K)]          > 0 (default: required only if a thermal case exists) */
  double rho;                 /* density [kg/m^3]                >= 0 (default 0; > 0 required for gravity/rotation) */
  int    line;                /* line of this entry in the case file (for messages) */
} FtCaseMaterial;

/* A scalar value that is either a constant or an expression of x, y, z (SI metres). */
typedef struct {
  double  value;
  FtExpr *expr; /* NULL when constant */
} FtScalarField;

typedef enum { FT_THERMAL_SOLVE = 0, FT_THERMAL_PRESCRIBED = 1 } FtThermalKind;

typedef struct {
  char   region[FT_NAME_MAX];
  double value; /* temperature [K], flux [W/m^2] (positive = into the body), or source [W/m^3] */
  double h, ambient; /* convection only: h [W/(m^2 K)] > 0, ambient [K] */
  int    line;
} FtThermalBC;

typedef struct {
  char          name[FT_NAME_MAX];
  FtThermalKind kind;
  FtScalarField field; /* FT_THERMAL_PRESCRIBED: T(x,y,z) [K] given directly (e.g. NAFEMS LE11) */
  FtThermalBC  *fixed;      int nfixed;
  FtThermalBC  *flux;       int nflux;
  FtThermalBC  *convection; int nconvection;
  FtThermalBC  *source;     int nsource; /* region = volume region */
  int           line;
} FtThermalCase;

typedef struct {
  char region[FT_NAME_MAX]; /* surface region */
  int  comp[3];             /* 1 where the component x/y/z is constrained */
  FtScalarField value[3];   /* prescribed value [m] per component (default 0) */
  int  line;
} FtConstraint;

typedef struct {
  char   region[FT_NAME_MAX];
  double pressure;  /* [Pa], acts against the outward normal (positive pushes into the body) */
  double traction[3]; /* [Pa] */
  int    is_pressure;
  int    line;
} FtSurfaceLoad;

typedef struct {
  char name[FT_NAME_MAX];
  FtSurfaceLoad *surface; int nsurface;       /* pressure and traction entries */
  double gravity[3];  int has_gravity;        /* acceleration [m/s^2] */
  double axis_point[3], axis[3], omega; int has_rotation; /* axis unit vector, omega [rad/s] */
  FtScalarField body_force[3]; int has_body_force; /* force density [N/m^3], may be expressions */
  /* Values for constrained components in this case: overrides FtConstraint.value for the
     constraint with the same region (the constrained set itself is shared by all cases). */
  FtConstraint *prescribed; int nprescribed;
  int  thermal_case; /* index into FtCase.thermal, or -1 */
  FtScalarField exact[3]; int has_exact; /* verification: exact displacement for L2 error */
  int  line;
} FtLoadCase;

typedef struct {
  char   path[FT_PATH_MAX];   /* the case file as given */
  char  *text;                /* the whole case file text (stored in the output) */
  char   name[FT_NAME_MAX];
  char   mesh_file[FT_PATH_MAX]; /* resolved relative to the case file's folder */
  double mesh_scale;          /* metres per mesh unit: m=1, mm=1e-3 */
  int    order;               /* 1 or 2 (default 2) */
  FtCaseMaterial *materials; int nmaterials;
  double T_ref;               /* reference (stress-free) temperature [K] (default 293.15) */
  FtThermalCase *thermal;    int nthermal;
  FtConstraint  *constraints; int nconstraints;
  FtLoadCase    *loads;       int nloads;
  char   output_file[FT_PATH_MAX]; /* resolved relative to the case file's folder */
  int    write_xdmf;          /* default 1 */
  double rtol;                /* default 1e-10; -ksp_rtol overrides */
} FtCase;

/* Parse `path`. On error returns non-zero and writes one message (file:line: key: problem, value)
 * into errmsg; the case is left empty (nothing to free). */
int  FtCaseLoad(const char *path, FtCase *c, char *errmsg, size_t errlen);
/* Same, from text already in memory; `path` is used for messages and to resolve relative paths. */
int  FtCaseParse(const char *path, const char *text, FtCase *c, char *errmsg, size_t errlen);
void FtCaseFree(FtCase *c);

#endif
