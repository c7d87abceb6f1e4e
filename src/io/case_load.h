/* The case file read once and parsed on every rank. */
#ifndef FT_CASE_LOAD_H
#define FT_CASE_LOAD_H
#include <petscsys.h>

#include "case/case.h"

/* Rank 0 reads the case file, every rank parses the same text: all ranks agree on every error. */
PetscErrorCode FtCaseLoadCollective(MPI_Comm comm, const char *path, FtCase *c);
#endif
