/* Sensor data, HDF5 reader: the file sc->data (layout in data.h: /sensors/<id>/time and value,
 * an optional string attribute `unit` on value) into each sensor's native samples. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/h5_local.h"
#include "io/layout.h"
#include "sensors/native.h"

/* The string attribute `unit` of `obj`, fixed- or variable-length (h5py writes variable-length
 * UTF-8), into buf ("" when absent). Returns 0, or 1 when it exists but is not a string. */
static int ReadUnitAttr(hid_t obj, char *buf, size_t len) { return FtH5ReadStringAttrLocal(obj, "unit", buf, len); }

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

  snprintf(where, sizeof where, FT_H5_P_SENSORS, S->id);
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
int FtSensorReadHdf5(const FtSensorsCase *sc, FtNative *nat, char *err, size_t errlen)
{
  const char *file = sc->data;
  H5E_auto2_t old_func;
  void       *old_data;
  hid_t       f = -1, root = -1;
  int         rc = 1;

  /* HDF5 would print its error stack for every probe that fails (the open, H5Lexists, H5Gopen2,
   * ...); report our own messages. Off for the whole read, so io/h5util.h's FtH5OpenQuiet (the
   * open only, and a PETSc library this PETSc-free reader does not link) is not used here. */
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
      if (FtSensorIndex(sc, name) < 0) {
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
