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
#define FT_FATIGUE_MAX_CHANNELS_CASE 64 /* = FT_FATIGUE_MAX_CHANNELS of kernels/ft_fatigue_batch.h */

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

/* Fatigue settings (the `fatigue:` section): how load histories drive the unit load cases, and
 * the material's fatigue properties. Stress values in Pa. */
typedef struct {
  char   name[FT_NAME_MAX];      /* column name in the history file */
  int    load_case;              /* index into FtCase.loads */
  double scale;                  /* load-case multiplier per unit of the history value */
  double offset;                 /* subtracted from the history value before scaling (default 0) */
  int    line;
} FtFatigueChannel;

typedef struct {
  char   name[FT_NAME_MAX];      /* material name (library entry or inline) */
  char   source[1024];           /* where its values come from */
  int    sn_kind;                /* 1 Basquin, 2 knee (two slopes), 3 table: as FT_SN_* in kernels/ft_sn.h */
  double S_ref, N_ref, m;        /* N = N_ref (S/S_ref)^-m */
  double S_knee, m2; int haibach; /* knee curves */
  double S_e;                    /* endurance/cut-off limit (0: none) */
  int    npts; double tab_S[16], tab_N[16]; /* table curves */
  double marin[6];               /* k_a..k_f (default 1) */
  double S_u, S_y, sigma_f, walker_gamma;
} FtFatigueMaterial;

typedef struct {
  int    enabled;                /* 1 when the case has a fatigue section */
  char   basis[FT_PATH_MAX];     /* FE results with the unit load cases (default: output.file) */
  char   history[FT_PATH_MAX];   /* CSV: a time column, one column per channel */
  char   time_column[FT_NAME_MAX]; /* default "time" */
  FtFatigueChannel *channels; int nchannels;
  FtFatigueMaterial material;
  int    equivalent;             /* FT_EQ_* of kernels/ft_equivalent.h: signed_von_mises -> FT_EQ_SIGNED_VON_MISES,
                                    max_principal -> FT_EQ_MAX_ABS_PRINCIPAL, critical_plane -> FT_EQ_CRITICAL_PLANE */
  int    mean_stress;            /* FT_MSC_* of kernels/ft_sn.h, default none */
  int    mean_compressive;       /* FT_MEAN_COMPR_*: 0 = compressive mean taken as 0 (default), 1 = as is */
  double gate;                   /* rainflow hysteresis [Pa] (default 0) */
  int    hot_spots;              /* number of worst nodes listed (default 10) */
  double prior_damage;           /* damage already accumulated before this history (default 0) */
  char   output[FT_PATH_MAX];    /* asset results file */
  char   library[FT_PATH_MAX];   /* material library file the material was taken from ("" when inline) */
  int    line;
} FtFatigueCase;

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
  double rtol;                /* default 1e-8; -ksp_rtol overrides */
  FtFatigueCase fatigue;
} FtCase;

/* Parse `path`. On error returns non-zero and writes one message (file:line: key: problem, value)
 * into errmsg; the case is left empty (nothing to free). */
int  FtCaseLoad(const char *path, FtCase *c, char *errmsg, size_t errlen);
/* Same, from text already in memory; `path` is used for messages and to resolve relative paths. */
int  FtCaseParse(const char *path, const char *text, FtCase *c, char *errmsg, size_t errlen);
void FtCaseFree(FtCase *c);

#endif
