/* The format version of the files that outlive the binary (io/layout.h: FT_H5_FORMAT_VERSION). */
#ifndef FT_IO_FORMAT_VERSION_H
#define FT_IO_FORMAT_VERSION_H
#include <hdf5.h>
#include <petscsys.h>

/* Writes the integer attribute FT_H5_FORMAT_VERSION = version on group g (collective). */
PetscErrorCode FtFormatVersionWrite(hid_t g, const char *path, int version);
/* Rank-local: the attribute FT_H5_FORMAT_VERSION of group g into *version: 0, 1 when absent,
 * 2 when it is not a readable integer. */
int            FtFormatVersionRead(hid_t g, int *version);
/* Rank-local: 0 when group g of `file` (named `group`) has FT_H5_FORMAT_VERSION == want; else 1
 * with one line in msg naming the file, the group and the version found ("absent": written by
 * an older ftwin, then `remedy`). */
int            FtFormatVersionCheck(hid_t g, const char *file, const char *group, int want, const char *remedy, char *msg, size_t len);
#endif
