#include "io/h5_quiet.h"

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
