/* Sensor data, cleaning and resampling of each sensor's native samples (the rules in data.h; the
 * choices data.h leaves open at the top of data.c). */
#include <math.h>
#include <stdlib.h>

#include "sensors/native.h"
#include "util/sort.h"

/* ------------------------------------------------------------------ cleaning ---- */

/* Sorts a[0..n) ascending: insertion sort for the short Hampel windows, qsort beyond. */
static void SortSmall(double *a, int n)
{
  if (n > 32) {
    qsort(a, (size_t)n, sizeof *a, FtCmpDouble);
    return;
  }
  for (int i = 1; i < n; i++) {
    double x = a[i];
    int    j = i - 1;
    while (j >= 0 && a[j] > x) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = x;
  }
}

/* Median of a sorted array: the middle value, or the mean of the two middle values. */
static double SortedMedian(const double *a, long n)
{
  return n % 2 ? a[n / 2] : 0.5 * (a[n / 2 - 1] + a[n / 2]);
}

/* Median native step: median of t[i+1] - t[i] (all positive: times strictly increase); 0 when
 * there are fewer than 2 samples. */
double FtSensorMedianStep(const FtNative *s)
{
  if (s->n < 2) return 0;
  double *d = malloc(sizeof(double) * (size_t)(s->n - 1));
  if (!d) return 0;
  for (long i = 0; i + 1 < s->n; i++) d[i] = s->t[i + 1] - s->t[i];
  qsort(d, (size_t)(s->n - 1), sizeof *d, FtCmpDouble);
  double m = SortedMedian(d, s->n - 1);
  free(d);
  return m;
}

/* Flags the native samples of one sensor, in order (each step sees only samples still OK):
 *   MISSING  v = NaN;
 *   RANGE    v < range[0] or v > range[1];
 *   STUCK    a run of consecutive non-MISSING/RANGE samples with identical values whose
 *            duration t_last - t_first exceeds stuck_seconds: the whole run;
 *   SPIKE    Hampel: over the valid samples (OK after the steps above) y_p is a spike when
 *            |y_p - med_p| > thr * max(1.4826 MAD_p, noise), med_p and MAD_p the median and the
 *            median absolute deviation of the window of 2w+1 valid samples centred on p (shifted
 *            to stay inside the record at its ends; the whole record when it is shorter).
 *            All windows see the same valid set, so one spike does not mask or unmask another.
 * Returns 0, or 1 when out of memory. */
int FtSensorClean(const FtSensor *S, FtNative *s, double thr, int w, double stuck)
{
  double lo = S->range[0], hi = S->range[1];
  if (lo == 0 && hi == 0) lo = -INFINITY, hi = INFINITY;
  s->f = calloc((size_t)(s->n > 0 ? s->n : 1), 1);
  if (!s->f) return 1;
  for (long i = 0; i < s->n; i++) {
    if (isnan(s->v[i]))
      s->f[i] = FT_SAMPLE_MISSING;
    else if (s->v[i] < lo || s->v[i] > hi)
      s->f[i] = FT_SAMPLE_RANGE;
  }
  /* stuck runs: a = first sample of the run, b = its last so far */
  long a = -1, b = -1;
  for (long i = 0; i <= s->n; i++) {
    if (i < s->n && s->f[i] != FT_SAMPLE_OK) continue;
    if (i < s->n && a >= 0 && s->v[i] == s->v[a]) {
      b = i;
      continue;
    }
    if (a >= 0 && s->t[b] - s->t[a] > stuck)
      for (long k = a; k <= b; k++)
        if (s->f[k] == FT_SAMPLE_OK) s->f[k] = FT_SAMPLE_STUCK;
    a = b = i;
  }
  /* Hampel filter over the valid samples */
  long *idx = malloc(sizeof(long) * (size_t)(s->n > 0 ? s->n : 1));
  int   size = 2 * w + 1;
  double *win = malloc(sizeof(double) * (size_t)size), *dev = malloc(sizeof(double) * (size_t)size);
  long    m   = 0;
  if (!idx || !win || !dev) {
    free(idx);
    free(win);
    free(dev);
    return 1;
  }
  for (long i = 0; i < s->n; i++)
    if (s->f[i] == FT_SAMPLE_OK) idx[m++] = i;
  for (long p = 0; p < m; p++) {
    long first = 0, count = m;
    if (m > size) {
      first = p - w < 0 ? 0 : p - w;
      if (first + size > m) first = m - size;
      count = size;
    }
    for (long k = 0; k < count; k++) win[k] = s->v[idx[first + k]];
    SortSmall(win, (int)count);
    double med = SortedMedian(win, count);
    for (long k = 0; k < count; k++) dev[k] = fabs(win[k] - med);
    SortSmall(dev, (int)count);
    double scale = 1.4826 * SortedMedian(dev, count);
    if (scale < S->noise) scale = S->noise;
    if (fabs(s->v[idx[p]] - med) > thr * scale) s->f[idx[p]] = FT_SAMPLE_SPIKE;
  }
  free(idx);
  free(win);
  free(dev);
  return 0;
}

/* ------------------------------------------------------------------ resampling ---- */

/* Resamples a sensor's native samples (t, v, f)[0..n) onto t_j = t0 + j dt, column `col` of d:
 *   t_j within eps of a native sample k: v_k if it is valid, else no value with k's flag;
 *   else, between CONSECUTIVE native samples t_k < t_j < t_k+1:
 *        both valid and t_k+1 - t_k <= gap: y = v_k + (v_k+1 - v_k) (t_j - t_k) / (t_k+1 - t_k);
 *        farther apart than gap: GAP;  one of them bad: no value, with the bad one's flag
 *        (a bad sample is never bridged: the value there is not known, so none is invented);
 *   before the first or after the last sample: GAP. eps = 1e-9 dt absorbs the rounding of t0 + j dt.
 * Returns the number of GAP steps. */
long FtSensorResample(const FtNative *nat, double gap, FtSensorData *d, int col)
{
  const double *tv = nat->t, *yv = nat->v;
  const long    m  = nat->n;
  long          k = 0, ngap = 0;
  double        eps = 1e-9 * d->dt;
  for (long j = 0; j < d->nsteps; j++) {
    double        t = d->t0 + (double)j * d->dt, y = NAN;
    unsigned char f = FT_SAMPLE_GAP;
    size_t        at = (size_t)j * (size_t)d->nsensors + (size_t)col;
    while (k + 1 < m && tv[k + 1] <= t + eps) k++;
    if (m > 0 && fabs(tv[k] - t) <= eps) {
      f = nat->f[k];
      if (f == FT_SAMPLE_OK) y = yv[k];
    } else if (m > 0 && tv[k] < t && k + 1 < m) {
      if (tv[k + 1] - tv[k] > gap) f = FT_SAMPLE_GAP;
      else if (nat->f[k] != FT_SAMPLE_OK) f = nat->f[k];
      else if (nat->f[k + 1] != FT_SAMPLE_OK) f = nat->f[k + 1];
      else {
        y = yv[k] + (yv[k + 1] - yv[k]) * (t - tv[k]) / (tv[k + 1] - tv[k]);
        f = FT_SAMPLE_OK;
      }
    }
    if (f == FT_SAMPLE_GAP) ngap++;
    d->y[at]    = y;
    d->flag[at] = f;
  }
  return ngap;
}
