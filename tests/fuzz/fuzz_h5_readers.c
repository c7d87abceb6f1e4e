/* Structure-aware fuzzing of the HDF5 readers of sensor data (src/sensors/data.c) and load
 * histories (src/fatigue/history.c). The input does not become the file's bytes (libhdf5's own
 * parser is HDF5's to fuzz) but a description of a well-formed HDF5 file that the fuzzer varies:
 * which groups and datasets exist, their names, types (float64/32, int32/64, uint8, strings),
 * ranks, lengths, values (any bit pattern: NaN, infinities, huge), and unit attributes. Our
 * readers must read each such file or refuse it with one message. */
#include <hdf5.h>
#include <math.h>

#include "fuzz_common.h"
#include "fuzz_readers.h"

typedef struct {
  const uint8_t *p;
  size_t         n;
} Bytes;

static unsigned Take(Bytes *b)
{
  if (!b->n) return 0;
  b->n--;
  return *b->p++;
}

static double TakeDouble(Bytes *b)
{
  uint64_t u = 0;
  unsigned mode = Take(b) % 4;
  if (mode == 0) return (double)(int)Take(b) - 64; /* small integers: plausible data */
  if (mode == 1) return Take(b) * 0.25;            /* increasing-friendly */
  for (int i = 0; i < 8; i++) u = u << 8 | Take(b);
  double v;
  memcpy(&v, &u, sizeof v);
  return v; /* any bit pattern */
}

/* A dataset `name` under `loc`, its shape and type chosen by the input. */
static void MakeDataset(hid_t loc, const char *name, Bytes *b, int increasing)
{
  unsigned kind = Take(b) % 7, len = Take(b) % 40, rank = Take(b) % 5 == 0 ? 2 : 1;
  hsize_t  dims[2] = {len, 2};
  hid_t    sp = H5Screate_simple((int)rank, dims, NULL), type, ds;
  size_t   count = (size_t)len * (rank == 2 ? 2 : 1);
  double  *v = malloc(sizeof(double) * (count + 1));
  double   t = 0;
  for (size_t i = 0; i < count; i++) {
    v[i] = increasing && Take(b) % 8 ? (t += 1 + Take(b) % 3) : TakeDouble(b);
  }
  if (kind == 6) { /* a string dataset */
    type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, 8);
    char *s = calloc(count + 1, 8);
    for (size_t i = 0; i < count; i++) snprintf(s + 8 * i, 8, "%g", v[i]);
    ds = H5Dcreate2(loc, name, type, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (ds >= 0) H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, s);
    free(s);
    H5Tclose(type);
  } else {
    const hid_t types[6] = {H5T_IEEE_F64LE, H5T_IEEE_F64LE, H5T_IEEE_F32LE, H5T_STD_I32LE, H5T_STD_I64LE, H5T_STD_U8LE};
    ds = H5Dcreate2(loc, name, types[kind], sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (ds >= 0) H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v); /* HDF5 converts (clips) */
  }
  if (ds >= 0 && Take(b) % 4 == 0) { /* a unit attribute */
    const char *units[] = {"microstrain", "degC", "kN", "Pa", "", "m/s"};
    const char *u       = units[Take(b) % 6];
    hid_t       at = H5Tcopy(H5T_C_S1), asp = H5Screate(H5S_SCALAR);
    H5Tset_size(at, strlen(u) + 1);
    hid_t a = H5Acreate2(ds, "unit", at, asp, H5P_DEFAULT, H5P_DEFAULT);
    if (a >= 0) {
      H5Awrite(a, at, u);
      H5Aclose(a);
    }
    H5Sclose(asp);
    H5Tclose(at);
  }
  if (ds >= 0) H5Dclose(ds);
  H5Sclose(sp);
  free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static int quiet = 0;
  Bytes      b     = {data, size};
  char       path[128], err[1024] = "";
  if (!quiet) H5Eset_auto2(H5E_DEFAULT, NULL, NULL), quiet = 1;
  snprintf(path, sizeof path, "/tmp/ftwin-fuzz-%ld.h5", (long)getpid());
  const int history = Take(&b) % 2;
  hid_t     file    = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (file < 0) abort();
  const char *top = history ? "history" : "sensors";
  if (Take(&b) % 8) {
    hid_t g = H5Gcreate2(file, Take(&b) % 16 ? top : "other", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (history) {
      const char *names[] = {"time", "F", "T", "X"};
      for (int i = 0; i < 4; i++)
        if (Take(&b) % 6) MakeDataset(g, names[i], &b, i == 0);
    } else {
      const char *ids[] = {"SG1", "TC1", "LC1", "XX9"};
      for (int i = 0; i < 4; i++) {
        if (!(Take(&b) % 6)) continue;
        hid_t s = H5Gcreate2(g, ids[i], H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        if (Take(&b) % 6) MakeDataset(s, "time", &b, 1);
        if (Take(&b) % 6) MakeDataset(s, "value", &b, 0);
        H5Gclose(s);
      }
    }
    H5Gclose(g);
  }
  H5Fclose(file);

  if (history) {
    FtFatigueChannel ch[2];
    FtFatigueCase    f;
    FtHistory        h;
    FuzzHistoryCase(&f, ch, path);
    int rc = FtHistoryReadHDF5(&f, &h, err, sizeof err);
    FuzzCheckMessage(rc, err);
    if (!rc) {
      FuzzCheckHistory(&h);
      FtHistoryFree(&h);
    }
  } else {
    static FtSensor sensors[3];
    FtSensorsCase   sc;
    FtSensorData    d;
    FuzzSensorsCase(&sc, sensors, path, INFINITY);
    int rc = FtSensorDataRead(&sc, &d, err, sizeof err);
    FuzzCheckMessage(rc, err);
    if (!rc) FtSensorDataFree(&d);
  }
  return 0;
}
