/* Mesh stage: a gmsh file to a distributed, interpolated DMPlex whose labels are the physical
 * group names (regions). */
#ifndef FT_MESH_H
#define FT_MESH_H
#include <petscdmplex.h>

#include "case/case.h"

/* Reads `c->mesh_file` (gmsh 2.2 or 4.1), checks it holds tetrahedra, distributes it over the
 * communicator with the PTScotch partitioner (any -petscpartitioner_* option overrides), and
 * checks that every region the case names exists in the mesh. */
PetscErrorCode FtMeshLoad(MPI_Comm comm, const FtCase *c, DM *dm);

/* PETSC_TRUE when `name` is a region (label) of the mesh with at least one point on any rank. */
PetscErrorCode FtMeshHasRegion(DM dm, const char *name, PetscBool *has);
/* Comma-separated list of the mesh's region names (for messages). */
PetscErrorCode FtMeshRegionList(DM dm, char *buf, size_t len);
/* All points (any dimension) of region `name` on this rank, sorted; caller frees with PetscFree. */
PetscErrorCode FtMeshRegionPoints(DM dm, const char *name, PetscInt *n, PetscInt **points);
#endif
