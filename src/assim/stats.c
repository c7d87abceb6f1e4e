/* Small statistics helpers of the calibration (assim/stats.h). */
#include "assim/stats.h"

#include <math.h>

/* Deterministic normal deviates: splitmix64 + Box-Muller. */
double FtRngUniform(FtRng *g)
{
  uint64_t z = (g->s += 0x9E3779B97F4A7C15ull);
  z          = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z          = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return ((double)(z >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}
double FtRngNormal(FtRng *g)
{
  double u, v;
  if (g->has) { g->has = 0; return g->spare; }
  u        = FtRngUniform(g);
  v        = FtRngUniform(g);
  g->spare = sqrt(-2 * log(u)) * sin(6.283185307179586 * v);
  g->has   = 1;
  return sqrt(-2 * log(u)) * cos(6.283185307179586 * v);
}

/* 99.9 % quantile of chi-square with dof degrees of freedom (Wilson-Hilferty). */
double FtChi2Quantile999(double dof)
{
  const double z = 3.090232306167813, a = 2.0 / (9.0 * dof);
  const double q = 1 - a + z * sqrt(a);
  return dof * q * q * q;
}


/* p-th percentile (0..100) of sorted v[n], linear interpolation between order statistics. */
double FtPercentile(const double *v, int n, double p)
{
  const double pos = p / 100.0 * (n - 1);
  const int    i   = (int)floor(pos);
  if (i >= n - 1) return v[n - 1];
  return v[i] + (pos - i) * (v[i + 1] - v[i]);
}
