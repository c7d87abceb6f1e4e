/* Collective HDF5 helpers and safe file replacement (write to a temporary name, then rename). */
#ifndef FT_H5UTIL_H
#define FT_H5UTIL_H
#include <hdf5.h>
#include <stdio.h>
#include <sys/types.h>
#include <petscsys.h>

#include "case/case.h"
#include "io/h5_local.h" /* FtH5OpenQuiet */

/* Checks an HDF5 write call's result inside a function with a `path` variable naming the file. */
#define H5CHK(expr, what) \
  do { \
    if ((expr) < 0) \
      SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, \
              "HDF5 failed writing %s of '%s' (disk full, over quota, or its folder removed?); previous results left untouched", \
              what, path); \
  } while (0)
/* The same for a read: an unreadable or damaged file is reported as such. */
#define H5READCHK(expr, what) \
  do { \
    if ((expr) < 0) SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "HDF5 failed reading %s of '%s'", what, path); \
  } while (0)

int  FtMkdirP(const char *dir);
void FtDirOf(const char *path, char *dir, size_t len);
/* The temporary name a writer uses for `path`: <dir>/.<base>.tmp.<pid> */
void FtTmpName(const char *path, long pid, char *tmp, size_t len);
/* Rank 0, before a temporary is created: 0 when nothing is at `tmp` (a regular file of ours, left
 * by a killed run with this pid, is removed); ELOOP when a symbolic link is planted there; EEXIST
 * for anything else (left as it is). */
int   FtTmpCheckFree(const char *tmp);
/* Registers a temporary this process created, for FtTmpRemoveAll. */
void  FtTmpRegister(const char *tmp);
/* Creates and opens the temporary `tmp` for writing (rank 0): exclusively and never through a
 * symbolic link (O_EXCL | O_NOFOLLOW), mode rw-rw-r-- less the umask, registered. NULL with *err
 * (ELOOP: a link is planted there). */
FILE *FtTmpFopen(const char *tmp, int *err);
/* The identity of a file (device, inode). */
typedef struct {
  dev_t dev;
  ino_t ino;
} FtFileId;
/* After HDF5 created the temporary `tmp` (exclusively): opened without following links, its
 * write permission for others removed, its identity kept in *id. 0 or errno. */
int   FtTmpSecure(const char *tmp, FtFileId *id);
/* 1 when `tmp` is still the regular file *id (not replaced, not a link). */
int   FtTmpSame(const char *tmp, const FtFileId *id);
/* Forgets a temporary name (renamed into place or removed). */
void FtTmpRelease(const char *tmp);
/* Deletes (rank 0) every temporary file registered in this process and not released: main
 * calls it when a command fails, so no half-written file is left beside the previous results. */
void FtTmpRemoveAll(void);
/* 1 when `path` is a symbolic link (lstat). */
int  FtIsSymlink(const char *path);
/* The error for an output `file` that is a symbolic link (file_is_link), or whose temporary name
 * tmp_link is one (non-NULL); collective, on the flags rank 0 found. */
PetscErrorCode FtCheckNoLink(MPI_Comm comm, const char *casepath, const char *key, const char *file, int file_is_link, const char *tmp_link);
/* Fails early (collectively) when `file` cannot be created (or is a symbolic link, or a link is
 * planted at its temporary name); creates its folder. */
PetscErrorCode FtCheckWritable(MPI_Comm comm, const char *casepath, const char *key, const char *file);

/* One collective write of rows [start, start+count) of a new [N][M] dataset (M = 0: 1-D). */
PetscErrorCode FtH5WriteRows(hid_t loc, const char *path, const char *name, hid_t type, hsize_t N, hsize_t M, hsize_t start,
                             hsize_t count, const void *buf);
/* One collective read of rows [start, start+count) of the dataset `dset` ([N] or [N][M], M = 0: 1-D)
 * into buf (a rank with count 0 takes part with an empty selection). */
PetscErrorCode FtH5ReadRows(hid_t file, const char *path, const char *dset, hid_t type, hsize_t M, hsize_t start, hsize_t count,
                            void *buf);
PetscErrorCode FtH5AttrString(hid_t loc, const char *path, const char *name, const char *value);
PetscErrorCode FtH5AttrScalar(hid_t loc, const char *path, const char *name, hid_t type, const void *value);
/* Rank-local reads (no MPI): a string attribute of `loc`, fixed-length (as ftwin writes it) or
 * variable-length (as h5py writes), NUL-terminated into buf ("" when absent or not a string); a
 * whole double dataset of exactly `count` values (0, or -1 when absent, of another size or unreadable). */
PetscErrorCode FtH5ReadStringAttr(hid_t loc, const char *name, char *buf, size_t len);
int            FtH5ReadAllSerial(hid_t f, const char *name, double *buf, hsize_t count);
/* The same in the memory type `type` (H5T_NATIVE_LLONG ...). */
int            FtH5ReadAllSerialType(hid_t f, const char *name, hid_t type, void *buf, hsize_t count);

#endif
