/* Small collective HDF5 helpers shared by the output writers, and the temporary-name scheme
 * that keeps a failed run from leaving a partial file or destroying the previous one. */
#include "io/h5util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <libgen.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int FtMkdirP(const char *dir)
{
  char   tmp[FT_PATH_MAX];
  size_t len = strlen(dir);
  if (len == 0 || len >= sizeof tmp) return len == 0 ? 0 : -1;
  memcpy(tmp, dir, len + 1);
  for (char *p = tmp + 1; *p; p++)
    if (*p == '/') {
      *p = 0;
      if (mkdir(tmp, 0777) && errno != EEXIST) return -1;
      *p = '/';
    }
  if (mkdir(tmp, 0777) && errno != EEXIST) return -1;
  return 0;
}

void FtDirOf(const char *path, char *dir, size_t len)
{
  char tmp[FT_PATH_MAX];
  snprintf(tmp, sizeof tmp, "%s", path);
  snprintf(dir, len, "%s", dirname(tmp));
}

/* The temporary names handed out in this process: on a failed run FtTmpRemoveAll deletes them, so
 * an error in the middle of a write (a full disk, a vanished folder) leaves nothing behind. A name
 * already renamed into place is simply absent then. */
#define FT_MAX_TMP 16
static char g_tmp[FT_MAX_TMP][FT_PATH_MAX];
static int  g_ntmp;

void FtTmpName(const char *path, long pid, char *tmp, size_t len)
{
  char dir[FT_PATH_MAX], base[FT_PATH_MAX / 2], t[FT_PATH_MAX];
  FtDirOf(path, dir, sizeof dir);
  snprintf(t, sizeof t, "%s", path);
  snprintf(base, sizeof base, "%s", basename(t));
  snprintf(tmp, len, "%.*s/.%s.tmp.%ld", (int)(FT_PATH_MAX / 2 - 40), dir, base, pid);
}

int FtIsSymlink(const char *path)
{
  struct stat sb;
  return lstat(path, &sb) == 0 && S_ISLNK(sb.st_mode);
}

int FtTmpCheckFree(const char *tmp)
{
  struct stat sb;
  if (lstat(tmp, &sb)) return errno == ENOENT ? 0 : errno;
  if (S_ISLNK(sb.st_mode)) return ELOOP;
  if (S_ISREG(sb.st_mode) && sb.st_uid == geteuid() && unlink(tmp) == 0) return 0; /* ours, left by a killed run with this pid */
  return EEXIST;
}

void FtTmpRegister(const char *tmp)
{
  for (int i = 0; i < g_ntmp; i++)
    if (!strcmp(g_tmp[i], tmp)) return;
  if (g_ntmp < FT_MAX_TMP) snprintf(g_tmp[g_ntmp++], FT_PATH_MAX, "%s", tmp);
}

FILE *FtTmpFopen(const char *tmp, int *err)
{
  /* rw for owner and group as the umask allows, never for others */
  int   fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, S_IRUSR | S_IWUSR | S_IRGRP | S_IWGRP | S_IROTH);
  FILE *f;
  if (fd < 0) {
    *err = errno == EEXIST && FtIsSymlink(tmp) ? ELOOP : errno ? errno : EIO;
    return NULL;
  }
  FtTmpRegister(tmp);
  if (!(f = fdopen(fd, "w"))) {
    *err = errno ? errno : ENOMEM;
    close(fd);
    return NULL;
  }
  *err = 0;
  return f;
}

int FtTmpSecure(const char *tmp, FtFileId *id)
{
  struct stat sb;
  int         fd = open(tmp, O_RDONLY | O_NOFOLLOW), err = 0;
  if (fd < 0) return errno == ELOOP ? ELOOP : errno ? errno : EIO;
  if (fstat(fd, &sb) || !S_ISREG(sb.st_mode)) err = EINVAL;
  else if ((sb.st_mode & S_IWOTH) && fchmod(fd, sb.st_mode & 07777 & ~(mode_t)S_IWOTH)) err = errno ? errno : EPERM;
  else {
    id->dev = sb.st_dev;
    id->ino = sb.st_ino;
  }
  close(fd);
  return err;
}

int FtTmpSame(const char *tmp, const FtFileId *id)
{
  struct stat sb;
  return lstat(tmp, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_dev == id->dev && sb.st_ino == id->ino;
}

void FtTmpRelease(const char *tmp)
{
  for (int i = 0; i < g_ntmp; i++)
    if (!strcmp(g_tmp[i], tmp)) {
      memmove(g_tmp[i], g_tmp[g_ntmp - 1], FT_PATH_MAX);
      g_ntmp--;
      return;
    }
}

void FtTmpRemoveAll(void)
{
  int rank = 0, up = 0;
  MPI_Initialized(&up);
  if (up) MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank == 0)
    for (int i = 0; i < g_ntmp; i++)
      if (!FtIsSymlink(g_tmp[i])) unlink(g_tmp[i]);
  g_ntmp = 0;
}

/* One collective write of rows [start, start+count) of a [N][M] dataset (M = 0: 1-D). */
PetscErrorCode FtH5WriteRows(hid_t loc, const char *path, const char *name, hid_t type, hsize_t N, hsize_t M, hsize_t start,
                                hsize_t count, const void *buf)
{
  int     rank = M ? 2 : 1;
  hsize_t dims[2] = {N, M}, off[2] = {start, 0}, cnt[2] = {count, M};
  hid_t   fs, ms, ds, dxpl;

  PetscFunctionBeginUser;
  H5CHK(fs = H5Screate_simple(rank, dims, NULL), name);
  H5CHK(ds = H5Dcreate2(loc, name, type, fs, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), name);
  H5CHK(ms = H5Screate_simple(rank, count ? cnt : dims, NULL), name);
  if (count) H5CHK(H5Sselect_hyperslab(fs, H5S_SELECT_SET, off, NULL, cnt, NULL), name);
  else {
    H5CHK(H5Sselect_none(fs), name);
    H5CHK(H5Sselect_none(ms), name);
  }
  H5CHK(dxpl = H5Pcreate(H5P_DATASET_XFER), name);
  H5CHK(H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE), name);
  H5CHK(H5Dwrite(ds, type, ms, fs, dxpl, buf), name);
  H5Pclose(dxpl);
  H5Sclose(ms);
  H5Sclose(fs);
  H5Dclose(ds);
  PetscFunctionReturn(0);
}

PetscErrorCode FtH5AttrString(hid_t loc, const char *path, const char *name, const char *value)
{
  hid_t t, sp, a;

  PetscFunctionBeginUser;
  H5CHK(t = H5Tcopy(H5T_C_S1), name);
  H5CHK(H5Tset_size(t, strlen(value) + 1), name);
  H5CHK(sp = H5Screate(H5S_SCALAR), name);
  H5CHK(a = H5Acreate2(loc, name, t, sp, H5P_DEFAULT, H5P_DEFAULT), name);
  H5CHK(H5Awrite(a, t, value), name);
  H5Aclose(a);
  H5Sclose(sp);
  H5Tclose(t);
  PetscFunctionReturn(0);
}

PetscErrorCode FtH5AttrScalar(hid_t loc, const char *path, const char *name, hid_t type, const void *value)
{
  hid_t sp, a;

  PetscFunctionBeginUser;
  H5CHK(sp = H5Screate(H5S_SCALAR), name);
  H5CHK(a = H5Acreate2(loc, name, type, sp, H5P_DEFAULT, H5P_DEFAULT), name);
  H5CHK(H5Awrite(a, type, value), name);
  H5Aclose(a);
  H5Sclose(sp);
  PetscFunctionReturn(0);
}


PetscErrorCode FtCheckWritable(MPI_Comm comm, const char *casepath, const char *key, const char *file)
{
  PetscMPIInt rank;
  int         err = 0;
  char        tmp[FT_PATH_MAX] = "";

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0) {
    char dir[FT_PATH_MAX];
    FtDirOf(file, dir, sizeof dir);
    if (FtIsSymlink(file)) err = -1;
    else if (FtMkdirP(dir)) err = errno;
    else {
      FILE *probe;
      FtTmpName(file, (long)getpid(), tmp, sizeof tmp);
      if (!(err = FtTmpCheckFree(tmp)) && (probe = FtTmpFopen(tmp, &err))) {
        fclose(probe);
        unlink(tmp);
        FtTmpRelease(tmp);
      }
    }
  }
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, comm));
  PetscCall(FtCheckNoLink(comm, casepath, key, file, err == -1, err == ELOOP ? tmp : NULL));
  PetscCheck(!err, comm, PETSC_ERR_FILE_OPEN, "%s: %s: cannot write '%s': %s", casepath, key, file, strerror(err));
  PetscFunctionReturn(0);
}

PetscErrorCode FtCheckNoLink(MPI_Comm comm, const char *casepath, const char *key, const char *file, int file_is_link, const char *tmp_link)
{
  PetscFunctionBeginUser;
  PetscCheck(!file_is_link, comm, PETSC_ERR_FILE_OPEN,
             "%s: %s: '%s' is a symbolic link: ftwin does not write through links (remove the link, or choose another output)", casepath, key, file);
  PetscCheck(!tmp_link, comm, PETSC_ERR_FILE_OPEN,
             "%s: %s: a symbolic link is planted at the temporary name '%s' that '%s' is written under: refusing to write through it (remove it)",
             casepath, key, tmp_link ? tmp_link : "", file);
  PetscFunctionReturn(0);
}

/* Collective read of rows [start, start+count) of dataset `dset` ([N] or [N][M]). */
PetscErrorCode FtH5ReadRows(hid_t file, const char *path, const char *dset, hid_t type, hsize_t M, hsize_t start, hsize_t count,
                               void *buf)
{
  hid_t   ds, fs, ms, dxpl;
  hsize_t off[2] = {start, 0}, cnt[2] = {count, M};
  int     rank = M ? 2 : 1;

  PetscFunctionBeginUser;
  H5READCHK(ds = H5Dopen2(file, dset, H5P_DEFAULT), dset);
  H5READCHK(fs = H5Dget_space(ds), dset);
  H5READCHK(ms = H5Screate_simple(rank, count ? cnt : off, NULL), dset);
  if (count) H5READCHK(H5Sselect_hyperslab(fs, H5S_SELECT_SET, off, NULL, cnt, NULL), dset);
  else {
    H5READCHK(H5Sselect_none(fs), dset);
    H5READCHK(H5Sselect_none(ms), dset);
  }
  H5READCHK(dxpl = H5Pcreate(H5P_DATASET_XFER), dset);
  H5READCHK(H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE), dset);
  H5READCHK(H5Dread(ds, type, ms, fs, dxpl, buf), dset);
  H5Pclose(dxpl);
  H5Sclose(ms);
  H5Sclose(fs);
  H5Dclose(ds);
  PetscFunctionReturn(0);
}

/* A string attribute of `file`, fixed-length (as ftwin writes it) or variable-length (as h5py
 * writes by default), copied NUL-terminated into buf; "" when absent or not a string. */
PetscErrorCode FtH5ReadStringAttr(hid_t file, const char *name, char *buf, size_t len)
{
  PetscFunctionBeginUser;
  (void)FtH5ReadStringAttrLocal(file, name, buf, len); /* not a string: "" (documented in h5util.h) */
  PetscFunctionReturn(0);
}

/* Rank-local: a whole 1-D/2-D double dataset of exactly `count` values into buf; 0, or -1 when it is
 * absent, of another size or unreadable. */
int FtH5ReadAllSerial(hid_t f, const char *name, double *buf, hsize_t count) { return FtH5ReadAllSerialType(f, name, H5T_NATIVE_DOUBLE, buf, count); }

int FtH5ReadAllSerialType(hid_t f, const char *name, hid_t type, void *buf, hsize_t count)
{
  hid_t   d = H5Dopen2(f, name, H5P_DEFAULT), sp;
  hsize_t dims[2] = {0, 1};
  int     nd, rc = -1;
  if (d < 0) return -1;
  sp = H5Dget_space(d);
  nd = H5Sget_simple_extent_dims(sp, dims, NULL);
  if (nd >= 1 && dims[0] * (nd == 2 ? dims[1] : 1) == count)
    rc = count ? (H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0 ? -1 : 0) : 0;
  H5Sclose(sp);
  H5Dclose(d);
  return rc;
}
