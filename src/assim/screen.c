/* Screening of readings and loads (assim/screen.h; docs/calibration.md, "Loads"). */
#include "assim/screen.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "assim/model.h"
#include "assim/stats.h"
#include "util/sort.h"

/* Model-residual screening (after each fit). With the loads identified at theta, the normalised
 * residual of reading i at step t is r_ti = (y - b - G c) / noise. Per sensor, its typical misfit
 * is med_i = median_t r_ti and scale_i = max(1, 1.4826 MAD_t r_ti) (robust: it adapts to a
 * sensor's model error, so a consistent misfit is not taken for outliers), z_ti = (r_ti - med_i) /
 * scale_i. Then per step, one reading at a time (a bad reading spreads its error over every
 * residual of the step through the least-squares loads):
 *     while some |z_ti| > FT_CAL_OUTLIER and more than nchan readings remain:
 *         exclude the reading j whose removal leaves the smallest sum of z^2 over the others
 *         (loads re-solved without j: leave-one-out), flag it OUTLIER (value NaN).
 * Such readings disagree with what the other sensors say at that step (a spike the Hampel
 * filter missed on a fast-changing signal, a glitch no other sensor shows). The screening starts
 * from the cleaned data each time (it does not accumulate over fits). med_i and scale_i are kept
 * in calib->scr_med/scr_scale (the asset state); with calib->hold_stats they are taken from there instead
 * of this run's steps, so every step is judged as in the run that set them. Returns the number
 * excluded, -1 on failure (calib->err). */
long FtScreenOutliers(FtCalibration *calib, const double *theta, const double *y_clean, const unsigned char *f_clean, long *count)
{
  const long nt = calib->d.nsteps;
  const int  ns = calib->ns, nk = calib->nk;
  FtObsModel m;
  double    *c = malloc(sizeof(double) * (size_t)nt * nk), *r = malloc(sizeof(double) * (size_t)nt), *med = calib->scr_med,
         *scale = calib->scr_scale;
  long       total = 0;
  int        rc    = (!c || !r);

  memcpy(calib->d.y, y_clean, sizeof(double) * nt * ns);
  memcpy(calib->d.flag, f_clean, (size_t)nt * ns);
  memset(count, 0, sizeof(long) * ns);
  FtModelGb(calib, theta, calib->G, calib->b);
  m.nsens = ns; m.nchan = nk; m.G = calib->G; m.b = calib->b; m.sigma = calib->noise; m.use = calib->use;
  if (!rc) rc = FtIdentifyLoads(&m, nt, calib->d.y, calib->c->calibration.regularization, c, NULL, NULL, calib->err, sizeof calib->err);
  /* each sensor's typical misfit (held from the asset state: judged as the run that set them) */
  for (int i = 0; i < ns && !rc && !calib->hold_stats; i++) {
    long n = 0;
    med[i]   = 0;
    scale[i] = INFINITY;
    if (!calib->use[i]) continue;
    for (long t = 0; t < nt; t++) {
      const double y = calib->d.y[t * ns + i];
      double       v;
      if (!isfinite(y) || !isfinite(c[t * nk])) continue;
      v = y - calib->b[i];
      for (int k = 0; k < nk; k++) v -= calib->G[i * nk + k] * c[t * nk + k];
      r[n++] = v / calib->noise[i];
    }
    if (n < 10) continue;
    qsort(r, n, sizeof(double), FtCmpDouble);
    med[i] = FtPercentile(r, (int)n, 50);
    for (long q = 0; q < n; q++) r[q] = fabs(r[q] - med[i]);
    qsort(r, n, sizeof(double), FtCmpDouble);
    scale[i] = fmax(1.0, 1.4826 * FtPercentile(r, (int)n, 50));
  }
  /* per step: while some reading is far off, exclude the one whose removal explains the step
     best (leave-one-out: the smallest robust misfit of the others after re-solving without it;
     judging by the largest residual alone would often blame a good, precise gauge for the error
     of a spiked load cell, which the least-squares loads spread over every reading) */
  for (long t = 0; t < nt && !rc; t++) {
    double *yt = &calib->d.y[t * ns], *ct = &c[t * nk], ctry[64];
    for (;;) {
      int    nvalid = 0, far = 0, best = -1;
      double best_misfit = INFINITY;
      if (!isfinite(ct[0])) break;
      for (int i = 0; i < ns; i++) {
        double v;
        if (!calib->use[i] || !isfinite(yt[i])) continue;
        nvalid++;
        v = yt[i] - calib->b[i];
        for (int k = 0; k < nk; k++) v -= calib->G[i * nk + k] * ct[k];
        far |= fabs(v / calib->noise[i] - med[i]) / scale[i] > FT_CAL_OUTLIER;
      }
      if (!far || nvalid <= nk) break;
      for (int j = 0; j < ns && !rc; j++) { /* leave j out */
        const double keep = yt[j];
        double       misfit = 0;
        if (!calib->use[j] || !isfinite(keep)) continue;
        yt[j] = NAN;
        rc    = FtIdentifyLoads(&m, 1, yt, calib->c->calibration.regularization, ctry, NULL, NULL, calib->err, sizeof calib->err);
        if (!rc && isfinite(ctry[0]))
          for (int i = 0; i < ns; i++) {
            double v, z;
            if (!calib->use[i] || !isfinite(yt[i])) continue;
            v = yt[i] - calib->b[i];
            for (int k = 0; k < nk; k++) v -= calib->G[i * nk + k] * ctry[k];
            z = (v / calib->noise[i] - med[i]) / scale[i];
            misfit += z * z;
          }
        else misfit = INFINITY;
        yt[j] = keep;
        if (misfit < best_misfit) {
          best_misfit = misfit;
          best        = j;
        }
      }
      if (rc || best < 0) break;
      yt[best]                 = NAN;
      calib->d.flag[t * ns + best] = FT_SAMPLE_OUTLIER;
      count[best]++;
      total++;
      if ((rc = FtIdentifyLoads(&m, 1, yt, calib->c->calibration.regularization, ct, NULL, NULL, calib->err, sizeof calib->err))) break;
    }
  }
  /* the fit steps again from the screened data */
  for (long q = 0; q < calib->nfit && !rc; q++) {
    const long t = (long)((double)q * nt / calib->nfit);
    memcpy(&calib->yfit[q * ns], &calib->d.y[t * ns], sizeof(double) * ns);
  }
  free(c);
  free(r);
  return rc ? -1 : total;
}

/* unver[t] = 1 where leaving out one valid reading of step t leaves some load with a std above
 * FT_CAL_WEAK x medstd (as FtScreenWeakSteps). Cached per pattern of valid readings. */
PetscErrorCode FtScreenMarkUnverifiable(FtCalibration *calib, const FtObsModel *m, const double *medstd, const double *c, unsigned char *unver, long *nunver)
{
  const long nt = calib->d.nsteps;
  const int  ns = calib->ns, nk = calib->nk;
  enum { NCACHE = 4096 };
  uint64_t  *key = calloc(NCACHE, sizeof(uint64_t));
  signed char *val = calloc(NCACHE, 1); /* 0 empty, 1 verifiable, 2 not */
  double    *row = malloc(sizeof(double) * ns), cc[64], cov[64 * 64];

  PetscFunctionBeginUser;
  PetscCheck(key && val && row, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  *nunver = 0;
  for (long t = 0; t < nt; t++) {
    uint64_t mask = 0;
    int      slot = -1, verdict = 0;
    if (!isfinite(c[t * nk])) continue;
    for (int i = 0; i < ns; i++)
      if (calib->use[i] && isfinite(calib->d.y[t * ns + i])) mask |= (uint64_t)1 << (i % 64);
    if (ns <= 64) {
      slot = (int)((mask * 0x9E3779B97F4A7C15ull) >> 52) % NCACHE;
      if (val[slot] && key[slot] == mask) verdict = val[slot];
    }
    if (!verdict) {
      verdict = 1;
      for (int j = 0; j < ns && verdict == 1; j++) {
        if (!calib->use[j] || !isfinite(calib->d.y[t * ns + j])) continue;
        for (int i = 0; i < ns; i++) row[i] = (i == j) ? NAN : (isfinite(calib->d.y[t * ns + i]) ? 0.0 : NAN);
        PetscCheck(!FtIdentifyLoads(m, 1, row, calib->c->calibration.regularization, cc, cov, NULL, calib->err, sizeof calib->err), PETSC_COMM_SELF, PETSC_ERR_LIB,
                   "%s", calib->err);
        if (!isfinite(cc[0])) verdict = 2;
        else
          for (int k = 0; k < nk; k++)
            if (sqrt(cov[k * nk + k]) > FT_CAL_WEAK * medstd[k]) verdict = 2;
      }
      if (slot >= 0) {
        key[slot] = mask;
        val[slot] = (signed char)verdict;
      }
    }
    if (verdict == 2) {
      unver[t] = 1;
      (*nunver)++;
    }
  }
  free(key);
  free(val);
  free(row);
  PetscFunctionReturn(0);
}

/* Hampel check of the loads at the flagged steps against their +-5 nearest identified
 * neighbours; a failing step's loads become NaN. Returns the number of steps left out. */
long FtScreenHampelOnLoads(int nk, long nt, double *c, const double *cstd, const unsigned char *unver)
{
  long nfail = 0;
  for (long t = 0; t < nt; t++) {
    int fail = 0;
    if (!unver[t] || !isfinite(c[t * nk])) continue;
    for (int k = 0; k < nk && !fail; k++) {
      double w[10], d[10], med, mad;
      int    n = 0;
      for (long q = t - 1; q >= 0 && n < 5; q--)
        if (isfinite(c[q * nk]) && !unver[q]) w[n++] = c[q * nk + k];
      for (long q = t + 1; q < nt && n < 10; q++)
        if (isfinite(c[q * nk]) && !unver[q]) w[n++] = c[q * nk + k];
      if (n < 4) continue;
      qsort(w, n, sizeof(double), FtCmpDouble);
      med = FtPercentile(w, n, 50);
      for (int q = 0; q < n; q++) d[q] = fabs(w[q] - med);
      qsort(d, n, sizeof(double), FtCmpDouble);
      mad  = FtPercentile(d, n, 50);
      fail = fabs(c[t * nk + k] - med) > FT_CAL_HAMPEL * fmax(1.4826 * mad, cstd[t * nk + k]);
    }
    if (fail) {
      for (int k = 0; k < nk; k++) c[t * nk + k] = NAN;
      nfail++;
    }
  }
  return nfail;
}


/* Weakly determined steps: where the valid readings leave a load much less certain than usual
 * (e.g. its load cell and the gauges that see it are flagged at once), the estimate is mostly
 * noise; such steps are left out (counted), as the unidentifiable ones. medstd_k = median over
 * the steps of std(c_k) (held from the asset state with calib->hold_stats); a step is weak when
 * some std(c_tk) > FT_CAL_WEAK medstd_k. */
PetscErrorCode FtScreenWeakSteps(FtCalibration *calib, long nt, double *c, const double *cstd, long *nweak)
{
  const int nk = calib->nk;
  double   *w = malloc(sizeof(double) * (size_t)nt), *medstd = calib->medstd;

  PetscFunctionBeginUser;
  PetscCheck(w, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  for (int k = 0; k < nk && !calib->hold_stats; k++) {
    long n = 0;
    for (long t = 0; t < nt; t++)
      if (isfinite(cstd[t * nk + k])) w[n++] = cstd[t * nk + k];
    qsort(w, n, sizeof(double), FtCmpDouble);
    medstd[k] = n ? FtPercentile(w, (int)n, 50) : 0;
  }
  free(w);
  *nweak = 0;
  for (long t = 0; t < nt; t++) {
    int weak = 0;
    if (!isfinite(c[t * nk])) continue;
    for (int k = 0; k < nk; k++) weak |= cstd[t * nk + k] > FT_CAL_WEAK * medstd[k];
    if (!weak) continue;
    for (int k = 0; k < nk; k++) c[t * nk + k] = NAN;
    (*nweak)++;
  }
  PetscFunctionReturn(0);
}
