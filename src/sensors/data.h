/* Sensor data: read, resampled onto a common time base, and cleaned, with a report.
 *
 * Input: the case's sensors.data file
 *   CSV  - a header line `time,SG1,TC1,...` (a name may carry its unit in brackets,
 *          `SG1 [microstrain]`, which must then equal the case's unit for that sensor); one row
 *          per time stamp; an EMPTY field means "no sample at this time" (slower sensors),
 *          `nan`/`NaN` a sample the logger marked missing. Lines starting with # are comments.
 *   HDF5 - one group per sensor `/sensors/<id>` with datasets `time` [n] and `value` [n]
 *          (float64) and an optional string attribute `unit` on `value` (checked like the CSV
 *          bracket unit). Each sensor may have its own time stamps.
 * Every sensor of the case must be in the file; a column/dataset that is not a sensor of the
 * case is an error (names it); duplicate names are an error.
 * Errors name the file, the line (CSV) and column/sensor: wrong field count, a value that is not
 * a number, time not increasing, empty file, unit mismatch. A last CSV line without a line end
 * (a logger still writing it, or a file cut short, possibly inside a number) is not used, and
 * the report says so: a file that grows while it is read gives the run of its complete lines.
 *
 * Cleaning, per sensor, on its native samples (in this order; every flagged sample excluded,
 * nothing is filled in):
 *   MISSING - NaN in the file;
 *   RANGE   - outside the sensor's physical range;
 *   STUCK   - a run of identical readings lasting longer than stuck_seconds (a live sensor
 *             with noise > 0 never repeats exactly for that long);
 *   SPIKE   - Hampel filter: |y_i - median(window)| > spike_threshold * max(1.4826 MAD, noise)
 *             over the 2*spike_window+1 neighbouring valid samples.
 * Resampling onto the common base t_j = t0 + j dt (t0 = the latest first time stamp of the
 * sensors, up to the earliest last one): an exact hit takes the native sample; otherwise linear
 * interpolation between the two consecutive native samples that bracket t_j when both are valid;
 * a flagged sample is never bridged (the step gets its flag, no value), and where the two are
 * further apart than gap_seconds, or before the first / after the last sample, the step is GAP. No anti-alias filtering: the
 * common step should not be coarser than the signal's content (stated in the report).
 * A sensor whose bad fraction (share of common-base steps without a valid value) exceeds max_bad_fraction
 * is dropped from calibration and named in the report.
 *
 * Pure C (no MPI): rank 0 reads and cleans, the caller broadcasts. */
#ifndef FT_SENSOR_DATA_H
#define FT_SENSOR_DATA_H
#include <stddef.h>
#include <stdio.h>

#include "case/case.h"

enum { FT_SAMPLE_OK = 0, FT_SAMPLE_MISSING = 1, FT_SAMPLE_RANGE = 2, FT_SAMPLE_STUCK = 3, FT_SAMPLE_SPIKE = 4,
       FT_SAMPLE_GAP = 5, FT_SAMPLE_NFLAGS = 6,
       FT_SAMPLE_OUTLIER = 6 /* set later by the calibration: inconsistent with the other sensors
                                (model residual), see src/assim/screen.c; not in FtSensorQuality */ };

typedef struct {
  long   native;                  /* native samples in the file */
  long   flagged[FT_SAMPLE_NFLAGS]; /* native samples per flag (GAP: common-base steps) */
  double native_dt;               /* median native step [s] */
  double bad_fraction;            /* share of the common-base steps without a valid value, see data.c */
  int    dropped;                 /* 1: excluded from calibration */
  char   reason[160];             /* why dropped ("" if not) */
} FtSensorQuality;

typedef struct {
  int              nsensors;      /* = FtSensorsCase.nsensors, same order */
  long             nsteps;        /* common time base */
  double           t0, dt;
  double          *y;             /* [nsteps][nsensors] readings in the sensor's unit; NaN where no
                                     valid value (flag != OK) */
  unsigned char   *flag;          /* [nsteps][nsensors] FT_SAMPLE_* of the common-base value */
  FtSensorQuality *quality;       /* [nsensors] */
  char             note[512];     /* a remark for the report (e.g. a last line without line end, not used), or "" */
} FtSensorData;

/* Reads sc->data, cleans and resamples. Returns 0, or non-zero with one message in err
 * (`file:line: column 'X': problem, got 'v'`). On error d is left empty. */
int  FtSensorDataRead(const FtSensorsCase *sc, FtSensorData *d, char *err, size_t errlen);
/* The cleaning report: a line per sensor (native samples, step, counts per flag, dropped and
 * why) and a summary line. */
void FtSensorDataReport(const FtSensorsCase *sc, const FtSensorData *d, FILE *out);
void FtSensorDataFree(FtSensorData *d);
#endif
