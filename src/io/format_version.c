#include "io/format_version.h"

#include <stdio.h>

#include "io/h5util.h"
#include "io/layout.h"

PetscErrorCode FtFormatVersionWrite(hid_t g, const char *path, int version)
{
  PetscFunctionBeginUser;
  PetscCall(FtH5AttrScalar(g, path, FT_H5_FORMAT_VERSION, H5T_NATIVE_INT, &version));
  PetscFunctionReturn(0);
}

int FtFormatVersionRead(hid_t g, int *version)
{
  hid_t a, t;
  int   ok;
  if (H5Aexists(g, FT_H5_FORMAT_VERSION) <= 0) return 1;
  if ((a = H5Aopen(g, FT_H5_FORMAT_VERSION, H5P_DEFAULT)) < 0) return 2;
  t  = H5Aget_type(a);
  ok = t >= 0 && H5Tget_class(t) == H5T_INTEGER && H5Aread(a, H5T_NATIVE_INT, version) >= 0;
  if (t >= 0) H5Tclose(t);
  H5Aclose(a);
  return ok ? 0 : 2;
}

int FtFormatVersionCheck(hid_t g, const char *file, const char *group, int want, const char *remedy, char *msg, size_t len)
{
  int version = 0;
  switch (FtFormatVersionRead(g, &version)) {
  case 1:
    snprintf(msg, len, "'%s': %s has no %s attribute: it was written by an older ftwin; %s", file, group, FT_H5_FORMAT_VERSION, remedy);
    return 1;
  case 2:
    snprintf(msg, len, "'%s': the %s attribute of %s cannot be read as an integer; %s", file, FT_H5_FORMAT_VERSION, group, remedy);
    return 1;
  }
  if (version != want) {
    snprintf(msg, len, "'%s': %s has %s %d, this ftwin reads version %d; %s", file, group, FT_H5_FORMAT_VERSION, version, want, remedy);
    return 1;
  }
  return 0;
}
