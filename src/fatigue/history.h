/* Load histories: a CSV file with a header line, a time column and one column per channel.
 * Every defect is an error that names the file, the line and the column: a missing column, a
 * wrong number of fields, a value that is not a number, NaN or infinity, time that does not
 * increase. Nothing is filled in or skipped silently. */
#ifndef FT_HISTORY_H
#define FT_HISTORY_H
#include <stddef.h>

#include "case.h"

typedef struct {
  long    nsteps;
  int     nchan;
  double *time; /* [nsteps] s */
  double *L;    /* [nsteps][nchan] load-case multipliers: scale_k (value_k - offset_k) */
} FtHistory;

/* Reads f->history and maps its columns onto f->channels. Returns 0, or non-zero with one
 * message in err. Pure C (rank 0 reads; the caller broadcasts). */
int  FtHistoryReadCSV(const FtFatigueCase *f, FtHistory *h, char *err, size_t errlen);
void FtHistoryFree(FtHistory *h);
#endif
