/* Region labels that PETSc 3.18's gmsh reader gets wrong or leaves out, repaired from the file:
 *  - physical point and curve groups are not labelled at all: we label the matching DMPlex
 *    vertices (by coordinates) and edges (joins of two labelled vertices), so constraints can name
 *    a line or a point as the benchmarks do (NAFEMS LE10);
 *  - in .msh 2.2 files every element carries (physical tag, elementary tag), and PETSc matches
 *    BOTH against the physical groups' tags: a surface whose elementary tag equals another
 *    group's physical tag lands in that group (seen: elementary surface 2 'xmax' added to
 *    physical group 2 'xmin', which then constrained the loaded face). For 2.2 files we rebuild
 *    every surface and volume region label from the physical tag alone.
 * ASCII .msh only; done on the undistributed mesh (rank 0) before DMPlexDistribute. */
#include <petscdmplex.h>
#include <stdlib.h>
#include <string.h>

#include "mesh/gmsh_groups.h"

typedef struct {
  int  dim, tag;
  char name[128];
} PhysName;

typedef struct {
  long   tag;
  double x[3];
} Node;

typedef struct {
  int  phys;     /* physical tag */
  int  dim;      /* 0..3 (2 and 3 are kept for .msh 2.2 files only) */
  long nodes[4]; /* the dim+1 corner nodes */
} LowElem;

static int CmpNode(const void *a, const void *b)
{
  long x = ((const Node *)a)->tag, y = ((const Node *)b)->tag;
  return x < y ? -1 : x > y;
}

static const double *FindNode(const Node *nodes, long n, long tag)
{
  Node key = {tag, {0, 0, 0}};
  Node *f  = bsearch(&key, nodes, (size_t)n, sizeof *nodes, CmpNode);
  return f ? f->x : NULL;
}

/* Whole-file parse; returns 0 on success, 1 when the file is not ASCII gmsh we understand. */
static int ParseMsh(const char *path, double *versionOut, PhysName **phys, int *nphys, Node **nodes, long *nnodes, LowElem **elems, long *nelems)
{
  FILE   *f = fopen(path, "r");
  char    line[4096];
  double  version = 0;
  int     binary = 0, cap = 0;
  long    ecap = 0;
  /* msh 4.1: physical tags of point and curve entities */
  int   *ptag_of_point = NULL, *ptag_of_curve = NULL, npoint_ent = 0, ncurve_ent = 0;
  int   *point_ent_tag = NULL, *curve_ent_tag = NULL;

  *phys = NULL; *nphys = 0; *nodes = NULL; *nnodes = 0; *elems = NULL; *nelems = 0;
  if (!f) return 1;
  while (fgets(line, sizeof line, f)) {
    if (!strncmp(line, "$MeshFormat", 11)) {
      if (!fgets(line, sizeof line, f) || sscanf(line, "%lf %d", &version, &binary) != 2) break;
      if (binary) break;
    } else if (!strncmp(line, "$PhysicalNames", 14)) {
      int n;
      if (!fgets(line, sizeof line, f) || sscanf(line, "%d", &n) != 1) break;
      for (int i = 0; i < n && fgets(line, sizeof line, f); i++) {
        PhysName p;
        char    *q1 = strchr(line, '"'), *q2 = q1 ? strchr(q1 + 1, '"') : NULL;
        if (sscanf(line, "%d %d", &p.dim, &p.tag) != 2 || !q1 || !q2) continue;
        snprintf(p.name, sizeof p.name, "%.*s", (int)(q2 - q1 - 1), q1 + 1);
        if (*nphys == cap) {
          cap    = cap ? 2 * cap : 16;
          *phys  = realloc(*phys, sizeof **phys * (size_t)cap);
        }
        (*phys)[(*nphys)++] = p;
      }
    } else if (!strncmp(line, "$Entities", 9) && version >= 4) {
      int np, nc, ns, nv;
      if (!fgets(line, sizeof line, f) || sscanf(line, "%d %d %d %d", &np, &nc, &ns, &nv) != 4) break;
      npoint_ent = np; ncurve_ent = nc;
      ptag_of_point = calloc((size_t)np + 1, sizeof(int)); point_ent_tag = calloc((size_t)np + 1, sizeof(int));
      ptag_of_curve = calloc((size_t)nc + 1, sizeof(int)); curve_ent_tag = calloc((size_t)nc + 1, sizeof(int));
      for (int i = 0; i < np && fgets(line, sizeof line, f); i++) {
        int    tag, nt, pt = 0;
        double x, y, z;
        int    off;
        if (sscanf(line, "%d %lf %lf %lf %d%n", &tag, &x, &y, &z, &nt, &off) >= 5 && nt > 0) sscanf(line + off, "%d", &pt);
        point_ent_tag[i] = tag; ptag_of_point[i] = nt > 0 ? pt : 0;
      }
      for (int i = 0; i < nc && fgets(line, sizeof line, f); i++) {
        int    tag, nt, pt = 0, off;
        double b[6];
        if (sscanf(line, "%d %lf %lf %lf %lf %lf %lf %d%n", &tag, &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &nt, &off) >= 8 && nt > 0)
          sscanf(line + off, "%d", &pt);
        curve_ent_tag[i] = tag; ptag_of_curve[i] = nt > 0 ? pt : 0;
      }
    } else if (!strncmp(line, "$Nodes", 6)) {
      if (version >= 4) {
        long nb, nn, k = 0;
        if (!fgets(line, sizeof line, f) || sscanf(line, "%ld %ld", &nb, &nn) != 2) break;
        *nodes = malloc(sizeof **nodes * (size_t)(nn + 1));
        for (long b = 0; b < nb; b++) {
          int  edim, etag, param;
          long cnt;
          if (!fgets(line, sizeof line, f) || sscanf(line, "%d %d %d %ld", &edim, &etag, &param, &cnt) != 4) goto done;
          for (long i = 0; i < cnt && fgets(line, sizeof line, f); i++) (*nodes)[k + i].tag = atol(line);
          for (long i = 0; i < cnt && fgets(line, sizeof line, f); i++)
            sscanf(line, "%lf %lf %lf", &(*nodes)[k + i].x[0], &(*nodes)[k + i].x[1], &(*nodes)[k + i].x[2]);
          k += cnt;
        }
        *nnodes = k;
      } else {
        long nn;
        if (!fgets(line, sizeof line, f) || sscanf(line, "%ld", &nn) != 1) break;
        *nodes = malloc(sizeof **nodes * (size_t)(nn + 1));
        for (long i = 0; i < nn && fgets(line, sizeof line, f); i++)
          sscanf(line, "%ld %lf %lf %lf", &(*nodes)[i].tag, &(*nodes)[i].x[0], &(*nodes)[i].x[1], &(*nodes)[i].x[2]);
        *nnodes = nn;
      }
    } else if (!strncmp(line, "$Elements", 9)) {
      if (version >= 4) {
        long nb, ne;
        if (!fgets(line, sizeof line, f) || sscanf(line, "%ld %ld", &nb, &ne) != 2) break;
        for (long b = 0; b < nb; b++) {
          int  edim, etag, etype, pt = 0;
          long cnt;
          if (!fgets(line, sizeof line, f) || sscanf(line, "%d %d %d %ld", &edim, &etag, &etype, &cnt) != 4) goto done;
          if (edim == 0) for (int i = 0; i < npoint_ent; i++) if (point_ent_tag[i] == etag) pt = ptag_of_point[i];
          if (edim == 1) for (int i = 0; i < ncurve_ent; i++) if (curve_ent_tag[i] == etag) pt = ptag_of_curve[i];
          for (long i = 0; i < cnt && fgets(line, sizeof line, f); i++) {
            long t, n0, n1 = -1;
            if (edim > 1 || !pt) continue;
            if (sscanf(line, "%ld %ld %ld", &t, &n0, &n1) < 2) continue;
            if (*nelems == ecap) { ecap = ecap ? 2 * ecap : 64; *elems = realloc(*elems, sizeof **elems * (size_t)ecap); }
            (*elems)[(*nelems)++] = (LowElem){pt, edim, {n0, edim == 1 ? n1 : -1, -1, -1}};
          }
        }
      } else {
        long ne;
        if (!fgets(line, sizeof line, f) || sscanf(line, "%ld", &ne) != 1) break;
        for (long i = 0; i < ne && fgets(line, sizeof line, f); i++) {
          long id, v[8];
          int  type, ntags, off, pt;
          char *p = line;
          if (sscanf(p, "%ld %d %d%n", &id, &type, &ntags, &off) != 3) continue;
          /* point, line (2 and 3 nodes), triangle (3 and 6), tetrahedron (4 and 10) */
          int edim = type == 15 ? 0 : (type == 1 || type == 8) ? 1 : (type == 2 || type == 9) ? 2 : (type == 4 || type == 11) ? 3 : -1;
          if (edim < 0) continue;
          p += off;
          if (sscanf(p, "%d%n", &pt, &off) != 1) continue;
          p += off;
          for (int t = 1; t < ntags; t++) { int dummy; sscanf(p, "%d%n", &dummy, &off); p += off; }
          if (sscanf(p, "%ld %ld %ld %ld", &v[0], &v[1], &v[2], &v[3]) < edim + 1) continue;
          if (*nelems == ecap) { ecap = ecap ? 2 * ecap : 64; *elems = realloc(*elems, sizeof **elems * (size_t)ecap); }
          (*elems)[(*nelems)++] = (LowElem){pt, edim, {v[0], edim >= 1 ? v[1] : -1, edim >= 2 ? v[2] : -1, edim >= 3 ? v[3] : -1}};
        }
      }
    }
  }
done:
  fclose(f);
  free(ptag_of_point); free(ptag_of_curve); free(point_ent_tag); free(curve_ent_tag);
  if (*nodes) qsort(*nodes, (size_t)*nnodes, sizeof **nodes, CmpNode);
  *versionOut = version;
  return binary || version == 0 ? 1 : 0;
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

/* Vertex at exactly these coordinates (gmsh writes the same digits for a node wherever it
 * appears; PETSc stores the node's coordinates as read), or -1. */
static PetscInt FindVertex(const VertexKey *keys, PetscInt n, const double x[3])
{
  VertexKey k = {{x[0], x[1], x[2]}, -1}, *f = bsearch(&k, keys, (size_t)n, sizeof *keys, CmpVertex);
  return f ? f->v : -1;
}

PetscErrorCode FtGmshLabelLowerDimGroups(DM dm, const char *path)
{
  PetscMPIInt  rank;
  PhysName    *phys = NULL;
  Node        *nodes = NULL;
  LowElem     *elems = NULL;
  int          nphys = 0;
  long         nnodes = 0, nelems = 0;
  double       version = 0;
  char         names[8192] = "";
  int          nnames = 0, ok = 0;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(PetscObjectComm((PetscObject)dm), &rank));
  if (rank == 0) ok = !ParseMsh(path, &version, &phys, &nphys, &nodes, &nnodes, &elems, &nelems);
  if (rank == 0 && ok) {
    for (int i = 0; i < nphys; i++) {
      PetscBool has;
      PetscCall(DMHasLabel(dm, phys[i].name, &has));
      if (phys[i].dim >= 2 && version >= 4) continue;  /* PETSc labels these correctly */
      if (phys[i].dim >= 2 && has) PetscCall(DMRemoveLabel(dm, phys[i].name, NULL)); /* 2.2: rebuilt below */
      else if (has) continue;
      size_t used = strlen(names);
      snprintf(names + used, sizeof names - used, "%s%s", nnames ? "\n" : "", phys[i].name);
      nnames++;
    }
  }
  /* every rank creates the same labels (DMPlexDistribute distributes labels by name) */
  PetscCallMPI(MPI_Bcast(names, sizeof names, MPI_CHAR, 0, PetscObjectComm((PetscObject)dm)));
  for (char *tok = strtok(names, "\n"); tok; tok = strtok(NULL, "\n")) PetscCall(DMCreateLabel(dm, tok));
  if (rank == 0 && nelems) {
    PetscInt     vStart, vEnd, nv;
    VertexKey   *keys;
    Vec          coords;
    PetscSection cs;
    const PetscScalar *xa;
    PetscCall(DMPlexGetDepthStratum(dm, 0, &vStart, &vEnd));
    nv = vEnd - vStart;
    PetscCall(PetscMalloc1(nv, &keys));
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
    for (long e = 0; e < nelems; e++) {
      const char *name = NULL;
      PetscBool   has;
      PetscInt    v[4] = {-1, -1, -1, -1}, nfound = 0;
      const int   d = elems[e].dim;
      for (int i = 0; i < nphys; i++)
        if (phys[i].tag == elems[e].phys && phys[i].dim == d) name = phys[i].name;
      if (!name) continue;
      PetscCall(DMHasLabel(dm, name, &has));
      if (!has) continue; /* a 4.1 surface or volume group: PETSc's label stands */
      for (int k = 0; k <= d; k++) {
        const double *x = FindNode(nodes, nnodes, elems[e].nodes[k]);
        if (x) v[k] = FindVertex(keys, nv, x);
        nfound += v[k] >= 0;
      }
      if (nfound != d + 1) continue;
      if (d == 0) PetscCall(DMSetLabelValue(dm, name, v[0], elems[e].phys));
      else {
        const PetscInt *join;
        PetscInt        nj;
        if (d == 1) /* the vertices too, so a curve's end points are on it */
          for (int k = 0; k < 2; k++) PetscCall(DMSetLabelValue(dm, name, v[k], elems[e].phys));
        PetscCall(DMPlexGetFullJoin(dm, d + 1, v, &nj, &join));
        if (nj == 1) PetscCall(DMSetLabelValue(dm, name, join[0], elems[e].phys));
        PetscCall(DMPlexRestoreJoin(dm, d + 1, v, &nj, &join));
      }
    }
    PetscCall(PetscFree(keys));
  }
  free(phys);
  free(nodes);
  free(elems);
  PetscFunctionReturn(0);
}

PetscErrorCode FtMeshCheckDuplicateVertices(DM dm, const char *casepath, const char *meshfile)
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
