#ifndef FT_GMSH_GROUPS_H
#define FT_GMSH_GROUPS_H
#include <petscdm.h>
/* Labels the vertices and edges of the gmsh file's physical point and curve groups on the
 * undistributed mesh (rank 0 holds it); call before DMPlexDistribute. ASCII .msh only; other
 * files are left as PETSc read them. */
PetscErrorCode FtGmshLabelLowerDimGroups(DM dm, const char *path);
/* Distinct vertices at exactly the same coordinates mean elements that should share a node do
 * not: a crack (seen in meshes from multithreaded gmsh). An error naming the first position.
 * Call on the undistributed mesh. */
PetscErrorCode FtMeshCheckDuplicateVertices(DM dm, const char *casepath, const char *meshfile);
#endif
