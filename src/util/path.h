/* File-name helpers used by more than one stage. */
#ifndef FT_PATH_H
#define FT_PATH_H
#include <string.h>
#include <strings.h>

/* Does the file name end in `ext` (".csv"), ignoring case, after a non-empty base name? */
static inline int FtPathHasExt(const char *name, const char *ext)
{
  size_t n = strlen(name), e = strlen(ext);
  return n > e && !strcasecmp(name + n - e, ext) && name[n - e - 1] != '/';
}

/* An HDF5 file by its name (.h5 or .hdf5, any case)? */
static inline int FtPathIsHdf5(const char *name) { return FtPathHasExt(name, ".h5") || FtPathHasExt(name, ".hdf5"); }
#endif
