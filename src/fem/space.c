#include "fem/space.h"

#include <math.h>
#include <string.h>

#include "ft_tet.h"
#include "mesh/mesh.h"

/* Sign that a well-formed gmsh tetrahedron's determinant has in DMPlex's closure vertex order
 * (DMPlex stores tetrahedra inverted with respect to gmsh; see DMPlexInvertCell). A cell whose
 * determinant has the other sign was inverted in the mesh file. Checked by tests/unit meshes. */
#define FT_PLEX_TET_SIGN (-1.0)

static PetscErrorCode MakeClone(DM dm, PetscInt pStart, PetscInt pEnd, PetscInt vStart, PetscInt vEnd,
                                PetscInt eStart, PetscInt eEnd, int order, PetscInt width, DM *clone)
{
  PetscSection sec;

  PetscFunctionBeginUser;
  PetscCall(DMClone(dm, clone));
  PetscCall(PetscSectionCreate(PetscObjectComm((PetscObject)dm), &sec));
  PetscCall(PetscSectionSetChart(sec, pStart, pEnd));
  for (PetscInt p = vStart; p < vEnd; p++) PetscCall(PetscSectionSetDof(sec, p, width));
  if (order == 2)
    for (PetscInt p = eStart; p < eEnd; p++) PetscCall(PetscSectionSetDof(sec, p, width));
  PetscCall(PetscSectionSetUp(sec));
  PetscCall(DMSetLocalSection(*clone, sec));
  PetscCall(PetscSectionDestroy(&sec));
  PetscFunctionReturn(0);
}

/* The point ranges of the mesh: chart, vertices (depth 0), edges (depth 1), cells (height 0). */
typedef struct {
  PetscInt pStart, pEnd, vStart, vEnd, eStart, eEnd, cStart, cEnd;
} FtPlexStrata;

/* Local index (0..3) of vertex point v among the element's four vertex points. */
static int VertexSlot(const PetscInt vpts[4], PetscInt v)
{
  for (int a = 0; a < 4; a++)
    if (vpts[a] == v) return a;
  return -1;
}

/* Nodes: local index = offset in the width-1 local section; owned where the global offset is
 * >= 0. Coordinates (times mesh_scale): a vertex's own, an edge node's the mean of its two
 * vertices. nglobal and ownedStart over all ranks. */
static PetscErrorCode SetUpNodes(DM dm, const FtCase *c, const FtPlexStrata *P, FtSpace *s)
{
  MPI_Comm           comm = PetscObjectComm((PetscObject)dm);
  PetscSection       lsec, gsec, csec;
  Vec                coords;
  const PetscScalar *xa;

  PetscFunctionBeginUser;
  PetscCall(DMGetLocalSection(s->dm1, &lsec));
  PetscCall(DMGetGlobalSection(s->dm1, &gsec));
  PetscCall(PetscSectionGetStorageSize(lsec, &s->nnodes));
  PetscCall(PetscMalloc1(P->pEnd - P->pStart, &s->point_node));
  PetscCall(PetscMalloc4(s->nnodes, &s->node_point, s->nnodes, &s->node_global, s->nnodes, &s->node_owned,
                         3 * s->nnodes, &s->node_x));
  PetscCall(DMGetCoordinatesLocal(dm, &coords));
  PetscCall(DMGetCoordinateSection(dm, &csec));
  PetscCall(VecGetArrayRead(coords, &xa));
  s->nowned = 0;
  for (PetscInt p = P->pStart; p < P->pEnd; p++) {
    PetscInt dof, off, goff;
    PetscCall(PetscSectionGetDof(lsec, p, &dof));
    if (!dof) {
      s->point_node[p - P->pStart] = -1;
      continue;
    }
    PetscCall(PetscSectionGetOffset(lsec, p, &off));
    PetscCall(PetscSectionGetOffset(gsec, p, &goff));
    s->point_node[p - P->pStart] = off;
    s->node_point[off]           = p;
    s->node_owned[off]           = goff >= 0 ? PETSC_TRUE : PETSC_FALSE;
    s->node_global[off]          = goff >= 0 ? goff : -(goff + 1);
    if (goff >= 0) s->nowned++;
    if (p >= P->vStart && p < P->vEnd) {
      PetscInt coff;
      PetscCall(PetscSectionGetOffset(csec, p, &coff));
      for (int i = 0; i < 3; i++) s->node_x[3 * off + i] = c->mesh_scale * PetscRealPart(xa[coff + i]);
    } else { /* edge midpoint */
      const PetscInt *cone;
      PetscInt        o0, o1;
      PetscCall(DMPlexGetCone(dm, p, &cone));
      PetscCall(PetscSectionGetOffset(csec, cone[0], &o0));
      PetscCall(PetscSectionGetOffset(csec, cone[1], &o1));
      for (int i = 0; i < 3; i++) s->node_x[3 * off + i] = 0.5 * c->mesh_scale * PetscRealPart(xa[o0 + i] + xa[o1 + i]);
    }
  }
  PetscCall(VecRestoreArrayRead(coords, &xa));
  PetscCallMPI(MPI_Allreduce(&s->nowned, &s->nglobal, 1, MPIU_INT, MPI_SUM, comm));
  PetscCallMPI(MPI_Exscan(&s->nowned, &s->ownedStart, 1, MPIU_INT, MPI_SUM, comm));
  {
    PetscMPIInt rank;
    PetscCallMPI(MPI_Comm_rank(comm, &rank));
    if (rank == 0) s->ownedStart = 0;
  }
  PetscFunctionReturn(0);
}

/* P2: the nodes of cell `cell`'s six edge points epts, in ft_tet_edge_vertices order (the slot
 * whose two vertices are the edge's), into cell_nodes[4..9] of element k. */
static PetscErrorCode SetCellEdgeNodes(DM dm, FtSpace *s, PetscInt cell, PetscInt k, const PetscInt vpts[4], const PetscInt epts[6])
{
  MPI_Comm comm = PetscObjectComm((PetscObject)dm);

  PetscFunctionBeginUser;
  for (int e = 0; e < 6; e++) {
    const PetscInt *cone;
    int             ia, ib, slot = -1;
    PetscCall(DMPlexGetCone(dm, epts[e], &cone));
    ia = VertexSlot(vpts, cone[0]);
    ib = VertexSlot(vpts, cone[1]);
    for (int f = 0; f < 6; f++) {
      int fa, fb;
      ft_tet_edge_vertices(f, &fa, &fb);
      if ((fa == ia && fb == ib) || (fa == ib && fb == ia)) slot = f;
    }
    PetscCheck(slot >= 0, comm, PETSC_ERR_PLIB, "edge of cell %" PetscInt_FMT " not matched", cell);
    s->cell_nodes[s->nen * k + 4 + slot] = s->point_node[epts[e] - s->pStart];
  }
  PetscFunctionReturn(0);
}

/* Refuses a mesh with degenerate or inverted cells (counts over all ranks), naming the first bad
 * cell found on the lowest rank that has one (badx: its centre in mesh units). */
static PetscErrorCode CheckBadCells(MPI_Comm comm, const FtCase *c, PetscInt ndegenerate, PetscInt nbad, double badx[3])
{
  PetscInt loc[2] = {ndegenerate, nbad}, glob[2];

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Allreduce(loc, glob, 2, MPIU_INT, MPI_SUM, comm));
  /* Report the first bad cell found on the lowest rank that has one. */
  if (glob[0] || glob[1]) {
    PetscMPIInt rank, have, first;
    PetscCallMPI(MPI_Comm_rank(comm, &rank));
    have = (ndegenerate || nbad) ? rank : 1 << 30;
    PetscCallMPI(MPI_Allreduce(&have, &first, 1, MPI_INT, MPI_MIN, comm));
    PetscCallMPI(MPI_Bcast(badx, 3, MPI_DOUBLE, first, comm));
    PetscCheck(!glob[0], comm, PETSC_ERR_USER_INPUT,
               "%s: mesh '%s' has %" PetscInt_FMT " degenerate (zero-volume) tetrahedra; the first is near (%g, %g, %g) in mesh units",
               c->path, c->mesh_file, glob[0], badx[0], badx[1], badx[2]);
    SETERRQ(comm, PETSC_ERR_USER_INPUT,
            "%s: mesh '%s' has %" PetscInt_FMT " inverted tetrahedra (negative volume in the file's node order); the first is near (%g, %g, %g) in mesh units",
            c->path, c->mesh_file, glob[1], badx[0], badx[1], badx[2]);
  }
  PetscFunctionReturn(0);
}

/* Elements: vertex coordinates X (ftwin's positive orientation: vertices 1 and 2 swapped where
 * det J < 0), volume det J / 6, node numbers. A cell with |det J| <= 1e-10 hmax^3 (hmax its
 * longest edge) is degenerate; one whose det J has the other sign than FT_PLEX_TET_SIGN was
 * inverted in the mesh file: both refused (CheckBadCells). */
static PetscErrorCode SetUpCells(DM dm, const FtCase *c, const FtPlexStrata *P, FtSpace *s)
{
  MPI_Comm comm = PetscObjectComm((PetscObject)dm);
  PetscInt nbad = 0, ndegenerate = 0;
  double   badx[3] = {0, 0, 0};

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc4(12 * s->ncells, &s->X, s->nen * s->ncells, &s->cell_nodes, s->ncells, &s->cell_material,
                         s->ncells, &s->cell_volume));
  for (PetscInt cell = P->cStart; cell < P->cEnd; cell++) {
    PetscInt  k = cell - P->cStart, ncl, *cl = NULL, vpts[4], epts[6], nv = 0, ne = 0;
    double    X[4][3], G[4][3], detJ, hmax = 0;
    PetscCall(DMPlexGetTransitiveClosure(dm, cell, PETSC_TRUE, &ncl, &cl));
    for (PetscInt i = 0; i < ncl; i++) {
      PetscInt p = cl[2 * i];
      if (p >= P->vStart && p < P->vEnd) vpts[nv++] = p;
      else if (p >= P->eStart && p < P->eEnd) epts[ne++] = p;
    }
    PetscCall(DMPlexRestoreTransitiveClosure(dm, cell, PETSC_TRUE, &ncl, &cl));
    PetscCheck(nv == 4 && ne == 6, comm, PETSC_ERR_PLIB, "cell %" PetscInt_FMT " has %" PetscInt_FMT " vertices and %" PetscInt_FMT " edges", cell, nv, ne);
    for (int a = 0; a < 4; a++)
      for (int i = 0; i < 3; i++) X[a][i] = s->node_x[3 * s->point_node[vpts[a] - P->pStart] + i];
    detJ = ft_tet_geometry((const double(*)[3])X, G);
    for (int a = 0; a < 4; a++)
      for (int b = a + 1; b < 4; b++) {
        double d2 = 0;
        for (int i = 0; i < 3; i++) d2 += (X[a][i] - X[b][i]) * (X[a][i] - X[b][i]);
        hmax = PetscMax(hmax, sqrt(d2));
      }
    if (fabs(detJ) <= 1e-10 * hmax * hmax * hmax) {
      if (!ndegenerate && !nbad)
        for (int i = 0; i < 3; i++) badx[i] = 0.25 * (X[0][i] + X[1][i] + X[2][i] + X[3][i]) / c->mesh_scale;
      ndegenerate++;
    } else if (detJ * FT_PLEX_TET_SIGN < 0) {
      if (!ndegenerate && !nbad)
        for (int i = 0; i < 3; i++) badx[i] = 0.25 * (X[0][i] + X[1][i] + X[2][i] + X[3][i]) / c->mesh_scale;
      nbad++;
    }
    if (detJ < 0) { /* ftwin's positive orientation: swap vertices 1 and 2 */
      PetscInt t = vpts[1];
      vpts[1]    = vpts[2];
      vpts[2]    = t;
      for (int i = 0; i < 3; i++) {
        double x = X[1][i];
        X[1][i]  = X[2][i];
        X[2][i]  = x;
      }
      detJ = -detJ;
    }
    memcpy(&s->X[12 * k], X, sizeof X);
    s->cell_volume[k] = detJ / 6.0;
    for (int a = 0; a < 4; a++) s->cell_nodes[s->nen * k + a] = s->point_node[vpts[a] - P->pStart];
    if (c->order == 2) PetscCall(SetCellEdgeNodes(dm, s, cell, k, vpts, epts));
  }
  PetscCall(CheckBadCells(comm, c, ndegenerate, nbad, badx));
  PetscFunctionReturn(0);
}

/* Materials: each cell in exactly one material region (overlaps and cells without one refused). */
static PetscErrorCode AssignMaterials(DM dm, const FtCase *c, const FtPlexStrata *P, FtSpace *s)
{
  MPI_Comm comm = PetscObjectComm((PetscObject)dm);
  PetscInt cStart = P->cStart, cEnd = P->cEnd;

  PetscFunctionBeginUser;
  for (PetscInt k = 0; k < s->ncells; k++) s->cell_material[k] = -1;
  for (int m = 0; m < c->nmaterials; m++) {
    PetscInt n, *pts;
    PetscCall(FtMeshRegionPoints(dm, c->materials[m].region, &n, &pts));
    for (PetscInt i = 0; i < n; i++) {
      PetscInt p = pts[i];
      if (p < cStart || p >= cEnd) continue;
      PetscCheck(s->cell_material[p - cStart] < 0, comm, PETSC_ERR_USER_INPUT,
                 "%s:%d: materials: region '%s' overlaps region '%s' (a cell is in both)", c->path, c->materials[m].line,
                 c->materials[m].region, c->materials[s->cell_material[p - cStart]].region);
      s->cell_material[p - cStart] = m;
    }
    PetscCall(PetscFree(pts));
  }
  {
    PetscInt nomat = 0, gnomat;
    for (PetscInt k = 0; k < s->ncells; k++) nomat += s->cell_material[k] < 0;
    PetscCallMPI(MPI_Allreduce(&nomat, &gnomat, 1, MPIU_INT, MPI_SUM, comm));
    if (gnomat) {
      char list[2048];
      PetscCall(FtMeshRegionList(dm, list, sizeof list));
      SETERRQ(comm, PETSC_ERR_USER_INPUT, "%s: materials: %" PetscInt_FMT " cells of mesh '%s' are in no material region (mesh regions: %s)",
              c->path, gnomat, c->mesh_file, list);
    }
  }
  PetscFunctionReturn(0);
}

PetscErrorCode FtSpaceCreate(DM dm, const FtCase *c, FtSpace *s)
{
  FtPlexStrata P;

  PetscFunctionBeginUser;
  memset(s, 0, sizeof *s);
  s->dm    = dm;
  s->order = c->order;
  s->nen   = ft_tet_num_nodes(c->order);
  PetscCall(DMPlexGetChart(dm, &P.pStart, &P.pEnd));
  PetscCall(DMPlexGetDepthStratum(dm, 0, &P.vStart, &P.vEnd));
  PetscCall(DMPlexGetDepthStratum(dm, 1, &P.eStart, &P.eEnd));
  PetscCall(DMPlexGetHeightStratum(dm, 0, &P.cStart, &P.cEnd));
  s->pStart = P.pStart;
  s->pEnd   = P.pEnd;
  s->cStart = P.cStart;
  s->ncells = P.cEnd - P.cStart;

  PetscCall(MakeClone(dm, P.pStart, P.pEnd, P.vStart, P.vEnd, P.eStart, P.eEnd, c->order, 1, &s->dm1));
  PetscCall(MakeClone(dm, P.pStart, P.pEnd, P.vStart, P.vEnd, P.eStart, P.eEnd, c->order, 3, &s->dm3));
  PetscCall(MakeClone(dm, P.pStart, P.pEnd, P.vStart, P.vEnd, P.eStart, P.eEnd, c->order, 7, &s->dm7));
  PetscCall(SetUpNodes(dm, c, &P, s));
  PetscCall(SetUpCells(dm, c, &P, s));
  PetscCall(AssignMaterials(dm, c, &P, s));
  PetscFunctionReturn(0);
}

PetscErrorCode FtSpaceDestroy(FtSpace *s)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(s->point_node));
  PetscCall(PetscFree4(s->node_point, s->node_global, s->node_owned, s->node_x));
  PetscCall(PetscFree4(s->X, s->cell_nodes, s->cell_material, s->cell_volume));
  PetscCall(DMDestroy(&s->dm1));
  PetscCall(DMDestroy(&s->dm3));
  PetscCall(DMDestroy(&s->dm7));
  memset(s, 0, sizeof *s);
  PetscFunctionReturn(0);
}

PetscErrorCode FtSpaceRegionNodes(const FtSpace *s, const char *region, PetscInt *n, PetscInt **nodes)
{
  PetscInt np, *pts, cap = 64, k = 0;

  PetscFunctionBeginUser;
  PetscCall(FtMeshRegionPoints(s->dm, region, &np, &pts));
  PetscCall(PetscMalloc1(cap, nodes));
  for (PetscInt i = 0; i < np; i++) {
    PetscInt ncl, *cl = NULL;
    PetscCall(DMPlexGetTransitiveClosure(s->dm, pts[i], PETSC_TRUE, &ncl, &cl));
    for (PetscInt j = 0; j < ncl; j++) {
      PetscInt node = s->point_node[cl[2 * j] - s->pStart];
      if (node < 0) continue;
      if (k == cap) {
        PetscInt *bigger;
        PetscCall(PetscMalloc1(2 * cap, &bigger));
        PetscCall(PetscArraycpy(bigger, *nodes, k));
        PetscCall(PetscFree(*nodes));
        *nodes = bigger;
        cap *= 2;
      }
      (*nodes)[k++] = node;
    }
    PetscCall(DMPlexRestoreTransitiveClosure(s->dm, pts[i], PETSC_TRUE, &ncl, &cl));
  }
  PetscCall(PetscFree(pts));
  PetscCall(PetscSortRemoveDupsInt(&k, *nodes));
  /* Union over ranks. A node on the rim of a region (an edge or vertex of its boundary) can be
     owned by a rank that holds none of the region's faces touching it: only the rank holding such
     a face finds it. Without the union the node's owner would not constrain it, and whether it is
     constrained would depend on the partition (found by the calibration's 1 vs 2 rank test: base
     plate rim nodes of a fixed-temperature face). Marks are added into the owners (local to
     global, ADD) and sent back to every copy (global to local). */
  {
    Vec          loc, glob;
    PetscScalar *a;
    PetscCall(DMGetLocalVector(s->dm1, &loc));
    PetscCall(DMGetGlobalVector(s->dm1, &glob));
    PetscCall(VecSet(loc, 0.0));
    PetscCall(VecSet(glob, 0.0));
    PetscCall(VecGetArray(loc, &a));
    for (PetscInt i = 0; i < k; i++) a[(*nodes)[i]] = 1.0;
    PetscCall(VecRestoreArray(loc, &a));
    PetscCall(DMLocalToGlobal(s->dm1, loc, ADD_VALUES, glob));
    PetscCall(DMGlobalToLocal(s->dm1, glob, INSERT_VALUES, loc));
    PetscCall(VecGetArray(loc, &a));
    k = 0;
    for (PetscInt i = 0; i < s->nnodes; i++)
      if (PetscRealPart(a[i]) > 0.5) k++;
    PetscCall(PetscFree(*nodes));
    PetscCall(PetscMalloc1(k + 1, nodes));
    k = 0;
    for (PetscInt i = 0; i < s->nnodes; i++)
      if (PetscRealPart(a[i]) > 0.5) (*nodes)[k++] = i;
    PetscCall(VecRestoreArray(loc, &a));
    PetscCall(DMRestoreGlobalVector(s->dm1, &glob));
    PetscCall(DMRestoreLocalVector(s->dm1, &loc));
  }
  *n = k;
  PetscFunctionReturn(0);
}

PetscErrorCode FtSpaceRegionFaces(const FtSpace *s, const char *region, PetscInt *nfOut, double **XfOut, PetscInt **nodesOut)
{
  DM        dm = s->dm;
  DMLabel   boundary;
  PetscInt  np, *pts, fStart, fEnd, vStart, vEnd, eStart, eEnd, nf = 0;
  double   *Xf;
  PetscInt *nodes;

  PetscFunctionBeginUser;
  PetscCall(DMGetLabel(dm, "ft_boundary", &boundary));
  if (!boundary) { /* true boundary faces, marked once; shared partition faces are not marked */
    PetscCall(DMCreateLabel(dm, "ft_boundary"));
    PetscCall(DMGetLabel(dm, "ft_boundary", &boundary));
    PetscCall(DMPlexMarkBoundaryFaces(dm, 1, boundary));
  }
  PetscCall(DMPlexGetHeightStratum(dm, 1, &fStart, &fEnd));
  PetscCall(DMPlexGetDepthStratum(dm, 0, &vStart, &vEnd));
  PetscCall(DMPlexGetDepthStratum(dm, 1, &eStart, &eEnd));
  PetscCall(FtMeshRegionPoints(dm, region, &np, &pts));
  PetscCall(PetscMalloc2(9 * PetscMax(np, 1), &Xf, 6 * PetscMax(np, 1), &nodes));
  for (PetscInt i = 0; i < np; i++) {
    PetscInt        f = pts[i], val, ssize, ncl, *cl = NULL, vf[3], ef[3], nv = 0, ne = 0, cell, opp = -1;
    const PetscInt *supp;
    double          n[3], d[3], e1[3], e2[3], dot = 0;
    if (f < fStart || f >= fEnd) continue;
    PetscCall(DMLabelGetValue(boundary, f, &val));
    if (val != 1) continue;
    PetscCall(DMPlexGetSupportSize(dm, f, &ssize));
    if (ssize != 1) continue;
    PetscCall(DMPlexGetSupport(dm, f, &supp));
    cell = supp[0];
    PetscCall(DMPlexGetTransitiveClosure(dm, f, PETSC_TRUE, &ncl, &cl));
    for (PetscInt j = 0; j < ncl; j++) {
      PetscInt p = cl[2 * j];
      if (p >= vStart && p < vEnd) vf[nv++] = p;
      else if (p >= eStart && p < eEnd) ef[ne++] = p;
    }
    PetscCall(DMPlexRestoreTransitiveClosure(dm, f, PETSC_TRUE, &ncl, &cl));
    PetscCall(DMPlexGetTransitiveClosure(dm, cell, PETSC_TRUE, &ncl, &cl));
    for (PetscInt j = 0; j < ncl; j++) {
      PetscInt p = cl[2 * j];
      if (p >= vStart && p < vEnd && p != vf[0] && p != vf[1] && p != vf[2]) opp = p;
    }
    PetscCall(DMPlexRestoreTransitiveClosure(dm, cell, PETSC_TRUE, &ncl, &cl));
    /* Orient: normal (X1-X0)x(X2-X0) must point away from the opposite vertex. */
    {
      const double *x0 = &s->node_x[3 * s->point_node[vf[0] - s->pStart]];
      const double *x1 = &s->node_x[3 * s->point_node[vf[1] - s->pStart]];
      const double *x2 = &s->node_x[3 * s->point_node[vf[2] - s->pStart]];
      const double *xo = &s->node_x[3 * s->point_node[opp - s->pStart]];
      for (int k = 0; k < 3; k++) {
        e1[k] = x1[k] - x0[k];
        e2[k] = x2[k] - x0[k];
        d[k]  = xo[k] - x0[k];
      }
      n[0] = e1[1] * e2[2] - e1[2] * e2[1];
      n[1] = e1[2] * e2[0] - e1[0] * e2[2];
      n[2] = e1[0] * e2[1] - e1[1] * e2[0];
      for (int k = 0; k < 3; k++) dot += n[k] * d[k];
      if (dot > 0) {
        PetscInt t = vf[1];
        vf[1]      = vf[2];
        vf[2]      = t;
      }
    }
    for (int a = 0; a < 3; a++) {
      PetscInt node = s->point_node[vf[a] - s->pStart];
      for (int k = 0; k < 3; k++) Xf[9 * nf + 3 * a + k] = s->node_x[3 * node + k];
      nodes[6 * nf + a] = node;
    }
    if (s->order == 2) {
      /* face edges 3:(0,1) 4:(1,2) 5:(0,2) */
      for (int e = 0; e < 3; e++) {
        const PetscInt *cone;
        int             ia = -1, ib = -1, slot;
        PetscCall(DMPlexGetCone(dm, ef[e], &cone));
        for (int a = 0; a < 3; a++) {
          if (vf[a] == cone[0]) ia = a;
          if (vf[a] == cone[1]) ib = a;
        }
        slot = (ia + ib == 1) ? 3 : (ia + ib == 3) ? 4 : 5;
        nodes[6 * nf + slot] = s->point_node[ef[e] - s->pStart];
      }
    }
    nf++;
  }
  PetscCall(PetscFree(pts));
  *nfOut    = nf;
  *XfOut    = Xf;
  *nodesOut = nodes;
  PetscFunctionReturn(0);
}
