#include "io/h5_local.h"

#include <stdio.h>
#include <stdlib.h>

hid_t FtH5OpenQuiet(const char *path, unsigned flags, hid_t fapl)
{
  H5E_auto2_t efn;
  void       *edata;
  hid_t       f;
  H5Eget_auto2(H5E_DEFAULT, &efn, &edata);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  f = H5Fopen(path, flags, fapl);
  H5Eset_auto2(H5E_DEFAULT, efn, edata);
  return f;
}

int FtH5ReadStringAttrLocal(hid_t obj, const char *name, char *buf, size_t len)
{
  hid_t a, t, mt;
  int   rc = 0;
  buf[0]   = 0;
  if (H5Aexists(obj, name) <= 0) return 0;
  if ((a = H5Aopen(obj, name, H5P_DEFAULT)) < 0) return 1;
  t = H5Aget_type(a);
  if (H5Tget_class(t) != H5T_STRING) {
    rc = 1;
  } else if (H5Tis_variable_str(t) > 0) {
    char *p = NULL;
    mt      = H5Tcopy(H5T_C_S1);
    H5Tset_size(mt, H5T_VARIABLE);
    H5Tset_cset(mt, H5Tget_cset(t)); /* HDF5 does not convert ASCII <-> UTF-8 (h5py writes UTF-8) */
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
