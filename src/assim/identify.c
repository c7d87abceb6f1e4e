/* Load identification and identifiability (see assim/identify.h for the model).
 *
 * Pure C11 + libm + LAPACK: no MPI, no PETSc, so the unit test builds it alone.
 *
 * Two numerical tools, both on tiny matrices (nchan <= 64 columns):
 *  - a one-sided Jacobi SVD of the weighted sensor matrix W^1/2 G (identifiability report, and
 *    the rank test of each new pattern of valid sensors);
 *  - a Cholesky factorisation (LAPACK dpotrf, solves by dpotrs) of the nchan x nchan normal
 *    matrix G_V^T W G_V + lambda I, done once per pattern of valid sensors and reused for every
 *    step with that pattern. */
#include "assim/identify.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/lapack.h"

#define FT_ID_MAX_CHAN  64
#define FT_ID_RANK_TOL  1e-10 /* numerical rank: s_k > FT_ID_RANK_TOL * s_1 */
#define FT_ID_MAX_SWEEP 60    /* Jacobi sweeps; convergence is quadratic, ~6-10 are typical */

/* ---------------------------------------------------------------- argument checks ---- */

/* A usable model: 1 <= nsens, 1 <= nchan <= 64, arrays present, and for every used sensor a
 * finite G row, a finite b and a finite sigma > 0. use == NULL means every sensor is used.
 * Returns 0, or 1 with a one-line message naming the sensor/field and the offending value. */
static int CheckModel(const FtObsModel *m, char *err, size_t errlen)
{
  if (!m) return snprintf(err, errlen, "identify: observation model is NULL"), 1;
  if (m->nsens < 1) return snprintf(err, errlen, "identify: nsens = %d: need at least 1 sensor", m->nsens), 1;
  if (m->nchan < 1 || m->nchan > FT_ID_MAX_CHAN)
    return snprintf(err, errlen, "identify: nchan = %d: must be between 1 and %d", m->nchan, FT_ID_MAX_CHAN), 1;
  if (!m->G || !m->b || !m->sigma)
    return snprintf(err, errlen, "identify: observation model has a NULL %s array", !m->G ? "G" : !m->b ? "b" : "sigma"), 1;
  for (int i = 0; i < m->nsens; i++) {
    if (m->use && m->use[i] != 0 && m->use[i] != 1)
      return snprintf(err, errlen, "identify: sensor %d: use = %d must be 0 or 1", i, m->use[i]), 1;
    if (m->use && !m->use[i]) continue;
    if (!(m->sigma[i] > 0) || !isfinite(m->sigma[i]))
      return snprintf(err, errlen, "identify: sensor %d: sigma = %g must be finite and > 0", i, m->sigma[i]), 1;
    if (!isfinite(m->b[i])) return snprintf(err, errlen, "identify: sensor %d: b = %g is not finite", i, m->b[i]), 1;
    for (int k = 0; k < m->nchan; k++)
      if (!isfinite(m->G[(size_t)i * m->nchan + k]))
        return snprintf(err, errlen, "identify: sensor %d: G[%d][%d] = %g is not finite", i, i, k,
                        m->G[(size_t)i * m->nchan + k]),
               1;
  }
  return 0;
}

static int Used(const FtObsModel *m, int i) { return !m->use || m->use[i]; }

/* ---------------------------------------------------------------- Jacobi SVD ---------- */

/* Singular values s[0..n-1] (descending) and right singular vectors V (n x n, row-major, column
 * k belongs to s[k]) of the m x n row-major matrix A, which is overwritten (by U Sigma).
 * m may be smaller than n (the trailing singular values are then 0), including m == 0.
 *
 * One-sided (Hestenes) Jacobi: rotate pairs of columns (p, q) from the right, A <- A J_pq,
 * V <- V J_pq, until all columns are mutually orthogonal; then A = U Sigma V^T with
 * sigma_k = |a_k|. For columns a_p, a_q, with alpha = |a_p|^2, beta = |a_q|^2, gamma = a_p.a_q:
 *     zeta = (beta - alpha) / (2 gamma),  t = sign(zeta) / (|zeta| + sqrt(1 + zeta^2)),
 *     c = 1 / sqrt(1 + t^2),  s = c t,  a_p <- c a_p - s a_q,  a_q <- s a_p + c a_q,
 * which makes the new a_p . a_q exactly 0 (t is the smaller root of t^2 + 2 zeta t - 1 = 0).
 * A pair is skipped once |gamma| <= eps sqrt(m) sqrt(alpha beta) (already orthogonal to working
 * precision); the sweeps stop when a whole sweep rotates nothing.
 * Demmel & Veselic, "Jacobi's method is more accurate than QR", SIAM J. Matrix Anal. Appl.
 * 13(4):1204-1245 (1992): this computes the small singular values to high relative accuracy
 * (when the ill-conditioning comes from the column scaling), unlike bidiagonalisation + QR. */
static void JacobiSVD(int m, int n, double *A, double *s, double *V)
{
  const double tol = DBL_EPSILON * sqrt((double)(m > 1 ? m : 1));
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) V[i * n + j] = (i == j);
  for (int sweep = 0; sweep < FT_ID_MAX_SWEEP; sweep++) {
    int rotated = 0;
    for (int p = 0; p < n - 1; p++) {
      for (int q = p + 1; q < n; q++) {
        double alpha = 0, beta = 0, gamma = 0;
        for (int i = 0; i < m; i++) {
          const double ap = A[(size_t)i * n + p], aq = A[(size_t)i * n + q];
          alpha += ap * ap;
          beta += aq * aq;
          gamma += ap * aq;
        }
        if (alpha == 0 || beta == 0 || fabs(gamma) <= tol * sqrt(alpha) * sqrt(beta)) continue;
        const double zeta = (beta - alpha) / (2 * gamma);
        const double t    = (zeta >= 0 ? 1.0 : -1.0) / (fabs(zeta) + sqrt(1 + zeta * zeta));
        const double c = 1 / sqrt(1 + t * t), sn = c * t;
        for (int i = 0; i < m; i++) {
          double *row = A + (size_t)i * n;
          const double ap = row[p], aq = row[q];
          row[p] = c * ap - sn * aq;
          row[q] = sn * ap + c * aq;
        }
        for (int i = 0; i < n; i++) {
          double *row = V + i * n;
          const double vp = row[p], vq = row[q];
          row[p] = c * vp - sn * vq;
          row[q] = sn * vp + c * vq;
        }
        rotated = 1;
      }
    }
    if (!rotated) break;
  }
  for (int k = 0; k < n; k++) {
    double ss = 0;
    for (int i = 0; i < m; i++) ss += A[(size_t)i * n + k] * A[(size_t)i * n + k];
    s[k] = sqrt(ss);
  }
  /* sort descending (selection sort: n <= 64), moving V's columns along */
  for (int k = 0; k < n - 1; k++) {
    int best = k;
    for (int j = k + 1; j < n; j++)
      if (s[j] > s[best]) best = j;
    if (best == k) continue;
    const double tmp = s[k];
    s[k]             = s[best];
    s[best]          = tmp;
    for (int i = 0; i < n; i++) {
      const double v   = V[i * n + k];
      V[i * n + k]     = V[i * n + best];
      V[i * n + best]  = v;
    }
  }
}

/* Numerical rank: the number of s_k > FT_ID_RANK_TOL * s_1 (0 when s_1 == 0). */
static int NumericalRank(int n, const double *s)
{
  int r = 0;
  for (int k = 0; k < n; k++)
    if (s[k] > FT_ID_RANK_TOL * s[0]) r++;
  return r;
}

/* Copies the rows i in rows[0..nr-1] of G, each scaled by 1/sigma_i, into A (nr x nchan): the
 * weighted matrix W^1/2 G_V. */
static void WeightedRows(const FtObsModel *m, int nr, const int *rows, double *A)
{
  const int n = m->nchan;
  for (int r = 0; r < nr; r++) {
    const int i = rows[r];
    for (int k = 0; k < n; k++) A[(size_t)r * n + k] = m->G[(size_t)i * n + k] / m->sigma[i];
  }
}

/* ---------------------------------------------------------------- identifiability ----- */

/* Appends "a", "a and b" or "a, b and c" (the channels idx[0..cnt-1]) to buf, never past len. */
static void AppendNames(char *buf, size_t len, const char *const *names, const int *idx, int cnt)
{
  for (int j = 0; j < cnt; j++) {
    size_t      used = strlen(buf);
    const char *sep  = j == 0 ? "" : j == cnt - 1 ? " and " : ", ";
    char        fallback[32];
    const char *nm = names && names[idx[j]] ? names[idx[j]] : (snprintf(fallback, sizeof fallback, "#%d", idx[j]), fallback);
    if (used + 1 < len) snprintf(buf + used, len - used, "%s%s", sep, nm);
  }
}

/* Singular values of W^1/2 G over the used sensors, rank (s_k > 1e-10 s_1), condition s_1/s_n
 * (INFINITY when rank < nchan), the weakest right singular vector v_n (sign: its largest
 * component positive), and, when rank < nchan or condition > max_condition, a message naming
 * the channels with |v_n,k| > 0.1: the combination of those channels that the sensors see least. */
int FtIdentifiabilityCheck(const FtObsModel *m, const char *const *chan_names, double max_condition, FtIdentifiability *id)
{
  if (!id) return 1;
  memset(id, 0, sizeof *id);
  if (CheckModel(m, id->message, sizeof id->message)) return 1;
  if (!(max_condition >= 1))
    return snprintf(id->message, sizeof id->message, "identify: max_condition = %g must be >= 1", max_condition), 1;
  const int n = m->nchan;
  int      *rows = malloc(sizeof(int) * (size_t)m->nsens);
  double   *A    = malloc(sizeof(double) * (size_t)m->nsens * (size_t)n);
  double    V[FT_ID_MAX_CHAN * FT_ID_MAX_CHAN];
  if (!rows || !A) {
    free(rows);
    free(A);
    return snprintf(id->message, sizeof id->message, "identify: out of memory for %d sensors", m->nsens), 1;
  }
  int nr = 0;
  for (int i = 0; i < m->nsens; i++)
    if (Used(m, i)) rows[nr++] = i;
  WeightedRows(m, nr, rows, A);
  JacobiSVD(nr, n, A, id->sv, V);
  free(A);
  free(rows);

  id->rank = NumericalRank(n, id->sv);
  id->cond = id->rank < n ? INFINITY : id->sv[0] / id->sv[n - 1];
  int big = 0;
  for (int k = 0; k < n; k++) {
    id->weakest[k] = V[k * n + (n - 1)];
    if (fabs(id->weakest[k]) > fabs(id->weakest[big])) big = k;
  }
  if (id->weakest[big] < 0)
    for (int k = 0; k < n; k++) id->weakest[k] = -id->weakest[k];
  id->separable = id->rank == n && id->cond <= max_condition;
  if (id->separable) return 0;

  int idx[FT_ID_MAX_CHAN] = {0}, cnt = 0;
  char *msg = id->message;
  size_t len = sizeof id->message;
  if (id->rank == 0) { /* nothing is seen: the weakest vector is arbitrary, name them all */
    for (int k = 0; k < n; k++) idx[cnt++] = k;
    snprintf(msg, len, "%s ", n == 1 ? "channel" : "channels");
    AppendNames(msg, len, chan_names, idx, cnt);
    size_t u = strlen(msg);
    snprintf(msg + u, len - u, " cannot be identified: no used sensor responds to %s (rank 0 of %d); add a sensor that does",
             n == 1 ? "it" : "them", n);
    return 0;
  }
  for (int k = 0; k < n; k++)
    if (fabs(id->weakest[k]) > 0.1) idx[cnt++] = k;
  snprintf(msg, len, "%s ", cnt == 1 ? "channel" : "channels");
  AppendNames(msg, len, chan_names, idx, cnt);
  size_t u = strlen(msg);
  if (cnt == 1)
    snprintf(msg + u, len - u, " cannot be identified by the sensors (rank %d of %d, condition %.2g); add a sensor that responds to it",
             id->rank, n, id->cond);
  else
    snprintf(msg + u, len - u,
             " cannot be separated by the sensors (rank %d of %d, condition %.2g); add a sensor that responds differently to them",
             id->rank, n, id->cond);
  return 0;
}

/* ---------------------------------------------------------------- per-step solve ------- */

/* State for one pattern of valid sensors (rebuilt when the pattern changes). */
typedef struct {
  int    ok;                                  /* the pattern identifies every channel */
  double L[FT_ID_MAX_CHAN * FT_ID_MAX_CHAN];   /* Cholesky factor of G_V^T W G_V + lambda I */
  double C[FT_ID_MAX_CHAN * FT_ID_MAX_CHAN];   /* its inverse, the covariance (when wanted) */
} Pattern;

/* For the valid sensors rows[0..nv-1]: rank test by SVD of W^1/2 G_V (rank < nchan, or fewer
 * sensors than channels, means the step is not identified), then the normal matrix
 *     N = G_V^T W G_V + lambda I = sum_{i in V} g_i g_i^T / sigma_i^2 + lambda I
 * (g_i the i-th row of G), its Cholesky factor, and, if want_cov, C = N^-1 column by column. */
static void BuildPattern(const FtObsModel *m, int nv, const int *rows, double lambda, int want_cov, double *work, Pattern *P)
{
  const int n = m->nchan;
  double    s[FT_ID_MAX_CHAN];
  P->ok = 0;
  if (nv < n) return;
  WeightedRows(m, nv, rows, work);
  JacobiSVD(nv, n, work, s, P->C); /* P->C is scratch for V here */
  if (NumericalRank(n, s) < n) return;

  double *N = P->L;
  for (int a = 0; a < n * n; a++) N[a] = 0;
  for (int r = 0; r < nv; r++) {
    const int     i = rows[r];
    const double  w = 1 / (m->sigma[i] * m->sigma[i]);
    const double *g = m->G + (size_t)i * n;
    for (int a = 0; a < n; a++)
      for (int b = 0; b <= a; b++) N[a * n + b] += w * g[a] * g[b];
  }
  for (int a = 0; a < n; a++) N[a * n + a] += lambda;
  int info = 0;
  dpotrf_("U", &n, N, &n, &info, 1); /* N = L L^T: the row-major lower triangle is LAPACK's 'U' */
  if (info) return;
  P->ok = 1;
  if (!want_cov) return;
  double    e[FT_ID_MAX_CHAN];
  const int one = 1;
  for (int k = 0; k < n; k++) {
    for (int a = 0; a < n; a++) e[a] = (a == k);
    dpotrs_("U", &n, &one, P->L, &n, e, &n, &info, 1); /* L L^T x = e_k: column k of N^-1 */
    for (int a = 0; a < n; a++) P->C[a * n + k] = e[a];
  }
  for (int a = 0; a < n; a++) /* symmetric to the last bit */
    for (int b = 0; b < a; b++) P->C[a * n + b] = P->C[b * n + a] = 0.5 * (P->C[a * n + b] + P->C[b * n + a]);
}

/* Per step t: the valid set V_t = {i used, y_ti finite}, kept as a bitmask; when it differs from
 * the previous step's, BuildPattern. Then, if the pattern identifies the loads,
 *     c(t) = N^-1 sum_{i in V_t} g_i (y_ti - b_i) / sigma_i^2    (two triangular solves),
 *     r_ti = (y_ti - b_i - g_i . c(t)) / sigma_i,  chi2 += r_ti^2,
 * with lambda = regularization * trace(G^T W G) / nchan over all used sensors. Otherwise c(t)
 * (and cov(t)) are NaN and the step is counted as unidentified. */
int FtIdentifyLoads(const FtObsModel *m, long nsteps, const double *y, double regularization, double *c, double *cov,
                    FtIdentifyStats *stats, char *err, size_t errlen)
{
  char   dummy[8];
  if (!err || errlen == 0) err = dummy, errlen = sizeof dummy;
  err[0] = 0;
  if (CheckModel(m, err, errlen)) return 1;
  if (nsteps < 0) return snprintf(err, errlen, "identify: nsteps = %ld must be >= 0", nsteps), 1;
  if (nsteps > 0 && (!y || !c)) return snprintf(err, errlen, "identify: %s is NULL for %ld steps", !y ? "y" : "c", nsteps), 1;
  if (!(regularization >= 0) || !isfinite(regularization))
    return snprintf(err, errlen, "identify: regularization = %g must be finite and >= 0", regularization), 1;

  const int    n = m->nchan, ns = m->nsens, nwords = (ns + 63) / 64;
  double       trace = 0;
  for (int i = 0; i < ns; i++)
    if (Used(m, i))
      for (int k = 0; k < n; k++) trace += m->G[(size_t)i * n + k] * m->G[(size_t)i * n + k] / (m->sigma[i] * m->sigma[i]);
  const double lambda = regularization * trace / n;

  double   *gw    = malloc(sizeof(double) * (size_t)ns * (size_t)n); /* g_i / sigma_i^2 */
  double   *work  = malloc(sizeof(double) * (size_t)ns * (size_t)n);
  double   *sumsq = calloc((size_t)ns, sizeof(double));
  long     *count = calloc((size_t)ns, sizeof(long));
  int      *rows  = malloc(sizeof(int) * (size_t)ns);
  uint64_t *mask  = malloc(sizeof(uint64_t) * (size_t)nwords * 2);
  Pattern  *P     = malloc(sizeof *P);
  if (!gw || !work || !sumsq || !count || !rows || !mask || !P) {
    free(gw), free(work), free(sumsq), free(count), free(rows), free(mask), free(P);
    return snprintf(err, errlen, "identify: out of memory for %d sensors", ns), 1;
  }
  for (int i = 0; i < ns; i++)
    for (int k = 0; k < n; k++) gw[(size_t)i * n + k] = m->G[(size_t)i * n + k] / (m->sigma[i] * m->sigma[i]);
  uint64_t *cur = mask, *prev = mask + nwords;

  FtIdentifyStats st = {0};
  st.nsteps          = nsteps;
  for (long t = 0; t < nsteps; t++) {
    const double *yt = y + (size_t)t * ns;
    double       *ct = c + (size_t)t * n;
    double       *Ct = cov ? cov + (size_t)t * n * n : NULL;
    int           nv = 0;
    memset(cur, 0, sizeof(uint64_t) * (size_t)nwords);
    for (int i = 0; i < ns; i++)
      if (Used(m, i) && isfinite(yt[i])) {
        rows[nv++] = i;
        cur[i >> 6] |= (uint64_t)1 << (i & 63);
      }
    if (t == 0 || memcmp(cur, prev, sizeof(uint64_t) * (size_t)nwords) != 0) {
      BuildPattern(m, nv, rows, lambda, cov != NULL, work, P);
      st.factorizations++;
      uint64_t *tmp = prev;
      prev = cur, cur = tmp;
    }
    if (!P->ok) {
      for (int k = 0; k < n; k++) ct[k] = NAN;
      if (Ct)
        for (int a = 0; a < n * n; a++) Ct[a] = NAN;
      st.unidentified++;
      continue;
    }
    for (int k = 0; k < n; k++) ct[k] = 0;
    for (int r = 0; r < nv; r++) {
      const int     i = rows[r];
      const double  d = yt[i] - m->b[i];
      const double *g = gw + (size_t)i * n;
      for (int k = 0; k < n; k++) ct[k] += g[k] * d;
    }
    {
      const int one = 1;
      int       info;
      dpotrs_("U", &n, &one, P->L, &n, ct, &n, &info, 1); /* c(t) = N^-1 (sum g_i (y - b_i) / sigma_i^2) */
    }
    for (int r = 0; r < nv; r++) {
      const int     i  = rows[r];
      const double *g  = m->G + (size_t)i * n;
      double        pr = m->b[i];
      for (int k = 0; k < n; k++) pr += g[k] * ct[k];
      const double res = (yt[i] - pr) / m->sigma[i];
      st.chi2 += res * res;
      sumsq[i] += res * res;
      count[i]++;
    }
    st.nresiduals += nv;
    st.dof += nv - n;
    if (Ct) memcpy(Ct, P->C, sizeof(double) * (size_t)n * n);
  }
  if (stats) {
    double *rms = stats->rms_residual;
    *stats      = st;
    stats->rms_residual = rms;
    if (rms)
      for (int i = 0; i < ns; i++) rms[i] = count[i] ? sqrt(sumsq[i] / count[i]) : NAN;
  }
  free(gw), free(work), free(sumsq), free(count), free(rows), free(mask), free(P);
  return 0;
}
