/* Fuzzes the solver's side of the mesh reader's pipe (FtGmshMeshReceive): whatever bytes the
 * helper process leaves (cut short by a crash, or garbage), the parent gets a mesh whose every
 * index is in range, or one message. */
#include "fuzz_common.h"
#include "mesh/gmsh_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  FILE      *in = fmemopen((void *)data, size ? size : 1, "rb");
  char       err[1024] = "";
  FtGmshMesh m;
  if (!in) abort();
  if (!size) fgetc(in); /* an empty stream */
  int rc = FtGmshMeshReceive(in, &m, err, sizeof err);
  fclose(in);
  FuzzCheckMessage(rc, err);
  if (!rc) {
    for (long k = 0; k < 4 * m.ntets; k++)
      if (m.tets[k] < 0 || m.tets[k] >= m.nvertices) abort();
    FtGmshMeshFree(&m);
  }
  return 0;
}
