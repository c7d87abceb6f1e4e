/* gmsh .msh -> cell lists through gmsh's C API (libgmsh). gmsh validates the file (node indices,
 * counts, sections, binary layout) and reports what is wrong; we then check what ftwin needs:
 * tetrahedra (4 or 10 nodes) only in the volume, lower-dimensional elements on tetrahedron
 * vertices, no repeated corner in a cell. */
#include "mesh/gmsh_read.h"

#include <gmshc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* gmsh element types (gmsh's GmshDefines.h) that ftwin takes: points, lines, triangles and
 * tetrahedra of order 1 and 2. */
enum { GM_POINT = 15, GM_LINE2 = 1, GM_LINE3 = 8, GM_TRI3 = 2, GM_TRI6 = 9, GM_TET4 = 4, GM_TET10 = 11 };

typedef struct {
  size_t tag;
  long   index; /* position in gmsh's node list */
} NodeKey;

static int CmpNodeKey(const void *a, const void *b)
{
  size_t x = ((const NodeKey *)a)->tag, y = ((const NodeKey *)b)->tag;
  return x < y ? -1 : x > y;
}

static void Say(char *msg, size_t len, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, len, fmt, ap);
  va_end(ap);
}

/* gmsh's first error message since the logger started (the most specific one), or "". */
static void FirstGmshError(char *buf, size_t len)
{
  char **log = NULL;
  size_t n   = 0;
  int    ierr;
  buf[0] = 0;
  gmshLoggerGet(&log, &n, &ierr);
  for (size_t i = 0; i < n; i++) {
    if (!buf[0] && !strncmp(log[i], "Error", 5)) {
      const char *s = strchr(log[i], ':');
      snprintf(buf, len, "%s", s ? s + 1 + strspn(s + 1, " ") : log[i]);
    }
    gmshFree(log[i]);
  }
  gmshFree(log);
}

static const char *ElementName(int type, char *buf, size_t len)
{
  char *name = NULL;
  int   dim, order, nn, np, ierr = 0;
  double *lc = NULL;
  size_t  nlc;
  gmshModelMeshGetElementProperties(type, &name, &dim, &order, &nn, &lc, &nlc, &np, &ierr);
  snprintf(buf, len, "%s", (!ierr && name) ? name : "unknown");
  gmshFree(name);
  gmshFree(lc);
  return buf;
}

typedef struct {
  NodeKey *keys;   /* sorted by tag */
  long     nkeys;
  long    *vertex; /* vertex index of gmsh node position i, or -1 */
} NodeMap;

static long VertexOf(const NodeMap *nm, size_t tag)
{
  NodeKey  key = {tag, 0};
  NodeKey *f   = bsearch(&key, nm->keys, (size_t)nm->nkeys, sizeof key, CmpNodeKey);
  return f ? nm->vertex[f->index] : -1;
}

/* Every element of the volume entities: tetrahedra only. Fills m->tets (node tags for now, as
 * long), the cell's entity tag in `cellEntity`. */
static int ReadVolume(FtGmshMesh *m, int **cellEntity, size_t **cellNodes, char *msg, size_t len)
{
  int   *ents = NULL, ierr = 0, rc = 1;
  size_t nents = 0, cap = 0;
  char   name[64];

  *cellEntity = NULL;
  *cellNodes  = NULL;
  gmshModelGetEntities(&ents, &nents, 3, &ierr);
  for (size_t e = 0; e < nents / 2 && !ierr; e++) {
    int     *types = NULL;
    size_t   ntypes = 0, **etags = NULL, *etags_n = NULL, netags = 0, **ntags = NULL, *ntags_n = NULL, nntags = 0;
    gmshModelMeshGetElements(&types, &ntypes, &etags, &etags_n, &netags, &ntags, &ntags_n, &nntags, 3, ents[2 * e + 1], &ierr);
    for (size_t t = 0; t < ntypes && !ierr; t++) {
      const int per = types[t] == GM_TET4 ? 4 : types[t] == GM_TET10 ? 10 : 0;
      if (!per) {
        Say(msg, len, "it has %zu %s elements in volume %d; ftwin supports tetrahedra only (4 or 10 nodes)", etags_n[t],
            ElementName(types[t], name, sizeof name), ents[2 * e + 1]);
        ierr = -1;
        break;
      }
      const int order = per == 4 ? 1 : 2;
      if (m->order && m->order != order) {
        Say(msg, len, "it mixes 4-node and 10-node tetrahedra (volume %d); use one element order", ents[2 * e + 1]);
        ierr = -1;
        break;
      }
      m->order = order;
      const size_t nnew = etags_n[t];
      if ((size_t)m->ntets + nnew > cap) {
        cap = ((size_t)m->ntets + nnew) * 2;
        int    *ce = realloc(*cellEntity, cap * sizeof **cellEntity);
        size_t *cn = ce ? realloc(*cellNodes, cap * 4 * sizeof **cellNodes) : NULL;
        if (ce) *cellEntity = ce;
        if (cn) *cellNodes = cn;
        if (!ce || !cn) {
          Say(msg, len, "out of memory for %zu tetrahedra", cap);
          ierr = -1;
          break;
        }
      }
      for (size_t k = 0; k < nnew; k++) {
        (*cellEntity)[m->ntets] = ents[2 * e + 1];
        for (int a = 0; a < 4; a++) (*cellNodes)[4 * m->ntets + a] = ntags[t][per * k + a]; /* corners come first */
        m->ntets++;
      }
    }
    for (size_t t = 0; t < netags; t++) gmshFree(etags[t]);
    for (size_t t = 0; t < nntags; t++) gmshFree(ntags[t]);
    gmshFree(types); gmshFree(etags); gmshFree(etags_n); gmshFree(ntags); gmshFree(ntags_n);
  }
  gmshFree(ents);
  if (ierr > 0) FirstGmshError(msg, len);
  else if (!ierr && m->ntets == 0) Say(msg, len, "it has no tetrahedra (a surface mesh, or the volume was not meshed: gmsh -3)");
  else if (!ierr) rc = 0;
  return rc;
}

/* The group's lower-dimensional elements as corner vertices. */
static int ReadLowerGroup(FtGmshGroup *g, const int *ents, size_t nents, const NodeMap *nm, char *msg, size_t len)
{
  int  ierr = 0;
  long cap  = 0;
  const int corners = g->dim + 1;
  char name[64];

  for (size_t e = 0; e < nents && !ierr; e++) {
    int    *types = NULL;
    size_t  ntypes = 0, **etags = NULL, *etags_n = NULL, netags = 0, **ntags = NULL, *ntags_n = NULL, nntags = 0;
    gmshModelMeshGetElements(&types, &ntypes, &etags, &etags_n, &netags, &ntags, &ntags_n, &nntags, g->dim, ents[e], &ierr);
    for (size_t t = 0; t < ntypes && !ierr; t++) {
      int per = 0;
      switch (types[t]) {
      case GM_POINT: per = 1; break;
      case GM_LINE2: per = 2; break;
      case GM_LINE3: per = 3; break;
      case GM_TRI3: per = 3; break;
      case GM_TRI6: per = 6; break;
      default:
        Say(msg, len, "physical group '%s' has %s elements; ftwin's surfaces are triangles (3 or 6 nodes)", g->name,
            ElementName(types[t], name, sizeof name));
        ierr = -1;
        continue;
      }
      if (g->n + (long)etags_n[t] > cap) {
        cap = (g->n + (long)etags_n[t]) * 2;
        long *it = realloc(g->items, (size_t)cap * (size_t)corners * sizeof *it);
        if (!it) {
          Say(msg, len, "out of memory for physical group '%s'", g->name);
          ierr = -1;
          continue;
        }
        g->items = it;
      }
      for (size_t k = 0; k < etags_n[t] && !ierr; k++) {
        for (int a = 0; a < corners; a++) {
          const size_t tag = ntags[t][(size_t)per * k + a];
          const long   v   = VertexOf(nm, tag);
          if (v < 0) {
            Say(msg, len, "physical group '%s': element %zu uses node %zu, which is not a corner of any tetrahedron "
                "(the group is not on the meshed volume)", g->name, etags[t][k], tag);
            ierr = -1;
            break;
          }
          g->items[(size_t)g->n * (size_t)corners + (size_t)a] = v;
        }
        if (!ierr) g->n++;
      }
    }
    for (size_t t = 0; t < netags; t++) gmshFree(etags[t]);
    for (size_t t = 0; t < nntags; t++) gmshFree(ntags[t]);
    gmshFree(types); gmshFree(etags); gmshFree(etags_n); gmshFree(ntags); gmshFree(ntags_n);
  }
  if (ierr > 0) FirstGmshError(msg, len);
  return ierr != 0;
}

static int ReadGroups(FtGmshMesh *m, const int *cellEntity, const NodeMap *nm, char *msg, size_t len)
{
  int   *dt = NULL, ierr = 0, rc = 0;
  size_t ndt = 0;

  gmshModelGetPhysicalGroups(&dt, &ndt, -1, &ierr);
  if (ierr) {
    FirstGmshError(msg, len);
    return 1;
  }
  m->groups = calloc(ndt / 2 + 1, sizeof *m->groups);
  if (!m->groups) {
    gmshFree(dt);
    Say(msg, len, "out of memory for %zu physical groups", ndt / 2);
    return 1;
  }
  for (size_t i = 0; i < ndt / 2 && !rc; i++) {
    FtGmshGroup *g    = &m->groups[m->ngroups];
    char        *name = NULL;
    int         *ents = NULL;
    size_t       nents = 0;
    g->dim = dt[2 * i];
    g->tag = dt[2 * i + 1];
    gmshModelGetPhysicalName(g->dim, g->tag, &name, &ierr);
    if (ierr || !name || !name[0]) { /* an unnamed group cannot be named in a case file */
      gmshFree(name);
      continue;
    }
    if (strlen(name) >= sizeof g->name) {
      Say(msg, len, "physical group name '%.40s...' is longer than %zu characters", name, sizeof g->name - 1);
      gmshFree(name);
      rc = 1;
      break;
    }
    snprintf(g->name, sizeof g->name, "%s", name);
    gmshFree(name);
    m->ngroups++;
    gmshModelGetEntitiesForPhysicalGroup(g->dim, g->tag, &ents, &nents, &ierr);
    if (ierr) {
      FirstGmshError(msg, len);
      rc = 1;
    } else if (g->dim == 3) {
      g->items = malloc(((size_t)m->ntets + 1) * sizeof *g->items);
      if (!g->items) rc = 1, Say(msg, len, "out of memory for physical group '%s'", g->name);
      for (long c = 0; !rc && c < m->ntets; c++)
        for (size_t e = 0; e < nents; e++)
          if (cellEntity[c] == ents[e]) {
            g->items[g->n++] = c;
            break;
          }
    } else if (g->dim >= 0 && g->dim < 3) {
      rc = ReadLowerGroup(g, ents, nents, nm, msg, len);
    }
    gmshFree(ents);
  }
  gmshFree(dt);
  return rc;
}

/* Nodes -> vertices: the tetrahedra's corner nodes, numbered in gmsh's node order. */
static int BuildVertices(FtGmshMesh *m, const size_t *cellNodes, NodeMap *nm, char *msg, size_t len)
{
  size_t *tags = NULL, ntags = 0, ncoord = 0, npc = 0;
  double *coord = NULL, *pc = NULL;
  int     ierr = 0;

  gmshModelMeshGetNodes(&tags, &ntags, &coord, &ncoord, &pc, &npc, -1, -1, 0, 0, &ierr);
  gmshFree(pc);
  if (ierr || ncoord != 3 * ntags) {
    if (ierr) FirstGmshError(msg, len);
    else Say(msg, len, "gmsh returned %zu coordinates for %zu nodes", ncoord, ntags);
    gmshFree(tags); gmshFree(coord);
    return 1;
  }
  nm->nkeys  = (long)ntags;
  nm->keys   = malloc((ntags + 1) * sizeof *nm->keys);
  nm->vertex = malloc((ntags + 1) * sizeof *nm->vertex);
  m->coords  = malloc((3 * ntags + 1) * sizeof *m->coords);
  m->tets    = malloc((4 * (size_t)m->ntets + 1) * sizeof *m->tets);
  if (!nm->keys || !nm->vertex || !m->coords || !m->tets) {
    Say(msg, len, "out of memory for %zu nodes", ntags);
    gmshFree(tags); gmshFree(coord);
    return 1;
  }
  for (size_t i = 0; i < ntags; i++) {
    nm->keys[i].tag   = tags[i];
    nm->keys[i].index = (long)i;
    nm->vertex[i]     = -1;
  }
  qsort(nm->keys, ntags, sizeof *nm->keys, CmpNodeKey);
  for (size_t i = 1; i < ntags; i++)
    if (nm->keys[i].tag == nm->keys[i - 1].tag) {
      Say(msg, len, "node %zu is defined twice", nm->keys[i].tag);
      gmshFree(tags); gmshFree(coord);
      return 1;
    }
  /* mark corner nodes */
  for (long c = 0; c < m->ntets; c++)
    for (int a = 0; a < 4; a++) {
      NodeKey  key = {cellNodes[4 * c + a], 0};
      NodeKey *f   = bsearch(&key, nm->keys, ntags, sizeof key, CmpNodeKey);
      if (!f) {
        Say(msg, len, "a tetrahedron uses node %zu, which the file does not define", key.tag);
        gmshFree(tags); gmshFree(coord);
        return 1;
      }
      nm->vertex[f->index] = 0;
    }
  for (size_t i = 0; i < ntags; i++)
    if (nm->vertex[i] == 0) {
      nm->vertex[i] = m->nvertices;
      memcpy(&m->coords[3 * m->nvertices], &coord[3 * i], 3 * sizeof(double));
      m->nvertices++;
    }
  for (long c = 0; c < m->ntets; c++) {
    for (int a = 0; a < 4; a++) m->tets[4 * c + a] = VertexOf(nm, cellNodes[4 * c + a]);
    for (int a = 0; a < 4; a++)
      for (int b = a + 1; b < 4; b++)
        if (m->tets[4 * c + a] == m->tets[4 * c + b]) {
          Say(msg, len, "a tetrahedron uses node %zu twice (a degenerate cell)", cellNodes[4 * c + a]);
          gmshFree(tags); gmshFree(coord);
          return 1;
        }
  }
  gmshFree(tags);
  gmshFree(coord);
  return 0;
}

int FtGmshRead(const char *path, FtGmshMesh *m, char *msg, size_t msglen)
{
  int     ierr = 0, rc = 1, *cellEntity = NULL;
  size_t *cellNodes = NULL;
  NodeMap nm = {NULL, 0, NULL};

  memset(m, 0, sizeof *m);
  msg[0] = 0;
  struct stat st;
  if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
    Say(msg, msglen, "it is a folder, not a file");
    return 1;
  }
  FILE *probe = fopen(path, "rb");
  if (!probe || fgetc(probe) == EOF) {
    Say(msg, msglen, probe ? "the file is empty" : "cannot read it");
    if (probe) fclose(probe);
    return 1;
  }
  fclose(probe);
  /* argc 0: gmsh must not see ftwin's (or PETSc's) options; it exits on ones it does not know */
  gmshInitialize(0, NULL, 0, &ierr);
  if (ierr) {
    Say(msg, msglen, "the gmsh library failed to start");
    return 1;
  }
  gmshOptionSetNumber("General.Terminal", 0, &ierr);      /* no output of its own: we report */
  gmshOptionSetNumber("General.AbortOnError", 3, &ierr);  /* an error returns, never exits */
  gmshOptionSetNumber("General.NumThreads", 1, &ierr);
  gmshLoggerStart(&ierr);
  gmshOpen(path, &ierr);
  if (ierr) {
    FirstGmshError(msg, msglen);
    if (!msg[0]) Say(msg, msglen, "gmsh could not read it");
  } else if (!ReadVolume(m, &cellEntity, &cellNodes, msg, msglen) && !BuildVertices(m, cellNodes, &nm, msg, msglen) &&
             !ReadGroups(m, cellEntity, &nm, msg, msglen)) {
    rc = 0;
  }
  free(cellEntity);
  free(cellNodes);
  free(nm.keys);
  free(nm.vertex);
  gmshLoggerStop(&ierr);
  gmshFinalize(&ierr);
  if (rc) FtGmshMeshFree(m);
  return rc;
}
