/* Stopping at a safe point. Slurm sends SIGUSR1 (with #SBATCH --signal=B:USR1@T) or SIGTERM before
 * a job's time limit; ftwin notes the signal, and long loops that can keep their state (the
 * fatigue counting) check FtStopRequested() between chunks, write what they have, and the program
 * exits with FT_EXIT_REQUEUE so the job script knows to requeue and the next run continues. */
#ifndef FT_STOP_H
#define FT_STOP_H
#include <petscsys.h>

#define FT_EXIT_REQUEUE 75 /* EX_TEMPFAIL: stopped on request, state saved, run again to continue */

void FtStopInstall(void);  /* SIGTERM and SIGUSR1 set the stop flag (call after PetscInitialize) */
/* Collective: 1 on every rank when any rank got the signal. */
PetscErrorCode FtStopRequested(MPI_Comm comm, PetscBool *stop);
void           FtSetExitCode(int code);
int            FtExitCode(void); /* 0 unless set */
#endif
