/* The cases the reader harnesses read with (one copy for fuzz_sensor_csv, fuzz_history_csv and
 * fuzz_h5_readers): three sensors SG1, TC1, LC1, and a history of two channels F and T. */
#ifndef FT_FUZZ_READERS_H
#define FT_FUZZ_READERS_H
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fatigue/history.h"
#include "sensors/data.h"

/* Sensors SG1 (microstrain), TC1 (degC), LC1 (kN), noise 1, range [-range, range]. */
static inline void FuzzSensorsCase(FtSensorsCase *sc, FtSensor sensors[3], const char *path, double range)
{
  const char *ids[3] = {"SG1", "TC1", "LC1"}, *units[3] = {"microstrain", "degC", "kN"};
  memset(sc, 0, sizeof *sc);
  memset(sensors, 0, 3 * sizeof *sensors);
  for (int i = 0; i < 3; i++) {
    snprintf(sensors[i].id, sizeof sensors[i].id, "%s", ids[i]);
    snprintf(sensors[i].unit, sizeof sensors[i].unit, "%s", units[i]);
    sensors[i].noise    = 1;
    sensors[i].to_si    = 1;
    sensors[i].range[0] = -range;
    sensors[i].range[1] = range;
    sensors[i].channel  = -1;
  }
  FtSensorsCleaningDefaults(sc);
  sc->enabled  = 1;
  sc->sensors  = sensors;
  sc->nsensors = 3;
  snprintf(sc->data, sizeof sc->data, "%s", path);
}

/* Channels F and T, scale 1, reading `path`. */
static inline void FuzzHistoryCase(FtFatigueCase *f, FtFatigueChannel ch[2], const char *path)
{
  memset(f, 0, sizeof *f);
  memset(ch, 0, 2 * sizeof *ch);
  snprintf(ch[0].name, sizeof ch[0].name, "F");
  snprintf(ch[1].name, sizeof ch[1].name, "T");
  ch[0].scale = ch[1].scale = 1;
  f->channels  = ch;
  f->nchannels = 2;
  snprintf(f->history, sizeof f->history, "%s", path);
}

/* What a read history must be: time strictly increasing, every value finite. */
static inline void FuzzCheckHistory(const FtHistory *h)
{
  for (long t = 0; t < h->nsteps; t++) {
    if (!isfinite(h->time[t]) || (t && !(h->time[t] > h->time[t - 1]))) abort();
    for (int k = 0; k < h->nchan; k++)
      if (!isfinite(h->L[(size_t)t * h->nchan + k])) abort();
  }
}
#endif
