#include "fleet/format_version.h"

#include <stdio.h>

#include "io/h5util.h"
#include "io/layout.h"

PetscErrorCode FtFormatVersionWrite(hid_t g, const char *path, int version)
{
  PetscFunctionBeginUser;
  PetscCall(FtH5AttrScalar(g, path, FT_H5_FORMAT_VERSION, H5T_NATIVE_INT, &version));
  PetscFunctionReturn(0);
}

int FtFormatVersionCheck(hid_t g, const char *file, const char *group, int want, const char *remedy, char *msg, size_t len)
{
  int   version = 0, ok;
  hid_t a;
  if (H5Aexists(g, FT_H5_FORMAT_VERSION) <= 0) {
    snprintf(msg, len, "'%s': %s has no %s attribute: it was written by an older ftwin; %s", file, group, FT_H5_FORMAT_VERSION, remedy);
    return 1;
  }
  ok = (a = H5Aopen(g, FT_H5_FORMAT_VERSION, H5P_DEFAULT)) >= 0;
  if (ok) {
    ok = H5Aread(a, H5T_NATIVE_INT, &version) >= 0;
    H5Aclose(a);
  }
  if (!ok) {
    snprintf(msg, len, "'%s': the %s attribute of %s cannot be read as an integer; %s", file, FT_H5_FORMAT_VERSION, group, remedy);
    return 1;
  }
  if (version != want) {
    snprintf(msg, len, "'%s': %s has %s %d, this ftwin reads version %d; %s", file, group, FT_H5_FORMAT_VERSION, version, want, remedy);
    return 1;
  }
  return 0;
}
