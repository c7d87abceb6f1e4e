#include "fatigue/history.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void FtHistoryFree(FtHistory *h)
{
  free(h->time);
  free(h->L);
  memset(h, 0, sizeof *h);
}

/* Splits a CSV line in place at commas (no quoting: numeric files); trims blanks. */
static int SplitFields(char *line, char **fields, int cap)
{
  int   n = 0;
  char *p = line;
  for (;;) {
    char *q = strchr(p, ',');
    if (q) *q = 0;
    while (*p == ' ' || *p == '\t') p++;
    char *e = p + strlen(p);
    while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n')) *--e = 0;
    if (n < cap) fields[n] = p;
    n++;
    if (!q) break;
    p = q + 1;
  }
  return n;
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
    lineno++;
    if (line[0] == '#' || strspn(line, " \t\r\n") == strlen(line)) continue;
    ncols = SplitFields(line, fields, FT_CSV_MAX_COLS);
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
  while (getline(&line, &cap, fp) > 0) {
    int    n;
    double t;
    char  *end;
    lineno++;
    if (line[0] == '#' || strspn(line, " \t\r\n") == strlen(line)) continue;
    n = SplitFields(line, fields, FT_CSV_MAX_COLS);
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
  return 1;
}
