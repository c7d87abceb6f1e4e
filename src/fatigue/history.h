/* Load histories: a CSV file with a header line, a time column and one column per channel, or
 * an HDF5 file with one 1-D dataset per column, /history/<time column> and /history/<channel>.
 * Every defect is an error that names the file and the line and column (CSV) or the dataset and
 * index (HDF5): a missing column, a wrong number of fields or samples, a value that is not a
 * number, NaN or infinity, time that does not increase. Nothing is filled in or skipped
 * silently. */
#ifndef FT_HISTORY_H
#define FT_HISTORY_H
#include <stddef.h>

#include "case/case.h"

typedef struct {
  long    nsteps;
  int     nchan;
  double *time; /* [nsteps] s */
  double *L;    /* [nsteps][nchan] load-case multipliers: scale_k (value_k - offset_k) */
} FtHistory;

/* Reads f->history and maps its columns onto f->channels. Returns 0, or non-zero with one
 * message in err. Pure C (rank 0 reads; the caller broadcasts). */
int  FtHistoryReadCSV(const FtFatigueCase *f, FtHistory *h, char *err, size_t errlen);
/* The same from an HDF5 file: /history/<f->time_column, default "time"> [n] and
 * /history/<channel name> [n] for every channel, numeric (float64; other float and integer
 * types are converted). Opened serially (no MPI-IO): call it on one rank. */
int  FtHistoryReadHDF5(const FtFatigueCase *f, FtHistory *h, char *err, size_t errlen);
/* FtHistoryReadHDF5 when f->history ends in .h5 or .hdf5 (any letter case), else FtHistoryReadCSV. */
int  FtHistoryRead(const FtFatigueCase *f, FtHistory *h, char *err, size_t errlen);
void FtHistoryFree(FtHistory *h);
#endif
