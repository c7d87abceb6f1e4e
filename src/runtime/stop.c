#define _POSIX_C_SOURCE 200809L
#include "runtime/stop.h"

#include <signal.h>
#include <string.h>

static volatile sig_atomic_t ft_stop_signal = 0;
static int                   ft_exit_code   = 0;

static void OnStop(int sig) { ft_stop_signal = sig; }

static void StopSignals(sigset_t *set)
{
  sigemptyset(set);
  sigaddset(set, SIGTERM);
  sigaddset(set, SIGUSR1);
}

void FtStopBlock(void)
{
  sigset_t set;
  StopSignals(&set);
  sigprocmask(SIG_BLOCK, &set, NULL);
}

void FtStopInstall(void)
{
  struct sigaction sa;
  sigset_t         set;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = OnStop;
  sa.sa_flags   = SA_RESTART; /* a read or write the signal interrupts goes on (without it: EINTR, a failed mesh read) */
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGUSR1, &sa, NULL);
  StopSignals(&set);
  sigprocmask(SIG_UNBLOCK, &set, NULL); /* a signal pending since FtStopBlock() is handled now */
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
