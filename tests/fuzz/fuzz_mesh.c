/* Fuzzes the mesh reader (src/mesh/gmsh_read.c over gmsh's own library): any file gives cell
 * lists that are consistent, or one message; never a crash or a hang. */
#include "fuzz_common.h"
#include "mesh/gmsh_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const char *path = FuzzFile(data, size, "msh");
  char        err[1024] = "";
  FtGmshMesh  m;
  int         rc = FtGmshRead(path, &m, err, sizeof err);
  FuzzCheckMessage(rc, err);
  if (!rc) { /* what ftwin builds its DMPlex from must be in range */
    for (long k = 0; k < 4 * m.ntets; k++)
      if (m.tets[k] < 0 || m.tets[k] >= m.nvertices) abort();
    for (int g = 0; g < m.ngroups; g++) {
      const FtGmshGroup *gr = &m.groups[g];
      const long n = gr->dim == 3 ? gr->n : gr->n * (gr->dim + 1), bound = gr->dim == 3 ? m.ntets : m.nvertices;
      for (long k = 0; k < n; k++)
        if (gr->items[k] < 0 || gr->items[k] >= bound) abort();
    }
    FtGmshMeshFree(&m);
  }
  return 0;
}
