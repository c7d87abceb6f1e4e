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
  /* rank 0: no link at the outputs, nothing at the temporary names */
  if (rank == 0) {
    if (FtIsSymlink(path)) st.link = 1, snprintf(st.where, sizeof st.where, "%s", path);
    else if (out->xdmf[0] && FtIsSymlink(out->xdmf)) st.link = 1, snprintf(st.where, sizeof st.where, "%s", out->xdmf);
    else if ((st.err = FtTmpCheckFree(out->tmp))) snprintf(st.where, sizeof st.where, "%s", out->tmp);
    else if (out->xdmf[0] && (st.err = FtTmpCheckFree(out->xdmf_tmp))) snprintf(st.where, sizeof st.where, "%s", out->xdmf_tmp);
  }
  PetscCallMPI(MPI_Bcast(&st, (int)sizeof st, MPI_BYTE, 0, comm));
  PetscCall(FtCheckNoLink(comm, casepath, key, st.where, st.link, st.err == ELOOP ? st.where : NULL));
  PetscCheck(!st.err, comm, PETSC_ERR_FILE_OPEN, "%s: %s: cannot write '%s': %s (something else is at ftwin's temporary name)", casepath, key,
             st.where, strerror(st.err));
  PetscFunctionReturn(0);
}

PetscErrorCode FtAtomicCreateH5(MPI_Comm comm, FtAtomicOutput *out, const char *casepath, const char *key, hid_t *file)
{
  PetscMPIInt rank;
  hid_t       fapl;
  int         err = 0, link = 0;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  fapl = H5Pcreate(H5P_FILE_ACCESS);
  PetscCheck(fapl >= 0 && H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL) >= 0, comm, PETSC_ERR_LIB, "HDF5: cannot set up MPI-IO file access");
  *file = H5Fcreate(out->tmp, H5F_ACC_EXCL, H5P_DEFAULT, fapl); /* collective; O_EXCL: fails on anything there, links included */
  H5Pclose(fapl);
  if (rank == 0) {
    if (*file < 0) link = FtIsSymlink(out->tmp), err = EEXIST;
    else {
      FtTmpRegister(out->tmp);
      err = FtTmpSecure(out->tmp, &out->id);
      link = err == ELOOP;
    }
  }
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, comm));
  PetscCallMPI(MPI_Bcast(&link, 1, MPI_INT, 0, comm));
  if (err && *file >= 0) H5Fclose(*file);
  PetscCall(FtCheckNoLink(comm, casepath, key, out->path, 0, link ? out->tmp : NULL));
  PetscCheck(!err, comm, PETSC_ERR_FILE_OPEN, "%s: %s: cannot create '%s' (the temporary name of '%s')%s%s", casepath, key, out->tmp, out->path,
             *file < 0 ? "" : ": ", *file < 0 ? "" : strerror(err));
  PetscFunctionReturn(0);
}

FILE *FtAtomicOpenXdmf(const FtAtomicOutput *out, int *err) { return FtTmpFopen(out->xdmf_tmp, err); }

PetscErrorCode FtAtomicCommit(MPI_Comm comm, const FtAtomicOutput *out, const char *casepath, const char *key)
{
  PetscMPIInt size, rank;
  struct {
    int         err, link;
    FtSealStats seal;
    char        msg[3 * FT_PATH_MAX];
  } st;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  memset(&st, 0, sizeof st);
  if (rank == 0) {
    if (!FtTmpSame(out->tmp, &out->id)) {
      st.err = EINVAL;
      snprintf(st.msg, sizeof st.msg, "the temporary '%s' is no longer the file this run wrote (replaced, or a link planted?): nothing put in place",
               out->tmp);
    } else if (FtSealWrite(out->tmp, out->path, out->date, size, &st.seal, st.msg, sizeof st.msg - 64)) {
      st.err = EIO;
      strcat(st.msg, "; previous results left untouched");
    }
    else if (!FtTmpSame(out->tmp, &out->id)) {
      st.err = EINVAL;
      snprintf(st.msg, sizeof st.msg, "the temporary '%s' was replaced while it was sealed: nothing put in place", out->tmp);
    } else if (FtIsSymlink(out->path) || (out->xdmf[0] && FtIsSymlink(out->xdmf))) { /* planted while the run wrote */
      st.link = 1;
      snprintf(st.msg, sizeof st.msg, "%s", FtIsSymlink(out->path) ? out->path : out->xdmf);
    } else if (rename(out->tmp, out->path)) {
      st.err = errno ? errno : EIO;
      snprintf(st.msg, sizeof st.msg, "could not put '%s' in place: %s; previous results left untouched", out->path, strerror(st.err));
    } else if (out->xdmf[0] && rename(out->xdmf_tmp, out->xdmf)) {
      st.err = errno ? errno : EIO;
      snprintf(st.msg, sizeof st.msg, "'%s' was put in place, but its companion '%s' could not be (%s): the previous one is left beside it",
               out->path, out->xdmf, strerror(st.err));
    }
    if (st.err || st.link) {
      if (FtTmpSame(out->tmp, &out->id)) unlink(out->tmp);
      if (out->xdmf[0] && !FtIsSymlink(out->xdmf_tmp)) unlink(out->xdmf_tmp);
    }
    FtTmpRelease(out->tmp);
    if (out->xdmf[0]) FtTmpRelease(out->xdmf_tmp);
  }
  PetscCallMPI(MPI_Bcast(&st, (int)sizeof st, MPI_BYTE, 0, comm));
  PetscCall(FtCheckNoLink(comm, casepath, key, st.msg, st.link, NULL));
  PetscCheck(!st.err, comm, PETSC_ERR_FILE_WRITE, "%s: %s: %s", casepath, key, st.msg);
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
  if (rank == 0) { /* only what this run created: the HDF5 file HDF5 made, the XDMF file (never a link) */
    if (FtTmpSame(out->tmp, &out->id)) unlink(out->tmp);
    FtTmpRelease(out->tmp);
    if (out->xdmf[0]) {
      if (!FtIsSymlink(out->xdmf_tmp)) unlink(out->xdmf_tmp);
      FtTmpRelease(out->xdmf_tmp);
    }
  }
  PetscFunctionReturn(0);
}
