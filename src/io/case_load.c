#include "io/case_load.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/provenance.h"

PetscErrorCode FtCaseLoadCollective(MPI_Comm comm, const char *path, FtCase *c)
{
  PetscMPIInt rank;
  long        len = 0;
  char       *text = NULL, err[1024] = "";
  int         rc;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0) {
    FILE *f = fopen(path, "rb");
    if (!f) {
      snprintf(err, sizeof err, "%s: cannot read case file: %s", path, strerror(errno));
      len = -1;
    } else {
      fseek(f, 0, SEEK_END);
      len = ftell(f);
      fseek(f, 0, SEEK_SET);
      text = malloc((size_t)len + 1);
      if (!text || fread(text, 1, (size_t)len, f) != (size_t)len) {
        snprintf(err, sizeof err, "%s: cannot read case file", path);
        len = -1;
      } else text[len] = 0;
      fclose(f);
    }
  }
  PetscCallMPI(MPI_Bcast(&len, 1, MPI_LONG, 0, comm));
  if (len < 0) {
    free(text);
    PetscCallMPI(MPI_Bcast(err, sizeof err, MPI_CHAR, 0, comm));
    SETERRQ(comm, PETSC_ERR_FILE_OPEN, "%s", err);
  }
  if (rank) text = malloc((size_t)len + 1);
  PetscCheck(text, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory reading %s", path);
  PetscCallMPI(MPI_Bcast(text, (int)len + 1, MPI_CHAR, 0, comm));
  rc = FtCaseParseBytes(path, text, (size_t)len, c, err, sizeof err);
  if (!rc) PetscCall(FtProvenanceInputBytes(comm, "case", path, text, (size_t)len)); /* the bytes parsed */
  free(text);
  PetscCheck(!rc, comm, PETSC_ERR_USER_INPUT, "%s", err);
  if (c->fatigue.library[0]) PetscCall(FtProvenanceInput(comm, "material_library", c->fatigue.library));
  PetscFunctionReturn(0);
}
