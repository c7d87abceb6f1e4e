/* Rank-local HDF5 helpers with no PETSc or MPI (the readers the fuzzers and unit tests link alone
 * use them too). */
#ifndef FT_H5_LOCAL_H
#define FT_H5_LOCAL_H
#include <stddef.h>
#include <hdf5.h>

/* Opens an existing file (rank-local, or collective with an MPI-IO fapl) with HDF5's error
 * printing off for the call, so a missing, foreign or damaged file gives the caller's one
 * message and not a page of HDF5 lines; < 0 when it cannot be opened. fapl H5P_DEFAULT: serial. */
hid_t FtH5OpenQuiet(const char *path, unsigned flags, hid_t fapl);
/* The string attribute `name` of obj, fixed-length (as ftwin writes it) or variable-length (as
 * h5py writes it, ASCII or UTF-8), NUL-terminated into buf ("" when absent). 0, or 1 when it
 * exists but is not a readable string. */
int   FtH5ReadStringAttrLocal(hid_t obj, const char *name, char *buf, size_t len);
#endif
