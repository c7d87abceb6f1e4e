/* Progress and timing output on rank 0 (quiet with -q). */
#ifndef FT_LOG_H
#define FT_LOG_H
#include <petscsys.h>

void           FtLogSetQuiet(PetscBool quiet);
PetscBool      FtLogQuiet(void);
/* printf-like; prints on rank 0 of PETSC_COMM_WORLD with the elapsed wall time in front */
PetscErrorCode FtLogInfo(const char *fmt, ...) PETSC_ATTRIBUTE_FORMAT(1, 2);
double         FtWallTime(void);

/* PETSc log events for ftwin's phases (shown by -log_view). */
extern PetscLogEvent FT_EV_MESH, FT_EV_SPACE, FT_EV_THERMAL, FT_EV_STIFFNESS, FT_EV_COO, FT_EV_LOADS, FT_EV_SOLVE,
  FT_EV_RECOVERY, FT_EV_OUTPUT;
PetscErrorCode FtLogRegisterEvents(void);
#endif
