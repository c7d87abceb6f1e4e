/* The `ftwin run` pipeline: case -> mesh -> space -> thermal -> elasticity -> recovery -> output. */
#ifndef FT_RUN_H
#define FT_RUN_H
#include <petscsys.h>

#include "case.h"

typedef struct {
  const char *case_path;
  const char *backend; /* auto | cpu | cuda */
  const char *output;  /* overrides output.file when not NULL */
  int         incremental; /* ftwin fatigue --incremental: continue the output's counting state;
                              ftwin basis --reuse: keep an existing basis of the same design */
  const char *basis;       /* ftwin calibrate --basis B: the design basis from `ftwin basis` (no FE solve unless needed) */
  int         asset;       /* ftwin asset: the incremental asset run (continues the asset file's state) */
  int         recalibrate; /* ftwin asset --recalibrate: fit again, the previous posterior as prior */
} FtRunOptions;

PetscErrorCode FtRun(MPI_Comm comm, const FtRunOptions *opt);

/* Rank 0 reads the case file, every rank parses the same text: all ranks agree on every error. */
PetscErrorCode FtCaseLoadCollective(MPI_Comm comm, const char *path, FtCase *c);
#endif
