#include "fatigue/history.h"

#include <errno.h>
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "io/h5_local.h"
#include "io/layout.h"
#include "util/csv.h"
#include "util/oneline.h"
#include "util/path.h"

void FtHistoryFree(FtHistory *h)
{
  free(h->time);
  free(h->L);
  memset(h, 0, sizeof *h);
}

#define FT_CSV_MAX_COLS 256

int FtHistoryReadCSV(const FtFatigueCase *f, FtHistory *h, char *err, size_t errlen)
{
  FILE  *fp = fopen(f->history, "r");
  char  *line = NULL, *fields[FT_CSV_MAX_COLS];
  size_t cap = 0;
  long   lineno = 0, cap_steps = 0;
  int    ncols = 0, tcol = -1, col[FT_FATIGUE_MAX_CHANNELS_CASE];
  const char *timename = f->time_column[0] ? f->time_column : "time";

  memset(h, 0, sizeof *h);
  if (!fp) {
    snprintf(err, errlen, "%s: fatigue.history: cannot read '%s': %s", f->history, f->history, strerror(errno));
    return 1;
  }
  h->nchan = f->nchannels;
  /* header */
  while (getline(&line, &cap, fp) > 0) {
    char *header = ++lineno == 1 ? FtCsvSkipBom(line) : line;
    if (FtCsvSkippedLine(header)) continue;
    ncols = FtCsvSplit(header, fields, FT_CSV_MAX_COLS);
    break;
  }
  if (!ncols) {
    snprintf(err, errlen, "%s: empty history file (expected a header line '%s,<channel>,...')", f->history, timename);
    goto fail;
  }
  if (ncols > FT_CSV_MAX_COLS) {
    snprintf(err, errlen, "%s:%ld: %d columns, at most %d are supported", f->history, lineno, ncols, FT_CSV_MAX_COLS);
    goto fail;
  }
  for (int j = 0; j < ncols; j++)
    if (!strcmp(fields[j], timename)) tcol = j;
  if (tcol < 0) {
    snprintf(err, errlen, "%s:%ld: no time column '%s' in the header", f->history, lineno, timename);
    goto fail;
  }
  for (int k = 0; k < f->nchannels; k++) {
    col[k] = -1;
    for (int j = 0; j < ncols; j++)
      if (!strcmp(fields[j], f->channels[k].name)) col[k] = j;
    if (col[k] < 0) {
      char   known[1024] = "";
      size_t used        = 0;
      for (int j = 0; j < ncols && used < sizeof known; j++)
        used += (size_t)snprintf(known + used, sizeof known - used, "%s%s", j ? ", " : "", fields[j]);
      snprintf(err, errlen, "%s:%ld: channel '%s' (case line %d) has no column in the history (columns: %s)", f->history, lineno,
               f->channels[k].name, f->channels[k].line, known);
      goto fail;
    }
  }
  /* rows */
  ssize_t got;
  while ((got = getline(&line, &cap, fp)) > 0) {
    int    n;
    double t;
    char  *end;
    lineno++;
    if ((size_t)got != strlen(line)) {
      snprintf(err, errlen, "%s:%ld: a NUL byte in the line (not a text file, or a damaged one)", f->history, lineno);
      goto fail;
    }
    if (FtCsvSkippedLine(line)) continue;
    n = FtCsvSplit(line, fields, FT_CSV_MAX_COLS);
    if (n != ncols) {
      snprintf(err, errlen, "%s:%ld: %d fields, the header has %d", f->history, lineno, n, ncols);
      goto fail;
    }
    if (h->nsteps == cap_steps) {
      cap_steps = cap_steps ? 2 * cap_steps : 4096;
      double *nt = realloc(h->time, sizeof(double) * (size_t)cap_steps);
      double *nl = nt ? realloc(h->L, sizeof(double) * (size_t)cap_steps * (size_t)h->nchan) : NULL;
      if (nt) h->time = nt;
      if (!nt || !nl) {
        snprintf(err, errlen, "%s:%ld: out of memory", f->history, lineno);
        goto fail;
      }
      h->L = nl;
    }
    errno = 0;
    t     = strtod(fields[tcol], &end);
    if (end == fields[tcol] || *end || !isfinite(t)) {
      snprintf(err, errlen, "%s:%ld: column '%s': not a finite number: '%s'", f->history, lineno, timename, fields[tcol]);
      goto fail;
    }
    if (h->nsteps && t <= h->time[h->nsteps - 1]) {
      snprintf(err, errlen, "%s:%ld: column '%s': time must increase, got %.17g after %.17g", f->history, lineno, timename, t,
               h->time[h->nsteps - 1]);
      goto fail;
    }
    h->time[h->nsteps] = t;
    for (int k = 0; k < f->nchannels; k++) {
      const char *s = fields[col[k]];
      double      v = strtod(s, &end);
      if (end == s || *end || !isfinite(v)) {
        snprintf(err, errlen, "%s:%ld: column '%s': not a finite number: '%s' (missing or bad samples are not filled in)",
                 f->history, lineno, f->channels[k].name, s);
        goto fail;
      }
      h->L[h->nsteps * h->nchan + k] = f->channels[k].scale * (v - f->channels[k].offset);
    }
    h->nsteps++;
  }
  if (h->nsteps < 2) {
    snprintf(err, errlen, "%s: %ld samples; a history needs at least 2", f->history, h->nsteps);
    goto fail;
  }
  free(line);
  fclose(fp);
  return 0;
fail:
  free(line);
  fclose(fp);
  FtHistoryFree(h);
  FtMessageOneLine(err);
  return 1;
}

/* H5Literate callback: appends a link name of /history to the comma-separated list `data`. */
static herr_t AppendName(hid_t g, const char *name, const H5L_info_t *info, void *data)
{
  char  *list = data;
  size_t used = strlen(list);
  if (used < 1000) snprintf(list + used, 1024 - used, "%s%s", used ? ", " : "", name);
  return 0;
}

/* Reads the 1-D numeric dataset /history/<name> of `file` as doubles into a new array *v of *n
 * values; every value must be finite. `what` says what the dataset stands for (in messages). */
static int ReadColumnHDF5(const char *fname, hid_t file, const char *name, const char *what, const char *known, double **v, hsize_t *n,
                          char *err, size_t errlen)
{
  char    dset[FT_NAME_MAX + 16];
  hid_t   ds = -1, fs = -1, t = -1;
  hsize_t dims[2] = {0, 0};
  int     nd, rc = 1;

  *v = NULL;
  snprintf(dset, sizeof dset, FT_H5_P_HISTORY, name);
  if (H5Lexists(file, dset, H5P_DEFAULT) <= 0 || (ds = H5Dopen2(file, dset, H5P_DEFAULT)) < 0) {
    snprintf(err, errlen, "%s: %s has no dataset '%s' (datasets in /history: %s)", fname, what, dset, known);
    goto done;
  }
  fs = H5Dget_space(ds);
  t  = H5Dget_type(ds);
  nd = fs < 0 ? -1 : H5Sget_simple_extent_ndims(fs);
  if (nd != 1) {
    snprintf(err, errlen, "%s: dataset '%s' has %d dimensions, expected 1 (one value per sample)", fname, dset, nd);
    goto done;
  }
  if (t < 0 || (H5Tget_class(t) != H5T_FLOAT && H5Tget_class(t) != H5T_INTEGER)) {
    snprintf(err, errlen, "%s: dataset '%s' is not numeric (expected float64 samples)", fname, dset);
    goto done;
  }
  H5Sget_simple_extent_dims(fs, dims, NULL);
  *n = dims[0];
  *v = malloc(sizeof(double) * (size_t)(dims[0] + 1));
  if (!*v) {
    snprintf(err, errlen, "%s: dataset '%s': out of memory for %llu samples", fname, dset, (unsigned long long)dims[0]);
    goto done;
  }
  if (dims[0] && H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, *v) < 0) {
    snprintf(err, errlen, "%s: dataset '%s': HDF5 failed reading it", fname, dset);
    goto done;
  }
  for (hsize_t i = 0; i < dims[0]; i++)
    if (!isfinite((*v)[i])) {
      snprintf(err, errlen, "%s: dataset '%s' index %llu: not a finite number: %g (missing or bad samples are not filled in)", fname, dset,
               (unsigned long long)i, (*v)[i]);
      goto done;
    }
  rc = 0;
done:
  if (t >= 0) H5Tclose(t);
  if (fs >= 0) H5Sclose(fs);
  if (ds >= 0) H5Dclose(ds);
  if (rc) {
    free(*v);
    *v = NULL;
  }
  return rc;
}

int FtHistoryReadHDF5(const FtFatigueCase *f, FtHistory *h, char *err, size_t errlen)
{
  const char *timename = f->time_column[0] ? f->time_column : "time";
  H5E_auto2_t efunc = NULL;
  void       *edata = NULL;
  int         quiet = 0;
  hid_t       file = -1;
  hsize_t     n = 0, nk;
  double     *v = NULL;
  char        known[1024] = "", what[FT_NAME_MAX + 64];
  FILE       *probe;
  int         rc = 1;

  memset(h, 0, sizeof *h);
  if (!(probe = fopen(f->history, "rb"))) {
    snprintf(err, errlen, "%s: fatigue.history: cannot read '%s': %s", f->history, f->history, strerror(errno));
    return 1;
  }
  fclose(probe);
  if ((file = FtH5OpenQuiet(f->history, H5F_ACC_RDONLY, H5P_DEFAULT)) < 0) {
    snprintf(err, errlen, "%s: fatigue.history: not an HDF5 file (the name ends in .h5/.hdf5)", f->history);
    goto done;
  }
  H5Eget_auto2(H5E_DEFAULT, &efunc, &edata); /* HDF5's error stack off for the reads too (a damaged file): each check has its message */
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  quiet = 1;
  if (H5Lexists(file, FT_H5_G_HISTORY, H5P_DEFAULT) <= 0) {
    snprintf(err, errlen, "%s: no group '/history' (expected /history/%s and /history/<channel> datasets)", f->history, timename);
    goto done;
  }
  {
    hid_t g = H5Gopen2(file, FT_H5_G_HISTORY, H5P_DEFAULT);
    if (g >= 0) {
      H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, NULL, AppendName, known);
      H5Gclose(g);
    }
  }
  /* time: finite and increasing */
  snprintf(what, sizeof what, "the time column '%s'", timename);
  if (ReadColumnHDF5(f->history, file, timename, what, known, &h->time, &n, err, errlen)) goto done;
  for (hsize_t i = 1; i < n; i++)
    if (h->time[i] <= h->time[i - 1]) {
      snprintf(err, errlen, "%s: dataset '/history/%s' index %llu: time must increase, got %.17g after %.17g", f->history, timename,
               (unsigned long long)i, h->time[i], h->time[i - 1]);
      goto done;
    }
  if (n < 2) {
    snprintf(err, errlen, "%s: dataset '/history/%s': %llu samples; a history needs at least 2", f->history, timename,
             (unsigned long long)n);
    goto done;
  }
  h->nsteps = (long)n;
  h->nchan  = f->nchannels;
  h->L      = malloc(sizeof(double) * (size_t)n * (size_t)(h->nchan ? h->nchan : 1));
  if (!h->L) {
    snprintf(err, errlen, "%s: out of memory for %llu samples", f->history, (unsigned long long)n);
    goto done;
  }
  /* channels: L[t][k] = scale_k (value_k(t) - offset_k), as the CSV reader */
  for (int k = 0; k < f->nchannels; k++) {
    snprintf(what, sizeof what, "channel '%s' (case line %d)", f->channels[k].name, f->channels[k].line);
    if (ReadColumnHDF5(f->history, file, f->channels[k].name, what, known, &v, &nk, err, errlen)) goto done;
    if (nk != n) {
      snprintf(err, errlen, "%s: dataset '/history/%s' has %llu samples, '/history/%s' has %llu", f->history, f->channels[k].name,
               (unsigned long long)nk, timename, (unsigned long long)n);
      goto done;
    }
    for (hsize_t t = 0; t < n; t++) h->L[t * h->nchan + k] = f->channels[k].scale * (v[t] - f->channels[k].offset);
    free(v);
    v = NULL;
  }
  rc = 0;
done:
  free(v);
  if (file >= 0) H5Fclose(file);
  if (quiet) H5Eset_auto2(H5E_DEFAULT, efunc, edata);
  if (rc) FtHistoryFree(h), FtMessageOneLine(err);
  return rc;
}


int FtHistoryRead(const FtFatigueCase *f, FtHistory *h, char *err, size_t errlen)
{
  if (FtPathIsHdf5(f->history)) return FtHistoryReadHDF5(f, h, err, errlen);
  return FtHistoryReadCSV(f, h, err, errlen);
}
