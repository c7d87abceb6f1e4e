#define _POSIX_C_SOURCE 200809L
#include "runtime/stop.h"

#include <signal.h>
#include <string.h>

static volatile sig_atomic_t ft_stop_signal = 0;
static int                   ft_exit_code   = 0;

static void OnStop(int sig) { ft_stop_signal = sig; }

void FtStopInstall(void)
{
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = OnStop;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGUSR1, &sa, NULL);
}

PetscErrorCode FtStopRequested(MPI_Comm comm, PetscBool *stop)
{
  int s = ft_stop_signal != 0;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &s, 1, MPI_INT, MPI_MAX, comm));
  *stop = s ? PETSC_TRUE : PETSC_FALSE;
  PetscFunctionReturn(0);
}

void FtSetExitCode(int code) { ft_exit_code = code; }
int  FtExitCode(void) { return ft_exit_code; }
