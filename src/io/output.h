/* Output stage: one HDF5 file per run, written collectively by all ranks, and an XDMF file
 * beside it for ParaView. Both are written under temporary names and renamed at the end, so a
 * failed or killed run never leaves a half-written file nor destroys the previous results.
 *
 * Layout (global node and cell numbering; SI units; Voigt order xx yy zz yz xz xy):
 *   /mesh/coordinates [nodes][3]    /mesh/topology [cells][4|10] (VTK/XDMF tetra node order)
 *   /mesh/region [cells] (index into the root attribute region_names)   /mesh/rank [cells]
 *   /thermal/<case>/temperature [nodes]
 *   /load_cases/<case>/{displacement [nodes][3], stress [nodes][6], von_mises [nodes],
 *                       principal [nodes][3], stress_cell [cells][6], von_mises_cell [cells]}
 *   /case_file (the case file's text)
 *   root attributes: ftwin_version, build, mpi_ranks, date, case_file, mesh_file, order, backend,
 *   petsc_version, hdf5_version; per case attributes: iterations (and l2_error). */
#ifndef FT_OUTPUT_H
#define FT_OUTPUT_H
#include <hdf5.h>
#include <petscvec.h>

#include "case/case.h"
#include "fem/space.h"
#include "physics/physics.h"

typedef struct {
  Vec         *T;           /* [nthermal] */
  FtSolveInfo *tinfo;       /* [nthermal] */
  Vec         *u;           /* [nloads] */
  FtSolveInfo *info;        /* [nloads] */
  double     **node_stress; /* [nloads][nowned*6] */
  double     **cell_stress; /* [nloads][ncells*6] */
  const char  *backend;
  /* optional: called collectively with the file open, after the fields, before it is closed and
     renamed into place (ftwin basis adds /basis); NULL for none */
  PetscErrorCode (*extra)(hid_t file, const char *path, void *ctx);
  void        *extra_ctx;
} FtResults;

/* Fails early (before any solve) when the output file cannot be created; creates the folder. */
PetscErrorCode FtOutputCheckWritable(MPI_Comm comm, const FtCase *c);
PetscErrorCode FtOutputWrite(const FtSpace *s, const FtCase *c, const FtResults *r);
#endif
