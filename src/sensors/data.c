/* Sensor data: reading (CSV or HDF5), cleaning and resampling onto a common time base.
 * The behaviour is specified in data.h; this file documents the choices data.h leaves open.
 *
 * Pipeline (FtSensorDataRead; the readers in read_csv.c and read_hdf5.c, cleaning and resampling in
 * clean.c, their shared declarations in native.h):
 *   1. read every sensor's native samples (time, value); NaN in the file = MISSING;
 *   2. clean each sensor on its native samples: MISSING, RANGE, STUCK, SPIKE (data.h);
 *   3. choose the common base (t0, dt, nsteps) from the sensors that kept >= 2 valid samples;
 *   4. resample each sensor linearly onto it, never across a bad sample (see FtSensorResample);
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
 *   i.e. steps on or next to a flagged native sample (never bridged, see FtSensorResample) and GAP steps.
 *   For a sensor sampled at the base rate this is its share of flagged native samples.
 *   FtSensorQuality.flagged[FT_SAMPLE_OK] holds the count of valid native samples.
 *   A sensor is dropped when bad > max_bad_fraction, or when fewer than 2 of its native samples
 *   are valid (it then has no sampling step of its own and takes no part in choosing the base).
 */
#include "sensors/data.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sensors/native.h"
#include "util/oneline.h"
#include "util/path.h"

#define FT_SENSOR_GAP_STEPS_DEFAULT       5.0
#define FT_SENSOR_MAX_STEPS               1000000000L /* a larger common base is surely a wrong dt */

static const char *const kFlagName[FT_SAMPLE_NFLAGS] = {"ok", "missing", "range", "stuck", "spike", "gap"};

/* The span the sensors with >= 2 valid samples share: t0 the latest first time stamp (of sensor
 * first_s), tend the earliest last one (of last_s), dt the smallest median native step. */
typedef struct {
  double t0, tend, dt;
  int    first_s, last_s;
} FtSensorSpan;

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

/* Name of the file's format from its extension: 'c' CSV, 'h' HDF5, 0 unknown. */
static char FileKind(const char *path) { return FtPathHasExt(path, ".csv") ? 'c' : FtPathIsHdf5(path) ? 'h' : 0; }

/* The case's sensors, data file and cleaning thresholds are usable. Returns 0, or 1 with err. */
static int CheckSettings(const FtSensorsCase *sc, char *err, size_t errlen)
{
  const char *file = sc->data;
  if (sc->nsensors < 1) {
    snprintf(err, errlen, "%s: the case has no sensors", file[0] ? file : "sensors.data");
    return 1;
  }
  if (!file[0]) {
    snprintf(err, errlen, "sensors.data: no sensor data file given");
    return 1;
  }
  if (!(sc->spike_threshold > 0) || sc->spike_window < 1 || !(sc->stuck_seconds > 0) ||
      !(sc->max_bad_fraction >= 0 && sc->max_bad_fraction <= 1) || !(sc->gap_seconds >= 0)) {
    snprintf(err, errlen, "%s: sensors.cleaning: thresholds not set (spike_threshold %g, spike_window %d, stuck_seconds %g, "
             "max_bad_fraction %g, gap_seconds %g)", file, sc->spike_threshold, sc->spike_window, sc->stuck_seconds,
             sc->max_bad_fraction, sc->gap_seconds);
    return 1;
  }
  return 0;
}

/* Step 1: every sensor's native samples from the CSV or HDF5 file. */
static int ReadNatives(const FtSensorsCase *sc, FtNative *nat, FtSensorData *d, char *err, size_t errlen)
{
  switch (FileKind(sc->data)) {
  case 'c':
    return FtSensorReadCsv(sc, nat, d->note, sizeof d->note, err, errlen);
  case 'h':
    return FtSensorReadHdf5(sc, nat, err, errlen);
  default:
    snprintf(err, errlen, "%s: sensors.data: unknown format, expected a .csv, .h5 or .hdf5 file", sc->data);
    return 1;
  }
}

/* Step 2: cleans each sensor and counts its flags; the sensors with >= 2 valid samples (nvalid)
 * give the span of the common base. Returns 0, or 1 with err. */
static int CleanSensors(const FtSensorsCase *sc, FtNative *nat, FtSensorData *d, long *nvalid, FtSensorSpan *span, char *err,
                        size_t errlen)
{
  *span = (FtSensorSpan){.t0 = -INFINITY, .tend = INFINITY, .dt = INFINITY, .first_s = -1, .last_s = -1};
  for (int s = 0; s < sc->nsensors; s++) {
    FtSensorQuality *q = &d->quality[s];
    if (FtSensorClean(&sc->sensors[s], &nat[s], sc->spike_threshold, sc->spike_window, sc->stuck_seconds)) {
      snprintf(err, errlen, "%s: out of memory cleaning sensor '%s'", sc->data, sc->sensors[s].id);
      return 1;
    }
    q->native    = nat[s].n;
    q->native_dt = FtSensorMedianStep(&nat[s]);
    for (long i = 0; i < nat[s].n; i++) q->flagged[nat[s].f[i]]++;
    nvalid[s] = q->flagged[FT_SAMPLE_OK]; /* flagged[OK]: the valid native samples */
    if (nvalid[s] < 2) continue;
    if (nat[s].t[0] > span->t0) span->t0 = nat[s].t[0], span->first_s = s;
    if (nat[s].t[nat[s].n - 1] < span->tend) span->tend = nat[s].t[nat[s].n - 1], span->last_s = s;
    if (q->native_dt < span->dt) span->dt = q->native_dt;
  }
  if (span->first_s < 0) {
    snprintf(err, errlen, "%s: no sensor has 2 or more valid samples (all are missing, out of range, stuck or spikes)", sc->data);
    return 1;
  }
  return 0;
}

/* Step 3: the common base t_j = t0 + j dt, j < nsteps = floor((tend - t0) / dt) + 1 (dt: the
 * case's sensors.dt when set), and its arrays. Refuses sensors that do not overlap and a base too
 * long for the data. Returns 0, or 1 with err. */
static int SetCommonBase(const FtSensorsCase *sc, const FtNative *nat, FtSensorSpan span, FtSensorData *d, char *err, size_t errlen)
{
  const char  *file = sc->data;
  const double t0 = span.t0, tend = span.tend;
  double       dt = span.dt;
  if (sc->dt > 0) dt = sc->dt;
  if (tend < t0) {
    snprintf(err, errlen, "%s: the sensors do not overlap in time: '%s' starts at %g s, after '%s' ends at %g s", file,
             sc->sensors[span.first_s].id, t0, sc->sensors[span.last_s].id, tend);
    return 1;
  }
  if ((tend - t0) / dt >= (double)FT_SENSOR_MAX_STEPS) {
    snprintf(err, errlen, "%s: sensors.dt: %g s gives more than %ld steps over %g s of data", file, dt, FT_SENSOR_MAX_STEPS,
             tend - t0);
    return 1;
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
      return 1;
    }
  }
  d->nsensors = sc->nsensors;
  d->t0       = t0;
  d->dt       = dt;
  d->nsteps   = (long)floor((tend - t0) / dt + 1e-9) + 1;
  if (d->nsteps < 2) {
    snprintf(err, errlen, "%s: the common time base has %ld step (from %g s to %g s with dt %g s); at least 2 are needed", file,
             d->nsteps, t0, tend, dt);
    return 1;
  }
  {
    size_t cells = (size_t)d->nsteps * (size_t)d->nsensors;
    d->y         = malloc(sizeof(double) * cells);
    d->flag      = malloc(cells);
  }
  if (!d->y || !d->flag) {
    snprintf(err, errlen, "%s: out of memory for %ld steps x %d sensors", file, d->nsteps, d->nsensors);
    return 1;
  }
  return 0;
}

/* Steps 4 and 5: resamples each sensor onto the common base, then judges it: its bad fraction
 * (steps without a valid value / steps), dropped when it exceeds max_bad_fraction or when fewer
 * than 2 native samples are valid. */
static void ResampleAndJudge(const FtSensorsCase *sc, const FtNative *nat, const long *nvalid, FtSensorData *d)
{
  const double maxbad = sc->max_bad_fraction;
  for (int s = 0; s < sc->nsensors; s++) {
    FtSensorQuality *q   = &d->quality[s];
    long             nbad = 0;
    double           gap = sc->gap_seconds > 0 ? sc->gap_seconds : FT_SENSOR_GAP_STEPS_DEFAULT * q->native_dt;
    q->flagged[FT_SAMPLE_GAP] = FtSensorResample(&nat[s], gap, d, s);
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
}

int FtSensorDataRead(const FtSensorsCase *sc, FtSensorData *d, char *err, size_t errlen)
{
  FtNative    *nat    = NULL;
  long        *nvalid = NULL;
  FtSensorSpan span;

  memset(d, 0, sizeof *d);
  if (CheckSettings(sc, err, errlen)) return 1;
  nat        = calloc((size_t)sc->nsensors, sizeof *nat);
  nvalid     = calloc((size_t)sc->nsensors, sizeof *nvalid);
  d->quality = calloc((size_t)sc->nsensors, sizeof *d->quality);
  if (!nat || !nvalid || !d->quality) {
    snprintf(err, errlen, "%s: out of memory for %d sensors", sc->data, sc->nsensors);
    goto fail;
  }
  if (ReadNatives(sc, nat, d, err, errlen) || CleanSensors(sc, nat, d, nvalid, &span, err, errlen) ||
      SetCommonBase(sc, nat, span, d, err, errlen))
    goto fail;
  ResampleAndJudge(sc, nat, nvalid, d);
  free(nvalid);
  NativesFree(nat, sc->nsensors);
  return 0;
fail:
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
