/* qsort comparators used by more than one stage. */
#ifndef FT_SORT_H
#define FT_SORT_H

/* ascending doubles (NaN-free input) */
static inline int FtCmpDouble(const void *a, const void *b)
{
  const double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}
#endif
