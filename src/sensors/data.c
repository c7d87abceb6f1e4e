/* Sensor data: reading (CSV or HDF5), cleaning and resampling onto a common time base.
 * The behaviour is specified in data.h; this file documents the choices data.h leaves open.
 *
 * Pipeline (FtSensorDataRead):
 *   1. read every sensor's native samples (time, value); NaN in the file = MISSING;
 *   2. clean each sensor on its native samples: MISSING, RANGE, STUCK, SPIKE (data.h);
 *   3. choose the common base (t0, dt, nsteps) from the sensors that kept >= 2 valid samples;
 *   4. resample each sensor linearly onto it, never across a bad sample (see Resample);
 *   5. per sensor quality: counts per flag, bad fraction, dropped or not.
 *
 * The cleaning thresholds are taken as given (defaults: FtSensorsCleaningDefaults in case.h;
 *   max_bad_fraction 0 drops a sensor with any bad sample); gap_seconds 0 means 5 x the
 *   sensor's median native step; dt 0 the smallest median step of the sensors.
 *   A sensor range of exactly [0, 0] (a zero-initialised struct) means "no range": (-inf, +inf).
 *
 * Bad fraction of a sensor (FtSensorQuality.bad_fraction): the share of the common time base
 * where the sensor has no valid value,
 *     bad = (common-base steps with a flag other than OK) / common-base steps,
 *   i.e. steps on or next to a flagged native sample (never bridged, see Resample) and GAP steps.
 *   For a sensor sampled at the base rate this is its share of flagged native samples.
 *   FtSensorQuality.flagged[FT_SAMPLE_OK] holds the count of valid native samples.
 *   A sensor is dropped when bad > max_bad_fraction, or when fewer than 2 of its native samples
 *   are valid (it then has no sampling step of its own and takes no part in choosing the base).
 */
#define _POSIX_C_SOURCE 200809L
#include "sensors/data.h"

#include <errno.h>
#include <hdf5.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/csv.h"
#include "util/oneline.h"
#include "util/path.h"
#include "util/sort.h"

#define FT_SENSOR_GAP_STEPS_DEFAULT       5.0
#define FT_SENSOR_MAX_STEPS               1000000000L /* a larger common base is surely a wrong dt */

static const char *const kFlagName[FT_SAMPLE_NFLAGS] = {"ok", "missing", "range", "stuck", "spike", "gap"};

/* ------------------------------------------------------------------ native samples ---- */

/* One sensor's samples as recorded: strictly increasing times, values (NaN = missing) and the
 * cleaning flag of each. */
typedef struct {
  long           n, cap;
  double        *t, *v;
  unsigned char *f;
} FtNative;

static void NativesFree(FtNative *s, int n)
{
  if (!s) return;
  for (int i = 0; i < n; i++) {
    free(s[i].t);
    free(s[i].v);
    free(s[i].f);
  }
  free(s);
}

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

/* ------------------------------------------------------------------ CSV reading ---- */

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

/* Index of the case sensor called `id`, or -1. */
static int SensorIndex(const FtSensorsCase *sc, const char *id)
{
  for (int i = 0; i < sc->nsensors; i++)
    if (!strcmp(sc->sensors[i].id, id)) return i;
  return -1;
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

/* Reads the CSV file sc->data into nat[nsensors] (see data.h for the format). */
static int ReadCSV(const FtSensorsCase *sc, FtNative *nat, char *note, size_t notelen, char *err, size_t errlen)
{
  const char *file     = sc->data;
  const char *timename = sc->time_column[0] ? sc->time_column : "time";
  FILE       *fp       = fopen(file, "r");
  char       *line = NULL, **fields = NULL;
  int        *colsensor = NULL; /* per column: sensor index, -1 for the time column */
  size_t      cap       = 0;
  ssize_t     len;
  long        lineno = 0, headerline = 0, rows = 0, prevline = 0;
  int         ncols = 0, tcol = -1, rc = 1;
  double      tprev = 0;

  if (!fp) {
    snprintf(err, errlen, "%s: cannot read the sensor data file: %s", file, strerror(errno));
    return 1;
  }
  /* ---- header: the first line that is neither blank nor a comment */
  char *header = NULL;
  while ((len = getline(&line, &cap, fp)) > 0) {
    lineno++;
    header = lineno == 1 ? FtCsvSkipBom(line) : line;
    if (FtCsvSkippedLine(header)) continue;
    headerline = lineno;
    ncols      = 1;
    for (const char *p = header; *p; p++) ncols += *p == ',';
    break;
  }
  if (!headerline) {
    snprintf(err, errlen, "%s: empty sensor data file (expected a header line '%s,<sensor id>,...')", file, timename);
    goto done;
  }
  fields    = malloc(sizeof(char *) * (size_t)(ncols + 1));
  colsensor = malloc(sizeof(int) * (size_t)ncols);
  if (!fields || !colsensor) {
    snprintf(err, errlen, "%s:%ld: out of memory for %d columns", file, headerline, ncols);
    goto done;
  }
  FtCsvSplit(header, fields, ncols);
  for (int j = 0; j < ncols && tcol < 0; j++) {
    char name[FT_NAME_MAX], unit[64];
    if (!ParseHeaderName(fields[j], name, sizeof name, unit, sizeof unit) && !strcmp(name, timename)) tcol = j;
  }
  if (tcol < 0) {
    snprintf(err, errlen, "%s:%ld: no time column '%s' in the header", file, headerline, timename);
    goto done;
  }
  for (int j = 0; j < ncols; j++) {
    char name[FT_NAME_MAX], unit[64];
    if (ParseHeaderName(fields[j], name, sizeof name, unit, sizeof unit)) {
      snprintf(err, errlen, "%s:%ld: column %d: expected NAME or 'NAME [unit]', got '%s'", file, headerline, j + 1, fields[j]);
      goto done;
    }
    for (int i = 0; i < j; i++) {
      char other[FT_NAME_MAX], ounit[64];
      if (!ParseHeaderName(fields[i], other, sizeof other, ounit, sizeof ounit) && !strcmp(other, name)) {
        snprintf(err, errlen, "%s:%ld: column '%s' appears twice (columns %d and %d)", file, headerline, name, i + 1, j + 1);
        goto done;
      }
    }
    if (!strcmp(name, timename)) {
      if (unit[0] && strcmp(unit, "s")) {
        snprintf(err, errlen, "%s:%ld: column '%s': the time unit must be s, got '%s'", file, headerline, name, unit);
        goto done;
      }
      colsensor[j] = -1;
      continue;
    }
    int s = SensorIndex(sc, name);
    if (s < 0) {
      snprintf(err, errlen, "%s:%ld: column '%s' is not a sensor of the case", file, headerline, name);
      goto done;
    }
    if (unit[0] && sc->sensors[s].unit[0] && strcmp(unit, sc->sensors[s].unit)) {
      snprintf(err, errlen, "%s:%ld: column '%s': unit '%s' differs from the case's unit '%s' (case line %d)", file, headerline,
               name, unit, sc->sensors[s].unit, sc->sensors[s].line);
      goto done;
    }
    colsensor[j] = s;
  }
  for (int s = 0; s < sc->nsensors; s++) {
    int found = 0;
    for (int j = 0; j < ncols; j++) found |= colsensor[j] == s;
    if (!found) {
      snprintf(err, errlen, "%s:%ld: sensor '%s' (case line %d) has no column in the header", file, headerline, sc->sensors[s].id,
               sc->sensors[s].line);
      goto done;
    }
  }
  /* ---- rows */
  while ((len = getline(&line, &cap, fp)) > 0) {
    int    has_newline = line[len - 1] == '\n';
    double t;
    lineno++;
    if ((size_t)len != strlen(line)) {
      snprintf(err, errlen, "%s:%ld: a NUL byte in the line (not a text file, or a damaged one)", file, lineno);
      goto done;
    }
    if (!has_newline) {
      /* the last line without its line end: a logger still writing it, or a file cut short; it
       * may end inside a number, so it is not used (and the report says so) */
      if (!FtCsvSkippedLine(line))
        snprintf(note, notelen, "%.180s:%ld: the last line has no line end (still being written, or the file was cut): not used",
                 file, lineno);
      break;
    }
    if (FtCsvSkippedLine(line)) continue;
    int n = FtCsvSplit(line, fields, ncols + 1);
    if (n != ncols) {
      snprintf(err, errlen, "%s:%ld: expected %d fields (header), got %d", file, lineno, ncols, n);
      goto done;
    }
    if (ParseValue(fields[tcol], &t) != 0) {
      snprintf(err, errlen, "%s:%ld: column '%s': not a number, got '%s'", file, lineno, timename, fields[tcol]);
      goto done;
    }
    if (rows && t <= tprev) {
      snprintf(err, errlen, "%s:%ld: column '%s': time must increase, got %.17g after %.17g (line %ld)", file, lineno, timename, t,
               tprev, prevline);
      goto done;
    }
    for (int j = 0; j < ncols; j++) {
      int    s = colsensor[j];
      double v;
      if (s < 0 || !fields[j][0]) continue; /* the time column; an empty field: no sample */
      if (ParseValue(fields[j], &v) < 0) {
        snprintf(err, errlen, "%s:%ld: column '%s': not a number, got '%s' (missing samples: empty, nan or NA)", file, lineno,
                 sc->sensors[s].id, fields[j]);
        goto done;
      }
      if (NativeReserve(&nat[s], nat[s].n + 1)) {
        snprintf(err, errlen, "%s:%ld: out of memory", file, lineno);
        goto done;
      }
      nat[s].t[nat[s].n] = t;
      nat[s].v[nat[s].n] = v;
      nat[s].n++;
    }
    tprev    = t;
    prevline = lineno;
    rows++;
  }
  if (!rows) {
    snprintf(err, errlen, "%s:%ld: header only, no data rows", file, headerline);
    goto done;
  }
  rc = 0;
done:
  free(line);
  free(fields);
  free(colsensor);
  fclose(fp);
  return rc;
}

/* ------------------------------------------------------------------ HDF5 reading ---- */

/* The string attribute `unit` of `obj`, fixed- or variable-length (h5py writes variable-length
 * UTF-8), into buf ("" when absent). Returns 0, or 1 when it exists but is not a string. */
static int ReadUnitAttr(hid_t obj, char *buf, size_t len)
{
  hid_t a, t, mt;
  int   rc = 0;
  buf[0]   = 0;
  if (H5Aexists(obj, "unit") <= 0) return 0;
  if ((a = H5Aopen(obj, "unit", H5P_DEFAULT)) < 0) return 1;
  t = H5Aget_type(a);
  if (H5Tget_class(t) != H5T_STRING) {
    rc = 1;
  } else if (H5Tis_variable_str(t) > 0) {
    char *p = NULL;
    mt      = H5Tcopy(H5T_C_S1);
    H5Tset_size(mt, H5T_VARIABLE);
    H5Tset_cset(mt, H5Tget_cset(t)); /* HDF5 does not convert ASCII <-> UTF-8 */
    if (H5Aread(a, mt, &p) >= 0 && p) {
      snprintf(buf, len, "%s", p);
      H5free_memory(p);
    } else {
      rc = 1;
    }
    H5Tclose(mt);
  } else {
    size_t n   = H5Tget_size(t);
    char  *tmp = calloc(n + 1, 1);
    mt         = H5Tcopy(H5T_C_S1);
    H5Tset_size(mt, n + 1);
    H5Tset_strpad(mt, H5T_STR_NULLTERM);
    H5Tset_cset(mt, H5Tget_cset(t));
    if (tmp && H5Aread(a, mt, tmp) >= 0)
      snprintf(buf, len, "%s", tmp);
    else
      rc = 1;
    free(tmp);
    H5Tclose(mt);
  }
  H5Tclose(t);
  H5Aclose(a);
  return rc;
}

/* Reads the 1-D numeric dataset `name` of group g (path `where` for messages) as doubles into a
 * new array *out of *n values. */
static int ReadVector(const char *file, hid_t g, const char *where, const char *name, double **out, long *n, char *err,
                      size_t errlen)
{
  hid_t   ds, sp, ty;
  hsize_t dims[1];
  int     rc = 1;
  *out       = NULL;
  *n         = 0;
  if (H5Lexists(g, name, H5P_DEFAULT) <= 0) {
    snprintf(err, errlen, "%s: %s: no dataset '%s'", file, where, name);
    return 1;
  }
  if ((ds = H5Dopen2(g, name, H5P_DEFAULT)) < 0) {
    snprintf(err, errlen, "%s: %s/%s: not a dataset", file, where, name);
    return 1;
  }
  sp = H5Dget_space(ds);
  ty = H5Dget_type(ds);
  if (H5Sget_simple_extent_ndims(sp) != 1) {
    snprintf(err, errlen, "%s: %s/%s: expected a 1-D dataset, got %d dimensions", file, where, name, H5Sget_simple_extent_ndims(sp));
  } else if (H5Tget_class(ty) != H5T_FLOAT && H5Tget_class(ty) != H5T_INTEGER) {
    snprintf(err, errlen, "%s: %s/%s: expected numbers (float64), got another type", file, where, name);
  } else {
    H5Sget_simple_extent_dims(sp, dims, NULL);
    *n   = (long)dims[0];
    *out = malloc(sizeof(double) * (size_t)(*n > 0 ? *n : 1));
    if (!*out)
      snprintf(err, errlen, "%s: %s/%s: out of memory for %ld values", file, where, name, *n);
    else if (*n > 0 && H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, *out) < 0)
      snprintf(err, errlen, "%s: %s/%s: cannot read the values", file, where, name);
    else
      rc = 0;
  }
  H5Tclose(ty);
  H5Sclose(sp);
  H5Dclose(ds);
  if (rc) {
    free(*out);
    *out = NULL;
  }
  return rc;
}

/* Reads sensor s of the case from group /sensors/<id>: time, value and the unit attribute. */
static int ReadH5Sensor(const FtSensorsCase *sc, hid_t root, int s, FtNative *nat, char *err, size_t errlen)
{
  const char     *file = sc->data;
  const FtSensor *S    = &sc->sensors[s];
  char            where[FT_NAME_MAX + 16], unit[64];
  double         *t = NULL, *v = NULL;
  long            nt = 0, nv = 0;
  hid_t           g, ds;
  int             rc = 1;

  snprintf(where, sizeof where, "/sensors/%s", S->id);
  if (H5Lexists(root, S->id, H5P_DEFAULT) <= 0) {
    snprintf(err, errlen, "%s: sensor '%s' (case line %d) has no group %s", file, S->id, S->line, where);
    return 1;
  }
  if ((g = H5Gopen2(root, S->id, H5P_DEFAULT)) < 0) {
    snprintf(err, errlen, "%s: %s: sensor '%s' must be a group with datasets time and value", file, where, S->id);
    return 1;
  }
  if (ReadVector(file, g, where, "time", &t, &nt, err, errlen) || ReadVector(file, g, where, "value", &v, &nv, err, errlen))
    goto done;
  if (nt != nv) {
    snprintf(err, errlen, "%s: %s: time has %ld values, value has %ld", file, where, nt, nv);
    goto done;
  }
  if ((ds = H5Dopen2(g, "value", H5P_DEFAULT)) >= 0) {
    int bad = ReadUnitAttr(ds, unit, sizeof unit);
    H5Dclose(ds);
    if (bad) {
      snprintf(err, errlen, "%s: %s/value: attribute 'unit' must be a string", file, where);
      goto done;
    }
    if (unit[0] && S->unit[0] && strcmp(unit, S->unit)) {
      snprintf(err, errlen, "%s: %s/value: unit '%s' differs from the case's unit '%s' (case line %d)", file, where, unit, S->unit,
               S->line);
      goto done;
    }
  }
  for (long i = 0; i < nt; i++) {
    if (!isfinite(t[i])) {
      snprintf(err, errlen, "%s: %s/time[%ld]: not a finite number, got %g", file, where, i, t[i]);
      goto done;
    }
    if (i > 0 && t[i] <= t[i - 1]) {
      snprintf(err, errlen, "%s: sensor '%s': %s/time[%ld]: time must increase, got %.17g after %.17g", file, S->id, where, i, t[i],
               t[i - 1]);
      goto done;
    }
    if (isinf(v[i])) {
      snprintf(err, errlen, "%s: %s/value[%ld]: not a finite number, got %g (missing samples: NaN)", file, where, i, v[i]);
      goto done;
    }
  }
  nat[s].t   = t;
  nat[s].v   = v;
  nat[s].n   = nt;
  nat[s].cap = nt;
  t = v = NULL;
  rc    = 0;
done:
  free(t);
  free(v);
  H5Gclose(g);
  return rc;
}

/* Reads the HDF5 file sc->data (layout in data.h) into nat[nsensors]. */
static int ReadH5(const FtSensorsCase *sc, FtNative *nat, char *err, size_t errlen)
{
  const char *file = sc->data;
  H5E_auto2_t old_func;
  void       *old_data;
  hid_t       f = -1, root = -1;
  int         rc = 1;

  /* HDF5 would print its error stack for every probe that fails; report our own messages. */
  H5Eget_auto2(H5E_DEFAULT, &old_func, &old_data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  {
    FILE *probe = fopen(file, "rb");
    if (!probe) {
      snprintf(err, errlen, "%s: cannot read the sensor data file: %s", file, strerror(errno));
      goto done;
    }
    fclose(probe);
  }
  if ((f = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT)) < 0) {
    snprintf(err, errlen, "%s: not an HDF5 file", file);
    goto done;
  }
  if (H5Lexists(f, "sensors", H5P_DEFAULT) <= 0 || (root = H5Gopen2(f, "sensors", H5P_DEFAULT)) < 0) {
    snprintf(err, errlen, "%s: no group /sensors (expected /sensors/<id>/time and /sensors/<id>/value)", file);
    goto done;
  }
  /* every member of /sensors must be a sensor of the case */
  {
    H5G_info_t info;
    if (H5Gget_info(root, &info) < 0) {
      snprintf(err, errlen, "%s: cannot list /sensors", file);
      goto done;
    }
    for (hsize_t k = 0; k < info.nlinks; k++) {
      char name[256];
      if (H5Lget_name_by_idx(root, ".", H5_INDEX_NAME, H5_ITER_INC, k, name, sizeof name, H5P_DEFAULT) < 0) {
        snprintf(err, errlen, "%s: cannot list /sensors", file);
        goto done;
      }
      if (SensorIndex(sc, name) < 0) {
        snprintf(err, errlen, "%s: /sensors/%s: '%s' is not a sensor of the case", file, name, name);
        goto done;
      }
    }
  }
  for (int s = 0; s < sc->nsensors; s++)
    if (ReadH5Sensor(sc, root, s, nat, err, errlen)) goto done;
  rc = 0;
done:
  if (root >= 0) H5Gclose(root);
  if (f >= 0) H5Fclose(f);
  H5Eset_auto2(H5E_DEFAULT, old_func, old_data);
  return rc;
}

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
static double MedianStep(const FtNative *s)
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
static int CleanSensor(const FtSensor *S, FtNative *s, double thr, int w, double stuck)
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
static long Resample(const FtNative *nat, double gap, FtSensorData *d, int col)
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

/* ------------------------------------------------------------------ driver ---- */

/* Name of the file's format from its extension: 'c' CSV, 'h' HDF5, 0 unknown. */
static char FileKind(const char *path) { return FtPathHasExt(path, ".csv") ? 'c' : FtPathIsHdf5(path) ? 'h' : 0; }

int FtSensorDataRead(const FtSensorsCase *sc, FtSensorData *d, char *err, size_t errlen)
{
  const char *file   = sc->data;
  const double thr    = sc->spike_threshold;
  const int    w      = sc->spike_window;
  const double stuck  = sc->stuck_seconds;
  const double maxbad = sc->max_bad_fraction;
  FtNative   *nat    = NULL;
  long       *nvalid = NULL;
  double     *tv = NULL, *yv = NULL;
  int         first_s = -1, last_s = -1;
  double      t0 = -INFINITY, tend = INFINITY, dt = INFINITY;

  memset(d, 0, sizeof *d);
  if (sc->nsensors < 1) {
    snprintf(err, errlen, "%s: the case has no sensors", file[0] ? file : "sensors.data");
    return 1;
  }
  if (!file[0]) {
    snprintf(err, errlen, "sensors.data: no sensor data file given");
    return 1;
  }
  if (!(thr > 0) || w < 1 || !(stuck > 0) || !(maxbad >= 0 && maxbad <= 1) || !(sc->gap_seconds >= 0)) {
    snprintf(err, errlen, "%s: sensors.cleaning: thresholds not set (spike_threshold %g, spike_window %d, stuck_seconds %g, "
             "max_bad_fraction %g, gap_seconds %g)", file, thr, w, stuck, maxbad, sc->gap_seconds);
    return 1;
  }
  nat    = calloc((size_t)sc->nsensors, sizeof *nat);
  nvalid = calloc((size_t)sc->nsensors, sizeof *nvalid);
  d->quality = calloc((size_t)sc->nsensors, sizeof *d->quality);
  if (!nat || !nvalid || !d->quality) {
    snprintf(err, errlen, "%s: out of memory for %d sensors", file, sc->nsensors);
    goto fail;
  }
  switch (FileKind(file)) {
  case 'c':
    if (ReadCSV(sc, nat, d->note, sizeof d->note, err, errlen)) goto fail;
    break;
  case 'h':
    if (ReadH5(sc, nat, err, errlen)) goto fail;
    break;
  default:
    snprintf(err, errlen, "%s: sensors.data: unknown format, expected a .csv, .h5 or .hdf5 file", file);
    goto fail;
  }

  /* clean; the sensors with >= 2 valid samples choose the common base */
  for (int s = 0; s < sc->nsensors; s++) {
    FtSensorQuality *q = &d->quality[s];
    if (CleanSensor(&sc->sensors[s], &nat[s], thr, w, stuck)) {
      snprintf(err, errlen, "%s: out of memory cleaning sensor '%s'", file, sc->sensors[s].id);
      goto fail;
    }
    q->native    = nat[s].n;
    q->native_dt = MedianStep(&nat[s]);
    for (long i = 0; i < nat[s].n; i++) q->flagged[nat[s].f[i]]++;
    nvalid[s] = q->flagged[FT_SAMPLE_OK]; /* flagged[OK]: the valid native samples */
    if (nvalid[s] < 2) continue;
    if (nat[s].t[0] > t0) t0 = nat[s].t[0], first_s = s;
    if (nat[s].t[nat[s].n - 1] < tend) tend = nat[s].t[nat[s].n - 1], last_s = s;
    if (q->native_dt < dt) dt = q->native_dt;
  }
  if (first_s < 0) {
    snprintf(err, errlen, "%s: no sensor has 2 or more valid samples (all are missing, out of range, stuck or spikes)", file);
    goto fail;
  }
  if (sc->dt > 0) dt = sc->dt;
  if (tend < t0) {
    snprintf(err, errlen, "%s: the sensors do not overlap in time: '%s' starts at %g s, after '%s' ends at %g s", file,
             sc->sensors[first_s].id, t0, sc->sensors[last_s].id, tend);
    goto fail;
  }
  if ((tend - t0) / dt >= (double)FT_SENSOR_MAX_STEPS) {
    snprintf(err, errlen, "%s: sensors.dt: %g s gives more than %ld steps over %g s of data", file, dt, FT_SENSOR_MAX_STEPS,
             tend - t0);
    goto fail;
  }
  {
    /* A common base far longer than the data can fill is a wrong time stamp (a typo, a clock
     * jump), not data: refused before it is allocated (found by fuzzing: 1.2e8 s of "data" from
     * six samples asked for 2 GB). Real records with outages stay far below 100 x the samples. */
    long most = 0;
    for (int s = 0; s < sc->nsensors; s++) most = nat[s].n > most ? nat[s].n : most;
    const double steps = (tend - t0) / dt, allowed = 100.0 * (double)most + 1e6;
    if (steps > allowed) {
      snprintf(err, errlen, "%s: the common time base from %g s to %g s at dt %g s would have %.3g steps for at most %ld samples "
               "per sensor: a time stamp far off?", file, t0, tend, dt, steps, most);
      goto fail;
    }
  }
  d->nsensors = sc->nsensors;
  d->t0       = t0;
  d->dt       = dt;
  d->nsteps   = (long)floor((tend - t0) / dt + 1e-9) + 1;
  if (d->nsteps < 2) {
    snprintf(err, errlen, "%s: the common time base has %ld step (from %g s to %g s with dt %g s); at least 2 are needed", file,
             d->nsteps, t0, tend, dt);
    goto fail;
  }
  {
    size_t cells = (size_t)d->nsteps * (size_t)d->nsensors;
    d->y         = malloc(sizeof(double) * cells);
    d->flag      = malloc(cells);
  }
  if (!d->y || !d->flag) {
    snprintf(err, errlen, "%s: out of memory for %ld steps x %d sensors", file, d->nsteps, d->nsensors);
    goto fail;
  }

  /* resample each sensor, then judge it */
  for (int s = 0; s < sc->nsensors; s++) {
    FtSensorQuality *q   = &d->quality[s];
    long             nbad = 0;
    double           gap = sc->gap_seconds > 0 ? sc->gap_seconds : FT_SENSOR_GAP_STEPS_DEFAULT * q->native_dt;
    q->flagged[FT_SAMPLE_GAP] = Resample(&nat[s], gap, d, s);
    for (long j = 0; j < d->nsteps; j++) nbad += d->flag[(size_t)j * (size_t)d->nsensors + (size_t)s] != FT_SAMPLE_OK;
    q->bad_fraction = (double)nbad / (double)d->nsteps;
    if (nvalid[s] < 2) {
      q->dropped = 1;
      snprintf(q->reason, sizeof q->reason, "%ld valid of %ld native samples (missing %ld, range %ld, stuck %ld, spike %ld)",
               nvalid[s], q->native, q->flagged[FT_SAMPLE_MISSING], q->flagged[FT_SAMPLE_RANGE], q->flagged[FT_SAMPLE_STUCK],
               q->flagged[FT_SAMPLE_SPIKE]);
    } else if (q->bad_fraction > maxbad) {
      q->dropped = 1;
      snprintf(q->reason, sizeof q->reason, "%.0f%% of samples bad > %.0f%% (missing %ld, range %ld, stuck %ld, spike %ld, gap %ld steps)",
               100 * q->bad_fraction, 100 * maxbad, q->flagged[FT_SAMPLE_MISSING], q->flagged[FT_SAMPLE_RANGE],
               q->flagged[FT_SAMPLE_STUCK], q->flagged[FT_SAMPLE_SPIKE], q->flagged[FT_SAMPLE_GAP]);
    }
  }
  free(tv);
  free(yv);
  free(nvalid);
  NativesFree(nat, sc->nsensors);
  return 0;
fail:
  free(tv);
  free(yv);
  free(nvalid);
  NativesFree(nat, sc->nsensors);
  FtSensorDataFree(d);
  FtMessageOneLine(err);
  return 1;
}

void FtSensorDataFree(FtSensorData *d)
{
  free(d->y);
  free(d->flag);
  free(d->quality);
  memset(d, 0, sizeof *d);
}

/* One line per sensor, then a summary. The bad percentage is FtSensorQuality.bad_fraction. */
void FtSensorDataReport(const FtSensorsCase *sc, const FtSensorData *d, FILE *out)
{
  int  idw = 6, used = 0;
  long nbad = 0, ntot = 0;
  for (int s = 0; s < d->nsensors; s++) {
    int n = (int)strlen(sc->sensors[s].id);
    if (n > idw) idw = n;
  }
  fprintf(out, "sensor data %s: %d sensors on a common base of %ld steps, t0 %g s, dt %g s (no anti-alias filtering: dt must not be "
               "coarser than the signals' content)\n",
          sc->data, d->nsensors, d->nsteps, d->t0, d->dt);
  if (d->note[0]) fprintf(out, "  note: %s\n", d->note);
  fprintf(out, "  %-*s %9s %9s", idw, "sensor", "native", "step[s]");
  for (int k = FT_SAMPLE_MISSING; k < FT_SAMPLE_NFLAGS; k++) fprintf(out, " %8s", kFlagName[k]);
  fprintf(out, " %6s  status\n", "bad%");
  for (int s = 0; s < d->nsensors; s++) {
    const FtSensorQuality *q = &d->quality[s];
    fprintf(out, "  %-*s %9ld %9.4g", idw, sc->sensors[s].id, q->native, q->native_dt);
    for (int k = FT_SAMPLE_MISSING; k < FT_SAMPLE_NFLAGS; k++) {
      fprintf(out, " %8ld", q->flagged[k]);
      nbad += q->flagged[k];
    }
    ntot += q->native + d->nsteps;
    fprintf(out, " %6.1f  %s%s\n", 100 * q->bad_fraction, q->dropped ? "DROPPED: " : "used", q->dropped ? q->reason : "");
    used += !q->dropped;
  }
  fprintf(out, "summary: %d of %d sensors used, %d dropped", used, d->nsensors, d->nsensors - used);
  for (int s = 0, first = 1; s < d->nsensors; s++)
    if (d->quality[s].dropped) {
      fprintf(out, "%s%s", first ? " (" : ", ", sc->sensors[s].id);
      first = 0;
    }
  if (used < d->nsensors) fprintf(out, ")");
  fprintf(out, "; %.1f%% of all samples bad\n", ntot ? 100.0 * (double)nbad / (double)ntot : 0.0);
}
