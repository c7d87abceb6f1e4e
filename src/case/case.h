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
#include <stdint.h>

#include "case/expr.h"

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
                                    max_principal -> FT_EQ_MAX_ABS_PRINCIPAL, critical_plane -> FT_EQ_CRITICAL_PLANE
                                    (25 planes) or ft_eq_critical_plane(cp_planes) (kernels/ft_planes.h) */
  int    cp_planes;              /* critical_plane_planes: planes of the critical plane (default 25) */
  int    mean_stress;            /* FT_MSC_* of kernels/ft_sn.h, default none */
  int    mean_compressive;       /* FT_MEAN_COMPR_*: 0 = compressive mean taken as 0 (default), 1 = as is */
  double gate;                   /* rainflow hysteresis [Pa] (default 0) */
  int    hot_spots;              /* number of worst nodes listed (default 10) */
  double prior_damage;           /* damage already accumulated before this history (default 0) */
  char   output[FT_PATH_MAX];    /* asset results file */
  char   library[FT_PATH_MAX];   /* material library file the material was taken from ("" when inline) */
  int    superposition;          /* stress history formed per node in registers (0, `fused`, default) or
                                    as a GEMM per chunk of nodes and time steps (1, `gemm`, BLAS dgemm/sgemm) */
  int    single_precision;       /* `precision: single`: the gemm superposition in float (default double) */
  int    cuda_fast;              /* `cuda_mode`: the CUDA fatigue kernel exact (0, default: no FMA, counts as the CPU)
                                    or fast (1: FMA allowed); only with --backend cuda */
  int    screening;              /* `screening`: 1 auto (default: nodes whose every cycle is bounded below the S-N
                                    cut-off are not counted, damage exactly 0; docs/fatigue.md "Node screening"), 0 off */
  double screening_tolerance;    /* `screening_tolerance`: > 0 also skips nodes whose skipped damage is bounded by it
                                    (curves without a cut-off); 0 (default): exact screening only */
  double screening_record_mb;    /* `screening_record_mb`: the largest load record a counting state keeps while nodes are
                                    screened [MB] (default 256); beyond it every node is counted from then on */
  int    line;
} FtFatigueCase;

/* Sensors (the `sensors:` section): what each sensor measures, where, in which unit, and how
 * noisy it is. Positions are in mesh units in the file and stored here in metres. A rosette in
 * the file becomes three strain gauges with ids ID.a, ID.b, ID.c (its three directions).
 * Readings: y_SI = to_si * reading + si_offset (microstrain: 1e-6, 0; mm: 1e-3, 0; degC: 1,
 * 273.15; K: 1, 0); load cells read the channel's history value, in the channel's unit. */
typedef enum {
  FT_SENSOR_STRAIN       = 0, /* strain gauge: n . eps n along dir (see `measures`) */
  FT_SENSOR_DISPLACEMENT = 1, /* u . dir at the position */
  FT_SENSOR_TEMPERATURE  = 2, /* thermocouple: T at the position */
  FT_SENSOR_LOAD         = 3  /* load cell: the value of fatigue channel `channel` */
} FtSensorType;

typedef struct {
  char   id[FT_NAME_MAX]; /* unique; a column name (CSV) or dataset name (HDF5) in the data file */
  int    type;            /* FtSensorType */
  double x[3];            /* position [m] (strain, displacement, temperature) */
  double dir[3];          /* unit vector (strain gauge axis, displacement direction) */
  int    mechanical;      /* strain gauges: 1 = mechanical strain eps - alpha (T - T_ref) I (a self-
                             temperature-compensated gauge matched to the material, default),
                             0 = total strain */
  int    channel;         /* load cells: index into FtCase.fatigue.channels, else -1 */
  char   unit[16];        /* unit of the readings, as written in the case file */
  double to_si, si_offset;/* y_SI = to_si * reading + si_offset (load cells: 1, 0) */
  double noise;           /* standard deviation of the readings, in `unit`, > 0 */
  double range[2];        /* physical range of the readings, in `unit` (default -inf, +inf) */
  int    line;
} FtSensor;

typedef struct {
  int       enabled;                  /* 1 when the case has a sensors section */
  char      data[FT_PATH_MAX];        /* CSV (.csv) or HDF5 (.h5, .hdf5) sensor data file */
  char      time_column[FT_NAME_MAX]; /* CSV time column (default "time") */
  double    dt;                       /* common time base step [s]; 0 (default): the smallest
                                         median sampling step of the sensors */
  FtSensor *sensors; int nsensors;    /* rosettes expanded into three gauges */
  /* cleaning thresholds (defaults in brackets) */
  double    spike_threshold;          /* Hampel filter: |y - median| > t * max(1.4826 MAD, noise) [6] */
  int       spike_window;             /* half width of the Hampel window, samples [5] */
  double    stuck_seconds;            /* identical readings for longer than this are stuck [30] */
  double    gap_seconds;              /* no sample for longer than this: a gap, not interpolated
                                         across [0: 5 x the sensor's median step] */
  double    max_bad_fraction;         /* a sensor with more bad samples is dropped [0.5] */
  int       line;
} FtSensorsCase;

/* The cleaning defaults, in one place (the case parser and every other maker of an
 * FtSensorsCase start from them). gap_seconds 0 means 5 x the sensor's median step. */
static inline void FtSensorsCleaningDefaults(FtSensorsCase *sc)
{
  sc->spike_threshold  = 6;
  sc->spike_window     = 5;
  sc->stuck_seconds    = 30;
  sc->gap_seconds      = 0;
  sc->max_bad_fraction = 0.5;
}

/* Calibration (the `calibration:` section): uncertain model parameters fitted to the sensor
 * data, each a multiplier of a nominal case value (1 = as in the case file). */
typedef enum {
  FT_PARAM_MODULUS     = 0, /* E of the materials of `region` (all regions if empty) x theta */
  FT_PARAM_EXPANSION   = 1, /* alpha of the materials of `region` (all if empty) x theta */
  FT_PARAM_CONVECTION  = 2, /* h of the convection entries on `region` (all if empty) x theta */
  FT_PARAM_LOAD_SCALE  = 3, /* the stresses, strains and displacements of load case `load_case`
                               x theta (a load-path / transducer gain factor) */
  FT_PARAM_SUPPORT     = 4  /* reserved: elastic support stiffness (not implemented: parse error) */
} FtParamKind;

typedef struct {
  char   name[FT_NAME_MAX];
  int    kind;             /* FtParamKind */
  char   region[FT_NAME_MAX]; /* modulus, expansion: a material region; convection: a surface region */
  int    load_case;        /* load_scale: index into FtCase.loads, else -1 */
  double prior, sigma;     /* Gaussian prior: mean (default 1) and standard deviation (> 0) */
  double lower, upper;     /* bounds, lower < prior < upper, lower > 0 */
  int    line;
} FtCalParam;

typedef struct {
  int         enabled;
  FtCalParam *params; int nparams;
  double      linear_range;  /* relative change of a stiffness-type parameter (modulus, expansion,
                                convection) beyond which the model is re-solved instead of
                                linearised [0.02] */
  int         max_outer;     /* re-linearisations (finite-element re-solves) at most [5] */
  long        fit_samples;   /* time steps used by the parameter fit, spread evenly [2000] */
  int         ensemble;      /* samples for the life band [64] */
  int         band;          /* FT_BAND_ENVELOPE [default], FT_BAND_BOOTSTRAP (reflected about the nominal damage) or FT_BAND_RAW */
  int         covariance;    /* FT_COV_SANDWICH [default] or FT_COV_GAUSS_NEWTON: the posterior's (docs/calibration.md) */
  double      regularization;/* Tikhonov weight for load identification, relative [1e-10] */
  char        output[FT_PATH_MAX]; /* asset file (default: fatigue.output) */
  int         line;
} FtCalibrationCase;

/* calibration.band: how the life band is formed from the ensemble's damages (docs/calibration.md) */
enum { FT_BAND_BOOTSTRAP = 0, FT_BAND_RAW = 1, FT_BAND_ENVELOPE = 2 };
/* calibration.covariance: the posterior covariance of the parameters (src/assim/fit.c) */
enum { FT_COV_SANDWICH = 0, FT_COV_GAUSS_NEWTON = 1 };

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
  FtSensorsCase sensors;
  FtCalibrationCase calibration;
} FtCase;

/* Parse `path`. On error returns non-zero and writes one message (file:line: key: problem, value)
 * into errmsg; the case is left empty (nothing to free). */
int  FtCaseLoad(const char *path, FtCase *c, char *errmsg, size_t errlen);
/* Same, from text already in memory; `path` is used for messages and to resolve relative paths. */
int  FtCaseParse(const char *path, const char *text, FtCase *c, char *errmsg, size_t errlen);
/* FtCaseParse of the n bytes the file held (text[n] must be 0): refuses a NUL byte among them. */
int  FtCaseParseBytes(const char *path, const char *text, size_t n, FtCase *c, char *errmsg, size_t errlen);
void FtCaseFree(FtCase *c);

/* Design fingerprint (src/case/design_hash.c): 64-bit FNV-1a of the design-relevant content of the
 * case (mesh file bytes, materials, boundary conditions, load cases, sensor layout, calibration
 * parameters, fatigue channels), not of asset-specific paths, data or noise levels. */
unsigned long long FtCaseDesignHash(const FtCase *c);
unsigned long long FtMeshFileHash(const char *path);

#endif
