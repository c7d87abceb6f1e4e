/* The one atomic writer: every result file (and its XDMF companion) is written under a temporary
 * name in its folder and renamed into place by rank 0 only once it is complete, so a failed or
 * killed run leaves the previous results as they were. */
#ifndef FT_ATOMIC_H
#define FT_ATOMIC_H
#include <petscsys.h>

#include "case/case.h"

typedef struct {
  char path[FT_PATH_MAX], tmp[FT_PATH_MAX];      /* the HDF5 file and the name it is written under */
  char xdmf[FT_PATH_MAX], xdmf_tmp[FT_PATH_MAX]; /* its XDMF companion, <path less .h5>.xdmf ("" when none) */
  char date[32];                                 /* the UTC time of the write (ISO 8601), the same on every rank */
} FtAtomicOutput;

/* Names the temporaries (<dir>/.<base>.tmp.<pid of rank 0>, registered with FtTmpName so a failed
 * command removes them) and the date. with_xdmf: also the companion's names. Collective. */
PetscErrorCode FtAtomicBegin(MPI_Comm comm, const char *path, int with_xdmf, FtAtomicOutput *out);
/* Rank 0 renames the HDF5 file, then the XDMF file, into place (the caller has closed both).
 * A failed rename removes both temporaries and is an error "<casepath>: <key>: could not put
 * '<path>' in place: <reason>" on every rank. Collective. */
PetscErrorCode FtAtomicCommit(MPI_Comm comm, const FtAtomicOutput *out, const char *casepath, const char *key);
/* Rank 0 removes both temporaries (a write failed before the commit). Collective. */
PetscErrorCode FtAtomicAbort(MPI_Comm comm, const FtAtomicOutput *out);
#endif
