#include "runtime/log.h"

#include <stdarg.h>
#include <stdio.h>

static PetscBool   ft_quiet = PETSC_FALSE;
static PetscLogDouble ft_t0 = -1.0;

void      FtLogSetQuiet(PetscBool quiet) { ft_quiet = quiet; }
PetscBool FtLogQuiet(void) { return ft_quiet; }

double FtWallTime(void)
{
  PetscLogDouble t;
  PetscTime(&t);
  if (ft_t0 < 0) ft_t0 = t;
  return (double)(t - ft_t0);
}

PetscErrorCode FtLogInfo(const char *fmt, ...)
{
  PetscMPIInt rank;
  char        buf[1024];
  va_list     ap;

  PetscFunctionBeginUser;
  if (ft_quiet) PetscFunctionReturn(0);
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  if (rank == 0) {
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    printf("[%8.2f s] %s\n", FtWallTime(), buf);
    fflush(stdout);
  }
  PetscFunctionReturn(0);
}

PetscLogEvent FT_EV_MESH, FT_EV_SPACE, FT_EV_THERMAL, FT_EV_STIFFNESS, FT_EV_COO, FT_EV_LOADS, FT_EV_SOLVE, FT_EV_RECOVERY,
  FT_EV_OUTPUT;

PetscErrorCode FtLogRegisterEvents(void)
{
  PetscClassId id;

  PetscFunctionBeginUser;
  PetscCall(PetscClassIdRegister("ftwin", &id));
  PetscCall(PetscLogEventRegister("FtMeshLoad", id, &FT_EV_MESH));
  PetscCall(PetscLogEventRegister("FtSpaceCreate", id, &FT_EV_SPACE));
  PetscCall(PetscLogEventRegister("FtThermalSolve", id, &FT_EV_THERMAL));
  PetscCall(PetscLogEventRegister("FtElemStiffness", id, &FT_EV_STIFFNESS));
  PetscCall(PetscLogEventRegister("FtAssembleCOO", id, &FT_EV_COO));
  PetscCall(PetscLogEventRegister("FtLoadVectors", id, &FT_EV_LOADS));
  PetscCall(PetscLogEventRegister("FtElastSolve", id, &FT_EV_SOLVE));
  PetscCall(PetscLogEventRegister("FtStressRecover", id, &FT_EV_RECOVERY));
  PetscCall(PetscLogEventRegister("FtOutputWrite", id, &FT_EV_OUTPUT));
  PetscFunctionReturn(0);
}
