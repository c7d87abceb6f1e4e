/* Opening an HDF5 file without HDF5's own error stack on stderr (no PETSc, no MPI: the readers
 * the fuzzers link alone use it too). */
#ifndef FT_H5_QUIET_H
#define FT_H5_QUIET_H
#include <hdf5.h>

/* Opens an existing file (rank-local, or collective with an MPI-IO fapl) with HDF5's error
 * printing off for the call, so a missing, foreign or damaged file gives the caller's one
 * message and not a page of HDF5 lines; < 0 when it cannot be opened. fapl H5P_DEFAULT: serial. */
hid_t FtH5OpenQuiet(const char *path, unsigned flags, hid_t fapl);
#endif
