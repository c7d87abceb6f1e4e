#include "io/atomic.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "io/h5util.h"
#include "io/seal.h"
#include "runtime/log.h"
#include "runtime/provenance.h"

PetscErrorCode FtAtomicBegin(MPI_Comm comm, const char *path, int with_xdmf, const char *casepath, const char *key, FtAtomicOutput *out)
{
  PetscMPIInt rank;
  long        pid = (long)getpid();
  struct {
    int  link, err;
    char where[FT_PATH_MAX];
  } st = {0, 0, ""};

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
  /* rank 0 creates the temporaries, exclusively and never through a link, before HDF5 opens them */
  if (rank == 0) {
    if (FtIsSymlink(path)) st.link = 1, snprintf(st.where, sizeof st.where, "%s", path);
    else if (out->xdmf[0] && FtIsSymlink(out->xdmf)) st.link = 1, snprintf(st.where, sizeof st.where, "%s", out->xdmf);
    else if ((st.err = FtTmpCreate(out->tmp))) snprintf(st.where, sizeof st.where, "%s", out->tmp);
    else if (out->xdmf[0] && (st.err = FtTmpCreate(out->xdmf_tmp))) snprintf(st.where, sizeof st.where, "%s", out->xdmf_tmp);
    if (st.err || st.link) {
      unlink(out->tmp);
      FtTmpRelease(out->tmp);
    }
  }
  PetscCallMPI(MPI_Bcast(&st, (int)sizeof st, MPI_BYTE, 0, comm));
  PetscCall(FtCheckNoLink(comm, casepath, key, st.where, st.link, st.err == ELOOP ? st.where : NULL));
  PetscCheck(!st.err, comm, PETSC_ERR_FILE_OPEN, "%s: %s: cannot create '%s': %s", casepath, key, st.where, strerror(st.err));
  PetscFunctionReturn(0);
}

PetscErrorCode FtAtomicCommit(MPI_Comm comm, const FtAtomicOutput *out, const char *casepath, const char *key)
{
  PetscMPIInt size, rank;
  struct {
    int         err, link;
    FtSealStats seal;
    char        msg[FT_PATH_MAX + 1024];
  } st;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  memset(&st, 0, sizeof st);
  if (rank == 0) {
    if (FtSealWrite(out->tmp, out->path, out->date, size, &st.seal, st.msg, sizeof st.msg)) st.err = EIO;
    else if (FtIsSymlink(out->path) || (out->xdmf[0] && FtIsSymlink(out->xdmf))) { /* planted while the run wrote */
      st.link = 1;
      snprintf(st.msg, sizeof st.msg, "%s", FtIsSymlink(out->path) ? out->path : out->xdmf);
    }
    else {
      if (rename(out->tmp, out->path)) st.err = errno ? errno : EIO;
      if (!st.err && out->xdmf[0] && rename(out->xdmf_tmp, out->xdmf)) st.err = errno ? errno : EIO;
      if (st.err) snprintf(st.msg, sizeof st.msg, "could not put '%s' in place: %s", out->path, strerror(st.err));
    }
    if (st.err || st.link) {
      unlink(out->tmp);
      if (out->xdmf[0]) unlink(out->xdmf_tmp);
    }
    FtTmpRelease(out->tmp);
    if (out->xdmf[0]) FtTmpRelease(out->xdmf_tmp);
  }
  PetscCallMPI(MPI_Bcast(&st, (int)sizeof st, MPI_BYTE, 0, comm));
  PetscCall(FtCheckNoLink(comm, casepath, key, st.msg, st.link, NULL));
  PetscCheck(!st.err, comm, PETSC_ERR_FILE_WRITE, "%s: %s: %s; previous results left untouched", casepath, key, st.msg);
  {
    double    hs;
    long long hb;
    FtProvenanceHashCost(&hs, &hb);
    PetscCall(FtLogInfo("provenance of %s: %d inputs (%.1f MB) hashed in %.2f s; %d result objects (%.1f MB) digested and the run recorded in %.2f s",
                        out->path, FtProvenanceInputCount(), (double)hb / 1e6, hs, st.seal.objects, (double)st.seal.bytes / 1e6, st.seal.seconds));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode FtAtomicAbort(MPI_Comm comm, const FtAtomicOutput *out)
{
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0) {
    unlink(out->tmp);
    FtTmpRelease(out->tmp);
    if (out->xdmf[0]) {
      unlink(out->xdmf_tmp);
      FtTmpRelease(out->xdmf_tmp);
    }
  }
  PetscFunctionReturn(0);
}
