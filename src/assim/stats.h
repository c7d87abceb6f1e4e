/* Small statistics helpers of the calibration: a reproducible normal stream, percentiles, the
 * chi-square acceptance limit. */
#ifndef FT_ASSIM_STATS_H
#define FT_ASSIM_STATS_H
#include <stdint.h>

/* Deterministic normal deviates: splitmix64 + Box-Muller. */
typedef struct {
  uint64_t s;
  int      has;
  double   spare;
} FtRng;
double FtRngUniform(FtRng *g);
double FtRngNormal(FtRng *g);
/* 99.9 % quantile of chi-square with dof degrees of freedom (Wilson-Hilferty). */
double FtChi2Quantile999(double dof);
/* p-th percentile (0..100) of sorted v[n], linear interpolation between order statistics. */
double FtPercentile(const double *v, int n, double p);
#endif
