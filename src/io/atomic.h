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

/* Names the temporaries (<dir>/.<base>.tmp.<pid of rank 0>) and the date, and creates the
 * temporaries on rank 0 (FtTmpCreate: exclusively, not through a symbolic link, not writable by
 * others; a failed command removes them). with_xdmf: also the companion's names. An output that is
 * a symbolic link, or a link planted at a temporary name, is an error "<casepath>: <key>: ...".
 * Collective. */
PetscErrorCode FtAtomicBegin(MPI_Comm comm, const char *path, int with_xdmf, const char *casepath, const char *key, FtAtomicOutput *out);
/* Rank 0 seals the HDF5 file (io/seal.h: its provenance record and result digests), then renames
 * it, then the XDMF file, into place (the caller has closed both). A failed seal or rename, or a
 * symbolic link planted at the output meanwhile, removes both temporaries and is an error
 * "<casepath>: <key>: ..." on every rank. Collective. */
PetscErrorCode FtAtomicCommit(MPI_Comm comm, const FtAtomicOutput *out, const char *casepath, const char *key);
/* Rank 0 removes both temporaries (a write failed before the commit). Collective. */
PetscErrorCode FtAtomicAbort(MPI_Comm comm, const FtAtomicOutput *out);
#endif
