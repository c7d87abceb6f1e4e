/* Internal to the sensor data reader (data.c, read_csv.c, read_hdf5.c, clean.c): one sensor's
 * native samples and the steps of FtSensorDataRead. Pure C + HDF5 (no PETSc, no MPI calls): the
 * unit test and the fuzz harnesses compile these files alone. */
#ifndef FT_SENSOR_NATIVE_H
#define FT_SENSOR_NATIVE_H
#include <stddef.h>
#include <string.h>

#include "sensors/data.h"

/* One sensor's samples as recorded: strictly increasing times, values (NaN = missing) and the
 * cleaning flag of each. */
typedef struct {
  long           n, cap;
  double        *t, *v;
  unsigned char *f;
} FtNative;

/* Index of the case sensor called `id`, or -1. */
static inline int FtSensorIndex(const FtSensorsCase *sc, const char *id)
{
  for (int i = 0; i < sc->nsensors; i++)
    if (!strcmp(sc->sensors[i].id, id)) return i;
  return -1;
}

/* Readers (format in data.h): sc->data into nat[nsensors]. Return 0, or 1 with one message in
 * err. The CSV reader puts a remark for the report in note (a last line without line end). */
int FtSensorReadCsv(const FtSensorsCase *sc, FtNative *nat, char *note, size_t notelen, char *err, size_t errlen);
int FtSensorReadHdf5(const FtSensorsCase *sc, FtNative *nat, char *err, size_t errlen);

/* Cleaning and resampling (clean.c). */
/* Flags the native samples of one sensor (MISSING, RANGE, STUCK, SPIKE); 0, or 1 out of memory. */
int    FtSensorClean(const FtSensor *S, FtNative *s, double thr, int w, double stuck);
/* Median native step [s]; 0 with fewer than 2 samples. */
double FtSensorMedianStep(const FtNative *s);
/* Resamples onto d's common base, column col; returns the number of GAP steps. */
long   FtSensorResample(const FtNative *nat, double gap, FtSensorData *d, int col);
#endif
