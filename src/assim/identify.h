/* Load identification: the channel values c(t) (the load histories, in the channels' units)
 * from the sensor readings, by weighted, regularised least squares per time step.
 *
 * Sensor model (linear in the channel values, in the sensor's unit):
 *     y_i(t) = b_i + sum_k G_ik c_k(t) + e_i(t),   e_i ~ N(0, sigma_i^2) independent,
 * G_ik the reading of sensor i per unit of channel k (from the unit load cases, the channel's
 * scale, the parameters), b_i the reading with every channel at 0 (channel offsets, T_ref).
 * Load cells: G_ik = 1 for their channel, b_i = 0.
 *
 * Per time step t, with V_t the sensors valid at t (used and flag OK), W = diag(1/sigma^2):
 *     c(t) = argmin_c  sum_{i in V_t} ((y_i - b_i - G_i c) / sigma_i)^2 + lambda |c|^2 ,
 *     cov(c(t)) = (G_V^T W G_V + lambda I)^-1 ,
 * lambda = regularization * trace(G^T W G) / nchan (relative; default 1e-10: only guards a
 * numerically singular matrix, it does not bias identifiable loads). Solved by Cholesky of the
 * nchan x nchan normal matrix (nchan is small); the factor is reused while V_t does not change.
 * A step whose valid sensors do not identify every channel (rank of G_V < nchan) gets NaN
 * loads and is counted (`unidentified`); such steps are not invented.
 *
 * Identifiability, reported before identifying: the singular values of W^1/2 G over the used
 * sensors; numerical rank (s_k > 1e-10 s_1) and condition number s_1/s_n. A rank below nchan,
 * or a condition above max_condition (1e8), means some channels cannot be told apart by these
 * sensors: the report names the channels that take part in the weakest singular vector
 * (|v_k| > 0.1) and identification is refused with that message instead of returning noise. */
#ifndef FT_IDENTIFY_H
#define FT_IDENTIFY_H
#include <stddef.h>

typedef struct {
  int           nsens, nchan;
  const double *G;      /* [nsens][nchan] */
  const double *b;      /* [nsens] */
  const double *sigma;  /* [nsens] > 0 */
  const int    *use;    /* [nsens] 1 used, 0 dropped (NULL: every sensor used) */
} FtObsModel;

typedef struct {
  int    rank;
  double cond;            /* s_1 / s_n (INFINITY when rank < nchan) */
  double sv[64];          /* singular values, descending (nchan <= 64) */
  double weakest[64];     /* right singular vector of the smallest singular value */
  int    separable;       /* 1 when rank == nchan and cond <= max_condition */
  char   message[1024];   /* "channels lift_kN and side_kN cannot be separated by the sensors (rank 2 of 3, condition 3.1e+16)" or "" */
} FtIdentifiability;

/* chan_names: [nchan] names for the message. */
int FtIdentifiabilityCheck(const FtObsModel *m, const char *const *chan_names, double max_condition, FtIdentifiability *id);

typedef struct {
  long   nsteps;
  long   unidentified;    /* steps with NaN loads */
  double chi2;            /* sum over steps and valid sensors of squared normalised residuals */
  long   nresiduals;      /* number of (step, sensor) residuals in chi2 */
  double *rms_residual;   /* [nsens] RMS of (y - b - G c) / sigma over the sensor's valid steps (NaN if none) */
  long   dof;             /* degrees of freedom of chi2: sum over identified steps of (valid sensors - nchan);
                             chi2 / dof ~ 1 when the sigmas are right */
  long   factorizations;  /* times the valid-sensor pattern changed (first step included) and the normal
                             matrix was rebuilt; steps with an unchanged pattern reuse the factor */
} FtIdentifyStats;

/* y [nsteps][nsens] readings, NaN where not valid (FtSensorData.y). c [nsteps][nchan] out;
 * cov [nsteps][nchan][nchan] out or NULL. stats->rms_residual must point to [nsens] doubles
 * (or be NULL). Returns 0, non-zero with a message in err (e.g. bad sizes). */
int FtIdentifyLoads(const FtObsModel *m, long nsteps, const double *y, double regularization, double *c, double *cov,
                    FtIdentifyStats *stats, char *err, size_t errlen);
#endif
