#include "io/output.h"

#include "io/atomic.h"
#include "io/h5util.h"
#include "io/layout.h"

#include <errno.h>
#include <hdf5.h>
#include <libgen.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "build_info.h"
#include "ft_elasticity.h"
#include "runtime/log.h"

PetscErrorCode FtOutputCheckWritable(MPI_Comm comm, const FtCase *c)
{
  PetscFunctionBeginUser;
  PetscCall(FtCheckWritable(comm, c->path, "output.file", c->output_file));
  PetscFunctionReturn(0);
}

/* Owned part of a global field vector of width w, as a plain array in global node order. */
static PetscErrorCode OwnedArray(Vec v, const PetscScalar **a)
{
  PetscFunctionBeginUser;
  PetscCall(VecGetArrayRead(v, a));
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteH5(const FtSpace *s, const FtCase *c, const FtResults *r, FtAtomicOutput *out, PetscInt cellStart,
                              PetscInt ncellsGlobal)
{
  MPI_Comm    comm = PetscObjectComm((PetscObject)s->dm);
  const char *path = out->tmp, *date = out->date;
  PetscMPIInt size, rank;
  hid_t       file, g, gl;
  const int   nen = s->nen;
  double     *buf;
  long long  *topo;
  int        *ibuf;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(FtAtomicCreateH5(comm, out, c->path, "output.file", &file));

  PetscCall(PetscMalloc3((size_t)PetscMax(s->nowned, s->ncells) * 6 + 1, &buf, (size_t)s->ncells * nen + 1, &topo,
                         s->ncells + 1, &ibuf));
  /* mesh */
  H5CHK(g = H5Gcreate2(file, FT_H5_MESH, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "group mesh");
  {
    PetscInt i = 0;
    for (PetscInt n = 0; n < s->nnodes; n++)
      if (s->node_owned[n]) {
        PetscCheck(s->node_global[n] == s->ownedStart + i, PETSC_COMM_SELF, PETSC_ERR_PLIB, "owned nodes not contiguous");
        for (int k = 0; k < 3; k++) buf[3 * i + k] = s->node_x[3 * n + k];
        i++;
      }
  }
  PetscCall(FtH5WriteRows(g, path, FT_H5_MESH_COORDINATES, H5T_NATIVE_DOUBLE, s->nglobal, 3, s->ownedStart, s->nowned, buf));
  for (PetscInt e = 0; e < s->ncells; e++)
    for (int a = 0; a < nen; a++) topo[(size_t)nen * e + a] = s->node_global[s->cell_nodes[nen * e + a]];
  PetscCall(FtH5WriteRows(g, path, FT_H5_MESH_TOPOLOGY, H5T_NATIVE_LLONG, ncellsGlobal, nen, cellStart, s->ncells, topo));
  for (PetscInt e = 0; e < s->ncells; e++) ibuf[e] = s->cell_material[e];
  PetscCall(FtH5WriteRows(g, path, FT_H5_MESH_REGION, H5T_NATIVE_INT, ncellsGlobal, 0, cellStart, s->ncells, ibuf));
  for (PetscInt e = 0; e < s->ncells; e++) ibuf[e] = rank;
  PetscCall(FtH5WriteRows(g, path, FT_H5_MESH_RANK, H5T_NATIVE_INT, ncellsGlobal, 0, cellStart, s->ncells, ibuf));
  H5Gclose(g);

  /* temperatures */
  if (c->nthermal) {
    H5CHK(g = H5Gcreate2(file, FT_H5_THERMAL, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "group thermal");
    for (int t = 0; t < c->nthermal; t++) {
      const PetscScalar *ta;
      H5CHK(gl = H5Gcreate2(g, c->thermal[t].name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), c->thermal[t].name);
      PetscCall(OwnedArray(r->T[t], &ta));
      PetscCall(FtH5WriteRows(gl, path, FT_H5_TEMPERATURE, H5T_NATIVE_DOUBLE, s->nglobal, 0, s->ownedStart, s->nowned, ta));
      PetscCall(VecRestoreArrayRead(r->T[t], &ta));
      {
        long long its = r->tinfo[t].its;
        PetscCall(FtH5AttrScalar(gl, path, "iterations", H5T_NATIVE_LLONG, &its));
      }
      H5Gclose(gl);
    }
    H5Gclose(g);
  }

  /* load cases */
  H5CHK(g = H5Gcreate2(file, FT_H5_LOAD_CASES, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "group load_cases");
  for (int l = 0; l < c->nloads; l++) {
    const PetscScalar *ua;
    const double      *ns = r->node_stress[l], *cs = r->cell_stress[l];
    H5CHK(gl = H5Gcreate2(g, c->loads[l].name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), c->loads[l].name);
    PetscCall(OwnedArray(r->u[l], &ua));
    PetscCall(FtH5WriteRows(gl, path, FT_H5_DISPLACEMENT, H5T_NATIVE_DOUBLE, s->nglobal, 3, s->ownedStart, s->nowned, ua));
    PetscCall(VecRestoreArrayRead(r->u[l], &ua));
    PetscCall(FtH5WriteRows(gl, path, FT_H5_STRESS, H5T_NATIVE_DOUBLE, s->nglobal, 6, s->ownedStart, s->nowned, ns));
    for (PetscInt i = 0; i < s->nowned; i++) buf[i] = ft_von_mises(&ns[6 * i]);
    PetscCall(FtH5WriteRows(gl, path, FT_H5_VON_MISES, H5T_NATIVE_DOUBLE, s->nglobal, 0, s->ownedStart, s->nowned, buf));
    for (PetscInt i = 0; i < s->nowned; i++) ft_principal_stresses(&ns[6 * i], &buf[3 * i]);
    PetscCall(FtH5WriteRows(gl, path, FT_H5_PRINCIPAL, H5T_NATIVE_DOUBLE, s->nglobal, 3, s->ownedStart, s->nowned, buf));
    PetscCall(FtH5WriteRows(gl, path, FT_H5_STRESS_CELL, H5T_NATIVE_DOUBLE, ncellsGlobal, 6, cellStart, s->ncells, cs));
    for (PetscInt e = 0; e < s->ncells; e++) buf[e] = ft_von_mises(&cs[6 * e]);
    PetscCall(FtH5WriteRows(gl, path, FT_H5_VON_MISES_CELL, H5T_NATIVE_DOUBLE, ncellsGlobal, 0, cellStart, s->ncells, buf));
    {
      long long its = r->info[l].its;
      PetscCall(FtH5AttrScalar(gl, path, "iterations", H5T_NATIVE_LLONG, &its));
      if (r->info[l].l2_error >= 0) {
        PetscCall(FtH5AttrScalar(gl, path, "l2_error", H5T_NATIVE_DOUBLE, &r->info[l].l2_error));
        PetscCall(FtH5AttrScalar(gl, path, "l2_norm_exact", H5T_NATIVE_DOUBLE, &r->info[l].l2_exact));
      }
    }
    H5Gclose(gl);
  }
  H5Gclose(g);

  /* the case file's text, written by rank 0 */
  {
    size_t len = strlen(c->text);
    PetscCall(FtH5WriteRows(file, path, FT_H5_CASE_FILE, H5T_NATIVE_CHAR, len, 0, 0, rank == 0 ? len : 0, c->text));
  }
  /* provenance */
  {
    char build[512], regions[2048] = "";
    int  ranks = size, order = s->order;
    snprintf(build, sizeof build, "ftwin %s; %s; C %s; CUDA %s (archs %s); PETSc %s; HDF5 %s", FTWIN_VERSION, FTWIN_BUILD_TYPE,
             FTWIN_C_COMPILER, FTWIN_BUILD_CUDA_EMULATION ? "emulation" : FTWIN_BUILD_CUDA ? "on" : "off", FTWIN_CUDA_ARCHS, FTWIN_PETSC_VERSION, FTWIN_HDF5_VERSION);
    for (int m = 0; m < c->nmaterials; m++) {
      size_t used = strlen(regions);
      snprintf(regions + used, sizeof regions - used, "%s%s", m ? "," : "", c->materials[m].region);
    }
    PetscCall(FtH5AttrString(file, path, "ftwin_version", FTWIN_VERSION));
    PetscCall(FtH5AttrString(file, path, "build", build));
    PetscCall(FtH5AttrScalar(file, path, "mpi_ranks", H5T_NATIVE_INT, &ranks));
    PetscCall(FtH5AttrString(file, path, "date", date));
    PetscCall(FtH5AttrString(file, path, "case_name", c->name));
    PetscCall(FtH5AttrString(file, path, "case_path", c->path));
    PetscCall(FtH5AttrString(file, path, "mesh_file", c->mesh_file));
    PetscCall(FtH5AttrScalar(file, path, "order", H5T_NATIVE_INT, &order));
    PetscCall(FtH5AttrString(file, path, "backend", r->backend));
    PetscCall(FtH5AttrString(file, path, "region_names", regions));
    PetscCall(FtH5AttrString(file, path, "stress_order", "xx yy zz yz xz xy"));
    PetscCall(FtH5AttrString(file, path, "units", "SI: m, Pa, K"));
    PetscCall(FtH5AttrString(file, path, "nodal_stress_method", "volume-weighted average of element stresses at the node"));
  }
  PetscCall(PetscFree3(buf, topo, ibuf));
  if (r->extra) PetscCall(r->extra(file, path, r->extra_ctx));
  PetscCheck(H5Fclose(file) >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "HDF5 failed closing '%s'", path);
  PetscFunctionReturn(0);
}

static void XdmfData(FILE *f, const char *h5base, const char *dset, long long n, int m, const char *type, int prec)
{
  if (m) fprintf(f, "        <DataItem Dimensions=\"%lld %d\" NumberType=\"%s\" Precision=\"%d\" Format=\"HDF\">%s:%s</DataItem>\n", n, m, type, prec, h5base, dset);
  else fprintf(f, "        <DataItem Dimensions=\"%lld\" NumberType=\"%s\" Precision=\"%d\" Format=\"HDF\">%s:%s</DataItem>\n", n, type, prec, h5base, dset);
}

static int WriteXdmf(const FtSpace *s, const FtCase *c, const FtAtomicOutput *out, PetscInt ncellsGlobal)
{
  char        t[FT_PATH_MAX], h5base[FT_PATH_MAX];
  int         err;
  FILE       *f = FtAtomicOpenXdmf(out, &err);
  long long   N = s->nglobal, E = ncellsGlobal;
  if (!f) {
    errno = err;
    return -1;
  }
  snprintf(t, sizeof t, "%s", c->output_file);
  snprintf(h5base, sizeof h5base, "%s", basename(t));
  fprintf(f, "<?xml version=\"1.0\" ?>\n<!-- ftwin %s: open this file in ParaView (Xdmf3 reader) -->\n", FTWIN_VERSION);
  fprintf(f, "<Xdmf Version=\"3.0\">\n  <Domain>\n    <Grid Name=\"%s\" GridType=\"Uniform\">\n", c->name);
  fprintf(f, "      <Topology TopologyType=\"%s\" NumberOfElements=\"%lld\">\n", s->order == 2 ? "Tetrahedron_10" : "Tetrahedron", E);
  XdmfData(f, h5base, FT_H5_P_MESH_TOPOLOGY, E, s->nen, "Int", 8);
  fprintf(f, "      </Topology>\n      <Geometry GeometryType=\"XYZ\">\n");
  XdmfData(f, h5base, FT_H5_P_MESH_COORDINATES, N, 3, "Float", 8);
  fprintf(f, "      </Geometry>\n");
  fprintf(f, "      <Attribute Name=\"region\" AttributeType=\"Scalar\" Center=\"Cell\">\n");
  XdmfData(f, h5base, FT_H5_P_MESH_REGION, E, 0, "Int", 4);
  fprintf(f, "      </Attribute>\n      <Attribute Name=\"rank\" AttributeType=\"Scalar\" Center=\"Cell\">\n");
  XdmfData(f, h5base, FT_H5_G_MESH "/" FT_H5_MESH_RANK, E, 0, "Int", 4);
  fprintf(f, "      </Attribute>\n");
  for (int i = 0; i < c->nthermal; i++) {
    char d[256];
    snprintf(d, sizeof d, FT_H5_P_TEMPERATURE, c->thermal[i].name);
    fprintf(f, "      <Attribute Name=\"temperature_%s\" AttributeType=\"Scalar\" Center=\"Node\">\n", c->thermal[i].name);
    XdmfData(f, h5base, d, N, 0, "Float", 8);
    fprintf(f, "      </Attribute>\n");
  }
  for (int l = 0; l < c->nloads; l++) {
    const struct { const char *name, *type, *center; int m; } fields[] = {
      {"displacement", "Vector", "Node", 3}, {"stress", "Matrix", "Node", 6},      {"von_mises", "Scalar", "Node", 0},
      {"principal", "Vector", "Node", 3},    {"stress_cell", "Matrix", "Cell", 6}, {"von_mises_cell", "Scalar", "Cell", 0}};
    for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++) {
      char d[256];
      snprintf(d, sizeof d, FT_H5_P_LOAD_CASE_FIELD, c->loads[l].name, fields[k].name);
      fprintf(f, "      <Attribute Name=\"%s_%s\" AttributeType=\"%s\" Center=\"%s\">\n", fields[k].name, c->loads[l].name,
              fields[k].type, fields[k].center);
      XdmfData(f, h5base, d, fields[k].center[0] == 'N' ? N : E, fields[k].m, "Float", 8);
      fprintf(f, "      </Attribute>\n");
    }
  }
  fprintf(f, "    </Grid>\n  </Domain>\n</Xdmf>\n");
  return fclose(f) ? -1 : 0;
}

PetscErrorCode FtOutputWrite(const FtSpace *s, const FtCase *c, const FtResults *r)
{
  MPI_Comm       comm = PetscObjectComm((PetscObject)s->dm);
  PetscMPIInt    rank;
  FtAtomicOutput out;
  PetscInt       cellStart = 0, ncellsGlobal, ncells = s->ncells;
  PetscErrorCode ierr;
  int            err = 0;
  double         t0 = FtWallTime();

  PetscFunctionBeginUser;
  PetscCall(PetscLogEventBegin(FT_EV_OUTPUT, 0, 0, 0, 0));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(FtAtomicBegin(comm, c->output_file, c->write_xdmf, c->path, "output.file", &out));
  PetscCallMPI(MPI_Exscan(&ncells, &cellStart, 1, MPIU_INT, MPI_SUM, comm));
  if (rank == 0) cellStart = 0;
  PetscCallMPI(MPI_Allreduce(&ncells, &ncellsGlobal, 1, MPIU_INT, MPI_SUM, comm));
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  ierr = WriteH5(s, c, r, &out, cellStart, ncellsGlobal);
  if (ierr) {
    PetscCall(FtAtomicAbort(comm, &out));
    SETERRQ(comm, PETSC_ERR_FILE_WRITE, "%s: output.file: writing '%s' failed; previous results left untouched", c->path, c->output_file);
  }
  if (rank == 0 && c->write_xdmf && WriteXdmf(s, c, &out, ncellsGlobal)) err = errno ? errno : EIO;
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, comm));
  if (err) {
    PetscCall(FtAtomicAbort(comm, &out));
    SETERRQ(comm, PETSC_ERR_FILE_WRITE, "%s: output.file: writing '%s' failed: %s; previous results left untouched", c->path, out.xdmf,
            strerror(err));
  }
  PetscCall(FtAtomicCommit(comm, &out, c->path, "output.file"));
  PetscCall(PetscLogEventEnd(FT_EV_OUTPUT, 0, 0, 0, 0));
  PetscCall(FtLogInfo("wrote %s%s%s (%.2f s)", c->output_file, c->write_xdmf ? " and " : "", c->write_xdmf ? out.xdmf : "", FtWallTime() - t0));
  PetscFunctionReturn(0);
}
