#include "mesh/mesh.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mesh/gmsh_read.h"
#include "runtime/provenance.h"
#include "runtime/log.h"

/* Labels PETSc makes itself; everything else on a gmsh-read DMPlex is a physical group name. */
static PetscBool IsInternalLabel(const char *name)
{
  const char *internal[] = {"depth", "celltype", "Cell Sets", "Face Sets", "Edge Sets", "Vertex Sets",
                            "marker", "ft_boundary"};
  for (size_t i = 0; i < sizeof internal / sizeof internal[0]; i++)
    if (!strcmp(name, internal[i])) return PETSC_TRUE;
  return PETSC_FALSE;
}

PetscErrorCode FtMeshRegionList(DM dm, char *buf, size_t len)
{
  PetscInt nl;
  size_t   used = 0;

  PetscFunctionBeginUser;
  buf[0] = 0;
  PetscCall(DMGetNumLabels(dm, &nl));
  for (PetscInt l = 0; l < nl; l++) {
    const char *name;
    PetscCall(DMGetLabelName(dm, l, &name));
    if (IsInternalLabel(name)) continue;
    int w = snprintf(buf + used, len - used, "%s%s", used ? ", " : "", name);
    if (w < 0 || (size_t)w >= len - used) break;
    used += (size_t)w;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode FtMeshRegionPoints(DM dm, const char *name, PetscInt *n, PetscInt **points)
{
  DMLabel         label;
  IS              valueIS;
  PetscInt        nv, total = 0, k = 0;
  const PetscInt *values;

  PetscFunctionBeginUser;
  *n      = 0;
  *points = NULL;
  PetscCall(DMGetLabel(dm, name, &label));
  if (!label) PetscFunctionReturn(0);
  PetscCall(DMLabelGetValueIS(label, &valueIS));
  PetscCall(ISGetLocalSize(valueIS, &nv));
  PetscCall(ISGetIndices(valueIS, &values));
  for (PetscInt v = 0; v < nv; v++) {
    PetscInt size;
    PetscCall(DMLabelGetStratumSize(label, values[v], &size));
    total += size;
  }
  PetscCall(PetscMalloc1(total, points));
  for (PetscInt v = 0; v < nv; v++) {
    IS              pointIS;
    PetscInt        size;
    const PetscInt *pts;
    PetscCall(DMLabelGetStratumIS(label, values[v], &pointIS));
    if (!pointIS) continue;
    PetscCall(ISGetLocalSize(pointIS, &size));
    PetscCall(ISGetIndices(pointIS, &pts));
    for (PetscInt i = 0; i < size; i++) (*points)[k++] = pts[i];
    PetscCall(ISRestoreIndices(pointIS, &pts));
    PetscCall(ISDestroy(&pointIS));
  }
  PetscCall(ISRestoreIndices(valueIS, &values));
  PetscCall(ISDestroy(&valueIS));
  PetscCall(PetscSortRemoveDupsInt(&k, *points));
  *n = k;
  PetscFunctionReturn(0);
}

PetscErrorCode FtMeshHasRegion(DM dm, const char *name, PetscBool *has)
{
  PetscInt n, *pts, total;

  PetscFunctionBeginUser;
  PetscCall(FtMeshRegionPoints(dm, name, &n, &pts));
  PetscCall(PetscFree(pts));
  PetscCallMPI(MPI_Allreduce(&n, &total, 1, MPIU_INT, MPI_SUM, PetscObjectComm((PetscObject)dm)));
  *has = total > 0 ? PETSC_TRUE : PETSC_FALSE;
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckRegion(DM dm, const FtCase *c, const char *what, const char *region, int line)
{
  PetscBool has;
  char      list[2048];

  PetscFunctionBeginUser;
  PetscCall(FtMeshHasRegion(dm, region, &has));
  if (!has) {
    PetscCall(FtMeshRegionList(dm, list, sizeof list));
    SETERRQ(PetscObjectComm((PetscObject)dm), PETSC_ERR_USER_INPUT,
            "%s:%d: %s: region '%s' is not in mesh %s (its regions: %s)", c->path, line, what, region,
            c->mesh_file, list[0] ? list : "none: the mesh has no physical groups");
  }
  PetscFunctionReturn(0);
}

typedef struct {
  double   x[3];
  PetscInt v;
} VertexKey;

static int CmpVertex(const void *a, const void *b)
{
  const double *x = ((const VertexKey *)a)->x, *y = ((const VertexKey *)b)->x;
  for (int i = 0; i < 3; i++)
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  return 0;
}

/* Vertices at exactly the same position (distinct nodes that should be one): a crack the model
 * does not intend (seen in meshes from multithreaded gmsh). An error naming the first position. */
static PetscErrorCode FtMeshCheckDuplicateVertices(DM dm, const char *casepath, const char *meshfile)
{
  PetscMPIInt rank;
  long long   ndup = 0;
  double      where[3] = {0, 0, 0};

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(PetscObjectComm((PetscObject)dm), &rank));
  if (rank == 0) {
    PetscInt           vStart, vEnd, nv;
    VertexKey         *keys;
    Vec                coords;
    PetscSection       cs;
    const PetscScalar *xa;
    PetscCall(DMPlexGetDepthStratum(dm, 0, &vStart, &vEnd));
    nv = vEnd - vStart;
    PetscCall(PetscMalloc1(nv + 1, &keys));
    PetscCall(DMGetCoordinatesLocal(dm, &coords));
    PetscCall(DMGetCoordinateSection(dm, &cs));
    PetscCall(VecGetArrayRead(coords, &xa));
    for (PetscInt v = vStart; v < vEnd; v++) {
      PetscInt off;
      PetscCall(PetscSectionGetOffset(cs, v, &off));
      for (int i = 0; i < 3; i++) keys[v - vStart].x[i] = PetscRealPart(xa[off + i]);
      keys[v - vStart].v = v;
    }
    PetscCall(VecRestoreArrayRead(coords, &xa));
    qsort(keys, (size_t)nv, sizeof *keys, CmpVertex);
    for (PetscInt i = 1; i < nv; i++)
      if (!CmpVertex(&keys[i - 1], &keys[i])) {
        if (!ndup) memcpy(where, keys[i].x, sizeof where);
        ndup++;
      }
    PetscCall(PetscFree(keys));
  }
  PetscCallMPI(MPI_Bcast(&ndup, 1, MPI_LONG_LONG, 0, PetscObjectComm((PetscObject)dm)));
  PetscCallMPI(MPI_Bcast(where, 3, MPI_DOUBLE, 0, PetscObjectComm((PetscObject)dm)));
  PetscCheck(!ndup, PetscObjectComm((PetscObject)dm), PETSC_ERR_USER_INPUT,
             "%s: mesh '%s' has %lld duplicate nodes (distinct nodes at the same position, the first at (%g, %g, %g) in mesh "
             "units): the elements on either side are not connected, a crack the model does not intend; re-mesh "
             "(e.g. gmsh -nt 1, or Coherence / Geometry.Tolerance)",
             casepath, meshfile, ndup, where[0], where[1], where[2]);
  PetscFunctionReturn(0);
}

/* The helper executable that reads meshes (ftwin-read-mesh): $FTWIN_MESH_READER, else the one
 * beside this executable, else the one this build made. */
static void MeshReaderPath(char *buf, size_t len)
{
  const char *env = getenv("FTWIN_MESH_READER");
  char        exe[3072];
  ssize_t     n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (env && env[0]) {
    snprintf(buf, len, "%s", env);
    return;
  }
  if (n > 0) {
    exe[n]      = 0;
    char *slash = strrchr(exe, '/');
    if (slash) {
      *slash = 0;
      snprintf(buf, len, "%s/ftwin-read-mesh", exe);
      if (access(buf, X_OK) == 0) return;
    }
  }
  snprintf(buf, len, "%s", FTWIN_MESH_READER_BUILT);
}

/* Rank 0 reads the file with gmsh's library in the helper process (FtGmshReadIsolated) and builds the serial DMPlex from its
 * cell list; every rank creates the same region labels (one per named physical group, value =
 * its physical tag): cells of volume groups, faces of surface groups, edges and their vertices
 * of curve groups, vertices of point groups. A bad file: one error naming it, on every rank. */
static PetscErrorCode CreatePlexFromGmsh(MPI_Comm comm, const FtCase *c, DM *dm)
{
  PetscMPIInt rank;
  FtGmshMesh  m;
  char        msg[1024] = "", names[8192] = "";
  int         bad = 0;
  PetscInt   *cells = NULL;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  memset(&m, 0, sizeof m);
  if (rank == 0) {
    char helper[4096];
    MeshReaderPath(helper, sizeof helper);
    bad = FtGmshReadIsolated(helper, c->mesh_file, &m, msg, sizeof msg);
    for (int g = 0; !bad && g < m.ngroups; g++) {
      size_t used = strlen(names);
      int    seen = 0; /* a name may stand for groups of several dimensions: one label */
      for (int h = 0; h < g; h++) seen |= !strcmp(m.groups[h].name, m.groups[g].name);
      if (seen) continue;
      if (used + strlen(m.groups[g].name) + 2 >= sizeof names) {
        snprintf(msg, sizeof msg, "too many physical group names (more than %zu characters)", sizeof names);
        bad = 1;
      } else snprintf(names + used, sizeof names - used, "%s%s", used ? "\n" : "", m.groups[g].name);
    }
  }
  PetscCallMPI(MPI_Bcast(&bad, 1, MPI_INT, 0, comm));
  PetscCallMPI(MPI_Bcast(msg, sizeof msg, MPI_CHAR, 0, comm));
  PetscCheck(!bad, comm, PETSC_ERR_FILE_UNEXPECTED, "%s: mesh.file: '%s' is not a readable gmsh mesh: %s", c->path,
             c->mesh_file, msg);
  PetscCallMPI(MPI_Bcast(names, sizeof names, MPI_CHAR, 0, comm));

  if (rank == 0) {
    PetscCall(PetscMalloc1(4 * m.ntets + 1, &cells));
    for (long k = 0; k < 4 * m.ntets; k++) cells[k] = (PetscInt)m.tets[k];
    /* DMPlex orders a tetrahedron's vertices the other way round from gmsh */
    for (long k = 0; k < m.ntets; k++) PetscCall(DMPlexInvertCell(DM_POLYTOPE_TETRAHEDRON, &cells[4 * k]));
    if (m.order == 2) PetscCall(FtLogInfo("mesh %s: 10-node tetrahedra; their mid-edge nodes are not used (P2 on straight edges from the vertices)", c->mesh_file));
  }
  PetscCall(DMPlexCreateFromCellListPetsc(comm, 3, rank == 0 ? (PetscInt)m.ntets : 0, rank == 0 ? (PetscInt)m.nvertices : 0, 4,
                                          PETSC_TRUE, cells, 3, m.coords, dm));
  PetscCall(PetscFree(cells));
  for (char *tok = strtok(names, "\n"); tok; tok = strtok(NULL, "\n")) PetscCall(DMCreateLabel(*dm, tok));
  if (rank == 0) {
    PetscInt cStart, vStart;
    PetscCall(DMPlexGetHeightStratum(*dm, 0, &cStart, NULL));
    PetscCall(DMPlexGetDepthStratum(*dm, 0, &vStart, NULL));
    for (int gi = 0; gi < m.ngroups; gi++) {
      const FtGmshGroup *g = &m.groups[gi];
      DMLabel            label;
      PetscCall(DMGetLabel(*dm, g->name, &label));
      for (long e = 0; e < g->n; e++) {
        if (g->dim == 3) {
          PetscCall(DMLabelSetValue(label, cStart + (PetscInt)g->items[e], g->tag));
        } else if (g->dim == 0) {
          PetscCall(DMLabelSetValue(label, vStart + (PetscInt)g->items[e], g->tag));
        } else {
          PetscInt        v[3], nj;
          const PetscInt *join;
          for (int a = 0; a <= g->dim; a++) v[a] = vStart + (PetscInt)g->items[(size_t)e * (size_t)(g->dim + 1) + (size_t)a];
          if (g->dim == 1) /* the vertices too, so a curve's end points are on it */
            for (int a = 0; a < 2; a++) PetscCall(DMLabelSetValue(label, v[a], g->tag));
          PetscCall(DMPlexGetFullJoin(*dm, g->dim + 1, v, &nj, &join));
          if (nj == 1) PetscCall(DMLabelSetValue(label, join[0], g->tag));
          else bad = 1, snprintf(msg, sizeof msg, "physical group '%s' has an element that is not %s of any tetrahedron", g->name,
                                 g->dim == 1 ? "an edge" : "a face");
          PetscCall(DMPlexRestoreJoin(*dm, g->dim + 1, v, &nj, &join));
          if (bad) break;
        }
      }
      if (bad) break;
    }
  }
  FtGmshMeshFree(&m);
  PetscCallMPI(MPI_Bcast(&bad, 1, MPI_INT, 0, comm));
  PetscCallMPI(MPI_Bcast(msg, sizeof msg, MPI_CHAR, 0, comm));
  if (bad) PetscCall(DMDestroy(dm));
  PetscCheck(!bad, comm, PETSC_ERR_FILE_UNEXPECTED, "%s: mesh.file: '%s': %s", c->path, c->mesh_file, msg);
  PetscFunctionReturn(0);
}

PetscErrorCode FtMeshLoad(MPI_Comm comm, const FtCase *c, DM *dmOut)
{
  DM             dm, dmDist = NULL;
  PetscMPIInt    rank, size;
  PetscInt       cStart, cEnd, ncellsGlobal, ncellsLocal;
  int            readable = 1;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  if (rank == 0) {
    FILE *f = fopen(c->mesh_file, "r");
    if (!f) readable = -errno;
    else fclose(f);
  }
  PetscCallMPI(MPI_Bcast(&readable, 1, MPI_INT, 0, comm));
  PetscCheck(readable == 1, comm, PETSC_ERR_FILE_OPEN, "%s: mesh.file: cannot open mesh '%s': %s", c->path,
             c->mesh_file, strerror(-readable));

  PetscCall(CreatePlexFromGmsh(comm, c, &dm));
  PetscCall(PetscObjectSetName((PetscObject)dm, "mesh"));
  PetscCall(FtMeshCheckDuplicateVertices(dm, c->path, c->mesh_file));

  if (size > 1) {
    PetscPartitioner part;
    PetscCall(DMPlexGetPartitioner(dm, &part));
    PetscCall(PetscPartitionerSetType(part, PETSCPARTITIONERPTSCOTCH));
    PetscCall(PetscPartitionerSetFromOptions(part));
    PetscCall(DMPlexDistribute(dm, 0, NULL, &dmDist));
    if (dmDist) {
      PetscCall(DMDestroy(&dm));
      dm = dmDist;
    }
  }
  PetscCall(DMPlexGetHeightStratum(dm, 0, &cStart, &cEnd));
  ncellsLocal = cEnd - cStart;
  PetscCallMPI(MPI_Allreduce(&ncellsLocal, &ncellsGlobal, 1, MPIU_INT, MPI_SUM, comm));
  PetscCall(FtLogInfo("mesh %s: %" PetscInt_FMT " tetrahedra on %d rank%s", c->mesh_file, ncellsGlobal, size,
                      size > 1 ? "s" : ""));

  /* Every region the case names must exist. */
  for (int i = 0; i < c->nmaterials; i++) PetscCall(CheckRegion(dm, c, "materials", c->materials[i].region, c->materials[i].line));
  for (int t = 0; t < c->nthermal; t++) {
    const FtThermalCase *tc = &c->thermal[t];
    for (int i = 0; i < tc->nfixed; i++) PetscCall(CheckRegion(dm, c, "thermal.fixed_temperature", tc->fixed[i].region, tc->fixed[i].line));
    for (int i = 0; i < tc->nflux; i++) PetscCall(CheckRegion(dm, c, "thermal.heat_flux", tc->flux[i].region, tc->flux[i].line));
    for (int i = 0; i < tc->nconvection; i++) PetscCall(CheckRegion(dm, c, "thermal.convection", tc->convection[i].region, tc->convection[i].line));
    for (int i = 0; i < tc->nsource; i++) PetscCall(CheckRegion(dm, c, "thermal.heat_source", tc->source[i].region, tc->source[i].line));
  }
  for (int i = 0; i < c->nconstraints; i++) PetscCall(CheckRegion(dm, c, "mechanical.constraints", c->constraints[i].region, c->constraints[i].line));
  for (int l = 0; l < c->nloads; l++)
    for (int i = 0; i < c->loads[l].nsurface; i++)
      PetscCall(CheckRegion(dm, c, c->loads[l].surface[i].is_pressure ? "mechanical.load_cases.pressure" : "mechanical.load_cases.traction",
                            c->loads[l].surface[i].region, c->loads[l].surface[i].line));
  PetscCall(FtProvenanceInput(comm, "mesh", c->mesh_file));
  *dmOut = dm;
  PetscFunctionReturn(0);
}
