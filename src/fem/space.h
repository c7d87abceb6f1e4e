/* The finite-element space on the distributed mesh: P1 (nodes at vertices) or P2 (vertices and
 * edge midpoints) Lagrange on straight-sided tetrahedra.
 *
 * Nodes are DMPlex points (vertices, and edges for P2). One PetscSection per field width
 * (1 for temperature, 3 for displacement, 7 for nodal stress accumulation) on DM clones that
 * share the topology, so local node n has local dofs [w*n, w*n + w) in every field. Ghost nodes
 * (shared with other ranks) are in the local vectors; each node is owned by exactly one rank.
 *
 * Elements keep the mesh's tetrahedra; their vertices are reordered when needed so that every
 * element is positively oriented (detJ > 0) in ftwin's convention (kernels/ft_tet.h). */
#ifndef FT_SPACE_H
#define FT_SPACE_H
#include <petscdmplex.h>

#include "case/case.h"

typedef struct {
  DM        dm;          /* the distributed mesh (not owned) */
  int       order;       /* 1 or 2 */
  int       nen;         /* nodes per element: 4 or 10 */
  PetscInt  ncells;      /* local cells */
  PetscInt  cStart;
  double   *X;           /* [ncells][4][3] vertex coordinates [m], positively oriented */
  PetscInt *cell_nodes;  /* [ncells][nen] local node indices, in kernel node order */
  int      *cell_material; /* [ncells] index into FtCase.materials */
  double   *cell_volume; /* [ncells] */
  PetscInt  nnodes;      /* local nodes, ghosts included */
  PetscInt  nowned;      /* nodes owned by this rank */
  PetscInt  nglobal;     /* nodes over all ranks */
  PetscInt  ownedStart;  /* global index of this rank's first owned node */
  PetscInt *node_point;  /* [nnodes] DMPlex point of each node */
  PetscInt *node_global; /* [nnodes] global node index (owned or not) */
  PetscBool *node_owned; /* [nnodes] */
  double   *node_x;      /* [nnodes][3] coordinates [m] */
  PetscInt  pStart, pEnd;
  PetscInt *point_node;  /* [pEnd-pStart] local node of a point, -1 when it carries none */
  DM        dm1, dm3, dm7; /* clones with 1, 3 and 7 dofs per node */
} FtSpace;

PetscErrorCode FtSpaceCreate(DM dm, const FtCase *c, FtSpace *s);
PetscErrorCode FtSpaceDestroy(FtSpace *s);

/* The local nodes (owned and ghost) on the closure of a region (a volume, surface, curve or point
 * group), sorted: the union over ranks, so a node is listed on every rank that has it whichever
 * rank holds the region's faces. Collective. */
PetscErrorCode FtSpaceRegionNodes(const FtSpace *s, const char *region, PetscInt *n, PetscInt **nodes);

/* Boundary faces of a surface region on this rank, each as a face-local element:
 * Xf [nf][3][3] vertex coordinates ordered so the normal (X1-X0)x(X2-X0) points OUT of the body,
 * nodes [nf][6] local node indices in kernel face order (3 for P1). Only faces on the true
 * boundary of the body (one cell) are returned, each on exactly one rank. */
PetscErrorCode FtSpaceRegionFaces(const FtSpace *s, const char *region, PetscInt *nf, double **Xf, PetscInt **nodes);
#endif
