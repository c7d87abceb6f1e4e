/* `ftwin verify FILE.h5 [--inputs]`: checks a results file's provenance record (io/seal.h). */
#ifndef FT_APP_VERIFY_H
#define FT_APP_VERIFY_H
#include <petscsys.h>

/* Rank 0 checks `path` and prints one line per finding and a last line with the verdict;
 * *exit_code (every rank): FT_VERIFY_* bits of io/seal.h, 0 when intact. */
PetscErrorCode FtVerifyRun(MPI_Comm comm, const char *path, int check_inputs, int *exit_code);
#endif
