/* `ftwin verify FILE.h5 [--inputs]` (app/verify.h; docs/provenance.md). */
#include "app/verify.h"

#include <stdio.h>

#include "io/seal.h"

PetscErrorCode FtVerifyRun(MPI_Comm comm, const char *path, int check_inputs, int *exit_code)
{
  PetscMPIInt    rank;
  FtVerifyResult r;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0) {
    FtSealVerify(path, check_inputs, stdout, &r);
    if (r.code == FT_VERIFY_INTACT) {
      printf("ftwin verify: %s: intact: %d run record%s in an unbroken chain; results (%d objects, %.1f MB) as the last run wrote them", path,
             r.runs, r.runs == 1 ? "" : "s", r.objects, (double)r.bytes / 1e6);
      if (check_inputs)
        printf("; inputs: %d unchanged, %d grown since (their read part unchanged), %d no longer present", r.inputs_same, r.inputs_grown,
               r.inputs_absent);
      printf(" (%.2f s)\n", r.seconds);
    } else if (r.code == FT_VERIFY_UNCHECKABLE) printf("ftwin verify: %s: cannot be checked (exit code 1)\n", path);
    else
      printf("ftwin verify: %s: NOT intact (exit code %d:%s%s%s)\n", path, r.code, r.code & FT_VERIFY_RECORDS ? " run records altered" : "",
             r.code & FT_VERIFY_RESULTS ? " results changed" : "", r.code & FT_VERIFY_INPUTS ? " inputs changed" : "");
    fflush(stdout);
  }
  PetscCallMPI(MPI_Bcast(&r.code, 1, MPI_INT, 0, comm));
  *exit_code = r.code;
  PetscFunctionReturn(0);
}
