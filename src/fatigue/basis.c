/* The basis file (`ftwin run` results): opened collectively, checked for every channel's load case;
 * this rank's block of nodes and cells; or chosen nodes on every rank. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fatigue/engine.h"
#include "io/h5util.h"
#include "io/layout.h"
#include "runtime/log.h"
#include "runtime/provenance.h"

/* PETSC_TRUE when every component of an absolute HDF5 path exists. */
static PetscBool H5PathExists(hid_t file, const char *dset)
{
  char buf[1024];
  for (const char *p = strchr(dset + 1, '/');; p = strchr(p + 1, '/')) {
    size_t n = p ? (size_t)(p - dset) : strlen(dset);
    snprintf(buf, sizeof buf, "%.*s", (int)n, dset);
    if (H5Lexists(file, buf, H5P_DEFAULT) <= 0) return PETSC_FALSE;
    if (!p) return PETSC_TRUE;
  }
}

PetscErrorCode FtFatigueDatasetDims(hid_t file, const char *path, const char *dset, hsize_t dims[2], int *ndims)
{
  hid_t ds, fs;

  PetscFunctionBeginUser;
  dims[0] = dims[1] = 0;
  H5READCHK(ds = H5Dopen2(file, dset, H5P_DEFAULT), dset);
  H5READCHK(fs = H5Dget_space(ds), dset);
  *ndims = H5Sget_simple_extent_dims(fs, dims, NULL);
  H5Sclose(fs);
  H5Dclose(ds);
  PetscFunctionReturn(0);
}

/* The basis dataset of channel k: the unit stress [nodes][6] of its load case. */
static void ChannelStressDataset(const FtCase *c, int k, char *dset, size_t len)
{
  snprintf(dset, len, FT_H5_P_LOAD_CASE_STRESS, c->loads[c->fatigue.channels[k].load_case].name);
}

/* Opens the basis `basis` collectively (MPI-IO) for reading and checks that it is an ftwin
 * result file with every channel's load case; N = its number of nodes. The caller closes it. */
static PetscErrorCode OpenBasis(MPI_Comm comm, const FtCase *c, const char *basis, hid_t *file, long long *N)
{
  const FtFatigueCase *f = &c->fatigue;
  PetscMPIInt          rank;
  hid_t                fapl;
  hsize_t              dims[2];
  int                  nd;
  char                 path[FT_PATH_MAX];

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  {
    FILE *probe = rank == 0 ? fopen(basis, "r") : NULL;
    int   ok    = rank ? 1 : probe != NULL;
    if (probe) fclose(probe);
    PetscCallMPI(MPI_Bcast(&ok, 1, MPI_INT, 0, comm));
    PetscCheck(ok, comm, PETSC_ERR_FILE_OPEN, "%s: fatigue.basis: cannot open '%s' (run `ftwin run %s` first)", c->path, basis, c->path);
  }
  snprintf(path, sizeof path, "%s", basis);
  H5CHK(fapl = H5Pcreate(H5P_FILE_ACCESS), "file access");
  H5CHK(H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL), "file access");
  *file = FtH5OpenQuiet(path, H5F_ACC_RDONLY, fapl);
  H5Pclose(fapl);
  PetscCheck(*file >= 0, comm, PETSC_ERR_FILE_UNEXPECTED, "%s: fatigue.basis: '%s' is not an HDF5 file", c->path, path);
  PetscCheck(H5PathExists(*file, FT_H5_P_MESH_COORDINATES) && H5PathExists(*file, FT_H5_P_MESH_TOPOLOGY), comm, PETSC_ERR_FILE_UNEXPECTED,
             "%s: fatigue.basis: '%s' is not an ftwin result file (no /mesh)", c->path, path);
  for (int k = 0; k < f->nchannels; k++) {
    char dset[256];
    ChannelStressDataset(c, k, dset, sizeof dset);
    PetscCheck(H5PathExists(*file, dset), comm, PETSC_ERR_FILE_UNEXPECTED,
               "%s:%d: fatigue.channels: the basis '%s' has no load case '%s' (was it made from this case? rerun `ftwin run`)", c->path,
               f->channels[k].line, path, c->loads[f->channels[k].load_case].name);
  }
  PetscCall(FtFatigueDatasetDims(*file, path, FT_H5_P_MESH_COORDINATES, dims, &nd));
  *N = (long long)dims[0];
  PetscCall(FtProvenanceInput(comm, "unit_fields", path));
  PetscFunctionReturn(0);
}

PetscErrorCode FtFatigueBasisRead(FtFatigueWork *W)
{
  const FtCase *c = W->c;
  hid_t         file;
  hsize_t       dims[2];
  int           nd;
  char          path[FT_PATH_MAX];

  PetscFunctionBeginUser;
  PetscCall(OpenBasis(W->comm, c, W->basis, &file, &W->N));
  snprintf(path, sizeof path, "%s", W->basis);
  PetscCall(FtFatigueDatasetDims(file, path, FT_H5_P_MESH_TOPOLOGY, dims, &nd));
  W->E   = (long long)dims[0];
  W->nen = (int)dims[1];
  PetscCall(FtH5ReadStringAttr(file, FT_H5_REGION_NAMES, W->regions, sizeof W->regions));
  W->start  = W->N * W->rank / W->size;
  W->n      = W->N * (W->rank + 1) / W->size - W->start;
  W->cstart = W->E * W->rank / W->size;
  W->ncl    = W->E * (W->rank + 1) / W->size - W->cstart;
  PetscCall(PetscMalloc3((size_t)W->nchan * W->n * 6 + 1, &W->S, (size_t)W->n * 3 + 1, &W->X, (size_t)W->ncl * W->nen + 1, &W->topo));
  PetscCall(PetscMalloc1(W->ncl + 1, &W->creg));
  PetscCall(FtH5ReadRows(file, path, FT_H5_P_MESH_COORDINATES, H5T_NATIVE_DOUBLE, 3, W->start, W->n, W->X));
  PetscCall(FtH5ReadRows(file, path, FT_H5_P_MESH_TOPOLOGY, H5T_NATIVE_LLONG, W->nen, W->cstart, W->ncl, W->topo));
  PetscCall(FtH5ReadRows(file, path, FT_H5_P_MESH_REGION, H5T_NATIVE_INT, 0, W->cstart, W->ncl, W->creg));
  for (int k = 0; k < W->nchan; k++) {
    char dset[256];
    ChannelStressDataset(c, k, dset, sizeof dset);
    PetscCall(FtH5ReadRows(file, path, dset, H5T_NATIVE_DOUBLE, 6, W->start, W->n, &W->S[(size_t)k * W->n * 6]));
  }
  if (W->hooks && W->hooks->stress_hook) PetscCall(W->hooks->stress_hook(file, path, W->start, W->n, W->S, W->hooks->stress_ctx));
  H5Fclose(file);
  PetscCall(FtLogInfo("basis %s: %lld nodes, %lld cells; %lld nodes on this rank", W->basis, W->N, W->E, W->n));
  PetscFunctionReturn(0);
}

/* Rank 0 reads the rows `nodes` of each channel's stress dataset (an HDF5 point selection, in
 * the given order, independent I/O) and broadcasts them. */
PetscErrorCode FtFatigueReadBasisNodes(MPI_Comm comm, const char *basis_path, const FtCase *c, int nnodes, const long long *nodes,
                                       double *S)
{
  const char *basis = basis_path ? basis_path : c->fatigue.basis;
  const int   nchan = c->fatigue.nchannels;
  PetscMPIInt rank;
  hid_t       file;
  long long   N;
  int         bad = -1, ierr = 0;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCheck(nnodes >= 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "FtFatigueReadBasisNodes: %d nodes asked for", nnodes);
  PetscCall(OpenBasis(comm, c, basis, &file, &N));
  for (int i = 0; i < nnodes && bad < 0; i++)
    if (nodes[i] < 0 || nodes[i] >= N) bad = i;
  if (bad >= 0) {
    H5Fclose(file);
    SETERRQ(comm, PETSC_ERR_ARG_OUTOFRANGE, "%s: fatigue.basis: '%s' has %lld nodes, node %lld (entry %d) does not exist", c->path, basis,
            N, nodes[bad], bad);
  }
  if (rank == 0 && nnodes > 0) {
    hsize_t *coord = malloc(sizeof(hsize_t) * 2 * 6 * (size_t)nnodes);
    hsize_t  mdim  = (hsize_t)nnodes * 6;
    if (!coord) ierr = 1;
    for (int i = 0; coord && i < nnodes; i++)
      for (int q = 0; q < 6; q++) {
        coord[2 * (6 * i + q)]     = (hsize_t)nodes[i];
        coord[2 * (6 * i + q) + 1] = (hsize_t)q;
      }
    for (int k = 0; k < nchan && !ierr; k++) {
      char  dset[256];
      hid_t ds, fs, ms;
      ChannelStressDataset(c, k, dset, sizeof dset);
      ds = H5Dopen2(file, dset, H5P_DEFAULT);
      fs = ds >= 0 ? H5Dget_space(ds) : -1;
      ms = H5Screate_simple(1, &mdim, NULL);
      if (ds < 0 || fs < 0 || ms < 0 || H5Sselect_elements(fs, H5S_SELECT_SET, mdim, coord) < 0 ||
          H5Dread(ds, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, &S[(size_t)k * nnodes * 6]) < 0)
        ierr = 2 + k;
      if (ms >= 0) H5Sclose(ms);
      if (fs >= 0) H5Sclose(fs);
      if (ds >= 0) H5Dclose(ds);
    }
    free(coord);
  }
  H5Fclose(file);
  PetscCallMPI(MPI_Bcast(&ierr, 1, MPI_INT, 0, comm));
  PetscCheck(ierr != 1, comm, PETSC_ERR_MEM, "out of memory reading %d nodes of the basis '%s'", nnodes, basis);
  PetscCheck(!ierr, comm, PETSC_ERR_FILE_READ, "%s: fatigue.basis: HDF5 failed reading the stress of load case '%s' in '%s'", c->path,
             c->loads[c->fatigue.channels[PetscMax(ierr - 2, 0)].load_case].name, basis);
  if (nnodes > 0) PetscCallMPI(MPI_Bcast(S, nchan * nnodes * 6, MPI_DOUBLE, 0, comm));
  PetscFunctionReturn(0);
}
