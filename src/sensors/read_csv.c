/* Sensor data, CSV reader: the file sc->data (format in data.h) into each sensor's native samples. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sensors/native.h"
#include "util/csv.h"

/* The reader's state between the header and the rows. */
typedef struct {
  const FtSensorsCase *sc;
  const char          *file, *timename;
  FILE                *fp;
  char                *line;      /* getline's buffer */
  size_t               cap;
  char               **fields;    /* [ncols + 1] the split line */
  int                 *colsensor; /* per column: sensor index, -1 for the time column */
  long                 lineno, headerline;
  int                  ncols, tcol;
} CsvReader;

/* Makes room for `want` samples (geometric growth). Returns 0, or 1 when out of memory. */
static int NativeReserve(FtNative *s, long want)
{
  if (want <= s->cap) return 0;
  long    cap = s->cap ? s->cap : 1024;
  while (cap < want) cap *= 2;
  double *t = realloc(s->t, sizeof(double) * (size_t)cap);
  if (!t) return 1;
  s->t = t;
  double *v = realloc(s->v, sizeof(double) * (size_t)cap);
  if (!v) return 1;
  s->v   = v;
  s->cap = cap;
  return 0;
}

/* A header field `NAME` or `NAME [UNIT]`: copies NAME and UNIT ("" when none). Returns 0, or 1
 * when the brackets are malformed or the name is empty/too long. */
static int ParseHeaderName(const char *field, char *name, size_t namelen, char *unit, size_t unitlen)
{
  const char *lb = strchr(field, '[');
  size_t      n  = lb ? (size_t)(lb - field) : strlen(field);
  while (n > 0 && (field[n - 1] == ' ' || field[n - 1] == '\t')) n--;
  if (n == 0 || n >= namelen) return 1;
  memcpy(name, field, n);
  name[n] = 0;
  unit[0] = 0;
  if (lb) {
    const char *rb = strchr(lb, ']');
    if (!rb || rb[1 + strspn(rb + 1, " \t")] != 0) return 1;
    const char *u = lb + 1;
    while (*u == ' ' || *u == '\t') u++;
    size_t m = (size_t)(rb - u);
    while (m > 0 && (u[m - 1] == ' ' || u[m - 1] == '\t')) m--;
    if (m >= unitlen) return 1;
    memcpy(unit, u, m);
    unit[m] = 0;
  }
  return 0;
}

/* A field's value: 0 and *v a finite number; 1 and *v = NaN for a missing marker (nan, NaN, NA,
 * any case); -1 when it is anything else. */
static int ParseValue(const char *s, double *v)
{
  char *end;
  if (!strcasecmp(s, "nan") || !strcasecmp(s, "na")) {
    *v = NAN;
    return 1;
  }
  *v = strtod(s, &end);
  if (end == s || *end || !isfinite(*v)) return -1;
  return 0;
}


/* The header: the first line that is neither blank nor a comment. Finds the time column and maps
 * every other column to its case sensor (units checked, duplicates and strangers refused); every
 * sensor of the case must have a column. Returns 0, or 1 with the message in err. */
static int ReadCsvHeader(CsvReader *r, char *err, size_t errlen)
{
  const FtSensorsCase *sc   = r->sc;
  const char          *file = r->file;
  char                *header = NULL;
  ssize_t              len;
  while ((len = getline(&r->line, &r->cap, r->fp)) > 0) {
    r->lineno++;
    header = r->lineno == 1 ? FtCsvSkipBom(r->line) : r->line;
    if (FtCsvSkippedLine(header)) continue;
    r->headerline = r->lineno;
    r->ncols      = 1;
    for (const char *p = header; *p; p++) r->ncols += *p == ',';
    break;
  }
  if (!r->headerline) {
    snprintf(err, errlen, "%s: empty sensor data file (expected a header line '%s,<sensor id>,...')", file, r->timename);
    return 1;
  }
  const long headerline = r->headerline;
  const int  ncols      = r->ncols;
  r->fields    = malloc(sizeof(char *) * (size_t)(ncols + 1));
  r->colsensor = malloc(sizeof(int) * (size_t)ncols);
  if (!r->fields || !r->colsensor) {
    snprintf(err, errlen, "%s:%ld: out of memory for %d columns", file, headerline, ncols);
    return 1;
  }
  char **fields = r->fields;
  FtCsvSplit(header, fields, ncols);
  for (int j = 0; j < ncols && r->tcol < 0; j++) {
    char name[FT_NAME_MAX], unit[64];
    if (!ParseHeaderName(fields[j], name, sizeof name, unit, sizeof unit) && !strcmp(name, r->timename)) r->tcol = j;
  }
  if (r->tcol < 0) {
    snprintf(err, errlen, "%s:%ld: no time column '%s' in the header", file, headerline, r->timename);
    return 1;
  }
  for (int j = 0; j < ncols; j++) {
    char name[FT_NAME_MAX], unit[64];
    if (ParseHeaderName(fields[j], name, sizeof name, unit, sizeof unit)) {
      snprintf(err, errlen, "%s:%ld: column %d: expected NAME or 'NAME [unit]', got '%s'", file, headerline, j + 1, fields[j]);
      return 1;
    }
    for (int i = 0; i < j; i++) {
      char other[FT_NAME_MAX], ounit[64];
      if (!ParseHeaderName(fields[i], other, sizeof other, ounit, sizeof ounit) && !strcmp(other, name)) {
        snprintf(err, errlen, "%s:%ld: column '%s' appears twice (columns %d and %d)", file, headerline, name, i + 1, j + 1);
        return 1;
      }
    }
    if (!strcmp(name, r->timename)) {
      if (unit[0] && strcmp(unit, "s")) {
        snprintf(err, errlen, "%s:%ld: column '%s': the time unit must be s, got '%s'", file, headerline, name, unit);
        return 1;
      }
      r->colsensor[j] = -1;
      continue;
    }
    int s = FtSensorIndex(sc, name);
    if (s < 0) {
      snprintf(err, errlen, "%s:%ld: column '%s' is not a sensor of the case", file, headerline, name);
      return 1;
    }
    if (unit[0] && sc->sensors[s].unit[0] && strcmp(unit, sc->sensors[s].unit)) {
      snprintf(err, errlen, "%s:%ld: column '%s': unit '%s' differs from the case's unit '%s' (case line %d)", file, headerline,
               name, unit, sc->sensors[s].unit, sc->sensors[s].line);
      return 1;
    }
    r->colsensor[j] = s;
  }
  for (int s = 0; s < sc->nsensors; s++) {
    int found = 0;
    for (int j = 0; j < ncols; j++) found |= r->colsensor[j] == s;
    if (!found) {
      snprintf(err, errlen, "%s:%ld: sensor '%s' (case line %d) has no column in the header", file, headerline, sc->sensors[s].id,
               sc->sensors[s].line);
      return 1;
    }
  }
  return 0;
}

/* The data rows after the header: each a time (increasing) and a value or an empty field per
 * sensor, appended to nat. Returns 0, or 1 with the message in err. */
static int ReadCsvRows(CsvReader *r, FtNative *nat, char *note, size_t notelen, char *err, size_t errlen)
{
  const char *file = r->file, *timename = r->timename;
  char      **fields = r->fields;
  const int   ncols = r->ncols, tcol = r->tcol;
  long        rows = 0, prevline = 0;
  double      tprev = 0;
  ssize_t     len;
  while ((len = getline(&r->line, &r->cap, r->fp)) > 0) {
    char  *line        = r->line;
    int    has_newline = line[len - 1] == '\n';
    double t;
    r->lineno++;
    if ((size_t)len != strlen(line)) {
      snprintf(err, errlen, "%s:%ld: a NUL byte in the line (not a text file, or a damaged one)", file, r->lineno);
      return 1;
    }
    if (!has_newline) {
      /* the last line without its line end: a logger still writing it, or a file cut short; it
       * may end inside a number, so it is not used (and the report says so) */
      if (!FtCsvSkippedLine(line))
        snprintf(note, notelen, "%.180s:%ld: the last line has no line end (still being written, or the file was cut): not used",
                 file, r->lineno);
      break;
    }
    if (FtCsvSkippedLine(line)) continue;
    int n = FtCsvSplit(line, fields, ncols + 1);
    if (n != ncols) {
      snprintf(err, errlen, "%s:%ld: expected %d fields (header), got %d", file, r->lineno, ncols, n);
      return 1;
    }
    if (ParseValue(fields[tcol], &t) != 0) {
      snprintf(err, errlen, "%s:%ld: column '%s': not a number, got '%s'", file, r->lineno, timename, fields[tcol]);
      return 1;
    }
    if (rows && t <= tprev) {
      snprintf(err, errlen, "%s:%ld: column '%s': time must increase, got %.17g after %.17g (line %ld)", file, r->lineno, timename,
               t, tprev, prevline);
      return 1;
    }
    for (int j = 0; j < ncols; j++) {
      int    s = r->colsensor[j];
      double v;
      if (s < 0 || !fields[j][0]) continue; /* the time column; an empty field: no sample */
      if (ParseValue(fields[j], &v) < 0) {
        snprintf(err, errlen, "%s:%ld: column '%s': not a number, got '%s' (missing samples: empty, nan or NA)", file, r->lineno,
                 r->sc->sensors[s].id, fields[j]);
        return 1;
      }
      if (NativeReserve(&nat[s], nat[s].n + 1)) {
        snprintf(err, errlen, "%s:%ld: out of memory", file, r->lineno);
        return 1;
      }
      nat[s].t[nat[s].n] = t;
      nat[s].v[nat[s].n] = v;
      nat[s].n++;
    }
    tprev    = t;
    prevline = r->lineno;
    rows++;
  }
  if (!rows) {
    snprintf(err, errlen, "%s:%ld: header only, no data rows", file, r->headerline);
    return 1;
  }
  return 0;
}

int FtSensorReadCsv(const FtSensorsCase *sc, FtNative *nat, char *note, size_t notelen, char *err, size_t errlen)
{
  CsvReader r = {.sc = sc, .file = sc->data, .timename = sc->time_column[0] ? sc->time_column : "time", .tcol = -1};
  int       rc;
  if (!(r.fp = fopen(r.file, "r"))) {
    snprintf(err, errlen, "%s: cannot read the sensor data file: %s", r.file, strerror(errno));
    return 1;
  }
  rc = ReadCsvHeader(&r, err, errlen) || ReadCsvRows(&r, nat, note, notelen, err, errlen);
  free(r.line);
  free(r.fields);
  free(r.colsensor);
  fclose(r.fp);
  return rc;
}
