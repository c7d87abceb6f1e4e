/* replay_mesh_isolated HELPER FILE: reads FILE the way ftwin does (FtGmshReadIsolated: gmsh in the
 * helper process with limits) and checks the contract: a mesh with every index in range, or exit
 * status 1 with one clean one-line message. Used by scripts/fuzz.sh on every file that made gmsh's
 * own reader crash, hang or run out of memory. Exit 0: handled; 1: not. */
#include <stdio.h>
#include <string.h>

#include "mesh/gmsh_read.h"

int main(int argc, char **argv)
{
  FtGmshMesh m;
  char       msg[1024] = "";
  if (argc != 3) {
    fprintf(stderr, "usage: replay_mesh_isolated HELPER FILE\n");
    return 2;
  }
  int rc = FtGmshReadIsolated(argv[1], argv[2], &m, msg, sizeof msg);
  if (rc) {
    int clean = msg[0] && !strpbrk(msg, "\n\r");
    printf("%s: %s: %s\n", argv[2], clean ? "refused" : "NOT CLEAN", msg);
    return !clean;
  }
  for (long k = 0; k < 4 * m.ntets; k++)
    if (m.tets[k] < 0 || m.tets[k] >= m.nvertices) {
      printf("%s: index out of range\n", argv[2]);
      return 1;
    }
  printf("%s: read (%ld vertices, %ld tetrahedra)\n", argv[2], m.nvertices, m.ntets);
  FtGmshMeshFree(&m);
  return 0;
}
