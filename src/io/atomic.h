/* The one atomic writer: every result file (and its XDMF companion) is written under a temporary
 * name in its folder and renamed into place by rank 0 only once it is complete, so a failed or
 * killed run leaves the previous results as they were. */
#ifndef FT_ATOMIC_H
#define FT_ATOMIC_H
#include <petscsys.h>

#include <hdf5.h>
#include <stdio.h>

#include "case/case.h"
#include "io/h5util.h"

typedef struct {
  char     path[FT_PATH_MAX], tmp[FT_PATH_MAX];      /* the HDF5 file and the name it is written under */
  char     xdmf[FT_PATH_MAX], xdmf_tmp[FT_PATH_MAX]; /* its XDMF companion, <path less .h5>.xdmf ("" when none) */
  char     date[32];                                 /* the UTC time of the write (ISO 8601), the same on every rank */
  FtFileId id;                                       /* rank 0: the temporary HDF5 file HDF5 created (FtAtomicCreateH5) */
} FtAtomicOutput;

/* Names the temporaries (<dir>/.<base>.tmp.<pid of rank 0>) and the date; checks (rank 0) that the
 * output and its XDMF companion are not symbolic links and that nothing is at the temporary names
 * (a regular file of ours left by a killed run is removed; a link planted there is an error, left
 * in place). with_xdmf: also the companion's names. Errors "<casepath>: <key>: ...". Collective. */
PetscErrorCode FtAtomicBegin(MPI_Comm comm, const char *path, int with_xdmf, const char *casepath, const char *key, FtAtomicOutput *out);
/* Creates the temporary HDF5 file with the MPI-IO driver, exclusively (H5F_ACC_EXCL: never through
 * a link planted meanwhile), then (rank 0) removes others' write permission and keeps its identity.
 * *file: open, the caller writes and closes it. Collective. */
PetscErrorCode FtAtomicCreateH5(MPI_Comm comm, FtAtomicOutput *out, const char *casepath, const char *key, hid_t *file);
/* Rank 0: the temporary XDMF file, created exclusively and not through a link (FtTmpFopen); NULL
 * with *err. */
FILE          *FtAtomicOpenXdmf(const FtAtomicOutput *out, int *err);
/* Rank 0 checks the temporary is still the file HDF5 created, seals it (io/seal.h: its provenance
 * record and result digests), checks again, then renames it, then the XDMF file, into place (the
 * caller has closed both). A failure, or a symbolic link planted at the output meanwhile, removes
 * both temporaries and is an error "<casepath>: <key>: ..." on every rank. Collective. */
PetscErrorCode FtAtomicCommit(MPI_Comm comm, const FtAtomicOutput *out, const char *casepath, const char *key);
/* Rank 0 removes both temporaries (a write failed before the commit). Collective. */
PetscErrorCode FtAtomicAbort(MPI_Comm comm, const FtAtomicOutput *out);
#endif
