/* A gmsh .msh file (2.2 or 4.x, ASCII or binary, first or second order) read with gmsh's own
 * library, the reference implementation of the format, into plain cell lists. Pure C and libgmsh:
 * no PETSc, no MPI (the fuzz harness tests/fuzz/fuzz_mesh.c drives it directly). */
#ifndef FT_GMSH_READ_H
#define FT_GMSH_READ_H
#include <stddef.h>
#include <stdio.h>

/* One physical group: its elements as lists of corner vertices (indices into FtGmshMesh.coords).
 * dim 3: the cells (indices into FtGmshMesh.tets) instead. */
typedef struct {
  int    dim, tag;
  char   name[128];
  long   n;        /* elements of the group */
  long  *items;    /* dim 0..2: n * (dim + 1) vertex indices; dim 3: n cell indices */
} FtGmshGroup;

typedef struct {
  long         nvertices;  /* the tetrahedra's corner nodes (mid-edge nodes are not vertices) */
  double      *coords;     /* [nvertices][3], mesh units */
  long         ntets;
  long        *tets;       /* [ntets][4] vertex indices in gmsh's corner order */
  int          order;      /* 1: 4-node tetrahedra, 2: 10-node (mid-edge nodes ignored: straight edges) */
  int          ngroups;
  FtGmshGroup *groups;     /* named physical groups of every dimension */
} FtGmshMesh;

/* Reads `path` in this process. Returns 0 on success; otherwise 1 with `msg` saying what is wrong
 * with the file (gmsh's own diagnosis where it has one, e.g. "Wrong node index 89").
 * gmsh 4.8's reader itself can crash, hang or exhaust memory on some malformed files (found by
 * tests/fuzz/fuzz_mesh), so ftwin calls it only inside the helper process ftwin-read-mesh
 * (FtGmshReadIsolated), never in the solver process. */
int  FtGmshRead(const char *path, FtGmshMesh *m, char *msg, size_t msglen);
void FtGmshMeshFree(FtGmshMesh *m);

/* The helper's side: the result of FtGmshRead (rc, message, mesh) as a binary stream. */
int FtGmshMeshSend(FILE *out, int rc, const char *msg, const FtGmshMesh *m);
/* The parent's side: reads such a stream, checking every count and index (the stream may be cut
 * short by a crashed helper). Returns 0 with *m filled, or 1 with msg. */
int FtGmshMeshReceive(FILE *in, FtGmshMesh *m, char *msg, size_t msglen);
/* Runs `helper` (the ftwin-read-mesh executable) on `path` with limits on its CPU time and memory
 * and receives the mesh. A crash, a limit hit or a message of the helper becomes 1 with msg. */
int FtGmshReadIsolated(const char *helper, const char *path, FtGmshMesh *m, char *msg, size_t msglen);
#endif
