/* `ftwin run`: case -> mesh -> space -> thermal -> elasticity -> recovery -> output. */
#ifndef FT_RUN_H
#define FT_RUN_H
#include <petscsys.h>

typedef struct {
  const char *case_path;
  const char *backend; /* auto | cpu | cuda */
  const char *output;  /* overrides output.file when not NULL */
} FtRunOptions;

PetscErrorCode FtRun(MPI_Comm comm, const FtRunOptions *opt);
#endif
