#include "io/atomic.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "io/h5util.h"

PetscErrorCode FtAtomicBegin(MPI_Comm comm, const char *path, int with_xdmf, FtAtomicOutput *out)
{
  PetscMPIInt rank;
  long        pid = (long)getpid();

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  memset(out, 0, sizeof *out);
  PetscCallMPI(MPI_Bcast(&pid, 1, MPI_LONG, 0, comm));
  if (rank == 0) {
    time_t    now = time(NULL);
    struct tm tmv;
    gmtime_r(&now, &tmv);
    strftime(out->date, sizeof out->date, "%Y-%m-%dT%H:%M:%SZ", &tmv);
  }
  PetscCallMPI(MPI_Bcast(out->date, sizeof out->date, MPI_CHAR, 0, comm));
  snprintf(out->path, sizeof out->path, "%s", path);
  FtTmpName(path, pid, out->tmp, sizeof out->tmp);
  if (with_xdmf) {
    size_t len = strlen(path);
    snprintf(out->xdmf, sizeof out->xdmf, "%.*s.xdmf", (int)(len > 3 && !strcmp(path + len - 3, ".h5") ? len - 3 : len), path);
    FtTmpName(out->xdmf, pid, out->xdmf_tmp, sizeof out->xdmf_tmp);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode FtAtomicCommit(MPI_Comm comm, const FtAtomicOutput *out, const char *casepath, const char *key)
{
  PetscMPIInt rank;
  int         err = 0;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0) {
    if (rename(out->tmp, out->path)) err = errno ? errno : EIO;
    if (!err && out->xdmf[0] && rename(out->xdmf_tmp, out->xdmf)) err = errno ? errno : EIO;
    if (err) {
      unlink(out->tmp);
      if (out->xdmf[0]) unlink(out->xdmf_tmp);
    }
  }
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, comm));
  PetscCheck(!err, comm, PETSC_ERR_FILE_WRITE, "%s: %s: could not put '%s' in place: %s", casepath, key, out->path, strerror(err));
  PetscFunctionReturn(0);
}

PetscErrorCode FtAtomicAbort(MPI_Comm comm, const FtAtomicOutput *out)
{
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0) {
    unlink(out->tmp);
    if (out->xdmf[0]) unlink(out->xdmf_tmp);
  }
  PetscFunctionReturn(0);
}
